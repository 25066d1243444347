// Matching payments received (回款) to open instalments (DOMAIN.md §4). Pure: the service loads the
// account's open instalments under row locks, asks these rules where the money goes, and writes it.
import type { FieldIssue } from '../../platform/http/errors.ts';

/** An instalment with money still open, with the document numbers a bank reference may quote. */
export interface OpenInstalment {
  id: string;
  plan_id: string;
  /** "<plan number>-<seq>", e.g. PP-2026-00001-2 */
  number: string;
  plan_number: string;
  order_number: string | null;
  contract_number: string | null;
  due_date: string;
  seq: number;
  /** amount − paid, > 0 */
  open: number;
}

export interface Allocation {
  instalment_id: string;
  amount: number;
}

export type MatchMethod = 'reference' | 'amount' | 'oldest' | 'manual' | 'none';

export interface MatchResult {
  method: MatchMethod;
  allocations: Allocation[];
  /** money left over: the customer's credit */
  credit: number;
  /** the document numbers the reference matched (for the record and the UI) */
  matched_numbers: string[];
}

/** Oldest due first; within a day the plan number and sequence decide, so the order is stable. */
export function byDueDate(a: OpenInstalment, b: OpenInstalment): number {
  if (a.due_date !== b.due_date) return a.due_date < b.due_date ? -1 : 1;
  if (a.plan_number !== b.plan_number) return a.plan_number < b.plan_number ? -1 : 1;
  return a.seq - b.seq;
}

/**
 * Upper case, whitespace runs as one space, full-width letters, digits and hyphens as ASCII: bank
 * references arrive as "货款 ｓｏ－2026－00012". Whitespace stays a separator (removing it would glue
 * a number to the words around it).
 */
export function normaliseReference(ref: string): string {
  return ref
    .replace(/[\uff01-\uff5e]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .toUpperCase()
    .replace(/\s+/g, ' ');
}

/**
 * Does `ref` (normalised) quote `number` as a whole token? The characters around it must not be
 * letters or digits, so SO-2026-0001 does not match inside SO-2026-00012; a trailing "-<digit>"
 * is refused as well, so a plan number does not match inside one of its instalment numbers.
 */
export function quotes(ref: string, number: string | null): boolean {
  if (!number) return false;
  const n = normaliseReference(number);
  if (!n) return false;
  let from = 0;
  for (;;) {
    const at = ref.indexOf(n, from);
    if (at < 0) return false;
    const before = ref[at - 1] ?? '';
    const after = ref.slice(at + n.length, at + n.length + 2);
    const isAlnum = (c: string): boolean => /[A-Z0-9]/.test(c);
    if (!isAlnum(before) && !isAlnum(after[0] ?? '') && !/^-\d/.test(after)) return true;
    from = at + 1;
  }
}

/** Allocates `amount` over instalments in the given order, each up to its open amount. */
export function allocateInOrder(
  amount: number,
  instalments: OpenInstalment[],
): { allocations: Allocation[]; left: number } {
  let left = amount;
  const allocations: Allocation[] = [];
  for (const i of instalments) {
    if (left <= 0) break;
    const take = Math.min(left, i.open);
    if (take > 0) allocations.push({ instalment_id: i.id, amount: take });
    left -= take;
  }
  return { allocations, left };
}

/**
 * The instalments a bank reference names, most specific first: instalment numbers; otherwise plan,
 * order and contract numbers (every instalment of what they name). Empty when it names none.
 */
export function referencedInstalments(
  reference: string | null | undefined,
  open: OpenInstalment[],
): { instalments: OpenInstalment[]; numbers: string[] } {
  if (!reference) return { instalments: [], numbers: [] };
  const ref = normaliseReference(reference);
  const exact = open.filter((i) => quotes(ref, i.number));
  if (exact.length) return { instalments: exact, numbers: exact.map((i) => i.number) };
  const numbers = new Set<string>();
  const named = open.filter((i) => {
    const hits = [i.plan_number, i.order_number, i.contract_number].filter(
      (n): n is string => n !== null && quotes(ref, n),
    );
    for (const h of hits) numbers.add(h);
    return hits.length > 0;
  });
  return { instalments: named, numbers: [...numbers] };
}

/**
 * Where a payment's money goes, automatically:
 * 1. by reference — the instalments the bank reference names (see referencedInstalments), oldest
 *    due first; money beyond what they have open is credit (a payment quoting one order is not
 *    spread over the customer's other orders);
 * 2. by amount — the oldest open instalment whose open amount equals the payment exactly;
 * 3. oldest first — across all open instalments of the account, oldest due first;
 * anything left over is the customer's credit. `open` must hold only instalments in the payment's
 * currency whose plan may be paid.
 */
export function autoMatch(
  payment: { amount: number; reference?: string | null | undefined },
  open: OpenInstalment[],
): MatchResult {
  const sorted = open.filter((i) => i.open > 0).sort(byDueDate);
  const ref = referencedInstalments(payment.reference, sorted);
  if (ref.instalments.length) {
    const { allocations, left } = allocateInOrder(payment.amount, ref.instalments);
    return { method: 'reference', allocations, credit: left, matched_numbers: ref.numbers };
  }
  const exact = sorted.find((i) => i.open === payment.amount);
  if (exact)
    return {
      method: 'amount',
      allocations: [{ instalment_id: exact.id, amount: payment.amount }],
      credit: 0,
      matched_numbers: [exact.number],
    };
  if (!sorted.length) return { method: 'none', allocations: [], credit: payment.amount, matched_numbers: [] };
  const { allocations, left } = allocateInOrder(payment.amount, sorted);
  return { method: 'oldest', allocations, credit: left, matched_numbers: [] };
}

/**
 * Checks a manual split: every instalment is one of the open instalments it may go to (same account
 * and currency, plan payable), named once, with an amount of at least one minor unit and at most
 * what is open on it; together at most `available` (the payment's money not refunded). What is not
 * allocated stays as the customer's credit. Field names are `<prefix>[i].<field>`.
 */
export function checkAllocations(
  available: number,
  allocations: Allocation[],
  open: Map<string, OpenInstalment>,
  prefix = 'allocations',
): { issues: FieldIssue[]; credit: number } {
  const issues: FieldIssue[] = [];
  const seen = new Set<string>();
  let total = 0;
  allocations.forEach((a, i) => {
    const f = (name: string): string => `${prefix}[${i}].${name}`;
    if (seen.has(a.instalment_id)) issues.push({ field: f('instalment_id'), issue: 'not_unique' });
    seen.add(a.instalment_id);
    const inst = open.get(a.instalment_id);
    if (!inst) issues.push({ field: f('instalment_id'), issue: 'invalid_reference' });
    if (!Number.isSafeInteger(a.amount) || a.amount < 1)
      issues.push({ field: f('amount'), issue: 'too_small', params: { min: 1 } });
    else if (inst && a.amount > inst.open)
      issues.push({ field: f('amount'), issue: 'too_large', params: { max: inst.open } });
    else total += a.amount;
  });
  if (!issues.length && total > available)
    issues.push({ field: prefix, issue: 'too_large', params: { max: available } });
  return { issues, credit: issues.length ? 0 : available - total };
}
