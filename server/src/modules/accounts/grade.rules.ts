// Account grade (客户分级) from the tenant's ordered rules: the first rule that holds gives the grade.

export type GradeOp = 'gte' | 'lte' | 'eq' | 'ne' | 'contains' | 'in' | 'is_set';

export interface GradeCondition {
  field: string;
  op: GradeOp;
  value?: unknown;
}

export interface GradeRule {
  id: string;
  grade: string;
  /** 'any': one condition is enough (revenue ≥ X or employees ≥ Y or tag 'key'); 'all': every one */
  match: 'any' | 'all';
  conditions: GradeCondition[];
}

/** Currency values are compared by their amount (minor units); numeric strings as numbers. */
function scalar(v: unknown): unknown {
  if (v && typeof v === 'object' && !Array.isArray(v) && 'amount' in v)
    return (v as { amount: unknown }).amount;
  return v;
}

function asNumber(v: unknown): number | null {
  const s = scalar(v);
  if (typeof s === 'number' && Number.isFinite(s)) return s;
  if (typeof s === 'string' && s.trim() !== '' && Number.isFinite(Number(s))) return Number(s);
  return null;
}

export function conditionHolds(value: unknown, c: GradeCondition): boolean {
  const v = scalar(value);
  switch (c.op) {
    case 'is_set':
      return v !== null && v !== undefined && v !== '' && !(Array.isArray(v) && v.length === 0);
    case 'gte':
    case 'lte': {
      const a = asNumber(v);
      const b = asNumber(c.value);
      if (a === null || b === null) return false;
      return c.op === 'gte' ? a >= b : a <= b;
    }
    case 'eq':
      return Array.isArray(v)
        ? false
        : v === c.value || (asNumber(v) !== null && asNumber(v) === asNumber(c.value));
    case 'ne':
      return !conditionHolds(value, { ...c, op: 'eq' });
    case 'contains':
      if (Array.isArray(v)) return v.includes(c.value);
      return typeof v === 'string' && typeof c.value === 'string' && v.includes(c.value);
    case 'in':
      return (
        Array.isArray(c.value) &&
        (Array.isArray(v)
          ? v.some((x) => (c.value as unknown[]).includes(x))
          : (c.value as unknown[]).includes(v))
      );
  }
}

/**
 * The grade the rules give a record, `fallback` when none holds, or undefined when the tenant has
 * no rules (the grade is then whatever people set by hand).
 */
export function computeGrade(
  rec: Record<string, unknown>,
  rules: GradeRule[],
  fallback: string | null,
): string | null | undefined {
  if (!rules.length) return undefined;
  for (const r of rules) {
    if (!r.conditions.length) return r.grade;
    const results = r.conditions.map((c) => conditionHolds(rec[c.field], c));
    if (r.match === 'all' ? results.every(Boolean) : results.some(Boolean)) return r.grade;
  }
  return fallback;
}
