/**
 * Pure date and money rules of the ARR ledger (docs/METRICS.md "Annualised value"). Dates are
 * calendar dates (YYYY-MM-DD) with no time zone: a service period is a set of days.
 */

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

function parts(date: string): [number, number, number] {
  const m = DATE_RE.exec(date);
  if (!m) throw new Error(`not a date: ${date}`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

function fmt(y: number, m: number, d: number): string {
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

export function isDate(v: unknown): v is string {
  if (typeof v !== 'string' || !DATE_RE.test(v)) return false;
  const [y, m, d] = parts(v);
  return m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth(y, m);
}

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Days from a to b (b − a), both YYYY-MM-DD. */
export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);
}

export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** The same day `k` months later, clamped to the month's last day (Jan 31 + 1 → Feb 28/29). */
export function addMonths(date: string, k: number): string {
  const [y, m, d] = parts(date);
  const idx = y * 12 + (m - 1) + k;
  const ny = Math.floor(idx / 12);
  const nm = (idx % 12) + 1;
  return fmt(ny, nm, Math.min(d, daysInMonth(ny, nm)));
}

/** YYYY-MM of a date. */
export function monthOf(date: string): string {
  return date.slice(0, 7);
}

/** First day of a YYYY-MM month. */
export function monthStart(month: string): string {
  return `${month}-01`;
}

/** Last day of a YYYY-MM month. */
export function monthEnd(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return fmt(y, m, daysInMonth(y, m));
}

/** The YYYY-MM month `k` months after `month`. */
export function shiftMonth(month: string, k: number): string {
  return monthOf(addMonths(monthStart(month), k));
}

/** Months from `from` to `to` inclusive (YYYY-MM); empty when to < from. */
export function monthsBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let m = from; m <= to; m = shiftMonth(m, 1)) out.push(m);
  return out;
}

/**
 * The term of a service period [start, end] (both days included) in months: the whole calendar
 * months from `start` to `end + 1 day` plus the rest as days ÷ days in the month where the rest
 * begins. Jan 15 – Jan 14 next year is exactly 12; Jan 1 – Jan 15 is 15/31.
 */
export interface Term {
  months: number;
  days: number;
  /** days in the month the remaining `days` start in (the fraction's denominator) */
  monthDays: number;
}

export function termOf(start: string, end: string): Term {
  const endExcl = addDays(end, 1);
  if (endExcl <= start) throw new Error(`empty period ${start}..${end}`);
  // whole months: the largest k with start + k months ≤ end + 1 day (estimate, then adjust)
  const [sy, sm] = parts(start);
  const [ey, em] = parts(endExcl);
  let k = (ey - sy) * 12 + (em - sm);
  while (k > 0 && addMonths(start, k) > endExcl) k--;
  while (addMonths(start, k + 1) <= endExcl) k++;
  const anchor = addMonths(start, k);
  const [ay, am] = parts(anchor);
  return { months: k, days: daysBetween(anchor, endExcl), monthDays: daysInMonth(ay, am) };
}

/** Term in months as a number, for display (the ledger uses the exact fraction). */
export function termMonths(t: Term): number {
  return t.months + t.days / t.monthDays;
}

/** A decimal exchange rate as an integer scaled by 10^8 ("7.1234" → 712340000n). */
export function rateToScaled(rate: string): bigint {
  const m = /^(\d{1,10})(?:\.(\d{1,8}))?$/.exec(rate.trim());
  if (!m) throw new Error(`not a rate: ${rate}`);
  return BigInt(m[1] ?? '0') * RATE_SCALE + BigInt((m[2] ?? '').padEnd(8, '0'));
}

export const RATE_SCALE = 100_000_000n;

/** a ÷ b rounded half up, for a ≥ 0 and b > 0. */
export function divHalfUp(a: bigint, b: bigint): bigint {
  return (2n * a + b) / (2n * b);
}

export interface Booked {
  /** the amount in base-currency minor units */
  amountBase: bigint;
  /** amount × rate × 12 ÷ term months, base-currency minor units, rounded half up once */
  arr: bigint;
  term: Term;
}

/**
 * Books a subscription line: converts its amount at `rate` and annualises it over its period, in
 * exact integer arithmetic with one rounding per figure (so ARR is not rounded twice).
 */
export function bookLine(amount: bigint, rate: string, start: string, end: string): Booked {
  if (amount < 0n) throw new Error('negative amount');
  const r = rateToScaled(rate);
  const term = termOf(start, end);
  const md = BigInt(term.monthDays);
  const termScaled = BigInt(term.months) * md + BigInt(term.days); // term × monthDays
  return {
    amountBase: divHalfUp(amount * r, RATE_SCALE),
    arr: divHalfUp(amount * r * 12n * md, RATE_SCALE * termScaled),
    term,
  };
}

/**
 * The month-ends a line is active on, as [first, last] YYYY-MM months (first > last: none). A line
 * counts on the last day of a month when start ≤ that day ≤ end; so it starts counting in its start
 * month and stops after the month in which its end is that month's last day (else the month
 * before its end).
 */
export function activeMonthEnds(start: string, end: string): [string, string] {
  const first = monthOf(start);
  const last = end === monthEnd(monthOf(end)) ? monthOf(end) : shiftMonth(monthOf(end), -1);
  return [first, last];
}
