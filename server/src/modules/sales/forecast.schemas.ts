// Response schemas of forecasts, targets and the funnel (docs/API.md section 17), for the OpenAPI
// document. Documentation only at runtime (docs/decisions/0001-response-schemas-documentation-only.md);
// server/test/forecast.test.ts validates real answers against them.
import { z } from 'zod';
import { Labels, timestamp } from '../../platform/http/response-schemas.ts';

const id = z.string();
const count = z.number().int();
/** Minor units (fen) of a currency. */
const minor = z.number().int();
const date = z.string().describe('YYYY-MM-DD');
const rate = z.number().nullable().describe('0..1, null without a basis');
const pct = z.number().nullable().describe('percent, one decimal; null without a basis');

const Agg = z.strictObject({ count, amount: minor }).meta({ id: 'ForecastAgg' });
const Category = z.enum(['pipeline', 'best_case', 'commit', 'closed', 'omitted']);

const ForecastAdjustment = z
  .strictObject({
    category: z.enum(['commit', 'best_case', 'pipeline']),
    currency: z.string(),
    system: minor.describe('The system figure it replaces'),
    amount: minor,
    note: z.string().nullable(),
    adjusted_by: id.nullable(),
    adjusted_at: timestamp,
  })
  .meta({ id: 'ForecastAdjustmentApplied' });

const figureShape = {
  currency: z.string(),
  categories: z.record(Category, Agg).describe('Deals per category as marked (not cumulative)'),
  forecast: z
    .strictObject({ closed: Agg, commit: Agg, best_case: Agg, pipeline: Agg })
    .describe(
      'Cumulative: commit = closed + commit; best_case = commit + best case; pipeline = open pipeline',
    ),
  weighted: minor.describe('Σ amount × probability / 100 over open, non-omitted deals'),
  stage_conversion: minor.describe('Σ amount × historical stage-to-won rate over open, non-omitted deals'),
};

export const CurrencyForecast = z.strictObject(figureShape).meta({ id: 'CurrencyForecast' });
const FigureWithAdjustments = z
  .strictObject({ ...figureShape, adjustments: z.array(ForecastAdjustment) })
  .meta({ id: 'ForecastFigures' });

const StageRate = z
  .strictObject({ pipeline_id: id, stage: z.string(), reached: count, won: count, lost: count, rate })
  .meta({ id: 'StageConversionRate' });

const PeriodOut = z.strictObject({
  kind: z.enum(['month', 'quarter', 'year']),
  start: date,
  end: date.describe('last day, inclusive'),
});

export const Forecast = z
  .strictObject({
    period: PeriodOut,
    as_of: date,
    time_zone: z.string(),
    currency: z.string().describe('The tenant currency (first in every figures list)'),
    conversion_months: count,
    totals: z.array(FigureWithAdjustments),
    rows: z.array(
      z.strictObject({
        owner_id: id.nullable(),
        owner_name: z.string().nullable(),
        figures: z.array(FigureWithAdjustments),
      }),
    ),
    conversion_rates: z.array(StageRate),
  })
  .meta({ id: 'Forecast' });

export const ForecastSubmission = z
  .strictObject({
    id,
    kind: z.enum(['submission', 'snapshot']),
    user_id: id.nullable(),
    department_id: id.nullable(),
    period_kind: z.enum(['month', 'quarter']),
    period_start: date,
    taken_on: date,
    figures: z.array(CurrencyForecast).describe('The system figures at that moment'),
    submitted_commit: minor.nullable(),
    submitted_best_case: minor.nullable(),
    submitted_currency: z.string().nullable(),
    note: z.string().nullable(),
    created_by: id.nullable(),
    created_at: timestamp,
  })
  .meta({ id: 'ForecastSubmission' });

export const ForecastAdjustmentRecord = z
  .strictObject({
    id,
    user_id: id.nullable(),
    department_id: id.nullable(),
    period_kind: z.enum(['month', 'quarter']),
    period_start: date,
    category: z.enum(['commit', 'best_case', 'pipeline']),
    amount: minor,
    currency: z.string(),
    note: z.string().nullable(),
    created_by: id.nullable(),
    created_at: timestamp,
  })
  .meta({ id: 'ForecastAdjustment' });

export const ForecastAccuracy = z
  .strictObject({
    period: PeriodOut,
    period_closed: z.boolean(),
    rows: z.array(
      z.strictObject({
        id,
        kind: z.enum(['submission', 'snapshot']),
        user_id: id.nullable(),
        department_id: id.nullable(),
        subject_name: z.string().nullable(),
        taken_on: date,
        created_at: timestamp,
        currency: z.string(),
        commit: minor.nullable().describe('Submissions: submitted commit; snapshots: system commit'),
        system_commit: minor,
        weighted: minor,
        stage_conversion: minor,
        actual_won: minor,
        commit_error_pct: pct,
        weighted_error_pct: pct,
      }),
    ),
  })
  .meta({ id: 'ForecastAccuracy' });

export const SalesTarget = z
  .strictObject({
    id,
    user_id: id.nullable(),
    department_id: id.nullable(),
    subject_name: z.string().nullable(),
    period_kind: z.enum(['month', 'quarter', 'year']),
    period_start: date,
    amount: minor,
    currency: z.string(),
    new_customers: count.nullable(),
    updated_by: id.nullable(),
    updated_at: timestamp,
  })
  .meta({ id: 'SalesTarget' });

export const TargetAttainment = z
  .strictObject({
    period: PeriodOut,
    rows: z.array(
      z.strictObject({
        target_id: id,
        user_id: id.nullable(),
        department_id: id.nullable(),
        subject_name: z.string().nullable(),
        currency: z.string(),
        target: minor,
        won: minor,
        percent: pct,
        new_customers_target: count.nullable(),
        new_customers: count,
        new_customers_percent: pct,
        open_pipeline: minor,
        remaining: minor,
        coverage: z
          .number()
          .nullable()
          .describe('open pipeline ÷ remaining target; null when nothing remains'),
      }),
    ),
  })
  .meta({ id: 'TargetAttainment' });

const Money = z.strictObject({ amount: minor, currency: z.string() });
const FunnelStep = z.strictObject({
  stage: z.string(),
  type: z.enum(['active', 'won', 'lost', 'invalid']),
  count,
  amounts: z.array(Money),
  conversion: rate.describe('Share of the previous step that got this far'),
});
const WinRate = z.strictObject({ won: count, lost: count, rate });

export const SalesFunnel = z
  .strictObject({
    from: date,
    to: date,
    time_zone: z.string(),
    pipeline: z.strictObject({ id, name: Labels }).nullable(),
    stages: z.array(z.strictObject({ key: z.string(), name: Labels, type: z.string() })),
    deals: count,
    invalid: count,
    steps: z.array(FunnelStep),
    win_rate: WinRate,
    average_cycle_days: z.number().nullable(),
    loss_reasons: z.array(z.strictObject({ reason: z.string().nullable(), count, amounts: z.array(Money) })),
    by_owner: z.array(
      z.strictObject({
        owner_id: id.nullable(),
        owner_name: z.string().nullable(),
        deals: count,
        steps: z.array(FunnelStep),
        win_rate: WinRate,
        average_cycle_days: z.number().nullable(),
      }),
    ),
    pipeline_coverage: z.array(
      z.strictObject({
        currency: z.string(),
        open_pipeline: minor,
        target: minor,
        won: minor,
        remaining: minor,
        coverage: z.number().nullable(),
      }),
    ),
  })
  .meta({ id: 'SalesFunnel' });

export const SnapshotJobResult = z.strictObject({ taken_on: date, inserted: count, skipped: count });
