// Health rate, healthy-ARR bridge, nine-grid and CSM incentive (issue 8; docs/HEALTH.md "Health
// rate, bridge, nine-grid and incentive"): a hand-built ledger and hand-picked weekly snapshots,
// hand-computed figures, start + Σ = end, tasks from a cell, the seed's incentive example end to
// end through the monthly job, permissions (CSM: own book; director: the department) and bad input.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import type { BuiltApp } from '../src/app.ts';
import { TenantDb } from '../src/platform/db/tenant-db.ts';
import { newId } from '../src/platform/db/ids.ts';
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

type Err = { error: { code: string; key: string; details: { field: string; code: string }[] } };
const codes = (r: { json(): unknown }) =>
  (r.json() as Err).error.details.map((d) => `${d.field}:${d.code}`).sort();

const W = 1_000_000; // ¥10,000.00 in fen: ARR below is in units of W
// Snapshot weeks: a snapshot counts on date D when week_start + 7 ≤ D
const W1 = '2025-01-20'; // used for 2025-01-31
const W2 = '2025-02-17'; // used for 2025-02-28
const W3 = '2025-03-24'; // used for 2025-03-31 (exactly D − 7)
const W4 = '2025-03-31'; // scored on 2025-04-07: must NOT be used for 2025-03-31

let built: BuiltApp;
let t: TestTenant;
let admin: Client;
let csm1: Client;
let csm2: Client;
let csm3: Client;
let director: Client;
let rep: Client;
const acc: Record<string, string> = {};

interface Fixture {
  tenantId: string;
  product: string;
  order: string;
  tdb: TenantDb;
}

async function fixture(tenantId: string): Promise<Fixture> {
  const tdb = TenantDb.for(built.platform.db, tenantId);
  const product = newId();
  const order = newId();
  await tdb.exec0(
    sql`insert into product (tenant_id, id, sku, name, type) values (${tenantId}, ${product}, 'SAAS', '订阅', 'subscription')`,
  );
  const holder = newId();
  await tdb.exec0(
    sql`insert into account (tenant_id, id, name) values (${tenantId}, ${holder}, '订单占位客户')`,
  );
  await tdb.exec0(sql`insert into sales_order (tenant_id, id, number, account_id, type, status, order_date, amount, amount_currency)
    values (${tenantId}, ${order}, 'SO-1', ${holder}, 'new', 'confirmed', '2024-01-01', 0, 'CNY')`);
  return { tenantId, product, order, tdb };
}

/** Test fixtures straight into the tables: an account, its ledger lines and its weekly snapshots. */
async function account(
  f: Fixture,
  name: string,
  csm: string | null,
  owner: string | null,
  lines: Array<[start: string, end: string, arr: number]>,
  snaps: Array<[week: string, status: string, score: number | null, probability: number | null]>,
): Promise<string> {
  const id = newId();
  await f.tdb.exec0(sql`insert into account (tenant_id, id, name, owner_id, csm_id)
    values (${f.tenantId}, ${id}, ${name}, ${owner}, ${csm})`);
  for (const [start, end, arr] of lines)
    await f.tdb
      .exec0(sql`insert into subscription_line (tenant_id, id, account_id, order_id, order_line_id, order_type,
        order_date, product_id, service_start, service_end, amount, amount_currency, fx_rate, amount_base,
        amount_base_currency, arr, arr_currency, status)
      values (${f.tenantId}, ${newId()}, ${id}, ${f.order}, ${newId()}, 'new', '2024-01-01', ${f.product},
        ${start}::date, ${end}::date, ${arr}, 'CNY', 1, ${arr}, 'CNY', ${arr}, 'CNY', 'active')`);
  for (const [week, status, score, probability] of snaps)
    await f.tdb
      .exec0(sql`insert into health_snapshot (tenant_id, account_id, week_start, model_version, score, status, arr, probability)
      values (${f.tenantId}, ${id}, ${week}::date, 0, ${score}, ${status}, 0, ${probability})`);
  return id;
}

