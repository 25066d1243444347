import { describe, expect, it } from 'vitest';
import {
  agingBucket,
  agingTotals,
  daysBetween,
  instalmentStatus,
  isInvoiceSubmittable,
  paymentStatus,
  planInstalments,
  planStatus,
  reminderDue,
  scalePercent,
  splitByPercent,
  taxIncluded,
  DEFAULT_REMINDERS,
} from '../receivables.rules.ts';

const fields = (r: { issues: Array<{ field: string; issue: string }> }): string[] =>
  r.issues.map((i) => `${i.field}:${i.issue}`);

describe('instalment plans', () => {
  it('accepts amounts that add up to the total, with ascending due dates', () => {
    const r = planInstalments(100_000, [
      { due_date: '2026-01-10', amount: 30_000 },
      { due_date: '2026-02-10', amount: 70_000, note: 'final' },
    ]);
    expect(r.issues).toEqual([]);
    expect(r.instalments).toEqual([
      { seq: 1, due_date: '2026-01-10', amount: 30_000, percent: null, note: null },
      { seq: 2, due_date: '2026-02-10', amount: 70_000, percent: null, note: 'final' },
    ]);
  });
  it('refuses amounts not adding up, naming instalments and both sums', () => {
    const r = planInstalments(100_000, [
      { due_date: '2026-01-10', amount: 30_000 },
      { due_date: '2026-02-10', amount: 60_000 },
    ]);
    expect(r.issues).toEqual([
      { field: 'instalments', issue: 'sum_mismatch', params: { sum: 90_000, total: 100_000 } },
    ]);
    expect(r.instalments).toEqual([]);
  });
  it('converts percents with the largest remainder so the sum is exact', () => {
    const r = planInstalments(100, [
      { due_date: '2026-01-01', percent: 33.3333 },
      { due_date: '2026-02-01', percent: 33.3333 },
      { due_date: '2026-03-01', percent: 33.3334 },
    ]);
    expect(r.issues).toEqual([]);
    expect(r.instalments.map((i) => i.amount)).toEqual([33, 33, 34]);
    expect(splitByPercent(100, [333_333, 333_333, 333_334])).toEqual([33, 33, 34]);
    // 1 fen over 3 × 33.3333 %… remainders tie → the earlier instalment gets the unit
    expect(splitByPercent(10, [333_333, 333_333, 333_334])).toEqual([3, 3, 4]);
    expect(splitByPercent(2, [500_000, 500_000])).toEqual([1, 1]);
    expect(splitByPercent(3, [500_000, 500_000])).toEqual([2, 1]);
    const big = 999_999_999_999_99;
    const parts = splitByPercent(big, [300_000, 300_000, 400_000]);
    expect(parts.reduce((a, b) => a + b, 0)).toBe(big);
  });
  it('refuses percents not adding up to 100, zero shares and bad percents', () => {
    expect(
      fields(
        planInstalments(100, [
          { due_date: '2026-01-01', percent: 30 },
          { due_date: '2026-02-01', percent: 60 },
        ]),
      ),
    ).toEqual(['instalments:percent_sum']);
    expect(
      fields(
        planInstalments(1, [
          { due_date: '2026-01-01', percent: 50 },
          { due_date: '2026-02-01', percent: 50 },
        ]),
      ),
    ).toEqual(['instalments[1].amount:too_small']);
    expect(fields(planInstalments(100, [{ due_date: '2026-01-01', percent: 100.5 }]))).toEqual([
      'instalments[0].percent:invalid_value',
    ]);
    expect(scalePercent(12.34567)).toBeNull();
    expect(scalePercent(12.3456)).toBe(123_456);
  });
  it('refuses mixing amount and percent, or giving neither', () => {
    expect(
      fields(
        planInstalments(100, [
          { due_date: '2026-01-01', amount: 50 },
          { due_date: '2026-02-01', percent: 50 },
        ]),
      ),
    ).toEqual(['instalments[0].percent:amount_or_percent']);
    expect(fields(planInstalments(100, [{ due_date: '2026-01-01' }]))).toEqual([
      'instalments[0].amount:amount_or_percent',
    ]);
  });
  it('refuses non-ascending or invalid dates, non-positive amounts and empty plans', () => {
    expect(
      fields(
        planInstalments(100, [
          { due_date: '2026-02-01', amount: 50 },
          { due_date: '2026-02-01', amount: 50 },
        ]),
      ),
    ).toEqual(['instalments[1].due_date:not_ascending']);
    expect(fields(planInstalments(100, [{ due_date: '2026-02-30', amount: 100 }]))).toEqual([
      'instalments[0].due_date:invalid_date',
    ]);
    expect(
      fields(
        planInstalments(100, [
          { due_date: '2026-01-01', amount: 0 },
          { due_date: '2026-02-01', amount: 100 },
        ]),
      ),
    ).toEqual(['instalments[0].amount:too_small']);
    expect(fields(planInstalments(100, []))).toEqual(['instalments:required']);
  });
});

