import type { ErrorDetail } from '../api/http-client';
import { fenToYuan, yuanToFen } from '../format/money';
import type { SalesTarget, TargetInput, TargetPeriodKind } from './forecast-api';
import { shiftPeriod } from './forecast-logic';

/** A row of the target grid: a person or a department. */
export interface GridSubject {
  kind: 'user' | 'department';
  id: string;
  name: string;
}

export interface GridCell {
  /** yuan as typed ('' = no target) */
  amount: string;
  /** count as typed ('' = none) */
  newCustomers: string;
  currency: string;
}

export type Grid = Record<string, GridCell>;

export const subjectKey = (s: Pick<GridSubject, 'kind' | 'id'>) => `${s.kind}:${s.id}`;
export const cellKey = (s: Pick<GridSubject, 'kind' | 'id'>, period: TargetPeriodKind, start: string) =>
  `${subjectKey(s)}|${period}|${start}`;

/** The period starts of a year: 12 months, 4 quarters or the year itself. */
export function yearPeriods(kind: TargetPeriodKind, year: number): string[] {
  const first = `${year}-01-01`;
  const n = kind === 'month' ? 12 : kind === 'quarter' ? 4 : 1;
  return Array.from({ length: n }, (_, i) => shiftPeriod(kind, first, i));
}

/** The grid as the server has it (yuan strings, so inputs compare exactly with what was loaded). */
export function gridFromTargets(targets: SalesTarget[]): Grid {
  const out: Grid = {};
  for (const t of targets) {
    const subject = t.user_id
      ? { kind: 'user' as const, id: t.user_id }
      : t.department_id
        ? { kind: 'department' as const, id: t.department_id }
        : null;
    if (!subject) continue;
    out[cellKey(subject, t.period_kind, t.period_start)] = {
      amount: String(fenToYuan(t.amount)),
      newCustomers: t.new_customers === null ? '' : String(t.new_customers),
      currency: t.currency,
    };
  }
  return out;
}

/** Subjects with a target in the grid but not in the given list (so nothing visible is hidden). */
export function subjectsFromTargets(targets: SalesTarget[]): GridSubject[] {
  const seen = new Map<string, GridSubject>();
  for (const t of targets) {
    const s: GridSubject | null = t.user_id
      ? { kind: 'user', id: t.user_id, name: t.subject_name ?? t.user_id }
      : t.department_id
        ? { kind: 'department', id: t.department_id, name: t.subject_name ?? t.department_id }
        : null;
    if (s && !seen.has(subjectKey(s))) seen.set(subjectKey(s), s);
  }
  return [...seen.values()];
}

export interface GridPayload {
  targets: TargetInput[];
  /** the cell key of each payload item, to put the server's `targets.<i>.<field>` errors back */
  keys: string[];
  /** cells the client already refuses (not a number): key → field → issue */
  invalid: Record<string, Partial<Record<'amount' | 'new_customers', string>>>;
}

function parseKey(
  key: string,
): { kind: 'user' | 'department'; id: string; period: TargetPeriodKind; start: string } | null {
  const m = /^(user|department):([^|]+)\|(month|quarter|year)\|(\d{4}-\d{2}-\d{2})$/.exec(key);
  if (!m) return null;
  return {
    kind: m[1] === 'user' ? 'user' : 'department',
    id: m[2] ?? '',
    period: m[3] === 'quarter' ? 'quarter' : m[3] === 'year' ? 'year' : 'month',
    start: m[4] ?? '',
  };
}

const sameCell = (a: GridCell | undefined, b: GridCell | undefined) =>
  (a?.amount ?? '') === (b?.amount ?? '') && (a?.newCustomers ?? '') === (b?.newCustomers ?? '');

/**
 * The PUT body of the cells changed since loading: yuan → fen, empty new-customer count → null.
 * An emptied amount becomes 0 (the API has no delete; zero means "no target" for attainment).
 */
export function gridPayload(loaded: Grid, edited: Grid, tenantCurrency: string): GridPayload {
  const out: GridPayload = { targets: [], keys: [], invalid: {} };
  for (const key of Object.keys(edited).sort()) {
    const cell = edited[key];
    if (!cell || sameCell(loaded[key], cell)) continue;
    const k = parseKey(key);
    if (!k) continue;
    const amountText = cell.amount.trim();
    const amount = amountText === '' ? 0 : yuanToFen(amountText);
    const ncText = cell.newCustomers.trim();
    const nc = ncText === '' ? null : Number(ncText);
    const issues: Partial<Record<'amount' | 'new_customers', string>> = {};
    if (amount === null || amount < 0) issues.amount = 'invalid_value';
    if (nc !== null && (!Number.isInteger(nc) || nc < 0)) issues.new_customers = 'invalid_value';
    if (issues.amount || issues.new_customers) {
      out.invalid[key] = issues;
      continue;
    }
    out.keys.push(key);
    out.targets.push({
      ...(k.kind === 'user' ? { user_id: k.id } : { department_id: k.id }),
      period: k.period,
      start: k.start,
      amount: amount ?? 0,
      currency: cell.currency || tenantCurrency,
      new_customers: nc,
    });
  }
  return out;
}

/** The server's field errors (`targets.<i>.<field>`) mapped back onto the grid cells. */
export function errorsByCell(details: ErrorDetail[], keys: string[]): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  for (const d of details) {
    const m = /^targets\.(\d+)\.(\w+)$/.exec(d.field ?? '');
    const key = m ? keys[Number(m[1])] : undefined;
    if (!m || !key) continue;
    (out[key] ??= {})[m[2] ?? ''] = d.issue;
  }
  return out;
}

export type CoverageLevel = 'none' | 'low' | 'thin' | 'ok';

/** Pipeline coverage: red under 1× (cannot make it), amber under 3× (the usual rule of thumb). */
export function coverageLevel(coverage: number | null): CoverageLevel {
  if (coverage === null) return 'none';
  if (coverage < 1) return 'low';
  if (coverage < 3) return 'thin';
  return 'ok';
}

export const COVERAGE_COLOUR: Record<CoverageLevel, string | undefined> = {
  none: undefined,
  low: 'red',
  thin: 'orange',
  ok: 'green',
};

/** "3.2×" — one decimal, the locale's digits. */
export function formatCoverage(coverage: number, locale: string): string {
  return `${new Intl.NumberFormat(locale, { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(coverage)}×`;
}

/** Progress bar percent (0–100, capped) and status from an attainment percent. */
export function progressOf(percent: number | null): { value: number; status: 'success' | 'normal' } {
  if (percent === null) return { value: 0, status: 'normal' };
  return { value: Math.max(0, Math.min(100, percent)), status: percent >= 100 ? 'success' : 'normal' };
}
