import type { SalesPipeline, SalesStage } from './api';

/**
 * A server field path (`pipelines[0].stages[2].key`) as an antd form name path
 * (['pipelines', 0, 'stages', 2, 'key']); null when it is not one (`pipeline.<id>`).
 */
export function errorPath(field: string | undefined): (string | number)[] | null {
  if (!field || !field.startsWith('pipelines')) return null;
  const out: (string | number)[] = [];
  const re = /([A-Za-z_][\w-]*)|\[(\d+)\]/g;
  let m: RegExpExecArray | null;
  let consumed = 0;
  while ((m = re.exec(field)) !== null) {
    const gap = field.slice(consumed, m.index);
    if (gap !== '' && gap !== '.') return null;
    out.push(m[2] !== undefined ? Number(m[2]) : (m[1] ?? ''));
    consumed = m.index + m[0].length;
  }
  return consumed === field.length ? out : null;
}

/** Stage columns that carry their own form input (an error there shows on the input). */
const STAGE_INPUTS = new Set([
  'key',
  'type',
  'probability',
  'forecast_category',
  'max_days',
  'required_fields',
  'required_activities',
  'allow_create',
]);

/**
 * Where an error shows: on a stage input, on a stage's row (a name, or the stage as a whole),
 * on a pipeline, or above the table.
 */
export function errorTarget(
  field: string | undefined,
):
  | { kind: 'input'; name: (string | number)[] }
  | { kind: 'stage'; pipeline: number; stage: number }
  | { kind: 'pipeline'; pipeline: number }
  | { kind: 'general' } {
  const p = errorPath(field);
  if (!p) return { kind: 'general' };
  const [, pi, stagesKey, si, col] = p;
  if (typeof pi !== 'number') return { kind: 'general' };
  if (stagesKey === 'stages' && typeof si === 'number') {
    if (typeof col === 'string' && STAGE_INPUTS.has(col) && p.length === 5)
      return { kind: 'input', name: ['pipelines', pi, 'stages', si, col] };
    return { kind: 'stage', pipeline: pi, stage: si };
  }
  if (typeof stagesKey === 'string' && stagesKey !== 'stages' && p.length === 3)
    return { kind: 'input', name: ['pipelines', pi, stagesKey] };
  return { kind: 'pipeline', pipeline: pi };
}

/** Moves one item of a list up or down; out of range leaves it as is. */
export function moveItem<T>(list: T[], from: number, to: number): T[] {
  if (from < 0 || from >= list.length || to < 0 || to >= list.length) return list;
  const next = [...list];
  const [item] = next.splice(from, 1);
  if (item !== undefined) next.splice(to, 0, item);
  return next;
}

/** A new active stage with a key not yet used in the pipeline. */
export function newStage(existing: Pick<SalesStage, 'key'>[]): SalesStage {
  const used = new Set(existing.map((s) => s.key));
  let n = existing.length + 1;
  while (used.has(`stage_${n}`)) n++;
  return {
    key: `stage_${n}`,
    name: { 'zh-CN': '', 'en-US': '' },
    type: 'active',
    probability: 10,
    forecast_category: 'pipeline',
    max_days: null,
    required_fields: [],
    required_activities: [],
    allow_create: false,
  };
}

/** A new pipeline: two active stages and the closed ones every pipeline needs. */
export function newPipeline(): Omit<SalesPipeline, 'id'> & { id?: string } {
  const closed = (key: string, zh: string, en: string, type: SalesStage['type']): SalesStage => ({
    key,
    name: { 'zh-CN': zh, 'en-US': en },
    type,
    probability: type === 'won' ? 100 : 0,
    forecast_category: type === 'won' ? 'closed' : 'omitted',
    max_days: null,
    required_fields: type === 'won' ? [] : ['close_reason'],
    required_activities: [],
    allow_create: false,
  });
  return {
    name: { 'zh-CN': '', 'en-US': '' },
    type: 'new',
    is_default: false,
    no_skip: false,
    no_back: false,
    stages: [
      {
        ...newStage([]),
        key: 'discovery',
        name: { 'zh-CN': '初步接洽', 'en-US': 'Discovery' },
        allow_create: true,
      },
      {
        ...newStage([]),
        key: 'negotiation',
        name: { 'zh-CN': '商务谈判', 'en-US': 'Negotiation' },
        probability: 60,
        forecast_category: 'commit',
      },
      closed('won', '赢单', 'Closed won', 'won'),
      closed('lost', '输单', 'Closed lost', 'lost'),
      closed('invalid', '无效', 'Invalid', 'invalid'),
    ],
  };
}

/** Exactly one default pipeline: turning one on turns the others off. */
export function withDefault<T extends { is_default: boolean }>(list: T[], index: number): T[] {
  return list.map((p, i) => ({ ...p, is_default: i === index }));
}
