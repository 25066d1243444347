import { useQuery } from '@tanstack/react-query';
import { apiFetch, buildQuery } from '../api/http-client';
import type { components } from '../api/schema';
import type { JsonBody } from '../api/types';

// Response shapes come from the server's OpenAPI document (npm run gen:api); see src/api/types.ts.
type Schemas = components['schemas'];

const enc = encodeURIComponent;

/** GET /leads/analytics (API.md 13.10). */
export type LeadAnalytics = Schemas['LeadAnalytics'];
export type Granularity = LeadAnalytics['period']['granularity'];

export const fetchAnalytics = (q: { from: string; to: string; granularity: Granularity }) =>
  apiFetch<{ data: LeadAnalytics }>(`/api/v1/leads/analytics${buildQuery(q)}`).then((r) => r.data);

export const useLeadAnalytics = (q: { from: string; to: string; granularity: Granularity }) =>
  useQuery({
    queryKey: ['leads', 'analytics', q],
    queryFn: () => fetchAnalytics(q),
    placeholderData: (p) => p,
  });

// --- settings (LEADS.md 12.1) ---

export type Condition = Schemas['LeadCondition'];
export type ConditionOp = Condition['op'];
export type DuplicateRule = Schemas['DuplicateRule'];
export type ScoringRule = Schemas['ScoringRule'];
export type Behaviour = Extract<ScoringRule, { kind: 'behaviour' }>['behaviour'];
export type AssignmentRule = Schemas['AssignmentRule'];
/** GET/PUT /leads/settings: the settings with defaults filled in. */
export type LeadSettings = Schemas['LeadSettings'];
/** A lead field copied into an account or contact field on conversion (LEADS.md section 9). */
export type ConversionMapping = Schemas['ConversionMapping'];

export const SETTINGS_KEY = ['leads', 'settings'] as const;
export const fetchLeadSettings = () =>
  apiFetch<{ data: LeadSettings }>('/api/v1/leads/settings').then((r) => r.data);
export const saveLeadSettings = (body: LeadSettings) =>
  apiFetch<{ data: LeadSettings }>('/api/v1/leads/settings', { method: 'PUT', body }).then((r) => r.data);
export const useLeadSettings = () => useQuery({ queryKey: SETTINGS_KEY, queryFn: fetchLeadSettings });

// --- web-to-lead forms (API.md 13.9) ---

export type LeadForm = Schemas['LeadForm'];
/** Body of PATCH /leads/forms/{id} (create: the same keys, `name` required, no `active`). */
export type LeadFormInput = JsonBody<'/api/v1/leads/forms/{id}', 'patch'>;

export const FORMS_KEY = ['leads', 'forms'] as const;
export const useLeadForms = (enabled: boolean) =>
  useQuery({
    queryKey: FORMS_KEY,
    queryFn: () => apiFetch<{ data: LeadForm[] }>('/api/v1/leads/forms').then((r) => r.data),
    enabled,
  });
export const createLeadForm = (body: LeadFormInput & { name: string }) =>
  apiFetch<{ data: Schemas['LeadFormCreated'] }>('/api/v1/leads/forms', { method: 'POST', body }).then(
    (r) => r.data,
  );
export const patchLeadForm = (id: string, body: LeadFormInput) =>
  apiFetch<{ data: LeadForm }>(`/api/v1/leads/forms/${enc(id)}`, { method: 'PATCH', body }).then(
    (r) => r.data,
  );

// --- campaign stats ---

/** GET /leads/campaigns/{id}/stats (API.md 13.12); money in minor units of `currency`. */
export type CampaignStats = Schemas['CampaignStats'];

export const campaignStatsKey = (id: string) => ['leads', 'campaign-stats', id] as const;
export const useCampaignStats = (id: string) =>
  useQuery({
    queryKey: campaignStatsKey(id),
    queryFn: () =>
      apiFetch<{ data: CampaignStats }>(`/api/v1/leads/campaigns/${enc(id)}/stats`).then((r) => r.data),
  });
