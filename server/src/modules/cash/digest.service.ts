import { sql } from 'kysely';
import { z } from 'zod';
import type { Platform } from '../../platform/platform.ts';
import { can, type Actor } from '../../platform/access/permissions.ts';
import { scopePredicate } from '../../platform/access/scope.sql.ts';
import { TenantDb } from '../../platform/db/tenant-db.ts';
import { forbidden, invalid } from '../../platform/http/errors.ts';
import { addNotifications } from '../../platform/notify/notify.service.ts';
import type { JobDef } from '../../platform/jobs/jobs.types.ts';
import { todayIn } from '../../platform/jobs/dates.rules.ts';
import { isIsoDate } from './order.rules.ts';
import { digestDay, monthSpans, renderDigest, type DigestFigures } from './digest.rules.ts';
import { zodIssues } from './zod-issues.ts';

export interface DigestSubscription {
  subscribed: boolean;
  in_app: boolean;
  email: boolean;
}

const subscriptionSchema = z.strictObject({
  subscribed: z.boolean(),
  in_app: z.boolean().default(true),
  email: z.boolean().default(true),
});

/**
 * The payments a person may see, summed for one day and month to date (net of refunds), per
 * currency, with the day's five largest. Reads through the person's record scope on `payment`:
 * a rep's digest covers the rep's customers, a CFO's the whole company.
 */
export async function digestFigures(tdb: TenantDb, actor: Actor, day: string): Promise<DigestFigures[]> {
  const { monthStart, prevStart, prevEnd } = monthSpans(day);
  const scope = scopePredicate(actor, 'payment');
  const sums = await tdb.query(sql<{
    currency: string;
    day_total: string;
    day_count: string;
    mtd: string;
    prev: string;
  }>`select t.amount_currency as currency,
      coalesce(sum(t.amount - t.refunded_amount) filter (where t.received_date = ${day}::date), 0) as day_total,
      count(*) filter (where t.received_date = ${day}::date) as day_count,
      coalesce(sum(t.amount - t.refunded_amount) filter (where t.received_date between ${monthStart}::date and ${day}::date), 0) as mtd,
      coalesce(sum(t.amount - t.refunded_amount) filter (where t.received_date between ${prevStart}::date and ${prevEnd}::date), 0) as prev
    from payment t
    where t.tenant_id = ${tdb.tenantId} and t.deleted_at is null and ${scope}
      and t.received_date between ${prevStart}::date and ${day}::date
    group by t.amount_currency order by sum(t.amount) desc`);
  const top = await tdb.query(sql<{ currency: string; account: string; amount: string; number: string }>`
    select t.amount_currency as currency, a.name as account, t.amount - t.refunded_amount as amount, t.number
    from payment t join account a on a.tenant_id = t.tenant_id and a.id = t.account_id
    where t.tenant_id = ${tdb.tenantId} and t.deleted_at is null and ${scope} and t.received_date = ${day}::date
    order by t.amount - t.refunded_amount desc, t.number limit 5`);
  return sums.map((s) => ({
    day,
    currency: s.currency,
    dayTotal: Number(s.day_total),
    dayCount: Number(s.day_count),
    monthToDate: Number(s.mtd),
    previousMonthToDate: Number(s.prev),
    top: top
      .filter((x) => x.currency === s.currency)
      .map((x) => ({ account: x.account, amount: Number(x.amount), number: x.number })),
  }));
}

/** Subscribing to the daily digest and previewing it. */
export class DigestService {
  constructor(readonly p: Platform) {}

  private tdb(actor: Actor): TenantDb {
    return TenantDb.for(this.p.db, actor.tenantId);
  }

  async subscription(actor: Actor): Promise<DigestSubscription> {
    const row = await this.tdb(actor).one(sql<{ in_app: boolean; email: boolean }>`select in_app, email
      from cash_digest_subscription where tenant_id = ${actor.tenantId} and user_id = ${actor.userId}`);
    return row ? { subscribed: true, ...row } : { subscribed: false, in_app: true, email: true };
  }

