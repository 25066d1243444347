/**
 * Customer-success benchmarks (issue 8): a generator of N customers × D days of usage telemetry
 * with a planted signal (customers whose usage declines in the months before their feature date
 * tend not to renew: outcomes drawn from a logistic of the decline), then
 * - ingestion rows/s through the service (`ingestUsage`, 10,000-row batches, as POST /usage does)
 *   beside a bare multi-row INSERT … ON CONFLICT of the same rows into a second tenant;
 * - the weekly scoring of every customer (`scoreCustomers`) beside ONE hand-written SQL statement
 *   doing the same scoring (module points, bands, window average, half-up to one decimal, the
 *   delayed and no-data rules) in the same run — every customer's score and status must match;
 * - the renewal model's test AUC beside the health-score-only baseline on the same time split.
 */
import type pg from 'pg';
import { v7 } from 'uuid';
import type { Platform } from '../server/src/platform/platform.ts';
import { TenantDb } from '../server/src/platform/db/tenant-db.ts';
import { ingestUsage } from '../server/src/modules/success/usage.service.ts';
import { scoreCustomers } from '../server/src/modules/success/health.service.ts';
import { addDaysIso, mondayOf, scoredWeek } from '../server/src/modules/success/health.rules.ts';
import { fitRenewalModel } from '../server/src/modules/success/renewal-model.service.ts';
import { DEFAULT_HEALTH_MODEL } from '../server/src/modules/success/health-model.ts';
import { intBetween, seededRng, type Rng } from '../server/src/demo/generator.ts';
import { benchTenant, copyAccounts, copyRows } from './cash.ts';
import { compare, latencyRow, table, throughputRow, type Row } from './lib.ts';

/** The last day of telemetry (a Sunday); the first is D − 1 days before. */
const END = '2026-10-25';
const BATCH = 10_000;
const MODULES: [string, number][] = [
  ['account', 0.9],
  ['contact', 0.8],
  ['lead', 0.6],
  ['activity', 0.9],
  ['opportunity', 0.5],
  ['quote', 0.35],
  ['contract', 0.25],
  ['order', 0.25],
  ['payment', 0.2],
  ['invoice', 0.2],
];

interface Customer {
  id: string;
  purchased: number;
  activated: number;
  /** engagement before any decline, 0–1 */
  level: number;
  /** share of engagement lost over the 120 days before the feature date (0: steady) */
  decline: number;
  /** day index of the feature date (due date − 90) */
  featureDay: number;
  renewed: boolean;
}

const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

/** Customers and their (planted) due-renewal outcomes; deterministic for a seed. */
function customers(ids: string[], days: number, rng: Rng): Customer[] {
  return ids.map((id) => {
    const purchased = intBetween(rng, 10, 200);
    const activated = Math.max(1, Math.round(purchased * (0.55 + 0.45 * rng())));
    const level = 0.35 + 0.6 * rng();
    const decline = rng() < 0.4 ? 0.3 + 0.6 * rng() : 0;
    // a feature date late enough for 13 weeks of snapshots before it (half the period when short)
    const featureDay = intBetween(rng, Math.min(140, Math.floor(days / 2)), days);
    // the planted truth: the decline drives churn, the level a little
    const renewed = rng() < sigmoid(1.6 - 6 * decline + 0.8 * (level - 0.65));
    return { id, purchased, activated, level, decline, featureDay, renewed };
  });
}

/** Engagement on day `t`: the decline runs over the 120 days up to the feature date, then holds. */
function engagement(c: Customer, t: number): number {
  const progress = Math.min(1, Math.max(0, (t - (c.featureDay - 120)) / 120));
  return c.level * (1 - c.decline * progress);
}

interface UsageRowIn {
  account_id: string;
  date: string;
  purchased_seats: number;
  activated_seats: number;
  logged_in_users_7d: number;
  bi_users_7d: number;
  module_records: Record<string, number>;
}

