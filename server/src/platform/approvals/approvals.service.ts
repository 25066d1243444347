import { sql, type RawBuilder } from 'kysely';
import type { z } from 'zod';
import type { Db } from '../db/pool.ts';
import { TenantDb } from '../db/tenant-db.ts';
import { isUuid, newId } from '../db/ids.ts';
import { can, fieldAccess, objectPermission, type Actor } from '../access/permissions.ts';
import { scopePredicate } from '../access/scope.sql.ts';
import { writeAudit } from '../audit/audit.ts';
import { emitEvents, type DomainEvent } from '../events/outbox.ts';
import { AppError, forbidden, invalid, notFound, serializeError, type FieldIssue } from '../http/errors.ts';
import { isLocale, type Locale } from '../i18n/i18n.ts';
import type { MetadataRegistry } from '../metadata/registry.ts';
import type { ObjectDef, Rec } from '../metadata/types.ts';
import { addNotifications } from '../notify/notify.service.ts';
import type { RecordsService } from '../records/records.service.ts';
import type { FilterNode } from '../records/query.rules.ts';
import { rowToRecord } from '../records/storage.ts';
import { checkCondition, conditionFields, matches } from './conditions.rules.ts';
import {
  canWithdraw,
  nextNode,
  nodeState,
  planNodes,
  type Department,
  type Directory,
  type NodeDef,
  type PlannedNode,
  type TaskStatus,
  type Trigger,
} from './flow.rules.ts';
import { processInput, type ProcessInput } from './approvals.schemas.ts';
import type {
  ApprovalContext,
  ApprovalHandler,
  ApprovalOutcomeKind,
  ApprovalStatus,
  ApprovalSubmission,
} from './approvals.types.ts';

type Row = Record<string, unknown>;

interface ProcessRow {
  id: string;
  name: string;
  description: string | null;
  object: string;
  triggers: Trigger[];
  condition: FilterNode[];
  priority: number;
  active: boolean;
  nodes: NodeDef[];
  snapshot_fields: string[];
  version: number;
  created_at: Date;
  updated_at: Date;
}

interface InstanceRow {
  id: string;
  process_id: string;
  process_name: string;
  object: string;
  record_id: string;
  record_title: string | null;
  trigger: Trigger;
  status: ApprovalStatus;
  submitted_by: string;
  snapshot: Rec;
  plan: PlannedNode[];
  current_node: number | null;
  submitted_at: Date;
  completed_at: Date | null;
}

interface TaskRow {
  id: string;
  instance_id: string;
  node_index: number;
  approver_id: string;
  status: TaskStatus;
  comment: string | null;
  reassigned_from: string | null;
  created_at: Date;
  decided_at: Date | null;
}

export type Decision = 'approve' | 'reject' | 'return';

const PROCESS_COLS = sql`id, name, description, object, triggers, condition, priority, active, nodes, snapshot_fields, version, created_at, updated_at`;
const INSTANCE_COLS = sql`id, process_id, process_name, object, record_id, record_title, trigger, status, submitted_by, snapshot, plan, current_node, submitted_at, completed_at`;

const TEXT = {
  task: {
    'zh-CN': (p: string, t: string, n: string) => `待审批：${p}「${t}」（${n}）`,
    'en-US': (p: string, t: string, n: string) => `To approve: ${p} “${t}” (${n})`,
  },
  reminder: {
    'zh-CN': (p: string, t: string, n: string) => `审批超时提醒：${p}「${t}」（${n}）`,
    'en-US': (p: string, t: string, n: string) => `Approval overdue: ${p} “${t}” (${n})`,
  },
  outcome: {
    'zh-CN': (o: string, p: string, t: string) => `审批${o}：${p}「${t}」`,
    'en-US': (o: string, p: string, t: string) => `Approval ${o}: ${p} “${t}”`,
  },
  outcomeWord: {
    'zh-CN': { approved: '已通过', rejected: '被驳回', returned: '被退回', withdrawn: '已撤回' },
    'en-US': { approved: 'approved', rejected: 'rejected', returned: 'returned', withdrawn: 'withdrawn' },
  },
} as const;

const zodIssues = (e: z.ZodError): FieldIssue[] =>
  e.issues.slice(0, 20).map((i) => {
    let field = '';
    for (const x of i.path) field += typeof x === 'number' ? `[${x}]` : field ? `.${String(x)}` : String(x);
    const missing = i.code === 'invalid_type' && i.message.endsWith('received undefined');
    return { field: field || 'body', issue: missing ? ('required' as const) : ('invalid_value' as const) };
  });

/** A tenant-wide actor for module follow-up writes an approval authorises (ApprovalContext.system). */
function systemActor(actor: Actor): Actor {
  return {
    tenantId: actor.tenantId,
    userId: null,
    apiKeyId: null,
    roleId: '',
    roleKey: 'system',
    isAdmin: true,
    permissions: { objects: {}, fields: {} },
    departmentId: null,
    subtreeDepartmentIds: [],
    locale: actor.locale,
    timeZone: actor.timeZone,
    currency: actor.currency,
  };
}

/**
 * Approval processes, submissions and decisions (DOMAIN.md §9). Every step writes its rows, an
 * audit entry, outbox events and notifications in one transaction, and calls the owning module's
 * ApprovalHandler in that transaction when a submission is stored or ends.
 */
export class ApprovalsService {
  constructor(
    private readonly db: Db,
    private readonly registry: MetadataRegistry,
    private readonly records: RecordsService,
    private readonly handlers: ReadonlyMap<string, ApprovalHandler>,
  ) {}

  private tdb(actor: Actor): TenantDb {
    return TenantDb.for(this.db, actor.tenantId);
  }

  // --- processes (admin) ---

  async listProcesses(actor: Actor, object?: string): Promise<ProcessRow[]> {
    if (!actor.isAdmin) throw forbidden();
    return this.tdb(actor).query(
      sql<ProcessRow>`select ${PROCESS_COLS} from approval_process where tenant_id = ${actor.tenantId}
        ${object ? sql`and object = ${object}` : sql``} order by object, priority, created_at`,
    );
  }

  async getProcess(actor: Actor, id: string): Promise<ProcessRow> {
    if (!actor.isAdmin) throw forbidden();
    const p = isUuid(id)
      ? await this.tdb(actor).one(
          sql<ProcessRow>`select ${PROCESS_COLS} from approval_process where tenant_id = ${actor.tenantId} and id = ${id}`,
        )
      : undefined;
    if (!p) throw notFound();
    return p;
  }

