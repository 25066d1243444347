import { sql } from 'kysely';
import { z } from 'zod';
import { can, type Actor } from '../../platform/access/permissions.ts';
import { TenantDb } from '../../platform/db/tenant-db.ts';
import { writeAudit } from '../../platform/audit/audit.ts';
import { emitEvents } from '../../platform/events/outbox.ts';
import { AppError, forbidden, invalid, type FieldIssue } from '../../platform/http/errors.ts';
import type { Rec } from '../../platform/metadata/types.ts';
import type { Platform } from '../../platform/platform.ts';
import { nextNumbers } from './numbering.ts';
import { checkAllocations, matchInOrder, type Allocation, type MatchResult } from './matching.rules.ts';
import { isDate, MAX_AMOUNT, paymentStatus } from './receivables.rules.ts';
import {
  allocationsOf,
  found,
  lockInstalments,
  lockInstalmentsOf,
  money,
  moneyOf,
  parseBody,
  readableRef,
  todayFor,
  writeAllocations,
  writeCredit,
  writeCredits,
  writeNewAllocations,
  type AllocationView,
  type LockedInstalment,
} from './receivables.service.ts';

export const PAYMENT_METHOD_VALUES = ['bank_transfer', 'cheque', 'cash', 'online', 'other'] as const;

const allocationSchema = z.strictObject({
  instalment_id: z.string().uuid(),
  amount: z.number().int().max(MAX_AMOUNT),
});

export const recordSchema = z.strictObject({
  account_id: z.string().uuid(),
  received_date: z.string().optional(),
  amount: z.number().int().min(1).max(MAX_AMOUNT),
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/)
    .optional(),
  method: z.enum(PAYMENT_METHOD_VALUES).optional(),
  payer: z.string().trim().max(200).nullish(),
  bank_reference: z.string().trim().max(500).nullish(),
  description: z.string().max(10_000).nullish(),
  owner_id: z.string().uuid().optional(),
  /** restrict automatic matching to one plan or one order's plan */
  plan_id: z.string().uuid().optional(),
  order_id: z.string().uuid().optional(),
  /** a manual split instead of automatic matching */
  allocations: z.array(allocationSchema).max(200).optional(),
});
export type RecordInput = z.infer<typeof recordSchema>;

const allocateSchema = z.strictObject({
  version: z.number().int().optional(),
  allocations: z.array(allocationSchema).max(200),
});

const refundSchema = z.strictObject({
  version: z.number().int().optional(),
  amount: z.number().int().min(1).max(MAX_AMOUNT),
  reason: z.string().trim().max(500).nullish(),
});

export type PaymentView = Rec & {
  allocations: AllocationView[];
  credit_balance: Array<{ amount: number; currency: string }>;
};

/** A payment to record: its input, its account (already checked readable) and its field prefix. */
export interface PaymentToRecord {
  input: RecordInput;
  account: Rec;
  prefix?: string;
}

export interface Recorded {
  id: string;
  number: string;
  match: MatchResult;
}

/**
 * Payments received (回款): recorded with automatic matching (or a manual split), re-allocated,
 * refunded. Every change of where a payment's money sits moves the instalments, the plans and the
 * customer credit ledger in the same transaction as the payment, its audit rows and events.
 */
export class PaymentsService {
  constructor(readonly p: Platform) {}

  tdb(actor: Actor): TenantDb {
    return TenantDb.for(this.p.db, actor.tenantId);
  }

  async get(actor: Actor, id: string): Promise<PaymentView> {
    const pay = await this.p.records.get(actor, 'payment', id);
    const tdb = this.tdb(actor);
    const credit = await tdb.query(sql<{ amount: number; currency: string }>`
      select coalesce(sum(c.amount), 0)::int8 as amount, c.currency from customer_credit c
        join payment p on p.tenant_id = c.tenant_id and p.id = c.payment_id and p.deleted_at is null
      where c.tenant_id = ${tdb.tenantId} and c.account_id = ${String(pay.account_id)} group by c.currency order by c.currency`);
    return { ...pay, allocations: await allocationsOf(tdb, [id]), credit_balance: credit };
  }

  async record(actor: Actor, body: unknown): Promise<PaymentView & { match: MatchResult }> {
    const input = parseBody(recordSchema, body);
    if (!can(actor, 'payment', 'create')) throw forbidden();
    const account = await readableRef(this.p, actor, 'account', input.account_id, 'account_id');
    const r = await this.tdb(actor).transaction((tx) => this.recordIn(tx, actor, input, account));
    return { ...(await this.get(actor, r.id)), match: r.match };
  }

