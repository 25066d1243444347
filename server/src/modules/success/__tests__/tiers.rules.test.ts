import { describe, expect, it } from 'vitest';
import {
  DEFAULT_TIER_SETTINGS,
  assignmentReason,
  customerTouch,
  nextInRotation,
  periodOf,
  requiredTouches,
  rotate,
  tierOf,
  tierSettingsIssues,
  tierSettingsOf,
  tierSettingsSchema,
  touchRate,
  touchRateBy,
  touchStatus,
  trendPoints,
  type TierRule,
} from '../tiers.rules.ts';

const [A, B, C] = DEFAULT_TIER_SETTINGS.tiers as [TierRule, TierRule, TierRule];
const tiers = DEFAULT_TIER_SETTINGS.tiers;
const cust = (arrYuan: number, grade: string | null = null, industry: string | null = null) => ({
  arrFen: arrYuan * 100,
  grade,
  industry,
});

describe('tier rules', () => {
  it('seeds A 14/90, B 30/180, C 60/none', () => {
    expect(tiers.map((t) => [t.key, t.call_every_days, t.visit_every_days])).toEqual([
      ['A', 14, 90],
      ['B', 30, 180],
      ['C', 60, null],
    ]);
    expect(tierSettingsSchema.safeParse(DEFAULT_TIER_SETTINGS).success).toBe(true);
    expect(requiredTouches(C)).toEqual([{ kind: 'call', everyDays: 60 }]);
  });

  it('takes the first tier that matches, in order (A: grade A or ARR ≥ ¥300,000)', () => {
    expect(tierOf(tiers, cust(300_000))?.key).toBe('A');
    expect(tierOf(tiers, cust(299_999.99))?.key).toBe('B');
    expect(tierOf(tiers, cust(5_000, 'A'))?.key).toBe('A');
    expect(tierOf(tiers, cust(100_000, 'C'))?.key).toBe('B');
    expect(tierOf(tiers, cust(20_000, 'B'))?.key).toBe('B');
    expect(tierOf(tiers, cust(20_000, 'D'))?.key).toBe('C');
    expect(tierOf(tiers, cust(0))?.key).toBe('C');
  });

  it("'all' needs every set condition, industries compare case- and width-insensitively", () => {
    const fin: TierRule = {
      ...A,
      key: 'FIN',
      match: 'all',
      min_arr_fen: 5_000_000,
      grades: ['A', 'B'],
      industries: ['金融', 'Banking'],
    };
    expect(tierOf([fin], cust(50_000, 'B', ' banking '))?.key).toBe('FIN');
    expect(tierOf([fin], cust(50_000, 'B', 'ＢＡＮＫＩＮＧ'))?.key).toBe('FIN');
    expect(tierOf([fin], cust(50_000, 'B', '金融'))?.key).toBe('FIN');
    expect(tierOf([fin], cust(49_999, 'B', '金融'))).toBeNull();
    expect(tierOf([fin], cust(50_000, 'C', '金融'))).toBeNull();
    expect(tierOf([fin], cust(50_000, 'A', null))).toBeNull();
    expect(tierOf([{ ...fin, match: 'any' }], cust(0, null, '金融'))?.key).toBe('FIN');
    expect(tierOf([{ ...fin, match: 'any' }], cust(0, 'D', '制造'))).toBeNull();
  });

  it('names repeated keys and tiers behind a catch-all', () => {
    const s = { ...DEFAULT_TIER_SETTINGS, tiers: [A, { ...C }, { ...B, key: 'A' }] };
    expect(tierSettingsIssues(s)).toEqual([
      { field: 'tiers[2].key', issue: 'duplicate_tier_key' },
      { field: 'tiers[2]', issue: 'tier_unreachable', params: { key: 'C' } },
    ]);
    expect(tierSettingsIssues(DEFAULT_TIER_SETTINGS)).toEqual([]);
  });

  it('reads stored settings over the defaults; a bad stored value gives the defaults', () => {
    const mine = tierSettingsOf({ tiers: [{ ...C, label: '  标准  ', grades: ['A', 'A', ' '] }] });
    expect(mine.tiers).toHaveLength(1);
    expect(mine.tiers[0]?.label).toBe('标准');
    expect(mine.touch_types).toEqual(DEFAULT_TIER_SETTINGS.touch_types);
    expect(tierSettingsOf({ tiers: [{ key: 'x y' }] })).toEqual(DEFAULT_TIER_SETTINGS);
    expect(tierSettingsOf(null)).toEqual(DEFAULT_TIER_SETTINGS);
  });
});

