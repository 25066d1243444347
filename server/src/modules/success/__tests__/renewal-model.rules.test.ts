import { describe, expect, it } from 'vitest';
import {
  accuracy,
  auc,
  brier,
  calibration,
  featureVector,
  FEATURES,
  fitLogistic,
  predictProbability,
  solve,
  timeSplit,
  topFactors,
  type LogisticModel,
} from '../renewal-model.rules.ts';

describe('auc', () => {
  it('is the share of (renewed, churned) pairs ranked right', () => {
    // pairs: 0.35>0.1 yes, 0.35>0.4 no, 0.8>0.1 yes, 0.8>0.4 yes → 3/4
    expect(auc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])).toBe(0.75);
  });
  it('counts ties as half', () => {
    // 2 vs 1 yes, 2 vs 2 half, 3 vs 1 yes, 3 vs 2 yes → 3.5/4
    expect(auc([1, 2, 2, 3], [0, 0, 1, 1])).toBe(0.875);
    expect(auc([0.5, 0.5, 0.5, 0.5], [1, 0, 1, 0])).toBe(0.5);
  });
  it('is 1 for a perfect ranking, 0 for a reversed one, null with one class', () => {
    expect(auc([0.9, 0.8, 0.2, 0.1], [1, 1, 0, 0])).toBe(1);
    expect(auc([0.1, 0.2, 0.8, 0.9], [1, 1, 0, 0])).toBe(0);
    expect(auc([0.1, 0.2], [1, 1])).toBeNull();
    expect(auc([], [])).toBeNull();
  });
  it('does not depend on the order of the input', () => {
    expect(auc([0.8, 0.35, 0.4, 0.1], [1, 1, 0, 0])).toBe(0.75);
  });
});

describe('accuracy, Brier score and calibration', () => {
  it('predicts renewal at p ≥ 0.5', () => {
    // 0.5 → 1 right; 0.49 → 0 wrong; 0.9 → 1 wrong; 0.1 → 0 right
    expect(accuracy([0.5, 0.49, 0.9, 0.1], [1, 1, 0, 0])).toBe(0.5);
    expect(accuracy([], [])).toBeNull();
  });
  it('Brier is the mean squared error', () => {
    // (0.5² + 0.5² + 0.1² + 0.1²) / 4 = 0.13
    expect(brier([0.5, 0.5, 0.9, 0.1], [1, 0, 1, 0])).toBeCloseTo(0.13, 12);
  });
  it('puts predictions in ten bins with the mean predicted and the observed rate', () => {
    const bins = calibration([0.05, 0.15, 0.12, 0.95, 1.0, 0.5], [0, 1, 0, 1, 1, 0]);
    expect(bins).toHaveLength(10);
    expect(bins.map((b) => b.count)).toEqual([1, 2, 0, 0, 0, 1, 0, 0, 0, 2]);
    expect(bins[0]).toEqual({ from: 0, to: 0.1, count: 1, mean_predicted: 0.05, observed_rate: 0 });
    expect(bins[1]?.mean_predicted).toBeCloseTo(0.135, 12);
    expect(bins[1]?.observed_rate).toBe(0.5);
    expect(bins[2]).toMatchObject({ count: 0, mean_predicted: null, observed_rate: null });
    expect(bins[5]).toMatchObject({ count: 1, mean_predicted: 0.5, observed_rate: 0 });
    // p = 1 falls in the closed top bin
    expect(bins[9]?.mean_predicted).toBeCloseTo(0.975, 12);
    expect(bins[9]?.observed_rate).toBe(1);
  });
});

