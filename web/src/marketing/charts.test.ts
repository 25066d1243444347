import { describe, expect, it } from 'vitest';
import type { LeadAnalytics } from './api';
import {
  breakdownRows,
  funnelOption,
  funnelStages,
  invalidReasonsOption,
  kpis,
  sourceConversionOption,
  sourcesByTotal,
  trendOption,
  type ChartText,
} from './charts';

const text: ChartText = {
  source: (s) => s ?? 'unknown',
  bucket: (b) => b.slice(5),
  percent: (v) => `${Math.round(v * 1000) / 10}%`,
};

const data: LeadAnalytics = {
  period: { from: '2026-11-01', to: '2026-11-03', granularity: 'day', time_zone: 'Asia/Shanghai' },
  trend: [
    { period: '2026-11-01', source: 'web_form', count: 3 },
    { period: '2026-11-01', source: 'api', count: 1 },
    { period: '2026-11-03', source: 'web_form', count: 2 },
    { period: '2026-11-03', source: null, count: 4 },
  ],
  funnel: {
    captured: 10,
    contacted: 4,
    qualified: 3,
    converted: 2,
    invalid: 3,
    opportunity: 2,
    won: 1,
    won_amounts: [{ currency: 'CNY', amount: 5_000_000 }],
    rates: { contacted: 0.4, qualified: 0.3, converted: 0.2, opportunity: 0.2, won: 0.1 },
  },
  funnel_breakdown: {
    source: [
      {
        key: 'web_form',
        name: '',
        captured: 5,
        contacted: 2,
        qualified: 2,
        converted: 1,
        opportunity: 1,
        won: 1,
      },
      { key: null, name: '', captured: 4, contacted: 1, qualified: 1, converted: 1, opportunity: 1, won: 0 },
      { key: 'api', name: '', captured: 1, contacted: 1, qualified: 0, converted: 0, opportunity: 0, won: 0 },
    ],
    campaign: [
      { key: null, name: '', captured: 6, contacted: 2, qualified: 1, converted: 1, opportunity: 1, won: 0 },
      { key: 'a', name: 'A', captured: 4, contacted: 2, qualified: 2, converted: 1, opportunity: 1, won: 1 },
    ],
    owner: [
      {
        key: 'u2',
        name: 'Bob',
        captured: 5,
        contacted: 2,
        qualified: 2,
        converted: 1,
        opportunity: 1,
        won: 1,
      },
      {
        key: 'u1',
        name: 'Ann',
        captured: 5,
        contacted: 2,
        qualified: 1,
        converted: 1,
        opportunity: 1,
        won: 0,
      },
    ],
  },
  by_source: [
    { source: 'web_form', captured: 5, converted: 1, conversion_rate: 0.2 },
    { source: null, captured: 4, converted: 1, conversion_rate: 0.25 },
  ],
  invalid_reasons: [
    { reason: '联系不上', count: 2 },
    { reason: null, count: 1 },
  ],
  owners: [],
  score_bands: [
    { band: '0-19', count: 6 },
    { band: '20-39', count: 3 },
    { band: '40-59', count: 1 },
    { band: '60-79', count: 0 },
    { band: '80+', count: 0 },
  ],
  pool_moves: [],
  campaigns: [
    {
      campaign_id: 'a',
      name: 'A',
      cost: 100_000,
      currency: 'CNY',
      leads: 4,
      converted: 1,
      cost_per_lead: 25_000,
      cost_per_converted: 100_000,
    },
    {
      campaign_id: 'b',
      name: 'B',
      cost: 50_000,
      currency: 'CNY',
      leads: 1,
      converted: 0,
      cost_per_lead: 50_000,
      cost_per_converted: null,
    },
    {
      campaign_id: 'c',
      name: 'C',
      cost: null,
      currency: 'CNY',
      leads: 3,
      converted: 0,
      cost_per_lead: null,
      cost_per_converted: null,
    },
    {
      campaign_id: 'd',
      name: 'D',
      cost: 900_000,
      currency: 'CNY',
      leads: 0,
      converted: 0,
      cost_per_lead: null,
      cost_per_converted: null,
    },
  ],
};

type Series = { name: string; type: string; stack?: string; data: unknown[] };
const seriesOf = (o: unknown): Series[] => (o as { series: Series[] }).series;

describe('trend chart', () => {
  it('stacks one series per source, largest first, with zeros for empty buckets', () => {
    expect(sourcesByTotal(data.trend)).toEqual(['web_form', null, 'api']);
    const o = trendOption(data.trend, ['2026-11-01', '2026-11-02', '2026-11-03'], text, 'bar', false);
    expect(o.animation).toBe(false);
    expect((o.xAxis as { data: string[] }).data).toEqual(['11-01', '11-02', '11-03']);
    expect(seriesOf(o).map((s) => [s.name, s.type, s.stack, s.data])).toEqual([
      ['web_form', 'bar', 'leads', [3, 0, 2]],
      ['unknown', 'bar', 'leads', [0, 0, 4]],
      ['api', 'bar', 'leads', [1, 0, 0]],
    ]);
  });
  it('draws lines with areas and no series without data', () => {
    const o = trendOption([], ['2026-11-01'], text, 'line', true);
    expect(seriesOf(o)).toEqual([]);
    expect(seriesOf(trendOption(data.trend, ['2026-11-01'], text, 'line', true))[0]?.type).toBe('line');
  });
});

