import type { EChartsOption } from 'echarts';
import type { FunnelOwner, FunnelStep, SalesFunnel } from './forecast-api';

/** How far below the team a rep's step conversion must be to flag it (percentage points). */
export const COACHING_GAP = 0.1;

export type CellLevel = 'below' | 'above' | 'even' | 'none';

export interface ConversionCell {
  stage: string;
  rate: number | null;
  team: number | null;
  level: CellLevel;
}

/** A rep's step conversion against the team's: ≥ 10 points below is "below" (coaching), above is "above". */
export function compareToTeam(rate: number | null, team: number | null, gap = COACHING_GAP): CellLevel {
  if (rate === null || team === null) return 'none';
  if (rate <= team - gap) return 'below';
  if (rate >= team + gap) return 'above';
  return 'even';
}

/** The step-to-step columns (every step after the first, where a conversion means something). */
export const conversionStages = (f: SalesFunnel): string[] => f.steps.slice(1).map((s) => s.stage);

/** Per rep: each step's conversion next to the team's, coloured for coaching. */
export function conversionMatrix(f: SalesFunnel): Array<{ owner: FunnelOwner; cells: ConversionCell[] }> {
  const team = new Map(f.steps.map((s) => [s.stage, s.conversion]));
  const stages = conversionStages(f);
  return f.by_owner.map((owner) => {
    const mine = new Map(owner.steps.map((s) => [s.stage, s]));
    return {
      owner,
      cells: stages.map((stage) => {
        const s = mine.get(stage);
        const rate = s ? s.conversion : null;
        const t = team.get(stage) ?? null;
        return { stage, rate, team: t, level: compareToTeam(rate, t) };
      }),
    };
  });
}

export const LEVEL_STYLE: Record<CellLevel, { background?: string; color?: string }> = {
  below: { background: '#fff1f0', color: '#cf1322' },
  above: { background: '#f6ffed', color: '#389e0d' },
  even: {},
  none: { color: '#8c8c8c' },
};

export function funnelChartOption(
  steps: FunnelStep[],
  stageLabel: (key: string) => string,
  percent: (v: number) => string,
  animation: boolean,
): EChartsOption {
  const max = Math.max(1, ...steps.map((s) => s.count));
  return {
    animation,
    tooltip: { trigger: 'item', confine: true },
    color: ['#1f5fd6', '#2f6fe0', '#4a86e8', '#13a8a8', '#36cfc9', '#52c41a', '#73d13d'],
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
        label: { show: true, position: 'right', color: '#262626' },
        labelLine: { show: true, length: 12 },
        data: steps.map((s, i) => ({
          name:
            i === 0 || s.conversion === null
              ? `${stageLabel(s.stage)} ${s.count}`
              : `${stageLabel(s.stage)} ${s.count}（${percent(s.conversion)}）`,
          value: s.count,
        })),
      },
    ],
  } as EChartsOption;
}

export function lossReasonsOption(
  rows: SalesFunnel['loss_reasons'],
  noReason: string,
  countLabel: string,
  animation: boolean,
): EChartsOption {
  const sorted = [...rows].sort((a, b) => a.count - b.count);
  return {
    animation,
    tooltip: { trigger: 'axis', confine: true },
    grid: { left: 8, right: 24, top: 8, bottom: 8, containLabel: true },
    xAxis: { type: 'value', minInterval: 1 },
    yAxis: { type: 'category', data: sorted.map((r) => r.reason ?? noReason) },
    series: [
      {
        name: countLabel,
        type: 'bar',
        barMaxWidth: 20,
        itemStyle: { color: '#cf1322' },
        data: sorted.map((r) => r.count),
      },
    ],
  } as EChartsOption;
}
