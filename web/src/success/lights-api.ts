import { useQuery } from '@tanstack/react-query';
import { apiFetch, buildQuery } from '../api/http-client';
import type { components } from '../api/schema';
import type { JsonBody, ResponseBody } from '../api/types';
import type { LightAction } from './lights-logic';

/** Traffic lights (按灯), complaints and survey links (docs/API.md §26–§27), generated types. */
type Schemas = components['schemas'];
export type Light = Schemas['TrafficLight'];
export type LightReport = ResponseBody<'/api/v1/success/lights/report', 'get'>['data'];
export type RaiseBody = JsonBody<'/api/v1/accounts/{id}/lights', 'post'>;
export type ComplaintBody = JsonBody<'/api/v1/accounts/{id}/complaints', 'post'>;
export type PublicSurvey = Schemas['PublicSurvey'];
export type SurveyAnswer = JsonBody<'/api/v1/public/surveys/{token}', 'post'>;

const enc = encodeURIComponent;
const data = <T>(p: Promise<{ data: T }>) => p.then((r) => r.data);

// Lights live on accounts and make tasks: under 'records/account' so a generic write refreshes them.
export const lightKeys = {
  all: ['records', 'account', 'success', 'lights'] as const,
  board: (accountId: string | null) =>
    ['records', 'account', 'success', 'lights', 'board', accountId] as const,
  one: (id: string) => ['records', 'account', 'success', 'lights', 'one', id] as const,
  report: (from: string, to: string) =>
    ['records', 'account', 'success', 'lights', 'report', from, to] as const,
};

export const fetchLights = (accountId: string | null) =>
  data(apiFetch<{ data: Light[] }>(`/api/v1/success/lights${buildQuery({ account_id: accountId })}`));
export const useLights = (accountId: string | null, enabled = true) =>
  useQuery({ queryKey: lightKeys.board(accountId), queryFn: () => fetchLights(accountId), enabled });

export const fetchLight = (id: string) => data(apiFetch<{ data: Light }>(`/api/v1/lights/${enc(id)}`));

export const fetchLightReport = (from: string, to: string) =>
  data(apiFetch<{ data: LightReport }>(`/api/v1/success/lights/report${buildQuery({ from, to })}`));

export const raiseLight = (accountId: string, body: RaiseBody) =>
  data(apiFetch<{ data: Light }>(`/api/v1/accounts/${enc(accountId)}/lights`, { method: 'POST', body }));
export const fileComplaint = (accountId: string, body: ComplaintBody) =>
  data(
    apiFetch<{ data: { complaint_id: string; light: Light } }>(
      `/api/v1/accounts/${enc(accountId)}/complaints`,
      { method: 'POST', body },
    ),
  );

/** POST /api/v1/lights/{id}/{action}; the body is the action's own (checked by the server). */
export const lightAction = (id: string, action: LightAction, body: Record<string, unknown>) =>
  data(apiFetch<{ data: Light }>(`/api/v1/lights/${enc(id)}/${action}`, { method: 'POST', body }));

export const fetchPublicSurvey = (token: string) =>
  data(apiFetch<{ data: PublicSurvey }>(`/api/v1/public/surveys/${enc(token)}`));
export const answerSurvey = (token: string, body: SurveyAnswer) =>
  data(apiFetch<{ data: { ok: true } }>(`/api/v1/public/surveys/${enc(token)}`, { method: 'POST', body }));
