// Calendar months (YYYY-MM) and the ARR dashboard's URL state. Pure: no React, no I/O.

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** The longest range the dashboard asks for (the retention API answers at most 36 months). */
export const MAX_MONTHS = 36;
/** The default range: the last twelve months, this one included. */
export const DEFAULT_MONTHS = 12;

export const MOVEMENT_KINDS = ['new', 'expansion', 'reactivation', 'contraction', 'churn'] as const;
export type MovementKind = (typeof MOVEMENT_KINDS)[number];
export type RenewalView = 'business' | 'finance';
/** What the renewal rate can be broken down by (GET /api/v1/metrics/renewals?group_by=…). */
export const RENEWAL_GROUPS = ['owner', 'department', 'industry', 'grade', 'csm', 'partner'] as const;
export type RenewalGroupBy = (typeof RENEWAL_GROUPS)[number];
export const isRenewalGroup = (v: string | null | undefined): v is RenewalGroupBy =>
  RENEWAL_GROUPS.some((g) => g === v);

export const isMonth = (v: string | null | undefined): v is string => !!v && MONTH.test(v);
export const isMovementKind = (v: string | null | undefined): v is MovementKind =>
  MOVEMENT_KINDS.some((k) => k === v);

const index = (m: string): number => Number(m.slice(0, 4)) * 12 + Number(m.slice(5, 7)) - 1;
const fromIndex = (i: number): string =>
  `${String(Math.floor(i / 12)).padStart(4, '0')}-${String((i % 12) + 1).padStart(2, '0')}`;

/** YYYY-MM plus n months (n may be negative). */
export const shiftMonth = (m: string, n: number): string => fromIndex(index(m) + n);

/** Every month from a to b inclusive (empty when b is before a). */
export function monthsBetween(a: string, b: string): string[] {
  const out: string[] = [];
  for (let i = index(a); i <= index(b); i++) out.push(fromIndex(i));
  return out;
}

/** The last day of a month, YYYY-MM-DD. */
export function monthEnd(m: string): string {
  const last = new Date(Date.UTC(Number(m.slice(0, 4)), Number(m.slice(5, 7)), 0)).getUTCDate();
  return `${m}-${String(last).padStart(2, '0')}`;
}

/** The date the headline figures are read on: today in the current month, else the month's end. */
export const asOfFor = (to: string, today: string): string => (monthEnd(to) < today ? monthEnd(to) : today);

export interface ArrQuery {
  from: string;
  to: string;
  view: RenewalView;
  /** the renewal rate broken down by owner, department, industry, grade or CSM; null = not broken down */
  group: RenewalGroupBy | null;
  /** the movement figure whose customers the drawer lists */
  drill: { month: string; kind: MovementKind } | null;
}

/**
 * Reads the dashboard state from the URL. Missing or bad months fall back to the last twelve
 * months; a range that ends in the future ends this month; one longer than MAX_MONTHS keeps its
 * end and is cut at the start; an unknown grouping is none; a drill-down outside the range is dropped.
 */
export function parseArrQuery(params: URLSearchParams, thisMonth: string): ArrQuery {
  const rawTo = params.get('to');
  const rawFrom = params.get('from');
  let to = isMonth(rawTo) && rawTo <= thisMonth ? rawTo : thisMonth;
  let from = isMonth(rawFrom) ? rawFrom : shiftMonth(to, 1 - DEFAULT_MONTHS);
  if (from > to) [from, to] = [to, from];
  if (index(to) - index(from) + 1 > MAX_MONTHS) from = shiftMonth(to, 1 - MAX_MONTHS);
  const view: RenewalView = params.get('view') === 'finance' ? 'finance' : 'business';
  const rawGroup = params.get('group');
  const group = isRenewalGroup(rawGroup) ? rawGroup : null;
  const month = params.get('month');
  const kind = params.get('kind');
  const drill =
    isMonth(month) && isMovementKind(kind) && month >= from && month <= to ? { month, kind } : null;
  return { from, to, view, group, drill };
}

/** The URL query of a dashboard state; defaults are left out so a bookmark stays "the last year". */
export function arrSearch(q: ArrQuery, thisMonth: string): Record<string, string> {
  const out: Record<string, string> = {};
  const isDefault = q.to === thisMonth && q.from === shiftMonth(thisMonth, 1 - DEFAULT_MONTHS);
  if (!isDefault) Object.assign(out, { from: q.from, to: q.to });
  if (q.view === 'finance') out.view = 'finance';
  if (q.group) out.group = q.group;
  if (q.drill) Object.assign(out, { month: q.drill.month, kind: q.drill.kind });
  return out;
}
