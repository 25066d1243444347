import { sql } from 'kysely';
import type { JobDef } from '../../platform/jobs/jobs.types.ts';
import { tenantTimeZone } from '../../platform/jobs/tenant-zone.ts';
import { newId } from '../../platform/db/ids.ts';
import { addNotifications } from '../../platform/notify/notify.service.ts';
import { writeAudit } from '../../platform/audit/audit.ts';
import { emitEvents } from '../../platform/events/outbox.ts';
import { loadLeadSettings } from './settings.ts';
import { poolUsersSql } from './pool-members.ts';
import { scoreLead } from './scoring.rules.ts';
import { reclaimDate } from '../accounts/index.ts';
import { addDays } from '../../platform/jobs/dates.rules.ts';

interface Due {
  id: string;
  name: string;
  owner_id: string | null;
  pool_id: string | null;
  status: string;
  reason: 'no_first_followup' | 'not_converted' | 'protection';
  days: number;
}

/** An owned lead whose owner got it by a claim: the protection period applies (LEADS.md 8.6). */
interface Claimed {
  id: string;
  name: string;
  owner_id: string;
  pool_id: string;
  status: string;
  claimed_on: string;
  follow_ups: string[] | null;
}

const reasonText = (d: Due): string =>
  d.reason === 'protection'
    ? '保护期到期'
    : d.reason === 'no_first_followup'
      ? `${d.days} 天内未首次跟进`
      : `${d.days} 天内未转化`;

/**
 * Lead pool timers (DOMAIN.md §1), evaluated as of a date in the tenant's time zone: warn pool
 * admins about leads unassigned too long; warn owners one day before, then recycle leads with no
 * first follow-up within N days or not converted within M days of assignment, and (when the
 * tenant turned protection on) claimed leads whose protection period ran out. The earliest wins.
 */
