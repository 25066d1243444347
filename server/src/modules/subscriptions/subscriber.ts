import { sql } from 'kysely';
import type { StoredEvent, Subscriber } from '../../platform/events/dispatcher.ts';
import type { TenantDb } from '../../platform/db/tenant-db.ts';
import { tenantTimeZone } from '../../platform/jobs/tenant-zone.ts';
import { todayIn } from '../../platform/jobs/dates.rules.ts';
import { bookOrder, refreshAccount } from './ledger.service.ts';

const ORDER_EVENTS = [
  'order.confirmed',
  'order.amended',
  'order.cancelled',
  'order.deleted',
  'order.restored',
];
const PAYMENT_EVENTS = ['payment.matched', 'payment.allocated', 'payment.refunded'];

/**
 * Books the ARR ledger from the cash module's order events, and re-matches a customer's due
 * renewals (finance view) when its payments move. Each delivery rebuilds from the current state of
 * the order or customer, so a redelivered or replayed event changes nothing.
 */
export function subscriptionsSubscriber(): Subscriber {
  return {
    name: 'subscriptions.ledger',
    types: [...ORDER_EVENTS, ...PAYMENT_EVENTS, 'account.updated', 'opportunity.created'],
    async handle(ev: StoredEvent, tx: TenantDb): Promise<void> {
      if (!ev.record_id) return;
      if (ev.type === 'account.updated') {
        // due records belong to the account owner: the work list follows a change of owner
        const changes = ev.payload.changes;
        if (typeof changes === 'object' && changes !== null && 'owner_id' in changes)
          await tx.exec0(sql`update due_renewal r set owner_id = a.owner_id, updated_at = now()
            from account a where r.tenant_id = ${tx.tenantId} and a.tenant_id = r.tenant_id and a.id = r.account_id
              and r.account_id = ${ev.record_id} and r.owner_id is distinct from a.owner_id`);
        return;
      }
      if (ev.type === 'opportunity.created') {
        // a renewal deal opened by hand for a due date is that due record's renewal deal at once
        const rec = ev.payload.record;
        if (typeof rec !== 'object' || rec === null) return;
        const r = rec as Record<string, unknown>;
        if (typeof r.renewal_due_on !== 'string' || typeof r.account_id !== 'string') return;
        await tx.exec0(sql`update due_renewal set renewal_opportunity_id = ${ev.record_id}, updated_at = now()
          where tenant_id = ${tx.tenantId} and account_id = ${r.account_id} and due_date = ${r.renewal_due_on}::date
            and renewal_opportunity_id is null`);
        return;
      }
      const today = todayIn(await tenantTimeZone(tx));
      if (ORDER_EVENTS.includes(ev.type)) {
        await bookOrder(tx, ev.record_id, today);
        return;
      }
      const p = await tx.one(
        sql<{
          account_id: string;
        }>`select account_id from payment where tenant_id = ${tx.tenantId} and id = ${ev.record_id}`,
      );
      if (!p) return;
      const has = await tx.one(
        sql`select 1 from due_renewal where tenant_id = ${tx.tenantId} and account_id = ${p.account_id} limit 1`,
      );
      if (has) await refreshAccount(tx, p.account_id, today);
    },
  };
}
