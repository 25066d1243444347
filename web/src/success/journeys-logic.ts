// Lifecycle journeys on screen (pure: the panel, page and template editor render these; tests check
// them). Rules themselves are the server's (server/src/modules/success/journeys.rules.ts).
import type { EChartsOption } from 'echarts';
import { grid } from '../format/charts';

export const RESULT_KINDS = ['checkbox', 'note', 'file'] as const;
export type ResultKind = (typeof RESULT_KINDS)[number];

interface TaskLike {
  key: string;
  result: ResultKind;
  required: boolean;
  done: boolean;
  note: string | null;
  file_present: boolean;
}

/** Whether a key task carries its verifiable result (the server's hasResult, for the button hint). */
export function hasResult(t: TaskLike): boolean {
  if (t.result === 'checkbox') return t.done;
  if (t.result === 'note') return t.done && (t.note ?? '').trim() !== '';
  return t.done && t.file_present;
}

/** The required tasks of a stage still without their result (completing is refused until none). */
export function missingTasks(tasks: readonly TaskLike[]): string[] {
  return tasks.filter((t) => t.required && !hasResult(t)).map((t) => t.key);
}

/**
 * What the current stage still needs before it can be completed, by name: the visible hint next to
 * the disabled button ("还需完成：需求确认书、项目启动会"); null when nothing is missing.
 */
export function stillNeeded(tasks: readonly (TaskLike & { name: string })[], sep: string): string | null {
  const missing = new Set(missingTasks(tasks));
  const names = tasks.filter((t) => missing.has(t.key)).map((t) => t.name);
  return names.length ? names.join(sep) : null;
}

export type StageState = 'done' | 'current' | 'overdue' | 'pending' | 'skipped';

/**
 * A stage's state on the timeline as a stable attribute (`data-state`, for tests and styling):
 * completed, under way, under way past its due day, not reached, or never reached (a journey that
 * ended before it).
 */
export function stageState(s: { state: string; overdue: boolean }): StageState {
  if (s.state === 'done') return 'done';
  if (s.state === 'current') return s.overdue ? 'overdue' : 'current';
  return s.state === 'skipped' ? 'skipped' : 'pending';
}

export type StepStatus = 'finish' | 'process' | 'wait' | 'error';

/** A stage as a step of the timeline: done, under way (red when overdue), or not reached. */
export function stepStatus(s: { state: string; overdue: boolean }): StepStatus {
  if (s.state === 'done') return 'finish';
  if (s.state === 'current') return s.overdue ? 'error' : 'process';
  return 'wait';
}

/**
 * A server issue's field (`stages[1].tasks[0].key`) as an antd form path
 * (`['stages', 1, 'tasks', 0, 'key']`); null for anything else.
 */
export function fieldPath(field: string): (string | number)[] | null {
  if (!/^[a-z_]+(\[\d+\]|\.[a-z_]+)*$/.test(field)) return null;
  const out: (string | number)[] = [];
  for (const m of field.matchAll(/([a-z_]+)|\[(\d+)\]/g)) {
    if (m[1] !== undefined) out.push(m[1]);
    else if (m[2] !== undefined) out.push(Number(m[2]));
  }
  return out;
}

/** A key for a new stage or task that none of `taken` has (`stage_3`, `task_2` …): keys are required. */
export function newKey(prefix: string, taken: readonly (string | undefined)[]): string {
  const used = new Set(taken);
  for (let i = taken.length + 1; ; i++) if (!used.has(`${prefix}_${i}`)) return `${prefix}_${i}`;
}

export interface DurationRow {
  name: string;
  planned_days: number | null;
  mean_days: number | null;
  median_days: number | null;
  completed: number;
}

/** Mean and median days per stage as bars, the planned days as a dashed marker line. */
export function durationsOption(
  rows: readonly DurationRow[],
  names: { mean: string; median: string; planned: string; days: (n: number) => string },
  animation: boolean,
): EChartsOption {
  return {
    animation,
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, confine: true },
    legend: { top: 0 },
    grid,
    xAxis: { type: 'category', data: rows.map((r) => r.name) },
    yAxis: { type: 'value', axisLabel: { formatter: (v: number) => names.days(v) } },
    series: [
      {
        name: names.mean,
        type: 'bar',
        itemStyle: { color: '#1f5fd6' },
        data: rows.map((r) => r.mean_days),
      },
      {
        name: names.median,
        type: 'bar',
        itemStyle: { color: '#7fa6ea' },
        data: rows.map((r) => r.median_days),
      },
      {
        name: names.planned,
        type: 'line',
        symbol: 'rect',
        symbolSize: 10,
        lineStyle: { type: 'dashed', width: 1, color: '#d4380d' },
        itemStyle: { color: '#d4380d' },
        data: rows.map((r) => r.planned_days),
      },
    ],
  } as EChartsOption;
}
