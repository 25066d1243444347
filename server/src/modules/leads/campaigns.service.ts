import { sql } from 'kysely';
import type { Db } from '../../platform/db/pool.ts';
import { TenantDb } from '../../platform/db/tenant-db.ts';
import { isUuid } from '../../platform/db/ids.ts';
import { can, type Actor } from '../../platform/access/permissions.ts';
import { scopePredicate } from '../../platform/access/scope.sql.ts';
import { forbidden, notFound } from '../../platform/http/errors.ts';

export interface CampaignStats {
  campaign_id: string;
  /** members by status within the caller's campaign_member scope; null without read permission */
  members: { invited: number; registered: number; attended: number; total: number } | null;
  /** leads attributed to the campaign within the caller's lead scope; null without read permission */
  leads: number | null;
  converted: number | null;
  currency: string;
  /** minor units */
  cost: number | null;
  budget: number | null;
  cost_per_lead: number | null;
  cost_per_converted: number | null;
  /** won opportunity amount attributed to the campaign; null until an opportunity table exists */
  won_amount: number | null;
  /** won_amount ÷ cost; null when either is missing or the cost is 0 */
  roi: number | null;
}

/** Columns the sales module's opportunity table must have for the won amount to be summed. */
const OPPORTUNITY_COLUMNS = [
  'campaign_id',
  'amount',
  'amount_currency',
  'stage',
  'pipeline_id',
  'deleted_at',
];

/**
 * Won amount of the campaign's opportunities in the campaign's currency — only when an
 * `opportunity` table with the expected columns exists (the sales module); otherwise null,
 * never an estimate.
 */
async function wonAmount(
  tdb: TenantDb,
  actor: Actor,
  campaignId: string,
  currency: string,
): Promise<number | null> {
  const reg = await tdb.one(sql<{ t: string | null }>`select to_regclass('opportunity')::text as t`);
  if (!reg?.t) return null;
  const cols = await tdb.query(sql<{ column_name: string }>`select column_name from information_schema.columns
    where table_schema = current_schema() and table_name = 'opportunity' and column_name = any(${OPPORTUNITY_COLUMNS}::text[])`);
  if (cols.length < OPPORTUNITY_COLUMNS.length || !can(actor, 'opportunity', 'read')) return null;
  const row = await tdb.one(sql<{ won: number | null }>`select sum(t.amount)::int8 as won from opportunity t
    where t.tenant_id = ${actor.tenantId} and t.campaign_id = ${campaignId} and t.deleted_at is null
      and exists (select 1 from sales_stage s where s.tenant_id = t.tenant_id and s.pipeline_id = t.pipeline_id and s.key = t.stage and s.type = 'won') and t.amount_currency = ${currency} and ${scopePredicate(actor, 'opportunity')}`);
  return row?.won ?? 0;
}

/**
 * Members by status, attributed and converted leads, cost per lead / per converted lead and ROI
 * of one campaign. The campaign must be readable (record scope, else 404); counts stay within
 * the caller's scopes on leads and campaign members.
 */
export async function campaignStats(db: Db, actor: Actor, campaignId: string): Promise<CampaignStats> {
  if (!can(actor, 'campaign', 'read')) throw forbidden();
  if (!isUuid(campaignId)) throw notFound();
  const tdb = TenantDb.for(db, actor.tenantId);
  const t = actor.tenantId;
  const c = await tdb.one(sql<{
    id: string;
    cost: number | null;
    cost_currency: string | null;
    budget: number | null;
    budget_currency: string | null;
  }>`select t.id, t.actual_cost as cost, t.actual_cost_currency as cost_currency, t.budget, t.budget_currency
    from campaign t where t.tenant_id = ${t} and t.id = ${campaignId} and t.deleted_at is null and ${scopePredicate(actor, 'campaign')}`);
  if (!c) throw notFound();
  const currency = c.cost_currency ?? c.budget_currency ?? actor.currency;

  const [members, leads, won] = await Promise.all([
    can(actor, 'campaign_member', 'read')
      ? tdb.one(sql<{ invited: number; registered: number; attended: number; total: number }>`
          select count(*) filter (where coalesce(t.status, 'invited') = 'invited')::int8 as invited,
                 count(*) filter (where t.status = 'registered')::int8 as registered,
                 count(*) filter (where t.status = 'attended')::int8 as attended,
                 count(*)::int8 as total
          from campaign_member t where t.tenant_id = ${t} and t.campaign_id = ${campaignId} and t.deleted_at is null
            and ${scopePredicate(actor, 'campaign_member')}`)
      : Promise.resolve(null),
    can(actor, 'lead', 'read')
      ? tdb.one(sql<{ leads: number; converted: number }>`
          select count(*)::int8 as leads, count(*) filter (where t.status = 'converted')::int8 as converted
          from lead t where t.tenant_id = ${t} and t.campaign_id = ${campaignId} and t.deleted_at is null
            and ${scopePredicate(actor, 'lead')}`)
      : Promise.resolve(null),
    wonAmount(tdb, actor, campaignId, currency),
  ]);
  const cost = c.cost_currency === null || c.cost_currency === currency ? c.cost : null;
  const per = (n: number | null | undefined) => (cost === null || !n ? null : Math.round(cost / n));
  return {
    campaign_id: c.id,
    members: members ?? null,
    leads: leads?.leads ?? null,
    converted: leads?.converted ?? null,
    currency,
    cost,
    budget: c.budget_currency === null || c.budget_currency === currency ? c.budget : null,
    cost_per_lead: per(leads?.leads),
    cost_per_converted: per(leads?.converted),
    won_amount: won,
    roi: won === null || cost === null || cost === 0 ? null : Math.round((won / cost) * 10_000) / 10_000,
  };
}
