import { describe, expect, it } from 'vitest';
import {
  closeDatePassed,
  columnTotals,
  daysSince,
  dwellTone,
  lineAmount,
  linesTotal,
  ownerScopeOptions,
  splitColumns,
  stagePath,
  todayIn,
  totalsText,
} from './board-logic';

const stages = [
  { key: 'discovery', type: 'active' as const },
  { key: 'solution', type: 'active' as const },
  { key: 'negotiation', type: 'active' as const },
  { key: 'won', type: 'won' as const },
  { key: 'lost', type: 'lost' as const },
];

describe('board columns', () => {
  it('puts active stages first in order and closed ones at the end', () => {
    const { active, closed } = splitColumns(stages);
    expect(active.map((c) => c.key)).toEqual(['discovery', 'solution', 'negotiation']);
    expect(closed.map((c) => c.key)).toEqual(['won', 'lost']);
  });

  it('totals per currency, tenant currency first and present even when empty', () => {
    expect(columnTotals({ amounts: [] }, 'CNY').lines).toEqual([
      { currency: 'CNY', amount: { amount: 0, currency: 'CNY' }, weighted: { amount: 0, currency: 'CNY' } },
    ]);
    const t = columnTotals(
      {
        amounts: [
          { currency: 'USD', amount: 100_00, weighted: 50_00 },
          { currency: 'CNY', amount: 12_345_600, weighted: 6_172_800 },
        ],
      },
      'CNY',
    );
    expect(t.lines.map((l) => l.currency)).toEqual(['CNY', 'USD']);
    expect(totalsText(t, 'zh-CN')).toEqual([
      { currency: 'CNY', amount: '¥12.35万', weighted: '¥6.17万' },
      { currency: 'USD', amount: '$100.00', weighted: '$50.00' },
    ]);
    expect(totalsText(t, 'en-US')[0]).toEqual({
      currency: 'CNY',
      amount: 'CNY 123,456.00',
      weighted: 'CNY 61,728.00',
    });
  });
});

describe('dwell badge', () => {
  it('is plain within the limit, orange over it, red over twice the limit', () => {
    expect(dwellTone(14, 14)).toBe('normal');
    expect(dwellTone(15, 14)).toBe('warning');
    expect(dwellTone(28, 14)).toBe('warning');
    expect(dwellTone(29, 14)).toBe('danger');
  });
  it('never warns without a limit', () => {
    expect(dwellTone(400, null)).toBe('normal');
    expect(dwellTone(3, 0)).toBe('normal');
  });
});

describe('dates', () => {
  it('today is the tenant-zone calendar day', () => {
    // 2026-11-27 17:00 UTC is already the 28th in Shanghai
    const now = new Date('2026-11-27T17:00:00Z');
    expect(todayIn('Asia/Shanghai', now)).toBe('2026-11-28');
    expect(todayIn('America/New_York', now)).toBe('2026-11-27');
  });
  it('a close date before today has passed; today has not', () => {
    expect(closeDatePassed('2026-11-26', '2026-11-27')).toBe(true);
    expect(closeDatePassed('2026-11-27', '2026-11-27')).toBe(false);
    expect(closeDatePassed(null, '2026-11-27')).toBe(false);
  });
  it('days since counts whole days, never negative', () => {
    const now = new Date('2026-11-27T12:00:00Z');
    expect(daysSince('2026-11-20T13:00:00Z', now)).toBe(6);
    expect(daysSince('2026-11-28T00:00:00Z', now)).toBe(0);
    expect(daysSince(null, now)).toBeNull();
    expect(daysSince('nonsense', now)).toBeNull();
  });
});

describe('owner filter', () => {
  it('offers only "me" to own-scope reps, "team" to department managers, "everyone" to all-scope', () => {
    expect(ownerScopeOptions(false, 'own').map((o) => o.label)).toEqual(['me']);
    expect(ownerScopeOptions(false, undefined).map((o) => o.label)).toEqual(['me']);
    expect(ownerScopeOptions(false, 'subtree').map((o) => o.label)).toEqual(['me', 'team']);
    expect(ownerScopeOptions(false, 'department').map((o) => o.label)).toEqual(['me', 'team']);
    expect(ownerScopeOptions(false, 'all').map((o) => o.label)).toEqual(['me', 'everyone']);
    expect(ownerScopeOptions(true, 'own').map((o) => o.label)).toEqual(['me', 'everyone']);
  });
});

describe('stage path', () => {
  it('marks stages before the current one done', () => {
    expect(stagePath(stages, 'solution')).toEqual([
      { key: 'discovery', step: 'done' },
      { key: 'solution', step: 'current' },
      { key: 'negotiation', step: 'todo' },
    ]);
  });
  it('a closed deal has every active stage done', () => {
    expect(stagePath(stages, 'lost').every((s) => s.step === 'done')).toBe(true);
  });
});

describe('product lines', () => {
  it('line amount rounds quantity × unit price like the server', () => {
    expect(lineAmount(3, 333)).toBe(999);
    expect(lineAmount(1.5, 333)).toBe(500);
  });
  it('total is the sum of complete lines in the first line currency', () => {
    expect(linesTotal([])).toBeNull();
    expect(
      linesTotal([
        { product: 'A', quantity: 2, unitPrice: 1000.5, currency: 'CNY' },
        { product: 'B', quantity: 1, unitPrice: 0.01, currency: 'CNY' },
        { product: 'C', quantity: null, unitPrice: 5, currency: 'CNY' },
      ]),
    ).toEqual({ amount: 200_101, currency: 'CNY' });
  });
});
