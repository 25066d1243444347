// Performance credit (业绩) and commissions (DOMAIN.md §4, issue 6): order splits and who may
// edit them, credit from order confirmation (creditSource 'order') and from payment allocation
// (the default), reversal on cancellation and release, statements draft → approved → locked with
// later credit moving to the next open month, my performance, the team view, the monthly job.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import type { BuiltApp } from '../src/app.ts';
import { TenantDb } from '../src/platform/db/tenant-db.ts';
import { todayIn } from '../src/platform/jobs/dates.rules.ts';
import type { StoredEvent } from '../src/platform/events/dispatcher.ts';
import { performanceSubscriber } from '../src/modules/cash/performance.service.ts';
import {
  conformsTo,
  json,
  login,
  newTenant,
  testApp,
  userWithRole,
  type Client,
  type TestTenant,
} from './harness.ts';

type Rec = Record<string, unknown> & { id: string };
type Err = { error: { code: string; key: string; details: { field: string; code: string }[] } };
interface Credit {
  user_id: string;
  order_id: string;
  payment_id: string | null;
  period: string;
  amount: number;
  kind: string;
  role: string;
  source: string;
  source_event: string;
}
interface Me {
  period: string;
  revenue_credit: number;
  overlay_credit: number;
  target: number | null;
  attainment: number | null;
  commission: number;
  statement: { id: string; status: string } | null;
  lines: Array<{ role: string; credit: number; commission: number; method: string }>;
  entries: Array<{ amount: number; source_event: string }>;
}
interface Statement {
  id: string;
  target: number | null;
  user_id: string;
  period: string;
  status: string;
  commission: number;
  revenue_credit: number;
}

let built: BuiltApp;
let t: TestTenant;
let admin: Client;
let manager: Client;
let rep: Client;
let rep2: Client;
let presales: Client;
let viewer: Client;
let accountId: string;
let account2: string;
let product: string;
let period: string;
let nextPeriod: string;

const codes = (r: { json(): unknown }) =>
  (r.json() as Err).error.details.map((d) => `${d.field}:${d.code}`).sort();
const tdb = () => TenantDb.for(built.platform.db, t.tenantId);

async function credits(orderId: string): Promise<Credit[]> {
  const rows = await tdb().query(sql<Credit & { amount: string }>`
    select user_id, order_id, payment_id, to_char(period, 'YYYY-MM') as period, amount, kind, role, source, source_event
    from performance_credit where tenant_id = ${t.tenantId} and order_id = ${orderId} order by created_at, id`);
  return rows.map((r) => ({ ...r, amount: Number(r.amount) }));
}

/** Σ credit per user (and kind) of an order. */
async function totals(orderId: string): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const c of await credits(orderId)) {
    const k = `${c.user_id === rep.userId ? 'rep' : c.user_id === presales.userId ? 'presales' : c.user_id === manager.userId ? 'manager' : c.user_id}:${c.kind}`;
    out[k] = (out[k] ?? 0) + c.amount;
  }
  for (const k of Object.keys(out)) if (out[k] === 0) delete out[k];
  return out;
}

async function settings(patch: Record<string, unknown>): Promise<void> {
  const got = await admin.get('/api/v1/performance/settings');
  const cur = conformsTo<{ data: Record<string, unknown> }>(
    built.app,
    'GET',
    '/api/v1/performance/settings',
    got,
    200,
  ).data;
  const r = await admin.put('/api/v1/performance/settings', { ...cur, ...patch });
  conformsTo(built.app, 'PUT', '/api/v1/performance/settings', r, 200);
}

async function order(owner: Client, amount: number, extra: Record<string, unknown> = {}): Promise<Rec> {
  const r = await owner.post('/api/v1/orders', {
    account_id: owner === rep2 ? account2 : accountId,
    lines: [{ product_id: product, quantity: 1, unit_price: amount, amount }],
    ...extra,
  });
  expect(r.statusCode, r.body).toBe(201);
  return json<{ data: Rec }>(r).data;
}

async function me(c: Client, p = period): Promise<Me> {
  const r = await c.get(`/api/v1/performance/me?period=${p}`);
  return conformsTo<{ data: Me }>(built.app, 'GET', '/api/v1/performance/me', r, 200).data;
}

const drain = () => built.platform.events.drain(t.tenantId);

