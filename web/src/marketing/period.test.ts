import { describe, expect, it } from 'vitest';
import {
  bucketStart,
  isYmd,
  parsePeriodQuery,
  periodBuckets,
  periodSearch,
  presetRange,
  todayIn,
} from './period';

describe('period presets', () => {
  it('computes this month, last 30 days and this quarter ending today', () => {
    expect(presetRange('this_month', '2026-11-27')).toEqual({ from: '2026-11-01', to: '2026-11-27' });
    expect(presetRange('last_30', '2026-03-01')).toEqual({ from: '2026-01-31', to: '2026-03-01' });
    expect(presetRange('this_quarter', '2026-11-27')).toEqual({ from: '2026-10-01', to: '2026-11-27' });
    expect(presetRange('this_quarter', '2026-03-31')).toEqual({ from: '2026-01-01', to: '2026-03-31' });
  });
  it('takes today in the tenant time zone, not UTC', () => {
    const late = new Date('2026-11-30T17:30:00Z'); // 01:30 on 1 Dec in Shanghai
    expect(todayIn('Asia/Shanghai', late)).toBe('2026-12-01');
    expect(todayIn('UTC', late)).toBe('2026-11-30');
  });
});

describe('period query in the URL', () => {
  const today = '2026-11-27';
  it('defaults to this month by day', () => {
    expect(parsePeriodQuery(new URLSearchParams(''), today)).toEqual({
      preset: 'this_month',
      from: '2026-11-01',
      to: today,
      granularity: 'day',
    });
  });
  it('reads a custom range and granularity, rejecting bad dates', () => {
    expect(
      parsePeriodQuery(
        new URLSearchParams('preset=custom&from=2026-09-01&to=2026-09-30&granularity=week'),
        today,
      ),
    ).toEqual({ preset: 'custom', from: '2026-09-01', to: '2026-09-30', granularity: 'week' });
    expect(
      parsePeriodQuery(new URLSearchParams('preset=custom&from=2026-09-31&to=2026-10-01'), today).preset,
    ).toBe('this_month');
    expect(
      parsePeriodQuery(new URLSearchParams('preset=custom&from=2026-10-02&to=2026-10-01'), today).preset,
    ).toBe('this_month');
    expect(parsePeriodQuery(new URLSearchParams('granularity=year'), today).granularity).toBe('day');
  });
  it('round-trips through the URL; presets keep no dates', () => {
    const q = parsePeriodQuery(new URLSearchParams('preset=last_30&granularity=month'), today);
    expect(periodSearch(q)).toEqual({ preset: 'last_30', granularity: 'month' });
    const c = {
      preset: 'custom' as const,
      from: '2026-01-01',
      to: '2026-02-01',
      granularity: 'day' as const,
    };
    expect(parsePeriodQuery(new URLSearchParams(periodSearch(c)), today)).toEqual(c);
  });
  it('validates calendar dates', () => {
    expect(isYmd('2026-02-29')).toBe(false);
    expect(isYmd('2028-02-29')).toBe(true);
    expect(isYmd('2026-2-1')).toBe(false);
  });
});

describe('buckets', () => {
  it('labels weeks by their Monday and months by the 1st, like the server', () => {
    expect(bucketStart('2026-11-29', 'week')).toBe('2026-11-23'); // Sunday
    expect(bucketStart('2026-11-23', 'week')).toBe('2026-11-23'); // Monday
    expect(bucketStart('2026-11-29', 'month')).toBe('2026-11-01');
  });
  it('lists every bucket of the range', () => {
    expect(periodBuckets('2026-11-01', '2026-11-03', 'day')).toEqual([
      '2026-11-01',
      '2026-11-02',
      '2026-11-03',
    ]);
    expect(periodBuckets('2026-11-01', '2026-11-30', 'week')).toEqual([
      '2026-10-26',
      '2026-11-02',
      '2026-11-09',
      '2026-11-16',
      '2026-11-23',
      '2026-11-30',
    ]);
    expect(periodBuckets('2026-10-15', '2027-01-02', 'month')).toEqual([
      '2026-10-01',
      '2026-11-01',
      '2026-12-01',
      '2027-01-01',
    ]);
  });
});
