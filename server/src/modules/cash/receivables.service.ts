// Shared receivables plumbing: the open instalments of an account under row locks, writing
// allocations (instalment, plan, ledger), and the account's receivables view (account 360).
import { sql } from 'kysely';
import type { Actor } from '../../platform/access/permissions.ts';
import type { TenantDb } from '../../platform/db/tenant-db.ts';
import { newId } from '../../platform/db/ids.ts';
import { AppError, invalid, notFound, type FieldIssue } from '../../platform/http/errors.ts';
import type { Rec } from '../../platform/metadata/types.ts';
import type { Platform } from '../../platform/platform.ts';
import type { FilterNode } from '../../platform/records/query.rules.ts';
import { todayIn } from '../../platform/jobs/dates.rules.ts';
import type { Allocation, PayableInstalment } from './matching.rules.ts';
import { instalmentStatus, type InstalmentStatus } from './receivables.rules.ts';

/** Parses a body with the service's schema so every bad field is named in one 422. */
export { parseBody } from './zod-issues.ts';

export const money = (amount: number, currency: string): { amount: number; currency: string } => ({
  amount,
  currency,
});

export function moneyOf(v: unknown): { amount: number; currency: string } {
  const m = v as { amount?: unknown; currency?: unknown } | null;
  return { amount: Number(m?.amount ?? 0), currency: String(m?.currency ?? '') };
}

/** A readable record of another object, or a 422 naming the field that pointed at it. */
export async function readableRef(
  p: Platform,
  actor: Actor,
  object: string,
  id: string,
  field: string,
): Promise<Rec> {
  try {
    return await p.records.get(actor, object, id);
  } catch (e) {
    if (e instanceof AppError && (e.code === 'not_found' || e.code === 'forbidden'))
      throw invalid([{ field, issue: 'invalid_reference' }]);
    throw e;
  }
}

/** Every record of an object matching a filter that the actor may read (record scope applies). */
export async function listAll(
  p: Platform,
  actor: Actor,
  object: string,
  filter: FilterNode[],
): Promise<Rec[]> {
  const out: Rec[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 50; page++) {
    const r = await p.records.list(actor, object, {
      filter,
      sort: [],
      limit: 200,
      expand: [],
      count: false,
      deleted: 'exclude',
      ...(cursor ? { cursor } : {}),
    });
    out.push(...r.data);
    if (!r.next_cursor) break;
    cursor = r.next_cursor;
  }
  return out;
}

/** An open instalment as locked for matching, with what decides whether it may be paid. */
export interface LockedInstalment extends PayableInstalment {
  account_id: string;
  currency: string;
  amount: number;
  paid_amount: number;
}

/**
 * Locks (FOR UPDATE, in id order so concurrent payments never deadlock) the instalments of an
 * account in a currency that still have money open, plus `alsoIds` (instalments a payment is
 * about to release), and returns them with their document numbers. Two payments for the same
 * account therefore match one after the other, each seeing what the other allocated.
 */
export async function lockInstalments(
  tx: TenantDb,
  accountId: string,
  currency: string,
  alsoIds: string[] = [],
): Promise<LockedInstalment[]> {
  return lockInstalmentsOf(tx, [{ accountId, currency }], alsoIds);
}

/**
 * lockInstalments for several accounts (each in a currency) in one statement: a bank statement
 * locks every instalment its rows may touch once, up front, all in the one id order.
 */