beforeAll(async () => {
  built = await testApp();
  t = await newTenant(built);
  admin = await login(built.app, t.adminEmail);
  const d = await admin.post('/api/v1/admin/departments', { name: '华东销售部', parent_id: null });
  expect(d.statusCode, d.body).toBe(201);
  const dept = json<{ data: { id: string } }>(d).data.id;
  manager = await userWithRole(admin, 'sales_manager', dept);
  rep = await userWithRole(admin, 'sales_rep', dept);
  rep2 = await userWithRole(admin, 'sales_rep', dept);
  presales = await userWithRole(admin, 'sales_rep', dept);
  viewer = await userWithRole(admin, 'read_only', dept);
  const a = await rep.post('/api/v1/objects/account', { name: '杭州数澜科技有限公司' });
  expect(a.statusCode, a.body).toBe(201);
  accountId = json<{ data: Rec }>(a).data.id;
  const a2 = await rep2.post('/api/v1/objects/account', { name: '南京云栖信息技术有限公司' });
  expect(a2.statusCode, a2.body).toBe(201);
  account2 = json<{ data: Rec }>(a2).data.id;
  const p = await admin.post('/api/v1/objects/product', {
    sku: 'IMPL',
    name: '实施服务',
    type: 'one_time',
    list_price: 100,
  });
  expect(p.statusCode, p.body).toBe(201);
  product = json<{ data: Rec }>(p).data.id;
  const tz = await tdb().one(
    sql<{ tz: string }>`select time_zone as tz from tenant where id = ${t.tenantId}`,
  );
  period = todayIn(tz?.tz ?? 'Asia/Shanghai').slice(0, 7);
  const [y, m] = period.split('-').map(Number) as [number, number];
  nextPeriod = m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
}, 60_000);
afterAll(async () => built?.close());

describe('splits', () => {
  it('default: the owner holds 100 % revenue', async () => {
    const o = await order(rep, 1000);
    const r = await rep.get(`/api/v1/orders/${o.id}/splits`);
    const s = conformsTo<{ data: Rec }>(built.app, 'GET', '/api/v1/orders/:id/splits', r, 200).data;
    expect(s).toMatchObject({
      default: true,
      splits: [{ user_id: rep.userId, role: 'sales', kind: 'revenue', percent: 100 }],
    });
  });

  it('refuses revenue splits that do not total 100 %, naming `splits`, and writes nothing', async () => {
    const o = await order(rep, 1000);
    const url = `/api/v1/orders/${o.id}/splits`;
    const bad = await rep.put(url, {
      splits: [
        { user_id: rep.userId, role: 'sales', percent: 60 },
        { user_id: presales.userId, role: 'presales', percent: 30 },
        { user_id: manager.userId, role: 'manager', kind: 'overlay', percent: 100 },
      ],
    });
    expect(bad.statusCode).toBe(422);
    expect(codes(bad)).toEqual(['splits:revenue_split_total']);
    const zh = await rep.req(
      'PUT',
      url,
      { splits: [{ user_id: rep.userId, percent: 99.999 }] },
      {
        'accept-language': 'zh-CN',
      },
    );
    expect(zh.statusCode).toBe(422);
    expect(codes(zh)).toEqual(['splits:revenue_split_total', 'splits[0].percent:too_many_decimals']);
    const unknown = await rep.put(url, {
      splits: [
        { user_id: '00000000-0000-7000-8000-000000000000', percent: 50 },
        { user_id: rep.userId, kind: 'bonus', percent: 50 },
      ],
    });
    expect(codes(unknown)).toEqual(['splits[1].kind:invalid_value']);
    const ref = await rep.put(url, {
      splits: [
        { user_id: '00000000-0000-7000-8000-000000000000', percent: 50 },
        { user_id: rep.userId, percent: 50 },
      ],
    });
    expect(codes(ref)).toEqual(['splits[0].user_id:invalid_reference']);
    expect(json<{ data: { default: boolean } }>(await rep.get(url)).data.default).toBe(true);
  });

  it('the owner and managers may edit; readers and other reps may not', async () => {
    const o = await order(rep, 1000);
    const url = `/api/v1/orders/${o.id}/splits`;
    const body = {
      splits: [
        { user_id: rep.userId, role: 'sales', percent: 60 },
        { user_id: presales.userId, role: 'presales', percent: 40 },
        { user_id: manager.userId, kind: 'overlay', percent: 100 },
      ],
    };
    expect((await viewer.get(url)).statusCode).toBe(200);
    expect((await viewer.put(url, body)).statusCode).toBe(403);
    expect((await rep2.get(url)).statusCode).toBe(404);
    expect((await rep2.put(url, body)).statusCode).toBe(404);
    const ok = await rep.put(url, body);
    const s = conformsTo<{ data: Rec }>(built.app, 'PUT', '/api/v1/orders/:id/splits', ok, 200).data;
    expect(s.default).toBe(false);
    // without a role an overlay is the manager's, a revenue share the salesperson's
    expect(s.splits).toContainEqual(
      expect.objectContaining({ user_id: manager.userId, role: 'manager', kind: 'overlay' }),
    );
    expect((await manager.put(url, { splits: [] })).statusCode).toBe(200);
    expect(json<{ data: { default: boolean } }>(await rep.get(url)).data.default).toBe(true);
  });
});

