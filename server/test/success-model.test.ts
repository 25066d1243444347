// The renewal-probability model (issue 8, docs/HEALTH.md "Renewal-probability model"): training on
// planted due-renewal outcomes whose signal is the health trend (the score level says nothing),
// the time split's metrics beside the score-only baseline, the counted skips and exclusions,
// probabilities written into the weekly snapshots, not_enough_history, permissions and bad input.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import crypto from 'node:crypto';
import { sql } from 'kysely';
import type { BuiltApp } from '../src/app.ts';
import { TenantDb } from '../src/platform/db/tenant-db.ts';
import { addDaysIso, mondayOf } from '../src/modules/success/health.rules.ts';
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

type Err = { error: { code: string; key: string; details: { field: string }[] } };

let built: BuiltApp;
let t: TestTenant;
let admin: Client;
let csm1: Client;
let csm2: Client;
let director: Client;
let rep: Client;

const AS_OF = '2026-06-01'; // a Monday: the weekly run scores 2026-05-25 … 2026-05-31
const WEEK = '2026-05-25';
const N = 60;

interface Planted {
  id: string;
  due: string;
  level: number;
  renewed: boolean;
}
const planted: Planted[] = [];
const extra: Record<string, string> = {};

const tdb = (): TenantDb => TenantDb.for(built.platform.db, t.tenantId);

async function due(accountId: string, dueDate: string, status: string): Promise<void> {
  await tdb().exec0(sql`insert into due_renewal (tenant_id, id, account_id, due_date,
      due_arr, due_arr_currency, renewed_arr_currency, renewed_arr_finance_currency, status)
    values (${t.tenantId}, gen_random_uuid(), ${accountId}, ${dueDate}::date, 1000000, 'CNY', 'CNY', 'CNY', ${status})`);
}

async function snapshot(accountId: string, week: string, score: number | null): Promise<void> {
  const dims =
    score === null
      ? {}
      : Object.fromEntries(
          ['module_usage', 'instance_ratio', 'activation_rate', 'login_rate', 'bi_usage'].map((d) => [
            d,
            { raw: null, score, weight: 20 },
          ]),
        );
  await tdb()
    .exec0(sql`insert into health_snapshot (tenant_id, account_id, week_start, model_version, score, status,
      dimensions, probability)
    values (${t.tenantId}, ${accountId}, ${week}::date, 0, ${score}, ${score === null ? 'no_data' : 'sub_healthy'},
      ${JSON.stringify(dims)}::jsonb, ${score === null ? null : score / 100})`);
}

async function usage(accountId: string, from: string, days: number, login7d: number): Promise<void> {
  await tdb().exec0(sql`insert into usage_daily (tenant_id, account_id, day, purchased_seats, activated_seats,
      logged_in_users_7d, bi_users_7d, module_records)
    select ${t.tenantId}, ${accountId}, g::date, 20, 18, ${login7d}, 6, '{"account": 2, "contract": 1}'::jsonb
    from generate_series(${from}::date, ${from}::date + ${days - 1}::int, interval '1 day') g`);
}

async function accounts(names: string[], csm: (i: number) => string | null): Promise<string[]> {
  const r = await admin.post('/api/v1/objects/account/bulk', {
    action: 'create',
    records: names.map((name, i) => ({ name, csm_id: csm(i) })),
  });
  expect(r.statusCode, r.body).toBeLessThan(300);
  return json<{ data: { id: string }[] }>(r).data.map((x) => x.id);
}

/**
 * The first planted customer (due 2025-01-06, features on 2024-10-08, Asia/Shanghai): two traffic
 * lights in the 90 days before (one a day before), one before that window and one on the day
 * itself (neither counts); NPS answers 3 and 6 within the year before (mean 4.5), one older and one
 * CSAT answer (neither counts).
 */
