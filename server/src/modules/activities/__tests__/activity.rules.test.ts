import { describe, expect, it } from 'vitest';
import {
  completedAtFor,
  coordinateIssues,
  decodeTimelineCursor,
  encodeTimelineCursor,
  followUpsOf,
  isFollowUp,
  movesFollowUps,
  relatedIssues,
  resolveAccount,
} from '../activity.rules.ts';

const now = new Date('2026-03-10T08:00:00.000Z');

describe('activity rules', () => {
  it('needs at least one related record, named on account_id', () => {
    expect(relatedIssues({ subject: 'x' })).toEqual([
      { field: 'account_id', issue: 'related_record_required' },
    ]);
    expect(relatedIssues({ lead_id: 'a' })).toEqual([]);
    expect(relatedIssues({ opportunity_id: 'o', account_id: '' })).toEqual([]);
  });

  it('takes latitude and longitude together', () => {
    expect(coordinateIssues({ latitude: 31.2, longitude: 121.4 })).toEqual([]);
    expect(coordinateIssues({ latitude: null, longitude: null })).toEqual([]);
    expect(coordinateIssues({ latitude: 0 })).toEqual([{ field: 'longitude', issue: 'coordinates_pair' }]);
    expect(coordinateIssues({ longitude: 121.4 })).toEqual([
      { field: 'latitude', issue: 'coordinates_pair' },
    ]);
  });

  it('fills the account from the contact or opportunity and refuses a disagreeing one', () => {
    expect(resolveAccount(null, [{ field: 'contact_id', accountId: 'A' }])).toEqual({
      accountId: 'A',
      issues: [],
    });
    expect(resolveAccount('A', [{ field: 'opportunity_id', accountId: 'A' }]).issues).toEqual([]);
    expect(resolveAccount('A', [{ field: 'contact_id', accountId: 'B' }]).issues).toEqual([
      { field: 'contact_id', issue: 'other_account' },
    ]);
    expect(
      resolveAccount(null, [
        { field: 'contact_id', accountId: 'A' },
        { field: 'opportunity_id', accountId: 'B' },
      ]).issues,
    ).toEqual([{ field: 'opportunity_id', issue: 'other_account' }]);
    expect(resolveAccount(null, [])).toEqual({ accountId: null, issues: [] });
  });

  it('counts only what has happened as a follow-up', () => {
    expect(isFollowUp('2026-03-10T08:00:00.000Z', now)).toBe(true);
    expect(isFollowUp('2026-03-10T08:00:00.001Z', now)).toBe(false);
    expect(isFollowUp(null, now)).toBe(false);
  });

  it('moves each record once per batch, to the latest past activity', () => {
    const f = followUpsOf(
      [
        { occurred_at: '2026-03-09T01:00:00.000Z', account_id: 'A', contact_id: 'C', lead_id: 'L' },
        { occurred_at: '2026-03-08T01:00:00.000Z', account_id: 'A', opportunity_id: 'O', lead_id: 'L' },
        { occurred_at: '2026-03-12T01:00:00.000Z', account_id: 'A', opportunity_id: 'O2' },
      ],
      now,
    );
    expect([...f.latest.account]).toEqual([['A', '2026-03-09T01:00:00.000Z']]);
    expect([...f.latest.contact]).toEqual([['C', '2026-03-09T01:00:00.000Z']]);
    expect([...f.latest.opportunity]).toEqual([['O', '2026-03-08T01:00:00.000Z']]);
    expect(f.leads).toHaveLength(2);
  });

  it('knows when an update moves follow-ups', () => {
    const a = { occurred_at: '2026-03-09T01:00:00.000Z', account_id: 'A' };
    expect(movesFollowUps(a, { ...a, subject: 'new' })).toBe(false);
    expect(movesFollowUps(a, { ...a, occurred_at: '2026-03-09T02:00:00.000Z' })).toBe(true);
    expect(movesFollowUps(a, { ...a, contact_id: 'C' })).toBe(true);
  });

  it('keeps completed_at in step with status', () => {
    const t = '2026-03-10T08:00:00.000Z';
    expect(completedAtFor(undefined, { status: 'open' }, t)).toBeNull();
    expect(completedAtFor(undefined, { status: 'done' }, t)).toBe(t);
    expect(completedAtFor({ status: 'open' }, { status: 'done' }, t)).toBe(t);
    expect(completedAtFor({ status: 'done', completed_at: 'x' }, { status: 'done' }, t)).toBeUndefined();
    expect(completedAtFor({ status: 'done', completed_at: 'x' }, { status: 'open' }, t)).toBeNull();
  });

  it('round-trips the timeline cursor and refuses junk', () => {
    const c = encodeTimelineCursor('2026-03-10T08:00:00.123456Z', '0190a0b0-0000-7000-8000-000000000001');
    expect(decodeTimelineCursor(c)).toEqual({
      at: '2026-03-10T08:00:00.123456Z',
      id: '0190a0b0-0000-7000-8000-000000000001',
    });
    expect(decodeTimelineCursor('not-a-cursor')).toBeNull();
    expect(decodeTimelineCursor(Buffer.from('["x","y"]').toString('base64url'))).toBeNull();
  });
});
