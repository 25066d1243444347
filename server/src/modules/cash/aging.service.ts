import { sql } from 'kysely';
import { can, type Actor } from '../../platform/access/permissions.ts';
import { scopePredicate } from '../../platform/access/scope.sql.ts';
import type { Db } from '../../platform/db/pool.ts';
import { TenantDb } from '../../platform/db/tenant-db.ts';
import { forbidden, invalid } from '../../platform/http/errors.ts';
import { todayIn } from '../../platform/jobs/dates.rules.ts';
import { agingTotals, AGING_BUCKETS, emptyAging, isDate, type AgingTotals } from './receivables.rules.ts';

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
 * report) — summed per account or per plan owner into buckets of days past due (see agingBucket:
 * due on `asOf` is current). Plans of cancelled orders, cancelled and deleted plans are left out;
 * the plans are those the actor may read (record scope of payment_plan).
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
  const tdb = TenantDb.for(db, actor.tenantId);
  const group =
    groupBy === 'account'
      ? sql`t.account_id as group_id, a.name as group_name`
      : sql`t.owner_id as group_id, u.name as group_name`;
  const rows = await tdb.query(sql<{
    group_id: string | null;
    group_name: string | null;
    currency: string;
    due_date: string;
    open: number;
  }>`
    select ${group}, t.amount_currency as currency, to_char(i.due_date, 'YYYY-MM-DD') as due_date,
      (i.amount - coalesce((select sum(al.amount) from payment_allocation al
         join payment pm on pm.tenant_id = al.tenant_id and pm.id = al.payment_id
         where al.tenant_id = i.tenant_id and al.instalment_id = i.id and pm.received_date <= ${asOf}::date), 0))::int8 as open
    from payment_instalment i
    join payment_plan t on t.tenant_id = i.tenant_id and t.id = i.plan_id
    left join sales_order o on o.tenant_id = t.tenant_id and o.id = t.order_id
    left join account a on a.tenant_id = t.tenant_id and a.id = t.account_id
    left join app_user u on u.tenant_id = t.tenant_id and u.id = t.owner_id
    where i.tenant_id = ${tdb.tenantId} and t.deleted_at is null and t.status <> 'cancelled'
      and coalesce(o.status, '') <> 'cancelled' and ${scopePredicate(actor, 'payment_plan')}
    order by group_name nulls last, group_id, i.due_date`);
  const names = new Map(rows.map((r) => [r.group_id ?? '', r.group_name]));
  const grouped = agingTotals(
    rows.map((r) => ({ group: r.group_id ?? '', currency: r.currency, due_date: r.due_date, open: r.open })),
    asOf,
  );
  const totals = new Map<string, AgingTotals>();
  for (const g of grouped) {
    const t = totals.get(g.currency) ?? emptyAging();
    for (const k of [...AGING_BUCKETS, 'total', 'overdue'] as const) t[k] += g.buckets[k];
    totals.set(g.currency, t);
  }
  return {
    as_of: asOf,
    group_by: groupBy,
    buckets: AGING_BUCKETS,
    rows: grouped.map((g) => ({
      group_id: g.group || null,
      group_name: names.get(g.group) ?? null,
      currency: g.currency,
      ...g.buckets,
    })),
    totals: [...totals].map(([currency, t]) => ({ currency, ...t })),
  };
}
