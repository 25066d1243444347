import { sql } from 'kysely';
import { addNotifications } from '../../platform/notify/notify.service.ts';
import { isLocale } from '../../platform/i18n/i18n.ts';
import type { WeeklyStep } from './success.jobs.ts';
import { renderSuccessDigest, type DigestAlert, type DigestWorkOrder } from './alert-text.rules.ts';

export const DIGEST_KIND = 'success.weekly_digest';

/**
 * Step `digest` (the Monday list, DOMAIN.md §6.3): one notification and one e-mail per CSM — every
 * owner of an open work order and the CSM (else the account owner) of every customer alerted this
 * week — listing the week's new alerts on their customers, their open work orders and the overdue
 * ones, in the person's language. Once per person and week: a rerun finds the notification of that
 * week and sends nothing again. E-mail goes through the tenant's SMTP (or the mail outbox) when
 * the job runs with platform services; a direct call (demo loader) only notifies.
 */
export const digestStep: WeeklyStep = async (_platform, ctx, run) => {
  const { tdb, asOf, services } = ctx;
  const week = run.week_start;
  const link = `/success?week=${week}`;
  const people = await tdb.query(sql<{ id: string; email: string; locale: string }>`
    with who as (
      select w.owner_id as id from work_order w
      where w.tenant_id = ${tdb.tenantId} and w.deleted_at is null and w.owner_id is not null
        and w.status in ('open', 'in_progress', 'reopened')
      union
      select coalesce(a.csm_id, a.owner_id) from health_alert h
      join account a on a.tenant_id = h.tenant_id and a.id = h.account_id and a.deleted_at is null
      where h.tenant_id = ${tdb.tenantId} and h.week_start = ${week}::date and coalesce(a.csm_id, a.owner_id) is not null
    )
    select u.id, u.email, coalesce(u.locale, t.locale) as locale from who
    join app_user u on u.tenant_id = ${tdb.tenantId} and u.id = who.id and u.status = 'active'
    join tenant t on t.id = u.tenant_id
    where not exists (select 1 from notification n where n.tenant_id = u.tenant_id and n.user_id = u.id
      and n.kind = ${DIGEST_KIND} and n.link = ${link})
    order by u.id`);
  let mailed = 0;
  for (const p of people) {
    const locale = isLocale(p.locale) ? p.locale : 'zh-CN';
    const alerts =
      await tdb.query(sql<DigestAlert>`select a.name as account_name, h.type, h.level, h.nature, h.detail
      from health_alert h join account a on a.tenant_id = h.tenant_id and a.id = h.account_id and a.deleted_at is null
      where h.tenant_id = ${tdb.tenantId} and h.week_start = ${week}::date and coalesce(a.csm_id, a.owner_id) = ${p.id}
      order by case h.level when 'high' then 0 when 'mid' then 1 else 2 end, h.nature desc, a.name, h.type`);
    const open = await tdb.query(sql<DigestWorkOrder>`select w.subject, w.level, w.status,
        to_char(w.due_date, 'YYYY-MM-DD') as due_date, w.times_raised
      from work_order w where w.tenant_id = ${tdb.tenantId} and w.deleted_at is null and w.owner_id = ${p.id}
        and w.status in ('open', 'in_progress', 'reopened')
      order by w.due_date, case w.level when 'high' then 0 when 'mid' then 1 else 2 end, w.subject`);
    const text = renderSuccessDigest(locale, { week_start: week, as_of: asOf, alerts, open });
    await addNotifications(tdb, [
      { userId: p.id, kind: DIGEST_KIND, title: text.title, body: text.body, link },
    ]);
    if (services) {
      await services.sendMail(p.email, text.title, text.body);
      mailed++;
    }
  }
  return { week_start: week, notified: people.length, mailed };
};
