import { sql, type RawBuilder } from 'kysely';
import type { Actor } from '../../platform/access/permissions.ts';
import { can, objectPermission } from '../../platform/access/permissions.ts';
import { scopePredicate } from '../../platform/access/scope.sql.ts';

/** Pools the actor is a member (or admin) of; with `adminOnly`, the ones the actor administers. */
export const myAccountPools = (a: Actor, adminOnly = false): RawBuilder<unknown> =>
  sql`select m.pool_id from account_pool_member m where m.tenant_id = ${a.tenantId} and m.user_id = ${a.userId}${
    adminOnly ? sql` and m.role = 'admin'` : sql``
  }`;

/** Accounts the actor is on the team of (with edit access when `editOnly`). */
export const myTeamAccounts = (a: Actor, editOnly = false): RawBuilder<unknown> =>
  sql`select tm.account_id from account_team_member tm where tm.tenant_id = ${a.tenantId} and tm.user_id = ${a.userId}${
    editOnly ? sql` and tm.access = 'edit'` : sql``
  }`;

/**
 * Customers served by the actor as their success manager (account.csm_id) or, for a partner user,
 * through their partner (account.partner_id) — with a department or subtree scope on accounts,
 * also those served by CSMs of those departments (a CS director sees the team's book), over alias
 * `t`.
 */
export function servedAccounts(a: Actor, alias = 't'): RawBuilder<boolean> {
  if (a.userId === null) return sql<boolean>`false`;
  const col = sql.ref(`${alias}.csm_id`);
  // a partner user serves the partner's customers as a CSM serves their book
  const me = a.partnerAccountId
    ? sql<boolean>`(${col} = ${a.userId} or ${sql.ref(`${alias}.partner_id`)} = ${a.partnerAccountId})`
    : sql<boolean>`${col} = ${a.userId}`;
  const { scope } = objectPermission(a, 'account');
  if (scope === 'all') return sql<boolean>`true`;
  if (scope === 'own' || a.departmentId === null) return me;
  const depts = scope === 'department' ? [a.departmentId] : a.subtreeDepartmentIds;
  return sql<boolean>`(${me} or ${col} in (select u.id from app_user u where u.tenant_id = ${a.tenantId} and u.department_id = any(${depts}::uuid[])))`;
}

/**
 * Beyond the record scope, over alias `t`: accounts waiting in my pools, every account of the pools
 * I administer (to assign, transfer and watch them), accounts I am on the team of, accounts I
 * serve as CSM (or my CS team does).
 */
export const accountExtraRead = (a: Actor): RawBuilder<boolean> =>
  sql<boolean>`((t.state = 'pool' and t.pool_id in (${myAccountPools(a)})) or t.pool_id in (${myAccountPools(a, true)}) or t.id in (${myTeamAccounts(a)}) or ${servedAccounts(a)})`;

/** Team members with edit access and the customer's CSM may update the account (not delete it, not move it). */
export const accountExtraWrite = (a: Actor): RawBuilder<boolean> =>
  sql<boolean>`(t.id in (${myTeamAccounts(a, true)}) or (${a.userId === null ? sql`false` : sql`t.csm_id = ${a.userId}`}))`;

/** Contacts of accounts I am on the team of or serve as CSM. */
export const contactExtraRead = (a: Actor): RawBuilder<boolean> =>
  sql<boolean>`(t.account_id in (${myTeamAccounts(a)}) or t.account_id in (select t.id from account t where t.tenant_id = ${a.tenantId} and ${servedAccounts(a)}))`;

/** Whether the actor may read accounts, as a predicate over alias `t` (false when not at all). */
export function accountReadPredicate(a: Actor): RawBuilder<boolean> {
  if (!can(a, 'account', 'read')) return sql<boolean>`false`;
  if (objectPermission(a, 'account').scope === 'all') return sql<boolean>`true`;
  return sql<boolean>`(${scopePredicate(a, 'account')} or ${accountExtraRead(a)})`;
}
