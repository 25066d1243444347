/**
 * Customer-success benchmarks (issue 8): a generator of N customers × D days of usage telemetry
 * with a planted signal (customers whose usage declines in the months before their feature date
 * tend not to renew: outcomes drawn from a logistic of the decline), then
 * - ingestion rows/s through the service (`ingestUsage`, 10,000-row batches, as POST /usage does)
 *   beside a bare multi-row INSERT … ON CONFLICT of the same rows into a second tenant;
 * - the weekly scoring of every customer (`scoreCustomers`) beside ONE hand-written SQL statement
 *   doing the same scoring (module points, bands, window average, half-up to one decimal, the
 *   delayed and no-data rules) in the same run — every customer's score and status must match;
 * - the renewal model's test AUC beside the health-score-only baseline on the same time split;
 * - the touch rate (翻动率) over a tiered book with eight months of calls and visits, and the journey
 *   stage-durations report over many journeys, each beside one hand-written statement, all equal.
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
import { TiersService, type TouchRateView } from '../server/src/modules/success/tiers.service.ts';
import { runTiers } from '../server/src/modules/success/tiers.jobs.ts';
import type { RateCell, TierRule } from '../server/src/modules/success/tiers.rules.ts';
import { currentTemplate, JourneysService } from '../server/src/modules/success/journeys.service.ts';
import { daysBetween, dueOn, type StageDurations } from '../server/src/modules/success/journeys.rules.ts';
import { intBetween, personName, pick, seededRng, type Rng } from '../server/src/demo/generator.ts';
import { benchTenant, copyAccounts, copyRows, loud } from './cash.ts';
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
    /** customers in the touch-rate book, journeys in the durations report */
    touchCustomers: number;
    journeys: number;
    /** iterations of the two read reports */
    readIterations: number;
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

  // 4. touch rate and 5. journey stage durations, each on its own tenant
  rows.push(
    await benchTouchRate(p, raw, { customers: o.touchCustomers, iterations: o.readIterations, log: o.log }),
  );
  rows.push(
    await benchJourneyDurations(p, raw, { journeys: o.journeys, iterations: o.readIterations, log: o.log }),
  );
  o.log(`\n${table(rows)}`);
  return rows;
}

// ---------------------------------------------------------------------------------------------
// Touch rate (翻动率) and journey stage durations over a large book (issue 9)

const NULL = '\\N';

/** Both sides' figures must agree exactly: a difference is printed loudly and fails the run (CI too). */
function mismatch(log: (m: string) => void, what: string, a: unknown, b: unknown): void {
  loud(log, what, JSON.stringify(a).slice(0, 3000), JSON.stringify(b).slice(0, 3000));
  process.exitCode = 1;
}

/** The book's tiers: S and A want calls and visits, B and C calls, N (grade D) nothing. */
function touchTiers(seniors: string[]): TierRule[] {
  const team = { user_ids: [], department_id: null };
  const tier = (t: Partial<TierRule> & Pick<TierRule, 'key'>): TierRule => ({
    label: null,
    match: 'any',
    min_arr_fen: null,
    grades: [],
    industries: [],
    call_every_days: null,
    visit_every_days: null,
    team,
    ...t,
  });
  return [
    tier({
      key: 'S',
      label: '战略客户',
      match: 'all',
      min_arr_fen: 50_000_000,
      grades: ['A'],
      call_every_days: 7,
      visit_every_days: 60,
      team: { user_ids: seniors, department_id: null },
    }),
    tier({ key: 'A', min_arr_fen: 30_000_000, grades: ['A'], call_every_days: 14, visit_every_days: 90 }),
    tier({
      key: 'B',
      min_arr_fen: 10_000_000,
      grades: ['B'],
      industries: ['软件和信息技术服务业', '金融业'],
      call_every_days: 30,
      visit_every_days: 180,
    }),
    // grade D customers are tiered but owe no touches: counted per tier, never due
    tier({ key: 'N', label: '自助客户', match: 'all', grades: ['D'] }),
    tier({ key: 'C', call_every_days: 60 }),
  ];
}

