/** The list/query grammar shared by every object (documented in docs/API.md). */
export const OPS = [
  'eq',
  'ne',
  'gt',
  'gte',
  'lt',
  'lte',
  'in',
  'nin',
  'contains',
  'starts_with',
  'is_null',
  'between',
] as const;
export type Op = (typeof OPS)[number];

export interface Condition {
  field: string;
  op: Op;
  value: unknown;
}
export interface Group {
  and?: FilterNode[];
  or?: FilterNode[];
}
export type FilterNode = Condition | Group;

export interface SortKey {
  field: string;
  desc: boolean;
}

export interface ListQuery {
  filter: FilterNode[];
  sort: SortKey[];
  limit: number;
  cursor?: string;
  fields?: string[];
  expand: string[];
  count: boolean;
  /** 'exclude' (default), 'only' (recycle bin). */
  deleted: 'exclude' | 'only';
  /** Free text over the object's search fields. */
  q?: string;
}

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 200;

export class QuerySyntaxError extends Error {
  constructor(
    readonly field: string,
    readonly issue: 'invalid_operator' | 'invalid_value' | 'too_large' | 'invalid_cursor',
    readonly params: Record<string, string | number> = {},
  ) {
    super(`${field}: ${issue}`);
  }
}

export const isOp = (s: string): s is Op => (OPS as readonly string[]).includes(s);

export function parseSort(s: string | undefined): SortKey[] {
  if (!s) return [];
  return s
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => (p.startsWith('-') ? { field: p.slice(1), desc: true } : { field: p, desc: false }));
}

export function parseLimit(raw: unknown): number {
  if (raw === undefined || raw === null || raw === '') return DEFAULT_LIMIT;
  const n = typeof raw === 'number' ? raw : Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new QuerySyntaxError('limit', 'invalid_value');
  if (n > MAX_LIMIT) throw new QuerySyntaxError('limit', 'too_large', { max: MAX_LIMIT });
  return n;
}

const splitList = (s: string | undefined): string[] | undefined =>
  s === undefined
    ? undefined
    : s
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean);

/**
 * Query string → ListQuery. `filter[field][op]=value` (op defaults to eq with `filter[field]=v`);
 * list values for in/nin/between are comma-separated; values stay text, typed later per field.
 */
export function parseListParams(params: URLSearchParams): ListQuery {
  const filter: Condition[] = [];
  for (const [key, value] of params) {
    if (!key.startsWith('filter[')) continue;
    const m = /^filter\[([a-z0-9_]+)\](?:\[([a-z_]+)\])?$/.exec(key);
    if (!m) throw new QuerySyntaxError(key, 'invalid_value');
    const op = m[2] ?? 'eq';
    if (!isOp(op)) throw new QuerySyntaxError(m[1] ?? key, 'invalid_operator', { op });
    const v = op === 'in' || op === 'nin' || op === 'between' ? (splitList(value) ?? []) : value;
    filter.push({ field: m[1] ?? '', op, value: v });
  }
  const deleted = params.get('deleted');
  if (deleted !== null && deleted !== 'only' && deleted !== 'exclude')
    throw new QuerySyntaxError('deleted', 'invalid_value');
  const count = params.get('count');
  const q = params.get('q');
  const cursor = params.get('cursor');
  const fields = splitList(params.get('fields') ?? undefined);
  return {
    filter,
    sort: parseSort(params.get('sort') ?? undefined),
    limit: parseLimit(params.get('limit') ?? undefined),
    ...(cursor ? { cursor } : {}),
    ...(fields ? { fields } : {}),
    expand: splitList(params.get('expand') ?? undefined) ?? [],
    count: count === 'true' || count === '1',
    deleted: deleted === 'only' ? 'only' : 'exclude',
    ...(q ? { q } : {}),
  };
}

/** Keyset cursor: the sort spec and the last row's sort values. */
export interface CursorState {
  sort: string;
  values: unknown[];
}

export function encodeCursor(state: CursorState): string {
  return Buffer.from(JSON.stringify([state.sort, state.values]), 'utf8').toString('base64url');
}

export function decodeCursor(raw: string, sort: string, keyCount: number): unknown[] {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
    if (
      Array.isArray(parsed) &&
      parsed.length === 2 &&
      parsed[0] === sort &&
      Array.isArray(parsed[1]) &&
      parsed[1].length === keyCount &&
      parsed[1].every((v: unknown) => v === null || ['string', 'number', 'boolean'].includes(typeof v))
    )
      return parsed[1] as unknown[];
  } catch {
    // fall through
  }
  throw new QuerySyntaxError('cursor', 'invalid_cursor');
}

/** Escapes LIKE wildcards so user text matches literally. */
export function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}