export async function lockInstalmentsOf(
  tx: TenantDb,
  keys: Array<{ accountId: string; currency: string }>,
  alsoIds: string[] = [],
): Promise<LockedInstalment[]> {
  if (!keys.length) return [];
  const rows = await tx.query(sql<{
    id: string;
    plan_id: string;
    order_id: string | null;
    account_id: string;
    currency: string;
    number: string;
    plan_number: string;
    order_number: string | null;
    contract_number: string | null;
    due_date: string;
    seq: number;
    amount: number;
    paid_amount: number;
    blocked: boolean;
  }>`
    select i.id, i.plan_id, p.order_id, p.account_id, p.amount_currency::text as currency,
      p.number || '-' || i.seq as number, p.number as plan_number,
      o.number as order_number, coalesce(c.number, oc.number) as contract_number,
      to_char(i.due_date, 'YYYY-MM-DD') as due_date, i.seq, i.amount, i.paid_amount,
      (p.status = 'cancelled' or coalesce(o.status = 'cancelled', false)) as blocked
    from unnest(${keys.map((k) => k.accountId)}::uuid[], ${keys.map((k) => k.currency)}::text[]) k(account_id, currency)
    join payment_plan p on p.tenant_id = ${tx.tenantId} and p.account_id = k.account_id and p.amount_currency = k.currency
    join payment_instalment i on i.tenant_id = p.tenant_id and i.plan_id = p.id
    left join sales_order o on o.tenant_id = p.tenant_id and o.id = p.order_id
    left join contract c on c.tenant_id = p.tenant_id and c.id = p.contract_id
    left join contract oc on oc.tenant_id = o.tenant_id and oc.id = o.contract_id
    where p.deleted_at is null and (i.paid_amount < i.amount or i.id = any(${alsoIds}::uuid[]))
    order by i.id
    for update of i`);
  return rows.map((r) => ({ ...r, open: r.amount - r.paid_amount }));
}

/**
 * Moves money onto (positive) or off (negative) instalments for one payment: instalment paid
 * amounts and statuses (the status rule at `asOf`), the payment's allocation rows, and the plans'
 * paid totals and statuses. The instalments must have been locked by lockInstalments in this
 * transaction; the paid amount is checked again in the UPDATE, so even a caller that forgot the
 * lock cannot over-allocate (the table's check constraint is the last line).
 */
export async function writeAllocations(
  tx: TenantDb,
  actor: Actor,
  paymentId: string,
  changes: Allocation[],
  locked: Map<string, LockedInstalment>,
  asOf: string,
): Promise<void> {
  const plans = new Set<string>();
  for (const c of [...changes].sort((a, b) => (a.instalment_id < b.instalment_id ? -1 : 1))) {
    if (c.amount === 0) continue;
    const inst = locked.get(c.instalment_id);
    if (!inst) throw new Error(`instalment ${c.instalment_id} was not locked`);
    const paid = inst.paid_amount + c.amount;
    const status: InstalmentStatus = instalmentStatus({ ...inst, paid_amount: paid }, asOf);
    const n = await tx.exec0(sql`update payment_instalment set paid_amount = ${paid}, status = ${status},
        version = version + 1, updated_at = now()
      where tenant_id = ${tx.tenantId} and id = ${c.instalment_id} and paid_amount = ${inst.paid_amount}
        and ${paid} between 0 and amount`);
    if (n !== 1) throw new AppError('conflict', 'version_conflict');
    inst.paid_amount = paid;
    inst.open = inst.amount - paid;
    plans.add(inst.plan_id);
    if (c.amount > 0)
      await tx.exec0(sql`insert into payment_allocation (tenant_id, id, payment_id, instalment_id, amount, created_by)
        values (${tx.tenantId}, ${newId()}, ${paymentId}, ${c.instalment_id}, ${c.amount}, ${actor.userId})
        on conflict (tenant_id, payment_id, instalment_id) do update set amount = payment_allocation.amount + excluded.amount`);
    else {
      // a release that empties the allocation removes it (amounts are > 0 by constraint)
      const gone = await tx.exec0(sql`delete from payment_allocation
        where tenant_id = ${tx.tenantId} and payment_id = ${paymentId} and instalment_id = ${c.instalment_id} and amount <= ${-c.amount}`);
      if (!gone)
        await tx.exec0(sql`update payment_allocation set amount = amount + ${c.amount}
          where tenant_id = ${tx.tenantId} and payment_id = ${paymentId} and instalment_id = ${c.instalment_id}`);
    }
  }
  if (plans.size) await refreshPlans(tx, [...plans]);
}

