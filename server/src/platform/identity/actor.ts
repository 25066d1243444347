import { sql } from 'kysely';
import type { Db } from '../db/pool.ts';
import { rolePermissionsSchema, type Actor } from '../access/permissions.ts';
import { isLocale, type Locale } from '../i18n/i18n.ts';

interface ActorRow {
  user_id: string | null;
  department_id: string | null;
  user_locale: string | null;
  role_id: string;
  role_key: string;
  is_admin: boolean;
  permissions: unknown;
  time_zone: string;
  currency: string;
  tenant_locale: string;
  subtree: string[] | null;
  partner_account_id: string | null;
}

/** Loads what permission checks need about a user (or an API key's role) in one query. */
// Every request needs its actor; roles and departments change rarely. A few seconds of caching
// saves a query per request; any admin change in this process clears the tenant's entries at
// once (see writeAudit), other API nodes catch up within the TTL. Revocation (sessions, keys,
// disabled users) is checked on every request outside this cache.
const ACTOR_TTL_MS = 5_000;
const cache = new Map<string, { at: number; actor: Actor }>();

/** Drops cached actors of a tenant (or all): called after admin changes to roles, users, settings. */
export function invalidateActors(tenantId?: string): void {
  if (!tenantId) return cache.clear();
  for (const k of cache.keys()) if (k.startsWith(`${tenantId}|`)) cache.delete(k);
}

export async function loadActor(
  db: Db,
  tenantId: string,
  who: { userId: string | null; roleId?: string; apiKeyId?: string | null },
): Promise<Actor | undefined> {
  const key = `${tenantId}|${who.userId ?? ''}|${who.roleId ?? ''}|${who.apiKeyId ?? ''}`;
  const hit = cache.get(key);
  if (hit && Date.now() - hit.at < ACTOR_TTL_MS) return { ...hit.actor };
  const actor = await loadActorUncached(db, tenantId, who);
  if (actor) {
    if (cache.size > 10_000) cache.clear();
    cache.set(key, { at: Date.now(), actor });
  }
  return actor ? { ...actor } : undefined;
}

async function loadActorUncached(
  db: Db,
  tenantId: string,
  who: { userId: string | null; roleId?: string; apiKeyId?: string | null },
): Promise<Actor | undefined> {
  const r = await sql<ActorRow>`
    select u.id as user_id, u.department_id, u.locale as user_locale, u.partner_account_id,
           r.id as role_id, r.key as role_key, r.is_admin, r.permissions,
           tn.time_zone, tn.currency, tn.locale as tenant_locale,
           (case when u.department_id is null then null else (
             with recursive sub(id) as (
               select d.id from department d where d.tenant_id = ${tenantId} and d.id = u.department_id
               union all
               select d.id from department d join sub on d.parent_id = sub.id where d.tenant_id = ${tenantId})
             select array_agg(id) from sub) end) as subtree
    from tenant tn
    join role r on r.tenant_id = tn.id and r.id = coalesce(${who.roleId ?? null}::uuid, (select role_id from app_user where tenant_id = ${tenantId} and id = ${who.userId}))
    left join app_user u on u.tenant_id = tn.id and u.id = ${who.userId}
    where tn.id = ${tenantId}`.execute(db.kysely);
  const row = r.rows[0];
  if (!row) return undefined;
  const locale: Locale = isLocale(row.user_locale)
    ? row.user_locale
    : isLocale(row.tenant_locale)
      ? row.tenant_locale
      : 'zh-CN';
  return {
    tenantId,
    userId: row.user_id,
    apiKeyId: who.apiKeyId ?? null,
    roleId: row.role_id,
    roleKey: row.role_key,
    isAdmin: row.is_admin,
    permissions: rolePermissionsSchema.parse(row.permissions),
    departmentId: row.department_id,
    subtreeDepartmentIds: row.subtree ?? [],
    partnerAccountId: row.partner_account_id,
    locale,
    timeZone: row.time_zone,
    currency: row.currency,
  };
}
