import { sql } from 'kysely';
import { z } from 'zod';
import type { Platform } from '../../platform/platform.ts';
import type { Actor } from '../../platform/access/permissions.ts';
import { TenantDb } from '../../platform/db/tenant-db.ts';
import { newId } from '../../platform/db/ids.ts';
import { AppError, invalid, notFound, type FieldIssue } from '../../platform/http/errors.ts';
import { writeAudit } from '../../platform/audit/audit.ts';
import { emitEvents } from '../../platform/events/outbox.ts';
import { todayIn } from '../../platform/jobs/dates.rules.ts';
import { tenantTimeZone } from '../../platform/jobs/tenant-zone.ts';
import type { Rec } from '../../platform/metadata/types.ts';
import {
  checkOrderLines,
  isIsoDate,
  orderAmount,
  type CheckedLine,
  type ProductFacts,
} from './order.rules.ts';
import { parseBody } from './zod-issues.ts';

const MAX_LINES = 500;
const MAX_MONEY = 1e13;
const isoDate = z.string().refine(isIsoDate, 'invalid_date');

const lineSchema = z.strictObject({
  product_id: z.string().uuid(),
  quantity: z.number().max(1e9),
  unit_price: z.number().int().min(0).max(MAX_MONEY),
  discount: z.number().optional(),
  amount: z.number().int().min(0).max(MAX_MONEY),
  service_start: isoDate.nullish(),
  service_end: isoDate.nullish(),
});

const createSchema = z.strictObject({
  account_id: z.string().uuid(),
  contract_id: z.string().uuid().nullish(),
  opportunity_id: z.string().uuid().nullish(),
  owner_id: z.string().uuid().optional(),
  number: z.string().trim().min(1).max(64).optional(),
  type: z.enum(['new', 'renewal', 'expansion', 'downgrade']).default('new'),
  status: z.enum(['draft', 'confirmed']).default('draft'),
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/)
    .optional(),
  order_date: isoDate.optional(),
  description: z.string().max(5000).nullish(),
  lines: z.array(lineSchema).max(MAX_LINES),
});

const linesSchema = z.strictObject({
  version: z.number().int().optional(),
  lines: z.array(lineSchema).max(MAX_LINES),
});

const cancelSchema = z.strictObject({
  reason: z.string().trim().min(1).max(500),
  version: z.number().int().optional(),
});
const ackSchema = z.strictObject({ erp_document_id: z.string().trim().min(1).max(128) });

export interface OrderLineView {
  id: string;
  position: number;
  product_id: string;
  product_type: string;
  product_name: string;
  product_sku: string;
  quantity: number;
  unit_price: number;
  discount: number;
  amount: number;
  service_start: string | null;
  service_end: string | null;
}

export type OrderView = Rec & { lines: OrderLineView[] };

/** What `order.confirmed` / `order.amended` carry: the header and every line, money in minor units. */
export interface OrderEventPayload {
  id: string;
  number: string;
  account_id: string;
  contract_id: string | null;
  opportunity_id: string | null;
  type: string;
  order_date: string;
  currency: string;
  amount: number;
  owner_id: string | null;
  lines: Array<Omit<OrderLineView, 'product_name' | 'product_sku' | 'position'>>;
}

/** Orders with their lines: one-request creation, confirmation, amendment, cancellation, ERP ack. */
export class OrdersService {
  constructor(readonly p: Platform) {}

  private tdb(actor: Actor): TenantDb {
    return TenantDb.for(this.p.db, actor.tenantId);
  }

