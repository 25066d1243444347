import { z } from 'zod';
import type { FieldIssue } from '../../platform/http/errors.ts';
import { addDaysIso, mondayOf } from './health.rules.ts';
import { monthEnd, shiftMonth } from './month.rules.ts';
import { percentOneDecimal } from './surveys.rules.ts';

/**
 * Service tiers, touch cadence and touch rate (翻动率, DOMAIN.md §6.6, docs/ENGAGEMENT.md "Service
 * tiers, cadence and touch rate"). Pure: which tier a customer is in, when its next call and visit
 * are due, the touch-rate arithmetic and the round-robin pick. The service loads ARR, touches and
 * people; every date here is a tenant-calendar day (YYYY-MM-DD), every computation takes `asOf`.
 */

/** The touches a tier can require (回访 call-back, 上门拜访 on-site visit). */
export const TOUCH_KINDS = ['call', 'visit'] as const;
export type TouchKind = (typeof TOUCH_KINDS)[number];

/**
 * Activity types (activities/objects.ts ACTIVITY_TYPES, checked equal by the integration test):
 * kept as a literal here so the settings schema stays pure and usable as an OpenAPI enum.
 */
export const ACTIVITY_TYPE_VALUES = ['visit', 'call', 'meeting', 'email', 'wechat', 'demo', 'note'] as const;
export type ActivityTypeValue = (typeof ACTIVITY_TYPE_VALUES)[number];

export const TIER_MATCHES = ['all', 'any'] as const;
export const PERIODS = ['week', 'month', 'quarter'] as const;
export type Period = (typeof PERIODS)[number];
export const MAX_TIERS = 10;

const teamSchema = z.strictObject({
  user_ids: z
    .array(z.string().uuid())
    .max(50)
    .describe('the CSMs of the tier; empty: the department’s CSMs, else every active CSM'),
  department_id: z
    .string()
    .uuid()
    .nullable()
    .describe('with no user_ids: active users with role csm in this department and below'),
});

export const tierSchema = z.strictObject({
  key: z.string().regex(/^[A-Za-z0-9_-]{1,20}$/),
  label: z.string().max(50).nullable().describe('null: the UI shows “Tier {key}”'),
  match: z.enum(TIER_MATCHES).describe('all: every set condition holds; any: one is enough'),
  min_arr_fen: z
    .number()
    .int()
    .min(0)
    .max(Number.MAX_SAFE_INTEGER)
    .nullable()
    .describe('ARR on the day ≥ this, in minor units (fen); null: no ARR condition'),
  grades: z.array(z.string().min(1).max(40)).max(20).describe('account grade one of these; empty: any'),
  industries: z
    .array(z.string().min(1).max(100))
    .max(50)
    .describe('account industry one of these (case-insensitive); empty: any'),
  call_every_days: z.number().int().min(1).max(365).nullable(),
  visit_every_days: z.number().int().min(1).max(730).nullable(),
  team: teamSchema,
});
export type TierRule = z.infer<typeof tierSchema>;

export const touchTypesSchema = z.strictObject({
  call: z.array(z.enum(ACTIVITY_TYPE_VALUES)).min(1).max(ACTIVITY_TYPE_VALUES.length),
  visit: z.array(z.enum(ACTIVITY_TYPE_VALUES)).min(1).max(ACTIVITY_TYPE_VALUES.length),
});
export type TouchTypes = z.infer<typeof touchTypesSchema>;

export const tierSettingsSchema = z.strictObject({
  tiers: z.array(tierSchema).min(1).max(MAX_TIERS),
  touch_types: touchTypesSchema,
});
export type TierSettings = z.infer<typeof tierSettingsSchema>;

const anyTeam = { user_ids: [], department_id: null };

/**
 * Seed defaults (issue 9): A calls every 14 days and visits every 90, B 30 / 180, C 60 / none.
 * A and B take the account grade or an ARR floor (either is enough); C is everyone else.
 */
export const DEFAULT_TIER_SETTINGS: TierSettings = {
  tiers: [
    {
      key: 'A',
      label: null,
      match: 'any',
      min_arr_fen: 30_000_000,
      grades: ['A'],
      industries: [],
      call_every_days: 14,
      visit_every_days: 90,
      team: anyTeam,
    },
    {
      key: 'B',
      label: null,
      match: 'any',
      min_arr_fen: 10_000_000,
      grades: ['B'],
      industries: [],
      call_every_days: 30,
      visit_every_days: 180,
      team: anyTeam,
    },
    {
      key: 'C',
      label: null,
      match: 'all',
      min_arr_fen: null,
      grades: [],
      industries: [],
      call_every_days: 60,
      visit_every_days: null,
      team: anyTeam,
    },
  ],
  // a visit and a meeting are also a conversation: they keep the call cadence too
  touch_types: { call: ['call', 'visit', 'meeting'], visit: ['visit'] },
};

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** The stored settings with defaults for what is missing (a bad stored value: the defaults). */
export function tierSettingsOf(stored: unknown): TierSettings {
  const s = isObject(stored) ? stored : {};
  const p = tierSettingsSchema.safeParse({ ...DEFAULT_TIER_SETTINGS, ...s });
  return p.success ? normalise(p.data) : DEFAULT_TIER_SETTINGS;
}

