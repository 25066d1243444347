import { sql } from 'kysely';
import type { TenantDb } from '../../platform/db/tenant-db.ts';
import { writeAudit } from '../../platform/audit/audit.ts';
import { emitEvents } from '../../platform/events/outbox.ts';
import type { StoredEvent, Subscriber } from '../../platform/events/dispatcher.ts';

/**
 * A cancelled order's payment plan is cancelled too, so lists and filters show it as such (money
 * already allocated stays where it is; matching, the job and aging have refused the plan from the
 * moment the order was cancelled, since they read the order's status themselves). Idempotent: a
 * redelivered event finds nothing left to cancel.
 */
export function receivablesSubscriber(): Subscriber {
  return {
    name: 'cash.receivables',
    types: ['order.cancelled'],
    async handle(ev: StoredEvent, tx: TenantDb): Promise<void> {
      if (!ev.record_id) return;
      const plans = await tx.query(sql<{ id: string; number: string; was: string }>`
        with old as (select id, status from payment_plan
          where tenant_id = ${tx.tenantId} and order_id = ${ev.record_id} and status <> 'cancelled' and deleted_at is null
          for update)
        update payment_plan p set status = 'cancelled', version = p.version + 1, updated_at = now()
        from old where p.tenant_id = ${tx.tenantId} and p.id = old.id
        returning p.id, p.number, old.status as was`);
      if (!plans.length) return;
      await writeAudit(
        tx,
        { userId: ev.actor_user_id, apiKeyId: null },
        plans.map((p) => ({
          action: 'update' as const,
          object: 'payment_plan',
          recordId: p.id,
          changes: { status: [p.was, 'cancelled'] },
          meta: { cause: ev.type, order_id: ev.record_id },
        })),
      );
      await emitEvents(
        tx,
        ev.actor_user_id,
        plans.map((p) => ({
          type: 'payment_plan.cancelled',
          object: 'payment_plan',
          recordId: p.id,
          payload: { id: p.id, number: p.number, order_id: ev.record_id },
        })),
      );
    },
  };
}
