import { describe, expect, it } from 'vitest';
import type { FieldMeta, RecordData } from '../api/types';
import {
  defaultPicks,
  duplicateProbe,
  firstVisibleHit,
  canQualify,
  leadActions,
  qualificationOf,
  mergeRows,
  parseReasonJson,
  ruleOfReason,
  runBulk,
  statusCounts,
  summarizeBulk,
  takeFromMerged,
  timelineEntries,
  type LeadActionInput,
} from './lead-logic';
import type { DuplicateHit } from './leads-api';

const base: LeadActionInput = {
  status: 'unassigned',
  ownerId: null,
  poolId: 'p1',
  poolVisibility: 'members_claim',
  meId: 'me',
  isAdmin: false,
  poolRole: 'member',
  canConvert: true,
};

describe('leadActions', () => {
  it('lets a member claim an unassigned pool lead, nothing else', () => {
    expect(leadActions(base)).toEqual({
      claim: true,
      assign: false,
      giveBack: false,
      transfer: false,
      invalidate: false,
      convert: false,
      void: false,
      revive: false,
    });
  });
  it('lets pool admins void spam, owners revive invalid leads, and only tenant admins revive voided ones', () => {
    expect(leadActions({ ...base, poolRole: 'admin' }).void).toBe(true);
    expect(leadActions({ ...base, status: 'pending', ownerId: 'me', poolRole: null }).void).toBe(false);
    expect(leadActions({ ...base, status: 'invalid', ownerId: 'me', poolRole: null }).revive).toBe(true);
    expect(leadActions({ ...base, status: 'voided', poolRole: 'admin' }).revive).toBe(false);
    expect(leadActions({ ...base, status: 'voided', isAdmin: true }).revive).toBe(true);
  });
  it('refuses member claims in an admin_assign pool and outside pools', () => {
    expect(leadActions({ ...base, poolVisibility: 'admin_assign' }).claim).toBe(false);
    expect(leadActions({ ...base, poolId: null }).claim).toBe(false);
    expect(leadActions({ ...base, poolRole: null }).claim).toBe(false);
    expect(leadActions({ ...base, poolRole: 'admin', poolVisibility: 'admin_assign' }).claim).toBe(true);
  });
  it('gives the owner return, invalidate and convert on an open lead', () => {
    const a = leadActions({ ...base, status: 'pending', ownerId: 'me', poolRole: null });
    expect(a).toMatchObject({ claim: false, assign: false, giveBack: true, invalidate: true, convert: true });
    expect(leadActions({ ...base, status: 'pending', ownerId: 'me', canConvert: false }).convert).toBe(false);
  });
  it('lets pool admins assign and transfer; closed leads allow nothing', () => {
    const admin = leadActions({ ...base, status: 'pending', ownerId: 'x', poolRole: 'admin' });
    expect(admin).toMatchObject({ assign: true, transfer: true, invalidate: true, giveBack: false });
    const converted = leadActions({ ...base, status: 'converted', ownerId: 'me', isAdmin: true });
    // converted leads allow nothing
    expect(Object.values(converted).some(Boolean)).toBe(false);
    const invalid = leadActions({ ...base, status: 'invalid', ownerId: 'me', isAdmin: true });
    expect(invalid).toMatchObject({
      assign: true,
      transfer: false,
      invalidate: false,
      convert: false,
      revive: true,
    });
  });
});

describe('timelineEntries', () => {
  it('merges touches and events newest first', () => {
    const e = timelineEntries({
      touches: [
        { id: 't2', at: '2026-11-27T03:00:00Z', channel: 'web_form', campaign_id: null, attribution: null },
        { id: 't1', at: '2026-11-27T01:00:00Z', channel: 'api', campaign_id: null, attribution: null },
      ],
      events: [
        {
          id: 'e1',
          at: '2026-11-27T01:00:00Z',
          kind: 'assigned',
          reason: 'rule:east',
          from_owner: null,
          to_owner: 'u',
          from_pool: null,
          to_pool: null,
          actor_name: null,
        },
      ],
    });
    expect(e.map((x) => (x.kind === 'touch' ? x.touch.id : x.event.id))).toEqual(['t2', 'e1', 't1']);
  });
});

describe('reasons', () => {
  it('reads rule ids and JSON reasons', () => {
    expect(ruleOfReason('rule:east')).toBe('east');
    expect(ruleOfReason('created')).toBeNull();
    expect(parseReasonJson('{"account_id":"a","contact_id":"c"}')).toEqual({
      account_id: 'a',
      contact_id: 'c',
    });
    expect(parseReasonJson('联系不上')).toBeNull();
    expect(parseReasonJson('{broken')).toBeNull();
  });
});