/**
 * The allocations of newly recorded payments, all at once: what writeAllocations does payment by
 * payment (instalment paid amounts and statuses, allocation rows, plan totals), with the same end
 * state — versions included — in three statements. Amounts are > 0 (new money only; releasing
 * goes through writeAllocations).
 */
export async function writeNewAllocations(
  tx: TenantDb,
  actor: Actor,
  payments: Array<{ paymentId: string; allocations: Allocation[] }>,
  locked: Map<string, LockedInstalment>,
  asOf: string,
): Promise<void> {
  const touched = new Map<string, { inst: LockedInstalment; paid: number; times: number }>();
  const planWrites = new Map<string, number>();
  const rows: { id: string[]; payment: string[]; instalment: string[]; amount: number[] } = {
    id: [],
    payment: [],
    instalment: [],
    amount: [],
  };
  for (const p of payments) {
    const plans = new Set<string>();
    for (const a of p.allocations) {
      if (a.amount === 0) continue;
      if (a.amount < 0) throw new Error('writeNewAllocations takes new money only');
      const inst = locked.get(a.instalment_id);
      if (!inst) throw new Error(`instalment ${a.instalment_id} was not locked`);
      const t = touched.get(inst.id) ?? { inst, paid: inst.paid_amount, times: 0 };
      t.paid += a.amount;
      t.times += 1;
      touched.set(inst.id, t);
      plans.add(inst.plan_id);
      rows.id.push(newId());
      rows.payment.push(p.paymentId);
      rows.instalment.push(a.instalment_id);
      rows.amount.push(a.amount);
    }
    // writeAllocations refreshes each plan once per payment
    for (const plan of plans) planWrites.set(plan, (planWrites.get(plan) ?? 0) + 1);
  }
  if (!touched.size) return;
  const ups = [...touched.values()].sort((a, b) => (a.inst.id < b.inst.id ? -1 : 1));
  const n = await tx.exec0(sql`update payment_instalment i set paid_amount = u.paid, status = u.status,
      version = i.version + u.times, updated_at = now()
    from unnest(${ups.map((u) => u.inst.id)}::uuid[], ${ups.map((u) => u.inst.paid_amount)}::int8[],
      ${ups.map((u) => u.paid)}::int8[], ${ups.map((u) => instalmentStatus({ ...u.inst, paid_amount: u.paid }, asOf))}::text[],
      ${ups.map((u) => u.times)}::int4[]) u(id, before, paid, status, times)
    where i.tenant_id = ${tx.tenantId} and i.id = u.id and i.paid_amount = u.before and u.paid between 0 and i.amount`);
  if (n !== ups.length) throw new AppError('conflict', 'version_conflict');
  for (const u of ups) {
    u.inst.paid_amount = u.paid;
    u.inst.open = u.inst.amount - u.paid;
  }
  await tx.exec0(sql`insert into payment_allocation (tenant_id, id, payment_id, instalment_id, amount, created_by)
    select ${tx.tenantId}, r.id, r.payment_id, r.instalment_id, r.amount, ${actor.userId}
    from unnest(${rows.id}::uuid[], ${rows.payment}::uuid[], ${rows.instalment}::uuid[], ${rows.amount}::int8[])
      r(id, payment_id, instalment_id, amount)`);
  await refreshPlans(tx, [...planWrites.keys()], [...planWrites.values()]);
}

/**
 * Plan paid totals and statuses from their instalments (a plan is paid when every instalment is).
 * `writes` says how many writes each plan stands for (its version moves by that; 1 by default).
 */
export async function refreshPlans(tx: TenantDb, planIds: string[], writes?: number[]): Promise<void> {
  await tx.exec0(sql`update payment_plan p set paid_amount = s.paid, paid_amount_currency = p.amount_currency,
      status = case when p.status = 'cancelled' then p.status when s.all_paid then 'paid' else 'open' end,
      version = p.version + s.writes, updated_at = now()
    from (select w.plan_id, w.writes, coalesce(sum(i.paid_amount), 0)::int8 as paid, bool_and(i.paid_amount >= i.amount) as all_paid
          from unnest(${planIds}::uuid[], ${writes ?? planIds.map(() => 1)}::int4[]) w(plan_id, writes)
          join payment_instalment i on i.tenant_id = ${tx.tenantId} and i.plan_id = w.plan_id
          group by w.plan_id, w.writes) s
    where p.tenant_id = ${tx.tenantId} and p.id = s.plan_id`);
}

