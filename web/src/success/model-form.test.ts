import { describe, expect, it } from 'vitest';
import {
  bandProblem,
  formPathOf,
  formToModel,
  modelToForm,
  moduleKeyProblem,
  type HealthModelBody,
} from './model-form';

const MODEL: HealthModelBody = {
  weights: { module_usage: 45, instance_ratio: 20, activation_rate: 10, login_rate: 10, bi_usage: 15 },
  modulePoints: { account: 1, opportunity: 2, contract: 5 },
  fullScorePoints: 20,
  bands: {
    instance_ratio: [
      { min: 0, score: 10 },
      { min: 5, score: 100 },
      { min: 2, score: 80 },
    ],
    activation_rate: [{ min: 0, score: 10 }],
    login_rate: [{ min: 0, score: 0 }],
    bi_usage: [{ min: 0, score: 0 }],
  },
  windowWeeks: 4,
  healthyMin: 70,
  unhealthyBelow: 30,
  alerts: {
    scoreChange: 10,
    loginChange: 0.2,
    probabilityChange: 0.15,
    quotaUsed: 0.9,
    dueDays: { high: 3, mid: 7, low: 14 },
  },
  valueTiers: { large: 50_000_000, mid: 10_000_000 },
  probabilityTiers: { high: 0.7, mid: 0.3 },
  incentive: {
    mrrRate: 0.01,
    coefficients: [
      { min: 0, coefficient: 0.8 },
      { min: 1.06, coefficient: 1.1 },
      { min: 1, coefficient: 1 },
    ],
  },
};

describe('the health model as a form', () => {
  it('shows money in yuan, shares in percent, module points as rows and bands highest first', () => {
    const f = modelToForm(MODEL);
    expect(f.valueTiers).toEqual({ large: 500_000, mid: 100_000 });
    expect(f.alerts.loginChange).toBe(20);
    expect(f.alerts.quotaUsed).toBe(90);
    expect(f.incentive.mrrRate).toBe(1);
    expect(f.modulePoints).toEqual([
      { key: 'account', points: 1 },
      { key: 'opportunity', points: 2 },
      { key: 'contract', points: 5 },
    ]);
    expect(f.bands.instance_ratio.map((b) => b.min)).toEqual([5, 2, 0]);
    expect(f.incentive.coefficients.map((c) => c.min)).toEqual([1.06, 1, 0]);
  });
  it('round-trips to the same model (fen, decimals, an object of points)', () => {
    const back = formToModel(modelToForm(MODEL));
    expect(back.valueTiers).toEqual(MODEL.valueTiers);
    expect(back.alerts).toEqual(MODEL.alerts);
    expect(back.incentive.mrrRate).toBe(0.01);
    expect(back.modulePoints).toEqual(MODEL.modulePoints);
    expect(back.weights).toEqual(MODEL.weights);
  });
  it('stores yuan with cents as whole fen and trims module keys', () => {
    const f = modelToForm(MODEL);
    f.valueTiers = { large: 123_456.78, mid: 0.07 };
    f.modulePoints = [{ key: ' invoice ', points: 5 }];
    f.alerts.loginChange = 7; // 7 % → 0.07, not 0.07000000000000001
    const m = formToModel(f);
    expect(m.valueTiers).toEqual({ large: 12_345_678, mid: 7 });
    expect(m.modulePoints).toEqual({ invoice: 5 });
    expect(m.alerts.loginChange).toBe(0.07);
  });
});

describe('form checks', () => {
  it('want a band starting at 0 and no minimum twice', () => {
    expect(bandProblem([{ min: 0.5 }, { min: 0.2 }])).toBe('needs_zero_band');
    expect(bandProblem([{ min: 0 }, { min: 0.5 }, { min: 0.5 }])).toBe('duplicate_min');
    expect(bandProblem([{ min: 0.5 }, { min: 0 }])).toBeNull();
    expect(bandProblem([])).toBe('needs_zero_band');
  });
  it('want module keys like the API does, each once', () => {
    expect(moduleKeyProblem('contract', ['contract', 'order'])).toBeNull();
    expect(moduleKeyProblem('Contract', ['Contract'])).toBe('format');
    expect(moduleKeyProblem('9x', ['9x'])).toBe('format');
    expect(moduleKeyProblem('order', ['order', ' order'])).toBe('duplicate');
  });
});

describe('server issues on the form', () => {
  const form = {
    modulePoints: [
      { key: 'account', points: 1 },
      { key: 'Bad Key', points: 1 },
    ],
  };
  it('land on the same path', () => {
    expect(formPathOf('bands.login_rate', form)).toEqual(['bands', 'login_rate']);
    expect(formPathOf('valueTiers.mid', form)).toEqual(['valueTiers', 'mid']);
    expect(formPathOf('incentive.coefficients[1].min', form)).toEqual([
      'incentive',
      'coefficients',
      1,
      'min',
    ]);
  });
  it('find the module row by key: a bad key on its key, a bad value on its points', () => {
    expect(formPathOf('modulePoints.account', form)).toEqual(['modulePoints', 0, 'points']);
    expect(formPathOf('modulePoints.Bad Key', form)).toEqual(['modulePoints', 1, 'key']);
    expect(formPathOf('modulePoints.gone', form)).toEqual(['modulePoints']);
  });
  it('leave the weights’ sum to the page', () => {
    expect(formPathOf('weights', form)).toBeNull();
    expect(formPathOf('weights.bi_usage', form)).toEqual(['weights', 'bi_usage']);
  });
});
