import { sql } from 'kysely';
import { z } from 'zod';
import type { Platform } from '../../platform/platform.ts';
import { objectPermission, type Actor } from '../../platform/access/permissions.ts';
import { TenantDb } from '../../platform/db/tenant-db.ts';
import { lockInTenant } from '../../platform/db/locks.ts';
import { isUuid, newId } from '../../platform/db/ids.ts';
import { AppError, badRequest, forbidden, invalid } from '../../platform/http/errors.ts';
import { writeAudit } from '../../platform/audit/audit.ts';
import { emitEvents } from '../../platform/events/outbox.ts';
import type { StoredEvent, Subscriber } from '../../platform/events/dispatcher.ts';
import { tenantTimeZone } from '../../platform/jobs/tenant-zone.ts';
import { todayIn } from '../../platform/jobs/dates.rules.ts';
import {
  applyRate,
  bpToPercent,
  checkSplits,
  creditDeltas,
  creditParts,
  effectiveSplits,
  isPeriod,
  largestRemainder,
  MAX_SPLITS,
  openPeriod,
  periodOf,
  periodStart,
  performanceSettingsSchema,
  SPLIT_KINDS,
  toBasisPoints,
  type CreditPart,
  type OrderType,
  type PerformanceSettings,
  type Split,
  type SplitKind,
} from './performance.rules.ts';
import {
  computeMonth,
  computeMonths,
  isManager,
  loadPerformanceSettings,
  managedDepartments,
  peoplePredicate,
  recomputeStatements,
  storePerformanceSettings,
  tenantCurrency,
  type MonthFigures,
} from './commissions.service.ts';
import { zodIssues } from './zod-issues.ts';

const splitsSchema = z.strictObject({
  splits: z
    .array(
      z.strictObject({
        user_id: z.string(),
        role: z.string().trim().optional(),
        kind: z.enum(SPLIT_KINDS).default('revenue'),
        percent: z.number(),
      }),
    )
    .max(MAX_SPLITS * 5),
});

export interface SplitView {
  user_id: string;
  user_name: string;
  role: string;
  kind: SplitKind;
  percent: number;
}

export interface OrderSplits {
  order_id: string;
  owner_id: string | null;
  /** no splits are stored: the owner holds 100 % revenue */
  default: boolean;
  splits: SplitView[];
}

export interface OrderCredit {
  order_id: string;
  /** what each participant holds now (rows summed; zero totals left out) */
  totals: Array<{
    user_id: string;
    user_name: string;
    role: string;
    kind: SplitKind;
    currency: string;
    amount: number;
  }>;
  entries: Array<{
    id: string;
    user_id: string;
    payment_id: string | null;
    period: string;
    amount: number;
    currency: string;
    kind: SplitKind;
    role: string;
    source: 'order' | 'payment';
    source_event: string;
    created_at: Date;
  }>;
}

/** What changed the credit: an event (with its id and time) or a request. */
interface Cause {
  event: string;
  eventId: string | null;
  at: Date;
}

type Touched = Array<{ user_id: string; period: string }>;

/** Orders' splits rows as checked splits (percent → basis points). */
async function storedSplits(tx: TenantDb, orderId: string): Promise<Split[]> {
  const rows = await tx.query(sql<{ user_id: string; role: string; kind: SplitKind; percent: string }>`
    select user_id, role, kind, percent from order_split
    where tenant_id = ${tx.tenantId} and order_id = ${orderId} order by position`);
  return rows.map((r) => ({
    user_id: r.user_id,
    role: r.role,
    kind: r.kind,
    bp: toBasisPoints(Number(r.percent)) ?? 0,
  }));
}

interface OrderFacts {
  id: string;
  owner_id: string | null;
  type: OrderType;
  status: string;
  amount: number;
  currency: string;
  deleted: boolean;
}

async function orderFacts(tx: TenantDb, orderId: string): Promise<OrderFacts | undefined> {
  const r = await tx.one(sql<{
    id: string;
    owner_id: string | null;
    type: OrderType;
    status: string;
    amount: string;
    currency: string;
    deleted: boolean;
  }>`select id, owner_id, type, status, amount, trim(amount_currency) as currency, deleted_at is not null as deleted
    from sales_order where tenant_id = ${tx.tenantId} and id = ${orderId}`);
  return r ? { ...r, amount: Number(r.amount) } : undefined;
}

