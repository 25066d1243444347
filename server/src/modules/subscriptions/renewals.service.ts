import { sql } from 'kysely';
import { z } from 'zod';
import type { Platform } from '../../platform/platform.ts';
import { can, type Actor } from '../../platform/access/permissions.ts';
import { scopePredicate } from '../../platform/access/scope.sql.ts';
import { TenantDb } from '../../platform/db/tenant-db.ts';
import { AppError, forbidden, invalid } from '../../platform/http/errors.ts';
import { parseBody } from '../../platform/http/zod-issues.ts';
import { todayIn } from '../../platform/jobs/dates.rules.ts';
import { writeAudit } from '../../platform/audit/audit.ts';
import type { ApprovalHandler } from '../../platform/approvals/approvals.types.ts';
import { isUuid } from '../../platform/db/ids.ts';
import { addMonths, isDate, monthEnd, monthOf, monthsBetween, shiftMonth } from './term.rules.ts';
import { baseCurrency, bookOrder, refreshAccount, refreshAccounts } from './ledger.service.ts';
import {
  loadSubscriptionSettings,
  storeSubscriptionSettings,
  subscriptionSettingsSchema,
  type SubscriptionSettings,
} from './settings.ts';

export const DUE_BUCKETS = ['due_3m', 'due_1m', 'overdue', 'all'] as const;
export type DueBucket = (typeof DUE_BUCKETS)[number];

export interface DueListRow {
  id: string;
  account_id: string;
  account_name: string;
  owner_id: string | null;
  owner_name: string | null;
  due_date: string;
  due_arr: number;
  renewed_arr: number;
  status: string;
  days_left: number;
  renewal_opportunity_id: string | null;
  opportunity_stage: string | null;
  renewal_order_id: string | null;
}

const adjustmentSchema = z.strictObject({
  account_id: z.string().refine(isUuid),
  due_date: z.string().refine(isDate),
  reason: z.enum(['acquired', 'duplicate_account', 'migrated_contract', 'other']),
  note: z.string().trim().max(2000).optional(),
});

const rateSchema = z.strictObject({
  currency: z.string().regex(/^[A-Z]{3}$/),
  effective_date: z.string().refine(isDate),
  rate: z.string().refine((v) => /^\d{1,10}(\.\d{1,8})?$/.test(v) && Number(v) > 0),
});

/** Due-renewal work lists, a customer's subscriptions, adjustments, exchange rates, settings. */
export class RenewalsService {
  constructor(private readonly p: Platform) {}

  private tdb(actor: Actor): TenantDb {
    return TenantDb.for(this.p.db, actor.tenantId);
  }

  /**
   * 应续 work lists on today (tenant time zone): due within 3 months / 1 month and not renewed yet,
   * or due date passed without a renewal (within the last year). Rows follow the record scope of
   * due_renewal (the account owner's).
   */
  async dueList(
    actor: Actor,
    bucket: DueBucket,
    ownerId?: string,
  ): Promise<{ as_of: string; rows: DueListRow[] }> {
    if (!can(actor, 'due_renewal', 'read')) throw forbidden();
    if (ownerId !== undefined && !isUuid(ownerId))
      throw invalid([{ field: 'owner_id', issue: 'invalid_value' }]);
    const today = todayIn(actor.timeZone);
    const where =
      bucket === 'due_3m'
        ? sql`t.due_date > ${today}::date and t.due_date <= ${addMonths(today, 3)}::date and t.status = 'upcoming'`
        : bucket === 'due_1m'
          ? sql`t.due_date > ${today}::date and t.due_date <= ${addMonths(today, 1)}::date and t.status = 'upcoming'`
          : bucket === 'overdue'
            ? sql`t.due_date <= ${today}::date and t.due_date > ${addMonths(today, -12)}::date and t.status in ('overdue', 'churned')`
            : sql`true`;
    const tdb = this.tdb(actor);
    const rows = await tdb.query(sql<DueListRow>`
      select t.id, t.account_id, a.name as account_name, t.owner_id, u.name as owner_name,
        to_char(t.due_date, 'YYYY-MM-DD') as due_date, t.due_arr, t.renewed_arr, t.status,
        (t.due_date - ${today}::date)::int as days_left, t.renewal_opportunity_id, o.stage as opportunity_stage,
        t.renewal_order_id
      from due_renewal t
      join account a on a.tenant_id = t.tenant_id and a.id = t.account_id
      left join app_user u on u.tenant_id = t.tenant_id and u.id = t.owner_id
      left join opportunity o on o.tenant_id = t.tenant_id and o.id = t.renewal_opportunity_id
      where t.tenant_id = ${tdb.tenantId} and t.deleted_at is null and ${where}
        and ${scopePredicate(actor, 'due_renewal')}
        ${ownerId ? sql`and t.owner_id = ${ownerId}` : sql``}
      order by t.due_date, t.due_arr desc limit 500`);
    return { as_of: today, rows };
  }

