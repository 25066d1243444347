import { z } from 'zod';

/**
 * The tenant's health model (DOMAIN.md §6.1–§6.3, §6.7; docs/HEALTH.md): dimension weights,
 * module points, ratio bands, the scoring window, status thresholds, alert thresholds, the
 * nine-grid tiers and the CSM incentive table. Stored versioned in `health_model`; the defaults
 * below are the seed's numbers.
 */

export const DIMENSIONS = [
  'module_usage',
  'instance_ratio',
  'activation_rate',
  'login_rate',
  'bi_usage',
] as const;
export type Dimension = (typeof DIMENSIONS)[number];
/** The dimensions scored by ratio bands (module usage is scored by points). */
export const BANDED = ['instance_ratio', 'activation_rate', 'login_rate', 'bi_usage'] as const;
export type BandedDimension = (typeof BANDED)[number];

/** A band: a ratio at or above `min` scores `score` (bands are tried from the highest `min`). */
const bandSchema = z.strictObject({
  min: z.number().min(0).max(1000),
  score: z.number().int().min(0).max(100),
});
export type Band = z.infer<typeof bandSchema>;

const bandsSchema = z
  .array(bandSchema)
  .min(1)
  .max(10)
  .refine((b) => b.some((x) => x.min === 0), { message: 'needs_zero_band' })
  .refine((b) => new Set(b.map((x) => x.min)).size === b.length, { message: 'duplicate_min' });

const moduleKey = z.string().regex(/^[a-z][a-z0-9_]{0,62}$/);

export const healthModelSchema = z.strictObject({
  /** integer percentages summing to 100 */
  weights: z
    .strictObject({
      module_usage: z.number().int().min(0).max(100),
      instance_ratio: z.number().int().min(0).max(100),
      activation_rate: z.number().int().min(0).max(100),
      login_rate: z.number().int().min(0).max(100),
      bi_usage: z.number().int().min(0).max(100),
    })
    .refine((w) => Object.values(w).reduce((s, v) => s + v, 0) === 100, { message: 'weights_sum_100' }),
  /** points for a module with at least one new record in the week */
  modulePoints: z.record(moduleKey, z.number().int().min(0).max(100)),
  /** module points that score 100 */
  fullScorePoints: z.number().int().min(1).max(1000),
  bands: z.strictObject({
    instance_ratio: bandsSchema,
    activation_rate: bandsSchema,
    login_rate: bandsSchema,
    bi_usage: bandsSchema,
  }),
  /** the score of a week is the average of the weekly totals over this many weeks */
  windowWeeks: z.number().int().min(1).max(13),
  /** score ≥ healthyMin → healthy; < unhealthyBelow → unhealthy; otherwise sub-healthy */
  healthyMin: z.number().min(0).max(100),
  unhealthyBelow: z.number().min(0).max(100),
  alerts: z.strictObject({
    /** a score drop (or rise) of at least this many points */
    scoreChange: z.number().min(0.1).max(100),
    /** relative change of the login rate, e.g. 0.2 = 20% */
    loginChange: z.number().min(0.01).max(1),
    /** renewal probability change */
    probabilityChange: z.number().min(0.01).max(1),
    /** share of a quota used that signals expansion */
    quotaUsed: z.number().min(0.01).max(1),
    /** work-order due days per level */
    dueDays: z.strictObject({
      high: z.number().int().min(1).max(90),
      mid: z.number().int().min(1).max(90),
      low: z.number().int().min(1).max(90),
    }),
  }),
  /** value tiers by ARR in base-currency minor units */
  valueTiers: z.strictObject({ large: z.number().int().min(1), mid: z.number().int().min(1) }),
  probabilityTiers: z.strictObject({ high: z.number().min(0).max(1), mid: z.number().min(0).max(1) }),
  incentive: z.strictObject({
    /** share of healthy MRR, e.g. 0.01 */
    mrrRate: z.number().min(0).max(1),
    /** coefficient by health-rate month-over-month: the first row whose `min` the ratio reaches */
    coefficients: z
      .array(z.strictObject({ min: z.number().min(0).max(100), coefficient: z.number().min(0).max(10) }))
      .min(1)
      .max(10)
      .refine((c) => c.some((x) => x.min === 0), { message: 'needs_zero_band' }),
  }),
});

export type HealthModel = z.infer<typeof healthModelSchema>;

export const DEFAULT_HEALTH_MODEL: HealthModel = {
  weights: { module_usage: 45, instance_ratio: 20, activation_rate: 10, login_rate: 10, bi_usage: 15 },
  modulePoints: {
    account: 1,
    contact: 1,
    lead: 1,
    activity: 1,
    opportunity: 2,
    quote: 2,
    contract: 5,
    order: 5,
    payment: 5,
    invoice: 5,
  },
  fullScorePoints: 20,
  bands: {
    instance_ratio: [
      { min: 5, score: 100 },
      { min: 2, score: 80 },
      { min: 0.5, score: 50 },
      { min: 0, score: 10 },
    ],
    activation_rate: [
      { min: 0.9, score: 100 },
      { min: 0.7, score: 70 },
      { min: 0.5, score: 40 },
      { min: 0, score: 10 },
    ],
    login_rate: [
      { min: 0.8, score: 100 },
      { min: 0.6, score: 75 },
      { min: 0.4, score: 50 },
      { min: 0.2, score: 25 },
      { min: 0, score: 0 },
    ],
    bi_usage: [
      { min: 0.3, score: 100 },
      { min: 0.15, score: 70 },
      { min: 0.05, score: 40 },
      { min: 0, score: 0 },
    ],
  },
  windowWeeks: 4,
  healthyMin: 70,
  unhealthyBelow: 30,
  alerts: {
    scoreChange: 10,
    loginChange: 0.2,
    probabilityChange: 0.15,
    quotaUsed: 0.9,
    dueDays: { high: 3, mid: 7, low: 14 },
  },
  // ¥500,000 and ¥100,000 in fen
  valueTiers: { large: 50_000_000, mid: 10_000_000 },
  probabilityTiers: { high: 0.7, mid: 0.3 },
  incentive: {
    mrrRate: 0.01,
    coefficients: [
      { min: 1.06, coefficient: 1.1 },
      { min: 1, coefficient: 1 },
      { min: 0, coefficient: 0.8 },
    ],
  },
};

/** Cross-field checks zod's object shape cannot express; each names the offending field. */
export function modelIssues(m: HealthModel): { field: string; issue: string }[] {
  const out: { field: string; issue: string }[] = [];
  if (m.unhealthyBelow > m.healthyMin) out.push({ field: 'unhealthyBelow', issue: 'above_healthy_min' });
  if (m.valueTiers.mid >= m.valueTiers.large) out.push({ field: 'valueTiers.mid', issue: 'not_below_large' });
  if (m.probabilityTiers.mid >= m.probabilityTiers.high)
    out.push({ field: 'probabilityTiers.mid', issue: 'not_below_high' });
  return out;
}
