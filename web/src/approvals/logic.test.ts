import { describe, expect, it } from 'vitest';
import type { FieldMeta } from '../api/types';
import {
  ageParts,
  conditionBody,
  conditionDraft,
  emptyNode,
  issueAt,
  issuesByPath,
  move,
  nodeBody,
  offersSubmit,
  unplacedIssues,
  type ProcessDraft,
} from './logic';

const field = (api_name: string, type: FieldMeta['type']): FieldMeta =>
  ({ api_name, type, label: { 'zh-CN': api_name } }) as FieldMeta;
const fields = [field('amount', 'currency'), field('discount', 'percent'), field('industry', 'select')];

describe('conditions', () => {
  it('types typed values for the server: yuan → fen, numbers, comma lists; keeps and/or groups after the rows', () => {
    const body = conditionBody(
      {
        rows: [
          { field: 'amount', op: 'gte', value: '100000' },
          { field: 'discount', op: 'gt', value: '20' },
          { field: 'industry', op: 'in', value: 'it, finance' },
          { field: 'industry', op: 'is_null', value: 'false' },
        ],
        kept: [{ or: [{ field: 'discount', op: 'lt', value: 5 }] }],
      },
      fields,
    );
    expect(body).toEqual([
      { field: 'amount', op: 'gte', value: 10_000_000 },
      { field: 'discount', op: 'gt', value: 20 },
      { field: 'industry', op: 'in', value: ['it', 'finance'] },
      { field: 'industry', op: 'is_null', value: false },
      { or: [{ field: 'discount', op: 'lt', value: 5 }] },
    ]);
  });

  it('reads a saved condition back into rows (fen → yuan) and kept groups', () => {
    const d = conditionDraft(
      [
        { field: 'amount', op: 'gte', value: 10_000_000 },
        { and: [] },
        { field: 'industry', op: 'in', value: ['it', 'finance'] },
      ],
      fields,
    );
    expect(d.rows).toEqual([
      { field: 'amount', op: 'gte', value: '100000' },
      { field: 'industry', op: 'in', value: 'it,finance' },
    ]);
    expect(d.kept).toEqual([{ and: [] }]);
  });
});

describe('nodes', () => {
  it('sends only the keys of the node kind', () => {
    const n = { ...emptyNode('user'), name: ' 经理 ', user_id: 'u1', role: 'stale', levels: 3 };
    expect(nodeBody(n, fields)).toEqual({
      name: '经理',
      kind: 'user',
      user_id: 'u1',
      condition: [],
      timeout_hours: null,
    });
    const c = {
      ...emptyNode('countersign'),
      name: '财务',
      user_ids: ['a', 'b'],
      mode: 'ratio' as const,
      ratio: 0.5,
    };
    expect(nodeBody(c, fields)).toMatchObject({
      kind: 'countersign',
      user_ids: ['a', 'b'],
      mode: 'ratio',
      ratio: 0.5,
    });
    expect(nodeBody({ ...emptyNode('department_head'), name: 'x', user_id: 'u' }, fields)).not.toHaveProperty(
      'user_id',
    );
  });

  it('moves a node up and down, leaving the ends alone', () => {
    expect(move(['a', 'b', 'c'], 2, -1)).toEqual(['a', 'c', 'b']);
    expect(move(['a', 'b', 'c'], 0, 1)).toEqual(['b', 'a', 'c']);
    expect(move(['a', 'b'], 0, -1)).toEqual(['a', 'b']);
  });
});

describe('server issues', () => {
  const draft: ProcessDraft = {
    name: 'p',
    description: '',
    object: 'contract',
    triggers: ['manual'],
    priority: 100,
    active: true,
    snapshot_fields: [],
    condition: { rows: [{ field: 'amount', op: 'gte', value: 'x' }], kept: [] },
    nodes: [emptyNode('user')],
  };
  it('puts each issue on its input, nested paths on their row, and lists the rest', () => {
    const issues = issuesByPath([
      { field: 'nodes[0].user_id', issue: '必填' },
      { field: 'condition[0].value', issue: '不是数字' },
      { field: 'nodes[0].condition[3].value', issue: '无效' },
      { field: 'condition[1].or[0].value', issue: '无效值' },
    ]);
    expect(issueAt(issues, 'nodes[0].user_id')).toBe('必填');
    expect(issueAt(issues, 'condition[0]')).toBe('不是数字');
    expect(unplacedIssues(issues, draft)).toEqual([
      'nodes[0].condition[3].value: 无效',
      'condition[1].or[0].value: 无效值',
    ]);
  });
});

it('shows waiting time in hours under a day, then days', () => {
  expect(ageParts(5.7)).toEqual({ unit: 'hours', n: 5 });
  expect(ageParts(49)).toEqual({ unit: 'days', n: 2 });
});

describe('offersSubmit', () => {
  it('offers a quote for approval only as a draft', () => {
    expect(offersSubmit('quote', { status: 'draft' }, false)).toBe(true);
    for (const status of ['in_approval', 'approved', 'rejected', 'sent', 'accepted', 'expired', 'superseded'])
      expect(offersSubmit('quote', { status }, false)).toBe(false);
  });

  it('offers an invoice while its application awaits approval, never once issued', () => {
    expect(offersSubmit('invoice', { status: 'applied', approval_status: 'rejected' }, false)).toBe(true);
    expect(offersSubmit('invoice', { status: 'applied', approval_status: null }, false)).toBe(true);
    expect(offersSubmit('invoice', { status: 'applied', approval_status: 'not_required' }, false)).toBe(
      false,
    );
    expect(offersSubmit('invoice', { status: 'applied', approval_status: 'approved' }, false)).toBe(false);
    expect(offersSubmit('invoice', { status: 'issued', approval_status: 'approved' }, false)).toBe(false);
    expect(offersSubmit('invoice', { status: 'voided' }, false)).toBe(false);
  });

  it('leaves submitting to the modules that do it themselves, and waits for a pending submission', () => {
    expect(offersSubmit('contract', { status: 'draft' }, false)).toBe(false);
    expect(offersSubmit('renewal_adjustment', { status: 'pending' }, false)).toBe(false);
    expect(offersSubmit('quote', { status: 'draft' }, true)).toBe(false);
    // any other record: the server says whether a process applies
    expect(offersSubmit('opportunity', {}, false)).toBe(true);
    expect(offersSubmit('opportunity', {}, true)).toBe(false);
  });
});
