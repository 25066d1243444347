import { describe, expect, it } from 'vitest';
import {
  editable,
  isLargeDiscount,
  opportunityCrumb,
  quoteActions,
  quoteLinesPayload,
  type QuoteLineDraft,
} from './quote-logic';

const product = {
  id: 'p1',
  sku: 'S',
  name: 'Seat',
  type: 'subscription' as const,
  unit: null,
  listPrice: null,
};
const line = (p: Partial<QuoteLineDraft>): QuoteLineDraft => ({
  key: 'k',
  product,
  quantity: '1',
  discount: '',
  serviceStart: null,
  serviceEnd: null,
  ...p,
});

describe('quoteLinesPayload', () => {
  it('leaves out lines without a product and blank cells', () => {
    expect(
      quoteLinesPayload([
        line({ quantity: ' 2.5 ', discount: '10', serviceStart: '2026-01-01', serviceEnd: '2026-12-31' }),
        line({ product: null }),
        line({ discount: ' ' }),
        line({ options: ['opt1', { product_id: 'opt2', quantity: 2 }] }),
        line({ options: [] }),
      ]),
    ).toEqual([
      {
        product_id: 'p1',
        quantity: '2.5',
        discount: '10',
        service_start: '2026-01-01',
        service_end: '2026-12-31',
      },
      { product_id: 'p1', quantity: '1' },
      { product_id: 'p1', quantity: '1', options: ['opt1', { product_id: 'opt2', quantity: 2 }] },
      { product_id: 'p1', quantity: '1' },
    ]);
  });
});

describe('isLargeDiscount', () => {
  it('flags from the threshold up', () => {
    expect(isLargeDiscount('19.99')).toBe(false);
    expect(isLargeDiscount('20')).toBe(true);
    expect(isLargeDiscount(35)).toBe(true);
    expect(isLargeDiscount('')).toBe(false);
    expect(isLargeDiscount(null)).toBe(false);
    expect(isLargeDiscount('abc')).toBe(false);
    expect(isLargeDiscount(10, 5)).toBe(true);
  });
});

describe('quoteActions', () => {
  it('follows the status', () => {
    expect(quoteActions(null)).toEqual(['save']);
    expect(quoteActions('draft')).toContain('submit');
    expect(quoteActions('approved')).toEqual(['send', 'accept', 'newVersion', 'pdf']);
    expect(quoteActions('sent')).toContain('accept');
    expect(quoteActions('in_approval')).toEqual(['pdf']);
    expect(quoteActions('accepted')).toEqual(['pdf']);
    expect(editable('draft')).toBe(true);
    expect(editable('sent')).toBe(false);
  });
});

describe('opportunityCrumb', () => {
  it("shows the opportunity's name, an ellipsis while it loads, nothing to show otherwise", () => {
    expect(opportunityCrumb({ id: 'o1', name: '华东区续约' }, false)).toBe('华东区续约');
    expect(opportunityCrumb({ id: 'o1', name: '华东区续约' }, true)).toBe('华东区续约');
    expect(opportunityCrumb(undefined, true)).toBe('…');
    // a name the reader may not see, an opportunity gone, or a blank name: the generic word
    expect(opportunityCrumb({ id: 'o1', name: null }, false)).toBeUndefined();
    expect(opportunityCrumb({ id: 'o1' }, false)).toBeUndefined();
    expect(opportunityCrumb(null, false)).toBeUndefined();
    expect(opportunityCrumb({ id: 'o1', name: '  ' }, false)).toBeUndefined();
  });
});