describe('credit from order confirmation (creditSource order)', () => {
  let orderId: string;

  beforeAll(async () => settings({ creditSource: 'order' }));

  it('books exact shares when the order is confirmed, and nothing twice', async () => {
    const o = await order(rep, 1_000_001);
    orderId = o.id;
    const put = await rep.put(`/api/v1/orders/${o.id}/splits`, {
      splits: [
        { user_id: rep.userId, role: 'sales', percent: 66.67 },
        { user_id: presales.userId, role: 'presales', percent: 33.33 },
        { user_id: manager.userId, role: 'manager', kind: 'overlay', percent: 100 },
      ],
    });
    expect(put.statusCode, put.body).toBe(200);
    await drain();
    expect(await credits(o.id)).toEqual([]); // a draft earns nothing
    expect((await rep.post(`/api/v1/orders/${o.id}/confirm`, {})).statusCode).toBe(200);
    await drain();
    // 1,000,001 × 66.67 % = 666,700.6667 and × 33.33 % = 333,300.3333: the fen left goes to the larger remainder
    expect(await totals(o.id)).toEqual({
      'rep:revenue': 666_701,
      'presales:revenue': 333_300,
      'manager:overlay': 1_000_001,
    });
    const rows = await credits(o.id);
    expect(
      rows.every((r) => r.period === period && r.source === 'order' && r.source_event === 'order.confirmed'),
    ).toBe(true);
    // a replayed event (delivered again past its receipt) writes nothing more
    const ev = await tdb()
      .one(sql<StoredEvent>`select id, tenant_id, type, object, record_id, actor_user_id, payload, created_at
      from outbox_event where tenant_id = ${t.tenantId} and type = 'order.confirmed' and record_id = ${o.id}`);
    expect(ev).toBeTruthy();
    if (ev) await tdb().transaction((tx) => performanceSubscriber().handle(ev, tx));
    expect(await credits(o.id)).toHaveLength(3);
  });

  it('my performance shows credit and commission in real time', async () => {
    const mine = await me(rep);
    expect(mine).toMatchObject({ period, revenue_credit: 666_701, overlay_credit: 0, target: null });
    // default sales rule without a target: base 3 %
    expect(mine.lines).toEqual([expect.objectContaining({ role: 'sales', credit: 666_701, method: 'base' })]);
    expect(mine.commission).toBe(20_001);
    expect(mine.statement?.status).toBe('draft');
    const pre = await me(presales);
    expect(pre).toMatchObject({ revenue_credit: 333_300, commission: 3_333 });
    expect((await me(manager)).overlay_credit).toBe(1_000_001);
  });

  it('changing the splits re-targets the booked credit', async () => {
    const r = await manager.put(`/api/v1/orders/${orderId}/splits`, {
      splits: [
        { user_id: rep.userId, role: 'sales', percent: 50 },
        { user_id: presales.userId, role: 'presales', percent: 50 },
      ],
    });
    expect(r.statusCode, r.body).toBe(200);
    expect(await totals(orderId)).toEqual({ 'rep:revenue': 500_001, 'presales:revenue': 500_000 });
    expect((await me(manager)).overlay_credit).toBe(0);
    const c = await viewer.get(`/api/v1/orders/${orderId}/credit`);
    const credit = conformsTo<{
      data: { totals: Array<{ user_id: string; amount: number }>; entries: unknown[] };
    }>(built.app, 'GET', '/api/v1/orders/:id/credit', c, 200).data;
    expect(credit.totals.map((x) => [x.user_id, x.amount])).toEqual([
      [rep.userId, 500_001],
      [presales.userId, 500_000],
    ]);
    expect(credit.entries).toHaveLength(6); // 3 when confirmed, 3 deltas when the splits changed
    expect((await rep2.get(`/api/v1/orders/${orderId}/credit`)).statusCode).toBe(404);
  });

  it('a cancellation reverses the credit', async () => {
    const r = await rep.post(`/api/v1/orders/${orderId}/cancel`, { reason: '客户取消采购' });
    expect(r.statusCode, r.body).toBe(200);
    await drain();
    expect(await totals(orderId)).toEqual({});
    const rows = await credits(orderId);
    expect(
      rows
        .filter((x) => x.source_event === 'order.cancelled')
        .map((x) => x.amount)
        .sort((a, b) => a - b),
    ).toEqual([-500_001, -500_000]);
    expect((await me(rep)).revenue_credit).toBe(0);
  });

  it('applies the sales policy of the order type (renewals at 50 %)', async () => {
    await settings({ orderTypeRates: { new: 100, renewal: 50, expansion: 100, downgrade: 100 } });
    const o = await order(rep2, 200_001, { type: 'renewal', status: 'confirmed' });
    await drain();
    const rows = await credits(o.id);
    expect(rows.map((r) => [r.user_id, r.amount])).toEqual([[rep2.userId, 100_001]]);
    await settings({ orderTypeRates: { new: 100, renewal: 100, expansion: 100, downgrade: 100 } });
  });
  it('a new owner of an order without splits takes over its credit', async () => {
    const o = await order(rep2, 70_000, { status: 'confirmed' });
    await drain();
    expect(await totals(o.id)).toEqual({ [`${rep2.userId}:revenue`]: 70_000 });
    const r = await admin.patch(`/api/v1/objects/order/${o.id}`, { owner_id: presales.userId });
    expect(r.statusCode, r.body).toBe(200);
    await drain();
    expect(await totals(o.id)).toEqual({ 'presales:revenue': 70_000 });
  });
});

