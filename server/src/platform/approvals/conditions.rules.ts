// Entry and node conditions of approval processes: the records filter grammar (query.rules.ts —
// `{field, op, value}` conditions, `{and: [...]}` / `{or: [...]}` groups, top level AND) checked
// once when a process is saved, then evaluated in memory over the submitted record. Evaluating
// in memory (not in SQL) keeps a submission to one read of the record and makes the rules
// testable without a database; the semantics follow filter.sql.ts (ne / nin are true on empty).
import { isUuid } from '../db/ids.ts';
import type { FieldIssue } from '../http/errors.ts';
import { isValidDate } from '../metadata/values.rules.ts';
import type { FieldDef, Rec } from '../metadata/types.ts';
import { isOp, type Condition, type FilterNode, type Op } from '../records/query.rules.ts';

const MAX_DEPTH = 5;
const MAX_CONDITIONS = 50;
const ORDERED = new Set(['number', 'currency', 'percent', 'date', 'datetime']);
const REFERENCE = new Set(['lookup', 'user']);

/** The operators a field type takes (as in list filters). */
export function opsFor(f: FieldDef): readonly Op[] {
  if (f.apiName === 'id' || REFERENCE.has(f.type)) return ['eq', 'ne', 'in', 'nin', 'is_null'];
  if (f.type === 'boolean') return ['eq', 'ne', 'is_null'];
  if (f.type === 'multi_select') return ['contains', 'in', 'is_null'];
  if (ORDERED.has(f.type)) return ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in', 'nin', 'between', 'is_null'];
  if (f.type === 'long_text') return ['contains', 'starts_with', 'is_null', 'eq', 'ne'];
  return ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in', 'nin', 'contains', 'starts_with', 'is_null'];
}

/** One condition value typed for its field, or undefined when it does not fit. */
function typed(f: FieldDef, raw: unknown): unknown {
  if (f.apiName === 'id' || REFERENCE.has(f.type)) return isUuid(raw) ? raw.toLowerCase() : undefined;
  switch (f.type) {
    case 'number':
    case 'percent':
      return typeof raw === 'number' && Number.isFinite(raw) ? raw : undefined;
    case 'currency':
      // minor units, as list filters compare them
      return typeof raw === 'number' && Number.isSafeInteger(raw) ? raw : undefined;
    case 'date':
      return typeof raw === 'string' && isValidDate(raw) ? raw : undefined;
    case 'datetime':
      return typeof raw === 'string' && !Number.isNaN(Date.parse(raw)) ? raw : undefined;
    case 'boolean':
      return typeof raw === 'boolean' ? raw : undefined;
    default:
      return typeof raw === 'string' && raw.length <= 1000 ? raw : undefined;
  }
}

/**
 * Checks a condition tree against an object's fields and returns it with typed values, or the
 * problems named by path (`condition[1].or[0].value`).
 */
export function checkCondition(
  fields: ReadonlyMap<string, FieldDef>,
  input: unknown,
  path: string,
): { nodes: FilterNode[]; issues: FieldIssue[] } {
  const issues: FieldIssue[] = [];
  let count = 0;
  const walk = (list: unknown, at: string, depth: number): FilterNode[] => {
    if (!Array.isArray(list)) {
      issues.push({ field: at, issue: 'expected_type', params: { type: 'array' } });
      return [];
    }
    if (depth > MAX_DEPTH) {
      issues.push({ field: at, issue: 'too_large', params: { max: MAX_DEPTH } });
      return [];
    }
    const out: FilterNode[] = [];
    list.forEach((n, i) => {
      const here = `${at}[${i}]`;
      if (++count > MAX_CONDITIONS) {
        if (count === MAX_CONDITIONS + 1)
          issues.push({ field: here, issue: 'too_many', params: { max: MAX_CONDITIONS } });
        return;
      }
      if (typeof n !== 'object' || n === null || Array.isArray(n)) {
        issues.push({ field: here, issue: 'invalid_value' });
        return;
      }
      const o = n as Record<string, unknown>;
      if ('and' in o || 'or' in o) {
        const key = 'and' in o ? 'and' : 'or';
        if (Object.keys(o).length !== 1) issues.push({ field: here, issue: 'invalid_value' });
        else {
          const inner = walk(o[key], `${here}.${key}`, depth + 1);
          out.push(key === 'and' ? { and: inner } : { or: inner });
        }
        return;
      }
      const c = checkOne(fields, o, here, issues);
      if (c) out.push(c);
    });
    return out;
  };
  const nodes = walk(input ?? [], path, 0);
  return { nodes, issues };
}

