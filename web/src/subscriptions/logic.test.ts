import { describe, expect, it } from 'vitest';
import { isSettledDue, newRenewalOpportunityHref, renewalGroupLabel, trimDecimal } from './logic';

describe('renewal opportunity link', () => {
  it('prefills the account, the renewal type and the subscription end', () => {
    const href = newRenewalOpportunityHref({ account_id: 'a-1', due_date: '2026-03-01' });
    expect(href).toBe('/o/opportunity/new?account_id=a-1&type=renewal&renewal_due_on=2026-03-01');
  });
});

describe('rates as stored', () => {
  it('lose their trailing zeros, never their digits', () => {
    expect(trimDecimal('7.12000000')).toBe('7.12');
    expect(trimDecimal('7.00000000')).toBe('7');
    expect(trimDecimal('0.05')).toBe('0.05');
    expect(trimDecimal('100')).toBe('100');
    expect(trimDecimal('10.10')).toBe('10.1');
  });
});

describe('renewal-rate groups', () => {
  const options: Record<string, Record<string, string>> = {
    industry: { internet: '互联网', finance: '金融' },
    grade: { A: '重点客户' },
  };
  const option = (field: 'industry' | 'grade', value: string) => options[field]?.[value];
  const label = (key: string | null, name: string | null, by: Parameters<typeof renewalGroupLabel>[1]) =>
    renewalGroupLabel({ key, label: name }, by, option, '未设置');

  it('name owners and departments as the server does, industry and grade from the field options', () => {
    expect(label('u-1', '王芳', 'owner')).toBe('王芳');
    expect(label('d-1', '华东销售部', 'department')).toBe('华东销售部');
    expect(label('internet', 'internet', 'industry')).toBe('互联网');
    expect(label('A', 'A', 'grade')).toBe('重点客户');
    expect(label('u-2', '李娜', 'csm')).toBe('李娜');
  });

  it('show a retired option as stored, and a group without a value as not set', () => {
    expect(label('retail', 'retail', 'industry')).toBe('retail');
    expect(label(null, null, 'industry')).toBe('未设置');
    expect(label(null, null, 'owner')).toBe('未设置');
    expect(label('u-gone', null, 'owner')).toBe('未设置');
  });
});

describe('settled due renewals', () => {
  it('are the renewed and the adjusted ones', () => {
    expect(isSettledDue('renewed')).toBe(true);
    expect(isSettledDue('adjusted')).toBe(true);
    for (const s of ['upcoming', 'overdue', 'churned']) expect(isSettledDue(s)).toBe(false);
  });
});
