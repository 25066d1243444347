import { describe, expect, it } from 'vitest';
import { cockpitSearch, parseCockpitQuery } from './cockpit-query';

const TODAY = '2026-11-28';
const parse = (q: string) => parseCockpitQuery(new URLSearchParams(q), TODAY);

describe('cockpit URL state', () => {
  it('defaults to the overview of today over the last six months', () => {
    expect(parse('')).toEqual({
      tab: 'overview',
      status: null,
      asOf: null,
      from: '2026-06',
      to: '2026-11',
      cell: null,
    });
    expect(cockpitSearch(parse(''), TODAY)).toEqual({});
  });
  it('reads a tab, a status, a date, a range and a cell', () => {
    const q = parse('tab=customers&status=unhealthy&as_of=2026-10-05&from=2026-01&to=2026-03&cell=9');
    expect(q).toEqual({
      tab: 'customers',
      status: 'unhealthy',
      asOf: '2026-10-05',
      from: '2026-01',
      to: '2026-03',
      cell: 9,
    });
    expect(cockpitSearch(q, TODAY)).toEqual({
      tab: 'customers',
      status: 'unhealthy',
      as_of: '2026-10-05',
      from: '2026-01',
      to: '2026-03',
      cell: '9',
    });
  });
  it('drops what it does not know, future dates and cells outside 1–9', () => {
    expect(parse('tab=x&status=great&as_of=2027-01-01&cell=10')).toMatchObject({
      tab: 'overview',
      status: null,
      asOf: null,
      cell: null,
    });
    expect(parse('as_of=2026-02-30').asOf).toBeNull();
  });
  it('swaps a reversed range and cuts one longer than 36 months at the start', () => {
    expect(parse('from=2026-05&to=2026-02')).toMatchObject({ from: '2026-02', to: '2026-05' });
    expect(parse('from=2020-01&to=2026-11')).toMatchObject({ from: '2023-12', to: '2026-11' });
  });
});
