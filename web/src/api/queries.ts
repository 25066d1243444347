import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import * as api from './endpoints';
import type { ObjectMeta } from './types';

export const keys = {
  me: ['me'] as const,
  objects: ['metadata', 'objects'] as const,
  list: (object: string, params: api.ListParams) => ['records', object, 'list', params] as const,
  record: (object: string, id: string) => ['records', object, 'one', id] as const,
  records: (object: string) => ['records', object] as const,
  audit: (object: string, id: string) => ['audit', object, id] as const,
  views: (object: string) => ['views', object] as const,
  notifications: ['notifications'] as const,
  search: (q: string) => ['search', q] as const,
};

export const useMe = () =>
  useQuery({ queryKey: keys.me, queryFn: api.fetchMe, retry: false, staleTime: 60_000 });

export const useObjects = () =>
  useQuery({ queryKey: keys.objects, queryFn: api.fetchObjects, staleTime: 60_000 });

export function useObjectMeta(object: string): { meta: ObjectMeta | undefined; isLoading: boolean } {
  const q = useObjects();
  return { meta: q.data?.find((o) => o.api_name === object), isLoading: q.isLoading };
}

export function useRecordList(object: string, params: api.ListParams, enabled = true) {
  return useInfiniteQuery({
    queryKey: keys.list(object, params),
    queryFn: ({ pageParam }) => api.listRecords(object, { ...params, cursor: pageParam, count: true }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor,
    enabled,
  });
}

export const useRecord = (object: string, id: string, expand: string[]) =>
  useQuery({ queryKey: keys.record(object, id), queryFn: () => api.getRecord(object, id, expand) });

export const useAudit = (object: string, id: string) =>
  useQuery({ queryKey: keys.audit(object, id), queryFn: () => api.fetchAudit(object, id) });

export const useViews = (object: string) =>
  useQuery({ queryKey: keys.views(object), queryFn: () => api.fetchViews(object) });

export const useNotifications = () =>
  useQuery({ queryKey: keys.notifications, queryFn: api.fetchNotifications, refetchInterval: 60_000 });

export const useSearch = (q: string) =>
  useQuery({ queryKey: keys.search(q), queryFn: () => api.search(q), enabled: q.trim().length > 0 });