/** Trimmed labels and conditions, no repeated grades, industries, users or activity types. */
export function normalise(s: TierSettings): TierSettings {
  const uniq = <T>(xs: readonly T[]): T[] => [...new Set(xs)];
  return {
    tiers: s.tiers.map((t) => ({
      ...t,
      label: t.label === null || t.label.trim() === '' ? null : t.label.trim(),
      grades: uniq(t.grades.map((g) => g.trim()).filter(Boolean)),
      industries: uniq(t.industries.map((i) => i.trim()).filter(Boolean)),
      team: { user_ids: uniq(t.team.user_ids), department_id: t.team.department_id },
    })),
    touch_types: { call: uniq(s.touch_types.call), visit: uniq(s.touch_types.visit) },
  };
}

const hasConditions = (t: TierRule): boolean =>
  t.min_arr_fen !== null || t.grades.length > 0 || t.industries.length > 0;

/**
 * Problems a schema cannot see: two tiers with one key (the key is what history and the rotation
 * remember), and a tier after a catch-all one, which no customer could ever reach.
 */
export function tierSettingsIssues(s: TierSettings): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const seen = new Set<string>();
  let catchAll = -1;
  s.tiers.forEach((t, i) => {
    if (seen.has(t.key)) issues.push({ field: `tiers[${i}].key`, issue: 'duplicate_tier_key' });
    seen.add(t.key);
    if (catchAll >= 0)
      issues.push({
        field: `tiers[${i}]`,
        issue: 'tier_unreachable',
        params: { key: s.tiers[catchAll]?.key ?? '' },
      });
    else if (!hasConditions(t)) catchAll = i;
  });
  return issues;
}

export interface TierCustomer {
  /** ARR on the day, minor units */
  arrFen: number;
  grade: string | null;
  industry: string | null;
}

const fold = (v: string): string => v.trim().normalize('NFKC').toLowerCase();

/** Whether a customer meets a tier's conditions (a tier without conditions takes everyone). */
export function tierMatches(t: TierRule, c: TierCustomer): boolean {
  const checks: boolean[] = [];
  if (t.min_arr_fen !== null) checks.push(c.arrFen >= t.min_arr_fen);
  if (t.grades.length) checks.push(c.grade !== null && t.grades.includes(c.grade.trim()));
  if (t.industries.length) {
    const mine = c.industry === null ? null : fold(c.industry);
    checks.push(mine !== null && t.industries.some((i) => fold(i) === mine));
  }
  if (!checks.length) return true;
  return t.match === 'all' ? checks.every(Boolean) : checks.some(Boolean);
}

/** The customer's tier: the first rule that matches, in order; null when none does. */
export function tierOf(tiers: readonly TierRule[], c: TierCustomer): TierRule | null {
  return tiers.find((t) => tierMatches(t, c)) ?? null;
}

/** The touches a tier requires, each with its cadence in days (call first). */
export function requiredTouches(t: TierRule): { kind: TouchKind; everyDays: number }[] {
  const out: { kind: TouchKind; everyDays: number }[] = [];
  if (t.call_every_days !== null) out.push({ kind: 'call', everyDays: t.call_every_days });
  if (t.visit_every_days !== null) out.push({ kind: 'visit', everyDays: t.visit_every_days });
  return out;
}

/** Whole days from `a` to `b` (negative when b is earlier). */
export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);
}

export interface TouchStatus {
  kind: TouchKind;
  every_days: number;
  /** the latest touch of this kind on or before asOf */
  last_touch_on: string | null;
  /** the last day the next touch is on time: max(last touch, tier since) + cadence */
  due_on: string;
  on_cadence: boolean;
  /** days past due_on (0 while on cadence) */
  days_overdue: number;
}

/**
 * One required touch on `asOf`. The cadence clock runs from the later of the last touch and the
 * day the customer entered its tier (`since`), so a customer new to a tier — or never touched —
 * gets one full cadence before it is overdue. "Call every 14 days" after a call on the 1st: due on
 * the 15th (still on cadence that day), overdue from the 16th (1 day overdue).
 */
export function touchStatus(
  kind: TouchKind,
  everyDays: number,
  lastTouchOn: string | null,
  since: string,
  asOf: string,
): TouchStatus {
  const anchor = lastTouchOn !== null && lastTouchOn > since ? lastTouchOn : since;
  const dueOn = addDaysIso(anchor, everyDays);
  const late = Math.max(0, daysBetween(dueOn, asOf));
  return {
    kind,
    every_days: everyDays,
    last_touch_on: lastTouchOn,
    due_on: dueOn,
    on_cadence: late === 0,
    days_overdue: late,
  };
}

