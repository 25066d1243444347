import { describe, expect, it } from 'vitest';
import {
  checkTemplate,
  daysBetween,
  defaultTemplate,
  dueOn,
  hasResult,
  isOverdue,
  linkOrigin,
  meanOneDecimal,
  median,
  missingResults,
  nextStageKey,
  overdueDays,
  stageDurations,
  stageState,
  startsJourney,
  surveyRound,
  templateOf,
  type StageRow,
  type TaskResult,
} from '../journeys.rules.ts';

const issues = (raw: unknown) =>
  checkTemplate(raw)
    .issues.map((i) => `${i.field}:${i.issue}`)
    .sort();

describe('the built-in template', () => {
  it('has the seed’s five stages in order, named in the tenant’s language, every key task required', () => {
    const zh = defaultTemplate('zh-CN');
    expect(zh.stages.map((s) => s.key)).toEqual([
      'preparation',
      'configuration',
      'trial_run',
      'coaching',
      'stable',
    ]);
    expect(zh.stages.map((s) => s.name)).toEqual([
      '实施准备期',
      '实施配置期',
      '上线试运行',
      '辅导期',
      '平稳期',
    ]);
    expect(defaultTemplate('en-US').stages[2]?.name).toBe('Trial run');
    expect(zh.stages.flatMap((s) => s.tasks).every((t) => t.required)).toBe(true);
    // go-live acceptance is proven by a file, and only the trial run sends the CSAT
    expect(zh.stages[2]?.tasks.find((t) => t.key === 'acceptance')?.result).toBe('file');
    expect(zh.stages.filter((s) => s.csat).map((s) => s.key)).toEqual(['trial_run']);
    expect(zh.start_window_days).toBe(90);
    // it passes its own check
    expect(checkTemplate(zh).issues).toEqual([]);
  });

  it('a stored body that no longer checks falls back to the built-in one', () => {
    expect(templateOf({ stages: 'x' }, 'zh-CN').stages).toHaveLength(5);
    expect(templateOf(null, 'en-US').stages[0]?.name).toBe('Implementation preparation');
    const mine = { start_window_days: 30, stages: [{ key: 'only', name: '唯一阶段', planned_days: null }] };
    expect(templateOf(mine, 'zh-CN')).toEqual({
      start_window_days: 30,
      stages: [{ key: 'only', name: '唯一阶段', planned_days: null, csat: false, tasks: [] }],
    });
  });
});

describe('checkTemplate', () => {
  it('names every problem at once by its path', () => {
    expect(
      issues({
        start_window_days: -1,
        stages: [
          {
            key: 'Prep',
            name: ' ',
            planned_days: 0,
            csat: 'yes',
            tasks: [
              { key: 'a', name: 'A', result: 'photo' },
              { key: 'a', name: 'x'.repeat(101), result: 'note', required: 1 },
              'task',
            ],
          },
          { key: 'go', name: '上线', extra: true },
          { key: 'go', name: '上线2', tasks: {} },
        ],
        colour: 'red',
      }),
    ).toEqual([
      'colour:unknown_field',
      'stages[0].csat:invalid_value',
      'stages[0].key:invalid_value',
      'stages[0].name:required',
      'stages[0].planned_days:invalid_value',
      'stages[0].tasks[0].result:invalid_value',
      'stages[0].tasks[1].key:duplicate_journey_key',
      'stages[0].tasks[1].name:too_long',
      'stages[0].tasks[1].required:invalid_value',
      'stages[0].tasks[2]:invalid_value',
      'stages[1].extra:unknown_field',
      'stages[2].key:duplicate_journey_key',
      'stages[2].tasks:invalid_value',
      'start_window_days:invalid_value',
    ]);
  });

  it('needs 1–12 stages and at most 20 tasks a stage; task keys repeat freely across stages', () => {
    expect(issues({})).toEqual(['stages:required']);
    expect(issues({ stages: [] })).toEqual(['stages:required']);
    const stage = (i: number) => ({ key: `s${i}`, name: `阶段${i}` });
    expect(issues({ stages: Array.from({ length: 13 }, (_, i) => stage(i)) })).toEqual(['stages:too_many']);
    const tasks = Array.from({ length: 21 }, (_, i) => ({ key: `t${i}`, name: 'T', result: 'checkbox' }));
    expect(issues({ stages: [{ ...stage(1), tasks }] })).toEqual(['stages[0].tasks:too_many']);
    const same = [{ key: 'sign', name: '签字', result: 'checkbox' }];
    const ok = checkTemplate({
      stages: [
        { ...stage(1), tasks: same },
        { ...stage(2), tasks: same },
      ],
    });
    expect(ok.issues).toEqual([]);
    expect(ok.template.stages[1]?.tasks[0]).toEqual({
      key: 'sign',
      name: '签字',
      result: 'checkbox',
      required: true,
    });
    expect(issues({ stages: [{ key: 'a'.repeat(25), name: 'x' }] })).toEqual(['stages[0].key:invalid_value']);
  });
});

