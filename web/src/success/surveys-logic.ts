// Pure rules of the survey screens (docs/ENGAGEMENT.md "Surveys (NPS and CSAT)"): the definition
// read from a generic record, the status steps, the question builder's edits, where the server's
// field issues go, how values read, and the month axis of the trend. No I/O: the tests check them.

export const SURVEY_KINDS = ['nps', 'csat'] as const;
export type SurveyKind = (typeof SURVEY_KINDS)[number];
export const SURVEY_STATUSES = ['draft', 'active', 'closed'] as const;
export type SurveyStatus = (typeof SURVEY_STATUSES)[number];
export const GROUP_BYS = ['csm', 'partner', 'grade', 'industry'] as const;
export type GroupBy = (typeof GROUP_BYS)[number];
export const CATEGORIES = {
  nps: ['promoter', 'passive', 'detractor'],
  csat: ['satisfied', 'neutral', 'dissatisfied'],
} as const;
export type Category = (typeof CATEGORIES)[SurveyKind][number];
/** The server keeps at most this many extra questions per survey. */
export const MAX_QUESTIONS = 20;

/** A survey definition as the screens use it (from the generic record of object `survey`). */
export interface SurveyDef {
  id: string;
  version: number;
  name: string;
  kind: SurveyKind;
  intro: string | null;
  status: SurveyStatus;
  expires_days: number;
}

const oneOf = <T extends string>(v: unknown, all: readonly T[], fallback: T): T =>
  typeof v === 'string' && (all as readonly string[]).includes(v) ? (v as T) : fallback;

/** Reads a `survey` record: unknown values fall back to the object's defaults (draft, 14 days). */
export function surveyOf(r: { id: string; version: number; [field: string]: unknown }): SurveyDef {
  return {
    id: r.id,
    version: r.version,
    name: typeof r.name === 'string' ? r.name : '',
    kind: oneOf(r.kind, SURVEY_KINDS, 'nps'),
    intro: typeof r.intro === 'string' && r.intro ? r.intro : null,
    status: oneOf(r.status, SURVEY_STATUSES, 'draft'),
    expires_days: typeof r.expires_days === 'number' ? r.expires_days : 14,
  };
}

/** The one step forward a survey's status takes: draft → active → closed (closed is final). */
export function nextStatus(s: SurveyStatus): 'active' | 'closed' | null {
  return s === 'draft' ? 'active' : s === 'active' ? 'closed' : null;
}

/** NPS: 9–10 promoter, 7–8 passive, 0–6 detractor. CSAT: 4–5 satisfied, 3 neutral, 1–2 dissatisfied. */
export function categorise(kind: SurveyKind, score: number): Category {
  if (kind === 'nps') return score >= 9 ? 'promoter' : score >= 7 ? 'passive' : 'detractor';
  return score >= 4 ? 'satisfied' : score === 3 ? 'neutral' : 'dissatisfied';
}

const TONE: Record<Category, 'good' | 'mid' | 'bad'> = {
  promoter: 'good',
  satisfied: 'good',
  passive: 'mid',
  neutral: 'mid',
  detractor: 'bad',
  dissatisfied: 'bad',
};
export const TONE_COLOR = { good: '#389e0d', mid: '#d4b106', bad: '#cf1322' } as const;
/** The colour of a category: green, gold or red, the same on bars, tags and counts. */
export const categoryColor = (c: Category): string => TONE_COLOR[TONE[c]];
/** antd Tag colours of the same three tones. */
export const categoryTag = (c: Category): string => ({ good: 'green', mid: 'gold', bad: 'red' })[TONE[c]];

/** NPS with one decimal (−20.0), CSAT as a percentage (33.3%); a dash without answers. */
export function formatValue(kind: SurveyKind, value: number | null | undefined): string {
  if (value === null || value === undefined) return '—';
  return kind === 'nps' ? value.toFixed(1) : `${value.toFixed(1)}%`;
}

/** The most recent month that had answers, with its value (null: no answers in the window). */
export function latestPeriod<P extends { month: string; responses: number; value: number | null }>(
  periods: readonly P[],
): P | null {
  let best: P | null = null;
  for (const p of periods) if (p.responses > 0 && (!best || p.month > best.month)) best = p;
  return best;
}

