// Forecasts, submissions, adjustments, snapshots and accuracy, targets and attainment, funnel
// (docs/API.md section 17) on a small hand-computed dataset seeded with SQL (so the numbers do
// not depend on the opportunity hooks). Every answer is also checked against the response schema
// its route declares.
import type { LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BuiltApp } from '../src/app.ts';
import { newId } from '../src/platform/db/ids.ts';
import { conformsTo, json, login, newTenant, testApp, userWithRole, type Client } from './harness.ts';

type ErrBody = { error: { code: string; key: string; details: { field: string; code: string }[] } };
type Agg = { count: number; amount: number };
type Figures = {
  currency: string;
  categories: Record<string, Agg>;
  forecast: { closed: Agg; commit: Agg; best_case: Agg; pipeline: Agg };
  weighted: number;
  stage_conversion: number;
  adjustments: Array<{ category: string; system: number; amount: number; note: string | null }>;
};
type ForecastBody = {
  data: {
    period: { start: string; end: string };
    totals: Figures[];
    rows: Array<{ owner_id: string; figures: Figures[] }>;
    conversion_rates: Array<{ stage: string; rate: number | null; won: number; lost: number }>;
  };
};

let built: BuiltApp;
let tenantId: string;
let admin: Client;
let mgrEast: Client;
let mgrWest: Client;
let repA: Client; // East-1 (below East)
let repB: Client; // East
let repW: Client; // West
let east: string;
let east1: string;
let west: string;
let pipelineId: string;
const ids: Record<string, string> = {};

const conforms = <T = Record<string, unknown>>(
  method: string,
  route: string,
  res: LightMyRequestResponse,
  status: number,
): T => conformsTo<T>(built.app, method, route, res, status);

/** The field named by a 4xx answer. */
function badField(method: string, route: string, res: LightMyRequestResponse, status: number): string[] {
  return conforms<ErrBody>(method, route, res, status).error.details.map((d) => d.field);
}

const F = '/api/v1/sales/forecast';
const exec = (q: ReturnType<typeof sql>) => q.execute(built.platform.db.kysely);

async function dept(name: string, parent: string | null): Promise<string> {
  const res = await admin.post('/api/v1/admin/departments', { name, parent_id: parent });
  expect(res.statusCode, res.body).toBe(201);
  return json<{ data: { id: string } }>(res).data.id;
}

interface Seed {
  key: string;
  owner: Client;
  stage: string;
  amount: number;
  currency?: string;
  close: string;
  closedAt?: string;
  createdAt?: string;
  probability?: number;
  category?: string;
  reason?: string;
  history?: Array<[string, string]>;
}

async function seed(s: Seed): Promise<void> {
  const id = newId();
  ids[s.key] = id;
  const account = newId();
  await exec(
    sql`insert into account (tenant_id, id, name, owner_id) values (${tenantId}, ${account}, ${`客户${s.key}`}, ${s.owner.userId})`,
  );
  await exec(sql`insert into opportunity (tenant_id, id, owner_id, name, account_id, pipeline_id, stage, amount, amount_currency,
      close_date, probability, forecast_category, close_reason, closed_at, created_at)
    values (${tenantId}, ${id}, ${s.owner.userId}, ${s.key}, ${account}, ${pipelineId}, ${s.stage}, ${s.amount}, ${s.currency ?? 'CNY'},
      ${s.close}::date, ${s.probability ?? null}, ${s.category ?? null}, ${s.reason ?? null}, ${s.closedAt ?? null}::timestamptz,
      ${s.createdAt ?? '2026-03-01T02:00:00Z'}::timestamptz)`);
  for (const [stage, at] of s.history ?? [])
    await exec(sql`insert into opportunity_stage_history (tenant_id, id, opportunity_id, pipeline_id, stage, entered_at)
      values (${tenantId}, ${newId()}, ${id}, ${pipelineId}, ${stage}, ${at}::timestamptz)`);
}