describe('status', () => {
  const i = { due_date: '2026-03-10', amount: 1000, paid_amount: 0 };
  it('is overdue only from the day after the due date', () => {
    expect(instalmentStatus(i, '2026-03-09')).toBe('planned');
    expect(instalmentStatus(i, '2026-03-10')).toBe('planned');
    expect(instalmentStatus(i, '2026-03-11')).toBe('overdue');
    expect(instalmentStatus({ ...i, paid_amount: 400 }, '2026-03-10')).toBe('partially_paid');
    expect(instalmentStatus({ ...i, paid_amount: 400 }, '2026-03-11')).toBe('overdue');
    expect(instalmentStatus({ ...i, paid_amount: 1000 }, '2027-01-01')).toBe('paid');
  });
  it('plan is paid when every instalment is', () => {
    expect(planStatus('open', [{ amount: 5, paid_amount: 5 }])).toBe('paid');
    expect(planStatus('paid', [{ amount: 5, paid_amount: 4 }])).toBe('open');
    expect(planStatus('cancelled', [{ amount: 5, paid_amount: 5 }])).toBe('cancelled');
  });
  it('payment status follows where its money went', () => {
    expect(paymentStatus({ amount: 100, allocated: 0, refunded: 0 })).toBe('unmatched');
    expect(paymentStatus({ amount: 100, allocated: 60, refunded: 0 })).toBe('partially_matched');
    expect(paymentStatus({ amount: 100, allocated: 100, refunded: 0 })).toBe('matched');
    expect(paymentStatus({ amount: 100, allocated: 60, refunded: 40 })).toBe('matched');
    expect(paymentStatus({ amount: 100, allocated: 0, refunded: 100 })).toBe('refunded');
    expect(paymentStatus({ amount: 100, allocated: 0, refunded: 30 })).toBe('unmatched');
  });
});

describe('reminders', () => {
  const base = { due_date: '2026-03-10', open: 100, remindedBefore: false, remindedAfterDays: null };
  it('reminds once from N days before until the due date', () => {
    expect(reminderDue(base, '2026-03-06', DEFAULT_REMINDERS)).toBeNull();
    expect(reminderDue(base, '2026-03-07', DEFAULT_REMINDERS)).toEqual({ kind: 'before' });
    expect(reminderDue(base, '2026-03-10', DEFAULT_REMINDERS)).toEqual({ kind: 'before' });
    expect(reminderDue({ ...base, remindedBefore: true }, '2026-03-08', DEFAULT_REMINDERS)).toBeNull();
    expect(reminderDue({ ...base, open: 0 }, '2026-03-08', DEFAULT_REMINDERS)).toBeNull();
  });
  it('reminds after 1 and 7 days, each once, never a burst', () => {
    expect(reminderDue(base, '2026-03-11', DEFAULT_REMINDERS)).toEqual({ kind: 'after', days: 1 });
    expect(reminderDue({ ...base, remindedAfterDays: 1 }, '2026-03-12', DEFAULT_REMINDERS)).toBeNull();
    expect(reminderDue({ ...base, remindedAfterDays: 1 }, '2026-03-17', DEFAULT_REMINDERS)).toEqual({
      kind: 'after',
      days: 7,
    });
    expect(reminderDue(base, '2026-04-30', DEFAULT_REMINDERS)).toEqual({ kind: 'after', days: 7 });
    expect(reminderDue({ ...base, remindedAfterDays: 7 }, '2026-04-30', DEFAULT_REMINDERS)).toBeNull();
    expect(reminderDue(base, '2026-03-08', { beforeDays: null, afterDays: [] })).toBeNull();
  });
});

