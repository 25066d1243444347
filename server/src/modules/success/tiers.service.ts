import { sql, type RawBuilder } from 'kysely';
import { z } from 'zod';
import type { Platform } from '../../platform/platform.ts';
import { can, type Actor } from '../../platform/access/permissions.ts';
import { TenantDb } from '../../platform/db/tenant-db.ts';
import { forbidden, invalid, type FieldIssue } from '../../platform/http/errors.ts';
import { zodIssues } from '../../platform/http/zod-issues.ts';
import { writeAudit } from '../../platform/audit/audit.ts';
import { isLocale, type Locale } from '../../platform/i18n/i18n.ts';
import { servedAccounts } from '../accounts/scopes.ts';
import {
  customerTouch,
  normalise,
  tierSettingsIssues,
  tierSettingsOf,
  tierSettingsSchema,
  touchRate,
  touchRateBy,
  trendPoints,
  touchTypesSchema,
  tierSchema,
  type CustomerTouch,
  type Period,
  type RateCell,
  type TierRule,
  type TierSettings,
  type TouchKind,
  type TouchStatus,
  type TouchTypes,
} from './tiers.rules.ts';

/**
 * Service tiers, cadence and touch rate (翻动率, DOMAIN.md §6.6, docs/ENGAGEMENT.md): the tier
 * settings, the customers' tiers on a day (account_tier_history), their latest touches and the
 * touch-rate and overdue views, over the customers the caller serves (a CSM their book, a CS
 * director their departments', an administrator all — accounts' servedAccounts scope).
 */

/** The tenant's tier rules and touch mapping (settings.success.serviceTiers, defaults filled in). */
export async function loadTierSettings(tdb: TenantDb): Promise<TierSettings> {
  const r = await tdb.one(sql<{ s: unknown }>`select settings->'success'->'serviceTiers' as s
    from tenant where id = ${tdb.tenantId}`);
  return tierSettingsOf(r?.s);
}

/** The tier's name as people read it: its label, else "A 级服务" / "Tier A". */
export const tierName = (t: Pick<TierRule, 'key' | 'label'>, locale: Locale): string =>
  t.label ?? (locale === 'zh-CN' ? `${t.key} 级服务` : `Tier ${t.key}`);

/** People's languages (their own, else the tenant's). */
export async function localesOf(tx: TenantDb, userIds: string[]): Promise<Map<string, Locale>> {
  if (!userIds.length) return new Map();
  const rows = await tx.query(sql<{ id: string; locale: string | null }>`select u.id,
      coalesce(u.locale, t.locale) as locale
    from app_user u join tenant t on t.id = u.tenant_id
    where u.tenant_id = ${tx.tenantId} and u.id = any(${userIds}::uuid[])`);
  return new Map(rows.map((r) => [r.id, isLocale(r.locale) ? r.locale : 'zh-CN']));
}

/**
 * The active members of a tier's team: the listed users; with none listed, the active users with
 * role `csm` in the department and the departments below it; with neither, every active `csm`.
 */
export async function teamMembers(tdb: TenantDb, team: TierRule['team']): Promise<string[]> {
  const t = tdb.tenantId;
  if (team.user_ids.length) {
    const rows = await tdb.query(sql<{ id: string }>`select id from app_user
      where tenant_id = ${t} and status = 'active' and id = any(${team.user_ids}::uuid[]) order by id`);
    return rows.map((r) => r.id);
  }
  const inDepartment =
    team.department_id === null
      ? sql`true`
      : sql`u.department_id in (with recursive d as (
            select id from department where tenant_id = ${t} and id = ${team.department_id}
            union all
            select c.id from department c join d on c.parent_id = d.id where c.tenant_id = ${t})
          select id from d)`;
  const rows = await tdb.query(sql<{ id: string }>`select u.id from app_user u
    join role r on r.tenant_id = u.tenant_id and r.id = u.role_id
    where u.tenant_id = ${t} and u.status = 'active' and r.key = 'csm' and ${inDepartment}
    order by u.id`);
  return rows.map((r) => r.id);
}

export interface BookRow {
  account_id: string;
  account_name: string;
  csm_id: string | null;
  csm_name: string | null;
  tier_key: string;
  since: string;
}

/**
 * Customers in a tier on each of `days` (the latest history row on or before the day) that `where`
 * lets through (over alias `t` = account), with their CSM now: one list per day, by name. One
 * statement for all the days (the touch-rate trend asks for six).
 */
