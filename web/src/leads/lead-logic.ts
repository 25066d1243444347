import type { FieldMeta, FieldValue, RecordData } from '../api/types';
import { fieldValue } from '../objects/field-values';
import {
  LEAD_STATUSES,
  type DuplicateHit,
  type LeadEvent,
  type LeadStatus,
  type Timeline,
  type Touch,
} from './leads-api';

export function isLeadStatus(v: unknown): v is LeadStatus {
  return typeof v === 'string' && LEAD_STATUSES.some((s) => s === v);
}

/** Who may do what with a lead; mirrors the server's rules (docs/LEADS.md 8.3) so the UI hides what would be refused. */
export interface LeadActionInput {
  status: string;
  ownerId: string | null;
  poolId: string | null;
  /** `members_claim` or `admin_assign`; null when the pool is unknown or unreadable. */
  poolVisibility: string | null;
  meId: string;
  isAdmin: boolean;
  poolRole: 'admin' | 'member' | null;
  /** create on account and contact (conversion writes both). */
  canConvert: boolean;
}

export interface LeadActions {
  claim: boolean;
  assign: boolean;
  giveBack: boolean;
  transfer: boolean;
  invalidate: boolean;
  convert: boolean;
  /** spam: pool admins and tenant admins */
  void: boolean;
  /** invalid: the owner and pool admins; voided: tenant admins only */
  revive: boolean;
}

const OPEN: readonly string[] = ['pending', 'in_progress'];
const CLOSED: readonly string[] = ['converted', 'voided'];

export function leadActions(i: LeadActionInput): LeadActions {
  const poolAdmin = i.isAdmin || i.poolRole === 'admin';
  const owner = i.ownerId !== null && i.ownerId === i.meId;
  const mayClaim =
    poolAdmin || (i.poolRole === 'member' && (i.poolVisibility ?? 'members_claim') === 'members_claim');
  return {
    claim: i.status === 'unassigned' && i.ownerId === null && i.poolId !== null && mayClaim,
    assign: poolAdmin && !CLOSED.includes(i.status),
    giveBack: (owner || i.isAdmin) && OPEN.includes(i.status),
    transfer: poolAdmin && !CLOSED.includes(i.status) && i.status !== 'invalid',
    invalidate: (owner || poolAdmin) && !CLOSED.includes(i.status) && i.status !== 'invalid',
    convert: i.canConvert && OPEN.includes(i.status),
    void: poolAdmin && !CLOSED.includes(i.status),
    revive: (i.status === 'invalid' && (owner || poolAdmin)) || (i.status === 'voided' && i.isAdmin),
  };
}

export type Qualification = 'mql' | 'sql';

/** The lead's qualification level, or null (not qualified, or an unknown value). */
export function qualificationOf(v: unknown): Qualification | null {
  return v === 'mql' || v === 'sql' ? v : null;
}

/**
 * Whether the quick MQL/SQL choice is offered: leads still being worked (not converted, voided or
 * invalid), by someone who may edit leads; an unassigned lead only by an admin (pool members may
 * read the leads of their pool but not edit them).
 */
export function canQualify(status: string, canEdit: boolean, isAdmin: boolean): boolean {
  if (!canEdit || CLOSED.includes(status) || status === 'invalid') return false;
  return status !== 'unassigned' || isAdmin;
}

export type TimelineEntry =
  { kind: 'touch'; at: string; touch: Touch } | { kind: 'event'; at: string; event: LeadEvent };

/** Touches and moves in one list, newest first (ties keep moves before the touch that caused them). */
export function timelineEntries(t: Timeline): TimelineEntry[] {
  const entries: TimelineEntry[] = [
    ...t.events.map((event): TimelineEntry => ({ kind: 'event', at: event.at, event })),
    ...t.touches.map((touch): TimelineEntry => ({ kind: 'touch', at: touch.at, touch })),
  ];
  return entries
    .map((e, i) => ({ e, i, ms: Date.parse(e.at) }))
    .sort((a, b) => b.ms - a.ms || a.i - b.i)
    .map((x) => x.e);
}

/** `rule:east` → the assignment rule id; null for other reasons. */
export function ruleOfReason(reason: string | null): string | null {
  if (!reason || !reason.startsWith('rule:')) return null;
  return reason.slice('rule:'.length) || null;
}

/** Reasons of `converted` and `merged` events are JSON text; others are plain text. */
export function parseReasonJson(reason: string | null): Record<string, unknown> | null {
  if (!reason || !reason.startsWith('{')) return null;
  try {
    const v: unknown = JSON.parse(reason);
    return typeof v === 'object' && v !== null && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v))
      : null;
  } catch {
    return null;
  }
}

