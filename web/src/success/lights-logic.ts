/**
 * Pure rules of the traffic-light (按灯) and survey screens: board columns, filters, which actions a
 * light allows in its state, score scales of the public survey page. Mirrors
 * server/src/modules/success/lights.rules.ts; the server decides.
 */

export const LIGHT_STATUSES = ['open', 'meeting_scheduled', 'action_plan', 'resolved', 'closed'] as const;
export type LightStatus = (typeof LIGHT_STATUSES)[number];
export const LIGHT_COLORS = ['red', 'yellow'] as const;
export type LightColor = (typeof LIGHT_COLORS)[number];
export const LIGHT_REASONS = [
  'bug_instability',
  'product_gap',
  'delivery_delayed',
  'key_person_left',
  'price_budget',
  'competitor',
  'other',
] as const;
export type LightReason = (typeof LIGHT_REASONS)[number];
export const ROOT_CAUSES = [
  'defect',
  'product_limitation',
  'implementation',
  'training_adoption',
  'service_response',
  'communication',
  'commercial',
  'customer_change',
  'competitor',
  'other',
] as const;
export type RootCause = (typeof ROOT_CAUSES)[number];
export const COMPLAINT_CHANNELS = ['phone', 'email', 'wechat', 'meeting', 'other'] as const;
export const COMPLAINT_SEVERITIES = ['low', 'mid', 'high'] as const;
export type LightAction = 'schedule-meeting' | 'action-plan' | 'resolve' | 'close' | 'reopen';

interface BoardLight {
  status: LightStatus;
  color: LightColor;
  reason: LightReason;
  escalation_level: number;
  age_days: number;
}

export interface LightFilter {
  color: LightColor | null;
  reason: LightReason | null;
}

/**
 * The board's columns in lifecycle order, each most urgent first: red before yellow, higher
 * escalation, then older.
 */
export function boardColumns<T extends BoardLight>(
  lights: readonly T[],
  filter: LightFilter,
): Record<LightStatus, T[]> {
  const cols = Object.fromEntries(LIGHT_STATUSES.map((s) => [s, [] as T[]])) as Record<LightStatus, T[]>;
  for (const l of lights) {
    if (filter.color && l.color !== filter.color) continue;
    if (filter.reason && l.reason !== filter.reason) continue;
    cols[l.status].push(l);
  }
  const rank = (l: T) => [l.color === 'red' ? 0 : 1, -l.escalation_level, -l.age_days];
  for (const s of LIGHT_STATUSES)
    cols[s].sort((a, b) => {
      const ra = rank(a);
      const rb = rank(b);
      for (let i = 0; i < ra.length; i++) if (ra[i] !== rb[i]) return (ra[i] ?? 0) - (rb[i] ?? 0);
      return 0;
    });
  return cols;
}

/** What a light in this state allows (lights.service.ts transitions). */
export function lightActions(status: LightStatus): LightAction[] {
  switch (status) {
    case 'open':
    case 'meeting_scheduled':
      return ['schedule-meeting', 'action-plan', 'resolve'];
    case 'action_plan':
      return ['action-plan', 'resolve'];
    case 'resolved':
      return ['close', 'reopen'];
    case 'closed':
      return ['reopen'];
  }
}

/** The score buttons of an NPS (0–10) or CSAT (1–5) question. */
export function scaleValues(min: number, max: number): number[] {
  const out: number[] = [];
  for (let v = min; v <= max; v++) out.push(v);
  return out;
}

/** Keys of required extra questions left blank. */
export function missingAnswers(
  questions: readonly { key: string; required: boolean }[],
  answers: Readonly<Record<string, string>>,
): string[] {
  return questions.filter((q) => q.required && !(answers[q.key] ?? '').trim()).map((q) => q.key);
}

/** Hours to days with one decimal, or null. */
export function hoursToDays(hours: number | null): number | null {
  return hours === null ? null : Math.round((hours / 24) * 10) / 10;
}

/** Why a survey link cannot be answered, from the server's error: drives which page is shown. */
export type LinkProblem = 'unknown' | 'used' | 'expired' | 'closed' | 'other';
export function linkProblem(status: number, key: string): LinkProblem {
  if (key === 'survey_link_used' || status === 409) return 'used';
  if (key === 'survey_closed') return 'closed';
  if (key === 'survey_link_expired' || status === 410) return 'expired';
  if (status === 404) return 'unknown';
  return 'other';
}