const H = (week: string, score = 80, p: number | null = null): [string, string, number, number | null] => [
  week,
  'healthy',
  score,
  p,
];

interface Month {
  month: string;
  total_arr: number;
  healthy_arr: number;
  health_rate: number | null;
  healthy_arr_prev: number;
  mom: number | null;
  customers: number;
  healthy_customers: number;
  bridge: Record<string, number>;
  groups: Array<{
    key: string | null;
    label: string | null;
    total_arr: number;
    healthy_arr: number;
    healthy_arr_prev: number;
    mom: number | null;
  }>;
}

const KINDS = [
  'new_healthy',
  'winback_healthy',
  'expansion',
  'to_healthy',
  'contraction',
  'to_unhealthy',
  'churned_or_delayed',
] as const;

async function healthRate(by: Client, q: string): Promise<Month[]> {
  const r = await by.get(`/api/v1/success/health-rate?${q}`);
  return conformsTo<{ data: Month[] }>(built.app, 'GET', '/api/v1/success/health-rate', r, 200).data;
}

const inW = (b: Record<string, number>) =>
  Object.fromEntries(['start', ...KINDS, 'end'].map((k) => [k, (b[k] ?? NaN) / W]));

beforeAll(async () => {
  built = await testApp();
  t = await newTenant(built);
  admin = await login(built.app, t.adminEmail);
  const dept = async (name: string) =>
    json<{ data: { id: string } }>(await admin.post('/api/v1/admin/departments', { name, parent_id: null }))
      .data.id;
  const east = await dept('客户成功华东部');
  const north = await dept('客户成功华北部');
  csm1 = await userWithRole(admin, 'csm', east);
  csm2 = await userWithRole(admin, 'csm', east);
  csm3 = await userWithRole(admin, 'csm', north);
  director = await userWithRole(admin, 'cs_director', east);
  rep = await userWithRole(admin, 'sales_rep');
  const f = await fixture(t.tenantId);
  const owner = admin.userId;
  const c1 = csm1.userId;
  const c2 = csm2.userId;
  const c3 = csm3.userId;
  // A: healthy throughout, flat 12
  acc.A = await account(
    f,
    'A 星河科技',
    c1,
    owner,
    [['2024-01-01', '2025-12-31', 12 * W]],
    [H(W1), H(W2), H(W3, 85, 0.8)],
  );
  // B: 10 → 15 in February (expansion), unhealthy in March
  acc.B = await account(
    f,
    'B 云帆软件',
    c1,
    owner,
    [
      ['2024-01-01', '2025-12-31', 10 * W],
      ['2025-02-01', '2025-12-31', 5 * W],
    ],
    [H(W1), H(W2), [W3, 'unhealthy', 20, 0.2]],
  );
  // C: sub-healthy in January, healthy in February, its line ends 15 March (churn)
  acc.C = await account(
    f,
    'C 青松制造',
    c1,
    owner,
    [['2024-04-01', '2025-03-15', 8 * W]],
    [[W1, 'sub_healthy', 50, null], H(W2)],
  );
  // D: healthy → unhealthy (February) → healthy again (March)
  acc.D = await account(
    f,
    'D 远山物流',
    c2,
    owner,
    [['2024-01-01', '2025-12-31', 6 * W]],
    [H(W1), [W2, 'unhealthy', 20, null], H(W3, 75, 0.5)],
  );
  // E: healthy, its line ends 31 January (churned in February)
  acc.E = await account(f, 'E 白鹭教育', c2, owner, [['2024-02-01', '2025-01-31', 4 * W]], [H(W1)]);
  // F: first-ever ARR from 10 February, healthy (new healthy)
  acc.F = await account(
    f,
    'F 晨光医疗',
    c2,
    owner,
    [['2025-02-10', '2026-02-09', 5 * W]],
    [H(W2), H(W3, 80, 0.75)],
  );
  // G: large, 60 → 55 in February (contraction); the model's probability exactly 0.7 in March
  acc.G = await account(
    f,
    'G 北辰集团',
    c3,
    owner,
    [
      ['2024-03-01', '2025-01-31', 60 * W],
      ['2025-02-01', '2026-01-31', 55 * W],
    ],
    [H(W1), H(W2), H(W3, 90, 0.7)],
  );
  // H: ARR but never scored (no data: not healthy)
  acc.H = await account(f, 'H 海棠零售', c1, owner, [['2024-01-01', '2025-12-31', 3 * W]], []);
  // I: no CSM; had ARR in 2024, back in February healthy (win-back); a later week's snapshot is ignored
  acc.I = await account(
    f,
    'I 松果餐饮',
    null,
    owner,
    [
      ['2024-01-01', '2024-06-30', 2 * W],
      ['2025-02-01', '2026-01-31', 7 * W],
    ],
    [H(W2), H(W3, 70, 0.3), [W4, 'unhealthy', 10, 0.9]],
  );
  // J: 5 until 14 March, then 3; the 2 due on 15 March passed unrenewed (delayed) — healthy snapshot or not
  acc.J = await account(
    f,
    'J 金桥能源',
    c2,
    owner,
    [
      ['2024-04-01', '2025-12-31', 3 * W],
      ['2024-04-01', '2025-03-14', 2 * W],
    ],
    [H(W1), H(W2), H(W3, 80, null)],
  );
  await f.tdb
    .exec0(sql`insert into due_renewal (tenant_id, id, account_id, due_date, due_arr, due_arr_currency,
      renewed_arr_currency, renewed_arr_finance_currency, status)
    values (${t.tenantId}, ${newId()}, ${acc.J}, '2025-03-15', ${2 * W}, 'CNY', 'CNY', 'CNY', 'overdue')`);
}, 120_000);
afterAll(async () => built?.close());

