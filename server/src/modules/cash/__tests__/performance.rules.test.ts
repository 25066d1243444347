// Split validation and the exact division of credit (DOMAIN.md §4: revenue splits total exactly
// 100 %, overlay splits are not capped, the owner holds 100 % by default).
import { describe, expect, it } from 'vitest';
import {
  applyRate,
  checkSplits,
  creditDeltas,
  creditParts,
  effectiveSplits,
  largestRemainder,
  nextPeriod,
  openPeriod,
  toBasisPoints,
  type SplitInput,
} from '../performance.rules.ts';

const users = new Set(['a', 'b', 'c', 'm']);
const codes = (r: { issues: { field: string; issue: string }[] }): string[] =>
  r.issues.map((i) => `${i.field}:${i.issue}`);

describe('checkSplits', () => {
  it('accepts revenue splits totalling exactly 100 % plus any overlay', () => {
    const input: SplitInput[] = [
      { user_id: 'a', role: 'sales', kind: 'revenue', percent: 33.34 },
      { user_id: 'b', role: 'presales', kind: 'revenue', percent: 33.33 },
      { user_id: 'c', role: 'implementation', kind: 'revenue', percent: 33.33 },
      { user_id: 'm', role: 'manager', kind: 'overlay', percent: 100 },
      { user_id: 'a', role: 'sales', kind: 'overlay', percent: 50 },
    ];
    const r = checkSplits(input, users);
    expect(r.issues).toEqual([]);
    expect(r.splits.map((s) => s.bp)).toEqual([3334, 3333, 3333, 10_000, 5000]);
  });

  it('names `splits` when revenue does not total 100 % (over, under, or overlay only)', () => {
    const over = checkSplits(
      [
        { user_id: 'a', role: 'sales', kind: 'revenue', percent: 60 },
        { user_id: 'b', role: 'sales', kind: 'revenue', percent: 50 },
      ],
      users,
    );
    expect(codes(over)).toEqual(['splits:revenue_split_total']);
    expect(over.issues[0]?.params).toEqual({ sum: 110 });
    expect(over.splits).toEqual([]);
    const thirds = checkSplits(
      [
        { user_id: 'a', role: 'sales', kind: 'revenue', percent: 33.33 },
        { user_id: 'b', role: 'sales', kind: 'revenue', percent: 33.33 },
        { user_id: 'c', role: 'sales', kind: 'revenue', percent: 33.33 },
      ],
      users,
    );
    expect(codes(thirds)).toEqual(['splits:revenue_split_total']);
    expect(
      codes(checkSplits([{ user_id: 'm', role: 'manager', kind: 'overlay', percent: 100 }], users)),
    ).toEqual(['splits:revenue_split_total']);
  });

  it('names each bad participant field', () => {
    const r = checkSplits(
      [
        { user_id: 'x', role: 'sales', kind: 'revenue', percent: 50 },
        { user_id: 'a', role: 'Sales!', kind: 'revenue', percent: 50.001 },
        { user_id: 'a', role: 'sales', kind: 'revenue', percent: 0 },
        { user_id: 'b', role: 'sales', kind: 'overlay', percent: 120 },
      ],
      users,
    );
    expect(codes(r)).toEqual([
      'splits[0].user_id:invalid_reference',
      'splits[1].role:invalid_value',
      'splits[1].percent:too_many_decimals',
      'splits[2].user_id:not_unique',
      'splits[2].percent:must_be_positive',
      'splits[3].percent:too_large',
      'splits:revenue_split_total',
    ]);
  });

  it('an empty list is the default: the owner holds 100 % revenue', () => {
    expect(checkSplits([], users)).toEqual({ splits: [], issues: [] });
    expect(effectiveSplits([], 'a')).toEqual([{ user_id: 'a', role: 'sales', kind: 'revenue', bp: 10_000 }]);
    expect(effectiveSplits([], null)).toEqual([]);
  });

  it('reads percents with 2 decimals exactly despite binary floating point', () => {
    expect(toBasisPoints(33.33)).toBe(3333);
    expect(toBasisPoints(0.01)).toBe(1);
    expect(toBasisPoints(12.345)).toBeNull();
  });
});

describe('credit division', () => {
  it('largest remainder makes the parts sum exactly to the amount', () => {
    expect(largestRemainder(100, [3334, 3333, 3333])).toEqual([34, 33, 33]);
    expect(largestRemainder(1, [3334, 3333, 3333])).toEqual([1, 0, 0]);
    expect(largestRemainder(-100, [3334, 3333, 3333])).toEqual([-34, -33, -33]);
    // ties go to the earlier share
    expect(largestRemainder(1, [5000, 5000])).toEqual([1, 0]);
    for (const amount of [0, 1, 7, 99_999, 1_234_567_891, 9_007_199_254]) {
      const parts = largestRemainder(amount, [3334, 3333, 3333]);
      expect(parts.reduce((a, b) => a + b, 0)).toBe(amount);
    }
  });

  it('revenue parts sum to the amount; overlay is extra, each rounded half-up', () => {
    const parts = creditParts(1_000_001, [
      { user_id: 'a', role: 'sales', kind: 'revenue', bp: 6000 },
      { user_id: 'b', role: 'presales', kind: 'revenue', bp: 4000 },
      { user_id: 'm', role: 'manager', kind: 'overlay', bp: 10_000 },
      { user_id: 'n', role: 'manager', kind: 'overlay', bp: 2500 },
    ]);
    expect(parts).toEqual([
      { user_id: 'a', role: 'sales', kind: 'revenue', amount: 600_001 },
      { user_id: 'b', role: 'presales', kind: 'revenue', amount: 400_000 },
      { user_id: 'm', role: 'manager', kind: 'overlay', amount: 1_000_001 },
      // 250,000.25 → 250,000
      { user_id: 'n', role: 'manager', kind: 'overlay', amount: 250_000 },
    ]);
    expect(creditParts(2, [{ user_id: 'n', role: 'manager', kind: 'overlay', bp: 2500 }])).toEqual([
      { user_id: 'n', role: 'manager', kind: 'overlay', amount: 1 },
    ]);
  });

  it('applies an order-type rate half-up (a renewal counted at 50 %)', () => {
    expect(applyRate(1_000_001, 50)).toBe(500_001);
    expect(applyRate(999, 33.33)).toBe(333);
    expect(applyRate(1_000, 0)).toBe(0);
    expect(applyRate(1_000, 120)).toBe(1_200);
  });

  it('deltas take the booked credit to the target and are empty when nothing changed', () => {
    const target = creditParts(900, [
      { user_id: 'a', role: 'sales', kind: 'revenue', bp: 5000 },
      { user_id: 'b', role: 'sales', kind: 'revenue', bp: 5000 },
    ]);
    const booked = [{ user_id: 'a', role: 'sales', kind: 'revenue' as const, amount: 1000 }];
    expect(creditDeltas(target, booked)).toEqual([
      { user_id: 'a', role: 'sales', kind: 'revenue', amount: -550 },
      { user_id: 'b', role: 'sales', kind: 'revenue', amount: 450 },
    ]);
    expect(creditDeltas(target, target)).toEqual([]);
    expect(creditDeltas([], booked)).toEqual([
      { user_id: 'a', role: 'sales', kind: 'revenue', amount: -1000 },
    ]);
  });
});

describe('periods', () => {
  it('late credit for a locked month goes to the next open month', () => {
    expect(nextPeriod('2026-12')).toBe('2027-01');
    expect(openPeriod('2026-11', new Set())).toBe('2026-11');
    expect(openPeriod('2026-11', new Set(['2026-11', '2026-12']))).toBe('2027-01');
  });
});
