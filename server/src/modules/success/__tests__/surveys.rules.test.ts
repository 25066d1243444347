import { describe, expect, it } from 'vitest';
import {
  categorise,
  checkAnswer,
  checkQuestions,
  composeSurveyToken,
  csat,
  distribution,
  expiresAt,
  isKeyUser,
  isNegative,
  linkState,
  mayEditSurveys,
  nps,
  optionCounts,
  parseSurveyToken,
  percentOneDecimal,
  settleQuestionKeys,
  type ExtraQuestion,
} from '../surveys.rules.ts';

const issues = (r: ReturnType<typeof checkAnswer>) =>
  r.ok ? [] : r.issues.map((i) => `${i.field}:${i.issue}`).sort();

describe('percentOneDecimal (integer half-up on the exact fraction)', () => {
  it('rounds the magnitude half-up to tenths and keeps the sign', () => {
    expect(percentOneDecimal(1, 16)).toBe(6.3); // 6.25
    expect(percentOneDecimal(-1, 16)).toBe(-6.3);
    expect(percentOneDecimal(1, 8)).toBe(12.5); // exact
    expect(percentOneDecimal(1, 80)).toBe(1.3); // 1.25
    expect(percentOneDecimal(1, 3)).toBe(33.3); // 33.33…
    expect(percentOneDecimal(2, 3)).toBe(66.7); // 66.66…
    expect(percentOneDecimal(-1, 6)).toBe(-16.7); // −16.66…
    expect(percentOneDecimal(1, 2000)).toBe(0.1); // 0.05
    expect(percentOneDecimal(1, 2001)).toBe(0); // 0.04997…
    expect(Object.is(percentOneDecimal(-1, 2001), 0)).toBe(true); // never −0
    expect(percentOneDecimal(5, 5)).toBe(100);
  });
  it('is null with nothing to divide by', () => {
    expect(percentOneDecimal(0, 0)).toBeNull();
    expect(percentOneDecimal(1, -3)).toBeNull();
  });
});

describe('NPS', () => {
  it('categorises 9–10 promoter, 7–8 passive, 0–6 detractor', () => {
    expect([0, 6, 7, 8, 9, 10].map((s) => categorise('nps', s))).toEqual([
      'detractor',
      'detractor',
      'passive',
      'passive',
      'promoter',
      'promoter',
    ]);
  });
  it('is % promoters − % detractors', () => {
    // 3 promoters, 2 passives, 3 detractors of 8 → 37.5 − 37.5 = 0
    expect(nps([10, 9, 9, 8, 7, 6, 3, 0])).toEqual({
      responses: 8,
      promoters: 3,
      passives: 2,
      detractors: 3,
      nps: 0,
    });
    // 3 of 5 promoters (60%), 1 detractor (20%) → 40.0
    expect(nps([10, 10, 9, 7, 5]).nps).toBe(40);
    // 3 promoters, 2 detractors of 6 → 1/6 → 16.7
    expect(nps([9, 9, 9, 6, 6, 8]).nps).toBe(16.7);
    // 1 promoter, 2 detractors of 6 → −16.7
    expect(nps([0, 0, 9, 7, 7, 7]).nps).toBe(-16.7);
    // all detractors → −100
    expect(nps([0, 1, 2]).nps).toBe(-100);
    expect(nps([]).nps).toBeNull();
  });
});

describe('CSAT', () => {
  it('categorises 4–5 satisfied, 3 neutral, 1–2 dissatisfied', () => {
    expect([1, 2, 3, 4, 5].map((s) => categorise('csat', s))).toEqual([
      'dissatisfied',
      'dissatisfied',
      'neutral',
      'satisfied',
      'satisfied',
    ]);
    expect(isNegative('dissatisfied')).toBe(true);
    expect(isNegative('neutral')).toBe(false);
    expect(isNegative('detractor')).toBe(true);
    expect(isNegative('passive')).toBe(false);
  });
  it('is the share of 4–5 answers', () => {
    // 4 of 7 → 57.142… → 57.1
    expect(csat([5, 4, 3, 2, 1, 4, 5])).toEqual({
      responses: 7,
      satisfied: 4,
      neutral: 1,
      dissatisfied: 2,
      csat: 57.1,
    });
    expect(csat([3, 3]).csat).toBe(0);
    expect(csat([]).csat).toBeNull();
  });
  it('distribution covers the whole scale', () => {
    expect(distribution('csat', [5, 5, 1])).toEqual([
      { score: 1, count: 1 },
      { score: 2, count: 0 },
      { score: 3, count: 0 },
      { score: 4, count: 0 },
      { score: 5, count: 2 },
    ]);
    expect(distribution('nps', [0, 10, 10]).map((d) => d.count)).toEqual([1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2]);
  });
});

