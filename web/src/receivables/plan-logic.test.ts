import { describe, expect, it } from 'vitest';
import {
  addMonths,
  checkPlan,
  emptyInstalment,
  evenInstalments,
  percentText,
  placePlanErrors,
  planPayload,
  splitByPercent,
  type InstalmentDraft,
} from './plan-logic';

const row = (due: string | null, amount = '', percent = ''): InstalmentDraft => ({
  ...emptyInstalment(due),
  amount,
  percent,
});

describe('checkPlan by amount', () => {
  it('matches only when the yuan typed add up to the total fen exactly', () => {
    const rows = [row('2026-01-10', '300.10'), row('2026-02-10', '699.90')];
    const c = checkPlan(100_000, 'amount', rows);
    expect(c).toMatchObject({ ok: true, sumFen: 100_000, diffFen: 0, amounts: [30_010, 69_990] });
    // 0.1 + 0.2 style float errors never happen: 0.10 + 0.20 = 30 fen
    expect(checkPlan(30, 'amount', [row('2026-01-01', '0.10'), row('2026-01-02', '0.20')]).ok).toBe(true);
  });
  it('shows what is left or over and blocks saving', () => {
    const short = checkPlan(100_000, 'amount', [row('2026-01-10', '300'), row('2026-02-10', '600')]);
    expect(short).toMatchObject({ ok: false, sumFen: 90_000, diffFen: 10_000 });
    const over = checkPlan(100_000, 'amount', [row('2026-01-10', '1000.01')]);
    expect(over).toMatchObject({ ok: false, diffFen: -1 });
  });
  it('names rows: missing or descending due dates, blank, zero, junk or sub-fen amounts', () => {
    const c = checkPlan(100, 'amount', [
      row(null, '1'),
      row('2026-02-10', '0'),
      row('2026-02-10', 'abc'),
      row('2026-01-01', '0.001'),
      row('2026-03-01', ''),
    ]);
    expect(c.ok).toBe(false);
    expect(c.rows).toEqual({
      0: { due_date: 'required' },
      1: { amount: 'invalid' },
      2: { due_date: 'not_ascending', amount: 'invalid' },
      3: { due_date: 'not_ascending', amount: 'invalid' },
      4: { amount: 'required' },
    });
  });
  it('refuses an empty plan', () => {
    expect(checkPlan(0, 'amount', []).ok).toBe(false);
  });
});

describe('checkPlan by percent', () => {
  it('splits like the server (largest remainder) once the percents make exactly 100', () => {
    const rows = [
      row('2026-01-10', '', '33.3333'),
      row('2026-02-10', '', '33.3333'),
      row('2026-03-10', '', '33.3334'),
    ];
    const c = checkPlan(100_001, 'percent', rows);
    expect(c.ok).toBe(true);
    expect(c.amounts).toEqual([33_334, 33_333, 33_334]);
    expect(c.sumFen).toBe(100_001);
    expect(c.percentSum).toBe(1_000_000n);
  });
  it('blocks 99.9999 % and more than 4 decimals', () => {
    const c = checkPlan(100, 'percent', [row('2026-01-10', '', '50'), row('2026-02-10', '', '49.9999')]);
    expect(c.ok).toBe(false);
    expect(percentText(c.percentSum ?? 0n)).toBe('99.9999');
    const fine = checkPlan(100, 'percent', [row('2026-01-10', '', '50.00001'), row('2026-02-10', '', '50')]);
    expect(fine.rows).toEqual({ 0: { percent: 'invalid' } });
    expect(checkPlan(100, 'percent', [row('2026-01-10', '', '100.0001')]).rows).toEqual({
      0: { percent: 'invalid' },
    });
  });
});

describe('helpers', () => {
  it('splitByPercent adds up to the total exactly', () => {
    const parts = splitByPercent(1, [333_333n, 333_333n, 333_334n]);
    expect(parts.reduce((a, b) => a + b, 0)).toBe(1);
    expect(parts).toEqual([0, 0, 1]);
  });
  it('payload: fen for amounts, numbers for percents, notes trimmed or null', () => {
    expect(planPayload('amount', [{ ...row('2026-01-10', '1,234.56'), note: ' 首付 ' }])).toEqual([
      { due_date: '2026-01-10', amount: 123_456, note: '首付' },
    ]);
    expect(planPayload('percent', [row('2026-01-10', '', '33.3333')])).toEqual([
      { due_date: '2026-01-10', percent: 33.3333, note: null },
    ]);
  });
  it('even instalments monthly, the odd fen first, month ends clamped', () => {
    const rows = evenInstalments(100_001, 3, '2026-01-31');
    expect(rows.map((r) => [r.due_date, r.amount])).toEqual([
      ['2026-01-31', '333.34'],
      ['2026-02-28', '333.34'],
      ['2026-03-31', '333.33'],
    ]);
    expect(checkPlan(100_001, 'amount', rows).ok).toBe(true);
    expect(addMonths('2026-11-30', 3)).toBe('2027-02-28');
  });
  it('places server errors on their rows, the rest above', () => {
    expect(
      placePlanErrors([
        { field: 'instalments[1].due_date', issue: '应晚于上一期' },
        { field: 'instalments', issue: '合计不等于订单金额' },
        { field: 'order_id', issue: '已有回款计划' },
      ]),
    ).toEqual({ rows: { 1: { due_date: '应晚于上一期' } }, rest: ['合计不等于订单金额', '已有回款计划'] });
  });
});
