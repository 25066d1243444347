// Commission math: base rate, slab tiers by attainment, caps, clawback (docs/CASH.md worked example).
import { describe, expect, it } from 'vitest';
import { attainment, commissionFor, monthlyTarget, type CommissionRule } from '../commission.rules.ts';

const slab: CommissionRule = {
  baseRate: 1,
  tiers: [
    { from: 0, rate: 2 },
    { from: 80, rate: 3 },
    { from: 100, rate: 5 },
  ],
  cap: null,
};

describe('commissionFor', () => {
  it('slab tiers: each slice of attainment at its own rate (the worked example)', () => {
    // target ¥10,000, credit ¥12,000 (120 %): 8,000 × 2 % + 2,000 × 3 % + 2,000 × 5 % = ¥320
    const r = commissionFor(1_200_000, 1_000_000, slab);
    expect(r.commission).toBe(32_000);
    expect(r.method).toBe('tiers');
    expect(r.slices).toEqual([
      { from: 0, to: 80, rate: 2, credit: 800_000 },
      { from: 80, to: 100, rate: 3, credit: 200_000 },
      { from: 100, to: null, rate: 5, credit: 200_000 },
    ]);
    // below the first boundary only the first tier's rate applies
    expect(commissionFor(500_000, 1_000_000, slab).commission).toBe(10_000);
    // exactly on a boundary
    expect(commissionFor(800_000, 1_000_000, slab).commission).toBe(16_000);
  });

  it('rounds once, half-up, after summing the exact slices', () => {
    // target 3 fen: bounds at 2.4 and 3 fen; credit 5 → 2.4×2% + 0.6×3% + 2×5% = 0.166 → 0
    expect(commissionFor(5, 3, slab).commission).toBe(0);
    // 25 fen at 2 % = 0.5 → 1 (half-up)
    expect(commissionFor(25, 1_000_000, slab).commission).toBe(1);
    expect(commissionFor(75, null, { baseRate: 2, tiers: [], cap: null }).commission).toBe(2);
  });

  it('without a target (or without tiers) the base rate applies to all credit', () => {
    expect(commissionFor(1_200_000, null, slab)).toMatchObject({ commission: 12_000, method: 'base' });
    expect(commissionFor(1_200_000, 0, slab).commission).toBe(12_000);
    expect(commissionFor(1_200_000, 1_000_000, { baseRate: 1.5, tiers: [], cap: null }).commission).toBe(
      18_000,
    );
  });

  it('caps a month per role', () => {
    const r = commissionFor(1_200_000, 1_000_000, { ...slab, cap: 30_000 });
    expect(r).toMatchObject({ commission: 30_000, uncapped: 32_000, capped: true });
    expect(commissionFor(500_000, 1_000_000, { ...slab, cap: 30_000 }).capped).toBe(false);
  });

  it('negative credit is clawed back at the first tier rate, uncapped', () => {
    expect(commissionFor(-100_000, 1_000_000, { ...slab, cap: 10 })).toMatchObject({
      commission: -2_000,
      method: 'clawback',
      capped: false,
    });
    expect(commissionFor(-100_000, null, { baseRate: 1, tiers: [], cap: null }).commission).toBe(-1_000);
  });

  it('tiers are applied in order of their start whatever order they were given in', () => {
    const shuffled: CommissionRule = { ...slab, tiers: [slab.tiers[2]!, slab.tiers[0]!, slab.tiers[1]!] };
    expect(commissionFor(1_200_000, 1_000_000, shuffled).commission).toBe(32_000);
  });
});

describe('attainment and targets', () => {
  it('attainment in percent with 2 decimals', () => {
    expect(attainment(1_200_000, 1_000_000)).toBe(120);
    expect(attainment(1, 3)).toBe(33.33);
    expect(attainment(5, null)).toBeNull();
  });

  it('a month without its own target takes a third of the quarter', () => {
    expect(monthlyTarget(500, 3000)).toBe(500);
    expect(monthlyTarget(null, 1000)).toBe(333);
    expect(monthlyTarget(null, null)).toBeNull();
  });
});
