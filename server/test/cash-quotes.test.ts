// Quotes (DOMAIN.md §4, issue 6): creation priced by the pricing engine, permissions through the
// opportunity, bad input, versions (immutable once sent or approved), submit/send/accept into an
// order with the same lines in one transaction, price history per account, and the PDF (its
// text extracted with pdftotext must hold the Chinese product names).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import type { BuiltApp } from '../src/app.ts';
import { TenantDb } from '../src/platform/db/tenant-db.ts';
import { newId } from '../src/platform/db/ids.ts';
import { addDays, todayIn } from '../src/platform/jobs/dates.rules.ts';
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
type Money = { amount: number; currency: string };
type Line = Rec & {
  product_id: string;
  quantity: number;
  unit_price: number;
  discount: number;
  amount: number;
  net_amount: number;
  product_name: string;
  service_start: string | null;
  service_end: string | null;
};
type Quote = Rec & {
  number: string;
  status: string;
  quote_version: number;
  version: number;
  lines: Line[];
  documents: Rec[];
  net_total: Money;
  grand_total: Money;
};

let built: BuiltApp;
let t: TestTenant;
let admin: Client;
let rep: Client;
let rep2: Client;
let accountId: string;
let oppId: string;
let crm: string;
let impl: string;
let today: string;

const codes = (r: { json(): unknown }) =>
  (r.json() as Err).error.details.map((d) => `${d.field}:${d.code}`).sort();

async function product(body: Record<string, unknown>): Promise<string> {
  const r = await admin.post('/api/v1/objects/product', body);
  expect(r.statusCode, r.body).toBe(201);
  return json<{ data: Rec }>(r).data.id;
}

const lines = () => [
  { product_id: crm, quantity: 50, discount: 10, service_start: '2027-01-01', service_end: '2027-12-31' },
  { product_id: impl, quantity: 5 },
];

async function createQuote(c: Client = rep, extra: Record<string, unknown> = {}): Promise<Quote> {
  const r = await c.post('/api/v1/quotes', { opportunity_id: oppId, lines: lines(), ...extra });
  return conformsTo<{ data: Quote }>(built.app, 'POST', '/api/v1/quotes', r, 201).data;
}

async function approvedQuote(): Promise<Quote> {
  const q = await createQuote();
  const s = await rep.post(`/api/v1/quotes/${q.id}/submit`, {});
  const body = conformsTo<{ data: Quote & { submit_route: string } }>(
    built.app,
    'POST',
    '/api/v1/quotes/:id/submit',
    s,
    200,
  ).data;
  expect(body.status).toBe('approved');
  return body;
}

beforeAll(async () => {
  built = await testApp();
  t = await newTenant(built);
  admin = await login(built.app, t.adminEmail);
  rep = await userWithRole(admin, 'sales_rep');
  rep2 = await userWithRole(admin, 'sales_rep');
  today = todayIn('Asia/Shanghai');
  const a = await rep.post('/api/v1/objects/account', { name: '杭州云帆软件有限公司' });
  expect(a.statusCode, a.body).toBe(201);
  accountId = json<{ data: Rec }>(a).data.id;
  const o = await rep.post('/api/v1/objects/opportunity', { name: '云帆 CRM 项目', account_id: accountId });
  expect(o.statusCode, o.body).toBe(201);
  oppId = json<{ data: Rec }>(o).data.id;
  crm = await product({
    sku: 'CRM-ULT',
    name: '纷享销客旗舰版',
    name_en: 'CRM Ultimate',
    type: 'subscription',
    unit: 'seat',
    list_price: 120_000,
    cost: 20_000,
    tax_rate: 6,
  });
  impl = await product({
    sku: 'IMPL-DAY',
    name: '实施服务人天',
    name_en: 'Implementation day',
    type: 'service',
    unit: 'day',
    list_price: 300_000,
    cost: 150_000,
    tax_rate: 6,
  });
}, 60_000);
afterAll(async () => built?.close());

