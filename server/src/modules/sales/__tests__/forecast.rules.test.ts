import { describe, expect, it } from 'vitest';
import {
  addMonths,
  attainmentPercent,
  conversionRates,
  coverage,
  cumulate,
  effectiveCategory,
  errorPercent,
  forecastFigures,
  isPeriodStart,
  localDate,
  mondayOf,
  nextPeriod,
  periodContaining,
  stageConversionAmount,
  stageKey,
  startOfDay,
  subtreeOf,
  weightedAmount,
  type ForecastDeal,
} from '../forecast.rules.ts';
import {
  averageCycleDays,
  funnel,
  funnelSteps,
  lossReasons,
  winRate,
  type FunnelDeal,
} from '../funnel.rules.ts';

const deal = (over: Partial<ForecastDeal>): ForecastDeal => ({
  id: 'd',
  owner_id: 'u1',
  pipeline_id: 'p',
  stage: 'solution',
  stage_type: 'active',
  stage_category: 'best_case',
  stage_probability: 50,
  amount: 100_000,
  currency: 'CNY',
  probability: null,
  forecast_category: null,
  ...over,
});

describe('periods in a time zone', () => {
  it('finds the month and quarter containing a date, and the next one', () => {
    expect(periodContaining('month', '2026-02-14')).toEqual({
      kind: 'month',
      start: '2026-02-01',
      end: '2026-03-01',
      last: '2026-02-28',
    });
    const q = periodContaining('quarter', '2026-05-31');
    expect(q).toMatchObject({ start: '2026-04-01', end: '2026-07-01', last: '2026-06-30' });
    expect(nextPeriod(periodContaining('quarter', '2026-12-31'))).toMatchObject({ start: '2027-01-01' });
    expect(periodContaining('year', '2024-02-29')).toMatchObject({ start: '2024-01-01', last: '2024-12-31' });
  });
  it('checks period starts and clamps month arithmetic', () => {
    expect(isPeriodStart('quarter', '2026-04-01')).toBe(true);
    expect(isPeriodStart('quarter', '2026-05-01')).toBe(false);
    expect(isPeriodStart('month', '2026-02-30')).toBe(false);
    expect(addMonths('2026-03-31', -1)).toBe('2026-02-28');
    expect(mondayOf('2026-03-08')).toBe('2026-03-02'); // a Sunday
    expect(mondayOf('2026-03-09')).toBe('2026-03-09');
  });
  it('maps instants to local dates and local midnights to instants', () => {
    // 2026-03-31 17:00 UTC is already 1 April in Shanghai: a deal won then is April's
    expect(localDate(new Date('2026-03-31T17:00:00Z'), 'Asia/Shanghai')).toBe('2026-04-01');
    expect(localDate(new Date('2026-03-31T17:00:00Z'), 'UTC')).toBe('2026-03-31');
    expect(startOfDay('2026-04-01', 'Asia/Shanghai').toISOString()).toBe('2026-03-31T16:00:00.000Z');
    // across the US spring-forward change
    expect(startOfDay('2026-03-09', 'America/New_York').toISOString()).toBe('2026-03-09T04:00:00.000Z');
    expect(startOfDay('2026-03-08', 'America/New_York').toISOString()).toBe('2026-03-08T05:00:00.000Z');
  });
});

describe('forecast categories and amounts', () => {
  it('takes the deal override, closes won deals and omits lost ones', () => {
    expect(effectiveCategory(deal({}))).toBe('best_case');
    expect(effectiveCategory(deal({ forecast_category: 'commit' }))).toBe('commit');
    expect(effectiveCategory(deal({ forecast_category: 'closed' }))).toBe('commit');
    expect(effectiveCategory(deal({ stage_type: 'won', forecast_category: 'pipeline' }))).toBe('closed');
    expect(effectiveCategory(deal({ stage_type: 'lost', forecast_category: 'commit' }))).toBe('omitted');
  });
  it('cumulates like Salesforce: commit includes closed, best case includes commit, pipeline is open only', () => {
    const c = cumulate({
      pipeline: { count: 1, amount: 10 },
      best_case: { count: 2, amount: 20 },
      commit: { count: 3, amount: 30 },
      closed: { count: 4, amount: 40 },
      omitted: { count: 5, amount: 50 },
    });
    expect(c).toEqual({
      closed: { count: 4, amount: 40 },
      commit: { count: 7, amount: 70 },
      best_case: { count: 9, amount: 90 },
      pipeline: { count: 6, amount: 60 },
    });
  });
  it('weights open, non-omitted deals by probability (own first) and rounds once', () => {
    const deals = [
      deal({ amount: 100_001 }), // 50 % of stage
      deal({ amount: 200_000, probability: 25 }),
      deal({ amount: 999, stage_type: 'won' }),
      deal({ amount: 5_000, forecast_category: 'omitted' }),
      deal({ amount: null }),
    ];
    expect(weightedAmount(deals)).toBe(Math.round((100_001 * 50 + 200_000 * 25) / 100));
  });
  it('applies historical stage rates, falling back to probability', () => {
    const rates = conversionRates([
      { opportunity_id: 'a', pipeline_id: 'p', stage: 'solution', outcome: 'won' },
      { opportunity_id: 'a', pipeline_id: 'p', stage: 'solution', outcome: 'won' }, // re-entry counts once
      { opportunity_id: 'b', pipeline_id: 'p', stage: 'solution', outcome: 'lost' },
      { opportunity_id: 'c', pipeline_id: 'p', stage: 'solution', outcome: 'lost' },
      { opportunity_id: 'd', pipeline_id: 'p', stage: 'solution', outcome: 'open' },
      { opportunity_id: 'e', pipeline_id: 'p', stage: 'solution', outcome: 'invalid' },
      { opportunity_id: 'f', pipeline_id: 'p', stage: 'discovery', outcome: 'open' },
    ]);
    expect(rates).toEqual([
      { pipeline_id: 'p', stage: 'discovery', reached: 1, won: 0, lost: 0, rate: null },
      { pipeline_id: 'p', stage: 'solution', reached: 5, won: 1, lost: 2, rate: 0.3333 },
    ]);
    const map = new Map(rates.map((r) => [stageKey(r.pipeline_id, r.stage), r.rate]));
    const amount = stageConversionAmount(
      [deal({ amount: 300_000 }), deal({ stage: 'discovery', stage_probability: 10, amount: 50_000 })],
      map,
    );
    expect(amount).toBe(Math.round(300_000 * 0.3333 + 50_000 * 0.1));
  });
  it('keeps currencies apart, tenant currency first even when empty', () => {
    const f = forecastFigures([deal({ currency: 'USD', amount: 10 })], new Map(), 'CNY');
    expect(f.map((x) => x.currency)).toEqual(['CNY', 'USD']);
    expect(f[0]?.forecast.best_case.amount).toBe(0);
    expect(f[1]?.categories.best_case).toEqual({ count: 1, amount: 10 });
  });
});