  /** Records one payment inside the caller's transaction: a batch of one (see recordManyIn). */
  async recordIn(
    tx: TenantDb,
    actor: Actor,
    input: RecordInput,
    account: Rec,
    prefix = '',
  ): Promise<Recorded> {
    const [r] = await this.recordManyIn(tx, actor, [{ input, account, prefix }]);
    if (!r) throw new Error('payment not recorded');
    return r;
  }

  /**
   * Records payments inside the caller's transaction with the same outcome as recording them one
   * after the other in the given order (a bank statement's rows): the instalments of every
   * account involved are locked once, in id order; the pure rules place each payment in turn on
   * what the payments before it left open (matchInOrder); then the payments, allocations,
   * instalment and plan totals, credit rows, audit rows and events are written with one
   * statement each. The first payment with a problem throws its issues (field names behind the
   * payment's `prefix`) and the caller's transaction writes nothing.
   */
  async recordManyIn(tx: TenantDb, actor: Actor, payments: PaymentToRecord[]): Promise<Recorded[]> {
    if (!payments.length) return [];
    const today = todayFor(actor);
    const checked: Array<{
      received: string;
      currency: string;
      orderId: string | undefined;
      issues: FieldIssue[];
    }> = [];
    for (const { input, account, prefix = '' } of payments) {
      const issues: FieldIssue[] = [];
      const f = (name: string): string => `${prefix}${name}`;
      const received = input.received_date ?? today;
      if (!isDate(received)) issues.push({ field: f('received_date'), issue: 'invalid_date' });
      if (input.plan_id && input.order_id) issues.push({ field: f('plan_id'), issue: 'one_source' });
      const currency = input.currency ?? actor.currency;
      let orderId: string | undefined;
      if (input.order_id) {
        const order = await readableRef(this.p, actor, 'order', input.order_id, f('order_id'));
        if (order.account_id !== account.id) issues.push({ field: f('order_id'), issue: 'other_account' });
        else if (order.status === 'cancelled')
          issues.push({ field: f('order_id'), issue: 'order_cancelled' });
        else if (moneyOf(order.amount).currency !== currency)
          issues.push({ field: f('currency'), issue: 'other_currency', params: { name: 'order' } });
        orderId = String(order.id);
      }
      if (input.plan_id) {
        const plan = await readableRef(this.p, actor, 'payment_plan', input.plan_id, f('plan_id'));
        if (plan.account_id !== account.id) issues.push({ field: f('plan_id'), issue: 'other_account' });
        else if (moneyOf(plan.amount).currency !== currency)
          issues.push({ field: f('currency'), issue: 'other_currency', params: { name: 'plan' } });
      }
      checked.push({ received, currency, orderId, issues });
    }
    // one after the other, the first problem stops everything: the payments before a payment
    // with bad input are still matched, so a matching problem among them is the one reported
    const firstBad = checked.findIndex((c) => c.issues.length > 0);
    const upTo = firstBad < 0 ? payments.length : firstBad;
    const poolOf = (k: number): string => `${String(payments[k]?.account.id)}|${checked[k]?.currency}`;
    const keys = new Map<string, { accountId: string; currency: string }>();
    for (let k = 0; k < upTo; k++)
      keys.set(poolOf(k), {
        accountId: String(payments[k]?.account.id),
        currency: checked[k]?.currency ?? '',
      });
    const locked = await lockInstalmentsOf(tx, [...keys.values()]);
    const pools = new Map<string, LockedInstalment[]>();
    for (const i of locked) {
      const key = `${i.account_id}|${i.currency}`;
      const pool = pools.get(key);
      if (pool) pool.push(i);
      else pools.set(key, [i]);
    }
    const placed = matchInOrder(
      payments.slice(0, upTo).map(({ input, prefix }, k) => ({
        amount: input.amount,
        reference: input.bank_reference ?? null,
        plan_id: input.plan_id,
        order_id: checked[k]?.orderId,
        allocations: input.allocations,
        prefix,
        pool: poolOf(k),
      })),
      pools,
    );
    if ('issues' in placed) throw invalid(placed.issues);
    if (firstBad >= 0) throw invalid(checked[firstBad]?.issues ?? []);
    const matches = placed.matches;
    const numbers = await nextNumbers(
      tx,
      'payment',
      checked.map((c) => c.received),
      'payment',
    );
    const created = await this.p.records.createMany(
      actor,
      'payment',
      payments.map(({ input, account }, k) => {
        const match = found(matches[k]);
        const currency = checked[k]?.currency ?? '';
        const allocated = match.allocations.reduce((a, x) => a + x.amount, 0);
        return {
          number: numbers[k],
          account_id: String(account.id),
          received_date: checked[k]?.received,
          amount: money(input.amount, currency),
          method: input.method ?? 'bank_transfer',
          payer: input.payer ?? null,
          bank_reference: input.bank_reference ?? null,
          description: input.description ?? null,
          owner_id: input.owner_id ?? account.owner_id ?? actor.userId,
          status: paymentStatus({ amount: input.amount, allocated, refunded: 0 }),
          unallocated_amount: money(match.credit, currency),
          refunded_amount: money(0, currency),
          match_method: match.method,
        };
      }),
      // field names as recording one payment names them (not `records[i].…`)
      { allowReadOnly: true, batch: false },
      tx,
    );
    const recorded = created.map((pay, k) => ({
      id: String(pay.id),
      number: String(pay.number),
      match: found(matches[k]),
      accountId: String(payments[k]?.account.id),
      currency: checked[k]?.currency ?? '',
    }));
    await writeNewAllocations(
      tx,
      actor,
      recorded.map((r) => ({ paymentId: r.id, allocations: r.match.allocations })),
      new Map(locked.map((i) => [i.id, i])),
      today,
    );
    await writeCredits(
      tx,
      actor,
      recorded.map((r) => ({
        accountId: r.accountId,
        paymentId: r.id,
        amount: r.match.credit,
        currency: r.currency,
        reason: 'received' as const,
      })),
    );
    await this.trail(
      tx,
      actor,
      recorded.map((r) => ({
        id: r.id,
        type: 'payment.matched' as const,
        payload: {
          method: r.match.method,
          allocations: r.match.allocations,
          credit: r.match.credit,
          matched_numbers: r.match.matched_numbers,
        },
      })),
    );
    return recorded.map(({ id, number, match }) => ({ id, number, match }));
  }

