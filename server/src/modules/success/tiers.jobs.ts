import { sql } from 'kysely';
import type { JobDef } from '../../platform/jobs/jobs.types.ts';
import type { TenantDb } from '../../platform/db/tenant-db.ts';
import { newId } from '../../platform/db/ids.ts';
import { writeAudit, type AuditEntry } from '../../platform/audit/audit.ts';
import { emitEvents, type DomainEvent } from '../../platform/events/outbox.ts';
import { addNotifications, type NotificationInput } from '../../platform/notify/notify.service.ts';
import { tenantTimeZone } from '../../platform/jobs/tenant-zone.ts';
import type { Locale } from '../../platform/i18n/i18n.ts';
import { arrOn } from './health.service.ts';
import { assignmentReason, rotate, tierOf, type TierRule, type TouchKind } from './tiers.rules.ts';
import { evaluateBook, loadTierSettings, localesOf, teamMembers, tierName } from './tiers.service.ts';

/** The job writes as the system: no user, no API key. */
const SYSTEM = { userId: null, apiKeyId: null };

/** Events of service tiers (beyond the generic engine's). */
export const TIER_EVENTS = ['service_tier.changed', 'service_tier.csm_assigned'];

export const ASSIGNED_KIND = 'success.csm_assigned';
export const OVERDUE_KIND = 'success.touch_overdue';

interface Customer {
  id: string;
  name: string;
  grade: string | null;
  industry: string | null;
  csm_id: string | null;
  csm_active: boolean;
  term_start: string | null;
}

interface HistoryRow {
  account_id: string;
  tier_key: string | null;
  since: string | null;
}

export interface TierRunResult extends Record<string, unknown> {
  as_of: string;
  customers: number;
  by_tier: Record<string, number>;
  untiered: number;
  entered: number;
  moved: number;
  left: number;
  assigned: number;
  no_csm: number;
  csm_inactive: number;
  no_team: number;
  overdue_notified: number;
}

const TOUCH_NAME: Record<TouchKind, Record<Locale, string>> = {
  call: { 'zh-CN': '电话回访', 'en-US': 'call' },
  visit: { 'zh-CN': '上门拜访', 'en-US': 'visit' },
};

/**
 * One run on `asOf` for one tenant, in one transaction (docs/ENGAGEMENT.md "Service tiers, cadence
 * and touch rate"):
 * 1. re-tier: every customer with ARR on the day gets the first matching tier (tiers.rules.ts
 *    tierOf); a change is written to account_tier_history (customers without ARR leave the tiers);
 * 2. assign: a tiered customer without a CSM, or whose CSM is no longer active, gets the next member
 *    of its tier's team by round robin (pointer per tier in service_tier_rotation) — audited, an
 *    event and a notification per assignment; a customer whose CSM is active is never reassigned;
 * 3. remind: each active CSM is told once a day about the touches that became overdue that day
 *    (`remind: false` skips it: the demo back-fills past days without telling anyone about them).
 * A rerun of the same day changes nothing more.
 */
