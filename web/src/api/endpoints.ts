import { apiFetch, buildQuery, type QueryValue } from './http-client';
import type {
  AggregateGroup,
  AuditEntry,
  BulkBody,
  FilterCondition,
  ListResponse,
  LoginBody,
  Me,
  MePatchBody,
  NotificationItem,
  ObjectMeta,
  RecordData,
  SavedView,
  SearchGroup,
  ViewCreateBody,
  ViewPatchBody,
} from './types';

const enc = encodeURIComponent;

export const login = (body: LoginBody) =>
  apiFetch<{ data: { csrf_token: string } }>('/api/v1/auth/login', {
    method: 'POST',
    body,
    isAuthRequest: true,
  });
export const logout = () => apiFetch<void>('/api/v1/auth/logout', { method: 'POST', isAuthRequest: true });
export const fetchMe = () => apiFetch<{ data: Me }>('/api/v1/me').then((r) => r.data);
export const patchMe = (body: MePatchBody) =>
  apiFetch<{ data: unknown }>('/api/v1/me', { method: 'PATCH', body });

export const fetchObjects = () =>
  apiFetch<{ data: ObjectMeta[] }>('/api/v1/metadata/objects').then((r) => r.data);

export interface ListParams {
  filter: FilterCondition[];
  sort?: string;
  limit?: number;
  cursor?: string | null;
  q?: string;
  expand?: string[];
  count?: boolean;
  /** `only` lists the recycle bin. */
  deleted?: 'only';
}

/** Query-string pairs of the list grammar, shared by lists and exports. */
export function listQueryPairs(p: ListParams): [string, string][] {
  const pairs: [string, string][] = p.filter.map((c) => [`filter[${c.field}][${c.op}]`, c.value]);
  const extra: Record<string, QueryValue> = {
    sort: p.sort,
    limit: p.limit,
    cursor: p.cursor,
    q: p.q,
    expand: p.expand?.length ? p.expand.join(',') : undefined,
    count: p.count ? 'true' : undefined,
    deleted: p.deleted,
  };
  for (const [k, v] of Object.entries(extra))
    if (v !== undefined && v !== null && v !== '') pairs.push([k, String(v)]);
  return pairs;
}

export const listRecords = (object: string, p: ListParams) =>
  apiFetch<ListResponse>(`/api/v1/objects/${enc(object)}${buildQuery(listQueryPairs(p))}`);

export function exportUrl(object: string, p: ListParams, format: 'csv' | 'xlsx'): string {
  const pairs = listQueryPairs({ filter: p.filter, sort: p.sort, q: p.q });
  pairs.push(['format', format]);
  return `/api/v1/objects/${enc(object)}/export${buildQuery(pairs)}`;
}

/** Exact group counts and sums over the whole filtered set (kanban column headers). */
export function aggregateRecords(object: string, p: ListParams, groupBy: string, sum: string[]) {
  const pairs = listQueryPairs({ filter: p.filter, q: p.q });
  pairs.push(['group_by', groupBy]);
  if (sum.length) pairs.push(['sum', sum.join(',')]);
  return apiFetch<{ data: AggregateGroup[] }>(
    `/api/v1/objects/${enc(object)}/aggregate${buildQuery(pairs)}`,
  ).then((r) => r.data);
}

export const getRecord = (object: string, id: string, expand: string[]) =>
  apiFetch<{ data: RecordData }>(
    `/api/v1/objects/${enc(object)}/${enc(id)}${buildQuery({ expand: expand.join(',') })}`,
  ).then((r) => r.data);

export const createRecord = (object: string, body: Record<string, unknown>) =>
  apiFetch<{ data: RecordData }>(`/api/v1/objects/${enc(object)}`, { method: 'POST', body }).then(
    (r) => r.data,
  );

export const updateRecord = (object: string, id: string, body: Record<string, unknown>) =>
  apiFetch<{ data: RecordData }>(`/api/v1/objects/${enc(object)}/${enc(id)}`, { method: 'PATCH', body }).then(
    (r) => r.data,
  );

export const deleteRecord = (object: string, id: string) =>
  apiFetch<void>(`/api/v1/objects/${enc(object)}/${enc(id)}`, { method: 'DELETE' });

export const bulkRecords = (object: string, body: BulkBody) =>
  apiFetch<{ data: RecordData[] }>(`/api/v1/objects/${enc(object)}/bulk`, { method: 'POST', body });

export const fetchAudit = (object: string, id: string) =>
  apiFetch<{ data: AuditEntry[] }>(`/api/v1/audit${buildQuery({ object, id })}`).then((r) => r.data);

export const search = (q: string) =>
  apiFetch<{ data: SearchGroup[] }>(`/api/v1/search${buildQuery({ q, limit: 5 })}`).then((r) => r.data);

export const fetchNotifications = () =>
  apiFetch<{ data: NotificationItem[]; unread: number }>('/api/v1/notifications?limit=20');
export const markNotificationRead = (id: string | 'all') =>
  apiFetch<{ data: { marked: number } }>(`/api/v1/notifications/${enc(id)}/read`, { method: 'POST' });

export const fetchViews = (object: string) =>
  apiFetch<{ data: SavedView[] }>(`/api/v1/views${buildQuery({ object })}`).then((r) => r.data);
export const createView = (body: ViewCreateBody) =>
  apiFetch<{ data: SavedView }>('/api/v1/views', { method: 'POST', body }).then((r) => r.data);
export const patchView = (id: string, body: ViewPatchBody) =>
  apiFetch<{ data: SavedView }>(`/api/v1/views/${enc(id)}`, { method: 'PATCH', body }).then((r) => r.data);
export const deleteView = (id: string) => apiFetch<void>(`/api/v1/views/${enc(id)}`, { method: 'DELETE' });

export const restoreRecord = (object: string, id: string) =>
  apiFetch<{ data: RecordData }>(`/api/v1/objects/${enc(object)}/${enc(id)}/restore`, {
    method: 'POST',
  }).then((r) => r.data);
