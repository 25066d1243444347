import { describe, expect, it } from 'vitest';
import {
  applyPrice,
  defaultServiceEnd,
  draftFromLine,
  emptyLine,
  fenToYuanText,
  lineAmountFen,
  linesPayload,
  parseScaled,
  placeErrors,
  settleErrors,
  totalFen,
  withInputs,
  withProduct,
  withServiceStart,
  yuanToFenExact,
  type LineDraft,
  type LineProduct,
} from './order-logic';

const saas: LineProduct = {
  id: 'p1',
  sku: 'CRM-PRO',
  name: 'CRM 专业版',
  type: 'subscription',
  unit: 'seat',
  listPrice: { amount: 120_000, currency: 'CNY' },
};
const impl: LineProduct = {
  id: 'p2',
  sku: 'IMPL',
  name: '实施服务',
  type: 'service',
  unit: 'day',
  listPrice: { amount: 250_000, currency: 'CNY' },
};
const licence: LineProduct = { ...impl, id: 'p3', sku: 'LIC', type: 'one_time' };

const line = (patch: Partial<LineDraft>): LineDraft => ({ ...emptyLine(), ...patch });

describe('exact money', () => {
  it('converts yuan to fen without float error', () => {
    expect(yuanToFenExact('0.1')).toBe(10);
    expect(yuanToFenExact('1.005')).toBeNull(); // three decimals are not money
    expect(yuanToFenExact('1200.15')).toBe(120_015);
    expect(yuanToFenExact(0.29)).toBe(29); // 0.29 * 100 = 28.999999999999996 as a float
    expect(yuanToFenExact('1,234.50')).toBe(123_450);
    expect(yuanToFenExact('')).toBeNull();
    expect(yuanToFenExact('-1')).toBeNull();
    expect(yuanToFenExact('abc')).toBeNull();
  });
  it('writes fen back as yuan text', () => {
    expect(fenToYuanText(120_000)).toBe('1200');
    expect(fenToYuanText(120_050)).toBe('1200.50');
    expect(fenToYuanText(5)).toBe('0.05');
    expect(fenToYuanText(-150)).toBe('-1.50');
  });
  it('parses decimals scaled, ignoring trailing zeros', () => {
    expect(parseScaled('2.5000', 4)).toBe(25_000n);
    expect(parseScaled('0.00001', 4)).toBeNull();
    expect(parseScaled('6.50', 2)).toBe(650n);
  });
});

describe('line amount', () => {
  it('is quantity × price × (1 − discount), half-up to the fen', () => {
    expect(lineAmountFen('50', '1200', '0')).toBe(6_000_000);
    expect(lineAmountFen('3', '33.33', '10')).toBe(8999); // 8999.1 → 8999
    expect(lineAmountFen('1', '0.15', '50')).toBe(8); // 7.5 → 8 (half-up)
    expect(lineAmountFen('0.5', '0.01', '0')).toBe(1); // 0.5 → 1
    expect(lineAmountFen('2.25', '100', '12.5')).toBe(19_688); // 19687.5 → 19688
    expect(lineAmountFen('1', '99.99', '100')).toBe(0);
    expect(lineAmountFen('1', '10', '')).toBe(1000); // a blank discount is none
  });
  it('is null while a part is missing or invalid', () => {
    expect(lineAmountFen('', '10', '0')).toBeNull();
    expect(lineAmountFen('1', '', '0')).toBeNull();
    expect(lineAmountFen('1', '10', '101')).toBeNull();
    expect(lineAmountFen('1.00001', '10', '0')).toBeNull();
  });
  it('stays exact for large orders', () => {
    // 9,999 seats × ¥123,456.78 × 87.65 % = 108,199,046,683.233 fen (floats lose the last digits)
    expect(lineAmountFen('9999', '123456.78', '12.35')).toBe(108_199_046_683);
  });
  it('totals overridden and computed amounts', () => {
    const lines = [
      line({ quantity: '2', unitPrice: '10', discount: '0' }),
      line({ quantity: '1', unitPrice: '10', amountOverride: '7.5' }),
      line({ quantity: '', unitPrice: '10' }),
    ];
    expect(totalFen(lines)).toBe(2000 + 750);
  });
});

