import { describe, expect, it } from 'vitest';
import { DEFAULT_PIPELINES } from '../pipelines.defaults.ts';
import {
  evaluateGate,
  firstCreateStage,
  pipelineForType,
  renewalMismatch,
  stageDefaults,
  stageOf,
  validatePipelines,
  type Pipeline,
} from '../stage-gate.rules.ts';
import { toInput } from '../pipelines.service.ts';

const pipes: Pipeline[] = DEFAULT_PIPELINES.map((p, i) => ({ ...p, id: `p${i}` }));
const nb = pipes[0] as Pipeline;
const st = (k: string) => {
  const s = stageOf(nb, k);
  if (!s) throw new Error(k);
  return s;
};
const known = {
  fields: new Set(['amount', 'close_date', 'close_reason']),
  activityTypes: new Set(['call', 'demo']),
};

describe('defaults', () => {
  it('picks the pipeline by type and the first entry stage', () => {
    expect(pipelineForType(pipes, 'renewal')?.id).toBe('p2');
    expect(pipelineForType(pipes, 'upsell')?.id).toBe('p1');
    expect(pipelineForType(pipes, null)?.id).toBe('p0');
    expect(firstCreateStage(nb)?.key).toBe('discovery');
  });
  it('probability and forecast category follow the stage unless the write sets them', () => {
    const cur = { probability: 10, forecastCategory: 'pipeline' };
    expect(stageDefaults(true, st('negotiation'), {}, cur)).toEqual({
      probability: 75,
      forecastCategory: 'commit',
    });
    expect(stageDefaults(true, st('negotiation'), { probability: 60 }, cur)).toEqual({
      probability: 60,
      forecastCategory: 'commit',
    });
    expect(stageDefaults(false, st('negotiation'), {}, cur)).toEqual(cur);
  });
});

describe('gate', () => {
  const base = { pipeline: nb, record: {}, activityTypes: new Set<string>() };
  it('lists required fields of the stage left and activities, and nothing for the same stage', () => {
    expect(evaluateGate({ ...base, from: st('solution'), to: st('negotiation') }).missing).toEqual([
      { field: 'activities.demo', issue: 'activity_required', params: { type: 'demo' } },
    ]);
    expect(
      evaluateGate({
        ...base,
        from: st('negotiation'),
        to: st('won'),
        record: { amount: null, close_date: '' },
      }).missing.map((m) => m.field),
    ).toEqual(['amount', 'close_date']);
    expect(
      evaluateGate({ ...base, from: st('discovery'), to: st('lost') }).missing.map((m) => m.field),
    ).toEqual(['close_reason']);
    expect(evaluateGate({ ...base, from: st('solution'), to: st('solution') }).missing).toEqual([]);
  });
  it('exit criteria guard moving on, not losing a deal or stepping back', () => {
    // solution asks for a demo before the deal moves on; losing it asks only for the reason
    expect(
      evaluateGate({ ...base, from: st('solution'), to: st('lost') }).missing.map((m) => m.field),
    ).toEqual(['close_reason']);
    expect(evaluateGate({ ...base, from: st('solution'), to: st('qualification') }).missing).toEqual([]);
    expect(
      evaluateGate({ ...base, from: st('solution'), to: st('won') }).missing.map((m) => m.field),
    ).toEqual(['activities.demo']);
  });
  it('no_skip and no_back', () => {
    const strict = { ...nb, noSkip: true, noBack: true };
    const g = (a: string, b: string) =>
      evaluateGate({ ...base, pipeline: strict, from: st(a), to: st(b) }).missing;
    expect(g('discovery', 'solution').map((m) => m.issue)).toEqual(['no_skip']);
    expect(g('discovery', 'qualification')).toEqual([]);
    expect(g('qualification', 'discovery').map((m) => m.issue)).toEqual(['no_back']);
    expect(g('discovery', 'won')).toEqual([]);
  });
});

describe('pipeline validation', () => {
  const list = pipes.map(toInput);
  it('accepts the defaults', () => {
    expect(validatePipelines(list, known)).toEqual([]);
  });
  it('names every problem', () => {
    const first = list[0];
    if (!first) throw new Error('no pipeline');
    const broken = {
      ...first,
      stages: [
        { ...first.stages[4]!, key: 'won' },
        {
          ...first.stages[0]!,
          key: 'Bad',
          allow_create: false,
          required_fields: ['x'],
          required_activities: ['dance'],
        },
        { ...first.stages[1]!, key: 'won', type: 'won' as const, allow_create: false },
      ],
    };
    const issues = validatePipelines([broken, { ...list[1]!, is_default: true }], known).map(
      (i) => `${i.field}:${i.issue}`,
    );
    expect(issues).toEqual(
      expect.arrayContaining([
        'pipelines:one_default_pipeline',
        'pipelines[0].stages[1].key:invalid_value',
        'pipelines[0].stages[1].type:stage_order',
        'pipelines[0].stages[1].required_fields:invalid_option',
        'pipelines[0].stages[1].required_activities:invalid_option',
        'pipelines[0].stages[2].key:not_unique',
        'pipelines[0].stages:one_won_stage',
        'pipelines[0].stages:create_stage_required',
      ]),
    );
  });
});

describe('renewal fit', () => {
  it('due soon in the first stage, or past due while open', () => {
    expect(renewalMismatch('2026-02-10', '2026-01-20', true, true)).toBe(true);
    expect(renewalMismatch('2026-02-10', '2026-01-20', false, true)).toBe(false);
    expect(renewalMismatch('2026-04-10', '2026-01-20', true, true)).toBe(false);
    expect(renewalMismatch('2026-01-10', '2026-01-20', false, true)).toBe(true);
    expect(renewalMismatch('2026-01-10', '2026-01-20', false, false)).toBe(false);
  });
});