describe('health rate and the healthy-ARR bridge (hand-computed)', () => {
  it('February and March: rates, month-over-month and every bridge figure; start + Σ = end', async () => {
    const [feb, mar] = await healthRate(admin, 'from=2025-02&to=2025-03');
    // end of Jan: A12 B10 C8 D6 E4 G60 H3 J5 = 108; healthy A B D E G J = 97
    // end of Feb: A12 B15 C8 D6 F5 G55 H3 I7 J5 = 116; healthy A B C F G I J = 107
    expect(feb).toMatchObject({
      month: '2025-02',
      total_arr: 116 * W,
      healthy_arr: 107 * W,
      health_rate: 0.9224, // 107 / 116 = 0.92241…
      healthy_arr_prev: 97 * W,
      mom: 1.1031, // 107 / 97 = 1.10309…
      customers: 9,
      healthy_customers: 7,
    });
    expect(inW(feb?.bridge ?? {})).toEqual({
      start: 97,
      new_healthy: 5, // F
      winback_healthy: 7, // I
      expansion: 5, // B 10 → 15
      to_healthy: 8, // C
      contraction: -5, // G 60 → 55
      to_unhealthy: -6, // D
      churned_or_delayed: -4, // E
      end: 107,
    });
    // end of Mar: A12 B15 D6 F5 G55 H3 I7 J3 = 106; healthy A D F G I = 85 (J delayed, I's W4 ignored)
    expect(mar).toMatchObject({
      total_arr: 106 * W,
      healthy_arr: 85 * W,
      health_rate: 0.8019,
      healthy_arr_prev: 107 * W,
      mom: 0.7944,
    });
    expect(inW(mar?.bridge ?? {})).toEqual({
      start: 107,
      new_healthy: 0,
      winback_healthy: 0,
      expansion: 0,
      to_healthy: 6, // D
      contraction: 0,
      to_unhealthy: -15, // B
      churned_or_delayed: -13, // C churned 8, J delayed 5 (its earlier ARR)
      end: 85,
    });
    for (const m of [feb, mar]) {
      const b = m?.bridge ?? {};
      expect(KINDS.reduce((s, k) => s + (b[k] ?? 0), b.start ?? 0)).toBe(b.end);
      expect(b.end).toBe(m?.healthy_arr);
      expect(b.start).toBe(m?.healthy_arr_prev);
    }
    expect(feb?.bridge.end).toBe(mar?.bridge.start);
  });

  it('names the customers behind a month’s bridge', async () => {
    const r = await admin.get('/api/v1/success/health-rate/customers?month=2025-03');
    const rows = conformsTo<{
      data: Array<{
        account_id: string;
        kind: string;
        amount: number;
        status_now: string | null;
        delayed_now: boolean;
      }>;
    }>(built.app, 'GET', '/api/v1/success/health-rate/customers', r, 200).data;
    expect(rows.map((x) => [x.account_id, x.kind, x.amount / W])).toEqual([
      [acc.B, 'to_unhealthy', -15],
      [acc.C, 'churned_or_delayed', -8],
      [acc.D, 'to_healthy', 6],
      [acc.J, 'churned_or_delayed', -5],
    ]);
    expect(rows.find((x) => x.account_id === acc.J)).toMatchObject({
      status_now: 'healthy',
      delayed_now: true,
    });
    const only = json<{ data: Array<{ account_id: string }> }>(
      await admin.get('/api/v1/success/health-rate/customers?month=2025-02&kind=winback_healthy'),
    ).data;
    expect(only.map((x) => x.account_id)).toEqual([acc.I]);
  });

  it('per CSM (their current book)', async () => {
    const [mar] = await healthRate(admin, 'from=2025-03&to=2025-03&group_by=csm');
    const by = new Map((mar?.groups ?? []).map((g) => [g.key, g]));
    expect(by.get(csm1.userId)).toMatchObject({
      label: 'User csm',
      total_arr: 30 * W,
      healthy_arr: 12 * W,
      healthy_arr_prev: 35 * W,
    });
    expect(by.get(csm2.userId)).toMatchObject({
      total_arr: 14 * W,
      healthy_arr: 11 * W,
      healthy_arr_prev: 10 * W,
      mom: 1.1,
    });
    expect(by.get(csm3.userId)).toMatchObject({ total_arr: 55 * W, healthy_arr: 55 * W, mom: 1 });
    expect(by.get(null)).toMatchObject({ total_arr: 7 * W, healthy_arr: 7 * W });
    expect((mar?.groups ?? []).reduce((s, g) => s + g.total_arr, 0)).toBe(mar?.total_arr);
  });
});

