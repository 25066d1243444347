import { describe, expect, it } from 'vitest';
import type { FieldDef } from '../../metadata/types.ts';
import { checkCondition, conditionFields, matches } from '../conditions.rules.ts';
import {
  canWithdraw,
  departmentHead,
  nextNode,
  nodeState,
  planNodes,
  requiredApprovals,
  type Department,
  type NodeDef,
} from '../flow.rules.ts';

const field = (apiName: string, type: FieldDef['type']): FieldDef => ({
  apiName,
  type,
  label: { 'zh-CN': apiName, 'en-US': apiName },
  required: false,
  unique: false,
  isCustom: false,
});
const fields = new Map(
  [
    field('id', 'text'),
    field('name', 'text'),
    field('discount', 'percent'),
    field('amount', 'currency'),
    field('status', 'select'),
    field('tags', 'multi_select'),
    field('sign_date', 'date'),
    field('owner_id', 'user'),
    field('vip', 'boolean'),
  ].map((f) => [f.apiName, f]),
);
const types = new Map([...fields.values()].map((f) => [f.apiName, f.type]));

describe('conditions', () => {
  it('checks fields, operators and values, naming the path', () => {
    const { issues } = checkCondition(
      fields,
      [
        { field: 'nope', op: 'eq', value: 1 },
        { field: 'vip', op: 'gt', value: true },
        { or: [{ field: 'discount', op: 'gt', value: 'x' }] },
        { field: 'status', op: 'in', value: [] },
      ],
      'condition',
    );
    expect(issues.map((i) => `${i.field}:${i.issue}`)).toEqual([
      'condition[0].field:unknown_field',
      'condition[1].op:invalid_operator',
      'condition[2].or[0].value:invalid_value',
      'condition[3].value:invalid_value',
    ]);
    expect(checkCondition(fields, 'x', 'c').issues[0]?.issue).toBe('expected_type');
  });

  it('evaluates the grammar over a record (money in minor units, ne/nin true on empty)', () => {
    const rec = {
      name: 'Big deal',
      discount: 25,
      amount: { amount: 1_000_000, currency: 'CNY' },
      status: 'draft',
      tags: ['a', 'b'],
      sign_date: '2026-11-27',
      owner_id: null,
      vip: false,
    };
    const ok = (c: unknown[]): boolean => {
      const r = checkCondition(fields, c, 'c');
      expect(r.issues).toEqual([]);
      return matches(types, rec, r.nodes);
    };
    expect(ok([])).toBe(true);
    expect(ok([{ field: 'discount', op: 'gt', value: 20 }])).toBe(true);
    expect(ok([{ field: 'discount', op: 'gt', value: 25 }])).toBe(false);
    expect(ok([{ field: 'amount', op: 'gte', value: 1_000_000 }])).toBe(true);
    expect(ok([{ field: 'status', op: 'in', value: ['draft', 'sent'] }])).toBe(true);
    expect(ok([{ field: 'status', op: 'nin', value: ['draft'] }])).toBe(false);
    expect(ok([{ field: 'owner_id', op: 'ne', value: '0190aaaa-0000-7000-8000-000000000000' }])).toBe(true);
    expect(ok([{ field: 'owner_id', op: 'is_null', value: true }])).toBe(true);
    expect(ok([{ field: 'tags', op: 'contains', value: 'b' }])).toBe(true);
    expect(ok([{ field: 'tags', op: 'in', value: ['x', 'a'] }])).toBe(true);
    expect(ok([{ field: 'name', op: 'contains', value: 'DEAL' }])).toBe(true);
    expect(ok([{ field: 'sign_date', op: 'between', value: ['2026-11-01', '2026-11-30'] }])).toBe(true);
    expect(ok([{ field: 'vip', op: 'eq', value: false }])).toBe(true);
    expect(
      ok([
        {
          or: [
            { field: 'discount', op: 'gt', value: 50 },
            { field: 'status', op: 'eq', value: 'draft' },
          ],
        },
        { field: 'amount', op: 'lt', value: 5 },
      ]),
    ).toBe(false);
    expect(
      conditionFields(checkCondition(fields, [{ or: [{ field: 'vip', op: 'eq', value: true }] }], 'c').nodes),
    ).toEqual(['vip']);
  });
});

