import { describe, expect, it } from 'vitest';
import { DEFAULT_HEALTH_MODEL } from '../health-model.ts';
import { coefficientFor, incentiveAmount, incentiveBase, incentiveFor } from '../incentive.rules.ts';

const table = DEFAULT_HEALTH_MODEL.incentive;
const YUAN = 100; // fen

describe('CSM incentive', () => {
  it('the seed example: ¥1,200,000 healthy ARR at 1% → base ¥1,000; at 106% → ¥1,100', () => {
    expect(incentiveBase(1_200_000 * YUAN, 0.01)).toBe(1_000 * YUAN);
    // ¥1,132,075.47 last month: 120,000,000 × 100 ≥ 113,207,547 × 106, i.e. 106% month-over-month
    expect(incentiveFor(120_000_000, 113_207_547, table)).toEqual({
      healthy_arr: 120_000_000,
      healthy_arr_prev: 113_207_547,
      mom: 1.06,
      mrr_rate: 0.01,
      base: 100_000,
      coefficient: 1.1,
      amount: 110_000,
    });
    // one fen more last month and the ratio falls just short of 1.06 (though it prints as 1.06)
    expect(incentiveFor(120_000_000, 113_207_548, table)).toMatchObject({
      mom: 1.06,
      coefficient: 1,
      amount: 100_000,
    });
  });

  it('the 1.06 boundary is exact (integers, no float ratio)', () => {
    expect(coefficientFor(106, 100, table)).toBe(1.1);
    expect(coefficientFor(105_999_999, 100_000_000, table)).toBe(1);
    expect(coefficientFor(106_000_000, 100_000_000, table)).toBe(1.1);
    expect(coefficientFor(100, 100, table)).toBe(1);
    expect(coefficientFor(99_999_999, 100_000_000, table)).toBe(0.8);
    expect(coefficientFor(0, 100, table)).toBe(0.8);
  });

  it('no previous healthy ARR: the neutral row (a ratio of exactly 1.00)', () => {
    expect(coefficientFor(500, 0, table)).toBe(1);
    expect(incentiveFor(500, 0, table)).toMatchObject({ mom: null, coefficient: 1 });
    // a table without a row at 1.00: the highest row at or below 1
    expect(
      coefficientFor(1, 0, {
        mrrRate: 0.01,
        coefficients: [
          { min: 1.2, coefficient: 2 },
          { min: 0, coefficient: 0.5 },
        ],
      }),
    ).toBe(0.5);
  });

  it('rounds half-up to the fen', () => {
    // 6 fen ÷ 12 × 1% = 0.005 → 0; 600 fen → 0.5 → 1
    expect(incentiveBase(6, 0.01)).toBe(0);
    expect(incentiveBase(600, 0.01)).toBe(1);
    expect(incentiveBase(1_799, 0.01)).toBe(1); // 1.499… → 1
    expect(incentiveAmount(5, 1.1)).toBe(6); // 5.5 → 6
    expect(incentiveAmount(4, 1.1)).toBe(4); // 4.4 → 4
    expect(incentiveAmount(3, 0.8)).toBe(2); // 2.4 → 2
    expect(incentiveBase(0, 0.01)).toBe(0);
  });

  it('mom is shown to 4 decimals; a decline earns 0.8, not 0.9', () => {
    const f = incentiveFor(95_000_000, 100_000_000, table);
    expect(f).toMatchObject({ mom: 0.95, coefficient: 0.8, base: 79_167, amount: 63_334 });
  });
});
