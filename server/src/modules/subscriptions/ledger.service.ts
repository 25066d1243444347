import { sql } from 'kysely';
import type { TenantDb } from '../../platform/db/tenant-db.ts';
import { newId } from '../../platform/db/ids.ts';
import { bookLine } from './term.rules.ts';
import { dueRecords, dueStatus, matchRenewals, type RenewalCandidate } from './renewal.rules.ts';
import { loadSubscriptionSettings } from './settings.ts';

/**
 * The ARR ledger (docs/METRICS.md): subscription lines booked from confirmed orders, and each
 * customer's due renewals with their matching. Everything here is rebuilt from the current state
 * of the order or the customer, so replaying an event, or running the nightly catch-up, gives the
 * same rows: nothing is ever counted twice.
 */

interface OrderRow {
  id: string;
  account_id: string;
  status: string;
  deleted: boolean;
  type: string;
  order_date: string;
  currency: string;
  owner_id: string | null;
}

interface OrderLineRow {
  id: string;
  product_id: string;
  amount: number;
  service_start: string;
  service_end: string;
}

interface BookedRow {
  order_line_id: string;
  amount: number;
  amount_currency: string;
  service_start: string;
  service_end: string;
  status: string;
}

export interface BookResult {
  order_id: string;
  /** customers whose due renewals were recomputed */
  accounts: string[];
  lines: number;
  /** lines waiting for an exchange rate of their currency */
  pending_rate: number;
}

/** Base-currency units per unit of `currency` in force on `date`; null when none is known. */
export async function rateOn(
  tx: TenantDb,
  currency: string,
  date: string,
  base: string,
): Promise<string | null> {
  if (currency === base) return '1';
  const r = await tx.one(sql<{ rate: string }>`select rate::text as rate from exchange_rate
      where tenant_id = ${tx.tenantId} and currency = ${currency} and effective_date <= ${date}::date
      order by effective_date desc limit 1`);
  return r?.rate ?? null;
}

export async function baseCurrency(tx: TenantDb): Promise<string> {
  const r = await tx.one(sql<{ c: string }>`select currency as c from tenant where id = ${tx.tenantId}`);
  return r?.c ?? 'CNY';
}

/**
 * Brings the ledger in line with one order: a confirmed order's subscription lines are booked (a
 * line already booked with the same amount, currency and period keeps its conversion, so a later
 * exchange rate never moves it); lines gone from an amended order are removed; a cancelled or
 * deleted order's lines are cancelled. Then the customer's due renewals are recomputed.
 */
