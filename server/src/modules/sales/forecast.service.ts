import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../../platform/db/pool.ts';
import { TenantDb } from '../../platform/db/tenant-db.ts';
import { newId } from '../../platform/db/ids.ts';
import type { Actor } from '../../platform/access/permissions.ts';
import { forbidden } from '../../platform/http/errors.ts';
import { writeAudit } from '../../platform/audit/audit.ts';
import { emitEvents } from '../../platform/events/outbox.ts';
import {
  addDays,
  addMonths,
  conversionRatesFromCounts,
  errorPercent,
  forecastFigures,
  isDate,
  isPeriodStart,
  localDate,
  mondayOf,
  periodAt,
  periodContaining,
  stageKey,
  startOfDay,
  subtreeOf,
  systemFigure,
  type AdjustableCategory,
  type CurrencyForecast,
  type ForecastDeal,
  type Period,
  type PeriodKind,
  type StageRate,
  type StageOutcomeCount,
} from './forecast.rules.ts';
import {
  assertReadableDepartment,
  badField,
  canManageUser,
  canReadUser,
  departmentTree,
  inSet,
  managedDepartments,
  opportunityScope,
  readableDepartments,
  requireDepartment,
  requireUser,
  subtreeUserIds,
} from './forecast.access.ts';

export type ForecastPeriodKind = 'month' | 'quarter';

export interface TenantInfo {
  timeZone: string;
  currency: string;
}

/** Today (or `asOf`, validated) in the tenant's zone. */
export function asOfDate(asOf: string | undefined, timeZone: string, field = 'asOf'): string {
  if (asOf === undefined) return localDate(new Date(), timeZone);
  if (!isDate(asOf)) throw badField(field, 'invalid_date');
  return asOf;
}

/** The period asked for: `start` must open a period of that kind; without it, the one containing asOf. */
export function resolvePeriod(kind: PeriodKind, start: string | undefined, asOf: string): Period {
  if (start === undefined) return periodContaining(kind, asOf);
  if (!isDate(start)) throw badField('start', 'invalid_date');
  if (!isPeriodStart(kind, start)) throw badField('start');
  return periodAt(kind, start);
}

interface DealQuery {
  period: Period;
  timeZone: string;
  currency: string;
  scope: RawBuilder<boolean>;
  /** null: every owner the scope allows */
  ownerIds: string[] | null;
}

/**
 * The deals of a period: open ones whose close date falls in it, and won ones won in it (the
 * day of `closed_at` in the tenant's zone, else the close date). Lost and invalid deals are out.
 */
export async function loadForecastDeals(tdb: TenantDb, q: DealQuery): Promise<ForecastDeal[]> {
  const owners =
    q.ownerIds === null ? sql<boolean>`true` : sql<boolean>`t.owner_id = any(${q.ownerIds}::uuid[])`;
  const { start, end } = q.period;
  return tdb.query(sql<ForecastDeal>`
    select t.id, t.owner_id, t.pipeline_id, t.stage, s.type as stage_type, s.forecast_category as stage_category,
           s.probability as stage_probability, t.amount, coalesce(t.amount_currency, ${q.currency}) as currency,
           t.probability::float8 as probability, t.forecast_category
    from opportunity t
    join sales_stage s on s.tenant_id = t.tenant_id and s.pipeline_id = t.pipeline_id and s.key = t.stage
    where t.tenant_id = ${tdb.tenantId} and t.deleted_at is null and ${q.scope} and ${owners}
      and ((s.type = 'active' and t.close_date >= ${start}::date and t.close_date < ${end}::date)
        or (s.type = 'won' and coalesce((t.closed_at at time zone ${q.timeZone})::date, t.close_date) >= ${start}::date
            and coalesce((t.closed_at at time zone ${q.timeZone})::date, t.close_date) < ${end}::date))`);
}

/**
 * Historical stage-to-won conversion over the tenant's deals that entered an active stage in the
 * `months` before asOf, with their outcome as of asOf. Tenant-wide on purpose: a rep's own
 * handful of deals is too few for a rate; only ratios and counts leave the server.
 */
