import { describe, expect, it } from 'vitest';
import { scoreDistributionOption, surveyTrendOption } from './surveys-charts';
import {
  appendAnswers,
  categorise,
  categoryColor,
  defaultRound,
  draftsOf,
  fieldIssues,
  formatValue,
  isDirty,
  latestPeriod,
  mayEditSurveys,
  monthsBetween,
  moveItem,
  newDraftKey,
  nextStatus,
  outcomeCounts,
  parseOptions,
  questionIssues,
  questionsBody,
  responsesByMonth,
  sendOutcomes,
  shareText,
  surveyOf,
  valuesByMonth,
  type DraftQuestion,
} from './surveys-logic';

const draft = (key: string, over: Partial<DraftQuestion> = {}): DraftQuestion => ({
  key,
  isNew: false,
  label: `问题 ${key}`,
  type: 'text',
  optionsText: '',
  required: false,
  ...over,
});

describe('survey definitions', () => {
  it('reads a survey record, falling back to the object defaults', () => {
    expect(
      surveyOf({ id: 's', version: 3, name: '年度 NPS', kind: 'csat', status: 'active', expires_days: 30 }),
    ).toEqual({
      id: 's',
      version: 3,
      name: '年度 NPS',
      kind: 'csat',
      intro: null,
      status: 'active',
      expires_days: 30,
    });
    expect(surveyOf({ id: 's', version: 1, kind: 'weird', status: null, intro: '' })).toMatchObject({
      name: '',
      kind: 'nps',
      status: 'draft',
      intro: null,
      expires_days: 14,
    });
  });
  it('steps the status forward only: draft → active → closed', () => {
    expect(nextStatus('draft')).toBe('active');
    expect(nextStatus('active')).toBe('closed');
    expect(nextStatus('closed')).toBeNull();
  });
});

describe('categories and values', () => {
  it('categorises NPS and CSAT scores at their edges', () => {
    expect([0, 6, 7, 8, 9, 10].map((s) => categorise('nps', s))).toEqual([
      'detractor',
      'detractor',
      'passive',
      'passive',
      'promoter',
      'promoter',
    ]);
    expect([1, 2, 3, 4, 5].map((s) => categorise('csat', s))).toEqual([
      'dissatisfied',
      'dissatisfied',
      'neutral',
      'satisfied',
      'satisfied',
    ]);
    expect(categoryColor('detractor')).toBe(categoryColor('dissatisfied'));
    expect(categoryColor('promoter')).not.toBe(categoryColor('passive'));
  });
  it('formats NPS with one decimal and CSAT as a percentage', () => {
    expect(formatValue('nps', -20)).toBe('-20.0');
    expect(formatValue('nps', 6.3)).toBe('6.3');
    expect(formatValue('csat', 33.3)).toBe('33.3%');
    expect(formatValue('nps', null)).toBe('—');
  });
  it('takes the latest month that had answers', () => {
    const periods = [
      { month: '2026-03', responses: 4, value: 25 },
      { month: '2026-05', responses: 2, value: -50 },
      { month: '2026-04', responses: 1, value: 100 },
    ];
    expect(latestPeriod(periods)?.month).toBe('2026-05');
    expect(latestPeriod([])).toBeNull();
  });
});

describe('the month axis', () => {
  it('lists every month of the range, across a year end', () => {
    expect(monthsBetween('2025-11-01', '2026-02-14')).toEqual(['2025-11', '2025-12', '2026-01', '2026-02']);
    expect(monthsBetween('2026-05-01', '2026-05-31')).toEqual(['2026-05']);
    expect(monthsBetween('2026-06-01', '2026-05-31')).toEqual([]);
  });
  it('puts gaps where a month had no answers, and zero answers', () => {
    const months = ['2026-01', '2026-02', '2026-03'];
    const periods = [
      { month: '2026-01', responses: 5, value: -20 },
      { month: '2026-03', responses: 1, value: 100 },
    ];
    expect(valuesByMonth(months, periods)).toEqual([-20, null, 100]);
    expect(responsesByMonth(months, periods)).toEqual([5, 0, 1]);
  });
});

