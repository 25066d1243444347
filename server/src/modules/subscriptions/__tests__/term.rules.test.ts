import { describe, expect, it } from 'vitest';
import { activeMonthEnds, addMonths, bookLine, monthsBetween, rateToScaled, termOf } from '../term.rules.ts';

describe('termOf: calendar months from start to end + 1 day', () => {
  it('counts whole months exactly, whatever the start day', () => {
    expect(termOf('2026-01-01', '2026-12-31')).toEqual({ months: 12, days: 0, monthDays: 31 });
    expect(termOf('2026-01-15', '2027-01-14')).toEqual({ months: 12, days: 0, monthDays: 31 });
    expect(termOf('2026-03-01', '2029-02-28')).toMatchObject({ months: 36, days: 0 });
    expect(termOf('2026-07-01', '2027-02-28')).toMatchObject({ months: 8, days: 0 });
  });

  it('adds a partial month as days ÷ days in the month where the rest begins', () => {
    expect(termOf('2026-01-01', '2026-01-15')).toEqual({ months: 0, days: 15, monthDays: 31 });
    expect(termOf('2026-02-01', '2026-02-14')).toEqual({ months: 0, days: 14, monthDays: 28 });
    // Jan 10 + 1 month = Feb 10; Feb 10 → Feb 25 is 15 days of February's 28
    expect(termOf('2026-01-10', '2026-02-24')).toEqual({ months: 1, days: 15, monthDays: 28 });
  });

  it('clamps month ends (Jan 31 + 1 month = Feb 28) and handles leap years', () => {
    expect(addMonths('2026-01-31', 1)).toBe('2026-02-28');
    expect(addMonths('2028-01-31', 1)).toBe('2028-02-29');
    expect(termOf('2028-02-01', '2028-02-29')).toMatchObject({ months: 1, days: 0 });
    expect(termOf('2026-01-31', '2026-02-27')).toMatchObject({ months: 1, days: 0 });
  });
});

describe('bookLine: base amount and ARR, one half-up rounding each', () => {
  it('a 12-month line has ARR = amount', () => {
    const b = bookLine(12_000_000n, '1', '2026-01-01', '2026-12-31');
    expect(b.arr).toBe(12_000_000n);
    expect(b.amountBase).toBe(12_000_000n);
  });

  it('normalises multi-year and short terms', () => {
    expect(bookLine(36_000_000n, '1', '2025-01-01', '2027-12-31').arr).toBe(12_000_000n);
    expect(bookLine(2_000_000n, '1', '2025-07-01', '2026-02-28').arr).toBe(3_000_000n);
    expect(bookLine(2_000_000n, '1', '2025-01-01', '2025-06-30').arr).toBe(4_000_000n);
    // 15 days of January: 100.00 × 12 ÷ (15/31) = 2,480.00
    expect(bookLine(10_000n, '1', '2026-01-01', '2026-01-15').arr).toBe(248_000n);
  });

  it('rounds half up to the fen once, not per step', () => {
    // 1.00 over 7 months: 100 × 12 / 7 = 171.43 → 171
    expect(bookLine(100n, '1', '2026-01-01', '2026-07-31').arr).toBe(171n);
    // 0.07 × 12 / 8 = 0.105 → 0.11 (half up)
    expect(bookLine(7n, '1', '2026-01-01', '2026-08-31').arr).toBe(11n);
  });

  it('converts at the booking rate exactly (USD 10,000.00 at 7.1 → ¥71,000.00)', () => {
    const b = bookLine(1_000_000n, '7.1', '2025-04-01', '2026-03-31');
    expect(b.amountBase).toBe(7_100_000n);
    expect(b.arr).toBe(7_100_000n);
    expect(rateToScaled('7.12345678')).toBe(712_345_678n);
    expect(bookLine(333n, '0.33333333', '2026-01-01', '2026-12-31').amountBase).toBe(111n);
  });
});

describe('activeMonthEnds', () => {
  it('counts a month when the line is active on its last day', () => {
    expect(activeMonthEnds('2025-01-01', '2025-12-31')).toEqual(['2025-01', '2025-12']);
    expect(activeMonthEnds('2025-01-15', '2026-01-14')).toEqual(['2025-01', '2025-12']);
    expect(activeMonthEnds('2025-03-05', '2025-03-20')).toEqual(['2025-03', '2025-02']); // never at a month-end
    expect(monthsBetween('2025-11', '2026-02')).toEqual(['2025-11', '2025-12', '2026-01', '2026-02']);
  });
});
