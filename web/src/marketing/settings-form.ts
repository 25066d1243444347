import type {
  AssignmentRule,
  Behaviour,
  Condition,
  ConditionOp,
  DuplicateRule,
  LeadSettings,
  ScoringRule,
} from './api';

/** A condition as the form edits it: lists as tags, numbers as numbers, the rest as text. */
export interface ConditionForm {
  field: string;
  op: ConditionOp;
  value?: string | number | string[] | null;
}

export interface ScoringRuleForm {
  id: string;
  kind: 'field' | 'behaviour';
  label: { 'zh-CN': string; 'en-US': string };
  group: string;
  points: number;
  when?: ConditionForm;
  behaviour?: Behaviour;
  min_count?: number;
}

export type AssignmentRuleForm = Omit<AssignmentRule, 'conditions'> & { conditions: ConditionForm[] };

/** The lead settings in the shape the antd form edits (group caps as rows). */
export interface SettingsForm {
  duplicateRules: DuplicateRule[];
  fuzzyThreshold: number;
  manualDuplicatePolicy: 'warn' | 'block';
  invalidReasons: string[];
  scoring: {
    rules: ScoringRuleForm[];
    groupCaps: Array<{ group: string; cap: number }>;
    monthlyDecayPercent: number;
  };
  assignmentRules: AssignmentRuleForm[];
  defaultPoolId: string | null;
  protection: LeadSettings['protection'];
  reclaimCooldownDays: number;
  requireQualifiedToConvert: boolean;
  conversionMapping: LeadSettings['conversionMapping'];
}

export type Panel = 'duplicates' | 'invalid' | 'scoring' | 'assignment' | 'protection' | 'conversion';

function conditionToForm(c: Condition): ConditionForm {
  const v = c.value;
  if (c.op === 'is_set') return { field: c.field, op: c.op };
  if (c.op === 'in')
    return {
      field: c.field,
      op: c.op,
      value: Array.isArray(v) ? v.map(String) : v == null ? [] : [String(v)],
    };
  if (typeof v === 'number') return { field: c.field, op: c.op, value: v };
  return { field: c.field, op: c.op, value: v == null ? '' : String(v) };
}

export function conditionFromForm(c: ConditionForm): Condition {
  const v = c.value;
  if (c.op === 'is_set') return { field: c.field, op: c.op };
  if (c.op === 'in') {
    const list = Array.isArray(v)
      ? v
      : typeof v === 'string'
        ? v.split(/[,，]/)
        : v == null
          ? []
          : [String(v)];
    return { field: c.field, op: c.op, value: list.map((s) => s.trim()).filter(Boolean) };
  }
  if (c.op === 'gte' || c.op === 'lte') {
    const n = typeof v === 'number' ? v : Number(String(v ?? '').trim());
    // a non-number is sent as typed so the server names the field
    return { field: c.field, op: c.op, value: Number.isFinite(n) && String(v ?? '').trim() !== '' ? n : v };
  }
  return { field: c.field, op: c.op, value: Array.isArray(v) ? v.join(',') : v == null ? '' : String(v) };
}

export function toForm(s: LeadSettings): SettingsForm {
  return {
    duplicateRules: s.duplicateRules,
    fuzzyThreshold: s.fuzzyThreshold,
    manualDuplicatePolicy: s.manualDuplicatePolicy,
    invalidReasons: s.invalidReasons,
    scoring: {
      rules: s.scoring.rules.map((r) => {
        const label = { 'zh-CN': r.label['zh-CN'] ?? '', 'en-US': r.label['en-US'] ?? '' };
        const common = { id: r.id, label, group: r.group, points: r.points };
        return r.kind === 'field'
          ? { ...common, kind: 'field', when: conditionToForm(r.when) }
          : { ...common, kind: 'behaviour', behaviour: r.behaviour, min_count: r.min_count };
      }),
      groupCaps: Object.entries(s.scoring.groupCaps).map(([group, cap]) => ({ group, cap })),
      monthlyDecayPercent: s.scoring.monthlyDecayPercent,
    },
    assignmentRules: s.assignmentRules.map((r) => ({ ...r, conditions: r.conditions.map(conditionToForm) })),
    defaultPoolId: s.defaultPoolId,
    protection: s.protection,
    reclaimCooldownDays: s.reclaimCooldownDays,
    requireQualifiedToConvert: s.requireQualifiedToConvert,
    conversionMapping: s.conversionMapping,
  };
}

