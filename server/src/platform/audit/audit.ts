import { sql } from 'kysely';
import type { TenantDb } from '../db/tenant-db.ts';
import { newId } from '../db/ids.ts';

export type AuditAction = 'create' | 'update' | 'delete' | 'restore' | 'admin' | 'import' | 'export';

export interface AuditEntry {
  action: AuditAction;
  object: string;
  recordId: string | null;
  /** field → [old, new] */
  changes: Record<string, [unknown, unknown]>;
  meta?: Record<string, unknown>;
}

export interface AuditActor {
  userId: string | null;
  apiKeyId: string | null;
}

/** Writes audit rows in the caller's transaction (DESIGN rule 5). */
export async function writeAudit(tx: TenantDb, actor: AuditActor, entries: AuditEntry[]): Promise<void> {
  if (entries.length === 0) return;
  for (let i = 0; i < entries.length; i += 1000) {
    const chunk = entries.slice(i, i + 1000);
    const rows = chunk.map(
      (e) =>
        sql`(${tx.tenantId}, ${newId()}, ${actor.userId}, ${actor.apiKeyId}, ${e.action}, ${e.object}, ${e.recordId}, ${JSON.stringify(e.changes)}::jsonb, ${JSON.stringify(e.meta ?? {})}::jsonb)`,
    );
    await tx.exec0(
      sql`insert into audit_log (tenant_id, id, actor_user_id, actor_api_key_id, action, object, record_id, changes, meta) values ${sql.join(rows)}`,
    );
  }
}
