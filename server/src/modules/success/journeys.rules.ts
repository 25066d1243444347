import type { FieldIssue } from '../../platform/http/errors.ts';
import type { Locale } from '../../platform/i18n/i18n.ts';

/**
 * Lifecycle journeys (DOMAIN.md §6.6, docs/ENGAGEMENT.md "Lifecycle journeys"): the template and
 * its checks, stage order, due days from planned durations, overdue detection on a day, which
 * order starts a journey, the survey round of a stage, and the stage-durations arithmetic.
 * Pure: no I/O.
 */

export const RESULT_KINDS = ['checkbox', 'note', 'file'] as const;
export type ResultKind = (typeof RESULT_KINDS)[number];
export const JOURNEY_STATUSES = ['active', 'completed', 'cancelled'] as const;
export type JourneyStatus = (typeof JOURNEY_STATUSES)[number];
export const STAGE_STATES = ['done', 'current', 'pending', 'skipped'] as const;
export type StageState = (typeof STAGE_STATES)[number];

export const MAX_STAGES = 12;
export const MAX_TASKS = 20;
export const NAME_MAX = 100;
export const NOTE_MAX = 2000;
/** Keys name stages and tasks in URLs, rounds and reports: short, lower-case, stable. */
const KEY_RE = /^[a-z][a-z0-9_]{0,23}$/;

export interface TemplateTask {
  key: string;
  name: string;
  /** what proves the task was done: a tick, a written note, or a file attached to the customer */
  result: ResultKind;
  required: boolean;
}

export interface TemplateStage {
  key: string;
  name: string;
  /** days from entering the stage to its due day; null: no due day (never overdue) */
  planned_days: number | null;
  /** completing the stage sends the active `journey_stage` surveys (CSAT) to the key users */
  csat: boolean;
  tasks: TemplateTask[];
}

export interface JourneyTemplate {
  /**
   * A confirmed new order starts a journey only when signed (order_date) at most this many days
   * before the day it is handled: loading years of historical orders must not open journeys whose
   * every stage is long overdue. 0: orders never start journeys (start them by hand).
   */
  start_window_days: number;
  stages: TemplateStage[];
}

type Names = Record<Locale, string>;
const task = (key: string, name: Names, result: ResultKind) => ({ key, name, result });
const DEFAULT_STAGES: {
  key: string;
  name: Names;
  planned_days: number | null;
  csat: boolean;
  tasks: ReturnType<typeof task>[];
}[] = [
  {
    key: 'preparation',
    name: { 'zh-CN': '实施准备期', 'en-US': 'Implementation preparation' },
    planned_days: 14,
    csat: false,
    tasks: [
      task('contract', { 'zh-CN': '合同签订', 'en-US': 'Contract signed' }, 'checkbox'),
      task('initiation', { 'zh-CN': '立项申请', 'en-US': 'Project initiation approved' }, 'checkbox'),
      task('kickoff', { 'zh-CN': '项目启动会', 'en-US': 'Kickoff meeting held' }, 'note'),
      task('research', { 'zh-CN': '需求调研', 'en-US': 'Requirement research' }, 'note'),
      task('requirements', { 'zh-CN': '需求确认书', 'en-US': 'Requirements confirmed (signed)' }, 'file'),
    ],
  },
  {
    key: 'configuration',
    name: { 'zh-CN': '实施配置期', 'en-US': 'Configuration' },
    planned_days: 30,
    csat: false,
    tasks: [
      task('configuration', { 'zh-CN': '系统配置完成', 'en-US': 'System configured' }, 'checkbox'),
      task('testing', { 'zh-CN': '流程测试报告', 'en-US': 'Process test report' }, 'file'),
    ],
  },
  {
    key: 'trial_run',
    name: { 'zh-CN': '上线试运行', 'en-US': 'Trial run' },
    planned_days: 30,
    // go-live accepted: the satisfaction survey of the coaching stage goes out now
    csat: true,
    tasks: [
      task('training', { 'zh-CN': '培训上线', 'en-US': 'Training and go-live' }, 'note'),
      task('acceptance', { 'zh-CN': '结项验收单', 'en-US': 'Acceptance document' }, 'file'),
      task('handover', { 'zh-CN': '交接给客户成功', 'en-US': 'Handed over to customer success' }, 'checkbox'),
    ],
  },
  {
    key: 'coaching',
    name: { 'zh-CN': '辅导期', 'en-US': 'Coaching' },
    planned_days: 60,
    csat: false,
    tasks: [
      task('satisfaction', { 'zh-CN': '满意度调研结果', 'en-US': 'Satisfaction survey reviewed' }, 'note'),
      task('coaching', { 'zh-CN': '使用辅导', 'en-US': 'Usage coaching' }, 'note'),
    ],
  },
  {
    key: 'stable',
    name: { 'zh-CN': '平稳期', 'en-US': 'Stable' },
    planned_days: 90,
    csat: false,
    tasks: [task('maintenance', { 'zh-CN': '季度业务回顾', 'en-US': 'Quarterly business review' }, 'note')],
  },
];

