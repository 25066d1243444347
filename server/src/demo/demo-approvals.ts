import { sql } from 'kysely';
import type { Platform } from '../platform/platform.ts';
import type { Actor } from '../platform/access/permissions.ts';
import { TenantDb } from '../platform/db/tenant-db.ts';
import { iso } from './demo-clock.ts';

/** ¥500,000 in fen: contracts from this amount up need the finance approval. */
export const BIG_CONTRACT = 50_000_000;

/**
 * The approval set-up a sales team starts with: each region's manager heads the region (the
 * admin heads 销售中心, so a manager's own submissions go up to the admin), and the quote
 * discount process — above 15 % off list or under 40 % margin to the sales manager (the
 * submitter's department head), above 25 % to the director (the admin) as well. Created before
 * the first quote so every demo quote goes through it.
 */
export async function createQuoteApprovalProcess(p: Platform, admin: Actor): Promise<void> {
  const tdb = TenantDb.for(p.db, admin.tenantId);
  const heads = await tdb.query(sql<{ id: string; head: string | null }>`
    select d.id, case when d.parent_id is null then ${admin.userId}::uuid else
      (select u.id from app_user u join role r on r.tenant_id = u.tenant_id and r.id = u.role_id
        where u.tenant_id = d.tenant_id and u.department_id = d.id and r.key = 'sales_manager' and u.status = 'active'
        order by u.created_at limit 1) end as head
    from department d where d.tenant_id = ${admin.tenantId} order by d.created_at`);
  for (const d of heads) if (d.head) await p.approvals.setDepartmentHead(admin, d.id, d.head);
  await p.approvals.createProcess(admin, {
    name: '报价折扣审批',
    description:
      '折扣超过 15% 或毛利率低于 40% 的报价须经销售经理审批；折扣超过 25% 还须总监审批（管理员自己的报价除外）',
    object: 'quote',
    triggers: ['manual'],
    priority: 100,
    condition: [
      {
        or: [
          { field: 'effective_discount', op: 'gt', value: 15 },
          { field: 'margin_percent', op: 'lt', value: 40 },
        ],
      },
      // the admin is the top approver: nobody above approves their own quotes
      { field: 'owner_id', op: 'ne', value: admin.userId },
    ],
    nodes: [
      { name: '销售经理审批', kind: 'department_head', condition: [], timeout_hours: 24 },
      {
        name: '销售总监审批（折扣超过 25%）',
        kind: 'role',
        role: 'admin',
        condition: [{ field: 'effective_discount', op: 'gt', value: 25 }],
        timeout_hours: 24,
      },
    ],
    snapshot_fields: ['number', 'account_id', 'net_total', 'effective_discount', 'margin_percent'],
  });
}

/**
 * Contracts of ¥500,000 and more need the finance approval (the admin stands in for finance).
 * Created after the won deals' contracts were signed: from now on a large contract is submitted
 * before it is signed.
 */
export async function createContractApprovalProcess(p: Platform, admin: Actor): Promise<void> {
  await p.approvals.createProcess(admin, {
    name: '大额合同审批',
    description: '合同金额 ¥500,000 及以上须经财务审批后才能签署（管理员自己的合同除外）',
    object: 'contract',
    triggers: ['manual'],
    priority: 100,
    condition: [
      { field: 'amount', op: 'gte', value: BIG_CONTRACT },
      { field: 'owner_id', op: 'ne', value: admin.userId },
    ],
    nodes: [{ name: '财务审批', kind: 'role', role: 'admin', condition: [], timeout_hours: 48 }],
    snapshot_fields: ['account_id', 'amount', 'sign_date'],
  });
}

export type Decision = { decision: 'approve' | 'reject'; comment: string };

/**
 * Decides a pending approval as whoever holds its current task, one decision per node, as long
 * as it is pending. Returns how many decisions were made.
 */
export async function decideAsApprovers(
  p: Platform,
  tdb: TenantDb,
  actorOf: (userId: string) => Promise<Actor>,
  instanceId: string,
  decisions: readonly Decision[],
): Promise<number> {
  let made = 0;
  for (const d of decisions) {
    const task = await tdb.one(sql<{ approver_id: string }>`select approver_id from approval_task
      where tenant_id = ${tdb.tenantId} and instance_id = ${instanceId} and status = 'pending'
      order by created_at, id limit 1`);
    if (!task) break;
    await p.approvals.decide(await actorOf(task.approver_id), instanceId, d.decision, { comment: d.comment });
    made++;
  }
  return made;
}

/**
 * Moves an approval's history into the past: the demo decides in milliseconds what took hours.
 * Every step of one transaction shares a timestamp (now()), so the i-th distinct moment of the
 * instance becomes `start + i × gap` — submission, then each decision — keeping the order.
 */
export async function backdateApproval(
  tdb: TenantDb,
  instanceId: string,
  start: number,
  gapMs: number,
): Promise<void> {
  const t = tdb.tenantId;
  const moments = await tdb.query(sql<{ m: string }>`select m::text as m from (
      select submitted_at as m from approval_instance where tenant_id = ${t} and id = ${instanceId}
      union select completed_at from approval_instance where tenant_id = ${t} and id = ${instanceId}
      union select created_at from approval_task where tenant_id = ${t} and instance_id = ${instanceId}
      union select decided_at from approval_task where tenant_id = ${t} and instance_id = ${instanceId}
      union select at from approval_step where tenant_id = ${t} and instance_id = ${instanceId}) x
    where m is not null order by m`);
  const olds = moments.map((x) => x.m);
  const news = olds.map((_, i) => iso(start + i * gapMs));
  const map = sql`unnest(${olds}::timestamptz[], ${news}::timestamptz[]) as v(old, new)`;
  const moved = (col: string) =>
    sql`coalesce((select v.new from ${map} where v.old = ${sql.ref(col)}), ${sql.ref(col)})`;
  await tdb.transaction(async (tx) => {
    await tx.exec0(sql`update approval_instance set submitted_at = ${moved('submitted_at')},
        completed_at = ${moved('completed_at')} where tenant_id = ${t} and id = ${instanceId}`);
    await tx.exec0(sql`update approval_task set created_at = ${moved('created_at')},
        decided_at = ${moved('decided_at')} where tenant_id = ${t} and instance_id = ${instanceId}`);
    await tx.exec0(sql`update approval_step set at = ${moved('at')}
      where tenant_id = ${t} and instance_id = ${instanceId}`);
  });
}
