import { describe, expect, it } from 'vitest';
import {
  BRIDGE_KINDS,
  bridgeSteps,
  contributions,
  fieldPath,
  heatStyle,
  isOverdue,
  mondayOf,
  nextActions,
  nineGridLayout,
  sortQueue,
  toWorkOrder,
  weightsSum,
  type BridgeFigures,
  type WorkOrder,
} from './logic';

describe('why this score', () => {
  it('gives each dimension weight × score in the model order, and their sum', () => {
    // the seed's weights; 20 + 16 + 7 + 7.5 + 6 = 56.5 by hand
    const { rows, total } = contributions({
      bi_usage: { raw: 0.2, score: 40, weight: 15 },
      module_usage: { raw: 9, score: 45, weight: 45 },
      instance_ratio: { raw: 3.1, score: 80, weight: 20 },
      activation_rate: { raw: 0.75, score: 70, weight: 10 },
      login_rate: { raw: 0.65, score: 75, weight: 10 },
    });
    expect(rows.map((r) => [r.key, r.contribution])).toEqual([
      ['module_usage', 20.3],
      ['instance_ratio', 16],
      ['activation_rate', 7],
      ['login_rate', 7.5],
      ['bi_usage', 6],
    ]);
    // summed before rounding: 20.25 + 16 + 7 + 7.5 + 6 = 56.75 → 56.8
    expect(total).toBe(56.8);
  });
  it('leaves out dimensions the snapshot does not have (no data)', () => {
    expect(contributions({})).toEqual({ rows: [], total: 0 });
  });
});

describe('weights', () => {
  it('sum the five dimensions, empty inputs as 0', () => {
    expect(
      weightsSum({ module_usage: 45, instance_ratio: 20, activation_rate: 10, login_rate: 10, bi_usage: 15 }),
    ).toBe(100);
    expect(weightsSum({ module_usage: 45, instance_ratio: null, login_rate: undefined, bi_usage: 15 })).toBe(
      60,
    );
    // keys that are not dimensions do not count
    expect(weightsSum({ module_usage: 50, other: 50 })).toBe(50);
  });
});

describe('nine-grid layout', () => {
  it('puts large customers on top and low probability on the left, with the seed cell numbers', () => {
    const grid = nineGridLayout([]);
    expect(grid.map((row) => row.map((s) => s.cell))).toEqual([
      [6, 8, 9],
      [3, 5, 7],
      [1, 2, 4],
    ]);
    expect(grid[0]?.[0]).toMatchObject({ value: 'large', probability: 'low' });
    expect(grid[2]?.[2]).toMatchObject({ value: 'small', probability: 'high' });
  });
  it('places each cell’s figures and shades by ARR against the largest cell', () => {
    const grid = nineGridLayout([
      { cell: 9, customers: 2, arr: 1_000_000 },
      { cell: 1, customers: 5, arr: 250_000 },
    ]);
    expect(grid[0]?.[2]).toMatchObject({ cell: 9, heat: 1, figures: { customers: 2, arr: 1_000_000 } });
    expect(grid[2]?.[0]).toMatchObject({ cell: 1, heat: 0.25, figures: { customers: 5 } });
    expect(grid[1]?.[1]).toMatchObject({ cell: 5, heat: 0, figures: { customers: 0, arr: 0 } });
  });
  it('shades nothing when there is no ARR at all', () => {
    const grid = nineGridLayout([{ cell: 5, customers: 3, arr: 0 }]);
    expect(grid.flat().every((s) => s.heat === 0)).toBe(true);
    expect(heatStyle(0).background).toBe('#fafafa');
    expect(heatStyle(1)).toEqual({ background: 'rgba(31,95,214,0.9)', color: '#fff' });
  });
});

const bridge = (b: Partial<BridgeFigures> & { start: number; end: number }): { bridge: BridgeFigures } => ({
  bridge: { ...Object.fromEntries(BRIDGE_KINDS.map((k) => [k, 0])), ...b } as BridgeFigures,
});