/**
 * Writes the ledger rows that take one credit source (an order, or an order × payment) to its
 * target, and returns the (person, month) pairs whose statements need recomputing. Rows go to the
 * month of the cause (tenant time zone), or to the person's next month whose statement is not
 * locked. The person's statements from that month on are row-locked first, so a concurrent lock
 * either happens before (and the row moves on) or waits for this transaction.
 */
async function settle(
  tx: TenantDb,
  key: { orderId: string; paymentId: string | null; source: 'order' | 'payment' },
  target: CreditPart[],
  currency: string,
  cause: Cause,
  earned: string,
): Promise<Touched> {
  const booked = (
    await tx.query(sql<{ user_id: string; role: string; kind: SplitKind; amount: string }>`
      select user_id, role, kind, sum(amount)::int8 as amount from performance_credit
      where tenant_id = ${tx.tenantId} and order_id = ${key.orderId} and source = ${key.source}
        and payment_id is not distinct from ${key.paymentId}::uuid
      group by user_id, role, kind`)
  ).map((r) => ({ ...r, amount: Number(r.amount) }));
  // lock statements person by person in id order, so concurrent settlements cannot deadlock
  const deltas = creditDeltas(target, booked).sort((a, b) =>
    a.user_id < b.user_id ? -1 : a.user_id > b.user_id ? 1 : 0,
  );
  const touched: Touched = [];
  for (const d of deltas) {
    const locked = await tx.query(sql<{ period: string; status: string }>`
      select to_char(period, 'YYYY-MM') as period, status from commission_statement
      where tenant_id = ${tx.tenantId} and user_id = ${d.user_id} and period >= ${periodStart(earned)}::date
      order by period for update`);
    const period = openPeriod(
      earned,
      new Set(locked.filter((l) => l.status === 'locked').map((l) => l.period)),
    );
    await tx.exec0(sql`insert into performance_credit (tenant_id, id, user_id, order_id, payment_id, period, amount,
        currency, kind, role, source, source_event, event_id)
      values (${tx.tenantId}, ${newId()}, ${d.user_id}, ${key.orderId}, ${key.paymentId}::uuid, ${periodStart(period)}::date,
        ${d.amount}, ${currency}, ${d.kind}, ${d.role}, ${key.source}, ${cause.event}, ${cause.eventId}::uuid)`);
    touched.push({ user_id: d.user_id, period });
  }
  return touched;
}

/** The month a cause counts in, in the tenant's time zone. */
async function earnedPeriod(tx: TenantDb, at: Date): Promise<string> {
  return periodOf(todayIn(await tenantTimeZone(tx), at));
}

/** Credit from the order itself (creditSource 'order'): confirmed orders count, others nothing. */
async function settleOrderSource(
  tx: TenantDb,
  o: OrderFacts,
  s: PerformanceSettings,
  cause: Cause,
): Promise<Touched> {
  const live = o.status === 'confirmed' && !o.deleted;
  const amount = live ? applyRate(o.amount, s.orderTypeRates[o.type]) : 0;
  const splits = effectiveSplits(await storedSplits(tx, o.id), o.owner_id);
  return settle(
    tx,
    { orderId: o.id, paymentId: null, source: 'order' },
    creditParts(amount, splits),
    o.currency,
    cause,
    await earnedPeriod(tx, cause.at),
  );
}

/**
 * What a payment's allocations give each order: instalments of an order's plan count for that
 * order; those of a contract's plan are divided among the contract's confirmed orders in
 * proportion to their amounts (largest remainder, so the parts add up to what was allocated).
 */
