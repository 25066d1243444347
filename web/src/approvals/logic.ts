import type { FieldMeta, FilterOp } from '../api/types';
import type { ApprovalNode, NodeKind, ProcessBody, Trigger } from './api';

/**
 * One condition row of the designer: the field, an operator and the value as typed (yuan for
 * money, comma lists for in/nin). The server's grammar (docs/API.md §4.6) is what gets sent.
 */
export interface ConditionRow {
  field: string;
  op: FilterOp;
  value: string;
}

/** A designer condition: the flat rows it edits, plus any and/or groups it keeps as they were. */
export interface ConditionDraft {
  rows: ConditionRow[];
  /** Groups written through the API; kept and sent back after the rows so row indexes match. */
  kept: unknown[];
}

export interface NodeDraft {
  name: string;
  kind: NodeKind;
  user_id: string | null;
  role: string | null;
  levels: number | null;
  user_ids: string[];
  mode: 'all' | 'ratio';
  ratio: number | null;
  condition: ConditionDraft;
  timeout_hours: number | null;
}

export interface ProcessDraft {
  name: string;
  description: string;
  object: string;
  triggers: Trigger[];
  priority: number;
  active: boolean;
  snapshot_fields: string[];
  condition: ConditionDraft;
  nodes: NodeDraft[];
  version?: number;
}

export const NODE_KINDS: NodeKind[] = ['user', 'role', 'department_head', 'manager_levels', 'countersign'];
export const TRIGGERS: Trigger[] = ['manual', 'create', 'update', 'void'];

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

function rowOf(c: unknown, fields: FieldMeta[]): ConditionRow | null {
  if (!isObj(c) || typeof c.field !== 'string' || typeof c.op !== 'string' || 'and' in c || 'or' in c)
    return null;
  const field = fields.find((f) => f.api_name === c.field);
  const op = c.op as FilterOp;
  const v = c.value;
  let value: string;
  if (Array.isArray(v)) value = v.map((x) => String(x)).join(',');
  else if (field?.type === 'currency' && typeof v === 'number') value = String(v / 100);
  else value = v === undefined || v === null ? '' : String(v);
  return { field: c.field, op, value };
}

/** Splits a saved condition into rows the designer edits and groups it keeps untouched. */
export function conditionDraft(condition: unknown[], fields: FieldMeta[]): ConditionDraft {
  const rows: ConditionRow[] = [];
  const kept: unknown[] = [];
  for (const c of condition) {
    const row = rowOf(c, fields);
    if (row) rows.push(row);
    else kept.push(c);
  }
  return { rows, kept };
}

function typedValue(field: FieldMeta | undefined, op: FilterOp, raw: string): unknown {
  if (op === 'is_null') return raw !== 'false';
  const one = (s: string): unknown => {
    const t = s.trim();
    switch (field?.type) {
      case 'currency': {
        const n = Number(t);
        // money in conditions is in minor units (fen); typed in yuan
        return t !== '' && Number.isFinite(n) ? Math.round(n * 100) : t;
      }
      case 'number':
      case 'percent': {
        const n = Number(t);
        return t !== '' && Number.isFinite(n) ? n : t;
      }
      case 'boolean':
        return t === 'true' ? true : t === 'false' ? false : t;
      default:
        return t;
    }
  };
  if (op === 'in' || op === 'nin' || op === 'between')
    return raw
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '')
      .map(one);
  return one(raw);
}

/** The server's condition: typed rows first (their indexes are the ones 422 names), then kept groups. */
export function conditionBody(draft: ConditionDraft, fields: FieldMeta[]): unknown[] {
  const rows = draft.rows.map((r) => ({
    field: r.field,
    op: r.op,
    value: typedValue(
      fields.find((f) => f.api_name === r.field),
      r.op,
      r.value,
    ),
  }));
  return [...rows, ...draft.kept];
}

export function emptyNode(kind: NodeKind = 'user'): NodeDraft {
  return {
    name: '',
    kind,
    user_id: null,
    role: null,
    levels: kind === 'manager_levels' ? 2 : null,
    user_ids: [],
    mode: 'all',
    ratio: null,
    condition: { rows: [], kept: [] },
    timeout_hours: null,
  };
}

export function nodeDraft(n: ApprovalNode, fields: FieldMeta[]): NodeDraft {
  return {
    name: n.name,
    kind: n.kind,
    user_id: n.user_id ?? null,
    role: n.role ?? null,
    levels: n.levels ?? null,
    user_ids: n.user_ids ?? [],
    mode: n.mode ?? 'all',
    ratio: n.ratio ?? null,
    condition: conditionDraft(n.condition, fields),
    timeout_hours: n.timeout_hours,
  };
}