describe('creating quotes', () => {
  it('prices the lines, numbers the quote and takes the account from the opportunity', async () => {
    const q = await createQuote();
    expect(q.number).toMatch(/^BJ-\d{4}-\d{5}$/);
    expect(q).toMatchObject({
      status: 'draft',
      quote_version: 1,
      account_id: accountId,
      opportunity_id: oppId,
      currency: 'CNY',
      owner_id: rep.userId,
    });
    // 50 × 1,200.00 − 10 % = 54,000.00; 5 × 3,000.00 = 15,000.00
    expect(q.lines.map((l) => [l.product_name, l.quantity, l.unit_price, l.amount])).toEqual([
      ['纷享销客旗舰版', 50, 120_000, 5_400_000],
      ['实施服务人天', 5, 300_000, 1_500_000],
    ]);
    expect(q.net_total).toEqual({ amount: 6_900_000, currency: 'CNY' });
    expect(q.grand_total).toEqual({ amount: 7_314_000, currency: 'CNY' });
    expect(q.valid_until).toBe(addDays(today, 30));
    expect(q.max_line_discount).toBe(10);
  });

  it('spreads a header discount over the lines exactly', async () => {
    const q = await createQuote(rep, { header_discount: 5 });
    const net = q.lines.reduce((s, l) => s + l.net_amount, 0);
    expect(net).toBe(q.net_total.amount);
    expect(q.net_total.amount).toBe(6_555_000);
  });

  it('expands a bundle into its items under the bundle line, and keeps the chosen options', async () => {
    const bundle = await product({
      sku: 'SUITE',
      name: '销售云套件',
      type: 'subscription',
      list_price: 0,
      is_bundle: true,
    });
    const training = await product({ sku: 'TRAIN', name: '上线培训', type: 'service', list_price: 200_000 });
    const items = await admin.put(`/api/v1/products/${bundle}/bundle-items`, {
      items: [
        { product_id: crm, required: true, quantity: 1 },
        { product_id: training, required: false, quantity: 1 },
      ],
    });
    expect(items.statusCode, items.body).toBe(200);
    const q = await createQuote(rep, {
      lines: [
        {
          product_id: bundle,
          quantity: 10,
          options: [training],
          service_start: '2027-01-01',
          service_end: '2027-12-31',
        },
      ],
    });
    expect(q.lines.map((l) => [l.product_name, l.quantity, l.parent_line_id === null])).toEqual([
      ['销售云套件', 10, true],
      ['纷享销客旗舰版', 10, false],
      ['上线培训', 10, false],
    ]);
    expect(q.lines[1]?.parent_line_id).toBe(q.lines[0]?.id);
    expect(q.lines[0]?.options).toEqual([training]);
    // the subscription child shares the bundle's service period
    expect(q.lines[1]).toMatchObject({ service_start: '2027-01-01', service_end: '2027-12-31' });
    const v2 = json<{ data: Quote }>(await rep.post(`/api/v1/quotes/${q.id}/new-version`, {})).data;
    expect(v2.lines[1]?.parent_line_id).toBe(v2.lines[0]?.id);
    expect(v2.lines[0]?.options).toEqual([training]);
  });

  it('answers 404 to a rep who cannot read the opportunity, and for a quote they cannot read', async () => {
    const r = await rep2.post('/api/v1/quotes', { opportunity_id: oppId, lines: lines() });
    expect(r.statusCode).toBe(404);
    expect(codes(r)).toEqual(['opportunity_id:invalid_reference']);
    const q = await createQuote();
    expect((await rep2.get(`/api/v1/quotes/${q.id}`)).statusCode).toBe(404);
    expect((await rep2.get(`/api/v1/quotes/${q.id}/pdf`)).statusCode).toBe(404);
    expect((await rep2.get(`/api/v1/accounts/${accountId}/quotes`)).statusCode).toBe(404);
  });

  it('names every bad field and writes nothing', async () => {
    const before = await TenantDb.for(built.platform.db, t.tenantId).one(
      sql<{ n: number }>`select count(*)::int as n from quote where tenant_id = ${t.tenantId}`,
    );
    const bad = await rep.post('/api/v1/quotes', {
      opportunity_id: oppId,
      lines: [
        { product_id: crm, quantity: -2 },
        { product_id: '0190a0a0-0000-7000-8000-000000000000', quantity: 1 },
      ],
    });
    expect(bad.statusCode).toBe(422);
    expect(codes(bad)).toEqual(
      expect.arrayContaining(['lines[0].quantity:must_be_positive', 'lines[1].product_id:invalid_reference']),
    );
    const past = await rep.post('/api/v1/quotes', {
      opportunity_id: oppId,
      valid_until: addDays(today, -1),
      lines: lines(),
    });
    expect(past.statusCode).toBe(422);
    expect(codes(past)).toEqual(['valid_until:date_in_past']);
    const shape = await rep.post('/api/v1/quotes', { opportunity_id: 'x', lines: [], extra: 1 });
    expect(shape.statusCode).toBe(422);
    expect(codes(shape)).toEqual(
      expect.arrayContaining(['opportunity_id:invalid_value', 'lines:invalid_value']),
    );
    const after = await TenantDb.for(built.platform.db, t.tenantId).one(
      sql<{ n: number }>`select count(*)::int as n from quote where tenant_id = ${t.tenantId}`,
    );
    expect(after?.n).toBe(before?.n);
  });

  it('is not created through the generic records API (the opportunity is set by the quote action)', async () => {
    const r = await rep.post('/api/v1/objects/quote', { opportunity_id: oppId });
    expect(r.statusCode).toBe(422);
    expect(codes(r)).toContain('opportunity_id:read_only');
  });
});

