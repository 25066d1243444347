import { sql } from 'kysely';
import type { Db } from '../db/pool.ts';
import { TenantDb } from '../db/tenant-db.ts';
import { newId, isUuid } from '../db/ids.ts';
import { AppError, invalid, notFound, type FieldIssue } from '../http/errors.ts';
import { rolePermissionsSchema, type Actor, type RolePermissions } from '../access/permissions.ts';
import { writeAudit } from '../audit/audit.ts';
import type { Labels } from '../i18n/i18n.ts';
import { checkPassword, hashPassword } from './passwords.ts';

export interface UserView {
  id: string;
  email: string;
  name: string;
  role_id: string;
  role_key: string;
  department_id: string | null;
  partner_account_id: string | null;
  status: string;
  locale: string | null;
  totp_enabled: boolean;
  locked_until: Date | null;
  created_at: Date;
}

export interface RoleView {
  id: string;
  key: string;
  name: Labels;
  is_admin: boolean;
  permissions: RolePermissions;
  version: number;
}

export interface DepartmentView {
  id: string;
  name: string;
  parent_id: string | null;
}

const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Users, departments and roles of one tenant (admin screens and the CLI). */
export class UsersService {
  constructor(private readonly db: Db) {}

  private tdb(tenantId: string): TenantDb {
    return TenantDb.for(this.db, tenantId);
  }

  async listUsers(tenantId: string): Promise<UserView[]> {
    return this.tdb(tenantId).query(sql<UserView>`
      select u.id, u.email, u.name, u.role_id, r.key as role_key, u.department_id, u.partner_account_id, u.status, u.locale, u.totp_enabled, u.locked_until, u.created_at
      from app_user u join role r on r.tenant_id = u.tenant_id and r.id = u.role_id
      where u.tenant_id = ${tenantId} order by u.created_at`);
  }

  async getUser(tenantId: string, id: string): Promise<UserView> {
    if (!isUuid(id)) throw notFound();
    const u = (await this.listUsers(tenantId)).find((x) => x.id === id);
    if (!u) throw notFound();
    return u;
  }

  async createUser(
    actor: Pick<Actor, 'tenantId' | 'userId' | 'apiKeyId'>,
    input: {
      email: string;
      name: string;
      password: string;
      role: string;
      department_id?: string | null;
      partner_account_id?: string | null;
      locale?: string | null;
    },
  ): Promise<UserView> {
    const tdb = this.tdb(actor.tenantId);
    const issues: FieldIssue[] = [];
    const email = input.email.trim().toLowerCase();
    if (!EMAIL_RE.test(email)) issues.push({ field: 'email', issue: 'invalid_email' });
    if (!input.name.trim()) issues.push({ field: 'name', issue: 'required' });
    issues.push(...checkPassword(input.password, email));
    const role = await tdb.one(
      sql<{ id: string }>`select id from role where tenant_id = ${actor.tenantId} and key = ${input.role}`,
    );
    if (!role) issues.push({ field: 'role', issue: 'invalid_option', params: { value: input.role } });
    if (input.department_id !== undefined && input.department_id !== null)
      await this.checkDepartment(tdb, input.department_id, issues);
    if (input.partner_account_id) await this.checkPartner(tdb, input.partner_account_id, issues);
    if (issues.length) throw invalid(issues);
    const dup = await tdb.one(
      sql<{ id: string }>`select id from app_user where tenant_id = ${actor.tenantId} and email = ${email}`,
    );
    if (dup) throw new AppError('conflict', 'duplicate_value', [{ field: 'email', issue: 'in_use' }]);
    const id = newId();
    const h = await hashPassword(input.password);
    await tdb.transaction(async (tx) => {
      await tx.exec0(
        sql`insert into app_user (tenant_id, id, email, name, password_hash, role_id, department_id, partner_account_id, locale) values (${actor.tenantId}, ${id}, ${email}, ${input.name.trim()}, ${h}, ${role?.id}, ${input.department_id ?? null}, ${input.partner_account_id ?? null}, ${input.locale ?? null})`,
      );
      await writeAudit(tx, actor, [
        {
          action: 'admin',
          object: 'user',
          recordId: id,
          changes: {
            email: [null, email],
            name: [null, input.name],
            role: [null, input.role],
            ...(input.partner_account_id ? { partner_account_id: [null, input.partner_account_id] } : {}),
          },
        },
      ]);
    });
    return this.getUser(actor.tenantId, id);
  }

