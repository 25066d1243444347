import { useQuery } from '@tanstack/react-query';
import { apiFetch, buildQuery } from '../api/http-client';
import { listRecords } from '../api/endpoints';
import type { JsonBody } from '../api/types';
import type { components } from '../api/schema';

/** Answers of the accounts API, generated from its OpenAPI document (docs/API.md section 14). */
type Schemas = components['schemas'];

export type AccountSettings = Schemas['AccountSettings'];
export type GradeRule = Schemas['AccountGradeRule'];
export type AccountPoolMember = Schemas['AccountPoolMember'];
export type AccountTeamMember = Schemas['AccountTeamMember'];
export type AccountDuplicateHit = Schemas['AccountDuplicateHit'];
export type AccountEvent = Schemas['AccountEvent'];
export type AccountOverview = Schemas['AccountOverview'];
export type AccountPoolEntry = Schemas['AccountPoolEntry'];
export type TeamBody = JsonBody<'/api/v1/accounts/{id}/team', 'put'>;
export type AccountState = 'pool' | 'owned' | 'won';

const base = '/api/v1/accounts';
const enc = encodeURIComponent;

export const accountKeys = {
  settings: ['accounts', 'settings'] as const,
  pools: ['records', 'account_pool', 'accounts-pools'] as const,
  poolCounts: ['records', 'account', 'accounts-pool-counts'] as const,
  holdings: (userId: string) => ['records', 'account', 'accounts-holdings', userId] as const,
  members: (poolId: string) => ['accounts', 'members', poolId] as const,
  overview: (id: string) => ['records', 'account', 'overview', id] as const,
  poolEntries: (ids: string[]) => ['records', 'account', 'pool-entries', ids.join(',')] as const,
  team: (id: string) => ['records', 'account', 'team', id] as const,
};

/** When, from whom and why each account of a pool page came into the pool: one call per page. */
export const fetchPoolEntries = (ids: string[]) =>
  apiFetch<{ data: AccountPoolEntry[] }>(`${base}/pool-entries?ids=${ids.map(enc).join(',')}`).then(
    (r) => r.data,
  );

export const fetchAccountSettings = () =>
  apiFetch<{ data: AccountSettings }>(`${base}/settings`).then((r) => r.data);
export const saveAccountSettings = (body: AccountSettings) =>
  apiFetch<{ data: AccountSettings }>(`${base}/settings`, { method: 'PUT', body }).then((r) => r.data);
export const fetchAccountPoolMembers = (poolId: string) =>
  apiFetch<{ data: AccountPoolMember[] }>(`${base}/pools/${enc(poolId)}/members`).then((r) => r.data);
export const putAccountPoolMembers = (
  poolId: string,
  members: { user_id: string; role: 'member' | 'admin' }[],
) => apiFetch<void>(`${base}/pools/${enc(poolId)}/members`, { method: 'PUT', body: { members } });
export const fetchOverview = (id: string) =>
  apiFetch<{ data: AccountOverview }>(`${base}/${enc(id)}/overview`).then((r) => r.data);
export const putTeam = (id: string, members: TeamBody['members']) =>
  apiFetch<{ data: AccountTeamMember[] }>(`${base}/${enc(id)}/team`, { method: 'PUT', body: { members } });
export const checkAccountDuplicates = (q: { name?: string; phone?: string; credit_code?: string }) =>
  apiFetch<{ data: AccountDuplicateHit[] }>(`${base}/duplicates${buildQuery(q)}`).then((r) => r.data);

export const claimAccount = (id: string) => apiFetch<void>(`${base}/${enc(id)}/claim`, { method: 'POST' });
export const returnAccount = (id: string, reason: string, poolId?: string) =>
  apiFetch<void>(`${base}/${enc(id)}/return`, {
    method: 'POST',
    body: poolId ? { reason, pool_id: poolId } : { reason },
  });
export const assignAccount = (id: string, owner_id: string, reason?: string) =>
  apiFetch<void>(`${base}/${enc(id)}/assign`, {
    method: 'POST',
    body: reason ? { owner_id, reason } : { owner_id },
  });
export const transferAccount = (id: string, pool_id: string, reason?: string) =>
  apiFetch<void>(`${base}/${enc(id)}/transfer`, {
    method: 'POST',
    body: reason ? { pool_id, reason } : { pool_id },
  });

type Groups = { data: { value: string | null; count: number }[] };
const aggregate = (pairs: [string, string][]) =>
  apiFetch<Groups>(`/api/v1/objects/account/aggregate${buildQuery(pairs)}`).then((r) => r.data);

export const useAccountSettings = () =>
  useQuery({ queryKey: accountKeys.settings, queryFn: fetchAccountSettings, staleTime: 300_000 });

/** Every account pool the caller may read (a tenant has a handful, so one page is enough). */
export const useAccountPools = () =>
  useQuery({
    queryKey: accountKeys.pools,
    queryFn: () => listRecords('account_pool', { filter: [], sort: 'name', limit: 200 }).then((r) => r.data),
    staleTime: 60_000,
  });

/** Accounts waiting in each pool the caller can see. */
export const useAccountPoolCounts = () =>
  useQuery({
    queryKey: accountKeys.poolCounts,
    queryFn: () =>
      aggregate([
        ['group_by', 'pool_id'],
        ['filter[state][eq]', 'pool'],
      ]),
  });

/** The caller's holdings: by state overall and owned ones per pool (for the limit bars). */
export const useMyHoldings = (userId: string | undefined) =>
  useQuery({
    queryKey: accountKeys.holdings(userId ?? ''),
    enabled: !!userId,
    queryFn: async () => {
      const [byState, byPool] = await Promise.all([
        aggregate([
          ['group_by', 'state'],
          ['filter[owner_id][eq]', userId ?? ''],
        ]),
        aggregate([
          ['group_by', 'pool_id'],
          ['filter[owner_id][eq]', userId ?? ''],
          ['filter[state][eq]', 'owned'],
        ]),
      ]);
      const count = (g: Groups['data'], v: string) => g.find((x) => x.value === v)?.count ?? 0;
      return {
        owned: count(byState, 'owned'),
        won: count(byState, 'won'),
        perPool: Object.fromEntries(byPool.map((g) => [g.value ?? '', g.count])),
      };
    },
  });

export const useAccountPoolMembers = (poolId: string | undefined) =>
  useQuery({
    queryKey: accountKeys.members(poolId ?? ''),
    queryFn: () => fetchAccountPoolMembers(poolId ?? ''),
    enabled: !!poolId,
    // a pool the caller cannot read answers 404: no role, nothing to retry
    retry: false,
  });

export const useOverview = (id: string) =>
  useQuery({ queryKey: accountKeys.overview(id), queryFn: () => fetchOverview(id) });
