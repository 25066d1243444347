import { useQuery } from '@tanstack/react-query';
import { apiFetch, buildQuery } from '../api/http-client';
import type { components } from '../api/schema';
import { listRecords } from '../api/endpoints';
import type { FilterCondition, JsonBody, ResponseBody } from '../api/types';
import {
  OPEN_WORK_ORDER,
  toWorkOrder,
  type HealthStatus,
  type WorkOrder,
  type WorkOrderAction,
} from './logic';
import type { HealthModelBody } from './model-form';

/** Customer success (server/src/modules/success), generated types. */
type Schemas = components['schemas'];
export type HealthRow = Schemas['HealthRow'];
export type HealthList = ResponseBody<'/api/v1/success/health', 'get'>;
export type HealthMeta = HealthList['meta'];
export type HealthSnapshot = Schemas['HealthSnapshot'];
export type AccountHealth = ResponseBody<'/api/v1/accounts/{id}/health', 'get'>['data'];
export type ModelView = ResponseBody<'/api/v1/success/health-model', 'get'>['data'];

const enc = encodeURIComponent;
const data = <T>(p: Promise<{ data: T }>) => p.then((r) => r.data);

// Health derives from accounts (ARR, CSM) and work orders: under 'records/<object>' so generic
// writes to them (a new CSM on an account, a work order edited in its record page) refresh these.
export const successKeys = {
  all: ['records', 'account', 'success'] as const,
  health: (asOf: string, status: HealthStatus | null) =>
    ['records', 'account', 'success', 'health', asOf, status] as const,
  account: (accountId: string) => ['records', 'account', 'success', 'account', accountId] as const,
  model: ['success', 'health-model'] as const,
  workOrders: (scope: WorkOrderScope) => ['records', 'work_order', 'success', scope] as const,
};

export const fetchHealth = (asOf: string, status: HealthStatus | null) =>
  apiFetch<HealthList>(`/api/v1/success/health${buildQuery({ as_of: asOf, status })}`);

export const fetchAccountHealth = (accountId: string, weeks = 26) =>
  data(
    apiFetch<{ data: AccountHealth }>(`/api/v1/accounts/${enc(accountId)}/health${buildQuery({ weeks })}`),
  );
export const useAccountHealth = (accountId: string, enabled: boolean) =>
  useQuery({
    queryKey: successKeys.account(accountId),
    queryFn: () => fetchAccountHealth(accountId),
    enabled,
  });

export const fetchModel = () => data(apiFetch<{ data: ModelView }>('/api/v1/success/health-model'));
export const saveModel = (body: HealthModelBody) =>
  data(apiFetch<{ data: ModelView }>('/api/v1/success/health-model', { method: 'PUT', body }));

/** Which work orders a list shows: one customer's, one person's, or all the caller may see. */
export interface WorkOrderScope {
  accountId?: string;
  ownerId?: string;
  /** only those that still need someone to act (open, in progress, reopened) */
  openOnly: boolean;
}

export async function fetchWorkOrders(scope: WorkOrderScope): Promise<WorkOrder[]> {
  const filter: FilterCondition[] = [];
  if (scope.accountId) filter.push({ field: 'account_id', op: 'eq', value: scope.accountId });
  if (scope.ownerId) filter.push({ field: 'owner_id', op: 'eq', value: scope.ownerId });
  if (scope.openOnly) filter.push({ field: 'status', op: 'in', value: OPEN_WORK_ORDER.join(',') });
  const res = await listRecords('work_order', {
    filter,
    sort: 'due_date',
    limit: 200,
    expand: ['account_id', 'owner_id'],
  });
  return res.data.map(toWorkOrder);
}

export const useWorkOrders = (scope: WorkOrderScope, enabled = true) =>
  useQuery({ queryKey: successKeys.workOrders(scope), queryFn: () => fetchWorkOrders(scope), enabled });

type ActionBody = JsonBody<'/api/v1/work-orders/{id}/resolve', 'post'> &
  JsonBody<'/api/v1/work-orders/{id}/reopen', 'post'>;
/** POST /api/v1/work-orders/{id}/{action}: resolve needs the action taken, reopen a reason. */
export const workOrderAction = (
  id: string,
  action: WorkOrderAction,
  body: { version: number; action_taken?: string; reason?: string },
) =>
  data(
    apiFetch<{ data: Schemas['WorkOrder'] }>(`/api/v1/work-orders/${enc(id)}/${action}`, {
      method: 'POST',
      body: body satisfies Partial<ActionBody>,
    }),
  );

