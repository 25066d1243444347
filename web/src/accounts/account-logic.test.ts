import { describe, expect, it } from 'vitest';
import {
  accountActions,
  buildOrgTree,
  conditionValueText,
  daysAgo,
  holdingPercent,
  parseConditionValue,
  runMoves,
  settingsErrorPath,
  summarizeClaims,
  type OrgContact,
  type OrgTreeNode,
} from './account-logic';

const c = (id: string, reportsTo: string | null = null): OrgContact => ({
  id,
  name: id,
  title: null,
  role: null,
  reportsTo,
  isKeyUser: false,
});

/** The tree as nested ids, e.g. ["A", ["B", "C"]], with flags. */
const shape = (nodes: OrgTreeNode[]): unknown[] =>
  nodes.map((n) => ({
    id: n.id,
    ...(n.managerMissing ? { missing: true } : {}),
    ...(n.inCycle ? { cycle: true } : {}),
    ...(n.reports.length ? { reports: shape(n.reports) } : {}),
  }));

describe('buildOrgTree', () => {
  it('nests by reports_to, children by name', () => {
    const tree = buildOrgTree([c('C', 'A'), c('B', 'A'), c('A'), c('D', 'B')]);
    expect(shape(tree)).toEqual([{ id: 'A', reports: [{ id: 'B', reports: [{ id: 'D' }] }, { id: 'C' }] }]);
  });

  it('makes a contact whose manager is not listed a marked root', () => {
    const tree = buildOrgTree([c('B', 'gone'), c('A')]);
    expect(shape(tree)).toEqual([{ id: 'A' }, { id: 'B', missing: true }]);
  });

  it('treats reporting to oneself as no manager', () => {
    expect(shape(buildOrgTree([c('A', 'A')]))).toEqual([{ id: 'A' }]);
  });

  it('cuts a loop at its first member by name and keeps everyone once', () => {
    const tree = buildOrgTree([c('C', 'B'), c('B', 'A'), c('A', 'C'), c('X', 'B'), c('R')]);
    expect(shape(tree)).toEqual([
      { id: 'R' },
      // C reports to B, B to A, A to C: cut at A, so B under A and C, X under B
      { id: 'A', cycle: true, reports: [{ id: 'B', reports: [{ id: 'C' }, { id: 'X' }] }] },
    ]);
    const ids: string[] = [];
    const walk = (ns: OrgTreeNode[]) => ns.forEach((n) => (ids.push(n.id), walk(n.reports)));
    walk(tree);
    expect(ids.sort()).toEqual(['A', 'B', 'C', 'R', 'X']);
  });

  it('does not depend on the order of the list', () => {
    const list = [c('B', 'A'), c('A', 'B'), c('Z', 'A')];
    expect(shape(buildOrgTree(list))).toEqual(shape(buildOrgTree([...list].reverse())));
  });

  it('is empty for no contacts', () => {
    expect(buildOrgTree([])).toEqual([]);
  });
});

describe('summarizeClaims', () => {
  it('counts successes and groups refusals by code, most frequent first', () => {
    const s = summarizeClaims([
      { id: '1', ok: true },
      { id: '2', ok: false, code: 'account_reclaim_cooldown', message: '2026-12-01 之后才能再次领取' },
      { id: '3', ok: false, code: 'account_limit_reached', message: '已达到上限（2 个）' },
      { id: '4', ok: false, code: 'account_limit_reached', message: '已达到上限（2 个）' },
      { id: '5', ok: false, code: 'account_reclaim_cooldown', message: '2026-12-03 之后才能再次领取' },
      { id: '6', ok: false, code: 'account_limit_reached', message: '已达到上限（2 个）' },
    ]);
    expect(s.ok).toBe(1);
    expect(s.failed).toBe(5);
    expect(s.groups).toEqual([
      { code: 'account_limit_reached', count: 3, messages: ['已达到上限（2 个）'] },
      {
        code: 'account_reclaim_cooldown',
        count: 2,
        messages: ['2026-12-01 之后才能再次领取', '2026-12-03 之后才能再次领取'],
      },
    ]);
  });

  it('has no groups when all went through', () => {
    expect(summarizeClaims([{ id: '1', ok: true }])).toEqual({ ok: 1, failed: 0, groups: [] });
  });
});