  /**
   * `outerTx`: create inside the caller's transaction (a quote accepted into an order commits or
   * rolls back with it); the answer is then read in that transaction.
   */
  async create(actor: Actor, body: unknown, outerTx?: TenantDb): Promise<OrderView> {
    const input = parseBody(createSchema, body);
    const tdb = outerTx ?? this.tdb(actor);
    const tz = await tenantTimeZone(tdb);
    const currency = input.currency ?? (await this.tenantCurrency(tdb));
    const checked = await this.checkLines(tdb, input.lines, false);
    const issues: FieldIssue[] = [...checked.issues];
    issues.push(...(await this.checkContract(actor, input.contract_id ?? null, input.account_id, tdb)));
    if (issues.length) throw invalid(issues);
    const created = await tdb.transaction(async (tx) => {
      const [order] = await this.p.records.createMany(
        actor,
        'order',
        [
          {
            account_id: input.account_id,
            contract_id: input.contract_id ?? null,
            opportunity_id: input.opportunity_id ?? null,
            ...(input.owner_id ? { owner_id: input.owner_id } : {}),
            ...(input.number ? { number: input.number } : {}),
            type: input.type,
            order_date: input.order_date ?? todayIn(tz),
            description: input.description ?? null,
            amount: { amount: orderAmount(checked.lines), currency },
          },
        ],
        { allowReadOnly: true },
        tx,
      );
      const orderId = String(order?.id);
      await this.insertLines(tx, orderId, checked.lines);
      const rec = input.status === 'confirmed' ? await this.confirmIn(tx, actor, orderId) : (order as Rec);
      return { rec, lines: outerTx ? await this.linesOf(tx, orderId) : [] };
    });
    if (outerTx) return { ...created.rec, lines: created.lines };
    return this.get(actor, String(created.rec.id));
  }

  async get(actor: Actor, id: string): Promise<OrderView> {
    const order = await this.p.records.get(actor, 'order', id);
    return { ...order, lines: await this.linesOf(this.tdb(actor), id) };
  }

  /**
   * Replaces the lines. A draft simply changes; a confirmed order is amended: its amount follows
   * and `order.amended` carries the new lines so the subscription ledger is recomputed.
   */
  async replaceLines(actor: Actor, id: string, body: unknown): Promise<OrderView> {
    const input = parseBody(linesSchema, body);
    const tdb = this.tdb(actor);
    await tdb.transaction(async (tx) => {
      const order = await this.lockForWrite(actor, tx, id, input.version);
      if (order.status === 'cancelled') throw new AppError('conflict', 'order_cancelled');
      const checked = await this.checkLines(tx, input.lines, true);
      if (checked.issues.length) throw invalid(checked.issues);
      const before = await this.linesOf(tx, id);
      await tx.exec0(sql`delete from order_line where tenant_id = ${tx.tenantId} and order_id = ${id}`);
      await this.insertLines(tx, id, checked.lines);
      const amount = orderAmount(checked.lines);
      const currency = (order.amount as { currency: string }).currency;
      await this.p.records.update(
        actor,
        'order',
        id,
        { amount: { amount, currency } },
        { tx, allowReadOnly: true },
      );
      await writeAudit(tx, actor, [
        {
          action: 'update',
          object: 'order',
          recordId: id,
          changes: { lines: [before.map(auditLine), checked.lines.map(auditLine)] },
        },
      ]);
      if (order.status === 'confirmed')
        await emitEvents(tx, actor.userId, [
          {
            type: 'order.amended',
            object: 'order',
            recordId: id,
            payload: { ...(await this.payload(tx, id)) },
          },
        ]);
    });
    return this.get(actor, id);
  }

  async confirm(actor: Actor, id: string, version?: number): Promise<OrderView> {
    await this.tdb(actor).transaction(async (tx) => {
      const order = await this.lockForWrite(actor, tx, id, version);
      if (order.status !== 'draft') throw new AppError('conflict', 'order_not_draft');
      await this.confirmIn(tx, actor, id);
    });
    return this.get(actor, id);
  }

