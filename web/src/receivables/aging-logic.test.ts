import { describe, expect, it } from 'vitest';
import { agingChartOption, bucketsOf, currenciesOf, sumRows, type AgingRowLike } from './aging-logic';

const row = (name: string, current: number, d1_30: number, d91_plus = 0): AgingRowLike => ({
  group_id: name,
  group_name: name,
  currency: 'CNY',
  current,
  d1_30,
  d31_60: 0,
  d61_90: 0,
  d91_plus,
  total: current + d1_30 + d91_plus,
  overdue: d1_30 + d91_plus,
});

describe('aging', () => {
  it('stacks one series per server bucket, largest totals first, yuan on the axis', () => {
    const option = agingChartOption(
      [row('甲', 100, 0), row('乙', 0, 50_000, 1), row('丙', 0, 0)],
      bucketsOf({
        buckets: ['current', 'd1_30', 'd31_60', 'd61_90', 'd91_plus', 'future_bucket'],
      }),
      { bucketLabel: (b) => b, groupLabel: (r) => r.group_name ?? '', animation: false },
    );
    expect(option.animation).toBe(false);
    expect(option.xAxis).toMatchObject({ data: ['乙', '甲'] });
    const series = option.series as { name: string; stack: string; data: number[] }[];
    expect(series.map((s) => s.name)).toEqual(['current', 'd1_30', 'd31_60', 'd61_90', 'd91_plus']);
    expect(series.every((s) => s.stack === 'aging')).toBe(true);
    expect(series[1]?.data).toEqual([500, 0]);
  });
  it('sums the table footer and orders currencies with the tenant one first', () => {
    expect(sumRows([row('a', 1, 2), row('b', 3, 4, 5)])).toMatchObject({
      current: 4,
      d1_30: 6,
      d91_plus: 5,
      total: 15,
      overdue: 11,
    });
    expect(currenciesOf({ rows: [{ currency: 'USD' }, { currency: 'CNY' }], totals: [] }, 'CNY')).toEqual([
      'CNY',
      'USD',
    ]);
  });
});