export const leadTimersJob: JobDef = {
  name: 'leads.timers',
  // daily, before the working day: one alert per person, not one an hour
  schedule: '30 8 * * *',
  description: {
    'zh-CN': '线索池计时：未分配提醒、未跟进/未转化回收',
    'en-US': 'Lead pool timers: unassigned alerts, recycling',
  },
  async run({ tenantId, asOf, tdb }) {
    return tdb.transaction(async (tx) => {
      const s = await loadLeadSettings(tx);
      const tz = await tenantTimeZone(tx);
      // End of the as-of day in the tenant's zone: the moment "as of" refers to.
      const moment = sql`((${asOf}::date + 1)::timestamp at time zone ${tz})`;
      const pools = sql`left join lead_pool p on p.tenant_id = l.tenant_id and p.id = coalesce(l.pool_id, ${s.defaultPoolId}::uuid)`;

      // 1. unassigned too long → one notification per pool admin
      const waiting = await tx.query(sql<{ pool_id: string; pool_name: string; n: number }>`
        select p.id as pool_id, p.name as pool_name, count(*)::int8 as n from lead l ${pools}
        where l.tenant_id = ${tenantId} and l.deleted_at is null and l.status = 'unassigned' and p.id is not null
          and l.created_at < ${moment} - make_interval(hours => coalesce(p.unassigned_alert_hours, 24)::int)
        group by p.id, p.name`);
      let alerts = 0;
      for (const w of waiting) {
        const admins = await tx.query(
          sql<{
            user_id: string;
          }>`select u.id as user_id from app_user u where u.tenant_id = ${tenantId} and u.status = 'active'
              and u.id in (${poolUsersSql(tenantId, w.pool_id, 'admin')})`,
        );
        await addNotifications(
          tx,
          admins.map((a) => ({
            userId: a.user_id,
            kind: 'lead.unassigned',
            title: `${w.pool_name}：${w.n} 条线索等待分配`,
            link: `/leads/pools/${w.pool_id}`,
          })),
        );
        alerts += admins.length;
      }

      // 2. owners get a warning the day before their lead is recycled
      const warn = await tx.query(sql<{ owner_id: string; n: number }>`
        select l.owner_id, count(*)::int8 as n from lead l ${pools}
        where l.tenant_id = ${tenantId} and l.deleted_at is null and l.status = 'pending' and l.first_followed_at is null and l.owner_id is not null
          and l.assigned_at < ${moment} - make_interval(days => coalesce(p.first_followup_days, 3)::int - 1)
          and l.assigned_at >= ${moment} - make_interval(days => coalesce(p.first_followup_days, 3)::int)
        group by l.owner_id`);
      await addNotifications(
        tx,
        warn.map((w) => ({
          userId: w.owner_id,
          kind: 'lead.recycle_warning',
          title: `${w.n} 条线索明天将因未跟进被回收`,
          link: '/leads/mine',
        })),
      );

      // 3. recycle
      const due = await tx.query(sql<Due>`
        select l.id, l.name, l.owner_id, coalesce(l.pool_id, ${s.defaultPoolId}::uuid) as pool_id, l.status,
               case when l.status = 'pending' and l.first_followed_at is null
                         and l.assigned_at < ${moment} - make_interval(days => coalesce(p.first_followup_days, 3)::int) then 'no_first_followup'
                    else 'not_converted' end as reason,
               case when l.status = 'pending' and l.first_followed_at is null
                         and l.assigned_at < ${moment} - make_interval(days => coalesce(p.first_followup_days, 3)::int) then coalesce(p.first_followup_days, 3)
                    else coalesce(p.convert_days, 30) end::int as days
        from lead l ${pools}
        where l.tenant_id = ${tenantId} and l.deleted_at is null and l.owner_id is not null and p.id is not null
          and l.status in ('pending', 'in_progress')
          and ((l.status = 'pending' and l.first_followed_at is null and l.assigned_at < ${moment} - make_interval(days => coalesce(p.first_followup_days, 3)::int))
               or l.assigned_at < ${moment} - make_interval(days => coalesce(p.convert_days, 30)::int))
        for update of l`);

      // 4. protection period of claimed leads: warn the day before, recycle on the reclaim date
      let protectionWarnings = 0;
      if (s.protection.enabled) {
        const day = (col: ReturnType<typeof sql>) => sql`to_char(${col} at time zone ${tz}, 'YYYY-MM-DD')`;
        // the owner got the lead by a claim: the latest event that changed its owner is that claim
        const claimed = await tx.query(sql<Claimed>`
          select l.id, l.name, l.owner_id, coalesce(l.pool_id, ${s.defaultPoolId}::uuid) as pool_id, l.status,
                 ${day(sql`c.at`)} as claimed_on,
                 array(select distinct ${day(sql`x.occurred_at`)} from activity x
                       where x.tenant_id = l.tenant_id and x.lead_id = l.id and x.deleted_at is null
                         and x.occurred_at >= c.at and x.occurred_at < ${moment})
                   || array_remove(array[
                        case when l.first_followed_at < ${moment} then ${day(sql`l.first_followed_at`)} end,
                        case when l.last_followed_at < ${moment} then ${day(sql`l.last_followed_at`)} end], null) as follow_ups
          from lead l ${pools}
          join lateral (select e.kind, e.to_owner, e.at from lead_event e
                        where e.tenant_id = l.tenant_id and e.lead_id = l.id and e.from_owner is distinct from e.to_owner
                          and e.at < ${moment}
                        order by e.at desc limit 1) c on c.kind = 'claimed' and c.to_owner = l.owner_id
          where l.tenant_id = ${tenantId} and l.deleted_at is null and l.owner_id is not null and p.id is not null
            and l.status in ('pending', 'in_progress')`);
        const already = new Set(due.map((d) => d.id));
        const tomorrow = addDays(asOf, 1);
        const warnOwners = new Map<string, number>();
        const expired: Claimed[] = [];
        for (const c of claimed) {
          if (already.has(c.id)) continue;
          // follow-ups before the claim are ignored by the rule (they were the previous owner's)
          const { reclaimOn } = reclaimDate(c.claimed_on, c.follow_ups ?? [], s.protection);
          if (asOf >= reclaimOn) expired.push(c);
          else if (reclaimOn === tomorrow) warnOwners.set(c.owner_id, (warnOwners.get(c.owner_id) ?? 0) + 1);
        }
        await addNotifications(
          tx,
          [...warnOwners].map(([userId, n]) => ({
            userId,
            kind: 'lead.recycle_warning',
            title: `${n} 条线索的保护期明天到期，将回收到线索池`,
            link: '/leads/mine',
          })),
        );
        protectionWarnings = warnOwners.size;
        // lock only the leads going back (the scan reads every claimed lead), and only if still
        // with the same owner: a return or reassignment since the scan wins
        if (expired.length) {
          const still = await tx.query(sql<{ id: string; owner_id: string | null; status: string }>`
            select id, owner_id, status from lead where tenant_id = ${tenantId} and id = any(${expired.map((c) => c.id)}::uuid[])
            for update`);
          for (const c of expired) {
            const now = still.find((x) => x.id === c.id);
            if (now && now.owner_id === c.owner_id && ['pending', 'in_progress'].includes(now.status))
              due.push({ ...c, status: now.status, reason: 'protection', days: 0 });
          }
        }
      }

      for (const d of due) {
        const reason = reasonText(d);
        await tx.exec0(sql`update lead set owner_id = null, pool_id = ${d.pool_id}, status = 'unassigned', assigned_at = null,
            recycle_count = coalesce(recycle_count, 0) + 1, updated_at = now(), version = version + 1
          where tenant_id = ${tenantId} and id = ${d.id}`);
        await tx.exec0(sql`insert into lead_event (tenant_id, id, lead_id, kind, from_owner, to_pool, reason)
          values (${tenantId}, ${newId()}, ${d.id}, 'recycled', ${d.owner_id}, ${d.pool_id}, ${reason})`);
      }
      if (due.length) {
        await writeAudit(
          tx,
          { userId: null, apiKeyId: null },
          due.map((d) => ({
            action: 'update' as const,
            object: 'lead',
            recordId: d.id,
            changes: { owner_id: [d.owner_id, null], status: [d.status, 'unassigned'] },
            meta: { kind: 'recycled', reason: d.reason, as_of: asOf },
          })),
        );
        await emitEvents(
          tx,
          null,
          due.map((d) => ({
            type: 'lead.recycled',
            object: 'lead',
            recordId: d.id,
            payload: { id: d.id, from_owner: d.owner_id, pool_id: d.pool_id, reason: d.reason },
          })),
        );
        const byOwner = new Map<string, number>();
        for (const d of due) if (d.owner_id) byOwner.set(d.owner_id, (byOwner.get(d.owner_id) ?? 0) + 1);
        await addNotifications(
          tx,
          [...byOwner].map(([userId, n]) => ({
            userId,
            kind: 'lead.recycled',
            title: `${n} 条线索已回收到线索池`,
          })),
        );
      }
      return {
        as_of: asOf,
        unassigned_alerts: alerts,
        warnings: warn.length + protectionWarnings,
        recycled: due.length,
        recycled_protection: due.filter((d) => d.reason === 'protection').length,
      };
    });
  },
};

