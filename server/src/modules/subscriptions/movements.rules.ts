import { activeMonthEnds, monthEnd, monthsBetween, shiftMonth } from './term.rules.ts';

/** The five ARR movements of a customer between two month-ends (docs/METRICS.md). */
export type MovementKind = 'new' | 'expansion' | 'reactivation' | 'contraction' | 'churn';
export const MOVEMENT_KINDS: readonly MovementKind[] = [
  'new',
  'expansion',
  'reactivation',
  'contraction',
  'churn',
];

/**
 * What moved a customer's ARR from `start` (end of M−1) to `end` (end of M): 0 → >0 is new when
 * the customer never had ARR at an earlier month-end, else reactivation; >0 → 0 is churn; up is
 * expansion, down contraction. `amount` is always ≥ 0; null when nothing moved.
 */
export function classify(
  start: number,
  end: number,
  hadArrBefore: boolean,
): { kind: MovementKind; amount: number } | null {
  if (start === end) return null;
  if (start === 0) return { kind: hadArrBefore ? 'reactivation' : 'new', amount: end };
  if (end === 0) return { kind: 'churn', amount: start };
  return end > start
    ? { kind: 'expansion', amount: end - start }
    : { kind: 'contraction', amount: start - end };
}

export interface MonthMovements {
  month: string;
  start_arr: number;
  new: number;
  expansion: number;
  reactivation: number;
  contraction: number;
  churn: number;
  end_arr: number;
  customers_start: number;
  customers_end: number;
  new_customers: number;
  reactivated_customers: number;
  churned_customers: number;
}

export function emptyMonth(month: string, startArr: number, customers: number): MonthMovements {
  return {
    month,
    start_arr: startArr,
    new: 0,
    expansion: 0,
    reactivation: 0,
    contraction: 0,
    churn: 0,
    end_arr: startArr,
    customers_start: customers,
    customers_end: customers,
    new_customers: 0,
    reactivated_customers: 0,
    churned_customers: 0,
  };
}

/** Adds one customer's movement to a month (end figures follow). */
export function addMovement(m: MonthMovements, kind: MovementKind, amount: number): void {
  m[kind === 'new' ? 'new' : kind] += amount;
  if (kind === 'new') m.new_customers++;
  if (kind === 'reactivation') m.reactivated_customers++;
  if (kind === 'churn') m.churned_customers++;
  const sign = kind === 'contraction' || kind === 'churn' ? -1 : 1;
  m.end_arr += sign * amount;
  if (kind === 'new' || kind === 'reactivation') m.customers_end++;
  if (kind === 'churn') m.customers_end--;
}

/** start + new + expansion + reactivation − contraction − churn = end, and the same for customers. */
export function balances(m: MonthMovements): boolean {
  return (
    m.start_arr + m.new + m.expansion + m.reactivation - m.contraction - m.churn === m.end_arr &&
    m.customers_start + m.new_customers + m.reactivated_customers - m.churned_customers === m.customers_end
  );
}

export interface LedgerLine {
  account_id: string;
  service_start: string;
  service_end: string;
  arr: number;
}

/** A customer's ARR on a day: the sum of its lines active that day. */
export function arrOn(lines: readonly LedgerLine[], date: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const l of lines) {
    if (l.service_start <= date && date <= l.service_end) {
      out.set(l.account_id, (out.get(l.account_id) ?? 0) + l.arr);
    }
  }
  return out;
}

/**
 * Reference computation of the monthly movements straight from the definition: every customer's
 * ARR at every month-end, compared month by month. Slow (months × lines) and obviously right; the
 * service computes the same in one SQL statement and tests hold the two equal.
 */
export function movementsFromLines(lines: readonly LedgerLine[], from: string, to: string): MonthMovements[] {
  if (!lines.length) return monthsBetween(from, to).map((m) => emptyMonth(m, 0, 0));
  const firstMonth = lines.map((l) => activeMonthEnds(l.service_start, l.service_end)[0]).sort()[0] ?? from;
  const begin = firstMonth < from ? shiftMonth(firstMonth, -1) : shiftMonth(from, -1);
  const everHad = new Set<string>();
  let prev = arrOn(lines, monthEnd(begin));
  for (const [a, v] of prev) if (v > 0) everHad.add(a);
  const out: MonthMovements[] = [];
  for (const month of monthsBetween(shiftMonth(begin, 1), to)) {
    const cur = arrOn(lines, monthEnd(month));
    const startArr = [...prev.values()].reduce((s, v) => s + v, 0);
    const customers = [...prev.values()].filter((v) => v > 0).length;
    const m = emptyMonth(month, startArr, customers);
    for (const a of new Set([...prev.keys(), ...cur.keys()])) {
      const c = classify(prev.get(a) ?? 0, cur.get(a) ?? 0, everHad.has(a));
      if (c) addMovement(m, c.kind, c.amount);
    }
    for (const [a, v] of cur) if (v > 0) everHad.add(a);
    if (month >= from) out.push(m);
    prev = cur;
  }
  return out;
}
