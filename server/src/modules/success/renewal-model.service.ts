import { sql, type RawBuilder } from 'kysely';
import { z } from 'zod';
import type { TenantDb } from '../../platform/db/tenant-db.ts';
import { AppError } from '../../platform/http/errors.ts';
import { tenantTimeZone } from '../../platform/jobs/tenant-zone.ts';
import { writeAudit, type AuditActor } from '../../platform/audit/audit.ts';
import type { WeeklyStep } from './success.jobs.ts';
import {
  evaluate,
  featureVector,
  FEATURES,
  fitLogistic,
  predictProbability,
  timeSplit,
  topFactors,
  type Evaluation,
  type Factor,
  type LogisticModel,
} from './renewal-model.rules.ts';

/**
 * The renewal-probability model (docs/HEALTH.md "Renewal-probability model"): trained on past due
 * renewals with a decided outcome, each described by the customer's health history about 90 days
 * before its due date; evaluated on a time split beside the health score alone; the weekly run
 * then writes every scored customer's probability and top factors into its snapshot.
 */

/** Features describe the customer this many days before the due date (the warning a CSM gets). */
export const HORIZON_DAYS = 90;
/** Too little history gives a model that is noise: below this, training refuses. */
export const MIN_EXAMPLES = 30;
export const MIN_PER_CLASS = 5;
/** A snapshot older than this before the feature date no longer describes the customer. */
const MAX_STALE_DAYS = 26 * 7;
/** Traffic lights raised this many days before the feature date count (a quarter of trouble). */
const LIGHTS_DAYS = 90;
/** NPS answers this many days before the feature date count (surveys run once or twice a year). */
const NPS_DAYS = 365;
/** L2 penalty on the standardised weights (mild: a dozen features, tens to thousands of examples). */
const LAMBDA = 1;
const TRAIN_SHARE = 0.7;

const r4 = (v: number): number => Math.round(v * 10_000) / 10_000;
const r4n = (v: number | null): number | null => (v === null ? null : r4(v));

/** One customer as the features see it on `feature_date`. */
interface FeatureRow {
  key: string;
  account_id: string;
  feature_date: string;
  due_date: string | null;
  status: string | null;
  week_start: string | null;
  score: number | null;
  dimensions: Record<string, { score?: number } | undefined> | null;
  arr: number | null;
  score_4w: number | null;
  score_13w: number | null;
  first_start: string | null;
  open_work_orders: number;
  lights_90d: number;
  nps_mean: number | null;
}