describe('versions', () => {
  it('re-prices a draft, and refuses changes once approved or sent (409 naming why)', async () => {
    const q = await createQuote();
    const put = await rep.put(`/api/v1/quotes/${q.id}/lines`, {
      version: q.version,
      lines: [{ product_id: crm, quantity: 10, service_start: '2027-01-01', service_end: '2027-12-31' }],
    });
    const edited = conformsTo<{ data: Quote }>(built.app, 'PUT', '/api/v1/quotes/:id/lines', put, 200).data;
    expect(edited.lines).toHaveLength(1);
    expect(edited.net_total.amount).toBe(1_200_000);
    const stale = await rep.put(`/api/v1/quotes/${q.id}/lines`, { version: q.version, lines: lines() });
    expect(stale.statusCode).toBe(409);

    const s = await rep.post(`/api/v1/quotes/${q.id}/submit`, {});
    expect(s.statusCode, s.body).toBe(200);
    const locked = await rep.put(`/api/v1/quotes/${q.id}/lines`, { lines: lines() });
    expect(locked.statusCode).toBe(409);
    expect((locked.json() as Err).error.key).toBe('quote_locked');
    const send = await rep.post(`/api/v1/quotes/${q.id}/send`, {});
    expect(
      conformsTo<{ data: Quote }>(built.app, 'POST', '/api/v1/quotes/:id/send', send, 200).data.status,
    ).toBe('sent');
    const sent = await rep.put(`/api/v1/quotes/${q.id}/lines`, { lines: lines() });
    expect(sent.statusCode).toBe(409);
    expect((sent.json() as Err).error.key).toBe('quote_locked');
    // nor through the generic records API
    const patch = await rep.patch(`/api/v1/objects/quote/${q.id}`, { notes: 'changed' });
    expect(patch.statusCode).toBe(409);
    expect((patch.json() as Err).error.key).toBe('quote_locked');
  });

  it('clones the lines into the next version and supersedes the old one', async () => {
    const q = await approvedQuote();
    const nv = await rep.post(`/api/v1/quotes/${q.id}/new-version`, {});
    const v2 = conformsTo<{ data: Quote }>(built.app, 'POST', '/api/v1/quotes/:id/new-version', nv, 201).data;
    expect(v2).toMatchObject({
      number: q.number,
      quote_version: 2,
      status: 'draft',
      parent_quote_id: q.id,
      previous_version_id: q.id,
    });
    const strip = (ls: Line[]) => ls.map(({ id: _i, parent_line_id: _p, ...l }) => l);
    expect(strip(v2.lines)).toEqual(strip(q.lines));
    expect(v2.net_total).toEqual(q.net_total);
    const old = json<{ data: Quote }>(await rep.get(`/api/v1/quotes/${q.id}`)).data;
    expect(old.status).toBe('superseded');
    expect((await rep.post(`/api/v1/quotes/${q.id}/new-version`, {})).statusCode).toBe(409);

    const nv3 = await rep.post(`/api/v1/quotes/${v2.id}/new-version`, {});
    const v3 = json<{ data: Quote }>(nv3).data;
    expect(v3).toMatchObject({ quote_version: 3, parent_quote_id: q.id, previous_version_id: v2.id });
    const vs = await rep.get(`/api/v1/quotes/${v2.id}/versions`);
    const list = conformsTo<{ data: Quote[] }>(built.app, 'GET', '/api/v1/quotes/:id/versions', vs, 200).data;
    expect(list.map((v) => [v.quote_version, v.status])).toEqual([
      [1, 'superseded'],
      [2, 'superseded'],
      [3, 'draft'],
    ]);
  });

  it("lists the account's earlier quotes with their lines (price history)", async () => {
    const r = await rep.get(`/api/v1/accounts/${accountId}/quotes?product_id=${impl}`);
    const body = conformsTo<{ data: Quote[] }>(built.app, 'GET', '/api/v1/accounts/:id/quotes', r, 200);
    expect(body.data.length).toBeGreaterThan(2);
    expect(body.data.every((q) => q.account_id === accountId)).toBe(true);
    expect(body.data.every((q) => q.lines.some((l) => l.product_id === impl))).toBe(true);
    const created = body.data.map((q) => String(q.created_at));
    expect([...created].sort().reverse()).toEqual(created);
  });
});

