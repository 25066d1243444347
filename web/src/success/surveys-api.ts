import { useQuery } from '@tanstack/react-query';
import { apiFetch, buildQuery } from '../api/http-client';
import { listRecords } from '../api/endpoints';
import type { components } from '../api/schema';
import type { JsonBody, ResponseBody } from '../api/types';
import { surveyOf, type GroupBy } from './surveys-logic';

/** Survey definitions, questions, sending and results (docs/API.md §27), generated types. */
type Schemas = components['schemas'];
export type SurveyQuestion = Schemas['SurveyQuestion'];
export type SurveyResults = Schemas['SurveyResults'];
export type QuestionResult = Schemas['SurveyQuestionResult'];
export type TextAnswer = Schemas['SurveyTextAnswer'];
export type AnswersPage = ResponseBody<'/api/v1/success/surveys/{id}/answers', 'get'>['data'];
export type QuestionsBody = JsonBody<'/api/v1/surveys/{id}/questions', 'put'>;
export type SendBody = JsonBody<'/api/v1/surveys/{id}/send', 'post'>;
export type SendResult = ResponseBody<'/api/v1/surveys/{id}/send', 'post'>['data'];
export type Questions = ResponseBody<'/api/v1/surveys/{id}/questions', 'get'>['data'];

const enc = encodeURIComponent;
const data = <T>(p: Promise<{ data: T }>) => p.then((r) => r.data);

export interface ResultsQuery {
  from?: string;
  to?: string;
  group_by?: GroupBy;
}

// Under 'records/survey' (like the record page's own key), so a generic write refreshes them all:
// saving questions or a status change bumps the survey's version, which every form sends back.
export const surveyKeys = {
  all: ['records', 'survey'] as const,
  list: ['records', 'survey', 'success', 'list'] as const,
  questions: (id: string) => ['records', 'survey', 'success', 'questions', id] as const,
  results: (id: string, q: ResultsQuery) =>
    ['records', 'survey', 'success', 'results', id, q.from ?? '', q.to ?? '', q.group_by ?? ''] as const,
};

/** Every survey definition (a tenant keeps a handful), newest first. */
export const fetchSurveys = () =>
  listRecords('survey', { filter: [], sort: '-created_at', limit: 200 }).then((r) => r.data.map(surveyOf));
export const useSurveys = () => useQuery({ queryKey: surveyKeys.list, queryFn: fetchSurveys });

export const fetchQuestions = (id: string) =>
  data(apiFetch<{ data: Questions }>(`/api/v1/surveys/${enc(id)}/questions`));
export const useQuestions = (id: string) =>
  useQuery({ queryKey: surveyKeys.questions(id), queryFn: () => fetchQuestions(id) });

export const saveQuestions = (id: string, body: QuestionsBody) =>
  data(apiFetch<{ data: Questions }>(`/api/v1/surveys/${enc(id)}/questions`, { method: 'PUT', body }));

export const sendSurvey = (id: string, body: SendBody) =>
  data(apiFetch<{ data: SendResult }>(`/api/v1/surveys/${enc(id)}/send`, { method: 'POST', body }));

export const fetchResults = (id: string, q: ResultsQuery) =>
  data(
    apiFetch<{ data: SurveyResults }>(
      `/api/v1/success/surveys/${enc(id)}/results${buildQuery({ from: q.from, to: q.to, group_by: q.group_by })}`,
    ),
  );
/** One page of an extra question's answers, newest first (the results carry the first few). */
export const fetchAnswers = (
  id: string,
  q: { key: string; from: string; to: string; offset: number; limit: number },
) =>
  data(
    apiFetch<{ data: AnswersPage }>(
      `/api/v1/success/surveys/${enc(id)}/answers${buildQuery({
        key: q.key,
        from: q.from,
        to: q.to,
        offset: String(q.offset),
        limit: String(q.limit),
      })}`,
    ),
  );

export const useResults = (id: string, q: ResultsQuery, enabled = true) =>
  useQuery({
    queryKey: surveyKeys.results(id, q),
    queryFn: () => fetchResults(id, q),
    enabled,
    retry: false,
  });