describe('fitLogistic', () => {
  it('learns separable data and stays finite (L2)', () => {
    const x = [[-3], [-2], [-1], [1], [2], [3]];
    const y = [0, 0, 0, 1, 1, 1];
    const m = fitLogistic(x, y, ['x']);
    expect(m.converged).toBe(true);
    expect(m.weights[0]).toBeGreaterThan(0);
    expect(Number.isFinite(m.weights[0])).toBe(true);
    const p = x.map((r) => predictProbability(m, r));
    expect(auc(p, y)).toBe(1);
    expect(accuracy(p, y)).toBe(1);
    // symmetric data: the intercept is 0 and p(−x) = 1 − p(x)
    expect(m.intercept).toBeCloseTo(0, 9);
    expect((p[0] ?? 0) + (p[5] ?? 0)).toBeCloseTo(1, 9);
  });

  it('finds the maximum-likelihood answer: a binary feature reproduces its group rates', () => {
    // x = 0: 1 of 4 renewed; x = 1: 3 of 4 → the unpenalised MLE predicts 0.25 and 0.75 exactly
    const x = [[0], [0], [0], [0], [1], [1], [1], [1]];
    const y = [1, 0, 0, 0, 1, 1, 1, 0];
    const m = fitLogistic(x, y, ['x'], { lambda: 1e-10 });
    expect(predictProbability(m, [0])).toBeCloseTo(0.25, 6);
    expect(predictProbability(m, [1])).toBeCloseTo(0.75, 6);
    // standardised: mean 0.5, scale 0.5; log-odds move ln(3) − ln(1/3) = 2·ln 3 over 2 standard units
    expect(m.means[0]).toBe(0.5);
    expect(m.scales[0]).toBe(0.5);
    expect(m.weights[0]).toBeCloseTo(Math.log(3), 6);
  });

  it('a constant feature gets weight 0 and the intercept the base rate', () => {
    const m = fitLogistic([[5], [5], [5], [5]], [1, 1, 1, 0], ['c']);
    expect(m.scales[0]).toBe(1);
    expect(m.weights[0]).toBeCloseTo(0, 12);
    expect(predictProbability(m, [5])).toBeCloseTo(0.75, 9);
  });

  it('a larger penalty shrinks the weights; the same data gives the same model', () => {
    const x = [
      [1, 0],
      [2, 1],
      [3, 0],
      [4, 1],
      [5, 0],
      [6, 1],
      [2, 0],
      [5, 1],
    ];
    const y = [0, 0, 1, 0, 1, 1, 0, 1];
    const loose = fitLogistic(x, y, ['a', 'b'], { lambda: 0.01 });
    const tight = fitLogistic(x, y, ['a', 'b'], { lambda: 10 });
    expect(Math.abs(tight.weights[0] ?? 0)).toBeLessThan(Math.abs(loose.weights[0] ?? 0));
    expect(fitLogistic(x, y, ['a', 'b'], { lambda: 0.01 })).toEqual(loose);
  });

  it('recovers a planted signal from noisy data', () => {
    // deterministic pseudo-random data: y = 1 with probability σ(2·a − b)
    let s = 12345;
    const rnd = (): number => {
      s = (s * 1103515245 + 12345) % 2 ** 31;
      return s / 2 ** 31;
    };
    const x: number[][] = [];
    const y: number[] = [];
    for (let i = 0; i < 2000; i++) {
      const a = rnd() * 2 - 1;
      const b = rnd() * 2 - 1;
      const c = rnd() * 2 - 1;
      x.push([a, b, c]);
      y.push(rnd() < 1 / (1 + Math.exp(-(2 * a - b))) ? 1 : 0);
    }
    const m = fitLogistic(x, y, ['a', 'b', 'c'], { lambda: 1e-6 });
    // weights are per standard deviation (uniform on [−1, 1]: sd = 1/√3)
    const raw = m.weights.map((w, j) => w / (m.scales[j] ?? 1));
    expect(raw[0]).toBeGreaterThan(1.5);
    expect(raw[0]).toBeLessThan(2.5);
    expect(raw[1]).toBeLessThan(-0.6);
    expect(raw[1]).toBeGreaterThan(-1.4);
    expect(Math.abs(raw[2] ?? 0)).toBeLessThan(0.3);
  });

  it('rejects mismatched input', () => {
    expect(() => fitLogistic([[1]], [1, 0], ['x'])).toThrow();
    expect(() => fitLogistic([[1, 2]], [1], ['x'])).toThrow();
  });
});

describe('solve', () => {
  it('solves a small system', () => {
    // 2x + y = 5, x + 3y = 10 → x = 1, y = 3
    const [a, b] = solve(
      [
        [2, 1],
        [1, 3],
      ],
      [5, 10],
    );
    expect(a).toBeCloseTo(1, 12);
    expect(b).toBeCloseTo(3, 12);
  });
});

describe('top factors', () => {
  const m: LogisticModel = {
    features: ['a', 'b', 'c', 'd'],
    means: [0, 10, 0, 0],
    scales: [1, 5, 2, 1],
    weights: [1, -2, 0.5, 3],
    intercept: 0,
    lambda: 1,
    iterations: 1,
    converged: true,
  };
  it('are the three largest |weight × standardised value| with their direction', () => {
    // a: 1 × 1 = 1; b: −2 × (15 − 10)/5 = −2; c: 0.5 × 4/2 = 1; d: 3 × 0 = 0 (left out)
    expect(topFactors(m, [1, 15, 4, 0])).toEqual([
      { feature: 'b', contribution: -2, direction: 'down' },
      { feature: 'a', contribution: 1, direction: 'up' },
      { feature: 'c', contribution: 1, direction: 'up' },
    ]);
    expect(topFactors(m, [1, 15, 4, 0], 1)).toHaveLength(1);
  });
});

describe('features and the time split', () => {
  it('builds the vector in FEATURES order; a missing earlier score is a zero trend', () => {
    const v = featureVector({
      score: 62.5,
      dimensions: { module_usage: 50, instance_ratio: 80, activation_rate: 70, login_rate: 75, bi_usage: 40 },
      score4wAgo: 70,
      score13wAgo: null,
      arr: 12_000_000,
      tenureMonths: 14.5,
      openWorkOrders: 2,
      lights90d: 3,
      npsMean: 4.5,
    });
    expect(v).toHaveLength(FEATURES.length);
    expect(v).toEqual([62.5, 50, 80, 70, 75, 40, -7.5, 0, Math.log1p(120_000), 14.5, 2, 3, 1, 4.5]);
    // nobody answered: the indicator says so, the mean is not read as a 0
    const none = featureVector({
      score: 62.5,
      dimensions: {},
      score4wAgo: null,
      score13wAgo: null,
      arr: 0,
      tenureMonths: 0,
      openWorkOrders: 0,
      lights90d: 0,
      npsMean: null,
    });
    expect(none.slice(-3)).toEqual([0, 0, 0]);
  });
  it('trains on the earliest 70 % by due date and tests on the rest', () => {
    const ex = Array.from({ length: 10 }, (_, i) => ({
      dueDate: `2025-${String(10 - (i % 10)).padStart(2, '0')}-01`,
      key: String(i),
    }));
    const { train, test } = timeSplit(ex);
    expect(train).toHaveLength(7);
    expect(test.map((e) => e.dueDate)).toEqual(['2025-08-01', '2025-09-01', '2025-10-01']);
    expect(train.every((e) => e.dueDate < '2025-08-01')).toBe(true);
  });
});
