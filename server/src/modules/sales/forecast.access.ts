// Who may see and manage whose forecast, targets and funnel. There is no "head of department" in
// the identity model: a manager is whoever may update opportunities beyond their own (record
// scope department, subtree or all) — the sales_manager role — or an admin. They manage the
// departments their scope covers. Reading follows the opportunity record scope (own /
// department / subtree / all), applied in SQL through scopePredicate.
import { sql, type RawBuilder } from 'kysely';
import { can, objectPermission, type Actor } from '../../platform/access/permissions.ts';
import { scopePredicate } from '../../platform/access/scope.sql.ts';
import type { TenantDb } from '../../platform/db/tenant-db.ts';
import { isUuid } from '../../platform/db/ids.ts';
import { AppError, forbidden, invalid } from '../../platform/http/errors.ts';
import { subtreeOf } from './forecast.rules.ts';

export type DepartmentSet = 'all' | string[];

/** Departments whose people the actor reads (their opportunity record scope). */
export function readableDepartments(actor: Actor): DepartmentSet {
  const { scope } = objectPermission(actor, 'opportunity');
  if (scope === 'all') return 'all';
  if (scope === 'subtree') return actor.subtreeDepartmentIds;
  if (scope === 'department') return actor.departmentId ? [actor.departmentId] : [];
  return [];
}

/** Departments the actor manages (submit for, adjust, set targets): managers' scope, admins all. */
export function managedDepartments(actor: Actor): DepartmentSet {
  if (actor.isAdmin) return 'all';
  if (!can(actor, 'opportunity', 'update')) return [];
  return readableDepartments(actor);
}

export const isManager = (actor: Actor): boolean => {
  const m = managedDepartments(actor);
  return m === 'all' || m.length > 0;
};

export const inSet = (set: DepartmentSet, id: string | null): boolean =>
  set === 'all' || (id !== null && set.includes(id));

/** The opportunity record scope over alias `t` (the one mechanism of the platform). */
export function opportunityScope(actor: Actor): RawBuilder<boolean> {
  if (!can(actor, 'opportunity', 'read')) throw forbidden();
  return objectPermission(actor, 'opportunity').scope === 'all'
    ? sql<boolean>`true`
    : scopePredicate(actor, 'opportunity');
}

export interface UserRef {
  id: string;
  name: string;
  department_id: string | null;
}

/** A user of the tenant, or a 422 naming `field` when the id is not one. */
export async function requireUser(tdb: TenantDb, id: string, field: string): Promise<UserRef> {
  const u = isUuid(id)
    ? await tdb.one(
        sql<UserRef>`select id, name, department_id from app_user where tenant_id = ${tdb.tenantId} and id = ${id}`,
      )
    : undefined;
  if (!u) throw invalid([{ field, issue: 'invalid_reference' }]);
  return u;
}

/** A department of the tenant, or a 422 naming `field`. */
export async function requireDepartment(tdb: TenantDb, id: string, field: string): Promise<string> {
  const d = isUuid(id)
    ? await tdb.one(
        sql<{ id: string }>`select id from department where tenant_id = ${tdb.tenantId} and id = ${id}`,
      )
    : undefined;
  if (!d) throw invalid([{ field, issue: 'invalid_reference' }]);
  return d.id;
}

/** May the actor read this user's deals (the record scope, user by user)? */
export function canReadUser(actor: Actor, u: UserRef): boolean {
  if (!can(actor, 'opportunity', 'read')) return false;
  return u.id === actor.userId || inSet(readableDepartments(actor), u.department_id);
}

export function canManageUser(actor: Actor, u: UserRef): boolean {
  return inSet(managedDepartments(actor), u.department_id);
}

/** Every department and its parent (small: one row per department of the tenant). */
export async function departmentTree(
  tdb: TenantDb,
): Promise<Array<{ id: string; parent_id: string | null; name: string }>> {
  return tdb.query(
    sql<{
      id: string;
      parent_id: string | null;
      name: string;
    }>`select id, parent_id, name from department where tenant_id = ${tdb.tenantId}`,
  );
}

/** The ids of the users in a department's subtree. */
export async function subtreeUserIds(tdb: TenantDb, departmentId: string): Promise<string[]> {
  const ids = subtreeOf(await departmentTree(tdb), departmentId);
  const rows = await tdb.query(
    sql<{
      id: string;
    }>`select id from app_user where tenant_id = ${tdb.tenantId} and department_id = any(${ids}::uuid[])`,
  );
  return rows.map((r) => r.id);
}

/** 403 unless the actor may read the department (their scope covers it). */
export function assertReadableDepartment(actor: Actor, departmentId: string): void {
  if (!inSet(readableDepartments(actor), departmentId)) throw forbidden();
}

export const badField = (
  field: string,
  issue: 'invalid_date' | 'invalid_value' = 'invalid_value',
): AppError => new AppError('bad_request', 'bad_request', [{ field, issue }]);
