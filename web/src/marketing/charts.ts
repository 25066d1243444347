import type { EChartsOption } from 'echarts';
import type { Money } from '../api/types';
import type { LeadAnalytics } from './api';

/** Colours of the sources and stages, stable between charts. */
export const PALETTE = [
  '#1f5fd6',
  '#13a8a8',
  '#fa8c16',
  '#722ed1',
  '#eb2f96',
  '#52c41a',
  '#faad14',
  '#8c8c8c',
];

export interface ChartText {
  /** label of a lead source (null = unknown) */
  source: (s: string | null) => string;
  /** x-axis label of a bucket start */
  bucket: (ymd: string) => string;
  /** a 0–1 fraction as a percentage */
  percent: (v: number) => string;
}

const base = (animation: boolean): EChartsOption => ({
  animation,
  color: PALETTE,
  tooltip: { trigger: 'axis', confine: true },
});

/** Sources ordered by their total, largest first (the stack order and legend order). */
export function sourcesByTotal(rows: Array<{ source: string | null; count: number }>): Array<string | null> {
  const totals = new Map<string | null, number>();
  for (const r of rows) totals.set(r.source, (totals.get(r.source) ?? 0) + r.count);
  return [...totals.entries()]
    .sort((a, b) => b[1] - a[1] || String(a[0]).localeCompare(String(b[0])))
    .map((e) => e[0]);
}

/** New leads per bucket, one stacked series per source; empty buckets count 0. */
export function trendOption(
  trend: LeadAnalytics['trend'],
  buckets: string[],
  text: ChartText,
  kind: 'line' | 'bar',
  animation: boolean,
): EChartsOption {
  const sources = sourcesByTotal(trend);
  const index = new Map(buckets.map((b, i) => [b, i]));
  const series = sources.map((s) => {
    const data = buckets.map(() => 0);
    for (const r of trend) {
      const i = index.get(r.period);
      if (r.source === s && i !== undefined) data[i] = (data[i] ?? 0) + r.count;
    }
    return {
      name: text.source(s),
      type: kind,
      stack: 'leads',
      data,
      ...(kind === 'line'
        ? { areaStyle: { opacity: 0.25 }, smooth: false, symbolSize: 4 }
        : { barMaxWidth: 28 }),
      emphasis: { focus: 'series' as const },
    };
  });
  return {
    ...base(animation),
    legend: { type: 'scroll', bottom: 0 },
    grid: { left: 8, right: 16, top: 16, bottom: 40, containLabel: true },
    xAxis: { type: 'category', data: buckets.map(text.bucket), boundaryGap: kind === 'bar' },
    yAxis: { type: 'value', minInterval: 1 },
    series,
  } as EChartsOption;
}

export interface FunnelStage {
  key: 'captured' | 'contacted' | 'qualified' | 'converted' | 'opportunity' | 'won';
  value: number;
  /** share of the captured leads, 0–1 */
  rate: number;
}

/**
 * Captured → contacted → qualified (MQL/SQL, or converted) → converted → opportunity → won, each
 * with its share of the captured leads.
 */
export function funnelStages(f: LeadAnalytics['funnel']): FunnelStage[] {
  return [
    { key: 'captured', value: f.captured, rate: f.captured ? 1 : 0 },
    { key: 'contacted', value: f.contacted, rate: f.rates.contacted },
    { key: 'qualified', value: f.qualified, rate: f.rates.qualified },
    { key: 'converted', value: f.converted, rate: f.rates.converted },
    { key: 'opportunity', value: f.opportunity, rate: f.rates.opportunity },
    { key: 'won', value: f.won, rate: f.rates.won },
  ];
}

export function funnelOption(
  f: LeadAnalytics['funnel'],
  stageLabel: (k: FunnelStage['key']) => string,
  text: Pick<ChartText, 'percent'>,
  animation: boolean,
): EChartsOption {
  const stages = funnelStages(f);
  const max = Math.max(1, f.captured);
  return {
    ...base(animation),
    tooltip: { trigger: 'item', confine: true },
    series: [
      {
        type: 'funnel',
        sort: 'none',
        min: 0,
        max,
        minSize: '8%',
        left: '4%',
        width: '56%',
        top: 8,
        bottom: 8,
        gap: 2,
        // outside on the right, so the narrow lower stages keep readable labels
        label: { show: true, position: 'right', color: '#262626' },
        labelLine: { show: true, length: 12 },
        data: stages.map((s) => ({
          name: `${stageLabel(s.key)} ${s.value}（${text.percent(s.rate)}）`,
          value: s.value,
        })),
      },
    ],
  } as EChartsOption;
}

