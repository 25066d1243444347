import { useQuery } from '@tanstack/react-query';
import { apiFetch, buildQuery } from '../api/http-client';
import type { Localized } from '../api/types';

const enc = encodeURIComponent;

export type Granularity = 'day' | 'week' | 'month';

/** GET /leads/analytics (API.md 13.10). */
export interface LeadAnalytics {
  period: { from: string; to: string; granularity: Granularity; time_zone: string };
  trend: Array<{ period: string; source: string | null; count: number }>;
  funnel: {
    captured: number;
    contacted: number;
    converted: number;
    invalid: number;
    rates: { contacted: number; converted: number };
  };
  by_source: Array<{ source: string | null; captured: number; converted: number; conversion_rate: number }>;
  invalid_reasons: Array<{ reason: string | null; count: number }>;
  owners: Array<{
    owner_id: string;
    owner_name: string;
    holding: number;
    converted: number;
    first_followup_median_hours: number | null;
    first_followup_p90_hours: number | null;
  }>;
  pool_moves: Array<{ kind: string; count: number }>;
  campaigns: Array<{
    campaign_id: string;
    name: string;
    cost: number | null;
    currency: string | null;
    leads: number;
    converted: number;
    cost_per_lead: number | null;
    cost_per_converted: number | null;
  }>;
}

export const fetchAnalytics = (q: { from: string; to: string; granularity: Granularity }) =>
  apiFetch<{ data: LeadAnalytics }>(`/api/v1/leads/analytics${buildQuery(q)}`).then((r) => r.data);

export const useLeadAnalytics = (q: { from: string; to: string; granularity: Granularity }) =>
  useQuery({
    queryKey: ['leads', 'analytics', q],
    queryFn: () => fetchAnalytics(q),
    placeholderData: (p) => p,
  });

// --- settings (LEADS.md 12.1) ---

export type ConditionOp = 'eq' | 'ne' | 'contains' | 'gte' | 'lte' | 'in' | 'is_set';
export interface Condition {
  field: string;
  op: ConditionOp;
  value?: unknown;
}
export interface DuplicateRule {
  id: string;
  fields: Array<{ field: 'mobile' | 'email' | 'company'; match: 'exact' | 'fuzzy' }>;
  combinator: 'and' | 'or';
  onCapture: 'merge' | 'review';
}
interface ScoringRuleBase {
  id: string;
  label: Localized;
  group: string;
  points: number;
}
export type Behaviour = 'form_submitted' | 'campaign_attended' | 'campaign_registered';
export type ScoringRule =
  | (ScoringRuleBase & { kind: 'field'; when: Condition })
  | (ScoringRuleBase & { kind: 'behaviour'; behaviour: Behaviour; min_count: number });
export interface AssignmentRule {
  id: string;
  name: string;
  conditions: Condition[];
  strategy: 'round_robin' | 'load';
  members: string[];
  dailyCap: number;
  paused: string[];
}
export interface LeadSettings {
  duplicateRules: DuplicateRule[];
  fuzzyThreshold: number;
  manualDuplicatePolicy: 'warn' | 'block';
  invalidReasons: string[];
  scoring: { rules: ScoringRule[]; groupCaps: Record<string, number>; monthlyDecayPercent: number };
  assignmentRules: AssignmentRule[];
  defaultPoolId: string | null;
  protection: { days: number; extendDays: number; hardLimitDays: number };
  reclaimCooldownDays: number;
  conversionMapping: ConversionMapping[];
}

/** A lead field copied into an account or contact field on conversion (LEADS.md section 9). */
export interface ConversionMapping {
  lead_field: string;
  object: 'account' | 'contact';
  field: string;
}

export const SETTINGS_KEY = ['leads', 'settings'] as const;
export const fetchLeadSettings = () =>
  apiFetch<{ data: LeadSettings }>('/api/v1/leads/settings').then((r) => r.data);
export const saveLeadSettings = (body: LeadSettings) =>
  apiFetch<{ data: LeadSettings }>('/api/v1/leads/settings', { method: 'PUT', body }).then((r) => r.data);
export const useLeadSettings = () => useQuery({ queryKey: SETTINGS_KEY, queryFn: fetchLeadSettings });

// --- web-to-lead forms (API.md 13.9) ---

export interface LeadForm {
  id: string;
  form_key: string;
  name: string;
  pool_id: string | null;
  campaign_id: string | null;
  allowed_origins: string[];
  thank_you: Record<string, unknown>;
  active: boolean;
  created_at: string;
}
export interface LeadFormInput {
  name?: string;
  pool_id?: string | null;
  campaign_id?: string | null;
  allowed_origins?: string[];
  thank_you?: Record<string, unknown>;
  active?: boolean;
}

export const FORMS_KEY = ['leads', 'forms'] as const;
export const useLeadForms = (enabled: boolean) =>
  useQuery({
    queryKey: FORMS_KEY,
    queryFn: () => apiFetch<{ data: LeadForm[] }>('/api/v1/leads/forms').then((r) => r.data),
    enabled,
  });
export const createLeadForm = (body: LeadFormInput & { name: string }) =>
  apiFetch<{ data: { id: string; form_key: string } }>('/api/v1/leads/forms', { method: 'POST', body }).then(
    (r) => r.data,
  );
export const patchLeadForm = (id: string, body: LeadFormInput) =>
  apiFetch<{ data: LeadForm }>(`/api/v1/leads/forms/${enc(id)}`, { method: 'PATCH', body }).then(
    (r) => r.data,
  );

// --- campaign stats ---

export interface CampaignStats {
  campaign_id: string;
  members: { invited: number; registered: number; attended: number; total: number } | null;
  leads: number | null;
  converted: number | null;
  currency: string;
  cost: number | null;
  budget: number | null;
  cost_per_lead: number | null;
  cost_per_converted: number | null;
  won_amount: number | null;
  roi: number | null;
}

export const campaignStatsKey = (id: string) => ['leads', 'campaign-stats', id] as const;
export const useCampaignStats = (id: string) =>
  useQuery({
    queryKey: campaignStatsKey(id),
    queryFn: () =>
      apiFetch<{ data: CampaignStats }>(`/api/v1/leads/campaigns/${enc(id)}/stats`).then((r) => r.data),
  });