  /**
   * Replaces a payment's allocations with a manual split: its current allocations are released
   * first (their money goes back to the instalments' open amounts), then the new ones are checked
   * against what is open and written. What the split leaves unallocated is the customer's credit;
   * an empty split releases everything (so it can be refunded or allocated elsewhere later).
   */
  async allocate(actor: Actor, id: string, body: unknown): Promise<PaymentView> {
    const input = parseBody(allocateSchema, body);
    await this.p.records.get(actor, 'payment', id);
    if (!can(actor, 'payment', 'update')) throw forbidden();
    await this.tdb(actor).transaction(async (tx) => {
      const pay = await this.lockPayment(tx, id, input.version);
      const current = await tx.query(sql<Allocation>`select instalment_id, amount from payment_allocation
        where tenant_id = ${tx.tenantId} and payment_id = ${id}`);
      const locked = await lockInstalments(
        tx,
        pay.account_id,
        pay.currency,
        current.map((c) => c.instalment_id),
      );
      const byId = new Map(locked.map((i) => [i.id, i]));
      const today = todayFor(actor);
      await writeAllocations(
        tx,
        actor,
        id,
        current.map((c) => ({ instalment_id: c.instalment_id, amount: -c.amount })),
        byId,
        today,
      );
      const available = pay.amount - pay.refunded_amount;
      const blocked = new Set(locked.filter((i) => i.blocked).map((i) => i.id));
      const cancelled = input.allocations.flatMap((a, i) =>
        blocked.has(a.instalment_id)
          ? [{ field: `allocations[${i}].instalment_id`, issue: 'order_cancelled' as const }]
          : [],
      );
      if (cancelled.length) throw invalid(cancelled);
      const checked = checkAllocations(
        available,
        input.allocations,
        new Map(locked.filter((i) => !i.blocked && i.open > 0).map((i) => [i.id, i])),
      );
      if (checked.issues.length) throw invalid(checked.issues);
      await writeAllocations(tx, actor, id, input.allocations, byId, today);
      const delta = checked.credit - pay.unallocated_amount;
      await writeCredit(tx, actor, {
        accountId: pay.account_id,
        paymentId: id,
        amount: delta,
        currency: pay.currency,
        reason: delta > 0 ? 'released' : 'allocated',
      });
      await this.p.records.update(
        actor,
        'payment',
        id,
        {
          status: paymentStatus({
            amount: pay.amount,
            allocated: available - checked.credit,
            refunded: pay.refunded_amount,
          }),
          unallocated_amount: money(checked.credit, pay.currency),
          match_method: 'manual',
        },
        { tx, allowReadOnly: true },
      );
      await this.trail(tx, actor, [
        {
          id,
          type: 'payment.allocated',
          payload: { before: current, allocations: input.allocations, credit: checked.credit },
        },
      ]);
    });
    return this.get(actor, id);
  }

