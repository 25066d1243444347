import { describe, expect, it } from 'vitest';
import type { AccuracyRow, ForecastFigures } from './forecast-api';
import {
  type AccessMe,
  accuracySeries,
  cumulativeCells,
  currenciesOf,
  managedDepartments,
  orderByCurrency,
  parseForecastSearch,
  periodEnd,
  periodLabel,
  periodStartOf,
  repStackOption,
  shiftPeriod,
  subjectQuery,
} from './forecast-logic';

const agg = (count: number, amount: number) => ({ count, amount });
const fig = (currency: string, over: Partial<ForecastFigures> = {}): ForecastFigures => ({
  currency,
  categories: {
    closed: agg(1, 100_00),
    commit: agg(1, 200_00),
    best_case: agg(1, 300_00),
    pipeline: agg(2, 400_00),
    omitted: agg(1, 999_00),
  },
  forecast: {
    closed: agg(1, 100_00),
    commit: agg(2, 300_00),
    best_case: agg(3, 600_00),
    pipeline: agg(4, 900_00),
  },
  weighted: 450_00,
  stage_conversion: 380_00,
  adjustments: [],
  ...over,
});

describe('periods', () => {
  it('finds the start, end, neighbours and label of months and quarters', () => {
    expect(periodStartOf('month', '2026-05-17')).toBe('2026-05-01');
    expect(periodStartOf('quarter', '2026-05-17')).toBe('2026-04-01');
    expect(periodEnd('quarter', '2026-04-01')).toBe('2026-06-30');
    expect(periodEnd('month', '2024-02-01')).toBe('2024-02-29');
    expect(shiftPeriod('month', '2026-12-01', 1)).toBe('2027-01-01');
    expect(shiftPeriod('quarter', '2026-01-01', -1)).toBe('2025-10-01');
    expect(periodLabel('quarter', '2026-07-01')).toBe('2026 Q3');
    expect(periodLabel('month', '2026-07-01')).toBe('2026-07');
  });
  it('reads the URL with fallbacks (a rep starts at "me", a manager at everyone)', () => {
    const p = (s: string) => new URLSearchParams(s);
    expect(parseForecastSearch(p(''), '2026-05-17', false)).toEqual({
      period: 'month',
      start: '2026-05-01',
      subject: { kind: 'me' },
    });
    expect(parseForecastSearch(p('period=quarter&start=2026-05-09&subject=all'), '2026-05-17', true)).toEqual(
      {
        period: 'quarter',
        start: '2026-04-01',
        subject: { kind: 'all' },
      },
    );
    expect(parseForecastSearch(p('subject=all'), '2026-05-17', false).subject).toEqual({ kind: 'me' });
    expect(parseForecastSearch(p('subject=dept:d1'), '2026-05-17', false).subject).toEqual({
      kind: 'department',
      id: 'd1',
    });
    expect(subjectQuery({ kind: 'me' }, 'u1')).toEqual({ owner_id: 'u1' });
    expect(subjectQuery({ kind: 'all' }, 'u1')).toEqual({});
  });
});

describe('cumulative display', () => {
  it('shows the cumulative categories in order with the adjustment beside its category', () => {
    const f = fig('CNY', {
      adjustments: [
        {
          category: 'commit',
          currency: 'CNY',
          system: 300_00,
          amount: 250_00,
          note: 'deal B slips',
          adjusted_by: 'm1',
          adjusted_at: '2026-05-10T02:00:00Z',
        },
      ],
    });
    const cells = cumulativeCells(f);
    expect(cells.map((c) => [c.category, c.amount])).toEqual([
      ['closed', 100_00],
      ['commit', 300_00],
      ['best_case', 600_00],
      ['pipeline', 900_00],
    ]);
    expect(cells[1]?.adjustment?.amount).toBe(250_00);
    expect(cells[0]?.adjustment).toBeNull();
  });
  it('keeps currencies apart, tenant currency first', () => {
    expect(orderByCurrency([{ currency: 'USD' }, { currency: 'EUR' }, { currency: 'CNY' }], 'CNY')).toEqual([
      { currency: 'CNY' },
      { currency: 'EUR' },
      { currency: 'USD' },
    ]);
    expect(currenciesOf([[fig('USD')], [fig('CNY'), fig('EUR')]], 'CNY')).toEqual(['CNY', 'EUR', 'USD']);
  });
  it('stacks the non-cumulative parts per rep so the segment tops are the cumulative figures', () => {
    const option = repStackOption(
      [
        {
          name: '张三',
          figures: [
            fig('CNY'),
            fig('USD', { categories: { ...fig('USD').categories, commit: agg(1, 7_00) } }),
          ],
        },
      ],
      'CNY',
      (c) => c,
      String,
      false,
    );
    const series = option.series as Array<{ name: string; data: number[] }>;
    expect(series.map((s) => [s.name, s.data[0]])).toEqual([
      ['closed', 100],
      ['commit', 200],
      ['best_case', 300],
      ['pipeline', 400],
    ]);
    // closed + commit = the cumulative commit (300); + best case = 600; + pipeline segment on top
    expect((series[0]?.data[0] ?? 0) + (series[1]?.data[0] ?? 0)).toBe(300);
  });
});

describe('accuracy series', () => {
  const row = (over: Partial<AccuracyRow>): AccuracyRow => ({
    id: 'x',
    kind: 'snapshot',
    user_id: 'u1',
    department_id: null,
    subject_name: '张三',
    taken_on: '2026-05-04',
    created_at: '2026-05-04T00:00:00Z',
    currency: 'CNY',
    commit: 300_00,
    system_commit: 300_00,
    weighted: 450_00,
    stage_conversion: 380_00,
    actual_won: 200_00,
    commit_error_pct: 50,
    weighted_error_pct: 125,
    ...over,
  });
  it('orders by day then time, in one currency, with the errors', () => {
    const s = accuracySeries(
      [
        row({ id: 'b', taken_on: '2026-05-11', kind: 'submission', commit: 250_00, commit_error_pct: 25 }),
        row({ id: 'a' }),
        row({ id: 'usd', currency: 'USD' }),
        row({
          id: 'none',
          taken_on: '2026-05-12',
          actual_won: 0,
          commit_error_pct: null,
          weighted_error_pct: null,
        }),
      ],
      'CNY',
    );
    expect(s.map((p) => p.id)).toEqual(['a', 'b', 'none']);
    expect(s[1]).toMatchObject({ kind: 'submission', commit: 250_00, actual: 200_00, commitError: 25 });
    expect(s[2]?.commitError).toBeNull();
    expect(s[0]?.label).toBe('05-04 张三');
  });
});

describe('managers', () => {
  const me = (scope: 'own' | 'department' | 'subtree' | 'all', update: boolean, admin = false): AccessMe => ({
    user: { department_id: 'east' },
    role: {
      is_admin: admin,
      permissions: { objects: { opportunity: { read: true, update, scope } } },
    },
  });
  const depts = [
    { id: 'center', name: 'C', parent_id: null },
    { id: 'east', name: 'E', parent_id: 'center' },
    { id: 'shanghai', name: 'S', parent_id: 'east' },
  ];
  it('follows the opportunity update scope like the server', () => {
    expect(managedDepartments(me('own', true), depts)).toEqual([]);
    expect(managedDepartments(me('subtree', true), depts)).toEqual(['east', 'shanghai']);
    expect(managedDepartments(me('department', true), depts)).toEqual(['east']);
    expect(managedDepartments(me('subtree', false), depts)).toEqual([]);
    expect(managedDepartments(me('own', false, true), depts)).toBe('all');
  });
});
