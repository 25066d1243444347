import { describe, expect, it } from 'vitest';
import {
  DEFAULT_LIGHT_ESCALATION,
  DEFAULT_LIGHT_ROUTING,
  arrBand,
  escalateTo,
  escalationDue,
  escalationOf,
  limitDays,
  meanHours,
  nextPriority,
  routeLight,
  routingOf,
  type EscalationInput,
} from '../lights.rules.ts';

const people = {
  byRole: { rd_head: 'rd', product_head: null, cs_director: 'dir' },
  ownerManager: 'mgr',
  csm: 'csm',
  admin: 'adm',
};

describe('routeLight', () => {
  it('sends each reason to its default target', () => {
    expect(routeLight(DEFAULT_LIGHT_ROUTING, 'bug_instability', people)).toEqual({
      userId: 'rd',
      via: 'role',
    });
    expect(routeLight(DEFAULT_LIGHT_ROUTING, 'key_person_left', people)).toEqual({
      userId: 'mgr',
      via: 'owner_manager',
    });
    expect(routeLight(DEFAULT_LIGHT_ROUTING, 'price_budget', people)).toEqual({ userId: 'dir', via: 'role' });
  });

  it('falls back to the CS director, then the CSM, then an admin', () => {
    // product_head has nobody, delivery_head is not even a role here
    expect(routeLight(DEFAULT_LIGHT_ROUTING, 'product_gap', people)).toEqual({
      userId: 'dir',
      via: 'cs_director',
    });
    expect(routeLight(DEFAULT_LIGHT_ROUTING, 'delivery_delayed', people).userId).toBe('dir');
    const noDir = { ...people, byRole: {}, ownerManager: null };
    expect(routeLight(DEFAULT_LIGHT_ROUTING, 'key_person_left', noDir)).toEqual({
      userId: 'csm',
      via: 'csm',
    });
    expect(routeLight(DEFAULT_LIGHT_ROUTING, 'other', { ...noDir, csm: null })).toEqual({
      userId: 'adm',
      via: 'admin',
    });
    expect(routeLight(DEFAULT_LIGHT_ROUTING, 'other', { ...noDir, csm: null, admin: null })).toEqual({
      userId: null,
      via: 'nobody',
    });
  });

  it('reads tenant routing over the defaults, ignoring a bad stored table', () => {
    const r = routingOf({ competitor: { role: 'sales_manager' } });
    expect(r.competitor).toEqual({ role: 'sales_manager' });
    expect(r.bug_instability).toEqual({ role: 'rd_head' });
    expect(routingOf({ competitor: { role: 'BAD KEY' } })).toEqual(DEFAULT_LIGHT_ROUTING);
    expect(routingOf('x')).toEqual(DEFAULT_LIGHT_ROUTING);
  });
});

const base: EscalationInput = {
  status: 'open',
  level: 0,
  grade: 'A',
  openedOn: '2026-03-02',
  escalatedOn: null,
  renewalDue: null,
  asOf: '2026-03-02',
};

describe('escalationDue', () => {
  const esc = DEFAULT_LIGHT_ESCALATION;
  it('limits by grade: A 2, B 5, C 10, others 10 days', () => {
    expect(limitDays(esc, 'A')).toBe(2);
    expect(limitDays(esc, 'B')).toBe(5);
    expect(limitDays(esc, 'C')).toBe(10);
    expect(limitDays(esc, 'D')).toBe(10);
    expect(limitDays(esc, null)).toBe(10);
    expect(limitDays(escalationOf({ days: { A: 1 } }), 'A')).toBe(1);
    expect(limitDays(escalationOf({ days: { A: 1 } }), 'B')).toBe(5);
  });

  it('escalates a grade A light after 2 days, a C light only after 10', () => {
    expect(escalationDue(esc, { ...base, asOf: '2026-03-03' })).toBeNull();
    expect(escalationDue(esc, { ...base, asOf: '2026-03-04' })).toBe('age');
    expect(escalationDue(esc, { ...base, grade: 'C', asOf: '2026-03-11' })).toBeNull();
    expect(escalationDue(esc, { ...base, grade: 'C', asOf: '2026-03-12' })).toBe('age');
  });

  it('counts the next period from the last escalation, once a day, up to level 3', () => {
    const after = { ...base, level: 1, escalatedOn: '2026-03-04' };
    expect(escalationDue(esc, { ...after, asOf: '2026-03-04' })).toBeNull();
    expect(escalationDue(esc, { ...after, asOf: '2026-03-05' })).toBeNull();
    expect(escalationDue(esc, { ...after, asOf: '2026-03-06' })).toBe('age');
    expect(escalationDue(esc, { ...after, level: 3, asOf: '2026-04-30' })).toBeNull();
  });

  it('escalates at once with a due renewal within 60 days (or overdue), only from level 0', () => {
    const c = { ...base, grade: 'C' };
    expect(escalationDue(esc, { ...c, renewalDue: '2026-05-01' })).toBe('renewal'); // 60 days ahead
    expect(escalationDue(esc, { ...c, renewalDue: '2026-05-02' })).toBeNull(); // 61 days
    expect(escalationDue(esc, { ...c, renewalDue: '2026-01-15' })).toBe('renewal'); // overdue
    expect(
      escalationDue(esc, { ...c, level: 1, escalatedOn: '2026-03-01', renewalDue: '2026-04-01' }),
    ).toBeNull();
  });

  it('leaves resolved and closed lights alone', () => {
    expect(escalationDue(esc, { ...base, status: 'resolved', asOf: '2026-04-01' })).toBeNull();
    expect(escalationDue(esc, { ...base, status: 'closed', asOf: '2026-04-01' })).toBeNull();
    expect(escalationDue(esc, { ...base, status: 'action_plan', asOf: '2026-03-04' })).toBe('age');
  });
});

describe('priority and who takes over', () => {
  it('steps normal → high → urgent', () => {
    expect(nextPriority('normal')).toBe('high');
    expect(nextPriority('high')).toBe('urgent');
    expect(nextPriority('urgent')).toBe('urgent');
  });
  it('moves up to the manager, the CS director, an admin — never to the same person', () => {
    expect(escalateTo('rd', { manager: 'm', csDirector: 'd', admin: 'a' })).toBe('m');
    expect(escalateTo('rd', { manager: null, csDirector: 'd', admin: 'a' })).toBe('d');
    expect(escalateTo('d', { manager: null, csDirector: 'd', admin: 'a' })).toBe('a');
    expect(escalateTo('a', { manager: null, csDirector: null, admin: 'a' })).toBe('a');
  });
});

describe('report helpers', () => {
  it('bands ARR by the value tiers and averages hours', () => {
    const tiers = { large: 50_000_000, mid: 10_000_000 };
    expect(arrBand(50_000_000, tiers)).toBe('large');
    expect(arrBand(49_999_999, tiers)).toBe('mid');
    expect(arrBand(9_999_999, tiers)).toBe('small');
    expect(arrBand(0, tiers)).toBe('none');
    expect(meanHours([24, 48, 1])).toBe(24.3);
    expect(meanHours([])).toBeNull();
  });
});
