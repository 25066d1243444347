import { useInfiniteQuery, useQuery, type QueryClient } from '@tanstack/react-query';
import { apiFetch, buildQuery } from '../api/http-client';
import { createRecord } from '../api/endpoints';
import { keys } from '../api/queries';
import type { RecordData, ResponseBody } from '../api/types';
import type { components } from '../api/schema';

/** Answers of the activities API, generated from its OpenAPI document. */
type Schemas = components['schemas'];

export type MyDay = Schemas['MyDay'];
export type MyDayTask = Schemas['MyDayTask'];
export type MyDayMeeting = Schemas['MyDayMeeting'];
export type IdleRecord = Schemas['IdleRecord'];
export type TimelineItem = Schemas['TimelineItem'];
export type TimelinePage = ResponseBody<'/api/v1/activities/timeline', 'get'>;

/** The records an activity or a task can be about (each a lookup `<object>_id`). */
export type RelatedObject = 'lead' | 'account' | 'contact' | 'opportunity';
export const RELATED_OBJECTS: RelatedObject[] = ['lead', 'account', 'contact', 'opportunity'];

const base = '/api/v1/activities';
const enc = encodeURIComponent;

export const activityKeys = {
  all: ['activities'] as const,
  myDay: (date: string | null) => ['activities', 'my-day', date ?? 'today'] as const,
  timeline: (object: string, id: string) => ['activities', 'timeline', object, id] as const,
};

export const fetchMyDay = (date: string | null) =>
  apiFetch<{ data: MyDay }>(`${base}/my-day${buildQuery({ date })}`).then((r) => r.data);

export const fetchTimeline = (object: RelatedObject, id: string, cursor: string | null, limit = 20) =>
  apiFetch<TimelinePage>(`${base}/timeline${buildQuery({ object, id, cursor, limit })}`);

export const completeTask = (id: string) =>
  apiFetch<{ data: RecordData }>(`${base}/tasks/${enc(id)}/complete`, { method: 'POST' }).then((r) => r.data);

export const createActivity = (body: Record<string, unknown>) => createRecord('activity', body);
export const createTask = (body: Record<string, unknown>) => createRecord('task', body);

export const useMyDay = (date: string | null, enabled = true) =>
  useQuery({ queryKey: activityKeys.myDay(date), queryFn: () => fetchMyDay(date), enabled });

export function useActivityTimeline(object: RelatedObject, id: string) {
  return useInfiniteQuery({
    queryKey: activityKeys.timeline(object, id),
    queryFn: ({ pageParam }) => fetchTimeline(object, id, pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor,
  });
}

/**
 * After an activity or task was written: timelines, my day, the activity/task lists, and the
 * records it is about (a lead's status and follow-up dates move with a logged activity).
 */
export async function invalidateAfterWrite(qc: QueryClient, related: RelatedObject[]): Promise<void> {
  await Promise.all([
    qc.invalidateQueries({ queryKey: activityKeys.all }),
    qc.invalidateQueries({ queryKey: keys.records('activity') }),
    qc.invalidateQueries({ queryKey: keys.records('task') }),
    ...related.map((o) => qc.invalidateQueries({ queryKey: keys.records(o) })),
  ]);
}
