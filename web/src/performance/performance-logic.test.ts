import { describe, expect, it } from 'vitest';
import {
  attainmentPercent,
  attainmentTone,
  gaugeValue,
  methodLabel,
  parsePeriod,
  periodOf,
  roleLabel,
  shareOfMinor,
  splitProblems,
  splitsPayload,
  splitTotals,
  type SplitDraft,
} from './performance-logic';
import { performanceEnUS } from './i18n.en-US';
import { performanceZhCN } from './i18n.zh-CN';

const s = (p: Partial<SplitDraft>): SplitDraft => ({
  key: Math.random().toString(36),
  userId: 'u1',
  role: 'sales',
  kind: 'revenue',
  percent: 100,
  ...p,
});

describe('splitTotals', () => {
  it('adds thirds exactly in hundredths', () => {
    const t = splitTotals([
      s({ userId: 'a', percent: 33.33 }),
      s({ userId: 'b', percent: 33.33 }),
      s({ userId: 'c', percent: 33.34 }),
      s({ userId: 'm', kind: 'overlay', percent: 10 }),
    ]);
    expect(t).toEqual({ revenue: 100, overlay: 10 });
  });
  it('0.1 + 0.2 style sums do not drift', () => {
    expect(splitTotals([s({ percent: 0.1 }), s({ userId: 'b', percent: 0.2 })]).revenue).toBe(0.3);
  });
});

describe('splitProblems', () => {
  it('accepts an empty set (back to the default) and exactly 100 % revenue', () => {
    expect(splitProblems([])).toEqual([]);
    expect(splitProblems([s({ percent: 60 }), s({ userId: 'b', percent: 40 })])).toEqual([]);
  });
  it('refuses 99.99 %, a missing person, a blank percent and a duplicate', () => {
    expect(splitProblems([s({ percent: 60 }), s({ userId: 'b', percent: 39.99 })])).toEqual([
      'revenue_total',
    ]);
    expect(splitProblems([s({ userId: null })])).toContain('user_missing');
    expect(splitProblems([s({ percent: null })])).toContain('percent_missing');
    expect(splitProblems([s({ percent: 50 }), s({ percent: 50 })])).toContain('duplicate');
  });
  it('overlay does not count towards the revenue 100 %', () => {
    expect(splitProblems([s({}), s({ userId: 'm', kind: 'overlay', percent: 100 })])).toEqual([]);
  });
});

describe('splitsPayload', () => {
  it('defaults the role by kind and drops incomplete rows', () => {
    expect(
      splitsPayload([
        s({ role: '' }),
        s({ userId: 'm', kind: 'overlay', role: '', percent: 5 }),
        s({ userId: null }),
      ]),
    ).toEqual([
      { user_id: 'u1', role: 'sales', kind: 'revenue', percent: 100 },
      { user_id: 'm', role: 'manager', kind: 'overlay', percent: 5 },
    ]);
  });
});

describe('money and attainment', () => {
  it('shares round half-up to the fen', () => {
    expect(shareOfMinor(100_00, 33.33)).toBe(33_33);
    expect(shareOfMinor(1, 50)).toBe(1);
    expect(shareOfMinor(-1, 50)).toBe(-1);
    expect(shareOfMinor(12_345_67, null)).toBe(0);
  });
  it('attainment percent with 2 decimals, none without a target', () => {
    expect(attainmentPercent(50_000_00, 80_000_00)).toBe(62.5);
    expect(attainmentPercent(1, 3)).toBe(33.33);
    expect(attainmentPercent(10, 0)).toBeNull();
    expect(attainmentPercent(10, null)).toBeNull();
  });
  it('gauge caps and tones', () => {
    expect(gaugeValue(null)).toBe(0);
    expect(gaugeValue(230)).toBe(150);
    expect(gaugeValue(-5)).toBe(0);
    expect(attainmentTone(null)).toBe('none');
    expect(attainmentTone(59.99)).toBe('low');
    expect(attainmentTone(60)).toBe('mid');
    expect(attainmentTone(100)).toBe('high');
  });
  it('periods', () => {
    expect(periodOf(new Date(2026, 10, 27))).toBe('2026-11');
    expect(parsePeriod('2026-13')).toBeNull();
    expect(parsePeriod('2026-01')).toBe('2026-01');
  });
});

describe('role and method labels', () => {
  const zh = (key: keyof typeof performanceZhCN) => performanceZhCN[key];
  const en = (key: keyof typeof performanceEnUS) => performanceEnUS[key];

  it('names the split roles and commission methods in either language', () => {
    expect(roleLabel('sales', zh)).toBe('销售');
    expect(roleLabel('presales', zh)).toBe('售前');
    expect(roleLabel('manager', en)).toBe('Manager');
    expect(roleLabel('implementation', en)).toBe('Implementation');
    expect(methodLabel('base', zh)).toBe('基础比例');
    expect(methodLabel('tiers', en)).toBe('Tiered rates');
    expect(methodLabel('clawback', zh)).toBe('冲回');
  });

  it("keeps a role of the tenant's own as stored", () => {
    expect(roleLabel('key_account', zh)).toBe('key_account');
    expect(roleLabel('', en)).toBe('');
  });
});