beforeAll(async () => {
  built = await testApp();
  const t = await newTenant(built);
  tenantId = t.tenantId;
  admin = await login(built.app, t.adminEmail);
  east = await dept('华东大区', null);
  east1 = await dept('上海组', east);
  west = await dept('华西大区', null);
  mgrEast = await userWithRole(admin, 'sales_manager', east);
  mgrWest = await userWithRole(admin, 'sales_manager', west);
  repA = await userWithRole(admin, 'sales_rep', east1);
  repB = await userWithRole(admin, 'sales_rep', east);
  repW = await userWithRole(admin, 'sales_rep', west);

  pipelineId = newId();
  await exec(sql`insert into sales_pipeline (tenant_id, id, name, type, is_default)
    values (${tenantId}, ${pipelineId}, ${JSON.stringify({ 'zh-CN': '测试流程', 'en-US': 'Test' })}::jsonb, 'new', true)`);
  const stages: Array<[string, number, string, number, string]> = [
    ['discovery', 1, 'active', 10, 'pipeline'],
    ['solution', 2, 'active', 50, 'best_case'],
    ['negotiation', 3, 'active', 75, 'commit'],
    ['won', 4, 'won', 100, 'closed'],
    ['lost', 5, 'lost', 0, 'omitted'],
    ['invalid', 6, 'invalid', 0, 'omitted'],
  ];
  for (const [key, position, type, probability, category] of stages)
    await exec(sql`insert into sales_stage (tenant_id, pipeline_id, key, name, position, type, probability, forecast_category)
      values (${tenantId}, ${pipelineId}, ${key}, ${JSON.stringify({ 'zh-CN': key, 'en-US': key })}::jsonb, ${position}, ${type}, ${probability}, ${category})`);

  // March 2026 (Asia/Shanghai)
  await seed({ key: 'A1', owner: repA, stage: 'solution', amount: 100_000, close: '2026-03-15' });
  await seed({
    key: 'A2',
    owner: repA,
    stage: 'negotiation',
    amount: 200_000,
    close: '2026-03-20',
    probability: 80,
  });
  await seed({
    key: 'A3',
    owner: repA,
    stage: 'won',
    amount: 50_000,
    close: '2026-03-05',
    closedAt: '2026-03-05T02:00:00Z',
  });
  await seed({
    key: 'A4',
    owner: repA,
    stage: 'discovery',
    amount: 40_000,
    currency: 'USD',
    close: '2026-03-25',
  });
  await seed({
    key: 'A5',
    owner: repA,
    stage: 'lost',
    amount: 70_000,
    close: '2026-03-10',
    closedAt: '2026-03-08T02:00:00Z',
  });
  await seed({ key: 'A6', owner: repA, stage: 'solution', amount: 999_000, close: '2026-04-10' });
  await seed({
    key: 'B1',
    owner: repB,
    stage: 'negotiation',
    amount: 300_000,
    close: '2026-03-31',
    category: 'best_case',
  });
  // won at 01:00 on 1 March in Shanghai (still 28 February in UTC): March's
  await seed({
    key: 'B2',
    owner: repB,
    stage: 'won',
    amount: 120_000,
    close: '2026-02-28',
    closedAt: '2026-02-28T17:00:00Z',
  });
  await seed({ key: 'W1', owner: repW, stage: 'negotiation', amount: 500_000, close: '2026-03-12' });
  // history (October 2025): solution → won 2 of 3, negotiation → won 1 of 2
  const oct = (d: number) => `2025-10-${String(d).padStart(2, '0')}T02:00:00Z`;
  await seed({
    key: 'H1',
    owner: repW,
    stage: 'won',
    amount: 100_000,
    close: '2025-10-15',
    closedAt: oct(15),
    createdAt: oct(5),
    history: [
      ['discovery', oct(5)],
      ['solution', oct(8)],
      ['won', oct(15)],
    ],
  });
  await seed({
    key: 'H2',
    owner: repW,
    stage: 'lost',
    amount: 80_000,
    close: '2025-10-20',
    closedAt: oct(20),
    createdAt: oct(5),
    reason: '预算',
    history: [
      ['solution', oct(6)],
      ['lost', oct(20)],
    ],
  });
  await seed({
    key: 'H3',
    owner: repW,
    stage: 'won',
    amount: 60_000,
    close: '2025-10-25',
    closedAt: oct(25),
    createdAt: oct(5),
    history: [
      ['solution', oct(6)],
      ['negotiation', oct(10)],
      ['won', oct(25)],
    ],
  });
  await seed({
    key: 'H4',
    owner: repW,
    stage: 'lost',
    amount: 90_000,
    close: '2025-10-28',
    closedAt: oct(28),
    createdAt: oct(5),
    reason: '价格',
    history: [
      ['negotiation', oct(7)],
      ['lost', oct(28)],
    ],
  });
  await seed({
    key: 'H5',
    owner: repW,
    stage: 'invalid',
    amount: 10_000,
    close: '2025-10-28',
    closedAt: oct(9),
    createdAt: oct(5),
    reason: '重复',
    history: [
      ['discovery', oct(5)],
      ['invalid', oct(9)],
    ],
  });
}, 60_000);
afterAll(async () => built.close());

