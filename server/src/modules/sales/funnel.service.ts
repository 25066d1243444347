import { sql } from 'kysely';
import type { Db } from '../../platform/db/pool.ts';
import { TenantDb } from '../../platform/db/tenant-db.ts';
import { isUuid } from '../../platform/db/ids.ts';
import type { Actor } from '../../platform/access/permissions.ts';
import { forbidden, invalid } from '../../platform/http/errors.ts';
import type { Labels } from '../../platform/i18n/i18n.ts';
import { addDays, isDate, ratio } from './forecast.rules.ts';
import {
  averageCycleDays,
  funnel,
  funnelSteps,
  lossReasons,
  winRate,
  type FunnelDeal,
  type FunnelStage,
  type FunnelStep,
  type LossReason,
} from './funnel.rules.ts';
import { badField, canReadUser, opportunityScope, requireUser } from './forecast.access.ts';

export interface FunnelQuery {
  from: string;
  to: string;
  pipeline_id?: string;
  owner_id?: string;
}

export interface FunnelResult {
  from: string;
  to: string;
  time_zone: string;
  pipeline: { id: string; name: Labels } | null;
  stages: Array<{ key: string; name: Labels; type: string }>;
  /** Deals created in the range (invalid ones excluded everywhere else). */
  deals: number;
  invalid: number;
  steps: FunnelStep[];
  win_rate: { won: number; lost: number; rate: number | null };
  average_cycle_days: number | null;
  loss_reasons: LossReason[];
  by_owner: Array<{
    owner_id: string | null;
    owner_name: string | null;
    deals: number;
    steps: FunnelStep[];
    win_rate: { won: number; lost: number; rate: number | null };
    average_cycle_days: number | null;
  }>;
  pipeline_coverage: Array<{
    currency: string;
    open_pipeline: number;
    target: number;
    won: number;
    remaining: number;
    coverage: number | null;
  }>;
}

/**
 * Funnel of the deals created in a date range (tenant time zone) in one pipeline, within the
 * caller's record scope: how far they got (stage history), step conversion overall and per rep,
 * win rate, cycle length, loss reasons, and pipeline coverage against month targets.
 */
