// Performance credit (业绩) rules, pure (DOMAIN.md §4): order splits, their validation, and the
// exact division of an amount among the participants. Percentages are handled as integers in
// hundredths of a percent (basis points: 33.33 % = 3333) so sums are exact; amounts are integer
// minor units (bigint in the database, safe integers here).
import { z } from 'zod';
import type { FieldIssue } from '../../platform/http/errors.ts';

export const SPLIT_KINDS = ['revenue', 'overlay'] as const;
export type SplitKind = (typeof SPLIT_KINDS)[number];
export const ORDER_TYPES = ['new', 'renewal', 'expansion', 'downgrade'] as const;
export type OrderType = (typeof ORDER_TYPES)[number];

/** 100 % in basis points. */
export const FULL = 10_000;
export const MAX_SPLITS = 20;
export const ROLE_PATTERN = /^[a-z][a-z0-9_]{0,31}$/;

export interface SplitInput {
  user_id: string;
  role: string;
  kind: SplitKind;
  /** percent, 0 < p ≤ 100, at most 2 decimals */
  percent: number;
}

/** A checked split: the percent as basis points. */
export interface Split {
  user_id: string;
  role: string;
  kind: SplitKind;
  bp: number;
}

/** Percent (≤ 2 decimals) → basis points, or null when it has more decimals than that. */
export function toBasisPoints(percent: number): number | null {
  const bp = Math.round(percent * 100);
  // 33.33 * 100 is 3332.9999999999995 in binary floating point: compare with a tolerance
  return Math.abs(bp - percent * 100) < 1e-6 ? bp : null;
}

export const bpToPercent = (bp: number): number => bp / 100;

/**
 * Checks an order's splits. Each participant appears at most once per kind; each percent is in
 * (0, 100] with at most 2 decimals; the revenue splits total exactly 100 % (problems with the
 * total name `splits`); overlay splits (the manager's double count, 双计) are not capped in total.
 * An empty list means "the default": the order's owner holds 100 % revenue.
 */
export function checkSplits(
  input: SplitInput[],
  knownUsers: ReadonlySet<string>,
): { splits: Split[]; issues: FieldIssue[] } {
  const issues: FieldIssue[] = [];
  const splits: Split[] = [];
  const seen = new Set<string>();
  if (input.length > MAX_SPLITS)
    issues.push({ field: 'splits', issue: 'too_many', params: { max: MAX_SPLITS } });
  input.forEach((s, i) => {
    const f = (name: string): string => `splits[${i}].${name}`;
    if (!knownUsers.has(s.user_id)) issues.push({ field: f('user_id'), issue: 'invalid_reference' });
    const key = `${s.user_id}|${s.kind}`;
    if (seen.has(key)) issues.push({ field: f('user_id'), issue: 'not_unique' });
    seen.add(key);
    if (!ROLE_PATTERN.test(s.role)) issues.push({ field: f('role'), issue: 'invalid_value' });
    const bp = Number.isFinite(s.percent) ? toBasisPoints(s.percent) : null;
    if (bp === null) issues.push({ field: f('percent'), issue: 'too_many_decimals', params: { max: 2 } });
    else if (bp <= 0) issues.push({ field: f('percent'), issue: 'must_be_positive' });
    else if (bp > FULL) issues.push({ field: f('percent'), issue: 'too_large', params: { max: 100 } });
    else splits.push({ user_id: s.user_id, role: s.role, kind: s.kind, bp });
  });
  if (input.length) {
    const revenue = input.filter((s) => s.kind === 'revenue');
    const total = revenue.reduce((a, s) => a + (toBasisPoints(s.percent) ?? 0), 0);
    if (total !== FULL)
      issues.push({ field: 'splits', issue: 'revenue_split_total', params: { sum: total / 100 } });
  }
  return { splits: issues.length ? [] : splits, issues };
}

/** The splits that apply: the stored ones, or the owner with 100 % revenue when none are set. */
export function effectiveSplits(stored: Split[], ownerId: string | null): Split[] {
  if (stored.length) return stored;
  return ownerId ? [{ user_id: ownerId, role: 'sales', kind: 'revenue', bp: FULL }] : [];
}

/** round half-up of n / d for integers (d > 0), half away from zero for negative n */
export function divRound(n: bigint, d: bigint): bigint {
  const neg = n < 0n;
  const a = neg ? -n : n;
  const q = (2n * a + d) / (2n * d);
  return neg ? -q : q;
}

/**
 * The creditable amount of an order type: amount × rate (a sales policy: renewals may count at
 * 50 %), rate given as percent with up to 2 decimals, rounded half-up to the minor unit.
 */
export function applyRate(amount: number, ratePercent: number): number {
  const bp = toBasisPoints(ratePercent) ?? Math.round(ratePercent * 100);
  return Number(divRound(BigInt(amount) * BigInt(bp), BigInt(FULL)));
}

/**
 * Divides `amount` among shares (basis points summing to 100 %) so the parts sum to it exactly:
 * each part is floor(amount × share), and the fen left over go one each to the largest
 * remainders (ties: the earlier share). Negative amounts divide as the negation of the positive.
 */
