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
import { MAX_AMOUNT, MAX_INSTALMENTS, planInstalments, type PlannedInstalment } from './receivables.rules.ts';
import {
  found,
  instalmentsOf,
  money,
  moneyOf,
  parseBody,
  readableRef,
  todayFor,
  type InstalmentView,
} from './receivables.service.ts';

const instalmentSchema = z.strictObject({
  due_date: z.string(),
  amount: z.number().int().min(0).max(MAX_AMOUNT).optional(),
  percent: z.number().optional(),
  note: z.string().trim().max(500).nullish(),
});

const createSchema = z.strictObject({
  contract_id: z.string().uuid().optional(),
  order_id: z.string().uuid().optional(),
  owner_id: z.string().uuid().optional(),
  description: z.string().max(10_000).nullish(),
  instalments: z.array(instalmentSchema).max(MAX_INSTALMENTS),
});

const replaceSchema = z.strictObject({
  version: z.number().int().optional(),
  instalments: z.array(instalmentSchema).max(MAX_INSTALMENTS),
});

export type PlanView = Rec & { instalments: InstalmentView[] };

/**
 * Payment plans (回款计划): created with their instalments in one request for a contract or an
 * order; instalments replaced while nothing is paid. The plan's amount and currency are those of
 * the contract or order, and the instalments must add up to it exactly.
 */
export class PaymentPlansService {
  constructor(readonly p: Platform) {}

  private tdb(actor: Actor): TenantDb {
    return TenantDb.for(this.p.db, actor.tenantId);
  }

  async get(actor: Actor, id: string): Promise<PlanView> {
    const plan = await this.p.records.get(actor, 'payment_plan', id);
    return { ...plan, instalments: await instalmentsOf(this.tdb(actor), [id], todayFor(actor)) };
  }

  async create(actor: Actor, body: unknown): Promise<PlanView> {
    const input = parseBody(createSchema, body);
    if (!can(actor, 'payment_plan', 'create')) throw forbidden();
    if ((input.contract_id === undefined) === (input.order_id === undefined))
      throw invalid([{ field: input.contract_id ? 'order_id' : 'contract_id', issue: 'one_source' }]);
    const sourceField = input.order_id ? 'order_id' : 'contract_id';
    const source = await readableRef(
      this.p,
      actor,
      input.order_id ? 'order' : 'contract',
      input.order_id ?? input.contract_id ?? '',
      sourceField,
    );
    const total = moneyOf(source.amount);
    const issues: FieldIssue[] = [];
    if (input.order_id && source.status === 'cancelled')
      issues.push({ field: 'order_id', issue: 'order_cancelled' });
    if (input.contract_id && source.status === 'terminated')
      issues.push({ field: 'contract_id', issue: 'contract_status', params: { status: 'terminated' } });
    if (!total.amount || total.amount <= 0)
      issues.push({ field: sourceField, issue: 'source_amount_missing' });
    if (issues.length) throw invalid(issues);
    const planned = planInstalments(total.amount, input.instalments);
    if (planned.issues.length) throw invalid(planned.issues);
    const id = await this.tdb(actor).transaction(async (tx) => {
      // the source's status is read again under a lock: a cancellation racing this write waits
      const table = input.order_id ? sql`sales_order` : sql`contract`;
      const live = await tx.one(sql<{
        status: string;
        amount: number | null;
      }>`select status, amount from ${table}
        where tenant_id = ${tx.tenantId} and id = ${String(source.id)} and deleted_at is null for update`);
      if (!live) throw invalid([{ field: sourceField, issue: 'invalid_reference' }]);
      if (live.status === 'cancelled') throw invalid([{ field: 'order_id', issue: 'order_cancelled' }]);
      if (Number(live.amount) !== total.amount) throw new AppError('conflict', 'version_conflict');
      const existing = await tx.one(sql<{ number: string }>`select number from payment_plan
        where tenant_id = ${tx.tenantId} and deleted_at is null and status <> 'cancelled'
          and ${input.order_id ? sql`order_id = ${input.order_id}` : sql`contract_id = ${input.contract_id ?? null}`}`);
      if (existing)
        throw invalid([{ field: sourceField, issue: 'plan_exists', params: { number: existing.number } }]);
      const today = todayFor(actor);
      const [plan] = await this.p.records.createMany(
        actor,
        'payment_plan',
        [
          {
            number: await nextNumber(tx, 'payment_plan', today, 'payment_plan'),
            account_id: source.account_id,
            contract_id: input.contract_id ?? null,
            order_id: input.order_id ?? null,
            amount: total,
            paid_amount: money(0, total.currency),
            status: 'open',
            description: input.description ?? null,
            owner_id: input.owner_id ?? source.owner_id ?? actor.userId,
          },
        ],
        { allowReadOnly: true },
        tx,
      );
      const planId = String(found(plan).id);
      await this.insertInstalments(tx, planId, planned.instalments, today);
      await writeAudit(tx, actor, [
        {
          action: 'update',
          object: 'payment_plan',
          recordId: planId,
          changes: { instalments: [null, planned.instalments] },
        },
      ]);
      return planId;
    });
    return this.get(actor, id);
  }