export async function loadStageRates(
  tdb: TenantDb,
  asOf: string,
  months: number,
  timeZone: string,
): Promise<StageRate[]> {
  const from = startOfDay(addMonths(asOf, -months), timeZone);
  const until = startOfDay(addDays(asOf, 1), timeZone);
  // Counted in SQL (distinct deals per stage and outcome): at 100,000 deals the visits
  // themselves were ~200,000 rows shipped to Node to be counted there.
  const counts = await tdb.query(sql<StageOutcomeCount>`
    select h.pipeline_id, h.stage,
           case when cs.type <> 'active' and coalesce(o.closed_at, o.updated_at) < ${until} then cs.type else 'open' end as outcome,
           count(distinct h.opportunity_id)::int8 as deals
    from opportunity_stage_history h
    join sales_stage hs on hs.tenant_id = h.tenant_id and hs.pipeline_id = h.pipeline_id and hs.key = h.stage and hs.type = 'active'
    join opportunity o on o.tenant_id = h.tenant_id and o.id = h.opportunity_id and o.deleted_at is null
    join sales_stage cs on cs.tenant_id = o.tenant_id and cs.pipeline_id = o.pipeline_id and cs.key = o.stage
    where h.tenant_id = ${tdb.tenantId} and h.entered_at >= ${from} and h.entered_at < ${until}
    group by 1, 2, 3`);
  return conversionRatesFromCounts(counts);
}

// Stage rates are a tenant's six-month history, the same for every caller (no record scope) and
// slow to move, yet cost ~0.5 s at 100,000 deals: interactive forecasts share them for a minute.
// Submissions and snapshots, which store figures, always read them fresh.
const RATE_TTL_MS = 60_000;
const rateCache = new Map<string, { at: number; rates: Promise<StageRate[]> }>();

export function cachedStageRates(
  tdb: TenantDb,
  asOf: string,
  months: number,
  timeZone: string,
): Promise<StageRate[]> {
  const key = `${tdb.tenantId}|${asOf}|${months}|${timeZone}`;
  const hit = rateCache.get(key);
  if (hit && Date.now() - hit.at < RATE_TTL_MS) return hit.rates;
  if (rateCache.size > 1000) rateCache.clear();
  const rates = loadStageRates(tdb, asOf, months, timeZone);
  rateCache.set(key, { at: Date.now(), rates });
  // a failed load is not remembered
  rates.catch(() => rateCache.delete(key));
  return rates;
}

export const rateMap = (rates: StageRate[]): Map<string, number | null> =>
  new Map(rates.map((r) => [stageKey(r.pipeline_id, r.stage), r.rate]));

export interface Adjustment {
  category: AdjustableCategory;
  currency: string;
  /** The system figure it replaces. */
  system: number;
  amount: number;
  note: string | null;
  adjusted_by: string | null;
  adjusted_at: Date;
}

export type FigureWithAdjustments = CurrencyForecast & { adjustments: Adjustment[] };

interface AdjustmentRow {
  user_id: string | null;
  department_id: string | null;
  category: AdjustableCategory;
  amount: number;
  currency: string;
  note: string | null;
  created_by: string | null;
  created_at: Date;
}

/** The latest adjustment per subject, category and currency for a period. */
async function latestAdjustments(tdb: TenantDb, p: Period): Promise<AdjustmentRow[]> {
  return tdb.query(sql<AdjustmentRow>`
    select distinct on (user_id, department_id, category, currency)
           user_id, department_id, category, amount, trim(currency) as currency, note, created_by, created_at
    from forecast_adjustment
    where tenant_id = ${tdb.tenantId} and period_kind = ${p.kind} and period_start = ${p.start}::date
    order by user_id, department_id, category, currency, created_at desc, id desc`);
}

