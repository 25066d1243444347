// Pure view logic of the activity screens (subject prefill, relative times, day grouping, the
// bodies the quick-add dialog sends, where server field errors land). Unit-tested.
import type { RelatedObject } from './api';

export const ACTIVITY_TYPES = ['visit', 'call', 'meeting', 'email', 'wechat', 'demo', 'note'] as const;
export type ActivityType = (typeof ACTIVITY_TYPES)[number];

export function isActivityType(v: unknown): v is ActivityType {
  return typeof v === 'string' && (ACTIVITY_TYPES as readonly string[]).includes(v);
}

/** The lookup field naming a related record on activity and task (`lead` → `lead_id`). */
export const relatedField = (object: RelatedObject): string => `${object}_id`;

/** "电话 · 华东科技" — the subject a new activity starts with. */
export function prefillSubject(typeLabel: string, recordName: string | null | undefined): string {
  const name = recordName?.trim();
  return name ? `${typeLabel} · ${name}` : typeLabel;
}

/**
 * The subject after the type or the record changed: follows the prefill while the user has not
 * written their own (empty, or still the previous prefill), and keeps what they wrote otherwise.
 */
export function nextSubject(
  current: string | undefined,
  previousPrefill: string,
  nextPrefill: string,
): string {
  const c = current ?? '';
  return c.trim() === '' || c === previousPrefill ? nextPrefill : c;
}

export interface Relative {
  value: number;
  unit: 'second' | 'minute' | 'hour' | 'day' | 'month' | 'year';
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** How far `at` is from `now`, in the largest unit that reads naturally (negative: the past). */
export function relativeParts(atIso: string, nowMs: number): Relative | null {
  const at = Date.parse(atIso);
  if (Number.isNaN(at)) return null;
  const diff = at - nowMs;
  const abs = Math.abs(diff);
  const sign = diff < 0 ? -1 : 1;
  const round = (unit: number) => sign * Math.round(abs / unit);
  if (abs < 45_000) return { value: 0, unit: 'second' };
  if (abs < 45 * MINUTE) return { value: round(MINUTE), unit: 'minute' };
  if (abs < 22 * HOUR) return { value: round(HOUR), unit: 'hour' };
  if (abs < 26 * DAY) return { value: round(DAY), unit: 'day' };
  if (abs < 320 * DAY) return { value: round(30 * DAY), unit: 'month' };
  return { value: round(365 * DAY), unit: 'year' };
}

/** "3 分钟前", "2 days ago", "明天" — in the UI language. */
export function formatRelative(atIso: string, nowMs: number, locale: string): string {
  const r = relativeParts(atIso, nowMs);
  if (!r) return atIso;
  const fmt = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
  return fmt.format(r.value, r.unit);
}

/** The calendar day (YYYY-MM-DD) of an instant in a time zone. */
export function ymdInZone(iso: string | number, timeZone: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  // en-CA formats as YYYY-MM-DD
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(d);
}

export function isYmd(v: string | null | undefined): v is string {
  if (!v || !/^\d{4}-\d{2}-\d{2}$/.test(v)) return false;
  const d = new Date(`${v}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === v;
}

/** Whole days from `from` to `to` (both YYYY-MM-DD). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY);
}

export type DayLabel = 'today' | 'yesterday' | 'tomorrow' | null;

export function dayLabel(day: string, today: string): DayLabel {
  const d = daysBetween(today, day);
  return d === 0 ? 'today' : d === -1 ? 'yesterday' : d === 1 ? 'tomorrow' : null;
}

/** Consecutive items of the same tenant-zone day, in the order given (newest first). */
export function groupByDay<T extends { at: string }>(
  items: T[],
  timeZone: string,
): { day: string; items: T[] }[] {
  const groups: { day: string; items: T[] }[] = [];
  for (const item of items) {
    const day = ymdInZone(item.at, timeZone);
    const last = groups[groups.length - 1];
    if (last && last.day === day) last.items.push(item);
    else groups.push({ day, items: [item] });
  }
  return groups;
}

/** Idle past the limit: amber; twice the limit or more: red. */
export function idleTone(idleDays: number, limitDays: number): 'warning' | 'danger' {
  return limitDays > 0 && idleDays >= 2 * limitDays ? 'danger' : 'warning';
}

/** The record an activity is logged about. */
export interface ActivityTarget {
  object: RelatedObject;
  id: string;
  name?: string | null;
}

export interface ActivityFormValues {
  type: ActivityType;
  subject?: string;
  notes?: string;
  outcome?: string;
  next_step?: string;
  /** ISO instant */
  occurred_at?: string | null;
  duration_minutes?: number | null;
  latitude?: number | null;
  longitude?: number | null;
}

const text = (v: string | undefined): string | null => {
  const s = v?.trim();
  return s ? s : null;
};

/** The POST /objects/activity body: filled fields only, and the record it is about. */
export function activityBody(v: ActivityFormValues, target: ActivityTarget | null): Record<string, unknown> {
  const body: Record<string, unknown> = { type: v.type, subject: text(v.subject) ?? '' };
  for (const k of ['notes', 'outcome', 'next_step'] as const) {
    const s = text(v[k]);
    if (s) body[k] = s;
  }
  if (v.occurred_at) body.occurred_at = v.occurred_at;
  if (typeof v.duration_minutes === 'number') body.duration_minutes = v.duration_minutes;
  // a check-in is a pair; one half alone is dropped rather than refused
  if (typeof v.latitude === 'number' && typeof v.longitude === 'number') {
    body.latitude = v.latitude;
    body.longitude = v.longitude;
  }
  if (target) body[relatedField(target.object)] = target.id;
  return body;
}

const RELATED_FIELDS = ['lead_id', 'account_id', 'contact_id', 'opportunity_id'] as const;

/** A follow-up task about the same records as the activity the server stored. */
export function followUpTaskBody(
  subject: string | undefined,
  dueAt: string | null | undefined,
  activity: Record<string, unknown>,
): Record<string, unknown> {
  const body: Record<string, unknown> = { subject: text(subject) ?? '' };
  if (dueAt) body.due_at = dueAt;
  for (const f of RELATED_FIELDS) {
    const id = activity[f];
    if (typeof id === 'string' && id) body[f] = id;
  }
  return body;
}

const OWN_FIELDS = [
  'type',
  'subject',
  'notes',
  'outcome',
  'next_step',
  'occurred_at',
  'duration_minutes',
] as const;

/** Fields of the quick-add dialog a server error can land on. */
export type DialogField =
  (typeof OWN_FIELDS)[number] | 'related' | 'checkin' | 'task_subject' | 'task_due_at';

/**
 * The dialog field a server error detail belongs on: the related ids land on the record picker,
 * task fields on the follow-up task's inputs; null when the dialog has no such field.
 */
export function dialogFieldOf(
  detailField: string | undefined,
  kind: 'activity' | 'task',
): DialogField | null {
  if (!detailField) return null;
  const bare = detailField.replace(/^records\[\d+\]\./, '').split('.')[0] ?? '';
  if ((RELATED_FIELDS as readonly string[]).includes(bare)) return kind === 'activity' ? 'related' : null;
  if (kind === 'task') return bare === 'subject' ? 'task_subject' : bare === 'due_at' ? 'task_due_at' : null;
  const own = OWN_FIELDS.find((f) => f === bare);
  if (own) return own;
  if (bare === 'latitude' || bare === 'longitude') return 'checkin';
  return null;
}