async function paymentByOrder(tx: TenantDb, paymentId: string): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  const pay = await tx.one(sql<{ deleted: boolean }>`select deleted_at is not null as deleted from payment
    where tenant_id = ${tx.tenantId} and id = ${paymentId}`);
  if (!pay || pay.deleted) return out;
  const rows = await tx.query(sql<{ order_id: string | null; contract_id: string | null; amount: string }>`
    select pl.order_id, pl.contract_id, sum(a.amount)::int8 as amount
    from payment_allocation a
    join payment_instalment i on i.tenant_id = a.tenant_id and i.id = a.instalment_id
    join payment_plan pl on pl.tenant_id = i.tenant_id and pl.id = i.plan_id
    where a.tenant_id = ${tx.tenantId} and a.payment_id = ${paymentId}
    group by pl.order_id, pl.contract_id`);
  const add = (id: string, v: number): void => {
    out.set(id, (out.get(id) ?? 0) + v);
  };
  for (const r of rows) {
    const amount = Number(r.amount);
    if (r.order_id) add(r.order_id, amount);
    else if (r.contract_id) {
      const orders = await tx.query(sql<{ id: string; amount: string }>`select id, amount from sales_order
        where tenant_id = ${tx.tenantId} and contract_id = ${r.contract_id} and status = 'confirmed' and deleted_at is null
        order by order_date, number`);
      const parts = largestRemainder(
        amount,
        orders.map((o) => Number(o.amount)),
      );
      orders.forEach((o, i) => add(o.id, parts[i] ?? 0));
    }
  }
  return out;
}

/** Credit from one payment (creditSource 'payment'): every order it pays or paid before. */
async function settlePayment(
  tx: TenantDb,
  paymentId: string,
  s: PerformanceSettings,
  cause: Cause,
): Promise<Touched> {
  const now = await paymentByOrder(tx, paymentId);
  const before = await tx.query(sql<{ order_id: string }>`select distinct order_id from performance_credit
    where tenant_id = ${tx.tenantId} and payment_id = ${paymentId} and source = 'payment'`);
  const orderIds = [...new Set([...now.keys(), ...before.map((b) => b.order_id)])];
  const pay = await tx.one(sql<{ currency: string }>`select trim(amount_currency) as currency from payment
    where tenant_id = ${tx.tenantId} and id = ${paymentId}`);
  const earned = await earnedPeriod(tx, cause.at);
  const touched: Touched = [];
  for (const orderId of orderIds) {
    const o = await orderFacts(tx, orderId);
    if (!o) continue;
    const amount = applyRate(now.get(orderId) ?? 0, s.orderTypeRates[o.type]);
    const splits = effectiveSplits(await storedSplits(tx, orderId), o.owner_id);
    touched.push(
      ...(await settle(
        tx,
        { orderId, paymentId, source: 'payment' },
        creditParts(amount, splits),
        pay?.currency ?? o.currency,
        cause,
        earned,
      )),
    );
  }
  return touched;
}

/** The payments whose credit involves an order (allocated to its or its contract's plan, or booked). */
async function paymentsOfOrder(tx: TenantDb, orderId: string): Promise<string[]> {
  const rows = await tx.query(sql<{ payment_id: string }>`
    select distinct a.payment_id from payment_allocation a
    join payment_instalment i on i.tenant_id = a.tenant_id and i.id = a.instalment_id
    join payment_plan pl on pl.tenant_id = i.tenant_id and pl.id = i.plan_id
    left join sales_order o on o.tenant_id = pl.tenant_id and o.id = ${orderId}
    where a.tenant_id = ${tx.tenantId} and (pl.order_id = ${orderId} or (pl.contract_id is not null and pl.contract_id = o.contract_id))
    union
    select distinct payment_id from performance_credit
    where tenant_id = ${tx.tenantId} and order_id = ${orderId} and source = 'payment' and payment_id is not null`);
  return rows.map((r) => r.payment_id);
}

const receivablesInstalled = async (tx: TenantDb): Promise<boolean> =>
  (await tx.one(sql<{ ok: boolean }>`select to_regclass('payment_allocation') is not null as ok`))?.ok ??
  false;

/**
 * Re-targets all credit of an order (after its splits change, or on request): the current
 * source, and the other one too where it has booked rows (switching creditSource is not
 * retroactive, but credit already booked keeps following the splits).
 */
export async function recomputeOrderCredit(tx: TenantDb, orderId: string, cause: Cause): Promise<Touched> {
  const s = await loadPerformanceSettings(tx);
  const o = await orderFacts(tx, orderId);
  if (!o) return [];
  const has = await tx.query(sql<{ source: string }>`select distinct source from performance_credit
    where tenant_id = ${tx.tenantId} and order_id = ${orderId}`);
  const sources = new Set([s.creditSource, ...has.map((h) => h.source)]);
  const touched: Touched = [];
  if (sources.has('order')) touched.push(...(await settleOrderSource(tx, o, s, cause)));
  if (sources.has('payment') && (await receivablesInstalled(tx)))
    for (const p of await paymentsOfOrder(tx, orderId))
      touched.push(...(await settlePayment(tx, p, s, cause)));
  return touched;
}