  /** A customer's subscription lines, month-end ARR timeline, due records and adjustments. */
  async accountSubscriptions(
    actor: Actor,
    accountId: string,
  ): Promise<{
    currency: string;
    arr: number;
    lines: Array<Record<string, unknown>>;
    timeline: Array<{ month: string; arr: number }>;
    due: Array<Record<string, unknown>>;
    adjustments: Array<Record<string, unknown>>;
  }> {
    if (!can(actor, 'subscription', 'read')) throw forbidden();
    await this.p.records.get(actor, 'account', accountId); // 404 unless the actor may read the account
    const tdb = this.tdb(actor);
    const today = todayIn(actor.timeZone);
    const lines = await tdb.query(sql<{
      id: string;
      order_id: string;
      order_number: string;
      order_type: string;
      order_date: string;
      product_id: string;
      product_name: string;
      service_start: string;
      service_end: string;
      amount: number;
      amount_currency: string;
      arr: number | null;
      status: string;
    }>`select l.id, l.order_id, o.number as order_number, l.order_type, to_char(l.order_date, 'YYYY-MM-DD') as order_date,
        l.product_id, p.name as product_name, to_char(l.service_start, 'YYYY-MM-DD') as service_start,
        to_char(l.service_end, 'YYYY-MM-DD') as service_end, l.amount, l.amount_currency, l.arr, l.status
      from subscription_line l
      join sales_order o on o.tenant_id = l.tenant_id and o.id = l.order_id
      join product p on p.tenant_id = l.tenant_id and p.id = l.product_id
      where l.tenant_id = ${tdb.tenantId} and l.account_id = ${accountId}
      order by l.service_start, o.number`);
    const active = lines.filter((l) => l.status === 'active' && (l.arr ?? 0) > 0);
    const timeline: Array<{ month: string; arr: number }> = [];
    if (active.length) {
      const first = active.map((l) => monthOf(l.service_start)).sort()[0] ?? monthOf(today);
      const lastEnd =
        active
          .map((l) => l.service_end)
          .sort()
          .at(-1) ?? today;
      const last = shiftMonth(monthOf(lastEnd), 1);
      for (const month of monthsBetween(shiftMonth(first, -1), last)) {
        const d = monthEnd(month);
        timeline.push({
          month,
          arr: active
            .filter((l) => l.service_start <= d && d <= l.service_end)
            .reduce((s, l) => s + (l.arr ?? 0), 0),
        });
      }
    }
    const due = await tdb.query(sql<
      Record<string, unknown>
    >`select id, to_char(due_date, 'YYYY-MM-DD') as due_date, due_arr,
        renewed_arr, renewed_arr_finance, status, renewal_order_id, renewal_opportunity_id
      from due_renewal where tenant_id = ${tdb.tenantId} and account_id = ${accountId} and deleted_at is null order by due_date`);
    const adjustments = await tdb.query(sql<
      Record<string, unknown>
    >`select id, to_char(due_date, 'YYYY-MM-DD') as due_date,
        reason, note, status, created_at from renewal_adjustment
      where tenant_id = ${tdb.tenantId} and account_id = ${accountId} and deleted_at is null order by created_at desc`);
    return {
      currency: await baseCurrency(tdb),
      arr: active
        .filter((l) => l.service_start <= today && today <= l.service_end)
        .reduce((s, l) => s + (l.arr ?? 0), 0),
      lines,
      timeline,
      due,
      adjustments,
    };
  }