export interface CreditChange {
  accountId: string;
  paymentId: string;
  amount: number;
  currency: string;
  reason: 'received' | 'allocated' | 'released' | 'refunded';
}

/** One row of the customer credit ledger (the change of a payment's unallocated money). */
export async function writeCredit(tx: TenantDb, actor: Actor, e: CreditChange): Promise<void> {
  await writeCredits(tx, actor, [e]);
}

/** Ledger rows for many changes in one statement (a change of 0 writes no row). */
export async function writeCredits(tx: TenantDb, actor: Actor, changes: CreditChange[]): Promise<void> {
  const rows = changes.filter((e) => e.amount !== 0);
  if (!rows.length) return;
  await tx.exec0(sql`insert into customer_credit (tenant_id, id, account_id, payment_id, amount, currency, reason, created_by)
    select ${tx.tenantId}, r.id, r.account_id, r.payment_id, r.amount, r.currency, r.reason, ${actor.userId}
    from unnest(${rows.map(() => newId())}::uuid[], ${rows.map((e) => e.accountId)}::uuid[], ${rows.map((e) => e.paymentId)}::uuid[],
      ${rows.map((e) => e.amount)}::int8[], ${rows.map((e) => e.currency)}::text[], ${rows.map((e) => e.reason)}::text[])
      r(id, account_id, payment_id, amount, currency, reason)`);
}

export interface InstalmentView {
  id: string;
  plan_id: string;
  seq: number;
  number: string;
  due_date: string;
  amount: number;
  paid_amount: number;
  open_amount: number;
  percent: number | null;
  note: string | null;
  status: InstalmentStatus;
  reminded_before_at: string | null;
  reminded_after_at: string | null;
}

/** Instalments of plans, with their status as of `asOf` (today unless the job stored a later one). */
export async function instalmentsOf(
  tdb: TenantDb,
  planIds: string[],
  asOf: string,
): Promise<InstalmentView[]> {
  if (!planIds.length) return [];
  const rows = await tdb.query(sql<{
    id: string;
    plan_id: string;
    seq: number;
    number: string;
    due_date: string;
    amount: number;
    paid_amount: number;
    percent: string | null;
    note: string | null;
    reminded_before_at: Date | null;
    reminded_after_at: Date | null;
    plan_status: string;
  }>`select i.id, i.plan_id, i.seq, p.number || '-' || i.seq as number, to_char(i.due_date, 'YYYY-MM-DD') as due_date,
      i.amount, i.paid_amount, i.percent::text as percent, i.note, i.reminded_before_at, i.reminded_after_at, p.status as plan_status
    from payment_instalment i join payment_plan p on p.tenant_id = i.tenant_id and p.id = i.plan_id
    where i.tenant_id = ${tdb.tenantId} and i.plan_id = any(${planIds}::uuid[]) order by i.plan_id, i.seq`);
  return rows.map(({ plan_status: _s, ...r }) => ({
    ...r,
    open_amount: r.amount - r.paid_amount,
    percent: r.percent === null ? null : Number(r.percent),
    status: instalmentStatus(r, asOf),
    reminded_before_at: r.reminded_before_at?.toISOString() ?? null,
    reminded_after_at: r.reminded_after_at?.toISOString() ?? null,
  }));
}

export interface AllocationView {
  id: string;
  payment_id: string;
  instalment_id: string;
  instalment_number: string;
  plan_id: string;
  amount: number;
  created_at: string;
}

