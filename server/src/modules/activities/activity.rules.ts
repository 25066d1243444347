// Pure rules of activities and tasks: what an activity must name, what counts as a follow-up,
// and the timeline cursor. No I/O here (the hooks and services do that).
import type { FieldIssue } from '../../platform/http/errors.ts';
import type { Rec } from '../../platform/metadata/types.ts';

/** The records an activity or task can be about, with the object each lookup points at. */
export const RELATED = [
  { field: 'lead_id', object: 'lead', table: 'lead' },
  { field: 'account_id', object: 'account', table: 'account' },
  { field: 'contact_id', object: 'contact', table: 'contact' },
  { field: 'opportunity_id', object: 'opportunity', table: 'opportunity' },
] as const;
export type RelatedField = (typeof RELATED)[number]['field'];

/** Activity types that are appointments (shown as upcoming on my day when dated ahead). */
export const MEETING_TYPES = ['meeting', 'visit', 'demo'] as const;

const idOf = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

/** An activity records contact with someone: it must be about at least one record. */
export function relatedIssues(rec: Rec): FieldIssue[] {
  if (RELATED.some((r) => idOf(rec[r.field]))) return [];
  // named on account_id: the field a person filling the form picks first
  return [{ field: 'account_id', issue: 'related_record_required' }];
}

/** A check-in place is a point: latitude and longitude come together or not at all. */
export function coordinateIssues(rec: Rec): FieldIssue[] {
  const hasLat = rec.latitude !== null && rec.latitude !== undefined;
  const hasLng = rec.longitude !== null && rec.longitude !== undefined;
  if (hasLat === hasLng) return [];
  return [{ field: hasLat ? 'longitude' : 'latitude', issue: 'coordinates_pair' }];
}

/**
 * The account an activity belongs to, from the records it names: a contact and an opportunity
 * each belong to one account. An empty account_id is filled from them; one that disagrees is
 * refused on the field that disagrees (as are a contact and an opportunity of two accounts).
 */
export function resolveAccount(
  given: string | null,
  owners: Array<{ field: 'contact_id' | 'opportunity_id'; accountId: string }>,
): { accountId: string | null; issues: FieldIssue[] } {
  const accountId = given ?? owners[0]?.accountId ?? null;
  const issues: FieldIssue[] = owners
    .filter((o) => o.accountId !== accountId)
    .map((o) => ({ field: o.field, issue: 'other_account' as const }));
  return { accountId, issues };
}

/**
 * Only what has happened is a follow-up: an activity dated after `now` is a plan (an upcoming
 * meeting), so it moves no follow-up date until it is re-dated into the past.
 */
export function isFollowUp(occurredAt: unknown, now: Date): boolean {
  const t = toMillis(occurredAt);
  return t !== null && t <= now.getTime();
}

export function toMillis(v: unknown): number | null {
  if (v instanceof Date) return v.getTime();
  if (typeof v !== 'string') return null;
  const t = Date.parse(v);
  return Number.isNaN(t) ? null : t;
}

export interface FollowUps {
  /** per table: record id → the latest follow-up in the batch (ISO) */
  latest: Record<'account' | 'contact' | 'opportunity', Map<string, string>>;
  /** lead follow-ups, one per activity (the leads module takes first and last) */
  leads: Array<{ leadId: string; at: string }>;
}

/** The follow-up dates a batch of activities moves, one entry per record (not per activity). */
export function followUpsOf(activities: Rec[], now: Date): FollowUps {
  const out: FollowUps = {
    latest: { account: new Map(), contact: new Map(), opportunity: new Map() },
    leads: [],
  };
  for (const a of activities) {
    if (!isFollowUp(a.occurred_at, now)) continue;
    const at = new Date(toMillis(a.occurred_at) ?? now.getTime()).toISOString();
    for (const table of ['account', 'contact', 'opportunity'] as const) {
      const id = idOf(a[`${table}_id`]);
      if (!id) continue;
      const cur = out.latest[table].get(id);
      if (!cur || cur < at) out.latest[table].set(id, at);
    }
    const lead = idOf(a.lead_id);
    if (lead) out.leads.push({ leadId: lead, at });
  }
  return out;
}

/** True when an update changes what an activity is about or when it happened. */
export function movesFollowUps(before: Rec, after: Rec): boolean {
  if (toMillis(before.occurred_at) !== toMillis(after.occurred_at)) return true;
  return RELATED.some((r) => idOf(before[r.field]) !== idOf(after[r.field]));
}

/**
 * completed_at follows status: set when a task becomes done, kept while it stays done,
 * cleared when it is reopened or cancelled.
 */
export function completedAtFor(
  before: Rec | undefined,
  after: Rec,
  nowIso: string,
): string | null | undefined {
  if (after.status !== 'done') return null;
  if (before?.status === 'done' && before.completed_at) return undefined;
  return nowIso;
}

// --- timeline cursor: (at, id) of the last item, `at` as PostgreSQL's text (keeps microseconds)

export function encodeTimelineCursor(at: string, id: string): string {
  return Buffer.from(JSON.stringify([at, id]), 'utf8').toString('base64url');
}

export function decodeTimelineCursor(raw: string): { at: string; id: string } | null {
  try {
    const v: unknown = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
    if (
      Array.isArray(v) &&
      v.length === 2 &&
      typeof v[0] === 'string' &&
      typeof v[1] === 'string' &&
      /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/.test(v[0]) &&
      /^[0-9a-f-]{36}$/i.test(v[1])
    )
      return { at: v[0], id: v[1] };
  } catch {
    // not base64/JSON: fall through
  }
  return null;
}
