import type { EChartsOption } from 'echarts';
import type { ObjectPermission } from '../api/types';
import type {
  AccuracyRow,
  Department,
  ForecastAdjustmentApplied,
  ForecastFigures,
  ForecastPeriodKind,
  TargetPeriodKind,
} from './forecast-api';

const YMD = /^(\d{4})-(\d{2})-(\d{2})$/;
const pad = (n: number) => String(n).padStart(2, '0');
const ymd = (y: number, m0: number) => {
  // m0 may run past 0..11: normalise through the year
  const yy = y + Math.floor(m0 / 12);
  const mm = ((m0 % 12) + 12) % 12;
  return `${yy}-${pad(mm + 1)}-01`;
};
const split = (d: string): [number, number] => {
  const m = YMD.exec(d);
  return [Number(m?.[1] ?? 1970), Number(m?.[2] ?? 1) - 1];
};

const MONTHS: Record<TargetPeriodKind, number> = { month: 1, quarter: 3, year: 12 };

/** First day of the month / quarter / year that holds a date. */
export function periodStartOf(kind: TargetPeriodKind, date: string): string {
  const [y, m] = split(date);
  if (kind === 'year') return ymd(y, 0);
  if (kind === 'quarter') return ymd(y, m - (m % 3));
  return ymd(y, m);
}

/** The start of the period `n` periods after (negative: before) the one starting at `start`. */
export function shiftPeriod(kind: TargetPeriodKind, start: string, n: number): string {
  const [y, m] = split(periodStartOf(kind, start));
  return ymd(y, m + n * MONTHS[kind]);
}