/**
 * The built-in template (DOMAIN.md §6.6, the seed's 实施准备期 → 实施配置期 → 上线试运行 → 辅导期 →
 * 平稳期), named in the tenant's language; every key task is required.
 */
export function defaultTemplate(locale: Locale): JourneyTemplate {
  return {
    start_window_days: 90,
    stages: DEFAULT_STAGES.map((s) => ({
      key: s.key,
      name: s.name[locale],
      planned_days: s.planned_days,
      csat: s.csat,
      tasks: s.tasks.map((t) => ({ key: t.key, name: t.name[locale], result: t.result, required: true })),
    })),
  };
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function checkName(raw: unknown, field: string, issues: FieldIssue[]): string {
  const name = typeof raw === 'string' ? raw.trim() : '';
  if (raw !== undefined && raw !== null && typeof raw !== 'string')
    issues.push({ field, issue: 'invalid_value' });
  else if (!name) issues.push({ field, issue: 'required' });
  else if (name.length > NAME_MAX) issues.push({ field, issue: 'too_long', params: { max: NAME_MAX } });
  return name;
}

function checkKey(raw: unknown, field: string, seen: Set<string>, issues: FieldIssue[]): string {
  const key = typeof raw === 'string' ? raw : '';
  if (raw === undefined || raw === null || raw === '') issues.push({ field, issue: 'required' });
  else if (!KEY_RE.test(key)) issues.push({ field, issue: 'invalid_value' });
  else if (seen.has(key)) issues.push({ field, issue: 'duplicate_journey_key' });
  seen.add(key);
  return key;
}

function checkTasks(raw: unknown, at: string, issues: FieldIssue[]): TemplateTask[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) {
    issues.push({ field: at, issue: 'invalid_value' });
    return [];
  }
  if (raw.length > MAX_TASKS) {
    issues.push({ field: at, issue: 'too_many', params: { max: MAX_TASKS } });
    return [];
  }
  const seen = new Set<string>();
  return raw.flatMap((t: unknown, j): TemplateTask[] => {
    const f = (x: string) => `${at}[${j}].${x}`;
    if (!isObject(t)) {
      issues.push({ field: `${at}[${j}]`, issue: 'invalid_value' });
      return [];
    }
    for (const k of Object.keys(t))
      if (!['key', 'name', 'result', 'required'].includes(k))
        issues.push({ field: f(k), issue: 'unknown_field' });
    const key = checkKey(t.key, f('key'), seen, issues);
    const name = checkName(t.name, f('name'), issues);
    const result = t.result;
    if (result === undefined || result === null) issues.push({ field: f('result'), issue: 'required' });
    else if (typeof result !== 'string' || !(RESULT_KINDS as readonly string[]).includes(result))
      issues.push({ field: f('result'), issue: 'invalid_value' });
    if (t.required !== undefined && typeof t.required !== 'boolean')
      issues.push({ field: f('required'), issue: 'invalid_value' });
    return [{ key, name, result: result as ResultKind, required: t.required !== false }];
  });
}

