// Customer health (issue 8, docs/HEALTH.md): the weekly run with `asOf` over telemetry written
// for hand-scored customers, delayed (延期) and no-data customers, the health list and one
// customer's breakdown, scope (a CSM sees own book, a director the department), the versioned
// model and bad input.
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
type Err = { error: { code: string; details: { field: string; code: string }[] } };
const fields = (r: { json(): unknown }) => (r.json() as Err).error.details.map((d) => d.field).sort();

let built: BuiltApp;
let t: TestTenant;
let admin: Client;
let csm1: Client;
let csm2: Client;
let director: Client;
let rep: Client;
const acc: Record<string, string> = {};

interface Day {
  purchased: number;
  activated: number;
  login: number;
  bi: number;
  modules: Record<string, number>;
}

/** Writes one row per day from `from` for `days` days. */
async function usage(accountId: string, from: string, days: number, d: Day): Promise<void> {
  const tdb = TenantDb.for(built.platform.db, t.tenantId);
  await tdb.exec0(sql`insert into usage_daily (tenant_id, account_id, day, purchased_seats, activated_seats,
      logged_in_users_7d, bi_users_7d, module_records, admin_user)
    select ${t.tenantId}, ${accountId}, g::date, ${d.purchased}, ${d.activated}, ${d.login}, ${d.bi},
      ${JSON.stringify(d.modules)}::jsonb, 'admin@customer'
    from generate_series(${from}::date, ${from}::date + ${days - 1}::int, interval '1 day') g
    on conflict (tenant_id, account_id, day) do update set logged_in_users_7d = excluded.logged_in_users_7d`);
}

async function dept(name: string): Promise<string> {
  return json<{ data: { id: string } }>(
    await admin.post('/api/v1/admin/departments', { name, parent_id: null }),
  ).data.id;
}

beforeAll(async () => {
  built = await testApp();
  t = await newTenant(built);
  admin = await login(built.app, t.adminEmail);
  const east = await dept('华东客户成功部');
  const north = await dept('华北客户成功部');
  csm1 = await userWithRole(admin, 'csm', east);
  csm2 = await userWithRole(admin, 'csm', north);
  director = await userWithRole(admin, 'cs_director', east);
  rep = await userWithRole(admin, 'sales_rep');
  const p = await admin.post('/api/v1/objects/product', {
    sku: 'SAAS-H',
    name: '云帆 CRM 订阅',
    type: 'subscription',
    unit: 'seat',
    list_price: 100,
  });
  const product = json<{ data: Rec }>(p).data.id;
  const csms: Record<string, string | null> = {
    A: csm1.userId,
    B: csm2.userId,
    C: csm1.userId,
    D: csm1.userId,
  };
  for (const k of ['A', 'B', 'C', 'D']) {
    const r = await admin.post('/api/v1/objects/account', {
      name: `${k} 健康度科技有限公司`,
      csm_id: csms[k],
    });
    expect(r.statusCode, r.body).toBe(201);
    acc[k] = json<{ data: Rec }>(r).data.id;
  }
  for (const [k, amount] of [
    ['A', 12_000_000],
    ['C', 6_000_000],
  ] as const) {
    const r = await admin.post('/api/v1/orders', {
      account_id: acc[k],
      type: 'new',
      status: 'confirmed',
      order_date: '2025-12-20',
      currency: 'CNY',
      lines: [
        {
          product_id: product,
          quantity: 1,
          unit_price: amount,
          amount,
          service_start: '2026-01-01',
          service_end: '2026-12-31',
        },
      ],
    });
    expect(r.statusCode, r.body).toBe(201);
  }
  await built.platform.events.drain(t.tenantId);
  // window of a run on Monday 2026-11-30: the four weeks 2026-11-02 … 2026-11-29
  const top: Day = {
    purchased: 20,
    activated: 18,
    login: 15,
    bi: 6,
    modules: { account: 2, contract: 1, order: 1, payment: 1, invoice: 1 },
  };
  await usage(acc.A as string, '2026-11-02', 28, top);
  await usage(acc.D as string, '2026-11-02', 28, top);
  const weak: Day = { purchased: 50, activated: 20, login: 3, bi: 0, modules: { account: 1 } };
  await usage(acc.B as string, '2026-11-02', 14, weak);
  await usage(acc.B as string, '2026-11-16', 14, { ...weak, login: 10 });
  // D passed its due date without renewing (延期)
  await TenantDb.for(built.platform.db, t.tenantId)
    .exec0(sql`insert into due_renewal (tenant_id, id, account_id, due_date,
      due_arr, due_arr_currency, renewed_arr_currency, renewed_arr_finance_currency, status)
    values (${t.tenantId}, gen_random_uuid(), ${acc.D}, '2026-11-01', 100, 'CNY', 'CNY', 'CNY', 'overdue')`);
});

