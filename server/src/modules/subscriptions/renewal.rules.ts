import { addDays, monthEnd, monthOf } from './term.rules.ts';

/**
 * Pure rules of due renewals (应续) and their matching (已续), docs/METRICS.md "Renewals".
 */

export interface SubLine {
  id: string;
  order_id: string;
  order_type: string;
  service_start: string;
  service_end: string;
  arr: number;
}

export interface DueFromLines {
  due_date: string;
  due_arr: number;
}

/**
 * The due records of one customer: for each day on which some of its lines end, due date = end + 1
 * and due ARR = those lines' ARR. A line followed by a line of the same order starting on its due
 * date is one contract term split into periods (a multi-year order booked year by year): that
 * internal boundary is not a renewal and is skipped.
 */
export function dueRecords(lines: readonly SubLine[]): DueFromLines[] {
  const byDate = new Map<string, number>();
  for (const l of lines) {
    const due = addDays(l.service_end, 1);
    const continued = lines.some(
      (o) => o.order_id === l.order_id && o.id !== l.id && o.service_start === due,
    );
    if (continued) continue;
    byDate.set(due, (byDate.get(due) ?? 0) + l.arr);
  }
  return [...byDate]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([due_date, due_arr]) => ({ due_date, due_arr }));
}

export type RenewalView = 'business' | 'finance';

export interface RenewalCandidate extends SubLine {
  /** the order's signing date (business view) */
  order_date: string;
  /** the first payment received on the order (finance view); null while none */
  first_payment_date: string | null;
}

export interface DueInput {
  id: string;
  due_date: string;
  due_arr: number;
}

export interface DueMatch {
  renewed_arr: number;
  /** the order contributing most to the renewal (the first one on ties) */
  renewal_order_id: string | null;
}

/** Orders that can renew a due record. */
export const RENEWING_ORDER_TYPES: readonly string[] = ['renewal', 'expansion'];

/**
 * Matches one customer's due records with its renewal and expansion lines. A line renews a due
 * record when it is active on the due date or starts within `graceDays` after it, and its order
 * counts (signed — business — or first paid — finance) by the end of the due date's month and by
 * `asOf`. Each line's ARR is used once: due records take from their matching lines in due-date
 * order, so one renewal line cannot renew two expiring lines beyond its own value. Renewed ARR ≤
 * due ARR (the rest of a bigger renewal is expansion, not renewal).
 */
export function matchRenewals(
  dues: readonly DueInput[],
  candidates: readonly RenewalCandidate[],
  opts: { graceDays: number; view: RenewalView; asOf: string },
): Map<string, DueMatch> {
  const left = new Map(candidates.map((c) => [c.id, c.arr]));
  const ordered = [...candidates]
    .filter((c) => RENEWING_ORDER_TYPES.includes(c.order_type))
    .sort((a, b) =>
      a.service_start !== b.service_start
        ? a.service_start < b.service_start
          ? -1
          : 1
        : a.id < b.id
          ? -1
          : 1,
    );
  const out = new Map<string, DueMatch>();
  for (const d of [...dues].sort((a, b) =>
    a.due_date < b.due_date ? -1 : a.due_date > b.due_date ? 1 : 0,
  )) {
    const deadline = minDate(monthEnd(monthOf(d.due_date)), opts.asOf);
    const graceEnd = addDays(d.due_date, opts.graceDays);
    let need = d.due_arr;
    const byOrder = new Map<string, number>();
    for (const c of ordered) {
      if (need <= 0) break;
      const counted = opts.view === 'business' ? c.order_date : c.first_payment_date;
      if (counted === null || counted > deadline) continue;
      const active = c.service_start <= d.due_date && d.due_date <= c.service_end;
      const startsInGrace = d.due_date <= c.service_start && c.service_start <= graceEnd;
      if (!active && !startsInGrace) continue;
      const take = Math.min(need, left.get(c.id) ?? 0);
      if (take <= 0) continue;
      left.set(c.id, (left.get(c.id) ?? 0) - take);
      need -= take;
      byOrder.set(c.order_id, (byOrder.get(c.order_id) ?? 0) + take);
    }
    let best: string | null = null;
    for (const [order, v] of byOrder) if (best === null || v > (byOrder.get(best) ?? 0)) best = order;
    out.set(d.id, { renewed_arr: d.due_arr - need, renewal_order_id: best });
  }
  return out;
}

export type DueStatus = 'upcoming' | 'overdue' | 'renewed' | 'churned' | 'adjusted';

/**
 * Where a due record stands on `asOf`: adjusted (approved adjustment), renewed (some ARR renewed,
 * business view), upcoming (due date ahead), overdue (due date passed, its month not over),
 * churned (its month is over with nothing renewed — a later renewal is a reactivation).
 */
export function dueStatus(
  d: { due_date: string; renewed_arr: number },
  adjusted: boolean,
  asOf: string,
): DueStatus {
  if (adjusted) return 'adjusted';
  if (d.renewed_arr > 0) return 'renewed';
  if (asOf < d.due_date) return 'upcoming';
  if (asOf <= monthEnd(monthOf(d.due_date))) return 'overdue';
  return 'churned';
}

function minDate(a: string, b: string): string {
  return a < b ? a : b;
}