/** Every month from `from` to `to` (YYYY-MM-DD or YYYY-MM), oldest first, as YYYY-MM. */
export function monthsBetween(from: string, to: string): string[] {
  const out: string[] = [];
  let y = Number(from.slice(0, 4));
  let m = Number(from.slice(5, 7));
  const end = to.slice(0, 7);
  // at most ten years of months: a wrong range never hangs the page
  for (let i = 0; i < 120; i++) {
    const key = `${y}-${String(m).padStart(2, '0')}`;
    if (key > end) break;
    out.push(key);
    m += 1;
    if (m > 12) {
      m = 1;
      y += 1;
    }
  }
  return out;
}

/** A value per month of the axis; months without answers are gaps (null), not zeros. */
export function valuesByMonth(
  months: readonly string[],
  periods: readonly { month: string; value: number | null }[],
): (number | null)[] {
  const by = new Map(periods.map((p) => [p.month, p.value]));
  return months.map((m) => by.get(m) ?? null);
}

/** Answers per month of the axis (zero when none). */
export function responsesByMonth(
  months: readonly string[],
  periods: readonly { month: string; responses: number }[],
): number[] {
  const by = new Map(periods.map((p) => [p.month, p.responses]));
  return months.map((m) => by.get(m) ?? 0);
}

// --- the question builder ---

export interface DraftQuestion {
  /** the stored key; a new row's is a local placeholder (new-1 …) and the server gives the real one */
  key: string;
  /** added in the builder and not saved yet: sent without a key */
  isNew: boolean;
  label: string;
  type: 'text' | 'choice';
  /** choice options as typed: one per line */
  optionsText: string;
  required: boolean;
}

export interface SurveyQuestionBody {
  key?: string;
  label: string;
  type: 'text' | 'choice';
  options?: string[];
  required: boolean;
}

/** The builder's rows from the stored questions. */
export const draftsOf = (qs: readonly SurveyQuestionBody[]): DraftQuestion[] =>
  qs.map((q) => ({
    key: q.key ?? '',
    isNew: false,
    label: q.label,
    type: q.type,
    optionsText: (q.options ?? []).join('\n'),
    required: q.required,
  }));

/** Options typed one per line: trimmed, blank lines dropped. */
export const parseOptions = (text: string): string[] =>
  text
    .split(/\r?\n/)
    .map((s) => s.trim())
    .filter(Boolean);

/**
 * The PUT body: labels trimmed, options only on choice questions (the server refuses them on
 * text ones), a new question without a key — the server numbers it past every key the survey
 * ever used, so answers to a removed question never pass to a new one. Checks stay with the
 * server, whose issues land on the row and field they name.
 */
export const questionsBody = (drafts: readonly DraftQuestion[]): SurveyQuestionBody[] =>
  drafts.map((d) => ({
    ...(d.isNew ? {} : { key: d.key }),
    label: d.label.trim(),
    type: d.type,
    ...(d.type === 'choice' ? { options: parseOptions(d.optionsText) } : {}),
    required: d.required,
  }));

/**
 * The placeholder of a row added in the builder (`new-<n>`, unique among the rows): it only tells
 * rows apart until the save, where the server gives the question its key. Stored keys never
 * change, so answers stay with the question they belong to when it is relabelled or moved.
 */
export function newDraftKey(drafts: readonly { key: string }[]): string {
  let max = 0;
  for (const d of drafts) {
    const m = /^new-(\d+)$/.exec(d.key);
    if (m) max = Math.max(max, Number(m[1]));
  }
  return `new-${max + 1}`;
}

/** The list with item `i` moved by `delta` places (unchanged when it would leave the list). */
export function moveItem<T>(list: readonly T[], i: number, delta: number): T[] {
  const j = i + delta;
  const out = [...list];
  if (i < 0 || i >= list.length || j < 0 || j >= list.length) return out;
  const [item] = out.splice(i, 1);
  if (item !== undefined) out.splice(j, 0, item);
  return out;
}

/** Whether the builder differs from what is stored (the save button and the leave warning). */
export const isDirty = (drafts: readonly DraftQuestion[], stored: readonly SurveyQuestionBody[]): boolean =>
  JSON.stringify(questionsBody(drafts)) !== JSON.stringify(questionsBody(draftsOf(stored)));

// --- the server's field issues ---

export interface Issue {
  field?: string;
  issue: string;
}

