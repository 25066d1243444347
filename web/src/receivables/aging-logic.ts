// AR aging chart and table data from GET /receivables/aging (pure: the page renders, tests check).
import type { EChartsOption } from 'echarts';

/** The server's bucket keys (receivables.rules.ts AGING_BUCKETS), in the order it answers them. */
export const KNOWN_BUCKETS = ['current', 'd1_30', 'd31_60', 'd61_90', 'd91_plus'] as const;
export type BucketKey = (typeof KNOWN_BUCKETS)[number];

export const isBucket = (k: string): k is BucketKey => KNOWN_BUCKETS.some((b) => b === k);

/** Later is redder: current green, then amber to dark red. */
export const BUCKET_COLORS: Record<BucketKey, string> = {
  current: '#52c41a',
  d1_30: '#fadb14',
  d31_60: '#fa8c16',
  d61_90: '#f5222d',
  d91_plus: '#820014',
};

export type AgingAmounts = Record<BucketKey, number> & { total: number; overdue: number };
export interface AgingRowLike extends AgingAmounts {
  group_id: string | null;
  group_name: string | null;
  currency: string;
}

/** The buckets the server answered that this client knows, in the server's order. */
export function bucketsOf(report: { buckets: string[] }): BucketKey[] {
  const known = report.buckets.filter(isBucket);
  return known.length ? known : [...KNOWN_BUCKETS];
}

/** Currencies present (the tenant's first), so a mixed-currency tenant picks one per chart. */
export function currenciesOf(
  report: { rows: { currency: string }[]; totals: { currency: string }[] },
  preferred: string,
): string[] {
  const set = new Set([...report.totals.map((t) => t.currency), ...report.rows.map((r) => r.currency)]);
  return [...set].sort((a, b) => (a === preferred ? -1 : b === preferred ? 1 : a.localeCompare(b)));
}

/**
 * A stacked bar per group (account or owner) of one currency, a series per bucket; amounts in
 * yuan on the axis (fen / 100), the tooltip formatted by the caller. The largest totals first,
 * capped at `limit` bars so a long tail stays readable (the table lists every group).
 */
export function agingChartOption(
  rows: AgingRowLike[],
  buckets: BucketKey[],
  opts: {
    bucketLabel: (b: BucketKey) => string;
    groupLabel: (r: AgingRowLike) => string;
    animation: boolean;
    limit?: number;
  },
): EChartsOption {
  const shown = [...rows]
    .filter((r) => r.total !== 0)
    .sort((a, b) => b.total - a.total)
    .slice(0, opts.limit ?? 15);
  return {
    animation: opts.animation,
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    legend: { top: 0, data: buckets.map(opts.bucketLabel) },
    grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
    xAxis: {
      type: 'category',
      data: shown.map(opts.groupLabel),
      axisLabel: { interval: 0, rotate: shown.length > 6 ? 30 : 0 },
    },
    yAxis: { type: 'value' },
    series: buckets.map((b) => ({
      name: opts.bucketLabel(b),
      type: 'bar',
      stack: 'aging',
      itemStyle: { color: BUCKET_COLORS[b] },
      data: shown.map((r) => r[b] / 100),
    })),
  };
}

/** Σ of every bucket over rows (the table footer; equals the server's totals for the currency). */
export function sumRows(rows: AgingAmounts[]): AgingAmounts {
  const out: AgingAmounts = { current: 0, d1_30: 0, d31_60: 0, d61_90: 0, d91_plus: 0, total: 0, overdue: 0 };
  for (const r of rows) for (const k of [...KNOWN_BUCKETS, 'total', 'overdue'] as const) out[k] += r[k];
  return out;
}
