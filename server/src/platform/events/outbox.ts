import { sql } from 'kysely';
import type { TenantDb } from '../db/tenant-db.ts';
import { newId } from '../db/ids.ts';

export interface DomainEvent {
  type: string;
  object?: string;
  recordId?: string;
  payload: Record<string, unknown>;
}

export const OUTBOX_CHANNEL = 'flywheel_outbox';

/**
 * Appends events to the transactional outbox in the caller's transaction; the NOTIFY is
 * delivered at commit and wakes the dispatcher (which also polls, so a lost wake-up only delays).
 */
export async function emitEvents(
  tx: TenantDb,
  actorUserId: string | null,
  events: DomainEvent[],
): Promise<void> {
  if (events.length === 0) return;
  const rows = events.map((e) => ({
    tenant_id: tx.tenantId,
    id: newId(),
    type: e.type,
    object: e.object ?? null,
    record_id: e.recordId ?? null,
    actor_user_id: actorUserId,
    payload: e.payload,
  }));
  for (let i = 0; i < rows.length; i += 2000) {
    await tx.exec0(
      sql`insert into outbox_event (tenant_id, id, type, object, record_id, actor_user_id, payload)
          select tenant_id, id, type, object, record_id, actor_user_id, payload
          from jsonb_populate_recordset(null::outbox_event, ${JSON.stringify(rows.slice(i, i + 2000))}::jsonb)`,
    );
  }
  await tx.exec0(sql`select pg_notify(${OUTBOX_CHANNEL}, '')`);
}
