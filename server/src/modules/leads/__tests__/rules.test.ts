import { describe, expect, it } from 'vitest';
import { normaliseCompany, normaliseEmail, normalisePhone } from '../../accounts/normalise.rules.ts';
import { DEFAULT_SCORING, scoreLead, type ScoringSettings } from '../scoring.rules.ts';
import { pickByLoad, pickRoundRobin, ruleMatches, type AssignmentRule } from '../assignment.rules.ts';

describe('normalisation', () => {
  it('turns Chinese phone numbers into E.164 with +86', () => {
    expect(normalisePhone('138 0013 8000')).toBe('+8613800138000');
    expect(normalisePhone('+86-138-0013-8000')).toBe('+8613800138000');
    expect(normalisePhone('8613800138000')).toBe('+8613800138000');
    expect(normalisePhone('0086 13800138000')).toBe('+8613800138000');
    expect(normalisePhone('010-88886666')).toBe('+861088886666');
    expect(normalisePhone('0571-8600 1234')).toBe('+8657186001234');
    expect(normalisePhone('１３８００１３８０００')).toBe('+8613800138000');
    expect(normalisePhone('+1 (415) 555-0100')).toBe('+14155550100');
    expect(normalisePhone('call me')).toBeUndefined();
    expect(normalisePhone('123')).toBeUndefined();
  });

  it('folds e-mail case and width', () => {
    expect(normaliseEmail('  Li.Lei@Example.CN ')).toBe('li.lei@example.cn');
  });

  it('strips legal suffixes, regions in parentheses, width and case from company names', () => {
    expect(normaliseCompany('杭州云帆科技有限公司')).toBe('杭州云帆');
    expect(normaliseCompany('杭州云帆科技股份有限公司')).toBe('杭州云帆');
    expect(normaliseCompany('阿里巴巴（中国）有限公司')).toBe('阿里巴巴');
    expect(normaliseCompany('阿里巴巴(中国)网络技术有限公司')).toBe('阿里巴巴网络技术');
    expect(normaliseCompany('华为技术有限责任公司')).toBe('华为技术');
    expect(normaliseCompany('复星集团')).toBe('复星');
    expect(normaliseCompany('ＡＢＣ Software Co., Ltd.')).toBe('abcsoftware');
    expect(normaliseCompany('有限公司')).toBe('有限公司');
    expect(normaliseCompany('Zinc')).toBe('zinc');
    expect(normaliseCompany('Acme Inc.')).toBe('acme');
  });
});

describe('scoring', () => {
  it('adds the points of every rule that fires, explains them, and caps groups', () => {
    const r = scoreLead(
      { title: '信息化总监', company_size: '200-499', email: 'a@b.cn' },
      { campaign_attended: 1, form_submitted: 2 },
      DEFAULT_SCORING,
    );
    expect(r.explanation.map((e) => [e.rule, e.points])).toEqual([
      ['title_director', 20],
      ['size_200', 15],
      ['has_email', 5],
      ['attended', 20],
      ['form_twice', 10],
    ]);
    expect(r.score).toBe(70);
    const capped = scoreLead({ title: '总经理兼销售总监' }, {}, DEFAULT_SCORING);
    expect(capped.explanation).toEqual([
      expect.objectContaining({ rule: 'title_director', points: 20 }),
      expect.objectContaining({ rule: 'title_cxo', points: 10 }),
    ]);
    expect(scoreLead({ company_size: '50-199' }, {}, DEFAULT_SCORING).score).toBe(0);
  });
  it('decays by whole months since the last touch', () => {
    const s: ScoringSettings = { ...DEFAULT_SCORING, monthlyDecayPercent: 10 };
    const lead = { email: 'a@b.cn', title: '总监' };
    expect(scoreLead(lead, {}, s, '2026-02-14', '2026-01-15').score).toBe(25); // not yet a whole month
    expect(scoreLead(lead, {}, s, '2026-02-15', '2026-01-15').score).toBe(23); // 25 × 0.9
    expect(scoreLead(lead, {}, s, '2026-04-20', '2026-01-15').score).toBe(18); // 25 × 0.9³
  });
});

describe('assignment', () => {
  const rule: AssignmentRule = {
    id: 'r',
    name: 'East',
    conditions: [{ field: 'province', op: 'in', value: ['浙江省', '江苏省'] }],
    strategy: 'round_robin',
    members: ['a', 'b', 'c'],
    dailyCap: 0,
    paused: [],
  };
  it('matches conditions', () => {
    expect(ruleMatches(rule, { province: '浙江省' })).toBe(true);
    expect(ruleMatches(rule, { province: '广东省' })).toBe(false);
    expect(ruleMatches({ ...rule, conditions: [] }, {})).toBe(true);
  });
  it('round-robins, skipping paused and capped members', () => {
    expect(pickRoundRobin(rule, null, {})).toBe('a');
    expect(pickRoundRobin(rule, 'a', {})).toBe('b');
    expect(pickRoundRobin(rule, 'c', {})).toBe('a');
    expect(pickRoundRobin({ ...rule, paused: ['b'] }, 'a', {})).toBe('c');
    expect(pickRoundRobin({ ...rule, dailyCap: 2 }, 'a', { b: 2 })).toBe('c');
    expect(pickRoundRobin({ ...rule, dailyCap: 1 }, 'a', { a: 1, b: 1, c: 1 })).toBeUndefined();
  });
  it('by load picks the member with the fewest open leads', () => {
    const load = { ...rule, strategy: 'load' as const };
    expect(
      pickByLoad(load, [
        { userId: 'a', openLeads: 5, assignedToday: 0 },
        { userId: 'b', openLeads: 2, assignedToday: 3 },
        { userId: 'c', openLeads: 2, assignedToday: 1 },
      ]),
    ).toBe('c');
    expect(
      pickByLoad({ ...load, dailyCap: 1 }, [
        { userId: 'c', openLeads: 0, assignedToday: 1 },
        { userId: 'a', openLeads: 9, assignedToday: 0 },
      ]),
    ).toBe('a');
    expect(pickByLoad(load, [{ userId: 'zz', openLeads: 0, assignedToday: 0 }])).toBeUndefined();
  });
});
