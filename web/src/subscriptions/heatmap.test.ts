import { describe, expect, it } from 'vitest';
import { cohortGrid, luminance, retentionBackground, retentionCellStyle, RETENTION_STOPS } from './heatmap';

describe('cohort heat-map colours', () => {
  it('hit the stops exactly and clamp outside them', () => {
    for (const [rate, color] of RETENTION_STOPS) expect(retentionBackground(rate)).toBe(color);
    expect(retentionBackground(0)).toBe('#ff4d4f');
    expect(retentionBackground(0.2)).toBe('#ff4d4f');
    expect(retentionBackground(2.5)).toBe('#52c41a');
  });
  it('blend linearly between stops', () => {
    // halfway between #ffc53d (0.8) and #f6ffed (1.0)
    expect(retentionBackground(0.9)).toBe('#fbe295');
    // halfway between #ff4d4f (0.5) and #ffc53d (0.8)
    expect(retentionBackground(0.65)).toBe('#ff8946');
  });
  it('grow greener with retention: the green channel never falls below 1', () => {
    const g = (r: number) => parseInt(retentionBackground(r).slice(3, 5), 16);
    const rates = [0.5, 0.6, 0.7, 0.8, 0.9, 1.0];
    for (let i = 1; i < rates.length; i++)
      expect(g(rates[i] ?? 0)).toBeGreaterThanOrEqual(g(rates[i - 1] ?? 0));
  });
  it('pick the text colour with the better contrast, and none without a base', () => {
    expect(luminance('#ffffff')).toBeCloseTo(1);
    expect(luminance('#000000')).toBe(0);
    expect(retentionCellStyle(1)).toEqual({ background: '#f6ffed', color: 'rgba(0, 0, 0, 0.88)' });
    expect(retentionCellStyle(null)).toBeNull();
  });
});

describe('cohort grid', () => {
  const month = (offset: number, rate: number | null) => ({
    offset,
    month: `2025-0${offset + 1}`,
    arr: 100,
    customers: 1,
    net_retention: rate,
  });
  it('has a column per offset up to the longest cohort; later cohorts end early; empty cohorts go', () => {
    const grid = cohortGrid([
      {
        cohort: '2025-01',
        customers: 2,
        start_arr: 100,
        months: [month(0, 1), month(1, 0.9), month(2, 1.1)],
      },
      { cohort: '2025-02', customers: 0, start_arr: 0, months: [month(0, null), month(1, null)] },
      { cohort: '2025-03', customers: 1, start_arr: 50, months: [month(0, 1)] },
    ]);
    expect(grid.offsets).toEqual([0, 1, 2]);
    expect(grid.rows.map((r) => r.cohort.cohort)).toEqual(['2025-01', '2025-03']);
    expect(grid.rows[0]?.cells.map((c) => c?.net_retention)).toEqual([1, 0.9, 1.1]);
    expect(grid.rows[1]?.cells.map((c) => c?.net_retention ?? null)).toEqual([1, null, null]);
  });
  it('caps the columns and is empty without cohorts', () => {
    const long = Array.from({ length: 50 }, (_, i) => month(i, 1));
    expect(
      cohortGrid([{ cohort: '2021-01', customers: 1, start_arr: 1, months: long }], 36).offsets,
    ).toHaveLength(37);
    expect(cohortGrid([])).toEqual({ offsets: [], rows: [] });
  });
});
