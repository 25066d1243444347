import { sql, type RawBuilder } from 'kysely';
import type { Actor } from '../access/permissions.ts';
import { fieldAccess } from '../access/permissions.ts';
import { AppError, type FieldIssue } from '../http/errors.ts';
import { fieldOf } from '../metadata/registry.ts';
import type { FieldDef, ObjectDef } from '../metadata/types.ts';
import { coerceValue } from '../metadata/values.rules.ts';
import { isUuid } from '../db/ids.ts';
import { escapeLike, type Condition, type FilterNode, type Op } from './query.rules.ts';
import { fieldExpr } from './storage.ts';

const fail = (field: string, issue: FieldIssue['issue'], params?: FieldIssue['params']): AppError =>
  new AppError('bad_request', 'bad_request', [params ? { field, issue, params } : { field, issue }]);

const ORDERED = new Set(['number', 'currency', 'percent', 'date', 'datetime']);
const REFERENCE = new Set(['lookup', 'user']);

function allowedOps(f: FieldDef): readonly Op[] {
  if (f.apiName === 'id' || REFERENCE.has(f.type)) return ['eq', 'ne', 'in', 'nin', 'is_null'];
  if (f.type === 'boolean') return ['eq', 'ne', 'is_null'];
  if (f.type === 'multi_select') return ['contains', 'in', 'is_null'];
  if (ORDERED.has(f.type)) return ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in', 'nin', 'between', 'is_null'];
  if (f.type === 'long_text') return ['contains', 'starts_with', 'is_null', 'eq', 'ne'];
  return ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in', 'nin', 'contains', 'starts_with', 'is_null'];
}

/** One filter value → the typed value compared in SQL. */
function typedValue(f: FieldDef, raw: unknown, field: string): unknown {
  if (f.apiName === 'id' || REFERENCE.has(f.type)) {
    if (!isUuid(raw)) throw fail(field, 'invalid_value');
    return (raw as string).toLowerCase();
  }
  if (f.type === 'currency') {
    // Filters compare the amount in minor units.
    const n = typeof raw === 'string' ? Number(raw) : raw;
    if (typeof n !== 'number' || !Number.isInteger(n)) throw fail(field, 'invalid_value');
    return n;
  }
  if (f.type === 'select' || f.type === 'multi_select') {
    if (typeof raw !== 'string') throw fail(field, 'invalid_value');
    return raw;
  }
  if (f.type === 'datetime' && typeof raw === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(raw))
    raw = `${raw}T00:00:00Z`;
  const c = coerceValue({ ...f, min: undefined, max: undefined, maxLength: 10_000 } as FieldDef, raw, true);
  if (!c.ok || c.value === null) throw fail(field, 'invalid_value');
  return c.value;
}

function compileCondition(obj: ObjectDef, actor: Actor, c: Condition): RawBuilder<boolean> {
  const f = fieldOf(obj, c.field);
  if (!f || fieldAccess(actor, obj.apiName, f.apiName) === 'hidden') throw fail(c.field, 'unknown_field');
  if (!allowedOps(f).includes(c.op)) throw fail(c.field, 'invalid_operator', { op: c.op });
  const expr = fieldExpr(f);
  const list = (): unknown[] => {
    const arr = Array.isArray(c.value)
      ? c.value
      : typeof c.value === 'string'
        ? c.value.split(',')
        : [c.value];
    if (arr.length === 0 || arr.length > 1000) throw fail(c.field, 'invalid_value');
    return arr.map((v) => typedValue(f, v, c.field));
  };
  const one = (): unknown => typedValue(f, c.value, c.field);
  // Custom fields: equality as jsonb containment, so the GIN index on `custom` serves it.
  const containment = (v: unknown): RawBuilder<boolean> =>
    sql<boolean>`t.custom @> ${JSON.stringify({ [f.apiName]: v })}::jsonb`;

  switch (c.op) {
    case 'is_null': {
      const want = c.value === true || c.value === 'true' || c.value === '1';
      if (!want && !(c.value === false || c.value === 'false' || c.value === '0'))
        throw fail(c.field, 'invalid_value');
      return want ? sql<boolean>`${expr} is null` : sql<boolean>`${expr} is not null`;
    }
    case 'eq': {
      const v = one();
      if (f.isCustom && f.type !== 'currency') return containment(v);
      return sql<boolean>`${expr} = ${v}`;
    }
    case 'ne':
      return sql<boolean>`${expr} is distinct from ${one()}`;
    case 'gt':
      return sql<boolean>`${expr} > ${one()}`;
    case 'gte':
      return sql<boolean>`${expr} >= ${one()}`;
    case 'lt':
      return sql<boolean>`${expr} < ${one()}`;
    case 'lte':
      return sql<boolean>`${expr} <= ${one()}`;
    case 'between': {
      const [lo, hi, ...rest] = list();
      if (lo === undefined || hi === undefined || rest.length > 0) throw fail(c.field, 'invalid_value');
      return sql<boolean>`${expr} between ${lo} and ${hi}`;
    }
    case 'in':
    case 'nin': {
      const vals = list();
      if (f.type === 'multi_select') {
        return f.isCustom
          ? sql<boolean>`${expr} ?| ${vals}::text[]`
          : sql<boolean>`${expr} && ${vals}::text[]`;
      }
      const arr = sql`${expr} = any(${vals})`;
      return c.op === 'in' ? sql<boolean>`${arr}` : sql<boolean>`not coalesce(${arr}, false)`;
    }
    case 'contains': {
      if (f.type === 'multi_select') {
        const v = one();
        return f.isCustom
          ? sql<boolean>`${expr} @> ${JSON.stringify([v])}::jsonb`
          : sql<boolean>`${v} = any(${expr})`;
      }
      if (typeof c.value !== 'string' || c.value === '') throw fail(c.field, 'invalid_value');
      return sql<boolean>`${expr} ilike ${`%${escapeLike(c.value)}%`}`;
    }
    case 'starts_with':
      if (typeof c.value !== 'string' || c.value === '') throw fail(c.field, 'invalid_value');
      return sql<boolean>`${expr} ilike ${`${escapeLike(c.value)}%`}`;
  }
}

const MAX_DEPTH = 5;

/** A filter tree (and/or groups of conditions) → one SQL predicate; the top level is AND. */
export function compileFilter(
  obj: ObjectDef,
  actor: Actor,
  nodes: FilterNode[],
  depth = 0,
): RawBuilder<boolean> {
  if (depth > MAX_DEPTH) throw fail('filter', 'invalid_value');
  if (nodes.length === 0) return sql<boolean>`true`;
  const parts = nodes.map((n) => compileNode(obj, actor, n, depth));
  return sql<boolean>`(${sql.join(parts, sql` and `)})`;
}

function compileNode(obj: ObjectDef, actor: Actor, n: FilterNode, depth: number): RawBuilder<boolean> {
  if (depth > MAX_DEPTH || typeof n !== 'object' || n === null) throw fail('filter', 'invalid_value');
  if ('field' in n) return compileCondition(obj, actor, n);
  const g = n as { and?: unknown; or?: unknown };
  if (Array.isArray(g.and) && g.or === undefined)
    return compileFilter(obj, actor, g.and as FilterNode[], depth + 1);
  if (Array.isArray(g.or) && g.and === undefined) {
    if (g.or.length === 0) return sql<boolean>`true`;
    const parts = (g.or as FilterNode[]).map((x) => compileNode(obj, actor, x, depth + 1));
    return sql<boolean>`(${sql.join(parts, sql` or `)})`;
  }
  throw fail('filter', 'invalid_value');
}