  /**
   * Refunds money of a payment that is not allocated to instalments (its credit): at most the
   * unallocated amount, and never money already reconciled with invoices. To refund allocated
   * money, first release it with a split that leaves it unallocated (POST …/allocate).
   */
  async refund(actor: Actor, id: string, body: unknown): Promise<PaymentView> {
    const input = parseBody(refundSchema, body);
    await this.p.records.get(actor, 'payment', id);
    if (!can(actor, 'payment', 'update')) throw forbidden();
    await this.tdb(actor).transaction(async (tx) => {
      const pay = await this.lockPayment(tx, id, input.version);
      const rec = await tx.one(sql<{ reconciled: number }>`select coalesce(sum(amount), 0)::int8 as reconciled
        from invoice_payment where tenant_id = ${tx.tenantId} and payment_id = ${id}`);
      const max = Math.min(
        pay.unallocated_amount,
        pay.amount - pay.refunded_amount - Number(rec?.reconciled ?? 0),
      );
      if (input.amount > max) throw invalid([{ field: 'amount', issue: 'too_large', params: { max } }]);
      const refunded = pay.refunded_amount + input.amount;
      const unallocated = pay.unallocated_amount - input.amount;
      await this.p.records.update(
        actor,
        'payment',
        id,
        {
          refunded_amount: money(refunded, pay.currency),
          unallocated_amount: money(unallocated, pay.currency),
          status: paymentStatus({
            amount: pay.amount,
            allocated: pay.amount - refunded - unallocated,
            refunded,
          }),
        },
        { tx, allowReadOnly: true },
      );
      await writeCredit(tx, actor, {
        accountId: pay.account_id,
        paymentId: id,
        amount: -input.amount,
        currency: pay.currency,
        reason: 'refunded',
      });
      await this.trail(tx, actor, [
        {
          id,
          type: 'payment.refunded',
          payload: { amount: input.amount, currency: pay.currency, reason: input.reason ?? null },
        },
      ]);
    });
    return this.get(actor, id);
  }

  private async lockPayment(
    tx: TenantDb,
    id: string,
    version: number | undefined,
  ): Promise<{
    account_id: string;
    currency: string;
    amount: number;
    unallocated_amount: number;
    refunded_amount: number;
    version: number;
  }> {
    const pay = found(
      await tx.one(sql<{
        account_id: string;
        currency: string;
        amount: number;
        unallocated_amount: number;
        refunded_amount: number;
        version: number;
      }>`select account_id, amount_currency as currency, amount, unallocated_amount, refunded_amount, version
        from payment where tenant_id = ${tx.tenantId} and id = ${id} and deleted_at is null for update`),
    );
    if (version !== undefined && pay.version !== version) throw new AppError('conflict', 'version_conflict');
    return pay;
  }

  /** Audit rows and outbox events of matching changes (the records engine audits the fields). */
  private async trail(
    tx: TenantDb,
    actor: Actor,
    changes: Array<{
      id: string;
      type: 'payment.matched' | 'payment.allocated' | 'payment.refunded';
      payload: Record<string, unknown>;
    }>,
  ): Promise<void> {
    await writeAudit(
      tx,
      actor,
      changes.map(({ id, type, payload }) => ({
        action: 'update' as const,
        object: 'payment',
        recordId: id,
        changes: { [type.slice(8)]: [null, payload] },
      })),
    );
    await emitEvents(
      tx,
      actor.userId,
      changes.map(({ id, type, payload }) => ({
        type,
        object: 'payment',
        recordId: id,
        payload: { id, ...payload },
      })),
    );
  }
}
