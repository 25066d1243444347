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
    types: [...ORDER_EVENTS, ...PAYMENT_EVENTS],
    async handle(ev: StoredEvent, tx: TenantDb): Promise<void> {
      if (!ev.record_id) return;
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
