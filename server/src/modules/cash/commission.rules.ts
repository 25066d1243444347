// Commission rules, pure (DOMAIN.md §4 "commissions computed automatically"): per role a base
// rate, optional slab tiers by attainment of the person's target, and a cap per month. All math
// is exact integer math (bigint) with a single half-up rounding to the minor unit at the end.
import { divRound, FULL, toBasisPoints } from './performance.rules.ts';

export interface CommissionTier {
  /** attainment percent where this tier starts (the first tier starts at 0) */
  from: number;
  /** commission percent of the credit inside this tier */
  rate: number;
}

export interface CommissionRule {
  /** percent of the credit when there are no tiers, or the person has no target */
  baseRate: number;
  /** slab tiers: every slice of attainment earns its own tier's rate */
  tiers: CommissionTier[];
  /** the most commission this role earns a person in one month (minor units), null = no cap */
  cap: number | null;
}

export interface TierSlice {
  /** attainment percent range of the slice */
  from: number;
  to: number | null;
  rate: number;
  /** credit inside the slice (minor units, rounded half-up for display) */
  credit: number;
}

export interface CommissionResult {
  credit: number;
  commission: number;
  /** before the cap */
  uncapped: number;
  capped: boolean;
  /** how the commission was reached: 'base' rate, 'tiers', or 'clawback' (negative credit) */
  method: 'base' | 'tiers' | 'clawback';
  slices: TierSlice[];
}

/** Percent with ≤ 2 decimals as basis points (settings are validated on save; this is the fallback). */
const bp = (p: number): bigint => BigInt(toBasisPoints(p) ?? Math.round(p * 100));

/**
 * Commission on one role's monthly credit of a person.
 *
 * - No tiers, or no target (null or 0): credit × baseRate.
 * - Tiers (slab, like DOMAIN's slab volume tiers): with target T, tier i covers credit from
 *   T × from_i % up to T × from_{i+1} % (the last tier is open-ended) and earns rate_i on the credit
 *   inside it. Example: T = ¥10,000, tiers 0 % → 2 %, 80 % → 3 %, 100 % → 5 %, credit ¥12,000
 *   (120 %): 8,000 × 2 % + 2,000 × 3 % + 2,000 × 5 % = 160 + 60 + 100 = ¥320.
 * - Negative credit in a month (a reversal larger than what was earned): a clawback at the first
 *   tier's rate (or the base rate), not capped.
 * - The cap limits a positive commission; the sum is rounded half-up once, to the fen.
 */
export function commissionFor(credit: number, target: number | null, rule: CommissionRule): CommissionResult {
  const c = BigInt(credit);
  const scale = BigInt(FULL) * BigInt(FULL);
  const tiers = [...rule.tiers].sort((a, b) => a.from - b.from);
  if (credit < 0) {
    const rate = tiers[0]?.rate ?? rule.baseRate;
    const v = Number(divRound(c * bp(rate), BigInt(FULL)));
    return { credit, commission: v, uncapped: v, capped: false, method: 'clawback', slices: [] };
  }
  let numerator = 0n;
  let denominator = BigInt(FULL);
  const slices: TierSlice[] = [];
  let method: CommissionResult['method'] = 'base';
  if (!tiers.length || target === null || target <= 0) {
    numerator = c * bp(rule.baseRate);
  } else {
    method = 'tiers';
    denominator = scale;
    // in units of fen / 10^4, so tier bounds (T × from bp) stay integers
    const scaled = c * BigInt(FULL);
    const t = BigInt(target);
    tiers.forEach((tier, i) => {
      const next = tiers[i + 1];
      const lo = t * bp(tier.from);
      const hi = next ? t * bp(next.from) : null;
      const top = hi === null || scaled < hi ? scaled : hi;
      const inside = top > lo ? top - lo : 0n;
      numerator += inside * bp(tier.rate);
      slices.push({
        from: tier.from,
        to: next ? next.from : null,
        rate: tier.rate,
        credit: Number(divRound(inside, BigInt(FULL))),
      });
    });
  }
  const uncapped = Number(divRound(numerator, denominator));
  const capped = rule.cap !== null && uncapped > rule.cap;
  return { credit, commission: capped ? (rule.cap ?? 0) : uncapped, uncapped, capped, method, slices };
}

/** Attainment percent of a target, 2 decimals; null without a target. */
export function attainment(credit: number, target: number | null): number | null {
  if (target === null || target <= 0) return null;
  return Number(divRound(BigInt(credit) * 10_000n, BigInt(target))) / 100;
}

/** A month's target from the person's targets: the month's, else the quarter's ÷ 3 (half-up). */
export function monthlyTarget(month: number | null, quarter: number | null): number | null {
  if (month !== null) return month;
  if (quarter !== null) return Number(divRound(BigInt(quarter), 3n));
  return null;
}