/** The trend's k-th measuring day back from $2 (0: $2 itself, else the month-end k months before). */
const pointDay = (k: number | 'k'): string =>
  `least((date_trunc('month', $2::timestamp) - make_interval(months => ${k}) + interval '1 month - 1 day')::date, $2::date)`;

/** The latest touch day of a kind on each of the six measuring days, as an array (index k + 1). */
const lastOn = (kind: 'call' | 'visit'): string =>
  `array[${[0, 1, 2, 3, 4, 5].map((k) => `max(day) filter (where is_${kind} and day <= ${pointDay(k)})`).join(', ')}]`;

/**
 * The touch rate the obvious way, in one statement: the tier rules and touch types from the
 * tenant's settings, the six month-end points, each customer's tier on each point (latest history
 * row), its latest call and visit day (tenant calendar) up to each point — one pass over the
 * touches with a filtered max per point —, the cadence arithmetic, then overall, per CSM (with the
 * overdue calls and visits), per tier, per point, and the last run of the job. $1 tenant, $2 as-of
 * day.
 */
const RAW_TOUCH_RATE = `
with s as (
  select t.time_zone as tz, t.settings->'success'->'serviceTiers' as st from tenant t where t.id = $1
), tiers as (
  select x.ord, x.t->>'key' as key, (x.t->>'call_every_days')::int as call_days,
    (x.t->>'visit_every_days')::int as visit_days
  from s cross join lateral jsonb_array_elements(s.st->'tiers') with ordinality as x(t, ord)
), kinds as materialized (
  select s.tz, array(select jsonb_array_elements_text(s.st->'touch_types'->'call')) as call_types,
    array(select jsonb_array_elements_text(s.st->'touch_types'->'visit')) as visit_types from s
), points as (
  select k, ${pointDay('k')} as d from generate_series(0, 5) as k
), book as (
  select p.k, p.d, h.account_id, h.tier_key, h.since from points p cross join lateral (
    select distinct on (account_id) account_id, tier_key, since from account_tier_history
    where tenant_id = $1 and effective_on <= p.d order by account_id, effective_on desc) h
  where h.tier_key is not null
), touches as materialized (
  select a.account_id, (a.occurred_at at time zone kinds.tz)::date as day,
    a.type = any(kinds.call_types) as is_call, a.type = any(kinds.visit_types) as is_visit
  from activity a cross join kinds
  where a.tenant_id = $1 and a.deleted_at is null and a.occurred_at <= now() and a.account_id is not null
    and (a.type = any(kinds.call_types) or a.type = any(kinds.visit_types))
), last as (
  select account_id, ${lastOn('call')} as call_on, ${lastOn('visit')} as visit_on
  from touches group by account_id
), ev as (
  select b.k, b.tier_key, c.csm_id, u.name as csm_name,
    (t.call_days is not null or t.visit_days is not null) as due,
    coalesce(b.d > greatest(l.call_on[b.k + 1], b.since) + t.call_days, false) as call_late,
    coalesce(b.d > greatest(l.visit_on[b.k + 1], b.since) + t.visit_days, false) as visit_late
  from book b join tiers t on t.key = b.tier_key
  join account c on c.tenant_id = $1 and c.id = b.account_id and c.deleted_at is null
  left join app_user u on u.tenant_id = c.tenant_id and u.id = c.csm_id
  left join last l on l.account_id = b.account_id
), cells as (
  select 'trend' as kind, null::bigint as ord, p.d::text as key, null as name, count(e.k) as customers,
    count(*) filter (where e.due) as due, count(*) filter (where e.due and not e.call_late and not e.visit_late) as touched,
    0 as late_calls, 0 as late_visits
  from points p left join ev e on e.k = p.k group by p.d
  union all
  select 'overall', null, null, null, count(*), count(*) filter (where e.due),
    count(*) filter (where e.due and not e.call_late and not e.visit_late), 0, 0
  from ev e where e.k = 0
  union all
  select 'csm', null, e.csm_id::text, min(e.csm_name), count(*), count(*) filter (where e.due),
    count(*) filter (where e.due and not e.call_late and not e.visit_late),
    count(*) filter (where e.call_late), count(*) filter (where e.visit_late)
  from ev e where e.k = 0 group by e.csm_id
  union all
  select 'tier', t.ord, t.key, null, count(e.k), count(*) filter (where e.due),
    count(*) filter (where e.due and not e.call_late and not e.visit_late), 0, 0
  from tiers t left join ev e on e.k = 0 and e.tier_key = t.key group by t.ord, t.key
)
select kind, key, name, customers::int, due::int, touched::int, late_calls::int, late_visits::int,
  case when due > 0 then ((2000 * touched + due) / (2 * due))::float8 / 10 end as rate,
  (select to_char(as_of, 'YYYY-MM-DD') from job_run where tenant_id = $1 and job = 'success.tiers'
    and status = 'succeeded' order by finished_at desc nulls last limit 1) as last_run_on
from cells order by kind, ord, key`;

