import { describe, expect, it } from 'vitest';
import { DEFAULT_PROTECTION, isReclaimDue, reclaimDate } from '../protection.rules.ts';

// Shared by leads and accounts (DOMAIN.md §1): moved here from the leads module with its rule.
describe('protection period (DOMAIN.md §1 example: D=10, E=3, M=20)', () => {
  const s = { days: 10, extendDays: 3, hardLimitDays: 20 };
  it('moves the reclaim date exactly as the example says', () => {
    expect(s).toEqual(DEFAULT_PROTECTION);
    expect(reclaimDate('2026-03-25', [], s)).toEqual({ reclaimOn: '2026-04-04', hardStop: '2026-04-14' });
    expect(reclaimDate('2026-03-25', ['2026-03-28'], s).reclaimOn).toBe('2026-04-04');
    expect(reclaimDate('2026-03-25', ['2026-03-28', '2026-04-02'], s).reclaimOn).toBe('2026-04-05');
    expect(reclaimDate('2026-03-25', ['2026-03-28', '2026-04-02', '2026-04-05'], s).reclaimOn).toBe(
      '2026-04-08',
    );
    // follow-ups every few days cannot pass the hard stop
    expect(
      reclaimDate('2026-03-25', ['2026-04-05', '2026-04-08', '2026-04-11', '2026-04-13'], s).reclaimOn,
    ).toBe('2026-04-14');
  });
  it('is due on the reclaim date, not before, and never with the never-reclaim condition', () => {
    expect(isReclaimDue('2026-04-03', '2026-03-25', [], s)).toBe(false);
    expect(isReclaimDue('2026-04-04', '2026-03-25', [], s)).toBe(true);
    expect(isReclaimDue('2026-04-30', '2026-03-25', [], s, true)).toBe(false);
  });
});
