import { sql } from 'kysely';
import type { Platform } from '../platform/platform.ts';
import type { Actor } from '../platform/access/permissions.ts';
import { TenantDb } from '../platform/db/tenant-db.ts';
import { loadActor } from '../platform/identity/actor.ts';
import { todayIn } from '../platform/jobs/dates.rules.ts';
import { OrdersService } from '../modules/cash/index.ts';
import { bookOrder } from '../modules/subscriptions/index.ts';
import { RenewalsService } from '../modules/subscriptions/renewals.service.ts';
import { subscriptionsDailyJob } from '../modules/subscriptions/subscriptions.jobs.ts';
import { addDays, addMonths, monthStart, monthOf } from '../modules/subscriptions/term.rules.ts';
import { intBetween, seededRng } from './generator.ts';

const fen = (yuan: number): number => Math.round(yuan * 100);

/**
 * The installed base behind the ARR dashboard: about forty customers who bought from two and a half
 * years ago on, each renewing yearly (most of them, at a moved price), some adding a module
 * mid-term, some leaving, a few coming back, one paying in US dollars — all as confirmed orders
 * through the orders service (so `order.confirmed` is emitted and the ledger books them exactly as
 * in production). Then one due record is adjusted out (an acquired customer) and the nightly job
 * runs: due-renewal statuses, last month's snapshot, renewal opportunities for the next 90 days.
 */
