import { sql } from 'kysely';
import type { JobDef } from '../../platform/jobs/jobs.types.ts';
import type { Platform } from '../../platform/platform.ts';
import type { TenantDb } from '../../platform/db/tenant-db.ts';
import { systemActor } from '../leads/index.ts';
import { addNotifications } from '../../platform/notify/notify.service.ts';
import { tenantTimeZone } from '../../platform/jobs/tenant-zone.ts';
import { addDays, monthOf, shiftMonth } from './term.rules.ts';
import { baseCurrency, bookOrder, ordersToBook, REFRESH_BATCH, refreshAccounts } from './ledger.service.ts';
import { MetricsService } from './metrics.service.ts';
import { loadSubscriptionSettings } from './settings.ts';

/**
 * The nightly subscriptions run for `asOf` (any past day works, for back-filling):
 * 1. books confirmed orders the ledger misses (orders from before the module, lost events, lines
 *    that were waiting for an exchange rate);
 * 2. moves due records along upcoming → overdue → churned as their dates pass;
 * 3. records the month that ended before `asOf` (arr_month_snapshot), once;
 * 4. opens a renewal opportunity N days before each due date that has none.
 */
export function subscriptionsDailyJob(platform: Platform): JobDef {
  return {
    name: 'subscriptions.daily',
    schedule: '30 1 * * *',
    description: {
      'zh-CN': '订阅：补记订单、应续状态、月末快照、续费商机',
      'en-US':
        'Subscriptions: book missed orders, due-renewal statuses, month-end snapshot, renewal opportunities',
    },
    async run({ tdb, asOf }) {
      let booked = 0;
      for (const id of await ordersToBook(tdb)) {
        await tdb.transaction((tx) => bookOrder(tx, id, asOf));
        booked++;
      }
      const moving = await tdb.query(sql<{ account_id: string }>`select distinct account_id from due_renewal
        where tenant_id = ${tdb.tenantId} and deleted_at is null and status in ('upcoming', 'overdue')
          and due_date <= ${asOf}::date`);
      // a batch of customers per transaction (refreshAccounts takes them in id order)
      const ids = moving.map((a) => a.account_id).sort();
      for (let i = 0; i < ids.length; i += REFRESH_BATCH) {
        const batch = ids.slice(i, i + REFRESH_BATCH);
        await tdb.transaction((tx) => refreshAccounts(tx, batch, asOf));
      }
      const snapshot = await recordSnapshot(platform, tdb, asOf);
      const opportunities = await openRenewalOpportunities(platform, tdb, asOf);
      return { booked_orders: booked, refreshed_accounts: moving.length, snapshot, opportunities };
    },
  };
}

/** Stores the figures of the month before `asOf`'s month, unless that month is already recorded. */
async function recordSnapshot(platform: Platform, tdb: TenantDb, asOf: string): Promise<string | null> {
  const month = shiftMonth(monthOf(asOf), -1);
  const exists = await tdb.one(
    sql`select 1 from arr_month_snapshot where tenant_id = ${tdb.tenantId} and month = ${`${month}-01`}::date`,
  );
  if (exists) return null;
  const actor = systemActor(tdb.tenantId, await tenantTimeZone(tdb), await baseCurrency(tdb));
  const [m] = await new MetricsService(platform.db).movements(actor, month, month);
  if (!m) return null;
  await tdb.exec0(sql`insert into arr_month_snapshot (tenant_id, month, start_arr, new_arr, expansion, reactivation,
      contraction, churn, end_arr, customers_start, customers_end)
    values (${tdb.tenantId}, ${`${month}-01`}::date, ${m.start_arr}, ${m.new}, ${m.expansion}, ${m.reactivation},
      ${m.contraction}, ${m.churn}, ${m.end_arr}, ${m.customers_start}, ${m.customers_end})
    on conflict do nothing`);
  return month;
}

/**
 * A renewal opportunity in the renewal pipeline for each upcoming due record within the lead time
 * that has none, owned by the account owner (who is told). Skipped when the tenant turned it off or
 * has no renewal pipeline; an open renewal deal of the account due the same day is linked instead.
 */
async function openRenewalOpportunities(platform: Platform, tdb: TenantDb, asOf: string): Promise<number> {
  const settings = await loadSubscriptionSettings(tdb);
  if (settings.renewalOpportunityDays === null) return 0;
  const pipeline = await tdb.one(sql<{ id: string }>`select id from sales_pipeline
    where tenant_id = ${tdb.tenantId} and type = 'renewal' order by is_default desc, position limit 1`);
  if (!pipeline) return 0;
  const due = await tdb.query(sql<{
    id: string;
    account_id: string;
    account_name: string;
    owner_id: string | null;
    due_date: string;
    due_arr: number;
    existing: string | null;
  }>`select r.id, r.account_id, a.name as account_name, a.owner_id, to_char(r.due_date, 'YYYY-MM-DD') as due_date, r.due_arr,
      (select o.id from opportunity o where o.tenant_id = r.tenant_id and o.account_id = r.account_id
         and o.renewal_due_on = r.due_date and o.deleted_at is null and o.closed_at is null limit 1) as existing
    from due_renewal r join account a on a.tenant_id = r.tenant_id and a.id = r.account_id
    where r.tenant_id = ${tdb.tenantId} and r.deleted_at is null and r.status = 'upcoming'
      and r.renewal_opportunity_id is null and r.due_date > ${asOf}::date
      and r.due_date <= ${addDays(asOf, settings.renewalOpportunityDays)}::date
    order by r.due_date`);
  if (!due.length) return 0;
  const currency = await baseCurrency(tdb);
  const actor = systemActor(tdb.tenantId, await tenantTimeZone(tdb), currency);
  let created = 0;
  for (const d of due) {
    await tdb.transaction(async (tx) => {
      let oppId = d.existing;
      if (!oppId) {
        const [opp] = await platform.records.createMany(
          actor,
          'opportunity',
          [
            {
              name: `${d.account_name} 续费 ${d.due_date}`,
              account_id: d.account_id,
              pipeline_id: pipeline.id,
              type: 'renewal',
              amount: { amount: d.due_arr, currency },
              close_date: addDays(d.due_date, -1),
              renewal_due_on: d.due_date,
              owner_id: d.owner_id,
            },
          ],
          { allowReadOnly: true },
          tx,
        );
        oppId = String(opp?.id);
        created++;
        if (d.owner_id)
          await addNotifications(tx, [
            {
              userId: d.owner_id,
              kind: 'renewal.opportunity_created',
              title: `${d.account_name} 将于 ${d.due_date} 到期续费，已创建续费商机`,
              link: `/o/opportunity/${oppId}`,
            },
          ]);
      }
      await tx.exec0(sql`update due_renewal set renewal_opportunity_id = ${oppId}, updated_at = now()
        where tenant_id = ${tx.tenantId} and id = ${d.id}`);
    });
  }
  return created;
}
