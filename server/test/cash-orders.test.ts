// Products, orders and their lines (DOMAIN.md §4, issue 6): one-request creation, numbering,
// confirmation with its event, amendment, cancellation, the ERP acknowledgement, bad input and
// permissions.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import type { BuiltApp } from '../src/app.ts';
import { TenantDb } from '../src/platform/db/tenant-db.ts';
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
type Order = Rec & {
  lines: Rec[];
  number: string;
  status: string;
  amount: { amount: number; currency: string };
};

let built: BuiltApp;
let t: TestTenant;
let admin: Client;
let rep: Client;
let rep2: Client;
let accountId: string;
let saas: string;
let impl: string;
let oldProduct: string;

const codes = (r: { json(): unknown }) =>
  (r.json() as Err).error.details.map((d) => `${d.field}:${d.code}`).sort();

async function product(body: Record<string, unknown>): Promise<string> {
  const r = await admin.post('/api/v1/objects/product', body);
  expect(r.statusCode, r.body).toBe(201);
  return json<{ data: Rec }>(r).data.id;
}

const subLine = (extra: Record<string, unknown> = {}) => ({
  product_id: saas,
  quantity: 50,
  unit_price: 120_000,
  amount: 6_000_000,
  service_start: '2026-01-01',
  service_end: '2026-12-31',
  ...extra,
});

async function events(type: string, recordId: string): Promise<Array<Record<string, unknown>>> {
  const rows = await TenantDb.for(built.platform.db, t.tenantId).query(
    sql<{
      payload: Record<string, unknown>;
    }>`select payload from outbox_event where tenant_id = ${t.tenantId} and type = ${type} and record_id = ${recordId} order by created_at`,
  );
  return rows.map((r) => r.payload);
}

beforeAll(async () => {
  built = await testApp();
  t = await newTenant(built);
  admin = await login(built.app, t.adminEmail);
  rep = await userWithRole(admin, 'sales_rep');
  rep2 = await userWithRole(admin, 'sales_rep');
  const a = await rep.post('/api/v1/objects/account', { name: '苏州云帆软件有限公司' });
  expect(a.statusCode, a.body).toBe(201);
  accountId = json<{ data: Rec }>(a).data.id;
  saas = await product({
    sku: 'CRM-PRO',
    name: '纷享 CRM 专业版',
    type: 'subscription',
    unit: 'seat',
    list_price: 120_000,
  });
  impl = await product({
    sku: 'IMPL-D',
    name: '实施服务',
    type: 'service',
    unit: 'day',
    list_price: 300_000,
  });
  oldProduct = await product({
    sku: 'OLD-1',
    name: '旧版许可',
    type: 'one_time',
    list_price: 100,
    active: false,
  });
}, 60_000);
afterAll(async () => built?.close());

describe('products', () => {
  it('are catalog data: reps read them all but cannot create or change them', async () => {
    const list = await rep.get('/api/v1/objects/product?limit=50');
    expect(list.statusCode).toBe(200);
    expect(json<{ data: Rec[] }>(list).data.map((p) => p.sku)).toEqual(
      expect.arrayContaining(['CRM-PRO', 'IMPL-D', 'OLD-1']),
    );
    expect(
      (await rep.post('/api/v1/objects/product', { sku: 'X', name: 'x', type: 'service' })).statusCode,
    ).toBe(403);
    expect((await rep.patch(`/api/v1/objects/product/${saas}`, { name: 'hack' })).statusCode).toBe(403);
  });

  it('refuses a second product with the same SKU (any case), naming the field', async () => {
    const r = await admin.post('/api/v1/objects/product', {
      sku: 'crm-pro',
      name: 'dup',
      type: 'service',
      list_price: 1,
    });
    expect(r.statusCode).toBe(409);
    expect(codes(r)).toEqual(['sku:not_unique']);
  });
});

