import { sql } from 'kysely';
import type { TenantDb } from '../db/tenant-db.ts';
import { newId } from '../db/ids.ts';
import { invalidateActors } from '../identity/actor.ts';

export type AuditAction =
  'create' | 'update' | 'delete' | 'restore' | 'admin' | 'import' | 'export' | 'approval';

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
  // admin changes (roles, users, departments, settings) may change what actors may do
  if (entries.some((e) => e.action === 'admin')) invalidateActors(tx.tenantId);
  const rows = entries.map((e) => ({
    tenant_id: tx.tenantId,
    id: newId(),
    actor_user_id: actor.userId,
    actor_api_key_id: actor.apiKeyId,
    action: e.action,
    object: e.object,
    record_id: e.recordId,
    changes: e.changes,
    meta: e.meta ?? {},
  }));
  for (let i = 0; i < rows.length; i += 2000) {
    await tx.exec0(
      sql`insert into audit_log (tenant_id, id, actor_user_id, actor_api_key_id, action, object, record_id, changes, meta)
          select tenant_id, id, actor_user_id, actor_api_key_id, action, object, record_id, changes, meta
          from jsonb_populate_recordset(null::audit_log, ${JSON.stringify(rows.slice(i, i + 2000))}::jsonb)`,
    );
  }
}