const DECAY_BATCH = 1000;

/**
 * Monthly score decay (LEADS.md section 6): scores of open leads fade by the tenant's percent for
 * every whole month without a touch or follow-up, as of a date. Nothing to do while the percent
 * is 0. Recomputes in batches of 1,000 and writes only scores that changed; not audited (a
 * derived value, like the score itself).
 */
export const leadScoreDecayJob: JobDef = {
  name: 'leads.score_decay',
  schedule: '15 2 * * *',
  description: {
    'zh-CN': '线索评分按月衰减（长期无互动的线索降分）',
    'en-US': 'Monthly lead score decay for leads without recent touches',
  },
  async run({ tenantId, asOf, tdb }) {
    const s = await loadLeadSettings(tdb);
    if (s.scoring.monthlyDecayPercent <= 0)
      return { as_of: asOf, checked: 0, changed: 0, skipped: 'no decay' };
    const tz = await tenantTimeZone(tdb);
    let after = '00000000-0000-0000-0000-000000000000';
    let checked = 0;
    let changed = 0;
    for (;;) {
      const rows = await tdb.query(sql<
        Record<string, unknown> & {
          id: string;
          score: number | null;
          forms: number;
          attended: number;
          registered: number;
          last_touch_on: string | null;
        }
      >`select l.*,
          (select count(*) from lead_touch t where t.tenant_id = l.tenant_id and t.lead_id = l.id and t.channel = 'web_form')::int8 as forms,
          (select count(*) from campaign_member m where m.tenant_id = l.tenant_id and m.lead_id = l.id and m.status = 'attended' and m.deleted_at is null)::int8 as attended,
          (select count(*) from campaign_member m where m.tenant_id = l.tenant_id and m.lead_id = l.id and m.status in ('registered', 'attended') and m.deleted_at is null)::int8 as registered,
          to_char(greatest((select max(t.at) from lead_touch t where t.tenant_id = l.tenant_id and t.lead_id = l.id), l.last_followed_at, l.created_at)
                  at time zone ${tz}, 'YYYY-MM-DD') as last_touch_on
        from lead l
        where l.tenant_id = ${tenantId} and l.deleted_at is null and l.id > ${after}
          and l.status in ('unassigned', 'pending', 'in_progress')
        order by l.id limit ${DECAY_BATCH}`);
      if (!rows.length) break;
      const ids: string[] = [];
      const scores: number[] = [];
      for (const r of rows) {
        const behaviours = {
          form_submitted: r.forms,
          campaign_attended: r.attended,
          campaign_registered: r.registered,
        };
        const next = scoreLead(r, behaviours, s.scoring, asOf, r.last_touch_on ?? asOf).score;
        if (next !== r.score) {
          ids.push(r.id);
          scores.push(next);
        }
      }
      if (ids.length)
        changed += await tdb.exec0(sql`update lead l set score = v.score
          from unnest(${ids}::uuid[], ${scores}::int[]) as v(id, score)
          where l.tenant_id = ${tenantId} and l.id = v.id`);
      checked += rows.length;
      after = rows[rows.length - 1]?.id ?? after;
      if (rows.length < DECAY_BATCH) break;
    }
    return { as_of: asOf, checked, changed };
  },
};
