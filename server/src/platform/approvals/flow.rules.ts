// The approval flow as pure rules: which nodes apply, who approves each, when a node is done,
// what a withdrawal needs. The service (approvals.service.ts) only reads and writes rows around
// these decisions.
import type { Rec } from '../metadata/types.ts';
import type { FilterNode } from '../records/query.rules.ts';
import { matches } from './conditions.rules.ts';

export const TRIGGERS = ['create', 'update', 'void', 'manual'] as const;
export type Trigger = (typeof TRIGGERS)[number];

export const NODE_KINDS = ['user', 'role', 'department_head', 'manager_levels', 'countersign'] as const;
export type NodeKind = (typeof NODE_KINDS)[number];

/** A node as an administrator configures it (stored in approval_process.nodes). */
export interface NodeDef {
  name: string;
  kind: NodeKind;
  /** kind user: the approver */
  user_id?: string | undefined;
  /** kind role (any active user with it), countersign (everyone with it, besides user_ids) */
  role?: string | undefined;
  /** kind manager_levels: the head of the department this many levels above the submitter's */
  levels?: number | undefined;
  /** kind countersign: named approvers */
  user_ids?: string[] | undefined;
  /** kind countersign: every approver, or a share of them */
  mode?: 'all' | 'ratio' | undefined;
  /** kind countersign, mode ratio: the share (0 < ratio ≤ 1) that must approve */
  ratio?: number | undefined;
  /** the node applies only when the record meets it (empty: always) */
  condition: FilterNode[];
  /** approvers are reminded once when their task is older than this */
  timeout_hours: number | null;
}

/** A node as resolved for one submission (stored in approval_instance.plan). */
export interface PlannedNode {
  index: number;
  name: string;
  kind: NodeKind;
  /** its condition was false: the flow passes over it */
  skipped: boolean;
  approvers: string[];
  /** approvals needed to pass the node: 1 for one-of nodes, all or a share for countersign */
  required: number;
  timeout_hours: number | null;
}

export interface Department {
  id: string;
  parent_id: string | null;
  head_user_id: string | null;
}

/**
 * The head for a department node: start at the submitter's department, go `levelsUp` levels up
 * (stopping at the top), then take the first department on the way up that has a head who is not
 * the submitter — nobody approves their own submission, and a department without a head defers to
 * the one above. null when the submitter has no department or no department above has a head.
 */
export function departmentHead(
  depts: ReadonlyMap<string, Department>,
  submitterDept: string | null,
  levelsUp: number,
  submitter: string,
): string | null {
  let d = submitterDept ? depts.get(submitterDept) : undefined;
  for (let i = 0; d && i < levelsUp && d.parent_id; i++) d = depts.get(d.parent_id);
  const seen = new Set<string>();
  while (d && !seen.has(d.id)) {
    seen.add(d.id);
    if (d.head_user_id && d.head_user_id !== submitter) return d.head_user_id;
    d = d.parent_id ? depts.get(d.parent_id) : undefined;
  }
  return null;
}

/** Approvals a countersign node needs: all, or the share rounded up (at least one). */
export function requiredApprovals(node: Pick<NodeDef, 'kind' | 'mode' | 'ratio'>, approvers: number): number {
  if (node.kind !== 'countersign') return 1;
  if (node.mode === 'ratio') return Math.max(1, Math.ceil((node.ratio ?? 1) * approvers - 1e-9));
  return approvers;
}

export interface Directory {
  depts: ReadonlyMap<string, Department>;
  /** active users by role key */
  usersByRole: ReadonlyMap<string, string[]>;
  /** active user ids */
  activeUsers: ReadonlySet<string>;
}

/**
 * Resolves every node for one submission. Returns the plan, or the indexes of applicable nodes
 * that found no approver (the submission is refused naming them).
 */
export function planNodes(
  nodes: readonly NodeDef[],
  types: ReadonlyMap<string, string>,
  rec: Rec,
  submitter: { id: string; departmentId: string | null },
  dir: Directory,
): { plan: PlannedNode[]; missing: number[] } {
  const missing: number[] = [];
  const plan = nodes.map((n, index): PlannedNode => {
    const skipped = !matches(types, rec, n.condition);
    let approvers: string[] = [];
    if (!skipped) {
      switch (n.kind) {
        case 'user':
          approvers = n.user_id && dir.activeUsers.has(n.user_id) ? [n.user_id] : [];
          break;
        case 'role':
          // anyone else with the role: a submitter holding it does not approve themselves
          approvers = (dir.usersByRole.get(n.role ?? '') ?? []).filter((u) => u !== submitter.id);
          break;
        case 'department_head':
        case 'manager_levels': {
          const head = departmentHead(
            dir.depts,
            submitter.departmentId,
            n.kind === 'manager_levels' ? (n.levels ?? 1) : 0,
            submitter.id,
          );
          approvers = head && dir.activeUsers.has(head) ? [head] : [];
          break;
        }
        case 'countersign': {
          const named = (n.user_ids ?? []).filter((u) => dir.activeUsers.has(u));
          const byRole = n.role ? (dir.usersByRole.get(n.role) ?? []).filter((u) => u !== submitter.id) : [];
          approvers = [...new Set([...named, ...byRole])];
          break;
        }
      }
      if (approvers.length === 0) missing.push(index);
    }
    return {
      index,
      name: n.name,
      kind: n.kind,
      skipped,
      approvers,
      required: skipped ? 0 : requiredApprovals(n, approvers.length),
      timeout_hours: n.timeout_hours,
    };
  });
  return { plan, missing };
}

/** The next node to decide after `from` (-1: the first), or null when none is left. */
export function nextNode(plan: readonly PlannedNode[], from: number): PlannedNode | null {
  return plan.find((n) => n.index > from && !n.skipped) ?? null;
}

export type TaskStatus = 'pending' | 'approved' | 'rejected' | 'returned' | 'reassigned' | 'cancelled';

/**
 * A node's state from its tasks. Any reject rejects the node (on a countersign node too: one
 * refusal stops the instance, whatever the ratio); a return sends it back; enough approvals pass it.
 */
export function nodeState(
  node: Pick<PlannedNode, 'required'>,
  tasks: ReadonlyArray<{ status: TaskStatus }>,
): 'pending' | 'approved' | 'rejected' | 'returned' {
  if (tasks.some((t) => t.status === 'rejected')) return 'rejected';
  if (tasks.some((t) => t.status === 'returned')) return 'returned';
  if (tasks.filter((t) => t.status === 'approved').length >= node.required) return 'approved';
  return 'pending';
}

/** The submitter may withdraw while nobody has decided on the current node (reassigning is no decision). */
export function canWithdraw(currentNodeTasks: ReadonlyArray<{ status: TaskStatus }>): boolean {
  return !currentNodeTasks.some(
    (t) => t.status === 'approved' || t.status === 'rejected' || t.status === 'returned',
  );
}
