import { describe, expect, it } from 'vitest';
import { buildDeptTree } from './departments';

describe('department tree', () => {
  const rows = [
    { id: 'a', name: 'HQ', parent_id: null },
    { id: 'b', name: 'Sales', parent_id: 'a' },
    { id: 'c', name: 'East', parent_id: 'b' },
  ];
  it('nests children under parents', () => {
    const tree = buildDeptTree(rows);
    expect(tree.map((n) => n.title)).toEqual(['HQ']);
    expect(tree[0]?.children[0]?.children[0]?.title).toBe('East');
  });
  it('leaves out a department and what is below it (move targets)', () => {
    const tree = buildDeptTree(rows, 'b');
    expect(tree.map((n) => n.title)).toEqual(['HQ']);
    expect(tree[0]?.children).toEqual([]);
  });
});