  async createProcess(actor: Actor, body: unknown): Promise<ProcessRow> {
    if (!actor.isAdmin) throw forbidden();
    const p = await this.checkProcess(actor.tenantId, body);
    const id = newId();
    return this.tdb(actor).transaction(async (tx) => {
      const row = await tx.one(sql<ProcessRow>`insert into approval_process
          (tenant_id, id, name, description, object, triggers, condition, priority, active, nodes, snapshot_fields, created_by)
        values (${tx.tenantId}, ${id}, ${p.name}, ${p.description ?? null}, ${p.object}, ${p.triggers}::text[],
          ${JSON.stringify(p.condition)}::jsonb, ${p.priority}, ${p.active}, ${JSON.stringify(p.nodes)}::jsonb,
          ${p.snapshot_fields}::text[], ${actor.userId})
        returning ${PROCESS_COLS}`);
      if (!row) throw new Error('insert returned nothing');
      await writeAudit(tx, actor, [
        { action: 'admin', object: 'approval_process', recordId: id, changes: { process: [null, row] } },
      ]);
      return row;
    });
  }

  async replaceProcess(actor: Actor, id: string, body: unknown): Promise<ProcessRow> {
    const before = await this.getProcess(actor, id);
    const p = await this.checkProcess(actor.tenantId, body);
    return this.tdb(actor).transaction(async (tx) => {
      // running instances keep the plan they were submitted with; only new submissions see this
      const row = await tx.one(sql<ProcessRow>`update approval_process set name = ${p.name},
          description = ${p.description ?? null}, object = ${p.object}, triggers = ${p.triggers}::text[],
          condition = ${JSON.stringify(p.condition)}::jsonb, priority = ${p.priority}, active = ${p.active},
          nodes = ${JSON.stringify(p.nodes)}::jsonb, snapshot_fields = ${p.snapshot_fields}::text[],
          version = version + 1, updated_at = now()
        where tenant_id = ${tx.tenantId} and id = ${id} ${p.version !== undefined ? sql`and version = ${p.version}` : sql``}
        returning ${PROCESS_COLS}`);
      if (!row) throw new AppError('conflict', 'version_conflict');
      await writeAudit(tx, actor, [
        { action: 'admin', object: 'approval_process', recordId: id, changes: { process: [before, row] } },
      ]);
      return row;
    });
  }

  async deleteProcess(actor: Actor, id: string): Promise<void> {
    const before = await this.getProcess(actor, id);
    await this.tdb(actor).transaction(async (tx) => {
      const used = await tx.one(
        sql`select 1 from approval_instance where tenant_id = ${tx.tenantId} and process_id = ${id} limit 1`,
      );
      if (used) throw new AppError('conflict', 'process_in_use');
      await tx.exec0(sql`delete from approval_process where tenant_id = ${tx.tenantId} and id = ${id}`);
      await writeAudit(tx, actor, [
        { action: 'admin', object: 'approval_process', recordId: id, changes: { process: [before, null] } },
      ]);
    });
  }

  /** Validates a process body against the object's fields, users and roles; 422 naming the field. */
  private async checkProcess(
    tenantId: string,
    body: unknown,
  ): Promise<Omit<ProcessInput, 'condition' | 'nodes'> & { condition: FilterNode[]; nodes: NodeDef[] }> {
    const parsed = processInput.safeParse(body ?? {});
    if (!parsed.success) throw invalid(zodIssues(parsed.error));
    const p = parsed.data;
    const obj = (await this.registry.objects(tenantId)).get(p.object);
    if (!obj) throw invalid([{ field: 'object', issue: 'invalid_value' }]);
    const fields = new Map(obj.fields.map((f) => [f.apiName, f]));
    const issues: FieldIssue[] = [];
    const condition = checkCondition(fields, p.condition, 'condition');
    issues.push(...condition.issues);
    p.snapshot_fields.forEach((f, i) => {
      if (!fields.has(f)) issues.push({ field: `snapshot_fields[${i}]`, issue: 'unknown_field' });
    });
    const tdb = TenantDb.for(this.db, tenantId);
    const userIds = [
      ...new Set(p.nodes.flatMap((n) => [...(n.user_id ? [n.user_id] : []), ...(n.user_ids ?? [])])),
    ];
    const roleKeys = [...new Set(p.nodes.flatMap((n) => (n.role ? [n.role] : [])))];
    const users = new Set(
      userIds.length
        ? (
            await tdb.query(
              sql<{
                id: string;
              }>`select id from app_user where tenant_id = ${tenantId} and status = 'active' and id = any(${userIds}::uuid[])`,
            )
          ).map((r) => r.id)
        : [],
    );
    const roles = new Set(
      roleKeys.length
        ? (
            await tdb.query(
              sql<{
                key: string;
              }>`select key from role where tenant_id = ${tenantId} and key = any(${roleKeys}::text[])`,
            )
          ).map((r) => r.key)
        : [],
    );
    const nodes = p.nodes.map((n, i): NodeDef => {
      const at = `nodes[${i}]`;
      const c = checkCondition(fields, n.condition, `${at}.condition`);
      issues.push(...c.issues);
      const base = { name: n.name, kind: n.kind, condition: c.nodes, timeout_hours: n.timeout_hours };
      const need = (key: string): void => {
        issues.push({ field: `${at}.${key}`, issue: 'required' });
      };
      const role = (): void => {
        if (n.role !== undefined && !roles.has(n.role))
          issues.push({ field: `${at}.role`, issue: 'invalid_reference' });
      };
      switch (n.kind) {
        case 'user':
          if (!n.user_id) need('user_id');
          else if (!users.has(n.user_id)) issues.push({ field: `${at}.user_id`, issue: 'invalid_reference' });
          return { ...base, user_id: n.user_id };
        case 'role':
          if (!n.role) need('role');
          role();
          return { ...base, role: n.role };
        case 'department_head':
          return base;
        case 'manager_levels':
          if (n.levels === undefined) need('levels');
          return { ...base, levels: n.levels };
        case 'countersign': {
          if (!n.user_ids?.length && !n.role) need('user_ids');
          (n.user_ids ?? []).forEach((u, j) => {
            if (!users.has(u)) issues.push({ field: `${at}.user_ids[${j}]`, issue: 'invalid_reference' });
          });
          role();
          if (!n.mode) need('mode');
          if (n.mode === 'ratio' && n.ratio === undefined) need('ratio');
          return {
            ...base,
            user_ids: n.user_ids ?? [],
            ...(n.role ? { role: n.role } : {}),
            mode: n.mode,
            ...(n.mode === 'ratio' ? { ratio: n.ratio } : {}),
          };
        }
      }
    });
    if (issues.length) throw invalid(issues);
    return { ...p, condition: condition.nodes, nodes: JSON.parse(JSON.stringify(nodes)) as NodeDef[] };
  }