describe('bundles', () => {
  it("keeps a bundle's children with quantity rules; reps read them but cannot change them", async () => {
    const bundle = await product({
      sku: 'PRO-GROWTH',
      name: '专业版成长套装',
      type: 'subscription',
      list_price: 0,
      is_bundle: true,
    });
    const url = `/api/v1/products/${bundle}/bundle-items`;
    const bad = await admin.put(url, {
      items: [
        { product_id: saas, quantity: 10, min_quantity: 20 },
        { product_id: saas },
        { product_id: bundle },
        { product_id: impl, min_quantity: 5, max_quantity: 2 },
      ],
    });
    expect(bad.statusCode).toBe(422);
    expect(codes(bad)).toEqual([
      'items[0].quantity:invalid_value',
      'items[1].product_id:not_unique',
      'items[2].product_id:invalid_reference',
      'items[3].max_quantity:too_small',
      'items[3].quantity:invalid_value',
    ]);
    const ok = await admin.put(url, {
      items: [
        { product_id: saas, quantity: 10, min_quantity: 5 },
        { product_id: impl, required: false, quantity: 3 },
      ],
    });
    const items = conformsTo<{ data: Rec[] }>(
      built.app,
      'PUT',
      '/api/v1/products/:id/bundle-items',
      ok,
      200,
    ).data;
    expect(items.map((i) => [i.product_sku, i.required, i.quantity, i.min_quantity])).toEqual([
      ['CRM-PRO', true, 10, 5],
      ['IMPL-D', false, 3, null],
    ]);
    const read = await rep.get(url);
    expect(
      conformsTo<{ data: Rec[] }>(built.app, 'GET', '/api/v1/products/:id/bundle-items', read, 200).data,
    ).toHaveLength(2);
    expect((await rep.put(url, { items: [] })).statusCode).toBe(403);
  });
});

