import { describe, expect, it } from 'vitest';
import {
  canBranch,
  canMove,
  formatMoney,
  formatPercent,
  formatQuantity,
  isEditable,
  isLapsed,
  orderLinesFromQuote,
  pdfFileName,
  pdfLabels,
  periodIssues,
  QUOTE_STATUS_VALUES,
  validUntilIssue,
  type StoredQuoteLine,
} from '../quotes.rules.ts';

const line = (extra: Partial<StoredQuoteLine> = {}): StoredQuoteLine => ({
  product_id: 'p1',
  product_type: 'service',
  quantity: 2,
  unit_price: 10_000,
  discount: 10,
  net_amount: 17_100,
  service_start: null,
  service_end: null,
  ...extra,
});

describe('status machine', () => {
  it('lets only a draft change content', () => {
    expect(QUOTE_STATUS_VALUES.filter(isEditable)).toEqual(['draft']);
  });

  it('moves a draft through approval, sending and acceptance', () => {
    expect(canMove('draft', 'in_approval')).toBe(true);
    expect(canMove('draft', 'approved')).toBe(true);
    expect(canMove('in_approval', 'approved')).toBe(true);
    expect(canMove('in_approval', 'rejected')).toBe(true);
    expect(canMove('in_approval', 'draft')).toBe(true);
    expect(canMove('approved', 'sent')).toBe(true);
    expect(canMove('sent', 'accepted')).toBe(true);
    expect(canMove('approved', 'accepted')).toBe(true);
  });

  it('never skips approval nor leaves a finished version', () => {
    expect(canMove('draft', 'sent')).toBe(false);
    expect(canMove('draft', 'accepted')).toBe(false);
    expect(canMove('rejected', 'approved')).toBe(false);
    expect(canMove('accepted', 'superseded')).toBe(false);
    expect(canMove('superseded', 'draft')).toBe(false);
    expect(canMove('sent', 'draft')).toBe(false);
  });

  it('branches a new version from anything not in approval, accepted or superseded', () => {
    expect(QUOTE_STATUS_VALUES.filter(canBranch)).toEqual([
      'draft',
      'approved',
      'rejected',
      'sent',
      'expired',
    ]);
    // every status a new version may leave behind can be superseded
    for (const s of QUOTE_STATUS_VALUES.filter(canBranch)) expect(canMove(s, 'superseded')).toBe(true);
  });
});

describe('validity', () => {
  it('refuses a date before today, accepts today', () => {
    expect(validUntilIssue('2026-11-26', '2026-11-27')).toEqual({
      field: 'valid_until',
      issue: 'date_in_past',
      params: { today: '2026-11-27' },
    });
    expect(validUntilIssue('2026-11-27', '2026-11-27')).toBeNull();
    expect(validUntilIssue(null, '2026-11-27')).toBeNull();
  });

  it('lapses sent and approved quotes after their last valid day only', () => {
    expect(isLapsed({ status: 'sent', valid_until: '2026-11-26' }, '2026-11-27')).toBe(true);
    expect(isLapsed({ status: 'approved', valid_until: '2026-11-27' }, '2026-11-27')).toBe(false);
    expect(isLapsed({ status: 'draft', valid_until: '2026-01-01' }, '2026-11-27')).toBe(false);
    expect(isLapsed({ status: 'sent', valid_until: null }, '2026-11-27')).toBe(false);
  });
});

describe('quote → order', () => {
  it('keeps products, quantities, prices and periods, and sells the net amount', () => {
    const sub = line({
      product_id: 'p2',
      product_type: 'subscription',
      quantity: 1.5,
      service_start: '2027-01-01',
      service_end: '2027-12-31',
    });
    expect(orderLinesFromQuote([line(), sub])).toEqual([
      {
        product_id: 'p1',
        quantity: 2,
        unit_price: 10_000,
        discount: 10,
        amount: 17_100,
        service_start: null,
        service_end: null,
      },
      {
        product_id: 'p2',
        quantity: 1.5,
        unit_price: 10_000,
        discount: 10,
        amount: 17_100,
        service_start: '2027-01-01',
        service_end: '2027-12-31',
      },
    ]);
  });

  it('names subscription lines without a service period', () => {
    expect(periodIssues([line(), line({ product_type: 'subscription' })])).toEqual([
      { field: 'lines[1].service_start', issue: 'service_period_required' },
    ]);
  });
});

describe('PDF wording', () => {
  it('formats money with grouping and exact minor units', () => {
    expect(formatMoney(123_456_789, 'CNY')).toBe('1,234,567.89');
    expect(formatMoney(5, 'CNY')).toBe('0.05');
    expect(formatMoney(-100_000, 'CNY')).toBe('-1,000.00');
    expect(formatMoney(1_234_567, 'JPY')).toBe('1,234,567');
  });

  it('drops trailing zeros of quantities and percentages', () => {
    expect(formatQuantity(2.5)).toBe('2.5');
    expect(formatQuantity(10)).toBe('10');
    expect(formatQuantity(0.3333)).toBe('0.3333');
    expect(formatPercent(12.5)).toBe('12.5%');
    expect(formatPercent(0)).toBe('');
  });

  it('has every label in both languages', () => {
    const zh = pdfLabels('zh-CN');
    const en = pdfLabels('en-US');
    expect(Object.keys(zh)).toEqual(Object.keys(en));
    expect(zh.title).toBe('报价单');
    expect(en.title).toBe('Quotation');
    expect(Object.values(en).every((v) => v.length > 0)).toBe(true);
  });

  it('names the file after the number and version', () => {
    expect(pdfFileName('BJ-2026-00001', 3)).toBe('BJ-2026-00001-v3.pdf');
    expect(pdfFileName('报价/1', 1)).toBe('___1-v1.pdf');
  });
});