describe('key users', () => {
  it('flagged, system admins and department heads', () => {
    expect(isKeyUser({ is_key_user: true, role: 'user' })).toBe(true);
    expect(isKeyUser({ is_key_user: false, role: 'system_admin' })).toBe(true);
    expect(isKeyUser({ is_key_user: null, role: 'department_head' })).toBe(true);
    expect(isKeyUser({ is_key_user: false, role: 'decision_maker' })).toBe(false);
    expect(isKeyUser({ is_key_user: null, role: null })).toBe(false);
  });
});

describe('links', () => {
  const tenant = '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b';
  const inv = '0190a1b2-c3d4-7e5f-8a9b-ffffffffffff';
  const secret = 'A'.repeat(43);
  it('carry tenant and invitation and parse back', () => {
    const t = composeSurveyToken(tenant, inv, secret);
    // the 32 id bytes 0190a1b2…4a5b 0190a1b2…ffff in base64url, a dot, the secret
    expect(t).toBe(`AZChssPUfl-KmwwdLj9KWwGQobLD1H5fipv_______8.${secret}`);
    expect(t).toHaveLength(87);
    expect(parseSurveyToken(t)).toEqual({ tenantId: tenant, invitationId: inv, secret });
  });
  it('malformed tokens parse to nothing', () => {
    expect(parseSurveyToken('nope')).toBeUndefined();
    expect(parseSurveyToken(`${'A'.repeat(43)}.short`)).toBeUndefined();
    expect(parseSurveyToken(`${'A'.repeat(43)}_${secret}`)).toBeUndefined();
    // 43 characters whose last one carries bits beyond 32 bytes: not a canonical encoding
    expect(parseSurveyToken(`${'A'.repeat(42)}B.${secret}`)).toBeUndefined();
  });
  it('are answered once, until they expire, while the survey is open', () => {
    const sent = new Date('2026-01-01T00:00:00Z');
    const exp = expiresAt(sent, 14);
    expect(exp.toISOString()).toBe('2026-01-15T00:00:00.000Z');
    const before = new Date('2026-01-14T23:59:59Z');
    expect(linkState({ used_at: null, expires_at: exp }, 'active', before)).toBe('open');
    expect(linkState({ used_at: null, expires_at: exp }, 'active', exp)).toBe('expired');
    expect(linkState({ used_at: sent, expires_at: exp }, 'active', exp)).toBe('used');
    expect(linkState({ used_at: null, expires_at: exp }, 'closed', before)).toBe('closed');
  });
});

describe('answers', () => {
  const qs: ExtraQuestion[] = [
    { key: 'module', label: 'Which module?', type: 'choice', options: ['CRM', 'BI'], required: true },
    { key: 'wish', label: 'Anything else?', type: 'text', required: false },
  ];
  it('a good answer is trimmed', () => {
    expect(checkAnswer('nps', qs, { score: 0, comment: ' slow ', answers: { module: 'BI' } })).toEqual({
      ok: true,
      value: { score: 0, comment: 'slow', answers: { module: 'BI' } },
    });
  });
  it('names every bad field', () => {
    expect(issues(checkAnswer('nps', qs, {}))).toEqual(['answers.module:required', 'score:required']);
    expect(issues(checkAnswer('nps', qs, { score: 11, answers: { module: 'BI' } }))).toEqual([
      'score:score_out_of_range',
    ]);
    expect(issues(checkAnswer('csat', [], { score: 0 }))).toEqual(['score:score_out_of_range']);
    expect(issues(checkAnswer('csat', [], { score: 6 }))).toEqual(['score:score_out_of_range']);
    expect(issues(checkAnswer('csat', [], { score: 3.5 }))).toEqual(['score:score_out_of_range']);
    expect(issues(checkAnswer('csat', [], { score: '4' }))).toEqual(['score:score_out_of_range']);
    expect(issues(checkAnswer('csat', [], { score: 5, comment: 'x'.repeat(2001) }))).toEqual([
      'comment:too_long',
    ]);
    expect(checkAnswer('csat', [], { score: 5, comment: 'x'.repeat(2000) }).ok).toBe(true);
    expect(
      issues(checkAnswer('nps', qs, { score: 5, answers: { module: 'ERP', wish: 3, other: 'x' } })),
    ).toEqual(['answers.module:invalid_option', 'answers.other:unknown_field', 'answers.wish:invalid_value']);
  });
});