describe('the question builder', () => {
  it('turns typed options into a list, and sends options only with choice questions', () => {
    expect(parseOptions(' 报表 \n\n审批\r\n 移动端')).toEqual(['报表', '审批', '移动端']);
    expect(
      questionsBody([
        draft('q1', {
          label: '  最常用的模块？ ',
          type: 'choice',
          optionsText: '报表\n审批',
          required: true,
        }),
        draft('q2', { optionsText: 'left over from a choice' }),
      ]),
    ).toEqual([
      { key: 'q1', label: '最常用的模块？', type: 'choice', options: ['报表', '审批'], required: true },
      { key: 'q2', label: '问题 q2', type: 'text', required: false },
    ]);
  });
  it('sends a new question without a key: the server gives it one never used before', () => {
    // the builder only knows the keys asked now; q3 may have been removed and answered earlier
    expect(questionsBody([draft('q1'), draft('new-1', { isNew: true, label: ' 新问题 ' })])).toEqual([
      { key: 'q1', label: '问题 q1', type: 'text', required: false },
      { label: '新问题', type: 'text', required: false },
    ]);
    // new rows only need telling apart until saved
    expect(newDraftKey([])).toBe('new-1');
    expect(newDraftKey([draft('q2'), draft('new-1', { isNew: true }), draft('new-4', { isNew: true })])).toBe(
      'new-5',
    );
    // an unsaved new row makes the builder dirty
    expect(isDirty([draft('new-1', { isNew: true })], [])).toBe(true);
  });
  it('keeps old keys when moving', () => {
    const list = [draft('a'), draft('b'), draft('c')];
    expect(moveItem(list, 2, -1).map((d) => d.key)).toEqual(['a', 'c', 'b']);
    expect(moveItem(list, 0, 1).map((d) => d.key)).toEqual(['b', 'a', 'c']);
    expect(moveItem(list, 0, -1).map((d) => d.key)).toEqual(['a', 'b', 'c']);
    expect(moveItem(list, 2, 1).map((d) => d.key)).toEqual(['a', 'b', 'c']);
  });
  it('knows when the builder differs from what is stored', () => {
    const stored = [
      { key: 'q1', label: '模块', type: 'choice' as const, options: ['A', 'B'], required: true },
    ];
    const drafts = draftsOf(stored);
    expect(drafts[0]?.optionsText).toBe('A\nB');
    expect(isDirty(drafts, stored)).toBe(false);
    // trailing blanks are not a change: they are trimmed before saving
    expect(isDirty([{ ...drafts[0]!, label: '模块 ' }], stored)).toBe(false);
    expect(isDirty([{ ...drafts[0]!, required: false }], stored)).toBe(true);
    expect(isDirty([], stored)).toBe(true);
  });
});

describe('who may edit', () => {
  it('administrators edit survey definitions; everybody else only reads (or sends) them', () => {
    expect(mayEditSurveys(undefined)).toBe(false);
    expect(mayEditSurveys({ role: { is_admin: true } })).toBe(true);
    expect(mayEditSurveys({ role: { is_admin: false } })).toBe(false);
  });
});

describe('extra questions in the results', () => {
  it('reads a share with one decimal, a dash without answers', () => {
    expect(shareText(40)).toBe('40.0%');
    expect(shareText(33.3)).toBe('33.3%');
    expect(shareText(null)).toBe('—');
  });
  it('adds a further page of text answers, each response once', () => {
    const a = (id: string) => ({ response_id: id, text: id });
    expect(appendAnswers([a('3'), a('2')], [a('2'), a('1')]).map((x) => x.response_id)).toEqual([
      '3',
      '2',
      '1',
    ]);
    expect(appendAnswers([], [a('1')])).toEqual([a('1')]);
  });
});

