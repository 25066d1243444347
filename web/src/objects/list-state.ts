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