/** Puts a subject's adjustments next to its system figures (a currency without deals gets zeros). */
function withAdjustments(
  figures: CurrencyForecast[],
  adjustments: AdjustmentRow[],
  rates: Map<string, number | null>,
): FigureWithAdjustments[] {
  const out: FigureWithAdjustments[] = figures.map((f) => ({ ...f, adjustments: [] }));
  for (const a of adjustments) {
    let f = out.find((x) => x.currency === a.currency);
    if (!f) {
      const zero = forecastFigures([], rates, a.currency)[0];
      if (!zero) continue;
      f = { ...zero, adjustments: [] };
      out.push(f);
    }
    f.adjustments.push({
      category: a.category,
      currency: a.currency,
      system: systemFigure(f, a.category),
      amount: a.amount,
      note: a.note,
      adjusted_by: a.created_by,
      adjusted_at: a.created_at,
    });
  }
  return out;
}

export interface ForecastQuery {
  period: ForecastPeriodKind;
  start?: string;
  owner_id?: string;
  department_id?: string;
  asOf?: string;
  months: number;
}

export interface ForecastResult {
  period: { kind: ForecastPeriodKind; start: string; end: string };
  as_of: string;
  time_zone: string;
  currency: string;
  conversion_months: number;
  totals: FigureWithAdjustments[];
  rows: Array<{ owner_id: string | null; owner_name: string | null; figures: FigureWithAdjustments[] }>;
  conversion_rates: StageRate[];
}

/**
 * The forecast of a period within the caller's record scope: per rep and in total, per currency,
 * with managers' adjustments next to the system figures (DOMAIN.md §3).
 */
export async function getForecast(db: Db, actor: Actor, q: ForecastQuery): Promise<ForecastResult> {
  const tdb = TenantDb.for(db, actor.tenantId);
  const scope = opportunityScope(actor);
  const asOf = asOfDate(q.asOf, actor.timeZone);
  const period = resolvePeriod(q.period, q.start, asOf);
  if (q.owner_id !== undefined && q.department_id !== undefined) throw badField('department_id');
  let ownerIds: string[] | null = null;
  if (q.owner_id !== undefined) {
    const u = await requireUser(tdb, q.owner_id, 'owner_id');
    if (!canReadUser(actor, u)) throw forbidden();
    ownerIds = [u.id];
  }
  if (q.department_id !== undefined) {
    const d = await requireDepartment(tdb, q.department_id, 'department_id');
    assertReadableDepartment(actor, d);
    ownerIds = await subtreeUserIds(tdb, d);
  }
  const [deals, rateList, adjustments] = await Promise.all([
    loadForecastDeals(tdb, { period, timeZone: actor.timeZone, currency: actor.currency, scope, ownerIds }),
    cachedStageRates(tdb, asOf, q.months, actor.timeZone),
    latestAdjustments(tdb, period),
  ]);
  const rates = rateMap(rateList);
  const byOwner = new Map<string | null, ForecastDeal[]>();
  if (q.owner_id !== undefined && ownerIds?.[0]) byOwner.set(ownerIds[0], []);
  for (const d of deals) byOwner.set(d.owner_id, [...(byOwner.get(d.owner_id) ?? []), d]);
  const ids = [...byOwner.keys()].filter((k): k is string => k !== null);
  const names = new Map(
    (
      await tdb.query(
        sql<{
          id: string;
          name: string;
        }>`select id, name from app_user where tenant_id = ${tdb.tenantId} and id = any(${ids}::uuid[])`,
      )
    ).map((u) => [u.id, u.name]),
  );
  const rows = [...byOwner].map(([ownerId, list]) => ({
    owner_id: ownerId,
    owner_name: ownerId ? (names.get(ownerId) ?? null) : null,
    figures: withAdjustments(
      forecastFigures(list, rates, actor.currency),
      adjustments.filter((a) => ownerId !== null && a.user_id === ownerId),
      rates,
    ),
  }));
  rows.sort((a, b) => (a.owner_name ?? '').localeCompare(b.owner_name ?? '', 'zh-CN'));
  const totals = withAdjustments(
    forecastFigures(deals, rates, actor.currency),
    q.department_id === undefined ? [] : adjustments.filter((a) => a.department_id === q.department_id),
    rates,
  );
  return {
    period: { kind: q.period, start: period.start, end: period.last },
    as_of: asOf,
    time_zone: actor.timeZone,
    currency: actor.currency,
    conversion_months: q.months,
    totals,
    rows,
    conversion_rates: rateList,
  };
}