  private async checkDepartment(
    tdb: TenantDb,
    id: string,
    issues: FieldIssue[],
    field = 'department_id',
  ): Promise<void> {
    if (
      !isUuid(id) ||
      !(await tdb.one(sql`select 1 from department where tenant_id = ${tdb.tenantId} and id = ${id}`))
    )
      issues.push({ field, issue: 'invalid_reference' });
  }

  /** A partner user's partner must be a live account of type partner. */
  private async checkPartner(tdb: TenantDb, id: string, issues: FieldIssue[]): Promise<void> {
    if (
      !isUuid(id) ||
      !(await tdb.one(
        sql`select 1 from account where tenant_id = ${tdb.tenantId} and id = ${id} and type = 'partner' and deleted_at is null`,
      ))
    )
      issues.push({ field: 'partner_account_id', issue: 'invalid_reference' });
  }

  async updateUser(
    actor: Actor,
    id: string,
    input: {
      name?: string;
      role?: string;
      department_id?: string | null;
      partner_account_id?: string | null;
      status?: 'active' | 'disabled';
      locale?: string | null;
    },
  ): Promise<UserView> {
    const before = await this.getUser(actor.tenantId, id);
    const tdb = this.tdb(actor.tenantId);
    const issues: FieldIssue[] = [];
    let roleId: string | undefined;
    if (input.role !== undefined) {
      const role = await tdb.one(
        sql<{ id: string }>`select id from role where tenant_id = ${actor.tenantId} and key = ${input.role}`,
      );
      if (!role) issues.push({ field: 'role', issue: 'invalid_option', params: { value: input.role } });
      roleId = role?.id;
    }
    if (input.department_id !== undefined && input.department_id !== null)
      await this.checkDepartment(tdb, input.department_id, issues);
    if (input.partner_account_id) await this.checkPartner(tdb, input.partner_account_id, issues);
    if (input.name !== undefined && !input.name.trim()) issues.push({ field: 'name', issue: 'required' });
    if (issues.length) throw invalid(issues);
    await tdb.transaction(async (tx) => {
      await tx.exec0(sql`update app_user set
          name = coalesce(${input.name?.trim() ?? null}, name),
          role_id = coalesce(${roleId ?? null}::uuid, role_id),
          department_id = case when ${input.department_id !== undefined} then ${input.department_id ?? null}::uuid else department_id end,
          partner_account_id = case when ${input.partner_account_id !== undefined} then ${input.partner_account_id ?? null}::uuid else partner_account_id end,
          status = coalesce(${input.status ?? null}, status),
          locale = case when ${input.locale !== undefined} then ${input.locale ?? null} else locale end,
          updated_at = now(), version = version + 1
        where tenant_id = ${actor.tenantId} and id = ${id}`);
      if (input.status === 'disabled')
        await tx.exec0(
          sql`update session set revoked_at = now() where tenant_id = ${actor.tenantId} and user_id = ${id} and revoked_at is null`,
        );
      const changes: Record<string, [unknown, unknown]> = {};
      if (input.name !== undefined) changes.name = [before.name, input.name];
      if (input.role !== undefined) changes.role = [before.role_key, input.role];
      if (input.department_id !== undefined)
        changes.department_id = [before.department_id, input.department_id];
      if (input.partner_account_id !== undefined)
        changes.partner_account_id = [before.partner_account_id, input.partner_account_id];
      if (input.status !== undefined) changes.status = [before.status, input.status];
      await writeAudit(tx, actor, [{ action: 'admin', object: 'user', recordId: id, changes }]);
    });
    return this.getUser(actor.tenantId, id);
  }

