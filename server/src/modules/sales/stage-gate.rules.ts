// Pure rules of pipelines and stage gating (DOMAIN.md §3): no I/O, unit-tested in
// __tests__/stage-gate.rules.test.ts. The hooks and services feed them loaded rows.
import type { FieldIssue } from '../../platform/http/errors.ts';
import type { ForecastCategory, PipelineDef, PipelineType, StageDef } from './pipelines.defaults.ts';

export const STAGE_KEY = /^[a-z][a-z0-9_]{0,39}$/;
export const FORECAST_CATEGORY_VALUES: ForecastCategory[] = [
  'pipeline',
  'best_case',
  'commit',
  'closed',
  'omitted',
];

/** A stored pipeline: the defaults' shape plus its id. */
export type Pipeline = PipelineDef & { id: string };

export const isClosed = (s: StageDef): boolean => s.type !== 'active';

export function stageOf(p: Pipeline, key: unknown): StageDef | undefined {
  return p.stages.find((s) => s.key === key);
}

/** The pipeline a new opportunity of this type lands in: same type, else the default one. */
export function pipelineForType(pipelines: Pipeline[], type: unknown): Pipeline | undefined {
  const t = typeof type === 'string' ? type : 'new';
  const ofType = pipelines.filter((p) => p.type === t);
  return ofType.find((p) => p.isDefault) ?? ofType[0] ?? pipelines.find((p) => p.isDefault) ?? pipelines[0];
}

/** The stage a new opportunity starts in: the first active stage that allows creation. */
export function firstCreateStage(p: Pipeline): StageDef | undefined {
  return p.stages.find((s) => s.type === 'active' && s.allowCreate);
}

/**
 * Probability and forecast category after a write: they follow the stage when it changes,
 * unless the same write sets them (a rep's override); otherwise they stay as they are.
 */
export function stageDefaults(
  stageChanged: boolean,
  target: StageDef,
  given: { probability?: unknown; forecastCategory?: unknown },
  current: { probability: unknown; forecastCategory: unknown },
): { probability: unknown; forecastCategory: unknown } {
  const has = (v: unknown): boolean => v !== undefined && v !== null;
  if (!stageChanged)
    return {
      probability: has(given.probability) ? given.probability : current.probability,
      forecastCategory: has(given.forecastCategory) ? given.forecastCategory : current.forecastCategory,
    };
  return {
    probability: has(given.probability) ? given.probability : target.probability,
    forecastCategory: has(given.forecastCategory) ? given.forecastCategory : target.forecastCategory,
  };
}

const isEmpty = (v: unknown): boolean =>
  v === null ||
  v === undefined ||
  (typeof v === 'string' && v.trim() === '') ||
  (Array.isArray(v) && v.length === 0);

export interface GateInput {
  pipeline: Pipeline;
  from: StageDef;
  to: StageDef;
  /** the record as it would be after the write */
  record: Record<string, unknown>;
  /** activity types logged on the opportunity (live rows) */
  activityTypes: ReadonlySet<string>;
}

/**
 * What moving from one stage to another requires and what is missing: the required fields of
 * the stage being left (and of the target when it is closed), the required activities of the
 * stage being left, and the pipeline's no-skip / no-back rules. Every problem is listed, so the
 * stage-change dialog can show them all at once.
 */
export function evaluateGate(g: GateInput): {
  requiredFields: string[];
  requiredActivities: string[];
  missing: FieldIssue[];
} {
  // A stage's exit criteria guard moving the deal on (a later active stage, or won): losing,
  // invalidating or stepping back needs only what the target itself asks (a lost reason …).
  const active = g.pipeline.stages.filter((s) => !isClosed(s));
  const advancing =
    g.to.type === 'won' ||
    (!isClosed(g.to) &&
      active.findIndex((s) => s.key === g.to.key) > active.findIndex((s) => s.key === g.from.key));
  const requiredFields = advancing ? [...g.from.requiredFields] : [];
  if (isClosed(g.to))
    for (const f of g.to.requiredFields) if (!requiredFields.includes(f)) requiredFields.push(f);
  const requiredActivities = advancing ? [...g.from.requiredActivities] : [];
  const missing: FieldIssue[] = [];
  if (g.from.key === g.to.key) return { requiredFields, requiredActivities, missing };
  for (const f of requiredFields) if (isEmpty(g.record[f])) missing.push({ field: f, issue: 'required' });
  for (const a of requiredActivities)
    if (!g.activityTypes.has(a))
      missing.push({ field: `activities.${a}`, issue: 'activity_required', params: { type: a } });
  missing.push(...orderIssues(g.pipeline, g.from, g.to));
  return { requiredFields, requiredActivities, missing };
}