/** The system figures of one subject (a user's deals, or a department subtree's), unscoped. */
async function subjectFigures(
  tdb: TenantDb,
  t: TenantInfo,
  period: Period,
  asOf: string,
  subject: { userId: string } | { departmentId: string },
): Promise<CurrencyForecast[]> {
  const ownerIds = 'userId' in subject ? [subject.userId] : await subtreeUserIds(tdb, subject.departmentId);
  const deals = await loadForecastDeals(tdb, {
    period,
    timeZone: t.timeZone,
    currency: t.currency,
    scope: sql<boolean>`true`,
    ownerIds,
  });
  const rates = rateMap(await loadStageRates(tdb, asOf, DEFAULT_MONTHS, t.timeZone));
  return forecastFigures(deals, rates, t.currency);
}

export const DEFAULT_MONTHS = 6;

export interface SubmissionInput {
  period: ForecastPeriodKind;
  start: string;
  commit: number;
  best_case: number;
  currency?: string;
  note?: string | null;
  department_id?: string;
}

export interface SnapshotRow {
  id: string;
  kind: 'submission' | 'snapshot';
  user_id: string | null;
  department_id: string | null;
  period_kind: ForecastPeriodKind;
  period_start: string;
  taken_on: string;
  figures: CurrencyForecast[];
  submitted_commit: number | null;
  submitted_best_case: number | null;
  submitted_currency: string | null;
  note: string | null;
  created_by: string | null;
  created_at: Date;
}

// over alias f (the insert names its target f too)
const SNAPSHOT_COLUMNS = sql`f.id, f.kind, f.user_id, f.department_id, f.period_kind,
  to_char(f.period_start, 'YYYY-MM-DD') as period_start, to_char(f.taken_on, 'YYYY-MM-DD') as taken_on, f.figures,
  f.submitted_commit, f.submitted_best_case, trim(f.submitted_currency) as submitted_currency, f.note, f.created_by, f.created_at`;

/**
 * A forecast submission: a rep's own call, or a manager's for a department they manage. The
 * system figures of that moment are stored with it, so accuracy can compare both later.
 */
export async function submitForecast(db: Db, actor: Actor, input: SubmissionInput): Promise<SnapshotRow> {
  const tdb = TenantDb.for(db, actor.tenantId);
  opportunityScope(actor);
  const period = resolvePeriod(input.period, input.start, localDate(new Date(), actor.timeZone));
  let subject: { userId: string } | { departmentId: string };
  if (input.department_id !== undefined) {
    const d = await requireDepartment(tdb, input.department_id, 'department_id');
    if (!inSet(managedDepartments(actor), d)) throw forbidden();
    subject = { departmentId: d };
  } else {
    if (!actor.userId) throw forbidden();
    subject = { userId: actor.userId };
  }
  const today = localDate(new Date(), actor.timeZone);
  return tdb.transaction(async (tx) => {
    const figures = await subjectFigures(tx, actor, period, today, subject);
    const id = newId();
    const currency = input.currency ?? actor.currency;
    const row = await tx.one(sql<SnapshotRow>`
      insert into forecast_snapshot as f (tenant_id, id, kind, user_id, department_id, period_kind, period_start, taken_on, figures,
        submitted_commit, submitted_best_case, submitted_currency, note, created_by)
      values (${tx.tenantId}, ${id}, 'submission', ${'userId' in subject ? subject.userId : null},
        ${'departmentId' in subject ? subject.departmentId : null}, ${period.kind}, ${period.start}::date, ${today}::date,
        ${JSON.stringify(figures)}::jsonb, ${input.commit}, ${input.best_case}, ${currency}, ${input.note ?? null}, ${actor.userId})
      returning ${SNAPSHOT_COLUMNS}`);
    if (!row) throw new Error('insert returned nothing');
    await writeAudit(tx, actor, [
      {
        action: 'create',
        object: 'forecast_submission',
        recordId: id,
        changes: { commit: [null, input.commit], best_case: [null, input.best_case] },
        meta: {
          period: period.kind,
          start: period.start,
          currency,
          department_id: input.department_id ?? null,
        },
      },
    ]);
    await emitEvents(tx, actor.userId, [
      {
        type: 'forecast.submitted',
        object: 'forecast_submission',
        recordId: id,
        payload: {
          id,
          user_id: row.user_id,
          department_id: row.department_id,
          period: period.kind,
          start: period.start,
          commit: input.commit,
          best_case: input.best_case,
          currency,
        },
      },
    ]);
    return row;
  });
}

