import { sql } from 'kysely';
import type { TenantDb } from '../../platform/db/tenant-db.ts';
import { newId } from '../../platform/db/ids.ts';
import { bookLine } from './term.rules.ts';
import {
  dueRecords,
  dueStatus,
  matchRenewals,
  type DueInput,
  type RenewalCandidate,
} from './renewal.rules.ts';
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
  await refreshAccounts(tx, [...accounts], asOf);
  return { order_id: orderId, accounts: [...accounts], lines, pending_rate: pending };
}

interface CandidateRow extends RenewalCandidate {
  account_id: string;
}

/** Customers re-matched per round of statements by `refreshAccounts`. */
export const REFRESH_BATCH = 1_000;

/**
 * Recomputes one customer's due renewals from its active lines: due records appear, change or go
 * with the lines; each is matched (business and finance views, as of `asOf`) and given its status.
 * Adjustments are kept by (account, due date), so they survive the rebuild.
 */
export async function refreshAccount(tx: TenantDb, accountId: string, asOf: string): Promise<void> {
  await refreshAccounts(tx, [accountId], asOf);
}

/**
 * `refreshAccount` for many customers at once (a new grace period, the nightly run): customers
 * are taken in id order, `batchSize` at a time, and each batch costs six statements — lock its
 * accounts, read their lines, their orders' first payments and their approved adjustments, delete
 * the due records that vanished, upsert the current ones with their matching — the same rules
 * applied per customer in memory. The rows written are those of one-by-one refreshes.
 */
export async function refreshAccounts(
  tx: TenantDb,
  accountIds: readonly string[],
  asOf: string,
  batchSize = REFRESH_BATCH,
): Promise<void> {
  const ids = [...new Set(accountIds.map((a) => a.toLowerCase()))].sort();
  let ctx: RefreshContext | undefined;
  const context = async (): Promise<RefreshContext> => {
    ctx ??= {
      base: await baseCurrency(tx),
      graceDays: (await loadSubscriptionSettings(tx)).renewalGraceDays,
    };
    return ctx;
  };
  for (let i = 0; i < ids.length; i += batchSize)
    await refreshBatch(tx, ids.slice(i, i + batchSize), asOf, context);
}

interface RefreshContext {
  base: string;
  graceDays: number;
}