describe("the server's field issues", () => {
  it('puts question issues on their row and field', () => {
    expect(
      questionIssues([
        { field: 'questions[1].label', issue: '必填' },
        { field: 'questions[1].options', issue: '值无效' },
        { field: 'questions[0]', issue: '值无效' },
        { field: 'questions[1].label', issue: '太长' },
        { field: 'version', issue: '版本冲突' },
      ]),
    ).toEqual({
      rows: { 0: { label: '值无效' }, 1: { label: '必填; 太长', options: '值无效' } },
      rest: ['版本冲突'],
    });
  });
  it('puts a list item issue on its list field', () => {
    expect(
      fieldIssues(
        [
          { field: 'account_ids[2]', issue: '未知客户' },
          { field: 'round', issue: '必填' },
          { field: 'contact_ids', issue: '必填' },
          { issue: '问卷未启用' },
        ],
        ['round', 'account_ids', 'contact_ids'],
      ),
    ).toEqual({
      byField: { account_ids: ['未知客户'], round: ['必填'], contact_ids: ['必填'] },
      rest: ['问卷未启用'],
    });
  });
});

describe('sending', () => {
  const result = {
    invited: [
      { contact_id: 'c2', contact_name: '王芳', account_id: 'a', email: 'w@x.cn', mail: 'stored' },
      { contact_id: 'c1', contact_name: '李雷', account_id: 'a', email: 'l@x.cn', mail: 'sent' },
    ],
    skipped: [
      { contact_id: 'c3', contact_name: '赵敏', account_id: 'b', reason: 'no_email' as const },
      { contact_id: 'c4', contact_name: '陈晨', account_id: 'b', reason: 'already_invited' as const },
    ],
    accounts_without_key_users: ['z'],
  };
  it('lists every contact reached with its outcome, invited first', () => {
    const rows = sendOutcomes(result);
    expect(rows.map((r) => [r.contact_id, r.outcome])).toEqual([
      ['c1', 'invited'],
      ['c2', 'invited'],
      ['c4', 'already_invited'],
      ['c3', 'no_email'],
    ]);
    expect(rows[0]).toMatchObject({ email: 'l@x.cn', mail: 'sent' });
    expect(rows[3]).toMatchObject({ email: null, mail: null });
    expect(outcomeCounts(rows)).toEqual({ invited: 2, already_invited: 1, no_email: 1 });
  });
  it("proposes this month's round", () => {
    expect(defaultRound('2026-05-18')).toBe('2026-05');
  });
});

describe('charts', () => {
  it('draws the whole scale, each bar in its category colour', () => {
    const rows = Array.from({ length: 11 }, (_, score) => ({ score, count: score === 2 ? 3 : 0 }));
    const o = scoreDistributionOption('nps', rows, { answers: '答复数' }, false) as {
      xAxis: { data: string[] };
      series: { data: { value: number; itemStyle: { color: string } }[] }[];
    };
    expect(o.xAxis.data).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '10']);
    const bars = o.series[0]!.data;
    expect(bars[2]).toEqual({ value: 3, itemStyle: { color: categoryColor('detractor') } });
    expect(bars[8]!.itemStyle.color).toBe(categoryColor('passive'));
    expect(bars[10]!.itemStyle.color).toBe(categoryColor('promoter'));
  });
  it('puts NPS on −100…100 and CSAT on 0…100 %, answers on the right axis, a line per group', () => {
    const months = ['2026-04', '2026-05'];
    const nps = surveyTrendOption(
      'nps',
      months,
      { values: [null, -20], responses: [0, 5] },
      [{ name: '张伟', values: [null, -100] }],
      { value: 'NPS', responses: '答复数' },
      false,
    ) as {
      yAxis: { min: number; max: number }[];
      series: { name: string; type: string; yAxisIndex?: number; data: (number | null)[] }[];
    };
    expect(nps.yAxis[0]).toMatchObject({ min: -100, max: 100 });
    expect(nps.series.map((s) => [s.name, s.type])).toEqual([
      ['答复数', 'bar'],
      ['NPS', 'line'],
      ['张伟', 'line'],
    ]);
    expect(nps.series[0]).toMatchObject({ yAxisIndex: 1, data: [0, 5] });
    expect(nps.series[1]!.data).toEqual([null, -20]);
    const csat = surveyTrendOption(
      'csat',
      months,
      { values: [50, 100], responses: [2, 1] },
      [],
      { value: 'CSAT', responses: 'n' },
      false,
    ) as { yAxis: { min: number; max: number }[] };
    expect(csat.yAxis[0]).toMatchObject({ min: 0, max: 100 });
  });
});