describe('credit from payments (creditSource payment)', () => {
  beforeAll(async () => settings({ creditSource: 'payment' }));

  it('is earned when a payment is allocated and reversed when it is released and refunded', async () => {
    // receivables (payment plans, payments) land in the same session; without them there is nothing to pay
    const landed = await tdb().one(
      sql<{ ok: boolean }>`select to_regclass('payment_allocation') is not null as ok`,
    );
    if (!landed?.ok) return;
    const o = await order(rep2, 300_000, { status: 'confirmed' });
    await rep2.put(`/api/v1/orders/${o.id}/splits`, {
      splits: [
        { user_id: rep2.userId, role: 'sales', percent: 70 },
        { user_id: presales.userId, role: 'presales', percent: 30 },
      ],
    });
    await drain();
    expect(await credits(o.id)).toEqual([]); // confirmation earns nothing in payment mode
    const plan = await admin.post('/api/v1/payment-plans', {
      order_id: o.id,
      instalments: [
        { due_date: '2026-12-31', amount: 100_000 },
        { due_date: '2027-03-31', amount: 200_000 },
      ],
    });
    expect(plan.statusCode, plan.body).toBe(201);
    const pay = await admin.post('/api/v1/payments', {
      account_id: account2,
      order_id: o.id,
      amount: 150_000,
    });
    expect(pay.statusCode, pay.body).toBe(201);
    const payId = json<{ data: Rec }>(pay).data.id;
    await drain();
    expect(await totals(o.id)).toEqual({ [`${rep2.userId}:revenue`]: 105_000, 'presales:revenue': 45_000 });
    expect((await credits(o.id)).every((c) => c.payment_id === payId && c.source === 'payment')).toBe(true);
    // release the allocation (the money becomes the customer's credit), then refund it
    const rel = await admin.post(`/api/v1/payments/${payId}/allocate`, { allocations: [] });
    expect(rel.statusCode, rel.body).toBe(200);
    const ref = await admin.post(`/api/v1/payments/${payId}/refund`, { amount: 150_000, reason: '退款' });
    expect(ref.statusCode, ref.body).toBe(200);
    await drain();
    expect(await totals(o.id)).toEqual({});
    expect((await credits(o.id)).filter((c) => c.amount < 0).map((c) => c.source_event)).toEqual([
      'payment.allocated',
      'payment.allocated',
    ]);
  });
  it('a payment to a contract plan is divided among the contract orders by amount', async () => {
    const landed = await tdb().one(
      sql<{ ok: boolean }>`select to_regclass('payment_allocation') is not null as ok`,
    );
    if (!landed?.ok) return;
    const c = await rep2.post('/api/v1/objects/contract', {
      name: '框架合同',
      account_id: account2,
      amount: { amount: 400_000, currency: 'CNY' },
    });
    expect(c.statusCode, c.body).toBe(201);
    const contractId = json<{ data: Rec }>(c).data.id;
    const a = await order(rep2, 100_000, { status: 'confirmed', contract_id: contractId });
    const b = await order(rep2, 300_000, { status: 'confirmed', contract_id: contractId });
    const sp = await rep2.put(`/api/v1/orders/${b.id}/splits`, {
      splits: [{ user_id: presales.userId, role: 'presales', percent: 100 }],
    });
    expect(sp.statusCode, sp.body).toBe(200);
    const plan = await admin.post('/api/v1/payment-plans', {
      contract_id: contractId,
      instalments: [{ due_date: '2026-12-31', amount: 400_000 }],
    });
    expect(plan.statusCode, plan.body).toBe(201);
    const pay = await admin.post('/api/v1/payments', {
      account_id: account2,
      plan_id: json<{ data: Rec }>(plan).data.id,
      amount: 200_001,
    });
    expect(pay.statusCode, pay.body).toBe(201);
    await drain();
    // 200,001 × 1/4 = 50,000.25 and × 3/4 = 150,000.75: the fen goes to the larger remainder
    expect(await totals(a.id)).toEqual({ [`${rep2.userId}:revenue`]: 50_000 });
    expect(await totals(b.id)).toEqual({ 'presales:revenue': 150_001 });
    // a third order under the contract takes its share of the payment already received
    const c3 = await order(rep2, 400_000, { status: 'confirmed', contract_id: contractId });
    await drain();
    // 200,001 × 1/8, 3/8, 4/8 = 25,000.125, 75,000.375, 100,000.5: the fen goes to the last
    expect(await totals(a.id)).toEqual({ [`${rep2.userId}:revenue`]: 25_000 });
    expect(await totals(b.id)).toEqual({ 'presales:revenue': 75_000 });
    expect(await totals(c3.id)).toEqual({ [`${rep2.userId}:revenue`]: 100_001 });
  });
});