const DAYS_PER_MONTH = 365.25 / 12;
const daysBetween = (from: string, to: string): number =>
  (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000;

/** The feature vector of a row that has a scored snapshot (null otherwise). */
function vectorOf(r: FeatureRow): number[] | null {
  if (r.score === null || r.week_start === null) return null;
  const dims: Record<string, number> = {};
  for (const [k, v] of Object.entries(r.dimensions ?? {}))
    if (typeof v?.score === 'number') dims[k] = v.score;
  return featureVector({
    score: r.score,
    dimensions: dims,
    score4wAgo: r.score_4w,
    score13wAgo: r.score_13w,
    arr: r.arr ?? 0,
    tenureMonths: r.first_start ? daysBetween(r.first_start, r.feature_date) / DAYS_PER_MONTH : 0,
    openWorkOrders: r.open_work_orders,
    lights90d: r.lights_90d,
    npsMean: r.nps_mean,
  });
}

/**
 * Features for `base` rows (key, account_id, feature_date, week_start, due_date, status): the
 * snapshot of `week_start` with the scores 4 and 13 weeks before it, the first subscription start
 * on or before the feature date, the warning work orders open on it (created before the day
 * began in the tenant's time zone, not resolved by then), the traffic lights raised in the 90
 * days before it and the mean NPS answer of the year before it.
 */
async function featureRows(tdb: TenantDb, base: RawBuilder<unknown>): Promise<FeatureRow[]> {
  const tz = await tenantTimeZone(tdb);
  const t = tdb.tenantId;
  // open work orders are counted in one grouped join, not a subquery per row: work_order has no
  // index on the account for every status, so a per-row count would scan the tenant's work orders
  // once per snapshot (10,000 customers × every work order ever raised in the weekly run)
  return tdb.query(sql<FeatureRow>`with base as (${base}),
    wo as (select b.key, count(*)::int as n from base b
      join work_order w on w.tenant_id = ${t} and w.account_id = b.account_id
      where w.deleted_at is null
        and w.created_at < (b.feature_date::timestamp at time zone ${tz})
        and (w.resolved_at is null or w.resolved_at >= (b.feature_date::timestamp at time zone ${tz}))
      group by b.key),
    lt as (select b.key, count(*)::int as n from base b
      join traffic_light l on l.tenant_id = ${t} and l.account_id = b.account_id
      where l.deleted_at is null
        and l.created_at < (b.feature_date::timestamp at time zone ${tz})
        and l.created_at >= ((b.feature_date - ${LIGHTS_DAYS}::int)::timestamp at time zone ${tz})
      group by b.key),
    nps as (select b.key, avg(r.score)::float8 as mean from base b
      join survey_response r on r.tenant_id = ${t} and r.account_id = b.account_id
      where r.deleted_at is null and r.kind = 'nps'
        and r.submitted_at < (b.feature_date::timestamp at time zone ${tz})
        and r.submitted_at >= ((b.feature_date - ${NPS_DAYS}::int)::timestamp at time zone ${tz})
      group by b.key)
    select b.key, b.account_id, to_char(b.feature_date, 'YYYY-MM-DD') as feature_date,
      to_char(b.due_date, 'YYYY-MM-DD') as due_date, b.status, to_char(s.week_start, 'YYYY-MM-DD') as week_start,
      s.score::float8 as score, s.dimensions, s.arr::float8 as arr,
      s4.score::float8 as score_4w, s13.score::float8 as score_13w,
      to_char(fs.first_start, 'YYYY-MM-DD') as first_start, coalesce(wo.n, 0) as open_work_orders,
      coalesce(lt.n, 0) as lights_90d, nps.mean as nps_mean
    from base b
    left join health_snapshot s on s.tenant_id = ${t} and s.account_id = b.account_id and s.week_start = b.week_start
    left join health_snapshot s4 on s4.tenant_id = ${t} and s4.account_id = b.account_id and s4.week_start = b.week_start - 28
    left join health_snapshot s13 on s13.tenant_id = ${t} and s13.account_id = b.account_id and s13.week_start = b.week_start - 91
    left join lateral (select min(l.service_start) as first_start from subscription_line l
      where l.tenant_id = ${t} and l.account_id = b.account_id and l.deleted_at is null and l.status <> 'cancelled'
        and l.service_start <= b.feature_date) fs on true
    left join wo on wo.key = b.key
    left join lt on lt.key = b.key
    left join nps on nps.key = b.key
    order by b.key`);
}

/**
 * Past due renewals with a decided outcome (renewed → 1, churned → 0; adjusted and undecided ones
 * are not outcomes) due on or before `asOf`, each with the latest snapshot of a week that had
 * ended by its feature date (due date − 90 days).
 */
async function trainingRows(tdb: TenantDb, asOf: string): Promise<FeatureRow[]> {
  const t = tdb.tenantId;
  return featureRows(
    tdb,
    sql`select r.id::text as key, r.account_id, r.due_date - ${HORIZON_DAYS}::int as feature_date, r.due_date, r.status,
        (select max(h.week_start) from health_snapshot h where h.tenant_id = ${t} and h.account_id = r.account_id
          and h.week_start <= r.due_date - ${HORIZON_DAYS + 7}::int
          and h.week_start > r.due_date - ${HORIZON_DAYS + 7 + MAX_STALE_DAYS}::int) as week_start
      from due_renewal r
      where r.tenant_id = ${t} and r.deleted_at is null and r.status in ('renewed', 'churned')
        and r.due_date <= ${asOf}::date`,
  );
}

export interface ModelMetrics {
  horizon_days: number;
  examples: number;
  renewed: number;
  churned: number;
  /** due renewals with an outcome but no snapshot in the 26 weeks before the feature date */
  skipped_no_snapshot: number;
  /** … whose snapshot then had no score (no telemetry in its window) */
  skipped_no_score: number;
  split_date: string | null;
  train: { n: number; positives: number; from: string | null; to: string | null };
  test: { n: number; positives: number; from: string | null; to: string | null };
  /** the model fitted on the train part, judged on the test part */
  model: Evaluation;
  /** health score ÷ 100 as the probability, on the same test part */
  baseline: Evaluation;
  fit: { lambda: number; iterations: number; converged: boolean };
  /** features the issue names that have no data source yet */
  features_missing: string[];
}

export interface StoredModel {
  version: number;
  trained_at: Date;
  as_of: string;
  model: LogisticModel;
  metrics: ModelMetrics;
}

const modelSchema = z.object({
  features: z.array(z.string()),
  means: z.array(z.number()),
  scales: z.array(z.number()),
  weights: z.array(z.number()),
  intercept: z.number(),
  lambda: z.number(),
  iterations: z.number(),
  converged: z.boolean(),
});

const roundEval = (e: Evaluation): Evaluation => ({
  ...e,
  auc: r4n(e.auc),
  accuracy: r4n(e.accuracy),
  brier: r4n(e.brier),
  calibration: e.calibration.map((b) => ({
    ...b,
    mean_predicted: r4n(b.mean_predicted),
    observed_rate: r4n(b.observed_rate),
  })),
});

const notEnough = (m: { examples: number; renewed: number; churned: number }): AppError =>
  new AppError('conflict', 'not_enough_history', [], {
    examples: m.examples,
    renewed: m.renewed,
    churned: m.churned,
    min: MIN_EXAMPLES,
    min_class: MIN_PER_CLASS,
  });

interface Example {
  key: string;
  dueDate: string;
  x: number[];
  y: number;
  score: number;
}

/**
 * Trains on the history as of `asOf` (pure of writes): the time split's metrics beside the
 * baseline, then the model refitted on every example for use. Too little history → 409
 * not_enough_history.
 */
export async function fitRenewalModel(
  tdb: TenantDb,
  asOf: string,
): Promise<{ model: LogisticModel; metrics: ModelMetrics }> {
  const rows = await trainingRows(tdb, asOf);
  const examples: Example[] = [];
  let noSnapshot = 0;
  let noScore = 0;
  for (const r of rows) {
    const x = vectorOf(r);
    if (r.week_start === null) noSnapshot++;
    else if (x === null || r.score === null) noScore++;
    else
      examples.push({
        key: r.key,
        dueDate: r.due_date ?? '',
        x,
        y: r.status === 'renewed' ? 1 : 0,
        score: r.score,
      });
  }
  const renewed = examples.filter((e) => e.y === 1).length;
  const counts = { examples: examples.length, renewed, churned: examples.length - renewed };
  if (counts.examples < MIN_EXAMPLES || counts.renewed < MIN_PER_CLASS || counts.churned < MIN_PER_CLASS)
    throw notEnough(counts);
  const { train, test } = timeSplit(examples, TRAIN_SHARE);
  const trainPos = train.filter((e) => e.y === 1).length;
  if (trainPos === 0 || trainPos === train.length) throw notEnough(counts);

  const features = [...FEATURES];
  const holdout = fitLogistic(
    train.map((e) => e.x),
    train.map((e) => e.y),
    features,
    { lambda: LAMBDA },
  );
  const labels = test.map((e) => e.y);
  const modelEval = evaluate(
    test.map((e) => predictProbability(holdout, e.x)),
    labels,
  );
  const baseEval = evaluate(
    test.map((e) => Math.min(1, Math.max(0, e.score / 100))),
    labels,
  );
  const sorted = [...train, ...test];
  const final = fitLogistic(
    sorted.map((e) => e.x),
    sorted.map((e) => e.y),
    features,
    { lambda: LAMBDA },
  );
  const range = (xs: Example[]) => ({
    n: xs.length,
    positives: xs.filter((e) => e.y === 1).length,
    from: xs[0]?.dueDate ?? null,
    to: xs.at(-1)?.dueDate ?? null,
  });
  return {
    model: final,
    metrics: {
      horizon_days: HORIZON_DAYS,
      ...counts,
      skipped_no_snapshot: noSnapshot,
      skipped_no_score: noScore,
      split_date: test[0]?.dueDate ?? null,
      train: range(train),
      test: range(test),
      model: roundEval(modelEval),
      baseline: roundEval(baseEval),
      fit: { lambda: LAMBDA, iterations: final.iterations, converged: final.converged },
      // traffic lights and NPS (DOMAIN.md §6.4–§6.5) have no tables yet: features once they do
      features_missing: [],
    },
  };
}

/** The model in force: the highest version, or null before the first training. */
export async function latestRenewalModel(tdb: TenantDb): Promise<StoredModel | null> {
  const row = await tdb.one(sql<{
    version: number;
    trained_at: Date;
    as_of: string;
    model: unknown;
    metrics: ModelMetrics;
  }>`select version, trained_at, to_char(as_of, 'YYYY-MM-DD') as as_of, model, metrics from renewal_model
    where tenant_id = ${tdb.tenantId} order by version desc limit 1`);
  if (!row) return null;
  const parsed = modelSchema.safeParse(row.model);
  // a model no longer readable is as good as none: the weekly run keeps score ÷ 100
  if (!parsed.success || parsed.data.weights.length !== parsed.data.features.length) return null;
  return { ...row, model: parsed.data };
}

export interface PredictResult {
  week_start: string;
  /** the renewal model used (null: none trained, probabilities stay score ÷ 100) */
  model_version: number | null;
  predicted: number;
}

/**
 * Writes the model's probability (4 decimals) and top three factors into every scored snapshot
 * of `weekStart`; features as of the Monday after the week (the run day). Without a model the
 * snapshots keep score ÷ 100 and no factors.
 */
export async function predictSnapshots(tdb: TenantDb, weekStart: string): Promise<PredictResult> {
  const stored = await latestRenewalModel(tdb);
  if (!stored) return { week_start: weekStart, model_version: null, predicted: 0 };
  const rows = await featureRows(
    tdb,
    sql`select h.account_id::text as key, h.account_id, h.week_start + 7 as feature_date, null::date as due_date,
        null::text as status, h.week_start
      from health_snapshot h where h.tenant_id = ${tdb.tenantId} and h.week_start = ${weekStart}::date
        and h.score is not null`,
  );
  // a model stored by an older release may list other features: values are matched by name
  // (a feature this release no longer computes counts as its training mean, i.e. no push)
  const at = stored.model.features.map((f) => (FEATURES as readonly string[]).indexOf(f));
  const out: { account_id: string; probability: number; factors: Factor[] }[] = [];
  for (const r of rows) {
    const v = vectorOf(r);
    if (!v) continue;
    const x = at.map((i, j) => (i >= 0 ? (v[i] ?? 0) : (stored.model.means[j] ?? 0)));
    out.push({
      account_id: r.account_id,
      probability: r4(predictProbability(stored.model, x)),
      factors: topFactors(stored.model, x, 3).map((f) => ({ ...f, contribution: r4(f.contribution) })),
    });
  }
  const write = async (tx: TenantDb): Promise<void> => {
    for (let i = 0; i < out.length; i += 2000) {
      const chunk = JSON.stringify(out.slice(i, i + 2000));
      await tx.exec0(sql`update health_snapshot s set probability = x.probability, factors = x.factors
        from jsonb_to_recordset(${chunk}::jsonb) as x(account_id uuid, probability numeric, factors jsonb)
        where s.tenant_id = ${tx.tenantId} and s.week_start = ${weekStart}::date and s.account_id = x.account_id`);
    }
  };
  if (tdb.inTransaction) await write(tdb);
  else await tdb.transaction(write);
  return { week_start: weekStart, model_version: stored.version, predicted: out.length };
}

/** The weekly run's first step: probabilities for the week just scored. */
export const predictWeek: WeeklyStep = async (_platform, ctx, run) => ({
  ...(await predictSnapshots(ctx.tdb, run.week_start)),
});

export interface TrainResult {
  version: number;
  trained_at: Date;
  as_of: string;
  metrics: ModelMetrics;
  /** the latest scored week, re-predicted with the new model */
  repredicted: PredictResult | null;
}

/**
 * Trains on the history as of `asOf`, stores the model as the next version and re-predicts the
 * latest scored week with it, all in one transaction with the audit row of `actor` (a failed
 * training stores nothing; the monthly job passes no actor, its run is logged as a job run).
 */
export async function trainRenewalModel(
  tdb: TenantDb,
  asOf: string,
  actor: AuditActor | null = null,
): Promise<TrainResult> {
  const { model, metrics } = await fitRenewalModel(tdb, asOf);
  return tdb.transaction(async (tx) => {
    await tx.exec0(sql`select pg_advisory_xact_lock(hashtext('renewal_model:' || ${tx.tenantId}))`);
    const row = await tx.one(sql<{ v: number; trained_at: Date }>`insert into renewal_model
        (tenant_id, version, as_of, model, metrics)
      select ${tx.tenantId}, coalesce(max(version), 0) + 1, ${asOf}::date, ${JSON.stringify(model)}::jsonb,
        ${JSON.stringify(metrics)}::jsonb
      from renewal_model where tenant_id = ${tx.tenantId}
      returning version as v, trained_at`);
    if (!row) throw new Error('renewal model not stored');
    const latest = await tx.one(sql<{ wk: string | null }>`select to_char(max(week_start), 'YYYY-MM-DD') as wk
      from health_snapshot where tenant_id = ${tx.tenantId}`);
    const repredicted = latest?.wk ? await predictSnapshots(tx, latest.wk) : null;
    if (actor)
      await writeAudit(tx, actor, [
        {
          action: 'create',
          object: 'renewal_model',
          recordId: null,
          changes: {},
          meta: { version: row.v, as_of: asOf, examples: metrics.examples, auc: metrics.model.auc },
        },
      ]);
    return { version: row.v, trained_at: row.trained_at, as_of: asOf, metrics, repredicted };
  });
}