export interface AdjustmentInput {
  owner_id?: string;
  department_id?: string;
  period: ForecastPeriodKind;
  start: string;
  category: AdjustableCategory;
  amount: number;
  currency?: string;
  note?: string | null;
}

export interface AdjustmentRecord {
  id: string;
  user_id: string | null;
  department_id: string | null;
  period_kind: ForecastPeriodKind;
  period_start: string;
  category: AdjustableCategory;
  amount: number;
  currency: string;
  note: string | null;
  created_by: string | null;
  created_at: Date;
}

/** A manager's adjustment of a rep's or a department's forecast category (managers only). */
export async function adjustForecast(
  db: Db,
  actor: Actor,
  input: AdjustmentInput,
): Promise<AdjustmentRecord> {
  const tdb = TenantDb.for(db, actor.tenantId);
  if ((input.owner_id === undefined) === (input.department_id === undefined))
    throw badField(input.owner_id === undefined ? 'owner_id' : 'department_id');
  const period = resolvePeriod(input.period, input.start, localDate(new Date(), actor.timeZone));
  let userId: string | null = null;
  let departmentId: string | null = null;
  if (input.owner_id !== undefined) {
    const u = await requireUser(tdb, input.owner_id, 'owner_id');
    if (!canManageUser(actor, u)) throw forbidden();
    userId = u.id;
  } else if (input.department_id !== undefined) {
    departmentId = await requireDepartment(tdb, input.department_id, 'department_id');
    if (!inSet(managedDepartments(actor), departmentId)) throw forbidden();
  }
  const currency = input.currency ?? actor.currency;
  return tdb.transaction(async (tx) => {
    const id = newId();
    const row =
      await tx.one(sql<AdjustmentRecord>`insert into forecast_adjustment (tenant_id, id, user_id, department_id, period_kind, period_start, category, amount, currency, note, created_by)
       values (${tx.tenantId}, ${id}, ${userId}, ${departmentId}, ${period.kind}, ${period.start}::date, ${input.category},
         ${input.amount}, ${currency}, ${input.note ?? null}, ${actor.userId})
       returning id, user_id, department_id, period_kind, to_char(period_start, 'YYYY-MM-DD') as period_start, category, amount,
         trim(currency) as currency, note, created_by, created_at`);
    if (!row) throw new Error('insert returned nothing');
    await writeAudit(tx, actor, [
      {
        action: 'create',
        object: 'forecast_adjustment',
        recordId: id,
        changes: { [input.category]: [null, input.amount] },
        meta: {
          period: period.kind,
          start: period.start,
          currency,
          user_id: userId,
          department_id: departmentId,
        },
      },
    ]);
    await emitEvents(tx, actor.userId, [
      {
        type: 'forecast.adjusted',
        object: 'forecast_adjustment',
        recordId: id,
        payload: { ...row, created_at: row.created_at.toISOString() },
      },
    ]);
    return row;
  });
}

/**
 * Weekly system snapshots (the job): every active user owning deals and every department, for
 * the month and quarter containing asOf and the next ones. One per subject, period and week (the
 * week's Monday in the tenant's zone), so a second run the same week adds nothing.
 */
