import { useQuery } from '@tanstack/react-query';
import { apiFetch, buildQuery } from '../api/http-client';
import type { components } from '../api/schema';
import type { DirectoryUser, JsonBody } from '../api/types';

// Forecasts, targets and the funnel (docs/API.md section 17); shapes generated from the OpenAPI
// document (npm run gen:api), never written by hand.
type Schemas = components['schemas'];

export type Forecast = Schemas['Forecast'];
export type ForecastFigures = Schemas['ForecastFigures'];
export type ForecastAdjustmentApplied = Schemas['ForecastAdjustmentApplied'];
export type ForecastAccuracy = Schemas['ForecastAccuracy'];
export type AccuracyRow = ForecastAccuracy['rows'][number];
export type ForecastSubmission = Schemas['ForecastSubmission'];
export type SalesTarget = Schemas['SalesTarget'];
export type TargetAttainment = Schemas['TargetAttainment'];
export type AttainmentRow = TargetAttainment['rows'][number];
export type SalesFunnel = Schemas['SalesFunnel'];
export type FunnelStep = SalesFunnel['steps'][number];
export type FunnelOwner = SalesFunnel['by_owner'][number];
export type Department = Schemas['Department'];
export type SalesPipelineRef = Schemas['SalesPipeline'];
export type { DirectoryUser };

export type SubmissionBody = JsonBody<'/api/v1/sales/forecast/submissions', 'post'>;
export type AdjustmentBody = JsonBody<'/api/v1/sales/forecast/adjustments', 'post'>;
export type TargetsBody = JsonBody<'/api/v1/sales/targets', 'put'>;
export type TargetInput = TargetsBody['targets'][number];

export type ForecastPeriodKind = Forecast['period']['kind'] & ('month' | 'quarter');
export type TargetPeriodKind = SalesTarget['period_kind'];
export type AdjustableCategory = AdjustmentBody['category'];

const base = '/api/v1/sales';

export interface ForecastQuery {
  period: ForecastPeriodKind;
  start: string;
  owner_id?: string;
  department_id?: string;
}

// Under 'records/opportunity' so a deal edited elsewhere refreshes these figures too.
export const forecastKeys = {
  forecast: (q: ForecastQuery) => ['records', 'opportunity', 'forecast', q] as const,
  accuracy: (period: string, start: string) =>
    ['records', 'opportunity', 'forecast-accuracy', period, start] as const,
  targets: (year: number) => ['records', 'opportunity', 'targets', year] as const,
  attainment: (period: string, start: string) =>
    ['records', 'opportunity', 'attainment', period, start] as const,
  funnel: (q: FunnelQuery) => ['records', 'opportunity', 'funnel', q] as const,
  users: ['sales', 'directory-users'] as const,
  departments: ['sales', 'departments'] as const,
  pipelines: ['sales', 'pipelines'] as const,
};

export const fetchForecast = (q: ForecastQuery) =>
  apiFetch<{ data: Forecast }>(`${base}/forecast${buildQuery({ ...q })}`).then((r) => r.data);
export const useForecast = (q: ForecastQuery) =>
  useQuery({
    queryKey: forecastKeys.forecast(q),
    queryFn: () => fetchForecast(q),
    placeholderData: (p) => p,
  });

export const useAccuracy = (period: ForecastPeriodKind, start: string) =>
  useQuery({
    queryKey: forecastKeys.accuracy(period, start),
    queryFn: () =>
      apiFetch<{ data: ForecastAccuracy }>(`${base}/forecast/accuracy${buildQuery({ period, start })}`).then(
        (r) => r.data,
      ),
  });

export const submitForecast = (body: SubmissionBody) =>
  apiFetch<{ data: ForecastSubmission }>(`${base}/forecast/submissions`, { method: 'POST', body }).then(
    (r) => r.data,
  );
export const adjustForecast = (body: AdjustmentBody) =>
  apiFetch<{ data: Schemas['ForecastAdjustment'] }>(`${base}/forecast/adjustments`, {
    method: 'POST',
    body,
  }).then((r) => r.data);

export const useTargets = (year: number) =>
  useQuery({
    queryKey: forecastKeys.targets(year),
    queryFn: () =>
      apiFetch<{ data: SalesTarget[] }>(`${base}/targets${buildQuery({ year })}`).then((r) => r.data),
  });
export const saveTargets = (body: TargetsBody) =>
  apiFetch<{ data: SalesTarget[] }>(`${base}/targets`, { method: 'PUT', body }).then((r) => r.data);

export const useAttainment = (period: TargetPeriodKind, start: string) =>
  useQuery({
    queryKey: forecastKeys.attainment(period, start),
    queryFn: () =>
      apiFetch<{ data: TargetAttainment }>(`${base}/targets/attainment${buildQuery({ period, start })}`).then(
        (r) => r.data,
      ),
    placeholderData: (p) => p,
  });

export interface FunnelQuery {
  from: string;
  to: string;
  pipeline_id?: string;
  owner_id?: string;
}
export const useFunnel = (q: FunnelQuery) =>
  useQuery({
    queryKey: forecastKeys.funnel(q),
    queryFn: () =>
      apiFetch<{ data: SalesFunnel }>(`${base}/funnel${buildQuery({ ...q })}`).then((r) => r.data),
    placeholderData: (p) => p,
  });

/** Active users (for subject pickers; the server still decides who may see whom). */
export const useDirectoryUsers = () =>
  useQuery({
    queryKey: forecastKeys.users,
    queryFn: () => apiFetch<{ data: DirectoryUser[] }>('/api/v1/users').then((r) => r.data),
    staleTime: 300_000,
  });
export const useDepartments = () =>
  useQuery({
    queryKey: forecastKeys.departments,
    queryFn: () => apiFetch<{ data: Department[] }>('/api/v1/departments').then((r) => r.data),
    staleTime: 300_000,
  });
export const usePipelines = () =>
  useQuery({
    queryKey: forecastKeys.pipelines,
    queryFn: () => apiFetch<{ data: SalesPipelineRef[] }>(`${base}/pipelines`).then((r) => r.data),
    staleTime: 300_000,
  });