/** Only the keys of the node's kind go to the server, so a changed kind leaves nothing stale. */
export function nodeBody(n: NodeDraft, fields: FieldMeta[]): ApprovalNode {
  const base = {
    name: n.name.trim(),
    kind: n.kind,
    condition: conditionBody(n.condition, fields),
    timeout_hours: n.timeout_hours,
  };
  switch (n.kind) {
    case 'user':
      return { ...base, ...(n.user_id ? { user_id: n.user_id } : {}) };
    case 'role':
      return { ...base, ...(n.role ? { role: n.role } : {}) };
    case 'manager_levels':
      return { ...base, ...(n.levels !== null ? { levels: n.levels } : {}) };
    case 'countersign':
      return {
        ...base,
        user_ids: n.user_ids,
        ...(n.role ? { role: n.role } : {}),
        mode: n.mode,
        ...(n.mode === 'ratio' && n.ratio !== null ? { ratio: n.ratio } : {}),
      };
    default:
      return base;
  }
}

export function processBody(d: ProcessDraft, fields: FieldMeta[]): ProcessBody {
  return {
    name: d.name.trim(),
    description: d.description.trim() || null,
    object: d.object,
    triggers: d.triggers,
    priority: d.priority,
    active: d.active,
    snapshot_fields: d.snapshot_fields,
    condition: conditionBody(d.condition, fields),
    nodes: d.nodes.map((n) => nodeBody(n, fields)),
    ...(d.version !== undefined ? { version: d.version } : {}),
  };
}

/** Moves item `from` one place up (-1) or down (+1); out of range leaves the list as it was. */
export function move<T>(list: T[], from: number, by: -1 | 1): T[] {
  const to = from + by;
  if (from < 0 || from >= list.length || to < 0 || to >= list.length) return list;
  const next = [...list];
  const [item] = next.splice(from, 1);
  if (item !== undefined) next.splice(to, 0, item);
  return next;
}

/**
 * The server names a bad input by its path (`nodes[2].user_id`, `condition[1].value`); issues are
 * collected by that path so each input shows its own. A path without a designer input of its own
 * is reported on its nearest parent that has one (`nodes[1].condition[0].value` → the row).
 */
export function issuesByPath(details: { field?: string; issue: string }[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const d of details) {
    const key = d.field ?? '';
    out[key] = out[key] ? `${out[key]}；${d.issue}` : d.issue;
  }
  return out;
}

/** The first issue at `path` or under it (`condition[0]` finds `condition[0].value`). */
export function issueAt(issues: Record<string, string>, path: string): string | undefined {
  if (issues[path]) return issues[path];
  const under = Object.keys(issues).find((k) => k.startsWith(`${path}.`) || k.startsWith(`${path}[`));
  return under ? issues[under] : undefined;
}

/** Issues no input shows (unknown paths), so they are listed above the form rather than lost. */
export function unplacedIssues(issues: Record<string, string>, draft: ProcessDraft): string[] {
  const placed = (k: string): boolean => {
    if (['name', 'description', 'object', 'priority', 'active', 'snapshot_fields', 'nodes'].includes(k))
      return true;
    if (/^triggers(\[\d+\])?$/.test(k)) return true;
    const cond = /^condition\[(\d+)\]/.exec(k);
    if (cond) return Number(cond[1]) < draft.condition.rows.length;
    const node = /^nodes\[(\d+)\](?:\.condition\[(\d+)\])?/.exec(k);
    if (node) {
      const n = draft.nodes[Number(node[1])];
      if (!n) return false;
      return node[2] === undefined || Number(node[2]) < n.condition.rows.length;
    }
    return false;
  };
  return Object.entries(issues)
    .filter(([k]) => !placed(k))
    .map(([k, v]) => (k ? `${k}: ${v}` : v));
}

/** Hours waited, as a person reads them: under a day in hours, then in days. */
export function ageParts(hours: number): { unit: 'hours' | 'days'; n: number } {
  if (hours < 24) return { unit: 'hours', n: Math.max(0, Math.floor(hours)) };
  return { unit: 'days', n: Math.floor(hours / 24) };
}

/**
 * Objects a panel or dialog of their own submits: a contract (its submit also records "no
 * approval needed") and a renewal adjustment (submitted as it is created; a new one replaces it).
 */
const OWN_SUBMIT = new Set(['contract', 'renewal_adjustment']);

type SubmitState = Readonly<Record<string, unknown>>;

/**
 * Record states a module's approval handler accepts (the server refuses the rest with 409):
 * a quote only as a draft (quotes.rules TRANSITIONS: only draft → in_approval), an invoice only
 * as an application not yet approved (receivables.rules isInvoiceSubmittable).
 */
const SUBMITTABLE: Partial<Record<string, (r: SubmitState) => boolean>> = {
  quote: (r) => r.status === 'draft',
  invoice: (r) =>
    r.status === 'applied' && r.approval_status !== 'approved' && r.approval_status !== 'not_required',
};

/**
 * Whether the record's approvals panel offers "submit": not while a submission is pending, not
 * where the module submits by itself, and only in a state the module takes for approval.
 */
export function offersSubmit(object: string, record: SubmitState, hasPending: boolean): boolean {
  if (hasPending || OWN_SUBMIT.has(object)) return false;
  const takes = SUBMITTABLE[object];
  return takes ? takes(record) : true;
}
