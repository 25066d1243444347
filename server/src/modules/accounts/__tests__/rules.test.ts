import { describe, expect, it } from 'vitest';
import { creditCodeCheckChar, isValidCreditCode, normaliseCreditCode } from '../credit-code.rules.ts';
import { computeGrade, conditionHolds, type GradeRule } from '../grade.rules.ts';
import { DEFAULT_POOL_TIMERS, planReclaim, reclaimAction } from '../reclaim.rules.ts';
import { DEFAULT_PROTECTION } from '../protection.rules.ts';
import { buildOrgChart } from '../org-chart.rules.ts';

describe('unified social credit code (GB 32100-2015)', () => {
  it('accepts real codes and refuses a wrong check character, length or letter', () => {
    for (const c of ['91350100M000100Y43', '91110108551385082Q', '91440300708461136T', '911100001000128855'])
      expect(isValidCreditCode(c), c).toBe(true);
    expect(isValidCreditCode('91350100M000100Y44')).toBe(false);
    expect(isValidCreditCode('91350100M000100Y4')).toBe(false);
    // I, O, S, V, Z are not in the alphabet
    expect(isValidCreditCode('91350100M0001O0Y43')).toBe(false);
    expect(creditCodeCheckChar('91350100M000100Y4')).toBe('3');
    expect(creditCodeCheckChar('9135010OM000100Y4')).toBeNull();
  });
  it('normalises width, case and spaces before checking', () => {
    expect(normaliseCreditCode(' ９１３５０１００m000 100y43 ')).toBe('91350100M000100Y43');
    expect(isValidCreditCode(normaliseCreditCode('91350100m000100y43'))).toBe(true);
  });
});

describe('grade rules', () => {
  const rules: GradeRule[] = [
    {
      id: 'a',
      grade: 'A',
      match: 'any',
      conditions: [
        { field: 'annual_revenue', op: 'gte', value: 100_000_000_00 },
        { field: 'employees', op: 'gte', value: 1000 },
        { field: 'tags', op: 'contains', value: 'key' },
      ],
    },
    {
      id: 'b',
      grade: 'B',
      match: 'all',
      conditions: [
        { field: 'employees', op: 'gte', value: 200 },
        { field: 'industry', op: 'in', value: ['制造业', '金融'] },
      ],
    },
  ];
  it('gives the grade of the first rule that holds, else the fallback', () => {
    expect(computeGrade({ annual_revenue: { amount: 200_000_000_00, currency: 'CNY' } }, rules, 'C')).toBe(
      'A',
    );
    expect(computeGrade({ employees: '1500' }, rules, 'C')).toBe('A');
    expect(computeGrade({ tags: ['smb', 'key'] }, rules, 'C')).toBe('A');
    expect(computeGrade({ employees: 300, industry: '金融' }, rules, 'C')).toBe('B');
    expect(computeGrade({ employees: 300, industry: '教育' }, rules, 'C')).toBe('C');
    expect(computeGrade({ employees: 300 }, rules, null)).toBeNull();
  });
  it('leaves the grade alone when there are no rules', () => {
    expect(computeGrade({ employees: 5000 }, [], 'C')).toBeUndefined();
  });
  it('compares safely when values are missing or of another type', () => {
    expect(conditionHolds(null, { field: 'x', op: 'gte', value: 1 })).toBe(false);
    expect(conditionHolds('abc', { field: 'x', op: 'lte', value: 1 })).toBe(false);
    expect(conditionHolds([], { field: 'x', op: 'is_set' })).toBe(false);
    expect(conditionHolds('x', { field: 'x', op: 'ne', value: 'y' })).toBe(true);
    expect(conditionHolds('x', { field: 'x', op: 'in', value: 'x' })).toBe(false);
  });
});

describe('account reclaim dates', () => {
  const loose = { noFollowupDays: 365, noWonDays: 365, warnDays: 3 };
  it('follows the protection example of DOMAIN.md §1 (D=10, E=3, M=20)', () => {
    const p = DEFAULT_PROTECTION;
    expect(planReclaim('2026-03-25', [], loose, p)).toEqual({
      reclaimOn: '2026-04-04',
      reason: 'protection',
      warnFrom: '2026-04-01',
    });
    expect(planReclaim('2026-03-25', ['2026-03-28'], loose, p).reclaimOn).toBe('2026-04-04');
    expect(planReclaim('2026-03-25', ['2026-03-28', '2026-04-02'], loose, p).reclaimOn).toBe('2026-04-05');
    expect(planReclaim('2026-03-25', ['2026-03-28', '2026-04-02', '2026-04-05'], loose, p).reclaimOn).toBe(
      '2026-04-08',
    );
    expect(
      planReclaim('2026-03-25', ['2026-04-05', '2026-04-08', '2026-04-11', '2026-04-13'], loose, p).reclaimOn,
    ).toBe('2026-04-14');
  });
  it('uses the pool timers when they come first', () => {
    const wide = { days: 365, extendDays: 0, hardLimitDays: 3650 };
    // no follow-up for 30 days, counted from the last follow-up
    expect(planReclaim('2026-01-01', ['2026-01-20', '2025-12-01'], DEFAULT_POOL_TIMERS, wide)).toEqual({
      reclaimOn: '2026-02-19',
      reason: 'no_followup',
      warnFrom: '2026-02-16',
    });
    // follow-ups every week: the 90 days without a won deal decide
    const weekly = Array.from({ length: 20 }, (_, i) => `2026-01-${String(1 + i).padStart(2, '0')}`).concat([
      '2026-02-01',
      '2026-02-15',
      '2026-03-01',
      '2026-03-15',
      '2026-03-29',
    ]);
    expect(planReclaim('2026-01-01', weekly, DEFAULT_POOL_TIMERS, wide)).toMatchObject({
      reclaimOn: '2026-04-01',
      reason: 'no_won',
    });
  });
  it('warns inside the window, reclaims on the date', () => {
    const plan = planReclaim('2026-03-25', [], loose, DEFAULT_PROTECTION);
    expect(reclaimAction('2026-03-31', plan)).toBe('none');
    expect(reclaimAction('2026-04-01', plan)).toBe('warn');
    expect(reclaimAction('2026-04-03', plan)).toBe('warn');
    expect(reclaimAction('2026-04-04', plan)).toBe('reclaim');
    const silent = planReclaim('2026-03-25', [], { ...loose, warnDays: 0 }, DEFAULT_PROTECTION);
    expect(reclaimAction('2026-04-03', silent)).toBe('none');
  });
});

describe('org chart', () => {
  it('nests contacts under whom they report to; loops and missing managers do not hide anyone', () => {
    const chart = buildOrgChart([
      { id: 'ceo', name: '王总', title: 'CEO', role: 'decision_maker', reports_to: null },
      { id: 'cio', name: '李娜', title: 'CIO', role: 'key_person', reports_to: 'ceo' },
      { id: 'it', name: '张伟', reports_to: 'cio' },
      { id: 'x', name: '赵六', reports_to: 'not-visible' },
      { id: 'l1', name: 'L1', reports_to: 'l2' },
      { id: 'l2', name: 'L2', reports_to: 'l1' },
    ]);
    const ids = (n: { id: string; reports: unknown[] }[]): unknown =>
      n.map((x) => [x.id, ids(x.reports as { id: string; reports: unknown[] }[])]);
    expect(ids(chart)).toEqual([
      ['ceo', [['cio', [['it', []]]]]],
      ['x', []],
      ['l1', [['l2', []]]],
    ]);
  });
});
