import type { FieldMeta, FieldType, FilterCondition, FilterOp } from '../api/types';
import { yuanToFen } from '../format/money';

const ID_OPS: FilterOp[] = ['eq', 'ne', 'in', 'nin', 'is_null'];
const RANGE_OPS: FilterOp[] = ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'between', 'is_null'];
const TEXT_OPS: FilterOp[] = ['contains', 'starts_with', 'eq', 'ne', 'is_null'];

/** Operators the server accepts per field type (platform/records/filter.sql.ts allowedOps). */
export function operatorsFor(type: FieldType): FilterOp[] {
  switch (type) {
    case 'lookup':
    case 'user':
      return ID_OPS;
    case 'boolean':
      return ['eq', 'is_null'];
    case 'multi_select':
      return ['contains', 'in', 'is_null'];
    case 'select':
      return ['eq', 'ne', 'in', 'nin', 'is_null'];
    case 'number':
    case 'percent':
    case 'currency':
    case 'date':
    case 'datetime':
      return RANGE_OPS;
    case 'long_text':
      return ['contains', 'starts_with', 'is_null'];
    default:
      return TEXT_OPS;
  }
}

export function isMultiValueOp(op: FilterOp): boolean {
  return op === 'in' || op === 'nin';
}

/** What the filter bar holds before it is encoded for the server. */
export type FilterInput = string | number | boolean | string[] | [number | null, number | null] | null;

function encodeNumber(field: FieldMeta, v: number | string | null): string | null {
  if (v === null || v === '') return null;
  if (field.type === 'currency') {
    const fen = yuanToFen(v);
    return fen === null ? null : String(fen);
  }
  const n = Number(v);
  return Number.isFinite(n) ? String(n) : null;
}

/**
 * Turns a UI value into the server's filter value text: money typed in yuan becomes fen,
 * lists become comma lists, is_null becomes true/false. Null means "not complete yet".
 */
export function encodeFilterValue(field: FieldMeta, op: FilterOp, input: FilterInput): string | null {
  if (op === 'is_null') return input === false ? 'false' : 'true';
  if (input === null || input === '') return null;
  if (op === 'between') {
    if (!Array.isArray(input) || input.length !== 2) return null;
    const [lo, hi] = input;
    if (field.type === 'date' || field.type === 'datetime') {
      return typeof lo === 'string' && typeof hi === 'string' && lo && hi ? `${lo},${hi}` : null;
    }
    const a = encodeNumber(field, lo ?? null);
    const b = encodeNumber(field, hi ?? null);
    return a !== null && b !== null ? `${a},${b}` : null;
  }
  if (Array.isArray(input)) {
    const values = input.filter((v): v is string => typeof v === 'string' && v !== '');
    return values.length ? values.join(',') : null;
  }
  if (typeof input === 'boolean') return input ? 'true' : 'false';
  if (['number', 'percent', 'currency'].includes(field.type)) return encodeNumber(field, input);
  const text = String(input).trim();
  return text ? text : null;
}

export function buildCondition(field: FieldMeta, op: FilterOp, input: FilterInput): FilterCondition | null {
  const value = encodeFilterValue(field, op, input);
  return value === null ? null : { field: field.api_name, op, value };
}

/** Sort parameter from a column and direction; undefined falls back to the server default. */
export function sortParam(
  field: string | undefined,
  order: 'ascend' | 'descend' | null | undefined,
): string | undefined {
  if (!field || !order) return undefined;
  return order === 'descend' ? `-${field}` : field;
}

export function isSortable(field: FieldMeta): boolean {
  return field.api_name !== 'id' && field.type !== 'multi_select' && field.type !== 'long_text';
}