/** The whole settings object for PUT (every key; the form's rows back into the API shape). */
export function fromForm(f: SettingsForm): LeadSettings {
  const trim = (s: string | undefined) => (s ?? '').trim();
  return {
    duplicateRules: (f.duplicateRules ?? []).map((r) => ({ ...r, id: trim(r.id), fields: r.fields ?? [] })),
    fuzzyThreshold: f.fuzzyThreshold,
    manualDuplicatePolicy: f.manualDuplicatePolicy,
    invalidReasons: (f.invalidReasons ?? []).map(trim).filter(Boolean),
    scoring: {
      rules: (f.scoring.rules ?? []).map((r): ScoringRule => {
        const common = {
          id: trim(r.id),
          label: { 'zh-CN': trim(r.label?.['zh-CN']), 'en-US': trim(r.label?.['en-US']) },
          group: trim(r.group),
          points: r.points,
        };
        return r.kind === 'behaviour'
          ? {
              ...common,
              kind: 'behaviour',
              behaviour: r.behaviour ?? 'form_submitted',
              min_count: r.min_count ?? 1,
            }
          : { ...common, kind: 'field', when: conditionFromForm(r.when ?? { field: '', op: 'is_set' }) };
      }),
      groupCaps: Object.fromEntries(
        (f.scoring.groupCaps ?? []).filter((g) => trim(g.group)).map((g) => [trim(g.group), g.cap]),
      ),
      monthlyDecayPercent: f.scoring.monthlyDecayPercent,
    },
    assignmentRules: (f.assignmentRules ?? []).map((r) => ({
      ...r,
      id: trim(r.id),
      name: trim(r.name),
      members: r.members ?? [],
      paused: r.paused ?? [],
      conditions: (r.conditions ?? []).map(conditionFromForm),
    })),
    defaultPoolId: f.defaultPoolId ?? null,
    protection: f.protection,
    reclaimCooldownDays: f.reclaimCooldownDays,
    requireQualifiedToConvert: f.requireQualifiedToConvert ?? false,
    conversionMapping: (f.conversionMapping ?? []).filter((m) => m.lead_field && m.field),
  };
}

/**
 * The form field a server error path points at (`scoring.rules.0.points` →
 * ['scoring', 'rules', 0, 'points']); group caps are rows in the form, so
 * `scoring.groupCaps.role` becomes that row's cap.
 */
export function errorFieldName(path: string, f: SettingsForm): Array<string | number> {
  const parts: Array<string | number> = path.split('.').map((p) => (/^\d+$/.test(p) ? Number(p) : p));
  if (parts[0] === 'scoring' && parts[1] === 'groupCaps' && typeof parts[2] === 'string') {
    const i = (f.scoring.groupCaps ?? []).findIndex((g) => g.group.trim() === parts[2]);
    return i >= 0 ? ['scoring', 'groupCaps', i, 'cap'] : ['scoring', 'groupCaps'];
  }
  // tag and multi-select inputs edit a whole list: an item's problem goes on the list
  const last = parts[parts.length - 1];
  const parent = parts[parts.length - 2];
  if (typeof last === 'number' && typeof parent === 'string' && LIST_INPUTS.has(parent))
    return parts.slice(0, -1);
  return parts;
}

const LIST_INPUTS = new Set(['invalidReasons', 'members', 'paused', 'value']);

/** The collapse panel holding a settings key, to open it when the server names a problem there. */
export function panelOf(path: string): Panel | null {
  const head = path.split('.')[0];
  if (head === 'duplicateRules' || head === 'fuzzyThreshold' || head === 'manualDuplicatePolicy')
    return 'duplicates';
  if (head === 'invalidReasons') return 'invalid';
  if (head === 'scoring') return 'scoring';
  if (head === 'assignmentRules' || head === 'defaultPoolId') return 'assignment';
  if (head === 'protection' || head === 'reclaimCooldownDays') return 'protection';
  if (head === 'conversionMapping' || head === 'requireQualifiedToConvert') return 'conversion';
  return null;
}

/** A fresh id for a new rule, unique among the given ones. */
export function newRuleId(prefix: string, taken: readonly string[]): string {
  for (let i = taken.length + 1; ; i++) {
    const id = `${prefix}_${i}`;
    if (!taken.includes(id)) return id;
  }
}
