// Response schemas of the health-rate, nine-grid and CSM incentive routes (documentation, the
// generated web types and the conformance tests; the services check queries and bodies themselves).
import { z } from 'zod';
import { timestamp } from '../../platform/http/response-schemas.ts';
import { BRIDGE_KINDS } from './bridge.rules.ts';

const minor = z.number().int().describe('integer minor units of the base currency (fen)');
const rate = z
  .number()
  .nullable()
  .describe(
    'a decimal rounded half-up to 4 places (0.9234) from the integer figures beside it; null without a base',
  );
const month = z.string().describe('YYYY-MM');
const date = z.string().describe('YYYY-MM-DD');
const Status = z.enum(['healthy', 'sub_healthy', 'unhealthy', 'no_data']);
const BridgeKind = z.enum(BRIDGE_KINDS);

const rateFigures = {
  total_arr: minor.describe('ARR of the customers at the month end (ledger)'),
  healthy_arr: minor.describe('ARR of those healthy then (latest snapshot healthy, not delayed)'),
  health_rate: rate.describe('healthy_arr ÷ total_arr'),
  healthy_arr_prev: minor.describe('healthy ARR at the end of the previous month'),
  mom: rate.describe('health-rate month-over-month: healthy_arr ÷ healthy_arr_prev'),
  customers: z.number().int(),
  healthy_customers: z.number().int(),
};

export const BridgeSchema = z
  .strictObject({
    start: minor.describe('healthy ARR at the end of the previous month'),
    new_healthy: minor.describe('+ first-ever ARR, healthy'),
    winback_healthy: minor.describe('+ had ARR before, churned, back and healthy'),
    expansion: minor.describe('+ healthy both months, ARR up'),
    to_healthy: minor.describe('+ unhealthy / sub-healthy / no data → healthy: its ARR now'),
    contraction: minor.describe('− healthy both months, ARR down (negative)'),
    to_unhealthy: minor.describe('− healthy → not healthy: its earlier ARR (negative)'),
    churned_or_delayed: minor.describe('− healthy before, no ARR now or delayed: its earlier ARR (negative)'),
    end: minor.describe('healthy ARR at the month end = start + the seven amounts, exactly'),
  })
  .meta({ id: 'HealthyArrBridge' });

export const HealthRateMonthSchema = z
  .strictObject({
    month,
    month_end: date,
    open: z.boolean().describe('the month has not ended yet: figures may still change'),
    ...rateFigures,
    bridge: BridgeSchema,
    groups: z
      .array(z.strictObject({ key: z.string().nullable(), label: z.string().nullable(), ...rateFigures }))
      .describe('with group_by=csm: per current CSM (key null: customers without one)'),
  })
  .meta({ id: 'HealthRateMonth' });

export const BridgeCustomerSchema = z
  .strictObject({
    account_id: z.string(),
    account_name: z.string(),
    kind: BridgeKind,
    arr_prev: minor,
    status_prev: Status.nullable().describe('null: no ARR at the previous month end'),
    arr_now: minor,
    status_now: Status.nullable().describe('null: no ARR at the month end'),
    delayed_now: z.boolean(),
    amount: minor.describe('signed change of the customer’s healthy ARR'),
  })
  .meta({ id: 'HealthyArrBridgeCustomer' });

const Tier = z.enum(['small', 'mid', 'large']);
const ProbabilityTier = z.enum(['low', 'mid', 'high']);
const TaskTemplate = z.strictObject({
  subject: z.string(),
  due_days: z.number().int().describe('the task is due this many days after it is created'),
  priority: z.enum(['high', 'normal', 'low']),
});

const GridCustomer = z.strictObject({
  account_id: z.string(),
  account_name: z.string(),
  arr: minor,
  score: z.number().nullable(),
  status: Status,
  probability: z
    .number()
    .nullable()
    .describe('renewal probability used (model, else score ÷ 100); null → low'),
  week_start: z.string().nullable().describe('the snapshot used; null when none'),
  csm_id: z.string().nullable(),
  csm_name: z.string().nullable(),
  owner_id: z.string().nullable(),
});

export const NineGridSchema = z
  .strictObject({
    as_of: date,
    value_tiers: z.strictObject({ large: minor, mid: minor }),
    probability_tiers: z.strictObject({ high: z.number(), mid: z.number() }),
    total_customers: z.number().int(),
    total_arr: minor,
    cells: z.array(
      z.strictObject({
        cell: z.number().int().min(1).max(9),
        value_tier: Tier,
        probability_tier: ProbabilityTier,
        strategy: z.string(),
        task_templates: z.array(TaskTemplate),
        count: z.number().int(),
        arr: minor,
        customers: z.array(GridCustomer),
      }),
    ),
  })
  .meta({ id: 'NineGrid' });

export const NineGridCellSchema = z
  .strictObject({
    cell: z.number().int().min(1).max(9),
    value_tier: Tier,
    probability_tier: ProbabilityTier,
    strategy: z.string(),
    task_templates: z.array(TaskTemplate),
    customised: z.boolean().describe('false while the seeded default applies'),
    updated_at: timestamp.nullable(),
  })
  .meta({ id: 'NineGridCell' });

export const NineGridTaskRunSchema = z
  .strictObject({
    cell: z.number().int(),
    as_of: date,
    customers: z.number().int().describe('customers of the cell the caller may read'),
    created: z.number().int(),
    skipped: z.number().int().describe('an open task with the same subject already existed'),
    tasks: z.array(
      z.strictObject({
        id: z.string(),
        account_id: z.string(),
        subject: z.string(),
        owner_id: z.string().nullable(),
        due_at: z.string(),
      }),
    ),
  })
  .meta({ id: 'NineGridTaskRun' });

export const IncentiveStatementSchema = z
  .strictObject({
    id: z.string(),
    user_id: z.string(),
    user_name: z.string(),
    department_id: z.string().nullable(),
    month,
    status: z.enum(['draft', 'approved', 'locked']),
    currency: z.string(),
    healthy_arr: minor.describe('healthy ARR of the CSM’s book at the month end'),
    healthy_arr_prev: minor.describe('healthy ARR of the same book at the previous month end'),
    total_arr: minor,
    mom: rate,
    mrr_rate: z.number(),
    base: minor.describe('round(healthy_arr ÷ 12 × mrr_rate), half-up'),
    coefficient: z.number(),
    amount: minor.describe('round(base × coefficient), half-up'),
    lines: z.array(
      z.strictObject({
        account_id: z.string(),
        account_name: z.string(),
        arr: minor,
        status: Status.nullable(),
        delayed: z.boolean(),
        healthy_arr: minor,
        arr_prev: minor,
        status_prev: Status.nullable(),
        healthy_arr_prev: minor,
      }),
    ),
    computed_at: timestamp,
    approved_by: z.string().nullable(),
    approved_at: timestamp.nullable(),
    locked_by: z.string().nullable(),
    locked_at: timestamp.nullable(),
    version: z.number().int(),
  })
  .meta({ id: 'CsmIncentiveStatement' });

export const IncentiveRecomputeSchema = z.strictObject({
  month,
  written: z.number().int().describe('draft statements created or recomputed'),
  statements: z.array(IncentiveStatementSchema),
});