  /** An admin sets a new password (policy applies); the user's sessions end and any lock is lifted. */
  async resetPassword(actor: Actor, id: string, password: string): Promise<void> {
    const u = await this.getUser(actor.tenantId, id);
    const issues = checkPassword(password, u.email);
    if (issues.length) throw new AppError('validation_failed', 'weak_password', issues);
    const h = await hashPassword(password);
    await this.tdb(actor.tenantId).transaction(async (tx) => {
      await tx.exec0(
        sql`update app_user set password_hash = ${h}, failed_logins = 0, locked_until = null, updated_at = now() where tenant_id = ${actor.tenantId} and id = ${id}`,
      );
      await tx.exec0(
        sql`update session set revoked_at = now() where tenant_id = ${actor.tenantId} and user_id = ${id} and revoked_at is null`,
      );
      await writeAudit(tx, actor, [
        {
          action: 'admin',
          object: 'user',
          recordId: id,
          changes: { password: ['***', '***'] },
          meta: { kind: 'reset_password' },
        },
      ]);
    });
  }

  async unlockUser(actor: Actor, id: string): Promise<void> {
    await this.getUser(actor.tenantId, id);
    await this.tdb(actor.tenantId).transaction(async (tx) => {
      await tx.exec0(
        sql`update app_user set locked_until = null, failed_logins = 0 where tenant_id = ${actor.tenantId} and id = ${id}`,
      );
      await writeAudit(tx, actor, [
        { action: 'admin', object: 'user', recordId: id, changes: { locked_until: ['locked', null] } },
      ]);
    });
  }

  async listDepartments(tenantId: string): Promise<DepartmentView[]> {
    return this.tdb(tenantId).query(
      sql<DepartmentView>`select id, name, parent_id from department where tenant_id = ${tenantId} order by created_at`,
    );
  }

  async createDepartment(
    actor: Pick<Actor, 'tenantId' | 'userId' | 'apiKeyId'>,
    input: { name: string; parent_id?: string | null },
  ): Promise<DepartmentView> {
    const tdb = this.tdb(actor.tenantId);
    const issues: FieldIssue[] = [];
    if (!input.name.trim()) issues.push({ field: 'name', issue: 'required' });
    if (input.parent_id !== undefined && input.parent_id !== null)
      await this.checkDepartment(tdb, input.parent_id, issues, 'parent_id');
    if (issues.length) throw invalid(issues);
    const id = newId();
    await tdb.transaction(async (tx) => {
      await tx.exec0(
        sql`insert into department (tenant_id, id, name, parent_id) values (${actor.tenantId}, ${id}, ${input.name.trim()}, ${input.parent_id ?? null})`,
      );
      await writeAudit(tx, actor, [
        {
          action: 'admin',
          object: 'department',
          recordId: id,
          changes: { name: [null, input.name], parent_id: [null, input.parent_id ?? null] },
        },
      ]);
    });
    return { id, name: input.name.trim(), parent_id: input.parent_id ?? null };
  }

