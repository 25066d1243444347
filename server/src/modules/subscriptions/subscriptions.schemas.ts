// Response schemas of the subscriptions routes (documentation and the generated web types; the
// services validate queries and bodies themselves and name every bad field).
import { z } from 'zod';
import { timestamp } from '../../platform/http/response-schemas.ts';

const minor = z.number().int().describe('integer minor units of the base currency (fen)');
const rate = z.number().nullable().describe('a decimal rounded to 4 places (0.9234); null without a base');
const month = z.string().describe('YYYY-MM');
const date = z.string().describe('YYYY-MM-DD');
const groupBy = z.enum(['owner', 'department', 'industry', 'grade', 'csm', 'partner']);

export const ArrGroup = z.strictObject({
  key: z.string().nullable(),
  label: z.string().nullable(),
  arr: minor,
  mrr: minor,
  customers: z.number().int(),
});

export const ArrReportSchema = z
  .strictObject({
    as_of: date,
    currency: z.string(),
    arr: minor,
    mrr: minor.describe('ARR ÷ 12, half up (display)'),
    customers: z.number().int(),
    pending_rate_lines: z
      .number()
      .int()
      .describe('lines not counted: no exchange rate for their currency yet'),
    group_by: groupBy.nullable(),
    groups: z.array(ArrGroup),
  })
  .meta({ id: 'ArrReport' });

export const MovementRowSchema = z
  .strictObject({
    month,
    start_arr: minor,
    new: minor,
    expansion: minor,
    reactivation: minor,
    contraction: minor,
    churn: minor,
    end_arr: minor,
    customers_start: z.number().int(),
    customers_end: z.number().int(),
    new_customers: z.number().int(),
    reactivated_customers: z.number().int(),
    churned_customers: z.number().int(),
    restated_from: z
      .strictObject({ start_arr: minor, end_arr: minor, recorded_at: timestamp })
      .nullable()
      .describe('what the month-end job recorded, when later orders changed the month'),
  })
  .meta({ id: 'ArrMovementMonth' });

export const MovementKindSchema = z.enum(['new', 'expansion', 'reactivation', 'contraction', 'churn']);

export const MovementCustomerSchema = z
  .strictObject({
    account_id: z.string(),
    account_name: z.string(),
    kind: MovementKindSchema,
    start_arr: minor,
    end_arr: minor,
    change: minor.describe('end − start (negative for contraction and churn)'),
  })
  .meta({ id: 'ArrMovementCustomer' });

const renewalFigures = {
  due_arr: minor,
  renewed_arr: minor,
  renewal_rate: rate,
  due_customers: z.number().int(),
  renewed_customers: z.number().int(),
  contract_renewal_rate: rate,
};

export const RenewalReportSchema = z
  .strictObject({
    view: z.enum(['business', 'finance']),
    currency: z.string(),
    months: z.array(z.strictObject({ month, ...renewalFigures, open: z.boolean() })),
    total: z.strictObject(renewalFigures),
    groups: z.array(
      z.strictObject({ key: z.string().nullable(), label: z.string().nullable(), ...renewalFigures }),
    ),
  })
  .meta({ id: 'RenewalReport' });

export const RetentionSchema = z
  .strictObject({
    month,
    nrr: rate,
    grr: rate,
    base_arr: minor.describe('ARR at the end of M−12 of the customers who had ARR then'),
    base_customers: z.number().int(),
    retained_arr: minor.describe('those customers’ ARR at the end of M'),
    logo_churn: rate,
    customers_start: z.number().int(),
    churned_customers: z.number().int(),
  })
  .meta({ id: 'Retention' });

export const CohortSchema = z
  .strictObject({
    cohort: month,
    customers: z.number().int(),
    start_arr: minor,
    months: z.array(
      z.strictObject({
        offset: z.number().int(),
        month,
        arr: minor,
        customers: z.number().int(),
        net_retention: rate,
      }),
    ),
  })
  .meta({ id: 'Cohort' });

export const DueListRowSchema = z
  .strictObject({
    id: z.string(),
    account_id: z.string(),
    account_name: z.string(),
    owner_id: z.string().nullable(),
    owner_name: z.string().nullable(),
    due_date: date,
    due_arr: minor,
    renewed_arr: minor,
    status: z.enum(['upcoming', 'overdue', 'renewed', 'churned', 'adjusted']),
    days_left: z.number().int().describe('negative once the due date has passed'),
    renewal_opportunity_id: z.string().nullable(),
    opportunity_stage: z.string().nullable(),
    renewal_order_id: z.string().nullable(),
  })
  .meta({ id: 'DueRenewalRow' });

export const AccountSubscriptionsSchema = z
  .strictObject({
    currency: z.string(),
    arr: minor,
    lines: z.array(
      z.strictObject({
        id: z.string(),
        order_id: z.string(),
        order_number: z.string(),
        order_type: z.string(),
        order_date: date,
        product_id: z.string(),
        product_name: z.string(),
        service_start: date,
        service_end: date,
        amount: z.number().int().describe('order currency, minor units'),
        amount_currency: z.string(),
        arr: minor.nullable(),
        status: z.enum(['active', 'pending_rate', 'cancelled']),
      }),
    ),
    timeline: z.array(z.strictObject({ month, arr: minor })),
    due: z.array(
      z.strictObject({
        id: z.string(),
        due_date: date,
        due_arr: minor,
        renewed_arr: minor,
        renewed_arr_finance: minor,
        status: z.enum(['upcoming', 'overdue', 'renewed', 'churned', 'adjusted']),
        renewal_order_id: z.string().nullable(),
        renewal_opportunity_id: z.string().nullable(),
      }),
    ),
    adjustments: z.array(
      z.strictObject({
        id: z.string(),
        due_date: date,
        reason: z.string(),
        note: z.string().nullable(),
        status: z.string(),
        created_at: timestamp,
      }),
    ),
  })
  .meta({ id: 'AccountSubscriptions' });

export const ExchangeRatesSchema = z
  .strictObject({
    base: z.string(),
    rates: z.array(z.strictObject({ currency: z.string(), effective_date: date, rate: z.string() })),
  })
  .meta({ id: 'ExchangeRates' });

export const SubscriptionSettingsSchema = z
  .strictObject({
    renewalGraceDays: z.number().int(),
    renewalOpportunityDays: z.number().int().nullable(),
  })
  .meta({ id: 'SubscriptionSettings' });
