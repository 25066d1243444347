import { describe, expect, it } from 'vitest';
import {
  activityBody,
  dayLabel,
  daysBetween,
  dialogFieldOf,
  followUpTaskBody,
  formatRelative,
  groupByDay,
  idleTone,
  isYmd,
  nextSubject,
  prefillSubject,
  relativeParts,
  ymdInZone,
} from './activity-logic';

const NOW = Date.parse('2026-11-27T08:00:00Z'); // 16:00 in Shanghai

describe('subject prefill', () => {
  it('joins the type and the record name', () => {
    expect(prefillSubject('电话', '华东科技')).toBe('电话 · 华东科技');
    expect(prefillSubject('Call', '  ')).toBe('Call');
    expect(prefillSubject('Call', null)).toBe('Call');
  });
  it('follows the type while the user has not written their own', () => {
    expect(nextSubject('', '电话 · A', '拜访 · A')).toBe('拜访 · A');
    expect(nextSubject(undefined, '', '电话 · A')).toBe('电话 · A');
    expect(nextSubject('电话 · A', '电话 · A', '拜访 · A')).toBe('拜访 · A');
    expect(nextSubject('谈了报价', '电话 · A', '拜访 · A')).toBe('谈了报价');
  });
});

describe('relative times', () => {
  it('picks the largest natural unit, negative for the past', () => {
    expect(relativeParts('2026-11-27T07:59:40Z', NOW)).toEqual({ value: 0, unit: 'second' });
    expect(relativeParts('2026-11-27T07:55:00Z', NOW)).toEqual({ value: -5, unit: 'minute' });
    expect(relativeParts('2026-11-27T11:00:00Z', NOW)).toEqual({ value: 3, unit: 'hour' });
    expect(relativeParts('2026-11-24T08:00:00Z', NOW)).toEqual({ value: -3, unit: 'day' });
    expect(relativeParts('2026-09-27T08:00:00Z', NOW)).toEqual({ value: -2, unit: 'month' });
    expect(relativeParts('2024-11-27T08:00:00Z', NOW)).toEqual({ value: -2, unit: 'year' });
    expect(relativeParts('not a date', NOW)).toBeNull();
  });
  it('reads in the UI language', () => {
    expect(formatRelative('2026-11-27T07:55:00Z', NOW, 'en-US')).toBe('5 minutes ago');
    expect(formatRelative('2026-11-28T08:00:00Z', NOW, 'en-US')).toBe('tomorrow');
    expect(formatRelative('2026-11-24T08:00:00Z', NOW, 'zh-CN')).toBe('3天前');
  });
});

describe('days', () => {
  it('takes the calendar day in the tenant zone', () => {
    expect(ymdInZone('2026-11-27T17:00:00Z', 'Asia/Shanghai')).toBe('2026-11-28');
    expect(ymdInZone('2026-11-27T17:00:00Z', 'UTC')).toBe('2026-11-27');
  });
  it('validates URL dates', () => {
    expect(isYmd('2026-11-27')).toBe(true);
    expect(isYmd('2026-02-30')).toBe(false);
    expect(isYmd('27/11/2026')).toBe(false);
    expect(isYmd(null)).toBe(false);
  });
  it('counts and names days', () => {
    expect(daysBetween('2026-11-20', '2026-11-27')).toBe(7);
    expect(dayLabel('2026-11-27', '2026-11-27')).toBe('today');
    expect(dayLabel('2026-11-26', '2026-11-27')).toBe('yesterday');
    expect(dayLabel('2026-11-28', '2026-11-27')).toBe('tomorrow');
    expect(dayLabel('2026-11-20', '2026-11-27')).toBeNull();
  });
  it('groups consecutive items of one tenant-zone day', () => {
    const items = [
      { at: '2026-11-27T17:00:00Z', n: 1 }, // 28th in Shanghai
      { at: '2026-11-27T08:00:00Z', n: 2 },
      { at: '2026-11-27T01:00:00Z', n: 3 },
      { at: '2026-11-26T01:00:00Z', n: 4 },
    ];
    expect(groupByDay(items, 'Asia/Shanghai').map((g) => [g.day, g.items.map((i) => i.n)])).toEqual([
      ['2026-11-28', [1]],
      ['2026-11-27', [2, 3]],
      ['2026-11-26', [4]],
    ]);
  });
  it('turns idle records red at twice the limit', () => {
    expect(idleTone(8, 7)).toBe('warning');
    expect(idleTone(14, 7)).toBe('danger');
    expect(idleTone(3, 0)).toBe('warning');
  });
});

describe('quick-add bodies', () => {
  it('sends filled fields and the record it is about', () => {
    expect(
      activityBody(
        {
          type: 'call',
          subject: ' 电话 · A ',
          notes: '  ',
          outcome: '有意向',
          occurred_at: '2026-11-27T08:00:00.000Z',
          duration_minutes: 0,
          latitude: 31.2,
          longitude: null,
        },
        { object: 'lead', id: 'L1' },
      ),
    ).toEqual({
      type: 'call',
      subject: '电话 · A',
      outcome: '有意向',
      occurred_at: '2026-11-27T08:00:00.000Z',
      duration_minutes: 0,
      lead_id: 'L1',
    });
  });
  it('sends a check-in only as a pair', () => {
    const body = activityBody({ type: 'visit', subject: 'v', latitude: 31.2, longitude: 121.5 }, null);
    expect(body).toEqual({ type: 'visit', subject: 'v', latitude: 31.2, longitude: 121.5 });
  });
  it('links the follow-up task to the records the stored activity is about', () => {
    expect(
      followUpTaskBody('跟进：A', '2026-11-28T02:00:00.000Z', {
        id: 'X',
        lead_id: null,
        account_id: 'A1',
        contact_id: 'C1',
        opportunity_id: '',
      }),
    ).toEqual({ subject: '跟进：A', due_at: '2026-11-28T02:00:00.000Z', account_id: 'A1', contact_id: 'C1' });
  });
  it('puts server errors on the dialog fields', () => {
    expect(dialogFieldOf('account_id', 'activity')).toBe('related');
    expect(dialogFieldOf('records[0].subject', 'activity')).toBe('subject');
    expect(dialogFieldOf('latitude', 'activity')).toBe('checkin');
    expect(dialogFieldOf('subject', 'task')).toBe('task_subject');
    expect(dialogFieldOf('due_at', 'task')).toBe('task_due_at');
    expect(dialogFieldOf('account_id', 'task')).toBeNull();
    expect(dialogFieldOf('custom.x', 'activity')).toBeNull();
    expect(dialogFieldOf(undefined, 'activity')).toBeNull();
  });
});
