/**
 * Calendar months for the health rate, bridge and incentive (pure). A month is YYYY-MM; its end is
 * its last calendar day, a date in the tenant's calendar (no time zone: business days are dates).
 * Kept here rather than imported from subscriptions' internals (modules meet through index.ts).
 */

import { isValidDate } from '../../platform/metadata/values.rules.ts';

const MONTH_RE = /^(\d{4})-(0[1-9]|1[0-2])$/;

/**
 * The earliest day (and month) accepted from a request or a telemetry row. Year 0 is no date in
 * PostgreSQL, and the arithmetic on a query date (a week back, the month before) would carry a
 * year-1 date there: an error, not an answer. Nothing in a CRM is dated before 1900.
 */
export const MIN_DAY = '1900-01-01';

export const isMonth = (v: unknown): v is string =>
  typeof v === 'string' && MONTH_RE.test(v) && v >= MIN_DAY.slice(0, 7);

/** A calendar date YYYY-MM-DD on or after MIN_DAY. */
export const isDay = (v: unknown): v is string => typeof v === 'string' && isValidDate(v) && v >= MIN_DAY;

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** Last day of a YYYY-MM month (YYYY-MM-DD). */
export function monthEnd(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return `${pad(y, 4)}-${pad(m)}-${pad(last)}`;
}

/** The month `k` months after `month` (k may be negative). */
export function shiftMonth(month: string, k: number): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const idx = y * 12 + (m - 1) + k;
  return `${pad(Math.floor(idx / 12), 4)}-${pad((idx % 12) + 1)}`;
}

/** Months from `from` to `to`, both included; empty when to < from. */
export function monthsBetween(from: string, to: string): string[] {
  // compared as month indexes: as text, year 10000 would sort before 9999 and never end the loop
  const index = (m: string): number => {
    const [y, mm] = m.split('-').map(Number) as [number, number];
    return y * 12 + (mm - 1);
  };
  const n = index(to) - index(from);
  const out: string[] = [];
  for (let k = 0; k <= n; k++) out.push(shiftMonth(from, k));
  return out;
}

/** First day of the month (the `period` column of statements). */
export const monthStart = (month: string): string => `${month}-01`;

/** num ÷ den rounded half-up to 4 decimals, exactly (integers in, no float division); null without a base. */
export function ratio4(num: number, den: number): number | null {
  if (den <= 0) return null;
  const n = BigInt(num) * 10_000n;
  const d = BigInt(den);
  const q = (2n * n + d) / (2n * d); // half-up for non-negative values
  return Number(q) / 10_000;
}
