import { describe, expect, it } from 'vitest';
import {
  autoMatch,
  checkAllocations,
  normaliseReference,
  quotes,
  referencedInstalments,
  type OpenInstalment,
} from '../matching.rules.ts';

const inst = (
  id: string,
  plan: string,
  seq: number,
  due: string,
  open: number,
  order: string | null = null,
  contract: string | null = null,
): OpenInstalment => ({
  id,
  plan_id: plan,
  number: `${plan}-${seq}`,
  plan_number: plan,
  order_number: order,
  contract_number: contract,
  due_date: due,
  seq,
  open,
});

// Two plans of one account: PP-1 for order SO-2026-00001 (3 instalments), PP-2 for contract HT-9.
const open: OpenInstalment[] = [
  inst('b2', 'PP-2026-00002', 1, '2026-02-01', 500, null, 'HT-2026-00009'),
  inst('a1', 'PP-2026-00001', 1, '2026-01-01', 300, 'SO-2026-00001'),
  inst('a2', 'PP-2026-00001', 2, '2026-03-01', 300, 'SO-2026-00001'),
  inst('a3', 'PP-2026-00001', 3, '2026-04-01', 400, 'SO-2026-00001'),
];

describe('references', () => {
  it('matches whole document numbers only', () => {
    expect(normaliseReference('货款  ｓｏ－2026－00001\t')).toBe('货款 SO-2026-00001 ');
    expect(quotes(normaliseReference('pay SO-2026-00001 thx'), 'SO-2026-00001')).toBe(true);
    expect(quotes('SO-2026-000012', 'SO-2026-00001')).toBe(false);
    expect(quotes('XSO-2026-00001', 'SO-2026-00001')).toBe(false);
    expect(quotes('货款SO-2026-00001', 'SO-2026-00001')).toBe(true);
    // a plan number does not match inside one of its instalment numbers
    expect(quotes('PP-2026-00001-2', 'PP-2026-00001')).toBe(false);
    expect(quotes('PP-2026-00001-2', 'PP-2026-00001-2')).toBe(true);
    expect(quotes('PP-2026-00001-20', 'PP-2026-00001-2')).toBe(false);
  });
  it('an instalment number wins over plan, order and contract numbers', () => {
    const r = referencedInstalments('PP-2026-00001-2 / SO-2026-00001', open);
    expect(r.instalments.map((i) => i.id)).toEqual(['a2']);
    const o = referencedInstalments('SO-2026-00001', open);
    expect(o.instalments.map((i) => i.id).sort()).toEqual(['a1', 'a2', 'a3']);
    expect(o.numbers).toEqual(['SO-2026-00001']);
    expect(referencedInstalments('HT-2026-00009', open).instalments.map((i) => i.id)).toEqual(['b2']);
    expect(referencedInstalments('nothing', open).instalments).toEqual([]);
  });
});

describe('automatic matching', () => {
  it('by reference: the named instalments oldest first, the rest is credit', () => {
    const r = autoMatch({ amount: 1500, reference: 'SO-2026-00001' }, open);
    expect(r.method).toBe('reference');
    expect(r.allocations).toEqual([
      { instalment_id: 'a1', amount: 300 },
      { instalment_id: 'a2', amount: 300 },
      { instalment_id: 'a3', amount: 400 },
    ]);
    expect(r.credit).toBe(500);
    const one = autoMatch({ amount: 200, reference: 'PP-2026-00001-3' }, open);
    expect(one).toEqual({
      method: 'reference',
      allocations: [{ instalment_id: 'a3', amount: 200 }],
      credit: 0,
      matched_numbers: ['PP-2026-00001-3'],
    });
  });
  it('by exact amount: the oldest instalment with that open amount', () => {
    const r = autoMatch({ amount: 300, reference: 'no number here' }, open);
    expect(r.method).toBe('amount');
    expect(r.allocations).toEqual([{ instalment_id: 'a1', amount: 300 }]);
    expect(autoMatch({ amount: 500 }, open).allocations).toEqual([{ instalment_id: 'b2', amount: 500 }]);
  });
  it('otherwise oldest due first across the account, the rest is credit', () => {
    const r = autoMatch({ amount: 700 }, open);
    expect(r.method).toBe('oldest');
    expect(r.allocations).toEqual([
      { instalment_id: 'a1', amount: 300 },
      { instalment_id: 'b2', amount: 400 },
    ]);
    expect(r.credit).toBe(0);
    const over = autoMatch({ amount: 2000 }, open);
    expect(over.allocations.reduce((a, x) => a + x.amount, 0)).toBe(1500);
    expect(over.credit).toBe(500);
  });
  it('no open instalment: everything is credit', () => {
    expect(autoMatch({ amount: 99 }, [])).toEqual({
      method: 'none',
      allocations: [],
      credit: 99,
      matched_numbers: [],
    });
  });
});

describe('manual split', () => {
  const byId = new Map(open.map((i) => [i.id, i]));
  const issues = (r: { issues: Array<{ field: string; issue: string }> }): string[] =>
    r.issues.map((i) => `${i.field}:${i.issue}`);
  it('accepts allocations within open amounts; the rest is credit', () => {
    const r = checkAllocations(
      1000,
      [
        { instalment_id: 'a2', amount: 300 },
        { instalment_id: 'b2', amount: 100 },
      ],
      byId,
    );
    expect(r).toEqual({ issues: [], credit: 600 });
  });
  it('refuses more than an instalment has open, more than the payment, unknown or repeated ones', () => {
    expect(issues(checkAllocations(1000, [{ instalment_id: 'a1', amount: 301 }], byId))).toEqual([
      'allocations[0].amount:too_large',
    ]);
    expect(
      issues(
        checkAllocations(
          500,
          [
            { instalment_id: 'a1', amount: 300 },
            { instalment_id: 'a2', amount: 300 },
          ],
          byId,
        ),
      ),
    ).toEqual(['allocations:too_large']);
    expect(
      issues(
        checkAllocations(
          1000,
          [
            { instalment_id: 'zz', amount: 1 },
            { instalment_id: 'a1', amount: 0 },
            { instalment_id: 'a1', amount: 1 },
          ],
          byId,
        ),
      ),
    ).toEqual([
      'allocations[0].instalment_id:invalid_reference',
      'allocations[1].amount:too_small',
      'allocations[2].instalment_id:not_unique',
    ]);
  });
});
