import { describe, expect, it } from 'vitest';
import { dueRecords, dueStatus, matchRenewals, type RenewalCandidate } from '../renewal.rules.ts';

const line = (
  id: string,
  order: string,
  type: string,
  start: string,
  end: string,
  arr: number,
  orderDate = start,
  paid: string | null = null,
): RenewalCandidate => ({
  id,
  order_id: order,
  order_type: type,
  service_start: start,
  service_end: end,
  arr,
  order_date: orderDate,
  first_payment_date: paid,
});

describe('dueRecords', () => {
  it('one record per end date (day after), summing the lines that end then', () => {
    expect(
      dueRecords([
        line('a', 'o1', 'new', '2025-01-01', '2025-12-31', 100),
        line('b', 'o2', 'expansion', '2025-06-01', '2025-12-31', 50),
        line('c', 'o1', 'new', '2025-01-01', '2026-06-30', 30),
      ]),
    ).toEqual([
      { due_date: '2026-01-01', due_arr: 150 },
      { due_date: '2026-07-01', due_arr: 30 },
    ]);
  });

  it('skips the internal boundary of an order booked period by period', () => {
    expect(
      dueRecords([
        line('y1', 'o1', 'new', '2025-01-01', '2025-12-31', 100),
        line('y2', 'o1', 'new', '2026-01-01', '2026-12-31', 100),
      ]),
    ).toEqual([{ due_date: '2027-01-01', due_arr: 100 }]);
  });
});

describe('matchRenewals', () => {
  const due = [{ id: 'd', due_date: '2026-01-01', due_arr: 100 }];
  const opts = { graceDays: 0, view: 'business' as const, asOf: '2026-11-27' };

  it('caps renewed ARR at the due ARR (the rest is expansion)', () => {
    const m = matchRenewals(
      due,
      [line('r', 'o2', 'renewal', '2026-01-01', '2026-12-31', 120, '2025-12-20')],
      opts,
    );
    expect(m.get('d')).toEqual({ renewed_arr: 100, renewal_order_id: 'o2' });
  });

  it('ignores new orders, and renewals signed after the due month', () => {
    expect(
      matchRenewals(due, [line('n', 'o2', 'new', '2026-01-01', '2026-12-31', 100)], opts).get('d')
        ?.renewed_arr,
    ).toBe(0);
    expect(
      matchRenewals(
        due,
        [line('r', 'o2', 'renewal', '2026-01-01', '2026-12-31', 100, '2026-02-01')],
        opts,
      ).get('d')?.renewed_arr,
    ).toBe(0);
  });

  it('a line starting after the due date renews only within the grace days', () => {
    const late = [line('r', 'o2', 'renewal', '2026-01-10', '2027-01-09', 100, '2026-01-05')];
    expect(matchRenewals(due, late, opts).get('d')?.renewed_arr).toBe(0);
    expect(matchRenewals(due, late, { ...opts, graceDays: 10 }).get('d')?.renewed_arr).toBe(100);
  });

  it('finance view counts by the first payment, by the end of the due month', () => {
    const paidLate = [
      line('r', 'o2', 'renewal', '2026-01-01', '2026-12-31', 100, '2025-12-20', '2026-02-03'),
    ];
    const paid = [line('r', 'o2', 'renewal', '2026-01-01', '2026-12-31', 100, '2025-12-20', '2026-01-20')];
    const unpaid = [line('r', 'o2', 'renewal', '2026-01-01', '2026-12-31', 100, '2025-12-20', null)];
    const fin = { ...opts, view: 'finance' as const };
    expect(matchRenewals(due, paidLate, fin).get('d')?.renewed_arr).toBe(0);
    expect(matchRenewals(due, paid, fin).get('d')?.renewed_arr).toBe(100);
    expect(matchRenewals(due, unpaid, fin).get('d')?.renewed_arr).toBe(0);
  });

  it('uses each renewal line once across due records', () => {
    const dues = [
      { id: 'd1', due_date: '2026-01-01', due_arr: 100 },
      { id: 'd2', due_date: '2026-01-15', due_arr: 50 },
    ];
    const m = matchRenewals(
      dues,
      [line('r', 'o2', 'renewal', '2026-01-01', '2026-12-31', 120, '2025-12-20')],
      opts,
    );
    expect(m.get('d1')?.renewed_arr).toBe(100);
    expect(m.get('d2')?.renewed_arr).toBe(20);
  });

  it('does not count what is signed after asOf', () => {
    const m = matchRenewals(
      due,
      [line('r', 'o2', 'renewal', '2026-01-01', '2026-12-31', 100, '2025-12-20')],
      {
        ...opts,
        asOf: '2025-12-19',
      },
    );
    expect(m.get('d')?.renewed_arr).toBe(0);
  });
});

describe('dueStatus', () => {
  it('upcoming → overdue (due month) → churned; renewed and adjusted win', () => {
    const d = { due_date: '2026-01-01', renewed_arr: 0 };
    expect(dueStatus(d, false, '2025-12-31')).toBe('upcoming');
    expect(dueStatus(d, false, '2026-01-01')).toBe('overdue');
    expect(dueStatus(d, false, '2026-01-31')).toBe('overdue');
    expect(dueStatus(d, false, '2026-02-01')).toBe('churned');
    expect(dueStatus({ ...d, renewed_arr: 1 }, false, '2026-02-01')).toBe('renewed');
    expect(dueStatus({ ...d, renewed_arr: 1 }, true, '2026-02-01')).toBe('adjusted');
  });
});