const march = `${F}?period=month&start=2026-03-01&asOf=2026-03-10`;
const rowOf = (b: ForecastBody, c: Client) => b.data.rows.find((r) => r.owner_id === c.userId)?.figures;

describe('forecast', () => {
  it('computes categories, weighted and stage-conversion figures per rep and currency', async () => {
    const b = conforms<ForecastBody>('GET', F, await admin.get(march), 200);
    expect(b.data.period).toMatchObject({ start: '2026-03-01', end: '2026-03-31' });
    expect(b.data.conversion_rates.find((r) => r.stage === 'solution')).toMatchObject({
      won: 2,
      lost: 1,
      rate: 0.6667,
    });
    expect(b.data.conversion_rates.find((r) => r.stage === 'negotiation')).toMatchObject({
      won: 1,
      lost: 1,
      rate: 0.5,
    });
    const a = rowOf(b, repA);
    expect(a?.map((f) => f.currency)).toEqual(['CNY', 'USD']);
    expect(a?.[0]).toMatchObject({
      categories: {
        pipeline: { count: 0, amount: 0 },
        best_case: { count: 1, amount: 100_000 },
        commit: { count: 1, amount: 200_000 },
        closed: { count: 1, amount: 50_000 },
      },
      forecast: {
        closed: { count: 1, amount: 50_000 },
        commit: { count: 2, amount: 250_000 },
        best_case: { count: 3, amount: 350_000 },
        pipeline: { count: 2, amount: 300_000 },
      },
      weighted: 210_000, // 100 000 × 50 % + 200 000 × 80 %
      stage_conversion: 166_670, // 100 000 × 0.6667 + 200 000 × 0.5
    });
    // discovery: H1 won, H5 invalid (left out) → rate 1
    expect(a?.[1]).toMatchObject({ currency: 'USD', weighted: 4_000, stage_conversion: 40_000 });
    expect(a?.[1]?.forecast.pipeline).toEqual({ count: 1, amount: 40_000 });
    const bRow = rowOf(b, repB)?.[0];
    expect(bRow?.forecast).toMatchObject({ closed: { amount: 120_000 }, best_case: { amount: 420_000 } });
    expect(bRow).toMatchObject({ weighted: 225_000, stage_conversion: 150_000 });
    expect(b.data.totals[0]?.forecast.commit).toEqual({ count: 4, amount: 870_000 });
  });

  it('keeps to the record scope: a rep sees own, a manager the subtree', async () => {
    const a = conforms<ForecastBody>('GET', F, await repA.get(march), 200);
    expect(a.data.rows.map((r) => r.owner_id)).toEqual([repA.userId]);
    const m = conforms<ForecastBody>('GET', F, await mgrEast.get(march), 200);
    expect(m.data.rows.map((r) => r.owner_id).sort()).toEqual([repA.userId, repB.userId].sort());
    expect(m.data.totals[0]).toMatchObject({
      forecast: {
        closed: { count: 2, amount: 170_000 },
        commit: { count: 3, amount: 370_000 },
        best_case: { count: 5, amount: 770_000 },
        pipeline: { count: 3, amount: 600_000 },
      },
      weighted: 435_000,
      stage_conversion: 316_670,
    });
    const sub = conforms<ForecastBody>('GET', F, await mgrEast.get(`${march}&department_id=${east1}`), 200);
    expect(sub.data.rows.map((r) => r.owner_id)).toEqual([repA.userId]);
    expect(
      conforms<ErrBody>('GET', F, await repA.get(`${march}&owner_id=${repB.userId}`), 403).error.code,
    ).toBe('forbidden');
    conforms('GET', F, await repA.get(`${march}&department_id=${east}`), 403);
    conforms('GET', F, await mgrEast.get(`${march}&department_id=${west}`), 403);
    conforms('GET', F, await mgrEast.get(`${march}&owner_id=${repW.userId}`), 403);
  });

  it('names the field of bad input', async () => {
    expect(badField('GET', F, await admin.get(`${F}?period=week`), 400)).toEqual(['period']);
    expect(badField('GET', F, await admin.get(`${F}?period=month&start=2026-03-15`), 400)).toEqual(['start']);
    expect(badField('GET', F, await admin.get(`${F}?period=quarter&start=2026-02-01`), 400)).toEqual([
      'start',
    ]);
    expect(badField('GET', F, await admin.get(`${F}?period=month&start=2026-13-01`), 400)).toEqual(['start']);
    expect(badField('GET', F, await admin.get(`${F}?period=month&asOf=yesterday`), 400)).toEqual(['asOf']);
    expect(badField('GET', F, await admin.get(`${F}?period=month&owner_id=${newId()}`), 422)).toEqual([
      'owner_id',
    ]);
    expect(badField('GET', F, await admin.get(`${F}?period=month&owner_id=nobody`), 422)).toEqual([
      'owner_id',
    ]);
    expect(badField('GET', F, await admin.get(`${F}?period=month&department_id=${newId()}`), 422)).toEqual([
      'department_id',
    ]);
  });
});

