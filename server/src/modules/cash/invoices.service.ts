import { sql } from 'kysely';
import { z } from 'zod';
import { can, type Actor } from '../../platform/access/permissions.ts';
import { TenantDb } from '../../platform/db/tenant-db.ts';
import { newId } from '../../platform/db/ids.ts';
import { writeAudit } from '../../platform/audit/audit.ts';
import { emitEvents } from '../../platform/events/outbox.ts';
import { AppError, forbidden, invalid, type FieldIssue } from '../../platform/http/errors.ts';
import type { Rec } from '../../platform/metadata/types.ts';
import type { Platform } from '../../platform/platform.ts';
import { nextNumber } from './numbering.ts';
import { isDate, isInvoiceSubmittable, MAX_AMOUNT, taxIncluded } from './receivables.rules.ts';
import { found, money, moneyOf, parseBody, readableRef, todayFor } from './receivables.service.ts';
import type { ApprovalHandler } from '../../platform/approvals/approvals.types.ts';

const applySchema = z.strictObject({
  account_id: z.string().uuid().optional(),
  contract_id: z.string().uuid().optional(),
  order_id: z.string().uuid().optional(),
  /** tax included, minor units */
  amount: z.number().int().min(1).max(MAX_AMOUNT),
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/)
    .optional(),
  tax_rate: z.number().min(0).max(100).optional(),
  buyer_title: z.string().trim().max(200).nullish(),
  buyer_tax_id: z.string().trim().max(40).nullish(),
  description: z.string().max(10_000).nullish(),
  owner_id: z.string().uuid().optional(),
});

const issueSchema = z.strictObject({
  version: z.number().int().optional(),
  /** the tax authority's number; assigned from the tenant's counter when not given */
  invoice_no: z.string().trim().min(1).max(64).optional(),
  issue_date: z.string().optional(),
});

const creditSchema = issueSchema.extend({
  /** tax included, minor units, positive; default: all that is left to credit */
  amount: z.number().int().min(1).max(MAX_AMOUNT).optional(),
});

const voidSchema = z.strictObject({
  version: z.number().int().optional(),
  reason: z.string().trim().max(500).nullish(),
});

const reconcileSchema = z.strictObject({
  payment_id: z.string().uuid(),
  amount: z.number().int().min(1).max(MAX_AMOUNT),
});

export interface Reconciliation {
  id: string;
  payment_id: string;
  payment_number: string;
  amount: number;
  created_at: string;
}

export type InvoiceView = Rec & { reconciliations: Reconciliation[] };

interface LockedInvoice {
  id: string;
  status: string;
  approval_status: string | null;
  type: string;
  account_id: string;
  currency: string;
  amount: number;
  tax_amount: number;
  tax_rate: number;
  reconciled_amount: number;
  version: number;
}

/**
 * Invoices (开票): applied, issued with a tax number, voided (作废) only before any payment is
 * reconciled with them or any credit note issued against them, or credited by red-letter credit
 * invoices (红字) once issued — in part, several times, up to the whole (then reversed).
 *
 * Approval: `apply → issue` is a direct action today. When the approvals engine lands
 * (platform/approvals), `apply` sets `in_approval` and starts the tenant's invoice flow; its
 * approval calls `issue` (which already accepts `in_approval`), its rejection returns the
 * invoice to `applied`.
 */
export class InvoicesService {
  constructor(readonly p: Platform) {}

  private tdb(actor: Actor): TenantDb {
    return TenantDb.for(this.p.db, actor.tenantId);
  }

  async get(actor: Actor, id: string): Promise<InvoiceView> {
    const inv = await this.p.records.get(actor, 'invoice', id);
    const tdb = this.tdb(actor);
    const rows = await tdb.query(sql<{
      id: string;
      payment_id: string;
      payment_number: string;
      amount: number;
      created_at: Date;
    }>`select r.id, r.payment_id, p.number as payment_number, r.amount, r.created_at from invoice_payment r
      join payment p on p.tenant_id = r.tenant_id and p.id = r.payment_id
      where r.tenant_id = ${tdb.tenantId} and r.invoice_id = ${id} order by r.id`);
    return { ...inv, reconciliations: rows.map((r) => ({ ...r, created_at: r.created_at.toISOString() })) };
  }

