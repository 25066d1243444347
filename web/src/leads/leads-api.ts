import { useQuery } from '@tanstack/react-query';
import { apiFetch, buildQuery } from '../api/http-client';
import { listRecords } from '../api/endpoints';
import type { DirectoryUser, Localized } from '../api/types';
import type { components } from '../api/schema';

/** Answers of the leads API, generated from its OpenAPI document. */
type Schemas = components['schemas'];

const enc = encodeURIComponent;
const base = '/api/v1/leads';

export type LeadStatus = 'unassigned' | 'pending' | 'in_progress' | 'converted' | 'invalid' | 'voided';
export const LEAD_STATUSES: LeadStatus[] = [
  'unassigned',
  'pending',
  'in_progress',
  'converted',
  'invalid',
  'voided',
];

export type { DirectoryUser };

/** The parts of the lead settings these pages read (generated from the API's schema). */
export type LeadSettings = Pick<
  Schemas['LeadSettings'],
  'invalidReasons' | 'manualDuplicatePolicy' | 'defaultPoolId' | 'assignmentRules'
>;

export type PoolMember = Schemas['PoolMember'];
export type PoolMembers = Schemas['PoolMembers'];
export type PoolDepartment = Schemas['PoolDepartment'];
export type Department = Schemas['Department'];

export type DuplicateHit = Schemas['DuplicateHit'];

export interface Touch {
  id: string;
  at: string;
  channel: string;
  campaign_id: string | null;
  attribution: Record<string, string> | null;
}

export type LeadEventKind =
  | 'assigned'
  | 'claimed'
  | 'returned'
  | 'transferred'
  | 'invalidated'
  | 'recycled'
  | 'converted'
  | 'merged'
  | 'reassigned'
  | 'voided'
  | 'revived'
  | 'qualified';

export interface LeadEvent {
  id: string;
  at: string;
  kind: LeadEventKind | string;
  reason: string | null;
  from_owner: string | null;
  to_owner: string | null;
  from_pool: string | null;
  to_pool: string | null;
  actor_name: string | null;
}

export interface Timeline {
  touches: Touch[];
  events: LeadEvent[];
}

export interface ScoreExplanation {
  score: number;
  explanation: { rule: string; label: Localized; points: number }[];
}

export type ReviewItem = Schemas['ReviewItem'];

/** Body of POST /leads/{id}/convert; grows with the server (an opportunity option later). */
export interface ConvertBody {
  account_id?: string;
  contact_id?: string;
  /** field values of an opportunity to create too (needs the sales module's opportunity object) */
  opportunity?: Record<string, unknown>;
}

export type ConvertResult = Schemas['ConvertResult'];

export const leadKeys = {
  users: ['leads', 'users'] as const,
  settings: ['leads', 'settings'] as const,
  pools: ['records', 'lead_pool', 'leads-pools'] as const,
  poolCounts: ['records', 'lead', 'leads-pool-counts'] as const,
  members: (poolId: string) => ['leads', 'members', poolId] as const,
  timeline: (id: string) => ['records', 'lead', 'timeline', id] as const,
  score: (id: string) => ['records', 'lead', 'score', id] as const,
  review: ['records', 'lead', 'review'] as const,
};

export const fetchUsers = () => apiFetch<{ data: DirectoryUser[] }>('/api/v1/users').then((r) => r.data);
export const fetchLeadSettings = () =>
  apiFetch<{ data: LeadSettings }>(`${base}/settings`).then((r) => r.data);
/** A pool's users, member departments and the caller's own role (as a user or by department). */
export const fetchPoolMembership = (poolId: string) =>
  apiFetch<PoolMembers>(`${base}/pools/${enc(poolId)}/members`);
export const fetchPoolMembers = (poolId: string) => fetchPoolMembership(poolId).then((r) => r.data);
export const putPoolMembers = (
  poolId: string,
  members: { user_id: string; role: 'member' | 'admin' }[],
  departments?: { department_id: string; role: 'member' | 'admin' }[],
) =>
  apiFetch<void>(`${base}/pools/${enc(poolId)}/members`, {
    method: 'PUT',
    body: departments ? { members, departments } : { members },
  });
export const useDepartmentList = () =>
  useQuery({
    queryKey: ['departments'] as const,
    queryFn: () => apiFetch<{ data: Department[] }>('/api/v1/departments').then((r) => r.data),
    staleTime: 300_000,
  });
