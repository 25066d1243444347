// Shared pieces of the ECharts options (pure): money axes in yuan from fen, the common grid, the
// tooltip's data index, and the floating-bar waterfall the ARR and healthy-ARR bridges both draw.
import type { EChartsOption } from 'echarts';

/** fen as the caller's money format */
export interface MoneyText {
  money: (fen: number) => string;
}

export const yuan = (fen: number): number => fen / 100;
/** An axis value (yuan) in the caller's money format. */
export const axisMoney = (text: MoneyText) => (v: number) => text.money(Math.round(v * 100));
export const grid = { left: 8, right: 16, top: 36, bottom: 8, containLabel: true };

/** The data index of the first item of an axis tooltip (ECharts passes an array of params). */
export function firstIndex(p: unknown): number {
  const first: unknown = Array.isArray(p) ? p[0] : p;
  if (typeof first === 'object' && first !== null && 'dataIndex' in first) {
    const i = first.dataIndex;
    if (typeof i === 'number') return i;
  }
  return -1;
}

/** One bar of a waterfall: a total from zero, or a change standing on the running total. */
export interface FloatingBar {
  label: string;
  /** signed change in fen; the total for the first and last step */
  amount: number;
  /** where the visible bar starts and how tall it is, in fen */
  base: number;
  height: number;
  color: string;
}

/** Floating bars on an invisible base, labelled with their signed amounts (none for a zero change). */
export function floatingBarsOption(
  bars: readonly FloatingBar[],
  text: MoneyText,
  animation: boolean,
  xAxisLabel: Record<string, unknown> = {},
): EChartsOption {
  return {
    animation,
    tooltip: {
      trigger: 'axis',
      axisPointer: { type: 'shadow' },
      confine: true,
      formatter: (p: unknown) => {
        const s = bars[firstIndex(p)];
        return s ? `${s.label}: ${text.money(s.amount)}` : '';
      },
    },
    grid,
    xAxis: { type: 'category', data: bars.map((s) => s.label), ...xAxisLabel },
    yAxis: { type: 'value', axisLabel: { formatter: axisMoney(text) } },
    series: [
      {
        // the invisible part each floating bar stands on
        name: 'base',
        type: 'bar',
        stack: 'waterfall',
        silent: true,
        itemStyle: { color: 'transparent' },
        data: bars.map((s) => yuan(s.base)),
      },
      {
        name: 'value',
        type: 'bar',
        stack: 'waterfall',
        barMaxWidth: 56,
        label: {
          show: true,
          position: 'top',
          formatter: (p: { dataIndex: number }) => {
            const s = bars[p.dataIndex];
            return s && s.amount !== 0 ? text.money(s.amount) : '';
          },
        },
        data: bars.map((s) => ({ value: yuan(s.height), itemStyle: { color: s.color } })),
      },
    ],
  } as EChartsOption;
}
