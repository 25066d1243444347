import { describe, expect, it } from 'vitest';
import type { SalesTarget } from './forecast-api';
import {
  cellKey,
  coverageLevel,
  errorsByCell,
  formatCoverage,
  gridFromTargets,
  gridPayload,
  progressOf,
  yearPeriods,
} from './targets-logic';

const target = (over: Partial<SalesTarget>): SalesTarget => ({
  id: 't1',
  user_id: 'u1',
  department_id: null,
  subject_name: '张三',
  period_kind: 'month',
  period_start: '2026-05-01',
  amount: 1_000_000_00,
  currency: 'CNY',
  new_customers: 3,
  updated_by: null,
  updated_at: '2026-05-01T00:00:00Z',
  ...over,
});

describe('target grid', () => {
  it('lists the periods of a year', () => {
    expect(yearPeriods('quarter', 2026)).toEqual(['2026-01-01', '2026-04-01', '2026-07-01', '2026-10-01']);
    expect(yearPeriods('month', 2026)).toHaveLength(12);
    expect(yearPeriods('year', 2026)).toEqual(['2026-01-01']);
  });
  it('round-trips: loaded targets send nothing; changed cells become yuan → fen items', () => {
    const loaded = gridFromTargets([
      target({}),
      target({ id: 't2', user_id: null, department_id: 'd1', amount: 5_000_00, new_customers: null }),
    ]);
    const u = { kind: 'user' as const, id: 'u1' };
    const d = { kind: 'department' as const, id: 'd1' };
    expect(loaded[cellKey(u, 'month', '2026-05-01')]).toEqual({
      amount: '1000000',
      newCustomers: '3',
      currency: 'CNY',
    });
    expect(gridPayload(loaded, loaded, 'CNY').targets).toEqual([]);
    const edited = {
      ...loaded,
      [cellKey(u, 'month', '2026-05-01')]: { amount: '1,200,000.5', newCustomers: '4', currency: 'CNY' },
      [cellKey(d, 'month', '2026-06-01')]: { amount: '80000', newCustomers: '', currency: '' },
    };
    const p = gridPayload(loaded, edited, 'CNY');
    expect(p.targets).toEqual([
      {
        department_id: 'd1',
        period: 'month',
        start: '2026-06-01',
        amount: 80_000_00,
        currency: 'CNY',
        new_customers: null,
      },
      {
        user_id: 'u1',
        period: 'month',
        start: '2026-05-01',
        amount: 120_000_050,
        currency: 'CNY',
        new_customers: 4,
      },
    ]);
    expect(p.keys).toEqual([cellKey(d, 'month', '2026-06-01'), cellKey(u, 'month', '2026-05-01')]);
  });
  it('refuses bad numbers in place and maps server errors back onto their cells', () => {
    const u = { kind: 'user' as const, id: 'u1' };
    const key = cellKey(u, 'quarter', '2026-04-01');
    const p = gridPayload({}, { [key]: { amount: 'abc', newCustomers: '-1', currency: 'CNY' } }, 'CNY');
    expect(p.targets).toEqual([]);
    expect(p.invalid[key]).toEqual({ amount: 'invalid_value', new_customers: 'invalid_value' });
    expect(
      errorsByCell(
        [
          { field: 'targets.1.user_id', issue: 'invalid_reference' },
          { field: 'targets.0.start', issue: 'not_unique' },
          { field: 'other', issue: 'x' },
        ],
        ['k0', 'k1'],
      ),
    ).toEqual({ k0: { start: 'not_unique' }, k1: { user_id: 'invalid_reference' } });
  });
});

describe('attainment display', () => {
  it('colours coverage red under 1×, amber under 3×', () => {
    expect(coverageLevel(null)).toBe('none');
    expect(coverageLevel(0.4)).toBe('low');
    expect(coverageLevel(1)).toBe('thin');
    expect(coverageLevel(2.99)).toBe('thin');
    expect(coverageLevel(3)).toBe('ok');
    expect(formatCoverage(3.24, 'en-US')).toBe('3.2×');
  });
  it('caps progress bars and marks reached targets', () => {
    expect(progressOf(null)).toEqual({ value: 0, status: 'normal' });
    expect(progressOf(42.5)).toEqual({ value: 42.5, status: 'normal' });
    expect(progressOf(130)).toEqual({ value: 100, status: 'success' });
  });
});