describe('nine-grid', () => {
  it('places each customer by ARR and renewal probability on the date', async () => {
    const r = await admin.get('/api/v1/success/nine-grid?as_of=2025-03-31');
    const g = conformsTo<{
      data: {
        total_customers: number;
        total_arr: number;
        cells: Array<{
          cell: number;
          count: number;
          arr: number;
          strategy: string;
          customers: Array<{ account_id: string; probability: number | null }>;
        }>;
      };
    }>(built.app, 'GET', '/api/v1/success/nine-grid', r, 200).data;
    expect(g).toMatchObject({ total_customers: 8, total_arr: 106 * W });
    const cells = Object.fromEntries(g.cells.map((c) => [c.cell, c.customers.map((x) => x.account_id)]));
    expect(cells).toEqual({
      1: [acc.H], // small, no snapshot → low
      2: [acc.I, acc.D], // small, 0.3 and 0.5 → mid (I's later week ignored)
      3: [acc.B], // mid, 0.2 → low
      4: [acc.F, acc.J], // small, 0.75 and score 80 ÷ 100 → high
      5: [],
      6: [],
      7: [acc.A], // mid (¥120,000), 0.8 → high
      8: [],
      9: [acc.G], // large (¥550,000), exactly 0.7 → high
    });
    expect(g.cells.find((c) => c.cell === 2)).toMatchObject({ count: 2, arr: 13 * W });
    expect(g.cells.find((c) => c.cell === 9)?.strategy).toContain('季度高层拜访');
    expect(
      g.cells.find((c) => c.cell === 4)?.customers.find((x) => x.account_id === acc.J)?.probability,
    ).toBe(0.8);
  });

  it('strategies and templates: defaults, edited by a director, not by a CSM; bad bodies name the field', async () => {
    const list = conformsTo<{ data: Array<{ cell: number; customised: boolean }> }>(
      built.app,
      'GET',
      '/api/v1/success/nine-grid/cells',
      await csm1.get('/api/v1/success/nine-grid/cells'),
      200,
    ).data;
    expect(list.map((c) => c.cell)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(list.every((c) => !c.customised)).toBe(true);
    const body = {
      strategy: '重点维护：季度高层拜访，挖掘增购（华东版）',
      task_templates: [
        { subject: '季度高层拜访（华东）', due_days: 30, priority: 'high' },
        { subject: '整理增购线索', due_days: 14 },
      ],
    };
    expect((await csm1.put('/api/v1/success/nine-grid/cells/9', body)).statusCode).toBe(403);
    const put = await director.put('/api/v1/success/nine-grid/cells/9', body);
    const cell = conformsTo<{ data: { customised: boolean; task_templates: Array<{ priority: string }> } }>(
      built.app,
      'PUT',
      '/api/v1/success/nine-grid/cells/:cell',
      put,
      200,
    ).data;
    expect(cell).toMatchObject({ customised: true, strategy: body.strategy });
    expect(cell.task_templates.map((x) => x.priority)).toEqual(['high', 'normal']);
    const bad = await director.put('/api/v1/success/nine-grid/cells/9', {
      strategy: 'x',
      task_templates: [{ subject: '', due_days: -1 }],
    });
    expect(bad.statusCode).toBe(422);
    expect(codes(bad)).toEqual([
      'task_templates[0].due_days:invalid_value',
      'task_templates[0].subject:invalid_value',
    ]);
    expect(codes(await director.put('/api/v1/success/nine-grid/cells/10', body))).toEqual([
      'cell:invalid_value',
    ]);
  });

  it('creates a cell’s tasks for the customers the caller sees, owned by their CSM; a second press adds none', async () => {
    const run = await csm2.post('/api/v1/success/nine-grid/4/tasks?as_of=2025-03-31');
    const d = conformsTo<{
      data: {
        customers: number;
        created: number;
        skipped: number;
        tasks: Array<{ account_id: string; owner_id: string }>;
      };
    }>(built.app, 'POST', '/api/v1/success/nine-grid/:cell/tasks', run, 200).data;
    expect(d).toMatchObject({ customers: 2, created: 2, skipped: 0 });
    expect(d.tasks.map((x) => [x.account_id, x.owner_id]).sort()).toEqual(
      [
        [acc.F, csm2.userId],
        [acc.J, csm2.userId],
      ].sort(),
    );
    const again = json<{ data: { created: number; skipped: number } }>(
      await csm2.post('/api/v1/success/nine-grid/4/tasks?as_of=2025-03-31'),
    ).data;
    expect(again).toMatchObject({ created: 0, skipped: 2 });
    // csm1 serves nobody in cell 4
    expect(
      json<{ data: { customers: number; created: number } }>(
        await csm1.post('/api/v1/success/nine-grid/4/tasks?as_of=2025-03-31'),
      ).data,
    ).toMatchObject({ customers: 0, created: 0 });
    // no CSM: the account owner gets the task
    const two = json<{ data: { tasks: Array<{ account_id: string; owner_id: string }> } }>(
      await admin.post('/api/v1/success/nine-grid/2/tasks?as_of=2025-03-31'),
    ).data;
    expect(two.tasks.map((x) => [x.account_id, x.owner_id]).sort()).toEqual(
      [
        [acc.D, csm2.userId],
        [acc.I, admin.userId],
      ].sort(),
    );
    const tasks = await TenantDb.for(built.platform.db, t.tenantId).query(
      sql<{
        n: number;
      }>`select count(*)::int as n from task where tenant_id = ${t.tenantId} and account_id = ${acc.F}`,
    );
    expect(tasks[0]?.n).toBe(1);
    // the CSM sees the task in their own list
    const mine = json<{ data: Array<{ account_id: string }> }>(await csm2.get('/api/v1/objects/task')).data;
    expect(mine.map((x) => x.account_id)).toEqual(expect.arrayContaining([acc.F, acc.J, acc.D]));
  });
});

interface Statement {
  id: string;
  user_id: string;
  status: string;
  healthy_arr: number;
  healthy_arr_prev: number;
  mom: number | null;
  base: number;
  coefficient: number;
  amount: number;
  version: number;
  lines: Array<{ account_id: string; healthy_arr: number }>;
}

describe('CSM incentive statements', () => {
  const list = async (by: Client, month = '2025-03') =>
    conformsTo<{ data: Statement[] }>(
      built.app,
      'GET',
      '/api/v1/success/csm-incentive',
      await by.get(`/api/v1/success/csm-incentive?month=${month}`),
      200,
    ).data;

  it('recompute: one draft per CSM with a book, figures by hand', async () => {
    expect((await csm1.post('/api/v1/success/csm-incentive/recompute?month=2025-03')).statusCode).toBe(403);
    const r = await admin.post('/api/v1/success/csm-incentive/recompute?month=2025-03');
    const d = conformsTo<{ data: { written: number; statements: Statement[] } }>(
      built.app,
      'POST',
      '/api/v1/success/csm-incentive/recompute',
      r,
      200,
    ).data;
    expect(d.written).toBe(3);
    const by = new Map(d.statements.map((s) => [s.user_id, s]));
    // csm1: healthy 12 (A) vs 35 (A12 B15 C8) → 0.3429 → 0.8; base 12,000,000 ÷ 12 × 1% = 10,000
    expect(by.get(csm1.userId ?? '')).toMatchObject({
      status: 'draft',
      healthy_arr: 12 * W,
      healthy_arr_prev: 35 * W,
      mom: 0.3429,
      base: 10_000,
      coefficient: 0.8,
      amount: 8_000,
    });
    // csm2: 11 (D6 F5) vs 10 (F5 J5) → 1.1 → 1.1; base 9,166.67 → 9,167; × 1.1 = 10,083.7 → 10,084
    expect(by.get(csm2.userId ?? '')).toMatchObject({
      mom: 1.1,
      base: 9_167,
      coefficient: 1.1,
      amount: 10_084,
    });
    // csm3: 55 vs 55 → 1.0; 45,833.33 → 45,833
    expect(by.get(csm3.userId ?? '')).toMatchObject({ mom: 1, base: 45_833, coefficient: 1, amount: 45_833 });
    expect(by.get(csm1.userId ?? '')?.lines.map((l) => [l.account_id, l.healthy_arr / W])).toEqual([
      [acc.B, 0],
      [acc.A, 12],
      [acc.H, 0],
      [acc.C, 0],
    ]);
  });

  it('a CSM sees their own statement, a director the department’s, a rep none', async () => {
    expect((await list(csm1)).map((s) => s.user_id)).toEqual([csm1.userId]);
    expect((await list(director)).map((s) => s.user_id).sort()).toEqual([csm1.userId, csm2.userId].sort());
    expect(await list(rep)).toEqual([]);
    expect((await list(admin)).length).toBe(3);
  });

  it('draft → approved → locked with versions; only drafts are recomputed', async () => {
    const s1 = (await list(csm1))[0] as Statement;
    expect(
      (await csm1.post(`/api/v1/success/csm-incentive/${s1.id}/approve`, { version: s1.version })).statusCode,
    ).toBe(403);
    const stale = await director.post(`/api/v1/success/csm-incentive/${s1.id}/approve`, {
      version: s1.version + 5,
    });
    expect(stale.statusCode).toBe(409);
    expect(json<Err>(stale).error.key).toBe('version_conflict');
    const ok = await director.post(`/api/v1/success/csm-incentive/${s1.id}/approve`, { version: s1.version });
    const approved = conformsTo<{ data: Statement }>(
      built.app,
      'POST',
      '/api/v1/success/csm-incentive/:id/approve',
      ok,
      200,
    ).data;
    expect(approved).toMatchObject({ status: 'approved', version: s1.version + 1 });
    const twice = await director.post(`/api/v1/success/csm-incentive/${s1.id}/approve`, {
      version: approved.version,
    });
    expect(json<Err>(twice).error.key).toBe('incentive_statement_state_conflict');
    const locked = json<{ data: Statement }>(
      await director.post(`/api/v1/success/csm-incentive/${s1.id}/lock`, { version: approved.version }),
    ).data;
    expect(locked.status).toBe('locked');
    // csm3 is not in the director's department
    const s3 = (await list(admin)).find((s) => s.user_id === csm3.userId) as Statement;
    expect(
      (await director.post(`/api/v1/success/csm-incentive/${s3.id}/approve`, { version: s3.version }))
        .statusCode,
    ).toBe(404);
    // A turns unhealthy in the last week of March: the locked csm1 statement stays, csm3's draft follows G
    const tdb = TenantDb.for(built.platform.db, t.tenantId);
    await tdb.exec0(sql`update health_snapshot set status = 'unhealthy' where tenant_id = ${t.tenantId}
      and account_id in (${acc.A}, ${acc.G}) and week_start = ${W3}::date`);
    await admin.post('/api/v1/success/csm-incentive/recompute?month=2025-03');
    const after = new Map((await list(admin)).map((s) => [s.user_id, s]));
    expect(after.get(csm1.userId ?? '')).toMatchObject({
      status: 'locked',
      healthy_arr: 12 * W,
      version: locked.version,
    });
    expect(after.get(csm3.userId ?? '')).toMatchObject({
      status: 'draft',
      healthy_arr: 0,
      coefficient: 0.8,
      amount: 0,
    });
    await tdb.exec0(sql`update health_snapshot set status = 'healthy' where tenant_id = ${t.tenantId}
      and account_id in (${acc.A}, ${acc.G}) and week_start = ${W3}::date`);
  });

  it('the seed example end to end through the monthly job: ¥1,200,000 at 1% → ¥1,000; at 106% → ¥1,100', async () => {
    const t2 = await newTenant(built);
    const admin2 = await login(built.app, t2.adminEmail);
    const csm = await userWithRole(admin2, 'csm');
    const f = await fixture(t2.tenantId);
    // ¥1,132,075.47 healthy at the end of February, ¥1,200,000.00 at the end of March (≥ 106%)
    await account(
      f,
      'K 紫金控股',
      csm.userId,
      admin2.userId,
      [
        ['2024-06-01', '2025-12-31', 113_207_547],
        ['2025-03-01', '2025-12-31', 6_792_453],
      ],
      [H(W2), H(W3)],
    );
    const run = await admin2.post('/api/v1/admin/jobs/success.incentive/run', { as_of: '2025-04-02' });
    expect(run.statusCode, run.body).toBe(200);
    const [s] = await list(csm);
    expect(s).toMatchObject({
      status: 'draft',
      healthy_arr: 120_000_000,
      healthy_arr_prev: 113_207_547,
      mom: 1.06,
      base: 100_000, // ¥1,000
      coefficient: 1.1,
      amount: 110_000, // ¥1,100
    });
    const one = await csm.get(`/api/v1/success/csm-incentive/${s?.id}`);
    conformsTo(built.app, 'GET', '/api/v1/success/csm-incentive/:id', one, 200);
  });
});

describe('permissions', () => {
  it('a CSM sees their book, a director the department’s CSMs, a rep nothing', async () => {
    const [c1] = await healthRate(csm1, 'from=2025-03&to=2025-03');
    expect(c1).toMatchObject({ total_arr: 30 * W, healthy_arr: 12 * W, health_rate: 0.4, customers: 3 });
    const [d] = await healthRate(director, 'from=2025-03&to=2025-03');
    // csm1 A B H (30) + csm2 D F J (14) — not G (csm3, other department) nor I (no CSM)
    expect(d).toMatchObject({ total_arr: 44 * W, healthy_arr: 23 * W });
    const [r] = await healthRate(rep, 'from=2025-03&to=2025-03');
    expect(r).toMatchObject({ total_arr: 0, healthy_arr: 0, health_rate: null, mom: null });
    const grid = json<{ data: { total_customers: number } }>(
      await csm1.get('/api/v1/success/nine-grid?as_of=2025-03-31'),
    ).data;
    expect(grid.total_customers).toBe(3);
    const dir = json<{ data: { total_customers: number } }>(
      await director.get('/api/v1/success/nine-grid?as_of=2025-03-31'),
    ).data;
    expect(dir.total_customers).toBe(6);
  });
});

describe('bad input', () => {
  it('names the field: months, ranges, dates, groupings, cells, versions', async () => {
    const m = await admin.get('/api/v1/success/health-rate?from=2025-13&to=2025-03');
    expect(m.statusCode).toBe(422);
    expect(codes(m)).toEqual(['from:invalid_month']);
    expect(codes(await admin.get('/api/v1/success/health-rate?from=2025-05&to=2025-01'))).toEqual([
      'to:range_reversed',
    ]);
    expect(codes(await admin.get('/api/v1/success/health-rate?from=2020-01&to=2025-01'))).toEqual([
      'to:range_too_long',
    ]);
    expect(codes(await admin.get('/api/v1/success/health-rate?to=2025-3'))).toEqual(['to:invalid_month']);
    // year 0 is no date in PostgreSQL (and the month before 0001-01 is in it): 422, not 500
    expect(codes(await admin.get('/api/v1/success/health-rate?from=0001-01&to=2025-02'))).toEqual([
      'from:invalid_month',
    ]);
    expect(codes(await admin.get('/api/v1/success/health-rate/customers?month=0001-01'))).toEqual([
      'month:invalid_month',
    ]);
    expect(codes(await admin.get('/api/v1/success/nine-grid?as_of=0000-03-01'))).toEqual([
      'as_of:invalid_date',
    ]);
    expect(codes(await admin.get('/api/v1/success/health?as_of=0001-01-03'))).toEqual(['as_of:invalid_date']);
    expect(
      codes(
        await admin.put('/api/v1/success/nine-grid/cells/3', { strategy: 'a\u0000', task_templates: [] }),
      ),
    ).toEqual(['strategy:invalid_value']);
    // the last month of year 9999 is one month, not a runaway loop past year 10000
    const last = await admin.get('/api/v1/success/health-rate?from=9999-12&to=9999-12');
    expect(last.statusCode, last.body).toBe(200);
    expect((last.json() as { data: { month: string }[] }).data.map((x) => x.month)).toEqual(['9999-12']);
    expect(codes(await admin.get('/api/v1/success/health-rate?group_by=owner'))).toEqual([
      'group_by:invalid_value',
    ]);
    expect(codes(await admin.get('/api/v1/success/health-rate/customers?month=2025-03&kind=up'))).toEqual([
      'kind:invalid_value',
    ]);
    expect(codes(await admin.get('/api/v1/success/nine-grid?as_of=2025-02-30'))).toEqual([
      'as_of:invalid_date',
    ]);
    expect(codes(await admin.post('/api/v1/success/nine-grid/0/tasks'))).toEqual(['cell:invalid_value']);
    expect(codes(await admin.get('/api/v1/success/csm-incentive?month=March'))).toEqual([
      'month:invalid_month',
    ]);
    const s = (await admin.get('/api/v1/success/csm-incentive?month=2025-03')).json() as {
      data: Statement[];
    };
    const noVersion = await admin.post(`/api/v1/success/csm-incentive/${s.data[0]?.id}/approve`, {});
    expect(noVersion.statusCode).toBe(422);
    expect(codes(noVersion)).toEqual(['version:required']);
    expect(
      (await admin.post('/api/v1/success/csm-incentive/not-an-id/approve', { version: 1 })).statusCode,
    ).toBe(404);
  });
});