export function largestRemainder(amount: number, shares: number[]): number[] {
  if (amount < 0) return largestRemainder(-amount, shares).map((x) => (x === 0 ? 0 : -x));
  const total = shares.reduce((a, b) => a + b, 0);
  if (total <= 0) return shares.map(() => 0);
  const a = BigInt(amount);
  const t = BigInt(total);
  const base = shares.map((s) => (a * BigInt(s)) / t);
  const rem = shares.map((s, i) => ({ i, r: a * BigInt(s) - (base[i] ?? 0n) * t }));
  let left = a - base.reduce((x, y) => x + y, 0n);
  rem.sort((x, y) => (x.r === y.r ? x.i - y.i : x.r > y.r ? -1 : 1));
  for (const { i } of rem) {
    if (left <= 0n) break;
    base[i] = (base[i] ?? 0n) + 1n;
    left -= 1n;
  }
  return base.map(Number);
}

export interface CreditPart {
  user_id: string;
  role: string;
  kind: SplitKind;
  amount: number;
}

/**
 * Who is credited how much of `amount`: revenue splits divide it exactly (largest remainder);
 * each overlay split is its own half-up rounding of amount × percent (double counting, so it is
 * not taken from anyone). Zero parts are left out.
 */
export function creditParts(amount: number, splits: Split[]): CreditPart[] {
  const revenue = splits.filter((s) => s.kind === 'revenue');
  const parts = largestRemainder(
    amount,
    revenue.map((s) => s.bp),
  );
  const out: CreditPart[] = revenue.map((s, i) => ({
    user_id: s.user_id,
    role: s.role,
    kind: s.kind,
    amount: parts[i] ?? 0,
  }));
  for (const s of splits)
    if (s.kind === 'overlay')
      out.push({
        user_id: s.user_id,
        role: s.role,
        kind: s.kind,
        amount: Number(divRound(BigInt(amount) * BigInt(s.bp), BigInt(FULL))),
      });
  return out.filter((p) => p.amount !== 0);
}

export const partKey = (p: { user_id: string; role: string; kind: string }): string =>
  `${p.user_id}|${p.role}|${p.kind}`;

/**
 * The ledger rows that take what is booked to what should be: for every (participant, role, kind)
 * the difference target − booked, when not zero. Running it twice writes nothing the second time,
 * which is what makes the ledger idempotent whatever event (or recompute) triggered it.
 */
export function creditDeltas(target: CreditPart[], booked: CreditPart[]): CreditPart[] {
  const sum = new Map<string, CreditPart>();
  const add = (p: CreditPart, sign: 1 | -1): void => {
    const k = partKey(p);
    const cur = sum.get(k);
    if (cur) cur.amount += sign * p.amount;
    else sum.set(k, { ...p, amount: sign * p.amount });
  };
  for (const p of target) add(p, 1);
  for (const p of booked) add(p, -1);
  return [...sum.values()].filter((p) => p.amount !== 0);
}

/** Month arithmetic on `YYYY-MM` periods. */
export function isPeriod(s: string): boolean {
  const m = /^(\d{4})-(\d{2})$/.exec(s);
  return m !== null && Number(m[2]) >= 1 && Number(m[2]) <= 12;
}
export function nextPeriod(p: string): string {
  const [y, m] = p.split('-').map(Number) as [number, number];
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
}
export const periodStart = (p: string): string => `${p}-01`;
export const periodOf = (isoDate: string): string => isoDate.slice(0, 7);

/**
 * The month a credit row goes to: the month it was earned in, unless the person's statement for
 * that month is locked — then the first later month whose statement is not (a locked statement
 * never changes; DOMAIN's "late credit goes to the next open month").
 */
export function openPeriod(earned: string, locked: ReadonlySet<string>): string {
  let p = earned;
  for (let i = 0; i < 1200 && locked.has(p); i++) p = nextPeriod(p);
  return p;
}

// --- settings (tenant.settings.performance) ---

const percent = z
  .number()
  .min(0)
  .max(1000)
  .refine((p) => toBasisPoints(p) !== null, 'too_many_decimals');

export const commissionRuleSchema = z.strictObject({
  baseRate: percent.refine((p) => p <= 100, 'too_large'),
  tiers: z
    .array(z.strictObject({ from: percent, rate: percent.refine((p) => p <= 100, 'too_large') }))
    .max(20)
    .refine((t) => t.length === 0 || t[0]?.from === 0, 'tier_start')
    .refine((t) => t.every((x, i) => i === 0 || x.from > (t[i - 1]?.from ?? 0)), 'not_ascending'),
  cap: z.number().int().min(0).max(1e13).nullable(),
});

export const performanceSettingsSchema = z.strictObject({
  /** when credit is earned: a payment allocated to the order's instalments, or the order confirmed */
  creditSource: z.enum(['payment', 'order']),
  /** sales policy: percent of an order's amount that counts as credit, by order type */
  orderTypeRates: z.strictObject({ new: percent, renewal: percent, expansion: percent, downgrade: percent }),
  /** commission rules by split role; `default` for roles without their own */
  commission: z.strictObject({
    default: commissionRuleSchema,
    roles: z.record(z.string().regex(ROLE_PATTERN), commissionRuleSchema),
  }),
});
export type PerformanceSettings = z.infer<typeof performanceSettingsSchema>;

export const DEFAULT_PERFORMANCE_SETTINGS: PerformanceSettings = {
  creditSource: 'payment',
  orderTypeRates: { new: 100, renewal: 100, expansion: 100, downgrade: 100 },
  commission: {
    default: { baseRate: 0, tiers: [], cap: null },
    roles: {
      sales: {
        baseRate: 3,
        tiers: [
          { from: 0, rate: 3 },
          { from: 100, rate: 5 },
        ],
        cap: null,
      },
      presales: { baseRate: 1, tiers: [], cap: null },
      implementation: { baseRate: 1, tiers: [], cap: null },
      manager: { baseRate: 0.5, tiers: [], cap: null },
    },
  },
};
