import { sql, type RawBuilder } from 'kysely';

export interface KeyPart {
  expr: RawBuilder<unknown>;
  desc: boolean;
  /** Column can never be null (system fields, NOT NULL columns): allows a row comparison. */
  notNull: boolean;
}

/**
 * One ORDER BY item. Lists put empty values **last in both directions**: a nullable key is
 * `asc nulls last` / `desc nulls last`. A key that cannot be null keeps the plain form, which a
 * btree index answers scanned either way (a default index has `desc nulls last` order only for
 * its non-null rows: `listSegments` below is how a nullable leading key still uses its index).
 */
export function orderItem(k: KeyPart): RawBuilder<unknown> {
  if (k.notNull) return k.desc ? sql`${k.expr} desc` : sql`${k.expr} asc`;
  return k.desc ? sql`${k.expr} desc nulls last` : sql`${k.expr} asc nulls last`;
}

/**
 * "Rows after the cursor" for ORDER BY k1, k2, …, id in the list order of `orderItem`: nulls
 * last whatever the direction (a null comes after every value, and only nulls come after a
 * null). When every key is non-null and all share one direction, a row comparison lets the
 * index range-scan; otherwise an OR chain spells out each tie level.
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
  const last = i === keys.length - 1;
  if (v === null) {
    // nothing sorts after a null but other nulls (ties, decided by the next keys)
    if (last) return sql<boolean>`false`;
    return sql<boolean>`(${k.expr} is null and ${chain(keys, values, i + 1)})`;
  }
  const beyond = k.desc ? sql<boolean>`${k.expr} < ${v}` : sql<boolean>`${k.expr} > ${v}`;
  const strictlyAfter = k.notNull ? beyond : sql<boolean>`(${beyond} or ${k.expr} is null)`;
  if (last) return strictlyAfter;
  return sql<boolean>`(${strictlyAfter} or (${k.expr} = ${v} and ${chain(keys, values, i + 1)}))`;
}

/** A consecutive part of a list: its own predicates and ORDER BY keys (over `t` and over `s`). */
export interface Segment {
  where: RawBuilder<boolean>[];
  keys: KeyPart[];
  outerKeys: KeyPart[];
}

/**
 * The list after `cursor` (all of it without one) as segments to read in turn, each in its own
 * key order. When the leading sort key can be null the list is "rows where it is not null, in
 * key order" followed by "rows where it is null, in the order of the remaining keys". The first
 * segment orders by the plain key — it holds no nulls, so `desc` there means `desc nulls last` —
 * and a btree index on the key (standard column or per-tenant custom-field expression) serves it
 * in both directions, as it serves a non-null key: no second `desc nulls last` index per column
 * or per tenant's custom field. The second segment is read only when the first does not fill the
 * page. `keys` and `outerKeys` are parallel; the last key is always `id`.
 */
export function listSegments(keys: KeyPart[], outerKeys: KeyPart[], cursor?: unknown[]): Segment[] {
  const first = keys[0];
  const firstOuter = outerKeys[0];
  if (!first || !firstOuter || first.notNull)
    return [{ where: cursor ? [afterCursor(keys, cursor)] : [], keys, outerKeys }];
  const rest = keys.slice(1);
  const restOuter = outerKeys.slice(1);
  const isNull = sql<boolean>`${first.expr} is null`;
  if (cursor && cursor[0] === null)
    return [{ where: [isNull, afterCursor(rest, cursor.slice(1))], keys: rest, outerKeys: restOuter }];
  const present = [{ ...first, notNull: true }, ...rest];
  return [
    {
      where: [sql<boolean>`${first.expr} is not null`, ...(cursor ? [afterCursor(present, cursor)] : [])],
      keys: present,
      outerKeys: [{ ...firstOuter, notNull: true }, ...restOuter],
    },
    { where: [isNull], keys: rest, outerKeys: restOuter },
  ];
}
