import { describe, expect, it } from 'vitest';
import { errorPath, errorTarget, moveItem, newPipeline, newStage, withDefault } from './settings-logic';

describe('server error paths', () => {
  it('parses pipelines[0].stages[2].key', () => {
    expect(errorPath('pipelines[0].stages[2].key')).toEqual(['pipelines', 0, 'stages', 2, 'key']);
    expect(errorPath('pipeline.abc')).toBeNull();
    expect(errorPath(undefined)).toBeNull();
  });
  it('places errors on inputs, rows, pipelines or above the table', () => {
    expect(errorTarget('pipelines[0].stages[2].key')).toEqual({
      kind: 'input',
      name: ['pipelines', 0, 'stages', 2, 'key'],
    });
    expect(errorTarget('pipelines[1].stages[0].name')).toEqual({ kind: 'stage', pipeline: 1, stage: 0 });
    expect(errorTarget('pipelines[1].stages')).toEqual({ kind: 'pipeline', pipeline: 1 });
    expect(errorTarget('pipelines[0].is_default')).toEqual({
      kind: 'input',
      name: ['pipelines', 0, 'is_default'],
    });
    expect(errorTarget('pipelines')).toEqual({ kind: 'general' });
    expect(errorTarget('pipeline.123')).toEqual({ kind: 'general' });
  });
});

describe('editing helpers', () => {
  it('moves items within range only', () => {
    expect(moveItem(['a', 'b', 'c'], 2, 1)).toEqual(['a', 'c', 'b']);
    expect(moveItem(['a', 'b'], 0, -1)).toEqual(['a', 'b']);
  });
  it('new stage keys do not clash', () => {
    expect(newStage([{ key: 'stage_2' }]).key).toBe('stage_3');
    expect(newStage([{ key: 'a' }, { key: 'stage_3' }]).key).toBe('stage_4');
  });
  it('a new pipeline has one won stage and an allow-create active stage', () => {
    const p = newPipeline();
    expect(p.stages.filter((s) => s.type === 'won')).toHaveLength(1);
    expect(p.stages.some((s) => s.type === 'active' && s.allow_create)).toBe(true);
  });
  it('exactly one default', () => {
    expect(withDefault([{ is_default: true }, { is_default: false }], 1).map((p) => p.is_default)).toEqual([
      false,
      true,
    ]);
  });
});