  async cancel(actor: Actor, id: string, body: unknown): Promise<OrderView> {
    const input = parseBody(cancelSchema, body);
    await this.tdb(actor).transaction(async (tx) => {
      const order = await this.lockForWrite(actor, tx, id, input.version);
      if (order.status === 'cancelled') throw new AppError('conflict', 'order_cancelled');
      // money received against the order must be refunded or moved first: a cancelled order
      // cannot hold payments; an unpaid plan is cancelled with it
      const plan = await tx.one(sql<{
        id: string;
        paid_amount: number;
      }>`select id, paid_amount from payment_plan
        where tenant_id = ${tx.tenantId} and order_id = ${id} and deleted_at is null and status <> 'cancelled' for update`);
      if (plan && Number(plan.paid_amount) > 0) throw new AppError('conflict', 'order_has_payments');
      if (plan)
        await tx.exec0(sql`update payment_plan set status = 'cancelled', version = version + 1, updated_at = now()
          where tenant_id = ${tx.tenantId} and id = ${plan.id}`);
      await this.p.records.update(
        actor,
        'order',
        id,
        { status: 'cancelled', cancelled_at: new Date().toISOString(), cancel_reason: input.reason },
        { tx, allowReadOnly: true },
      );
      await emitEvents(tx, actor.userId, [
        {
          type: 'order.cancelled',
          object: 'order',
          recordId: id,
          payload: { id, account_id: order.account_id, was: order.status, reason: input.reason },
        },
      ]);
    });
    return this.get(actor, id);
  }

  /** The ERP confirms it booked a confirmed order: its document id is kept on the order. */
  async erpAck(actor: Actor, id: string, body: unknown): Promise<OrderView> {
    const input = parseBody(ackSchema, body);
    await this.tdb(actor).transaction(async (tx) => {
      const order = await this.lockForWrite(actor, tx, id, undefined);
      if (order.status !== 'confirmed') throw new AppError('conflict', 'order_not_draft');
      await this.p.records.update(
        actor,
        'order',
        id,
        { erp_status: 'acknowledged', erp_document_id: input.erp_document_id },
        { tx, allowReadOnly: true },
      );
    });
    return this.get(actor, id);
  }

  // --- internals ---

  private async confirmIn(tx: TenantDb, actor: Actor, id: string): Promise<Rec> {
    const lines = await this.linesOf(tx, id);
    if (!lines.length) throw invalid([{ field: 'lines', issue: 'lines_required' }]);
    // an ERP integration is a webhook subscribed to order.confirmed: it will acknowledge the order
    const erp = await tx.one(sql<{
      one: number;
    }>`select 1 as one from webhook where tenant_id = ${tx.tenantId}
      and active and ('order.confirmed' = any(event_types) or '*' = any(event_types)) limit 1`);
    const rec = await this.p.records.update(
      actor,
      'order',
      id,
      {
        status: 'confirmed',
        confirmed_at: new Date().toISOString(),
        ...(erp ? { erp_status: 'pending' } : {}),
      },
      { tx, allowReadOnly: true },
    );
    await emitEvents(tx, actor.userId, [
      {
        type: 'order.confirmed',
        object: 'order',
        recordId: id,
        payload: { ...(await this.payload(tx, id)) },
      },
    ]);
    return rec;
  }

  private async payload(tx: TenantDb, id: string): Promise<OrderEventPayload> {
    const o = await tx.one(sql<{
      number: string;
      account_id: string;
      contract_id: string | null;
      opportunity_id: string | null;
      type: string;
      order_date: string;
      amount: number;
      amount_currency: string;
      owner_id: string | null;
    }>`select number, account_id, contract_id, opportunity_id, type, to_char(order_date, 'YYYY-MM-DD') as order_date,
         amount, amount_currency, owner_id from sales_order where tenant_id = ${tx.tenantId} and id = ${id}`);
    if (!o) throw notFound();
    const lines = await this.linesOf(tx, id);
    return {
      id,
      number: o.number,
      account_id: o.account_id,
      contract_id: o.contract_id,
      opportunity_id: o.opportunity_id,
      type: o.type,
      order_date: o.order_date,
      currency: o.amount_currency,
      amount: Number(o.amount),
      owner_id: o.owner_id,
      lines: lines.map(({ product_name: _n, product_sku: _s, position: _p, ...l }) => l),
    };
  }

  /** The order as the actor may change it, row-locked; version checked when given. */
  private async lockForWrite(
    actor: Actor,
    tx: TenantDb,
    id: string,
    version: number | undefined,
  ): Promise<Rec> {
    const order = await this.p.records.get(actor, 'order', id);
    await tx.exec0(sql`select 1 from sales_order where tenant_id = ${tx.tenantId} and id = ${id} for update`);
    if (version !== undefined && order.version !== version)
      throw new AppError('conflict', 'version_conflict');
    return order;
  }

