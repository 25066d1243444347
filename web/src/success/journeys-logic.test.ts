import { describe, expect, it } from 'vitest';
import { QueryClient } from '@tanstack/react-query';
import { accountJourneyKeys, invalidateAccountJourneys, journeyKeys } from './journeys-api';
import {
  durationsOption,
  fieldPath,
  hasResult,
  missingTasks,
  newKey,
  stageState,
  stepStatus,
  stillNeeded,
} from './journeys-logic';

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

describe('why a stage cannot be completed yet', () => {
  const named = ({ name, ...over }: Partial<Parameters<typeof hasResult>[0]> & { name: string }) => ({
    ...task(over),
    name,
  });
  it('names the required tasks still without their result, in the stage order', () => {
    const tasks = [
      named({ key: 'contract', name: '合同签订', done: true }),
      named({ key: 'kickoff', name: '项目启动会', result: 'note', done: true, note: ' ' }),
      named({ key: 'survey', name: '需求调研', required: false }),
      named({ key: 'spec', name: '需求确认书', result: 'file', done: true, file_present: false }),
    ];
    expect(stillNeeded(tasks, '、')).toBe('项目启动会、需求确认书');
    expect(stillNeeded(tasks, ', ')).toBe('项目启动会, 需求确认书');
  });
  it('nothing once every required result is in (optional ones do not count)', () => {
    expect(
      stillNeeded(
        [named({ key: 'a', name: 'A', done: true }), named({ key: 'b', name: 'B', required: false })],
        '、',
      ),
    ).toBeNull();
    expect(stillNeeded([], '、')).toBeNull();
  });
});

describe('attachments and the journey panel', () => {
  const cached = (ids: string[]) => ({ data: null, meta: { journeys: ids.map((id) => ({ id })) } });
  it("a change in the customer's files re-reads its journey and the earlier ones the panel may show", () => {
    expect(accountJourneyKeys('acc-1', undefined)).toEqual([journeyKeys.ofAccount('acc-1')]);
    expect(accountJourneyKeys('acc-1', cached(['j1', 'j2']))).toEqual([
      journeyKeys.ofAccount('acc-1'),
      journeyKeys.one('j1'),
      journeyKeys.one('j2'),
    ]);
  });
  it("invalidates that account's journey queries only", async () => {
    const qc = new QueryClient();
    qc.setQueryData(journeyKeys.ofAccount('acc-1'), cached(['j1']));
    qc.setQueryData(journeyKeys.one('j1'), {});
    qc.setQueryData(journeyKeys.ofAccount('acc-2'), cached(['j9']));
    qc.setQueryData(journeyKeys.one('j9'), {});
    qc.setQueryData(journeyKeys.list(false), {});
    await invalidateAccountJourneys(qc, 'acc-1');
    const stale = (key: readonly unknown[]) => qc.getQueryState(key)?.isInvalidated;
    expect(stale(journeyKeys.ofAccount('acc-1'))).toBe(true);
    expect(stale(journeyKeys.one('j1'))).toBe(true);
    expect(stale(journeyKeys.ofAccount('acc-2'))).toBe(false);
    expect(stale(journeyKeys.one('j9'))).toBe(false);
    expect(stale(journeyKeys.list(false))).toBe(false);
  });
});

describe('timeline and editor helpers', () => {
  it('stage state attribute: done, current, overdue, pending, skipped', () => {
    expect(stageState({ state: 'done', overdue: false })).toBe('done');
    expect(stageState({ state: 'done', overdue: true })).toBe('done');
    expect(stageState({ state: 'current', overdue: false })).toBe('current');
    expect(stageState({ state: 'current', overdue: true })).toBe('overdue');
    expect(stageState({ state: 'pending', overdue: false })).toBe('pending');
    expect(stageState({ state: 'skipped', overdue: false })).toBe('skipped');
  });
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