export interface BulkOutcome {
  id: string;
  ok: boolean;
  error?: string;
}

export interface BulkSummary {
  ok: number;
  failed: number;
  /** Distinct failure messages with how many leads each refused. */
  reasons: { message: string; count: number }[];
}

export function summarizeBulk(outcomes: BulkOutcome[]): BulkSummary {
  const reasons = new Map<string, number>();
  let ok = 0;
  for (const o of outcomes) {
    if (o.ok) ok++;
    else {
      const m = o.error ?? '';
      reasons.set(m, (reasons.get(m) ?? 0) + 1);
    }
  }
  return {
    ok,
    failed: outcomes.length - ok,
    reasons: [...reasons].map(([message, count]) => ({ message, count })),
  };
}

/** Runs one call per id in order (claims of one user are serialised on the server anyway). */
export async function runBulk(
  ids: string[],
  call: (id: string) => Promise<unknown>,
  errorMessage: (err: unknown) => string,
  onProgress: (done: number) => void,
): Promise<BulkOutcome[]> {
  const out: BulkOutcome[] = [];
  for (const id of ids) {
    try {
      await call(id);
      out.push({ id, ok: true });
    } catch (err) {
      out.push({ id, ok: false, error: errorMessage(err) });
    }
    onProgress(out.length);
  }
  return out;
}

export function isEmptyValue(v: unknown): boolean {
  return v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0);
}

const valueOf = (r: RecordData, field: string): FieldValue => fieldValue(r, field);

/** Fields a merge can take from the merged lead: ordinary writable ones (the owner included). */
export function mergeableFields(fields: FieldMeta[]): FieldMeta[] {
  return fields.filter(
    (f) => f.api_name === 'owner_id' || (!f.system && !f.read_only && f.api_name !== 'id'),
  );
}

export type MergePick = 'survivor' | 'merged';

export interface MergeRow {
  field: FieldMeta;
  survivor: FieldValue;
  merged: FieldValue;
  same: boolean;
}

export function mergeRows(fields: FieldMeta[], survivor: RecordData, merged: RecordData): MergeRow[] {
  return mergeableFields(fields)
    .map((field) => {
      const s = valueOf(survivor, field.api_name);
      const m = valueOf(merged, field.api_name);
      return { field, survivor: s, merged: m, same: JSON.stringify(s) === JSON.stringify(m) };
    })
    .filter((r) => !(isEmptyValue(r.survivor) && isEmptyValue(r.merged)));
}

/** The survivor's value wins unless it is empty and the merged lead has one. */
export function defaultPicks(rows: MergeRow[]): Record<string, MergePick> {
  return Object.fromEntries(
    rows.map((r) => [
      r.field.api_name,
      isEmptyValue(r.survivor) && !isEmptyValue(r.merged) ? 'merged' : 'survivor',
    ]),
  );
}

/** Fields whose merged value replaces the survivor's (only where it differs and is not empty). */
export function takeFromMerged(rows: MergeRow[], picks: Record<string, MergePick>): string[] {
  return rows
    .filter((r) => picks[r.field.api_name] === 'merged' && !r.same && !isEmptyValue(r.merged))
    .map((r) => r.field.api_name);
}

/** The first hit of that object the caller may see — a sensible pre-fill for "link existing". */
export function firstVisibleHit(hits: DuplicateHit[], object: DuplicateHit['object']): DuplicateHit | null {
  return hits.find((h) => h.object === object && h.visible) ?? null;
}

/** The duplicate-check body from a lead: only the keys that have a value. */
export function duplicateProbe(lead: RecordData): { mobile?: string; email?: string; company?: string } {
  const probe: { mobile?: string; email?: string; company?: string } = {};
  const mobile = lead.mobile;
  const email = lead.email;
  const company = lead.company;
  if (typeof mobile === 'string' && mobile) probe.mobile = mobile.slice(0, 40);
  if (typeof email === 'string' && email) probe.email = email.slice(0, 254);
  if (typeof company === 'string' && company) probe.company = company.slice(0, 200);
  return probe;
}

/** Aggregate groups (`group_by=status`) as a count per status, plus the total. */
export function statusCounts(
  groups: { value: unknown; count: number }[],
): { total: number } & Partial<Record<LeadStatus, number>> {
  const out: { total: number } & Partial<Record<LeadStatus, number>> = { total: 0 };
  for (const g of groups) {
    out.total += g.count;
    if (isLeadStatus(g.value)) out[g.value] = g.count;
  }
  return out;
}