describe('dates: due days, overdue on a day, stage order', () => {
  it('a stage is due its planned days after it was entered; none without a plan', () => {
    expect(dueOn('2026-01-20', 14)).toBe('2026-02-03');
    expect(dueOn('2024-02-20', 10)).toBe('2024-03-01'); // leap year
    expect(dueOn('2026-01-20', null)).toBeNull();
    expect(daysBetween('2026-01-20', '2026-02-03')).toBe(14);
    expect(daysBetween('2026-02-03', '2026-01-20')).toBe(-14);
  });

  it('overdue only after the due day, while not completed; the due day itself is on time', () => {
    const s = { entered_on: '2026-03-01', due_on: '2026-03-15', completed_on: null };
    expect(isOverdue(s, '2026-03-15')).toBe(false);
    expect(isOverdue(s, '2026-03-16')).toBe(true);
    expect(overdueDays(s, '2026-03-20')).toBe(5);
    expect(overdueDays(s, '2026-03-10')).toBe(0);
    expect(isOverdue({ ...s, completed_on: '2026-03-18' }, '2026-03-20')).toBe(false);
    expect(isOverdue({ ...s, due_on: null }, '2027-01-01')).toBe(false);
    expect(isOverdue({ entered_on: null, due_on: null, completed_on: null }, '2027-01-01')).toBe(false);
  });

  it('stage states and the next stage by position', () => {
    const stages = [
      { key: 'c', position: 3 },
      { key: 'a', position: 1 },
      { key: 'b', position: 2 },
    ];
    expect(nextStageKey(stages, 'a')).toBe('b');
    expect(nextStageKey(stages, 'b')).toBe('c');
    expect(nextStageKey(stages, 'c')).toBeNull();
    expect(nextStageKey(stages, 'zz')).toBeNull();
    const open = { entered_on: '2026-01-01', due_on: null, completed_on: null };
    const active = { status: 'active' as const, current_stage: 'b' };
    expect(stageState({ ...open, completed_on: '2026-01-05' }, 'a', active)).toBe('done');
    expect(stageState(open, 'b', active)).toBe('current');
    expect(stageState({ ...open, entered_on: null }, 'c', active)).toBe('pending');
    expect(stageState(open, 'b', { status: 'cancelled', current_stage: null })).toBe('skipped');
  });
});

describe('verifiable results', () => {
  const t = (over: Partial<TaskResult>): TaskResult => ({
    key: 'k',
    required: true,
    result: 'checkbox',
    done: false,
    note: null,
    has_file: false,
    ...over,
  });
  it('a tick, a non-blank note, a file still attached', () => {
    expect(hasResult(t({ done: true }))).toBe(true);
    expect(hasResult(t({}))).toBe(false);
    expect(hasResult(t({ result: 'note', done: true, note: '启动会纪要已发客户' }))).toBe(true);
    expect(hasResult(t({ result: 'note', done: true, note: '  ' }))).toBe(false);
    expect(hasResult(t({ result: 'file', done: true, has_file: true }))).toBe(true);
    // the acceptance document was removed from the customer after it was recorded
    expect(hasResult(t({ result: 'file', done: true, has_file: false }))).toBe(false);
  });
  it('only required tasks without their result block completion, named tasks.<key>', () => {
    expect(
      missingResults([
        t({ key: 'contract', done: true }),
        t({ key: 'acceptance', result: 'file', done: true }),
        t({ key: 'kickoff', result: 'note' }),
        t({ key: 'optional', required: false }),
      ]),
    ).toEqual([
      { field: 'tasks.acceptance', issue: 'result_required' },
      { field: 'tasks.kickoff', issue: 'result_required' },
    ]);
  });
});

describe('which orders start a journey', () => {
  const o = { type: 'new', status: 'confirmed', deleted: false, order_date: '2026-03-01' };
  it('a confirmed new order signed within the window', () => {
    expect(startsJourney(o, '2026-03-01', 90)).toBe(true);
    expect(startsJourney(o, '2026-05-30', 90)).toBe(true); // 90 days
    expect(startsJourney(o, '2026-05-31', 90)).toBe(false); // 91: a historical load
    expect(startsJourney({ ...o, order_date: '2026-03-10' }, '2026-03-01', 90)).toBe(true); // signed ahead
  });
  it('never renewals, expansions, drafts, cancelled or deleted orders, nor with a zero window', () => {
    for (const type of ['renewal', 'expansion', 'downgrade'])
      expect(startsJourney({ ...o, type }, '2026-03-02', 90)).toBe(false);
    expect(startsJourney({ ...o, status: 'cancelled' }, '2026-03-02', 90)).toBe(false);
    expect(startsJourney({ ...o, status: 'draft' }, '2026-03-02', 90)).toBe(false);
    expect(startsJourney({ ...o, deleted: true }, '2026-03-02', 90)).toBe(false);
    expect(startsJourney(o, '2026-03-01', 0)).toBe(false);
  });
});