/** Day-major batches of ≤ 10,000 rows (a daily feed: every customer's day, then the next day). */
function* telemetry(cs: Customer[], days: number, rng: Rng): Generator<UsageRowIn[]> {
  const start = addDaysIso(END, -(days - 1));
  let batch: UsageRowIn[] = [];
  for (let t = 0; t < days; t++) {
    const date = addDaysIso(start, t);
    for (const c of cs) {
      const e = engagement(c, t);
      const noise = (): number => 0.85 + 0.3 * rng();
      const modules: Record<string, number> = {};
      for (const [k, q] of MODULES)
        if (rng() < q * e) modules[k] = 1 + Math.floor(rng() * c.activated * e * 0.5);
      batch.push({
        account_id: c.id,
        date,
        purchased_seats: c.purchased,
        activated_seats: c.activated,
        logged_in_users_7d: Math.min(c.activated, Math.round(c.activated * Math.min(1, e * noise()))),
        bi_users_7d: Math.round(c.activated * Math.min(1, 0.45 * e * noise())),
        module_records: modules,
      });
      if (batch.length === BATCH) {
        yield batch;
        batch = [];
      }
    }
  }
  if (batch.length) yield batch;
}

/** The bare way to store a batch: one multi-row INSERT … ON CONFLICT DO UPDATE. */
async function rawInsert(raw: pg.Client, tenantId: string, rows: UsageRowIn[]): Promise<void> {
  // pg caps bind parameters at 65,535: 7 per row → chunks of 5,000
  for (let i = 0; i < rows.length; i += 5000) {
    const chunk = rows.slice(i, i + 5000);
    const values: unknown[] = [tenantId];
    const tuples = chunk.map((r, j) => {
      values.push(
        r.account_id,
        r.date,
        r.purchased_seats,
        r.activated_seats,
        r.logged_in_users_7d,
        r.bi_users_7d,
        JSON.stringify(r.module_records),
      );
      const o = j * 7;
      return `($1, $${o + 2}, $${o + 3}, $${o + 4}, $${o + 5}, $${o + 6}, $${o + 7}, $${o + 8}::jsonb)`;
    });
    await raw.query(
      `insert into usage_daily (tenant_id, account_id, day, purchased_seats, activated_seats, logged_in_users_7d,
        bi_users_7d, module_records) values ${tuples.join(',')}
       on conflict (tenant_id, account_id, day) do update set purchased_seats = excluded.purchased_seats,
        activated_seats = excluded.activated_seats, logged_in_users_7d = excluded.logged_in_users_7d,
        bi_users_7d = excluded.bi_users_7d, module_records = excluded.module_records, received_at = now()`,
      values,
    );
  }
}

const m = DEFAULT_HEALTH_MODEL;
const band = (expr: string, den: string, bands: { min: number; score: number }[]): string =>
  // ratio = expr ÷ den compared exactly as expr ≥ min × den; a zero denominator is ratio 0
  `case ${[...bands]
    .sort((a, b) => b.min - a.min)
    .map(
      (b) => `when ${b.min === 0 ? 'true' : `${den} > 0 and ${expr} >= ${b.min} * ${den}`} then ${b.score}`,
    )
    .join(' ')} else 0 end`;

/**
 * The weekly scoring the obvious way, in one statement: per customer and week of the window, module
 * points of the modules used, the four banded ratios on the week's last reported day, the weighted
 * total in tenths rounded half-up; the window average of those tenths rounded half-up; delayed
 * customers (a due renewal passed unrenewed, no new subscription since) unhealthy; customers with
 * ARR but no telemetry no_data. $1 tenant, $2 window start, $3 week end.
 */
