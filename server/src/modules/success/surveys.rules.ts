import type { FieldIssue } from '../../platform/http/errors.ts';

/**
 * NPS and CSAT arithmetic, answer categories, the key-user rule, survey links and answer checks
 * (DOMAIN.md §6.5, docs/ENGAGEMENT.md "Surveys (NPS and CSAT)"). Pure: no I/O.
 */

export const SURVEY_KINDS = ['nps', 'csat'] as const;
export type SurveyKind = (typeof SURVEY_KINDS)[number];
export const SURVEY_STATUSES = ['draft', 'active', 'closed'] as const;
export const NPS_CATEGORIES = ['promoter', 'passive', 'detractor'] as const;
export const CSAT_CATEGORIES = ['satisfied', 'neutral', 'dissatisfied'] as const;
export const CATEGORIES = [...NPS_CATEGORIES, ...CSAT_CATEGORIES] as const;
export type Category = (typeof CATEGORIES)[number];
export const COMMENT_MAX = 2000;
export const ANSWER_MAX = 1000;

/** The score scale of a kind: NPS 0–10, CSAT 1–5. */
export const scaleOf = (kind: SurveyKind): { min: number; max: number } =>
  kind === 'nps' ? { min: 0, max: 10 } : { min: 1, max: 5 };

/** NPS: 9–10 promoter, 7–8 passive, 0–6 detractor. CSAT: 4–5 satisfied, 3 neutral, 1–2 dissatisfied. */
export function categorise(kind: SurveyKind, score: number): Category {
  if (kind === 'nps') return score >= 9 ? 'promoter' : score >= 7 ? 'passive' : 'detractor';
  return score >= 4 ? 'satisfied' : score === 3 ? 'neutral' : 'dissatisfied';
}

/** The answer a red light is opened for (an unhappy key user). */
export const isNegative = (c: Category): boolean => c === 'detractor' || c === 'dissatisfied';

/**
 * `num / den × 100` with one decimal, computed in integers: the exact fraction's magnitude is
 * rounded half-up to tenths and the sign kept (so a mirrored sample gives the mirrored value:
 * 1/8 → 12.5, −1/6 → −16.7, 1/16 = 6.25 → 6.3). null when there is nothing to divide by.
 */
export function percentOneDecimal(num: number, den: number): number | null {
  if (!Number.isInteger(num) || !Number.isInteger(den) || den <= 0) return null;
  const mag = Math.abs(num) * 1000;
  // floor(mag / den + 1/2) = floor((2·mag + den) / (2·den)), all integers
  const tenths = Math.floor((2 * mag + den) / (2 * den));
  return tenths === 0 ? 0 : (Math.sign(num) * tenths) / 10;
}

export interface NpsResult {
  responses: number;
  promoters: number;
  passives: number;
  detractors: number;
  /** % promoters − % detractors, −100.0 … 100.0; null without answers */
  nps: number | null;
}

/** NPS = % promoters (9–10) − % detractors (0–6) = (promoters − detractors) / answers × 100. */
export function nps(scores: readonly number[]): NpsResult {
  let promoters = 0;
  let passives = 0;
  let detractors = 0;
  for (const s of scores) {
    const c = categorise('nps', s);
    if (c === 'promoter') promoters++;
    else if (c === 'passive') passives++;
    else detractors++;
  }
  const responses = scores.length;
  return {
    responses,
    promoters,
    passives,
    detractors,
    nps: percentOneDecimal(promoters - detractors, responses),
  };
}

export interface CsatResult {
  responses: number;
  satisfied: number;
  neutral: number;
  dissatisfied: number;
  /** share of 4–5 answers in %, 0.0 … 100.0; null without answers */
  csat: number | null;
}

/** CSAT = answers of 4 or 5 ÷ answers × 100. */
export function csat(scores: readonly number[]): CsatResult {
  let satisfied = 0;
  let neutral = 0;
  let dissatisfied = 0;
  for (const s of scores) {
    const c = categorise('csat', s);
    if (c === 'satisfied') satisfied++;
    else if (c === 'neutral') neutral++;
    else dissatisfied++;
  }
  return {
    responses: scores.length,
    satisfied,
    neutral,
    dissatisfied,
    csat: percentOneDecimal(satisfied, scores.length),
  };
}

