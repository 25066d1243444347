import { sql } from 'kysely';
import type { TenantDb } from '../../platform/db/tenant-db.ts';
import { writeAudit } from '../../platform/audit/audit.ts';
import { emitEvents } from '../../platform/events/outbox.ts';
import type { StoredEvent, Subscriber } from '../../platform/events/dispatcher.ts';
import { addNotifications } from '../../platform/notify/notify.service.ts';

/**
 * A contract or order whose amount changed (an amended order, an edited contract) no longer
 * matches its live plan: the plan owner is told to re-plan (PUT …/instalments takes the new amount
 * while nothing is paid), and `payment_plan.out_of_sync` is emitted.
 */
async function flagOutOfSync(ev: StoredEvent, tx: TenantDb): Promise<void> {
  const source = ev.type === 'order.amended' ? sql`sales_order` : sql`contract`;
  const col = ev.type === 'order.amended' ? sql`p.order_id` : sql`p.contract_id`;
  const rows = await tx.query(sql<{
    id: string;
    number: string;
    owner_id: string | null;
    plan_amount: number;
    source_amount: number;
    currency: string;
  }>`select p.id, p.number, p.owner_id, p.amount as plan_amount, s.amount as source_amount, p.amount_currency as currency
    from payment_plan p join ${source} s on s.tenant_id = p.tenant_id and s.id = ${col}
    where p.tenant_id = ${tx.tenantId} and ${col} = ${ev.record_id} and p.deleted_at is null
      and p.status <> 'cancelled' and s.amount is distinct from p.amount`);
  if (!rows.length) return;
  const yuan = (minor: number): string => (minor / 100).toFixed(2);
  await addNotifications(
    tx,
    rows.flatMap((r) =>
      r.owner_id
        ? [
            {
              userId: r.owner_id,
              kind: 'payment_plan.out_of_sync',
              title: `回款计划 ${r.number} 与${ev.type === 'order.amended' ? '订单' : '合同'}金额不一致，请调整分期`,
              body: `${r.currency} 计划 ${yuan(r.plan_amount)} / 现为 ${yuan(Number(r.source_amount))}`,
              link: `/o/payment_plan/${r.id}`,
            },
          ]
        : [],
    ),
  );
  await emitEvents(
    tx,
    ev.actor_user_id,
    rows.map((r) => ({
      type: 'payment_plan.out_of_sync',
      object: 'payment_plan',
      recordId: r.id,
      payload: {
        id: r.id,
        number: r.number,
        plan_amount: r.plan_amount,
        source_amount: r.source_amount,
        currency: r.currency,
      },
    })),
  );
}

/**
 * Keeps plans in step with their contract or order. A cancelled order's payment plan is cancelled
 * too, so lists and filters show it as such (money already allocated stays where it is; matching,
 * the job and aging have refused the plan from the moment the order was cancelled, since they read
 * the order's status themselves) — a redelivered event finds nothing left to cancel. An amended
 * order or a contract whose amount changed flags its plan (flagOutOfSync).
 */
export function receivablesSubscriber(): Subscriber {
  return {
    name: 'cash.receivables',
    types: ['order.cancelled', 'order.amended', 'contract.updated'],
    async handle(ev: StoredEvent, tx: TenantDb): Promise<void> {
      if (!ev.record_id) return;
      if (ev.type !== 'order.cancelled') {
        const changes = ev.payload.changes;
        if (
          ev.type === 'contract.updated' &&
          !(typeof changes === 'object' && changes !== null && 'amount' in changes)
        )
          return;
        return flagOutOfSync(ev, tx);
      }
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