export interface CustomerTouch {
  touches: TouchStatus[];
  /** the tier requires at least one kind of touch: the customer counts in the denominator */
  due: boolean;
  /** every required touch is on cadence: the customer counts in the numerator */
  on_cadence: boolean;
}

/** A customer's required touches on `asOf` from its tier and its latest touch per kind. */
export function customerTouch(
  tier: TierRule,
  lastTouch: Partial<Record<TouchKind, string | null>>,
  since: string,
  asOf: string,
): CustomerTouch {
  const touches = requiredTouches(tier).map((r) =>
    touchStatus(r.kind, r.everyDays, lastTouch[r.kind] ?? null, since, asOf),
  );
  return { touches, due: touches.length > 0, on_cadence: touches.every((t) => t.on_cadence) };
}

export interface RateCell {
  /** customers due (in a tier that requires touches) */
  due: number;
  /** of those, customers with every required touch on cadence */
  touched: number;
  /** touched ÷ due × 100, one decimal (half-up, integer arithmetic); null with nobody due */
  rate: number | null;
}

/** Touch rate (翻动率) = customers touched within cadence ÷ customers due. */
export function touchRate(rows: readonly { due: boolean; on_cadence: boolean }[]): RateCell {
  let due = 0;
  let touched = 0;
  for (const r of rows) {
    if (!r.due) continue;
    due += 1;
    if (r.on_cadence) touched += 1;
  }
  return { due, touched, rate: percentOneDecimal(touched, due) };
}

/** touchRate per group, groups in first-seen order. */
export function touchRateBy<K>(
  rows: readonly { due: boolean; on_cadence: boolean }[],
  keyOf: (i: number) => K,
): Map<K, RateCell> {
  const groups = new Map<K, { due: boolean; on_cadence: boolean }[]>();
  rows.forEach((r, i) => {
    const k = keyOf(i);
    const g = groups.get(k) ?? [];
    g.push(r);
    groups.set(k, g);
  });
  return new Map([...groups].map(([k, g]) => [k, touchRate(g)]));
}

/**
 * Round robin: the member after `last` in id order, wrapping to the first. Ordering by id (not by
 * position in a list) keeps the rotation fair when members join or leave: a removed `last` still
 * says where the turn stands.
 */
export function nextInRotation(members: readonly string[], last: string | null): string | null {
  const sorted = [...new Set(members)].sort();
  if (!sorted.length) return null;
  if (last === null) return sorted[0] ?? null;
  return sorted.find((m) => m > last) ?? sorted[0] ?? null;
}

/** `n` picks in turn from `last` on, and the new pointer (unchanged when nobody can be picked). */
export function rotate(
  members: readonly string[],
  last: string | null,
  n: number,
): { picks: string[]; last: string | null } {
  const picks: string[] = [];
  let at = last;
  for (let i = 0; i < n; i++) {
    const next = nextInRotation(members, at);
    if (next === null) break;
    picks.push(next);
    at = next;
  }
  return { picks, last: at };
}

/** Why a tiered customer gets a CSM from its tier's team (null: it keeps the one it has). */
export function assignmentReason(csmId: string | null, csmActive: boolean): 'no_csm' | 'csm_inactive' | null {
  if (csmId === null) return 'no_csm';
  return csmActive ? null : 'csm_inactive';
}

/** The calendar period (week Monday–Sunday, month, quarter) holding `day`. */
export function periodOf(period: Period, day: string): { from: string; to: string } {
  if (period === 'week') {
    const from = mondayOf(day);
    return { from, to: addDaysIso(from, 6) };
  }
  const [y, m] = day.split('-').map(Number) as [number, number];
  const first = period === 'month' ? m : m - ((m - 1) % 3);
  const from = `${String(y).padStart(4, '0')}-${String(first).padStart(2, '0')}`;
  const last = period === 'month' ? from : shiftMonth(from, 2);
  return { from: `${from}-01`, to: monthEnd(last) };
}

/**
 * The measurement points of a trend: the `count` periods up to the one holding `asOf`, oldest
 * first, each measured on its last day — the current one on `asOf` (it has not ended yet).
 */
export function trendPoints(
  period: Period,
  asOf: string,
  count: number,
): { from: string; to: string; as_of: string }[] {
  const out: { from: string; to: string; as_of: string }[] = [];
  let p = periodOf(period, asOf);
  for (let i = 0; i < count; i++) {
    out.unshift({ ...p, as_of: p.to < asOf ? p.to : asOf });
    p = periodOf(period, addDaysIso(p.from, -1));
  }
  return out;
}
