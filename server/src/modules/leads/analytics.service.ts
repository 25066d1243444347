import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../../platform/db/pool.ts';
import { TenantDb } from '../../platform/db/tenant-db.ts';
import { can, objectPermission, type Actor } from '../../platform/access/permissions.ts';
import { scopePredicate } from '../../platform/access/scope.sql.ts';
import { forbidden } from '../../platform/http/errors.ts';

export type Granularity = 'day' | 'week' | 'month';

export interface LeadAnalytics {
  period: { from: string; to: string; granularity: Granularity; time_zone: string };
  trend: Array<{ period: string; source: string | null; count: number }>;
  funnel: {
    captured: number;
    contacted: number;
    converted: number;
    invalid: number;
    rates: { contacted: number; converted: number };
  };
  by_source: Array<{ source: string | null; captured: number; converted: number; conversion_rate: number }>;
  invalid_reasons: Array<{ reason: string | null; count: number }>;
  owners: Array<{
    owner_id: string;
    owner_name: string;
    holding: number;
    converted: number;
    first_followup_median_hours: number | null;
    first_followup_p90_hours: number | null;
  }>;
  pool_moves: Array<{ kind: string; count: number }>;
  campaigns: Array<{
    campaign_id: string;
    name: string;
    cost: number | null;
    currency: string | null;
    leads: number;
    converted: number;
    cost_per_lead: number | null;
    cost_per_converted: number | null;
  }>;
}

const rate = (a: number, b: number): number => (b === 0 ? 0 : Math.round((a / b) * 10_000) / 10_000);

/**
 * Lead analytics over a period (dates in the tenant's time zone), within the caller's record
 * scope: trend by source, funnel, invalid reasons, per-owner holdings and speed to first
 * follow-up, pool moves, campaign cost per lead / per converted lead.
 */
export async function leadAnalytics(
  db: Db,
  actor: Actor,
  q: { from: string; to: string; granularity: Granularity },
): Promise<LeadAnalytics> {
  if (!can(actor, 'lead', 'read')) throw forbidden();
  const tdb = TenantDb.for(db, actor.tenantId);
  const tz = actor.timeZone;
  const t = actor.tenantId;
  const scope: RawBuilder<boolean> =
    objectPermission(actor, 'lead').scope === 'all' ? sql<boolean>`true` : scopePredicate(actor, 'lead');
  const inPeriod = sql<boolean>`t.created_at >= (${q.from}::date::timestamp at time zone ${tz}) and t.created_at < ((${q.to}::date + 1)::timestamp at time zone ${tz})`;
  const base = sql`from lead t where t.tenant_id = ${t} and t.deleted_at is null and ${inPeriod} and ${scope}`;

  const [trend, funnel, bySource, reasons, owners, moves, campaigns] = await Promise.all([
    tdb.query(sql<{ period: string; source: string | null; count: number }>`
      select to_char(date_trunc(${q.granularity}, t.created_at at time zone ${tz}), 'YYYY-MM-DD') as period, t.source, count(*)::int8 as count
      ${base} group by 1, 2 order by 1, 2`),
    tdb.one(sql<{ captured: number; contacted: number; converted: number; invalid: number }>`
      select count(*)::int8 as captured,
             count(*) filter (where t.first_followed_at is not null or t.status in ('in_progress', 'converted'))::int8 as contacted,
             count(*) filter (where t.status = 'converted')::int8 as converted,
             count(*) filter (where t.status in ('invalid', 'voided'))::int8 as invalid
      ${base}`),
    tdb.query(sql<{ source: string | null; captured: number; converted: number }>`
      select t.source, count(*)::int8 as captured, count(*) filter (where t.status = 'converted')::int8 as converted ${base} group by 1 order by 2 desc`),
    tdb.query(sql<{ reason: string | null; count: number }>`
      select t.invalid_reason as reason, count(*)::int8 as count ${base} and t.status = 'invalid' group by 1 order by 2 desc`),
    tdb.query(sql<{
      owner_id: string;
      owner_name: string;
      holding: number;
      converted: number;
      p50: number | null;
      p90: number | null;
    }>`
      select t.owner_id, u.name as owner_name,
             count(*) filter (where t.status in ('pending', 'in_progress'))::int8 as holding,
             count(*) filter (where t.status = 'converted')::int8 as converted,
             percentile_cont(0.5) within group (order by extract(epoch from t.first_followed_at - t.assigned_at) / 3600) as p50,
             percentile_cont(0.9) within group (order by extract(epoch from t.first_followed_at - t.assigned_at) / 3600) as p90
      from lead t join app_user u on u.tenant_id = t.tenant_id and u.id = t.owner_id
      where t.tenant_id = ${t} and t.deleted_at is null and ${inPeriod} and ${scope}
      group by t.owner_id, u.name order by holding desc, u.name`),
    tdb.query(sql<{ kind: string; count: number }>`
      select e.kind, count(*)::int8 as count from lead_event e join lead t on t.tenant_id = e.tenant_id and t.id = e.lead_id
      where e.tenant_id = ${t} and e.at >= (${q.from}::date::timestamp at time zone ${tz}) and e.at < ((${q.to}::date + 1)::timestamp at time zone ${tz}) and ${scope}
      group by 1 order by 1`),
    tdb.query(sql<{
      campaign_id: string;
      name: string;
      cost: number | null;
      currency: string | null;
      leads: number;
      converted: number;
    }>`
      select c.id as campaign_id, c.name, c.actual_cost as cost, c.actual_cost_currency as currency,
             count(t.id)::int8 as leads, count(t.id) filter (where t.status = 'converted')::int8 as converted
      from campaign c left join lead t on t.tenant_id = c.tenant_id and t.campaign_id = c.id and t.deleted_at is null and ${inPeriod} and ${scope}
      where c.tenant_id = ${t} and c.deleted_at is null and ${can(actor, 'campaign', 'read')} group by c.tenant_id, c.id order by leads desc`),
  ]);
  const f = funnel ?? { captured: 0, contacted: 0, converted: 0, invalid: 0 };
  return {
    period: { ...q, time_zone: tz },
    trend,
    funnel: {
      ...f,
      rates: { contacted: rate(f.contacted, f.captured), converted: rate(f.converted, f.captured) },
    },
    by_source: bySource.map((s) => ({ ...s, conversion_rate: rate(s.converted, s.captured) })),
    invalid_reasons: reasons,
    owners: owners.map((o) => ({
      owner_id: o.owner_id,
      owner_name: o.owner_name,
      holding: o.holding,
      converted: o.converted,
      first_followup_median_hours: o.p50 === null ? null : Math.round(o.p50 * 10) / 10,
      first_followup_p90_hours: o.p90 === null ? null : Math.round(o.p90 * 10) / 10,
    })),
    pool_moves: moves,
    campaigns: campaigns.map((c) => ({
      ...c,
      cost_per_lead: c.cost === null || c.leads === 0 ? null : Math.round(c.cost / c.leads),
      cost_per_converted: c.cost === null || c.converted === 0 ? null : Math.round(c.cost / c.converted),
    })),
  };
}
