import { describe, expect, it } from 'vitest';
import { rateLinesOption, waterfallOption, waterfallSteps, type MovementFigures } from './charts';

const W = 1_000_000; // ¥10,000.00 in fen
// two months of the server's hand-computed test (server/test/subscriptions.test.ts)
const rows: MovementFigures[] = [
  {
    month: '2026-01',
    start_arr: 64.9 * W,
    new: 0,
    expansion: 2 * W,
    reactivation: 0,
    contraction: 0,
    churn: 20 * W,
    end_arr: 46.9 * W,
  },
  {
    month: '2026-02',
    start_arr: 46.9 * W,
    new: 0,
    expansion: 0,
    reactivation: 8 * W,
    contraction: 0,
    churn: 3 * W,
    end_arr: 51.9 * W,
  },
];
const text = {
  money: (fen: number) => `¥${fen / 100}`,
  percent: (r: number) => `${(r * 100).toFixed(1)}%`,
  month: (m: string) => m,
  step: (k: string) => k,
};

describe('ARR waterfall', () => {
  it('bridges the range: start of the first month, summed movements, end of the last', () => {
    const steps = waterfallSteps(rows);
    expect(steps.map((s) => [s.key, s.amount / W])).toEqual([
      ['start', 64.9],
      ['new', 0],
      ['expansion', 2],
      ['reactivation', 8],
      ['contraction', 0],
      ['churn', -23],
      ['end', 51.9],
    ]);
    const total = steps.slice(1, -1).reduce((s, x) => s + x.amount, steps[0]?.amount ?? 0);
    expect(total).toBe(steps.at(-1)?.amount);
  });
  it('floats each movement on the running total: gains from below, losses from above', () => {
    const steps = waterfallSteps(rows);
    const by = new Map(steps.map((s) => [s.key, s]));
    expect(by.get('expansion')).toMatchObject({ base: 64.9 * W, height: 2 * W });
    expect(by.get('reactivation')).toMatchObject({ base: 66.9 * W, height: 8 * W });
    // after the gains the total is 74.9; churn of 23 takes it down to 51.9, the bar spans 51.9..74.9
    expect(by.get('churn')).toMatchObject({ base: 51.9 * W, height: 23 * W });
    expect(by.get('end')).toMatchObject({ base: 0, height: 51.9 * W });
  });
  it('is empty without months', () => {
    expect(waterfallSteps([])).toEqual([]);
  });
  it('charts yuan on a transparent base, coloured by kind, labelled in money', () => {
    const option = waterfallOption(waterfallSteps(rows), text, false);
    const series = option.series as Array<{
      name: string;
      data: unknown[];
      label?: { formatter: (p: { dataIndex: number }) => string };
    }>;
    expect(series.map((s) => s.name)).toEqual(['base', 'value']);
    expect(series[0]?.data[6]).toBe(0);
    expect(series[0]?.data[5]).toBe(519_000);
    expect(series[1]?.data[5]).toEqual({ value: 230_000, itemStyle: { color: '#f5222d' } });
    expect(series[1]?.label?.formatter({ dataIndex: 5 })).toBe('¥-230000');
    // a zero movement gets no label
    expect(series[1]?.label?.formatter({ dataIndex: 1 })).toBe('');
    // the axis shows money too (yuan on the axis, fen to the formatter)
    const y = option.yAxis as { axisLabel: { formatter: (v: number) => string } };
    expect(y.axisLabel.formatter(250_000)).toBe('¥250000'); // ¥250,000 = 25,000,000 fen
  });
});

describe('rate lines', () => {
  it('show percentages with one decimal and leave gaps where there is no base', () => {
    const option = rateLinesOption(
      ['2026-01', '2026-02'],
      [{ name: 'NRR', color: '#000', rates: [0.9234, null] }],
      text,
      false,
    );
    const series = option.series as Array<{ data: unknown[] }>;
    expect(series[0]?.data).toEqual([92.3, null]);
  });
});
