// Health scoring (DOMAIN.md §6.1, docs/HEALTH.md): every dimension, band edges, the window
// average, half-up rounding to one decimal and the status rules, with hand-computed numbers.
import { describe, expect, it } from 'vitest';
import { DEFAULT_HEALTH_MODEL as M, healthModelSchema, modelIssues } from '../health-model.ts';
import {
  bandScore,
  mondayOf,
  modulePoints,
  scoredWeek,
  scoreWeek,
  statusOf,
  windowScore,
  type WeekUsage,
} from '../health.rules.ts';

const week = (p: Partial<WeekUsage>): WeekUsage => ({
  weekStart: '2026-11-16',
  modules: {},
  purchasedSeats: 100,
  activatedSeats: 100,
  loggedInUsers7d: 0,
  biUsers7d: 0,
  ...p,
});

describe('module usage', () => {
  it('counts each module with at least one new record once, by its points; unknown modules score 0', () => {
    expect(modulePoints(M, { account: 3, contact: 1, opportunity: 2, contract: 1, foo: 5, lead: 0 })).toBe(9);
  });
  it('a module named like an Object.prototype member scores 0, not NaN', () => {
    // telemetry names modules freely; `constructor` passes the key check and must not reach the prototype
    expect(modulePoints(M, { constructor: 4, account: 1 })).toBe(1);
    const s = scoreWeek(M, week({ modules: { constructor: 4, account: 1 } }));
    // module 1/20 → 5 × 45%; instance 5/100 → 10 × 20%; activation 100/100 → 100 × 10%: 2.25 + 2 + 10
    expect(s.total).toBe(14.3);
  });
  it('caps at the full-score points', () => {
    const all = Object.fromEntries(Object.keys(M.modulePoints).map((k) => [k, 1]));
    expect(modulePoints(M, all)).toBe(28);
    expect(scoreWeek(M, week({ modules: all })).dimensions.module_usage.score).toBe(100);
  });
});

describe('bands', () => {
  it('instance ratio: ≥5 → 100, [2,5) → 80, [0.5,2) → 50, <0.5 → 10', () => {
    const b = M.bands.instance_ratio;
    expect([bandScore(b, 50, 10), bandScore(b, 49, 10), bandScore(b, 20, 10), bandScore(b, 19, 10)]).toEqual([
      100, 80, 80, 50,
    ]);
    expect([bandScore(b, 5, 10), bandScore(b, 4, 10), bandScore(b, 0, 10)]).toEqual([50, 10, 10]);
  });
  it('activation: ≥0.9 → 100, [0.7,0.9) → 70, [0.5,0.7) → 40, <0.5 → 10; no purchased seats → lowest', () => {
    const b = M.bands.activation_rate;
    expect([bandScore(b, 9, 10), bandScore(b, 89, 100), bandScore(b, 7, 10), bandScore(b, 1, 2)]).toEqual([
      100, 70, 70, 40,
    ]);
    expect([bandScore(b, 49, 100), bandScore(b, 5, 0)]).toEqual([10, 10]);
  });
  it('login: ≥0.8 → 100, [0.6,0.8) → 75, [0.4,0.6) → 50, [0.2,0.4) → 25, <0.2 → 0', () => {
    const b = M.bands.login_rate;
    expect([4, 3, 2, 1, 0.99].map((n) => bandScore(b, n, 5))).toEqual([100, 75, 50, 25, 0]);
  });
  it('BI: ≥0.3 → 100, [0.15,0.3) → 70, [0.05,0.15) → 40, <0.05 → 0 (exact at the edges)', () => {
    const b = M.bands.bi_usage;
    expect([bandScore(b, 3, 10), bandScore(b, 3, 20), bandScore(b, 1, 20), bandScore(b, 1, 21)]).toEqual([
      100, 70, 40, 0,
    ]);
  });
});

describe('weekly total', () => {
  it('Σ weight × score rounded half-up to one decimal: 55.25 → 55.3', () => {
    const s = scoreWeek(
      M,
      week({
        modules: { account: 3, contact: 1, opportunity: 2, contract: 1, foo: 5 },
        purchasedSeats: 12,
        activatedSeats: 10,
        loggedInUsers7d: 7,
        biUsers7d: 2,
      }),
    );
    // module 9/20 → 45; instance 12/10 → 50; activation 10/12 → 70; login 0.7 → 75; BI 0.2 → 70
    expect(Object.fromEntries(Object.entries(s.dimensions).map(([k, d]) => [k, d.score]))).toEqual({
      module_usage: 45,
      instance_ratio: 50,
      activation_rate: 70,
      login_rate: 75,
      bi_usage: 70,
    });
    expect(s.dimensions.instance_ratio.raw).toBeCloseTo(1.2);
    expect(s.total).toBe(55.3);
  });
  it('a fractional module score stays exact until the final rounding', () => {
    // full score 30, 7 points → 23.333…; × 45% = 10.5 exactly; other dimensions all 0/10
    const model = { ...M, fullScorePoints: 30 };
    const s = scoreWeek(
      model,
      week({ modules: { contract: 1, account: 1, lead: 1 }, activatedSeats: 0, purchasedSeats: 0 }),
    );
    // instance 10 × 20% = 2, activation 10 × 10% = 1, login 0, BI 0 → 10.5 + 3 = 13.5
    expect(s.total).toBe(13.5);
  });
  it('everything at the top scores 100.0, nothing scores the floor bands', () => {
    const all = Object.fromEntries(Object.keys(M.modulePoints).map((k) => [k, 100]));
    expect(scoreWeek(M, week({ modules: all, loggedInUsers7d: 100, biUsers7d: 30 })).total).toBe(100);
    // instance 10 × .2 + activation 100 × .1 = 12
    expect(scoreWeek(M, week({})).total).toBe(12);
  });
});

describe('window and status', () => {
  it('averages the weekly totals, half-up to one decimal', () => {
    expect(windowScore([55.3, 60, 70.1])).toBe(61.8);
    expect(windowScore([55.3, 55.4])).toBe(55.4);
    expect(windowScore([])).toBeNull();
  });
  it('≥ 70 healthy, < 30 unhealthy, otherwise sub-healthy; no telemetry → no_data; delayed → unhealthy', () => {
    expect([70, 69.9, 30, 29.9].map((s) => statusOf(M, s, false))).toEqual([
      'healthy',
      'sub_healthy',
      'sub_healthy',
      'unhealthy',
    ]);
    expect(statusOf(M, null, false)).toBe('no_data');
    expect(statusOf(M, 95, true)).toBe('unhealthy');
  });
  it('a run scores the last complete Monday–Sunday week before asOf', () => {
    expect(mondayOf('2026-11-29')).toBe('2026-11-23');
    expect(scoredWeek('2026-11-30', 4)).toEqual({
      weekStart: '2026-11-23',
      windowStart: '2026-11-02',
      weekEnd: '2026-11-29',
    });
    expect(scoredWeek('2026-11-28', 1).weekStart).toBe('2026-11-16');
  });
});

describe('model settings', () => {
  it('the defaults are valid; weights must sum to 100; tiers must be ordered', () => {
    expect(healthModelSchema.safeParse(M).success).toBe(true);
    expect(healthModelSchema.safeParse({ ...M, weights: { ...M.weights, bi_usage: 16 } }).success).toBe(
      false,
    );
    expect(healthModelSchema.safeParse({ ...M, windowWeeks: 14 }).success).toBe(false);
    expect(modelIssues({ ...M, unhealthyBelow: 80 })).toEqual([
      { field: 'unhealthyBelow', issue: 'above_healthy_min' },
    ]);
  });
});