describe('question definitions', () => {
  it('are checked and normalised', () => {
    expect(
      checkQuestions([
        { key: 'module', label: ' Which? ', type: 'choice', options: ['A', 'B'], required: true },
        { key: 'wish', label: 'Else', type: 'text' },
      ]),
    ).toEqual({
      questions: [
        { key: 'module', label: 'Which?', type: 'choice', options: ['A', 'B'], required: true },
        { key: 'wish', label: 'Else', type: 'text', required: false },
      ],
      issues: [],
    });
    const bad = checkQuestions([
      { key: 'Bad Key', label: '', type: 'choice', options: ['only'] },
      { key: 'a', label: 'x', type: 'rating' },
      { key: 'a', label: 'y', type: 'text', options: ['x'] },
    ]);
    expect(bad.issues.map((i) => `${i.field}:${i.issue}`)).toEqual([
      'questions[0].key:invalid_value',
      'questions[0].label:required',
      'questions[0].options:invalid_value',
      'questions[1].type:invalid_value',
      'questions[2].key:duplicate_key',
      'questions[2].options:invalid_value',
    ]);
    expect(checkQuestions('x').issues).toEqual([{ field: 'questions', issue: 'invalid_value' }]);
  });

  it('leave a new question without a key (null) and refuse an empty or non-text key', () => {
    const r = checkQuestions([
      { label: 'New', type: 'text' },
      { key: null, label: 'Also new', type: 'text' },
      { key: '', label: 'Empty', type: 'text' },
      { key: 7, label: 'Number', type: 'text' },
    ]);
    expect(r.questions.map((q) => q.key)).toEqual([null, null, '', '']);
    expect(r.issues.map((i) => `${i.field}:${i.issue}`)).toEqual([
      'questions[2].key:invalid_value',
      'questions[3].key:invalid_value',
    ]);
  });
});

describe('question keys are never reused', () => {
  const q = (key: string, label = key): ExtraQuestion => ({ key, label, type: 'text', required: false });
  const input = (key: string | null, label = key ?? 'new') => ({ ...q(key ?? '', label), key });

  it('numbers a new question past every key ever used, not just the ones asked now', () => {
    // q3 was removed: the next new question is q4, not q3 again
    const r = settleQuestionKeys([input('q1'), input('q2'), input(null)], [q('q1'), q('q2')], [q('q3')]);
    expect(r.issues).toEqual([]);
    expect(r.questions.map((x) => x.key)).toEqual(['q1', 'q2', 'q4']);
    expect(r.retired.map((x) => x.key)).toEqual(['q3']);
    // answered keys count too, and so do the other keys of the request
    const s = settleQuestionKeys([input(null), input('q9'), input(null)], [], [], ['q5']);
    expect(s.questions.map((x) => x.key)).toEqual(['q10', 'q9', 'q11']);
  });

  it('keeps what a change drops as removed, with its last definition', () => {
    const r = settleQuestionKeys([input('b')], [q('a', 'Old A'), q('b')], [q('z')]);
    expect(r.retired).toEqual([q('z'), q('a', 'Old A')]);
  });

  it('refuses a removed or answered key for a question not asked now, naming the row', () => {
    const r = settleQuestionKeys(
      [input('q1'), input('q3', 'Another question'), input('legacy')],
      [q('q1')],
      [q('q3')],
      ['legacy', 'q1'],
    );
    expect(r.issues.map((i) => `${i.field}:${i.issue}`)).toEqual([
      'questions[1].key:key_retired',
      'questions[2].key:key_retired',
    ]);
    // an answered key unknown to the definition is kept as removed, labelled by its key
    expect(settleQuestionKeys([], [], [], ['legacy']).retired).toEqual([q('legacy')]);
  });

  it('lets a current question keep its key when moved or relabelled', () => {
    const r = settleQuestionKeys([input('b', 'B2'), input('a')], [q('a'), q('b')], []);
    expect(r.issues).toEqual([]);
    expect(r.questions.map((x) => `${x.key}:${x.label}`)).toEqual(['b:B2', 'a:a']);
    expect(r.retired).toEqual([]);
  });
});

describe('choice answers per option', () => {
  it("counts the question's options in order, zeros included, then values no longer offered", () => {
    const counts = new Map([
      ['BI', 3],
      ['Old', 1],
      ['CRM', 2],
      ['Gone', 2],
    ]);
    expect(optionCounts(['CRM', 'BI', 'ERP'], counts)).toEqual({
      answered: 8,
      options: [
        { option: 'CRM', count: 2, share: 25, removed: false },
        { option: 'BI', count: 3, share: 37.5, removed: false },
        { option: 'ERP', count: 0, share: 0, removed: false },
        { option: 'Gone', count: 2, share: 25, removed: true },
        { option: 'Old', count: 1, share: 12.5, removed: true },
      ],
    });
    expect(optionCounts(['A', 'B'], new Map())).toEqual({
      answered: 0,
      options: [
        { option: 'A', count: 0, share: null, removed: false },
        { option: 'B', count: 0, share: null, removed: false },
      ],
    });
  });
});

describe('who writes definitions', () => {
  it('administrators only', () => {
    expect(mayEditSurveys({ isAdmin: true })).toBe(true);
    expect(mayEditSurveys({ isAdmin: false })).toBe(false);
  });
});