export const fetchTimeline = (id: string) =>
  apiFetch<{ data: Timeline }>(`${base}/${enc(id)}/timeline`).then((r) => r.data);
export const fetchScore = (id: string) =>
  apiFetch<{ data: ScoreExplanation }>(`${base}/${enc(id)}/score`).then((r) => r.data);
export const checkDuplicates = (body: { mobile?: string; email?: string; company?: string }) =>
  apiFetch<{ data: DuplicateHit[] }>(`${base}/duplicates/check`, { method: 'POST', body }).then(
    (r) => r.data,
  );
export const fetchReview = () =>
  apiFetch<{ data: ReviewItem[] }>(`${base}/duplicates/review`).then((r) => r.data);
export const notDuplicate = (id: string) =>
  apiFetch<void>(`${base}/${enc(id)}/not-duplicate`, { method: 'POST' });
export const mergeLeads = (body: { survivor_id: string; merged_id: string; take_from_merged: string[] }) =>
  apiFetch<{ data: unknown }>(`${base}/merge`, { method: 'POST', body });

export const claimLead = (id: string) => apiFetch<void>(`${base}/${enc(id)}/claim`, { method: 'POST' });
export const assignLead = (id: string, owner_id: string, reason?: string) =>
  apiFetch<void>(`${base}/${enc(id)}/assign`, {
    method: 'POST',
    body: reason ? { owner_id, reason } : { owner_id },
  });
export const returnLead = (id: string, reason: string) =>
  apiFetch<void>(`${base}/${enc(id)}/return`, { method: 'POST', body: { reason } });
export const transferLead = (id: string, pool_id: string, reason?: string) =>
  apiFetch<void>(`${base}/${enc(id)}/transfer`, {
    method: 'POST',
    body: reason ? { pool_id, reason } : { pool_id },
  });
export const invalidateLead = (id: string, reason: string) =>
  apiFetch<void>(`${base}/${enc(id)}/invalidate`, { method: 'POST', body: { reason } });
export const voidLead = (id: string, reason?: string) =>
  apiFetch<void>(`${base}/${enc(id)}/void`, { method: 'POST', body: reason ? { reason } : {} });
export const reviveLead = (id: string, reason?: string) =>
  apiFetch<void>(`${base}/${enc(id)}/revive`, { method: 'POST', body: reason ? { reason } : {} });
/** 撞单: tell the owner of a duplicate hit you would like to talk (an in-app notification). */
export const pingOwner = (body: { object: 'lead' | 'account' | 'contact'; id: string; message?: string }) =>
  apiFetch<void>(`${base}/duplicates/ping`, { method: 'POST', body });
export const convertLead = (id: string, body: ConvertBody) =>
  apiFetch<{ data: ConvertResult }>(`${base}/${enc(id)}/convert`, { method: 'POST', body }).then(
    (r) => r.data,
  );

/** The tenant's active users (owner and assignee pickers, names on the timeline). */
export const useUsers = () => useQuery({ queryKey: leadKeys.users, queryFn: fetchUsers, staleTime: 300_000 });

export const useLeadSettings = () =>
  useQuery({ queryKey: leadKeys.settings, queryFn: fetchLeadSettings, staleTime: 300_000 });

/** Every pool the caller may read (a tenant has a handful, so one page is enough). */
export const usePools = () =>
  useQuery({
    queryKey: leadKeys.pools,
    queryFn: () => listRecords('lead_pool', { filter: [], sort: 'name', limit: 200 }).then((r) => r.data),
    staleTime: 60_000,
  });

/** Unassigned leads per pool the caller can see. */
export const usePoolCounts = () =>
  useQuery({
    queryKey: leadKeys.poolCounts,
    queryFn: () =>
      apiFetch<{ data: { value: string | null; count: number }[] }>(
        `/api/v1/objects/lead/aggregate${buildQuery([
          ['group_by', 'pool_id'],
          ['filter[status][eq]', 'unassigned'],
        ])}`,
      ).then((r) => r.data),
  });

export const usePoolMembers = (poolId: string | undefined) =>
  useQuery({
    // under the members key: saving the members dialog (which invalidates it) refreshes this too
    queryKey: [...leadKeys.members(poolId ?? ''), 'membership'],
    queryFn: () => fetchPoolMembership(poolId ?? ''),
    enabled: !!poolId,
    // a pool the caller cannot read answers 404: no role, nothing to retry
    retry: false,
  });
