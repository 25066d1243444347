import { useQuery, type QueryClient, type QueryKey } from '@tanstack/react-query';
import { apiFetch, buildQuery } from '../api/http-client';
import type { components } from '../api/schema';
import type { JsonBody, ResponseBody } from '../api/types';

/** Lifecycle journeys (docs/API.md §28), generated types. */
type Schemas = components['schemas'];
export type Journey = Schemas['Journey'];
export type JourneySummary = Schemas['JourneySummary'];
export type JourneyStage = Schemas['JourneyStage'];
export type JourneyTask = Schemas['JourneyTask'];
export type JourneyTemplate = Schemas['JourneyTemplate'];
export type TemplateStage = Schemas['JourneyTemplateStage'];
export type TemplateBody = JsonBody<'/api/v1/success/journeys/template', 'put'>;
export type TaskBody = JsonBody<'/api/v1/journeys/{id}/stages/{stage}/tasks/{task}', 'put'>;
export type CompleteBody = JsonBody<'/api/v1/journeys/{id}/complete-stage', 'post'>;
export type CompleteResult = ResponseBody<'/api/v1/journeys/{id}/complete-stage', 'post'>;
export type AccountJourney = ResponseBody<'/api/v1/accounts/{id}/journey', 'get'>;
export type Durations = ResponseBody<'/api/v1/success/journeys/report', 'get'>['data'];
export type JourneyList = ResponseBody<'/api/v1/success/journeys', 'get'>;

const enc = encodeURIComponent;
const data = <T>(p: Promise<{ data: T }>) => p.then((r) => r.data);

// Journeys live on accounts and make tasks: under 'records/account' so a generic write refreshes them.
export const journeyKeys = {
  all: ['records', 'account', 'success', 'journeys'] as const,
  ofAccount: (accountId: string) =>
    ['records', 'account', 'success', 'journeys', 'account', accountId] as const,
  one: (id: string) => ['records', 'account', 'success', 'journeys', 'one', id] as const,
  list: (overdue: boolean) => ['records', 'account', 'success', 'journeys', 'list', overdue] as const,
  report: (from: string, to: string) =>
    ['records', 'account', 'success', 'journeys', 'report', from, to] as const,
  template: ['records', 'account', 'success', 'journeys', 'template'] as const,
};

/**
 * The journey queries that show a customer's key-task results: its journey under way and each
 * earlier one the panel may have open (their ids from the cached account answer). A file result is
 * a file on the customer, so a change in the account's files must re-read these.
 */
export function accountJourneyKeys(
  accountId: string,
  cached: { meta: { journeys: readonly { id: string }[] } } | undefined,
): QueryKey[] {
  return [
    journeyKeys.ofAccount(accountId),
    ...(cached?.meta.journeys ?? []).map((j) => journeyKeys.one(j.id)),
  ];
}

export const invalidateAccountJourneys = (qc: QueryClient, accountId: string) =>
  Promise.all(
    accountJourneyKeys(accountId, qc.getQueryData<AccountJourney>(journeyKeys.ofAccount(accountId))).map(
      (queryKey) => qc.invalidateQueries({ queryKey }),
    ),
  );

export const fetchAccountJourney = (accountId: string) =>
  apiFetch<AccountJourney>(`/api/v1/accounts/${enc(accountId)}/journey`);
export const useAccountJourney = (accountId: string, enabled = true) =>
  useQuery({
    queryKey: journeyKeys.ofAccount(accountId),
    queryFn: () => fetchAccountJourney(accountId),
    enabled,
  });

export const fetchJourney = (id: string) => data(apiFetch<{ data: Journey }>(`/api/v1/journeys/${enc(id)}`));

export const startJourney = (accountId: string, startedOn?: string) =>
  data(
    apiFetch<{ data: Journey }>(`/api/v1/accounts/${enc(accountId)}/journey`, {
      method: 'POST',
      body: startedOn ? { started_on: startedOn } : {},
    }),
  );

export const recordTask = (id: string, stage: string, task: string, body: TaskBody) =>
  data(
    apiFetch<{ data: Journey }>(`/api/v1/journeys/${enc(id)}/stages/${enc(stage)}/tasks/${enc(task)}`, {
      method: 'PUT',
      body,
    }),
  );

export const completeStage = (id: string, body: CompleteBody) =>
  apiFetch<CompleteResult>(`/api/v1/journeys/${enc(id)}/complete-stage`, { method: 'POST', body });

export const cancelJourney = (id: string, reason: string, version: number) =>
  data(
    apiFetch<{ data: Journey }>(`/api/v1/journeys/${enc(id)}/cancel`, {
      method: 'POST',
      body: { reason, version },
    }),
  );

export const useJourneyList = (overdue: boolean) =>
  useQuery({
    queryKey: journeyKeys.list(overdue),
    queryFn: () =>
      apiFetch<JourneyList>(`/api/v1/success/journeys${buildQuery({ overdue: overdue || null })}`),
  });

export const useDurations = (from: string, to: string) =>
  useQuery({
    queryKey: journeyKeys.report(from, to),
    queryFn: () =>
      data(apiFetch<{ data: Durations }>(`/api/v1/success/journeys/report${buildQuery({ from, to })}`)),
  });

export const useJourneyTemplate = () =>
  useQuery({
    queryKey: journeyKeys.template,
    queryFn: () => data(apiFetch<{ data: JourneyTemplate }>('/api/v1/success/journeys/template')),
  });

export const saveJourneyTemplate = (body: TemplateBody) =>
  data(apiFetch<{ data: JourneyTemplate }>('/api/v1/success/journeys/template', { method: 'PUT', body }));
