/**
 * The CSM incentive (DOMAIN.md §6.7), pure and exact: base = healthy ARR ÷ 12 × MRR rate,
 * coefficient from the model's table by the health-rate month-over-month of the CSM's book,
 * amount = base × coefficient. Money is integer minor units; rates, table thresholds and
 * coefficients are turned into integers (parts per million / basis points) before any arithmetic,
 * so the 1.06 boundary and the seed's ¥1,200,000 → ¥1,000 → ¥1,100 example hold to the fen.
 */
import type { HealthModel } from './health-model.ts';

type IncentiveTable = HealthModel['incentive'];

/** a ÷ b rounded half-up (a ≥ 0, b > 0), in BigInt so no product loses precision. */
function divHalfUp(a: bigint, b: bigint): bigint {
  return (2n * a + b) / (2n * b);
}

const ppm = (x: number): bigint => BigInt(Math.round(x * 1_000_000));
const bp = (x: number): bigint => BigInt(Math.round(x * 10_000));

/** round(healthy ARR ÷ 12 × mrrRate), half-up, minor units. */
export function incentiveBase(healthyArr: number, mrrRate: number): number {
  if (healthyArr <= 0) return 0;
  return Number(divHalfUp(BigInt(healthyArr) * ppm(mrrRate), 12n * 1_000_000n));
}

/**
 * The coefficient for a month-over-month of now ÷ prev: the row with the highest `min` that the
 * ratio reaches, compared as integers (now × 10,000 ≥ prev × min in basis points). With no
 * previous healthy ARR (prev = 0) there is no ratio: growth and decline cannot be told apart, so the
 * neutral row applies — the one a ratio of exactly 1.00 reaches (1.0 with the defaults).
 */
export function coefficientFor(now: number, prev: number, table: IncentiveTable): number {
  const rows = [...table.coefficients].sort((a, b) => b.min - a.min);
  const reaches = (min: number): boolean =>
    prev > 0 ? BigInt(now) * 10_000n >= BigInt(prev) * bp(min) : bp(min) <= 10_000n;
  const row = rows.find((r) => reaches(r.min)) ?? rows[rows.length - 1];
  return row ? row.coefficient : 1;
}

/** round(base × coefficient), half-up. */
export function incentiveAmount(base: number, coefficient: number): number {
  if (base <= 0) return 0;
  return Number(divHalfUp(BigInt(base) * bp(coefficient), 10_000n));
}

export interface IncentiveFigures {
  healthy_arr: number;
  healthy_arr_prev: number;
  /** now ÷ prev, 4 decimals half-up (display; the coefficient is chosen exactly); null when prev is 0 */
  mom: number | null;
  mrr_rate: number;
  base: number;
  coefficient: number;
  amount: number;
}

export function incentiveFor(
  healthyArr: number,
  healthyArrPrev: number,
  table: IncentiveTable,
): IncentiveFigures {
  const base = incentiveBase(healthyArr, table.mrrRate);
  const coefficient = coefficientFor(healthyArr, healthyArrPrev, table);
  const mom =
    healthyArrPrev > 0
      ? Number(divHalfUp(BigInt(healthyArr) * 10_000n, BigInt(healthyArrPrev))) / 10_000
      : null;
  return {
    healthy_arr: healthyArr,
    healthy_arr_prev: healthyArrPrev,
    mom,
    mrr_rate: table.mrrRate,
    base,
    coefficient,
    amount: incentiveAmount(base, coefficient),
  };
}