describe('submissions and adjustments', () => {
  const S = `${F}/submissions`;
  const A = `${F}/adjustments`;
  it('stores a rep submission with the system figures of the moment', async () => {
    const res = await repA.post(S, {
      period: 'month',
      start: '2026-03-01',
      commit: 260_000,
      best_case: 360_000,
      note: '稳',
    });
    const b = conforms<{ data: { user_id: string; figures: Figures[]; submitted_commit: number } }>(
      'POST',
      S,
      res,
      201,
    );
    expect(b.data).toMatchObject({ user_id: repA.userId, submitted_commit: 260_000 });
    expect(b.data.figures[0]?.forecast.commit.amount).toBe(250_000);
    conforms(
      'POST',
      S,
      await repA.post(S, {
        period: 'month',
        start: '2026-03-01',
        commit: 1,
        best_case: 1,
        department_id: east,
      }),
      403,
    );
    const d = await mgrEast.post(S, {
      period: 'month',
      start: '2026-03-01',
      commit: 400_000,
      best_case: 800_000,
      department_id: east,
    });
    const db = conforms<{ data: { department_id: string; figures: Figures[] } }>('POST', S, d, 201);
    expect(db.data.figures[0]?.forecast.commit.amount).toBe(370_000);
    conforms(
      'POST',
      S,
      await mgrEast.post(S, {
        period: 'month',
        start: '2026-03-01',
        commit: 1,
        best_case: 1,
        department_id: west,
      }),
      403,
    );
    expect(
      badField(
        'POST',
        S,
        await repA.post(S, { period: 'month', start: '2026-03-01', commit: -1, best_case: 1 }),
        400,
      ),
    ).toEqual(['commit']);
    expect(
      badField(
        'POST',
        S,
        await repA.post(S, { period: 'month', start: '2026-03-02', commit: 1, best_case: 1 }),
        400,
      ),
    ).toEqual(['start']);
  });

  it('lets managers adjust within their departments and shows the adjustment next to the system figure', async () => {
    const body = {
      owner_id: repA.userId,
      period: 'month',
      start: '2026-03-01',
      category: 'commit',
      amount: 280_000,
      note: '大单提前',
    };
    conforms('POST', A, await repA.post(A, body), 403);
    conforms('POST', A, await mgrWest.post(A, body), 403);
    conforms('POST', A, await mgrEast.post(A, { ...body, owner_id: repW.userId }), 403);
    expect(badField('POST', A, await mgrEast.post(A, { ...body, owner_id: undefined }), 400)).toEqual([
      'owner_id',
    ]);
    expect(badField('POST', A, await mgrEast.post(A, { ...body, category: 'closed' }), 400)).toEqual([
      'category',
    ]);
    expect(badField('POST', A, await mgrEast.post(A, { ...body, owner_id: newId() }), 422)).toEqual([
      'owner_id',
    ]);
    conforms('POST', A, await mgrEast.post(A, { ...body, amount: 270_000 }), 201);
    conforms('POST', A, await mgrEast.post(A, body), 201); // the latest one applies
    conforms(
      'POST',
      A,
      await mgrEast.post(A, {
        department_id: east,
        period: 'month',
        start: '2026-03-01',
        category: 'best_case',
        amount: 800_000,
      }),
      201,
    );
    const f = conforms<ForecastBody>('GET', F, await mgrEast.get(march), 200);
    expect(rowOf(f, repA)?.[0]?.adjustments).toEqual([
      expect.objectContaining({ category: 'commit', system: 250_000, amount: 280_000, note: '大单提前' }),
    ]);
    expect(f.data.totals[0]?.adjustments).toEqual([]);
    const d = conforms<ForecastBody>('GET', F, await mgrEast.get(`${march}&department_id=${east}`), 200);
    expect(d.data.totals[0]?.adjustments).toEqual([
      expect.objectContaining({ category: 'best_case', system: 770_000, amount: 800_000 }),
    ]);
  });
});