/** no_skip: only the next active stage or a closed one; no_back: never an earlier active stage. */
export function orderIssues(p: Pipeline, from: StageDef, to: StageDef): FieldIssue[] {
  if (isClosed(to) || isClosed(from)) return [];
  const active = p.stages.filter((s) => !isClosed(s));
  const i = active.findIndex((s) => s.key === from.key);
  const j = active.findIndex((s) => s.key === to.key);
  const out: FieldIssue[] = [];
  if (p.noSkip && j > i + 1) out.push({ field: 'stage', issue: 'no_skip', params: { stage: to.key } });
  if (p.noBack && j < i) out.push({ field: 'stage', issue: 'no_back', params: { stage: to.key } });
  return out;
}

export interface PipelineInput {
  id?: string | undefined;
  name: { 'zh-CN': string; 'en-US': string };
  type: PipelineType;
  is_default: boolean;
  no_skip: boolean;
  no_back: boolean;
  stages: Array<{
    key: string;
    name: { 'zh-CN': string; 'en-US': string };
    type: StageDef['type'];
    probability: number;
    forecast_category: ForecastCategory;
    max_days: number | null;
    required_fields: string[];
    required_activities: string[];
    allow_create: boolean;
  }>;
}

/**
 * Checks a whole pipeline list before it is saved: stage keys unique per pipeline and well
 * formed, at least one active and exactly one won stage, active stages before closed ones,
 * probability 0–100, forecast categories known, required fields real opportunity fields,
 * required activities real activity types, at least one active stage that allows creation,
 * exactly one default pipeline. Field names point into the body (`pipelines[0].stages[2].key`).
 */
export function validatePipelines(
  list: PipelineInput[],
  known: { fields: ReadonlySet<string>; activityTypes: ReadonlySet<string> },
): FieldIssue[] {
  const issues: FieldIssue[] = [];
  if (!list.length) issues.push({ field: 'pipelines', issue: 'required' });
  if (list.length && list.filter((p) => p.is_default).length !== 1)
    issues.push({ field: 'pipelines', issue: 'one_default_pipeline' });
  const ids = new Set<string>();
  list.forEach((p, pi) => {
    const at = `pipelines[${pi}]`;
    if (p.id !== undefined) {
      if (ids.has(p.id)) issues.push({ field: `${at}.id`, issue: 'not_unique' });
      ids.add(p.id);
    }
    const keys = new Set<string>();
    let seenClosed = false;
    p.stages.forEach((s, si) => {
      const sat = `${at}.stages[${si}]`;
      if (!STAGE_KEY.test(s.key)) issues.push({ field: `${sat}.key`, issue: 'invalid_value' });
      else if (keys.has(s.key)) issues.push({ field: `${sat}.key`, issue: 'not_unique' });
      keys.add(s.key);
      if (s.type === 'active' && seenClosed) issues.push({ field: `${sat}.type`, issue: 'stage_order' });
      if (s.type !== 'active') seenClosed = true;
      if (!Number.isInteger(s.probability) || s.probability < 0 || s.probability > 100)
        issues.push({ field: `${sat}.probability`, issue: 'invalid_value' });
      if (!FORECAST_CATEGORY_VALUES.includes(s.forecast_category))
        issues.push({
          field: `${sat}.forecast_category`,
          issue: 'invalid_option',
          params: { value: s.forecast_category },
        });
      for (const f of s.required_fields)
        if (!known.fields.has(f))
          issues.push({ field: `${sat}.required_fields`, issue: 'invalid_option', params: { value: f } });
      for (const a of s.required_activities)
        if (!known.activityTypes.has(a))
          issues.push({ field: `${sat}.required_activities`, issue: 'invalid_option', params: { value: a } });
      if (s.allow_create && s.type !== 'active')
        issues.push({ field: `${sat}.allow_create`, issue: 'invalid_value' });
    });
    if (!p.stages.some((s) => s.type === 'active'))
      issues.push({ field: `${at}.stages`, issue: 'active_stage_required' });
    if (p.stages.filter((s) => s.type === 'won').length !== 1)
      issues.push({ field: `${at}.stages`, issue: 'one_won_stage' });
    if (!p.stages.some((s) => s.type === 'active' && s.allow_create))
      issues.push({ field: `${at}.stages`, issue: 'create_stage_required' });
  });
  return issues;
}

/** The alert kinds of the daily sales.alerts job. */
export type AlertKind = 'stage_overdue' | 'no_follow_up' | 'close_date_passed' | 'renewal_mismatch';

/**
 * A renewal deal's stage does not fit its subscription end: due within `windowDays` while still
 * in the pipeline's first stage, or past due and still open.
 */
export function renewalMismatch(
  dueOn: string,
  asOf: string,
  inFirstStage: boolean,
  isOpen: boolean,
  windowDays = 30,
): boolean {
  if (!isOpen) return false;
  if (dueOn < asOf) return true;
  const days = (Date.parse(`${dueOn}T00:00:00Z`) - Date.parse(`${asOf}T00:00:00Z`)) / 86_400_000;
  return inFirstStage && days <= windowDays;
}
