// Usage telemetry rows (docs/HEALTH.md "Telemetry in"): what one row may hold, checked without I/O.
//
// Deliberately NOT checked, because real products report these and they are not errors:
// - activated_seats > purchased_seats: products over-provision (trial seats, grace seats); the
//   activation-rate dimension simply caps in its top band;
// - logged_in_users_7d or bi_users_7d > activated_seats: the 7-day counts include users
//   deactivated during the week, and integrations report them from a different system;
// - quota used > limit: a customer over quota is exactly the expansion signal alerts look for.
import type { FieldIssue } from '../../platform/http/errors.ts';
import { isUuid } from '../../platform/db/ids.ts';
import { isDay } from './month.rules.ts';

/** Most rows per request or file. */
export const MAX_USAGE_ROWS = 10_000;
/** Module keys (`account`, `contract`, `custom_obj_1` …) and quota keys share one shape. */
export const MODULE_KEY_RE = /^[a-z][a-z0-9_]{0,62}$/;
/** Counts are stored as `int`. */
export const MAX_COUNT = 2_147_483_647;
export const MAX_KEYS = 200;
export const MAX_TEXT = 200;
export const MAX_DEPARTMENT_HEADS = 100;

const ROW_KEYS = [
  'account_id',
  'external_id',
  'date',
  'purchased_seats',
  'activated_seats',
  'logged_in_users_7d',
  'bi_users_7d',
  'module_records',
  'quotas',
  'admin_user',
  'department_heads',
] as const;
export const COUNT_FIELDS = [
  'purchased_seats',
  'activated_seats',
  'logged_in_users_7d',
  'bi_users_7d',
] as const;
type CountField = (typeof COUNT_FIELDS)[number];

export interface Quota {
  used: number;
  limit: number;
}

/** One checked row: exactly one of account_id / external_id is set. */
export interface UsageRow extends Record<CountField, number> {
  account_id: string | null;
  external_id: string | null;
  date: string;
  module_records: Record<string, number>;
  quotas: Record<string, Quota> | null;
  admin_user: string | null;
  department_heads: string[] | null;
}

export type Checked = { ok: true; row: UsageRow } | { ok: false; issues: FieldIssue[] };

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** A count: integer, 0 ≤ n ≤ int max (`min` 1 for quota limits). */
function count(v: unknown, field: string, issues: FieldIssue[], min = 0): number {
  if (v === undefined || v === null || v === '') {
    issues.push({ field, issue: 'required' });
    return 0;
  }
  if (typeof v !== 'number' || !Number.isInteger(v)) {
    issues.push({ field, issue: 'expected_type', params: { type: 'integer' } });
    return 0;
  }
  if (v < min) {
    issues.push(
      min === 1 ? { field, issue: 'must_be_positive' } : { field, issue: 'too_small', params: { min } },
    );
    return 0;
  }
  if (v > MAX_COUNT) {
    issues.push({ field, issue: 'too_large', params: { max: MAX_COUNT } });
    return 0;
  }
  return v;
}

/** Trimmed text or null when absent/blank; a non-string or too long value is an issue. */
function text(v: unknown, field: string, issues: FieldIssue[]): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string') {
    issues.push({ field, issue: 'expected_type', params: { type: 'string' } });
    return null;
  }
  // PostgreSQL text cannot hold U+0000: refused here rather than failing the whole batch in SQL
  if (v.includes('\u0000')) {
    issues.push({ field, issue: 'invalid_value' });
    return null;
  }
  const t = v.trim();
  if (t.length > MAX_TEXT) {
    issues.push({ field, issue: 'too_long', params: { max: MAX_TEXT } });
    return null;
  }
  return t === '' ? null : t;
}

function moduleRecords(v: unknown, field: string, issues: FieldIssue[]): Record<string, number> {
  if (v === undefined || v === null) return {};
  if (!isRecord(v)) {
    issues.push({ field, issue: 'expected_type', params: { type: 'object' } });
    return {};
  }
  const keys = Object.keys(v);
  if (keys.length > MAX_KEYS) {
    issues.push({ field, issue: 'too_many', params: { max: MAX_KEYS } });
    return {};
  }
  const out: Record<string, number> = {};
  for (const k of keys) {
    if (!MODULE_KEY_RE.test(k)) {
      issues.push({ field: `${field}.${k}`, issue: 'invalid_value' });
      continue;
    }
    out[k] = count(v[k], `${field}.${k}`, issues);
  }
  return out;
}

