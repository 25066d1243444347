import { sql } from 'kysely';
import type { TenantDb } from '../../platform/db/tenant-db.ts';
import { DEFAULT_HEALTH_MODEL, healthModelSchema, type HealthModel } from './health-model.ts';
import {
  scoredWeek,
  scoreWeek,
  statusOf,
  windowDimensions,
  windowScore,
  type WeekScore,
  type WeekUsage,
} from './health.rules.ts';

/** The model in force: the highest saved version, or the defaults as version 0 when none is saved. */
export async function loadHealthModel(tdb: TenantDb): Promise<{ version: number; model: HealthModel }> {
  const row = await tdb.one(sql<{ version: number; config: unknown }>`select version, config from health_model
    where tenant_id = ${tdb.tenantId} order by version desc limit 1`);
  if (!row) return { version: 0, model: DEFAULT_HEALTH_MODEL };
  // a version saved by an older release may miss keys added since (at any depth): the defaults
  // fill them in
  const parsed = healthModelSchema.safeParse(withDefaults(DEFAULT_HEALTH_MODEL, row.config));
  return { version: row.version, model: parsed.success ? parsed.data : DEFAULT_HEALTH_MODEL };
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** `stored` over `defaults`, object by object (arrays and values are taken whole from `stored`). */
export function withDefaults(defaults: unknown, stored: unknown): unknown {
  if (!isPlainObject(defaults) || !isPlainObject(stored)) return stored === undefined ? defaults : stored;
  const out: Record<string, unknown> = { ...defaults };
  for (const [k, v] of Object.entries(stored)) out[k] = k in defaults ? withDefaults(defaults[k], v) : v;
  return out;
}

/** Stores a new version (the caller validated it); returns its number. */
export async function saveHealthModel(
  tx: TenantDb,
  model: HealthModel,
  userId: string | null,
): Promise<number> {
  await tx.exec0(sql`select pg_advisory_xact_lock(hashtext('health_model:' || ${tx.tenantId}))`);
  const row = await tx.one(sql<{ v: number }>`select coalesce(max(version), 0) + 1 as v from health_model
    where tenant_id = ${tx.tenantId}`);
  const version = row?.v ?? 1;
  await tx.exec0(sql`insert into health_model (tenant_id, version, config, created_by)
    values (${tx.tenantId}, ${version}, ${JSON.stringify(model)}::jsonb, ${userId})`);
  return version;
}

/** ARR per customer on `day` (active ledger lines covering it), base-currency minor units. */
export async function arrOn(tdb: TenantDb, day: string): Promise<Map<string, number>> {
  const rows = await tdb.query(sql<{
    account_id: string;
    arr: string;
  }>`select account_id, sum(arr)::text as arr
    from subscription_line where tenant_id = ${tdb.tenantId} and status = 'active' and arr > 0
      and service_start <= ${day}::date and service_end >= ${day}::date
    group by account_id`);
  return new Map(rows.map((r) => [r.account_id, Number(r.arr)]));
}

/**
 * Customers delayed (延期) on `day`: a due renewal on or before it that passed without renewal
 * (overdue or churned) and no subscription started after it since (a win-back ends the delay).
 */
export async function delayedOn(tdb: TenantDb, day: string): Promise<Set<string>> {
  const rows = await tdb.query(sql<{ account_id: string }>`select distinct r.account_id from due_renewal r
    where r.tenant_id = ${tdb.tenantId} and r.deleted_at is null and r.status in ('overdue', 'churned')
      and r.due_date <= ${day}::date
      and not exists (select 1 from subscription_line l where l.tenant_id = r.tenant_id and l.account_id = r.account_id
        and l.status = 'active' and l.service_start > r.due_date and l.service_start <= ${day}::date)`);
  return new Set(rows.map((r) => r.account_id));
}

interface WeekRow {
  account_id: string;
  wk: string;
  purchased_seats: number;
  activated_seats: number;
  logged_in_users_7d: number;
  bi_users_7d: number;
  modules: Record<string, number>;
}

interface LatestRow {
  account_id: string;
  quotas: Record<string, { used: number; limit: number }> | null;
  admin_user: string | null;
  department_heads: string[] | null;
}

/** Per customer and week of the window: module record sums and the last day's seat counts. */
async function usageWeeks(tdb: TenantDb, from: string, to: string): Promise<WeekRow[]> {
  return tdb.query(sql<WeekRow>`with u as (
      select account_id, (day - (extract(isodow from day)::int - 1))::date as wk, day, purchased_seats,
        activated_seats, logged_in_users_7d, bi_users_7d, module_records
      from usage_daily where tenant_id = ${tdb.tenantId} and day between ${from}::date and ${to}::date
    ), last as (
      select distinct on (account_id, wk) account_id, wk, purchased_seats, activated_seats, logged_in_users_7d, bi_users_7d
      from u order by account_id, wk, day desc
    ), mods as (
      select account_id, wk, jsonb_object_agg(k, n) as modules from (
        select u.account_id, u.wk, e.key as k, sum(e.value::numeric)::bigint as n
        from u cross join lateral jsonb_each_text(u.module_records) e group by 1, 2, 3) x
      group by 1, 2
    )
    select l.account_id, to_char(l.wk, 'YYYY-MM-DD') as wk, l.purchased_seats, l.activated_seats,
      l.logged_in_users_7d, l.bi_users_7d, coalesce(m.modules, '{}'::jsonb) as modules
    from last l left join mods m on m.account_id = l.account_id and m.wk = l.wk
    order by l.account_id, l.wk`);
}

async function latestRows(tdb: TenantDb, from: string, to: string): Promise<Map<string, LatestRow>> {
  const rows =
    await tdb.query(sql<LatestRow>`select distinct on (account_id) account_id, quotas, admin_user, department_heads
    from usage_daily where tenant_id = ${tdb.tenantId} and day between ${from}::date and ${to}::date
    order by account_id, day desc`);
  return new Map(rows.map((r) => [r.account_id, r]));
}

export interface ScoreRun {
  week_start: string;
  model_version: number;
  scored: number;
  no_data: number;
  by_status: Record<string, number>;
}

/** One customer's snapshot as the weekly run computes it (pure: usage weeks in, snapshot out). */
export function snapshotOf(
  model: HealthModel,
  weeks: WeekUsage[],
  delayed: boolean,
): {
  score: number | null;
  status: ReturnType<typeof statusOf>;
  weekScores: WeekScore[];
  dimensions: ReturnType<typeof windowDimensions>;
} {
  const weekScores = weeks.map((w) => scoreWeek(model, w));
  const score = windowScore(weekScores.map((w) => w.total));
  return {
    score,
    status: statusOf(model, score, delayed),
    weekScores,
    dimensions: windowDimensions(weekScores),
  };
}

/**
 * The weekly health run for `asOf` (docs/HEALTH.md): scores the last complete week before it for
 * every customer with ARR on that week's Sunday or with telemetry in the window, and stores one
 * snapshot each (a rerun of the same week replaces it). Renewal probability starts as score ÷ 100;
 * the renewal model, when trained, replaces it (renewal-model.service.ts).
 */
export async function scoreCustomers(tdb: TenantDb, asOf: string): Promise<ScoreRun> {
  const { version, model } = await loadHealthModel(tdb);
  const { weekStart, windowStart, weekEnd } = scoredWeek(asOf, model.windowWeeks);
  const [weeks, latest, arr, delayed] = await Promise.all([
    usageWeeks(tdb, windowStart, weekEnd),
    // quotas, admin and department heads as of the scored week only: a customer silent this week
    // raises no quota or key-person alert from older data
    latestRows(tdb, weekStart, weekEnd),
    arrOn(tdb, weekEnd),
    delayedOn(tdb, weekEnd),
  ]);
  const byAccount = new Map<string, WeekUsage[]>();
  for (const r of weeks) {
    const list = byAccount.get(r.account_id) ?? [];
    list.push({
      weekStart: r.wk,
      modules: Object.fromEntries(Object.entries(r.modules).map(([k, v]) => [k, Number(v)])),
      purchasedSeats: r.purchased_seats,
      activatedSeats: r.activated_seats,
      loggedInUsers7d: r.logged_in_users_7d,
      biUsers7d: r.bi_users_7d,
    });
    byAccount.set(r.account_id, list);
  }
  const accounts = new Set<string>([...arr.keys(), ...byAccount.keys()]);
  const rows: Record<string, unknown>[] = [];
  const byStatus: Record<string, number> = { healthy: 0, sub_healthy: 0, unhealthy: 0, no_data: 0 };
  for (const id of accounts) {
    const s = snapshotOf(model, byAccount.get(id) ?? [], delayed.has(id));
    byStatus[s.status] = (byStatus[s.status] ?? 0) + 1;
    const last = s.weekScores.at(-1);
    const lastWeek = byAccount.get(id)?.at(-1);
    const l = latest.get(id);
    rows.push({
      account_id: id,
      score: s.score,
      status: s.status,
      delayed: delayed.has(id),
      dimensions: s.dimensions,
      weekly_totals: s.weekScores.map((w) => ({ week_start: w.weekStart, total: w.total })),
      login_rate:
        last && lastWeek && lastWeek.weekStart === weekStart ? last.dimensions.login_rate.raw : null,
      quotas: l?.quotas ?? null,
      admin_user: l?.admin_user ?? null,
      department_heads: l?.department_heads ?? null,
      arr: arr.get(id) ?? 0,
      probability: s.score === null ? null : Math.round(s.score * 100) / 10000,
    });
  }
  await tdb.transaction(async (tx) => {
    // two runs of the same week (a manual run beside the schedule) write one after the other
    await tx.exec0(
      sql`select pg_advisory_xact_lock(hashtext('health_snapshot:' || ${tx.tenantId} || ${weekStart}))`,
    );
    await tx.exec0(
      sql`delete from health_snapshot where tenant_id = ${tx.tenantId} and week_start = ${weekStart}::date`,
    );
    for (let i = 0; i < rows.length; i += 2000) {
      const chunk = JSON.stringify(rows.slice(i, i + 2000));
      await tx.exec0(sql`insert into health_snapshot (tenant_id, account_id, week_start, model_version, score, status,
          delayed, dimensions, weekly_totals, login_rate, quotas, admin_user, department_heads, arr, probability)
        select ${tx.tenantId}, x.account_id, ${weekStart}::date, ${version}, x.score, x.status, x.delayed, x.dimensions,
          x.weekly_totals, x.login_rate, x.quotas, x.admin_user, x.department_heads, x.arr, x.probability
        from jsonb_to_recordset(${chunk}::jsonb) as x(account_id uuid, score numeric, status text, delayed boolean,
          dimensions jsonb, weekly_totals jsonb, login_rate numeric, quotas jsonb, admin_user text,
          department_heads text[], arr bigint, probability numeric)`);
    }
  });
  return {
    week_start: weekStart,
    model_version: version,
    scored: rows.length,
    no_data: byStatus.no_data ?? 0,
    by_status: byStatus,
  };
}