  // --- department heads ---

  async departmentHeads(actor: Actor): Promise<
    Array<{
      department_id: string;
      name: string;
      parent_id: string | null;
      head: { id: string; name: string } | null;
    }>
  > {
    const rows = await this.tdb(actor).query(sql<{
      department_id: string;
      name: string;
      parent_id: string | null;
      head_id: string | null;
      head_name: string | null;
    }>`select d.id as department_id, d.name, d.parent_id, u.id as head_id, u.name as head_name
       from department d left join app_user u on u.tenant_id = d.tenant_id and u.id = d.head_user_id
       where d.tenant_id = ${actor.tenantId} order by d.created_at`);
    return rows.map((r) => ({
      department_id: r.department_id,
      name: r.name,
      parent_id: r.parent_id,
      head: r.head_id ? { id: r.head_id, name: r.head_name ?? '' } : null,
    }));
  }

  async setDepartmentHead(actor: Actor, departmentId: string, headUserId: string | null): Promise<void> {
    if (!actor.isAdmin) throw forbidden();
    if (!isUuid(departmentId)) throw notFound();
    await this.tdb(actor).transaction(async (tx) => {
      const d = await tx.one(
        sql<{
          head_user_id: string | null;
        }>`select head_user_id from department where tenant_id = ${tx.tenantId} and id = ${departmentId} for update`,
      );
      if (!d) throw notFound();
      if (
        headUserId !== null &&
        !(await tx.one(
          sql`select 1 from app_user where tenant_id = ${tx.tenantId} and id = ${headUserId} and status = 'active'`,
        ))
      )
        throw invalid([{ field: 'head_user_id', issue: 'invalid_reference' }]);
      await tx.exec0(
        sql`update department set head_user_id = ${headUserId} where tenant_id = ${tx.tenantId} and id = ${departmentId}`,
      );
      await writeAudit(tx, actor, [
        {
          action: 'admin',
          object: 'department',
          recordId: departmentId,
          changes: { head_user_id: [d.head_user_id, headUserId] },
        },
      ]);
    });
  }

  // --- submit ---

  /**
   * Submits a record to the first active process of its object that takes this trigger and whose
   * condition the record meets (lowest priority number first). Returns null when none applies —
   * the caller needs no approval. Modules pass their own transaction (`tx`) so the submission
   * commits with their write; the submitter must be able to read the record.
   */
  async submit(
    actor: Actor,
    input: { object: string; recordId: string; trigger: Trigger },
    outerTx?: TenantDb,
  ): Promise<ApprovalInstanceView | null> {
    if (!actor.userId) throw new AppError('forbidden', 'approval_needs_user');
    const submitter = actor.userId;
    const obj = await this.registry.get(actor.tenantId, input.object);
    if (!can(actor, obj.apiName, 'read')) throw forbidden();
    if (!isUuid(input.recordId)) throw notFound();
    const run = async (tx: TenantDb): Promise<string | null> => {
      // the record's row lock serialises this with edits (the records engine checks the lock under it)
      const row = await tx.one(
        sql<Row>`select t.*, ${this.readScope(actor, obj)} as __readable from ${sql.table(obj.table)} t
          where t.tenant_id = ${tx.tenantId} and t.id = ${input.recordId} and t.deleted_at is null
          ${obj.isCustom ? sql`and t.object = ${obj.apiName}` : sql``} for update`,
      );
      if (!row || row.__readable !== true) throw notFound();
      if (
        await tx.one(
          sql`select 1 from approval_instance where tenant_id = ${tx.tenantId} and object = ${obj.apiName} and record_id = ${input.recordId} and status = 'pending'`,
        )
      )
        throw new AppError('conflict', 'approval_pending_exists');
      const rec = rowToRecord(obj, row);
      const types = new Map(obj.fields.map((f) => [f.apiName, f.type]));
      const processes = await tx.query(
        sql<ProcessRow>`select ${PROCESS_COLS} from approval_process where tenant_id = ${tx.tenantId} and object = ${obj.apiName}
          and active and ${input.trigger} = any(triggers) order by priority, created_at`,
      );
      const process = processes.find((p) => matches(types, rec, p.condition));
      if (!process) return null;

      const { plan, missing } = planNodes(
        process.nodes,
        types,
        rec,
        { id: submitter, departmentId: actor.departmentId },
        await this.directory(tx, process.nodes),
      );
      if (missing.length)
        throw invalid(
          missing.map((i) => ({
            field: `process.nodes[${i}]`,
            issue: 'approver_not_found' as const,
            params: { name: process.nodes[i]?.name ?? '' },
          })),
        );
      const keep = new Set([
        obj.nameField,
        ...conditionFields(process.condition),
        ...process.nodes.flatMap((n) => conditionFields(n.condition)),
        ...process.snapshot_fields,
      ]);
      const snapshot = Object.fromEntries([...keep].filter((k) => k in rec).map((k) => [k, rec[k]]));
      const rawTitle = rec[obj.nameField];
      const title = rawTitle === null || rawTitle === undefined ? null : String(rawTitle);
      const id = newId();
      const submission: ApprovalSubmission = {
        instanceId: id,
        processId: process.id,
        processName: process.name,
        object: obj.apiName,
        recordId: input.recordId,
        trigger: input.trigger,
        submittedBy: submitter,
      };
      const handler = this.handlers.get(obj.apiName);
      if (handler?.onSubmitted)
        await this.callHandler(tx, actor, (ctx) => handler.onSubmitted?.(ctx, submission));

      const first = nextNode(plan, -1);
      await tx.exec0(sql`insert into approval_instance (tenant_id, id, process_id, process_name, object, record_id,
          record_title, trigger, submitted_by, snapshot, plan, current_node)
        values (${tx.tenantId}, ${id}, ${process.id}, ${process.name}, ${obj.apiName}, ${input.recordId}, ${title},
          ${input.trigger}, ${submitter}, ${JSON.stringify(snapshot)}::jsonb, ${JSON.stringify(plan)}::jsonb, ${first?.index ?? null})`);
      await this.step(tx, id, null, 'submit', submitter, null, { trigger: input.trigger });
      for (const n of plan.filter((x) => x.skipped))
        await this.step(tx, id, n.index, 'skip', null, null, { reason: 'condition' });
      const inst = await this.lockInstance(tx, id);
      await this.audit(tx, actor, inst, 'submit', {});
      await emitEvents(tx, submitter, [
        this.event('approval.submitted', inst, submitter, {
          trigger: input.trigger,
          node_index: first?.index ?? null,
          approvers: first?.approvers ?? [],
        }),
      ]);
      if (first) await this.enterNode(tx, inst, first);
      else {
        // every node's condition was false: nothing to decide, the submission passes at once
        await this.step(tx, id, null, 'complete', null, null, {
          outcome: 'approved',
          reason: 'no_node_applies',
        });
        await this.finish(tx, actor, inst, 'approved', null);
      }
      return id;
    };
    const id = outerTx ? await outerTx.transaction(run) : await this.tdb(actor).transaction(run);
    if (id === null) return null;
    const tx = outerTx ?? this.tdb(actor);
    const [view] = await this.views(tx, actor, [id]);
    return view ?? null;
  }

