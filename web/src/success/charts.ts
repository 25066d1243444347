// ECharts options of the customer-success screens (pure: the pages render them, tests check them).
// Amounts arrive in fen; axes show yuan, labels the caller's money format.
import type { EChartsOption } from 'echarts';
import { STATUS_COLOR, type HealthStatus } from './logic';
import { floatingBarsOption, grid, type FloatingBar } from '../format/charts';

export interface ChartText {
  /** fen as money */
  money: (fen: number) => string;
  /** a decimal rate (0.9234) as a percentage */
  percent: (rate: number) => string;
}

/** Customers per status as a doughnut; the tooltip adds their ARR. */
export function distributionOption(
  rows: ReadonlyArray<{ status: HealthStatus; customers: number; arr: number }>,
  text: ChartText & { status: (s: HealthStatus) => string },
  animation: boolean,
): EChartsOption {
  const byName = new Map(rows.map((r) => [text.status(r.status), r]));
  return {
    animation,
    tooltip: {
      trigger: 'item',
      confine: true,
      formatter: (p: unknown) => {
        const name = typeof p === 'object' && p !== null && 'name' in p ? String(p.name) : '';
        const r = byName.get(name);
        return r ? `${name}: ${r.customers} · ${text.money(r.arr)}` : name;
      },
    },
    legend: { bottom: 0 },
    series: [
      {
        type: 'pie',
        radius: ['45%', '70%'],
        center: ['50%', '45%'],
        label: { formatter: '{b}\n{c}' },
        data: rows.map((r) => ({
          name: text.status(r.status),
          value: r.customers,
          itemStyle: { color: STATUS_COLOR[r.status] },
        })),
      },
    ],
  } as EChartsOption;
}

/** A flat dashed line across the chart (a threshold), as a series of its own. */
const threshold = (name: string, value: number, n: number, color: string) => ({
  name,
  type: 'line' as const,
  symbol: 'none',
  silent: true,
  lineStyle: { type: 'dashed' as const, width: 1, color },
  itemStyle: { color },
  data: Array.from({ length: n }, () => value),
});

/** Weekly scores (0–100) with the healthy and unhealthy thresholds. */
export function scoreTrendOption(
  points: ReadonlyArray<{ week_start: string; score: number | null }>,
  thresholds: { healthyMin: number; unhealthyBelow: number },
  names: { score: string; healthy: string; unhealthy: string },
  animation: boolean,
): EChartsOption {
  return {
    animation,
    tooltip: { trigger: 'axis', confine: true },
    legend: { top: 0 },
    grid,
    xAxis: { type: 'category', data: points.map((p) => p.week_start), boundaryGap: false },
    yAxis: { type: 'value', min: 0, max: 100 },
    series: [
      {
        name: names.score,
        type: 'line',
        connectNulls: false,
        symbolSize: 6,
        itemStyle: { color: '#1f5fd6' },
        data: points.map((p) => p.score),
      },
      threshold(names.healthy, thresholds.healthyMin, points.length, STATUS_COLOR.healthy),
      threshold(names.unhealthy, thresholds.unhealthyBelow, points.length, STATUS_COLOR.unhealthy),
    ],
  } as EChartsOption;
}

/** Several counts over days (logins, BI users, activated seats). */
export function countLinesOption(
  days: readonly string[],
  lines: ReadonlyArray<{ name: string; color: string; values: ReadonlyArray<number | null> }>,
  animation: boolean,
): EChartsOption {
  return {
    animation,
    tooltip: { trigger: 'axis', confine: true },
    legend: { top: 0 },
    grid,
    xAxis: { type: 'category', data: [...days], boundaryGap: false },
    yAxis: { type: 'value', min: 0, minInterval: 1 },
    series: lines.map((l) => ({
      name: l.name,
      type: 'line',
      symbol: 'none',
      connectNulls: false,
      itemStyle: { color: l.color },
      data: [...l.values],
    })),
  } as EChartsOption;
}

/** The health rate per month (a decimal; null = no ARR: a gap), axis in percent. */
export function rateLineOption(
  months: readonly string[],
  name: string,
  rates: ReadonlyArray<number | null>,
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
    grid,
    xAxis: { type: 'category', data: [...months], boundaryGap: false },
    yAxis: { type: 'value', min: 0, max: 100, axisLabel: { formatter: '{value}%' } },
    series: [
      {
        name,
        type: 'line',
        connectNulls: false,
        symbolSize: 6,
        itemStyle: { color: STATUS_COLOR.healthy },
        areaStyle: { opacity: 0.12 },
        data: rates.map((r) => (r === null ? null : Math.round(r * 1000) / 10)),
      },
    ],
  } as EChartsOption;
}

export interface Step extends FloatingBar {
  key: string;
}

/** Floating bars: totals from zero, each change standing on the running total. */
export function waterfallOption(steps: readonly Step[], text: ChartText, animation: boolean): EChartsOption {
  return floatingBarsOption(steps, text, animation, { axisLabel: { interval: 0 } });
}

/** Calibration: per probability bin, the mean predicted probability beside the observed renewal rate. */
export function calibrationOption(
  bins: ReadonlyArray<{
    from: number;
    to: number;
    mean_predicted: number | null;
    observed_rate: number | null;
  }>,
  names: { predicted: string; observed: string },
  animation: boolean,
): EChartsOption {
  const pct = (v: number | null) => (v === null ? null : Math.round(v * 1000) / 10);
  return {
    animation,
    tooltip: {
      trigger: 'axis',
      confine: true,
      valueFormatter: (v: unknown) => (typeof v === 'number' ? `${v}%` : '—'),
    },
    legend: { top: 0 },
    grid,
    xAxis: {
      type: 'category',
      data: bins.map((b) => `${Math.round(b.from * 100)}–${Math.round(b.to * 100)}%`),
    },
    yAxis: { type: 'value', min: 0, max: 100, axisLabel: { formatter: '{value}%' } },
    series: [
      {
        name: names.predicted,
        type: 'line',
        connectNulls: true,
        itemStyle: { color: '#8c8c8c' },
        lineStyle: { type: 'dashed' },
        data: bins.map((b) => pct(b.mean_predicted)),
      },
      {
        name: names.observed,
        type: 'bar',
        barMaxWidth: 24,
        itemStyle: { color: '#1f5fd6' },
        data: bins.map((b) => pct(b.observed_rate)),
      },
    ],
  } as EChartsOption;
}