const RAW_SCORING = `
with pts(k, p) as (values ${Object.entries(m.modulePoints)
  .map(([k, p]) => `('${k}', ${p})`)
  .join(', ')}),
u as (
  select account_id, day - (extract(isodow from day)::int - 1) as wk, day, purchased_seats, activated_seats,
    logged_in_users_7d, bi_users_7d, module_records
  from usage_daily where tenant_id = $1 and day between $2::date and $3::date
), last as (
  select distinct on (account_id, wk) account_id, wk, purchased_seats as p, activated_seats as a,
    logged_in_users_7d as l, bi_users_7d as b
  from u order by account_id, wk, day desc
), mods as (
  select u.account_id, u.wk, e.key, sum(e.value::numeric) as n
  from u cross join lateral jsonb_each_text(u.module_records) e group by 1, 2, 3
), mw as (
  select mods.account_id, mods.wk, least(coalesce(sum(pts.p) filter (where mods.n > 0), 0), ${m.fullScorePoints}) as capped,
    sum(greatest(mods.n, 0)) as records
  from mods left join pts on pts.k = mods.key group by 1, 2
), weekly as (
  select l.account_id,
    floor((2 * (${m.weights.module_usage} * coalesce(mw.capped, 0) * 100
      + ${m.weights.instance_ratio} * ${m.fullScorePoints} * (${band('coalesce(mw.records, 0)', 'l.a', m.bands.instance_ratio)})
      + ${m.weights.activation_rate} * ${m.fullScorePoints} * (${band('l.a', 'l.p', m.bands.activation_rate)})
      + ${m.weights.login_rate} * ${m.fullScorePoints} * (${band('l.l', 'l.a', m.bands.login_rate)})
      + ${m.weights.bi_usage} * ${m.fullScorePoints} * (${band('l.b', 'l.a', m.bands.bi_usage)}))
      + ${10 * m.fullScorePoints}) / ${20 * m.fullScorePoints}) as tenths
  from last l left join mw on mw.account_id = l.account_id and mw.wk = l.wk
), win as (
  select account_id, floor((2 * sum(tenths) + count(*)) / (2 * count(*))) / 10 as score from weekly group by 1
), arr as (
  select distinct account_id from subscription_line where tenant_id = $1 and status = 'active' and arr > 0
    and service_start <= $3::date and service_end >= $3::date
), delayed as (
  select distinct r.account_id from due_renewal r
  where r.tenant_id = $1 and r.deleted_at is null and r.status in ('overdue', 'churned') and r.due_date <= $3::date
    and not exists (select 1 from subscription_line l where l.tenant_id = r.tenant_id and l.account_id = r.account_id
      and l.status = 'active' and l.service_start > r.due_date and l.service_start <= $3::date)
), accounts as (select account_id from win union select account_id from arr)
select c.account_id, w.score::float8 as score,
  case when d.account_id is not null then 'unhealthy' when w.score is null then 'no_data'
    when w.score >= ${m.healthyMin} then 'healthy' when w.score < ${m.unhealthyBelow} then 'unhealthy'
    else 'sub_healthy' end as status
from accounts c left join win w on w.account_id = c.account_id left join delayed d on d.account_id = c.account_id`;

