// Bank statement import records a file in batches (instalments locked once, the rules run row
// after row in memory, then multi-row writes). What a user must not notice: several rows paying
// the same account's instalments match exactly as recording them one by one with POST /payments
// does — same allocations, credit, instalment and plan totals (versions included), audit rows and
// events per payment — and a row the rules refuse is named by its row number, nothing written.
import type { LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BuiltApp } from '../src/app.ts';
import { TenantDb } from '../src/platform/db/tenant-db.ts';
import { conformsTo, json, login, newTenant, testApp, type Client, type TestTenant } from './harness.ts';

type Rec = Record<string, unknown> & { id: string };
type Instalment = { id: string; seq: number; number: string };
type Plan = Rec & { number: string; instalments: Instalment[] };
type Err = { error: { details: { field: string; code: string }[] } };
type Match = {
  method: string;
  allocations: Array<{ instalment_id: string; amount: number }>;
  credit: number;
};
type ImportRow = {
  row: number;
  payment_id: string | null;
  number: string | null;
  account_id: string;
  match_method: string;
  allocated: number;
  credit: number;
};

let built: BuiltApp;
let t: TestTenant;
let admin: Client;
let product: string;

const db = (): TenantDb => TenantDb.for(built.platform.db, t.tenantId);
const codes = (r: LightMyRequestResponse): string[] =>
  (r.json() as Err).error.details.map((d) => `${d.field}:${d.code}`);
const paymentCount = async (): Promise<number> =>
  Number(
    (
      await db().one(
        sql<{ n: number }>`select count(*)::int8 as n from payment where tenant_id = ${t.tenantId}`,
      )
    )?.n,
  );

async function account(name: string): Promise<string> {
  const r = await admin.post('/api/v1/objects/account', { name });
  expect(r.statusCode, r.body).toBe(201);
  return json<{ data: Rec }>(r).data.id;
}

async function order(accountId: string, amount: number): Promise<Rec & { number: string }> {
  const r = await admin.post('/api/v1/orders', {
    account_id: accountId,
    status: 'confirmed',
    lines: [{ product_id: product, quantity: 1, unit_price: amount, amount }],
  });
  expect(r.statusCode, r.body).toBe(201);
  return json<{ data: Rec & { number: string } }>(r).data;
}

async function plan(
  orderId: string,
  instalments: Array<{ due_date: string; amount: number }>,
): Promise<Plan> {
  const r = await admin.post('/api/v1/payment-plans', { order_id: orderId, instalments });
  expect(r.statusCode, r.body).toBe(201);
  return json<{ data: Plan }>(r).data;
}

