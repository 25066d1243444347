import { apiFetch, buildQuery } from '../api/http-client';
import type { components } from '../api/schema';
import type { SplitKind } from './performance-logic';

/** Performance, commissions, order splits and the payments digest (docs/API.md §18.x, §18.y). */
type Schemas = components['schemas'];
export type MyPerformance = Schemas['MyPerformance'];
export type PerformanceRow = Schemas['PerformanceRow'];
export type CommissionStatement = Schemas['CommissionStatement'];
export type OrderSplits = Schemas['OrderSplits'];
export type DigestSubscription = Schemas['PaymentsDigestSubscription'];

const enc = encodeURIComponent;

export const perfKeys = {
  me: (period: string) => ['performance', 'me', period] as const,
  team: (period: string, groupBy: string) => ['performance', 'team', period, groupBy] as const,
  statements: (period: string) => ['performance', 'statements', period] as const,
  splits: (orderId: string) => ['records', 'order', 'splits', orderId] as const,
  digest: ['cash', 'digest', 'subscription'] as const,
};

export const fetchMyPerformance = (period: string) =>
  apiFetch<{ data: MyPerformance }>(`/api/v1/performance/me${buildQuery({ period })}`).then((r) => r.data);
export const fetchTeamPerformance = (period: string, groupBy: 'user' | 'department') =>
  apiFetch<{ data: PerformanceRow[] }>(
    `/api/v1/performance${buildQuery({ period, group_by: groupBy })}`,
  ).then((r) => r.data);
export const fetchStatements = (period: string) =>
  apiFetch<{ data: CommissionStatement[] }>(`/api/v1/commissions/statements${buildQuery({ period })}`).then(
    (r) => r.data,
  );
export const statementAction = (id: string, action: 'approve' | 'lock') =>
  apiFetch<{ data: CommissionStatement }>(`/api/v1/commissions/statements/${enc(id)}/${action}`, {
    method: 'POST',
  }).then((r) => r.data);

export const fetchSplits = (orderId: string) =>
  apiFetch<{ data: OrderSplits }>(`/api/v1/orders/${enc(orderId)}/splits`).then((r) => r.data);
export const saveSplits = (
  orderId: string,
  splits: { user_id: string; role: string; kind: SplitKind; percent: number }[],
) =>
  apiFetch<{ data: OrderSplits }>(`/api/v1/orders/${enc(orderId)}/splits`, {
    method: 'PUT',
    body: { splits },
  }).then((r) => r.data);

export const fetchDigest = () =>
  apiFetch<{ data: DigestSubscription }>('/api/v1/cash/digest/subscription').then((r) => r.data);
export const saveDigest = (body: DigestSubscription) =>
  apiFetch<{ data: DigestSubscription }>('/api/v1/cash/digest/subscription', { method: 'PUT', body }).then(
    (r) => r.data,
  );
