// Subscriptions, renewals and SaaS metrics (issue 7, docs/METRICS.md): the ARR ledger booked from
// order events, hand-computed movements for eight customer stories, renewal matching, adjustments,
// retention, idempotent replays, permissions and bad input.
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
import { bookOrder } from '../src/modules/subscriptions/ledger.service.ts';

type Rec = Record<string, unknown> & { id: string };
type Err = { error: { code: string; key: string; details: { field: string; code: string }[] } };
const codes = (r: { json(): unknown }) =>
  (r.json() as Err).error.details.map((d) => `${d.field}:${d.code}`).sort();

let built: BuiltApp;
let t: TestTenant;
let admin: Client;
let rep: Client;
let saas: string;
const acc: Record<string, string> = {};
const orders: Record<string, string> = {};
let repAccount = '';

const drain = () => built.platform.events.drain(t.tenantId);
const W = 1_000_000; // ¥10,000.00 in fen: amounts below are in units of W for readability

async function account(name: string, by: Client = admin): Promise<string> {
  const r = await by.post('/api/v1/objects/account', { name });
  expect(r.statusCode, r.body).toBe(201);
  return json<{ data: Rec }>(r).data.id;
}

async function order(
  key: string,
  accountId: string,
  type: string,
  orderDate: string,
  lines: Array<[start: string, end: string, amount: number]>,
  currency = 'CNY',
): Promise<string> {
  const r = await admin.post('/api/v1/orders', {
    account_id: accountId,
    type,
    status: 'confirmed',
    order_date: orderDate,
    currency,
    lines: lines.map(([s, e, amount]) => ({
      product_id: saas,
      quantity: 1,
      unit_price: amount,
      amount,
      service_start: s,
      service_end: e,
    })),
  });
  expect(r.statusCode, r.body).toBe(201);
  orders[key] = json<{ data: Rec }>(r).data.id;
  return orders[key];
}

interface Move {
  month: string;
  start_arr: number;
  new: number;
  expansion: number;
  reactivation: number;
  contraction: number;
  churn: number;
  end_arr: number;
  customers_start: number;
  customers_end: number;
  new_customers: number;
  reactivated_customers: number;
  churned_customers: number;
}

async function movements(from: string, to: string, by: Client = admin): Promise<Move[]> {
  const r = await by.get(`/api/v1/metrics/arr-movements?from=${from}&to=${to}`);
  expect(r.statusCode, r.body).toBe(200);
  return json<{ data: Move[] }>(r).data;
}