export async function booksOn(
  tdb: TenantDb,
  days: string[],
  where: RawBuilder<boolean>,
): Promise<BookRow[][]> {
  if (!days.length) return [];
  const rows = await tdb.query(sql<BookRow & { i: number }>`select d.i::int as i, h.account_id,
      t.name as account_name, t.csm_id, u.name as csm_name, h.tier_key, to_char(h.since, 'YYYY-MM-DD') as since
    from unnest(${days}::date[]) with ordinality as d(day, i)
    cross join lateral (select distinct on (account_id) account_id, tier_key, since from account_tier_history
        where tenant_id = ${tdb.tenantId} and effective_on <= d.day
        order by account_id, effective_on desc) h
    join account t on t.tenant_id = ${tdb.tenantId} and t.id = h.account_id and t.deleted_at is null
    left join app_user u on u.tenant_id = t.tenant_id and u.id = t.csm_id
    where h.tier_key is not null and ${where}
    order by d.i, t.name, t.id`);
  const out = days.map((): BookRow[] => []);
  for (const r of rows)
    out[r.i - 1]?.push({
      account_id: r.account_id,
      account_name: r.account_name,
      csm_id: r.csm_id,
      csm_name: r.csm_name,
      tier_key: r.tier_key,
      since: r.since,
    });
  return out;
}

/**
 * The latest touch day (tenant calendar) per customer and kind on or before each of `days`: an
 * activity on the customer whose type the kind counts, that has happened (dated up to the end of
 * the day and not after now — a planned visit is no touch yet) and is not deleted. Whoever logged
 * it. One pass over the touches for all the days (a filtered max per day), one map per day.
 */
export async function lastTouchesOn(
  tdb: TenantDb,
  accountIds: string[],
  types: TouchTypes,
  days: string[],
  tz: string,
): Promise<Map<string, Partial<Record<TouchKind, string | null>>>[]> {
  if (!accountIds.length || !days.length) return days.map(() => new Map());
  const all = [...new Set([...types.call, ...types.visit])];
  const until = days.reduce((a, b) => (a > b ? a : b));
  const upTo = (kind: 'is_call' | 'is_visit') =>
    sql.join(
      days.map(
        (d) =>
          sql`to_char(max(x.day) filter (where ${sql.ref(`x.${kind}`)} and x.day <= ${d}::date), 'YYYY-MM-DD')`,
      ),
    );
  // the day of each touch computed once (materialized), not once per filtered max
  const rows = await tdb.query(sql<{
    account_id: string;
    call: (string | null)[];
    visit: (string | null)[];
  }>`with
    x as materialized (select a.account_id, (a.occurred_at at time zone ${tz})::date as day,
        a.type = any(${types.call}::text[]) as is_call, a.type = any(${types.visit}::text[]) as is_visit
      from activity a
      where a.tenant_id = ${tdb.tenantId} and a.deleted_at is null and a.account_id = any(${accountIds}::uuid[])
        and a.type = any(${all}::text[]) and a.occurred_at <= now()
        and a.occurred_at < ((${until}::date + 1)::timestamp at time zone ${tz}))
    select x.account_id, array[${upTo('is_call')}]::text[] as call, array[${upTo('is_visit')}]::text[] as visit
    from x group by x.account_id`);
  return days.map(
    (_, i) =>
      new Map(rows.map((r) => [r.account_id, { call: r.call[i] ?? null, visit: r.visit[i] ?? null }])),
  );
}

export interface EvaluatedCustomer extends BookRow {
  tier: TierRule;
  touch: CustomerTouch;
}

/**
 * Each customer's required touches on each of `days` (one list per day). A customer whose tier key
 * is no longer in the settings (the tier was renamed or removed and the job has not run since) is
 * left out.
 */
export async function evaluateBooks(
  tdb: TenantDb,
  settings: TierSettings,
  days: string[],
  tz: string,
  where: RawBuilder<boolean>,
): Promise<EvaluatedCustomer[][]> {
  const tiers = new Map(settings.tiers.map((t) => [t.key, t]));
  const books = (await booksOn(tdb, days, where)).map((b) => b.filter((r) => tiers.has(r.tier_key)));
  const last = await lastTouchesOn(
    tdb,
    [...new Set(books.flatMap((b) => b.map((r) => r.account_id)))],
    settings.touch_types,
    days,
    tz,
  );
  return books.map((book, i) => {
    const day = days[i] ?? '';
    return book.flatMap((r) => {
      const tier = tiers.get(r.tier_key);
      if (!tier) return [];
      return [{ ...r, tier, touch: customerTouch(tier, last[i]?.get(r.account_id) ?? {}, r.since, day) }];
    });
  });
}

/** Each customer's required touches on `day` (evaluateBooks for one day). */
export async function evaluateBook(
  tdb: TenantDb,
  settings: TierSettings,
  day: string,
  tz: string,
  where: RawBuilder<boolean>,
): Promise<EvaluatedCustomer[]> {
  return (await evaluateBooks(tdb, settings, [day], tz, where))[0] ?? [];
}

export interface CsmRate extends RateCell {
  csm_id: string | null;
  csm_name: string | null;
  overdue_calls: number;
  overdue_visits: number;
}