async function refreshBatch(
  tx: TenantDb,
  ids: string[],
  asOf: string,
  context: () => Promise<RefreshContext>,
): Promise<void> {
  // concurrent refreshes of the same customer would race on its due rows: lock the accounts, in
  // id order so that two batches sharing customers never deadlock
  const owners = new Map(
    (
      await tx.query(sql<{ id: string; owner_id: string | null }>`select id, owner_id from account
        where tenant_id = ${tx.tenantId} and id = any(${ids}::uuid[]) order by id for update`)
    ).map((a) => [a.id, a.owner_id]),
  );
  const rows = await tx.query(sql<Omit<CandidateRow, 'first_payment_date'>>`select l.id, l.order_id,
      l.order_type, l.account_id, to_char(l.service_start, 'YYYY-MM-DD') as service_start,
      to_char(l.service_end, 'YYYY-MM-DD') as service_end, l.arr, to_char(l.order_date, 'YYYY-MM-DD') as order_date
    from subscription_line l
    where l.tenant_id = ${tx.tenantId} and l.account_id = any(${ids}::uuid[]) and l.status = 'active'`);
  const firstPaid = await firstPayments(tx, [...new Set(rows.map((l) => l.order_id))]);
  const linesOf = new Map<string, CandidateRow[]>();
  for (const l of rows) {
    const list = linesOf.get(l.account_id) ?? [];
    if (!list.length) linesOf.set(l.account_id, list);
    list.push({ ...l, first_payment_date: firstPaid.get(l.order_id) ?? null });
  }
  const customers: Array<{ account: string; lines: CandidateRow[]; dues: DueInput[] }> = [];
  for (const [account, lines] of linesOf) {
    // a customer's due records are keyed by their due date: the matching needs no row id
    const dues = dueRecords(lines)
      .filter((d) => d.due_arr > 0)
      .map((d) => ({ id: d.due_date, ...d }));
    if (dues.length) customers.push({ account, lines, dues });
  }
  const keys = { account: [] as string[], date: [] as string[] };
  for (const c of customers)
    for (const d of c.dues) {
      keys.account.push(c.account);
      keys.date.push(d.due_date);
    }
  await tx.exec0(sql`delete from due_renewal r where r.tenant_id = ${tx.tenantId} and r.account_id = any(${ids}::uuid[])
      and not exists (select 1 from unnest(${keys.account}::uuid[], ${keys.date}::date[]) as k(account_id, due_date)
        where k.account_id = r.account_id and k.due_date = r.due_date)`);
  if (!customers.length) return;
  const adjusted = new Set(
    (
      await tx.query(sql<{ k: string }>`select account_id || '|' || to_char(due_date, 'YYYY-MM-DD') as k
        from renewal_adjustment where tenant_id = ${tx.tenantId}
          and account_id = any(${customers.map((c) => c.account)}::uuid[]) and status = 'approved' and deleted_at is null`)
    ).map((r) => r.k),
  );
  const { base, graceDays } = await context();
  const out = {
    owners: [] as Array<string | null>,
    arrs: [] as number[],
    renewed: [] as number[],
    renewedFin: [] as number[],
    orders: [] as Array<string | null>,
    statuses: [] as string[],
  };
  for (const { account, lines, dues } of customers) {
    const business = matchRenewals(dues, lines, { graceDays, view: 'business', asOf });
    const finance = matchRenewals(dues, lines, { graceDays, view: 'finance', asOf });
    for (const d of dues) {
      const b = business.get(d.id) ?? { renewed_arr: 0, renewal_order_id: null };
      const f = finance.get(d.id) ?? { renewed_arr: 0, renewal_order_id: null };
      out.owners.push(owners.get(account) ?? null);
      out.arrs.push(d.due_arr);
      out.renewed.push(b.renewed_arr);
      out.renewedFin.push(f.renewed_arr);
      out.orders.push(b.renewal_order_id ?? f.renewal_order_id);
      out.statuses.push(
        dueStatus(
          { due_date: d.due_date, renewed_arr: b.renewed_arr },
          adjusted.has(`${account}|${d.due_date}`),
          asOf,
        ),
      );
    }
  }
  // one write per due record: a new one is created, an existing one (kept by account and due
  // date, so its id, owner, opportunity and adjustments stay) takes the new figures
  await tx.exec0(sql`insert into due_renewal (tenant_id, id, owner_id, account_id, due_date, due_arr,
      due_arr_currency, renewed_arr, renewed_arr_currency, renewed_arr_finance, renewed_arr_finance_currency,
      renewal_order_id, status, evaluated_on)
    select ${tx.tenantId}, gen_random_uuid(), d.owner_id, d.account_id, d.due_date, d.due_arr, ${base}, d.renewed,
      ${base}, d.renewed_fin, ${base}, d.order_id, d.status, ${asOf}::date
    from unnest(${keys.account}::uuid[], ${out.owners}::uuid[], ${keys.date}::date[], ${out.arrs}::int8[],
      ${out.renewed}::int8[], ${out.renewedFin}::int8[], ${out.orders}::uuid[], ${out.statuses}::text[])
      as d(account_id, owner_id, due_date, due_arr, renewed, renewed_fin, order_id, status)
    on conflict (tenant_id, account_id, due_date) do update set due_arr = excluded.due_arr,
      renewed_arr = excluded.renewed_arr, renewed_arr_finance = excluded.renewed_arr_finance,
      renewal_order_id = excluded.renewal_order_id, status = excluded.status, evaluated_on = excluded.evaluated_on,
      owner_id = coalesce(due_renewal.owner_id, excluded.owner_id), updated_at = now()`);
}

/**
 * The date the first payment arrived on each order: the earliest payment allocated to an
 * instalment of a live payment plan of the order, or of the order's contract (finance view).
 */
async function firstPayments(tx: TenantDb, orderIds: string[]): Promise<Map<string, string>> {
  if (!orderIds.length) return new Map();
  const rows = await tx.query(sql<{ order_id: string; d: string }>`with o as (
      select id as order_id, contract_id from sales_order where tenant_id = ${tx.tenantId} and id = any(${orderIds}::uuid[])
    ), plans as (
      select o.order_id, p.id from o join payment_plan p on p.tenant_id = ${tx.tenantId} and p.order_id = o.order_id
        and p.deleted_at is null
      union
      select o.order_id, p.id from o join payment_plan p on p.tenant_id = ${tx.tenantId} and p.contract_id = o.contract_id
        and p.deleted_at is null
    )
    select pl.order_id, to_char(min(pm.received_date), 'YYYY-MM-DD') as d
    from plans pl
    join payment_instalment i on i.tenant_id = ${tx.tenantId} and i.plan_id = pl.id
    join payment_allocation al on al.tenant_id = i.tenant_id and al.instalment_id = i.id
    join payment pm on pm.tenant_id = al.tenant_id and pm.id = al.payment_id
    group by pl.order_id`);
  return new Map(rows.map((r) => [r.order_id, r.d]));
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