describe('healthy-ARR bridge waterfall', () => {
  it('starts at the first month’s start, sums each movement over the months, ends at the last month’s end', () => {
    // Jan: 1,000 + 300 new + 50 expansion − 200 to unhealthy = 1,150; Feb: 1,150 + 100 to healthy − 150 churned = 1,100
    const steps = bridgeSteps([
      bridge({ start: 1000, new_healthy: 300, expansion: 50, to_unhealthy: -200, end: 1150 }),
      bridge({ start: 1150, to_healthy: 100, churned_or_delayed: -150, end: 1100 }),
    ]);
    expect(steps.map((s) => [s.key, s.amount])).toEqual([
      ['start', 1000],
      ['new_healthy', 300],
      ['winback_healthy', 0],
      ['expansion', 50],
      ['to_healthy', 100],
      ['contraction', 0],
      ['to_unhealthy', -200],
      ['churned_or_delayed', -150],
      ['end', 1100],
    ]);
    // start + Σ movements = end
    expect(steps.slice(0, -1).reduce((s, x) => s + x.amount, 0)).toBe(1100);
  });
  it('floats gains on the running total and hangs losses below it', () => {
    const steps = bridgeSteps([bridge({ start: 1000, new_healthy: 300, contraction: -100, end: 1200 })]);
    const at = (k: string) => steps.find((s) => s.key === k);
    expect(at('start')).toMatchObject({ base: 0, height: 1000 });
    expect(at('new_healthy')).toMatchObject({ base: 1000, height: 300 });
    // after new (1,300), expansion (0) and to-healthy (0): the loss spans 1,200–1,300
    expect(at('contraction')).toMatchObject({ base: 1200, height: 100 });
    expect(at('end')).toMatchObject({ base: 0, height: 1200 });
  });
  it('has no steps without months', () => {
    expect(bridgeSteps([])).toEqual([]);
  });
});

const wo = (p: Partial<WorkOrder>): WorkOrder => ({
  id: 'w',
  version: 1,
  subject: 's',
  account_id: null,
  account_name: null,
  owner_id: null,
  owner_name: null,
  alert_type: null,
  level: 'mid',
  status: 'open',
  due_date: null,
  action_taken: null,
  ...p,
});

describe('work orders', () => {
  it('are overdue when still open after their due date', () => {
    expect(isOverdue(wo({ due_date: '2026-11-27' }), '2026-11-28')).toBe(true);
    expect(isOverdue(wo({ due_date: '2026-11-28' }), '2026-11-28')).toBe(false);
    expect(isOverdue(wo({ status: 'in_progress', due_date: '2026-11-01' }), '2026-11-28')).toBe(true);
    expect(isOverdue(wo({ status: 'resolved', due_date: '2026-11-01' }), '2026-11-28')).toBe(false);
  });
  it('offer the next steps of their status; only a CS lead verifies or reopens', () => {
    expect(nextActions('open', false)).toEqual(['start', 'resolve']);
    expect(nextActions('reopened', false)).toEqual(['start', 'resolve']);
    expect(nextActions('in_progress', true)).toEqual(['resolve']);
    expect(nextActions('resolved', false)).toEqual([]);
    expect(nextActions('resolved', true)).toEqual(['verify', 'reopen']);
    expect(nextActions('verified', true)).toEqual(['reopen']);
    expect(nextActions('verified', false)).toEqual([]);
  });
  it('queue overdue first, then high before mid before low, then by due date', () => {
    const rows = [
      wo({ id: 'low', level: 'low', due_date: '2026-12-01' }),
      wo({ id: 'mid-late', level: 'mid', due_date: '2026-12-10' }),
      wo({ id: 'high', level: 'high', due_date: '2026-12-05' }),
      wo({ id: 'overdue-low', level: 'low', due_date: '2026-11-20' }),
      wo({ id: 'mid-early', level: 'mid', due_date: '2026-12-02' }),
    ];
    expect(sortQueue(rows, '2026-11-28').map((r) => r.id)).toEqual([
      'overdue-low',
      'high',
      'mid-early',
      'mid-late',
      'low',
    ]);
  });
  it('read from a generic record with the names of its lookups', () => {
    const r = toWorkOrder({
      id: 'w1',
      version: 3,
      subject: '健康度下降',
      account_id: 'a1',
      owner_id: 'u1',
      status: 'in_progress',
      level: 'high',
      due_date: '2026-12-01',
      alert_type: 'health_down',
      action_taken: null,
      _expand: { account_id: { name: '星河科技' }, owner_id: { name: '王敏' } },
    });
    expect(r).toEqual({
      id: 'w1',
      version: 3,
      subject: '健康度下降',
      account_id: 'a1',
      account_name: '星河科技',
      owner_id: 'u1',
      owner_name: '王敏',
      alert_type: 'health_down',
      level: 'high',
      status: 'in_progress',
      due_date: '2026-12-01',
      action_taken: null,
    });
  });
});

describe('small helpers', () => {
  it('find the Monday of a week', () => {
    expect(mondayOf('2026-11-28')).toBe('2026-11-23'); // a Saturday
    expect(mondayOf('2026-11-23')).toBe('2026-11-23');
    expect(mondayOf('2026-11-29')).toBe('2026-11-23'); // Sunday ends the week
  });
  it('read server field names as form paths', () => {
    expect(fieldPath('bands.login_rate[2].min')).toEqual(['bands', 'login_rate', 2, 'min']);
    expect(fieldPath('weights')).toEqual(['weights']);
    expect(fieldPath('incentive.coefficients[0]')).toEqual(['incentive', 'coefficients', 0]);
  });
});
