// Request bodies (checked in the service so problems come back as 422 naming the field) and
// response schemas (documentation and the conformance test, like http/response-schemas.ts).
import { z } from 'zod';
import { FieldValue, timestamp } from '../http/response-schemas.ts';
import { NODE_KINDS, TRIGGERS } from './flow.rules.ts';

const uuid = z.string().uuid();
const roleKey = z.string().regex(/^[a-z][a-z0-9_]{0,39}$/);

export const nodeInput = z.strictObject({
  name: z.string().trim().min(1).max(100),
  kind: z.enum(NODE_KINDS),
  user_id: uuid.optional(),
  role: roleKey.optional(),
  levels: z.number().int().min(1).max(10).optional(),
  user_ids: z.array(uuid).max(50).optional(),
  mode: z.enum(['all', 'ratio']).optional(),
  ratio: z.number().gt(0).lte(1).optional(),
  condition: z.array(z.unknown()).max(50).default([]),
  timeout_hours: z.number().int().min(1).max(8760).nullable().default(null),
});

export const processInput = z.strictObject({
  name: z.string().trim().min(1).max(100),
  description: z.string().trim().max(2000).nullable().optional(),
  object: z.string().min(1).max(60),
  triggers: z.array(z.enum(TRIGGERS)).min(1).max(4),
  condition: z.array(z.unknown()).max(50).default([]),
  priority: z.number().int().min(0).max(1_000_000).default(100),
  active: z.boolean().default(true),
  nodes: z.array(nodeInput).min(1).max(20),
  snapshot_fields: z.array(z.string().max(60)).max(50).default([]),
  /** optimistic concurrency on replace */
  version: z.number().int().optional(),
});
export type ProcessInput = z.infer<typeof processInput>;

// --- responses ---

const UserRef = z.strictObject({ id: z.string(), name: z.string() }).meta({ id: 'ApprovalUserRef' });

export const ApprovalNode = z
  .strictObject({
    name: z.string(),
    kind: z.enum(NODE_KINDS),
    user_id: z.string().optional(),
    role: z.string().optional(),
    levels: z.number().int().optional(),
    user_ids: z.array(z.string()).optional(),
    mode: z.enum(['all', 'ratio']).optional(),
    ratio: z.number().optional(),
    condition: z.array(z.unknown()),
    timeout_hours: z.number().int().nullable(),
  })
  .meta({ id: 'ApprovalNode' });

export const ApprovalProcess = z
  .strictObject({
    id: z.string(),
    name: z.string(),
    description: z.string().nullable(),
    object: z.string(),
    triggers: z.array(z.enum(TRIGGERS)),
    condition: z.array(z.unknown()).describe('The records filter grammar, evaluated over the record'),
    priority: z.number().int(),
    active: z.boolean(),
    nodes: z.array(ApprovalNode),
    snapshot_fields: z.array(z.string()),
    version: z.number().int(),
    created_at: timestamp,
    updated_at: timestamp,
  })
  .meta({ id: 'ApprovalProcess' });

export const ApprovalTask = z
  .strictObject({
    id: z.string(),
    node_index: z.number().int(),
    approver: UserRef,
    status: z.enum(['pending', 'approved', 'rejected', 'returned', 'reassigned', 'cancelled']),
    comment: z.string().nullable(),
    reassigned_from: z.string().nullable(),
    created_at: timestamp,
    decided_at: timestamp.nullable(),
  })
  .meta({ id: 'ApprovalTask' });

export const ApprovalStep = z
  .strictObject({
    id: z.string(),
    node_index: z.number().int().nullable(),
    action: z.enum([
      'submit',
      'approve',
      'reject',
      'return',
      'withdraw',
      'reassign',
      'comment',
      'skip',
      'complete',
    ]),
    actor: UserRef.nullable(),
    comment: z.string().nullable(),
    meta: z.record(z.string(), z.unknown()),
    at: timestamp,
  })
  .meta({ id: 'ApprovalStep' });

export const ApprovalInstance = z
  .strictObject({
    id: z.string(),
    process_id: z.string(),
    process_name: z.string(),
    object: z.string(),
    record_id: z.string(),
    record_title: z.string().nullable(),
    trigger: z.enum(TRIGGERS),
    status: z.enum(['pending', 'approved', 'rejected', 'returned', 'withdrawn']),
    submitted_by: UserRef,
    submitted_at: timestamp,
    completed_at: timestamp.nullable(),
    current_node: z.number().int().nullable(),
    snapshot: z
      .record(z.string(), FieldValue)
      .describe('Record fields at submission (those the reader may see)'),
    nodes: z.array(
      z.strictObject({
        index: z.number().int(),
        name: z.string(),
        kind: z.enum(NODE_KINDS),
        skipped: z.boolean(),
        required: z.number().int(),
        timeout_hours: z.number().int().nullable(),
        approvers: z.array(UserRef),
      }),
    ),
    tasks: z.array(ApprovalTask),
    steps: z.array(ApprovalStep),
    my_task_id: z.string().nullable().describe("The reader's pending task on the current node"),
    can_withdraw: z.boolean(),
  })
  .meta({ id: 'ApprovalInstance' });

export const ApprovalInboxItem = z
  .strictObject({
    task_id: z.string(),
    instance_id: z.string(),
    process_name: z.string(),
    object: z.string(),
    record_id: z.string(),
    record_title: z.string().nullable(),
    node_index: z.number().int(),
    node_name: z.string(),
    submitted_by: UserRef,
    submitted_at: timestamp,
    task_created_at: timestamp,
    age_hours: z.number().describe('Hours since the task was created'),
    overdue: z.boolean().describe("Older than the node's timeout"),
    reassigned_from: z.string().nullable(),
    snapshot: z
      .record(z.string(), FieldValue)
      .describe('Record fields at submission (those the reader may see)'),
  })
  .meta({ id: 'ApprovalInboxItem' });

export const BatchApproveResult = z
  .strictObject({
    task_id: z.string(),
    ok: z.boolean(),
    instance_id: z.string().nullable(),
    status: z.enum(['pending', 'approved', 'rejected', 'returned', 'withdrawn']).nullable(),
    error: z.strictObject({ code: z.string(), key: z.string(), message: z.string() }).nullable(),
  })
  .meta({ id: 'ApprovalBatchResult' });

export const DepartmentHead = z
  .strictObject({
    department_id: z.string(),
    name: z.string(),
    parent_id: z.string().nullable(),
    head: UserRef.nullable(),
  })
  .meta({ id: 'ApprovalDepartmentHead' });
