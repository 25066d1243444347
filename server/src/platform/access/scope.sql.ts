import { sql, type RawBuilder } from 'kysely';
import { objectPermission, type Actor } from './permissions.ts';

/**
 * The record scope of a role on an object as a SQL predicate over alias `t` (a table with
 * owner_id). Every list, get, update, export and report goes through this one function, so a
 * future scope (e.g. partner company) is added here once.
 */
export function scopePredicate(actor: Actor, object: string): RawBuilder<boolean> {
  const { scope } = objectPermission(actor, object);
  if (scope === 'all') return sql<boolean>`true`;
  if (actor.userId === null) return sql<boolean>`false`;
  const own = sql<boolean>`t.owner_id = ${actor.userId}`;
  if (scope === 'own' || actor.departmentId === null) return own;
  const depts = scope === 'department' ? [actor.departmentId] : actor.subtreeDepartmentIds;
  return sql<boolean>`(${own} or t.owner_id in (select u.id from app_user u where u.tenant_id = ${actor.tenantId} and u.department_id = any(${depts}::uuid[])))`;
}
