import dayjs, { type Dayjs } from 'dayjs';
import type { FieldMeta, FieldValue, Money, RecordData } from '../api/types';
import { fenToYuan, yuanToFen } from '../format/money';

/** Currency as the form edits it: major units (yuan) and the code. */
export interface MoneyInput {
  amount: number | null;
  currency: string;
}

export type FormValue = string | number | boolean | string[] | MoneyInput | Dayjs | null | undefined;

export function isMoney(v: unknown): v is Money {
  return typeof v === 'object' && v !== null && 'amount' in v && 'currency' in v;
}

export function fieldValue(record: RecordData, field: string): FieldValue {
  const v = record[field];
  if (v === undefined) return null;
  if (typeof v === 'object' && v !== null && !Array.isArray(v) && !isMoney(v)) return null;
  return v;
}

export function toFormValue(field: FieldMeta, value: FieldValue, tenantCurrency: string): FormValue {
  switch (field.type) {
    case 'currency':
      return isMoney(value)
        ? { amount: fenToYuan(value.amount), currency: value.currency }
        : { amount: null, currency: tenantCurrency };
    case 'date':
    case 'datetime':
      return typeof value === 'string' ? dayjs(value) : null;
    default:
      return value;
  }
}

/** Converts what an input holds into the API's value format (3.2 of docs/API.md). */
export function toApiValue(field: FieldMeta, value: FormValue): FieldValue {
  if (value === undefined || value === null || value === '') return null;
  if (dayjs.isDayjs(value)) return field.type === 'date' ? value.format('YYYY-MM-DD') : value.toISOString();
  if (field.type === 'currency') {
    if (typeof value !== 'object' || Array.isArray(value) || !('currency' in value)) return null;
    const fen = yuanToFen(value.amount);
    return fen === null ? null : { amount: fen, currency: value.currency };
  }
  if (field.type === 'multi_select') return Array.isArray(value) && value.length ? value : null;
  if (typeof value === 'object' && !Array.isArray(value)) return null;
  return value;
}

/** Fields a person fills in: not system-managed, not read-only for this role. */
export function editableFields(fields: FieldMeta[]): FieldMeta[] {
  return fields.filter((f) => !f.system && !f.read_only && f.api_name !== 'id');
}

/** Form order: the name first (people identify records by it), the owner last. */
export function formOrder<T extends { api_name: string }>(fields: T[], nameField: string): T[] {
  const rank = (f: T) => (f.api_name === nameField ? 0 : f.api_name === 'owner_id' ? 2 : 1);
  return fields
    .map((f, i) => ({ f, i }))
    .sort((a, b) => rank(a.f) - rank(b.f) || a.i - b.i)
    .map(({ f }) => f);
}

export function expandableFields(fields: FieldMeta[], names: string[]): string[] {
  return fields
    .filter((f) => names.includes(f.api_name) && (f.type === 'lookup' || f.type === 'user'))
    .map((f) => f.api_name);
}

export function recordTitle(record: RecordData, nameField: string): string {
  const v = record[nameField];
  return typeof v === 'string' && v ? v : record.id;
}
