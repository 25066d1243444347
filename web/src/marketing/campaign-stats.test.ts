import { describe, expect, it } from 'vitest';
import { budgetUse } from './campaign-stats';

describe('budget use', () => {
  it('is the cost share of the budget, flagged when over', () => {
    expect(budgetUse(3_000_000, 5_000_000)).toEqual({ ratio: 0.6, over: false });
    expect(budgetUse(6_000_000, 5_000_000)).toEqual({ ratio: 1.2, over: true });
    expect(budgetUse(0, 5_000_000)).toEqual({ ratio: 0, over: false });
  });
  it('is unknown without a budget or a cost', () => {
    expect(budgetUse(100, null)).toBeNull();
    expect(budgetUse(100, 0)).toBeNull();
    expect(budgetUse(null, 100)).toBeNull();
  });
});