describe('bulk', () => {
  it('summarises successes and groups failures by message', async () => {
    const progress: number[] = [];
    const out = await runBulk(
      ['a', 'b', 'c', 'd'],
      async (id) => {
        if (id === 'c' || id === 'd') throw new Error('cap 5');
      },
      (err) => (err instanceof Error ? err.message : ''),
      (n) => progress.push(n),
    );
    expect(progress).toEqual([1, 2, 3, 4]);
    expect(summarizeBulk(out)).toEqual({ ok: 2, failed: 2, reasons: [{ message: 'cap 5', count: 2 }] });
  });
});

const f = (api_name: string, extra: Partial<FieldMeta> = {}): FieldMeta => ({
  api_name,
  type: 'text',
  label: { 'zh-CN': api_name },
  required: false,
  unique: false,
  is_custom: false,
  system: false,
  read_only: false,
  ...extra,
});

describe('merge', () => {
  const fields = [
    f('name'),
    f('mobile'),
    f('email'),
    f('title'),
    f('score', { read_only: true }),
    f('created_at', { system: true, read_only: true }),
    f('owner_id', { system: true, type: 'user' }),
  ];
  const survivor: RecordData = {
    id: 's',
    version: 1,
    name: '王磊',
    mobile: null,
    email: 'a@x.cn',
    title: '总监',
    score: 5,
    owner_id: 'u1',
  };
  const merged: RecordData = {
    id: 'm',
    version: 1,
    name: '王磊',
    mobile: '+86138',
    email: 'b@x.cn',
    title: null,
    score: 9,
    owner_id: 'u2',
  };
  it('lists writable fields with a value on either side', () => {
    const rows = mergeRows(fields, survivor, merged);
    expect(rows.map((r) => r.field.api_name)).toEqual(['name', 'mobile', 'email', 'title', 'owner_id']);
    expect(rows[0]?.same).toBe(true);
  });
  it('defaults to the survivor unless it is empty, and sends only differing merged picks', () => {
    const rows = mergeRows(fields, survivor, merged);
    const picks = defaultPicks(rows);
    expect(picks).toMatchObject({ name: 'survivor', mobile: 'merged', email: 'survivor', title: 'survivor' });
    expect(takeFromMerged(rows, { ...picks, email: 'merged', title: 'merged', name: 'merged' })).toEqual([
      'mobile',
      'email',
    ]);
  });
});

describe('conversion helpers', () => {
  const hit = (object: DuplicateHit['object'], visible: boolean, id: string): DuplicateHit => ({
    object,
    id,
    name: visible ? 'x' : '',
    visible,
    owner_id: null,
    owner_name: null,
    status: null,
    matched: ['company'],
    similarity: 1,
    rule: 'company',
    onCapture: 'review',
  });
  it('pre-fills only visible hits of the right object', () => {
    const hits = [hit('account', false, 'a1'), hit('account', true, 'a2'), hit('contact', true, 'c1')];
    expect(firstVisibleHit(hits, 'account')?.id).toBe('a2');
    expect(firstVisibleHit(hits, 'lead')).toBeNull();
  });
  it('probes with the values the lead has', () => {
    expect(duplicateProbe({ id: 'l', version: 1, mobile: '+86138', email: null, company: 'ACME' })).toEqual({
      mobile: '+86138',
      company: 'ACME',
    });
  });
  it('counts statuses', () => {
    expect(
      statusCounts([
        { value: 'pending', count: 3 },
        { value: 'converted', count: 1 },
        { value: null, count: 2 },
      ]),
    ).toEqual({
      total: 6,
      pending: 3,
      converted: 1,
    });
  });
});

describe('qualification', () => {
  it('reads the level and offers the quick choice only on leads still being worked', () => {
    expect(qualificationOf('mql')).toBe('mql');
    expect(qualificationOf('sql')).toBe('sql');
    expect(qualificationOf('hot')).toBeNull();
    expect(qualificationOf(null)).toBeNull();
    expect(canQualify('pending', true, false)).toBe(true);
    expect(canQualify('in_progress', true, false)).toBe(true);
    expect(canQualify('pending', false, false)).toBe(false);
    for (const s of ['converted', 'voided', 'invalid']) expect(canQualify(s, true, true)).toBe(false);
    // pool members read unassigned leads but may not edit them
    expect(canQualify('unassigned', true, false)).toBe(false);
    expect(canQualify('unassigned', true, true)).toBe(true);
  });
});