  /**
   * Applies for an invoice on an account, optionally for one contract or order (whose account and
   * currency it takes). The live invoices of a contract or order (applied, in approval, issued) may
   * not add up to more than its amount (when it has one).
   */
  async apply(actor: Actor, body: unknown): Promise<InvoiceView> {
    const input = parseBody(applySchema, body);
    if (!can(actor, 'invoice', 'create')) throw forbidden();
    const issues: FieldIssue[] = [];
    if (input.contract_id && input.order_id) issues.push({ field: 'order_id', issue: 'one_source' });
    if (!input.contract_id && !input.order_id && !input.account_id)
      issues.push({ field: 'account_id', issue: 'required' });
    if (issues.length) throw invalid(issues);
    const sourceField = input.order_id ? 'order_id' : input.contract_id ? 'contract_id' : null;
    const source = sourceField
      ? await readableRef(
          this.p,
          actor,
          input.order_id ? 'order' : 'contract',
          input.order_id ?? input.contract_id ?? '',
          sourceField,
        )
      : null;
    const accountId = String(source?.account_id ?? input.account_id);
    if (input.account_id && source && source.account_id !== input.account_id)
      issues.push({ field: sourceField ?? 'account_id', issue: 'other_account' });
    const account = await readableRef(this.p, actor, 'account', accountId, 'account_id');
    const srcMoney = source ? moneyOf(source.amount) : null;
    const currency = input.currency ?? srcMoney?.currency ?? actor.currency;
    if (srcMoney && srcMoney.currency && srcMoney.currency !== currency)
      issues.push({
        field: 'currency',
        issue: 'other_currency',
        params: { name: input.order_id ? 'order' : 'contract' },
      });
    if (input.order_id && source?.status === 'cancelled')
      issues.push({ field: 'order_id', issue: 'order_cancelled' });
    if (issues.length) throw invalid(issues);
    const rate = input.tax_rate ?? 6;
    const tax = taxIncluded(input.amount, rate);
    const id = await this.tdb(actor).transaction(async (tx) => {
      // a contract without an amount (a framework agreement) caps nothing
      if (source && sourceField && srcMoney && srcMoney.amount > 0) {
        // serialise invoicing of one contract/order so two applications cannot both fit the cap
        const table = input.order_id ? sql`sales_order` : sql`contract`;
        await tx.exec0(
          sql`select 1 from ${table} where tenant_id = ${tx.tenantId} and id = ${String(source.id)} for update`,
        );
        const col = input.order_id ? sql`order_id` : sql`contract_id`;
        // live invoices less the credit notes against those still issued (a partly credited
        // invoice frees what was credited; a reversed one is out with all its notes)
        const live = await tx.one(sql<{
          total: number;
        }>`select coalesce(sum(i.amount), 0)::int8 as total from invoice i
          left join invoice o on o.tenant_id = i.tenant_id and o.id = i.original_invoice_id
          where i.tenant_id = ${tx.tenantId} and i.${col} = ${String(source.id)} and i.deleted_at is null
            and ((i.type = 'normal' and i.status in ('applied', 'in_approval', 'issued'))
              or (i.type = 'credit' and o.status = 'issued'))`);
        const max = srcMoney.amount - Number(live?.total ?? 0);
        if (input.amount > max)
          throw invalid([{ field: 'amount', issue: 'too_large', params: { max: Math.max(0, max) } }]);
      }
      const [inv] = await this.p.records.createMany(
        actor,
        'invoice',
        [
          {
            number: await nextNumber(tx, 'invoice', todayFor(actor), 'invoice'),
            account_id: accountId,
            contract_id: input.contract_id ?? null,
            order_id: input.order_id ?? null,
            type: 'normal',
            status: 'applied',
            amount: money(input.amount, currency),
            amount_excl_tax: money(input.amount - tax, currency),
            tax_amount: money(tax, currency),
            tax_rate: rate,
            reconciled_amount: money(0, currency),
            buyer_title: input.buyer_title ?? (typeof account.name === 'string' ? account.name : null),
            buyer_tax_id:
              input.buyer_tax_id ?? (typeof account.credit_code === 'string' ? account.credit_code : null),
            description: input.description ?? null,
            owner_id: input.owner_id ?? account.owner_id ?? actor.userId,
          },
        ],
        { allowReadOnly: true },
        tx,
      );
      const invoiceId = String(found(inv).id);
      await this.submitIn(tx, actor, invoiceId, 'create');
      return invoiceId;
    });
    return this.get(actor, id);
  }

