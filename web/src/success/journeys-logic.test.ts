import { describe, expect, it } from 'vitest';
import { durationsOption, fieldPath, hasResult, missingTasks, newKey, stepStatus } from './journeys-logic';

const task = (over: Partial<Parameters<typeof hasResult>[0]>) => ({
  key: 'k',
  result: 'checkbox' as const,
  required: true,
  done: false,
  note: null,
  file_present: false,
  ...over,
});

describe('journey results', () => {
  it('a tick, a non-blank note, a file still on the customer', () => {
    expect(hasResult(task({ done: true }))).toBe(true);
    expect(hasResult(task({ result: 'note', done: true, note: ' ' }))).toBe(false);
    expect(hasResult(task({ result: 'note', done: true, note: '纪要' }))).toBe(true);
    expect(hasResult(task({ result: 'file', done: true, file_present: false }))).toBe(false);
    expect(hasResult(task({ result: 'file', done: true, file_present: true }))).toBe(true);
  });
  it('lists the required tasks without results', () => {
    expect(
      missingTasks([
        task({ key: 'a', done: true }),
        task({ key: 'b' }),
        task({ key: 'c', required: false }),
        task({ key: 'd', result: 'file', done: true }),
      ]),
    ).toEqual(['b', 'd']);
  });
});

describe('timeline and editor helpers', () => {
  it('step status: done, under way, overdue, not reached', () => {
    expect(stepStatus({ state: 'done', overdue: false })).toBe('finish');
    expect(stepStatus({ state: 'current', overdue: false })).toBe('process');
    expect(stepStatus({ state: 'current', overdue: true })).toBe('error');
    expect(stepStatus({ state: 'pending', overdue: false })).toBe('wait');
    expect(stepStatus({ state: 'skipped', overdue: false })).toBe('wait');
  });
  it('maps server field paths to form paths', () => {
    expect(fieldPath('stages[1].tasks[0].key')).toEqual(['stages', 1, 'tasks', 0, 'key']);
    expect(fieldPath('start_window_days')).toEqual(['start_window_days']);
    expect(fieldPath('stages')).toEqual(['stages']);
    expect(fieldPath('body')).toEqual(['body']);
    expect(fieldPath('tasks.Key-1')).toBeNull();
  });
  it('new keys never collide', () => {
    expect(newKey('stage', ['preparation', 'stage_3'])).toBe('stage_4');
    expect(newKey('task', [])).toBe('task_1');
    expect(newKey('task', ['task_2', undefined])).toBe('task_3');
  });
  it('charts mean and median per stage against the plan', () => {
    const o = durationsOption(
      [
        { name: '实施准备期', planned_days: 14, mean_days: 12.5, median_days: 12, completed: 4 },
        { name: '平稳期', planned_days: null, mean_days: null, median_days: null, completed: 0 },
      ],
      { mean: '平均', median: '中位数', planned: '计划', days: (n) => `${n} 天` },
      false,
    );
    const series = o.series as { name: string; data: (number | null)[] }[];
    expect(series.map((s) => s.name)).toEqual(['平均', '中位数', '计划']);
    expect(series.map((s) => s.data)).toEqual([
      [12.5, null],
      [12, null],
      [14, null],
    ]);
    expect(o.animation).toBe(false);
  });
});