  /** The read scope of the actor on the object over alias `t` (as the records engine reads). */
  private readScope(actor: Actor, obj: ObjectDef): RawBuilder<boolean> {
    if (objectPermission(actor, obj.apiName).scope === 'all') return sql<boolean>`true`;
    const scope = scopePredicate(actor, obj.apiName);
    const extra = obj.extraReadScope?.(actor);
    return extra ? sql<boolean>`(${scope} or ${extra})` : scope;
  }

  /** Departments, active users of the roles the nodes name, and which named users are active. */
  private async directory(tx: TenantDb, nodes: readonly NodeDef[]): Promise<Directory> {
    const t = tx.tenantId;
    const depts = await tx.query(
      sql<Department>`select id, parent_id, head_user_id from department where tenant_id = ${t}`,
    );
    const roleKeys = [...new Set(nodes.flatMap((n) => (n.role ? [n.role] : [])))];
    const roleUsers = roleKeys.length
      ? await tx.query(sql<{ id: string; key: string }>`select u.id, r.key from app_user u
          join role r on r.tenant_id = u.tenant_id and r.id = u.role_id
          where u.tenant_id = ${t} and u.status = 'active' and r.key = any(${roleKeys}::text[]) order by u.created_at, u.id`)
      : [];
    const usersByRole = new Map<string, string[]>();
    for (const r of roleUsers) usersByRole.set(r.key, [...(usersByRole.get(r.key) ?? []), r.id]);
    const named = [
      ...new Set([
        ...nodes.flatMap((n) => [...(n.user_id ? [n.user_id] : []), ...(n.user_ids ?? [])]),
        ...depts.flatMap((d) => (d.head_user_id ? [d.head_user_id] : [])),
      ]),
    ];
    const active = named.length
      ? await tx.query(
          sql<{
            id: string;
          }>`select id from app_user where tenant_id = ${t} and status = 'active' and id = any(${named}::uuid[])`,
        )
      : [];
    return {
      depts: new Map(depts.map((d) => [d.id, d])),
      usersByRole,
      activeUsers: new Set(active.map((a) => a.id)),
    };
  }

  // --- decisions ---

  /**
   * Approve, reject or return: the actor's pending task on the current node (a specific task
   * when `taskId` is given, as the batch does). Reject and return need a comment.
   */
  async decide(
    actor: Actor,
    instanceId: string,
    decision: Decision,
    input: { comment?: string | undefined },
    taskId?: string,
  ): Promise<ApprovalInstanceView> {
    const comment = input.comment?.trim() || null;
    if (decision !== 'approve' && !comment) throw invalid([{ field: 'comment', issue: 'required' }]);
    await this.tdb(actor).transaction(async (tx) => {
      const inst = await this.pendingInstance(tx, actor, instanceId);
      const task = await this.myTask(tx, actor, inst, taskId);
      const status: TaskStatus =
        decision === 'approve' ? 'approved' : decision === 'reject' ? 'rejected' : 'returned';
      await tx.exec0(sql`update approval_task set status = ${status}, comment = ${comment}, decided_at = now()
        where tenant_id = ${tx.tenantId} and id = ${task.id}`);
      await this.step(tx, inst.id, task.node_index, decision, actor.userId, comment, { task_id: task.id });
      await this.audit(tx, actor, inst, decision, { node_index: task.node_index, comment });
      const node = inst.plan[task.node_index];
      if (!node) throw new Error(`instance ${inst.id} has no node ${task.node_index}`);
      const tasks = await tx.query(
        sql<{
          status: TaskStatus;
        }>`select status from approval_task where tenant_id = ${tx.tenantId} and instance_id = ${inst.id} and node_index = ${node.index}`,
      );
      const state = nodeState(node, tasks);
      const nodeInfo = { node_index: node.index, node_name: node.name, comment };
      if (state === 'rejected' || state === 'returned') {
        await emitEvents(tx, actor.userId, [
          this.event(
            state === 'rejected' ? 'approval.rejected' : 'approval.returned',
            inst,
            actor.userId,
            nodeInfo,
          ),
        ]);
        await this.finish(tx, actor, inst, state, comment);
        return;
      }
      await emitEvents(tx, actor.userId, [
        this.event('approval.approved', inst, actor.userId, {
          ...nodeInfo,
          node_complete: state === 'approved',
        }),
      ]);
      if (state === 'pending') return;
      // the node passed: approvers who did not get to it are done too
      await tx.exec0(sql`update approval_task set status = 'cancelled', decided_at = now()
        where tenant_id = ${tx.tenantId} and instance_id = ${inst.id} and node_index = ${node.index} and status = 'pending'`);
      const next = nextNode(inst.plan, node.index);
      if (next) await this.enterNode(tx, inst, next);
      else await this.finish(tx, actor, inst, 'approved', comment);
    });
    return this.view(actor, instanceId);
  }