async function lightsAndNps(accountId: string): Promise<void> {
  for (const at of ['2024-07-09 12:00', '2024-09-20 10:00', '2024-10-07 23:30', '2024-10-08 09:00'])
    await tdb()
      .exec0(sql`insert into traffic_light (tenant_id, id, account_id, color, reason, subject, created_at)
      values (${t.tenantId}, gen_random_uuid(), ${accountId}, 'red', 'other', '按灯', (${at}::timestamp at time zone 'Asia/Shanghai'))`);
  const contact = json<{ data: { id: string } }>(
    await admin.post('/api/v1/objects/contact', { name: '关键用户', account_id: accountId }),
  ).data.id;
  const answers: [string, string, number][] = [
    ['nps', '2023-10-01 10:00', 0],
    ['nps', '2024-05-01 10:00', 3],
    ['nps', '2024-09-01 10:00', 6],
    ['csat', '2024-09-02 10:00', 1],
  ];
  for (const [kind, at, score] of answers) {
    const survey = json<{ data: { id: string } }>(
      await admin.post('/api/v1/objects/survey', { name: `${kind} ${at}`, kind }),
    ).data.id;
    const inv = crypto.randomUUID();
    await tdb()
      .exec0(sql`insert into survey_invitation (tenant_id, id, survey_id, round, account_id, contact_id, email,
        token_hash, expires_at)
      values (${t.tenantId}, ${inv}, ${survey}, ${at.slice(0, 7)}, ${accountId}, ${contact}, 'k@example.test', ${inv}, now())`);
    await tdb()
      .exec0(sql`insert into survey_response (tenant_id, id, survey_id, invitation_id, round, kind, account_id,
        contact_id, score, category, submitted_at)
      values (${t.tenantId}, gen_random_uuid(), ${survey}, ${inv}, ${at.slice(0, 7)}, ${kind}, ${accountId}, ${contact},
        ${score}, ${kind === 'nps' ? 'detractor' : 'dissatisfied'}, (${at}::timestamp at time zone 'Asia/Shanghai'))`);
  }
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

  // 60 decided renewals, one a week from 2025-01-06. The planted signal: renewed customers' scores
  // were rising (+8 over 4 weeks, +10 over 13), churned ones falling (−12, −20); the level itself
  // (30 … 79) is unrelated to the outcome.
  const ids = await accounts(
    Array.from({ length: N }, (_, i) => `续费模型客户${i}有限公司`),
    (i) => (i % 2 === 0 ? csm1.userId : csm2.userId),
  );
  for (let i = 0; i < N; i++) {
    const id = ids[i] as string;
    const dueDate = addDaysIso('2025-01-06', 7 * i);
    const level = 30 + ((i * 37) % 50);
    const renewed = (i * 7) % 10 < 5;
    planted.push({ id, due: dueDate, level, renewed });
    await due(id, dueDate, renewed ? 'renewed' : 'churned');
    const week = mondayOf(addDaysIso(dueDate, -97));
    await snapshot(id, week, level);
    await snapshot(id, addDaysIso(week, -28), renewed ? level - 8 : level + 12);
    await snapshot(id, addDaysIso(week, -91), renewed ? level - 10 : level + 20);
  }
  const [x1, x2, x3, x4, x5, x6, p1, p2, p3] = await accounts(
    ['无快照', '快照过旧', '无数据', '已调整', '未到期', '到期晚于训练日', 'P1', 'P2', 'P3'],
    () => csm1.userId,
  );
  Object.assign(extra, { x1, x2, x3, x4, x5, x6, p1, p2, p3 });
  await lightsAndNps(planted[0]?.id as string);
  // skipped: no snapshot at all; a snapshot older than 26 weeks before the feature date
  await due(x1 as string, '2025-06-02', 'churned');
  await due(x2 as string, '2025-09-01', 'churned');
  await snapshot(x2 as string, mondayOf(addDaysIso('2025-09-01', -97 - 190)), 55);
  // skipped: the snapshot then had no score (no telemetry)
  await due(x3 as string, '2025-08-04', 'renewed');
  await snapshot(x3 as string, mondayOf(addDaysIso('2025-08-04', -97)), null);
  // not outcomes: adjusted, still upcoming, due after as_of
  await due(x4 as string, '2025-07-07', 'adjusted');
  await snapshot(x4 as string, mondayOf(addDaysIso('2025-07-07', -97)), 50);
  await due(x5 as string, '2026-08-03', 'upcoming');
  await due(x6 as string, '2026-07-06', 'renewed');
  await snapshot(x6 as string, mondayOf(addDaysIso('2026-07-06', -97)), 50);
  // customers the weekly run scores (window 2026-05-04 … 2026-05-31); P1 scored 99 four weeks earlier
  await usage(p1 as string, '2026-05-04', 28, 15);
  await usage(p2 as string, '2026-05-04', 28, 3);
  await usage(p3 as string, '2026-05-04', 28, 10);
  await snapshot(p1 as string, addDaysIso(WEEK, -28), 99);
});

