import { sql, type RawBuilder } from 'kysely';

export interface KeyPart {
  expr: RawBuilder<unknown>;
  desc: boolean;
  /** Column can never be null (system fields, NOT NULL columns): allows a row comparison. */
  notNull: boolean;
}

/**
 * "Rows after the cursor" for ORDER BY k1, k2, …, id with PostgreSQL's default null order
 * (NULLS LAST ascending, NULLS FIRST descending, i.e. null sorts as the largest value).
 * When every key is non-null and all share one direction, a row comparison lets the index
 * range-scan; otherwise an OR chain spells out each tie level.
 */
export function afterCursor(keys: KeyPart[], values: unknown[]): RawBuilder<boolean> {
  const first = keys[0];
  if (first && keys.every((k) => k.notNull && k.desc === first.desc) && values.every((v) => v !== null)) {
    const lhs = sql.join(keys.map((k) => k.expr));
    const rhs = sql.join(values.map((v) => sql`${v}`));
    return first.desc ? sql<boolean>`(${lhs}) < (${rhs})` : sql<boolean>`(${lhs}) > (${rhs})`;
  }
  return chain(keys, values, 0);
}

function chain(keys: KeyPart[], values: unknown[], i: number): RawBuilder<boolean> {
  const k = keys[i];
  if (!k) return sql<boolean>`false`;
  const v = values[i];
  let strictlyAfter: RawBuilder<boolean>;
  let equal: RawBuilder<boolean>;
  if (v === null) {
    strictlyAfter = k.desc ? sql<boolean>`${k.expr} is not null` : sql<boolean>`false`;
    equal = sql<boolean>`${k.expr} is null`;
  } else {
    strictlyAfter = k.desc
      ? sql<boolean>`${k.expr} < ${v}`
      : sql<boolean>`(${k.expr} > ${v} or ${k.expr} is null)`;
    equal = sql<boolean>`${k.expr} = ${v}`;
  }
  if (i === keys.length - 1) return strictlyAfter;
  return sql<boolean>`(${strictlyAfter} or (${equal} and ${chain(keys, values, i + 1)}))`;
}