const depts = new Map<string, Department>(
  [
    { id: 'root', parent_id: null, head_user_id: 'ceo' },
    { id: 'sales', parent_id: 'root', head_user_id: 'vp' },
    { id: 'east', parent_id: 'sales', head_user_id: null },
    { id: 'sh', parent_id: 'east', head_user_id: 'mgr' },
  ].map((d) => [d.id, d]),
);

describe('department heads', () => {
  it('own head, N levels up, headless departments defer upwards, never the submitter', () => {
    expect(departmentHead(depts, 'sh', 0, 'rep')).toBe('mgr');
    expect(departmentHead(depts, 'sh', 1, 'rep')).toBe('vp'); // east has no head → sales
    expect(departmentHead(depts, 'sh', 2, 'rep')).toBe('vp');
    expect(departmentHead(depts, 'sh', 3, 'rep')).toBe('ceo');
    expect(departmentHead(depts, 'sh', 9, 'rep')).toBe('ceo'); // capped at the top
    expect(departmentHead(depts, 'sh', 0, 'mgr')).toBe('vp'); // the head submitting
    expect(departmentHead(depts, 'root', 0, 'ceo')).toBe(null);
    expect(departmentHead(depts, null, 0, 'rep')).toBe(null);
  });
});

describe('flow', () => {
  const node = (n: Partial<NodeDef> & Pick<NodeDef, 'kind'>): NodeDef => ({
    name: n.kind,
    condition: [],
    timeout_hours: null,
    ...n,
  });
  const dir = {
    depts,
    usersByRole: new Map([['finance', ['f1', 'f2', 'rep']]]),
    activeUsers: new Set(['ceo', 'vp', 'mgr', 'rep', 'f1', 'f2', 'u1']),
  };

  it('plans every node kind, skips nodes whose condition is false, reports nodes without approvers', () => {
    const second = checkCondition(fields, [{ field: 'discount', op: 'gt', value: 20 }], 'c').nodes;
    const { plan, missing } = planNodes(
      [
        node({ kind: 'user', user_id: 'u1' }),
        node({ kind: 'role', role: 'finance' }),
        node({ kind: 'department_head' }),
        node({ kind: 'manager_levels', levels: 3 }),
        node({ kind: 'countersign', user_ids: ['f1', 'vp'], role: 'finance', mode: 'ratio', ratio: 0.5 }),
        node({ kind: 'user', user_id: 'u1', condition: second }),
        node({ kind: 'role', role: 'nobody' }),
      ],
      types,
      { discount: 10 },
      { id: 'rep', departmentId: 'sh' },
      dir,
    );
    expect(plan.map((p) => p.approvers)).toEqual([
      ['u1'],
      ['f1', 'f2'],
      ['mgr'],
      ['ceo'],
      ['f1', 'vp', 'f2'],
      [],
      [],
    ]);
    expect(plan.map((p) => p.required)).toEqual([1, 1, 1, 1, 2, 0, 1]);
    expect(plan[5]?.skipped).toBe(true);
    expect(missing).toEqual([6]);
    expect(nextNode(plan, -1)?.index).toBe(0);
    expect(nextNode(plan, 4)?.index).toBe(6);
    expect(nextNode(plan.slice(0, 6), 4)).toBe(null);
  });

  it('countersign all / ratio; a reject anywhere rejects; withdraw only before a decision', () => {
    expect(requiredApprovals({ kind: 'countersign', mode: 'all' }, 3)).toBe(3);
    expect(requiredApprovals({ kind: 'countersign', mode: 'ratio', ratio: 0.5 }, 3)).toBe(2);
    expect(requiredApprovals({ kind: 'countersign', mode: 'ratio', ratio: 0.5 }, 4)).toBe(2);
    expect(requiredApprovals({ kind: 'role' }, 5)).toBe(1);
    const t = (...s: Array<'pending' | 'approved' | 'rejected' | 'reassigned'>) =>
      s.map((status) => ({ status }));
    expect(nodeState({ required: 2 }, t('approved', 'pending', 'pending'))).toBe('pending');
    expect(nodeState({ required: 2 }, t('approved', 'approved', 'pending'))).toBe('approved');
    expect(nodeState({ required: 1 }, t('approved', 'rejected'))).toBe('rejected');
    expect(canWithdraw(t('pending', 'reassigned', 'pending'))).toBe(true);
    expect(canWithdraw(t('approved', 'pending'))).toBe(false);
  });
});
