import { useQuery } from '@tanstack/react-query';
import { apiFetch, buildQuery } from '../api/http-client';
import type { components } from '../api/schema';
import type { JsonBody } from '../api/types';

/** Service tiers, cadence and touch rate (docs/API.md §29), generated types. */
type Schemas = components['schemas'];
export type TierSettings = Schemas['ServiceTierSettings'];
export type TierRule = TierSettings['tiers'][number];
export type TierSettingsBody = JsonBody<'/api/v1/success/tiers/settings', 'put'>;
export type TouchRate = Schemas['TouchRate'];
export type OverdueTouch = Schemas['OverdueTouch'];
export type JobRun = Schemas['JobRun'];

const data = <T>(p: Promise<{ data: T }>) => p.then((r) => r.data);

// Touches are activities on accounts: under 'records/account' so logging one refreshes these.
export const tierKeys = {
  settings: ['success', 'tiers', 'settings'] as const,
  touch: ['records', 'account', 'success', 'touch'] as const,
  rate: (asOf: string, period: string, csm: string | null) =>
    ['records', 'account', 'success', 'touch', 'rate', asOf, period, csm] as const,
  overdue: (asOf: string, csm: string | null) =>
    ['records', 'account', 'success', 'touch', 'overdue', asOf, csm] as const,
};

export const fetchTierSettings = () =>
  data(apiFetch<{ data: TierSettings }>('/api/v1/success/tiers/settings'));
export const useTierSettings = () => useQuery({ queryKey: tierKeys.settings, queryFn: fetchTierSettings });

export const saveTierSettings = (body: TierSettingsBody) =>
  data(apiFetch<{ data: TierSettings }>('/api/v1/success/tiers/settings', { method: 'PUT', body }));

/** Runs the success.tiers job now (administrators): re-tier, assign, remind. */
export const runTiers = (asOf?: string) =>
  data(
    apiFetch<{ data: JobRun }>('/api/v1/success/tiers/run', {
      method: 'POST',
      body: asOf ? { as_of: asOf } : {},
    }),
  );

export const fetchTouchRate = (asOf: string, period: string, csm: string | null) =>
  data(
    apiFetch<{ data: TouchRate }>(
      `/api/v1/success/touch-rate${buildQuery({ as_of: asOf, period, csm_id: csm })}`,
    ),
  );

export const fetchOverdue = (asOf: string, csm: string | null) =>
  apiFetch<{ data: OverdueTouch[]; meta: { total: number; as_of: string } }>(
    `/api/v1/success/touches/overdue${buildQuery({ as_of: asOf, csm_id: csm })}`,
  );

/** My day: the caller's own overdue calls and visits (customers they serve as CSM) on `asOf`. */
export const useMyOverdueTouches = (asOf: string | undefined, userId: string | undefined) =>
  useQuery({
    queryKey: tierKeys.overdue(asOf ?? '', userId ?? null),
    queryFn: () => fetchOverdue(asOf ?? '', userId ?? null),
    enabled: !!asOf && !!userId,
    retry: false,
  });
