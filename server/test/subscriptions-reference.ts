// The per-customer refreshAccount as it was before batching (server/src/modules/subscriptions/
// ledger.service.ts at cf8a83c), kept verbatim as the reference: the equivalence test holds the
// batched refreshAccounts to the rows it writes, and bench/subscriptions.ts times it as the
// "before" of re-matching every customer.
import { sql } from 'kysely';
import type { TenantDb } from '../src/platform/db/tenant-db.ts';
import { baseCurrency } from '../src/modules/subscriptions/ledger.service.ts';
import {
  dueRecords,
  dueStatus,
  matchRenewals,
  type RenewalCandidate,
} from '../src/modules/subscriptions/renewal.rules.ts';
import { loadSubscriptionSettings } from '../src/modules/subscriptions/settings.ts';

interface CandidateRow extends RenewalCandidate {
  account_id: string;
}

/** One customer's due renewals recomputed with a statement per step (nine round trips). */
export async function refreshAccountReference(tx: TenantDb, accountId: string, asOf: string): Promise<void> {
  // one customer at a time: concurrent refreshes of the same customer would race on its due rows
  await tx.exec0(
    sql`select 1 from account where tenant_id = ${tx.tenantId} and id = ${accountId} for update`,
  );
  const lines = await tx.query(sql<CandidateRow>`select l.id, l.order_id, l.order_type, l.account_id,
      to_char(l.service_start, 'YYYY-MM-DD') as service_start, to_char(l.service_end, 'YYYY-MM-DD') as service_end,
      l.arr, to_char(l.order_date, 'YYYY-MM-DD') as order_date,
      (select to_char(min(pm.received_date), 'YYYY-MM-DD')
         from payment_plan p
         join sales_order o on o.tenant_id = p.tenant_id and o.id = l.order_id
         join payment_instalment i on i.tenant_id = p.tenant_id and i.plan_id = p.id
         join payment_allocation al on al.tenant_id = i.tenant_id and al.instalment_id = i.id
         join payment pm on pm.tenant_id = al.tenant_id and pm.id = al.payment_id
        where p.tenant_id = l.tenant_id and (p.order_id = l.order_id or (p.contract_id is not null and p.contract_id = o.contract_id))
          and p.deleted_at is null) as first_payment_date
    from subscription_line l
    where l.tenant_id = ${tx.tenantId} and l.account_id = ${accountId} and l.status = 'active'`);
  const base = await baseCurrency(tx);
  const owner = await tx.one(
    sql<{
      owner_id: string | null;
    }>`select owner_id from account where tenant_id = ${tx.tenantId} and id = ${accountId}`,
  );
  const dues = dueRecords(lines).filter((d) => d.due_arr > 0);
  const dates = dues.map((d) => d.due_date);
  await tx.exec0(sql`delete from due_renewal where tenant_id = ${tx.tenantId} and account_id = ${accountId}
      and not (due_date = any(${dates}::date[]))`);
  if (!dues.length) return;
  const stored = await tx.query(sql<{ id: string; due_date: string }>`insert into due_renewal
      (tenant_id, id, owner_id, account_id, due_date, due_arr, due_arr_currency, renewed_arr_currency,
       renewed_arr_finance_currency)
    select ${tx.tenantId}, gen_random_uuid(), ${owner?.owner_id ?? null}, ${accountId}, d.due_date, d.due_arr,
      ${base}, ${base}, ${base}
    from unnest(${dates}::date[], ${dues.map((d) => d.due_arr)}::int8[]) as d(due_date, due_arr)
    on conflict (tenant_id, account_id, due_date) do update set due_arr = excluded.due_arr,
      renewed_arr = least(due_renewal.renewed_arr, excluded.due_arr),
      renewed_arr_finance = least(due_renewal.renewed_arr_finance, excluded.due_arr),
      owner_id = coalesce(due_renewal.owner_id, excluded.owner_id)
    returning id, to_char(due_date, 'YYYY-MM-DD') as due_date`);
  const adjusted = new Set(
    (
      await tx.query(sql<{ d: string }>`select to_char(due_date, 'YYYY-MM-DD') as d from renewal_adjustment
        where tenant_id = ${tx.tenantId} and account_id = ${accountId} and status = 'approved' and deleted_at is null`)
    ).map((r) => r.d),
  );
  const settings = await loadSubscriptionSettings(tx);
  const input = stored.map((s) => ({
    id: s.id,
    due_date: s.due_date,
    due_arr: dues.find((d) => d.due_date === s.due_date)?.due_arr ?? 0,
  }));
  const business = matchRenewals(input, lines, {
    graceDays: settings.renewalGraceDays,
    view: 'business',
    asOf,
  });
  const finance = matchRenewals(input, lines, {
    graceDays: settings.renewalGraceDays,
    view: 'finance',
    asOf,
  });
  const ids: string[] = [];
  const renewed: number[] = [];
  const renewedFin: number[] = [];
  const orders: Array<string | null> = [];
  const statuses: string[] = [];
  for (const d of input) {
    const b = business.get(d.id) ?? { renewed_arr: 0, renewal_order_id: null };
    const f = finance.get(d.id) ?? { renewed_arr: 0, renewal_order_id: null };
    ids.push(d.id);
    renewed.push(b.renewed_arr);
    renewedFin.push(f.renewed_arr);
    orders.push(b.renewal_order_id ?? f.renewal_order_id);
    statuses.push(
      dueStatus({ due_date: d.due_date, renewed_arr: b.renewed_arr }, adjusted.has(d.due_date), asOf),
    );
  }
  await tx.exec0(sql`update due_renewal r set renewed_arr = u.renewed, renewed_arr_finance = u.renewed_fin,
      renewal_order_id = u.order_id, status = u.status, evaluated_on = ${asOf}::date, updated_at = now()
    from unnest(${ids}::uuid[], ${renewed}::int8[], ${renewedFin}::int8[], ${orders}::uuid[], ${statuses}::text[])
      as u(id, renewed, renewed_fin, order_id, status)
    where r.tenant_id = ${tx.tenantId} and r.id = u.id`);
}