describe('approval', () => {
  let manager: Client;

  beforeAll(async () => {
    manager = await userWithRole(admin, 'sales_manager');
    // quotes more than 15 % off the list price need the manager
    const p = await admin.post('/api/v1/approvals/processes', {
      name: '报价折扣审批',
      object: 'quote',
      triggers: ['manual'],
      condition: [{ field: 'effective_discount', op: 'gt', value: 15 }],
      nodes: [{ name: '销售经理', kind: 'user', user_id: manager.userId }],
    });
    expect(p.statusCode, p.body).toBe(201);
  });

  it('approves at once when no approval process applies', async () => {
    const q = await createQuote();
    expect(q.effective_discount).toBe(8);
    const s = await rep.post(`/api/v1/quotes/${q.id}/submit`, {});
    const body = json<{ data: Quote & { submit_route: string; approval_id: string | null } }>(s).data;
    expect(body).toMatchObject({ status: 'approved', submit_route: 'auto', approval_id: null });
    expect(body.approved_at).toEqual(expect.any(String));
  });

  it('puts a quote the process catches in approval, locked, until the manager decides', async () => {
    const q = await createQuote(rep, { header_discount: 10 });
    // 75,000.00 list, 62,100.00 net: 17.2 % off
    expect(q.effective_discount).toBe(17.2);
    const s = await rep.post(`/api/v1/quotes/${q.id}/submit`, {});
    const body = conformsTo<{ data: Quote & { submit_route: string; approval_id: string } }>(
      built.app,
      'POST',
      '/api/v1/quotes/:id/submit',
      s,
      200,
    ).data;
    expect(body).toMatchObject({ status: 'in_approval', submit_route: 'approval' });
    expect((await rep.put(`/api/v1/quotes/${q.id}/lines`, { lines: lines() })).statusCode).toBe(409);
    expect((await rep.post(`/api/v1/quotes/${q.id}/send`, {})).statusCode).toBe(409);
    expect((await rep.post(`/api/v1/quotes/${q.id}/new-version`, {})).statusCode).toBe(409);
    const ok = await manager.post(`/api/v1/approvals/instances/${body.approval_id}/approve`, {
      comment: '同意',
    });
    expect(ok.statusCode, ok.body).toBe(200);
    const after = json<{ data: Quote }>(await rep.get(`/api/v1/quotes/${q.id}`)).data;
    expect(after.status).toBe('approved');
    expect((await rep.post(`/api/v1/quotes/${q.id}/send`, {})).statusCode).toBe(200);
  });

  it('a rejected quote stays rejected; its next version is a draft to rework', async () => {
    const q = await createQuote(rep, { header_discount: 10 });
    const s = json<{ data: { approval_id: string } }>(
      await rep.post(`/api/v1/quotes/${q.id}/submit`, {}),
    ).data;
    const no = await manager.post(`/api/v1/approvals/instances/${s.approval_id}/reject`, {
      comment: '折扣过大',
    });
    expect(no.statusCode, no.body).toBe(200);
    expect(json<{ data: Quote }>(await rep.get(`/api/v1/quotes/${q.id}`)).data.status).toBe('rejected');
    expect((await rep.post(`/api/v1/quotes/${q.id}/send`, {})).statusCode).toBe(409);
    const v2 = json<{ data: Quote }>(await rep.post(`/api/v1/quotes/${q.id}/new-version`, {})).data;
    expect(v2).toMatchObject({ status: 'draft', quote_version: 2 });
    const fixed = await rep.put(`/api/v1/quotes/${v2.id}/lines`, { header_discount: 0, lines: lines() });
    expect(fixed.statusCode, fixed.body).toBe(200);
    const s2 = json<{ data: Quote }>(await rep.post(`/api/v1/quotes/${v2.id}/submit`, {})).data;
    expect(s2.status).toBe('approved');
  });

  it('refuses to submit a subscription line without a service period', async () => {
    const r = await rep.post('/api/v1/quotes', {
      opportunity_id: oppId,
      lines: [{ product_id: crm, quantity: 1 }],
    });
    const q = json<{ data: Quote }>(r).data;
    const s = await rep.post(`/api/v1/quotes/${q.id}/submit`, {});
    expect(s.statusCode).toBe(422);
    expect(codes(s)).toEqual(['lines[0].service_start:service_period_required']);
  });

  it('the generic approvals submit applies the same checks to a quote', async () => {
    const q = await createQuote(rep, {
      header_discount: 20,
      lines: [{ product_id: crm, quantity: 1 }],
    });
    const r = await rep.post('/api/v1/approvals/submit', { object: 'quote', record_id: q.id });
    expect(r.statusCode).toBe(422);
    expect(codes(r)).toEqual(['lines:service_period_required']);
    expect(json<{ data: Quote }>(await rep.get(`/api/v1/quotes/${q.id}`)).data.status).toBe('draft');
  });

  it('the generic approvals submit takes only a draft: an approved or sent quote stays as it is', async () => {
    const q = await createQuote(rep, { header_discount: 10 });
    const s = json<{ data: Quote & { approval_id: string } }>(
      await rep.post(`/api/v1/quotes/${q.id}/submit`, {}),
    ).data;
    const ok = await manager.post(`/api/v1/approvals/instances/${s.approval_id}/approve`, {
      comment: '同意',
    });
    expect(ok.statusCode, ok.body).toBe(200);
    const generic = () => rep.post('/api/v1/approvals/submit', { object: 'quote', record_id: q.id });
    const status = async () => json<{ data: Quote }>(await rep.get(`/api/v1/quotes/${q.id}`)).data.status;
    const approved = await generic();
    expect(approved.statusCode, approved.body).toBe(409);
    expect((approved.json() as Err).error.key).toBe('quote_state_conflict');
    expect(await status()).toBe('approved');
    expect((await rep.post(`/api/v1/quotes/${q.id}/send`, {})).statusCode).toBe(200);
    const sent = await generic();
    expect(sent.statusCode, sent.body).toBe(409);
    expect(await status()).toBe('sent');
    // nothing was stored: the quote has its one approved submission
    const mine = json<{ data: { status: string }[] }>(
      await rep.get(`/api/v1/approvals/instances?object=quote&record_id=${q.id}`),
    ).data;
    expect(mine.map((i) => i.status)).toEqual(['approved']);
  });

  it('settings are for administrators', async () => {
    expect((await rep.get('/api/v1/quotes/settings')).statusCode).toBe(403);
    const bad = await admin.put('/api/v1/quotes/settings', { validityDays: 0 });
    expect(bad.statusCode).toBe(422);
    expect(codes(bad)).toEqual(['validityDays:invalid_value']);
    const good = await admin.put('/api/v1/quotes/settings', {
      sellerName: '杭州飞轮科技有限公司',
      terms: '付款方式：签约后 10 个工作日内付清',
    });
    const set = conformsTo<{ data: Rec }>(built.app, 'PUT', '/api/v1/quotes/settings', good, 200).data;
    expect(set).toMatchObject({ validityDays: 30, sellerName: '杭州飞轮科技有限公司' });
  });
});

