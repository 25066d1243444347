import { sql } from 'kysely';
import type { TenantDb } from './tenant-db.ts';

/**
 * Serialises work on `key` within the tenant until the transaction ends (a transaction-scoped
 * advisory lock on "<tenant id>:<key>"), e.g. one user's claims so two parallel ones cannot both
 * pass a limit. Call inside `TenantDb.transaction`.
 */
export async function lockInTenant(tx: TenantDb, key: string): Promise<void> {
  await tx.exec0(sql`select pg_advisory_xact_lock(hashtext(${`${tx.tenantId}:${key}`}))`);
}
