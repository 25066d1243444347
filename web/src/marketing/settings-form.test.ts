import { describe, expect, it } from 'vitest';
import type { LeadSettings } from './api';
import { conditionFromForm, errorFieldName, fromForm, newRuleId, panelOf, toForm } from './settings-form';

const settings: LeadSettings = {
  duplicateRules: [
    { id: 'mobile', fields: [{ field: 'mobile', match: 'exact' }], combinator: 'and', onCapture: 'merge' },
  ],
  fuzzyThreshold: 0.6,
  manualDuplicatePolicy: 'warn',
  invalidReasons: ['联系不上', '无购买意向'],
  scoring: {
    rules: [
      {
        id: 'title_director',
        kind: 'field',
        group: 'role',
        points: 20,
        label: { 'zh-CN': '职务含“总监”', 'en-US': 'Title contains Director' },
        when: { field: 'title', op: 'contains', value: '总监' },
      },
      {
        id: 'size_200',
        kind: 'field',
        group: 'company',
        points: 15,
        label: { 'zh-CN': '规模', 'en-US': 'Size' },
        when: { field: 'company_size', op: 'gte', value: 200 },
      },
      {
        id: 'has_email',
        kind: 'field',
        group: 'contact',
        points: 5,
        label: { 'zh-CN': '邮箱', 'en-US': 'E-mail' },
        when: { field: 'email', op: 'is_set' },
      },
      {
        id: 'form_twice',
        kind: 'behaviour',
        group: 'engagement',
        points: 10,
        label: { 'zh-CN': '两次提交表单', 'en-US': 'Submitted forms twice' },
        behaviour: 'form_submitted',
        min_count: 2,
      },
    ],
    groupCaps: { role: 30, engagement: 30 },
    monthlyDecayPercent: 0,
  },
  assignmentRules: [
    {
      id: 'east',
      name: '华东轮询',
      conditions: [{ field: 'province', op: 'in', value: ['浙江省', '上海市'] }],
      strategy: 'round_robin',
      members: ['u1', 'u2'],
      dailyCap: 20,
      paused: [],
    },
  ],
  defaultPoolId: null,
  protection: { enabled: true, days: 10, extendDays: 3, hardLimitDays: 20 },
  reclaimCooldownDays: 7,
  requireQualifiedToConvert: true,
  conversionMapping: [{ lead_field: 'budget__c', object: 'account', field: 'budget__c' }],
};

describe('settings form mapping', () => {
  it('round-trips the settings unchanged', () => {
    expect(fromForm(toForm(settings))).toEqual(settings);
  });
  it('edits group caps as rows', () => {
    expect(toForm(settings).scoring.groupCaps).toEqual([
      { group: 'role', cap: 30 },
      { group: 'engagement', cap: 30 },
    ]);
    const f = toForm(settings);
    f.scoring.groupCaps.push({ group: ' ', cap: 5 }, { group: ' company ', cap: 40 });
    expect(fromForm(f).scoring.groupCaps).toEqual({ role: 30, engagement: 30, company: 40 });
  });
  it('trims reasons and drops empty ones', () => {
    const f = toForm(settings);
    f.invalidReasons = [' 联系不上 ', '', '空号'];
    expect(fromForm(f).invalidReasons).toEqual(['联系不上', '空号']);
  });
  it('types condition values by operator', () => {
    expect(conditionFromForm({ field: 'province', op: 'in', value: '浙江省，上海市, 江苏省' })).toEqual({
      field: 'province',
      op: 'in',
      value: ['浙江省', '上海市', '江苏省'],
    });
    expect(conditionFromForm({ field: 'company_size', op: 'gte', value: '500' })).toEqual({
      field: 'company_size',
      op: 'gte',
      value: 500,
    });
    expect(conditionFromForm({ field: 'email', op: 'is_set', value: 'x' })).toEqual({
      field: 'email',
      op: 'is_set',
    });
    expect(conditionFromForm({ field: 'title', op: 'eq', value: 12 })).toEqual({
      field: 'title',
      op: 'eq',
      value: '12',
    });
  });
});

describe('server errors on the form', () => {
  it('turns JSON paths into form names', () => {
    const f = toForm(settings);
    expect(errorFieldName('scoring.rules.0.points', f)).toEqual(['scoring', 'rules', 0, 'points']);
    expect(errorFieldName('fuzzyThreshold', f)).toEqual(['fuzzyThreshold']);
    expect(errorFieldName('scoring.groupCaps.engagement', f)).toEqual(['scoring', 'groupCaps', 1, 'cap']);
    expect(errorFieldName('assignmentRules.0.members.1', f)).toEqual(['assignmentRules', 0, 'members']);
    expect(errorFieldName('invalidReasons.3', f)).toEqual(['invalidReasons']);
    expect(errorFieldName('duplicateRules.0.fields.1.field', f)).toEqual([
      'duplicateRules',
      0,
      'fields',
      1,
      'field',
    ]);
  });
  it('knows the panel of each key', () => {
    expect(panelOf('scoring.rules.0.points')).toBe('scoring');
    expect(panelOf('fuzzyThreshold')).toBe('duplicates');
    expect(panelOf('defaultPoolId')).toBe('assignment');
    expect(panelOf('protection.days')).toBe('protection');
    expect(panelOf('reclaimCooldownDays')).toBe('protection');
    expect(panelOf('conversionMapping.0.field')).toBe('conversion');
    expect(panelOf('requireQualifiedToConvert')).toBe('conversion');
    expect(panelOf('protection.enabled')).toBe('protection');
    expect(panelOf('settings')).toBeNull();
  });
  it('makes unique rule ids', () => {
    expect(newRuleId('rule', [])).toBe('rule_1');
    expect(newRuleId('rule', ['a', 'rule_2'])).toBe('rule_3');
    expect(newRuleId('rule', ['rule_2', 'rule_3'])).toBe('rule_4');
  });
});
