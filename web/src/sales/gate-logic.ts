import type { ErrorDetail } from '../api/http-client';
import type { StageGate, StageType } from './api';

/** One problem standing between a deal and the target stage, as the dialog shows it. */
export type GateProblem =
  | { kind: 'field'; field: string }
  | { kind: 'activity'; type: string }
  | { kind: 'reason' }
  | { kind: 'rule'; code: string };

const ACTIVITY_PREFIX = 'activities.';

/** Sorts the server's `missing` list (gate answer or 422 details) into what the dialog can act on. */
export function classifyMissing(
  missing: { field?: string | undefined; code?: string | undefined }[],
): GateProblem[] {
  const out: GateProblem[] = [];
  for (const m of missing) {
    const field = m.field ?? '';
    if (field.startsWith(ACTIVITY_PREFIX))
      out.push({ kind: 'activity', type: field.slice(ACTIVITY_PREFIX.length) });
    else if (field === 'close_reason') out.push({ kind: 'reason' });
    else if (field === 'stage' || field === '' || (m.code && m.code !== 'required'))
      out.push({ kind: 'rule', code: m.code ?? 'invalid' });
    else out.push({ kind: 'field', field });
  }
  return out;
}

export interface GatePlan {
  /** fields the dialog asks for inline (filled together with the move, in one write) */
  fields: string[];
  /** activity types still to log on the deal */
  activities: string[];
  /** rule violations (no skip, no back, reopen first) the user cannot fix here */
  rules: string[];
  /** a lost/invalid target: a reason from the configured list is required */
  needsReason: boolean;
  reasons: string[];
}

export function planGate(gate: StageGate, targetType: StageType | undefined): GatePlan {
  const problems = classifyMissing(gate.missing);
  const needsReason =
    gate.close_reasons !== null ||
    targetType === 'lost' ||
    targetType === 'invalid' ||
    problems.some((p) => p.kind === 'reason');
  return {
    fields: problems.flatMap((p) => (p.kind === 'field' ? [p.field] : [])),
    activities: problems.flatMap((p) => (p.kind === 'activity' ? [p.type] : [])),
    rules: problems.flatMap((p) => (p.kind === 'rule' ? [p.code] : [])),
    needsReason,
    reasons: gate.close_reasons ?? [],
  };
}

/** What the user has put in the dialog. */
export interface GateInput {
  /** inline field values, already in API format; null/'' when left empty */
  values: Record<string, unknown>;
  reason: string | null;
  note: string;
}

const filled = (v: unknown): boolean =>
  v !== null && v !== undefined && v !== '' && !(Array.isArray(v) && v.length === 0);

/**
 * Why the move cannot be submitted yet (empty when it can). Missing activities and rule
 * violations block; the fields and the reason block until filled in the dialog.
 */
export function blockers(plan: GatePlan, input: GateInput): GateProblem[] {
  const out: GateProblem[] = [];
  for (const r of plan.rules) out.push({ kind: 'rule', code: r });
  for (const a of plan.activities) out.push({ kind: 'activity', type: a });
  for (const f of plan.fields) if (!filled(input.values[f])) out.push({ kind: 'field', field: f });
  if (plan.needsReason && !filled(input.reason)) out.push({ kind: 'reason' });
  return out;
}

/**
 * The write that performs the move. With inline fields it is one PATCH of the record (fields and
 * stage together, so the gate sees them and nothing is half-saved); otherwise POST …/stage.
 */
export function moveRequest(
  to: string,
  plan: GatePlan,
  input: GateInput,
):
  | { kind: 'stage'; body: { stage: string; close_reason?: string; close_note?: string } }
  | { kind: 'patch'; body: Record<string, unknown> } {
  const close: { close_reason?: string; close_note?: string } = {};
  if (plan.needsReason && input.reason) close.close_reason = input.reason;
  if (plan.needsReason && input.note.trim()) close.close_note = input.note.trim();
  const fields = Object.fromEntries(
    plan.fields.filter((f) => filled(input.values[f])).map((f) => [f, input.values[f]]),
  );
  if (Object.keys(fields).length === 0) return { kind: 'stage', body: { stage: to, ...close } };
  return { kind: 'patch', body: { ...fields, stage: to, ...close } };
}

/** The server's 422 list (`stage_gate_failed` details), as problems plus its own words. */
export function problemsFromError(details: ErrorDetail[]): { problems: GateProblem[]; messages: string[] } {
  return {
    problems: classifyMissing(details),
    messages: details.map((d) => (d.field ? `${d.field}: ${d.issue}` : d.issue)),
  };
}