/** One customer's daily telemetry (GET /api/v1/accounts/{id}/usage). */
export type AccountUsage = Schemas['AccountUsage'];
export const fetchUsage = (accountId: string, from: string, to: string) =>
  data(
    apiFetch<{ data: AccountUsage }>(`/api/v1/accounts/${enc(accountId)}/usage${buildQuery({ from, to })}`),
  );
export const useUsage = (accountId: string, from: string, to: string, enabled: boolean) =>
  useQuery({
    queryKey: ['records', 'account', 'success', 'usage', accountId, from, to] as const,
    queryFn: () => fetchUsage(accountId, from, to),
    enabled,
  });

export type HealthRateMonth = Schemas['HealthRateMonth'];
export type HealthyArrBridge = Schemas['HealthyArrBridge'];
export type NineGrid = Schemas['NineGrid'];
export type NineGridCellData = NineGrid['cells'][number];
export type NineGridCell = Schemas['NineGridCell'];
export type NineGridTaskRun = Schemas['NineGridTaskRun'];
export type CellBody = JsonBody<'/api/v1/success/nine-grid/cells/{cell}', 'put'>;
export type IncentiveStatement = Schemas['CsmIncentiveStatement'];

export const metricKeys = {
  healthRate: (from: string, to: string) =>
    ['records', 'account', 'success', 'health-rate', from, to] as const,
  nineGrid: (asOf: string) => ['records', 'account', 'success', 'nine-grid', asOf] as const,
  cells: ['success', 'nine-grid-cells'] as const,
  incentive: (month: string) => ['success', 'csm-incentive', month] as const,
};

export const fetchHealthRate = (from: string, to: string) =>
  data(apiFetch<{ data: HealthRateMonth[] }>(`/api/v1/success/health-rate${buildQuery({ from, to })}`));

export const fetchNineGrid = (asOf: string) =>
  data(apiFetch<{ data: NineGrid }>(`/api/v1/success/nine-grid${buildQuery({ as_of: asOf })}`));
export const fetchCells = () => data(apiFetch<{ data: NineGridCell[] }>('/api/v1/success/nine-grid/cells'));
export const putCell = (cell: number, body: CellBody) =>
  data(apiFetch<{ data: NineGridCell }>(`/api/v1/success/nine-grid/cells/${cell}`, { method: 'PUT', body }));
export const createCellTasks = (cell: number, asOf: string) =>
  data(
    apiFetch<{ data: NineGridTaskRun }>(
      `/api/v1/success/nine-grid/${cell}/tasks${buildQuery({ as_of: asOf })}`,
      { method: 'POST' },
    ),
  );

export const fetchIncentive = (month: string) =>
  data(apiFetch<{ data: IncentiveStatement[] }>(`/api/v1/success/csm-incentive${buildQuery({ month })}`));
export const recomputeIncentive = (month: string) =>
  data(
    apiFetch<{ data: { written: number } }>(
      `/api/v1/success/csm-incentive/recompute${buildQuery({ month })}`,
      {
        method: 'POST',
      },
    ),
  );
export const incentiveAction = (id: string, action: 'approve' | 'lock', version: number) =>
  data(
    apiFetch<{ data: IncentiveStatement }>(`/api/v1/success/csm-incentive/${enc(id)}/${action}`, {
      method: 'POST',
      body: { version },
    }),
  );

export type HealthAlerts = ResponseBody<'/api/v1/success/alerts', 'get'>;
export type HealthAlert = Schemas['HealthAlert'];
export type WorkOrderSummary = ResponseBody<'/api/v1/success/work-orders/summary', 'get'>['data'];
export type RenewalModel = Schemas['RenewalModel'];
export type RenewalModelMetrics = Schemas['RenewalModelMetrics'];

export const alertKeys = {
  alerts: (level: string | null, nature: string | null) =>
    ['records', 'work_order', 'success', 'alerts', level, nature] as const,
  summary: ['records', 'work_order', 'success', 'summary'] as const,
  model: ['success', 'renewal-model'] as const,
};

/** The latest scored week's alerts (most severe first). */
export const fetchAlerts = (level: string | null, nature: string | null) =>
  apiFetch<HealthAlerts>(`/api/v1/success/alerts${buildQuery({ level, nature })}`);
export const fetchWorkOrderSummary = () =>
  data(apiFetch<{ data: WorkOrderSummary }>('/api/v1/success/work-orders/summary'));

export const fetchRenewalModel = () => data(apiFetch<{ data: RenewalModel | null }>('/api/v1/success/model'));
export const trainRenewalModel = () =>
  data(
    apiFetch<{ data: ResponseBody<'/api/v1/success/model/train', 'post'>['data'] }>(
      '/api/v1/success/model/train',
      {
        method: 'POST',
      },
    ),
  );
