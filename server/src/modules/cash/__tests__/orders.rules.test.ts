import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  checkOrderLines,
  hasAtMostDecimals,
  isIsoDate,
  orderAmount,
  type ProductFacts,
} from '../order.rules.ts';
import { formatNumber, isValidPattern, numberPeriod, takeNumbers } from '../numbering.rules.ts';
import { verifySignature } from '../esign.rules.ts';

const products = new Map<string, ProductFacts>([
  ['sub', { type: 'subscription', active: true }],
  ['svc', { type: 'service', active: true }],
  ['old', { type: 'one_time', active: false }],
]);
const line = (extra: Record<string, unknown> = {}) => ({
  product_id: 'sub',
  quantity: 10,
  unit_price: 100_00,
  amount: 1000_00,
  service_start: '2026-01-01',
  service_end: '2026-12-31',
  ...extra,
});
const fields = (r: ReturnType<typeof checkOrderLines>) => r.issues.map((i) => `${i.field}:${i.issue}`);

describe('order lines', () => {
  it('accepts a subscription line with a period and a service line without one', () => {
    const r = checkOrderLines(
      [line(), { product_id: 'svc', quantity: 2.5, unit_price: 3000_00, amount: 7500_00 }],
      products,
      { allowInactive: false },
    );
    expect(r.issues).toEqual([]);
    expect(r.lines.map((l) => [l.product_type, l.discount, l.service_start])).toEqual([
      ['subscription', 0, '2026-01-01'],
      ['service', 0, null],
    ]);
    expect(orderAmount(r.lines)).toBe(8500_00);
  });

  it('needs a period on subscription lines, both ends on others, and start ≤ end (one day is fine)', () => {
    const r = checkOrderLines(
      [
        line({ service_end: null }),
        { product_id: 'svc', quantity: 1, unit_price: 1, amount: 1, service_start: '2026-01-01' },
        line({ service_start: '2026-03-02', service_end: '2026-03-01' }),
        line({ service_start: '2026-03-01', service_end: '2026-03-01' }),
        line({ service_start: '2026-02-29' }),
      ],
      products,
      { allowInactive: false },
    );
    expect(fields(r)).toEqual([
      'lines[0].service_end:service_period_required',
      'lines[1].service_end:required',
      'lines[2].service_end:period_order',
      'lines[4].service_start:invalid_date',
    ]);
  });

  it('refuses unknown and (on new orders) inactive products, bad quantities and discounts', () => {
    const r = checkOrderLines(
      [
        line({ product_id: 'nope' }),
        { product_id: 'old', quantity: 1, unit_price: 1, amount: 1 },
        line({ quantity: 0 }),
        line({ quantity: 0.00001 }),
        line({ discount: 100.001 }),
        line({ discount: -1 }),
      ],
      products,
      { allowInactive: false },
    );
    expect(fields(r)).toEqual([
      'lines[0].product_id:invalid_reference',
      'lines[1].product_id:product_inactive',
      'lines[2].quantity:too_small',
      'lines[3].quantity:invalid_value',
      'lines[4].discount:invalid_value',
      'lines[5].discount:invalid_value',
    ]);
    // an amendment may keep a product that was discontinued since
    expect(
      checkOrderLines([{ product_id: 'old', quantity: 1, unit_price: 1, amount: 1 }], products, {
        allowInactive: true,
      }).issues,
    ).toEqual([]);
    expect(fields(checkOrderLines([], products, { allowInactive: false }))).toEqual(['lines:lines_required']);
  });

  it('reads dates and decimals strictly', () => {
    expect(isIsoDate('2028-02-29')).toBe(true);
    expect(isIsoDate('2026-02-29')).toBe(false);
    expect(isIsoDate('2026-1-01')).toBe(false);
    expect(hasAtMostDecimals(1.2345, 4)).toBe(true);
    expect(hasAtMostDecimals(1.23456, 4)).toBe(false);
    expect(hasAtMostDecimals(0.1 + 0.2, 2)).toBe(true);
  });
});

describe('document numbers', () => {
  it('formats patterns and restarts the counter per the period the pattern shows', () => {
    expect(formatNumber('HT-{YYYY}-{SEQ:5}', '2026-03-01', 42)).toBe('HT-2026-00042');
    expect(formatNumber('SO{YYYY}{MM}-{SEQ:3}', '2026-03-01', 7)).toBe('SO202603-007');
    expect(formatNumber('N-{SEQ}', '2026-03-01', 123456)).toBe('N-123456');
    expect(numberPeriod('HT-{YYYY}-{SEQ:5}', '2026-03-01')).toBe('2026');
    expect(numberPeriod('SO{YYYY}{MM}-{SEQ:3}', '2026-03-01')).toBe('2026-03');
    expect(numberPeriod('N-{SEQ}', '2026-03-01')).toBe('-');
    expect(isValidPattern('HT-{YYYY}-{SEQ:5}')).toBe(true);
    expect(isValidPattern('HT-{YYYY}')).toBe(false);
    expect(isValidPattern('HT-{DD}-{SEQ}')).toBe(false);
  });
  it('hands reserved numbers out in document order, skipping taken ones, as one at a time would', () => {
    const candidates = new Map([
      ['2026', ['HK-2026-00001', 'HK-2026-00002', 'HK-2026-00003']],
      ['2027', ['HK-2027-00001']],
    ]);
    // 00002 was typed in by hand: the second 2026 document takes 00003, the third must wait
    expect(takeNumbers(['2026', '2027', '2026', '2026'], candidates, new Set(['HK-2026-00002']))).toEqual([
      'HK-2026-00001',
      'HK-2027-00001',
      'HK-2026-00003',
      null,
    ]);
    // a number handed out in this batch is not handed out again (a pattern without the year)
    const same = new Map([
      ['2026-03', ['N-03-1', 'N-03-2']],
      ['2027-03', ['N-03-1', 'N-03-2']],
    ]);
    expect(takeNumbers(['2026-03', '2027-03', '2027-03'], same, new Set())).toEqual([
      'N-03-1',
      'N-03-2',
      null,
    ]);
    expect(takeNumbers([], candidates, new Set())).toEqual([]);
  });
});

describe('e-signature callback signature', () => {
  const secret = 's3cret';
  const sign = (t: number, body: string) =>
    `t=${t},v1=${crypto.createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}`;

  it('verifies the exact body within five minutes, and nothing else', () => {
    const now = 1_800_000_000;
    const body = '{"contract_id":"x","status":"signed"}';
    expect(verifySignature(secret, sign(now - 10, body), body, now)).toBe(true);
    expect(verifySignature(secret, sign(now - 301, body), body, now)).toBe(false);
    expect(verifySignature(secret, sign(now, body), `${body} `, now)).toBe(false);
    expect(verifySignature('other', sign(now, body), body, now)).toBe(false);
    expect(verifySignature(secret, undefined, body, now)).toBe(false);
    expect(verifySignature(secret, 't=abc,v1=00', body, now)).toBe(false);
    expect(verifySignature(secret, `t=${now},v1=${'0'.repeat(64)}`, body, now)).toBe(false);
  });
});
