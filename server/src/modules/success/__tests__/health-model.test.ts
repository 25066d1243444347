// A model saved by an older release misses keys added since, at any depth: the defaults fill them.
import { describe, expect, it } from 'vitest';
import { DEFAULT_HEALTH_MODEL as M, healthModelSchema } from '../health-model.ts';
import { withDefaults } from '../health.service.ts';

describe('withDefaults', () => {
  it('fills keys missing inside nested objects and keeps what was stored', () => {
    const { quotaUsed: _q, ...olderAlerts } = M.alerts;
    const stored = {
      ...M,
      windowWeeks: 6,
      alerts: olderAlerts,
      bands: { ...M.bands, bi_usage: [{ min: 0, score: 5 }] },
    };
    const merged = healthModelSchema.parse(withDefaults(M, stored));
    expect(merged.alerts.quotaUsed).toBe(M.alerts.quotaUsed);
    expect(merged.windowWeeks).toBe(6);
    expect(merged.bands.bi_usage).toEqual([{ min: 0, score: 5 }]);
  });
});
