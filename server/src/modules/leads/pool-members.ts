import { sql, type RawBuilder } from 'kysely';
import type { Actor } from '../../platform/access/permissions.ts';
import type { TenantDb } from '../../platform/db/tenant-db.ts';

/*
 * Pool membership is per user (`lead_pool_member`) or per department (`lead_pool_department`):
 * a department row covers everyone in that department and its sub-departments (the same tree
 * the `subtree` record scope walks). These helpers are the one place that expands both, so
 * claim, visibility, assignment and the timer alerts agree on who is a member.
 */

/** A department and every department above it: a pool row on any of them covers its people. */
const ancestorsOf = (tenantId: string, start: RawBuilder<unknown>): RawBuilder<unknown> =>
  sql`with recursive anc(id) as (
      select d.id from department d where d.tenant_id = ${tenantId} and d.id = (${start})
      union all
      select d.parent_id from department d join anc on d.id = anc.id
      where d.tenant_id = ${tenantId} and d.parent_id is not null)
    select id from anc`;

/** Pool ids the actor belongs to, directly or through their department (a subquery). */
export function myPoolsSql(a: Actor): RawBuilder<unknown> {
  const direct = sql`select m.pool_id from lead_pool_member m where m.tenant_id = ${a.tenantId} and m.user_id = ${a.userId}`;
  if (!a.departmentId) return direct;
  return sql`${direct} union select pd.pool_id from lead_pool_department pd
    where pd.tenant_id = ${a.tenantId} and pd.department_id in (${ancestorsOf(a.tenantId, sql`${a.departmentId}::uuid`)})`;
}

/** The strongest role a user has in a pool (admin beats member), directly or by department. */
export async function effectivePoolRole(
  tx: TenantDb,
  poolId: string,
  userId: string,
): Promise<'admin' | 'member' | null> {
  const t = tx.tenantId;
  const userDept = sql`select u.department_id from app_user u where u.tenant_id = ${t} and u.id = ${userId}`;
  const rows = await tx.query(sql<{ role: 'admin' | 'member' }>`
    select role from lead_pool_member where tenant_id = ${t} and pool_id = ${poolId} and user_id = ${userId}
    union all
    select pd.role from lead_pool_department pd
    where pd.tenant_id = ${t} and pd.pool_id = ${poolId} and pd.department_id in (${ancestorsOf(t, userDept)})`);
  if (rows.some((r) => r.role === 'admin')) return 'admin';
  return rows.length ? 'member' : null;
}

/**
 * Everyone who is a member of the pool (with `role`: only admins), as a subquery of user ids:
 * direct members plus the people of member departments and their sub-departments.
 */
export function poolUsersSql(tenantId: string, poolId: string, role?: 'admin'): RawBuilder<unknown> {
  const roleIs = role ? sql`and role = ${role}` : sql``;
  return sql`select user_id from lead_pool_member where tenant_id = ${tenantId} and pool_id = ${poolId} ${roleIs}
    union
    select u.id from app_user u where u.tenant_id = ${tenantId} and u.department_id in (
      with recursive sub(id) as (
        select department_id from lead_pool_department where tenant_id = ${tenantId} and pool_id = ${poolId} ${roleIs}
        union
        select d.id from department d join sub on d.parent_id = sub.id where d.tenant_id = ${tenantId})
      select id from sub)`;
}
