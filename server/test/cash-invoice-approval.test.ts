// Invoice application → approval → issue (DOMAIN.md §4, §9): a tenant's process catches large
// invoices; they are locked while pending, issued only once approved; a rejection sends the
// application back to be resubmitted. Without a process an application is issued directly.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BuiltApp } from '../src/app.ts';
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
type Err = { error: { key: string } };

let built: BuiltApp;
let t: TestTenant;
let admin: Client;
let rep: Client;
let finance: Client;
let orderId: string;

const inbox = async (who: Client, recordId: string): Promise<string | undefined> =>
  json<{ data: Array<{ instance_id: string; record_id: string }> }>(
    await who.get('/api/v1/approvals/inbox'),
  ).data.find((i) => i.record_id === recordId)?.instance_id;
const apply = async (amount: number): Promise<Rec> => {
  const r = await rep.post('/api/v1/invoices', { order_id: orderId, amount, tax_rate: 6 });
  expect(r.statusCode, r.body).toBe(201);
  return json<{ data: Rec }>(r).data;
};

beforeAll(async () => {
  built = await testApp();
  t = await newTenant(built);
  admin = await login(built.app, t.adminEmail);
  rep = await userWithRole(admin, 'sales_rep');
  finance = await userWithRole(admin, 'sales_manager');
  const account = json<{ data: Rec }>(
    await rep.post('/api/v1/objects/account', { name: '成都天府云科技有限公司' }),
  ).data.id;
  const product = json<{ data: Rec }>(
    await admin.post('/api/v1/objects/product', {
      sku: 'IMPL',
      name: '实施服务',
      type: 'service',
      list_price: 300_000,
    }),
  ).data.id;
  orderId = json<{ data: Rec }>(
    await rep.post('/api/v1/orders', {
      account_id: account,
      status: 'confirmed',
      lines: [{ product_id: product, quantity: 100, unit_price: 300_000, amount: 30_000_000 }],
    }),
  ).data.id;
}, 60_000);
afterAll(async () => built?.close());

describe('invoice approval', () => {
  it('issues directly when no process applies', async () => {
    const inv = await apply(1_000_000);
    expect(inv).toMatchObject({ status: 'applied', approval_status: 'not_required' });
    const r = await rep.post(`/api/v1/invoices/${inv.id}/issue`, {});
    expect(r.statusCode, r.body).toBe(200);
    expect(json<{ data: Rec }>(r).data.status).toBe('issued');
  });

  it('holds large applications for approval, locked; rejected → resubmit; approved → issued', async () => {
    const p = await admin.post('/api/v1/approvals/processes', {
      name: '大额开票审批',
      object: 'invoice',
      triggers: ['create', 'manual'],
      condition: [{ field: 'amount', op: 'gte', value: 5_000_000 }],
      nodes: [{ name: '财务经理', kind: 'user', user_id: finance.userId }],
    });
    expect(p.statusCode, p.body).toBe(201);
    const small = await apply(1_000_000);
    expect(small.approval_status).toBe('not_required');

    const inv = await apply(8_000_000);
    expect(inv).toMatchObject({ status: 'in_approval', approval_status: 'pending' });
    const early = await rep.post(`/api/v1/invoices/${inv.id}/issue`, {});
    expect(early.statusCode).toBe(409);
    expect(json<Err>(early).error.key).toBe('approval_pending');
    expect((await rep.patch(`/api/v1/objects/invoice/${inv.id}`, { description: 'x' })).statusCode).toBe(409);

    const first = await inbox(finance, inv.id);
    expect(first).toBeDefined();
    expect(
      (await finance.post(`/api/v1/approvals/instances/${first}/reject`, { comment: '抬头与合同不符' }))
        .statusCode,
    ).toBe(200);
    const back = json<{ data: Rec }>(await rep.get(`/api/v1/invoices/${inv.id}`)).data;
    expect(back).toMatchObject({ status: 'applied', approval_status: 'rejected' });
    expect(json<Err>(await rep.post(`/api/v1/invoices/${inv.id}/issue`, {})).error.key).toBe(
      'approval_required',
    );

    const re = await rep.post(`/api/v1/invoices/${inv.id}/submit`, {});
    expect(
      conformsTo<{ data: Rec }>(built.app, 'POST', '/api/v1/invoices/:id/submit', re, 200).data,
    ).toMatchObject({
      status: 'in_approval',
      approval_status: 'pending',
    });
    const second = await inbox(finance, inv.id);
    expect((await finance.post(`/api/v1/approvals/instances/${second}/approve`, {})).statusCode).toBe(200);
    const issued = await rep.post(`/api/v1/invoices/${inv.id}/issue`, { issue_date: '2026-11-20' });
    expect(issued.statusCode, issued.body).toBe(200);
    expect(json<{ data: Rec }>(issued).data).toMatchObject({ status: 'issued', approval_status: 'approved' });
    // an issued invoice is not submitted again, nor through the generic approvals submit
    expect((await rep.post(`/api/v1/invoices/${inv.id}/submit`, {})).statusCode).toBe(409);
    const generic = await rep.post('/api/v1/approvals/submit', { object: 'invoice', record_id: inv.id });
    expect(generic.statusCode, generic.body).toBe(409);
    expect(json<Err>(generic).error.key).toBe('invoice_state_conflict');
    expect(json<{ data: Rec }>(await rep.get(`/api/v1/invoices/${inv.id}`)).data).toMatchObject({
      status: 'issued',
      approval_status: 'approved',
    });
  });
});