/**
 * Checks a template an administrator sends: 1–12 stages with unique keys (a–z, 0–9, _; at most 24,
 * starting with a letter), names of 1–100 characters, planned days 1–3650 or null, up to 20 key
 * tasks per stage with keys unique in their stage and a result kind; start window 0–3650 days.
 * Every issue at once, named by path (`stages[1].tasks[0].result`).
 */
export function checkTemplate(raw: unknown): { template: JourneyTemplate; issues: FieldIssue[] } {
  const issues: FieldIssue[] = [];
  const empty: JourneyTemplate = { start_window_days: 90, stages: [] };
  if (!isObject(raw)) return { template: empty, issues: [{ field: 'body', issue: 'invalid_value' }] };
  for (const k of Object.keys(raw))
    if (!['start_window_days', 'stages', 'version'].includes(k))
      issues.push({ field: k, issue: 'unknown_field' });
  const w = raw.start_window_days;
  let window = 90;
  if (w !== undefined) {
    if (typeof w !== 'number' || !Number.isInteger(w) || w < 0 || w > 3650)
      issues.push({ field: 'start_window_days', issue: 'invalid_value' });
    else window = w;
  }
  const stagesRaw = raw.stages;
  if (stagesRaw === undefined || stagesRaw === null)
    return { template: empty, issues: [...issues, { field: 'stages', issue: 'required' }] };
  if (!Array.isArray(stagesRaw))
    return { template: empty, issues: [...issues, { field: 'stages', issue: 'invalid_value' }] };
  if (stagesRaw.length === 0)
    return { template: empty, issues: [...issues, { field: 'stages', issue: 'required' }] };
  if (stagesRaw.length > MAX_STAGES)
    return {
      template: empty,
      issues: [...issues, { field: 'stages', issue: 'too_many', params: { max: MAX_STAGES } }],
    };
  const seen = new Set<string>();
  const stages = stagesRaw.flatMap((s: unknown, i): TemplateStage[] => {
    const f = (x: string) => `stages[${i}].${x}`;
    if (!isObject(s)) {
      issues.push({ field: `stages[${i}]`, issue: 'invalid_value' });
      return [];
    }
    for (const k of Object.keys(s))
      if (!['key', 'name', 'planned_days', 'csat', 'tasks'].includes(k))
        issues.push({ field: f(k), issue: 'unknown_field' });
    const key = checkKey(s.key, f('key'), seen, issues);
    const name = checkName(s.name, f('name'), issues);
    const d = s.planned_days;
    let planned: number | null = null;
    if (d !== undefined && d !== null) {
      if (typeof d !== 'number' || !Number.isInteger(d) || d < 1 || d > 3650)
        issues.push({ field: f('planned_days'), issue: 'invalid_value' });
      else planned = d;
    }
    if (s.csat !== undefined && typeof s.csat !== 'boolean')
      issues.push({ field: f('csat'), issue: 'invalid_value' });
    const tasks = checkTasks(s.tasks, f('tasks'), issues);
    return [{ key, name, planned_days: planned, csat: s.csat === true, tasks }];
  });
  return { template: { start_window_days: window, stages }, issues: issues.slice(0, 50) };
}

/** A stored template body, or the built-in one when there is none or it no longer checks. */
export function templateOf(raw: unknown, locale: Locale): JourneyTemplate {
  if (raw === null || raw === undefined) return defaultTemplate(locale);
  const { template, issues } = checkTemplate(raw);
  return issues.length ? defaultTemplate(locale) : template;
}