  /**
   * Sends an applied invoice to the tenant's invoice approval (DOMAIN.md §9). A matching process
   * puts it in approval (locked); with none it needs no approval. Apply does this itself; this
   * is for a rejected, returned or withdrawn application, or one made before a process existed.
   */
  async submit(actor: Actor, id: string): Promise<InvoiceView> {
    await this.writable(actor, id);
    await this.tdb(actor).transaction(async (tx) => {
      const inv = await this.lock(tx, id, undefined);
      if (!isInvoiceSubmittable(inv))
        throw new AppError('conflict', 'invoice_state_conflict', [], { status: inv.status });
      await this.submitIn(tx, actor, id, 'manual');
    });
    return this.get(actor, id);
  }

  private async submitIn(
    tx: TenantDb,
    actor: Actor,
    id: string,
    trigger: 'create' | 'manual',
  ): Promise<void> {
    const instance = await this.p.approvals.submit(actor, { object: 'invoice', recordId: id, trigger }, tx);
    if (!instance)
      await this.p.records.update(
        actor,
        'invoice',
        id,
        { approval_status: 'not_required' },
        { tx, allowReadOnly: true },
      );
  }

  /** Issues an applied (or approved) invoice: tax number and issue date. */
  async issue(actor: Actor, id: string, body: unknown): Promise<InvoiceView> {
    const input = parseBody(issueSchema, body);
    if (input.issue_date !== undefined && !isDate(input.issue_date))
      throw invalid([{ field: 'issue_date', issue: 'invalid_date' }]);
    await this.writable(actor, id);
    await this.tdb(actor).transaction(async (tx) => {
      const inv = await this.lock(tx, id, input.version);
      if (inv.status === 'in_approval') throw new AppError('conflict', 'approval_pending');
      if (inv.status !== 'applied')
        throw new AppError('conflict', 'invoice_state_conflict', [], { status: inv.status });
      // issued only once approved, or when no approval process applies
      if (inv.approval_status !== 'approved' && inv.approval_status !== 'not_required')
        throw new AppError('conflict', 'approval_required');
      const issueDate = input.issue_date ?? todayFor(actor);
      const invoiceNo = await this.invoiceNo(tx, input.invoice_no, issueDate);
      await this.p.records.update(
        actor,
        'invoice',
        id,
        { status: 'issued', invoice_no: invoiceNo, issue_date: issueDate },
        { tx, allowReadOnly: true },
      );
      await emitEvents(tx, actor.userId, [
        { type: 'invoice.issued', object: 'invoice', recordId: id, payload: { id, invoice_no: invoiceNo } },
      ]);
    });
    return this.get(actor, id);
  }