describe('snapshots and accuracy', () => {
  const run = async (asOf: string) => {
    const res = await admin.post('/api/v1/admin/jobs/sales.forecast_snapshot/run', { as_of: asOf });
    expect(res.statusCode, res.body).toBeLessThan(300);
    return json<{ data: { status: string; result: Record<string, unknown> } }>(res).data;
  };
  const ACC = `${F}/accuracy`;

  it('takes weekly snapshots once per week', async () => {
    const first = await run('2026-03-10');
    // (3 owners + 4 departments, the tenant's root one too) × month and quarter × current and next
    expect(first.result).toMatchObject({ taken_on: '2026-03-09', inserted: 28, skipped: 0 });
    expect((await run('2026-03-12')).result).toMatchObject({
      taken_on: '2026-03-09',
      inserted: 0,
      skipped: 28,
    });
  });

  it('compares snapshots and submissions with closed-won after the period', async () => {
    // A2 is won late in March
    await exec(
      sql`update opportunity set stage = 'won', closed_at = '2026-03-28T04:00:00Z' where tenant_id = ${tenantId} and id = ${ids.A2}`,
    );
    type Acc = { data: { period_closed: boolean; rows: Array<Record<string, unknown>> } };
    const b = conforms<Acc>(
      'GET',
      ACC,
      await mgrEast.get(`${ACC}?period=month&start=2026-03-01&asOf=2026-04-02`),
      200,
    );
    expect(b.data.period_closed).toBe(true);
    const snapA = b.data.rows.find(
      (r) => r.kind === 'snapshot' && r.user_id === repA.userId && r.currency === 'CNY',
    );
    expect(snapA).toMatchObject({
      commit: 250_000,
      weighted: 210_000,
      actual_won: 250_000,
      commit_error_pct: 0,
      weighted_error_pct: -16,
    });
    const subA = b.data.rows.find(
      (r) => r.kind === 'submission' && r.user_id === repA.userId && r.currency === 'CNY',
    );
    expect(subA).toMatchObject({ commit: 260_000, system_commit: 250_000, commit_error_pct: 4 });
    const eastSnap = b.data.rows.find(
      (r) => r.kind === 'snapshot' && r.department_id === east && r.currency === 'CNY',
    );
    expect(eastSnap).toMatchObject({ commit: 370_000, actual_won: 370_000, commit_error_pct: 0 });
    expect(b.data.rows.some((r) => r.user_id === repW.userId)).toBe(false);
    const mine = conforms<Acc>(
      'GET',
      ACC,
      await repA.get(`${ACC}?period=month&start=2026-03-01&asOf=2026-04-02`),
      200,
    );
    expect(new Set(mine.data.rows.map((r) => r.user_id))).toEqual(new Set([repA.userId]));
    const running = conforms<Acc>(
      'GET',
      ACC,
      await repA.get(`${ACC}?period=month&start=2026-03-01&asOf=2026-03-20`),
      200,
    );
    expect(running.data.period_closed).toBe(false);
    expect(badField('GET', ACC, await repA.get(`${ACC}?period=month&start=March`), 400)).toEqual(['start']);
  });
});

