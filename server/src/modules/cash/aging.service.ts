import { sql, type RawBuilder } from 'kysely';
import { can, objectPermission, type Actor } from '../../platform/access/permissions.ts';
import { scopePredicate } from '../../platform/access/scope.sql.ts';
import type { Db } from '../../platform/db/pool.ts';
import { TenantDb } from '../../platform/db/tenant-db.ts';
import { forbidden, invalid } from '../../platform/http/errors.ts';
import { todayIn } from '../../platform/jobs/dates.rules.ts';
import { AGING_BUCKETS, emptyAging, isDate, type AgingTotals } from './receivables.rules.ts';

export interface AgingRow extends AgingTotals {
  group_id: string | null;
  group_name: string | null;
  currency: string;
}

export interface AgingReport {
  as_of: string;
  group_by: 'account' | 'owner';
  buckets: readonly string[];
  rows: AgingRow[];
  totals: Array<AgingTotals & { currency: string }>;
}

/**
 * Accounts-receivable aging on `asOf`: what each instalment still had open that day — its amount
 * less allocations of payments received on or before `asOf` (later payments do not change a past
 * report) — summed per account or per plan owner into buckets of days past due (the SQL mirrors
 * agingBucket: due on `asOf` is current). Plans of cancelled orders, cancelled and deleted plans
 * are left out; the plans are those the actor may read (record scope of payment_plan).
 *
 * One statement buckets and sums in the database and returns one row per group and currency
 * (shipping every instalment to Node and bucketing there was 3–4× slower, BENCH.md).
 */
export async function agingReport(
  db: Db,
  actor: Actor,
  q: { as_of?: string | undefined; group_by?: 'account' | 'owner' | undefined },
): Promise<AgingReport> {
  if (!can(actor, 'payment_plan', 'read')) throw forbidden();
  const asOf = q.as_of ?? todayIn(actor.timeZone);
  if (!isDate(asOf)) throw invalid([{ field: 'as_of', issue: 'invalid_date' }]);
  const groupBy = q.group_by ?? 'account';
  const rows = await TenantDb.for(db, actor.tenantId).query(agingStatement(actor, asOf, groupBy));
  // per currency, in the order the currencies first appear in the rows
  const totals = new Map<string, AgingTotals>();
  for (const r of rows) {
    const t = totals.get(r.currency) ?? emptyAging();
    for (const k of [...AGING_BUCKETS, 'total', 'overdue'] as const) t[k] += r[k];
    totals.set(r.currency, t);
  }
  return {
    as_of: asOf,
    group_by: groupBy,
    buckets: AGING_BUCKETS,
    rows,
    totals: [...totals].map(([currency, t]) => ({ currency, ...t })),
  };
}

/**
 * The one statement of agingReport (exported so the benchmark EXPLAINs exactly what runs): the
 * rule of agingBucket in SQL — days past due = asOf − due date; ≤ 0 current, then 1–30, 31–60,
 * 61–90, over 90 — over what each instalment had open on asOf, summed per group and currency,
 * in the order the report lists them (group name, then a group's currencies by first due date).
 */
export function agingStatement(
  actor: Actor,
  asOf: string,
  groupBy: 'account' | 'owner',
): RawBuilder<AgingRow> {
  const scope = scopePredicate(actor, 'payment_plan');
  // A reader who sees every plan: one hash aggregate over the tenant's allocations. A narrower
  // scope restricts the allocations to the plans in scope too, so a rep's report stays
  // proportional to the rep's plans instead of the tenant's.
  const inScope =
    objectPermission(actor, 'payment_plan').scope === 'all'
      ? sql``
      : sql`join payment_instalment i on i.tenant_id = al.tenant_id and i.id = al.instalment_id
          join payment_plan t on t.tenant_id = i.tenant_id and t.id = i.plan_id and ${scope}`;
  const groupCol = groupBy === 'account' ? sql`t.account_id` : sql`t.owner_id`;
  const names =
    groupBy === 'account'
      ? sql`left join account n on n.tenant_id = ${actor.tenantId} and n.id = g.group_id`
      : sql`left join app_user n on n.tenant_id = ${actor.tenantId} and n.id = g.group_id`;
  return sql<AgingRow>`
    with paid as (
      select al.instalment_id, sum(al.amount)::int8 as amount
      from payment_allocation al
      join payment pm on pm.tenant_id = al.tenant_id and pm.id = al.payment_id
      ${inScope}
      where al.tenant_id = ${actor.tenantId} and pm.received_date <= ${asOf}::date
      group by al.instalment_id),
    inst as (
      select ${groupCol} as group_id, t.amount_currency as currency, i.due_date,
        ${asOf}::date - i.due_date as late, i.amount - coalesce(paid.amount, 0) as open
      from payment_instalment i
      join payment_plan t on t.tenant_id = i.tenant_id and t.id = i.plan_id
      left join sales_order o on o.tenant_id = t.tenant_id and o.id = t.order_id
      left join paid on paid.instalment_id = i.id
      where i.tenant_id = ${actor.tenantId} and t.deleted_at is null and t.status <> 'cancelled'
        and coalesce(o.status, '') <> 'cancelled' and ${scope}),
    g as (
      select group_id, currency, min(due_date) as first_due,
        coalesce(sum(open) filter (where late <= 0), 0)::int8 as current,
        coalesce(sum(open) filter (where late between 1 and 30), 0)::int8 as d1_30,
        coalesce(sum(open) filter (where late between 31 and 60), 0)::int8 as d31_60,
        coalesce(sum(open) filter (where late between 61 and 90), 0)::int8 as d61_90,
        coalesce(sum(open) filter (where late > 90), 0)::int8 as d91_plus,
        sum(open)::int8 as total,
        coalesce(sum(open) filter (where late > 0), 0)::int8 as overdue
      from inst where open > 0
      group by group_id, currency)
    select g.group_id, n.name as group_name, g.currency, g.current, g.d1_30, g.d31_60, g.d61_90,
      g.d91_plus, g.total, g.overdue
    from g ${names}
    order by n.name nulls last, g.group_id, g.first_due, g.currency`;
}