  /** The submitter takes the submission back while nobody has decided on the current node. */
  async withdraw(
    actor: Actor,
    instanceId: string,
    input: { comment?: string | undefined },
  ): Promise<ApprovalInstanceView> {
    const comment = input.comment?.trim() || null;
    await this.tdb(actor).transaction(async (tx) => {
      const inst = await this.pendingInstance(tx, actor, instanceId);
      if (actor.userId !== inst.submitted_by) throw new AppError('forbidden', 'not_submitter');
      const tasks = await tx.query(
        sql<{
          status: TaskStatus;
        }>`select status from approval_task where tenant_id = ${tx.tenantId} and instance_id = ${inst.id} and node_index = ${inst.current_node}`,
      );
      if (!canWithdraw(tasks)) throw new AppError('conflict', 'withdraw_not_allowed');
      await this.step(tx, inst.id, inst.current_node, 'withdraw', actor.userId, comment, {});
      await this.audit(tx, actor, inst, 'withdraw', { comment });
      await emitEvents(tx, actor.userId, [
        this.event('approval.withdrawn', inst, actor.userId, { node_index: inst.current_node, comment }),
      ]);
      await this.finish(tx, actor, inst, 'withdrawn', comment);
    });
    return this.view(actor, instanceId);
  }

  /** The current approver hands their task to another active user (not the submitter, not already on it). */
  async reassign(
    actor: Actor,
    instanceId: string,
    input: { to_user_id: string; task_id?: string | undefined; comment?: string | undefined },
  ): Promise<ApprovalInstanceView> {
    const comment = input.comment?.trim() || null;
    await this.tdb(actor).transaction(async (tx) => {
      const inst = await this.pendingInstance(tx, actor, instanceId);
      // an admin may move anyone's pending task of the current node (an approver who left)
      const task =
        actor.isAdmin && input.task_id
          ? await this.pendingTask(tx, inst, input.task_id)
          : await this.myTask(tx, actor, inst, input.task_id);
      const to = input.to_user_id;
      if (
        !(await tx.one(
          sql`select 1 from app_user where tenant_id = ${tx.tenantId} and id = ${to} and status = 'active'`,
        ))
      )
        throw invalid([{ field: 'to_user_id', issue: 'invalid_reference' }]);
      if (to === inst.submitted_by) throw invalid([{ field: 'to_user_id', issue: 'is_submitter' }]);
      if (
        await tx.one(sql`select 1 from approval_task where tenant_id = ${tx.tenantId} and instance_id = ${inst.id}
          and node_index = ${task.node_index} and approver_id = ${to} and status in ('pending', 'approved')`)
      )
        throw invalid([{ field: 'to_user_id', issue: 'already_approver' }]);
      await tx.exec0(sql`update approval_task set status = 'reassigned', comment = ${comment}, decided_at = now()
        where tenant_id = ${tx.tenantId} and id = ${task.id}`);
      const newTask = newId();
      await tx.exec0(sql`insert into approval_task (tenant_id, id, instance_id, node_index, approver_id, reassigned_from)
        values (${tx.tenantId}, ${newTask}, ${inst.id}, ${task.node_index}, ${to}, ${task.id})`);
      await this.step(tx, inst.id, task.node_index, 'reassign', actor.userId, comment, {
        from_task_id: task.id,
        from_user_id: task.approver_id,
        task_id: newTask,
        to_user_id: to,
      });
      await this.audit(tx, actor, inst, 'reassign', { node_index: task.node_index, to_user_id: to, comment });
      await emitEvents(tx, actor.userId, [
        this.event('approval.reassigned', inst, actor.userId, {
          node_index: task.node_index,
          from_user_id: task.approver_id,
          to_user_id: to,
          comment,
        }),
      ]);
      const node = inst.plan[task.node_index];
      await this.notifyUsers(
        tx,
        [to],
        'approval.task',
        (l) => TEXT.task[l](inst.process_name, inst.record_title ?? '', node?.name ?? ''),
        inst,
      );
    });
    return this.view(actor, instanceId);
  }

  /** A comment by the submitter, an approver (any node) or an admin; any status. */
  async comment(
    actor: Actor,
    instanceId: string,
    input: { comment?: string | undefined },
  ): Promise<ApprovalInstanceView> {
    const comment = input.comment?.trim() || null;
    if (!comment) throw invalid([{ field: 'comment', issue: 'required' }]);
    await this.tdb(actor).transaction(async (tx) => {
      const inst = await this.lockInstance(tx, instanceId);
      if (!actor.userId) throw new AppError('forbidden', 'approval_needs_user');
      if (!actor.isAdmin && !(await this.participates(tx, actor.userId, inst)))
        throw new AppError('forbidden', 'not_participant');
      await this.step(tx, inst.id, inst.current_node, 'comment', actor.userId, comment, {});
      await this.audit(tx, actor, inst, 'comment', { comment });
      await emitEvents(tx, actor.userId, [this.event('approval.commented', inst, actor.userId, { comment })]);
    });
    return this.view(actor, instanceId);
  }

  /**
   * Approves several tasks, each in its own transaction: one that cannot be approved (decided
   * meanwhile, not the actor's) does not hold back the others. Answers one result per task.
   */
  async batchApprove(
    actor: Actor,
    input: { task_ids: string[]; comment?: string | undefined },
  ): Promise<
    Array<{
      task_id: string;
      ok: boolean;
      instance_id: string | null;
      status: ApprovalStatus | null;
      error: { code: string; key: string; message: string } | null;
    }>
  > {
    const out = [];
    for (const taskId of [...new Set(input.task_ids)]) {
      const t = await this.tdb(actor).one(
        sql<{
          instance_id: string;
        }>`select instance_id from approval_task where tenant_id = ${actor.tenantId} and id = ${taskId} and approver_id = ${actor.userId}`,
      );
      try {
        if (!t) throw new AppError('forbidden', 'not_current_approver');
        const v = await this.decide(actor, t.instance_id, 'approve', input, taskId);
        out.push({ task_id: taskId, ok: true, instance_id: v.id, status: v.status, error: null });
      } catch (e) {
        if (!(e instanceof AppError)) throw e;
        const { code, key, message } = serializeError(e, actor.locale).error;
        out.push({
          task_id: taskId,
          ok: false,
          instance_id: t?.instance_id ?? null,
          status: null,
          error: { code, key, message },
        });
      }
    }
    return out;
  }

  // --- reads ---