async function upload(content: string, query = ''): Promise<LightMyRequestResponse> {
  const boundary = `----fw${Date.now()}`;
  return built.app.inject({
    method: 'POST',
    url: `/api/v1/payments/import${query}`,
    headers: { ...admin.headers, 'content-type': `multipart/form-data; boundary=${boundary}` },
    payload: Buffer.concat([
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="statement.csv"\r\nContent-Type: text/csv\r\n\r\n`,
      ),
      Buffer.from(content),
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]),
  });
}

/** One customer: order 1 (60,000 in three instalments) and order 2 (30,000 in two). */
async function customer(name: string): Promise<{
  id: string;
  o1: Rec & { number: string };
  p1: Plan;
  p2: Plan;
  label: Map<string, string>;
}> {
  const id = await account(name);
  const o1 = await order(id, 60_000);
  const o2 = await order(id, 30_000);
  const p1 = await plan(o1.id, [
    { due_date: '2026-01-10', amount: 10_000 },
    { due_date: '2026-02-10', amount: 20_000 },
    { due_date: '2026-03-10', amount: 30_000 },
  ]);
  const p2 = await plan(o2.id, [
    { due_date: '2026-01-20', amount: 15_000 },
    { due_date: '2026-04-20', amount: 15_000 },
  ]);
  // instalments by position, so two customers' matches compare
  const label = new Map([
    ...p1.instalments.map((i) => [i.id, `P1-${i.seq}`] as const),
    ...p2.instalments.map((i) => [i.id, `P2-${i.seq}`] as const),
  ]);
  return { id, o1, p1, p2, label };
}

/** The rows of the statement, each paying what the earlier rows left open. */
const rows = (c: { o1: { number: string }; p1: Plan }) =>
  [
    { date: '2026-05-02', amount: 20_000, reference: '货款' },
    { date: '2026-05-03', amount: 20_000, reference: '' },
    { date: '2026-05-04', amount: 5_000, reference: '' },
    { date: '2026-05-05', amount: 40_000, reference: `合同款 ${c.o1.number}` },
    { date: '2026-05-06', amount: 1_000, reference: `${c.p1.number}-1` },
    { date: '2026-05-07', amount: 14_000, reference: '' },
    { date: '2026-05-08', amount: 3_000, reference: '预付' },
  ] as const;

// What each row gets, worked out by hand from the rules (reference, exact amount, oldest first).
const expected = [
  // P1-2 is the oldest instalment with exactly 20,000 open
  ['amount', [['P1-2', 20_000]], 0],
  // no instalment has 20,000 open any more: oldest first, P1-1 (01-10) then P2-1 (01-20)
  [
    'oldest',
    [
      ['P1-1', 10_000],
      ['P2-1', 10_000],
    ],
    0,
  ],
  // P2-1 has exactly the 5,000 row 3 left open
  ['amount', [['P2-1', 5_000]], 0],
  // the order quoted has only P1-3 open now; the rest is credit, not spread over order 2
  ['reference', [['P1-3', 30_000]], 10_000],
  // the instalment quoted is paid by now, so the reference names nothing open: oldest first
  ['oldest', [['P2-2', 1_000]], 0],
  ['amount', [['P2-2', 14_000]], 0],
  // nothing is open: all credit
  ['none', [], 3_000],
];

beforeAll(async () => {
  built = await testApp();
  t = await newTenant(built);
  admin = await login(built.app, t.adminEmail);
  const p = await admin.post('/api/v1/objects/product', {
    sku: 'LIC-B',
    name: '批量许可',
    type: 'one_time',
    list_price: 100,
  });
  expect(p.statusCode, p.body).toBe(201);
  product = json<{ data: Rec }>(p).data.id;
}, 60_000);
afterAll(async () => built?.close());

describe('bank statement import in batches', () => {
  it('matches rows that share instalments in file order, exactly as one payment after another', async () => {
    const x = await customer('重庆批量回款有限公司');
    const y = await customer('重庆逐笔回款有限公司');
    const csv = `交易日期,收入金额,对方户名,摘要\n${rows(x)
      .map((r) => `${r.date},${(r.amount / 100).toFixed(2)},重庆批量回款有限公司,${r.reference}`)
      .join('\n')}\n`;

    // a dry run shows the same matches and writes nothing
    const before = await paymentCount();
    const dry = json<{ data: { dry_run: boolean; rows: ImportRow[] } }>(
      await upload(csv, '?dry_run=true'),
    ).data;
    expect(dry.dry_run).toBe(true);
    expect(await paymentCount()).toBe(before);

    const res = await upload(csv);
    const imported = conformsTo<{ data: { rows: ImportRow[] } }>(
      built.app,
      'POST',
      '/api/v1/payments/import',
      res,
      200,
    ).data.rows;
    expect(imported.map((r) => [r.row, r.account_id])).toEqual(rows(x).map((_r, k) => [k + 2, x.id]));
    expect(dry.rows.map((r) => [r.match_method, r.allocated, r.credit])).toEqual(
      imported.map((r) => [r.match_method, r.allocated, r.credit]),
    );
    // payment numbers follow the file order
    const seqs = imported.map((r) => Number(String(r.number).slice(-5)));
    expect(seqs).toEqual(seqs.map((_s, k) => (seqs[0] ?? 0) + k));

    const viewOf = async (id: string): Promise<Match & { number: string }> => {
      const p = json<{
        data: Match & { number: string; match_method: string; unallocated_amount: { amount: number } };
      }>(await admin.get(`/api/v1/payments/${id}`)).data;
      return {
        method: p.match_method,
        allocations: p.allocations,
        credit: p.unallocated_amount.amount,
        number: p.number,
      };
    };
    const labelled = (m: Match, label: Map<string, string>) => [
      m.method,
      m.allocations.map((a) => [label.get(a.instalment_id), a.amount]),
      m.credit,
    ];
    const fromImport = [];
    for (const r of imported) fromImport.push(labelled(await viewOf(String(r.payment_id)), x.label));
    expect(fromImport).toEqual(expected);

    // the same rows for the twin customer, recorded one at a time
    const oneByOne = [];
    for (const r of rows(y)) {
      const p = await admin.post('/api/v1/payments', {
        account_id: y.id,
        amount: r.amount,
        received_date: r.date,
        ...(r.reference ? { bank_reference: r.reference } : {}),
      });
      expect(p.statusCode, p.body).toBe(201);
      oneByOne.push(labelled(json<{ data: { match: Match } }>(p).data.match, y.label));
    }
    expect(oneByOne).toEqual(expected);

    // instalments and plans end the same — paid amounts, statuses and versions (one write each time)
    const state = async (c: { p1: Plan; p2: Plan }) =>
      db().query(sql<{ plan: string; seq: number | null; paid: number; status: string; version: number }>`
        select case when i.plan_id = ${c.p1.id} then 'P1' else 'P2' end as plan, i.seq, i.paid_amount as paid, i.status, i.version
          from payment_instalment i where i.tenant_id = ${t.tenantId} and i.plan_id in (${c.p1.id}, ${c.p2.id})
        union all
        select case when p.id = ${c.p1.id} then 'P1' else 'P2' end, null, p.paid_amount, p.status, p.version
          from payment_plan p where p.tenant_id = ${t.tenantId} and p.id in (${c.p1.id}, ${c.p2.id})
        order by 1, 2 nulls first`);
    const sx = await state(x);
    expect(sx).toEqual(await state(y));
    expect(sx.filter((s) => s.seq === null).map((s) => [s.plan, s.paid, s.status])).toEqual([
      ['P1', 60_000, 'paid'],
      ['P2', 30_000, 'paid'],
    ]);

    // credit ledger, audit rows and events per payment: the same for both customers
    const trail = async (accountId: string) =>
      db().one(sql<{ credit: number; ledger: number; audits: string; events: string }>`
        with pay as (select id, unallocated_amount from payment where tenant_id = ${t.tenantId} and account_id = ${accountId})
        select (select sum(unallocated_amount) from pay)::int8 as credit,
          (select sum(amount) from customer_credit where tenant_id = ${t.tenantId} and account_id = ${accountId})::int8 as ledger,
          (select string_agg(a.action || ':' || (select string_agg(k, ',' order by k) from jsonb_object_keys(a.changes) k), ' ' order by a.action)
             from audit_log a where a.tenant_id = ${t.tenantId} and a.record_id in (select id from pay) and a.action = 'update') as audits,
          (select string_agg(e.type, ' ' order by e.type) from outbox_event e
             where e.tenant_id = ${t.tenantId} and e.record_id in (select id from pay)) as events`);
    const tx = await trail(x.id);
    expect(tx).toEqual(await trail(y.id));
    expect(tx?.credit).toBe(13_000);
    expect(tx?.ledger).toBe(13_000);
    expect(tx?.audits).toBe(Array(7).fill('update:matched').join(' '));
    expect(tx?.events).toBe(
      [...Array(7).fill('payment.created'), ...Array(7).fill('payment.matched')].join(' '),
    );
    const created = await db().one(sql<{ n: number }>`select count(*)::int8 as n from audit_log
      where tenant_id = ${t.tenantId} and action = 'create' and object = 'payment'
        and record_id = any(${imported.map((r) => String(r.payment_id))}::uuid[])`);
    expect(created?.n).toBe(7);
  });

  it('names the first row the rules refuse by its row number and writes nothing', async () => {
    const z = await customer('重庆取消订单有限公司');
    const cancelled = await order(z.id, 8_000);
    await plan(cancelled.id, [{ due_date: '2026-01-05', amount: 8_000 }]);
    const c = await admin.post(`/api/v1/orders/${cancelled.id}/cancel`, { reason: '客户取消' });
    expect(c.statusCode, c.body).toBe(200);
    const before = await paymentCount();
    const bad = await upload(
      `date,amount,payer,reference\n` +
        `2026-05-02,200.00,重庆取消订单有限公司,货款\n` +
        `2026-05-03,80.00,重庆取消订单有限公司,付 ${cancelled.number}\n` +
        `2026-05-04,80.00,重庆取消订单有限公司,再付 ${cancelled.number}\n`,
    );
    expect(bad.statusCode).toBe(422);
    // rows are recorded one after the other: the first refusal ends the file
    expect(codes(bad)).toEqual(['rows[3].bank_reference:order_cancelled']);
    expect(await paymentCount()).toBe(before);
    const paid = await db().one(sql<{ paid: number }>`select coalesce(sum(paid_amount), 0)::int8 as paid
      from payment_instalment where tenant_id = ${t.tenantId} and plan_id in (${z.p1.id}, ${z.p2.id})`);
    expect(paid?.paid).toBe(0);
  });
});