describe('statements', () => {
  let statementId: string;

  beforeAll(async () => settings({ creditSource: 'order' }));

  it('targets drive slab tiers; managers approve and lock; reps cannot', async () => {
    const tg = await manager.put('/api/v1/sales/targets', {
      targets: [{ user_id: rep.userId, period: 'month', start: `${period}-01`, amount: 1_000_000 }],
    });
    expect(tg.statusCode, tg.body).toBe(200);
    await order(rep, 1_200_000, { status: 'confirmed' });
    await drain();
    const mine = await me(rep);
    expect(mine).toMatchObject({ revenue_credit: 1_200_000, target: 1_000_000, attainment: 120 });
    // sales: 0–100 % at 3 %, above at 5 %: 1,000,000 × 3 % + 200,000 × 5 %
    expect(mine.commission).toBe(40_000);
    const list = await manager.get(`/api/v1/commissions/statements?period=${period}`);
    const all = conformsTo<{ data: Statement[] }>(
      built.app,
      'GET',
      '/api/v1/commissions/statements',
      list,
      200,
    ).data;
    const st = all.find((s) => s.user_id === rep.userId);
    expect(st).toMatchObject({ status: 'draft', commission: 40_000 });
    statementId = st?.id ?? '';
    // a rep sees only their own statements and cannot approve
    const own = json<{ data: Statement[] }>(
      await rep.get(`/api/v1/commissions/statements?period=${period}`),
    ).data;
    expect(own.map((s) => s.user_id)).toEqual([rep.userId]);
    expect((await rep.post(`/api/v1/commissions/statements/${statementId}/approve`, {})).statusCode).toBe(
      403,
    );
    expect((await manager.post(`/api/v1/commissions/statements/${statementId}/lock`, {})).statusCode).toBe(
      409,
    );
    const ap = await manager.post(`/api/v1/commissions/statements/${statementId}/approve`, {});
    expect(
      conformsTo<{ data: Statement }>(
        built.app,
        'POST',
        '/api/v1/commissions/statements/:id/approve',
        ap,
        200,
      ).data.status,
    ).toBe('approved');
    const lk = await manager.post(`/api/v1/commissions/statements/${statementId}/lock`, {});
    expect(
      conformsTo<{ data: Statement }>(built.app, 'POST', '/api/v1/commissions/statements/:id/lock', lk, 200)
        .data.status,
    ).toBe('locked');
    expect((await manager.post(`/api/v1/commissions/statements/${statementId}/approve`, {})).statusCode).toBe(
      409,
    );
  });

  it('a locked statement never changes: later credit goes to the next open month', async () => {
    const o = await order(rep, 500_000, { status: 'confirmed' });
    await drain();
    expect((await credits(o.id)).map((c) => c.period)).toEqual([nextPeriod]);
    const st = conformsTo<{ data: Statement }>(
      built.app,
      'GET',
      '/api/v1/commissions/statements/:id',
      await rep.get(`/api/v1/commissions/statements/${statementId}`),
      200,
    ).data;
    expect(st).toMatchObject({ status: 'locked', commission: 40_000, revenue_credit: 1_200_000 });
    expect((await me(rep)).commission).toBe(40_000);
    expect((await me(rep, nextPeriod)).revenue_credit).toBe(500_000);
    // a reversal of locked-month credit also lands in the next open month
    const job = await admin.post('/api/v1/admin/jobs/cash.commissions/run', { as_of: `${period}-15` });
    expect(job.statusCode, job.body).toBe(200);
    expect(json<{ data: { status: string } }>(job).data.status).toBe('succeeded');
    const again = json<{ data: Statement }>(
      await rep.get(`/api/v1/commissions/statements/${statementId}`),
    ).data;
    expect(again.commission).toBe(40_000);
  });

  it('an approved statement whose figures change goes back to draft', async () => {
    const list = json<{ data: Statement[] }>(
      await manager.get(`/api/v1/commissions/statements?period=${period}`),
    ).data;
    const pre = list.find((s) => s.user_id === presales.userId);
    expect(pre).toBeTruthy();
    const ap = await manager.post(`/api/v1/commissions/statements/${pre?.id}/approve`, {});
    expect(ap.statusCode, ap.body).toBe(200);
    const o = await order(rep, 100_000);
    await rep.put(`/api/v1/orders/${o.id}/splits`, {
      splits: [
        { user_id: rep.userId, percent: 50 },
        { user_id: presales.userId, role: 'presales', percent: 50 },
      ],
    });
    await rep.post(`/api/v1/orders/${o.id}/confirm`, {});
    await drain();
    const after = json<{ data: Statement }>(
      await manager.get(`/api/v1/commissions/statements/${pre?.id}`),
    ).data;
    expect(after.status).toBe('draft');
  });
});

