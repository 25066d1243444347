import type { Department } from '../api/admin';

export interface DeptNode {
  key: string;
  value: string;
  title: string;
  children: DeptNode[];
}

/** Flat `{id, name, parent_id}` rows → a tree (orphans and cycles end up at the root). */
export function buildDeptTree(rows: Department[], exclude?: string): DeptNode[] {
  const nodes = new Map<string, DeptNode>();
  for (const d of rows) {
    if (exclude && isBelow(rows, d.id, exclude)) continue;
    nodes.set(d.id, { key: d.id, value: d.id, title: d.name, children: [] });
  }
  const roots: DeptNode[] = [];
  for (const d of rows) {
    const node = nodes.get(d.id);
    if (!node) continue;
    const parent = d.parent_id ? nodes.get(d.parent_id) : undefined;
    if (parent && !isBelow(rows, d.parent_id, d.id)) parent.children.push(node);
    else roots.push(node);
  }
  return roots;
}

/** Whether `id` is `ancestor` or lies below it. */
function isBelow(rows: Department[], id: string | null, ancestor: string): boolean {
  const seen = new Set<string>();
  let cur = id;
  while (cur && !seen.has(cur)) {
    if (cur === ancestor) return true;
    seen.add(cur);
    cur = rows.find((r) => r.id === cur)?.parent_id ?? null;
  }
  return false;
}
