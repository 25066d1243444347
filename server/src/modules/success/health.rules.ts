import { BANDED, type Band, type BandedDimension, type Dimension, type HealthModel } from './health-model.ts';

/**
 * Health scoring (DOMAIN.md §6.1, docs/HEALTH.md), pure: one week's usage → five dimension scores
 * → a weighted total; a window of weekly totals → the score and status. Exact: every ratio is
 * compared as a fraction and the total is rounded half-up to one decimal from integers, so the
 * hand-written SQL in bench/ gets the very same numbers.
 */

/** One customer's usage in one Monday–Sunday week. */
export interface WeekUsage {
  weekStart: string;
  /** new records in the week per module key (sum of the days) */
  modules: Record<string, number>;
  /** seats and 7-day user counts on the last day of the week that has a row */
  purchasedSeats: number;
  activatedSeats: number;
  loggedInUsers7d: number;
  biUsers7d: number;
}

export interface DimensionScore {
  /** module usage: points; the others: the ratio (null when its denominator is 0) */
  raw: number | null;
  score: number;
  weight: number;
}

export interface WeekScore {
  weekStart: string;
  total: number;
  dimensions: Record<Dimension, DimensionScore>;
}

export type HealthStatus = 'healthy' | 'sub_healthy' | 'unhealthy' | 'no_data';

/** The band score of numerator ÷ denominator (0 when the denominator is 0: nothing to measure). */
export function bandScore(bands: Band[], num: number, den: number): number {
  const ratio = den > 0 ? num / den : 0;
  const sorted = [...bands].sort((a, b) => b.min - a.min);
  for (const b of sorted) if (ratio >= b.min) return b.score;
  return 0;
}

/** Points of the modules with at least one new record. */
export function modulePoints(model: HealthModel, modules: Record<string, number>): number {
  let points = 0;
  // own keys only: a module reported as `constructor` must not pick up Object.prototype's
  for (const [k, n] of Object.entries(modules))
    if (n > 0 && Object.hasOwn(model.modulePoints, k)) points += model.modulePoints[k] ?? 0;
  return points;
}

const ratioInputs = (w: WeekUsage): Record<BandedDimension, [number, number]> => ({
  instance_ratio: [Object.values(w.modules).reduce((s, n) => s + (n > 0 ? n : 0), 0), w.activatedSeats],
  activation_rate: [w.activatedSeats, w.purchasedSeats],
  login_rate: [w.loggedInUsers7d, w.activatedSeats],
  bi_usage: [w.biUsers7d, w.activatedSeats],
});

/** Half-up rounding of num ÷ den (den > 0, num ≥ 0) to an integer. */
const divRound = (num: number, den: number): number => Math.floor((2 * num + den) / (2 * den));

/**
 * One week's total: Σ weight × dimension score, rounded half-up to one decimal. Module usage
 * scores min(100, points ÷ full × 100), kept as a fraction until the final rounding.
 */
export function scoreWeek(model: HealthModel, w: WeekUsage): WeekScore {
  const points = modulePoints(model, w.modules);
  const full = model.fullScorePoints;
  const cappedPoints = Math.min(points, full);
  const inputs = ratioInputs(w);
  const dims = {
    module_usage: {
      raw: points,
      score: Math.round((cappedPoints * 1000) / full) / 10,
      weight: model.weights.module_usage,
    },
  } as Record<Dimension, DimensionScore>;
  // tenths of a point × full: module term w × points × 100 × 10 / full is exact after × full
  let sumTimesFull = model.weights.module_usage * cappedPoints * 100;
  for (const d of BANDED) {
    const [num, den] = inputs[d];
    const score = bandScore(model.bands[d], num, den);
    dims[d] = { raw: den > 0 ? num / den : null, score, weight: model.weights[d] };
    sumTimesFull += model.weights[d] * score * full;
  }
  // total = sum ÷ (100 × full); in tenths: sum ÷ (10 × full)
  const tenths = divRound(sumTimesFull, 10 * full);
  return { weekStart: w.weekStart, total: tenths / 10, dimensions: dims };
}

/** The average of weekly totals (already in tenths), rounded half-up to one decimal. */
export function windowScore(totals: number[]): number | null {
  if (!totals.length) return null;
  const tenths = totals.reduce((s, t) => s + Math.round(t * 10), 0);
  return divRound(tenths, totals.length) / 10;
}

export function statusOf(model: HealthModel, score: number | null, delayed: boolean): HealthStatus {
  if (delayed) return 'unhealthy';
  if (score === null) return 'no_data';
  if (score >= model.healthyMin) return 'healthy';
  if (score < model.unhealthyBelow) return 'unhealthy';
  return 'sub_healthy';
}

/** Per dimension, the average over the window's weeks of raw value and score ("why this score"). */
export function windowDimensions(
  weeks: WeekScore[],
): Record<Dimension, DimensionScore> | Record<string, never> {
  if (!weeks.length) return {};
  const first = weeks[0];
  if (!first) return {};
  const out = {} as Record<Dimension, DimensionScore>;
  for (const d of Object.keys(first.dimensions) as Dimension[]) {
    const raws = weeks.map((w) => w.dimensions[d].raw).filter((r): r is number => r !== null);
    out[d] = {
      raw: raws.length ? raws.reduce((s, r) => s + r, 0) / raws.length : null,
      score: Math.round((weeks.reduce((s, w) => s + w.dimensions[d].score, 0) / weeks.length) * 10) / 10,
      weight: first.dimensions[d].weight,
    };
  }
  return out;
}

/** Monday of the ISO week containing `day` (YYYY-MM-DD). */
export function mondayOf(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  const dow = (d.getUTCDay() + 6) % 7;
  d.setUTCDate(d.getUTCDate() - dow);
  return d.toISOString().slice(0, 10);
}

export function addDaysIso(day: string, n: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/**
 * The week a run on `asOf` scores: the last complete Monday–Sunday week before `asOf` (a Monday
 * run scores the week that ended yesterday), and the window of `windowWeeks` weeks ending with it.
 */
export function scoredWeek(
  asOf: string,
  windowWeeks: number,
): { weekStart: string; windowStart: string; weekEnd: string } {
  const weekStart = addDaysIso(mondayOf(asOf), -7);
  return {
    weekStart,
    windowStart: addDaysIso(weekStart, -7 * (windowWeeks - 1)),
    weekEnd: addDaysIso(weekStart, 6),
  };
}