  /** Voids (作废) an invoice that no payment is reconciled with; a reconciled one needs a credit note. */
  async void(actor: Actor, id: string, body: unknown): Promise<InvoiceView> {
    const input = parseBody(voidSchema, body);
    await this.writable(actor, id);
    await this.tdb(actor).transaction(async (tx) => {
      const inv = await this.lock(tx, id, input.version);
      if (inv.type !== 'normal' || !['applied', 'in_approval', 'issued'].includes(inv.status))
        throw new AppError('conflict', 'invoice_state_conflict', [], { status: inv.status });
      const rec = await tx.one(sql<{ n: number }>`select count(*)::int8 as n from invoice_payment
        where tenant_id = ${tx.tenantId} and invoice_id = ${id}`);
      if (inv.reconciled_amount > 0 || Number(rec?.n ?? 0) > 0)
        throw new AppError('conflict', 'invoice_reconciled');
      if ((await this.credited(tx, id)).amount > 0) throw new AppError('conflict', 'invoice_credited');
      await this.p.records.update(
        actor,
        'invoice',
        id,
        { status: 'voided', voided_at: new Date().toISOString(), void_reason: input.reason ?? null },
        { tx, allowReadOnly: true },
      );
      await emitEvents(tx, actor.userId, [
        {
          type: 'invoice.voided',
          object: 'invoice',
          recordId: id,
          payload: { id, reason: input.reason ?? null },
        },
      ]);
    });
    return this.get(actor, id);
  }

  /**
   * Credits an issued invoice with a red-letter credit invoice (红字发票): a new invoice of type
   * `credit`, issued at once, for `amount` (default: all that is left) with negative amounts and
   * `original_invoice_id` set. Several credit notes may add up to at most the original (more →
   * 422 on `amount`, naming what is left); the one that reaches it turns the original `reversed`.
   * Together the notes reverse the original's amount and tax exactly.
   * Payments reconciled with the original stay recorded against it.
   */
  async credit(actor: Actor, id: string, body: unknown): Promise<InvoiceView> {
    const input = parseBody(creditSchema, body);
    if (input.issue_date !== undefined && !isDate(input.issue_date))
      throw invalid([{ field: 'issue_date', issue: 'invalid_date' }]);
    const original = await this.writable(actor, id);
    if (!can(actor, 'invoice', 'create')) throw forbidden();
    const creditId = await this.tdb(actor).transaction(async (tx) => {
      // the original's row lock serialises credit notes against it: the sum below stays true
      const inv = await this.lock(tx, id, input.version);
      if (inv.type !== 'normal' || inv.status !== 'issued')
        throw new AppError('conflict', 'invoice_state_conflict', [], { status: inv.status });
      const before = await this.credited(tx, id);
      const left = inv.amount - before.amount;
      const amount = input.amount ?? left;
      if (amount > left)
        throw invalid([{ field: 'amount', issue: 'credit_exceeds_invoice', params: { max: left } }]);
      const last = amount === left;
      // tax of all credited so far less what earlier notes took: the notes' taxes add up to the
      // original's exactly, and each stays between 0 and its amount (rounding never piles up)
      const taxSoFar = last ? inv.tax_amount : taxIncluded(before.amount + amount, inv.tax_rate);
      const tax = taxSoFar - before.tax;
      const issueDate = input.issue_date ?? todayFor(actor);
      const [cn] = await this.p.records.createMany(
        actor,
        'invoice',
        [
          {
            number: await nextNumber(tx, 'invoice', issueDate, 'invoice'),
            account_id: original.account_id,
            contract_id: original.contract_id ?? null,
            order_id: original.order_id ?? null,
            type: 'credit',
            original_invoice_id: id,
            status: 'issued',
            invoice_no: await this.invoiceNo(tx, input.invoice_no, issueDate),
            issue_date: issueDate,
            amount: money(-amount, inv.currency),
            amount_excl_tax: money(-(amount - tax), inv.currency),
            tax_amount: money(-tax, inv.currency),
            tax_rate: inv.tax_rate,
            reconciled_amount: money(0, inv.currency),
            buyer_title: original.buyer_title ?? null,
            buyer_tax_id: original.buyer_tax_id ?? null,
            owner_id: original.owner_id ?? actor.userId,
          },
        ],
        { allowReadOnly: true },
        tx,
      );
      const cnId = String(found(cn).id);
      if (last)
        await this.p.records.update(
          actor,
          'invoice',
          id,
          { status: 'reversed' },
          { tx, allowReadOnly: true },
        );
      await emitEvents(tx, actor.userId, [
        {
          type: 'invoice.credited',
          object: 'invoice',
          recordId: id,
          payload: {
            id,
            credit_invoice_id: cnId,
            amount,
            credited: before.amount + amount,
            left: left - amount,
          },
        },
        ...(last
          ? [
              {
                type: 'invoice.reversed',
                object: 'invoice',
                recordId: id,
                payload: { id, credit_invoice_id: cnId },
              },
            ]
          : []),
      ]);
      return cnId;
    });
    return this.get(actor, creditId);
  }