describe('accepting', () => {
  it('creates the order and the contract with the same lines in one transaction', async () => {
    const q = await approvedQuote();
    expect((await rep.post(`/api/v1/quotes/${q.id}/accept`, {})).statusCode).toBe(200);
    const accepted = json<{ data: Quote }>(await rep.get(`/api/v1/quotes/${q.id}`)).data;
    expect(accepted.status).toBe('accepted');
    const order = json<{ data: Rec & { lines: Line[]; amount: Money; quote_id: string } }>(
      await rep.get(`/api/v1/orders/${String(accepted.order_id)}`),
    ).data;
    expect(order.quote_id).toBe(q.id);
    expect(order.amount).toEqual(q.net_total);
    const pick = (l: Line) => [
      l.product_id,
      l.quantity,
      l.unit_price,
      l.discount,
      l.service_start,
      l.service_end,
    ];
    expect(order.lines.map(pick)).toEqual(q.lines.map(pick));
    expect(order.lines.map((l) => l.amount)).toEqual(q.lines.map((l) => l.net_amount));
    // accepted once only
    expect((await rep.post(`/api/v1/quotes/${q.id}/accept`, {})).statusCode).toBe(409);

    const q2 = await approvedQuote();
    const sent = await rep.post(`/api/v1/quotes/${q2.id}/send`, {});
    expect(sent.statusCode).toBe(200);
    const acc = await rep.post(`/api/v1/quotes/${q2.id}/accept`, {
      create_contract: true,
      contract_name: '云帆 CRM 合同',
      confirm_order: true,
    });
    const withContract = conformsTo<{ data: Quote }>(
      built.app,
      'POST',
      '/api/v1/quotes/:id/accept',
      acc,
      200,
    ).data;
    const contract = json<{ data: Rec & { amount: Money } }>(
      await rep.get(`/api/v1/objects/contract/${String(withContract.contract_id)}`),
    ).data;
    expect(contract).toMatchObject({ name: '云帆 CRM 合同', quote_id: q2.id, account_id: accountId });
    expect(contract.amount).toEqual(q2.net_total);
    const o2 = json<{ data: Rec }>(await rep.get(`/api/v1/orders/${String(withContract.order_id)}`)).data;
    expect(o2).toMatchObject({ contract_id: contract.id, status: 'confirmed', quote_id: q2.id });
  });

  it('rolls everything back when the order cannot be created', async () => {
    const q = await approvedQuote();
    // the product is retired after the quote was approved: the order refuses it
    expect((await admin.patch(`/api/v1/objects/product/${impl}`, { active: false })).statusCode).toBe(200);
    try {
      const r = await rep.post(`/api/v1/quotes/${q.id}/accept`, { create_contract: true });
      expect(r.statusCode).toBe(422);
      expect(codes(r)).toEqual(['lines[1].product_id:product_inactive']);
      const after = json<{ data: Quote }>(await rep.get(`/api/v1/quotes/${q.id}`)).data;
      expect(after.status).toBe('approved');
      const n = await TenantDb.for(built.platform.db, t.tenantId).one(
        sql<{
          n: number;
        }>`select count(*)::int as n from contract where tenant_id = ${t.tenantId} and quote_id = ${q.id}`,
      );
      expect(n?.n).toBe(0);
    } finally {
      await admin.patch(`/api/v1/objects/product/${impl}`, { active: true });
    }
  });

  it('refuses a draft', async () => {
    const q = await createQuote();
    const r = await rep.post(`/api/v1/quotes/${q.id}/accept`, {});
    expect(r.statusCode).toBe(409);
    expect((r.json() as Err).error.key).toBe('quote_state_conflict');
  });
});