export async function bookOrder(tx: TenantDb, orderId: string, asOf: string): Promise<BookResult> {
  const order =
    await tx.one(sql<OrderRow>`select id, account_id, status, deleted_at is not null as deleted, type,
      to_char(order_date, 'YYYY-MM-DD') as order_date, amount_currency as currency, owner_id
    from sales_order where tenant_id = ${tx.tenantId} and id = ${orderId} for update`);
  const before = await tx.query(sql<
    BookedRow & { account_id: string }
  >`select order_line_id, amount, amount_currency,
      to_char(service_start, 'YYYY-MM-DD') as service_start, to_char(service_end, 'YYYY-MM-DD') as service_end,
      status, account_id
    from subscription_line where tenant_id = ${tx.tenantId} and order_id = ${orderId}`);
  const accounts = new Set(before.map((b) => b.account_id));
  if (!order) return { order_id: orderId, accounts: [], lines: 0, pending_rate: 0 };
  accounts.add(order.account_id);
  let lines = 0;
  let pending = 0;
  if (order.status !== 'confirmed' || order.deleted) {
    await tx.exec0(sql`update subscription_line set status = 'cancelled', updated_at = now(), version = version + 1
      where tenant_id = ${tx.tenantId} and order_id = ${orderId} and status <> 'cancelled'`);
  } else {
    const current = await tx.query(sql<OrderLineRow>`select id, product_id, amount,
        to_char(service_start, 'YYYY-MM-DD') as service_start, to_char(service_end, 'YYYY-MM-DD') as service_end
      from order_line where tenant_id = ${tx.tenantId} and order_id = ${orderId}
        and product_type = 'subscription' and service_start is not null order by position`);
    const ids = current.map((l) => l.id);
    await tx.exec0(sql`delete from subscription_line where tenant_id = ${tx.tenantId} and order_id = ${orderId}
      and not (order_line_id = any(${ids}::uuid[]))`);
    const known = new Map(before.map((b) => [b.order_line_id, b]));
    const base = await baseCurrency(tx);
    const rate = await rateOn(tx, order.currency, order.order_date, base);
    for (const l of current) {
      lines++;
      const k = known.get(l.id);
      const same =
        k !== undefined &&
        k.status === 'active' &&
        k.amount === l.amount &&
        k.amount_currency === order.currency &&
        k.service_start === l.service_start &&
        k.service_end === l.service_end;
      if (same) {
        // keep the booked conversion; facts that may still change follow the order
        await tx.exec0(sql`update subscription_line set order_type = ${order.type}, order_date = ${order.order_date}::date,
            owner_id = ${order.owner_id}, account_id = ${order.account_id}
          where tenant_id = ${tx.tenantId} and order_line_id = ${l.id}`);
        continue;
      }
      const booked = rate === null ? null : bookLine(BigInt(l.amount), rate, l.service_start, l.service_end);
      if (!booked) pending++;
      await tx.exec0(sql`insert into subscription_line (tenant_id, id, owner_id, account_id, order_id, order_line_id,
          order_type, order_date, product_id, service_start, service_end, amount, amount_currency, fx_rate,
          amount_base, amount_base_currency, arr, arr_currency, status)
        values (${tx.tenantId}, ${newId()}, ${order.owner_id}, ${order.account_id}, ${orderId}, ${l.id},
          ${order.type}, ${order.order_date}::date, ${l.product_id}, ${l.service_start}::date, ${l.service_end}::date,
          ${l.amount}, ${order.currency}, ${rate}::numeric, ${booked ? booked.amountBase.toString() : null}::int8, ${base},
          ${booked ? booked.arr.toString() : null}::int8, ${base}, ${booked ? 'active' : 'pending_rate'})
        on conflict (tenant_id, order_line_id) do update set
          owner_id = excluded.owner_id, account_id = excluded.account_id, order_type = excluded.order_type,
          order_date = excluded.order_date, product_id = excluded.product_id,
          service_start = excluded.service_start, service_end = excluded.service_end, amount = excluded.amount,
          amount_currency = excluded.amount_currency, fx_rate = excluded.fx_rate, amount_base = excluded.amount_base,
          amount_base_currency = excluded.amount_base_currency, arr = excluded.arr, arr_currency = excluded.arr_currency, status = excluded.status, updated_at = now(),
          version = subscription_line.version + 1`);
    }
  }
  for (const a of accounts) await refreshAccount(tx, a, asOf);
  return { order_id: orderId, accounts: [...accounts], lines, pending_rate: pending };
}

interface CandidateRow extends RenewalCandidate {
  account_id: string;
}

/**
 * Recomputes one customer's due renewals from its active lines: due records appear, change or go
 * with the lines; each is matched (business and finance views, as of `asOf`) and given its status.
 * Adjustments are kept by (account, due date), so they survive the rebuild.
 */
export async function refreshAccount(tx: TenantDb, accountId: string, asOf: string): Promise<void> {
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

/** Confirmed orders with subscription lines the ledger does not hold yet, or lines waiting for a rate. */
export async function ordersToBook(tx: TenantDb): Promise<string[]> {
  const rows = await tx.query(sql<{ id: string }>`select o.id from sales_order o
    where o.tenant_id = ${tx.tenantId} and o.status = 'confirmed' and o.deleted_at is null
      and exists (select 1 from order_line ol where ol.tenant_id = o.tenant_id and ol.order_id = o.id
        and ol.product_type = 'subscription'
        and not exists (select 1 from subscription_line s where s.tenant_id = ol.tenant_id and s.order_line_id = ol.id
          and s.status = 'active'))
    order by o.order_date, o.id`);
  return rows.map((r) => r.id);
}