  /**
   * Reconciles (核销) part of a payment with an issued invoice of the same account and currency:
   * at most what the invoice still has open and what the payment has not yet reconciled (its
   * amount less refunds and earlier reconciliations).
   */
  async reconcile(actor: Actor, id: string, body: unknown): Promise<InvoiceView> {
    const input = parseBody(reconcileSchema, body);
    await this.writable(actor, id);
    await readableRef(this.p, actor, 'payment', input.payment_id, 'payment_id');
    await this.tdb(actor).transaction(async (tx) => {
      // invoice first, then payment: the one lock order for both
      const inv = await this.lock(tx, id, undefined);
      if (inv.type !== 'normal' || inv.status !== 'issued')
        throw new AppError('conflict', 'invoice_state_conflict', [], { status: inv.status });
      const pay = found(
        await tx.one(sql<{ account_id: string; currency: string; available: number }>`
          select p.account_id, p.amount_currency as currency,
            p.amount - p.refunded_amount - coalesce((select sum(r.amount) from invoice_payment r
              where r.tenant_id = p.tenant_id and r.payment_id = p.id), 0)::int8 as available
          from payment p where p.tenant_id = ${tx.tenantId} and p.id = ${input.payment_id} and p.deleted_at is null
          for update of p`),
      );
      const issues: FieldIssue[] = [];
      if (pay.account_id !== inv.account_id) issues.push({ field: 'payment_id', issue: 'other_account' });
      else if (pay.currency !== inv.currency)
        issues.push({ field: 'payment_id', issue: 'other_currency', params: { name: 'invoice' } });
      // a partly credited invoice is open for what the credit notes left of it
      const credited = (await this.credited(tx, id)).amount;
      const max = Math.min(inv.amount - credited - inv.reconciled_amount, Number(pay.available));
      if (!issues.length && input.amount > max)
        issues.push({ field: 'amount', issue: 'too_large', params: { max: Math.max(0, max) } });
      if (issues.length) throw invalid(issues);
      const recId = newId();
      await tx.exec0(sql`insert into invoice_payment (tenant_id, id, invoice_id, payment_id, amount, created_by)
        values (${tx.tenantId}, ${recId}, ${id}, ${input.payment_id}, ${input.amount}, ${actor.userId})`);
      await this.p.records.update(
        actor,
        'invoice',
        id,
        { reconciled_amount: money(inv.reconciled_amount + input.amount, inv.currency) },
        { tx, allowReadOnly: true },
      );
      await writeAudit(tx, actor, [
        {
          action: 'update',
          object: 'invoice',
          recordId: id,
          changes: { reconciled: [null, { payment_id: input.payment_id, amount: input.amount }] },
        },
      ]);
      await emitEvents(tx, actor.userId, [
        {
          type: 'invoice.reconciled',
          object: 'invoice',
          recordId: id,
          payload: { id, payment_id: input.payment_id, amount: input.amount },
        },
      ]);
    });
    return this.get(actor, id);
  }