describe('cadence', () => {
  it('a call every 14 days: on time through the due day, 1 day overdue the day after', () => {
    expect(touchStatus('call', 14, '2026-03-01', '2025-01-01', '2026-03-15')).toEqual({
      kind: 'call',
      every_days: 14,
      last_touch_on: '2026-03-01',
      due_on: '2026-03-15',
      on_cadence: true,
      days_overdue: 0,
    });
    expect(touchStatus('call', 14, '2026-03-01', '2025-01-01', '2026-03-16')).toMatchObject({
      on_cadence: false,
      days_overdue: 1,
    });
    expect(touchStatus('call', 14, '2026-03-01', '2025-01-01', '2026-04-15').days_overdue).toBe(31);
  });

  it('counts from the tier start when the customer was never touched or touched before it', () => {
    expect(touchStatus('visit', 90, null, '2026-01-01', '2026-03-31')).toMatchObject({
      due_on: '2026-04-01',
      on_cadence: true,
    });
    expect(touchStatus('visit', 90, null, '2026-01-01', '2026-04-03')).toMatchObject({
      last_touch_on: null,
      days_overdue: 2,
    });
    // moved up to A on 1 Mar after a call on 1 Feb: one cadence from the move
    expect(touchStatus('call', 14, '2026-02-01', '2026-03-01', '2026-03-10').on_cadence).toBe(true);
  });

  it('is on cadence only when every required touch is', () => {
    const ok = customerTouch(A, { call: '2026-03-10', visit: '2026-01-15' }, '2025-06-01', '2026-03-20');
    expect(ok).toMatchObject({ due: true, on_cadence: true });
    const noVisit = customerTouch(A, { call: '2026-03-10', visit: null }, '2025-06-01', '2026-03-20');
    expect(noVisit.on_cadence).toBe(false);
    expect(noVisit.touches.map((t) => [t.kind, t.on_cadence])).toEqual([
      ['call', true],
      ['visit', false],
    ]);
    // C needs no visit: an old visit does not matter
    expect(customerTouch(C, { call: '2026-02-01' }, '2025-06-01', '2026-03-20').on_cadence).toBe(true);
    const none = customerTouch({ ...C, call_every_days: null }, {}, '2025-06-01', '2026-03-20');
    expect(none).toEqual({ touches: [], due: false, on_cadence: true });
  });
});

describe('touch rate', () => {
  it('is touched ÷ due with one decimal, leaving out customers with nothing due', () => {
    const rows = [
      { due: true, on_cadence: true },
      { due: true, on_cadence: false },
      { due: true, on_cadence: true },
      { due: false, on_cadence: true },
    ];
    expect(touchRate(rows)).toEqual({ due: 3, touched: 2, rate: 66.7 });
    expect(touchRate([])).toEqual({ due: 0, touched: 0, rate: null });
    const eighths = Array.from({ length: 8 }, (_, i) => ({ due: true, on_cadence: i === 0 }));
    expect(touchRate(eighths).rate).toBe(12.5);
  });

  it('groups per CSM (null: no CSM)', () => {
    const rows = [
      { due: true, on_cadence: true },
      { due: true, on_cadence: false },
      { due: true, on_cadence: false },
    ];
    const csm = ['u1', 'u1', null];
    const by = touchRateBy(rows, (i) => csm[i] ?? null);
    expect(by.get('u1')).toEqual({ due: 2, touched: 1, rate: 50 });
    expect(by.get(null)).toEqual({ due: 1, touched: 0, rate: 0 });
  });
});

describe('round robin', () => {
  it('goes round the team in id order from the last pick, wrapping', () => {
    expect(nextInRotation(['c', 'a', 'b'], null)).toBe('a');
    expect(nextInRotation(['c', 'a', 'b'], 'a')).toBe('b');
    expect(nextInRotation(['c', 'a', 'b'], 'c')).toBe('a');
    expect(nextInRotation([], 'a')).toBeNull();
    expect(rotate(['c', 'a', 'b'], 'b', 5)).toEqual({ picks: ['c', 'a', 'b', 'c', 'a'], last: 'a' });
    expect(rotate([], 'b', 2)).toEqual({ picks: [], last: 'b' });
  });

  it('stays balanced when the last member left the team', () => {
    // b left: the turn goes on to the one after b, not back to the start
    expect(nextInRotation(['a', 'c', 'd'], 'b')).toBe('c');
    const { picks } = rotate(['a', 'c', 'd'], 'b', 6);
    expect(picks.filter((p) => p === 'a').length).toBe(2);
    expect(picks.filter((p) => p === 'c').length).toBe(2);
    expect(picks.filter((p) => p === 'd').length).toBe(2);
  });

  it('assigns only without an active CSM', () => {
    expect(assignmentReason(null, false)).toBe('no_csm');
    expect(assignmentReason('u', false)).toBe('csm_inactive');
    expect(assignmentReason('u', true)).toBeNull();
  });
});

describe('periods', () => {
  it('finds the week, month and quarter of a day', () => {
    expect(periodOf('week', '2026-03-18')).toEqual({ from: '2026-03-16', to: '2026-03-22' });
    expect(periodOf('month', '2024-02-10')).toEqual({ from: '2024-02-01', to: '2024-02-29' });
    expect(periodOf('quarter', '2026-08-31')).toEqual({ from: '2026-07-01', to: '2026-09-30' });
  });

  it('measures past periods on their last day and the current one on asOf', () => {
    expect(trendPoints('month', '2026-03-18', 3)).toEqual([
      { from: '2026-01-01', to: '2026-01-31', as_of: '2026-01-31' },
      { from: '2026-02-01', to: '2026-02-28', as_of: '2026-02-28' },
      { from: '2026-03-01', to: '2026-03-31', as_of: '2026-03-18' },
    ]);
    expect(trendPoints('quarter', '2026-01-05', 2).map((p) => p.as_of)).toEqual(['2025-12-31', '2026-01-05']);
  });
});