  async updateDepartment(
    actor: Actor,
    id: string,
    input: { name?: string; parent_id?: string | null },
  ): Promise<DepartmentView> {
    const all = await this.listDepartments(actor.tenantId);
    const before = all.find((d) => d.id === id);
    if (!before) throw notFound();
    const issues: FieldIssue[] = [];
    if (input.name !== undefined && !input.name.trim()) issues.push({ field: 'name', issue: 'required' });
    if (input.parent_id !== undefined && input.parent_id !== null) {
      if (!all.some((d) => d.id === input.parent_id))
        issues.push({ field: 'parent_id', issue: 'invalid_reference' });
      // Refuse cycles: the new parent may not be the department itself or below it.
      let cur: string | null | undefined = input.parent_id;
      while (cur) {
        if (cur === id) {
          issues.push({ field: 'parent_id', issue: 'invalid_value' });
          break;
        }
        cur = all.find((d) => d.id === cur)?.parent_id;
      }
    }
    if (issues.length) throw invalid(issues);
    const after = {
      ...before,
      ...(input.name !== undefined ? { name: input.name.trim() } : {}),
      ...(input.parent_id !== undefined ? { parent_id: input.parent_id } : {}),
    };
    await this.tdb(actor.tenantId).transaction(async (tx) => {
      await tx.exec0(
        sql`update department set name = ${after.name}, parent_id = ${after.parent_id} where tenant_id = ${actor.tenantId} and id = ${id}`,
      );
      await writeAudit(tx, actor, [
        {
          action: 'admin',
          object: 'department',
          recordId: id,
          changes: { name: [before.name, after.name], parent_id: [before.parent_id, after.parent_id] },
        },
      ]);
    });
    return after;
  }

  async listRoles(tenantId: string): Promise<RoleView[]> {
    return this.tdb(tenantId).query(
      sql<RoleView>`select id, key, name, is_admin, permissions, version from role where tenant_id = ${tenantId} order by created_at`,
    );
  }

  async createRole(
    actor: Actor,
    input: { key: string; name: Labels; permissions: unknown },
  ): Promise<RoleView> {
    const parsed = rolePermissionsSchema.safeParse(input.permissions ?? {});
    const issues: FieldIssue[] = [];
    if (!/^[a-z][a-z0-9_]{0,39}$/.test(input.key)) issues.push({ field: 'key', issue: 'invalid_value' });
    if (!parsed.success) issues.push({ field: 'permissions', issue: 'invalid_value' });
    if (issues.length || !parsed.success) throw invalid(issues);
    const tdb = this.tdb(actor.tenantId);
    if (await tdb.one(sql`select 1 from role where tenant_id = ${actor.tenantId} and key = ${input.key}`))
      throw new AppError('conflict', 'duplicate_value', [{ field: 'key', issue: 'in_use' }]);
    const id = newId();
    await tdb.transaction(async (tx) => {
      await tx.exec0(
        sql`insert into role (tenant_id, id, key, name, permissions) values (${actor.tenantId}, ${id}, ${input.key}, ${JSON.stringify(input.name)}::jsonb, ${JSON.stringify(parsed.data)}::jsonb)`,
      );
      await writeAudit(tx, actor, [
        {
          action: 'admin',
          object: 'role',
          recordId: id,
          changes: { key: [null, input.key], permissions: [null, parsed.data] },
        },
      ]);
    });
    return { id, key: input.key, name: input.name, is_admin: false, permissions: parsed.data, version: 1 };
  }

  async updateRole(
    actor: Actor,
    id: string,
    input: { name?: Labels; permissions?: unknown; version?: number },
  ): Promise<RoleView> {
    const roles = await this.listRoles(actor.tenantId);
    const before = roles.find((r) => r.id === id);
    if (!before) throw notFound();
    if (input.version !== undefined && input.version !== before.version)
      throw new AppError('conflict', 'version_conflict');
    let permissions = before.permissions;
    if (input.permissions !== undefined) {
      const parsed = rolePermissionsSchema.safeParse(input.permissions);
      if (!parsed.success) throw invalid([{ field: 'permissions', issue: 'invalid_value' }]);
      permissions = parsed.data;
    }
    const name = input.name ?? before.name;
    await this.tdb(actor.tenantId).transaction(async (tx) => {
      await tx.exec0(
        sql`update role set name = ${JSON.stringify(name)}::jsonb, permissions = ${JSON.stringify(permissions)}::jsonb, version = version + 1 where tenant_id = ${actor.tenantId} and id = ${id}`,
      );
      await writeAudit(tx, actor, [
        {
          action: 'admin',
          object: 'role',
          recordId: id,
          changes: { permissions: [before.permissions, permissions], name: [before.name, name] },
        },
      ]);
    });
    return { ...before, name, permissions, version: before.version + 1 };
  }
}