export interface TouchRateView {
  as_of: string;
  period: Period;
  from: string;
  to: string;
  last_run_on: string | null;
  overall: RateCell;
  by_csm: CsmRate[];
  by_tier: (RateCell & {
    tier_key: string;
    label: string;
    call_every_days: number | null;
    visit_every_days: number | null;
    customers: number;
  })[];
  trend: (RateCell & { from: string; to: string; as_of: string })[];
}

export interface OverdueTouch extends TouchStatus {
  account_id: string;
  account_name: string;
  tier_key: string;
  tier_label: string;
  csm_id: string | null;
  csm_name: string | null;
}

/** How many periods the touch-rate trend shows (the current one last). */
export const TREND_PERIODS = 6;

const settingsBody = z.strictObject({
  tiers: z.array(tierSchema).optional(),
  touch_types: touchTypesSchema.optional(),
});

export class TiersService {
  constructor(private readonly p: Platform) {}

  tdb(actor: Actor): TenantDb {
    return TenantDb.for(this.p.db, actor.tenantId);
  }

  /** Customers the actor serves, optionally one CSM's book among them (alias `t` = account). */
  private scope(actor: Actor, csmId: string | null): RawBuilder<boolean> {
    // reading the book needs account read; anything else is refused before a query runs
    if (!can(actor, 'account', 'read')) throw forbidden();
    const served = servedAccounts(actor, 't');
    return csmId === null ? served : sql<boolean>`(${served} and t.csm_id = ${csmId})`;
  }

  async settings(actor: Actor): Promise<TierSettings> {
    return loadTierSettings(this.tdb(actor));
  }

  /**
   * Replaces the tier rules and/or the touch mapping (administrators). Every problem is a 422
   * naming its field: the schema's, a repeated key, an unreachable tier, a team user who is not an
   * active user of the tenant, a department that does not exist. Audited; nothing half-written.
   */
  async putSettings(actor: Actor, body: unknown): Promise<TierSettings> {
    if (!actor.isAdmin) throw forbidden();
    const parsed = settingsBody.safeParse(body ?? {});
    if (!parsed.success) throw invalid(zodIssues('', parsed.error));
    const tdb = this.tdb(actor);
    await tdb.transaction(async (tx) => {
      const before = await loadTierSettings(tx);
      const next = tierSettingsSchema.safeParse({
        tiers: parsed.data.tiers ?? before.tiers,
        touch_types: parsed.data.touch_types ?? before.touch_types,
      });
      if (!next.success) throw invalid(zodIssues('', next.error));
      const s = normalise(next.data);
      const issues = [...tierSettingsIssues(s), ...(await this.referenceIssues(tx, s))];
      if (issues.length) throw invalid(issues);
      await tx.exec0(sql`update tenant set settings = jsonb_set(coalesce(settings, '{}'::jsonb), '{success}',
          coalesce(settings->'success', '{}'::jsonb) || jsonb_build_object('serviceTiers', ${JSON.stringify(s)}::jsonb))
        where id = ${tx.tenantId}`);
      await writeAudit(tx, actor, [
        {
          action: 'admin',
          object: 'settings',
          recordId: null,
          changes: { success_service_tiers: [before, s] },
        },
      ]);
    });
    return loadTierSettings(tdb);
  }

  /** Team users must be active users of the tenant, departments must exist. */
  private async referenceIssues(tx: TenantDb, s: TierSettings): Promise<FieldIssue[]> {
    const userIds = [...new Set(s.tiers.flatMap((t) => t.team.user_ids))];
    const deptIds = [
      ...new Set(s.tiers.flatMap((t) => (t.team.department_id ? [t.team.department_id] : []))),
    ];
    const users = userIds.length
      ? await tx.query(sql<{ id: string }>`select id from app_user
          where tenant_id = ${tx.tenantId} and status = 'active' and id = any(${userIds}::uuid[])`)
      : [];
    const depts = deptIds.length
      ? await tx.query(sql<{ id: string }>`select id from department
          where tenant_id = ${tx.tenantId} and id = any(${deptIds}::uuid[])`)
      : [];
    const okUsers = new Set(users.map((u) => u.id));
    const okDepts = new Set(depts.map((d) => d.id));
    return s.tiers.flatMap((t, i) => [
      ...t.team.user_ids.flatMap((u, j) =>
        okUsers.has(u)
          ? []
          : [{ field: `tiers[${i}].team.user_ids[${j}]`, issue: 'invalid_reference' as const }],
      ),
      ...(t.team.department_id && !okDepts.has(t.team.department_id)
        ? [{ field: `tiers[${i}].team.department_id`, issue: 'invalid_reference' as const }]
        : []),
    ]);
  }

