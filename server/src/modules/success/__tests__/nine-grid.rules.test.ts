import { describe, expect, it } from 'vitest';
import { DEFAULT_HEALTH_MODEL } from '../health-model.ts';
import {
  CELLS,
  cellFor,
  cellOf,
  DEFAULT_CELLS,
  gridProbability,
  probabilityTier,
  tiersOfCell,
  valueTier,
} from '../nine-grid.rules.ts';

const m = DEFAULT_HEALTH_MODEL;

describe('nine-grid', () => {
  it('numbers the cells as the seed does', () => {
    expect([
      cellOf('small', 'low'),
      cellOf('small', 'mid'),
      cellOf('small', 'high'),
      cellOf('mid', 'low'),
      cellOf('mid', 'mid'),
      cellOf('mid', 'high'),
      cellOf('large', 'low'),
      cellOf('large', 'mid'),
      cellOf('large', 'high'),
    ]).toEqual([1, 2, 4, 3, 5, 7, 6, 8, 9]);
    for (const cell of CELLS) {
      const t = tiersOfCell(cell);
      expect(cellOf(t.value, t.probability)).toBe(cell);
    }
  });

  it('value tiers at their boundaries (¥500,000 large, ¥100,000 mid, in fen)', () => {
    expect(valueTier(50_000_000, m.valueTiers)).toBe('large');
    expect(valueTier(49_999_999, m.valueTiers)).toBe('mid');
    expect(valueTier(10_000_000, m.valueTiers)).toBe('mid');
    expect(valueTier(9_999_999, m.valueTiers)).toBe('small');
    expect(valueTier(0, m.valueTiers)).toBe('small');
  });

  it('probability tiers at their boundaries, exact for score ÷ 100', () => {
    expect(probabilityTier(0.7, m.probabilityTiers)).toBe('high');
    expect(probabilityTier(0.6999, m.probabilityTiers)).toBe('mid');
    expect(probabilityTier(0.3, m.probabilityTiers)).toBe('mid');
    expect(probabilityTier(0.2999, m.probabilityTiers)).toBe('low');
    expect(probabilityTier(null, m.probabilityTiers)).toBe('low');
    // 70.0 ÷ 100 and 30.0 ÷ 100 sit exactly on the tiers
    expect(probabilityTier(gridProbability(null, 70), m.probabilityTiers)).toBe('high');
    expect(probabilityTier(gridProbability(null, 30), m.probabilityTiers)).toBe('mid');
    expect(probabilityTier(gridProbability(null, 29.9), m.probabilityTiers)).toBe('low');
  });

  it('the model probability wins over the score; no score is low', () => {
    expect(gridProbability(0.2, 90)).toBe(0.2);
    expect(gridProbability(null, 55.5)).toBeCloseTo(0.555, 10);
    expect(gridProbability(null, null)).toBeNull();
    expect(cellFor(60_000_000, null, m)).toEqual({ cell: 6, value: 'large', probability: 'low' });
    expect(cellFor(20_000_000, 0.5, m)).toEqual({ cell: 5, value: 'mid', probability: 'mid' });
    expect(cellFor(1_000, 0.95, m)).toEqual({ cell: 4, value: 'small', probability: 'high' });
  });

  it('has a default strategy and at least one task template for every cell', () => {
    for (const cell of CELLS) {
      expect(DEFAULT_CELLS[cell]?.strategy).toBeTruthy();
      expect(DEFAULT_CELLS[cell]?.task_templates.length).toBeGreaterThan(0);
    }
    expect(DEFAULT_CELLS[9]?.strategy).toContain('季度高层拜访');
  });
});