/** Last day (inclusive) of a period. */
export function periodEnd(kind: TargetPeriodKind, start: string): string {
  const next = shiftPeriod(kind, start, 1);
  const d = new Date(`${next}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - 1);
  return d.toISOString().slice(0, 10);
}

/** "2026-04", "2026 Q2", "2026" — the same in both languages. */
export function periodLabel(kind: TargetPeriodKind, start: string): string {
  const [y, m] = split(start);
  if (kind === 'year') return String(y);
  if (kind === 'quarter') return `${y} Q${Math.floor(m / 3) + 1}`;
  return `${y}-${pad(m + 1)}`;
}

/** Who the forecast page is about: everyone visible, me, a rep, a department. */
export type Subject =
  { kind: 'all' } | { kind: 'me' } | { kind: 'owner'; id: string } | { kind: 'department'; id: string };

export interface ForecastSearch {
  period: ForecastPeriodKind;
  start: string;
  subject: Subject;
}

/** Page state from the URL; bad values fall back (a rep starts at "me", a manager at "all"). */
export function parseForecastSearch(
  params: URLSearchParams,
  today: string,
  isManager: boolean,
): ForecastSearch {
  const period: ForecastPeriodKind = params.get('period') === 'quarter' ? 'quarter' : 'month';
  const raw = params.get('start');
  const start = raw && YMD.test(raw) ? periodStartOf(period, raw) : periodStartOf(period, today);
  const s = params.get('subject') ?? '';
  let subject: Subject = isManager ? { kind: 'all' } : { kind: 'me' };
  if (s === 'me') subject = { kind: 'me' };
  else if (s === 'all' && isManager) subject = { kind: 'all' };
  else if (s.startsWith('owner:') && s.length > 6) subject = { kind: 'owner', id: s.slice(6) };
  else if (s.startsWith('dept:') && s.length > 5) subject = { kind: 'department', id: s.slice(5) };
  return { period, start, subject };
}

export const subjectValue = (s: Subject): string =>
  s.kind === 'owner' ? `owner:${s.id}` : s.kind === 'department' ? `dept:${s.id}` : s.kind;

export function forecastSearch(q: ForecastSearch): Record<string, string> {
  return { period: q.period, start: q.start, subject: subjectValue(q.subject) };
}

/** The API query of a subject (`me` is the signed-in user). */
export function subjectQuery(s: Subject, meId: string): { owner_id?: string; department_id?: string } {
  if (s.kind === 'me') return { owner_id: meId };
  if (s.kind === 'owner') return { owner_id: s.id };
  if (s.kind === 'department') return { department_id: s.id };
  return {};
}

export type DepartmentSet = 'all' | string[];

/** The parts of GET /me that decide what the user reads and manages. */
export interface AccessMe {
  user: { department_id: string | null };
  role: { is_admin: boolean; permissions: { objects: Record<string, ObjectPermission | undefined> } };
}

/** A department and everything under it. */
export function subtreeIds(departments: Department[], rootId: string): string[] {
  const out = [rootId];
  for (let i = 0; i < out.length; i++)
    for (const d of departments) if (d.parent_id === out[i] && !out.includes(d.id)) out.push(d.id);
  return out;
}

/** Departments whose people the user reads (the opportunity record scope), as the server decides. */
export function readableDepartments(me: AccessMe, departments: Department[]): DepartmentSet {
  if (me.role.is_admin) return 'all';
  const p = me.role.permissions.objects.opportunity;
  if (!p?.read) return [];
  const own = me.user.department_id;
  if (p.scope === 'all') return 'all';
  if (!own) return [];
  if (p.scope === 'subtree') return subtreeIds(departments, own);
  if (p.scope === 'department') return [own];
  return [];
}

/**
 * Departments the user manages (submit for, adjust, set targets): admins all; otherwise whoever
 * may update opportunities beyond their own (docs/API.md section 17).
 */
export function managedDepartments(me: AccessMe, departments: Department[]): DepartmentSet {
  if (me.role.is_admin) return 'all';
  if (!me.role.permissions.objects.opportunity?.update) return [];
  return readableDepartments(me, departments);
}

export const isManagerOf = (set: DepartmentSet): boolean => set === 'all' || set.length > 0;
export const inSet = (set: DepartmentSet, id: string | null): boolean =>
  set === 'all' || (id !== null && set.includes(id));

/** The cumulative categories in display order (Salesforce convention). */
export const CUMULATIVE = ['closed', 'commit', 'best_case', 'pipeline'] as const;
export type CumulativeCategory = (typeof CUMULATIVE)[number];

export interface CategoryCell {
  category: CumulativeCategory;
  count: number;
  /** the system figure (cumulative), minor units */
  amount: number;
  /** a manager's latest adjustment of this category, shown beside the system figure */
  adjustment: ForecastAdjustmentApplied | null;
}

/** One currency's cumulative figures with the adjustment of each category beside it. */
export function cumulativeCells(f: ForecastFigures): CategoryCell[] {
  return CUMULATIVE.map((category) => ({
    category,
    count: f.forecast[category].count,
    amount: f.forecast[category].amount,
    adjustment: f.adjustments.find((a) => a.category === category && a.currency === f.currency) ?? null,
  }));
}

/** Figures in display order: the tenant currency first, the others alphabetically; never summed. */
export function orderByCurrency<T extends { currency: string }>(list: T[], tenantCurrency: string): T[] {
  return [...list].sort((a, b) =>
    a.currency === b.currency
      ? 0
      : a.currency === tenantCurrency
        ? -1
        : b.currency === tenantCurrency
          ? 1
          : a.currency.localeCompare(b.currency),
  );
}

/** The figures of one currency, or zeros when that currency has none. */
export function figureIn(list: ForecastFigures[], currency: string): ForecastFigures | null {
  return list.find((f) => f.currency === currency) ?? null;
}

/** Every currency in a list of figure lists, tenant currency first. */
export function currenciesOf(lists: ForecastFigures[][], tenantCurrency: string): string[] {
  const set = new Set<string>([tenantCurrency]);
  for (const l of lists) for (const f of l) set.add(f.currency);
  return orderByCurrency(
    [...set].map((currency) => ({ currency })),
    tenantCurrency,
  ).map((c) => c.currency);
}

/** Chart palette: closed green, commit blue, best case teal, pipeline grey (stable everywhere). */
export const CATEGORY_COLOURS: Record<CumulativeCategory, string> = {
  closed: '#52c41a',
  commit: '#1f5fd6',
  best_case: '#13a8a8',
  pipeline: '#bfbfbf',
};

/**
 * Stacked bars per rep in one currency. The stack uses the non-cumulative parts (won, commit,
 * best case, pipeline category) so each bar's segment tops read as the cumulative figures.
 */
export function repStackOption(
  rows: Array<{ name: string; figures: ForecastFigures[] }>,
  currency: string,
  label: (c: CumulativeCategory) => string,
  money: (minor: number) => string,
  animation: boolean,
): EChartsOption {
  const part = (f: ForecastFigures | null, c: CumulativeCategory): number => {
    if (!f) return 0;
    const cat = f.categories[c === 'best_case' ? 'best_case' : c];
    return cat?.amount ?? 0;
  };
  return {
    animation,
    tooltip: {
      trigger: 'axis',
      confine: true,
      valueFormatter: (v: unknown) => (typeof v === 'number' ? money(Math.round(v * 100)) : String(v)),
    },
    legend: { bottom: 0 },
    grid: { left: 8, right: 16, top: 16, bottom: 40, containLabel: true },
    xAxis: {
      type: 'category',
      data: rows.map((r) => r.name),
      axisLabel: { interval: 0, rotate: rows.length > 6 ? 30 : 0 },
    },
    yAxis: { type: 'value' },
    series: CUMULATIVE.map((c) => ({
      name: label(c),
      type: 'bar' as const,
      stack: 'forecast',
      barMaxWidth: 36,
      itemStyle: { color: CATEGORY_COLOURS[c] },
      // major units on the axis; the tooltip formats money again
      data: rows.map((r) => part(figureIn(r.figures, currency), c) / 100),
    })),
  } as EChartsOption;
}

export interface AccuracyPoint {
  id: string;
  label: string;
  kind: AccuracyRow['kind'];
  subject: string;
  commit: number | null;
  weighted: number;
  actual: number;
  commitError: number | null;
  weightedError: number | null;
}

/**
 * The accuracy chart's series in one currency, oldest first: each snapshot's or submission's
 * commit and weighted figure against what was won, with the error percentages.
 */
export function accuracySeries(rows: AccuracyRow[], currency: string): AccuracyPoint[] {
  return rows
    .filter((r) => r.currency === currency)
    .sort((a, b) => a.taken_on.localeCompare(b.taken_on) || a.created_at.localeCompare(b.created_at))
    .map((r) => ({
      id: r.id,
      label: `${r.taken_on.slice(5)} ${r.subject_name ?? ''}`.trim(),
      kind: r.kind,
      subject: r.subject_name ?? '',
      commit: r.commit,
      weighted: r.weighted,
      actual: r.actual_won,
      commitError: r.commit_error_pct,
      weightedError: r.weighted_error_pct,
    }));
}

export function accuracyOption(
  points: AccuracyPoint[],
  labels: { commit: string; weighted: string; actual: string; error: string },
  money: (minor: number) => string,
  animation: boolean,
): EChartsOption {
  const moneyFmt = (v: unknown) => (typeof v === 'number' ? money(Math.round(v * 100)) : '—');
  return {
    animation,
    tooltip: { trigger: 'axis', confine: true },
    legend: { bottom: 0 },
    grid: { left: 8, right: 8, top: 24, bottom: 40, containLabel: true },
    xAxis: { type: 'category', data: points.map((p) => p.label) },
    yAxis: [
      { type: 'value' },
      { type: 'value', axisLabel: { formatter: '{value}%' }, splitLine: { show: false } },
    ],
    series: [
      {
        name: labels.commit,
        type: 'bar',
        barMaxWidth: 24,
        itemStyle: { color: CATEGORY_COLOURS.commit },
        data: points.map((p) => (p.commit === null ? null : p.commit / 100)),
        tooltip: { valueFormatter: moneyFmt },
      },
      {
        name: labels.weighted,
        type: 'bar',
        barMaxWidth: 24,
        itemStyle: { color: '#fa8c16' },
        data: points.map((p) => p.weighted / 100),
        tooltip: { valueFormatter: moneyFmt },
      },
      {
        name: labels.actual,
        type: 'line',
        itemStyle: { color: CATEGORY_COLOURS.closed },
        data: points.map((p) => p.actual / 100),
        tooltip: { valueFormatter: moneyFmt },
      },
      {
        name: labels.error,
        type: 'line',
        yAxisIndex: 1,
        lineStyle: { type: 'dashed' },
        itemStyle: { color: '#cf1322' },
        data: points.map((p) => p.commitError),
        tooltip: { valueFormatter: (v: unknown) => (typeof v === 'number' ? `${v}%` : '—') },
      },
    ],
  } as EChartsOption;
}