export async function loadDemoSubscriptions(p: Platform, admin: Actor): Promise<Record<string, number>> {
  const rng = seededRng(5050);
  const t = admin.tenantId;
  const tdb = TenantDb.for(p.db, t);
  const today = todayIn(admin.timeZone);
  const products = new Map(
    (
      await tdb.query(sql<{ sku: string; id: string }>`select sku, id from product where tenant_id = ${t}
        and sku in ('FW-CRM-PRO', 'FW-BI', 'FW-PRM')`)
    ).map((r) => [r.sku, r.id]),
  );
  const seatsProduct = products.get('FW-CRM-PRO');
  const moduleProduct = products.get('FW-BI');
  if (!seatsProduct || !moduleProduct) return { subscription_customers: 0 };
  // customers the sales story has not sold to yet (no orders), owned by a rep
  const accounts = await tdb.query(sql<{ id: string; name: string; owner_id: string }>`
    select a.id, a.name, a.owner_id from account a
    where a.tenant_id = ${t} and a.deleted_at is null and a.owner_id is not null and a.pool_id is null
      and not exists (select 1 from sales_order o where o.tenant_id = a.tenant_id and o.account_id = a.id)
      and not exists (select 1 from opportunity o where o.tenant_id = a.tenant_id and o.account_id = a.id)
    order by a.created_at, a.id limit 40`);
  const renewals = new RenewalsService(p);
  await renewals.putRate(admin, { currency: 'USD', effective_date: addMonths(today, -36), rate: '7.12' });
  const orders = new OrdersService(p);
  const actors = new Map<string, Actor>();
  const actorOf = async (userId: string): Promise<Actor> => {
    let a = actors.get(userId);
    if (!a) {
      a = (await loadActor(p.db, t, { userId })) ?? admin;
      actors.set(userId, a);
    }
    return a;
  };
  const placed: string[] = [];
  const place = async (
    who: Actor,
    accountId: string,
    type: string,
    orderDate: string,
    lines: Array<{ product: string; seats: number; price: number; start: string; end: string }>,
    currency = 'CNY',
  ): Promise<void> => {
    const o = await orders.create(who, {
      account_id: accountId,
      type,
      status: 'confirmed',
      order_date: orderDate,
      currency,
      lines: lines.map((l) => ({
        product_id: l.product,
        quantity: l.seats,
        unit_price: l.price,
        amount: l.seats * l.price,
        service_start: l.start,
        service_end: l.end,
      })),
    });
    placed.push(String(o.id));
  };
  let churned = 0;
  let returned = 0;
  for (const [i, a] of accounts.entries()) {
    const who = await actorOf(a.owner_id);
    const usd = i === 7;
    const currency = usd ? 'USD' : 'CNY';
    // per-seat yearly price: ¥2,400 (or USD 340)
    const price = usd ? 34_000 : fen(2400);
    let seats = intBetween(rng, 10, 160);
    let start = monthStart(monthOf(addMonths(today, -intBetween(rng, 4, 30))));
    let type = 'new';
    let gone = false;
    while (start <= today) {
      const end = addDays(addMonths(start, 12), -1);
      await place(
        who,
        a.id,
        type,
        addDays(start, -intBetween(rng, 2, 20)),
        [{ product: seatsProduct, seats, price, start, end }],
        currency,
      );
      if (rng() < 0.3 && !usd) {
        // a BI module bought mid-term, co-terminated with the seats
        const addStart = monthStart(monthOf(addMonths(start, intBetween(rng, 2, 8))));
        if (addStart <= today && addStart < end)
          await place(who, a.id, 'expansion', addDays(addStart, -5), [
            {
              product: moduleProduct,
              seats: 1,
              price: fen(intBetween(rng, 12, 60) * 1000),
              start: addStart,
              end,
            },
          ]);
      }
      const next = addDays(end, 1);
      // a period still running has no renewal yet: its due record feeds the work list
      if (next > today) break;
      const roll = rng();
      if (roll < 0.78) {
        type = 'renewal';
        start = next;
        seats = Math.max(5, Math.round(seats * (0.8 + rng() * 0.5)));
      } else if (roll < 0.9 && !gone) {
        // gone for a few months, then back with a new order
        gone = true;
        churned++;
        returned++;
        type = 'new';
        start = monthStart(monthOf(addMonths(next, intBetween(rng, 2, 6))));
      } else {
        churned++;
        break;
      }
    }
  }
  // book the ledger now (the event subscriber would do the same when the server runs)
  for (const id of placed) await tdb.transaction((tx) => bookOrder(tx, id, today));
  // they are customers since their first order (won before the CRM's sales story began)
  await tdb.exec0(sql`update account a set type = 'customer', state = 'won',
      won_at = (select min(o.order_date) from sales_order o where o.tenant_id = a.tenant_id and o.account_id = a.id)::timestamp
        at time zone ${admin.timeZone} + interval '10 hours'
    where a.tenant_id = ${t} and a.id = any(${accounts.map((a) => a.id)}::uuid[])`);
  await tdb.exec0(sql`update sales_order set created_at = (order_date::timestamp + interval '15 hours') at time zone ${admin.timeZone},
      confirmed_at = (order_date::timestamp + interval '16 hours') at time zone ${admin.timeZone},
      updated_at = (order_date::timestamp + interval '16 hours') at time zone ${admin.timeZone}
    where tenant_id = ${t} and id = any(${placed}::uuid[])`);
  // one customer was acquired by another: its last due record leaves the renewal rate
  const acquired = await tdb.one(sql<{ account_id: string; due_date: string }>`select account_id,
      to_char(due_date, 'YYYY-MM-DD') as due_date from due_renewal
    where tenant_id = ${t} and status = 'churned' order by due_date desc limit 1`);
  if (acquired)
    await renewals.createAdjustment(admin, {
      account_id: acquired.account_id,
      due_date: acquired.due_date,
      reason: 'acquired',
      note: '客户被集团收购，合同并入母公司',
    });
  const job = await subscriptionsDailyJob(p).run({ tenantId: t, asOf: today, tdb });
  // the renewal deals the job just opened: one instant for creation and their first stage (the
  // hook and the insert read two clocks a few milliseconds apart)
  await tdb.exec0(sql`update opportunity o set created_at = o.stage_entered_at, updated_at = o.stage_entered_at
    where o.tenant_id = ${t} and o.id in (select renewal_opportunity_id from due_renewal where tenant_id = ${t})`);
  await tdb.exec0(sql`update opportunity_stage_history h set entered_at = o.stage_entered_at
    from opportunity o where h.tenant_id = ${t} and o.tenant_id = h.tenant_id and o.id = h.opportunity_id
      and o.id in (select renewal_opportunity_id from due_renewal where tenant_id = ${t})`);
  return {
    subscription_customers: accounts.length,
    subscription_orders: placed.length,
    churned_customers: churned,
    returned_customers: returned,
    renewal_opportunities: Number(job.opportunities ?? 0),
  };
}