describe('ratios', () => {
  it('accuracy error, attainment and coverage; division by zero is null', () => {
    expect(errorPercent(120, 100)).toBe(20);
    expect(errorPercent(80, 300)).toBe(-73.3);
    expect(errorPercent(5, 0)).toBeNull();
    expect(attainmentPercent(2, 3)).toBe(66.7);
    expect(attainmentPercent(2, 0)).toBeNull();
    expect(coverage(300, 500, 200)).toBe(1);
    expect(coverage(300, 500, 500)).toBeNull();
    expect(coverage(300, 0, 0)).toBeNull();
  });
  it('finds a department subtree, safe against cycles', () => {
    const tree = [
      { id: 'a', parent_id: null },
      { id: 'b', parent_id: 'a' },
      { id: 'c', parent_id: 'b' },
      { id: 'x', parent_id: 'y' },
      { id: 'y', parent_id: 'x' },
    ];
    expect(subtreeOf(tree, 'b').sort()).toEqual(['b', 'c']);
    expect(subtreeOf(tree, 'x').sort()).toEqual(['x', 'y']);
  });
});

describe('funnel', () => {
  const stages = [
    { key: 'won', position: 5, type: 'won' as const },
    { key: 'discovery', position: 1, type: 'active' as const },
    { key: 'solution', position: 2, type: 'active' as const },
    { key: 'negotiation', position: 3, type: 'active' as const },
    { key: 'lost', position: 6, type: 'lost' as const },
  ];
  const fd = (over: Partial<FunnelDeal>): FunnelDeal => ({
    id: 'x',
    owner_id: 'u',
    stage_type: 'active',
    amount: 100,
    currency: 'CNY',
    visited: ['discovery'],
    created_at: new Date('2026-01-01T00:00:00Z'),
    closed_at: null,
    close_reason: null,
    ...over,
  });
  it('counts how far deals got; skipped stages count as passed; lost is an outcome', () => {
    const steps = funnelSteps(stages);
    expect(steps.map((s) => s.key)).toEqual(['discovery', 'solution', 'negotiation', 'won']);
    const deals = [
      fd({}),
      fd({ visited: ['discovery', 'negotiation', 'lost'], stage_type: 'lost', close_reason: '价格' }),
      fd({ visited: ['discovery', 'won'], stage_type: 'won', closed_at: new Date('2026-01-11T00:00:00Z') }),
      fd({
        visited: ['solution', 'won'],
        stage_type: 'won',
        closed_at: new Date('2026-01-21T00:00:00Z'),
        currency: 'USD',
      }),
    ];
    const f = funnel(deals, steps);
    expect(f.map((s) => s.count)).toEqual([4, 3, 3, 2]);
    expect(f.map((s) => s.conversion)).toEqual([null, 0.75, 1, 0.6667]);
    expect(f[3]?.amounts).toEqual([
      { amount: 100, currency: 'CNY' },
      { amount: 100, currency: 'USD' },
    ]);
    expect(winRate(deals)).toEqual({ won: 2, lost: 1, rate: 0.6667 });
    expect(averageCycleDays(deals)).toBe(15);
    expect(lossReasons(deals)).toEqual([
      { reason: '价格', count: 1, amounts: [{ amount: 100, currency: 'CNY' }] },
    ]);
    expect(winRate([])).toEqual({ won: 0, lost: 0, rate: null });
  });
});