afterAll(async () => {
  await built?.close();
});

interface Row {
  account_id: string;
  score: number | null;
  status: string;
  delayed: boolean;
  arr: number;
  dimensions: Record<string, { score: number; raw: number | null }>;
}
interface List {
  data: Row[];
  meta: { week_start: string | null; health_rate: number | null; total_arr: number; healthy_arr: number };
}

describe('weekly run and the health list', () => {
  it('before any run the list is empty and says so', async () => {
    const r = conformsTo<List>(
      built.app,
      'GET',
      '/api/v1/success/health',
      await admin.get('/api/v1/success/health?as_of=2026-11-30'),
      200,
    );
    expect(r.data).toEqual([]);
    expect(r.meta.week_start).toBeNull();
  });

  it('scores the week that ended before asOf: hand-computed totals, window average, statuses', async () => {
    const run = await admin.post('/api/v1/admin/jobs/success.weekly/run', { as_of: '2026-11-30' });
    expect(run.statusCode, run.body).toBeLessThan(300);
    const r = conformsTo<List>(
      built.app,
      'GET',
      '/api/v1/success/health',
      await admin.get('/api/v1/success/health?as_of=2026-11-30'),
      200,
    );
    expect(r.meta.week_start).toBe('2026-11-23');
    const by = Object.fromEntries(r.data.map((x) => [x.account_id, x]));
    // A: module 21 pts → 100, instance 42/18 → 80, activation .9 → 100, login .83 → 100, BI .33 → 100 = 96.0
    expect(by[acc.A as string]).toMatchObject({
      score: 96,
      status: 'healthy',
      delayed: false,
      arr: 12_000_000,
    });
    expect(by[acc.A as string]?.dimensions.instance_ratio?.score).toBe(80);
    // B: weeks 5.3, 5.3, 10.3, 10.3 → 7.8
    expect(by[acc.B as string]).toMatchObject({ score: 7.8, status: 'unhealthy', arr: 0 });
    // C: ARR but no telemetry
    expect(by[acc.C as string]).toMatchObject({ score: null, status: 'no_data', arr: 6_000_000 });
    // D: the same usage as A but delayed
    expect(by[acc.D as string]).toMatchObject({ score: 96, status: 'unhealthy', delayed: true });
    expect(r.meta).toMatchObject({ total_arr: 18_000_000, healthy_arr: 12_000_000, health_rate: 0.6667 });
  });

  it('a rerun of the same week replaces its snapshots; an earlier date shows no scores yet', async () => {
    await admin.post('/api/v1/admin/jobs/success.weekly/run', { as_of: '2026-12-02' });
    const n = await TenantDb.for(built.platform.db, t.tenantId).one(sql<{
      n: number;
    }>`select count(*)::int as n
      from health_snapshot where tenant_id = ${t.tenantId}`);
    expect(n?.n).toBe(4);
    const early = json<List>(await admin.get('/api/v1/success/health?as_of=2026-11-29'));
    expect(early.data).toEqual([]);
  });

  it('filters by status and CSM', async () => {
    const r = json<List>(
      await admin.get(`/api/v1/success/health?as_of=2026-11-30&status=unhealthy&csm_id=${csm1.userId}`),
    );
    expect(r.data.map((x) => x.account_id)).toEqual([acc.D]);
  });
});

describe('one customer', () => {
  it('shows the latest breakdown and the trend', async () => {
    const r = conformsTo<{
      data: { latest: Row & { weekly_totals: { total: number }[] }; trend: unknown[] };
    }>(
      built.app,
      'GET',
      '/api/v1/accounts/:id/health',
      await csm2.get(`/api/v1/accounts/${acc.B}/health`),
      200,
    );
    expect(r.data.latest.weekly_totals.map((w) => w.total)).toEqual([5.3, 5.3, 10.3, 10.3]);
    expect(r.data.trend).toHaveLength(1);
  });
  it('is not found for a customer outside the caller’s book, and for bad ids', async () => {
    expect((await csm1.get(`/api/v1/accounts/${acc.B}/health`)).statusCode).toBe(404);
    const bad = await admin.get('/api/v1/accounts/nope/health');
    expect(bad.statusCode).toBe(422);
    expect(fields(bad)).toEqual(['id']);
  });
});