export async function takeSnapshots(
  tdb: TenantDb,
  asOf: string,
): Promise<{ taken_on: string; inserted: number; skipped: number }> {
  const t = await tdb.one(
    sql<TenantInfo>`select time_zone as "timeZone", trim(currency) as currency from tenant where id = ${tdb.tenantId}`,
  );
  if (!t) throw new Error('no tenant');
  const monday = mondayOf(asOf);
  const users = await tdb.query(sql<{ id: string; department_id: string | null }>`
    select u.id, u.department_id from app_user u
    where u.tenant_id = ${tdb.tenantId} and u.status = 'active'
      and exists (select 1 from opportunity o where o.tenant_id = u.tenant_id and o.owner_id = u.id and o.deleted_at is null)`);
  const allUsers = await tdb.query(
    sql<{
      id: string;
      department_id: string | null;
    }>`select id, department_id from app_user where tenant_id = ${tdb.tenantId}`,
  );
  const depts = await departmentTree(tdb);
  const rates = rateMap(await loadStageRates(tdb, asOf, DEFAULT_MONTHS, t.timeZone));
  let inserted = 0;
  let skipped = 0;
  return tdb.transaction(async (tx) => {
    for (const kind of ['month', 'quarter'] as const) {
      const current = periodContaining(kind, asOf);
      for (const period of [current, periodAt(kind, current.end)]) {
        const deals = await loadForecastDeals(tx, {
          period,
          timeZone: t.timeZone,
          currency: t.currency,
          scope: sql<boolean>`true`,
          ownerIds: null,
        });
        const subjects: Array<{ userId: string | null; departmentId: string | null; deals: ForecastDeal[] }> =
          [
            ...users.map((u) => ({
              userId: u.id,
              departmentId: null,
              deals: deals.filter((d) => d.owner_id === u.id),
            })),
            ...depts.map((d) => {
              const sub = new Set(subtreeOf(depts, d.id));
              const members = new Set(
                allUsers.filter((u) => u.department_id && sub.has(u.department_id)).map((u) => u.id),
              );
              return {
                userId: null,
                departmentId: d.id,
                deals: deals.filter((x) => x.owner_id !== null && members.has(x.owner_id)),
              };
            }),
          ];
        for (const s of subjects) {
          const figures = forecastFigures(s.deals, rates, t.currency);
          const n = await tx.exec0(sql`
            insert into forecast_snapshot (tenant_id, id, kind, user_id, department_id, period_kind, period_start, taken_on, figures)
            values (${tx.tenantId}, ${newId()}, 'snapshot', ${s.userId}, ${s.departmentId}, ${period.kind}, ${period.start}::date,
              ${monday}::date, ${JSON.stringify(figures)}::jsonb)
            on conflict do nothing`);
          if (n > 0) inserted += 1;
          else skipped += 1;
        }
      }
    }
    return { taken_on: monday, inserted, skipped };
  });
}

export interface AccuracyRow {
  id: string;
  kind: 'submission' | 'snapshot';
  user_id: string | null;
  department_id: string | null;
  subject_name: string | null;
  taken_on: string;
  created_at: Date;
  currency: string;
  /** Submissions: the submitted commit; snapshots: the system commit. */
  commit: number | null;
  system_commit: number;
  weighted: number;
  stage_conversion: number;
  actual_won: number;
  commit_error_pct: number | null;
  weighted_error_pct: number | null;
}

export interface AccuracyResult {
  period: { kind: ForecastPeriodKind; start: string; end: string };
  /** true once the period has ended (as of today, or asOf): actual_won is final. */
  period_closed: boolean;
  rows: AccuracyRow[];
}

/**
 * Forecast accuracy of a period: every snapshot and submission the caller may see, its commit
 * and weighted forecast against what was won in the period (so far, while it runs), per
 * currency. Departments count the people in their subtree today.
 */