describe('service periods', () => {
  it('default to one year ending the day before the anniversary', () => {
    expect(defaultServiceEnd('2026-01-01')).toBe('2026-12-31');
    expect(defaultServiceEnd('2026-03-15')).toBe('2027-03-14');
    expect(defaultServiceEnd('2028-02-29')).toBe('2029-02-28');
    expect(defaultServiceEnd('2027-03-01')).toBe('2028-02-29');
    expect(defaultServiceEnd('nope')).toBeNull();
  });
  it('are set when a subscription is picked and dropped for one-time licences', () => {
    const sub = withProduct(emptyLine(), saas, 'CNY', '2026-11-27');
    expect(sub.unitPrice).toBe('1200');
    expect([sub.serviceStart, sub.serviceEnd]).toEqual(['2026-11-27', '2027-11-26']);
    const lic = withProduct(sub, licence, 'CNY', '2026-11-27');
    expect([lic.serviceStart, lic.serviceEnd]).toEqual([null, null]);
    const svc = withProduct(emptyLine(), impl, 'CNY', '2026-11-27');
    expect([svc.serviceStart, svc.serviceEnd]).toEqual([null, null]);
  });
  it('leave the price to the user when the list price is in another currency', () => {
    expect(withProduct(emptyLine(), saas, 'USD', '2026-11-27').unitPrice).toBe('');
  });
  it('move a default end along with the start, but keep a chosen one', () => {
    const sub = withProduct(emptyLine(), saas, 'CNY', '2026-01-01');
    expect(withServiceStart(sub, '2026-02-01').serviceEnd).toBe('2027-01-31');
    const chosen = { ...sub, serviceEnd: '2026-06-30' };
    expect(withServiceStart(chosen, '2026-02-01').serviceEnd).toBe('2026-06-30');
  });
});

describe('request body', () => {
  it('sends fen and plain numbers, and leaves out what cannot be read', () => {
    const sub = { ...withProduct(emptyLine(), saas, 'CNY', '2026-01-01'), quantity: '50', discount: '10' };
    const bad = { ...withProduct(emptyLine(), impl, 'CNY', '2026-01-01'), quantity: '' };
    expect(linesPayload([sub, bad])).toEqual([
      {
        product_id: 'p1',
        quantity: 50,
        unit_price: 120_000,
        discount: 10,
        amount: 5_400_000,
        service_start: '2026-01-01',
        service_end: '2026-12-31',
      },
      { product_id: 'p2', unit_price: 250_000, discount: 0, service_start: null, service_end: null },
    ]);
  });
  it('keeps a negotiated amount of a saved line', () => {
    const d = draftFromLine({
      product_id: 'p1',
      product_type: 'subscription',
      product_name: 'CRM',
      product_sku: 'CRM-PRO',
      quantity: 10,
      unit_price: 120_000,
      discount: 0,
      amount: 1_100_000,
      service_start: '2026-01-01',
      service_end: '2026-12-31',
    });
    expect(d.amountOverride).toBe('11000');
    expect(linesPayload([d])[0]?.amount).toBe(1_100_000);
  });
});

describe('server errors', () => {
  it('land on the cell they name, by position', () => {
    const placed = placeErrors(
      [
        { field: 'lines[1].service_end', issue: '订阅产品需填写服务起止日期' },
        { field: 'lines[0].quantity', issue: '必填' },
        { field: 'lines[0].quantity', issue: '须大于 0' },
        { field: 'lines[0].foo', issue: 'x' },
        { field: 'account_id', issue: '引用无效' },
        { field: 'lines', issue: '至少需要一行产品' },
        { field: 'lines[9].amount', issue: 'stale' },
      ],
      ['a', 'b'],
      ['account_id'],
    );
    expect(placed.cells).toEqual({
      a: { quantity: '必填；须大于 0', line: 'x' },
      b: { service_end: '订阅产品需填写服务起止日期' },
    });
    expect(placed.header).toEqual({ account_id: '引用无效' });
    expect(placed.rest).toEqual(['至少需要一行产品', 'stale']);
  });
});

