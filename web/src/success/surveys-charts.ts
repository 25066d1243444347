// ECharts options of the survey results (pure: the page renders them, tests check them).
import type { EChartsOption } from 'echarts';
import { grid } from '../format/charts';
import { categorise, categoryColor, type SurveyKind } from './surveys-logic';

/** Answers per score over the kind's whole scale, each bar in its category's colour. */
export function scoreDistributionOption(
  kind: SurveyKind,
  rows: ReadonlyArray<{ score: number; count: number }>,
  names: { answers: string },
  animation: boolean,
): EChartsOption {
  return {
    animation,
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, confine: true },
    grid,
    xAxis: { type: 'category', data: rows.map((r) => String(r.score)), axisLabel: { interval: 0 } },
    yAxis: { type: 'value', min: 0, minInterval: 1 },
    series: [
      {
        name: names.answers,
        type: 'bar',
        barMaxWidth: 40,
        label: {
          show: true,
          position: 'top',
          formatter: (p: { value: unknown }) => (p.value ? String(p.value) : ''),
        },
        data: rows.map((r) => ({
          value: r.count,
          itemStyle: { color: categoryColor(categorise(kind, r.score)) },
        })),
      },
    ],
  } as EChartsOption;
}

const LINE_COLORS = ['#1f5fd6', '#13a8a8', '#722ed1', '#eb2f96', '#fa8c16', '#52c41a', '#2f54eb'];

/**
 * NPS (−100…100) or CSAT (0…100 %) by month as a line over the answers per month as bars (right
 * axis); months without answers are gaps. Each group (group_by) adds a line of its own.
 */
export function surveyTrendOption(
  kind: SurveyKind,
  months: readonly string[],
  overall: { values: ReadonlyArray<number | null>; responses: readonly number[] },
  groups: ReadonlyArray<{ name: string; values: ReadonlyArray<number | null> }>,
  names: { value: string; responses: string },
  animation: boolean,
): EChartsOption {
  const pct = kind === 'csat' ? '{value}%' : '{value}';
  return {
    animation,
    tooltip: { trigger: 'axis', confine: true },
    legend: { top: 0, type: 'scroll' },
    grid: { ...grid, top: 44 },
    xAxis: { type: 'category', data: [...months] },
    yAxis: [
      {
        type: 'value',
        min: kind === 'nps' ? -100 : 0,
        max: 100,
        axisLabel: { formatter: pct },
      },
      { type: 'value', min: 0, minInterval: 1, splitLine: { show: false } },
    ],
    series: [
      {
        name: names.responses,
        type: 'bar',
        yAxisIndex: 1,
        barMaxWidth: 28,
        itemStyle: { color: '#d9d9d9' },
        data: [...overall.responses],
      },
      {
        name: names.value,
        type: 'line',
        connectNulls: false,
        symbolSize: 7,
        itemStyle: { color: LINE_COLORS[0] },
        lineStyle: { width: 3 },
        data: [...overall.values],
      },
      ...groups.map((g, i) => ({
        name: g.name,
        type: 'line' as const,
        connectNulls: false,
        symbolSize: 5,
        itemStyle: { color: LINE_COLORS[(i + 1) % LINE_COLORS.length] },
        lineStyle: { type: 'dashed' as const, width: 1.5 },
        data: [...g.values],
      })),
    ],
  } as EChartsOption;
}