  /** The invoice, readable and in the actor's write scope, with update permission. */
  private async writable(actor: Actor, id: string): Promise<Rec> {
    const inv = await this.p.records.get(actor, 'invoice', id);
    if (!can(actor, 'invoice', 'update')) throw forbidden();
    return inv;
  }

  /** What the credit notes against an invoice have credited so far (positive: amount and tax). */
  private async credited(tx: TenantDb, id: string): Promise<{ amount: number; tax: number }> {
    const row = await tx.one(sql<{ amount: number; tax: number }>`
      select coalesce(-sum(amount), 0)::int8 as amount, coalesce(-sum(tax_amount), 0)::int8 as tax
      from invoice where tenant_id = ${tx.tenantId} and original_invoice_id = ${id} and type = 'credit'
        and deleted_at is null`);
    return { amount: Number(row?.amount ?? 0), tax: Number(row?.tax ?? 0) };
  }

  private async lock(tx: TenantDb, id: string, version: number | undefined): Promise<LockedInvoice> {
    const inv = found(
      await tx.one(sql<LockedInvoice>`select id, status, approval_status, type, account_id, amount_currency as currency, amount,
          tax_amount, tax_rate, reconciled_amount, version
        from invoice where tenant_id = ${tx.tenantId} and id = ${id} and deleted_at is null for update`),
    );
    if (version !== undefined && inv.version !== version) throw new AppError('conflict', 'version_conflict');
    return inv;
  }

  /**
   * The tax number: the one given (unique in the tenant), or the next of the tenant's counter —
   * 20 digits, year + 16-digit sequence, like the digital invoices (全电发票) numbers.
   */
  private async invoiceNo(tx: TenantDb, given: string | undefined, date: string): Promise<string> {
    if (given !== undefined) {
      const taken = await tx.one(sql<{ one: number }>`select 1 as one from invoice
        where tenant_id = ${tx.tenantId} and invoice_no = ${given}`);
      if (taken) throw invalid([{ field: 'invoice_no', issue: 'not_unique' }]);
      return given;
    }
    for (;;) {
      const seq = await tx.one(sql<{
        last_value: number;
      }>`insert into cash_number_seq (tenant_id, kind, period, last_value)
        values (${tx.tenantId}, 'invoice_no', ${date.slice(0, 4)}, 1)
        on conflict (tenant_id, kind, period) do update set last_value = cash_number_seq.last_value + 1
        returning last_value`);
      const no = `${date.slice(0, 4)}${String(seq?.last_value ?? 1).padStart(16, '0')}`;
      const taken = await tx.one(sql<{ one: number }>`select 1 as one from invoice
        where tenant_id = ${tx.tenantId} and invoice_no = ${no}`);
      if (!taken) return no;
    }
  }
}

/**
 * The invoice's side of an approval: submitted → in approval (locked); approved → may be issued;
 * rejected, returned or withdrawn → back to applied with the result shown (resubmit to go on).
 */
export const invoiceApprovals: ApprovalHandler = {
  async onSubmitted(ctx, s) {
    // the generic POST /approvals/submit reaches here too: the same rule as POST /invoices/{id}/submit
    const inv = await ctx.tx.one(sql<{ status: string; approval_status: string | null }>`
      select status, approval_status from invoice where tenant_id = ${ctx.tx.tenantId} and id = ${s.recordId}`);
    if (inv && !isInvoiceSubmittable(inv))
      throw new AppError('conflict', 'invoice_state_conflict', [], { status: inv.status });
    await ctx.records.update(
      ctx.system,
      'invoice',
      s.recordId,
      { status: 'in_approval', approval_status: 'pending' },
      { tx: ctx.tx, allowReadOnly: true },
    );
  },
  async onOutcome(ctx, o) {
    await ctx.records.update(
      ctx.system,
      'invoice',
      o.recordId,
      { status: 'applied', approval_status: o.outcome },
      { tx: ctx.tx, allowReadOnly: true },
    );
  },
};
