import { sql } from 'kysely';
import type { TenantDb } from '../../platform/db/tenant-db.ts';
import type { Actor } from '../../platform/access/permissions.ts';
import { accountReadPredicate } from './scopes.ts';

export interface AccountProbe {
  nameNorm: string | null;
  /** E.164 */
  phone: string | null;
  /** normalised (upper case) */
  creditCode: string | null;
}

export type MatchedField = 'name' | 'phone' | 'credit_code';

export interface AccountDuplicate {
  id: string;
  name: string;
  owner_id: string | null;
  state: string | null;
  matched: MatchedField[];
  /** name similarity (0–1, two decimals); null when the name did not match */
  similarity: number | null;
}

interface Row {
  id: string;
  name: string;
  owner_id: string | null;
  state: string | null;
  m_phone: boolean;
  m_code: boolean;
  sim: number | null;
}

/**
 * Accounts matching a would-be account (撞单): the same normalised name or one similar enough
 * (pg_trgm, the tenant's fuzzy threshold), the same E.164 phone, the same credit code.
 * Exact hits first, then the most similar names.
 */
export async function findAccountDuplicates(
  tx: TenantDb,
  p: AccountProbe,
  threshold: number,
  excludeId?: string | null,
): Promise<AccountDuplicate[]> {
  const name = p.nameNorm && p.nameNorm.length >= 2 ? p.nameNorm : null;
  const phone = p.phone ?? null;
  const code = p.creditCode ?? null;
  if (!name && !phone && !code) return [];
  // `%` uses the trigram index with this threshold (transaction-local)
  await tx.query(sql`select set_config('pg_trgm.similarity_threshold', ${String(threshold)}, true)`);
  const rows = await tx.query(sql<Row>`
    select id, name, owner_id, state,
           coalesce(phone = ${phone}, false) as m_phone,
           coalesce(upper(credit_code) = ${code}, false) as m_code,
           case when ${name}::text is not null and (name_norm = ${name} or name_norm % ${name})
                then similarity(name_norm, ${name}) end as sim
    from account
    where tenant_id = ${tx.tenantId} and deleted_at is null
      ${excludeId ? sql`and id <> ${excludeId}` : sql``}
      and (phone = ${phone} or lower(credit_code) = lower(${code}) or (${name}::text is not null and (name_norm = ${name} or name_norm % ${name})))
    order by (coalesce(upper(credit_code) = ${code}, false) or coalesce(phone = ${phone}, false)) desc,
             similarity(name_norm, coalesce(${name}, '')) desc, id
    limit 20`);
  return rows.map((r) => {
    const matched: MatchedField[] = [];
    if (r.sim !== null) matched.push('name');
    if (r.m_phone) matched.push('phone');
    if (r.m_code) matched.push('credit_code');
    return {
      id: r.id,
      name: r.name,
      owner_id: r.owner_id,
      state: r.state,
      matched,
      similarity: r.sim === null ? null : Math.round(r.sim * 100) / 100,
    };
  });
}

/** Which of these accounts the actor may read (record scope plus pool and team access). */
export async function visibleAccountIds(tx: TenantDb, actor: Actor, ids: string[]): Promise<Set<string>> {
  if (!ids.length) return new Set();
  const rows = await tx.query(
    sql<{
      id: string;
    }>`select t.id from account t where t.tenant_id = ${tx.tenantId} and t.id = any(${ids}::uuid[]) and ${accountReadPredicate(actor)}`,
  );
  return new Set(rows.map((r) => r.id));
}

/** Names of users, by id. */
export async function userNames(tx: TenantDb, ids: string[]): Promise<Map<string, string>> {
  if (!ids.length) return new Map();
  const rows = await tx.query(
    sql<{
      id: string;
      name: string;
    }>`select id, name from app_user where tenant_id = ${tx.tenantId} and id = any(${ids}::uuid[])`,
  );
  return new Map(rows.map((r) => [r.id, r.name]));
}