describe('scope', () => {
  it('a CSM sees own book, a director the department, a sales rep nothing', async () => {
    const ids = async (c: Client) =>
      json<List>(await c.get('/api/v1/success/health?as_of=2026-11-30'))
        .data.map((x) => x.account_id)
        .sort();
    expect(await ids(csm1)).toEqual([acc.A, acc.C, acc.D].sort());
    expect(await ids(csm2)).toEqual([acc.B]);
    expect(await ids(director)).toEqual([acc.A, acc.C, acc.D].sort());
    expect(await ids(rep)).toEqual([]);
  });
  it('the CSM reads the customers they serve as accounts too', async () => {
    expect((await csm1.get(`/api/v1/objects/account/${acc.A}`)).statusCode).toBe(200);
    expect((await csm1.get(`/api/v1/objects/account/${acc.B}`)).statusCode).toBe(404);
  });
});

describe('the model', () => {
  it('starts at the defaults (version 0) and saves versions; scores use the version in force', async () => {
    const m = conformsTo<{ data: { version: number; model: Record<string, unknown> } }>(
      built.app,
      'GET',
      '/api/v1/success/health-model',
      await admin.get('/api/v1/success/health-model'),
      200,
    ).data;
    expect(m.version).toBe(0);
    const saved = await admin.put('/api/v1/success/health-model', { ...m.model, windowWeeks: 2 });
    const v = conformsTo<{ data: { version: number; versions: unknown[] } }>(
      built.app,
      'PUT',
      '/api/v1/success/health-model',
      saved,
      200,
    ).data;
    expect(v.version).toBe(1);
    await admin.post('/api/v1/admin/jobs/success.weekly/run', { as_of: '2026-11-30' });
    const r = json<List>(await admin.get('/api/v1/success/health?as_of=2026-11-30'));
    expect(r.data.find((x) => x.account_id === acc.B)?.score).toBe(10.3);
  });
  it('refuses bad models naming the field, and non-administrators', async () => {
    const m = json<{ data: { model: Record<string, unknown> & { weights: Record<string, number> } } }>(
      await admin.get('/api/v1/success/health-model'),
    ).data.model;
    const bad = await admin.put('/api/v1/success/health-model', {
      ...m,
      weights: { ...m.weights, bi_usage: 50 },
    });
    expect(bad.statusCode).toBe(422);
    expect(fields(bad)).toEqual(['weights']);
    const order = await admin.put('/api/v1/success/health-model', { ...m, unhealthyBelow: 90 });
    expect(fields(order)).toEqual(['unhealthyBelow']);
    expect((await director.put('/api/v1/success/health-model', m)).statusCode).toBe(403);
    const bad2 = await admin.get('/api/v1/success/health?as_of=2026-02-30&status=great');
    expect(bad2.statusCode).toBe(422);
  });
});

describe('input the database cannot hold', () => {
  it('refuses text with U+0000 and dates in year 0 as 422s naming the field, not 500s', async () => {
    const nul = await admin.post('/api/v1/objects/account', { name: 'x\u0000y' });
    expect(nul.statusCode).toBe(422);
    expect([...new Set(fields(nul))]).toEqual(['name']);
    const y0 = await admin.get('/api/v1/success/health?as_of=0000-01-01');
    expect(y0.statusCode).toBe(422);
    expect(fields(y0)).toEqual(['as_of']);
  });
  it('a role that reads every account but manages nobody sees no CSM incentive statements', async () => {
    await admin.post('/api/v1/success/csm-incentive/recompute?month=2026-11');
    const all = json<{ data: unknown[] }>(
      await admin.get('/api/v1/success/csm-incentive?month=2026-11'),
    ).data;
    expect(all.length).toBeGreaterThan(0);
    const ro = await userWithRole(admin, 'read_only');
    expect(
      json<{ data: unknown[] }>(await ro.get('/api/v1/success/csm-incentive?month=2026-11')).data,
    ).toEqual([]);
  });
});