/** Captured and converted per source (bars) and the conversion rate (line, right axis). */
export function sourceConversionOption(
  rows: LeadAnalytics['by_source'],
  labels: { captured: string; converted: string; rate: string },
  text: Pick<ChartText, 'source' | 'percent'>,
  animation: boolean,
): EChartsOption {
  return {
    ...base(animation),
    legend: { bottom: 0 },
    grid: { left: 8, right: 8, top: 24, bottom: 40, containLabel: true },
    xAxis: { type: 'category', data: rows.map((r) => text.source(r.source)) },
    yAxis: [
      { type: 'value', minInterval: 1 },
      {
        type: 'value',
        min: 0,
        max: 1,
        axisLabel: { formatter: (v: number) => text.percent(v) },
        splitLine: { show: false },
      },
    ],
    series: [
      { name: labels.captured, type: 'bar', data: rows.map((r) => r.captured), barMaxWidth: 28 },
      { name: labels.converted, type: 'bar', data: rows.map((r) => r.converted), barMaxWidth: 28 },
      {
        name: labels.rate,
        type: 'line',
        yAxisIndex: 1,
        data: rows.map((r) => r.conversion_rate),
        tooltip: { valueFormatter: (v: unknown) => (typeof v === 'number' ? text.percent(v) : String(v)) },
      },
    ],
  } as EChartsOption;
}

/** Invalid leads by reason as a ring; a missing reason gets its own slice. */
export function invalidReasonsOption(
  rows: LeadAnalytics['invalid_reasons'],
  noReason: string,
  animation: boolean,
): EChartsOption {
  return {
    ...base(animation),
    tooltip: { trigger: 'item', confine: true, formatter: '{b}: {c} ({d}%)' },
    legend: { type: 'scroll', bottom: 0 },
    series: [
      {
        type: 'pie',
        radius: ['40%', '68%'],
        center: ['50%', '45%'],
        avoidLabelOverlap: true,
        label: { formatter: '{b}\n{c}' },
        data: rows.map((r) => ({ name: r.reason ?? noReason, value: r.count })),
      },
    ],
  } as EChartsOption;
}

export type BreakdownBy = keyof LeadAnalytics['funnel_breakdown'];
type FunnelRow = LeadAnalytics['funnel_breakdown'][BreakdownBy][number];

export interface BreakdownRow extends FunnelRow {
  /** unique table row key (a null key — no campaign, unassigned — gets its own) */
  rowKey: string;
  label: string;
  /** converted ÷ captured, 0–1 */
  conversionRate: number;
}

/**
 * Rows of the funnel-by-source / campaign / owner table: labelled (the caller names sources,
 * and says what a missing key or an empty name means), with the conversion rate, largest first.
 */
export function breakdownRows(rows: FunnelRow[], label: (row: FunnelRow) => string): BreakdownRow[] {
  return rows
    .map((r) => ({
      ...r,
      rowKey: r.key ?? '∅',
      label: label(r),
      conversionRate: r.captured ? Math.round((r.converted / r.captured) * 10_000) / 10_000 : 0,
    }))
    .sort((a, b) => b.captured - a.captured || a.label.localeCompare(b.label));
}

export interface Kpis {
  captured: number;
  conversionRate: number;
  invalidRate: number;
  /** campaign cost ÷ leads attributed to campaigns with a cost; null without cost or when currencies differ */
  costPerLead: Money | null;
}

export function kpis(d: LeadAnalytics): Kpis {
  const f = d.funnel;
  const paid = d.campaigns.filter((c) => c.cost !== null && c.currency !== null && c.leads > 0);
  const currencies = new Set(paid.map((c) => c.currency));
  const leads = paid.reduce((n, c) => n + c.leads, 0);
  const cost = paid.reduce((n, c) => n + (c.cost ?? 0), 0);
  const currency = paid[0]?.currency;
  return {
    captured: f.captured,
    conversionRate: f.rates.converted,
    invalidRate: f.captured ? Math.round((f.invalid / f.captured) * 10_000) / 10_000 : 0,
    costPerLead:
      currencies.size === 1 && leads > 0 && currency ? { amount: Math.round(cost / leads), currency } : null,
  };
}