describe('targets and attainment', () => {
  const T = '/api/v1/sales/targets';
  const AT = `${T}/attainment`;
  type Targets = { data: Array<{ id: string; amount: number; user_id: string | null }> };
  it('upserts in bulk (managers, within their departments), names bad fields, changes nothing on error', async () => {
    const items = [
      { user_id: repA.userId, period: 'month', start: '2026-03-01', amount: 500_000, new_customers: 2 },
      { department_id: east, period: 'quarter', start: '2026-01-01', amount: 1_000_000 },
    ];
    const first = conforms<Targets>('PUT', T, await mgrEast.put(T, { targets: items }), 200);
    expect(first.data).toHaveLength(2);
    conforms('PUT', T, await repA.put(T, { targets: items }), 403);
    conforms('PUT', T, await mgrEast.put(T, { targets: [{ ...items[0], user_id: repW.userId }] }), 403);
    expect(
      badField(
        'PUT',
        T,
        await mgrEast.put(T, {
          targets: [
            { ...items[0], amount: 1 },
            { ...items[0], start: '2026-03-02', user_id: newId() },
          ],
        }),
        422,
      ),
    ).toEqual(['targets.1.user_id', 'targets.1.start']);
    expect(
      badField('PUT', T, await mgrEast.put(T, { targets: [{ ...items[0], period: 'week' }] }), 400),
    ).toEqual(['targets.0.period']);
    const again = conforms<Targets>(
      'PUT',
      T,
      await mgrEast.put(T, { targets: [{ ...items[0], amount: 400_000 }] }),
      200,
    );
    expect(again.data[0]).toMatchObject({
      id: first.data.find((x) => x.user_id === repA.userId)?.id,
      amount: 400_000,
    });
    const mine = conforms<Targets>('GET', T, await repA.get(`${T}?year=2026`), 200);
    expect(mine.data.map((x) => x.amount)).toEqual([400_000]);
    expect(conforms<Targets>('GET', T, await mgrEast.get(`${T}?year=2026`), 200).data).toHaveLength(2);
    expect(conforms<Targets>('GET', T, await mgrWest.get(`${T}?year=2026`), 200).data).toHaveLength(0);
    expect(badField('GET', T, await repA.get(`${T}?year=twenty`), 400)).toEqual(['year']);
  });

  it('computes attainment, new customers and pipeline coverage', async () => {
    await exec(sql`insert into account (tenant_id, id, name, owner_id, won_at)
      values (${tenantId}, ${newId()}, '新客户甲', ${repA.userId}, '2026-03-05T03:00:00Z'),
             (${tenantId}, ${newId()}, '二月客户', ${repA.userId}, '2026-02-27T03:00:00Z')`);
    type Att = { data: { rows: Array<Record<string, unknown>> } };
    const m = conforms<Att>('GET', AT, await mgrEast.get(`${AT}?period=month&start=2026-03-01`), 200);
    expect(m.data.rows).toEqual([
      expect.objectContaining({
        user_id: repA.userId,
        target: 400_000,
        won: 250_000, // A3 + A2 (won late March)
        percent: 62.5,
        new_customers_target: 2,
        new_customers: 1,
        new_customers_percent: 50,
        open_pipeline: 100_000, // A1 (A4 is in USD)
        remaining: 150_000,
        coverage: 0.67,
      }),
    ]);
    const q = conforms<Att>('GET', AT, await mgrEast.get(`${AT}?period=quarter&start=2026-01-01`), 200);
    // the East subtree won A3 + A2 + B2 in the quarter; B1 is open
    expect(q.data.rows[0]).toMatchObject({
      department_id: east,
      won: 370_000,
      percent: 37,
      open_pipeline: 400_000,
      coverage: 0.63,
    });
    expect(badField('GET', AT, await mgrEast.get(`${AT}?period=year&start=2026-02-01`), 400)).toEqual([
      'start',
    ]);
  });
});