function quotas(v: unknown, field: string, issues: FieldIssue[]): Record<string, Quota> | null {
  if (v === undefined || v === null) return null;
  if (!isRecord(v)) {
    issues.push({ field, issue: 'expected_type', params: { type: 'object' } });
    return null;
  }
  const keys = Object.keys(v);
  if (keys.length > MAX_KEYS) {
    issues.push({ field, issue: 'too_many', params: { max: MAX_KEYS } });
    return null;
  }
  const out: Record<string, Quota> = {};
  for (const k of keys) {
    const at = `${field}.${k}`;
    const q = v[k];
    if (!MODULE_KEY_RE.test(k)) {
      issues.push({ field: at, issue: 'invalid_value' });
      continue;
    }
    if (!isRecord(q)) {
      issues.push({ field: at, issue: 'expected_type', params: { type: 'object' } });
      continue;
    }
    for (const extra of Object.keys(q))
      if (extra !== 'used' && extra !== 'limit')
        issues.push({ field: `${at}.${extra}`, issue: 'unknown_field' });
    out[k] = { used: count(q.used, `${at}.used`, issues), limit: count(q.limit, `${at}.limit`, issues, 1) };
  }
  return out;
}

function departmentHeads(v: unknown, field: string, issues: FieldIssue[]): string[] | null {
  if (v === undefined || v === null) return null;
  if (!Array.isArray(v)) {
    issues.push({ field, issue: 'expected_type', params: { type: 'array' } });
    return null;
  }
  if (v.length > MAX_DEPARTMENT_HEADS) {
    issues.push({ field, issue: 'too_many', params: { max: MAX_DEPARTMENT_HEADS } });
    return null;
  }
  const out: string[] = [];
  v.forEach((x, i) => {
    const t = text(x, `${field}[${i}]`, issues);
    // blanks are dropped and repeats kept once: alerts compare who the heads are, not the list
    if (t !== null && !out.includes(t)) out.push(t);
  });
  return out;
}

/**
 * Checks one row; `at` is how issues name it (`rows[3]` → `rows[3].activated_seats`), `today` the
 * tenant's today (a row for today is fine — products report the running day — one after it not).
 */
export function checkUsageRow(raw: unknown, at: string, today: string): Checked {
  const issues: FieldIssue[] = [];
  if (!isRecord(raw))
    return { ok: false, issues: [{ field: at, issue: 'expected_type', params: { type: 'object' } }] };
  for (const k of Object.keys(raw))
    if (!(ROW_KEYS as readonly string[]).includes(k))
      issues.push({ field: `${at}.${k}`, issue: 'unknown_field' });

  let accountId: string | null = null;
  const a = raw.account_id;
  if (a !== undefined && a !== null && a !== '') {
    if (isUuid(a)) accountId = a.toLowerCase();
    else issues.push({ field: `${at}.account_id`, issue: 'invalid_value' });
  }
  const externalId = text(raw.external_id, `${at}.external_id`, issues);
  const hasAccount = a !== undefined && a !== null && a !== '';
  if (hasAccount === (externalId !== null) && !issues.some((i) => i.field === `${at}.external_id`))
    issues.push({ field: `${at}.${hasAccount ? 'external_id' : 'account_id'}`, issue: 'one_customer_key' });

  const d = raw.date;
  let date = '';
  if (d === undefined || d === null || d === '') issues.push({ field: `${at}.date`, issue: 'required' });
  else if (!isDay(d)) issues.push({ field: `${at}.date`, issue: 'invalid_date' });
  else if (d > today) issues.push({ field: `${at}.date`, issue: 'date_in_future', params: { today } });
  else date = d;

  const counts = Object.fromEntries(
    COUNT_FIELDS.map((f) => [f, count(raw[f], `${at}.${f}`, issues)]),
  ) as Record<CountField, number>;
  const row: UsageRow = {
    account_id: accountId,
    external_id: hasAccount ? null : externalId,
    date,
    ...counts,
    module_records: moduleRecords(raw.module_records, `${at}.module_records`, issues),
    quotas: quotas(raw.quotas, `${at}.quotas`, issues),
    admin_user: text(raw.admin_user, `${at}.admin_user`, issues),
    department_heads: departmentHeads(raw.department_heads, `${at}.department_heads`, issues),
  };
  return issues.length ? { ok: false, issues } : { ok: true, row };
}

/**
 * The rows to write, one per customer and day: a later row of the batch replaces an earlier one
 * for the same customer and date (the same as sending it again — resend semantics, so a product
 * can append corrections to a batch). Sorted by customer and day so concurrent batches lock rows in
 * the same order (no deadlock between two overlapping uploads).
 */
export function lastPerCustomerDay<T extends { account_id: string; date: string }>(rows: T[]): T[] {
  const byKey = new Map<string, T>();
  for (const r of rows) {
    const key = `${r.account_id}|${r.date}`;
    byKey.set(key, r); // a later row replaces an earlier one
  }
  return [...byKey.values()].sort((x, y) =>
    x.account_id < y.account_id
      ? -1
      : x.account_id > y.account_id
        ? 1
        : x.date < y.date
          ? -1
          : x.date > y.date
            ? 1
            : 0,
  );
}