function checkOne(
  fields: ReadonlyMap<string, FieldDef>,
  o: Record<string, unknown>,
  at: string,
  issues: FieldIssue[],
): Condition | undefined {
  const f = typeof o.field === 'string' ? fields.get(o.field) : undefined;
  if (!f) {
    issues.push({ field: `${at}.field`, issue: 'unknown_field' });
    return undefined;
  }
  const op = typeof o.op === 'string' ? o.op : 'eq';
  if (!isOp(op) || !opsFor(f).includes(op)) {
    issues.push({ field: `${at}.op`, issue: 'invalid_operator', params: { op } });
    return undefined;
  }
  const bad = (): undefined => {
    issues.push({ field: `${at}.value`, issue: 'invalid_value' });
    return undefined;
  };
  const value = o.value;
  if (op === 'is_null') return typeof value === 'boolean' ? { field: f.apiName, op, value } : bad();
  if (op === 'in' || op === 'nin' || op === 'between') {
    if (!Array.isArray(value) || value.length === 0 || value.length > 200) return bad();
    if (op === 'between' && value.length !== 2) return bad();
    const vals = value.map((v) => typed(f, v));
    return vals.some((v) => v === undefined) ? bad() : { field: f.apiName, op, value: vals };
  }
  const v = typed(f, value);
  if (v === undefined || ((op === 'contains' || op === 'starts_with') && v === '')) return bad();
  return { field: f.apiName, op, value: v };
}

/** The fields a condition tree reads (for the snapshot). */
export function conditionFields(nodes: readonly FilterNode[]): string[] {
  const out = new Set<string>();
  const walk = (list: readonly FilterNode[]): void => {
    for (const n of list) {
      if ('field' in n) out.add(n.field);
      else walk(n.and ?? n.or ?? []);
    }
  };
  walk(nodes);
  return [...out];
}

type Scalar = string | number | boolean;

/** A record value as compared: money by its amount in minor units. */
function scalarOf(v: unknown): Scalar | Scalar[] | null {
  if (v === null || v === undefined) return null;
  if (Array.isArray(v)) return v.filter((x): x is Scalar => typeof x !== 'object');
  if (typeof v === 'object') {
    const amount = (v as Record<string, unknown>).amount;
    return typeof amount === 'number' ? amount : null;
  }
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  return null;
}

function compare(a: Scalar, b: Scalar, type: string | undefined): number {
  if (type === 'datetime' && typeof a === 'string' && typeof b === 'string')
    return Date.parse(a) - Date.parse(b);
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const x = String(a);
  const y = String(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

const same = (a: Scalar, b: Scalar, type: string | undefined): boolean =>
  typeof a === 'string' && typeof b === 'string' && type !== 'datetime'
    ? type === 'lookup' || type === 'user' || type === 'email'
      ? a.toLowerCase() === b.toLowerCase()
      : a === b
    : compare(a, b, type) === 0;

function evalCondition(types: ReadonlyMap<string, string>, rec: Rec, c: Condition): boolean {
  const type = types.get(c.field);
  const v = scalarOf(rec[c.field]);
  const empty = v === null || (Array.isArray(v) && v.length === 0);
  if (c.op === 'is_null') return c.value === true ? empty : !empty;
  const list = Array.isArray(c.value) ? (c.value as Scalar[]) : [c.value as Scalar];
  const want = list[0] as Scalar;
  if (Array.isArray(v)) {
    // multi-select: contains one value, or shares one with the list
    if (c.op === 'contains') return v.includes(want);
    if (c.op === 'in') return v.some((x) => list.includes(x));
    return false;
  }
  const hit = (): boolean => v !== null && list.some((x) => same(v, x, type));
  switch (c.op) {
    case 'eq':
      return hit();
    case 'ne':
      return !hit();
    case 'in':
      return hit();
    case 'nin':
      return !hit();
    case 'gt':
      return v !== null && compare(v, want, type) > 0;
    case 'gte':
      return v !== null && compare(v, want, type) >= 0;
    case 'lt':
      return v !== null && compare(v, want, type) < 0;
    case 'lte':
      return v !== null && compare(v, want, type) <= 0;
    case 'between':
      return v !== null && compare(v, want, type) >= 0 && compare(v, list[1] as Scalar, type) <= 0;
    case 'contains':
      return v !== null && String(v).toLowerCase().includes(String(want).toLowerCase());
    case 'starts_with':
      return v !== null && String(v).toLowerCase().startsWith(String(want).toLowerCase());
  }
}

/** Whether a record meets a (checked) condition tree; an empty tree always matches. */
export function matches(types: ReadonlyMap<string, string>, rec: Rec, nodes: readonly FilterNode[]): boolean {
  return nodes.every((n) => evalNode(types, rec, n));
}

function evalNode(types: ReadonlyMap<string, string>, rec: Rec, n: FilterNode): boolean {
  if ('field' in n) return evalCondition(types, rec, n);
  if (n.and) return n.and.every((x) => evalNode(types, rec, x));
  if (n.or) return n.or.length === 0 || n.or.some((x) => evalNode(types, rec, x));
  return true;
}