interface RawTouchRow {
  kind: 'trend' | 'overall' | 'csm' | 'tier';
  key: string | null;
  name: string | null;
  customers: number;
  due: number;
  touched: number;
  late_calls: number;
  late_visits: number;
  rate: number | null;
  last_run_on: string | null;
}

/** Both answers in one comparable shape (per-CSM rows by id: Flywheel sorts them by name). */
function touchFigures(v: TouchRateView): unknown {
  const cell = (c: RateCell) => [c.due, c.touched, c.rate];
  return {
    last_run_on: v.last_run_on,
    overall: cell(v.overall),
    by_csm: v.by_csm
      .map((c) => [c.csm_id ?? '', c.csm_name, ...cell(c), c.overdue_calls, c.overdue_visits])
      .sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    by_tier: v.by_tier.map((t) => [t.tier_key, t.customers, ...cell(t)]),
    trend: v.trend.map((t) => [t.as_of, ...cell(t)]),
  };
}

function rawTouchFigures(rows: RawTouchRow[]): unknown {
  const of = (k: RawTouchRow['kind']) => rows.filter((r) => r.kind === k);
  const cell = (r: RawTouchRow | undefined) => [r?.due ?? 0, r?.touched ?? 0, r?.rate ?? null];
  return {
    last_run_on: rows[0]?.last_run_on ?? null,
    overall: cell(of('overall')[0]),
    by_csm: of('csm')
      .map((r) => [r.key ?? '', r.name, ...cell(r), r.late_calls, r.late_visits])
      .sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    // in the settings' order, as Flywheel lists them
    by_tier: of('tier').map((r) => [r.key, r.customers, ...cell(r)]),
    trend: of('trend')
      .sort((a, b) => String(a.key).localeCompare(String(b.key)))
      .map((r) => [r.key, ...cell(r)]),
  };
}

/**
 * Touch rate over a large book: CSMs (real users), service tiers set through the settings API,
 * subscription lines giving each customer its ARR over ~8 months (some start, grow or churn in
 * that time), the `success.tiers` job itself run every other week over those months (it tiers the
 * customers, writes account_tier_history and assigns the CSMs round robin), and the CSMs' calls,
 * visits, meetings and e-mails by COPY (each CSM with their own diligence; some deleted). Then
 * `TiersService.touchRate` (GET /success/touch-rate: overall, per CSM, per tier, six-month trend)
 * beside RAW_TOUCH_RATE, every number compared.
 */