export async function forecastAccuracy(
  db: Db,
  actor: Actor,
  q: { period: ForecastPeriodKind; start?: string; asOf?: string },
): Promise<AccuracyResult> {
  const tdb = TenantDb.for(db, actor.tenantId);
  opportunityScope(actor);
  const asOf = asOfDate(q.asOf, actor.timeZone);
  const period = resolvePeriod(q.period, q.start, asOf);
  const snaps = await tdb.query(sql<
    SnapshotRow & { subject_name: string | null; subject_department: string | null }
  >`
    select ${SNAPSHOT_COLUMNS}, coalesce(u.name, d.name) as subject_name, u.department_id as subject_department
    from forecast_snapshot f
    left join app_user u on u.tenant_id = f.tenant_id and u.id = f.user_id
    left join department d on d.tenant_id = f.tenant_id and d.id = f.department_id
    where f.tenant_id = ${tdb.tenantId} and f.period_kind = ${period.kind} and f.period_start = ${period.start}::date
    order by f.taken_on, f.created_at`);
  const readable = readableDepartments(actor);
  const visible = snaps.filter((s) =>
    s.user_id !== null
      ? canReadUser(actor, { id: s.user_id, name: '', department_id: s.subject_department })
      : inSet(readable, s.department_id),
  );
  const won = await tdb.query(sql<{ owner_id: string | null; currency: string; amount: number }>`
    select t.owner_id, coalesce(t.amount_currency, ${actor.currency}) as currency, coalesce(sum(t.amount), 0)::int8 as amount
    from opportunity t join sales_stage s on s.tenant_id = t.tenant_id and s.pipeline_id = t.pipeline_id and s.key = t.stage
    where t.tenant_id = ${tdb.tenantId} and t.deleted_at is null and s.type = 'won'
      and coalesce((t.closed_at at time zone ${actor.timeZone})::date, t.close_date) >= ${period.start}::date
      and coalesce((t.closed_at at time zone ${actor.timeZone})::date, t.close_date) < ${period.end}::date
    group by 1, 2`);
  const depts = await departmentTree(tdb);
  const users = await tdb.query(
    sql<{
      id: string;
      department_id: string | null;
    }>`select id, department_id from app_user where tenant_id = ${tdb.tenantId}`,
  );
  const actualFor = (s: SnapshotRow, currency: string): number => {
    let owners: Set<string>;
    if (s.user_id) owners = new Set([s.user_id]);
    else {
      const sub = new Set(subtreeOf(depts, s.department_id ?? ''));
      owners = new Set(users.filter((u) => u.department_id && sub.has(u.department_id)).map((u) => u.id));
    }
    return won
      .filter((w) => w.currency === currency && w.owner_id !== null && owners.has(w.owner_id))
      .reduce((a, w) => a + w.amount, 0);
  };
  const rows: AccuracyRow[] = [];
  for (const s of visible) {
    const currencies = new Set<string>([actor.currency, ...s.figures.map((f) => f.currency)]);
    if (s.submitted_currency) currencies.add(s.submitted_currency);
    for (const currency of currencies) {
      const f = s.figures.find((x) => x.currency === currency);
      const actual = actualFor(s, currency);
      const systemCommit = f?.forecast.commit.amount ?? 0;
      const commit =
        s.kind === 'submission'
          ? s.submitted_currency === currency
            ? s.submitted_commit
            : null
          : systemCommit;
      // a currency in which nothing was forecast, submitted or won says nothing
      if (!f && commit === null && actual === 0) continue;
      const weighted = f?.weighted ?? 0;
      rows.push({
        id: s.id,
        kind: s.kind,
        user_id: s.user_id,
        department_id: s.department_id,
        subject_name: s.subject_name,
        taken_on: s.taken_on,
        created_at: s.created_at,
        currency,
        commit,
        system_commit: systemCommit,
        weighted,
        stage_conversion: f?.stage_conversion ?? 0,
        actual_won: actual,
        commit_error_pct: commit === null ? null : errorPercent(commit, actual),
        weighted_error_pct: errorPercent(weighted, actual),
      });
    }
  }
  return {
    period: { kind: q.period, start: period.start, end: period.last },
    period_closed: asOf >= period.end,
    rows,
  };
}
