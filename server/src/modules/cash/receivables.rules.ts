// Receivables rules (DOMAIN.md §4): payment-plan instalments, instalment and payment status,
// reminders and AR aging. Pure: no I/O, money in integer minor units, dates as YYYY-MM-DD.
import type { FieldIssue } from '../../platform/http/errors.ts';

/** Largest amount (minor units) a plan, payment or invoice may carry: safe integer arithmetic. */
export const MAX_AMOUNT = 1e15;
/** Percentages are accepted with up to 4 decimals (33.3333) and computed as integers × 10⁴. */
const PERCENT_SCALE = 10_000;
const HUNDRED_PERCENT = 100 * PERCENT_SCALE;
export const MAX_INSTALMENTS = 120;

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

/** A real calendar date written YYYY-MM-DD. */
export function isDate(v: string): boolean {
  if (!DATE_RE.test(v)) return false;
  const d = new Date(`${v}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === v;
}

/** Whole days from `from` to `to` (positive when `to` is later). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

// --- instalment plans ---

/** One instalment as a client gives it: by amount (minor units) or by percent of the plan amount. */
export interface InstalmentInput {
  due_date: string;
  amount?: number | undefined;
  percent?: number | undefined;
  note?: string | null | undefined;
}

export interface PlannedInstalment {
  seq: number;
  due_date: string;
  amount: number;
  /** the percent the client gave, when it planned by percent */
  percent: number | null;
  note: string | null;
}

/**
 * Splits `total` by percentages that add up to exactly 100 with the largest-remainder method: every
 * share is floored to the minor unit, then the units left over go one each to the shares with the
 * largest fractional parts (the earlier instalment on a tie), so the amounts add up to `total`
 * exactly and no share is off by more than one unit. Percents are integers scaled by 10⁴.
 */
export function splitByPercent(total: number, scaledPercents: number[]): number[] {
  const t = BigInt(total);
  const base = scaledPercents.map((p) => (t * BigInt(p)) / BigInt(HUNDRED_PERCENT));
  const rest = scaledPercents.map((p) => (t * BigInt(p)) % BigInt(HUNDRED_PERCENT));
  let left = Number(t - base.reduce((a, b) => a + b, 0n));
  const order = rest
    .map((r, i) => ({ r, i }))
    .sort((a, b) => (a.r === b.r ? a.i - b.i : a.r > b.r ? -1 : 1))
    .map((x) => x.i);
  const out = base.map(Number);
  for (const i of order) {
    if (left <= 0) break;
    out[i] = (out[i] ?? 0) + 1;
    left -= 1;
  }
  return out;
}

/** A percent (0 < p ≤ 100, up to 4 decimals) as an integer × 10⁴, or null when it is not one. */
export function scalePercent(p: number): number | null {
  if (!Number.isFinite(p) || p <= 0 || p > 100) return null;
  const scaled = Math.round(p * PERCENT_SCALE);
  return Math.abs(scaled - p * PERCENT_SCALE) < 1e-6 ? scaled : null;
}

/**
 * Validates a plan's instalments against the amount they must add up to and returns them with
 * amounts. One plan is given either all by amount or all by percent (mixing would leave the sum
 * rule ambiguous). Rules: at least one and at most MAX_INSTALMENTS instalments; due dates real and
 * strictly ascending (the sequence is the due order, which matching relies on); every amount > 0;
 * amounts add up to `total` exactly (issue on `instalments` naming both sums); percents add up to
 * exactly 100. Field names are `<prefix>[i].<field>`.
 */
export function planInstalments(
  total: number,
  items: InstalmentInput[],
  prefix = 'instalments',
): { instalments: PlannedInstalment[]; issues: FieldIssue[] } {
  const issues: FieldIssue[] = [];
  const f = (i: number, name: string): string => `${prefix}[${i}].${name}`;
  if (!items.length) return { instalments: [], issues: [{ field: prefix, issue: 'required' }] };
  if (items.length > MAX_INSTALMENTS)
    return {
      instalments: [],
      issues: [{ field: prefix, issue: 'too_many', params: { max: MAX_INSTALMENTS } }],
    };
  const byPercent = items.some((it) => it.percent !== undefined && it.percent !== null);
  items.forEach((it, i) => {
    const hasAmount = it.amount !== undefined && it.amount !== null;
    const hasPercent = it.percent !== undefined && it.percent !== null;
    if (hasAmount === hasPercent || (byPercent && !hasPercent))
      issues.push({ field: f(i, byPercent ? 'percent' : 'amount'), issue: 'amount_or_percent' });
    if (!isDate(it.due_date)) issues.push({ field: f(i, 'due_date'), issue: 'invalid_date' });
    else if (i > 0) {
      const prev = items[i - 1]?.due_date ?? '';
      if (isDate(prev) && it.due_date <= prev)
        issues.push({ field: f(i, 'due_date'), issue: 'not_ascending' });
    }
  });
  if (issues.length) return { instalments: [], issues };
  let amounts: number[];
  if (byPercent) {
    const scaled = items.map((it) => scalePercent(it.percent ?? 0));
    scaled.forEach((s, i) => {
      if (s === null) issues.push({ field: f(i, 'percent'), issue: 'invalid_value' });
    });
    if (issues.length) return { instalments: [], issues };
    const ints = scaled.map((s) => s ?? 0);
    const sum = ints.reduce((a, b) => a + b, 0);
    if (sum !== HUNDRED_PERCENT)
      return {
        instalments: [],
        issues: [{ field: prefix, issue: 'percent_sum', params: { sum: sum / PERCENT_SCALE } }],
      };
    amounts = splitByPercent(total, ints);
  } else {
    amounts = items.map((it) => it.amount ?? 0);
    amounts.forEach((a, i) => {
      if (!Number.isSafeInteger(a) || a > MAX_AMOUNT)
        issues.push({ field: f(i, 'amount'), issue: 'invalid_value' });
    });
    if (issues.length) return { instalments: [], issues };
  }
  amounts.forEach((a, i) => {
    if (a <= 0) issues.push({ field: f(i, 'amount'), issue: 'too_small', params: { min: 1 } });
  });
  const sum = amounts.reduce((a, b) => a + b, 0);
  if (!issues.length && sum !== total)
    issues.push({ field: prefix, issue: 'sum_mismatch', params: { sum, total } });
  if (issues.length) return { instalments: [], issues };
  return {
    instalments: items.map((it, i) => ({
      seq: i + 1,
      due_date: it.due_date,
      amount: amounts[i] ?? 0,
      percent: byPercent ? (it.percent ?? null) : null,
      note: it.note ?? null,
    })),
    issues,
  };
}

// --- status ---

export type InstalmentStatus = 'planned' | 'partially_paid' | 'paid' | 'overdue';

/**
 * An instalment's status on `asOf`: paid once fully paid; overdue when money is still open and the
 * due date lies before `asOf` (an instalment is payable on its due date and overdue from the next
 * day); partially paid when some money came in; else planned.
 */
export function instalmentStatus(
  i: { due_date: string; amount: number; paid_amount: number },
  asOf: string,
): InstalmentStatus {
  if (i.paid_amount >= i.amount) return 'paid';
  if (i.due_date < asOf) return 'overdue';
  return i.paid_amount > 0 ? 'partially_paid' : 'planned';
}

export type PlanStatus = 'open' | 'paid' | 'cancelled';

/** A plan is paid when every instalment is; a cancelled plan stays cancelled. */
export function planStatus(
  current: PlanStatus,
  instalments: Array<{ amount: number; paid_amount: number }>,
): PlanStatus {
  if (current === 'cancelled') return current;
  return instalments.length > 0 && instalments.every((i) => i.paid_amount >= i.amount) ? 'paid' : 'open';
}

export type PaymentStatus = 'unmatched' | 'partially_matched' | 'matched' | 'refunded';

/**
 * A payment's money is allocated to instalments, refunded, or unallocated (the customer's credit):
 * amount = allocated + refunded + unallocated. Matched when nothing is left unallocated and
 * something was allocated; refunded when all of it went back; partially matched when some is
 * allocated and some is still credit; unmatched when nothing is allocated.
 */
export function paymentStatus(p: { amount: number; allocated: number; refunded: number }): PaymentStatus {
  const unallocated = p.amount - p.allocated - p.refunded;
  if (unallocated === 0 && p.allocated === 0 && p.refunded > 0) return 'refunded';
  if (unallocated === 0 && p.allocated > 0) return 'matched';
  return p.allocated > 0 ? 'partially_matched' : 'unmatched';
}

// --- reminders ---

export interface ReminderSettings {
  /** remind the plan owner this many days before the due date (0 = on the due date; null = never) */
  beforeDays: number | null;
  /** remind the plan owner these many days after the due date, once each (ascending) */
  afterDays: number[];
}

export const DEFAULT_REMINDERS: ReminderSettings = { beforeDays: 3, afterDays: [1, 7] };

export type ReminderKind = { kind: 'before' } | { kind: 'after'; days: number };

/**
 * Which reminder an open instalment is due on `asOf`, given what was sent already: the "before"
 * reminder from `beforeDays` before the due date until the due date (so a plan created two days
 * before its due date still gets one); an "after" reminder for the largest offset reached and not
 * sent yet (`remindedAfterDays` is the largest offset already sent). A job that missed days sends
 * only the latest reminder, never a burst.
 */
export function reminderDue(
  i: { due_date: string; open: number; remindedBefore: boolean; remindedAfterDays: number | null },
  asOf: string,
  s: ReminderSettings,
): ReminderKind | null {
  if (i.open <= 0) return null;
  const late = daysBetween(i.due_date, asOf);
  if (late <= 0) {
    if (s.beforeDays === null || i.remindedBefore) return null;
    return -late <= s.beforeDays ? { kind: 'before' } : null;
  }
  const reached = s.afterDays.filter((d) => d <= late);
  const top = reached.length ? Math.max(...reached) : null;
  if (top === null || (i.remindedAfterDays !== null && i.remindedAfterDays >= top)) return null;
  return { kind: 'after', days: top };
}

// --- invoices ---

/**
 * Whether an invoice may go to approval: an application not yet approved (nor found to need
 * none). POST /invoices/{id}/submit and the generic approvals submit both hold to it, so an
 * issued or voided invoice never falls back to in_approval.
 */
export function isInvoiceSubmittable(inv: { status: unknown; approval_status: unknown }): boolean {
  return (
    inv.status === 'applied' && inv.approval_status !== 'approved' && inv.approval_status !== 'not_required'
  );
}

// --- AR aging ---

/**
 * Aging buckets by days past due on `asOf` (days = asOf − due date). An instalment due today is
 * not yet past due (it is payable today and overdue from tomorrow, the same rule as the overdue
 * status), so it is `current`; `d1_30` is the first month past due (the "0–30" bucket of the
 * usual report starts the day after the due date), then 31–60, 61–90 and more than 90 days.
 */
export const AGING_BUCKETS = ['current', 'd1_30', 'd31_60', 'd61_90', 'd91_plus'] as const;
export type AgingBucket = (typeof AGING_BUCKETS)[number];

export function agingBucket(dueDate: string, asOf: string): AgingBucket {
  const late = daysBetween(dueDate, asOf);
  if (late <= 0) return 'current';
  if (late <= 30) return 'd1_30';
  if (late <= 60) return 'd31_60';
  if (late <= 90) return 'd61_90';
  return 'd91_plus';
}

export type AgingTotals = Record<AgingBucket, number> & { total: number; overdue: number };

export const emptyAging = (): AgingTotals => ({
  current: 0,
  d1_30: 0,
  d31_60: 0,
  d61_90: 0,
  d91_plus: 0,
  total: 0,
  overdue: 0,
});

export interface AgingItem {
  group: string;
  currency: string;
  due_date: string;
  /** the instalment's open amount (amount − paid) */
  open: number;
}

/**
 * Open amounts summed per group and currency into buckets (never adding two currencies); `overdue`
 * is everything past due (all buckets but current). Groups come out in first-seen order.
 */
export function agingTotals(
  items: AgingItem[],
  asOf: string,
): Array<{ group: string; currency: string; buckets: AgingTotals }> {
  const out = new Map<string, { group: string; currency: string; buckets: AgingTotals }>();
  for (const it of items) {
    if (it.open <= 0) continue;
    const key = `${it.group}\u0000${it.currency}`;
    let row = out.get(key);
    if (!row) {
      row = { group: it.group, currency: it.currency, buckets: emptyAging() };
      out.set(key, row);
    }
    const b = agingBucket(it.due_date, asOf);
    row.buckets[b] += it.open;
    row.buckets.total += it.open;
    if (b !== 'current') row.buckets.overdue += it.open;
  }
  return [...out.values()];
}

// --- invoices ---

/**
 * Tax contained in an amount that includes it (Chinese VAT invoices are priced tax-included):
 * amount × rate ÷ (100 + rate), rounded half-up to the minor unit; the rate has up to 4 decimals.
 */
export function taxIncluded(amountInclTax: number, ratePercent: number): number {
  const r = BigInt(Math.round(ratePercent * PERCENT_SCALE));
  const num = BigInt(Math.abs(amountInclTax)) * r;
  const den = BigInt(100 * PERCENT_SCALE) + r;
  const tax = Number((num * 2n + den) / (den * 2n));
  return amountInclTax < 0 ? -tax : tax;
}