  /**
   * The touch rate on `asOf` of the customers the actor serves: overall, per CSM (with their
   * overdue calls and visits), per tier, and the trend over the last periods (each measured on its
   * last day, the current one on `asOf`), with the tiers each day had.
   */
  async touchRate(
    actor: Actor,
    q: { asOf: string; period: Period; csmId: string | null },
  ): Promise<TouchRateView> {
    const where = this.scope(actor, q.csmId);
    const tdb = this.tdb(actor);
    const tz = actor.timeZone;
    const settings = await loadTierSettings(tdb);
    const points = trendPoints(q.period, q.asOf, TREND_PERIODS);
    // every point of the trend in one pass (the book and the touches of six days at once)
    const books = await evaluateBooks(
      tdb,
      settings,
      points.map((p) => p.as_of),
      tz,
      where,
    );
    const trend: TouchRateView['trend'] = points.map((p, i) => ({
      from: p.from,
      to: p.to,
      as_of: p.as_of,
      ...touchRate((books[i] ?? []).map((r) => r.touch)),
    }));
    const now = books[books.length - 1] ?? [];
    const touches = now.map((r) => r.touch);
    const byCsm = touchRateBy(touches, (i) => now[i]?.csm_id ?? null);
    const names = new Map(now.map((r) => [r.csm_id, r.csm_name]));
    // customers with an overdue call / visit per CSM, counted in one pass over the book
    const late = new Map<string | null, Record<TouchKind, number>>();
    for (const r of now)
      for (const x of r.touch.touches) {
        if (x.on_cadence) continue;
        const n = late.get(r.csm_id) ?? { call: 0, visit: 0 };
        n[x.kind] += 1;
        late.set(r.csm_id, n);
      }
    const overdue = (csm: string | null, kind: TouchKind) => late.get(csm)?.[kind] ?? 0;
    const byTier = touchRateBy(touches, (i) => now[i]?.tier_key ?? '');
    const run = await tdb.one(sql<{ as_of: string }>`select to_char(as_of, 'YYYY-MM-DD') as as_of from job_run
      where tenant_id = ${tdb.tenantId} and job = 'success.tiers' and status = 'succeeded'
      order by finished_at desc nulls last limit 1`);
    const current = points[points.length - 1] ?? { from: q.asOf, to: q.asOf };
    return {
      as_of: q.asOf,
      period: q.period,
      from: current.from,
      to: current.to,
      last_run_on: run?.as_of ?? null,
      overall: touchRate(touches),
      by_csm: [...byCsm]
        .map(([csm, cell]) => ({
          csm_id: csm,
          csm_name: names.get(csm) ?? null,
          ...cell,
          overdue_calls: overdue(csm, 'call'),
          overdue_visits: overdue(csm, 'visit'),
        }))
        .sort(
          (a, b) =>
            Number(a.csm_id === null) - Number(b.csm_id === null) ||
            (a.csm_name ?? '').localeCompare(b.csm_name ?? '', 'zh-CN') ||
            (a.csm_id ?? '').localeCompare(b.csm_id ?? ''),
        ),
      by_tier: settings.tiers.map((t) => ({
        tier_key: t.key,
        label: tierName(t, actor.locale),
        call_every_days: t.call_every_days,
        visit_every_days: t.visit_every_days,
        customers: now.filter((r) => r.tier_key === t.key).length,
        ...(byTier.get(t.key) ?? { due: 0, touched: 0, rate: null }),
      })),
      trend,
    };
  }

  /**
   * Required touches overdue on `asOf` among the customers the actor serves (optionally of one
   * CSM, of one kind), most overdue first: what each CSM's day starts with.
   */
  async overdue(
    actor: Actor,
    q: { asOf: string; csmId: string | null; kind: TouchKind | null },
  ): Promise<{ data: OverdueTouch[]; meta: { total: number; as_of: string } }> {
    const where = this.scope(actor, q.csmId);
    const tdb = this.tdb(actor);
    const settings = await loadTierSettings(tdb);
    const rows = await evaluateBook(tdb, settings, q.asOf, actor.timeZone, where);
    const data = rows
      .flatMap((r) =>
        r.touch.touches
          .filter((x) => !x.on_cadence && (q.kind === null || x.kind === q.kind))
          .map((x) => ({
            account_id: r.account_id,
            account_name: r.account_name,
            tier_key: r.tier_key,
            tier_label: tierName(r.tier, actor.locale),
            csm_id: r.csm_id,
            csm_name: r.csm_name,
            ...x,
          })),
      )
      .sort(
        (a, b) =>
          b.days_overdue - a.days_overdue ||
          a.account_name.localeCompare(b.account_name, 'zh-CN') ||
          a.kind.localeCompare(b.kind),
      );
    return { data: data.slice(0, 2000), meta: { total: data.length, as_of: q.asOf } };
  }
}