  private async tenantCurrency(tdb: TenantDb): Promise<string> {
    const r = await tdb.one(
      sql<{ currency: string }>`select currency from tenant where id = ${tdb.tenantId}`,
    );
    return r?.currency ?? 'CNY';
  }

  private async checkLines(
    tdb: TenantDb,
    lines: z.infer<typeof lineSchema>[],
    allowInactive: boolean,
  ): Promise<{ lines: CheckedLine[]; issues: FieldIssue[] }> {
    const ids = [...new Set(lines.map((l) => l.product_id))];
    const rows = ids.length
      ? await tdb.query(sql<{
          id: string;
          type: ProductFacts['type'];
          active: boolean;
        }>`select id, type, active
          from product where tenant_id = ${tdb.tenantId} and deleted_at is null and id = any(${ids}::uuid[])`)
      : [];
    const products = new Map(rows.map((r) => [r.id, { type: r.type, active: r.active }]));
    return checkOrderLines(lines, products, { allowInactive });
  }

  private async checkContract(
    actor: Actor,
    contractId: string | null,
    accountId: string,
    tdb: TenantDb = this.tdb(actor),
  ): Promise<FieldIssue[]> {
    const issues: FieldIssue[] = [];
    try {
      await this.p.records.get(actor, 'account', accountId);
    } catch (e) {
      if (e instanceof AppError && (e.code === 'not_found' || e.code === 'forbidden'))
        return [{ field: 'account_id', issue: 'invalid_reference' }];
      throw e;
    }
    if (!contractId) return issues;
    const c = await tdb.one(
      sql<{ account_id: string; status: string }>`select account_id, status from contract
        where tenant_id = ${actor.tenantId} and id = ${contractId} and deleted_at is null`,
    );
    if (!c) issues.push({ field: 'contract_id', issue: 'invalid_reference' });
    else if (c.account_id !== accountId) issues.push({ field: 'contract_id', issue: 'other_account' });
    else if (c.status === 'terminated')
      issues.push({ field: 'contract_id', issue: 'contract_status', params: { status: c.status } });
    return issues;
  }

  private async insertLines(tx: TenantDb, orderId: string, lines: CheckedLine[]): Promise<void> {
    for (const [i, l] of lines.entries())
      await tx.exec0(sql`insert into order_line (tenant_id, id, order_id, position, product_id, product_type, quantity,
          unit_price, discount, amount, service_start, service_end)
        values (${tx.tenantId}, ${newId()}, ${orderId}, ${i}, ${l.product_id}, ${l.product_type}, ${l.quantity},
          ${l.unit_price}, ${l.discount}, ${l.amount}, ${l.service_start}, ${l.service_end})`);
  }

  async linesOf(tdb: TenantDb, orderId: string): Promise<OrderLineView[]> {
    const rows = await tdb.query(sql<OrderLineView>`select l.id, l.position, l.product_id, l.product_type,
        p.name as product_name, p.sku as product_sku, l.quantity::float8 as quantity, l.unit_price,
        l.discount::float8 as discount, l.amount,
        to_char(l.service_start, 'YYYY-MM-DD') as service_start, to_char(l.service_end, 'YYYY-MM-DD') as service_end
      from order_line l join product p on p.tenant_id = l.tenant_id and p.id = l.product_id
      where l.tenant_id = ${tdb.tenantId} and l.order_id = ${orderId} order by l.position`);
    return rows.map((r) => ({ ...r, unit_price: Number(r.unit_price), amount: Number(r.amount) }));
  }
}

function auditLine(l: {
  product_id: string;
  quantity: number;
  unit_price: number;
  discount: number;
  amount: number;
  service_start: string | null;
  service_end: string | null;
}): Rec {
  return {
    product_id: l.product_id,
    quantity: l.quantity,
    unit_price: l.unit_price,
    discount: l.discount,
    amount: l.amount,
    service_start: l.service_start,
    service_end: l.service_end,
  };
}
