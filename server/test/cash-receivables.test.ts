// Receivables (DOMAIN.md §4, issue 6): payment plans whose instalments add up to the order or
// contract, payments matched by reference / exact amount / oldest first or split by hand, credit
// and refunds, cancelled orders refused, invoices issued / voided / reversed (红字) and reconciled,
// AR aging and the overdue/reminder job at an as-of date, bank statement import, record scope.
import type { LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
type Money = { amount: number; currency: string };
type Err = { error: { code: string; key: string; details: { field: string; code: string }[] } };
type Instalment = {
  id: string;
  seq: number;
  number: string;
  amount: number;
  paid_amount: number;
  status: string;
};
type Plan = Rec & {
  number: string;
  status: string;
  amount: Money;
  paid_amount: Money;
  instalments: Instalment[];
};
type Payment = Rec & {
  number: string;
  status: string;
  unallocated_amount: Money;
  refunded_amount: Money;
  allocations: Array<{ instalment_id: string; amount: number }>;
  credit_balance: Money[];
  match?: { method: string; allocations: Array<{ instalment_id: string; amount: number }>; credit: number };
};
type Invoice = Rec & {
  number: string;
  status: string;
  type: string;
  invoice_no: string | null;
  amount: Money;
  tax_amount: Money;
  amount_excl_tax: Money;
  original_invoice_id: string | null;
};

let built: BuiltApp;
let t: TestTenant;
let admin: Client;
let repA: Client;
let repB: Client;
let accountA: string;
let accountB: string;
let product: string;

const codes = (r: LightMyRequestResponse): string[] =>
  (r.json() as Err).error.details.map((d) => `${d.field}:${d.code}`).sort();
const conforms = <T>(method: string, route: string, res: LightMyRequestResponse, status: number): T =>
  conformsTo<T>(built.app, method, route, res, status);
const db = (): TenantDb => TenantDb.for(built.platform.db, t.tenantId);
const count = async (table: 'payment' | 'payment_plan' | 'payment_allocation' | 'invoice'): Promise<number> =>
  Number(
    (
      await db().one(
        sql<{
          n: number;
        }>`select count(*)::int8 as n from ${sql.table(table)} where tenant_id = ${t.tenantId}`,
      )
    )?.n,
  );

async function account(c: Client, name: string): Promise<string> {
  const r = await c.post('/api/v1/objects/account', { name });
  expect(r.statusCode, r.body).toBe(201);
  return json<{ data: Rec }>(r).data.id;
}

/** A confirmed order of one one-time line. */
async function order(c: Client, accountId: string, amount: number): Promise<Rec & { number: string }> {
  const r = await c.post('/api/v1/orders', {
    account_id: accountId,
    status: 'confirmed',
    lines: [{ product_id: product, quantity: 1, unit_price: amount, amount }],
  });
  expect(r.statusCode, r.body).toBe(201);
  return json<{ data: Rec & { number: string } }>(r).data;
}

async function plan(c: Client, body: Record<string, unknown>): Promise<Plan> {
  const r = await c.post('/api/v1/payment-plans', body);
  return conforms<{ data: Plan }>('POST', '/api/v1/payment-plans', r, 201).data;
}

async function pay(c: Client, body: Record<string, unknown>): Promise<Payment> {
  const r = await c.post('/api/v1/payments', body);
  return conforms<{ data: Payment }>('POST', '/api/v1/payments', r, 201).data;
}

async function getPlan(c: Client, id: string): Promise<Plan> {
  return json<{ data: Plan }>(await c.get(`/api/v1/payment-plans/${id}`)).data;
}

beforeAll(async () => {
  built = await testApp();
  t = await newTenant(built);
  admin = await login(built.app, t.adminEmail);
  repA = await userWithRole(admin, 'sales_rep');
  repB = await userWithRole(admin, 'sales_rep');
  accountA = await account(repA, '杭州回款科技有限公司');
  accountB = await account(repB, '南京乙方信息有限公司');
  const p = await admin.post('/api/v1/objects/product', {
    sku: 'LIC-1',
    name: '永久许可',
    type: 'one_time',
    list_price: 100,
  });
  expect(p.statusCode, p.body).toBe(201);
  product = json<{ data: Rec }>(p).data.id;
}, 60_000);
afterAll(async () => built?.close());

describe('payment plans', () => {
  it('refuses instalments that do not add up to the order amount, naming instalments; nothing written', async () => {
    const o = await order(repA, accountA, 100_000);
    const before = await count('payment_plan');
    const r = await repA.post('/api/v1/payment-plans', {
      order_id: o.id,
      instalments: [
        { due_date: '2026-01-10', amount: 30_000 },
        { due_date: '2026-02-10', amount: 60_000 },
      ],
    });
    expect(conforms<Err>('POST', '/api/v1/payment-plans', r, 422).error.details.map((d) => d.field)).toEqual([
      'instalments',
    ]);
    expect(codes(r)).toEqual(['instalments:sum_mismatch']);
    const bad = await repA.post('/api/v1/payment-plans', {
      order_id: o.id,
      instalments: [
        { due_date: '2026-02-10', amount: 50_000 },
        { due_date: '2026-01-10', amount: 50_000 },
      ],
    });
    expect(codes(bad)).toEqual(['instalments[1].due_date:not_ascending']);
    const both = await repA.post('/api/v1/payment-plans', {
      instalments: [{ due_date: '2026-02-10', amount: 100_000 }],
    });
    expect(codes(both)).toEqual(['contract_id:one_source']);
    expect(await count('payment_plan')).toBe(before);
  });

  it('creates a plan by percent with exact amounts (largest remainder), one per order', async () => {
    const o = await order(repA, accountA, 100_001);
    const p = await plan(repA, {
      order_id: o.id,
      instalments: [
        { due_date: '2026-01-10', percent: 33.3333 },
        { due_date: '2026-02-10', percent: 33.3333 },
        { due_date: '2026-03-10', percent: 33.3334 },
      ],
    });
    expect(p.instalments.map((i) => i.amount)).toEqual([33_334, 33_333, 33_334]);
    expect(p.amount).toEqual({ amount: 100_001, currency: 'CNY' });
    expect(p.account_id).toBe(accountA);
    expect(p.owner_id).toBe(repA.userId);
    expect(p.number).toMatch(/^PP-\d{4}-\d{5}$/);
    const again = await repA.post('/api/v1/payment-plans', {
      order_id: o.id,
      instalments: [{ due_date: '2026-01-10', amount: 100_001 }],
    });
    expect(codes(again)).toEqual(['order_id:plan_exists']);
    // replaced while nothing is paid
    const put = await repA.put(`/api/v1/payment-plans/${p.id}/instalments`, {
      instalments: [
        { due_date: '2026-01-15', amount: 1 },
        { due_date: '2026-05-15', amount: 100_000 },
      ],
    });
    const replaced = conforms<{ data: Plan }>('PUT', '/api/v1/payment-plans/:id/instalments', put, 200).data;
    expect(replaced.instalments.map((i) => [i.seq, i.amount])).toEqual([
      [1, 1],
      [2, 100_000],
    ]);
    // the generic API cannot create plans around the instalment rules
    const generic = await repA.post('/api/v1/objects/payment_plan', { account_id: accountA });
    expect(generic.statusCode).toBe(422);
  });
});

describe('payments', () => {
  let p: Plan;
  let o: Rec & { number: string };
  beforeAll(async () => {
    o = await order(repA, accountA, 100_000);
    p = await plan(repA, {
      order_id: o.id,
      instalments: [
        { due_date: '2026-01-10', amount: 30_000 },
        { due_date: '2026-02-10', amount: 30_000 },
        { due_date: '2026-03-10', amount: 40_000 },
      ],
    });
  });
  const inst = (seq: number): Instalment => {
    const i = p.instalments.find((x) => x.seq === seq);
    if (!i) throw new Error(`no instalment ${seq}`);
    return i;
  };

  it('matches by the instalment number quoted in the bank reference', async () => {
    const r = await pay(repA, {
      account_id: accountA,
      amount: 30_000,
      received_date: '2026-01-05',
      bank_reference: `货款 ${inst(2).number} 谢谢`,
    });
    expect(r.match?.method).toBe('reference');
    expect(r.allocations.map((a) => [a.instalment_id, a.amount])).toEqual([[inst(2).id, 30_000]]);
    expect(r.status).toBe('matched');
    const after = await getPlan(repA, p.id);
    expect(after.instalments.map((i) => i.paid_amount)).toEqual([0, 30_000, 0]);
    expect(after.instalments[1]?.status).toBe('paid');
    expect(after.paid_amount.amount).toBe(30_000);
    // nothing is paid … except instalment 2: the plan can no longer be re-planned
    const put = await repA.put(`/api/v1/payment-plans/${p.id}/instalments`, {
      instalments: [{ due_date: '2026-05-15', amount: 100_000 }],
    });
    expect(put.statusCode).toBe(409);
    expect((put.json() as Err).error.key).toBe('plan_has_payments');
  });

  it('matches by exact amount (oldest such instalment), then oldest first', async () => {
    const byAmount = await pay(repA, { account_id: accountA, amount: 40_000, received_date: '2026-01-06' });
    expect(byAmount.match?.method).toBe('amount');
    expect(byAmount.allocations.map((a) => a.instalment_id)).toEqual([inst(3).id]);
    const oldest = await pay(repA, { account_id: accountA, amount: 10_000, received_date: '2026-01-07' });
    expect(oldest.match?.method).toBe('oldest');
    // the account's oldest open instalment, across plans (the other plan's first is due 2026-01-15)
    expect(oldest.allocations.map((a) => [a.instalment_id, a.amount])).toEqual([[inst(1).id, 10_000]]);
    expect(oldest.status).toBe('matched');
  });

  it('takes an over-payment quoting an order as credit; refund only up to the credit', async () => {
    const r = await pay(repA, {
      account_id: accountA,
      amount: 50_000,
      received_date: '2026-01-08',
      bank_reference: `${o.number}`,
    });
    expect(r.match?.method).toBe('reference');
    const allocated = r.allocations.reduce((a, x) => a + x.amount, 0);
    expect(allocated).toBe(20_000); // what instalment 1 of the order's plan still had open
    expect(r.unallocated_amount.amount).toBe(30_000);
    expect(r.status).toBe('partially_matched');
    const credit = r.credit_balance.find((c) => c.currency === 'CNY')?.amount ?? 0;
    const view = conforms<{ data: { credit: Money[] } }>(
      'GET',
      '/api/v1/accounts/:id/receivables',
      await repA.get(`/api/v1/accounts/${accountA}/receivables`),
      200,
    ).data;
    expect(view.credit.find((c) => c.currency === 'CNY')?.amount).toBe(credit);

    const tooMuch = await repA.post(`/api/v1/payments/${r.id}/refund`, { amount: 30_001 });
    expect(codes(tooMuch)).toEqual(['amount:too_large']);
    const refund = conforms<{ data: Payment }>(
      'POST',
      '/api/v1/payments/:id/refund',
      await repA.post(`/api/v1/payments/${r.id}/refund`, { amount: 30_000, reason: '多付退回' }),
      200,
    ).data;
    expect(refund.refunded_amount.amount).toBe(30_000);
    expect(refund.unallocated_amount.amount).toBe(0);
    expect(refund.status).toBe('matched');
    expect(refund.credit_balance.find((c) => c.currency === 'CNY')?.amount ?? 0).toBe(credit - 30_000);
    // release the allocation, then refund the rest: the payment is refunded in full
    const released = conforms<{ data: Payment }>(
      'POST',
      '/api/v1/payments/:id/allocate',
      await repA.post(`/api/v1/payments/${r.id}/allocate`, { allocations: [] }),
      200,
    ).data;
    expect(released.unallocated_amount.amount).toBe(20_000);
    expect(released.status).toBe('unmatched');
    const all = json<{ data: Payment }>(
      await repA.post(`/api/v1/payments/${r.id}/refund`, { amount: 20_000 }),
    ).data;
    expect(all.status).toBe('refunded');
    expect((await getPlan(repA, p.id)).instalments[0]?.paid_amount).toBe(10_000);
    // the ledger always equals the payments' unallocated money
    const sums = await db().one(sql<{ ledger: number; unallocated: number }>`select
        (select coalesce(sum(amount), 0) from customer_credit where tenant_id = ${t.tenantId})::int8 as ledger,
        (select coalesce(sum(unallocated_amount), 0) from payment where tenant_id = ${t.tenantId})::int8 as unallocated`);
    expect(sums?.ledger).toBe(sums?.unallocated);
  });

  it('splits by hand within open amounts; the rest is credit; over-allocation refused, nothing written', async () => {
    const before = await count('payment');
    const over = await repA.post('/api/v1/payments', {
      account_id: accountA,
      amount: 50_000,
      allocations: [{ instalment_id: inst(1).id, amount: 20_001 }],
    });
    expect(codes(over)).toEqual(['allocations[0].amount:too_large']);
    const sum = await repA.post('/api/v1/payments', {
      account_id: accountA,
      amount: 10_000,
      allocations: [
        { instalment_id: inst(1).id, amount: 6_000 },
        { instalment_id: inst(1).id, amount: 6_000 },
      ],
    });
    expect(codes(sum)).toEqual(['allocations[1].instalment_id:not_unique']);
    expect(await count('payment')).toBe(before);
    const split = await pay(repA, {
      account_id: accountA,
      amount: 25_000,
      allocations: [{ instalment_id: inst(1).id, amount: 15_000 }],
    });
    expect(split.match?.method).toBe('manual');
    expect(split.unallocated_amount.amount).toBe(10_000);
    expect((await getPlan(repA, p.id)).instalments[0]).toMatchObject({ paid_amount: 25_000 });
  });

  it('never over-allocates an instalment under concurrent payments', async () => {
    const open = (await getPlan(repA, p.id)).instalments[0];
    const left = (open?.amount ?? 0) - (open?.paid_amount ?? 0);
    expect(left).toBe(5_000);
    const tries = await Promise.all(
      [1, 2, 3].map(() =>
        repA.post('/api/v1/payments', {
          account_id: accountA,
          amount: left,
          allocations: [{ instalment_id: inst(1).id, amount: left }],
        }),
      ),
    );
    expect(tries.map((r) => r.statusCode).sort()).toEqual([201, 422, 422]);
    expect((await getPlan(repA, p.id)).instalments[0]?.paid_amount).toBe(30_000);
    expect((await getPlan(repA, p.id)).status).toBe('paid');
  });

  it('refuses money for a cancelled order (by order, reference or split); nothing written', async () => {
    const c = await order(repA, accountA, 8_000);
    const cp = await plan(repA, { order_id: c.id, instalments: [{ due_date: '2026-06-01', amount: 8_000 }] });
    const cancel = await repA.post(`/api/v1/orders/${c.id}/cancel`, { reason: '客户取消' });
    expect(cancel.statusCode, cancel.body).toBe(200);
    const before = await count('payment');
    const byOrder = await repA.post('/api/v1/payments', {
      account_id: accountA,
      amount: 8_000,
      order_id: c.id,
    });
    expect(codes(byOrder)).toEqual(['order_id:order_cancelled']);
    const byRef = await repA.post('/api/v1/payments', {
      account_id: accountA,
      amount: 8_000,
      bank_reference: `付 ${c.number}`,
    });
    expect(codes(byRef)).toEqual(['bank_reference:order_cancelled']);
    const bySplit = await repA.post('/api/v1/payments', {
      account_id: accountA,
      amount: 8_000,
      allocations: [{ instalment_id: cp.instalments[0]?.id, amount: 8_000 }],
    });
    expect(codes(bySplit)).toEqual(['allocations[0].instalment_id:order_cancelled']);
    const newPlan = await repA.post('/api/v1/payment-plans', {
      order_id: c.id,
      instalments: [{ due_date: '2026-06-01', amount: 8_000 }],
    });
    expect(codes(newPlan)).toEqual(['order_id:order_cancelled']);
    expect(await count('payment')).toBe(before);
    // the plan follows its order (event subscriber)
    await built.platform.events.drain(t.tenantId);
    expect((await getPlan(repA, cp.id)).status).toBe('cancelled');
    // automatic matching passes the cancelled order's instalment by
    const auto = await pay(repA, { account_id: accountA, amount: 8_000, received_date: '2026-06-01' });
    expect(auto.allocations.map((a) => a.instalment_id)).not.toContain(cp.instalments[0]?.id);
  });
});

describe('invoices', () => {
  let o: Rec & { number: string };
  let payment: Payment;
  beforeAll(async () => {
    const acc = await account(repA, '上海开票测试有限公司');
    o = await order(repA, acc, 106_000);
    await plan(repA, { order_id: o.id, instalments: [{ due_date: '2026-02-01', amount: 106_000 }] });
    payment = await pay(repA, { account_id: acc, amount: 106_000, bank_reference: o.number });
  });
  async function apply(amount: number): Promise<Invoice> {
    const r = await repA.post('/api/v1/invoices', { order_id: o.id, amount, tax_rate: 6 });
    return conforms<{ data: Invoice }>('POST', '/api/v1/invoices', r, 201).data;
  }
  async function act(id: string, action: string, body: unknown = {}): Promise<LightMyRequestResponse> {
    return repA.post(`/api/v1/invoices/${id}/${action}`, body);
  }

  it('applies within the order amount (tax taken out of the tax-included amount) and issues', async () => {
    const tooMuch = await repA.post('/api/v1/invoices', { order_id: o.id, amount: 106_001 });
    expect(codes(tooMuch)).toEqual(['amount:too_large']);
    const inv = await apply(53_000);
    expect(inv.status).toBe('applied');
    expect(inv.tax_amount.amount).toBe(3_000);
    expect(inv.amount_excl_tax.amount).toBe(50_000);
    const issued = conforms<{ data: Invoice }>(
      'POST',
      '/api/v1/invoices/:id/issue',
      await act(inv.id, 'issue', { issue_date: '2026-02-02' }),
      200,
    ).data;
    expect(issued.status).toBe('issued');
    expect(issued.invoice_no).toMatch(/^2026\d{16}$/);
    expect(issued.issue_date).toBe('2026-02-02');
    const twice = await act(inv.id, 'issue');
    expect(twice.statusCode).toBe(409);
  });

  it('voids an unreconciled invoice; refuses to void a reconciled one; reverses it with a red-letter invoice', async () => {
    const a = await apply(10_600);
    const voided = conforms<{ data: Invoice }>(
      'POST',
      '/api/v1/invoices/:id/void',
      await act(a.id, 'void', { reason: '抬头错误' }),
      200,
    ).data;
    expect(voided.status).toBe('voided');

    const b = await apply(21_200);
    await act(b.id, 'issue', { invoice_no: '12345678' });
    const dupNo = await act((await apply(1_000)).id, 'issue', { invoice_no: '12345678' });
    expect(codes(dupNo)).toEqual(['invoice_no:not_unique']);
    const over = await act(b.id, 'reconcile', { payment_id: payment.id, amount: 21_201 });
    expect(codes(over)).toEqual(['amount:too_large']);
    const rec = conforms<{ data: Invoice & { reconciliations: Array<{ amount: number }> } }>(
      'POST',
      '/api/v1/invoices/:id/reconcile',
      await act(b.id, 'reconcile', { payment_id: payment.id, amount: 21_200 }),
      200,
    ).data;
    expect(rec.reconciliations.map((x) => x.amount)).toEqual([21_200]);
    const refused = await act(b.id, 'void');
    expect(refused.statusCode).toBe(409);
    expect((refused.json() as Err).error.key).toBe('invoice_reconciled');

    const credit = conforms<{ data: Invoice }>(
      'POST',
      '/api/v1/invoices/:id/credit',
      await act(b.id, 'credit', {}),
      200,
    ).data;
    expect(credit.type).toBe('credit');
    expect(credit.status).toBe('issued');
    expect(credit.original_invoice_id).toBe(b.id);
    expect(credit.amount.amount).toBe(-21_200);
    expect(credit.tax_amount.amount).toBe(-1_200);
    const original = json<{ data: Invoice }>(await repA.get(`/api/v1/invoices/${b.id}`)).data;
    expect(original.status).toBe('reversed');
    expect((await act(b.id, 'credit')).statusCode).toBe(409);
    // a posted invoice leaves the books only through a credit note, not the recycle bin
    expect((await admin.delete(`/api/v1/objects/invoice/${credit.id}`)).statusCode).toBe(409);
  });
});

describe('partial red-letter invoices', () => {
  it('credits an issued invoice in parts up to its amount, naming what is left when asked for more', async () => {
    const acc = await account(repA, '苏州部分红冲有限公司');
    const o = await order(repA, acc, 10_600);
    const applyFor = (amount: number) =>
      repA.post('/api/v1/invoices', { order_id: o.id, amount, tax_rate: 6 });
    const act = (id: string, action: string, body: unknown = {}, lang?: string) =>
      repA.post(`/api/v1/invoices/${id}/${action}`, body, lang ? { 'accept-language': lang } : {});
    const inv = json<{ data: Invoice }>(await applyFor(10_600)).data;
    expect((await act(inv.id, 'issue')).statusCode).toBe(200);

    const first = conforms<{ data: Invoice }>(
      'POST',
      '/api/v1/invoices/:id/credit',
      await act(inv.id, 'credit', { amount: 3_000 }),
      200,
    ).data;
    // 3,000 × 6 / 106 = 169.81 → 170
    expect([first.type, first.status, first.original_invoice_id]).toEqual(['credit', 'issued', inv.id]);
    expect([first.amount.amount, first.tax_amount.amount, first.amount_excl_tax.amount]).toEqual([
      -3_000, -170, -2_830,
    ]);
    expect(json<{ data: Invoice }>(await repA.get(`/api/v1/invoices/${inv.id}`)).data.status).toBe('issued');

    // what was credited may be invoiced again, no more
    expect(codes(await applyFor(3_001))).toEqual(['amount:too_large']);
    expect((await applyFor(3_000)).statusCode).toBe(201);
    // a credited invoice is not voided, and takes payments only up to what is left of it
    const voided = await act(inv.id, 'void');
    expect([voided.statusCode, (voided.json() as Err).error.key]).toEqual([409, 'invoice_credited']);
    const p = await pay(repA, { account_id: acc, amount: 10_600 });
    expect(codes(await act(inv.id, 'reconcile', { payment_id: p.id, amount: 7_601 }))).toEqual([
      'amount:too_large',
    ]);

    for (const [lang, text] of [
      ['en-US', 'at most 7600'],
      ['zh-CN', '最多还可冲红 7600'],
    ] as const) {
      const over = await act(inv.id, 'credit', { amount: 7_601 }, lang);
      expect(over.statusCode).toBe(422);
      const d = (over.json() as { error: { details: Array<{ field: string; code: string; issue: string }> } })
        .error.details;
      expect(d.map((x) => [x.field, x.code])).toEqual([['amount', 'credit_exceeds_invoice']]);
      expect(d[0]?.issue).toContain(text);
    }
    const before = await count('invoice');
    expect((await act(inv.id, 'credit', { amount: 0 })).statusCode).toBe(422);
    expect(await count('invoice')).toBe(before);

    // the rest by default: the notes reverse the amount and the tax exactly
    const rest = json<{ data: Invoice }>(await act(inv.id, 'credit')).data;
    expect([rest.amount.amount, rest.tax_amount.amount]).toEqual([-7_600, -430]);
    expect(json<{ data: Invoice }>(await repA.get(`/api/v1/invoices/${inv.id}`)).data.status).toBe(
      'reversed',
    );
    expect((await act(inv.id, 'credit', { amount: 1 })).statusCode).toBe(409);
    const events = await db().query(sql<{ type: string }>`select type from outbox_event
      where tenant_id = ${t.tenantId} and record_id = ${inv.id} and type in ('invoice.issued', 'invoice.credited', 'invoice.reversed') order by seq`);
    expect(events.map((e) => e.type)).toEqual([
      'invoice.issued',
      'invoice.credited',
      'invoice.credited',
      'invoice.reversed',
    ]);
  });
});

describe('record scope', () => {
  it("a rep sees only own accounts' receivables and cannot pay into another's account", async () => {
    const o = await order(repB, accountB, 5_000);
    const bp = await plan(repB, { order_id: o.id, instalments: [{ due_date: '2026-03-01', amount: 5_000 }] });
    expect((await repA.get(`/api/v1/accounts/${accountB}/receivables`)).statusCode).toBe(404);
    expect((await repA.get(`/api/v1/payment-plans/${bp.id}`)).statusCode).toBe(404);
    const into = await repA.post('/api/v1/payments', { account_id: accountB, amount: 5_000 });
    expect(codes(into)).toEqual(['account_id:invalid_reference']);
    const planFor = await repA.post('/api/v1/payment-plans', {
      order_id: o.id,
      instalments: [{ due_date: '2026-03-01', amount: 5_000 }],
    });
    expect(codes(planFor)).toEqual(['order_id:invalid_reference']);
    const mine = conforms<{ data: { plans: Plan[] } }>(
      'GET',
      '/api/v1/accounts/:id/receivables',
      await repB.get(`/api/v1/accounts/${accountB}/receivables`),
      200,
    ).data;
    expect(mine.plans.map((p) => p.id)).toEqual([bp.id]);
    const agingA = json<{ data: { rows: Array<{ group_id: string }> } }>(
      await repA.get('/api/v1/receivables/aging?as_of=2026-04-01'),
    ).data;
    expect(agingA.rows.map((r) => r.group_id)).not.toContain(accountB);
    const agingAdmin = json<{ data: { rows: Array<{ group_id: string }> } }>(
      await admin.get('/api/v1/receivables/aging?as_of=2026-04-01'),
    ).data;
    expect(agingAdmin.rows.map((r) => r.group_id)).toContain(accountB);
  });
});

describe('aging and the receivables job at an as-of date', () => {
  let acc: string;
  let p: Plan;
  beforeAll(async () => {
    acc = await account(repA, '成都账龄测试有限公司');
    const o = await order(repA, acc, 100_000);
    p = await plan(repA, {
      order_id: o.id,
      instalments: [
        { due_date: '2026-01-10', amount: 30_000 },
        { due_date: '2026-02-20', amount: 20_000 },
        { due_date: '2026-04-01', amount: 50_000 },
      ],
    });
    await pay(repA, {
      account_id: acc,
      amount: 30_000,
      received_date: '2026-03-05',
      bank_reference: p.instalments[0]?.number,
    });
  });
  type AgingBody = { data: { rows: Array<Record<string, number | string | null>>; totals: unknown[] } };
  const agingOf = async (c: Client, q: string): Promise<AgingBody['data']> =>
    conforms<AgingBody>(
      'GET',
      '/api/v1/receivables/aging',
      await c.get(`/api/v1/receivables/aging?${q}`),
      200,
    ).data;

  it('buckets open amounts by days past due; due today is current; later payments do not count', async () => {
    const early = await agingOf(repA, 'as_of=2026-03-01&group_by=account');
    expect(early.rows.find((r) => r.group_id === acc)).toMatchObject({
      group_name: '成都账龄测试有限公司',
      currency: 'CNY',
      current: 50_000,
      d1_30: 20_000, // 9 days past due
      d31_60: 30_000, // 50 days: the payment came on 03-05, after this date
      d61_90: 0,
      d91_plus: 0,
      total: 100_000,
      overdue: 50_000,
    });
    const later = await agingOf(repA, 'as_of=2026-04-01');
    expect(later.rows.find((r) => r.group_id === acc)).toMatchObject({
      current: 50_000, // due on 04-01 itself
      d31_60: 20_000, // 40 days
      d1_30: 0,
      total: 70_000,
    });
    const byOwner = await agingOf(repA, 'as_of=2026-04-02&group_by=owner');
    expect(byOwner.rows.map((r) => r.group_id)).toEqual([repA.userId]);
    const bad = await repA.get('/api/v1/receivables/aging?as_of=2026-02-30');
    expect(codes(bad)).toEqual(['as_of:invalid_date']);
  });

  it('puts 0/1/30/31/60/61/90/91 days past due in the right bucket, per currency, for every scope', async () => {
    const edge = await account(repA, '厦门账龄边界有限公司');
    // one instalment per boundary, amounts in powers of two so each bucket's sum names its members
    const due = [
      ['2026-03-31', 100], // 91 days before 06-30
      ['2026-04-01', 200], // 90 (paid in full before the date: drops out)
      ['2026-04-30', 400], // 61 (paid after the date: still open)
      ['2026-05-01', 800], // 60
      ['2026-05-30', 1_600], // 31
      ['2026-05-31', 3_200], // 30
      ['2026-06-29', 6_400], // 1
      ['2026-06-30', 12_800], // 0: due on the date is current
      ['2026-07-01', 25_600], // not yet due
    ] as const;
    const cny = await plan(repA, {
      order_id: (await order(repA, edge, 51_100)).id,
      instalments: due.map(([d, a]) => ({ due_date: d, amount: a })),
    });
    const ref = (k: number): string | undefined => cny.instalments[k]?.number;
    await pay(repA, { account_id: edge, amount: 50, received_date: '2026-04-15', bank_reference: ref(0) });
    await pay(repA, { account_id: edge, amount: 200, received_date: '2026-05-01', bank_reference: ref(1) });
    await pay(repA, { account_id: edge, amount: 400, received_date: '2026-07-05', bank_reference: ref(2) });
    const usdOrder = await repA.post('/api/v1/orders', {
      account_id: edge,
      status: 'confirmed',
      currency: 'USD',
      lines: [{ product_id: product, quantity: 1, unit_price: 7_000, amount: 7_000 }],
    });
    expect(usdOrder.statusCode, usdOrder.body).toBe(201);
    await plan(repA, {
      order_id: json<{ data: Rec }>(usdOrder).data.id,
      instalments: [{ due_date: '2026-06-01', amount: 7_000 }],
    });
    const gone = await order(repA, edge, 9_999);
    await plan(repA, { order_id: gone.id, instalments: [{ due_date: '2026-01-01', amount: 9_999 }] });
    expect((await repA.post(`/api/v1/orders/${gone.id}/cancel`, { reason: '客户取消' })).statusCode).toBe(
      200,
    );

    const expected = [
      {
        group_id: edge,
        group_name: '厦门账龄边界有限公司',
        currency: 'CNY',
        current: 12_800 + 25_600,
        d1_30: 6_400 + 3_200,
        d31_60: 1_600 + 800,
        d61_90: 400,
        d91_plus: 50,
        total: 50_850,
        overdue: 12_450,
      },
      {
        group_id: edge,
        group_name: '厦门账龄边界有限公司',
        currency: 'USD',
        current: 0,
        d1_30: 7_000,
        d31_60: 0,
        d61_90: 0,
        d91_plus: 0,
        total: 7_000,
        overdue: 7_000,
      },
    ];
    // the rep's own-records scope and the admin's whole-tenant read take different paths in SQL
    for (const c of [repA, admin]) {
      const r = await agingOf(c, 'as_of=2026-06-30');
      expect(r.rows.filter((x) => x.group_id === edge)).toEqual(expected);
      const totals = r.totals as Array<Record<string, number | string>>;
      for (const cur of ['CNY', 'USD'])
        expect(totals.find((x) => x.currency === cur)?.total).toBe(
          r.rows.filter((x) => x.currency === cur).reduce((s, x) => s + Number(x.total), 0),
        );
    }
  });

  it('marks overdue and reminds the owner before and after the due date, once each', async () => {
    const run = async (asOf: string): Promise<Record<string, number>> => {
      const r = await admin.post('/api/v1/admin/jobs/cash.receivables/run', { as_of: asOf });
      expect(r.statusCode, r.body).toBe(200);
      const body = json<{ data: { status: string; result: Record<string, number> } }>(r).data;
      expect(body.status).toBe('succeeded');
      return body.result;
    };
    const stored = async (): Promise<
      Array<{ seq: number; status: string; before: boolean; after: number | null }>
    > =>
      db().query(sql<{ seq: number; status: string; before: boolean; after: number | null }>`
        select seq, status, reminded_before_at is not null as before, reminded_after_days as after
        from payment_instalment where tenant_id = ${t.tenantId} and plan_id = ${p.id} order by seq`);
    const first = await run('2026-03-29');
    expect(first.reminders_before).toBeGreaterThanOrEqual(1);
    expect(await stored()).toEqual([
      { seq: 1, status: 'paid', before: false, after: null },
      { seq: 2, status: 'overdue', before: false, after: 7 },
      { seq: 3, status: 'planned', before: true, after: null },
    ]);
    const notes = json<{ data: Array<{ kind: string; body: string | null }> }>(
      await repA.get('/api/v1/notifications'),
    ).data;
    expect(notes.map((n) => n.kind)).toEqual(
      expect.arrayContaining(['payment_plan.due_soon', 'payment_plan.overdue']),
    );
    expect(notes.find((n) => n.kind === 'payment_plan.due_soon')?.body).toContain(`${p.number}-3`);
    const again = await run('2026-03-29');
    expect([again.reminders_before, again.reminders_after, again.statuses_changed]).toEqual([0, 0, 0]);
    await run('2026-04-02');
    expect((await stored())[2]).toEqual({ seq: 3, status: 'overdue', before: true, after: 1 });
  });
});

describe('bank statement import', () => {
  async function upload(
    c: Client,
    name: string,
    content: string,
    query = '',
  ): Promise<LightMyRequestResponse> {
    const boundary = `----fw${Date.now()}`;
    const payload = Buffer.concat([
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: text/csv\r\n\r\n`,
      ),
      Buffer.from(content),
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    return built.app.inject({
      method: 'POST',
      url: `/api/v1/payments/import${query}`,
      headers: { ...c.headers, 'content-type': `multipart/form-data; boundary=${boundary}` },
      payload,
    });
  }

  it('names bad rows by row number and writes nothing; a good file matches every row in one go', async () => {
    const acc = await account(repA, '武汉导入测试有限公司');
    const o = await order(repA, acc, 60_000);
    const p = await plan(repA, {
      order_id: o.id,
      instalments: [
        { due_date: '2026-05-01', amount: 20_000 },
        { due_date: '2026-06-01', amount: 40_000 },
      ],
    });
    const before = await count('payment');
    const bad = await upload(
      admin,
      'statement.csv',
      `日期,金额,付款方,摘要\n2026-05-02,200.00,武汉导入测试有限公司,${o.number}\n2026-05-03,abc,武汉导入测试有限公司,x\n2026/13/01,1.00,武汉导入测试有限公司,y\n2026-05-04,5.00,无名氏,没有单号\n`,
    );
    expect(
      conforms<Err>('POST', '/api/v1/payments/import', bad, 422).error.details.map((d) => d.field),
    ).toEqual(['rows[3].amount', 'rows[4].date', 'rows[5].payer']);
    expect(await count('payment')).toBe(before);

    const good = `date,amount,payer,reference\n2026-05-02,"¥200.00",某某代付,货款 ${o.number}\n2026-05-03,400,武汉导入测试有限公司,尾款\n`;
    const dry = conforms<{
      data: { dry_run: boolean; rows: Array<{ row: number; payment_id: string | null }> };
    }>(
      'POST',
      '/api/v1/payments/import',
      await upload(admin, 'statement.csv', good, '?dry_run=true'),
      200,
    ).data;
    expect(dry.dry_run).toBe(true);
    expect(dry.rows.map((r) => r.payment_id)).toEqual([null, null]);
    expect(await count('payment')).toBe(before);
    const done = conforms<{
      data: {
        rows: Array<{
          row: number;
          account_id: string;
          match_method: string;
          allocated: number;
          credit: number;
        }>;
      };
    }>('POST', '/api/v1/payments/import', await upload(admin, 'statement.csv', good), 200).data;
    expect(done.rows.map((r) => [r.row, r.account_id, r.match_method, r.allocated, r.credit])).toEqual([
      [2, acc, 'reference', 20_000, 0],
      [3, acc, 'amount', 40_000, 0],
    ]);
    expect(await count('payment')).toBe(before + 2);
    expect((await getPlan(repA, p.id)).status).toBe('paid');
    // importing needs the import permission on payments (reps have none by default)
    const rep = await upload(
      repB,
      'statement.csv',
      `date,amount,payer\n2026-05-02,1.00,武汉导入测试有限公司\n`,
    );
    expect(rep.statusCode).toBe(403);
  });
});

describe('contract plans and guarded deletes', () => {
  it('plans a contract, matches a payment quoting the contract number, and keeps paid records out of the recycle bin', async () => {
    const acc = await account(repA, '西安合同回款有限公司');
    const noAmount = json<{ data: Rec }>(
      await repA.post('/api/v1/objects/contract', { name: '框架合同', account_id: acc }),
    ).data;
    const missing = await repA.post('/api/v1/payment-plans', {
      contract_id: noAmount.id,
      instalments: [{ due_date: '2026-07-01', amount: 1 }],
    });
    expect(codes(missing)).toEqual(['contract_id:source_amount_missing']);
    const c = json<{ data: Rec & { number: string } }>(
      await repA.post('/api/v1/objects/contract', {
        name: '年度订阅合同',
        account_id: acc,
        amount: { amount: 90_000, currency: 'CNY' },
      }),
    ).data;
    const p = await plan(repA, {
      contract_id: c.id,
      instalments: [
        { due_date: '2026-07-01', percent: 50 },
        { due_date: '2026-08-01', percent: 50 },
      ],
    });
    expect(p.contract_id).toBe(c.id);
    expect(p.instalments.map((i) => i.amount)).toEqual([45_000, 45_000]);
    const r = await pay(repA, { account_id: acc, amount: 45_000, bank_reference: `合同 ${c.number} 首付款` });
    expect(r.match?.method).toBe('reference');
    expect(r.allocations.map((a) => a.instalment_id)).toEqual([p.instalments[0]?.id]);
    // paid records leave only through their actions
    expect((await admin.delete(`/api/v1/objects/payment_plan/${p.id}`)).statusCode).toBe(409);
    expect((await admin.delete(`/api/v1/objects/payment/${r.id}`)).statusCode).toBe(409);
    // and the generic API cannot move money fields
    const patch = await repA.patch(`/api/v1/objects/payment/${r.id}`, {
      amount: { amount: 1, currency: 'CNY' },
    });
    expect(codes(patch)).toEqual(['amount:read_only']);
    const note = await repA.patch(`/api/v1/objects/payment/${r.id}`, { description: '首付款已到' });
    expect(note.statusCode).toBe(200);
  });
});

describe('plans follow their order', () => {
  it('an amended order flags its plan to the owner; re-planning takes the new amount', async () => {
    const acc = await account(repA, '青岛改单测试有限公司');
    const o = await order(repA, acc, 10_000);
    const p = await plan(repA, { order_id: o.id, instalments: [{ due_date: '2026-09-01', amount: 10_000 }] });
    const amend = await repA.put(`/api/v1/orders/${o.id}/lines`, {
      lines: [{ product_id: product, quantity: 1, unit_price: 12_000, amount: 12_000 }],
    });
    expect(amend.statusCode, amend.body).toBe(200);
    await built.platform.events.drain(t.tenantId);
    const notes = json<{ data: Array<{ kind: string; link: string | null }> }>(
      await repA.get('/api/v1/notifications'),
    ).data;
    expect(notes.find((n) => n.kind === 'payment_plan.out_of_sync')?.link).toBe(`/o/payment_plan/${p.id}`);
    const stale = await repA.put(`/api/v1/payment-plans/${p.id}/instalments`, {
      instalments: [{ due_date: '2026-09-01', amount: 10_000 }],
    });
    expect(codes(stale)).toEqual(['instalments:sum_mismatch']);
    const re = conforms<{ data: Plan }>(
      'PUT',
      '/api/v1/payment-plans/:id/instalments',
      await repA.put(`/api/v1/payment-plans/${p.id}/instalments`, {
        instalments: [
          { due_date: '2026-09-01', amount: 6_000 },
          { due_date: '2026-10-01', amount: 6_000 },
        ],
      }),
      200,
    ).data;
    expect(re.amount.amount).toBe(12_000);
  });
});

describe('reminder settings', () => {
  it('admins set the offsets (validated, audited); everyone with plans reads them', async () => {
    const url = '/api/v1/receivables/settings';
    expect(conforms<{ data: unknown }>('GET', url, await repA.get(url), 200).data).toEqual({
      remindBeforeDays: 3,
      remindAfterDays: [1, 7],
    });
    expect((await repA.put(url, { remindBeforeDays: 5, remindAfterDays: [3] })).statusCode).toBe(403);
    const bad = await admin.put(url, { remindBeforeDays: 61, remindAfterDays: [0] });
    expect(codes(bad)).toEqual(['remindAfterDays[0]:invalid_value', 'remindBeforeDays:invalid_value']);
    const ok = await admin.put(url, { remindBeforeDays: null, remindAfterDays: [14, 3, 3] });
    expect(conforms<{ data: unknown }>('PUT', url, ok, 200).data).toEqual({
      remindBeforeDays: null,
      remindAfterDays: [3, 14],
    });
    expect(json<{ data: unknown }>(await repA.get(url)).data).toEqual({
      remindBeforeDays: null,
      remindAfterDays: [3, 14],
    });
  });
});