  /** The actor's pending tasks, oldest first. */
  async inbox(actor: Actor): Promise<InboxItem[]> {
    if (!actor.userId) return [];
    const rows = await this.tdb(actor).query(sql<
      InboxItem & { submitter_id: string; submitter_name: string; timeout_hours: number | null }
    >`
      select t.id as task_id, t.instance_id, i.process_name, i.object, i.record_id, i.record_title, t.node_index,
             coalesce(i.plan->t.node_index->>'name', '') as node_name, i.submitted_by as submitter_id,
             u.name as submitter_name, i.submitted_at, t.created_at as task_created_at, t.reassigned_from,
             round((extract(epoch from now() - t.created_at) / 3600)::numeric, 1)::float8 as age_hours,
             (i.plan->t.node_index->>'timeout_hours')::int as timeout_hours, i.snapshot
      from approval_task t
      join approval_instance i on i.tenant_id = t.tenant_id and i.id = t.instance_id
      join app_user u on u.tenant_id = i.tenant_id and u.id = i.submitted_by
      where t.tenant_id = ${actor.tenantId} and t.approver_id = ${actor.userId} and t.status = 'pending'
      order by t.created_at, t.id limit 500`);
    return rows.map(({ submitter_id, submitter_name, timeout_hours, ...r }) => ({
      ...r,
      submitted_by: { id: submitter_id, name: submitter_name },
      snapshot: Object.fromEntries(
        Object.entries(r.snapshot).filter(([k]) => fieldAccess(actor, r.object, k) !== 'hidden'),
      ),
      overdue: timeout_hours !== null && r.age_hours >= timeout_hours,
    }));
  }

  /**
   * A record's approval history, newest first: every submission for readers of the record, only
   * those they took part in (submitted or had a task on) for others.
   */
  async history(actor: Actor, object: string, recordId: string): Promise<ApprovalInstanceView[]> {
    const obj = await this.registry.get(actor.tenantId, object);
    if (!isUuid(recordId)) return [];
    const tdb = this.tdb(actor);
    const readable =
      can(actor, obj.apiName, 'read') &&
      (
        await tdb.one(
          sql<{ ok: boolean }>`select ${this.readScope(actor, obj)} as ok from ${sql.table(obj.table)} t
          where t.tenant_id = ${actor.tenantId} and t.id = ${recordId} ${obj.isCustom ? sql`and t.object = ${obj.apiName}` : sql``}`,
        )
      )?.ok === true;
    const ids = await tdb.query(sql<{ id: string }>`select i.id from approval_instance i
      where i.tenant_id = ${actor.tenantId} and i.object = ${obj.apiName} and i.record_id = ${recordId}
      ${readable ? sql`` : this.participantFilter(actor)}
      order by i.submitted_at desc, i.id desc limit 100`);
    return this.views(
      tdb,
      actor,
      ids.map((r) => r.id),
    );
  }

  /** My submissions, newest first (≤ 100), optionally of one status. */
  async mySubmissions(actor: Actor, status?: ApprovalStatus): Promise<ApprovalInstanceView[]> {
    if (!actor.userId) return [];
    const tdb = this.tdb(actor);
    const ids = await tdb.query(sql<{ id: string }>`select id from approval_instance
      where tenant_id = ${actor.tenantId} and submitted_by = ${actor.userId} ${status ? sql`and status = ${status}` : sql``}
      order by submitted_at desc, id desc limit 100`);
    return this.views(
      tdb,
      actor,
      ids.map((r) => r.id),
    );
  }

  /** One instance, for readers of its record, participants and admins. */
  async view(actor: Actor, instanceId: string): Promise<ApprovalInstanceView> {
    if (!isUuid(instanceId)) throw notFound();
    const tdb = this.tdb(actor);
    const inst = await tdb.one(
      sql<{
        object: string;
        record_id: string;
      }>`select object, record_id from approval_instance where tenant_id = ${actor.tenantId} and id = ${instanceId}`,
    );
    if (!inst) throw notFound();
    const [v] = (await this.history(actor, inst.object, inst.record_id)).filter((x) => x.id === instanceId);
    if (v) return v;
    // older than the history page, or not visible
    const [w] = actor.isAdmin ? await this.views(tdb, actor, [instanceId]) : [];
    if (!w) throw notFound();
    return w;
  }

  private participantFilter(actor: Actor): RawBuilder<boolean> {
    if (actor.isAdmin) return sql<boolean>``;
    if (!actor.userId) return sql<boolean>`and false`;
    return sql<boolean>`and (i.submitted_by = ${actor.userId} or exists (select 1 from approval_task x
      where x.tenant_id = i.tenant_id and x.instance_id = i.id and x.approver_id = ${actor.userId}))`;
  }

  private async views(tdb: TenantDb, actor: Actor, ids: string[]): Promise<ApprovalInstanceView[]> {
    if (!ids.length) return [];
    const t = actor.tenantId;
    const insts = await tdb.query(
      sql<InstanceRow>`select ${INSTANCE_COLS} from approval_instance where tenant_id = ${t} and id = any(${ids}::uuid[])`,
    );
    const tasks = await tdb.query(
      sql<TaskRow>`select id, instance_id, node_index, approver_id, status, comment, reassigned_from, created_at, decided_at
        from approval_task where tenant_id = ${t} and instance_id = any(${ids}::uuid[]) order by created_at, id`,
    );
    const steps = await tdb.query(sql<{
      id: string;
      instance_id: string;
      node_index: number | null;
      action: ApprovalStepView['action'];
      actor_user_id: string | null;
      comment: string | null;
      meta: Record<string, unknown>;
      at: Date;
    }>`select id, instance_id, node_index, action, actor_user_id, comment, meta, at from approval_step
        where tenant_id = ${t} and instance_id = any(${ids}::uuid[]) order by at, id`);
    const userIds = [
      ...new Set([
        ...insts.flatMap((i) => [i.submitted_by, ...i.plan.flatMap((n) => n.approvers)]),
        ...tasks.map((x) => x.approver_id),
        ...steps.flatMap((s) => (s.actor_user_id ? [s.actor_user_id] : [])),
      ]),
    ];
    const names = new Map(
      (
        await tdb.query(
          sql<{
            id: string;
            name: string;
          }>`select id, name from app_user where tenant_id = ${t} and id = any(${userIds}::uuid[])`,
        )
      ).map((u) => [u.id, u.name]),
    );
    const ref = (id: string): { id: string; name: string } => ({ id, name: names.get(id) ?? '' });
    const byId = new Map(insts.map((i) => [i.id, i]));
    return ids.flatMap((id): ApprovalInstanceView[] => {
      const i = byId.get(id);
      if (!i) return [];
      const mine = tasks.filter((x) => x.instance_id === i.id);
      const current = mine.filter((x) => x.node_index === i.current_node);
      const myTask =
        i.status === 'pending'
          ? current.find((x) => x.status === 'pending' && x.approver_id === actor.userId)
          : undefined;
      return [
        {
          id: i.id,
          process_id: i.process_id,
          process_name: i.process_name,
          object: i.object,
          record_id: i.record_id,
          record_title: i.record_title,
          trigger: i.trigger,
          status: i.status,
          submitted_by: ref(i.submitted_by),
          submitted_at: i.submitted_at.toISOString(),
          completed_at: i.completed_at?.toISOString() ?? null,
          current_node: i.current_node,
          snapshot: Object.fromEntries(
            Object.entries(i.snapshot).filter(([k]) => fieldAccess(actor, i.object, k) !== 'hidden'),
          ),
          nodes: i.plan.map((n) => ({
            index: n.index,
            name: n.name,
            kind: n.kind,
            skipped: n.skipped,
            required: n.required,
            timeout_hours: n.timeout_hours,
            approvers: n.approvers.map(ref),
          })),
          tasks: mine.map((x) => ({
            id: x.id,
            node_index: x.node_index,
            approver: ref(x.approver_id),
            status: x.status,
            comment: x.comment,
            reassigned_from: x.reassigned_from,
            created_at: x.created_at.toISOString(),
            decided_at: x.decided_at?.toISOString() ?? null,
          })),
          steps: steps
            .filter((s) => s.instance_id === i.id)
            .map((s) => ({
              id: s.id,
              node_index: s.node_index,
              action: s.action,
              actor: s.actor_user_id ? ref(s.actor_user_id) : null,
              comment: s.comment,
              meta: s.meta,
              at: s.at.toISOString(),
            })),
          my_task_id: myTask?.id ?? null,
          can_withdraw: i.status === 'pending' && i.submitted_by === actor.userId && canWithdraw(current),
        },
      ];
    });
  }

