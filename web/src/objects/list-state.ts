import type { FieldMeta, FilterCondition, ObjectMeta, ViewConfig } from '../api/types';

export interface ListState {
  columns: string[];
  filter: FilterCondition[];
  sort?: string;
  layout: string;
  q: string;
}

const DEFAULT_MIDDLE_COLUMNS = 6;

/**
 * Pipeline-shaping fields first. Unique codes (credit codes, SKUs) and read-only helper fields
 * (normalised names for duplicate checks) are rarely what a list is read for.
 */
function columnPriority(f: FieldMeta): number {
  if (f.read_only || (f.unique && f.type === 'text')) return 2;
  if (f.type === 'select' || f.type === 'currency') return 0;
  return 1;
}

/** Name first, then the most telling own fields in metadata order, then the owner. */
export function defaultColumns(meta: ObjectMeta): string[] {
  const own = meta.fields.filter(
    (f) =>
      !f.system &&
      f.api_name !== meta.name_field &&
      f.api_name !== 'owner_id' &&
      f.type !== 'long_text' &&
      f.type !== 'multi_select',
  );
  const chosen = new Set(
    own
      .map((f, i) => ({ f, i }))
      .sort((a, b) => columnPriority(a.f) - columnPriority(b.f) || a.i - b.i)
      .slice(0, DEFAULT_MIDDLE_COLUMNS)
      .map(({ f }) => f.api_name),
  );
  const cols = [meta.name_field, ...own.filter((f) => chosen.has(f.api_name)).map((f) => f.api_name)];
  if (meta.fields.some((f) => f.api_name === 'owner_id')) cols.push('owner_id');
  return cols;
}

export function initialState(meta: ObjectMeta): ListState {
  return { columns: defaultColumns(meta), filter: [], sort: undefined, layout: 'table', q: '' };
}

/** A saved view may name fields that were removed or are now hidden from this role. */
export function stateFromView(meta: ObjectMeta, config: ViewConfig): ListState {
  const known = new Set(meta.fields.map((f) => f.api_name));
  const columns = (config.columns ?? []).filter((c) => known.has(c));
  return {
    columns: columns.length ? columns : defaultColumns(meta),
    filter: (config.filter ?? []).filter((c) => known.has(c.field)),
    sort: config.sort,
    layout: config.layout ?? 'table',
    q: '',
  };
}

export function viewConfig(state: ListState): ViewConfig {
  return {
    columns: state.columns,
    filter: state.filter,
    sort: state.sort,
    layout: state.layout,
    page_size: 50,
  };
}

export function kanbanField(meta: ObjectMeta, layout: string): FieldMeta | undefined {
  if (!layout.startsWith('kanban:')) return undefined;
  const name = layout.slice('kanban:'.length);
  return meta.fields.find((f) => f.api_name === name && f.type === 'select');
}

const FILTER_OPS = new Set([
  'eq',
  'ne',
  'gt',
  'gte',
  'lt',
  'lte',
  'in',
  'nin',
  'between',
  'contains',
  'starts_with',
  'is_null',
]);

function isFilterCondition(v: unknown): v is FilterCondition {
  if (typeof v !== 'object' || v === null) return false;
  const r: Record<string, unknown> = { ...v };
  return (
    typeof r.field === 'string' &&
    typeof r.op === 'string' &&
    FILTER_OPS.has(r.op) &&
    typeof r.value === 'string' &&
    (r.display === undefined || typeof r.display === 'string')
  );
}

function parseFilter(raw: string | null): FilterCondition[] {
  if (!raw) return [];
  try {
    const parsed: unknown = JSON.parse(raw);
    return Array.isArray(parsed) ? parsed.filter(isFilterCondition) : [];
  } catch {
    return [];
  }
}

/**
 * The list state lives in the URL query so a reload or a shared link shows the same list:
 * `view`, `cols`, `filter` (JSON), `sort`, `layout`, `q`. Defaults are left out.
 */
export function stateToSearch(meta: ObjectMeta, state: ListState, viewId: string | null): URLSearchParams {
  const s = new URLSearchParams();
  if (viewId) s.set('view', viewId);
  if (state.columns.join(',') !== defaultColumns(meta).join(',')) s.set('cols', state.columns.join(','));
  if (state.filter.length) s.set('filter', JSON.stringify(state.filter));
  if (state.sort) s.set('sort', state.sort);
  if (state.layout !== 'table') s.set('layout', state.layout);
  if (state.q) s.set('q', state.q);
  return s;
}

export function stateFromSearch(
  meta: ObjectMeta,
  search: URLSearchParams,
): { state: ListState; viewId: string | null } {
  const known = new Set(meta.fields.map((f) => f.api_name));
  const cols = (search.get('cols') ?? '').split(',').filter((c) => known.has(c));
  const layout = search.get('layout') ?? 'table';
  return {
    viewId: search.get('view'),
    state: {
      columns: cols.length ? cols : defaultColumns(meta),
      filter: parseFilter(search.get('filter')).filter((c) => known.has(c.field)),
      sort: search.get('sort') ?? undefined,
      layout: layout === 'table' || kanbanField(meta, layout) ? layout : 'table',
      q: search.get('q') ?? '',
    },
  };
}
