/** A customer's survey answer as the account page shows it (from a survey_response record). */
export interface Feedback {
  id: string;
  version: number;
  kind: 'nps' | 'csat';
  score: number;
  category: string;
  comment: string | null;
  round: string;
  submittedAt: string;
  contactName: string | null;
  keyUser: boolean;
  lightId: string | null;
  callbackTaskId: string | null;
  callbackOutcome: string | null;
}

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

export function feedbackOf(r: {
  id: string;
  version: number;
  _expand?: Record<string, { name?: string | null } | null | undefined> | null;
  [field: string]: unknown;
}): Feedback {
  return {
    id: r.id,
    version: r.version,
    kind: r.kind === 'csat' ? 'csat' : 'nps',
    score: typeof r.score === 'number' ? r.score : 0,
    category: str(r.category) ?? '',
    comment: str(r.comment),
    round: str(r.round) ?? '',
    submittedAt: str(r.submitted_at) ?? '',
    contactName: str(r._expand?.contact_id?.name),
    keyUser: r.key_user === true,
    lightId: str(r.light_id),
    callbackTaskId: str(r.callback_task_id),
    callbackOutcome: str(r.callback_outcome),
  };
}

/**
 * Where the call-back of an answer stands (docs/ENGAGEMENT.md): an answer that opened or joined a
 * red light waits for the light to close; closing it creates the call-back task, which makes the
 * outcome due; recording it is the end. Answers without a light need no call-back.
 */
export function callbackState(f: Feedback): 'none' | 'waiting' | 'due' | 'done' {
  if (f.callbackOutcome) return 'done';
  if (f.callbackTaskId) return 'due';
  if (f.lightId) return 'waiting';
  return 'none';
}