export async function allocationsOf(tdb: TenantDb, paymentIds: string[]): Promise<AllocationView[]> {
  if (!paymentIds.length) return [];
  const rows = await tdb.query(sql<{
    id: string;
    payment_id: string;
    instalment_id: string;
    instalment_number: string;
    plan_id: string;
    amount: number;
    created_at: Date;
  }>`select a.id, a.payment_id, a.instalment_id, p.number || '-' || i.seq as instalment_number, i.plan_id, a.amount, a.created_at
    from payment_allocation a
    join payment_instalment i on i.tenant_id = a.tenant_id and i.id = a.instalment_id
    join payment_plan p on p.tenant_id = i.tenant_id and p.id = i.plan_id
    where a.tenant_id = ${tdb.tenantId} and a.payment_id = any(${paymentIds}::uuid[]) order by a.payment_id, i.due_date, a.id`);
  return rows.map((r) => ({ ...r, created_at: r.created_at.toISOString() }));
}

/** Today in the actor's tenant zone: statuses are computed for it. */
export const todayFor = (actor: Actor): string => todayIn(actor.timeZone);

export interface AccountReceivables {
  account_id: string;
  as_of: string;
  /** the customer's credit: Σ unallocated money of the payments shown, per currency */
  credit: Array<{ amount: number; currency: string }>;
  /** open amounts (amount − paid) of the plans shown, per currency */
  outstanding: Array<{ amount: number; currency: string; overdue: number }>;
  plans: Array<Rec & { instalments: InstalmentView[] }>;
  payments: Array<Rec & { allocations: AllocationView[] }>;
  invoices: Rec[];
}

/**
 * An account's receivables for the account 360 view: plans with instalments, payments with their
 * allocations, invoices and credit. The account must be readable; each list is the records the
 * actor may read (record scope of payment_plan, payment and invoice).
 */
export async function accountReceivables(
  p: Platform,
  tdb: TenantDb,
  actor: Actor,
  accountId: string,
): Promise<AccountReceivables> {
  await p.records.get(actor, 'account', accountId);
  const asOf = todayFor(actor);
  const byAccount: FilterNode[] = [{ field: 'account_id', op: 'eq', value: accountId }];
  const [plans, payments, invoices] = await Promise.all([
    listAll(p, actor, 'payment_plan', byAccount),
    listAll(p, actor, 'payment', byAccount),
    listAll(p, actor, 'invoice', byAccount),
  ]);
  const instalments = await instalmentsOf(
    tdb,
    plans.map((x) => String(x.id)),
    asOf,
  );
  const allocations = await allocationsOf(
    tdb,
    payments.map((x) => String(x.id)),
  );
  const credit = new Map<string, number>();
  for (const pay of payments) {
    const u = moneyOf(pay.unallocated_amount);
    if (u.amount) credit.set(u.currency, (credit.get(u.currency) ?? 0) + u.amount);
  }
  const outstanding = new Map<string, { amount: number; overdue: number }>();
  for (const plan of plans) {
    if (plan.status === 'cancelled') continue;
    const cur = moneyOf(plan.amount).currency;
    const o = outstanding.get(cur) ?? { amount: 0, overdue: 0 };
    for (const i of instalments.filter((x) => x.plan_id === plan.id)) {
      o.amount += i.open_amount;
      if (i.status === 'overdue') o.overdue += i.open_amount;
    }
    outstanding.set(cur, o);
  }
  return {
    account_id: accountId,
    as_of: asOf,
    credit: [...credit].map(([currency, amount]) => ({ amount, currency })),
    outstanding: [...outstanding].map(([currency, o]) => ({ currency, ...o })),
    plans: plans.map((x) => ({ ...x, instalments: instalments.filter((i) => i.plan_id === x.id) })),
    payments: payments.map((x) => ({ ...x, allocations: allocations.filter((a) => a.payment_id === x.id) })),
    invoices,
  };
}

/** Throws 404 unless the row exists (for locks taken after a scoped read). */
export function found<T>(row: T | undefined): T {
  if (row === undefined) throw notFound();
  return row;
}

export type { FieldIssue };
