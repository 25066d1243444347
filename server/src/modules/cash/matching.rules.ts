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

/**
 * An open instalment as the service locked it: what matching needs to know besides its open
 * amount — its order (a payment may be restricted to one) and whether money may go to it.
 */
export interface PayableInstalment extends OpenInstalment {
  order_id: string | null;
  /** its plan or its order is cancelled: money may not go to it */
  blocked: boolean;
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
  const n = normalisedNumber(number);
  if (!n) return false;
  let from = 0;
  for (;;) {
    const at = ref.indexOf(n, from);
    if (at < 0) return false;
    const before = ref[at - 1] ?? '';
    const after = ref.slice(at + n.length, at + n.length + 2);
    if (!ALNUM.test(before) && !ALNUM.test(after[0] ?? '') && !/^-\d/.test(after)) return true;
    from = at + 1;
  }
}

const ALNUM = /^[A-Z0-9]$/;

// A statement matches thousands of rows against the same few hundred document numbers: each is
// normalised once (the cache is a bounded memo; the result depends on the number only).
const normalised = new Map<string, string>();
function normalisedNumber(number: string): string {
  let n = normalised.get(number);
  if (n === undefined) {
    if (normalised.size >= 20_000) normalised.clear();
    n = normaliseReference(number);
    normalised.set(number, n);
  }
  return n;
}

/**
 * The numbers each reference (normalised) quotes — exactly `quotes(ref, n)` for every n of
 * `numbers` — in one pass over each reference instead of one search per (reference, number)
 * pair: a 2,000-row statement against tens of thousands of document numbers. A quoted number
 * starts where a token may (after a non-alphanumeric character) with a character some number
 * starts with, so only the lengths of the numbers starting with that character are looked up.
 */
export function quotedNumbers(refs: readonly string[], numbers: readonly string[]): string[][] {
  const byNormalised = new Map<string, string[]>();
  const lengthsByFirst = new Map<string, Set<number>>();
  for (const number of numbers) {
    const n = normaliseReference(number);
    if (!n) continue;
    const same = byNormalised.get(n);
    if (same) same.push(number);
    else byNormalised.set(n, [number]);
    const first = n[0] ?? '';
    const lengths = lengthsByFirst.get(first) ?? new Set<number>();
    lengths.add(n.length);
    lengthsByFirst.set(first, lengths);
  }
  return refs.map((ref) => {
    const found = new Set<string>();
    for (let at = 0; at < ref.length; at++) {
      if (ALNUM.test(ref[at - 1] ?? '')) continue;
      for (const length of lengthsByFirst.get(ref[at] ?? '') ?? []) {
        const end = at + length;
        if (end > ref.length) continue;
        const after = ref.slice(end, end + 2);
        if (ALNUM.test(after[0] ?? '') || /^-\d/.test(after)) continue;
        for (const number of byNormalised.get(ref.slice(at, end)) ?? []) found.add(number);
      }
    }
    return [...found];
  });
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

/** A payment to place: matched automatically (optionally within one plan or order) or split by hand. */
export interface PaymentToMatch {
  amount: number;
  reference?: string | null | undefined;
  plan_id?: string | undefined;
  order_id?: string | undefined;
  /** a manual split instead of automatic matching */
  allocations?: Allocation[] | undefined;
  /** put before the field names of issues: `rows[3].` names a statement row */
  prefix?: string | undefined;
}

export type Decision = { match: MatchResult } | { issues: FieldIssue[] };

/**
 * Where one payment's money goes, given `open` — the account's instalments in the payment's
 * currency that still have money open (cancelled ones included, `blocked`). A manual split is
 * checked as given; otherwise the rules match automatically within the account, or the plan or
 * order the payment names. Money may never go to a cancelled order's (or plan's) instalments:
 * naming one — in the split, as the restriction, or as the only thing the bank reference quotes —
 * is an issue, and the caller writes nothing.
 */
export function decideMatch(payment: PaymentToMatch, open: PayableInstalment[]): Decision {
  const prefix = payment.prefix ?? '';
  let pool = open;
  if (payment.plan_id) pool = open.filter((i) => i.plan_id === payment.plan_id);
  if (payment.order_id) pool = open.filter((i) => i.order_id === payment.order_id);
  const payable = pool.filter((i) => !i.blocked && i.open > 0);
  if (payment.allocations) {
    const blockedIds = new Set(open.filter((i) => i.blocked).map((i) => i.id));
    const cancelled: FieldIssue[] = [];
    payment.allocations.forEach((a, i) => {
      if (blockedIds.has(a.instalment_id))
        cancelled.push({ field: `${prefix}allocations[${i}].instalment_id`, issue: 'order_cancelled' });
    });
    if (cancelled.length) return { issues: cancelled };
    const r = checkAllocations(
      payment.amount,
      payment.allocations,
      new Map(payable.map((i) => [i.id, i])),
      `${prefix}allocations`,
    );
    if (r.issues.length) return { issues: r.issues };
    return {
      match: {
        method: 'manual',
        allocations: payment.allocations.filter((a) => a.amount > 0),
        credit: r.credit,
        matched_numbers: [],
      },
    };
  }
  if (pool.length && pool.every((i) => i.blocked))
    return {
      issues: [{ field: `${prefix}${payment.plan_id ? 'plan_id' : 'order_id'}`, issue: 'order_cancelled' }],
    };
  const blocked = open.filter((i) => i.blocked);
  if (
    payment.reference &&
    blocked.length &&
    referencedInstalments(payment.reference, blocked).instalments.length &&
    !referencedInstalments(payment.reference, payable).instalments.length
  )
    return { issues: [{ field: `${prefix}bank_reference`, issue: 'order_cancelled' }] };
  return { match: autoMatch({ amount: payment.amount, reference: payment.reference ?? null }, payable) };
}

/**
 * Places many payments one after the other, exactly as recording them one by one would: each
 * payment sees the instalments of its pool (`pool`: one account in one currency) with what the
 * payments before it in the list took already subtracted, and an instalment that has nothing
 * left open drops out of the pool as it would from a fresh lock. The first payment with an issue
 * stops the run (nothing is to be written then). `pools` is not changed.
 */
export function matchInOrder(
  payments: Array<PaymentToMatch & { pool: string }>,
  pools: ReadonlyMap<string, readonly PayableInstalment[]>,
): { matches: MatchResult[] } | { failed: number; issues: FieldIssue[] } {
  const state = new Map<string, PayableInstalment[]>();
  const byId = new Map<string, PayableInstalment>();
  for (const [key, list] of pools) {
    const copy = list.map((i) => ({ ...i }));
    state.set(key, copy);
    for (const i of copy) byId.set(i.id, i);
  }
  const matches: MatchResult[] = [];
  for (const [k, payment] of payments.entries()) {
    const open = (state.get(payment.pool) ?? []).filter((i) => i.open > 0);
    const d = decideMatch(payment, open);
    if ('issues' in d) return { failed: k, issues: d.issues };
    for (const a of d.match.allocations) {
      const i = byId.get(a.instalment_id);
      if (i) i.open -= a.amount;
    }
    matches.push(d.match);
  }
  return { matches };
}