export async function benchSuccess(
  p: Platform,
  raw: pg.Client,
  o: {
    customers: number;
    days: number;
    /** rows ingested both ways and timed; the rest goes in by COPY (the full run's 3.65 M rows take long) */
    ingestRows: number;
    iterations: number;
    log: (msg: string) => void;
  },
): Promise<Row[]> {
  const rng = seededRng(8080);
  const rows: Row[] = [];
  const fw = await benchTenant(p, 'success');
  const bare = await benchTenant(p, 'success-raw');
  const owner = fw.admin.userId ?? '';
  const ids = (await copyAccounts(raw, fw.tenantId, owner, rng, o.customers, 80_000_000)).map((a) => a.id);
  // the bare tenant gets the same customers under the same ids' positions
  const rawIds = (
    await copyAccounts(raw, bare.tenantId, bare.admin.userId ?? '', rng, o.customers, 81_000_000)
  ).map((a) => a.id);
  const rawIdOf = new Map(ids.map((id, i) => [id, rawIds[i] ?? '']));
  const cs = customers(ids, o.days, rng);
  const start = addDaysIso(END, -(o.days - 1));
  const total = o.customers * o.days;
  o.log(
    `success: ${o.customers.toLocaleString('en-US')} customers × ${o.days} days = ${total.toLocaleString('en-US')} telemetry rows (${start} … ${END})`,
  );

  // 1. ingestion, batch by batch alternating the two ways (same cache, same noise)
  const tdb = TenantDb.for(p.db, fw.tenantId);
  const asOfIngest = addDaysIso(END, 1);
  let fwMs = 0;
  let rawMs = 0;
  let n = 0;
  let batches = 0;
  let copied = 0;
  for (const batch of telemetry(cs, o.days, rng)) {
    if (n >= o.ingestRows) {
      await copyRows(
        raw,
        `copy usage_daily (tenant_id, account_id, day, purchased_seats, activated_seats, logged_in_users_7d,
          bi_users_7d, module_records) from stdin`,
        batch.length,
        (i) => {
          const x = batch[i] as UsageRowIn;
          return [
            fw.tenantId,
            x.account_id,
            x.date,
            x.purchased_seats,
            x.activated_seats,
            x.logged_in_users_7d,
            x.bi_users_7d,
            JSON.stringify(x.module_records),
          ].join('\t');
        },
      );
      copied += batch.length;
      continue;
    }
    const t0 = process.hrtime.bigint();
    const r = await ingestUsage(tdb, fw.admin, { rows: batch }, asOfIngest);
    const t1 = process.hrtime.bigint();
    await rawInsert(
      raw,
      bare.tenantId,
      batch.map((x) => ({ ...x, account_id: rawIdOf.get(x.account_id) ?? '' })),
    );
    const t2 = process.hrtime.bigint();
    if (r.inserted !== batch.length) throw new Error(`ingested ${r.inserted} of ${batch.length}`);
    fwMs += Number(t1 - t0) / 1e6;
    rawMs += Number(t2 - t1) / 1e6;
    n += batch.length;
    if (++batches % 50 === 0)
      o.log(`success: ingested ${n.toLocaleString('en-US')} rows (${Math.round(n / (fwMs / 1000))} rows/s)`);
  }
  rows.push(
    throughputRow(
      `usage ingestion, ${n.toLocaleString('en-US')} rows in 10,000-row batches`,
      n / (fwMs / 1000),
      n / (rawMs / 1000),
      `ingestUsage: check every row, resolve customers, upsert in 2,500-row jsonb chunks, audit; raw: multi-row INSERT … ON CONFLICT; ${(fwMs / 1000).toFixed(1)} vs ${(rawMs / 1000).toFixed(1)} s${
        copied ? `; the other ${copied.toLocaleString('en-US')} rows loaded by COPY, untimed` : ''
      }`,
    ),
  );
  await raw.query('delete from usage_daily where tenant_id = $1', [bare.tenantId]);
  await raw.query('analyze usage_daily');

  // the planted due renewals: one per customer, due 90 days after its feature date
  await copyRows(
    raw,
    `copy due_renewal (tenant_id, id, account_id, due_date, due_arr, due_arr_currency, renewed_arr,
      renewed_arr_currency, renewed_arr_finance_currency, status) from stdin`,
    cs.length,
    (i) => {
      const c = cs[i] as Customer;
      return [
        fw.tenantId,
        v7(),
        c.id,
        addDaysIso(start, c.featureDay + 90),
        '10000000',
        'CNY',
        c.renewed ? '10000000' : '0',
        'CNY',
        'CNY',
        c.renewed ? 'renewed' : 'churned',
      ].join('\t');
    },
  );
  await raw.query('analyze due_renewal');

  // 2. the weekly history (every Monday after the first week), then the last week both ways
  const mondays: string[] = [];
  for (let d = addDaysIso(mondayOf(start), 14); d <= addDaysIso(END, 1); d = addDaysIso(d, 7))
    mondays.push(d);
  const h0 = Date.now();
  for (const d of mondays) await scoreCustomers(tdb, d);
  const historyS = (Date.now() - h0) / 1000;
  o.log(`success: ${mondays.length} weekly runs in ${historyS.toFixed(1)} s`);
  await raw.query('analyze health_snapshot');
  const runDay = mondays.at(-1) ?? addDaysIso(END, 1);
  const { windowStart, weekEnd, weekStart } = scoredWeek(runDay, m.windowWeeks);
  const fwScore = () => scoreCustomers(tdb, runDay);
  const rawScore = () => raw.query(RAW_SCORING, [fw.tenantId, windowStart, weekEnd]);
  await fwScore();
  const mine = await raw.query<{ account_id: string; score: number | null; status: string }>(
    `select account_id, score::float8 as score, status from health_snapshot where tenant_id = $1 and week_start = $2`,
    [fw.tenantId, weekStart],
  );
  const theirs = new Map(
    (await rawScore()).rows.map((r: { account_id: string; score: number | null; status: string }) => [
      r.account_id,
      r,
    ]),
  );
  const mismatches = mine.rows.filter((r) => {
    const x = theirs.get(r.account_id);
    return !x || x.score !== r.score || x.status !== r.status;
  });
  const missing = theirs.size - mine.rows.length;
  if (mismatches.length || missing) {
    const line = '!'.repeat(100);
    o.log(line);
    o.log(
      `!!! MISMATCH in weekly scoring: ${mismatches.length} customers differ, ${missing} extra rows in raw`,
    );
    for (const r of mismatches.slice(0, 10))
      o.log(
        `!!! ${r.account_id}: Flywheel ${r.score}/${r.status} vs raw ${JSON.stringify(theirs.get(r.account_id))}`,
      );
    o.log(line);
    // the two must agree exactly: a difference fails the run (CI's smoke included)
    process.exitCode = 1;
  }
  const [fs, rs] = await compare(fwScore, rawScore, o.iterations, 1);
  const statuses = mine.rows.reduce<Record<string, number>>((acc, r) => {
    acc[r.status] = (acc[r.status] ?? 0) + 1;
    return acc;
  }, {});
  rows.push(
    latencyRow(
      `weekly scoring of ${mine.rows.length.toLocaleString('en-US')} customers (4-week window)`,
      fs,
      rs,
      `Flywheel reads the window, scores in TS and writes the snapshots; raw: one SELECT scoring the same; p95 ${fs.p95.toFixed(0)} vs ${rs.p95.toFixed(0)} ms; ${
        mismatches.length || missing
          ? `MISMATCH (${mismatches.length} customers)`
          : `all ${mine.rows.length.toLocaleString('en-US')} scores and statuses equal`
      } (${Object.entries(statuses)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')})`,
    ),
  );

  // 3. the renewal model on the planted outcomes: time split, model vs health score alone
  const trainAsOf = addDaysIso(END, 100);
  const m0 = Date.now();
  const { metrics } = await fitRenewalModel(tdb, trainAsOf);
  const trainS = (Date.now() - m0) / 1000;
  rows.push({
    name: `renewal model test AUC (${metrics.train.n.toLocaleString('en-US')} train / ${metrics.test.n.toLocaleString('en-US')} test due renewals)`,
    unit: 'AUC',
    flywheel: metrics.model.auc ?? 0,
    raw: metrics.baseline.auc ?? 0,
    ratio: (metrics.model.auc ?? 0) / (metrics.baseline.auc ?? 1),
    note: `raw column = health score ÷ 100 alone (the baseline); accuracy ${metrics.model.accuracy} vs ${metrics.baseline.accuracy}, Brier ${metrics.model.brier} vs ${metrics.baseline.brier}; ${metrics.skipped_no_snapshot + metrics.skipped_no_score} skipped without a scored snapshot; features + two fits in ${trainS.toFixed(1)} s`,
  });
  o.log(`\n${table(rows)}`);
  return rows;
}