async function benchTouchRate(
  p: Platform,
  raw: pg.Client,
  o: { customers: number; iterations: number; log: (m: string) => void },
): Promise<Row> {
  const rng = seededRng(9090);
  const t0 = Date.now();
  const { tenantId, admin } = await benchTenant(p, 'success-touch');
  const owner = admin.userId ?? '';
  const tdb = TenantDb.for(p.db, tenantId);
  const asOf = END;
  const start = addDaysIso(END, -240);

  // the CSMs, created as an administrator would (one per ~400 customers)
  const csmCount = Math.max(4, Math.round(o.customers / 400));
  const csms: string[] = [];
  for (let i = 0; i < csmCount; i++)
    csms.push(
      (
        await p.users.createUser(admin, {
          email: `csm${i}@success-touch.bench`,
          name: personName(rng),
          password: 'Bench-Password-2026',
          role: 'csm',
        })
      ).id,
    );
  await new TiersService(p).putSettings(admin, { tiers: touchTiers(csms.slice(0, 3)) });

  const accounts = await copyAccounts(raw, tenantId, owner, rng, o.customers, 82_000_000, () => ({
    grade: pick(rng, ['A', 'B', 'B', 'C', 'C', 'C', 'D']),
    type: 'customer',
  }));
  // one order per customer, its subscription lines: most began before the window, some in it;
  // 10 % churn during it, 12 % grow mid-way (a second line: they may move up a tier)
  const product = v7();
  await raw.query(
    `insert into product (tenant_id, id, sku, name, type) values ($1, $2, 'SAAS', '订阅', 'subscription')`,
    [tenantId, product],
  );
  const orders = accounts.map(() => v7());
  await copyRows(
    raw,
    'copy sales_order (tenant_id, id, owner_id, number, account_id, type, status, order_date, amount, amount_currency) from stdin',
    accounts.length,
    (i) =>
      [tenantId, orders[i], owner, `TR-${i}`, accounts[i]?.id, 'new', 'confirmed', start, '0', 'CNY'].join(
        '\t',
      ),
  );
  const lines: string[][] = [];
  accounts.forEach((a, i) => {
    const arr = Math.round(20_000 * Math.exp(rng() * 3.8)) * 100;
    const begin =
      rng() < 0.85 ? addDaysIso(start, -intBetween(rng, 1, 300)) : addDaysIso(start, intBetween(rng, 0, 200));
    const churn = rng() < 0.1 ? addDaysIso(start, intBetween(rng, 30, 230)) : null;
    const end = churn !== null && churn > begin ? churn : addDaysIso(END, intBetween(rng, 30, 365));
    const line = (from: string, fen: number) => [
      tenantId,
      v7(),
      owner,
      a.id,
      orders[i] ?? '',
      v7(),
      'new',
      start,
      product,
      from,
      end,
      String(fen),
      'CNY',
      '1',
      String(fen),
      'CNY',
      String(fen),
      'CNY',
      'active',
    ];
    lines.push(line(begin, arr));
    const grow = addDaysIso(begin, intBetween(rng, 30, 220));
    if (rng() < 0.12 && grow < end) lines.push(line(grow, Math.round(arr * (0.5 + 1.5 * rng()))));
  });
  await copyRows(
    raw,
    `copy subscription_line (tenant_id, id, owner_id, account_id, order_id, order_line_id, order_type, order_date, product_id,
      service_start, service_end, amount, amount_currency, fx_rate, amount_base, amount_base_currency, arr, arr_currency, status) from stdin`,
    lines.length,
    (i) => (lines[i] ?? []).join('\t'),
  );
  await raw.query('analyze account; analyze subscription_line');

  // the daily job as it ran: every other week over the window (backfilled quietly), then on the
  // as-of day through the job runner (recorded in job_run, reminders sent)
  const j0 = Date.now();
  let runs = 0;
  for (let d = start; d < asOf; d = addDaysIso(d, 14), runs++) await runTiers(tdb, d, { remind: false });
  const run = await p.jobs.run(tenantId, 'success.tiers', asOf, 'bench');
  if (run.status !== 'succeeded') throw new Error(`success.tiers failed: ${run.error ?? ''}`);
  const jobS = (Date.now() - j0) / 1000;

  // the calls and visits: each customer at its tier's cadence on the as-of day, kept on time by its
  // CSM's diligence, late otherwise; a twentieth never touched; e-mails and WeChat (no touch),
  // meetings (a call), some deleted, at any hour of the tenant's day
  const book = await raw.query<{
    id: string;
    csm_id: string | null;
    call: number | null;
    visit: number | null;
  }>(
    `select a.id, a.csm_id, (s->>'call_every_days')::int as call, (s->>'visit_every_days')::int as visit
     from account a
     left join lateral (select tier_key from account_tier_history h where h.tenant_id = a.tenant_id
       and h.account_id = a.id and h.tier_key is not null order by effective_on desc limit 1) h on true
     left join lateral (select x as s from tenant t, jsonb_array_elements(t.settings->'success'->'serviceTiers'->'tiers') x
       where t.id = a.tenant_id and x->>'key' = h.tier_key) r on true
     where a.tenant_id = $1 order by a.id`,
    [tenantId],
  );
  const diligence = new Map(csms.map((c) => [c, 0.35 + 0.55 * rng()]));
  const acts: string[] = [];
  const at = (day: string) =>
    `${day}T${String(intBetween(rng, 0, 23)).padStart(2, '0')}:${pick(rng, ['05', '30', '55'])}:00+08:00`;
  const act = (c: { id: string; csm_id: string | null }, type: string, day: string, deleted = false) => {
    const when = at(day);
    acts.push(
      [
        tenantId,
        v7(),
        c.csm_id ?? owner,
        c.csm_id ?? owner,
        when,
        when,
        `${type} ${day}`,
        type,
        when,
        c.id,
        deleted ? when : NULL,
      ].join('\t'),
    );
  };
  for (const c of book.rows) {
    if (rng() < 0.05) continue;
    const p0 = c.csm_id === null ? 0.5 : (diligence.get(c.csm_id) ?? 0.5);
    for (const [type, every] of [
      ['call', c.call ?? 60],
      ['visit', c.visit],
    ] as const) {
      if (every === null) continue;
      for (let day = addDaysIso(start, intBetween(rng, 0, every - 1)); day <= asOf;) {
        act(c, type === 'call' && rng() < 0.2 ? 'meeting' : type, day, rng() < 0.03);
        const onTime = rng() < p0;
        day = addDaysIso(
          day,
          Math.max(1, Math.round(every * (onTime ? 0.5 + 0.45 * rng() : 1.2 + 1.5 * rng()))),
        );
      }
    }
    for (let k = intBetween(rng, 0, 4); k > 0; k--)
      act(c, pick(rng, ['email', 'wechat', 'note']), addDaysIso(start, intBetween(rng, 0, 240)));
  }
  await copyRows(
    raw,
    'copy activity (tenant_id, id, owner_id, created_by, created_at, updated_at, subject, type, occurred_at, account_id, deleted_at) from stdin',
    acts.length,
    (i) => acts[i] ?? [],
  );
  // after the last run: an administrator cleared a few customers' CSM (unassigned), a few customers
  // were deleted
  const every = (n: number, k: number) => accounts.filter((_, i) => i % n === k).map((x) => x.id);
  await raw.query('update account set csm_id = null where tenant_id = $1 and id = any($2::uuid[])', [
    tenantId,
    every(50, 17),
  ]);
  await raw.query('update account set deleted_at = now() where tenant_id = $1 and id = any($2::uuid[])', [
    tenantId,
    every(200, 7),
  ]);
  await raw.query('analyze account; analyze account_tier_history; analyze activity');
  const hist = await raw.query<{ n: number }>(
    'select count(*)::int as n from account_tier_history where tenant_id = $1',
    [tenantId],
  );
  o.log(
    `touch rate: ${o.customers.toLocaleString('en-US')} customers, ${csmCount} CSMs, ${lines.length.toLocaleString('en-US')} subscription lines, ${runs + 1} tier-job runs (${hist.rows[0]?.n.toLocaleString('en-US')} tier-history rows) in ${jobS.toFixed(1)} s, ${acts.length.toLocaleString('en-US')} activities; loaded in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
  );

  const svc = new TiersService(p);
  const flywheel = () => svc.touchRate(admin, { asOf, period: 'month', csmId: null });
  const bare = () => raw.query<RawTouchRow>(RAW_TOUCH_RATE, [tenantId, asOf]);
  const mine = await flywheel();
  const a = touchFigures(mine);
  const b = rawTouchFigures((await bare()).rows);
  const same = JSON.stringify(a) === JSON.stringify(b);
  if (!same) mismatch(o.log, 'touch rate', a, b);
  o.log(
    `touch rate on ${asOf}: ${mine.overall.touched} of ${mine.overall.due} on cadence (${mine.overall.rate}), ${mine.by_csm.length} CSM rows, trend ${mine.trend.map((x) => x.rate).join(' → ')} (${same ? 'same on both sides' : 'MISMATCH'})`,
  );
  const [fs, rs] = await compare(flywheel, bare, o.iterations, 1);
  return latencyRow(
    `touch rate over ${o.customers.toLocaleString('en-US')} customers (6-month trend)`,
    fs,
    rs,
    `TiersService.touchRate (GET /success/touch-rate: overall, ${mine.by_csm.length} CSMs, ${mine.by_tier.length} tiers, 6 month-ends) vs one SQL statement; ${acts.length.toLocaleString('en-US')} activities; p95 ${fs.p95.toFixed(0)} vs ${rs.p95.toFixed(0)} ms; ${same ? 'all numbers equal' : '**NUMBERS DIFFER**'}`,
  );
}

/**
 * The stage-durations report the obvious way, in one statement: the current template's stages in
 * order, the stage rows of readable journeys overlapping the period, per key the completed ones
 * (count, mean half-up to tenths, median, late) and those under way on the as-of day (overdue),
 * keys no longer in the template after by position; and the journeys started, completed and
 * cancelled in the period. $1 tenant, $2 from, $3 to, $4 today.
 */
const RAW_DURATIONS = `
with z as (select time_zone as tz, least($3::date, $4::date) as a from tenant where id = $1),
tpl as (
  select x.ord, x.s->>'key' as key, x.s->>'name' as name, (x.s->>'planned_days')::int as planned
  from (select body from journey_template where tenant_id = $1 order by version desc limit 1) b
  cross join lateral jsonb_array_elements(b.body->'stages') with ordinality as x(s, ord)
), st as (
  select s.key, s.name, s.position, s.planned_days, s.entered_on, s.due_on, s.completed_on,
    s.completed_on between $2::date and $3::date as done,
    s.entered_on <= z.a and (s.completed_on is null or s.completed_on > z.a)
      and (j.cancelled_at is null or (j.cancelled_at at time zone z.tz)::date > z.a) as open, z.a
  from journey_stage s cross join z
  join journey j on j.tenant_id = s.tenant_id and j.id = s.journey_id
  join account t on t.tenant_id = j.tenant_id and t.id = j.account_id and t.deleted_at is null
  where s.tenant_id = $1 and s.entered_on is not null and s.entered_on <= $3::date
    and (s.completed_on is null or s.completed_on >= $2::date)
), agg as (
  select key, min(name) as name, min(position) as position, min(planned_days) as planned,
    count(*) filter (where done) as completed, sum(completed_on - entered_on) filter (where done) as days,
    percentile_cont(0.5) within group (order by completed_on - entered_on) filter (where done) as median_days,
    count(*) filter (where done and completed_on > due_on) as late,
    count(*) filter (where open) as open, count(*) filter (where open and due_on < a) as overdue
  from st group by key
), n as (
  select count(*) filter (where j.started_on between $2::date and $3::date) as started,
    count(*) filter (where j.completed_on between $2::date and $3::date) as completed,
    count(*) filter (where (j.cancelled_at at time zone z.tz)::date between $2::date and $3::date) as cancelled
  from journey j cross join z
  join account t on t.tenant_id = j.tenant_id and t.id = j.account_id and t.deleted_at is null
  where j.tenant_id = $1
)
select coalesce(tpl.key, agg.key) as key, coalesce(tpl.name, agg.name) as name,
  case when tpl.key is null then agg.planned else tpl.planned end as planned_days,
  coalesce(agg.completed, 0)::int as completed,
  case when agg.completed > 0 then ((20 * agg.days + agg.completed) / (2 * agg.completed))::float8 / 10 end as mean_days,
  agg.median_days, coalesce(agg.late, 0)::int as completed_late, coalesce(agg.open, 0)::int as open,
  coalesce(agg.overdue, 0)::int as open_overdue,
  n.started::int as j_started, n.completed::int as j_completed, n.cancelled::int as j_cancelled
from tpl full join agg on agg.key = tpl.key cross join n
order by tpl.ord nulls last, agg.position, agg.key`;

interface RawDurationRow extends StageDurations {
  j_started: number;
  j_completed: number;
  j_cancelled: number;
}

const durationFigures = (r: {
  started: number;
  completed: number;
  cancelled: number;
  stages: StageDurations[];
}): unknown => ({
  started: r.started,
  completed: r.completed,
  cancelled: r.cancelled,
  stages: r.stages.map((s) => [
    s.key,
    s.name,
    s.planned_days,
    s.completed,
    s.mean_days,
    s.median_days,
    s.completed_late,
    s.open,
    s.open_overdue,
  ]),
});

/**
 * The stage-durations report (GET /success/journeys/report, "Stage durations of a period") over
 * many journeys: a second template version saved through the service (a stage renamed — old
 * journeys keep the old key —, one without a due day, one added), then journeys started over 18
 * months, COPYed as startJourney writes them and with the stage completions completeIn writes —
 * each customer at its own pace (half to 1.8 times the plan), 8 % cancelled on some day, the rest
 * done or under way (some long overdue) on the as-of day; 1 % of the customers deleted. The
 * service's report for the default period (180 days to today) beside RAW_DURATIONS, all equal.
 */
async function benchJourneyDurations(
  p: Platform,
  raw: pg.Client,
  o: { journeys: number; iterations: number; log: (m: string) => void },
): Promise<Row> {
  const rng = seededRng(4040);
  const t0 = Date.now();
  const { tenantId, admin } = await benchTenant(p, 'success-journeys');
  const owner = admin.userId ?? '';
  const tdb = TenantDb.for(p.db, tenantId);
  const today = END;
  const svc = new JourneysService(p);
  const v0 = await currentTemplate(tdb);
  const v1 = await svc.putTemplate(admin, {
    start_window_days: v0.start_window_days,
    stages: [
      ...v0.stages.map((s) =>
        s.key === 'coaching'
          ? { ...s, key: 'adoption', name: '使用推广期', planned_days: 45 }
          : s.key === 'stable'
            ? { ...s, planned_days: null }
            : s,
      ),
      {
        key: 'renewal',
        name: '续约准备期',
        planned_days: 30,
        csat: false,
        tasks: [{ key: 'review', name: '续约评估', result: 'note', required: true }],
      },
    ],
  });
  const cutover = addDaysIso(today, -200);

  const accounts = await copyAccounts(raw, tenantId, owner, rng, o.journeys, 83_000_000);
  const journeys: string[] = [];
  const stages: string[] = [];
  const tasks: string[] = [];
  const at = (day: string) => `${day}T${String(intBetween(rng, 0, 23)).padStart(2, '0')}:20:00+08:00`;
  for (const a of accounts) {
    const id = v7();
    const startedOn = addDaysIso(today, -intBetween(rng, 0, 540));
    const tpl = startedOn < cutover ? v0 : v1;
    const pace = 0.5 + 1.3 * rng();
    const cancelOn =
      rng() < 0.08
        ? addDaysIso(startedOn, intBetween(rng, 0, Math.max(0, daysBetween(startedOn, today))))
        : null;
    let entered: string | null = startedOn;
    let current: string | null = null;
    let lastDone: string | null = null;
    let done = 0;
    for (const [i, s] of tpl.stages.entries()) {
      let completed: string | null = null;
      const enteredOn = entered;
      if (enteredOn !== null && current === null) {
        const d =
          rng() < 0.02 ? 0 : Math.max(1, Math.round((s.planned_days ?? 60) * pace * (0.8 + 0.45 * rng())));
        const finish = addDaysIso(enteredOn, d);
        if (cancelOn !== null && cancelOn < finish) current = s.key;
        else if (finish > today) current = s.key;
        else completed = finish;
      }
      stages.push(
        [
          tenantId,
          id,
          s.key,
          String(i + 1),
          s.name,
          s.planned_days === null ? NULL : String(s.planned_days),
          String(s.csat),
          enteredOn ?? NULL,
          enteredOn === null ? NULL : (dueOn(enteredOn, s.planned_days) ?? NULL),
          completed ?? NULL,
          completed === null ? NULL : at(completed),
          completed === null ? NULL : owner,
        ].join('\t'),
      );
      s.tasks.forEach((k, j) =>
        tasks.push(
          [
            tenantId,
            id,
            s.key,
            k.key,
            String(j + 1),
            k.name,
            k.result,
            String(k.required),
            completed === null ? NULL : at(completed),
            completed === null ? NULL : owner,
            completed !== null && k.result === 'note' ? `${k.name}已完成` : NULL,
            completed !== null && k.result === 'file' ? `${k.name}.pdf` : NULL,
          ].join('\t'),
        ),
      );
      if (completed !== null) {
        done++;
        lastDone = completed;
      }
      entered = completed;
    }
    const status = current === null ? 'completed' : cancelOn !== null ? 'cancelled' : 'active';
    journeys.push(
      [
        tenantId,
        id,
        a.id,
        String(tpl.version),
        status,
        status === 'active' ? (current ?? NULL) : NULL,
        startedOn,
        status === 'completed' ? (lastDone ?? NULL) : NULL,
        status === 'cancelled' && cancelOn ? at(cancelOn) : NULL,
        status === 'cancelled' ? '客户项目暂停' : NULL,
        String(1 + done + (status === 'cancelled' ? 1 : 0)),
        `${startedOn}T18:00:00+08:00`,
      ].join('\t'),
    );
  }
  await copyRows(
    raw,
    `copy journey (tenant_id, id, account_id, template_version, status, current_stage, started_on, completed_on,
      cancelled_at, cancel_reason, version, created_at) from stdin`,
    journeys.length,
    (i) => journeys[i] ?? [],
  );
  await copyRows(
    raw,
    `copy journey_stage (tenant_id, journey_id, key, position, name, planned_days, csat, entered_on, due_on,
      completed_on, completed_at, completed_by) from stdin`,
    stages.length,
    (i) => stages[i] ?? [],
  );
  await copyRows(
    raw,
    `copy journey_task (tenant_id, journey_id, stage_key, key, position, name, result_kind, required, done_at,
      done_by, note, file_name) from stdin`,
    tasks.length,
    (i) => tasks[i] ?? [],
  );
  // 1 % of the customers deleted since: their journeys drop out of every report
  await raw.query('update account set deleted_at = now() where tenant_id = $1 and id = any($2::uuid[])', [
    tenantId,
    accounts.filter((_, i) => i % 100 === 3).map((x) => x.id),
  ]);
  await raw.query('analyze account; analyze journey; analyze journey_stage; analyze journey_task');
  o.log(
    `journeys: ${o.journeys.toLocaleString('en-US')} journeys, ${stages.length.toLocaleString('en-US')} stages, ${tasks.length.toLocaleString('en-US')} key tasks loaded in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
  );

  const from = addDaysIso(today, -180);
  const flywheel = () => svc.report(admin, from, today, today);
  const bare = () => raw.query<RawDurationRow>(RAW_DURATIONS, [tenantId, from, today, today]);
  const mine = await flywheel();
  const rows = (await bare()).rows;
  const a = durationFigures(mine);
  const b = durationFigures({
    started: rows[0]?.j_started ?? 0,
    completed: rows[0]?.j_completed ?? 0,
    cancelled: rows[0]?.j_cancelled ?? 0,
    stages: rows,
  });
  const same = JSON.stringify(a) === JSON.stringify(b);
  if (!same) mismatch(o.log, 'stage durations', a, b);
  const stageRows = mine.stages.reduce((n, s) => n + s.completed + s.open, 0);
  o.log(
    `journeys ${from} … ${today}: started ${mine.started}, completed ${mine.completed}, cancelled ${mine.cancelled}; ${mine.stages.length} stage keys, ${stageRows.toLocaleString('en-US')} stages completed or under way (${same ? 'same on both sides' : 'MISMATCH'})`,
  );
  const [fs, rs] = await compare(flywheel, bare, o.iterations, 1);
  return latencyRow(
    `journey stage durations, 180 days over ${o.journeys.toLocaleString('en-US')} journeys`,
    fs,
    rs,
    `JourneysService.report (GET /success/journeys/report: per stage completed, mean/median days, late, under way, overdue; ${mine.stages.length} stage keys) vs one SQL statement; ${stages.length.toLocaleString('en-US')} stage rows; p95 ${fs.p95.toFixed(0)} vs ${rs.p95.toFixed(0)} ms; ${same ? 'all numbers equal' : '**NUMBERS DIFFER**'}`,
  );
}