afterAll(async () => {
  await built?.close();
});

interface Evaluation {
  n: number;
  positives: number;
  auc: number | null;
  accuracy: number | null;
  brier: number | null;
  calibration: { count: number; mean_predicted: number | null; observed_rate: number | null }[];
}
interface Metrics {
  examples: number;
  renewed: number;
  churned: number;
  skipped_no_snapshot: number;
  skipped_no_score: number;
  split_date: string | null;
  train: { n: number; positives: number; from: string | null; to: string | null };
  test: { n: number; positives: number; from: string | null; to: string | null };
  model: Evaluation;
  baseline: Evaluation;
  fit: { converged: boolean };
  features_missing: string[];
}
interface Model {
  version: number;
  as_of: string;
  metrics: Metrics;
  intercept: number;
  features: { name: string; weight: number; mean: number; scale: number }[];
}
interface Probability {
  account_id: string;
  week_start: string | null;
  probability: number | null;
  source: 'model' | 'score' | null;
  factors: { feature: string; contribution: number; direction: string }[] | null;
}

const runWeekly = async () => {
  const r = await admin.post('/api/v1/admin/jobs/success.weekly/run', { as_of: AS_OF });
  expect(r.statusCode, r.body).toBe(200);
  return json<{ data: { status: string; result: { probabilities: Record<string, unknown> } } }>(r).data;
};

const prob = async (c: Client, id: string) =>
  conformsTo<{ data: Probability }>(
    built.app,
    'GET',
    '/api/v1/accounts/:id/renewal-probability',
    await c.get(`/api/v1/accounts/${id}/renewal-probability`),
    200,
  ).data;

/** Pairwise AUC, the definition (independent of the rank formula the service uses). */
function pairwiseAuc(scores: number[], labels: boolean[]): number {
  let sum = 0;
  let pairs = 0;
  scores.forEach((s, i) =>
    scores.forEach((u, j) => {
      if (labels[i] && !labels[j]) {
        pairs++;
        sum += s > u ? 1 : s === u ? 0.5 : 0;
      }
    }),
  );
  return sum / pairs;
}

describe('before any training', () => {
  it('the model is data: null and the weekly run keeps score ÷ 100 without factors', async () => {
    const m = conformsTo<{ data: Model | null }>(
      built.app,
      'GET',
      '/api/v1/success/model',
      await admin.get('/api/v1/success/model'),
      200,
    );
    expect(m.data).toBeNull();
    const run = await runWeekly();
    expect(run.status).toBe('succeeded');
    expect(run.result.probabilities).toEqual({ week_start: WEEK, model_version: null, predicted: 0 });
    const p = await prob(admin, extra.p1 as string);
    const health = json<{ data: { latest: { score: number } } }>(
      await admin.get(`/api/v1/accounts/${extra.p1}/health`),
    );
    expect(p).toEqual({
      account_id: extra.p1,
      week_start: WEEK,
      probability: Math.round(health.data.latest.score * 100) / 10_000,
      source: 'score',
      factors: null,
    });
  });
});

describe('permissions and bad input', () => {
  it('only administrators and CS directors train', async () => {
    for (const c of [csm1, rep]) {
      const r = await c.post(`/api/v1/success/model/train?as_of=${AS_OF}`);
      expect(r.statusCode).toBe(403);
    }
    const n = await tdb().one(
      sql<{ n: number }>`select count(*)::int as n from renewal_model where tenant_id = ${t.tenantId}`,
    );
    expect(n?.n).toBe(0);
  });
  it('a bad as_of or id is a 422 naming it', async () => {
    const r = await admin.post('/api/v1/success/model/train?as_of=2026-02-30');
    expect(r.statusCode).toBe(422);
    expect(json<Err>(r).error.details.map((d) => d.field)).toEqual(['as_of']);
    const b = await admin.get('/api/v1/accounts/nope/renewal-probability');
    expect(b.statusCode).toBe(422);
    expect(json<Err>(b).error.details.map((d) => d.field)).toEqual(['id']);
  });
});