describe('expiry', () => {
  it('the daily job expires sent quotes past their validity; an expired quote cannot be accepted', async () => {
    const q = await approvedQuote();
    expect((await rep.post(`/api/v1/quotes/${q.id}/send`, {})).statusCode).toBe(200);
    const draft = await createQuote();
    const asOf = addDays(String(q.valid_until), 1);
    const run = await admin.post('/api/v1/admin/jobs/cash.quotes_expire/run', { as_of: asOf });
    expect(run.statusCode, run.body).toBe(200);
    expect(json<{ data: { status: string; result: { expired: number } } }>(run).data).toMatchObject({
      status: 'succeeded',
    });
    const after = json<{ data: Quote }>(await rep.get(`/api/v1/quotes/${q.id}`)).data;
    expect(after.status).toBe('expired');
    expect(json<{ data: Quote }>(await rep.get(`/api/v1/quotes/${draft.id}`)).data.status).toBe('draft');
    const acc = await rep.post(`/api/v1/quotes/${q.id}/accept`, {});
    expect(acc.statusCode).toBe(409);
    // a new version starts a fresh validity period
    const v2 = json<{ data: Quote }>(await rep.post(`/api/v1/quotes/${q.id}/new-version`, {})).data;
    expect(v2.status).toBe('draft');
    expect(String(v2.valid_until) >= today).toBe(true);
  });
});

