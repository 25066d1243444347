import crypto from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../db/pool.ts';
import { TenantDb } from '../db/tenant-db.ts';
import { newId } from '../db/ids.ts';
import { AppError, invalid } from '../http/errors.ts';
import { checkPassword, hashPassword } from './passwords.ts';
import { defaultRoles, type StandardObject } from './roles.rules.ts';
import { invalidateActors } from './actor.ts';

export interface NewTenant {
  slug: string;
  name: string;
  adminEmail: string;
  adminPassword: string;
  adminName?: string;
  timeZone?: string;
  currency?: string;
  locale?: 'zh-CN' | 'en-US';
}

export interface TenantRow {
  id: string;
  slug: string;
  name: string;
  time_zone: string;
  currency: string;
  locale: string;
  settings: TenantSettings;
}

export interface TenantSettings {
  security?: {
    lockoutThreshold?: number;
    lockoutMinutes?: number;
    sessionIdleMinutes?: number;
    sessionAbsoluteHours?: number;
  };
  smtp?: { host: string; port: number; secure?: boolean; user?: string; password?: string; from: string };
  [k: string]: unknown;
}

const SLUG_RE = /^[a-z0-9][a-z0-9-]{1,39}$/;

export async function findTenantBySlug(db: Db, slug: string): Promise<TenantRow | undefined> {
  const r =
    await sql<TenantRow>`select id, slug, name, time_zone, currency, locale, settings from tenant where slug = ${slug}`.execute(
      db.kysely,
    );
  return r.rows[0];
}

export async function findTenantById(db: Db, id: string): Promise<TenantRow | undefined> {
  const r =
    await sql<TenantRow>`select id, slug, name, time_zone, currency, locale, settings from tenant where id = ${id}`.execute(
      db.kysely,
    );
  return r.rows[0];
}

export async function listTenants(db: Db): Promise<TenantRow[]> {
  const r =
    await sql<TenantRow>`select id, slug, name, time_zone, currency, locale, settings from tenant order by created_at`.execute(
      db.kysely,
    );
  return r.rows;
}

/** Creates a tenant with its default roles, a root department and its first admin. */
export async function createTenant(
  db: Db,
  t: NewTenant,
  standardObjects: StandardObject[],
): Promise<{ tenantId: string; adminUserId: string }> {
  const issues = [];
  if (!SLUG_RE.test(t.slug)) issues.push({ field: 'slug', issue: 'invalid_value' as const });
  if (!t.name.trim()) issues.push({ field: 'name', issue: 'required' as const });
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(t.adminEmail))
    issues.push({ field: 'admin_email', issue: 'invalid_email' as const });
  issues.push(...checkPassword(t.adminPassword, t.adminEmail, 'admin_password'));
  if (issues.length) throw invalid(issues);
  if (await findTenantBySlug(db, t.slug))
    throw new AppError('conflict', 'duplicate_value', [{ field: 'slug', issue: 'in_use' }]);
  const tenantId = newId();
  const passwordHash = await hashPassword(t.adminPassword);
  const tdb = TenantDb.for(db, tenantId);
  const adminUserId = newId();
  await tdb.transaction(async (tx) => {
    await tx.exec0(
      sql`insert into tenant (id, slug, name, time_zone, currency, locale) values (${tenantId}, ${t.slug}, ${t.name.trim()}, ${t.timeZone ?? 'Asia/Shanghai'}, ${t.currency ?? 'CNY'}, ${t.locale ?? 'zh-CN'})`,
    );
    let adminRoleId = '';
    for (const r of defaultRoles(standardObjects)) {
      const id = newId();
      if (r.isAdmin) adminRoleId = id;
      await tx.exec0(
        sql`insert into role (tenant_id, id, key, name, is_admin, permissions) values (${tenantId}, ${id}, ${r.key}, ${JSON.stringify(r.name)}::jsonb, ${r.isAdmin}, ${JSON.stringify(r.permissions)}::jsonb)`,
      );
    }
    const deptId = newId();
    await tx.exec0(
      sql`insert into department (tenant_id, id, name) values (${tenantId}, ${deptId}, ${t.name.trim()})`,
    );
    await tx.exec0(
      sql`insert into app_user (tenant_id, id, email, name, password_hash, role_id, department_id) values (${tenantId}, ${adminUserId}, ${t.adminEmail.toLowerCase()}, ${t.adminName ?? 'Admin'}, ${passwordHash}, ${adminRoleId}, ${deptId})`,
    );
  });
  return { tenantId, adminUserId };
}

/** A readable random password for generated admin accounts (printed once). */
export function generatePassword(): string {
  return crypto.randomBytes(12).toString('base64url');
}

/**
 * Objects added by modules after a tenant was created are granted to its default roles (by key),
 * as a new tenant would get them, and default roles added since are created; permissions an admin
 * already set are left alone.
 */
export async function syncDefaultRolePermissions(db: Db, standardObjects: StandardObject[]): Promise<number> {
  const templates = defaultRoles(standardObjects).filter((r) => !r.isAdmin);
  let changed = 0;
  for (const t of await listTenants(db)) {
    const tdb = TenantDb.for(db, t.id);
    for (const tpl of templates) {
      const role = await tdb.one(
        sql<{
          id: string;
          permissions: { objects?: Record<string, unknown>; fields?: unknown };
        }>`select id, permissions from role where tenant_id = ${t.id} and key = ${tpl.key}`,
      );
      if (!role) {
        // a role template added after the tenant was created (e.g. the CSM roles) is added once
        await tdb.exec0(
          sql`insert into role (tenant_id, id, key, name, is_admin, permissions) values (${t.id}, ${newId()}, ${tpl.key}, ${JSON.stringify(tpl.name)}::jsonb, false, ${JSON.stringify(tpl.permissions)}::jsonb) on conflict do nothing`,
        );
        changed++;
        continue;
      }
      const objects = { ...(role.permissions.objects ?? {}) };
      const missing = Object.keys(tpl.permissions.objects).filter((o) => !(o in objects));
      if (!missing.length) continue;
      for (const o of missing) objects[o] = tpl.permissions.objects[o];
      await tdb.exec0(
        sql`update role set permissions = jsonb_set(permissions, '{objects}', ${JSON.stringify(objects)}::jsonb), version = version + 1 where tenant_id = ${t.id} and id = ${role.id}`,
      );
      changed++;
    }
  }
  if (changed) invalidateActors();
  return changed;
}