  // --- reminders (job) ---

  /**
   * Notifies approvers of pending tasks older than their node's timeout at `moment`, once per
   * task (reminded_at). Rows another run holds are skipped, so overlapping runs send nothing twice.
   */
  async remindOverdue(tx: TenantDb, moment: RawBuilder<unknown>): Promise<number> {
    const due = await tx.query(sql<{
      id: string;
      approver_id: string;
      instance_id: string;
      node_index: number;
    }>`update approval_task t set reminded_at = now()
      where t.tenant_id = ${tx.tenantId} and t.id in (
        select x.id from approval_task x
        join approval_instance i on i.tenant_id = x.tenant_id and i.id = x.instance_id
        where x.tenant_id = ${tx.tenantId} and x.status = 'pending' and x.reminded_at is null
          and (i.plan->x.node_index->>'timeout_hours') is not null
          and x.created_at + make_interval(hours => (i.plan->x.node_index->>'timeout_hours')::int) <= ${moment}
        order by x.created_at limit 5000 for update of x skip locked)
      returning t.id, t.approver_id, t.instance_id, t.node_index`);
    if (!due.length) return 0;
    const insts = new Map(
      (
        await tx.query(
          sql<InstanceRow>`select ${INSTANCE_COLS} from approval_instance where tenant_id = ${tx.tenantId} and id = any(${[...new Set(due.map((d) => d.instance_id))]}::uuid[])`,
        )
      ).map((i) => [i.id, i]),
    );
    for (const d of due) {
      const inst = insts.get(d.instance_id);
      if (!inst) continue;
      const node = inst.plan[d.node_index]?.name ?? '';
      await this.notifyUsers(
        tx,
        [d.approver_id],
        'approval.reminder',
        (l) => TEXT.reminder[l](inst.process_name, inst.record_title ?? '', node),
        inst,
      );
    }
    return due.length;
  }

  // --- internals ---

  private async lockInstance(tx: TenantDb, id: string): Promise<InstanceRow> {
    const inst = isUuid(id)
      ? await tx.one(
          sql<InstanceRow>`select ${INSTANCE_COLS} from approval_instance where tenant_id = ${tx.tenantId} and id = ${id} for update`,
        )
      : undefined;
    if (!inst) throw notFound();
    return inst;
  }

  private async pendingInstance(tx: TenantDb, actor: Actor, id: string): Promise<InstanceRow> {
    if (!actor.userId) throw new AppError('forbidden', 'approval_needs_user');
    const inst = await this.lockInstance(tx, id);
    if (inst.status !== 'pending') throw new AppError('conflict', 'approval_not_pending');
    return inst;
  }

  /** The actor's pending task on the current node, else 403 not_current_approver. */
  private async myTask(tx: TenantDb, actor: Actor, inst: InstanceRow, taskId?: string): Promise<TaskRow> {
    const task =
      await tx.one(sql<TaskRow>`select id, instance_id, node_index, approver_id, status, comment, reassigned_from, created_at, decided_at
      from approval_task where tenant_id = ${tx.tenantId} and instance_id = ${inst.id} and node_index = ${inst.current_node}
        and approver_id = ${actor.userId} and status = 'pending' ${taskId ? sql`and id = ${taskId}` : sql``}
      limit 1 for update`);
    if (!task) throw new AppError('forbidden', 'not_current_approver');
    return task;
  }

  private async pendingTask(tx: TenantDb, inst: InstanceRow, taskId: string): Promise<TaskRow> {
    const task =
      await tx.one(sql<TaskRow>`select id, instance_id, node_index, approver_id, status, comment, reassigned_from, created_at, decided_at
      from approval_task where tenant_id = ${tx.tenantId} and instance_id = ${inst.id} and node_index = ${inst.current_node}
        and id = ${taskId} and status = 'pending' for update`);
    if (!task) throw invalid([{ field: 'task_id', issue: 'invalid_reference' }]);
    return task;
  }

  private async participates(tx: TenantDb, userId: string, inst: InstanceRow): Promise<boolean> {
    if (inst.submitted_by === userId) return true;
    return !!(await tx.one(
      sql`select 1 from approval_task where tenant_id = ${tx.tenantId} and instance_id = ${inst.id} and approver_id = ${userId}`,
    ));
  }

  private async enterNode(tx: TenantDb, inst: InstanceRow, node: PlannedNode): Promise<void> {
    await tx.exec0(
      sql`update approval_instance set current_node = ${node.index}, version = version + 1 where tenant_id = ${tx.tenantId} and id = ${inst.id}`,
    );
    for (const a of node.approvers)
      await tx.exec0(sql`insert into approval_task (tenant_id, id, instance_id, node_index, approver_id)
        values (${tx.tenantId}, ${newId()}, ${inst.id}, ${node.index}, ${a})`);
    await this.notifyUsers(
      tx,
      node.approvers,
      'approval.task',
      (l) => TEXT.task[l](inst.process_name, inst.record_title ?? '', node.name),
      inst,
    );
  }

