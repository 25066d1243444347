import { sql, type RawBuilder } from 'kysely';
import type { FieldDef, ObjectDef, Rec } from '../metadata/types.ts';

/**
 * How a field is stored: standard fields in their column (currency as `<col>` bigint plus
 * `<col>_currency`), custom fields in the `custom` jsonb column. API names are validated by
 * metadata (^[a-z][a-z0-9_]*$), so they may be inlined as identifiers / jsonb keys.
 */
export function fieldExpr(f: FieldDef, alias = 't'): RawBuilder<unknown> {
  if (!f.isCustom) return sql.ref(`${alias}.${f.column ?? f.apiName}`);
  const key = sql.lit(f.apiName);
  const custom = sql.ref(`${alias}.custom`);
  switch (f.type) {
    case 'number':
    case 'percent':
      return sql`((${custom}->>${key})::numeric)`;
    case 'currency':
      return sql`((${custom}->${key}->>'amount')::numeric)`;
    case 'boolean':
      return sql`((${custom}->>${key})::boolean)`;
    case 'multi_select':
      return sql`(${custom}->${key})`;
    default:
      // text-like, select, date (ISO text sorts correctly), datetime (stored as UTC ISO), lookup/user
      return sql`(${custom}->>${key})`;
  }
}

/** Columns written for a standard field value (API form → column values). */
export function columnValues(f: FieldDef, value: unknown): Array<[string, unknown]> {
  const col = f.column ?? f.apiName;
  if (f.type === 'currency') {
    const v = value as { amount: number; currency: string } | null;
    return [
      [col, v ? v.amount : null],
      [`${col}_currency`, v ? v.currency : null],
    ];
  }
  return [[col, value]];
}

/** Storage row (as returned by `select t.*`) → API record with every field of the object. */
export function rowToRecord(obj: ObjectDef, row: Record<string, unknown>): Rec {
  const custom = (row.custom ?? {}) as Record<string, unknown>;
  const rec: Rec = {};
  for (const f of obj.fields) {
    if (f.isCustom) {
      rec[f.apiName] = custom[f.apiName] ?? null;
      continue;
    }
    const col = f.column ?? f.apiName;
    let v = row[col];
    if (f.type === 'currency')
      v = v === null || v === undefined ? null : { amount: v, currency: row[`${col}_currency`] };
    else if (v instanceof Date) v = v.toISOString();
    rec[f.apiName] = v ?? null;
  }
  return rec;
}

/** Values compare equal for change detection (audit, no-op updates). */
export function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

/** A row's value of a sort key as the keyset cursor stores it (same meaning as fieldExpr). */
export function cursorValue(f: FieldDef, row: Record<string, unknown>): unknown {
  if (f.isCustom) {
    const v = ((row.custom ?? {}) as Record<string, unknown>)[f.apiName];
    if (v === undefined || v === null) return null;
    return f.type === 'currency' ? (v as { amount: number }).amount : v;
  }
  const v = row[f.column ?? f.apiName];
  if (v instanceof Date) return v.toISOString();
  return v ?? null;
}