describe('training', () => {
  let trained: { version: number; metrics: Metrics; repredicted: Record<string, unknown> | null };

  it('a CS director trains: counts, time split, the model beats the score-only baseline', async () => {
    trained = conformsTo<{ data: typeof trained }>(
      built.app,
      'POST',
      '/api/v1/success/model/train',
      await director.post(`/api/v1/success/model/train?as_of=${AS_OF}`),
      200,
    ).data;
    const m = trained.metrics;
    expect(trained.version).toBe(1);
    expect(m).toMatchObject({
      examples: 60,
      renewed: 30,
      churned: 30,
      skipped_no_snapshot: 2,
      skipped_no_score: 1,
      features_missing: [],
    });
    // sorted by due date: the first 42 train, the last 18 test
    const test = planted.slice(42);
    expect(m.train).toEqual({ n: 42, positives: 21, from: '2025-01-06', to: planted[41]?.due });
    expect(m.test).toEqual({ n: 18, positives: 9, from: planted[42]?.due, to: planted[59]?.due });
    expect(m.split_date).toBe(planted[42]?.due);
    // the baseline: score ÷ 100 on the same 18 customers
    const labels = test.map((p) => p.renewed);
    const baseAuc = pairwiseAuc(
      test.map((p) => p.level),
      labels,
    );
    expect(m.baseline.auc).toBe(Math.round(baseAuc * 10_000) / 10_000);
    const baseRight = test.filter((p) => p.level >= 50 === p.renewed).length;
    expect(m.baseline.accuracy).toBe(Math.round((baseRight / 18) * 10_000) / 10_000);
    expect(m.baseline.calibration.reduce((s, b) => s + b.count, 0)).toBe(18);
    expect(m.baseline.calibration[3]?.count).toBe(test.filter((p) => p.level < 40).length);
    // the planted trend: the model ranks the test customers (near) perfectly, the level alone does not
    expect(m.model.auc).toBeGreaterThanOrEqual(0.9);
    expect(m.model.auc ?? 0).toBeGreaterThan((m.baseline.auc ?? 1) + 0.2);
    expect(m.model.accuracy).toBeGreaterThanOrEqual(0.8);
    expect(m.model.calibration.reduce((s, b) => s + b.count, 0)).toBe(18);
    expect(m.fit.converged).toBe(true);
    // the latest scored week got the new model's probabilities at once
    expect(trained.repredicted).toEqual({ week_start: WEEK, model_version: 1, predicted: 3 });
  });

  it('GET model shows the weights: rising scores raise the probability', async () => {
    const m = conformsTo<{ data: Model }>(
      built.app,
      'GET',
      '/api/v1/success/model',
      await rep.get('/api/v1/success/model'),
      200,
    ).data;
    expect(m.version).toBe(1);
    expect(m.as_of).toBe(AS_OF);
    expect(m.metrics).toEqual(trained.metrics);
    const w = Object.fromEntries(m.features.map((f) => [f.name, f.weight]));
    expect(w.trend_4w).toBeGreaterThan(0.5);
    expect(w.trend_13w).toBeGreaterThan(0.5);
    // nothing varies in ARR, tenure, work orders here: standardised to 0, weight 0
    expect(w.arr_log).toBe(0);
    expect(w.open_work_orders).toBe(0);
    // lights and NPS (one customer of 60, see lightsAndNps): 2 lights, answered, mean 4.5
    const mean = Object.fromEntries(m.features.map((f) => [f.name, f.mean]));
    expect(mean.lights_90d).toBeCloseTo(2 / 60, 4);
    expect(mean.nps_answered).toBeCloseTo(1 / 60, 4);
    expect(mean.nps_mean).toBeCloseTo(4.5 / 60, 4);
  });

  it('the weekly run writes the model probability and top factors into the snapshots', async () => {
    const m = json<{ data: Model }>(await admin.get('/api/v1/success/model')).data;
    const run = await runWeekly();
    expect(run.result.probabilities).toEqual({ week_start: WEEK, model_version: 1, predicted: 3 });
    const latest = json<{
      data: { latest: { score: number; dimensions: Record<string, { score: number }> } };
    }>(await admin.get(`/api/v1/accounts/${extra.p1}/health`)).data.latest;
    // P1's features on 2026-06-01: its week, a 4-week trend against the 99 planted, no 13-week
    // snapshot, no ARR, no subscription, and the work orders opened before that day (none: the
    // runs happen today, later)
    const d = latest.dimensions;
    const x: Record<string, number> = {
      score: latest.score,
      module_usage: d.module_usage?.score ?? 0,
      instance_ratio: d.instance_ratio?.score ?? 0,
      activation_rate: d.activation_rate?.score ?? 0,
      login_rate: d.login_rate?.score ?? 0,
      bi_usage: d.bi_usage?.score ?? 0,
      trend_4w: latest.score - 99,
      trend_13w: 0,
      arr_log: 0,
      tenure_months: 0,
      open_work_orders: 0,
      lights_90d: 0,
      nps_answered: 0,
      nps_mean: 0,
    };
    const eta = m.features.reduce(
      (s, f) => s + (f.weight * ((x[f.name] ?? 0) - f.mean)) / f.scale,
      m.intercept,
    );
    const expected = Math.round((1 / (1 + Math.exp(-eta))) * 10_000) / 10_000;
    const p = await prob(csm1, extra.p1 as string);
    expect(p.source).toBe('model');
    expect(p.week_start).toBe(WEEK);
    expect(p.probability).toBe(expected);
    // P1 fell 99 → 96: a falling trend is among its top factors, pulling down
    expect(p.factors).toHaveLength(3);
    expect(p.factors?.find((f) => f.feature === 'trend_4w')).toMatchObject({ direction: 'down' });
    const abs = (p.factors ?? []).map((f) => Math.abs(f.contribution));
    expect(abs).toEqual([...abs].sort((a, b) => b - a));
  });

  it('respects the account read scope', async () => {
    expect((await csm2.get(`/api/v1/accounts/${extra.p1}/renewal-probability`)).statusCode).toBe(404);
    expect((await rep.get(`/api/v1/accounts/${extra.p1}/renewal-probability`)).statusCode).toBe(404);
    // a customer never scored: nulls, not an error
    expect(await prob(csm1, extra.x5 as string)).toEqual({
      account_id: extra.x5,
      week_start: null,
      probability: null,
      source: null,
      factors: null,
    });
  });

  it('retraining stores the next version; an administrator may too', async () => {
    const r = json<{ data: { version: number } }>(
      await admin.post(`/api/v1/success/model/train?as_of=${AS_OF}`),
    );
    expect(r.data.version).toBe(2);
    const audit = await tdb().one(sql<{ n: number }>`select count(*)::int as n from audit_log
      where tenant_id = ${t.tenantId} and object = 'renewal_model'`);
    expect(audit?.n).toBe(2);
  });
});