  /** Replaces the instalments of a plan nothing has been paid on yet (409 plan_has_payments otherwise). */
  async replaceInstalments(actor: Actor, id: string, body: unknown): Promise<PlanView> {
    const input = parseBody(replaceSchema, body);
    const plan = await this.p.records.get(actor, 'payment_plan', id);
    if (!can(actor, 'payment_plan', 'update')) throw forbidden();
    // re-planning follows the contract or order as it is now (an amended order changed its amount)
    const total = await this.sourceAmount(this.tdb(actor), id, moneyOf(plan.amount));
    const planned = planInstalments(total.amount, input.instalments);
    if (planned.issues.length) throw invalid(planned.issues);
    await this.tdb(actor).transaction(async (tx) => {
      if ((await this.sourceAmount(tx, id, total)).amount !== total.amount)
        throw new AppError('conflict', 'version_conflict');
      const row = found(
        await tx.one(sql<{ version: number; status: string; paid: number }>`
          select p.version, p.status, (select count(*) from payment_allocation a join payment_instalment i
              on i.tenant_id = a.tenant_id and i.id = a.instalment_id where i.tenant_id = p.tenant_id and i.plan_id = p.id)::int8 as paid
          from payment_plan p where p.tenant_id = ${tx.tenantId} and p.id = ${id} and p.deleted_at is null for update`),
      );
      if (input.version !== undefined && row.version !== input.version)
        throw new AppError('conflict', 'version_conflict');
      if (row.status === 'cancelled') throw new AppError('conflict', 'payment_state_conflict');
      if (row.paid > 0) throw new AppError('conflict', 'plan_has_payments');
      const before = await tx.query(sql<{ seq: number; due_date: string; amount: number }>`
        select seq, to_char(due_date, 'YYYY-MM-DD') as due_date, amount from payment_instalment
        where tenant_id = ${tx.tenantId} and plan_id = ${id} order by seq`);
      await tx.exec0(
        sql`delete from payment_instalment where tenant_id = ${tx.tenantId} and plan_id = ${id}`,
      );
      await this.insertInstalments(tx, id, planned.instalments, todayFor(actor));
      const was = moneyOf(plan.amount).amount;
      await tx.exec0(sql`update payment_plan set amount = ${total.amount}, version = version + 1, updated_at = now(),
          updated_by = ${actor.userId}
        where tenant_id = ${tx.tenantId} and id = ${id}`);
      await writeAudit(tx, actor, [
        {
          action: 'update',
          object: 'payment_plan',
          recordId: id,
          changes: {
            instalments: [before, planned.instalments],
            ...(was !== total.amount ? { amount: [plan.amount, total] } : {}),
          },
        },
      ]);
      await emitEvents(tx, actor.userId, [
        {
          type: 'payment_plan.instalments_replaced',
          object: 'payment_plan',
          recordId: id,
          payload: { id, instalments: planned.instalments },
        },
      ]);
    });
    return this.get(actor, id);
  }

  /**
   * The amount a plan must add up to now: its contract's or order's current amount when that is
   * positive and in the plan's currency, else the plan's own.
   */
  private async sourceAmount(
    tdb: TenantDb,
    planId: string,
    current: { amount: number; currency: string },
  ): Promise<{ amount: number; currency: string }> {
    const row = await tdb.one(sql<{ amount: number | null; currency: string | null }>`
      select coalesce(o.amount, c.amount) as amount, coalesce(o.amount_currency, c.amount_currency) as currency
      from payment_plan p
      left join sales_order o on o.tenant_id = p.tenant_id and o.id = p.order_id
      left join contract c on c.tenant_id = p.tenant_id and c.id = p.contract_id
      where p.tenant_id = ${tdb.tenantId} and p.id = ${planId}`);
    const amount = Number(row?.amount ?? 0);
    return amount > 0 && row?.currency === current.currency
      ? { amount, currency: current.currency }
      : current;
  }

  private async insertInstalments(
    tx: TenantDb,
    planId: string,
    items: PlannedInstalment[],
    today: string,
  ): Promise<void> {
    const rows = items.map((i) => ({
      tenant_id: tx.tenantId,
      id: newId(),
      plan_id: planId,
      seq: i.seq,
      due_date: i.due_date,
      amount: i.amount,
      percent: i.percent,
      note: i.note,
      // a plan entered late may start with instalments already past due
      status: i.due_date < today ? 'overdue' : 'planned',
    }));
    await tx.exec0(sql`insert into payment_instalment (tenant_id, id, plan_id, seq, due_date, amount, percent, note, status)
      select tenant_id, id, plan_id, seq, due_date, amount, percent, note, status
      from jsonb_populate_recordset(null::payment_instalment, ${JSON.stringify(rows)}::jsonb)`);
  }
}