describe('orders', () => {
  it('creates an order with its lines in one request, numbered from the tenant pattern', async () => {
    const r = await rep.post('/api/v1/orders', {
      account_id: accountId,
      type: 'new',
      order_date: '2025-12-20',
      lines: [
        subLine(),
        { product_id: impl, quantity: 5, unit_price: 300_000, discount: 10, amount: 1_350_000 },
      ],
    });
    const o = conformsTo<{ data: Order }>(built.app, 'POST', '/api/v1/orders', r, 201).data;
    expect(o.number).toMatch(/^SO-2025-\d{5}$/);
    expect(o).toMatchObject({ status: 'draft', order_date: '2025-12-20', owner_id: rep.userId });
    expect(o.amount).toEqual({ amount: 7_350_000, currency: 'CNY' });
    expect(o.lines).toHaveLength(2);
    expect(o.lines[0]).toMatchObject({
      product_type: 'subscription',
      product_sku: 'CRM-PRO',
      quantity: 50,
      service_start: '2026-01-01',
      service_end: '2026-12-31',
    });
    expect(o.lines[1]).toMatchObject({ product_type: 'service', discount: 10, service_start: null });
    expect(await events('order.confirmed', o.id)).toEqual([]);

    // confirming emits order.confirmed with the header and every line
    const c = await rep.post(`/api/v1/orders/${o.id}/confirm`, {});
    const confirmed = conformsTo<{ data: Order }>(
      built.app,
      'POST',
      '/api/v1/orders/:id/confirm',
      c,
      200,
    ).data;
    expect(confirmed.status).toBe('confirmed');
    expect(confirmed.confirmed_at).toEqual(expect.any(String));
    const [ev] = await events('order.confirmed', o.id);
    expect(ev).toMatchObject({
      id: o.id,
      number: o.number,
      account_id: accountId,
      type: 'new',
      order_date: '2025-12-20',
      currency: 'CNY',
      amount: 7_350_000,
    });
    expect(
      (ev?.lines as Rec[]).map((l) => [l.product_type, l.amount, l.service_start, l.service_end]),
    ).toEqual([
      ['subscription', 6_000_000, '2026-01-01', '2026-12-31'],
      ['service', 1_350_000, null, null],
    ]);
    // a second confirm is refused and emits nothing
    expect((await rep.post(`/api/v1/orders/${o.id}/confirm`, {})).statusCode).toBe(409);
    expect(await events('order.confirmed', o.id)).toHaveLength(1);
  });

  it('may be confirmed directly, numbers run on, and order_date defaults to today', async () => {
    const r = await rep.post('/api/v1/orders', {
      account_id: accountId,
      status: 'confirmed',
      lines: [subLine()],
    });
    expect(r.statusCode, r.body).toBe(201);
    const o = json<{ data: Order }>(r).data;
    expect(o.status).toBe('confirmed');
    expect(o.order_date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(await events('order.confirmed', o.id)).toHaveLength(1);
    const again = json<{ data: Order }>(
      await rep.post('/api/v1/orders', {
        account_id: accountId,
        order_date: o.order_date,
        lines: [subLine()],
      }),
    ).data;
    const seq = (n: string) => Number(n.slice(-5));
    expect(seq(again.number)).toBe(seq(o.number) + 1);
  });

  it('names every bad field and writes nothing', async () => {
    const count = async () =>
      Number(
        (
          await TenantDb.for(built.platform.db, t.tenantId).one(
            sql<{ n: string }>`select count(*) as n from sales_order where tenant_id = ${t.tenantId}`,
          )
        )?.n,
      );
    const before = await count();
    const r = await rep.post('/api/v1/orders', {
      account_id: accountId,
      lines: [
        subLine({ quantity: -2 }),
        subLine({ service_start: null, service_end: null }),
        subLine({ service_start: '2026-05-01', service_end: '2026-04-30' }),
        { product_id: oldProduct, quantity: 1, unit_price: 100, amount: 100 },
        { product_id: '0190a0a0-0000-7000-8000-000000000000', quantity: 1, unit_price: 1, amount: 1 },
        subLine({ discount: 120 }),
        subLine({ quantity: 1.00001 }),
      ],
    });
    expect(r.statusCode).toBe(422);
    expect(codes(r)).toEqual([
      'lines[0].quantity:too_small',
      'lines[1].service_start:service_period_required',
      'lines[2].service_end:period_order',
      'lines[3].product_id:product_inactive',
      'lines[4].product_id:invalid_reference',
      'lines[5].discount:invalid_value',
      'lines[6].quantity:invalid_value',
    ]);
    const bad = await rep.post('/api/v1/orders', {
      account_id: accountId,
      order_date: '2026-02-30',
      lines: [subLine({ amount: 1.5 })],
    });
    expect(bad.statusCode).toBe(422);
    expect(codes(bad)).toEqual(['lines[0].amount:invalid_value', 'order_date:invalid_date']);
    const none = await rep.post('/api/v1/orders', { account_id: accountId, lines: [] });
    expect(codes(none)).toEqual(['lines:lines_required']);
    const missing = await rep.post('/api/v1/orders', { lines: [subLine()] });
    expect(codes(missing)).toEqual(['account_id:required']);
    // en-US messages name the rule
    const en = await rep.post(
      '/api/v1/orders',
      { account_id: accountId, lines: [subLine({ service_end: null })] },
      {
        'accept-language': 'en-US',
      },
    );
    expect((en.json() as { error: { details: { issue: string }[] } }).error.details[0]?.issue).toMatch(
      /service period/,
    );
    expect(await count()).toBe(before);
  });

  it("refuses another rep's account and a contract of a different account", async () => {
    const r = await rep2.post('/api/v1/orders', { account_id: accountId, lines: [subLine()] });
    expect(r.statusCode).toBe(422);
    expect(codes(r)).toEqual(['account_id:invalid_reference']);
    const other = json<{ data: Rec }>(
      await rep.post('/api/v1/objects/account', { name: '无锡星河数据有限公司' }),
    ).data.id;
    const contract = json<{ data: Rec }>(
      await rep.post('/api/v1/objects/contract', { name: '框架合同', account_id: other }),
    ).data;
    expect(contract.number).toMatch(/^HT-\d{4}-\d{5}$/);
    const x = await rep.post('/api/v1/orders', {
      account_id: accountId,
      contract_id: contract.id,
      lines: [subLine()],
    });
    expect(codes(x)).toEqual(['contract_id:other_account']);
    // rep2 cannot read the order either
    const o = json<{ data: Order }>(
      await rep.post('/api/v1/orders', { account_id: accountId, lines: [subLine()] }),
    ).data;
    expect((await rep2.get(`/api/v1/orders/${o.id}`)).statusCode).toBe(404);
    expect((await rep2.post(`/api/v1/orders/${o.id}/confirm`, {})).statusCode).toBe(404);
  });

  it('amends a confirmed order (order.amended) and freezes its key facts', async () => {
    const o = json<{ data: Order }>(
      await rep.post('/api/v1/orders', { account_id: accountId, status: 'confirmed', lines: [subLine()] }),
    ).data;
    const r = await rep.put(`/api/v1/orders/${o.id}/lines`, {
      lines: [subLine({ quantity: 60, amount: 7_200_000 })],
    });
    const amended = conformsTo<{ data: Order }>(built.app, 'PUT', '/api/v1/orders/:id/lines', r, 200).data;
    expect(amended.amount.amount).toBe(7_200_000);
    const [ev] = await events('order.amended', o.id);
    expect(ev).toMatchObject({ amount: 7_200_000 });
    const p = await rep.patch(`/api/v1/objects/order/${o.id}`, { order_date: '2020-01-01' });
    expect(p.statusCode).toBe(422);
    expect(codes(p)).toEqual(['order_date:order_confirmed_fields']);
    // status and amount are not writable through the generic API
    const s = await rep.patch(`/api/v1/objects/order/${o.id}`, { status: 'draft' });
    expect(s.statusCode).toBe(422);
    // notes still are
    expect(
      (await rep.patch(`/api/v1/objects/order/${o.id}`, { description: '客户要求开专票' })).statusCode,
    ).toBe(200);
  });

  it('cancels with a reason (order.cancelled) and then refuses changes', async () => {
    const o = json<{ data: Order }>(
      await rep.post('/api/v1/orders', { account_id: accountId, status: 'confirmed', lines: [subLine()] }),
    ).data;
    const noReason = await rep.post(`/api/v1/orders/${o.id}/cancel`, {});
    expect(codes(noReason)).toEqual(['reason:required']);
    const c = await rep.post(`/api/v1/orders/${o.id}/cancel`, { reason: '客户取消采购' });
    const cancelled = conformsTo<{ data: Order }>(
      built.app,
      'POST',
      '/api/v1/orders/:id/cancel',
      c,
      200,
    ).data;
    expect(cancelled).toMatchObject({ status: 'cancelled', cancel_reason: '客户取消采购' });
    expect(await events('order.cancelled', o.id)).toEqual([
      expect.objectContaining({ id: o.id, account_id: accountId, was: 'confirmed' }),
    ]);
    expect((await rep.put(`/api/v1/orders/${o.id}/lines`, { lines: [subLine()] })).statusCode).toBe(409);
    expect((await rep.post(`/api/v1/orders/${o.id}/cancel`, { reason: 'again' })).statusCode).toBe(409);
    expect((await rep.post(`/api/v1/orders/${o.id}/confirm`, {})).statusCode).toBe(409);
  });

  it('refuses to cancel an order that holds payments; an unpaid plan is cancelled with it', async () => {
    const paid = json<{ data: Order }>(
      await rep.post('/api/v1/orders', { account_id: accountId, status: 'confirmed', lines: [subLine()] }),
    ).data;
    const plan = await rep.post('/api/v1/payment-plans', {
      order_id: paid.id,
      instalments: [
        { due_date: '2026-01-10', amount: 3_000_000 },
        { due_date: '2026-07-10', amount: 3_000_000 },
      ],
    });
    expect(plan.statusCode, plan.body).toBe(201);
    const p = await rep.post('/api/v1/payments', {
      account_id: accountId,
      received_date: '2026-01-08',
      amount: 3_000_000,
      bank_reference: paid.number,
    });
    expect(p.statusCode, p.body).toBe(201);
    const c = await rep.post(`/api/v1/orders/${paid.id}/cancel`, { reason: '客户取消' });
    expect(c.statusCode).toBe(409);
    expect((c.json() as Err).error.key).toBe('order_has_payments');
    expect(json<{ data: Order }>(await rep.get(`/api/v1/orders/${paid.id}`)).data.status).toBe('confirmed');

    const unpaid = json<{ data: Order }>(
      await rep.post('/api/v1/orders', { account_id: accountId, status: 'confirmed', lines: [subLine()] }),
    ).data;
    const plan2 = json<{ data: Rec }>(
      await rep.post('/api/v1/payment-plans', {
        order_id: unpaid.id,
        instalments: [{ due_date: '2026-01-10', amount: 6_000_000 }],
      }),
    ).data;
    expect((await rep.post(`/api/v1/orders/${unpaid.id}/cancel`, { reason: '重复下单' })).statusCode).toBe(
      200,
    );
    expect(json<{ data: Rec }>(await rep.get(`/api/v1/objects/payment_plan/${plan2.id}`)).data.status).toBe(
      'cancelled',
    );
  });

  it('marks orders for the ERP when a webhook takes order.confirmed, and stores its acknowledgement', async () => {
    const w = await admin.post('/api/v1/admin/webhooks', {
      url: 'https://erp.example.test/hooks/flywheel',
      event_types: ['order.confirmed'],
    });
    expect(w.statusCode, w.body).toBe(201);
    const o = json<{ data: Order }>(
      await rep.post('/api/v1/orders', { account_id: accountId, status: 'confirmed', lines: [subLine()] }),
    ).data;
    expect(o.erp_status).toBe('pending');
    const ack = await rep.post(`/api/v1/orders/${o.id}/erp-ack`, { erp_document_id: 'U8-SO-000123' });
    const acked = conformsTo<{ data: Order }>(built.app, 'POST', '/api/v1/orders/:id/erp-ack', ack, 200).data;
    expect(acked).toMatchObject({ erp_status: 'acknowledged', erp_document_id: 'U8-SO-000123' });
  });
});