/** Counts per score over the kind's whole scale (zeros included), lowest first. */
export function distribution(
  kind: SurveyKind,
  scores: readonly number[],
): { score: number; count: number }[] {
  const { min, max } = scaleOf(kind);
  const out: { score: number; count: number }[] = [];
  for (let s = min; s <= max; s++) out.push({ score: s, count: 0 });
  for (const s of scores) {
    const row = out[s - min];
    if (row) row.count++;
  }
  return out;
}

/**
 * Who writes survey definitions (create, edit, questions, activate, close, delete): administrators,
 * as for the other customer-success configuration (health model, service tiers, journey template).
 * Everyone who reads surveys sees them and their results; sending is a separate right.
 */
export const mayEditSurveys = (actor: { isAdmin: boolean }): boolean => actor.isAdmin;

/** Contact roles that make someone a key user even when not flagged (accounts contact.role values). */
export const KEY_USER_ROLES = ['system_admin', 'department_head'] as const;

/** A key user: flagged as one, or the customer's system administrator or a department head. */
export function isKeyUser(c: { is_key_user: boolean | null; role: string | null }): boolean {
  return c.is_key_user === true || (KEY_USER_ROLES as readonly string[]).includes(c.role ?? '');
}

// --- links ---

const hex = (uuid: string): string => uuid.replace(/-/g, '');
const unhex = (h: string): string =>
  `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;

/**
 * The public link's token: tenant and invitation id (so the lookup is a primary-key hit, as for
 * sessions and API keys) as 43 base64url characters, a dot, and the random secret whose SHA-256
 * alone is stored — 87 characters, short enough for a URL path parameter (Fastify allows 100).
 */
export const composeSurveyToken = (tenantId: string, invitationId: string, secret: string): string =>
  `${Buffer.from(hex(tenantId) + hex(invitationId), 'hex').toString('base64url')}.${secret}`;

export function parseSurveyToken(
  token: string,
): { tenantId: string; invitationId: string; secret: string } | undefined {
  const m = /^([A-Za-z0-9_-]{43})\.([A-Za-z0-9_-]{40,56})$/.exec(token);
  if (!m?.[1] || !m[2]) return undefined;
  const ids = Buffer.from(m[1], 'base64url');
  if (ids.length !== 32 || ids.toString('base64url') !== m[1]) return undefined;
  const h = ids.toString('hex');
  return { tenantId: unhex(h.slice(0, 32)), invitationId: unhex(h.slice(32)), secret: m[2] };
}

export type LinkState = 'open' | 'used' | 'expired' | 'closed';

/**
 * Whether a link may still be answered at `now`: once only (used wins over expired, so a person
 * who answered is told so), until `expires_at` (exclusive), while the survey is not closed.
 */
export function linkState(
  inv: { used_at: Date | null; expires_at: Date },
  surveyStatus: string,
  now: Date,
): LinkState {
  if (inv.used_at) return 'used';
  if (now.getTime() >= inv.expires_at.getTime()) return 'expired';
  if (surveyStatus === 'closed') return 'closed';
  return 'open';
}

/** The invitation's expiry: `days` × 24 hours after sending. */
export const expiresAt = (sentAt: Date, days: number): Date => new Date(sentAt.getTime() + days * 86_400_000);

// --- extra questions ---

export interface ExtraQuestion {
  key: string;
  label: string;
  type: 'text' | 'choice';
  options?: string[];
  required: boolean;
}

const KEY_RE = /^[a-z][a-z0-9_]{0,39}$/;

/** A checked question whose key is null when the client left it to the server (a new question). */
export type QuestionInput = Omit<ExtraQuestion, 'key'> & { key: string | null };

/**
 * Checks a survey's extra questions (`questions[i].field` issues); returns them normalised. A
 * question without `key` is new: settleQuestionKeys gives it one.
 */
export function checkQuestions(raw: unknown): { questions: QuestionInput[]; issues: FieldIssue[] } {
  const issues: FieldIssue[] = [];
  const questions: QuestionInput[] = [];
  if (!Array.isArray(raw)) return { questions, issues: [{ field: 'questions', issue: 'invalid_value' }] };
  if (raw.length > 20)
    return { questions, issues: [{ field: 'questions', issue: 'too_many', params: { max: 20 } }] };
  const seen = new Set<string>();
  raw.forEach((q: unknown, i) => {
    const at = (f: string) => `questions[${i}].${f}`;
    if (typeof q !== 'object' || q === null || Array.isArray(q)) {
      issues.push({ field: `questions[${i}]`, issue: 'invalid_value' });
      return;
    }
    const r = q as Record<string, unknown>;
    const key = r.key === undefined || r.key === null ? null : typeof r.key === 'string' ? r.key : '';
    if (key !== null) {
      if (!KEY_RE.test(key)) issues.push({ field: at('key'), issue: 'invalid_value' });
      else if (seen.has(key)) issues.push({ field: at('key'), issue: 'duplicate_key' });
      seen.add(key);
    }
    const label = typeof r.label === 'string' ? r.label.trim() : '';
    if (!label) issues.push({ field: at('label'), issue: 'required' });
    else if (label.length > 300) issues.push({ field: at('label'), issue: 'too_long', params: { max: 300 } });
    const type = r.type;
    if (type !== 'text' && type !== 'choice') issues.push({ field: at('type'), issue: 'invalid_value' });
    let options: string[] | undefined;
    if (type === 'choice') {
      const o = r.options;
      if (
        !Array.isArray(o) ||
        o.length < 2 ||
        o.length > 20 ||
        !o.every((x) => typeof x === 'string' && x.trim() !== '' && x.length <= 200) ||
        new Set(o).size !== o.length
      )
        issues.push({ field: at('options'), issue: 'invalid_value' });
      else options = o.map((x: string) => x.trim());
    } else if (r.options !== undefined && r.options !== null)
      issues.push({ field: at('options'), issue: 'invalid_value' });
    if (r.required !== undefined && typeof r.required !== 'boolean')
      issues.push({ field: at('required'), issue: 'invalid_value' });
    if (type === 'text' || type === 'choice')
      questions.push({ key, label, type, ...(options ? { options } : {}), required: r.required === true });
  });
  return { questions, issues };
}

/**
 * Keys are never reused within a survey: answers are stored by key, so a key that named a removed
 * question (kept in `retired`, or found in stored answers) may not name another one — 422
 * `questions[i].key` `key_retired`. A question sent without a key gets `q<n>`, n past every key
 * ever used (current, removed, answered, and the others of this request). Returns the questions
 * with their keys and the removed questions to keep: the ones kept before, the current ones this
 * change drops (their last definition) and answered keys known nowhere else (labelled by the key).
 */
export function settleQuestionKeys(
  input: readonly QuestionInput[],
  current: readonly ExtraQuestion[],
  retired: readonly ExtraQuestion[],
  answeredKeys: readonly string[] = [],
): { questions: ExtraQuestion[]; retired: ExtraQuestion[]; issues: FieldIssue[] } {
  const issues: FieldIssue[] = [];
  const live = new Set(current.map((q) => q.key));
  const gone = new Map<string, ExtraQuestion>(retired.map((q) => [q.key, q]));
  for (const k of answeredKeys)
    if (!live.has(k) && !gone.has(k)) gone.set(k, { key: k, label: k, type: 'text', required: false });
  input.forEach((q, i) => {
    if (q.key !== null && !live.has(q.key) && gone.has(q.key))
      issues.push({ field: `questions[${i}].key`, issue: 'key_retired' });
  });
  let max = 0;
  for (const k of [...live, ...gone.keys(), ...input.map((q) => q.key ?? '')]) {
    const m = /^q(\d+)$/.exec(k);
    if (m) max = Math.max(max, Number(m[1]));
  }
  const questions = input.map((q): ExtraQuestion => ({ ...q, key: q.key ?? `q${++max}` }));
  const kept = new Set(questions.map((q) => q.key));
  for (const q of current) if (!kept.has(q.key)) gone.set(q.key, q);
  return { questions, retired: [...gone.values()].filter((q) => !kept.has(q.key)), issues };
}

export interface OptionCount {
  option: string;
  count: number;
  /** count ÷ answers of the question × 100, one decimal; null without answers */
  share: number | null;
  /** not among the question's options now (renamed or removed, or answered while it was text) */
  removed: boolean;
}

/**
 * A choice question's answers per option: its options in their order (zeros included), then the
 * answers that are no longer an option, most frequent first. `answered` is every answer counted.
 */
export function optionCounts(
  options: readonly string[],
  counts: ReadonlyMap<string, number>,
): { answered: number; options: OptionCount[] } {
  let answered = 0;
  for (const n of counts.values()) answered += n;
  const share = (n: number) => percentOneDecimal(n, answered);
  const known = new Set(options);
  const rows: OptionCount[] = options.map((o) => {
    const n = counts.get(o) ?? 0;
    return { option: o, count: n, share: share(n), removed: false };
  });
  const others = [...counts.entries()]
    .filter(([o, n]) => !known.has(o) && n > 0)
    .sort(([a, x], [b, y]) => y - x || a.localeCompare(b));
  for (const [o, n] of others) rows.push({ option: o, count: n, share: share(n), removed: true });
  return { answered, options: rows };
}

export interface CheckedAnswer {
  score: number;
  comment: string | null;
  answers: Record<string, string>;
}

/**
 * Checks a submitted answer against the survey: score an integer on the kind's scale, comment at
 * most 2000 characters, every required extra question answered, choices one of the options,
 * no unknown keys. All issues at once, named by field (`score`, `comment`, `answers.<key>`).
 */
export function checkAnswer(
  kind: SurveyKind,
  questions: readonly ExtraQuestion[],
  body: unknown,
): { ok: true; value: CheckedAnswer } | { ok: false; issues: FieldIssue[] } {
  const issues: FieldIssue[] = [];
  const b =
    typeof body === 'object' && body !== null && !Array.isArray(body)
      ? (body as Record<string, unknown>)
      : {};
  const { min, max } = scaleOf(kind);
  const score = b.score;
  if (score === undefined || score === null || score === '')
    issues.push({ field: 'score', issue: 'required' });
  else if (typeof score !== 'number' || !Number.isInteger(score) || score < min || score > max)
    issues.push({ field: 'score', issue: 'score_out_of_range', params: { min, max } });
  let comment: string | null = null;
  if (b.comment !== undefined && b.comment !== null) {
    if (typeof b.comment !== 'string') issues.push({ field: 'comment', issue: 'invalid_value' });
    else if (b.comment.length > COMMENT_MAX)
      issues.push({ field: 'comment', issue: 'too_long', params: { max: COMMENT_MAX } });
    else comment = b.comment.trim() || null;
  }
  const answers: Record<string, string> = {};
  const raw = b.answers ?? {};
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    issues.push({ field: 'answers', issue: 'invalid_value' });
  else {
    const given = raw as Record<string, unknown>;
    const known = new Set(questions.map((q) => q.key));
    for (const k of Object.keys(given))
      if (!known.has(k)) issues.push({ field: `answers.${k}`, issue: 'unknown_field' });
    for (const q of questions) {
      const v = given[q.key];
      const field = `answers.${q.key}`;
      if (v === undefined || v === null || (typeof v === 'string' && v.trim() === '')) {
        if (q.required) issues.push({ field, issue: 'required' });
        continue;
      }
      if (typeof v !== 'string') issues.push({ field, issue: 'invalid_value' });
      else if (v.length > ANSWER_MAX) issues.push({ field, issue: 'too_long', params: { max: ANSWER_MAX } });
      else if (q.type === 'choice' && !(q.options ?? []).includes(v))
        issues.push({ field, issue: 'invalid_option', params: { value: v.slice(0, 50) } });
      else answers[q.key] = v.trim();
    }
  }
  if (issues.length) return { ok: false, issues };
  return { ok: true, value: { score: score as number, comment, answers } };
}