beforeAll(async () => {
  built = await testApp();
  t = await newTenant(built);
  admin = await login(built.app, t.adminEmail);
  rep = await userWithRole(admin, 'sales_rep');
  const p = await admin.post('/api/v1/objects/product', {
    sku: 'SAAS-1',
    name: '云帆 CRM 订阅',
    type: 'subscription',
    unit: 'seat',
    list_price: 100,
  });
  expect(p.statusCode, p.body).toBe(201);
  saas = json<{ data: Rec }>(p).data.id;
  for (const k of ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H']) acc[k] = await account(`${k} 客户科技有限公司`);
  const rate = await admin.put('/api/v1/subscriptions/exchange-rates', {
    currency: 'USD',
    effective_date: '2024-01-01',
    rate: '7.1',
  });
  expect(rate.statusCode, rate.body).toBe(200);

  // A: a 12-month contract that is not renewed
  await order('A', acc.A as string, 'new', '2024-12-20', [['2025-01-01', '2025-12-31', 12 * W]]);
  // B: renewed at a higher price (renewal capped at due ARR, the rest expansion)
  await order('B', acc.B as string, 'new', '2024-12-20', [['2025-01-01', '2025-12-31', 10 * W]]);
  await order('B2', acc.B as string, 'renewal', '2025-12-20', [['2026-01-01', '2026-12-31', 12 * W]]);
  // C: mid-term add-on (expansion), then a seat reduction from September (amended order: contraction)
  await order('C', acc.C as string, 'new', '2025-02-25', [['2025-03-01', '2026-02-28', 6 * W]]);
  await order('C2', acc.C as string, 'expansion', '2025-06-15', [['2025-07-01', '2026-02-28', 2 * W]]);
  // D: churns after six months, comes back in October (reactivation)
  await order('D', acc.D as string, 'new', '2024-12-20', [['2025-01-01', '2025-06-30', 2 * W]]);
  await order('D2', acc.D as string, 'new', '2025-09-20', [['2025-10-01', '2026-09-30', 5 * W]]);
  // E: three years prepaid (normalised: no movement at year boundaries)
  await order('E', acc.E as string, 'new', '2024-12-20', [['2025-01-01', '2027-12-31', 36 * W]]);
  // F: a line in USD (10,000.00 at 7.1)
  await order('F', acc.F as string, 'new', '2025-03-20', [['2025-04-01', '2026-03-31', 1_000_000]], 'USD');
  // G: due record later adjusted out (acquired customer)
  await order('G', acc.G as string, 'new', '2025-01-20', [['2025-02-01', '2026-01-31', 3 * W]]);
  // H: renewal signed after the due period (churn, then reactivation — not a renewal)
  await order('H', acc.H as string, 'new', '2024-12-20', [['2025-01-01', '2025-12-31', 8 * W]]);
  await order('H2', acc.H as string, 'renewal', '2026-02-10', [['2026-02-01', '2027-01-31', 8 * W]]);
  await drain();
  // C's seat reduction: the first order is amended into two periods
  const amend = await admin.put(`/api/v1/orders/${orders.C}/lines`, {
    lines: [
      {
        product_id: saas,
        quantity: 1,
        unit_price: 3 * W,
        amount: 3 * W,
        service_start: '2025-03-01',
        service_end: '2025-08-31',
      },
      {
        product_id: saas,
        quantity: 1,
        unit_price: 2.4 * W,
        amount: 2.4 * W,
        service_start: '2025-09-01',
        service_end: '2026-02-28',
      },
    ],
  });
  expect(amend.statusCode, amend.body).toBe(200);
  await drain();
}, 120_000);
afterAll(async () => built?.close());

describe('ARR movements (hand-computed)', () => {
  it('books every story month by month, and every month balances exactly', async () => {
    const rows = await movements('2025-01', '2026-04');
    const by = new Map(rows.map((r) => [r.month, r]));
    const pick = (m: string) => {
      const r = by.get(m);
      if (!r) throw new Error(m);
      return [r.start_arr, r.new, r.expansion, r.reactivation, r.contraction, r.churn, r.end_arr].map(
        (v) => v / W,
      );
    };
    //                       start   new  exp  react contr churn  end
    expect(pick('2025-01')).toEqual([0, 46, 0, 0, 0, 0, 46]); // A12 B10 D4 E12 H8
    expect(pick('2025-02')).toEqual([46, 3, 0, 0, 0, 0, 49]); // G
    expect(pick('2025-03')).toEqual([49, 6, 0, 0, 0, 0, 55]); // C
    expect(pick('2025-04')).toEqual([55, 7.1, 0, 0, 0, 0, 62.1]); // F: USD 10,000 at 7.1
    expect(pick('2025-05')).toEqual([62.1, 0, 0, 0, 0, 0, 62.1]);
    expect(pick('2025-07')).toEqual([62.1, 0, 3, 0, 0, 4, 61.1]); // C add-on, D churn
    expect(pick('2025-09')).toEqual([61.1, 0, 0, 0, 1.2, 0, 59.9]); // C reduction 6 → 4.8
    expect(pick('2025-10')).toEqual([59.9, 0, 0, 5, 0, 0, 64.9]); // D returns
    expect(pick('2025-12')).toEqual([64.9, 0, 0, 0, 0, 0, 64.9]);
    expect(pick('2026-01')).toEqual([64.9, 0, 2, 0, 0, 20, 46.9]); // A and H churn, B renews +2; E flat
    expect(pick('2026-02')).toEqual([46.9, 0, 0, 8, 0, 3, 51.9]); // H back, G ends
    expect(pick('2026-03')).toEqual([51.9, 0, 0, 0, 0, 7.8, 44.1]); // C ends
    expect(pick('2026-04')).toEqual([44.1, 0, 0, 0, 0, 7.1, 37]); // F ends
    for (const r of rows) {
      expect(r.start_arr + r.new + r.expansion + r.reactivation - r.contraction - r.churn).toBe(r.end_arr);
      expect(r.customers_start + r.new_customers + r.reactivated_customers - r.churned_customers).toBe(
        r.customers_end,
      );
    }
    expect(by.get('2026-01')).toMatchObject({ customers_start: 8, churned_customers: 2, customers_end: 6 });
    for (let i = 1; i < rows.length; i++) expect(rows[i]?.start_arr).toBe(rows[i - 1]?.end_arr);
  });

  it('names the customers behind a figure (drill-down)', async () => {
    const r = await admin.get('/api/v1/metrics/arr-movements/customers?month=2026-01');
    const data = conformsTo<{ data: Array<{ account_id: string; kind: string; change: number }> }>(
      built.app,
      'GET',
      '/api/v1/metrics/arr-movements/customers',
      r,
      200,
    ).data;
    expect(data.map((d) => [d.account_id, d.kind, d.change / W])).toEqual([
      [acc.A, 'churn', -12],
      [acc.H, 'churn', -8],
      [acc.B, 'expansion', 2],
    ]);
    const churn = json<{ data: Array<{ account_id: string }> }>(
      await admin.get('/api/v1/metrics/arr-movements/customers?month=2025-10&kind=reactivation'),
    ).data;
    expect(churn.map((d) => d.account_id)).toEqual([acc.D]);
  });

  it('ARR and MRR on a date, per group', async () => {
    const r = await admin.get('/api/v1/metrics/arr?as_of=2025-09-30');
    const d = conformsTo<{ data: { arr: number; mrr: number; customers: number; currency: string } }>(
      built.app,
      'GET',
      '/api/v1/metrics/arr',
      r,
      200,
    ).data;
    expect(d).toMatchObject({
      arr: 59.9 * W,
      mrr: Math.round((59.9 * W) / 12),
      customers: 7,
      currency: 'CNY',
    });
    const g = json<{ data: { groups: Array<{ key: string; arr: number }> } }>(
      await admin.get('/api/v1/metrics/arr?as_of=2025-09-30&group_by=owner'),
    ).data;
    expect(g.groups).toEqual([expect.objectContaining({ key: admin.userId, arr: 59.9 * W, customers: 7 })]);
  });
});

describe('renewals', () => {
  it('matches due records: capped renewal, delayed renewal = churn, adjusted out', async () => {
    const adj = await admin.post('/api/v1/renewal-adjustments', {
      account_id: acc.G,
      due_date: '2026-02-01',
      reason: 'acquired',
      note: '被 B 客户收购',
    });
    expect(adj.statusCode, adj.body).toBe(201);
    expect(json<{ data: Rec }>(adj).data).toMatchObject({ status: 'approved' });
    const r = await admin.get('/api/v1/metrics/renewals?from=2026-01&to=2026-02');
    const d = conformsTo<{
      data: {
        months: Array<{
          month: string;
          due_arr: number;
          renewed_arr: number;
          renewal_rate: number | null;
          due_customers: number;
          renewed_customers: number;
          contract_renewal_rate: number | null;
        }>;
      };
    }>(built.app, 'GET', '/api/v1/metrics/renewals', r, 200).data;
    expect(d.months[0]).toMatchObject({
      month: '2026-01',
      due_arr: 30 * W, // A 12 + B 10 + H 8
      renewed_arr: 10 * W, // B, capped at its due ARR (the extra 2 is expansion)
      renewal_rate: 0.3333,
      due_customers: 3,
      renewed_customers: 1,
      contract_renewal_rate: 0.3333,
    });
    // G's due record is adjusted out of both sides
    expect(d.months[1]).toMatchObject({ month: '2026-02', due_arr: 0, renewal_rate: null });
    const sub = json<{ data: { due: Array<{ due_date: string; status: string }> } }>(
      await admin.get(`/api/v1/accounts/${acc.G}/subscriptions`),
    ).data;
    expect(sub.due).toEqual([expect.objectContaining({ due_date: '2026-02-01', status: 'adjusted' })]);
  });

  it('finance view counts a renewal when its first payment arrives by the end of the due month', async () => {
    const fin = async () =>
      json<{ data: { months: Array<{ renewed_arr: number; renewal_rate: number | null }> } }>(
        await admin.get('/api/v1/metrics/renewals?from=2026-01&to=2026-01&view=finance'),
      ).data.months[0];
    expect(await fin()).toMatchObject({ renewed_arr: 0, renewal_rate: 0 });
    const plan = await admin.post('/api/v1/payment-plans', {
      order_id: orders.B2,
      instalments: [{ due_date: '2026-01-15', amount: 12 * W }],
    });
    expect(plan.statusCode, plan.body).toBe(201);
    // paid on 2026-02-03: after the due month, so still not renewed in the finance view
    const late = await admin.post('/api/v1/payments', {
      account_id: acc.B,
      amount: 2 * W,
      received_date: '2026-02-03',
    });
    expect(late.statusCode, late.body).toBe(201);
    await drain();
    expect((await fin())?.renewed_arr).toBe(0);
    const onTime = await admin.post('/api/v1/payments', {
      account_id: acc.B,
      amount: 1 * W,
      received_date: '2026-01-20',
    });
    expect(onTime.statusCode, onTime.body).toBe(201);
    await drain();
    expect(await fin()).toMatchObject({ renewed_arr: 10 * W, renewal_rate: 0.3333 });
  });

  it('keeps one due record per end date; a period-by-period order has none at its inner boundary', async () => {
    const c = conformsTo<{
      data: {
        due: Array<{ due_date: string; due_arr: number; status: string }>;
        timeline: Array<{ month: string; arr: number }>;
      };
    }>(
      built.app,
      'GET',
      '/api/v1/accounts/:id/subscriptions',
      await admin.get(`/api/v1/accounts/${acc.C}/subscriptions`),
      200,
    ).data;
    expect(c.due.map((d) => [d.due_date, d.due_arr / W, d.status])).toEqual([['2026-03-01', 7.8, 'churned']]);
    expect(c.timeline.find((p) => p.month === '2025-08')?.arr).toBe(9 * W);
    const h = json<{ data: { due: Array<{ due_date: string; status: string }> } }>(
      await admin.get(`/api/v1/accounts/${acc.H}/subscriptions`),
    ).data;
    expect(h.due.map((d) => [d.due_date, d.status])).toEqual([
      ['2026-01-01', 'churned'],
      ['2027-02-01', 'upcoming'],
    ]);
  });

  it('refuses a second live adjustment and bad input, naming the field; nothing written', async () => {
    const again = await admin.post('/api/v1/renewal-adjustments', {
      account_id: acc.G,
      due_date: '2026-02-01',
      reason: 'other',
      note: 'x',
    });
    expect(again.statusCode).toBe(409);
    const bad = await admin.post('/api/v1/renewal-adjustments', {
      account_id: acc.A,
      due_date: '2026-13-01',
      reason: 'nope',
    });
    expect(bad.statusCode).toBe(422);
    expect(codes(bad)).toEqual(['due_date:invalid_value', 'reason:invalid_value']);
    const noNote = await admin.post('/api/v1/renewal-adjustments', {
      account_id: acc.A,
      due_date: '2026-01-01',
      reason: 'other',
    });
    expect(codes(noNote)).toEqual(['note:required']);
    const none = await admin.post('/api/v1/renewal-adjustments', {
      account_id: acc.A,
      due_date: '2026-01-02',
      reason: 'acquired',
    });
    expect(codes(none)).toEqual(['due_date:due_renewal_not_found']);
    const rows = await TenantDb.for(built.platform.db, t.tenantId).query(
      sql<{ n: number }>`select count(*)::int as n from renewal_adjustment where tenant_id = ${t.tenantId}`,
    );
    expect(rows[0]?.n).toBe(1);
  });

  it('a rep may not adjust without an approval process', async () => {
    const a = await account('销售自建客户', rep);
    repAccount = a;
    const o = await rep.post('/api/v1/orders', {
      account_id: a,
      type: 'new',
      status: 'confirmed',
      order_date: '2025-05-01',
      lines: [
        {
          product_id: saas,
          quantity: 1,
          unit_price: W,
          amount: W,
          service_start: '2025-05-01',
          service_end: '2026-04-30',
        },
      ],
    });
    expect(o.statusCode, o.body).toBe(201);
    await drain();
    const r = await rep.post('/api/v1/renewal-adjustments', {
      account_id: a,
      due_date: '2026-05-01',
      reason: 'duplicate_account',
    });
    expect(r.statusCode, r.body).toBe(409);
    expect(json<Err>(r).error.key).toBe('approval_process_required');
  });

  it('with an approval process: pending until approved, then out of the rate; a decided one is final', async () => {
    const proc = await admin.post('/api/v1/approvals/processes', {
      name: '应续调整审批',
      object: 'renewal_adjustment',
      triggers: ['create', 'manual'],
      nodes: [{ name: '销售运营', kind: 'user', user_id: admin.userId }],
    });
    expect(proc.statusCode, proc.body).toBe(201);
    const r = await rep.post('/api/v1/renewal-adjustments', {
      account_id: repAccount,
      due_date: '2026-05-01',
      reason: 'duplicate_account',
    });
    expect(r.statusCode, r.body).toBe(201);
    const id = json<{ data: Rec }>(r).data.id;
    const status = async () =>
      TenantDb.for(built.platform.db, t.tenantId).one(
        sql<{ a: string; d: string }>`select a.status as a, d.status as d from renewal_adjustment a
          join due_renewal d on d.tenant_id = a.tenant_id and d.account_id = a.account_id and d.due_date = a.due_date
          where a.tenant_id = ${t.tenantId} and a.id = ${id}`,
      );
    expect(await status()).toMatchObject({ a: 'pending' });
    expect((await status())?.d).not.toBe('adjusted');
    const inst = await TenantDb.for(built.platform.db, t.tenantId).one(
      sql<{
        id: string;
      }>`select id from approval_instance where tenant_id = ${t.tenantId} and record_id = ${id} and status = 'pending'`,
    );
    const ok = await admin.post(`/api/v1/approvals/instances/${inst?.id}/approve`, {});
    expect(ok.statusCode, ok.body).toBe(200);
    expect(await status()).toEqual({ a: 'approved', d: 'adjusted' });
    const again = await admin.post('/api/v1/approvals/submit', {
      object: 'renewal_adjustment',
      record_id: id,
    });
    expect(again.statusCode, again.body).toBe(409);
    expect(json<Err>(again).error.key).toBe('adjustment_state_conflict');
  });
});

describe('retention', () => {
  it('NRR, GRR and logo churn from month-end ARR', async () => {
    const r = await admin.get('/api/v1/metrics/retention?month=2026-01');
    const [d] = conformsTo<{ data: Array<Record<string, number | null>> }>(
      built.app,
      'GET',
      '/api/v1/metrics/retention',
      r,
      200,
    ).data;
    // end of Jan 2025: A12 B10 D4 E12 H8 = 46; end of Jan 2026 for them: B12 D5 E12 = 29
    // GRR: min(0,12) + min(12,10) + min(5,4) + min(12,12) + min(0,8) = 0 + 10 + 4 + 12 + 0 = 26
    expect(d).toMatchObject({
      base_arr: 46 * W,
      base_customers: 5,
      retained_arr: 29 * W,
      nrr: Math.round((29 / 46) * 10_000) / 10_000,
      grr: Math.round((26 / 46) * 10_000) / 10_000,
      customers_start: 9, // the eight stories and the rep's customer (from May 2025)
      churned_customers: 2,
      logo_churn: 0.2222,
    });
  });

  it('cohorts: customers by first month, net ARR kept', async () => {
    const r = await admin.get('/api/v1/metrics/cohorts?from=2025-01&to=2025-01');
    const [c] = conformsTo<{
      data: Array<{
        cohort: string;
        customers: number;
        start_arr: number;
        months: Array<{ offset: number; arr: number; customers: number }>;
      }>;
    }>(built.app, 'GET', '/api/v1/metrics/cohorts', r, 200).data;
    expect(c).toMatchObject({ cohort: '2025-01', customers: 5, start_arr: 46 * W });
    expect(c?.months[6]).toMatchObject({ offset: 6, arr: 42 * W, customers: 4 }); // July 2025: D gone
    expect(c?.months[9]).toMatchObject({ offset: 9, arr: 47 * W, customers: 5 }); // October: D back at 5
  });
});

describe('idempotence and recomputation', () => {
  it('replaying order events and re-running the job changes nothing', async () => {
    const before = await movements('2025-01', '2026-04');
    const tdb = TenantDb.for(built.platform.db, t.tenantId);
    for (const id of Object.values(orders)) await tdb.transaction((tx) => bookOrder(tx, id, '2026-11-27'));
    const run = await admin.post('/api/v1/admin/jobs/subscriptions.daily/run', { as_of: '2026-11-27' });
    expect(run.statusCode, run.body).toBeLessThan(300);
    expect(await movements('2025-01', '2026-04')).toEqual(before);
    const n = await tdb.query(
      sql<{
        n: number;
      }>`select count(*)::int as n from subscription_line where tenant_id = ${t.tenantId} and status = 'active'`,
    );
    expect(n[0]?.n).toBe(14); // 13 lines of the stories (C amended into two) + the rep's
  });

  it('cancelling an order takes its ARR out of every month it touched', async () => {
    const r = await admin.post(`/api/v1/orders/${orders.D2}/cancel`, { reason: '录入错误' });
    expect(r.statusCode, r.body).toBe(200);
    await drain();
    const rows = await movements('2025-10', '2025-10');
    expect(rows[0]).toMatchObject({ reactivation: 0, end_arr: 60.9 * W }); // 59.9 + the rep's customer
    const d = json<{ data: { due: unknown[]; lines: Array<{ status: string }> } }>(
      await admin.get(`/api/v1/accounts/${acc.D}/subscriptions`),
    ).data;
    expect(d.lines.map((l) => l.status).sort()).toEqual(['active', 'cancelled']);
  });
});

describe('ownership', () => {
  it('due records follow the account owner (the work list is the owner’s)', async () => {
    const p = await admin.patch(`/api/v1/objects/account/${acc.E}`, { owner_id: rep.userId });
    expect(p.statusCode, p.body).toBe(200);
    await drain();
    const rows = await TenantDb.for(built.platform.db, t.tenantId).query(
      sql<{
        owner_id: string;
      }>`select owner_id from due_renewal where tenant_id = ${t.tenantId} and account_id = ${acc.E}`,
    );
    expect(rows.map((r) => r.owner_id)).toEqual([rep.userId]);
    // a renewal deal opened by hand for the due date is linked to the due record at once
    const opp = await admin.post('/api/v1/objects/opportunity', {
      name: 'E 续费',
      account_id: acc.E,
      type: 'renewal',
      renewal_due_on: '2028-01-01',
    });
    expect(opp.statusCode, opp.body).toBe(201);
    await drain();
    const linked = await TenantDb.for(built.platform.db, t.tenantId).one(
      sql<{
        o: string | null;
      }>`select renewal_opportunity_id as o from due_renewal where tenant_id = ${t.tenantId} and account_id = ${acc.E}`,
    );
    expect(linked?.o).toBe(json<{ data: Rec }>(opp).data.id);
    const back = await admin.patch(`/api/v1/objects/account/${acc.E}`, { owner_id: admin.userId });
    expect(back.statusCode, back.body).toBe(200);
    await drain();
  });
});

describe('permissions and bad input', () => {
  it('a rep sees only the customers they may read', async () => {
    const r = await rep.get('/api/v1/metrics/arr?as_of=2025-09-30');
    expect(r.statusCode, r.body).toBe(200);
    expect(json<{ data: { arr: number; customers: number } }>(r).data).toMatchObject({
      arr: W,
      customers: 1,
    });
    expect((await rep.get(`/api/v1/accounts/${acc.A}/subscriptions`)).statusCode).toBe(404);
    expect(
      (
        await rep.put('/api/v1/subscriptions/exchange-rates', {
          currency: 'EUR',
          effective_date: '2025-01-01',
          rate: '7.8',
        })
      ).statusCode,
    ).toBe(403);
  });

  it('ledger rows, due records and adjustments are neither created nor deleted through the generic API', async () => {
    for (const object of ['subscription', 'due_renewal', 'renewal_adjustment']) {
      const c = await admin.post(`/api/v1/objects/${object}`, {});
      expect(c.statusCode, `${object} create`).toBe(422);
    }
    const tdb = TenantDb.for(built.platform.db, t.tenantId);
    const line = await tdb.one(
      sql<{ id: string }>`select id from subscription_line where tenant_id = ${t.tenantId} limit 1`,
    );
    const due = await tdb.one(
      sql<{ id: string }>`select id from due_renewal where tenant_id = ${t.tenantId} limit 1`,
    );
    for (const [object, id] of [
      ['subscription', line?.id],
      ['due_renewal', due?.id],
    ] as const) {
      const d = await admin.delete(`/api/v1/objects/${object}/${id}`);
      expect(d.statusCode, `${object} delete`).toBe(409);
      expect(json<Err>(d).error.key).toBe('subscription_managed');
    }
  });

  it('names bad query values', async () => {
    const m = await admin.get('/api/v1/metrics/arr-movements?from=2025-13&to=2025-01');
    expect(m.statusCode).toBe(422);
    expect(codes(m)).toEqual(['from:invalid_month']);
    expect(codes(await admin.get('/api/v1/metrics/arr-movements?from=2025-05&to=2025-01'))).toEqual([
      'to:range_reversed',
    ]);
    expect(codes(await admin.get('/api/v1/metrics/arr?group_by=planet'))).toEqual(['group_by:invalid_value']);
    expect(codes(await admin.get('/api/v1/metrics/arr?as_of=yesterday'))).toEqual(['as_of:invalid_date']);
    expect(
      codes(
        await admin.put('/api/v1/subscriptions/exchange-rates', {
          currency: 'usd',
          effective_date: '2025-01-01',
          rate: '-1',
        }),
      ),
    ).toEqual(['currency:invalid_value', 'rate:invalid_value']);
  });
});

describe('grouping by customer success manager (issue 8)', () => {
  it('ARR and renewal rates group by the account’s current CSM, named', async () => {
    const csm = await userWithRole(admin, 'csm');
    const other = await userWithRole(admin, 'csm');
    for (const [k, who] of [
      ['A', csm],
      ['B', csm],
      ['E', other],
    ] as const) {
      const p = await admin.patch(`/api/v1/objects/account/${acc[k]}`, { csm_id: who.userId });
      expect(p.statusCode, p.body).toBe(200);
    }
    const r = await admin.get('/api/v1/metrics/arr?as_of=2025-09-30&group_by=csm');
    const d = conformsTo<{
      data: {
        arr: number;
        group_by: string;
        groups: Array<{ key: string | null; label: string | null; arr: number; customers: number }>;
      };
    }>(built.app, 'GET', '/api/v1/metrics/arr', r, 200).data;
    expect(d.group_by).toBe('csm');
    const by = new Map(d.groups.map((g) => [g.key, g]));
    expect(by.get(csm.userId)).toEqual({
      key: csm.userId,
      label: 'User csm',
      arr: 22 * W,
      mrr: Math.round((22 * W) / 12),
      customers: 2,
    });
    expect(by.get(other.userId)).toMatchObject({ arr: 12 * W, customers: 1 }); // E: 36 over three years
    expect(by.get(null)?.arr).toBe(d.arr - 34 * W);
    const ren = conformsTo<{
      data: {
        groups: Array<{
          key: string | null;
          label: string | null;
          due_arr: number;
          renewed_arr: number;
          renewal_rate: number | null;
        }>;
      };
    }>(
      built.app,
      'GET',
      '/api/v1/metrics/renewals',
      await admin.get('/api/v1/metrics/renewals?from=2026-01&to=2026-01&group_by=csm'),
      200,
    ).data;
    expect(ren.groups).toEqual([
      // A 12 + B 10 due, B renewed (capped at 10)
      expect.objectContaining({
        key: csm.userId,
        label: 'User csm',
        due_arr: 22 * W,
        renewed_arr: 10 * W,
        renewal_rate: 0.4545,
      }),
      expect.objectContaining({ key: null, label: null, due_arr: 8 * W, renewed_arr: 0, renewal_rate: 0 }), // H
    ]);
  });

  it('ARR and renewal rates group by the serving partner (the partner segment), named', async () => {
    const partner = await account('云帆渠道伙伴有限公司');
    for (const k of ['A', 'B']) {
      const p = await admin.patch(`/api/v1/objects/account/${acc[k]}`, { partner_id: partner });
      expect(p.statusCode, p.body).toBe(200);
    }
    const d = json<{
      data: { arr: number; groups: Array<{ key: string | null; label: string | null; arr: number }> };
    }>(await admin.get('/api/v1/metrics/arr?as_of=2025-09-30&group_by=partner')).data;
    const by = new Map(d.groups.map((g) => [g.key, g]));
    expect(by.get(partner)).toMatchObject({ label: '云帆渠道伙伴有限公司', arr: 22 * W });
    expect(by.get(null)?.arr).toBe(d.arr - 22 * W);
    const ren = json<{ data: { groups: Array<{ key: string | null; renewal_rate: number | null }> } }>(
      await admin.get('/api/v1/metrics/renewals?from=2026-01&to=2026-01&group_by=partner'),
    ).data;
    expect(ren.groups.find((g) => g.key === partner)?.renewal_rate).toBe(0.4545);
  });
});