describe('errors after an edit', () => {
  it('go from the cells that changed (and the amount they compute), and from removed lines', () => {
    const a = line({ quantity: '' });
    const b = line({ serviceEnd: null });
    const c = line({});
    const cells = {
      [a.key]: { quantity: '必填', amount: '必填' },
      [b.key]: { service_end: '订阅产品需填写服务起止日期', discount: 'x' },
      [c.key]: { product_id: '引用无效' },
    };
    const after = [
      { ...a, quantity: '2' },
      { ...b, serviceEnd: '2027-06-30' },
    ];
    expect(settleErrors(cells, [a, b, c], after)).toEqual({ [b.key]: { discount: 'x' } });
    expect(settleErrors(cells, [a, b, c], [a, b, c])).toEqual(cells);
  });
});

describe('price lists', () => {
  const priced = (unit: number, amount: number, tier: 'none' | 'range' | 'slab' = 'none') => ({
    unit_price: unit,
    amount,
    price_source: 'price_list' as const,
    price_list_name: '渠道价',
    tier_mode: tier,
  });
  const picked = () => ({ ...withProduct(emptyLine(), saas, 'CNY', '2026-01-01'), quantity: '10' });
  it('set the unit price and say which list gave it', () => {
    const l = applyPrice(picked(), priced(100_000, 1_000_000), { quantity: '10', discount: '0' });
    expect([l.unitPrice, l.amountOverride, l.priceInfo]).toEqual([
      '1000',
      null,
      { source: 'price_list', listName: '渠道价', tiered: false },
    ]);
  });
  it('keep the exact slab amount when the averaged unit price does not give it', () => {
    // 10 seats: 3 at ¥1,000 and 7 at ¥900 = ¥9,300; the average ¥930 happens to be exact,
    // 3 seats: 1 at ¥1,000 and 2 at ¥900 = ¥2,800, average ¥933.33 × 3 = ¥2,799.99
    const three = { ...picked(), quantity: '3' };
    const l = applyPrice(three, priced(93_333, 280_000, 'slab'), { quantity: '3', discount: '0' });
    expect([l.unitPrice, l.amountOverride, l.amountFromPricing]).toEqual(['933.33', '2800', true]);
    // the next pricing (another quantity) replaces an amount that pricing set
    const ten = applyPrice({ ...l, quantity: '10' }, priced(93_000, 930_000, 'slab'), {
      quantity: '10',
      discount: '0',
    });
    expect([ten.amountOverride, ten.amountFromPricing]).toEqual([null, false]);
  });
  it('leave typed prices and amounts alone, and stale answers without an amount', () => {
    const typed = { ...picked(), unitPrice: '800', priceTyped: true };
    expect(applyPrice(typed, priced(100_000, 1_000_000), { quantity: '10', discount: '0' })).toBe(typed);
    const ownAmount = { ...picked(), amountOverride: '5000' };
    expect(
      applyPrice(ownAmount, priced(93_333, 280_000, 'slab'), { quantity: '10', discount: '0' })
        .amountOverride,
    ).toBe('5000');
    const moved = applyPrice(picked(), priced(93_333, 280_000, 'slab'), { quantity: '3', discount: '0' });
    expect([moved.unitPrice, moved.amountOverride]).toEqual(['933.33', null]);
  });
  it('drop an amount they set once the inputs change, and stop after a typed price', () => {
    const slab = applyPrice({ ...picked(), quantity: '3' }, priced(93_333, 280_000, 'slab'), {
      quantity: '3',
      discount: '0',
    });
    const more = withInputs(slab, { quantity: '4' });
    expect([more.amountOverride, more.amountFromPricing, more.priceTyped]).toEqual([null, false, false]);
    const typed = withInputs(slab, { unitPrice: '1111' });
    expect([typed.amountOverride, typed.priceTyped, typed.priceInfo]).toEqual([null, true, null]);
    const own = withInputs({ ...picked(), amountOverride: '5000' }, { quantity: '4' });
    expect(own.amountOverride).toBe('5000');
  });
  it('never re-price saved lines', () => {
    const saved = draftFromLine({
      product_id: 'p1',
      product_type: 'subscription',
      product_name: 'CRM',
      product_sku: 'CRM-PRO',
      quantity: 10,
      unit_price: 120_000,
      discount: 0,
      amount: 1_200_000,
      service_start: '2026-01-01',
      service_end: '2026-12-31',
    });
    expect(applyPrice(saved, priced(1, 10), { quantity: '10', discount: '0' })).toBe(saved);
  });
});