describe('aging', () => {
  it('due today is current; past due starts the next day', () => {
    expect(daysBetween('2026-03-10', '2026-03-11')).toBe(1);
    expect(agingBucket('2026-03-11', '2026-03-10')).toBe('current');
    expect(agingBucket('2026-03-10', '2026-03-10')).toBe('current');
    expect(agingBucket('2026-03-09', '2026-03-10')).toBe('d1_30');
    expect(agingBucket('2026-02-08', '2026-03-10')).toBe('d1_30'); // 30 days
    expect(agingBucket('2026-02-07', '2026-03-10')).toBe('d31_60'); // 31
    expect(agingBucket('2026-01-09', '2026-03-10')).toBe('d31_60'); // 60
    expect(agingBucket('2026-01-08', '2026-03-10')).toBe('d61_90'); // 61
    expect(agingBucket('2025-12-10', '2026-03-10')).toBe('d61_90'); // 90
    expect(agingBucket('2025-12-09', '2026-03-10')).toBe('d91_plus'); // 91
  });
  it('sums open amounts per group and currency', () => {
    const rows = agingTotals(
      [
        { group: 'a', currency: 'CNY', due_date: '2026-03-20', open: 100 },
        { group: 'a', currency: 'CNY', due_date: '2026-03-01', open: 50 },
        { group: 'a', currency: 'USD', due_date: '2025-01-01', open: 7 },
        { group: 'b', currency: 'CNY', due_date: '2026-01-01', open: 0 },
      ],
      '2026-03-10',
    );
    expect(rows).toEqual([
      {
        group: 'a',
        currency: 'CNY',
        buckets: { current: 100, d1_30: 50, d31_60: 0, d61_90: 0, d91_plus: 0, total: 150, overdue: 50 },
      },
      {
        group: 'a',
        currency: 'USD',
        buckets: { current: 0, d1_30: 0, d31_60: 0, d61_90: 0, d91_plus: 7, total: 7, overdue: 7 },
      },
    ]);
  });
});

describe('invoice tax', () => {
  it('takes the tax out of a tax-included amount, half-up', () => {
    expect(taxIncluded(10_600, 6)).toBe(600);
    expect(taxIncluded(100, 6)).toBe(6); // 5.66 → 6
    expect(taxIncluded(-10_600, 6)).toBe(-600);
    expect(taxIncluded(11_300, 13)).toBe(1300);
    expect(taxIncluded(1000, 0)).toBe(0);
  });
});

describe('invoice submission', () => {
  it('takes an application not yet approved, never an issued or voided invoice', () => {
    expect(isInvoiceSubmittable({ status: 'applied', approval_status: null })).toBe(true);
    expect(isInvoiceSubmittable({ status: 'applied', approval_status: 'rejected' })).toBe(true);
    expect(isInvoiceSubmittable({ status: 'applied', approval_status: 'withdrawn' })).toBe(true);
    expect(isInvoiceSubmittable({ status: 'applied', approval_status: 'approved' })).toBe(false);
    expect(isInvoiceSubmittable({ status: 'applied', approval_status: 'not_required' })).toBe(false);
    expect(isInvoiceSubmittable({ status: 'in_approval', approval_status: 'pending' })).toBe(false);
    expect(isInvoiceSubmittable({ status: 'issued', approval_status: 'approved' })).toBe(false);
    expect(isInvoiceSubmittable({ status: 'voided', approval_status: 'rejected' })).toBe(false);
  });
});