describe('not enough history', () => {
  it('is a 409 not_enough_history and stores nothing; the monthly job says so without failing', async () => {
    const t2 = await newTenant(built);
    const admin2 = await login(built.app, t2.adminEmail);
    const [a] = json<{ data: { id: string }[] }>(
      await admin2.post('/api/v1/objects/account/bulk', { action: 'create', records: [{ name: '孤客户' }] }),
    ).data;
    const tdb2 = TenantDb.for(built.platform.db, t2.tenantId);
    await tdb2.exec0(sql`insert into due_renewal (tenant_id, id, account_id, due_date,
        due_arr, due_arr_currency, renewed_arr_currency, renewed_arr_finance_currency, status)
      values (${t2.tenantId}, gen_random_uuid(), ${a?.id}, '2025-06-02', 100, 'CNY', 'CNY', 'CNY', 'renewed')`);
    await tdb2.exec0(sql`insert into health_snapshot (tenant_id, account_id, week_start, model_version, score, status)
      values (${t2.tenantId}, ${a?.id}, '2025-02-17', 0, 80, 'healthy')`);
    const r = conformsTo<Err>(
      built.app,
      'POST',
      '/api/v1/success/model/train',
      await admin2.post(`/api/v1/success/model/train?as_of=${AS_OF}`),
      409,
    );
    expect(r.error.key).toBe('not_enough_history');
    expect(json<{ data: unknown }>(await admin2.get('/api/v1/success/model')).data).toBeNull();
    const job = json<{ data: { status: string; result: Record<string, unknown> } }>(
      await admin2.post('/api/v1/admin/jobs/success.model/run', { as_of: AS_OF }),
    ).data;
    expect(job.status).toBe('succeeded');
    expect(job.result).toMatchObject({
      trained: false,
      reason: 'not_enough_history',
      examples: 1,
      renewed: 1,
    });
  });

  it('the monthly job trains when there is enough', async () => {
    const job = json<{ data: { status: string; result: Record<string, unknown> } }>(
      await admin.post('/api/v1/admin/jobs/success.model/run', { as_of: AS_OF }),
    ).data;
    expect(job).toMatchObject({ status: 'succeeded', result: { trained: true, version: 3, examples: 60 } });
  });
});