  /** Ends the instance: open tasks cancelled, record unlocked, submitter told, module called back. */
  private async finish(
    tx: TenantDb,
    actor: Actor,
    inst: InstanceRow,
    outcome: ApprovalOutcomeKind,
    comment: string | null,
  ): Promise<void> {
    await tx.exec0(sql`update approval_task set status = 'cancelled', decided_at = now()
      where tenant_id = ${tx.tenantId} and instance_id = ${inst.id} and status = 'pending'`);
    await tx.exec0(sql`update approval_instance set status = ${outcome}, current_node = null, completed_at = now(), version = version + 1
      where tenant_id = ${tx.tenantId} and id = ${inst.id}`);
    await this.audit(tx, actor, inst, 'complete', { outcome });
    await emitEvents(tx, actor.userId, [
      this.event('approval.completed', inst, actor.userId, { outcome, comment }),
    ]);
    if (actor.userId !== inst.submitted_by)
      await this.notifyUsers(
        tx,
        [inst.submitted_by],
        'approval.outcome',
        (l) => TEXT.outcome[l](TEXT.outcomeWord[l][outcome], inst.process_name, inst.record_title ?? ''),
        inst,
      );
    const handler = this.handlers.get(inst.object);
    if (handler)
      await this.callHandler(tx, actor, (ctx) =>
        handler.onOutcome(ctx, {
          instanceId: inst.id,
          processId: inst.process_id,
          processName: inst.process_name,
          object: inst.object,
          recordId: inst.record_id,
          trigger: inst.trigger,
          submittedBy: inst.submitted_by,
          outcome,
          comment,
        }),
      );
  }

  private async callHandler(
    tx: TenantDb,
    actor: Actor,
    fn: (ctx: ApprovalContext) => Promise<void> | undefined,
  ): Promise<void> {
    const events: DomainEvent[] = [];
    await fn({
      tx,
      actor,
      system: systemActor(actor),
      records: this.records,
      emit: (type, payload) => {
        events.push({ type, payload, ...(typeof payload.id === 'string' ? { recordId: payload.id } : {}) });
      },
    });
    await emitEvents(tx, actor.userId, events);
  }

  private async step(
    tx: TenantDb,
    instanceId: string,
    nodeIndex: number | null,
    action: ApprovalStepView['action'],
    actorUserId: string | null,
    comment: string | null,
    meta: Record<string, unknown>,
  ): Promise<void> {
    await tx.exec0(sql`insert into approval_step (tenant_id, id, instance_id, node_index, action, actor_user_id, comment, meta)
      values (${tx.tenantId}, ${newId()}, ${instanceId}, ${nodeIndex}, ${action}, ${actorUserId}, ${comment}, ${JSON.stringify(meta)}::jsonb)`);
  }

  private async audit(
    tx: TenantDb,
    actor: Actor,
    inst: InstanceRow,
    step: string,
    meta: Record<string, unknown>,
  ): Promise<void> {
    await writeAudit(tx, actor, [
      {
        action: 'approval',
        object: inst.object,
        recordId: inst.record_id,
        changes: {},
        meta: {
          step,
          instance_id: inst.id,
          process_id: inst.process_id,
          process: inst.process_name,
          ...meta,
        },
      },
    ]);
  }

  private event(
    type: string,
    inst: InstanceRow,
    actorUserId: string | null,
    extra: Record<string, unknown>,
  ): DomainEvent {
    return {
      type,
      object: inst.object,
      recordId: inst.record_id,
      payload: {
        instance_id: inst.id,
        process_id: inst.process_id,
        process_name: inst.process_name,
        object: inst.object,
        record_id: inst.record_id,
        submitted_by: inst.submitted_by,
        actor_user_id: actorUserId,
        ...extra,
      },
    };
  }

  /** In-app notifications in each recipient's language, linking to the record. */
  private async notifyUsers(
    tx: TenantDb,
    userIds: string[],
    kind: string,
    title: (l: Locale) => string,
    inst: InstanceRow,
  ): Promise<void> {
    if (!userIds.length) return;
    const rows = await tx.query(sql<{
      id: string;
      lang: string | null;
    }>`select u.id, coalesce(u.locale, tn.locale) as lang
      from app_user u join tenant tn on tn.id = u.tenant_id where u.tenant_id = ${tx.tenantId} and u.id = any(${userIds}::uuid[])`);
    await addNotifications(
      tx,
      rows.map((r) => ({
        userId: r.id,
        kind,
        title: title(isLocale(r.lang) ? r.lang : 'zh-CN'),
        link: `/o/${inst.object}/${inst.record_id}`,
      })),
    );
  }
}

export interface InboxItem {
  task_id: string;
  instance_id: string;
  process_name: string;
  object: string;
  record_id: string;
  record_title: string | null;
  node_index: number;
  node_name: string;
  submitted_by: { id: string; name: string };
  submitted_at: Date;
  task_created_at: Date;
  age_hours: number;
  overdue: boolean;
  reassigned_from: string | null;
  /** the record's fields at submission (those the reader may see) */
  snapshot: Rec;
}

export interface ApprovalStepView {
  id: string;
  node_index: number | null;
  action:
    'submit' | 'approve' | 'reject' | 'return' | 'withdraw' | 'reassign' | 'comment' | 'skip' | 'complete';
  actor: { id: string; name: string } | null;
  comment: string | null;
  meta: Record<string, unknown>;
  at: string;
}

export interface ApprovalInstanceView {
  id: string;
  process_id: string;
  process_name: string;
  object: string;
  record_id: string;
  record_title: string | null;
  trigger: Trigger;
  status: ApprovalStatus;
  submitted_by: { id: string; name: string };
  submitted_at: string;
  completed_at: string | null;
  current_node: number | null;
  snapshot: Rec;
  nodes: Array<{
    index: number;
    name: string;
    kind: PlannedNode['kind'];
    skipped: boolean;
    required: number;
    timeout_hours: number | null;
    approvers: Array<{ id: string; name: string }>;
  }>;
  tasks: Array<{
    id: string;
    node_index: number;
    approver: { id: string; name: string };
    status: TaskStatus;
    comment: string | null;
    reassigned_from: string | null;
    created_at: string;
    decided_at: string | null;
  }>;
  steps: ApprovalStepView[];
  my_task_id: string | null;
  can_withdraw: boolean;
}