export async function runTiers(
  tdb: TenantDb,
  asOf: string,
  opts: { remind?: boolean } = {},
): Promise<TierRunResult> {
  const tz = await tenantTimeZone(tdb);
  const settings = await loadTierSettings(tdb);
  return tdb.transaction(async (tx) => {
    await tx.exec0(sql`select pg_advisory_xact_lock(hashtext('success.tiers:' || ${tx.tenantId}))`);
    const arr = await arrOn(tx, asOf);
    const customers = await tx.query(sql<Customer>`select a.id, a.name, a.grade, a.industry, a.csm_id,
        coalesce(u.status = 'active', false) as csm_active,
        (select to_char(min(l.service_start), 'YYYY-MM-DD') from subscription_line l
          where l.tenant_id = a.tenant_id and l.account_id = a.id and l.status = 'active'
            and l.service_start <= ${asOf}::date and l.service_end >= ${asOf}::date) as term_start
      from account a left join app_user u on u.tenant_id = a.tenant_id and u.id = a.csm_id
      where a.tenant_id = ${tx.tenantId} and a.deleted_at is null and a.id = any(${[...arr.keys()]}::uuid[])
      order by a.name, a.id`);
    // the tier before the day, and the day's own row when the day was run already
    const before = await tx.query(sql<HistoryRow>`select distinct on (account_id) account_id, tier_key,
        to_char(since, 'YYYY-MM-DD') as since
      from account_tier_history where tenant_id = ${tx.tenantId} and effective_on < ${asOf}::date
      order by account_id, effective_on desc`);
    const sameDay =
      await tx.query(sql<HistoryRow>`select account_id, tier_key, to_char(since, 'YYYY-MM-DD') as since
      from account_tier_history where tenant_id = ${tx.tenantId} and effective_on = ${asOf}::date`);
    const prev = new Map(before.map((r) => [r.account_id, r]));
    const today = new Map(sameDay.map((r) => [r.account_id, r]));

    const termStart = new Map(customers.map((c) => [c.id, c.term_start]));
    const tierBy = new Map<string, TierRule>();
    for (const c of customers) {
      const t = tierOf(settings.tiers, { arrFen: arr.get(c.id) ?? 0, grade: c.grade, industry: c.industry });
      if (t) tierBy.set(c.id, t);
    }
    const result: TierRunResult = {
      as_of: asOf,
      customers: customers.length,
      by_tier: Object.fromEntries(settings.tiers.map((t) => [t.key, 0])),
      untiered: 0,
      entered: 0,
      moved: 0,
      left: 0,
      assigned: 0,
      no_csm: 0,
      csm_inactive: 0,
      no_team: 0,
      overdue_notified: 0,
    };
    const events: DomainEvent[] = [];
    const upserts: { account_id: string; tier_key: string | null; since: string | null }[] = [];
    const dropToday: string[] = [];
    const accountIds = new Set([...customers.map((c) => c.id), ...prev.keys(), ...today.keys()]);
    for (const id of accountIds) {
      const tier = tierBy.get(id) ?? null;
      const key = tier?.key ?? null;
      if (key !== null) result.by_tier[key] = (result.by_tier[key] ?? 0) + 1;
      else if (arr.has(id)) result.untiered += 1;
      const was = prev.get(id)?.tier_key ?? null;
      const written = today.get(id);
      if (key === was) {
        // back to what it was before the day (a rerun after a settings change): no change that day
        if (written) dropToday.push(id);
        continue;
      }
      // entering the tiers starts the clock at the current term's start (an old customer first tiered
      // is not given a fresh grace period); a move to another tier starts it on the day
      const term = termStart.get(id) ?? asOf;
      const since =
        key === null ? null : written?.tier_key === key ? written.since : was === null ? term : asOf;
      if (written && written.tier_key === key && written.since === since) continue;
      upserts.push({ account_id: id, tier_key: key, since });
      if (was === null) result.entered += 1;
      else if (key === null) result.left += 1;
      else result.moved += 1;
      events.push({
        type: 'service_tier.changed',
        object: 'account',
        recordId: id,
        payload: { account_id: id, from: was, to: key, since, as_of: asOf },
      });
    }
    if (dropToday.length)
      await tx.exec0(sql`delete from account_tier_history where tenant_id = ${tx.tenantId}
        and effective_on = ${asOf}::date and account_id = any(${dropToday}::uuid[])`);
    if (upserts.length)
      await tx.exec0(sql`insert into account_tier_history (tenant_id, id, account_id, tier_key, since, effective_on)
        select ${tx.tenantId}, x.id, x.account_id, x.tier_key, x.since, ${asOf}::date
        from jsonb_to_recordset(${JSON.stringify(upserts.map((u) => ({ ...u, id: newId() })))}::jsonb)
          as x(id uuid, account_id uuid, tier_key text, since date)
        on conflict (tenant_id, account_id, effective_on)
        do update set tier_key = excluded.tier_key, since = excluded.since, created_at = now()`);

    // assignment: per tier in rule order, customers by name — deterministic
    const audits: AuditEntry[] = [];
    const notes: { userId: string; account: Customer; tier: TierRule }[] = [];
    for (const tier of settings.tiers) {
      const need = customers.flatMap((c) => {
        const reason = tierBy.get(c.id)?.key === tier.key ? assignmentReason(c.csm_id, c.csm_active) : null;
        return reason ? [{ c, reason }] : [];
      });
      if (!need.length) continue;
      const members = await teamMembers(tx, tier.team);
      const pointer = await tx.one(sql<{
        last_user_id: string | null;
      }>`select last_user_id from service_tier_rotation
        where tenant_id = ${tx.tenantId} and tier_key = ${tier.key} for update`);
      const { picks, last } = rotate(members, pointer?.last_user_id ?? null, need.length);
      result.no_team += need.length - picks.length;
      for (const [i, csm] of picks.entries()) {
        const n = need[i];
        if (!n) continue;
        const { c, reason } = n;
        await tx.exec0(sql`update account set csm_id = ${csm}, version = version + 1, updated_at = now(),
            updated_by = null
          where tenant_id = ${tx.tenantId} and id = ${c.id}`);
        result.assigned += 1;
        result[reason] += 1;
        audits.push({
          action: 'update',
          object: 'account',
          recordId: c.id,
          changes: { csm_id: [c.csm_id, csm] },
          meta: { source: 'success.tiers', as_of: asOf, tier: tier.key, reason },
        });
        events.push({
          type: 'service_tier.csm_assigned',
          object: 'account',
          recordId: c.id,
          payload: {
            account_id: c.id,
            tier: tier.key,
            csm_id: csm,
            previous_csm_id: c.csm_id,
            reason,
            as_of: asOf,
          },
        });
        notes.push({ userId: csm, account: c, tier });
      }
      if (picks.length)
        await tx.exec0(sql`insert into service_tier_rotation (tenant_id, tier_key, last_user_id, assigned)
          values (${tx.tenantId}, ${tier.key}, ${last}, ${picks.length})
          on conflict (tenant_id, tier_key) do update set last_user_id = excluded.last_user_id,
            assigned = service_tier_rotation.assigned + excluded.assigned, updated_at = now()`);
    }
    await writeAudit(tx, SYSTEM, audits);
    await emitEvents(tx, null, events);
    const locales = await localesOf(tx, [...new Set(notes.map((n) => n.userId))]);
    await addNotifications(
      tx,
      notes.map(({ userId, account, tier }) => {
        const loc = locales.get(userId) ?? 'zh-CN';
        const name = tierName(tier, loc);
        return {
          userId,
          kind: ASSIGNED_KIND,
          title:
            loc === 'zh-CN'
              ? `新客户分配给你：${account.name}（${name}）`
              : `Customer assigned to you: ${account.name} (${name})`,
          body: cadenceText(tier, loc),
          link: `/o/account/${account.id}`,
        };
      }),
    );
    if (opts.remind !== false) result.overdue_notified = await remindOverdue(tx, asOf, tz);
    return result;
  });
}