// --- spreadsheets (CSV / XLSX) ---

/** Plain columns a file may have (lower case); `module:<key>` columns add module records. */
export const FILE_COLUMNS = [...ROW_KEYS] as const;
export type FileColumn = (typeof FILE_COLUMNS)[number];
const MODULE_PREFIX = 'module:';

export interface FileColumns {
  plain: Map<FileColumn, number>;
  /** module key → column index */
  modules: Map<string, number>;
}

/**
 * The header row as column positions. Headers are case-insensitive; an unknown, repeated or
 * malformed header is an issue (`columns.<header>`) — a typo must not silently drop a column.
 */
export function mapUsageColumns(header: string[]): { columns: FileColumns; issues: FieldIssue[] } {
  const columns: FileColumns = { plain: new Map(), modules: new Map() };
  const issues: FieldIssue[] = [];
  header.forEach((h, i) => {
    const name = h.trim().toLowerCase();
    if (name === '') return;
    const field = `columns.${h.trim()}`;
    if (name.startsWith(MODULE_PREFIX)) {
      const key = name.slice(MODULE_PREFIX.length).trim();
      if (!MODULE_KEY_RE.test(key)) issues.push({ field, issue: 'invalid_value' });
      else if (columns.modules.has(key)) issues.push({ field, issue: 'duplicate_column' });
      else columns.modules.set(key, i);
      return;
    }
    const plain = FILE_COLUMNS.find((c) => c === name);
    if (!plain) issues.push({ field, issue: 'unknown_field' });
    else if (columns.plain.has(plain)) issues.push({ field, issue: 'duplicate_column' });
    else columns.plain.set(plain, i);
  });
  for (const c of ['date', ...COUNT_FIELDS] as const)
    if (!columns.plain.has(c)) issues.push({ field: `columns.${c}`, issue: 'required' });
  if (!columns.plain.has('account_id') && !columns.plain.has('external_id'))
    issues.push({ field: 'columns.account_id', issue: 'one_customer_key' });
  return { columns, issues };
}

/** A cell as a number when it is written as one ("12", "12.0", "-3"), else the text as is. */
function numberCell(cell: string): unknown {
  const t = cell.trim().replace(/,/g, '');
  if (t === '') return undefined;
  return /^-?\d+(\.\d+)?$/.test(t) ? Number(t) : cell.trim();
}

/** A date cell: 2026-03-05, 2026/3/5 or 2026.3.5 as YYYY-MM-DD; anything else as written. */
export function dateCell(cell: string): string {
  const t = cell.trim();
  const m = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$/.exec(t);
  return m ? `${m[1]}-${(m[2] ?? '').padStart(2, '0')}-${(m[3] ?? '').padStart(2, '0')}` : t;
}

function jsonCell(cell: string, field: string, issues: FieldIssue[]): unknown {
  const t = cell.trim();
  if (t === '') return undefined;
  try {
    return JSON.parse(t) as unknown;
  } catch {
    issues.push({ field, issue: 'invalid_value' });
    return undefined;
  }
}

/**
 * One spreadsheet row as the raw object `checkUsageRow` checks (issues of cells that are not even
 * readable — bad JSON — come back separately). `module:<key>` cells are merged over a
 * `module_records` JSON cell; department heads are separated by `;` or `,` (half or full width).
 */
export function rawFromCells(
  columns: FileColumns,
  cells: string[],
  at: string,
): { raw: Record<string, unknown>; issues: FieldIssue[] } {
  const issues: FieldIssue[] = [];
  const cell = (c: FileColumn): string => {
    const i = columns.plain.get(c);
    return i === undefined ? '' : (cells[i] ?? '').trim();
  };
  const raw: Record<string, unknown> = {};
  const put = (k: string, v: unknown): void => {
    if (v !== undefined && v !== '') raw[k] = v;
  };
  put('account_id', cell('account_id'));
  put('external_id', cell('external_id'));
  put('date', dateCell(cell('date')));
  for (const f of COUNT_FIELDS) put(f, numberCell(cell(f)));
  const json = jsonCell(cell('module_records'), `${at}.module_records`, issues);
  const modules: Record<string, unknown> = json === undefined ? {} : isRecord(json) ? { ...json } : {};
  if (json !== undefined && !isRecord(json))
    issues.push({ field: `${at}.module_records`, issue: 'expected_type', params: { type: 'object' } });
  for (const [key, i] of columns.modules) {
    const v = numberCell(cells[i] ?? '');
    if (v !== undefined) modules[key] = v;
  }
  raw.module_records = modules;
  put('quotas', jsonCell(cell('quotas'), `${at}.quotas`, issues));
  put('admin_user', cell('admin_user'));
  const heads = cell('department_heads');
  if (heads !== '') raw.department_heads = heads.split(/[;,；，]/).map((s) => s.trim());
  return { raw, issues };
}
