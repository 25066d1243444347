import { describe, expect, it } from 'vitest';
import { arrSearch, asOfFor, monthEnd, monthsBetween, parseArrQuery, shiftMonth } from './months';

const q = (s: string) => parseArrQuery(new URLSearchParams(s), '2026-03');

describe('months', () => {
  it('shift across years and list ranges inclusively', () => {
    expect(shiftMonth('2026-01', -1)).toBe('2025-12');
    expect(shiftMonth('2025-12', 13)).toBe('2027-01');
    expect(monthsBetween('2025-11', '2026-02')).toEqual(['2025-11', '2025-12', '2026-01', '2026-02']);
    expect(monthsBetween('2026-02', '2026-01')).toEqual([]);
  });
  it('end on the last day, leap years included', () => {
    expect(monthEnd('2024-02')).toBe('2024-02-29');
    expect(monthEnd('2025-02')).toBe('2025-02-28');
    expect(monthEnd('2025-12')).toBe('2025-12-31');
  });
  it('read the headline figures today in the current month, at month-end before', () => {
    expect(asOfFor('2026-03', '2026-03-15')).toBe('2026-03-15');
    expect(asOfFor('2025-12', '2026-03-15')).toBe('2025-12-31');
  });
});

describe('dashboard URL state', () => {
  it('defaults to the last twelve months and the business view', () => {
    expect(q('')).toEqual({ from: '2025-04', to: '2026-03', view: 'business', group: null, drill: null });
  });
  it('keeps a valid range, view and drill-down', () => {
    expect(q('from=2025-01&to=2025-06&view=finance&group=industry&month=2025-03&kind=churn')).toEqual({
      from: '2025-01',
      to: '2025-06',
      view: 'finance',
      group: 'industry',
      drill: { month: '2025-03', kind: 'churn' },
    });
  });
  it('repairs bad values instead of failing', () => {
    // bad months fall back; a future end ends this month; a reversed range is swapped
    expect(q('from=2025-13&to=soon')).toMatchObject({ from: '2025-04', to: '2026-03' });
    expect(q('from=2025-06&to=2027-01')).toMatchObject({ from: '2025-06', to: '2026-03' });
    expect(q('from=2025-06&to=2025-02')).toMatchObject({ from: '2025-02', to: '2025-06' });
    // longer than 36 months: the end stays, the start moves up
    expect(q('from=2020-01&to=2025-12')).toMatchObject({ from: '2023-01', to: '2025-12' });
    // unknown view, unknown kind, drill month outside the range
    expect(q('view=cash').view).toBe('business');
    expect(q('group=region').group).toBeNull();
    expect(q('group=csm').group).toBe('csm');
    expect(q('month=2025-05&kind=upsell').drill).toBeNull();
    expect(q('from=2025-06&to=2025-08&month=2025-01&kind=new').drill).toBeNull();
  });
  it('writes only what differs from the defaults, and reads back what it wrote', () => {
    expect(arrSearch(q(''), '2026-03')).toEqual({});
    const state = q('from=2024-01&to=2024-12&view=finance&group=owner&month=2024-02&kind=new');
    const written = arrSearch(state, '2026-03');
    expect(written).toEqual({
      from: '2024-01',
      to: '2024-12',
      view: 'finance',
      group: 'owner',
      month: '2024-02',
      kind: 'new',
    });
    expect(q(new URLSearchParams(written).toString())).toEqual(state);
  });
});