describe('team performance', () => {
  it('managers see the people they manage, by user or department; reps are refused', async () => {
    const r = await manager.get(`/api/v1/performance?period=${period}&group_by=user`);
    const rows = conformsTo<{ data: Array<Rec & { key: string; revenue_credit: number }> }>(
      built.app,
      'GET',
      '/api/v1/performance',
      r,
      200,
    ).data;
    expect(rows.find((x) => x.key === rep.userId)?.revenue_credit).toBe(1_200_000);
    const d = json<{ data: Array<{ people: number; revenue_credit: number }> }>(
      await manager.get(`/api/v1/performance?period=${period}&group_by=department`),
    ).data;
    expect(d).toHaveLength(1);
    expect(d[0]?.people).toBeGreaterThanOrEqual(5);
    expect((await rep.get(`/api/v1/performance?period=${period}`)).statusCode).toBe(403);
    expect((await manager.get('/api/v1/performance?period=2026-13')).statusCode).toBe(400);
    expect((await manager.get('/api/v1/performance?group_by=team')).statusCode).toBe(400);
    expect((await manager.get('/api/v1/commissions/statements?period=2026-1')).statusCode).toBe(400);
    expect((await rep.get('/api/v1/performance/me?period=x')).statusCode).toBe(400);
    expect((await rep.get(`/api/v1/commissions/statements/not-an-id`)).statusCode).toBe(404);
  });

  it('a target of one fen exceeded a million times over is still a statement', async () => {
    const tg = await manager.put('/api/v1/sales/targets', {
      targets: [{ user_id: presales.userId, period: 'month', start: `${period}-01`, amount: 1 }],
    });
    expect(tg.statusCode, tg.body).toBe(200);
    await drain();
    // the target change reached the open statement at once (sales_target.updated)
    const st = json<{ data: Statement[] }>(
      await manager.get(`/api/v1/commissions/statements?period=${period}`),
    ).data;
    expect(st.find((x) => x.user_id === presales.userId)).toMatchObject({ target: 1 });
    const o = await order(rep, 9_000_000_000, { status: 'draft' });
    await rep.put(`/api/v1/orders/${o.id}/splits`, {
      splits: [{ user_id: presales.userId, role: 'presales', percent: 100 }],
    });
    expect((await rep.post(`/api/v1/orders/${o.id}/confirm`, {})).statusCode).toBe(200);
    await drain();
    const mine = await me(presales);
    expect(mine.attainment).toBeGreaterThan(1e9);
    const list = json<{ data: Statement[] }>(
      await manager.get(`/api/v1/commissions/statements?period=${period}`),
    ).data;
    expect(list.find((x) => x.user_id === presales.userId)?.revenue_credit).toBe(mine.revenue_credit);
  });

  it('settings are validated and admin-only', async () => {
    expect((await manager.put('/api/v1/performance/settings', {})).statusCode).toBe(403);
    const bad = await admin.put('/api/v1/performance/settings', {
      creditSource: 'invoice',
      orderTypeRates: { new: 100, renewal: 100, expansion: 100, downgrade: 100 },
      commission: { default: { baseRate: 1, tiers: [{ from: 10, rate: 1 }], cap: null }, roles: {} },
    });
    expect(bad.statusCode).toBe(422);
    expect(codes(bad)).toEqual(['commission.default.tiers:invalid_value', 'creditSource:invalid_value']);
  });
});