function cadenceText(t: TierRule, loc: Locale): string {
  const zh = loc === 'zh-CN';
  const parts = [
    t.call_every_days !== null
      ? zh
        ? `每 ${t.call_every_days} 天电话回访`
        : `a call every ${t.call_every_days} days`
      : null,
    t.visit_every_days !== null
      ? zh
        ? `每 ${t.visit_every_days} 天上门拜访`
        : `a visit every ${t.visit_every_days} days`
      : null,
  ].filter((p): p is string => p !== null);
  if (!parts.length) return zh ? '该服务等级无固定回访要求' : 'This tier has no touch cadence';
  return zh ? `服务节奏：${parts.join('，')}` : `Cadence: ${parts.join(', ')}`;
}

/**
 * The touches that became overdue on `asOf` (1 day overdue), one notification per active CSM,
 * at most once per CSM and day (the link carries the day).
 */
async function remindOverdue(tx: TenantDb, asOf: string, tz: string): Promise<number> {
  const settings = await loadTierSettings(tx);
  const rows = await evaluateBook(tx, settings, asOf, tz, sql<boolean>`t.csm_id is not null`);
  const byCsm = new Map<string, { account: string; kind: TouchKind; due_on: string }[]>();
  const totals = new Map<string, number>();
  for (const r of rows) {
    if (r.csm_id === null) continue;
    for (const t of r.touch.touches) {
      if (t.on_cadence) continue;
      totals.set(r.csm_id, (totals.get(r.csm_id) ?? 0) + 1);
      if (t.days_overdue !== 1) continue;
      const list = byCsm.get(r.csm_id) ?? [];
      list.push({ account: r.account_name, kind: t.kind, due_on: t.due_on });
      byCsm.set(r.csm_id, list);
    }
  }
  if (!byCsm.size) return 0;
  const link = `/success/touch?as_of=${asOf}`;
  const people = await tx.query(sql<{ id: string }>`select u.id from app_user u
    where u.tenant_id = ${tx.tenantId} and u.status = 'active' and u.id = any(${[...byCsm.keys()]}::uuid[])
      and not exists (select 1 from notification n where n.tenant_id = u.tenant_id and n.user_id = u.id
        and n.kind = ${OVERDUE_KIND} and n.link = ${link})`);
  const locales = await localesOf(
    tx,
    people.map((p) => p.id),
  );
  const out: NotificationInput[] = people.map(({ id }) => {
    const loc = locales.get(id) ?? 'zh-CN';
    const list = byCsm.get(id) ?? [];
    const total = totals.get(id) ?? list.length;
    const lines = list
      .slice(0, 10)
      .map(
        (x) => `${x.account} · ${TOUCH_NAME[x.kind][loc]} · ${loc === 'zh-CN' ? '应于' : 'due'} ${x.due_on}`,
      );
    const more =
      list.length > 10
        ? [loc === 'zh-CN' ? `……另有 ${list.length - 10} 项` : `… and ${list.length - 10} more`]
        : [];
    return {
      userId: id,
      kind: OVERDUE_KIND,
      title:
        loc === 'zh-CN'
          ? `今天新增 ${list.length} 项客户回访/拜访逾期（共 ${total} 项）`
          : `${list.length} customer touches became overdue today (${total} overdue in all)`,
      body: [...lines, ...more].join('\n'),
      link,
    };
  });
  await addNotifications(tx, out);
  return out.length;
}

/** Daily at 07:00: re-tier customers, assign CSMs by round robin, remind CSMs of overdue touches. */
export const successTiersJob: JobDef = {
  name: 'success.tiers',
  schedule: '0 7 * * *',
  description: {
    'zh-CN': '客户成功：服务分级、轮流分配客户成功经理、回访逾期提醒',
    'en-US': 'Customer success: service tiers, round-robin CSM assignment, overdue-touch reminders',
  },
  run: ({ tdb, asOf }) => runTiers(tdb, asOf),
};