export async function salesFunnel(db: Db, actor: Actor, q: FunnelQuery): Promise<FunnelResult> {
  const scope = opportunityScope(actor);
  const tdb = TenantDb.for(db, actor.tenantId);
  if (!isDate(q.from)) throw badField('from', 'invalid_date');
  if (!isDate(q.to) || q.to < q.from) throw badField('to', 'invalid_date');
  const tz = actor.timeZone;
  let ownerFilter = sql<boolean>`true`;
  if (q.owner_id !== undefined) {
    const u = await requireUser(tdb, q.owner_id, 'owner_id');
    if (!canReadUser(actor, u)) throw forbidden();
    ownerFilter = sql<boolean>`t.owner_id = ${u.id}`;
  }
  if (q.pipeline_id !== undefined && !isUuid(q.pipeline_id))
    throw invalid([{ field: 'pipeline_id', issue: 'invalid_reference' }]);
  const pipeline = await tdb.one(sql<{ id: string; name: Labels }>`
    select id, name from sales_pipeline where tenant_id = ${tdb.tenantId}
      and (${q.pipeline_id ?? null}::uuid is null or id = ${q.pipeline_id ?? null}::uuid)
    order by is_default desc, position, created_at limit 1`);
  if (!pipeline && q.pipeline_id !== undefined)
    throw invalid([{ field: 'pipeline_id', issue: 'invalid_reference' }]);
  const empty = { won: 0, lost: 0, rate: null };
  if (!pipeline)
    return {
      from: q.from,
      to: q.to,
      time_zone: tz,
      pipeline: null,
      stages: [],
      deals: 0,
      invalid: 0,
      steps: [],
      win_rate: empty,
      average_cycle_days: null,
      loss_reasons: [],
      by_owner: [],
      pipeline_coverage: [],
    };
  const stages = await tdb.query(sql<FunnelStage & { name: Labels }>`
    select key, name, position, type from sales_stage where tenant_id = ${tdb.tenantId} and pipeline_id = ${pipeline.id} order by position`);
  const from = sql`(${q.from}::date::timestamp at time zone ${tz})`;
  const until = sql`(${addDays(q.to, 1)}::date::timestamp at time zone ${tz})`;
  const all = await tdb.query(sql<FunnelDeal>`
    select t.id, t.owner_id, s.type as stage_type, t.amount, coalesce(t.amount_currency, ${actor.currency}) as currency,
           t.created_at, t.closed_at, t.close_reason,
           array(select distinct h.stage from opportunity_stage_history h
                 where h.tenant_id = t.tenant_id and h.opportunity_id = t.id and h.pipeline_id = t.pipeline_id) || t.stage as visited
    from opportunity t join sales_stage s on s.tenant_id = t.tenant_id and s.pipeline_id = t.pipeline_id and s.key = t.stage
    where t.tenant_id = ${tdb.tenantId} and t.deleted_at is null and t.pipeline_id = ${pipeline.id}
      and ${scope} and ${ownerFilter} and t.created_at >= ${from} and t.created_at < ${until}`);
  const deals = all.filter((d) => d.stage_type !== 'invalid');
  const steps = funnelSteps(stages);
  const byOwner = new Map<string | null, FunnelDeal[]>();
  for (const d of deals) byOwner.set(d.owner_id, [...(byOwner.get(d.owner_id) ?? []), d]);
  const ownerIds = [...byOwner.keys()].filter((k): k is string => k !== null);
  const names = new Map(
    (
      await tdb.query(
        sql<{
          id: string;
          name: string;
        }>`select id, name from app_user where tenant_id = ${tdb.tenantId} and id = any(${ownerIds}::uuid[])`,
      )
    ).map((u) => [u.id, u.name]),
  );

  // coverage: open deals of the pipeline closing in the range ÷ (the month targets of the
  // visible reps starting in the range − what they won in it, any pipeline)
  const open = await tdb.query(sql<{ currency: string; amount: number }>`
    select coalesce(t.amount_currency, ${actor.currency}) as currency, coalesce(sum(t.amount), 0)::int8 as amount
    from opportunity t join sales_stage s on s.tenant_id = t.tenant_id and s.pipeline_id = t.pipeline_id and s.key = t.stage
    where t.tenant_id = ${tdb.tenantId} and t.deleted_at is null and t.pipeline_id = ${pipeline.id} and ${scope} and ${ownerFilter}
      and s.type = 'active' and coalesce(t.forecast_category, s.forecast_category) <> 'omitted'
      and t.close_date >= ${q.from}::date and t.close_date <= ${q.to}::date
    group by 1`);
  const targets = (
    await tdb.query(sql<{ user_id: string; department_id: string | null; currency: string; amount: number }>`
      select g.user_id, u.department_id, trim(g.currency) as currency, g.amount
      from sales_target g join app_user u on u.tenant_id = g.tenant_id and u.id = g.user_id
      where g.tenant_id = ${tdb.tenantId} and g.period_kind = 'month'
        and g.period_start >= ${q.from}::date and g.period_start <= ${q.to}::date
        and (${q.owner_id ?? null}::uuid is null or g.user_id = ${q.owner_id ?? null}::uuid)`)
  ).filter((g) => canReadUser(actor, { id: g.user_id, name: '', department_id: g.department_id }));
  const targetOwners = [...new Set(targets.map((g) => g.user_id))];
  const won = await tdb.query(sql<{ currency: string; amount: number }>`
    select coalesce(t.amount_currency, ${actor.currency}) as currency, coalesce(sum(t.amount), 0)::int8 as amount
    from opportunity t join sales_stage s on s.tenant_id = t.tenant_id and s.pipeline_id = t.pipeline_id and s.key = t.stage
    where t.tenant_id = ${tdb.tenantId} and t.deleted_at is null and s.type = 'won' and t.owner_id = any(${targetOwners}::uuid[])
      and coalesce((t.closed_at at time zone ${tz})::date, t.close_date) between ${q.from}::date and ${q.to}::date
    group by 1`);
  const coverageRows = [...new Set(targets.map((g) => g.currency))].sort().map((currency) => {
    const target = targets.filter((g) => g.currency === currency).reduce((a, g) => a + g.amount, 0);
    const w = won.find((x) => x.currency === currency)?.amount ?? 0;
    const o = open.find((x) => x.currency === currency)?.amount ?? 0;
    const remaining = Math.max(0, target - w);
    return {
      currency,
      open_pipeline: o,
      target,
      won: w,
      remaining,
      coverage: remaining === 0 ? null : ratio(o, remaining, 2),
    };
  });

  const byOwnerRows = [...byOwner].map(([ownerId, list]) => ({
    owner_id: ownerId,
    owner_name: ownerId ? (names.get(ownerId) ?? null) : null,
    deals: list.length,
    steps: funnel(list, steps),
    win_rate: winRate(list),
    average_cycle_days: averageCycleDays(list),
  }));
  byOwnerRows.sort((a, b) => (a.owner_name ?? '').localeCompare(b.owner_name ?? '', 'zh-CN'));
  const stageNames = new Map(stages.map((s) => [s.key, s.name]));
  return {
    from: q.from,
    to: q.to,
    time_zone: tz,
    pipeline,
    stages: steps.map((s) => ({
      key: s.key,
      name: stageNames.get(s.key) ?? { 'zh-CN': s.key, 'en-US': s.key },
      type: s.type,
    })),
    deals: deals.length,
    invalid: all.length - deals.length,
    steps: funnel(deals, steps),
    win_rate: winRate(deals),
    average_cycle_days: averageCycleDays(deals),
    loss_reasons: lossReasons(deals),
    by_owner: byOwnerRows,
    pipeline_coverage: coverageRows,
  };
}