export const ORDER_EVENTS = [
  'order.confirmed',
  'order.amended',
  'order.cancelled',
  'order.deleted',
  'order.restored',
];
// the receivables helper's events (payments.service.ts): every change of where a payment's money sits
export const PAYMENT_EVENTS = [
  'payment.matched',
  'payment.allocated',
  'payment.refunded',
  'payment.deleted',
  'payment.restored',
];

/** The (person, month) pairs whose attainment these targets set: a month, or a quarter's three. */
async function targetMonths(tx: TenantDb, ids: unknown): Promise<Touched> {
  const list = Array.isArray(ids) ? ids.filter((x): x is string => typeof x === 'string' && isUuid(x)) : [];
  if (!list.length) return [];
  return tx.query(sql<{ user_id: string; period: string }>`
    select g.user_id, to_char(g.period_start + make_interval(months => m), 'YYYY-MM') as period
    from sales_target g
    cross join generate_series(0, 2) m
    where g.tenant_id = ${tx.tenantId} and g.id = any(${list}::uuid[]) and g.user_id is not null
      and (m = 0 or g.period_kind = 'quarter')`);
}

/**
 * Books credit from order and payment events (delivered once per event by the outbox
 * dispatcher, in its transaction). Only events of the tenant's credit source count; each is
 * turned into "take this order's (or payment's) credit to what the facts say now", so a replay, or
 * events arriving late or out of order, cannot double count.
 */
export function performanceSubscriber(): Subscriber {
  return {
    name: 'cash.performance',
    types: [...ORDER_EVENTS, 'order.updated', ...PAYMENT_EVENTS, 'sales_target.updated'],
    async handle(ev: StoredEvent, tx: TenantDb): Promise<void> {
      // Settlement reads the credit booked so far and writes the difference: two nodes settling
      // events of the same order or payment at once would both see the old state and book twice
      // (or both create a month's statement). One settlement at a time per tenant; they are short.
      await lockInTenant(tx, 'cash.performance');
      if (ev.type === 'sales_target.updated') {
        await recomputeStatements(tx, await targetMonths(tx, ev.payload.ids));
        return;
      }
      if (!ev.record_id) return;
      const changes = ev.payload.changes;
      const ownerChanged = typeof changes === 'object' && changes !== null && 'owner_id' in changes;
      if (ev.type === 'order.updated' && !ownerChanged) return;
      const s = await loadPerformanceSettings(tx);
      const cause: Cause = { event: ev.type, eventId: ev.id, at: new Date(ev.created_at) };
      let touched: Touched = [];
      if (ev.type === 'order.updated') {
        // a new owner holds the default 100 % (orders without splits): move the booked credit
        touched = await recomputeOrderCredit(tx, ev.record_id, cause);
      } else if (s.creditSource === 'order' && ORDER_EVENTS.includes(ev.type)) {
        const o = await orderFacts(tx, ev.record_id);
        if (o) touched = await settleOrderSource(tx, o, s, cause);
      } else if (s.creditSource === 'payment' && PAYMENT_EVENTS.includes(ev.type)) {
        touched = await settlePayment(tx, ev.record_id, s, cause);
      } else if (
        s.creditSource === 'payment' &&
        ORDER_EVENTS.includes(ev.type) &&
        (await receivablesInstalled(tx))
      ) {
        // an order confirmed or cancelled under a contract changes how the contract plan's
        // payments divide among its orders
        for (const p of await paymentsOfOrder(tx, ev.record_id))
          touched.push(...(await settlePayment(tx, p, s, cause)));
      }
      await recomputeStatements(tx, touched);
    },
  };
}

export interface PerformanceRow {
  key: string;
  name: string;
  department_id: string | null;
  people: number;
  revenue_credit: number;
  overlay_credit: number;
  target: number | null;
  attainment: number | null;
  commission: number;
}

/** Splits, my performance, the team's performance, and the settings. */
export class PerformanceService {
  constructor(readonly p: Platform) {}

  private tdb(actor: Actor): TenantDb {
    return TenantDb.for(this.p.db, actor.tenantId);
  }