describe('PDF', () => {
  const text = (pdf: Buffer): string => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'quote-pdf-'));
    const file = path.join(dir, 'q.pdf');
    fs.writeFileSync(file, pdf);
    try {
      return execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  };

  it('renders the Chinese quote with the product names, and the English one with English labels', async () => {
    const settings = { sellerName: '杭州飞轮科技有限公司', terms: '付款方式：签约后 10 个工作日内付清' };
    expect((await admin.put('/api/v1/quotes/settings', settings)).statusCode).toBe(200);
    const q = await createQuote(rep, { header_discount: 5, notes: '含首年运维服务' });
    const r = await rep.get(`/api/v1/quotes/${q.id}/pdf`);
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toBe('application/pdf');
    const zh = text(r.rawPayload);
    expect(zh).toContain('报价单');
    expect(zh).toContain('纷享销客旗舰版');
    expect(zh).toContain('实施服务人天');
    expect(zh).toContain('杭州云帆软件有限公司');
    expect(zh).toContain(q.number);
    expect(zh).toContain('69,483.00'); // grand total: 65,550.00 + 6 % tax
    expect(zh).toContain('含首年运维服务');
    expect(zh).toContain('杭州飞轮科技有限公司');
    expect(zh).toContain('签约后 10 个工作日内付清');

    const en = await createQuote(rep, { language: 'en-US' });
    const enText = text((await rep.get(`/api/v1/quotes/${en.id}/pdf`)).rawPayload);
    expect(enText).toContain('Quotation');
    expect(enText).toContain('CRM Ultimate');
    expect(enText).toContain('Grand total');
  });

  it("prints the tenant's logo instead of its name when one is set", async () => {
    const png =
      'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';
    expect((await admin.put('/api/v1/quotes/settings', { logo: png })).statusCode).toBe(200);
    try {
      const q = await createQuote();
      const r = await rep.get(`/api/v1/quotes/${q.id}/pdf`);
      expect(r.statusCode).toBe(200);
      const out = text(r.rawPayload);
      expect(out).not.toContain('杭州飞轮科技有限公司');
      expect(out).toContain('纷享销客旗舰版');
      const bad = await admin.put('/api/v1/quotes/settings', { logo: 'data:image/gif;base64,R0lGOD' });
      expect(bad.statusCode).toBe(422);
      expect(codes(bad)).toEqual(['logo:invalid_value']);
    } finally {
      await admin.put('/api/v1/quotes/settings', { logo: null });
    }
  });

  it('attaches the PDF to the quote version and lists it; sending stores one too', async () => {
    const q = await approvedQuote();
    const a = await rep.post(`/api/v1/quotes/${q.id}/pdf/attach`, {});
    const doc = conformsTo<{ data: Rec }>(built.app, 'POST', '/api/v1/quotes/:id/pdf/attach', a, 201).data;
    expect(doc).toMatchObject({
      quote_version: 1,
      file_name: `${q.number}-v1.pdf`,
      content_type: 'application/pdf',
    });
    await rep.post(`/api/v1/quotes/${q.id}/send`, {});
    const after = json<{ data: Quote }>(await rep.get(`/api/v1/quotes/${q.id}`)).data;
    expect(after.documents).toHaveLength(2);
    const dl = await rep.get(`/api/v1/quotes/${q.id}/documents/${doc.id}`);
    expect(dl.statusCode).toBe(200);
    expect(text(dl.rawPayload)).toContain('纷享销客旗舰版');
    expect((await rep2.get(`/api/v1/quotes/${q.id}/documents/${doc.id}`)).statusCode).toBe(404);
    const reader = await userWithRole(admin, 'read_only');
    expect((await reader.get(`/api/v1/quotes/${q.id}/pdf`)).statusCode).toBe(200);
    expect((await reader.post(`/api/v1/quotes/${q.id}/pdf/attach`, {})).statusCode).toBe(403);
  });

  it('keeps each stored PDF in the quote attachments too; removing the attachment keeps the document', async () => {
    const q = await approvedQuote();
    const a = await rep.post(`/api/v1/quotes/${q.id}/pdf/attach`, {});
    const doc = json<{ data: Rec & { attachment_id: string; sha256: string } }>(a).data;
    await rep.post(`/api/v1/quotes/${q.id}/send`, {});
    const after = json<{ data: Quote }>(await rep.get(`/api/v1/quotes/${q.id}`)).data;
    const list = await rep.get(`/api/v1/objects/quote/${q.id}/attachments`);
    expect(list.statusCode, list.body).toBe(200);
    const files = json<{ data: Rec[] }>(list).data;
    // the attachments panel shows what the documents list shows, newest first
    expect(files.map((f) => f.id)).toEqual(after.documents.map((d) => d.attachment_id));
    expect(files.map((f) => [f.file_name, f.content_type])).toEqual([
      [`${q.number}-v1.pdf`, 'application/pdf'],
      [`${q.number}-v1.pdf`, 'application/pdf'],
    ]);
    expect(files.find((f) => f.id === doc.attachment_id)?.sha256).toBe(doc.sha256);
    const dl = await rep.get(`/api/v1/attachments/${doc.attachment_id}`);
    expect(dl.statusCode).toBe(200);
    expect(dl.headers['content-type']).toBe('application/pdf');
    expect(text(dl.rawPayload)).toContain('纷享销客旗舰版');
    // nobody outside the quote's scope sees the files
    expect((await rep2.get(`/api/v1/objects/quote/${q.id}/attachments`)).statusCode).toBe(404);
    expect((await rep2.get(`/api/v1/attachments/${doc.attachment_id}`)).statusCode).toBe(404);
    // removed from the panel, the PDF of the version is still what the customer got
    expect((await rep.delete(`/api/v1/attachments/${doc.attachment_id}`)).statusCode).toBe(204);
    const kept = await rep.get(`/api/v1/quotes/${q.id}/documents/${doc.id}`);
    expect(kept.statusCode).toBe(200);
    expect(kept.rawPayload.equals(dl.rawPayload)).toBe(true);
  });

  it('still serves a PDF stored in the database before the file store kept them', async () => {
    const q = await createQuote();
    const pdf = (await rep.get(`/api/v1/quotes/${q.id}/pdf`)).rawPayload;
    const docId = newId();
    await TenantDb.for(built.platform.db, t.tenantId).exec0(sql`insert into quote_document
        (tenant_id, id, quote_id, quote_version, file_name, content_type, size_bytes, sha256, bytes)
      values (${t.tenantId}, ${docId}, ${q.id}, 1, 'old.pdf', 'application/pdf', ${pdf.length}, 'x', ${pdf})`);
    const got = json<{ data: Quote }>(await rep.get(`/api/v1/quotes/${q.id}`)).data;
    expect(got.documents.map((d) => [d.file_name, d.attachment_id])).toEqual([['old.pdf', null]]);
    const r = await rep.get(`/api/v1/quotes/${q.id}/documents/${docId}`);
    expect(r.statusCode).toBe(200);
    expect(r.rawPayload.equals(pdf)).toBe(true);
  });
});