/**
 * Issues of a PUT questions answer by row and field (`questions[2].label` → row 2, `label`);
 * what names no row (`questions`, `version`) is returned as `rest`.
 */
export function questionIssues(details: readonly Issue[]): {
  rows: Record<number, Record<string, string>>;
  rest: string[];
} {
  const rows: Record<number, Record<string, string>> = {};
  const rest: string[] = [];
  for (const d of details) {
    const m = /^questions\[(\d+)\](?:\.(\w+))?$/.exec(d.field ?? '');
    if (!m) {
      rest.push(d.issue);
      continue;
    }
    const row = (rows[Number(m[1])] ??= {});
    const f = m[2] ?? 'label';
    row[f] = row[f] ? `${row[f]}; ${d.issue}` : d.issue;
  }
  return { rows, rest };
}

/**
 * Issues by form field: a list item (`account_ids[3]`) lands on its list's field; unknown fields
 * are returned as `rest` so the dialog shows them above the form.
 */
export function fieldIssues(
  details: readonly Issue[],
  fields: readonly string[],
): { byField: Record<string, string[]>; rest: string[] } {
  const byField: Record<string, string[]> = {};
  const rest: string[] = [];
  for (const d of details) {
    const base = (d.field ?? '').replace(/\[\d+\]$/, '');
    if (fields.includes(base)) (byField[base] ??= []).push(d.issue);
    else rest.push(d.issue);
  }
  return { byField, rest };
}

// --- sending ---

export type SendOutcome = 'invited' | 'already_invited' | 'no_email';

export interface SendResultLike {
  invited: { contact_id: string; contact_name: string; account_id: string; email: string; mail: string }[];
  skipped: {
    contact_id: string;
    contact_name: string;
    account_id: string;
    reason: 'no_email' | 'already_invited';
  }[];
  accounts_without_key_users: string[];
}

export interface OutcomeRow {
  contact_id: string;
  contact_name: string;
  account_id: string;
  outcome: SendOutcome;
  email: string | null;
  mail: string | null;
}

/** One row per contact the send reached, invited first, then by name. */
export function sendOutcomes(r: SendResultLike): OutcomeRow[] {
  const order: Record<SendOutcome, number> = { invited: 0, already_invited: 1, no_email: 2 };
  return [
    ...r.invited.map((i) => ({
      contact_id: i.contact_id,
      contact_name: i.contact_name,
      account_id: i.account_id,
      outcome: 'invited' as const,
      email: i.email,
      mail: i.mail,
    })),
    ...r.skipped.map((s) => ({
      contact_id: s.contact_id,
      contact_name: s.contact_name,
      account_id: s.account_id,
      outcome: s.reason,
      email: null,
      mail: null,
    })),
  ].sort((a, b) => order[a.outcome] - order[b.outcome] || a.contact_name.localeCompare(b.contact_name));
}

/** Counts per outcome, for the summary line above the rows. */
export function outcomeCounts(rows: readonly OutcomeRow[]): Record<SendOutcome, number> {
  const c: Record<SendOutcome, number> = { invited: 0, already_invited: 0, no_email: 0 };
  for (const r of rows) c[r.outcome] += 1;
  return c;
}

// --- who may do what (the server decides; the screens only follow) ---

/**
 * Whether the user may write survey definitions (create, edit, questions, activate, close, delete):
 * administrators only, as the server enforces (403 survey_admin_only). Sending is a separate right
 * (update permission on surveys, which CSMs have).
 */
export const mayEditSurveys = (me: { role: { is_admin: boolean } } | undefined): boolean =>
  me?.role.is_admin === true;

// --- extra questions in the results ---

/** A share of answers (%, one decimal from the server) as text; a dash without answers. */
export const shareText = (share: number | null | undefined): string =>
  share === null || share === undefined ? '—' : `${share.toFixed(1)}%`;

/** The text answers shown so far with a further page: newest first, each response once. */
export function appendAnswers<A extends { response_id: string }>(
  shown: readonly A[],
  page: readonly A[],
): A[] {
  const seen = new Set(shown.map((a) => a.response_id));
  return [...shown, ...page.filter((a) => !seen.has(a.response_id))];
}

/** A round for this month (`2026-05`), the default of the send dialog. */
export const defaultRound = (today: string): string => today.slice(0, 7);