describe('concurrent settlement', () => {
  // last: its credit would change the figures the tests above check
  beforeAll(async () => settings({ creditSource: 'order' }));

  it('two events of one order settled at the same moment book its credit once', async () => {
    const o = await order(rep, 5_000);
    expect((await rep.post(`/api/v1/orders/${o.id}/confirm`, {})).statusCode).toBe(200);
    const ev = await tdb()
      .one(sql<StoredEvent>`select id, tenant_id, type, object, record_id, actor_user_id, payload, created_at
      from outbox_event where tenant_id = ${t.tenantId} and type = 'order.confirmed' and record_id = ${o.id}`);
    if (!ev) throw new Error('no order.confirmed event');
    // the first settlement stays open while a second one (another node, another event of the
    // same order) starts: it must wait and then see the credit already booked
    let release = (): void => undefined;
    const held = new Promise<void>((r) => (release = r));
    let settled = (): void => undefined;
    const firstSettled = new Promise<void>((r) => (settled = r));
    const first = tdb().transaction(async (tx) => {
      await performanceSubscriber().handle(ev, tx);
      settled();
      await held;
    });
    await firstSettled;
    const second = tdb().transaction((tx) => performanceSubscriber().handle(ev, tx));
    await new Promise((r) => setTimeout(r, 300));
    release();
    await Promise.all([first, second]);
    expect(await totals(o.id)).toEqual({ 'rep:revenue': 5_000 });
    await drain();
    expect(await totals(o.id)).toEqual({ 'rep:revenue': 5_000 });
  });
});

describe('dispatch', () => {
  it('every event of the tenant was delivered without a subscriber error', async () => {
    await drain();
    const r = await tdb().one(sql<{ failed: string; pending: string }>`
      select count(*) filter (where last_error is not null) as failed, count(*) filter (where dispatched_at is null) as pending
      from outbox_event where tenant_id = ${t.tenantId}`);
    expect({ failed: Number(r?.failed), pending: Number(r?.pending) }).toEqual({ failed: 0, pending: 0 });
  });
});
