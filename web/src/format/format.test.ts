import { describe, expect, it } from 'vitest';
import { fenToYuan, formatMoney, yuanToFen } from './money';
import { formatDate, formatDateTime, zonedDayStartIso } from './date';

describe('formatMoney', () => {
  it('uses 万 and 亿 for large zh-CN amounts', () => {
    expect(formatMoney({ amount: 12_345_678, currency: 'CNY' }, 'zh-CN')).toBe('¥12.35万');
    expect(formatMoney({ amount: 12_000_000_000, currency: 'CNY' }, 'zh-CN')).toBe('¥1.2亿');
    expect(formatMoney({ amount: 123_456, currency: 'CNY' }, 'zh-CN')).toBe('¥1,234.56');
    expect(formatMoney({ amount: -5_000_000, currency: 'CNY' }, 'zh-CN')).toBe('-¥5万');
  });
  it('shows the ISO code and thousands separators in en-US', () => {
    expect(formatMoney({ amount: 12_345_678, currency: 'CNY' }, 'en-US')).toBe('CNY 123,456.78');
    expect(formatMoney({ amount: 100, currency: 'USD' }, 'en-US')).toBe('USD 1.00');
  });
  it('converts yuan input to whole fen', () => {
    expect(yuanToFen('1,234.56')).toBe(123456);
    expect(yuanToFen(0.1 + 0.2)).toBe(30);
    expect(yuanToFen('')).toBeNull();
    expect(yuanToFen('abc')).toBeNull();
    expect(fenToYuan(123456)).toBe(1234.56);
  });
});

describe('dates', () => {
  it('shows timestamps in the tenant time zone', () => {
    expect(formatDateTime('2026-11-27T18:30:00.000Z', 'Asia/Shanghai', 'zh-CN')).toBe('2026-11-28 02:30');
    expect(formatDateTime('2026-11-27T18:30:00.000Z', 'America/New_York', 'en-US')).toBe(
      'Nov 27, 2026 13:30',
    );
  });
  it('keeps calendar dates as they are', () => {
    expect(formatDate('2026-01-05', 'zh-CN')).toBe('2026-01-05');
    expect(formatDate('2026-01-05', 'en-US')).toBe('Jan 5, 2026');
  });
  it('finds the UTC instant of a zoned midnight', () => {
    expect(zonedDayStartIso('2026-11-27', 'Asia/Shanghai')).toBe('2026-11-26T16:00:00.000Z');
  });
});