describe('daysAgo', () => {
  const asOf = new Date('2026-11-27T16:30:00Z'); // 2026-11-28 00:30 in Shanghai

  it('counts calendar days in the tenant zone, not 24-hour spans', () => {
    expect(daysAgo('2026-11-27T15:50:00Z', asOf, 'Asia/Shanghai')).toBe(1); // 23:50 yesterday
    expect(daysAgo('2026-11-27T16:10:00Z', asOf, 'Asia/Shanghai')).toBe(0);
    expect(daysAgo('2026-11-27T15:50:00Z', asOf, 'UTC')).toBe(0);
    expect(daysAgo('2026-11-18T04:00:00Z', asOf, 'Asia/Shanghai')).toBe(10);
  });

  it('is null without a date and never negative', () => {
    expect(daysAgo(null, asOf, 'Asia/Shanghai')).toBeNull();
    expect(daysAgo('not a date', asOf, 'Asia/Shanghai')).toBeNull();
    expect(daysAgo('2026-11-29T04:00:00Z', asOf, 'Asia/Shanghai')).toBe(0);
  });
});

describe('accountActions', () => {
  const base = {
    state: 'pool',
    ownerId: null,
    meId: 'me',
    isAdmin: false,
    poolRole: 'member' as const,
    poolVisibility: 'members_claim',
  };

  it('lets pool members claim unless only admins assign', () => {
    expect(accountActions(base).claim).toBe(true);
    expect(accountActions({ ...base, poolVisibility: 'admin_assign' }).claim).toBe(false);
    expect(accountActions({ ...base, poolRole: null }).claim).toBe(false);
    expect(accountActions({ ...base, poolRole: null, isAdmin: true }).claim).toBe(true);
  });

  it('lets the owner return, admins assign and transfer, not transfer a won account', () => {
    const owned = { ...base, state: 'owned', ownerId: 'me', poolRole: null };
    expect(accountActions(owned)).toEqual({
      claim: false,
      return: true,
      assign: false,
      transfer: false,
      editTeam: true,
    });
    expect(accountActions({ ...owned, ownerId: 'other' }).return).toBe(false);
    const admin = { ...owned, ownerId: 'other', poolRole: 'admin' as const };
    expect(accountActions(admin)).toMatchObject({
      return: true,
      assign: true,
      transfer: true,
      editTeam: false,
    });
    expect(accountActions({ ...admin, state: 'won' })).toMatchObject({ return: false, transfer: false });
  });
});

describe('grade rule values', () => {
  it('parses by operator', () => {
    expect(parseConditionValue('in', 'A, B，C ,')).toEqual(['A', 'B', 'C']);
    expect(parseConditionValue('gte', ' 500 ')).toBe(500);
    expect(parseConditionValue('gte', 'abc')).toBe('abc');
    expect(parseConditionValue('eq', ' 制造业 ')).toBe('制造业');
    expect(parseConditionValue('is_set', 'x')).toBeUndefined();
  });

  it('shows stored values as text', () => {
    expect(conditionValueText(['A', 'B'])).toBe('A, B');
    expect(conditionValueText(100)).toBe('100');
    expect(conditionValueText(undefined)).toBe('');
  });
});

describe('holdingPercent', () => {
  it('is capped at 100', () => {
    expect(holdingPercent(1, 4)).toBe(25);
    expect(holdingPercent(9, 4)).toBe(100);
    expect(holdingPercent(0, 0)).toBe(100);
  });
});

describe('runMoves', () => {
  it('runs every id, keeps the refusal code and reports progress', async () => {
    const seen: number[] = [];
    const out = await runMoves(
      ['a', 'b'],
      async (id) => {
        if (id === 'b') throw new Error('no');
      },
      () => ({ code: 'account_limit_reached', message: 'limit' }),
      (n) => seen.push(n),
    );
    expect(out).toEqual([
      { id: 'a', ok: true },
      { id: 'b', ok: false, code: 'account_limit_reached', message: 'limit' },
    ]);
    expect(seen).toEqual([1, 2]);
  });
});

describe('settingsErrorPath', () => {
  it('maps server paths to form paths', () => {
    expect(settingsErrorPath('gradeRules.0.conditions.1.field')).toEqual([
      'gradeRules',
      0,
      'conditions',
      1,
      'field',
    ]);
    expect(settingsErrorPath('protection.hardLimitDays')).toEqual(['protection', 'hardLimitDays']);
    expect(settingsErrorPath('returnReasons.3')).toEqual(['returnReasons']);
    expect(settingsErrorPath('holdingLimit')).toEqual(['holdingLimit']);
  });
});