  /**
   * The credit an order has produced, per participant (and the ledger rows behind it), for anyone
   * who may read the order — the same people who see its splits.
   */
  async orderCredit(actor: Actor, orderId: string): Promise<OrderCredit> {
    await this.p.records.get(actor, 'order', orderId);
    const tdb = this.tdb(actor);
    const rows = await tdb.query(sql<{
      id: string;
      user_id: string;
      user_name: string;
      payment_id: string | null;
      period: string;
      amount: string;
      currency: string;
      kind: SplitKind;
      role: string;
      source: 'order' | 'payment';
      source_event: string;
      created_at: Date;
    }>`select c.id, c.user_id, u.name as user_name, c.payment_id, to_char(c.period, 'YYYY-MM') as period, c.amount,
        trim(c.currency) as currency, c.kind, c.role, c.source, c.source_event, c.created_at
      from performance_credit c join app_user u on u.tenant_id = c.tenant_id and u.id = c.user_id
      where c.tenant_id = ${tdb.tenantId} and c.order_id = ${orderId}
      order by c.created_at, c.id limit 2000`);
    const totals = new Map<string, OrderCredit['totals'][number]>();
    for (const r of rows) {
      const k = `${r.user_id}|${r.role}|${r.kind}|${r.currency}`;
      const cur = totals.get(k) ?? {
        user_id: r.user_id,
        user_name: r.user_name,
        role: r.role,
        kind: r.kind,
        currency: r.currency,
        amount: 0,
      };
      cur.amount += Number(r.amount);
      totals.set(k, cur);
    }
    return {
      order_id: orderId,
      totals: [...totals.values()].filter((x) => x.amount !== 0),
      entries: rows.map(({ user_name: _n, ...r }) => ({ ...r, amount: Number(r.amount) })),
    };
  }

  async getSplits(actor: Actor, orderId: string): Promise<OrderSplits> {
    const order = await this.p.records.get(actor, 'order', orderId);
    return this.splitsView(
      this.tdb(actor),
      orderId,
      typeof order.owner_id === 'string' ? order.owner_id : null,
    );
  }

  private async splitsView(tx: TenantDb, orderId: string, ownerId: string | null): Promise<OrderSplits> {
    const stored = await storedSplits(tx, orderId);
    const eff = effectiveSplits(stored, ownerId);
    const ids = eff.map((s) => s.user_id);
    const names = new Map(
      (
        await tx.query(sql<{ id: string; name: string }>`select id, name from app_user
          where tenant_id = ${tx.tenantId} and id = any(${ids}::uuid[])`)
      ).map((u) => [u.id, u.name]),
    );
    return {
      order_id: orderId,
      owner_id: ownerId,
      default: stored.length === 0,
      splits: eff.map((s) => ({
        user_id: s.user_id,
        user_name: names.get(s.user_id) ?? '',
        role: s.role,
        kind: s.kind,
        percent: bpToPercent(s.bp),
      })),
    };
  }