/** YYYY-MM-DD plus whole days (UTC arithmetic on calendar days: no time zone can shift it). */
export function addDaysIso(day: string, n: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/** Whole days from one calendar day to another (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** The due day of a stage entered on `enteredOn`: planned days later; none without a plan. */
export function dueOn(enteredOn: string, plannedDays: number | null): string | null {
  return plannedDays === null ? null : addDaysIso(enteredOn, plannedDays);
}

export interface StageDates {
  entered_on: string | null;
  due_on: string | null;
  completed_on: string | null;
}

/**
 * Overdue on `asOf`: entered, not completed, and its due day has passed (the due day itself is
 * still on time). A stage without a due day is never overdue.
 */
export function isOverdue(s: StageDates, asOf: string): boolean {
  return s.entered_on !== null && s.completed_on === null && s.due_on !== null && s.due_on < asOf;
}

/** Days past the due day on `asOf` (0 when not overdue). */
export function overdueDays(s: StageDates, asOf: string): number {
  return isOverdue(s, asOf) && s.due_on !== null ? daysBetween(s.due_on, asOf) : 0;
}

/** A stage as the journey view shows it: done, the current one, not reached yet, or never reached. */
export function stageState(
  s: StageDates,
  key: string,
  journey: { status: JourneyStatus; current_stage: string | null },
): StageState {
  if (s.completed_on !== null) return 'done';
  if (journey.status === 'active' && journey.current_stage === key) return 'current';
  return journey.status === 'active' ? 'pending' : 'skipped';
}

/** The stage after `key` in position order; null after the last (or for an unknown key). */
export function nextStageKey(
  stages: readonly { key: string; position: number }[],
  key: string,
): string | null {
  const sorted = [...stages].sort((a, b) => a.position - b.position);
  const i = sorted.findIndex((s) => s.key === key);
  return i < 0 ? null : (sorted[i + 1]?.key ?? null);
}

export interface TaskResult {
  key: string;
  required: boolean;
  result: ResultKind;
  done: boolean;
  note: string | null;
  /** the attachment still exists on the customer (a removed file no longer proves anything) */
  has_file: boolean;
}

/** Whether a key task carries its verifiable result: ticked, a written note, or a file present. */
export function hasResult(t: TaskResult): boolean {
  if (t.result === 'checkbox') return t.done;
  if (t.result === 'note') return t.done && (t.note ?? '').trim() !== '';
  return t.done && t.has_file;
}

/** The required key tasks still without their result, as 422 issues `tasks.<key>`. */
export function missingResults(tasks: readonly TaskResult[]): FieldIssue[] {
  return tasks
    .filter((t) => t.required && !hasResult(t))
    .map((t) => ({ field: `tasks.${t.key}`, issue: 'result_required' as const }));
}

/**
 * Which orders start a journey: a confirmed, not deleted order of type `new` signed no earlier
 * than `windowDays` before `today` (renewals, expansions and downgrades belong to a customer whose
 * journey already ran). Whether the customer already has a journey under way is the caller's check.
 */
export function startsJourney(
  order: { type: string; status: string; deleted: boolean; order_date: string },
  today: string,
  windowDays: number,
): boolean {
  if (order.deleted || order.status !== 'confirmed' || order.type !== 'new' || windowDays <= 0) return false;
  return daysBetween(order.order_date, today) <= windowDays;
}

/**
 * The survey round of a stage's automatic CSAT: the stage key and the journey's last twelve hex
 * digits (the random part of its UUIDv7) — one round per journey and stage, so a replay or a
 * second completion never invites anyone twice, and it fits the 40 characters of a round.
 */
export function surveyRound(stageKey: string, journeyId: string): string {
  return `${stageKey}-${journeyId.replace(/-/g, '').slice(-12)}`;
}

/** Where the survey links point: the Origin of the request when it is a bare origin, else this server. */
export function linkOrigin(origin: string | undefined, protocol: string, host: string): string {
  if (typeof origin === 'string' && /^https?:\/\/[^/\s]+$/.test(origin)) return origin;
  return `${protocol}://${host}`;
}

/**
 * `sum / n` rounded half-up to tenths, in integers (non-negative inputs): 7/2 → 3.5, 10/3 → 3.3,
 * 2/3 → 0.7. null without values.
 */
export function meanOneDecimal(values: readonly number[]): number | null {
  if (!values.length) return null;
  const sum = values.reduce((a, b) => a + b, 0);
  const n = values.length;
  return Math.floor((20 * sum + n) / (2 * n)) / 10;
}

/** The median of whole days: the middle value, or the mean of the two middle ones (x.5). */
export function median(values: readonly number[]): number | null {
  if (!values.length) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  const hi = s[mid] ?? 0;
  return s.length % 2 ? hi : ((s[mid - 1] ?? 0) + hi) / 2;
}

export interface StageRow extends StageDates {
  key: string;
  name: string;
  position: number;
  planned_days: number | null;
  /** the day the journey was cancelled (its open stages stop counting from then) */
  cancelled_on: string | null;
}

export interface StageDurations {
  key: string;
  name: string;
  planned_days: number | null;
  /** stages completed from `from` to `to` */
  completed: number;
  mean_days: number | null;
  median_days: number | null;
  /** of those, completed after their due day */
  completed_late: number;
  /** under way on the as-of day (entered, not completed, journey not cancelled by then) */
  open: number;
  /** of those, past their due day */
  open_overdue: number;
}

/**
 * Stage durations over a period: per stage key, the stages completed from `from` to `to` with the
 * mean and median days from entering to completing and how many were late; the stages under way
 * on `asOf` (the period's end, or today for a period reaching past it) and how many are overdue.
 * Stages are listed in `order` (the current template's keys), then any other key by position;
 * each is named by the order's name, else the name it had in its journey.
 */
export function stageDurations(
  rows: readonly StageRow[],
  period: { from: string; to: string; asOf: string },
  order: readonly { key: string; name: string; planned_days: number | null }[],
): StageDurations[] {
  const groups = new Map<
    string,
    { name: string; position: number; planned: number | null; rows: StageRow[] }
  >();
  for (const o of order) groups.set(o.key, { name: o.name, position: -1, planned: o.planned_days, rows: [] });
  for (const r of rows) {
    const g = groups.get(r.key) ?? { name: r.name, position: r.position, planned: r.planned_days, rows: [] };
    g.rows.push(r);
    groups.set(r.key, g);
  }
  const known = new Set(order.map((o) => o.key));
  const keys = [
    ...order.map((o) => o.key),
    ...[...groups]
      .filter(([k]) => !known.has(k))
      .sort((a, b) => a[1].position - b[1].position || a[0].localeCompare(b[0]))
      .map(([k]) => k),
  ];
  return keys.flatMap((key) => {
    const g = groups.get(key);
    if (!g) return [];
    const done = g.rows.filter(
      (r) =>
        r.completed_on !== null &&
        r.entered_on !== null &&
        r.completed_on >= period.from &&
        r.completed_on <= period.to,
    );
    const days = done.map((r) => daysBetween(r.entered_on ?? '', r.completed_on ?? ''));
    const open = g.rows.filter(
      (r) =>
        r.entered_on !== null &&
        r.entered_on <= period.asOf &&
        (r.completed_on === null || r.completed_on > period.asOf) &&
        (r.cancelled_on === null || r.cancelled_on > period.asOf),
    );
    return [
      {
        key,
        name: g.name,
        planned_days: g.planned,
        completed: done.length,
        mean_days: meanOneDecimal(days),
        median_days: median(days),
        completed_late: done.filter((r) => r.due_on !== null && (r.completed_on ?? '') > r.due_on).length,
        open: open.length,
        open_overdue: open.filter((r) => r.due_on !== null && r.due_on < period.asOf).length,
      },
    ];
  });
}
