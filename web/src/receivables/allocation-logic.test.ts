import { describe, expect, it } from 'vitest';
import { checkSplit, fillOldestFirst, splitPayload, type SplitRow } from './allocation-logic';
import { fenToYuanText } from '../cash/order-logic';

const r = (id: string, room: number, amount = ''): SplitRow => ({ instalment_id: id, room, amount });

describe('manual split', () => {
  it('leaves the remainder as credit', () => {
    const c = checkSplit(100_000, [r('a', 50_000, '500'), r('b', 80_000, '300.01')]);
    expect(c).toMatchObject({ ok: true, totalFen: 80_001, creditFen: 19_999, over: false });
  });
  it('refuses more than the payment has, or more than an instalment has open', () => {
    expect(checkSplit(100, [r('a', 100, '0.60'), r('b', 100, '0.41')])).toMatchObject({
      ok: false,
      over: true,
      creditFen: -1,
    });
    expect(checkSplit(10_000, [r('a', 100, '1.01')]).rows).toEqual({ a: 'too_large' });
    expect(checkSplit(10_000, [r('a', 100, 'x')]).rows).toEqual({ a: 'invalid' });
  });
  it('sends only rows with money', () => {
    expect(splitPayload([r('a', 100, '0.5'), r('b', 100, ''), r('c', 100, '0')])).toEqual([
      { instalment_id: 'a', amount: 50 },
    ]);
  });
  it('fills oldest first as a starting point', () => {
    const rows = fillOldestFirst(150, [r('a', 100), r('b', 100), r('c', 100)], fenToYuanText);
    expect(rows.map((x) => x.amount)).toEqual(['1', '0.50', '']);
  });
});

describe('statement import problems', () => {
  it('keep the file row numbers and columns; file-level problems have none', async () => {
    const { statementIssues } = await import('./statement-logic');
    expect(
      statementIssues([
        { field: 'rows[3].amount', issue: '金额无效' },
        { field: 'columns.date', issue: '缺少日期列' },
      ]),
    ).toEqual([
      { row: 3, column: 'amount', issue: '金额无效' },
      { row: null, column: null, issue: '缺少日期列' },
    ]);
  });
});
