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
  for (let i = 0; i < events.length; i += 1000) {
    const rows = events
      .slice(i, i + 1000)
      .map(
        (e) =>
          sql`(${tx.tenantId}, ${newId()}, ${e.type}, ${e.object ?? null}, ${e.recordId ?? null}, ${actorUserId}, ${JSON.stringify(e.payload)}::jsonb)`,
      );
    await tx.exec0(
      sql`insert into outbox_event (tenant_id, id, type, object, record_id, actor_user_id, payload) values ${sql.join(rows)}`,
    );
  }
  await tx.exec0(sql`select pg_notify(${OUTBOX_CHANNEL}, '')`);
}
