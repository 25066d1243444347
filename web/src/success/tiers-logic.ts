// Service tiers and touch rate as the screens handle them (pure): the settings form in the units a
// person thinks in (ARR in yuan, the team as one choice), server field paths mapped onto it, the
// touch-rate page's URL state and the colour of a rate.
import { fenToYuan, yuanToFen } from '../format/money';
import { fieldPath } from './logic';
import type { TierRule, TierSettings, TierSettingsBody } from './tiers-api';

export const PERIODS = ['week', 'month', 'quarter'] as const;
export type Period = (typeof PERIODS)[number];
export const TOUCH_KINDS = ['call', 'visit'] as const;
export type TouchKind = (typeof TOUCH_KINDS)[number];
export const TEAM_MODES = ['all', 'users', 'department'] as const;
export type TeamMode = (typeof TEAM_MODES)[number];
export const GRADE_OPTIONS = ['A', 'B', 'C', 'D'] as const;

export interface TierForm {
  key: string;
  label: string;
  match: TierRule['match'];
  /** yuan; null: no ARR condition */
  min_arr_yuan: number | null;
  grades: string[];
  industries: string[];
  call_every_days: number | null;
  visit_every_days: number | null;
  team_mode: TeamMode;
  user_ids: string[];
  department_id: string | null;
}

export interface TierSettingsForm {
  tiers: TierForm[];
  touch_types: TierSettings['touch_types'];
}

export function tierToForm(t: TierRule): TierForm {
  return {
    key: t.key,
    label: t.label ?? '',
    match: t.match,
    min_arr_yuan: t.min_arr_fen === null ? null : fenToYuan(t.min_arr_fen),
    grades: [...t.grades],
    industries: [...t.industries],
    call_every_days: t.call_every_days,
    visit_every_days: t.visit_every_days,
    team_mode: t.team.user_ids.length ? 'users' : t.team.department_id ? 'department' : 'all',
    user_ids: [...t.team.user_ids],
    department_id: t.team.department_id,
  };
}

export const settingsToForm = (s: TierSettings): TierSettingsForm => ({
  tiers: s.tiers.map(tierToForm),
  touch_types: { call: [...s.touch_types.call], visit: [...s.touch_types.visit] },
});

/** An empty number input is "none" (null), not 0. */
const num = (v: number | null | undefined): number | null =>
  v === null || v === undefined || Number.isNaN(v) ? null : v;

export function formToTier(f: TierForm): TierRule {
  const label = f.label.trim();
  return {
    key: f.key.trim(),
    label: label === '' ? null : label,
    match: f.match,
    min_arr_fen: yuanToFen(num(f.min_arr_yuan)),
    grades: f.grades,
    industries: f.industries.map((i) => i.trim()).filter(Boolean),
    call_every_days: num(f.call_every_days),
    visit_every_days: num(f.visit_every_days),
    team: {
      user_ids: f.team_mode === 'users' ? f.user_ids : [],
      department_id: f.team_mode === 'department' ? f.department_id : null,
    },
  };
}

export const formToSettings = (f: TierSettingsForm): TierSettingsBody => ({
  tiers: f.tiers.map(formToTier),
  touch_types: f.touch_types,
});

/** A new tier at the end: no conditions, a call a month, every CSM. */
export const blankTier = (taken: readonly string[]): TierForm => {
  const key = ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'J'].find((k) => !taken.includes(k)) ?? 'X';
  return {
    key,
    label: '',
    match: 'all',
    min_arr_yuan: null,
    grades: [],
    industries: [],
    call_every_days: 30,
    visit_every_days: null,
    team_mode: 'all',
    user_ids: [],
    department_id: null,
  };
};

/**
 * Where a server issue belongs in the form: `tiers[1].min_arr_fen` → the yuan input,
 * `tiers[0].team.user_ids[2]` → the user picker, `touch_types.call[0]` → the call types. A whole
 * tier (`tiers[2]`: unreachable) or the body has no single input: null, shown above the form.
 */
export function formPathOf(field: string): (string | number)[] | null {
  const p = fieldPath(field);
  if (p[0] === 'touch_types' && typeof p[1] === 'string') return ['touch_types', p[1]];
  if (p[0] !== 'tiers' || typeof p[1] !== 'number' || p.length < 3) return null;
  const [, i, f, sub] = p;
  if (f === 'min_arr_fen') return ['tiers', i, 'min_arr_yuan'];
  if (f === 'team') return ['tiers', i, sub === 'department_id' ? 'department_id' : 'user_ids'];
  if (f === 'grades' || f === 'industries') return ['tiers', i, f];
  return typeof f === 'string' ? ['tiers', i, f] : null;
}

/** A rate's colour: on track (≥ 85), watch (≥ 60), behind. */
export function rateTone(rate: number | null): 'success' | 'warning' | 'error' | 'default' {
  if (rate === null) return 'default';
  if (rate >= 85) return 'success';
  return rate >= 60 ? 'warning' : 'error';
}

const YMD = /^\d{4}-\d{2}-\d{2}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface TouchQuery {
  asOf: string;
  period: Period;
  csm: string | null;
  kind: TouchKind | null;
}

/** The touch-rate page's state from its URL (as_of, period, csm, kind), defaults filled in. */
export function parseTouchQuery(params: URLSearchParams, today: string): TouchQuery {
  const asOf = params.get('as_of');
  const period = params.get('period');
  const csm = params.get('csm');
  const kind = params.get('kind');
  return {
    asOf: asOf && YMD.test(asOf) ? asOf : today,
    period: (PERIODS as readonly string[]).includes(period ?? '') ? (period as Period) : 'month',
    csm: csm && UUID.test(csm) ? csm : null,
    kind: (TOUCH_KINDS as readonly string[]).includes(kind ?? '') ? (kind as TouchKind) : null,
  };
}

/** The URL of a state: defaults left out, so a plain link shows today's month. */
export function touchSearch(q: TouchQuery, today: string): Record<string, string> {
  return {
    ...(q.asOf !== today ? { as_of: q.asOf } : {}),
    ...(q.period !== 'month' ? { period: q.period } : {}),
    ...(q.csm ? { csm: q.csm } : {}),
    ...(q.kind ? { kind: q.kind } : {}),
  };
}

/** A trend point's name: 2026-03, 2026 Q1, or the week's Monday (03-16). */
export function periodLabel(period: Period, from: string): string {
  if (period === 'month') return from.slice(0, 7);
  if (period === 'quarter')
    return `${from.slice(0, 4)} Q${Math.floor((Number(from.slice(5, 7)) - 1) / 3) + 1}`;
  return from.slice(5);
}
