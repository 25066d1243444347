import { describe, expect, it } from 'vitest';
import { newRenewalOpportunityHref, trimDecimal } from './logic';

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