describe('funnel', () => {
  const FU = '/api/v1/sales/funnel';
  type Funnel = {
    data: {
      deals: number;
      invalid: number;
      steps: Array<{ stage: string; count: number; conversion: number | null }>;
      win_rate: { won: number; lost: number; rate: number | null };
      average_cycle_days: number | null;
      loss_reasons: Array<{ reason: string; count: number }>;
      by_owner: Array<{ owner_id: string; deals: number }>;
    };
  };
  it('shows how far the deals of a range got, win rate, cycle and loss reasons', async () => {
    const url = `${FU}?from=2025-10-01&to=2025-10-31&pipeline_id=${pipelineId}`;
    const b = conforms<Funnel>('GET', FU, await admin.get(url), 200);
    expect(b.data.deals).toBe(4);
    expect(b.data.invalid).toBe(1);
    expect(b.data.steps.map((s) => [s.stage, s.count, s.conversion])).toEqual([
      ['discovery', 4, null],
      ['solution', 4, 1],
      ['negotiation', 3, 0.75],
      ['won', 2, 0.6667],
    ]);
    expect(b.data.win_rate).toEqual({ won: 2, lost: 2, rate: 0.5 });
    expect(b.data.average_cycle_days).toBe(15);
    expect(b.data.loss_reasons.map((r) => [r.reason, r.count]).sort()).toEqual(
      [
        ['价格', 1],
        ['预算', 1],
      ].sort(),
    );
    expect(b.data.by_owner).toEqual([expect.objectContaining({ owner_id: repW.userId, deals: 4 })]);
    const east = conforms<Funnel>('GET', FU, await mgrEast.get(url), 200);
    expect(east.data.deals).toBe(0);
    conforms('GET', FU, await mgrEast.get(`${url}&owner_id=${repW.userId}`), 403);
    expect(badField('GET', FU, await admin.get(`${FU}?from=2025-13-01&to=2025-10-31`), 400)).toEqual([
      'from',
    ]);
    expect(
      badField('GET', FU, await admin.get(`${FU}?from=2025-10-01&to=2025-10-31&pipeline_id=${newId()}`), 422),
    ).toEqual(['pipeline_id']);
  });
});

describe('OpenAPI', () => {
  it('documents the routes with their named response schemas', async () => {
    const doc = json<{ paths: Record<string, unknown>; components: { schemas: Record<string, unknown> } }>(
      await admin.get('/api/openapi.json'),
    );
    for (const p of [
      'forecast',
      'forecast/submissions',
      'forecast/adjustments',
      'forecast/accuracy',
      'targets',
      'targets/attainment',
      'funnel',
    ])
      expect(doc.paths[`/api/v1/sales/${p}`], p).toBeDefined();
    for (const name of ['Forecast', 'ForecastAccuracy', 'SalesTarget', 'TargetAttainment', 'SalesFunnel'])
      expect(doc.components.schemas[name], name).toBeDefined();
  });
});
