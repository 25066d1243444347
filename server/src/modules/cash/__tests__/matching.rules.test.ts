import { describe, expect, it } from 'vitest';
import {
  autoMatch,
  checkAllocations,
  decideMatch,
  matchInOrder,
  normaliseReference,
  quotedNumbers,
  quotes,
  referencedInstalments,
  type Decision,
  type OpenInstalment,
  type PayableInstalment,
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

describe('numbers quoted by many references at once', () => {
  const numbers = [
    'SO-2026-00001',
    'SO-2026-00012',
    'PP-2026-00001',
    'PP-2026-00001-2',
    'HT-2026-00009',
    'ht-2026-00010',
    '合同2026-7',
    'X',
  ];
  const refs = [
    '货款 SO-2026-00001 谢谢',
    'SO-2026-000012',
    '货款SO-2026-00012',
    'PP-2026-00001-2',
    'PP-2026-00001-A',
    'PP-2026-00001-20 / HT-2026-00009',
    'HT-2026-00010',
    '付合同2026-7尾款',
    'X X-1 XX',
    '',
  ].map(normaliseReference);
  it('finds exactly what quotes() finds, for every reference and number', () => {
    const found = quotedNumbers(refs, numbers);
    refs.forEach((ref, k) => {
      expect(new Set(found[k]), ref).toEqual(new Set(numbers.filter((n) => quotes(ref, n))));
    });
    expect(found.map((f) => f.length)).toEqual([1, 0, 1, 1, 1, 1, 1, 1, 1, 0]);
  });
  it('returns every spelling of a number that normalises alike', () => {
    expect(quotedNumbers(['SO-1'], ['SO-1', 'so-1', 'ＳＯ－１'])).toEqual([['SO-1', 'so-1', 'ＳＯ－１']]);
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

// The account above as locked for matching, plus a cancelled order's instalment (SO-2026-00003).
const payable = (i: OpenInstalment, order_id: string | null = null, blocked = false): PayableInstalment => ({
  ...i,
  order_id,
  blocked,
});
const locked: PayableInstalment[] = [
  payable(open[0] as OpenInstalment),
  ...open.slice(1).map((i) => payable(i, 'o1')),
  payable(inst('c1', 'PP-2026-00003', 1, '2025-12-01', 800, 'SO-2026-00003'), 'o3', true),
];
const fieldsOf = (d: Decision): string[] =>
  'issues' in d ? d.issues.map((i) => `${i.field}:${i.issue}`) : [];

describe('deciding one payment', () => {
  it("matches automatically among the payable instalments, never a cancelled order's", () => {
    const d = decideMatch({ amount: 300 }, locked);
    expect('match' in d && d.match).toMatchObject({
      method: 'amount',
      allocations: [{ instalment_id: 'a1', amount: 300 }],
    });
    const all = decideMatch({ amount: 5000 }, locked);
    expect('match' in all && all.match.allocations.map((a) => a.instalment_id)).toEqual([
      'a1',
      'b2',
      'a2',
      'a3',
    ]);
    expect('match' in all && all.match.credit).toBe(3500);
  });
  it('restricts to the order or plan named', () => {
    const d = decideMatch({ amount: 700, order_id: 'o1' }, locked);
    expect('match' in d && d.match.allocations).toEqual([
      { instalment_id: 'a1', amount: 300 },
      { instalment_id: 'a2', amount: 300 },
      { instalment_id: 'a3', amount: 100 },
    ]);
    const p = decideMatch({ amount: 700, plan_id: 'PP-2026-00002' }, locked);
    expect('match' in p && p.match).toMatchObject({
      allocations: [{ instalment_id: 'b2', amount: 500 }],
      credit: 200,
    });
  });
  it('refuses money for a cancelled order, naming the field behind the prefix', () => {
    expect(fieldsOf(decideMatch({ amount: 1, order_id: 'o3', prefix: 'rows[4].' }, locked))).toEqual([
      'rows[4].order_id:order_cancelled',
    ]);
    expect(fieldsOf(decideMatch({ amount: 1, reference: '付 SO-2026-00003' }, locked))).toEqual([
      'bank_reference:order_cancelled',
    ]);
    // quoting a payable document as well is fine: the money goes there
    const both = decideMatch({ amount: 1, reference: 'SO-2026-00003 SO-2026-00001' }, locked);
    expect('match' in both && both.match.method).toBe('reference');
    expect(
      fieldsOf(decideMatch({ amount: 800, allocations: [{ instalment_id: 'c1', amount: 800 }] }, locked)),
    ).toEqual(['allocations[0].instalment_id:order_cancelled']);
  });
  it('checks a manual split against what is open; the rest is credit', () => {
    const d = decideMatch({ amount: 1000, allocations: [{ instalment_id: 'a2', amount: 300 }] }, locked);
    expect('match' in d && d.match).toEqual({
      method: 'manual',
      allocations: [{ instalment_id: 'a2', amount: 300 }],
      credit: 700,
      matched_numbers: [],
    });
    expect(
      fieldsOf(
        decideMatch(
          { amount: 1000, allocations: [{ instalment_id: 'a2', amount: 301 }], prefix: 'x.' },
          locked,
        ),
      ),
    ).toEqual(['x.allocations[0].amount:too_large']);
  });
});

describe('matching many payments in order', () => {
  const pools = new Map([['acc|CNY', locked]]);
  const row = (amount: number, reference: string | null = null) => ({ amount, reference, pool: 'acc|CNY' });

  it('each payment sees what the ones before it left open, as recording them one by one would', () => {
    const r = matchInOrder([row(300), row(300), row(700, 'SO-2026-00001'), row(100), row(50)], pools);
    expect('matches' in r).toBe(true);
    if (!('matches' in r)) return;
    expect(r.matches.map((m) => [m.method, m.allocations, m.credit])).toEqual([
      // a1 has exactly 300 open
      ['amount', [{ instalment_id: 'a1', amount: 300 }], 0],
      // a1 is paid now: a2 (due 03-01) is the oldest with 300 open
      ['amount', [{ instalment_id: 'a2', amount: 300 }], 0],
      // what the order still has open is a3 only; the rest is credit
      ['reference', [{ instalment_id: 'a3', amount: 400 }], 300],
      // only b2 is left
      ['oldest', [{ instalment_id: 'b2', amount: 100 }], 0],
      ['oldest', [{ instalment_id: 'b2', amount: 50 }], 0],
    ]);
    // the same as deciding each against a pool with the earlier allocations taken off
    let pool = locked.map((i) => ({ ...i }));
    for (const [k, p] of [row(300), row(300), row(700, 'SO-2026-00001'), row(100), row(50)].entries()) {
      const d = decideMatch(
        p,
        pool.filter((i) => i.open > 0),
      );
      expect('match' in d && d.match).toEqual(r.matches[k]);
      if (!('match' in d)) return;
      pool = pool.map((i) => ({
        ...i,
        open:
          i.open -
          d.match.allocations.filter((a) => a.instalment_id === i.id).reduce((s, a) => s + a.amount, 0),
      }));
    }
    // the pools given are not changed
    expect(locked.map((i) => i.open)).toEqual([500, 300, 300, 400, 800]);
  });

  it('a fully paid instalment leaves the pool: a reference to it no longer matches it', () => {
    const r = matchInOrder([row(300), row(10, 'PP-2026-00001-1')], pools);
    expect('matches' in r && r.matches[1]).toMatchObject({
      method: 'oldest',
      allocations: [{ instalment_id: 'b2', amount: 10 }],
    });
  });

  it('keeps pools apart (accounts and currencies)', () => {
    const other = new Map([
      ['acc|CNY', locked],
      ['acc|USD', [payable(inst('u1', 'PP-2026-00009', 1, '2026-01-01', 300), 'o9')]],
    ]);
    const r = matchInOrder(
      [{ ...row(300), pool: 'acc|USD' }, row(300), { ...row(300), pool: 'none|CNY' }],
      other,
    );
    expect(
      'matches' in r && r.matches.map((m) => [m.method, m.allocations.map((a) => a.instalment_id), m.credit]),
    ).toEqual([
      ['amount', ['u1'], 0],
      ['amount', ['a1'], 0],
      ['none', [], 300],
    ]);
  });

  it('stops at the first payment with an issue and names it', () => {
    const r = matchInOrder(
      [
        row(300),
        { ...row(5, '付 SO-2026-00003'), prefix: 'rows[3].' },
        { ...row(5, 'SO-2026-00003'), prefix: 'rows[4].' },
      ],
      pools,
    );
    expect(r).toEqual({ failed: 1, issues: [{ field: 'rows[3].bank_reference', issue: 'order_cancelled' }] });
  });
});