describe('survey round and link origin', () => {
  it('one round per journey and stage, at most 40 characters', () => {
    const id = '0190f3a2-7b1c-7def-8a12-3456789abcde';
    expect(surveyRound('trial_run', id)).toBe('trial_run-3456789abcde');
    expect(surveyRound('a'.repeat(24), id).length).toBeLessThanOrEqual(40);
  });
  it('the request’s bare origin, else this server', () => {
    expect(linkOrigin('https://crm.example.cn', 'http', 'localhost:3000')).toBe('https://crm.example.cn');
    expect(linkOrigin('https://crm.example.cn/x', 'http', 'localhost:3000')).toBe('http://localhost:3000');
    expect(linkOrigin(undefined, 'https', 'app.local')).toBe('https://app.local');
  });
});

describe('stage-durations arithmetic', () => {
  it('mean half-up to tenths in integers, median of the middle two', () => {
    expect(meanOneDecimal([])).toBeNull();
    expect(meanOneDecimal([3, 4])).toBe(3.5);
    expect(meanOneDecimal([1, 2, 7])).toBe(3.3);
    expect(meanOneDecimal([0, 1, 1])).toBe(0.7);
    expect(meanOneDecimal([1, 1, 1, 1, 1, 1, 1, 2])).toBe(1.1); // 1.125 → 1.1
    expect(meanOneDecimal([1, 1, 1, 2, 2, 2, 2, 2])).toBe(1.6); // 1.625 → 1.6
    expect(meanOneDecimal([1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2])).toBe(2); // 1.95 → 2.0
    expect(median([])).toBeNull();
    expect(median([9, 1, 5])).toBe(5);
    expect(median([10, 2, 3, 8])).toBe(5.5);
  });

  it('per stage: completed in the period with mean, median and late; under way and overdue on the as-of day', () => {
    const row = (over: Partial<StageRow>): StageRow => ({
      key: 'preparation',
      name: '实施准备期',
      position: 1,
      planned_days: 14,
      entered_on: '2026-01-01',
      due_on: '2026-01-15',
      completed_on: null,
      cancelled_on: null,
      ...over,
    });
    const rows: StageRow[] = [
      row({ completed_on: '2026-01-11' }), // 10 days, on time
      row({ entered_on: '2026-01-05', due_on: '2026-01-19', completed_on: '2026-01-25' }), // 20, late
      row({ entered_on: '2026-01-10', due_on: '2026-01-24', completed_on: '2026-01-22' }), // 12
      row({ entered_on: '2025-11-01', due_on: '2025-11-15', completed_on: '2025-12-20' }), // before the period
      row({ entered_on: '2026-01-20', due_on: '2026-02-03' }), // under way, overdue on 02-10
      row({ entered_on: '2026-02-01', due_on: '2026-02-15' }), // under way, on time
      row({ entered_on: '2026-01-02', due_on: '2026-01-16', cancelled_on: '2026-01-30' }), // cancelled
      row({ entered_on: '2026-01-12', due_on: '2026-01-26', completed_on: '2026-02-20' }), // open on the as-of day
      row({
        key: 'configuration',
        name: '实施配置期',
        position: 2,
        planned_days: 30,
        entered_on: '2026-01-11',
        due_on: '2026-02-10',
        completed_on: '2026-02-01',
      }),
      row({
        key: 'custom',
        name: '旧版阶段',
        position: 9,
        planned_days: null,
        entered_on: '2026-01-03',
        due_on: null,
        completed_on: '2026-01-04',
      }),
    ];
    const order = [
      { key: 'preparation', name: '实施准备', planned_days: 21 },
      { key: 'configuration', name: '实施配置期', planned_days: 30 },
      { key: 'trial_run', name: '上线试运行', planned_days: 30 },
    ];
    const out = stageDurations(rows, { from: '2026-01-01', to: '2026-02-10', asOf: '2026-02-10' }, order);
    expect(out.map((s) => s.key)).toEqual(['preparation', 'configuration', 'trial_run', 'custom']);
    expect(out[0]).toEqual({
      key: 'preparation',
      name: '实施准备', // the current template's name
      planned_days: 21,
      completed: 3,
      mean_days: 14, // (10 + 20 + 12) / 3
      median_days: 12,
      completed_late: 1,
      open: 3, // 01-20, 02-01 and the one completed after the as-of day
      open_overdue: 2,
    });
    expect(out[1]).toMatchObject({
      completed: 1,
      mean_days: 21,
      median_days: 21,
      completed_late: 0,
      open: 0,
    });
    expect(out[2]).toMatchObject({ completed: 0, mean_days: null, median_days: null, open: 0 });
    expect(out[3]).toMatchObject({ name: '旧版阶段', planned_days: null, completed: 1, mean_days: 1 });
  });
});
