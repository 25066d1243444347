import { sql } from 'kysely';
import type { TenantDb } from '../../platform/db/tenant-db.ts';
import { newId } from '../../platform/db/ids.ts';
import { writeAudit } from '../../platform/audit/audit.ts';

/** One logged follow-up of a lead (an activity that has happened). */
export interface LeadFollowUp {
  leadId: string;
  /** when it happened (ISO timestamp, not in the future) */
  at: string;
}

/**
 * Records follow-ups on leads (DOMAIN.md §1): first_followed_at = least(existing, at),
 * last_followed_at = greatest(existing, at), and a pending lead becomes in_progress with a
 * `followed_up` event. The pool timer's "no first follow-up" recycle reads first_followed_at.
 * Dates are bookkeeping (no version bump); the status change is a change of the lead (version,
 * audit). Many follow-ups of one lead in a batch count once. Runs in the caller's transaction.
 */
export async function recordLeadFollowUps(
  tx: TenantDb,
  actor: { userId: string | null; apiKeyId: string | null },
  items: LeadFollowUp[],
): Promise<{ started: string[] }> {
  if (!items.length) return { started: [] };
  const ids = items.map((i) => i.leadId);
  const ats = items.map((i) => i.at);
  const leads = await tx.query(sql<{ id: string; status: string | null }>`
    select l.id, l.status from lead l
    where l.tenant_id = ${tx.tenantId} and l.id = any(${ids}::uuid[]) and l.deleted_at is null
    order by l.id for update`);
  if (!leads.length) return { started: [] };
  const started = leads.filter((l) => l.status === 'pending').map((l) => l.id);
  await tx.exec0(sql`
    update lead l set first_followed_at = least(l.first_followed_at, v.first_at),
                      last_followed_at = greatest(l.last_followed_at, v.last_at),
                      status = case when l.status = 'pending' then 'in_progress' else l.status end,
                      version = case when l.status = 'pending' then l.version + 1 else l.version end,
                      updated_at = case when l.status = 'pending' then now() else l.updated_at end
    from (select x.id, min(x.at) as first_at, max(x.at) as last_at
          from unnest(${ids}::uuid[], ${ats}::timestamptz[]) as x(id, at) group by x.id) v
    where l.tenant_id = ${tx.tenantId} and l.id = v.id and l.deleted_at is null`);
  if (started.length) {
    await tx.exec0(sql`insert into lead_event (tenant_id, id, lead_id, kind, actor_user_id, reason)
      select ${tx.tenantId}, x.eid, x.lid, 'followed_up', ${actor.userId}, 'activity'
      from unnest(${started.map(() => newId())}::uuid[], ${started}::uuid[]) as x(eid, lid)`);
    await writeAudit(
      tx,
      actor,
      started.map((id) => ({
        action: 'update' as const,
        object: 'lead',
        recordId: id,
        changes: { status: ['pending', 'in_progress'] },
        meta: { kind: 'followed_up' },
      })),
    );
  }
  return { started };
}