  /**
   * Replaces an order's splits (an empty list restores the default). The order's owner may, and
   * anyone else who may update the order beyond their own records (managers in scope, admins).
   * The order's credit is re-targeted to the new splits in the same transaction.
   */
  async putSplits(actor: Actor, orderId: string, body: unknown): Promise<OrderSplits> {
    const order = await this.p.records.get(actor, 'order', orderId);
    const parsed = splitsSchema.safeParse(body ?? {});
    if (!parsed.success) throw invalid(zodIssues('', parsed.error));
    // an overlay is usually the manager's double count; a revenue share the salesperson's
    const input = parsed.data.splits.map((x) => ({
      ...x,
      role: x.role ?? (x.kind === 'overlay' ? 'manager' : 'sales'),
    }));
    const isOwner = actor.userId !== null && order.owner_id === actor.userId;
    if (!isOwner && !actor.isAdmin && objectPermission(actor, 'order').scope === 'own') throw forbidden();
    const tdb = this.tdb(actor);
    const ids = input.map((s) => s.user_id).filter(isUuid);
    const known = new Set(
      (
        await tdb.query(sql<{ id: string }>`select id from app_user
          where tenant_id = ${tdb.tenantId} and status = 'active' and id = any(${ids}::uuid[])`)
      ).map((u) => u.id),
    );
    const checked = checkSplits(input, known);
    if (checked.issues.length) throw invalid(checked.issues);
    await tdb.transaction(async (tx) => {
      try {
        // the records engine decides whether the actor may update this order (scope, approval
        // lock) and row-locks it, so two split edits of one order are serialised
        await this.p.records.update(actor, 'order', orderId, {}, { tx });
      } catch (e) {
        if (e instanceof AppError && e.code === 'not_found') throw forbidden();
        throw e;
      }
      const before = await storedSplits(tx, orderId);
      await tx.exec0(sql`delete from order_split where tenant_id = ${tx.tenantId} and order_id = ${orderId}`);
      for (const [i, s] of checked.splits.entries())
        await tx.exec0(sql`insert into order_split (tenant_id, id, order_id, user_id, role, kind, percent, position, created_by)
          values (${tx.tenantId}, ${newId()}, ${orderId}, ${s.user_id}, ${s.role}, ${s.kind}, ${bpToPercent(s.bp)},
            ${i}, ${actor.userId})`);
      const show = (l: Split[]): Array<Record<string, unknown>> =>
        l.map((s) => ({ user_id: s.user_id, role: s.role, kind: s.kind, percent: bpToPercent(s.bp) }));
      await writeAudit(tx, actor, [
        {
          action: 'update',
          object: 'order',
          recordId: orderId,
          changes: { splits: [show(before), show(checked.splits)] },
        },
      ]);
      await emitEvents(tx, actor.userId, [
        {
          type: 'order.splits_changed',
          object: 'order',
          recordId: orderId,
          payload: { id: orderId, splits: show(checked.splits) },
        },
      ]);
      const touched = await recomputeOrderCredit(tx, orderId, {
        event: 'order.splits_changed',
        eventId: null,
        at: new Date(),
      });
      await recomputeStatements(tx, touched);
    });
    const fresh = await this.p.records.get(actor, 'order', orderId);
    return this.splitsView(tdb, orderId, typeof fresh.owner_id === 'string' ? fresh.owner_id : null);
  }

  /** The period asked for (YYYY-MM), or this month in the tenant's time zone. */
  async period(actor: Actor, period: string | undefined): Promise<string> {
    if (period === undefined || period === '') return periodOf(todayIn(actor.timeZone));
    if (!isPeriod(period)) throw badRequest([{ field: 'period', issue: 'invalid_value' }]);
    return period;
  }

  /**
   * My credit, attainment and commission for a month, in real time from the ledger (a locked
   * statement's figures are final and are what is shown), with the ledger rows behind them.
   */
  async me(
    actor: Actor,
    periodIn: string | undefined,
  ): Promise<
    MonthFigures & {
      statement: { id: string; status: string } | null;
      entries: Array<{
        id: string;
        order_id: string;
        order_number: string;
        payment_id: string | null;
        amount: number;
        currency: string;
        kind: string;
        role: string;
        source: string;
        source_event: string;
        created_at: Date;
      }>;
    }
  > {
    if (!actor.userId) throw forbidden();
    const period = await this.period(actor, periodIn);
    const tdb = this.tdb(actor);
    const settings = await loadPerformanceSettings(tdb);
    const currency = await tenantCurrency(tdb);
    const st = await tdb.one(sql<{
      id: string;
      status: string;
      lines: MonthFigures['lines'];
      revenue_credit: string;
      overlay_credit: string;
      target: string | null;
      attainment: string | null;
      commission: string;
    }>`select id, status, lines, revenue_credit, overlay_credit, target, attainment, commission from commission_statement
      where tenant_id = ${tdb.tenantId} and user_id = ${actor.userId} and period = ${periodStart(period)}::date`);
    let figures = await computeMonth(tdb, actor.userId, period, settings, currency);
    // a locked statement's figures are final (a target changed afterwards does not reopen them)
    if (st?.status === 'locked')
      figures = {
        ...figures,
        revenue_credit: Number(st.revenue_credit),
        overlay_credit: Number(st.overlay_credit),
        target: st.target === null ? null : Number(st.target),
        attainment: st.attainment === null ? null : Number(st.attainment),
        lines: st.lines,
        commission: Number(st.commission),
      };
    const entries = await tdb.query(sql<{
      id: string;
      order_id: string;
      order_number: string;
      payment_id: string | null;
      amount: string;
      currency: string;
      kind: string;
      role: string;
      source: string;
      source_event: string;
      created_at: Date;
    }>`select c.id, c.order_id, o.number as order_number, c.payment_id, c.amount, trim(c.currency) as currency, c.kind,
        c.role, c.source, c.source_event, c.created_at
      from performance_credit c join sales_order o on o.tenant_id = c.tenant_id and o.id = c.order_id
      where c.tenant_id = ${tdb.tenantId} and c.user_id = ${actor.userId} and c.period = ${periodStart(period)}::date
      order by c.created_at, c.id limit 500`);
    return {
      ...figures,
      statement: st ? { id: st.id, status: st.status } : null,
      entries: entries.map((e) => ({ ...e, amount: Number(e.amount) })),
    };
  }

