import { useQuery } from '@tanstack/react-query';
import { apiFetch, buildQuery } from '../api/http-client';
import type { components } from '../api/schema';
import type { JsonBody, RecordData } from '../api/types';
import type { MovementKind, RenewalGroupBy, RenewalView } from './months';

/** Subscriptions, renewals and SaaS metrics (server/src/modules/subscriptions), generated types. */
type Schemas = components['schemas'];
export type ArrReport = Schemas['ArrReport'];
export type MovementRow = Schemas['ArrMovementMonth'];
export type MovementCustomer = Schemas['ArrMovementCustomer'];
export type RenewalReport = Schemas['RenewalReport'];
export type RenewalGroup = RenewalReport['groups'][number];
export type Retention = Schemas['Retention'];
export type Cohort = Schemas['Cohort'];
export type DueRow = Schemas['DueRenewalRow'];
export type AccountSubscriptions = Schemas['AccountSubscriptions'];
export type ExchangeRates = Schemas['ExchangeRates'];
export type SubscriptionSettings = Schemas['SubscriptionSettings'];
export type AdjustmentBody = JsonBody<'/api/v1/renewal-adjustments', 'post'>;
export type AdjustmentReason = AdjustmentBody['reason'];
export type RateBody = JsonBody<'/api/v1/subscriptions/exchange-rates', 'put'>;
export const DUE_BUCKETS = ['due_3m', 'due_1m', 'overdue', 'all'] as const;
export type DueBucket = (typeof DUE_BUCKETS)[number];

const enc = encodeURIComponent;
const data = <T>(p: Promise<{ data: T }>) => p.then((r) => r.data);

// Under 'records/<object>' so generic writes to these objects (and orders, which book the
// ledger) refresh the views: everything here derives from subscription lines and due records.
export const subKeys = {
  all: ['records', 'subscription'] as const,
  arr: (asOf: string) => ['records', 'subscription', 'arr', asOf] as const,
  movements: (from: string, to: string) => ['records', 'subscription', 'movements', from, to] as const,
  drill: (month: string, kind: MovementKind) => ['records', 'subscription', 'drill', month, kind] as const,
  renewals: (from: string, to: string, view: RenewalView, group: RenewalGroupBy | null) =>
    ['records', 'subscription', 'renewals', from, to, view, group] as const,
  retention: (from: string, to: string) => ['records', 'subscription', 'retention', from, to] as const,
  cohorts: (from: string, to: string) => ['records', 'subscription', 'cohorts', from, to] as const,
  account: (accountId: string) => ['records', 'subscription', 'account', accountId] as const,
  due: (bucket: DueBucket, ownerId: string | null) =>
    ['records', 'due_renewal', 'due', bucket, ownerId] as const,
  rates: ['subscriptions', 'exchange-rates'] as const,
  settings: ['subscriptions', 'settings'] as const,
};

export const fetchArr = (asOf: string) =>
  data(apiFetch<{ data: ArrReport }>(`/api/v1/metrics/arr${buildQuery({ as_of: asOf })}`));
export const fetchMovements = (from: string, to: string) =>
  data(apiFetch<{ data: MovementRow[] }>(`/api/v1/metrics/arr-movements${buildQuery({ from, to })}`));
export const fetchMovementCustomers = (month: string, kind: MovementKind) =>
  data(
    apiFetch<{ data: MovementCustomer[] }>(
      `/api/v1/metrics/arr-movements/customers${buildQuery({ month, kind })}`,
    ),
  );
/** Renewal rates per due month and in total; with a grouping, per group too. */
export const fetchRenewalReport = (
  from: string,
  to: string,
  view: RenewalView,
  group: RenewalGroupBy | null,
) =>
  data(
    apiFetch<{ data: RenewalReport }>(
      `/api/v1/metrics/renewals${buildQuery({ from, to, view, group_by: group })}`,
    ),
  );
export const fetchRetention = (from: string, to: string) =>
  data(apiFetch<{ data: Retention[] }>(`/api/v1/metrics/retention${buildQuery({ from, to })}`));
export const fetchCohorts = (from: string, to: string) =>
  data(apiFetch<{ data: Cohort[] }>(`/api/v1/metrics/cohorts${buildQuery({ from, to })}`));

export const fetchDue = (bucket: DueBucket, ownerId: string | null) =>
  data(
    apiFetch<{ data: { as_of: string; rows: DueRow[] } }>(
      `/api/v1/renewals/due${buildQuery({ bucket, owner_id: ownerId })}`,
    ),
  );
export const requestAdjustment = (body: AdjustmentBody) =>
  data(apiFetch<{ data: RecordData }>('/api/v1/renewal-adjustments', { method: 'POST', body }));

export const fetchAccountSubscriptions = (accountId: string) =>
  data(apiFetch<{ data: AccountSubscriptions }>(`/api/v1/accounts/${enc(accountId)}/subscriptions`));
export const useAccountSubscriptions = (accountId: string, enabled: boolean) =>
  useQuery({
    queryKey: subKeys.account(accountId),
    queryFn: () => fetchAccountSubscriptions(accountId),
    enabled,
  });

export const fetchRates = () =>
  data(apiFetch<{ data: ExchangeRates }>('/api/v1/subscriptions/exchange-rates'));
export const putRate = (body: RateBody) =>
  data(
    apiFetch<{ data: RateBody & { booked_orders: number } }>('/api/v1/subscriptions/exchange-rates', {
      method: 'PUT',
      body,
    }),
  );
export const fetchSettings = () =>
  data(apiFetch<{ data: SubscriptionSettings }>('/api/v1/subscriptions/settings'));
export const saveSettings = (body: SubscriptionSettings) =>
  data(apiFetch<{ data: SubscriptionSettings }>('/api/v1/subscriptions/settings', { method: 'PUT', body }));
