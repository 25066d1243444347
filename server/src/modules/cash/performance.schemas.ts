// Response and body schemas of the performance and commission routes (documentation and the
// generated web types; the services validate bodies themselves and name every bad field).
import { z } from 'zod';
import { timestamp } from '../../platform/http/response-schemas.ts';

const minor = z.number().int().describe('minor units (fen)');
const kind = z.enum(['revenue', 'overlay']);

export const OrderSplit = z
  .strictObject({
    user_id: z.string(),
    user_name: z.string(),
    role: z.string().describe('sales, presales, implementation, manager …'),
    kind,
    percent: z.number().describe('0–100, 2 decimals'),
  })
  .meta({ id: 'OrderSplit' });

export const OrderSplits = z
  .strictObject({
    order_id: z.string(),
    owner_id: z.string().nullable(),
    default: z.boolean().describe('no splits stored: the owner holds 100 % revenue'),
    splits: z.array(OrderSplit),
  })
  .meta({ id: 'OrderSplits' });

export const OrderSplitsBody = z
  .object({
    splits: z
      .array(
        z.object({
          user_id: z.string(),
          role: z
            .string()
            .optional()
            .describe('default sales (manager for overlay); lower-case letters, digits, _'),
          kind: kind.optional().describe('default revenue'),
          percent: z.number().describe('0 < p ≤ 100, at most 2 decimals'),
        }),
      )
      .describe('revenue splits total exactly 100; overlay splits are extra; [] restores the default'),
  })
  .meta({ id: 'OrderSplitsBody' });

const Rule = z.strictObject({
  baseRate: z.number(),
  tiers: z.array(z.strictObject({ from: z.number(), rate: z.number() })),
  cap: z.number().nullable(),
});

export const CommissionLine = z
  .strictObject({
    role: z.string(),
    revenue_credit: minor,
    overlay_credit: minor,
    credit: minor,
    rule: Rule,
    method: z.enum(['base', 'tiers', 'clawback']),
    slices: z.array(
      z.strictObject({ from: z.number(), to: z.number().nullable(), rate: z.number(), credit: minor }),
    ),
    uncapped: minor,
    capped: z.boolean(),
    commission: minor,
  })
  .meta({ id: 'CommissionLine' });

const figures = {
  user_id: z.string(),
  period: z.string().describe('YYYY-MM'),
  currency: z.string(),
  revenue_credit: minor,
  overlay_credit: minor,
  target: minor.nullable(),
  attainment: z.number().nullable().describe('percent, 2 decimals'),
  commission: minor,
  lines: z.array(CommissionLine),
};

export const MyPerformance = z
  .strictObject({
    ...figures,
    other_currencies: z.array(z.strictObject({ currency: z.string(), amount: minor })),
    statement: z.strictObject({ id: z.string(), status: z.string() }).nullable(),
    entries: z.array(
      z.strictObject({
        id: z.string(),
        order_id: z.string(),
        order_number: z.string(),
        payment_id: z.string().nullable(),
        amount: minor,
        currency: z.string(),
        kind,
        role: z.string(),
        source: z.enum(['order', 'payment']),
        source_event: z.string(),
        created_at: timestamp,
      }),
    ),
  })
  .meta({ id: 'MyPerformance' });

export const PerformanceRow = z
  .strictObject({
    key: z.string().describe('user id, or department id ("" = no department)'),
    name: z.string(),
    department_id: z.string().nullable(),
    people: z.number().int(),
    revenue_credit: minor,
    overlay_credit: minor,
    target: minor.nullable(),
    attainment: z.number().nullable(),
    commission: minor,
  })
  .meta({ id: 'PerformanceRow' });

export const CommissionStatement = z
  .strictObject({
    ...figures,
    id: z.string(),
    user_name: z.string(),
    department_id: z.string().nullable(),
    status: z.enum(['draft', 'approved', 'locked']),
    computed_at: timestamp,
    approved_by: z.string().nullable(),
    approved_at: timestamp.nullable(),
    locked_by: z.string().nullable(),
    locked_at: timestamp.nullable(),
    version: z.number().int(),
  })
  .meta({ id: 'CommissionStatement' });

export const PerformanceSettingsSchema = z
  .strictObject({
    creditSource: z.enum(['payment', 'order']),
    orderTypeRates: z.strictObject({
      new: z.number(),
      renewal: z.number(),
      expansion: z.number(),
      downgrade: z.number(),
    }),
    commission: z.strictObject({ default: Rule, roles: z.record(z.string(), Rule) }),
  })
  .meta({ id: 'PerformanceSettings' });

export const OrderCredit = z
  .strictObject({
    order_id: z.string(),
    totals: z.array(
      z.strictObject({
        user_id: z.string(),
        user_name: z.string(),
        role: z.string(),
        kind,
        currency: z.string(),
        amount: minor,
      }),
    ),
    entries: z.array(
      z.strictObject({
        id: z.string(),
        user_id: z.string(),
        payment_id: z.string().nullable(),
        period: z.string().describe('YYYY-MM'),
        amount: minor,
        currency: z.string(),
        kind,
        role: z.string(),
        source: z.enum(['order', 'payment']),
        source_event: z.string(),
        created_at: timestamp,
      }),
    ),
  })
  .meta({ id: 'OrderCredit' });