  /** The people (or departments) the actor manages, for a month: credit, target, attainment, commission. */
  async team(
    actor: Actor,
    periodIn: string | undefined,
    groupBy: string | undefined,
  ): Promise<PerformanceRow[]> {
    if (!isManager(actor)) throw forbidden();
    if (groupBy !== undefined && groupBy !== 'user' && groupBy !== 'department')
      throw badRequest([{ field: 'group_by', issue: 'invalid_value' }]);
    const period = await this.period(actor, periodIn);
    const tdb = this.tdb(actor);
    const settings = await loadPerformanceSettings(tdb);
    const currency = await tenantCurrency(tdb);
    const people = await tdb.query(sql<{
      id: string;
      name: string;
      department_id: string | null;
      dept: string | null;
    }>`
      select u.id, u.name, u.department_id, d.name as dept from app_user u
      left join department d on d.tenant_id = u.tenant_id and d.id = u.department_id
      where u.tenant_id = ${tdb.tenantId} and ${peoplePredicate(actor, managedDepartments(actor))}
        and (u.status = 'active' or exists (select 1 from performance_credit c where c.tenant_id = u.tenant_id
          and c.user_id = u.id and c.period = ${periodStart(period)}::date))
      order by u.name limit 2000`);
    const figures = await computeMonths(
      tdb,
      people.map((u) => u.id),
      period,
      settings,
      currency,
    );
    const rows: Array<PerformanceRow & { dept: string | null }> = people.map((u) => {
      const f = figures.get(u.id);
      return {
        key: u.id,
        name: u.name,
        department_id: u.department_id,
        dept: u.dept,
        people: 1,
        revenue_credit: f?.revenue_credit ?? 0,
        overlay_credit: f?.overlay_credit ?? 0,
        target: f?.target ?? null,
        attainment: f?.attainment ?? null,
        commission: f?.commission ?? 0,
      };
    });
    if (groupBy !== 'department') return rows.map(({ dept: _d, ...r }) => r);
    const byDept = new Map<string, PerformanceRow>();
    for (const r of rows) {
      const k = r.department_id ?? '';
      const g = byDept.get(k) ?? {
        key: k,
        name: r.dept ?? '',
        department_id: r.department_id,
        people: 0,
        revenue_credit: 0,
        overlay_credit: 0,
        target: null,
        attainment: null,
        commission: 0,
      };
      g.people += 1;
      g.revenue_credit += r.revenue_credit;
      g.overlay_credit += r.overlay_credit;
      if (r.target !== null) g.target = (g.target ?? 0) + r.target;
      g.commission += r.commission;
      byDept.set(k, g);
    }
    return [...byDept.values()].map((g) => ({
      ...g,
      attainment:
        g.target && g.target > 0
          ? Math.round(((g.revenue_credit + g.overlay_credit) * 10_000) / g.target) / 100
          : null,
    }));
  }

  async settings(actor: Actor): Promise<PerformanceSettings> {
    if (!actor.isAdmin && !isManager(actor)) throw forbidden();
    return loadPerformanceSettings(this.tdb(actor));
  }

  /** Replaces the settings (admins). Open statements follow at the next change or `cash.commissions` run. */
  async putSettings(actor: Actor, body: unknown): Promise<PerformanceSettings> {
    if (!actor.isAdmin) throw forbidden();
    const parsed = performanceSettingsSchema.safeParse(body ?? {});
    if (!parsed.success) throw invalid(zodIssues('', parsed.error));
    const tdb = this.tdb(actor);
    await tdb.transaction(async (tx) => {
      const before = await loadPerformanceSettings(tx);
      await storePerformanceSettings(tx, parsed.data);
      await writeAudit(tx, actor, [
        {
          action: 'admin',
          object: 'settings',
          recordId: null,
          changes: { performance: [before, parsed.data] },
        },
      ]);
    });
    return loadPerformanceSettings(tdb);
  }
}