  async subscribe(actor: Actor, body: unknown): Promise<DigestSubscription> {
    if (!actor.userId) throw forbidden();
    const parsed = subscriptionSchema.safeParse(body ?? {});
    if (!parsed.success) throw invalid(zodIssues('', parsed.error));
    const s = parsed.data;
    if (s.subscribed && !can(actor, 'payment', 'read')) throw forbidden();
    if (s.subscribed && !s.in_app && !s.email) throw invalid([{ field: 'in_app', issue: 'required' }]);
    const tdb = this.tdb(actor);
    if (!s.subscribed)
      await tdb.exec0(
        sql`delete from cash_digest_subscription where tenant_id = ${actor.tenantId} and user_id = ${actor.userId}`,
      );
    else
      await tdb.exec0(sql`insert into cash_digest_subscription (tenant_id, user_id, in_app, email)
        values (${actor.tenantId}, ${actor.userId}, ${s.in_app}, ${s.email})
        on conflict (tenant_id, user_id) do update set in_app = excluded.in_app, email = excluded.email`);
    return this.subscription(actor);
  }

  /** What the digest sent on `asOf` (default today) says to me. */
  async preview(
    actor: Actor,
    asOf: string | undefined,
  ): Promise<{ day: string; title: string; body: string; figures: DigestFigures[] }> {
    if (!can(actor, 'payment', 'read')) throw forbidden();
    if (asOf !== undefined && !isIsoDate(asOf)) throw invalid([{ field: 'as_of', issue: 'invalid_date' }]);
    const day = digestDay(asOf ?? todayIn(actor.timeZone));
    const figures = await digestFigures(this.tdb(actor), actor, day);
    return { day, ...renderDigest(actor.locale, figures), figures };
  }
}

/**
 * 8:00 every day: each subscriber gets yesterday's payments received (within their record scope)
 * and the month so far, in-app and/or by e-mail. Once per subscriber and day, so a rerun or a
 * back-filled `asOf` never sends a day twice.
 */
export const paymentsDigestJob: JobDef = {
  name: 'cash.payments_digest',
  schedule: '0 8 * * *',
  description: {
    'zh-CN': '每日 8:00 回款日报（订阅用户：站内通知与邮件）',
    'en-US': 'Daily 8:00 payments-received digest for subscribers (in-app and e-mail)',
  },
  async run({ tenantId, asOf, tdb, services }) {
    const day = digestDay(asOf);
    const subs = await tdb.query(sql<{ user_id: string; email: string; in_app: boolean; by_mail: boolean }>`
      select s.user_id, u.email, s.in_app, s.email as by_mail from cash_digest_subscription s
      join app_user u on u.tenant_id = s.tenant_id and u.id = s.user_id and u.status = 'active'
      where s.tenant_id = ${tenantId} and (s.last_sent_for is null or s.last_sent_for < ${day}::date)
      order by s.user_id`);
    let sent = 0;
    let mailed = 0;
    let skipped = 0;
    for (const s of subs) {
      const actor = await services?.actorOf(s.user_id);
      if (!actor || !can(actor, 'payment', 'read')) {
        skipped++;
        continue;
      }
      const figures = await digestFigures(tdb, actor, day);
      const text = renderDigest(actor.locale, figures);
      await tdb.transaction(async (tx) => {
        if (s.in_app)
          await addNotifications(tx, [
            {
              userId: s.user_id,
              kind: 'cash.payments_digest',
              title: text.title,
              body: text.body,
              link: `/objects/payment?filter[received_date]=${day}`,
            },
          ]);
        await tx.exec0(sql`update cash_digest_subscription set last_sent_for = ${day}::date
          where tenant_id = ${tenantId} and user_id = ${s.user_id}`);
      });
      if (s.by_mail && services) {
        await services.sendMail(s.email, text.title, text.body);
        mailed++;
      }
      sent++;
    }
    return { day, subscribers: subs.length, sent, mailed, skipped };
  },
};
