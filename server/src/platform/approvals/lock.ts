import { sql } from 'kysely';
import type { TenantDb } from '../db/tenant-db.ts';
import { AppError } from '../http/errors.ts';

/**
 * A record with a pending approval is locked: the records engine calls this in its update and
 * delete path, after it holds the record's row lock (submit takes the same row lock before it
 * stores the instance, so the two serialise). Uses the partial unique index on pending instances.
 */
export async function assertNotInApproval(tx: TenantDb, object: string, recordId: string): Promise<void> {
  const row = await tx.one(
    sql`select 1 from approval_instance where tenant_id = ${tx.tenantId} and object = ${object} and record_id = ${recordId} and status = 'pending'`,
  );
  if (row) throw new AppError('conflict', 'record_locked');
}