  /**
   * Requests an adjustment (应续调整) of a due record. It goes through the approvals engine; when no
   * process applies, an administrator's request takes effect at once and anyone else is told
   * that a process must be set up (adjustments always need someone's approval).
   */
  async createAdjustment(actor: Actor, body: unknown): Promise<Record<string, unknown>> {
    const input = parseBody(adjustmentSchema, body);
    if (input.reason === 'other' && !input.note) throw invalid([{ field: 'note', issue: 'required' }]);
    if (!can(actor, 'renewal_adjustment', 'create')) throw forbidden();
    return this.tdb(actor).transaction(async (tx) => {
      const due = await tx.one(sql<{ id: string }>`select t.id from due_renewal t
        where t.tenant_id = ${tx.tenantId} and t.account_id = ${input.account_id} and t.due_date = ${input.due_date}::date
          and t.deleted_at is null and ${scopePredicate(actor, 'due_renewal')}`);
      if (!due) throw invalid([{ field: 'due_date', issue: 'due_renewal_not_found' }]);
      const live = await tx.one(sql`select 1 from renewal_adjustment where tenant_id = ${tx.tenantId}
        and account_id = ${input.account_id} and due_date = ${input.due_date}::date
        and status in ('pending', 'approved') and deleted_at is null`);
      if (live) throw new AppError('conflict', 'adjustment_exists');
      const [rec] = await this.p.records.createMany(
        actor,
        'renewal_adjustment',
        [
          {
            account_id: input.account_id,
            due_date: input.due_date,
            reason: input.reason,
            note: input.note ?? null,
            status: 'pending',
          },
        ],
        { allowReadOnly: true },
        tx,
      );
      const id = String(rec?.id);
      const instance = await this.p.approvals.submit(
        actor,
        { object: 'renewal_adjustment', recordId: id, trigger: 'create' },
        tx,
      );
      if (!instance) {
        if (!actor.isAdmin) throw new AppError('conflict', 'approval_process_required');
        await tx.exec0(sql`update renewal_adjustment set status = 'approved', approval_status = 'not_required',
            decided_at = now() where tenant_id = ${tx.tenantId} and id = ${id}`);
        await writeAudit(tx, actor, [
          {
            action: 'approval',
            object: 'renewal_adjustment',
            recordId: id,
            changes: { status: ['pending', 'approved'] },
          },
        ]);
        await refreshAccount(tx, input.account_id, todayIn(actor.timeZone));
        return { ...rec, status: 'approved' };
      }
      return { ...rec };
    });
  }

  async listRates(
    actor: Actor,
  ): Promise<{ base: string; rates: Array<{ currency: string; effective_date: string; rate: string }> }> {
    if (!can(actor, 'subscription', 'read')) throw forbidden();
    const tdb = this.tdb(actor);
    const rates = await tdb.query(sql<{ currency: string; effective_date: string; rate: string }>`
      select currency, to_char(effective_date, 'YYYY-MM-DD') as effective_date, rate::text as rate
      from exchange_rate where tenant_id = ${tdb.tenantId} order by currency, effective_date desc`);
    return { base: await baseCurrency(tdb), rates };
  }