describe('funnel', () => {
  it('keeps the stage order and shows the share of captured leads', () => {
    expect(funnelStages(data.funnel).map((s) => [s.key, s.value, s.rate])).toEqual([
      ['captured', 10, 1],
      ['contacted', 4, 0.4],
      ['qualified', 3, 0.3],
      ['converted', 2, 0.2],
      ['opportunity', 2, 0.2],
      ['won', 1, 0.1],
    ]);
    const o = funnelOption(data.funnel, (k) => k, text, false);
    const s = seriesOf(o)[0] as Series & { sort: string; max: number };
    expect(s.sort).toBe('none');
    expect(s.max).toBe(10);
    expect(s.data).toEqual([
      { name: 'captured 10（100%）', value: 10 },
      { name: 'contacted 4（40%）', value: 4 },
      { name: 'qualified 3（30%）', value: 3 },
      { name: 'converted 2（20%）', value: 2 },
      { name: 'opportunity 2（20%）', value: 2 },
      { name: 'won 1（10%）', value: 1 },
    ]);
  });
  it('copes with an empty period', () => {
    const empty = {
      captured: 0,
      contacted: 0,
      qualified: 0,
      converted: 0,
      invalid: 0,
      opportunity: 0,
      won: 0,
      won_amounts: [],
      rates: { contacted: 0, qualified: 0, converted: 0, opportunity: 0, won: 0 },
    };
    expect(funnelStages(empty)[0]?.rate).toBe(0);
    expect((seriesOf(funnelOption(empty, (k) => k, text, false))[0] as Series & { max: number }).max).toBe(1);
  });
});

describe('funnel by source / campaign / owner', () => {
  it('labels rows, keeps a row for the missing key, adds the conversion rate, largest first', () => {
    const sources = breakdownRows(data.funnel_breakdown.source, (r) => text.source(r.key));
    expect(sources.map((r) => [r.rowKey, r.label, r.captured, r.qualified, r.conversionRate])).toEqual([
      ['web_form', 'web_form', 5, 2, 0.2],
      ['∅', 'unknown', 4, 1, 0.25],
      ['api', 'api', 1, 0, 0],
    ]);
    const campaigns = breakdownRows(data.funnel_breakdown.campaign, (r) =>
      r.key === null ? 'no campaign' : r.name || r.key,
    );
    expect(campaigns.map((r) => r.label)).toEqual(['no campaign', 'A']);
    // ties on captured: by label
    const owners = breakdownRows(data.funnel_breakdown.owner, (r) => r.name);
    expect(owners.map((r) => r.rowKey)).toEqual(['u1', 'u2']);
    expect(breakdownRows([], (r) => r.name)).toEqual([]);
    const zero = breakdownRows(
      [{ key: 'x', name: '', captured: 0, contacted: 0, qualified: 0, converted: 0, opportunity: 0, won: 0 }],
      () => 'x',
    );
    expect(zero[0]?.conversionRate).toBe(0);
  });
});

describe('source conversion and invalid reasons', () => {
  it('puts captured and converted bars and the rate line on the right axis', () => {
    const o = sourceConversionOption(
      data.by_source,
      { captured: 'C', converted: 'V', rate: 'R' },
      text,
      false,
    );
    expect((o.xAxis as { data: string[] }).data).toEqual(['web_form', 'unknown']);
    expect(seriesOf(o).map((s) => [s.name, s.type, s.data])).toEqual([
      ['C', 'bar', [5, 4]],
      ['V', 'bar', [1, 1]],
      ['R', 'line', [0.2, 0.25]],
    ]);
  });
  it('names the slice without a reason', () => {
    expect(seriesOf(invalidReasonsOption(data.invalid_reasons, '未填写', false))[0]?.data).toEqual([
      { name: '联系不上', value: 2 },
      { name: '未填写', value: 1 },
    ]);
  });
});

describe('KPIs', () => {
  it('computes rates and cost per lead over campaigns with a cost and leads', () => {
    expect(kpis(data)).toEqual({
      captured: 10,
      conversionRate: 0.2,
      invalidRate: 0.3,
      costPerLead: { amount: 30_000, currency: 'CNY' },
    });
  });
  it('gives no cost per lead across currencies or without paid leads', () => {
    const mixed = {
      ...data,
      campaigns: [data.campaigns[0], { ...data.campaigns[1], currency: 'USD' }].filter(
        (c) => c !== undefined,
      ),
    } as LeadAnalytics;
    expect(kpis(mixed).costPerLead).toBeNull();
    expect(kpis({ ...data, campaigns: [] }).costPerLead).toBeNull();
    expect(kpis({ ...data, funnel: { ...data.funnel, captured: 0 } }).invalidRate).toBe(0);
  });
});
