// ECharts options of the subscription screens (pure: the pages render them, tests check them).
// Amounts arrive in fen; the axes show yuan and the labels the caller's money format.
import type { EChartsOption } from 'echarts';
import type { MovementRow } from './api';
import type { MovementKind } from './months';
import { axisMoney, floatingBarsOption, grid, yuan } from '../format/charts';

export type StepKey = 'start' | MovementKind | 'end';
export const STEP_KEYS: readonly StepKey[] = [
  'start',
  'new',
  'expansion',
  'reactivation',
  'contraction',
  'churn',
  'end',
];

/** Totals blue, gains green (reactivation teal), losses orange and red. */
export const STEP_COLORS: Record<StepKey, string> = {
  start: '#1f5fd6',
  new: '#52c41a',
  expansion: '#95de64',
  reactivation: '#13a8a8',
  contraction: '#fa8c16',
  churn: '#f5222d',
  end: '#1f5fd6',
};

/** The figures of a month the bridge needs (the API's row has more). */
export type MovementFigures = Pick<MovementRow, 'month' | 'start_arr' | MovementKind | 'end_arr'>;

export interface WaterfallStep {
  key: StepKey;
  /** signed change in fen (negative for contraction and churn; the total for start and end) */
  amount: number;
  /** where the visible bar starts and how tall it is, in fen */
  base: number;
  height: number;
}

/**
 * The bridge over a range of months: ARR at the start of the first month, each movement summed
 * over the range, ARR at the end of the last. Months chain (a month starts where the previous
 * ended), so start + gains − losses = end exactly when every month balances.
 */
export function waterfallSteps(rows: readonly MovementFigures[]): WaterfallStep[] {
  const first = rows[0];
  const last = rows.at(-1);
  if (!first || !last) return [];
  const sum = (k: MovementKind) => rows.reduce((s, r) => s + r[k], 0);
  const steps: WaterfallStep[] = [
    { key: 'start', amount: first.start_arr, base: 0, height: first.start_arr },
  ];
  let running = first.start_arr;
  for (const k of ['new', 'expansion', 'reactivation'] as const) {
    const v = sum(k);
    steps.push({ key: k, amount: v, base: running, height: v });
    running += v;
  }
  for (const k of ['contraction', 'churn'] as const) {
    const v = sum(k);
    running -= v;
    steps.push({ key: k, amount: v === 0 ? 0 : -v, base: running, height: v }); // no −0 in labels
  }
  steps.push({ key: 'end', amount: last.end_arr, base: 0, height: last.end_arr });
  return steps;
}

export interface ChartText {
  /** fen as money, signed */
  money: (fen: number) => string;
  /** a decimal rate (0.9234) as a percentage */
  percent: (rate: number) => string;
  /** x-axis label of a YYYY-MM month */
  month: (m: string) => string;
}

/** Start → new, expansion, reactivation, −contraction, −churn → end, as floating bars. */
export function waterfallOption(
  steps: readonly WaterfallStep[],
  text: ChartText & { step: (k: StepKey) => string },
  animation: boolean,
): EChartsOption {
  return floatingBarsOption(
    steps.map((s) => ({ ...s, label: text.step(s.key), color: STEP_COLORS[s.key] })),
    text,
    animation,
  );
}

const pct = (rate: number | null): number | null => (rate === null ? null : Math.round(rate * 1000) / 10);

/** Lines of rates per month (null = nothing to divide by: a gap), the axis in percent. */
export function rateLinesOption(
  months: readonly string[],
  lines: ReadonlyArray<{ name: string; color: string; rates: ReadonlyArray<number | null> }>,
  text: ChartText,
  animation: boolean,
): EChartsOption {
  return {
    animation,
    tooltip: {
      trigger: 'axis',
      confine: true,
      valueFormatter: (v: unknown) => (typeof v === 'number' ? text.percent(v / 100) : '—'),
    },
    legend: { top: 0 },
    grid,
    xAxis: { type: 'category', data: months.map(text.month), boundaryGap: false },
    yAxis: { type: 'value', min: 0, axisLabel: { formatter: '{value}%' } },
    series: lines.map((l) => ({
      name: l.name,
      type: 'line',
      connectNulls: false,
      symbolSize: 6,
      itemStyle: { color: l.color },
      data: l.rates.map(pct),
    })),
  } as EChartsOption;
}

/** A customer's ARR at each month-end, as a stepped area. */
export function timelineOption(
  points: ReadonlyArray<{ month: string; arr: number }>,
  text: ChartText,
  animation: boolean,
): EChartsOption {
  return {
    animation,
    tooltip: {
      trigger: 'axis',
      confine: true,
      valueFormatter: (v: unknown) => (typeof v === 'number' ? axisMoney(text)(v) : '—'),
    },
    grid: { left: 8, right: 16, top: 12, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: points.map((p) => text.month(p.month)) },
    yAxis: { type: 'value', axisLabel: { formatter: axisMoney(text) } },
    series: [
      {
        name: 'ARR',
        type: 'line',
        step: 'end',
        symbolSize: 4,
        areaStyle: { opacity: 0.2 },
        itemStyle: { color: STEP_COLORS.start },
        data: points.map((p) => yuan(p.arr)),
      },
    ],
  } as EChartsOption;
}