  /**
   * Sets a rate (administrators). Lines waiting for a rate of that currency are booked with it;
   * lines already booked keep their conversion (ARR never moves with exchange rates).
   */
  async putRate(
    actor: Actor,
    body: unknown,
  ): Promise<{ currency: string; effective_date: string; rate: string; booked_orders: number }> {
    if (!actor.isAdmin) throw forbidden();
    const input = parseBody(rateSchema, body);
    return this.tdb(actor).transaction(async (tx) => {
      if (input.currency === (await baseCurrency(tx)))
        throw invalid([{ field: 'currency', issue: 'invalid_value' }]);
      await tx.exec0(sql`insert into exchange_rate (tenant_id, currency, effective_date, rate, created_by)
        values (${tx.tenantId}, ${input.currency}, ${input.effective_date}::date, ${input.rate}::numeric, ${actor.userId})
        on conflict (tenant_id, currency, effective_date) do update set rate = excluded.rate`);
      await writeAudit(tx, actor, [
        { action: 'admin', object: 'settings', recordId: null, changes: { exchange_rate: [null, input] } },
      ]);
      const waiting = await tx.query(sql<{ order_id: string }>`select distinct order_id from subscription_line
        where tenant_id = ${tx.tenantId} and status = 'pending_rate' and amount_currency = ${input.currency}`);
      const today = todayIn(actor.timeZone);
      for (const w of waiting) await bookOrder(tx, w.order_id, today);
      return { ...input, booked_orders: waiting.length };
    });
  }

  async settings(actor: Actor): Promise<SubscriptionSettings> {
    if (!can(actor, 'subscription', 'read')) throw forbidden();
    return loadSubscriptionSettings(this.tdb(actor));
  }

  /** Replaces the settings (administrators); a new grace period re-matches every customer's due records. */
  async saveSettings(actor: Actor, body: unknown): Promise<SubscriptionSettings> {
    if (!actor.isAdmin) throw forbidden();
    const input = parseBody(subscriptionSettingsSchema, body);
    return this.tdb(actor).transaction(async (tx) => {
      const before = await loadSubscriptionSettings(tx);
      await storeSubscriptionSettings(tx, input);
      await writeAudit(tx, actor, [
        { action: 'admin', object: 'settings', recordId: null, changes: { subscriptions: [before, input] } },
      ]);
      if (before.renewalGraceDays !== input.renewalGraceDays) {
        const accounts = await tx.query(sql<{
          account_id: string;
        }>`select distinct account_id from due_renewal
          where tenant_id = ${tx.tenantId}`);
        await refreshAccounts(
          tx,
          accounts.map((a) => a.account_id),
          todayIn(actor.timeZone),
        );
      }
      return loadSubscriptionSettings(tx);
    });
  }
}

/** An adjustment's approval decides whether its due record leaves the renewal rate. */
export const adjustmentApprovals: ApprovalHandler = {
  async onSubmitted(ctx, s) {
    // only a pending request goes to approval: a decided one (approved, rejected, withdrawn) is
    // final — a new request is a new adjustment
    const row = await ctx.tx.one(sql<{
      status: string;
      approval_status: string | null;
    }>`select status, approval_status
      from renewal_adjustment where tenant_id = ${ctx.tx.tenantId} and id = ${s.recordId}`);
    if (
      !row ||
      row.status !== 'pending' ||
      (row.approval_status !== null && row.approval_status !== 'returned')
    )
      throw new AppError('conflict', 'adjustment_state_conflict', [], { status: row?.status ?? 'missing' });
    await ctx.tx.exec0(sql`update renewal_adjustment set approval_status = 'pending'
      where tenant_id = ${ctx.tx.tenantId} and id = ${s.recordId}`);
  },
  async onOutcome(ctx, o) {
    const status =
      o.outcome === 'approved' ? 'approved' : o.outcome === 'withdrawn' ? 'withdrawn' : 'rejected';
    const row = await ctx.tx.one(sql<{ account_id: string }>`update renewal_adjustment
        set status = ${status}, approval_status = ${o.outcome}, decided_at = now(), updated_at = now(), version = version + 1
      where tenant_id = ${ctx.tx.tenantId} and id = ${o.recordId} returning account_id`);
    if (row && status === 'approved')
      await refreshAccount(ctx.tx, row.account_id, todayIn(ctx.actor.timeZone));
  },
};
