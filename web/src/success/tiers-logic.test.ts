import { describe, expect, it } from 'vitest';
import type { TierSettings } from './tiers-api';
import {
  blankTier,
  formPathOf,
  formToSettings,
  parseTouchQuery,
  periodLabel,
  rateTone,
  settingsToForm,
  touchSearch,
} from './tiers-logic';

const settings: TierSettings = {
  tiers: [
    {
      key: 'A',
      label: '战略客户',
      match: 'any',
      min_arr_fen: 30_000_000,
      grades: ['A'],
      industries: [],
      call_every_days: 14,
      visit_every_days: 90,
      team: { user_ids: ['u1', 'u2'], department_id: null },
    },
    {
      key: 'C',
      label: null,
      match: 'all',
      min_arr_fen: null,
      grades: [],
      industries: [],
      call_every_days: 60,
      visit_every_days: null,
      team: { user_ids: [], department_id: 'd1' },
    },
  ],
  touch_types: { call: ['call', 'visit'], visit: ['visit'] },
};

describe('tier settings form', () => {
  it('shows ARR in yuan and the team as one choice, and gives back what it got', () => {
    const f = settingsToForm(settings);
    expect(f.tiers[0]).toMatchObject({ min_arr_yuan: 300_000, team_mode: 'users', label: '战略客户' });
    expect(f.tiers[1]).toMatchObject({ min_arr_yuan: null, team_mode: 'department', label: '' });
    expect(formToSettings(f)).toEqual(settings);
  });

  it('drops the team parts the mode does not use; empty numbers are none', () => {
    const f = settingsToForm(settings);
    const t = f.tiers[0];
    if (!t) throw new Error('no tier');
    f.tiers[0] = { ...t, team_mode: 'all', visit_every_days: null, min_arr_yuan: 12.345, label: '  ' };
    expect(formToSettings(f).tiers?.[0]).toMatchObject({
      label: null,
      min_arr_fen: 1235,
      visit_every_days: null,
      team: { user_ids: [], department_id: null },
    });
    expect(blankTier(['A', 'B']).key).toBe('C');
  });

  it('puts server issues on their inputs', () => {
    expect(formPathOf('tiers[1].min_arr_fen')).toEqual(['tiers', 1, 'min_arr_yuan']);
    expect(formPathOf('tiers[0].team.user_ids[2]')).toEqual(['tiers', 0, 'user_ids']);
    expect(formPathOf('tiers[0].team.department_id')).toEqual(['tiers', 0, 'department_id']);
    expect(formPathOf('tiers[3].call_every_days')).toEqual(['tiers', 3, 'call_every_days']);
    expect(formPathOf('tiers[0].grades[1]')).toEqual(['tiers', 0, 'grades']);
    expect(formPathOf('touch_types.call[0]')).toEqual(['touch_types', 'call']);
    expect(formPathOf('tiers[2]')).toBeNull();
    expect(formPathOf('body')).toBeNull();
  });
});

describe('touch-rate page state', () => {
  it('reads the URL with defaults and writes only what differs', () => {
    const q = parseTouchQuery(
      new URLSearchParams('period=year&csm=me&kind=visit&as_of=2026-02-30x'),
      '2026-03-18',
    );
    expect(q).toEqual({ asOf: '2026-03-18', period: 'month', csm: null, kind: 'visit' });
    expect(touchSearch(q, '2026-03-18')).toEqual({ kind: 'visit' });
    expect(touchSearch({ ...q, asOf: '2026-03-01', period: 'week', kind: null }, '2026-03-18')).toEqual({
      as_of: '2026-03-01',
      period: 'week',
    });
  });

  it('names trend points', () => {
    expect(periodLabel('month', '2026-03-01')).toBe('2026-03');
    expect(periodLabel('quarter', '2026-07-01')).toBe('2026 Q3');
    expect(periodLabel('week', '2026-03-16')).toBe('03-16');
  });

  it('colours rates: on track, watch, behind', () => {
    expect([rateTone(90), rateTone(85), rateTone(70), rateTone(10), rateTone(null)]).toEqual([
      'success',
      'success',
      'warning',
      'error',
      'default',
    ]);
  });
});
