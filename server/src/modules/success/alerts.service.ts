import { sql } from 'kysely';
import type { TenantDb } from '../../platform/db/tenant-db.ts';
import { newId } from '../../platform/db/ids.ts';
import { writeAudit, type AuditEntry } from '../../platform/audit/audit.ts';
import { emitEvents, type DomainEvent } from '../../platform/events/outbox.ts';
import { addNotifications, type NotificationInput } from '../../platform/notify/notify.service.ts';
import { tenantTimeZone } from '../../platform/jobs/tenant-zone.ts';
import { isLocale, type Locale } from '../../platform/i18n/i18n.ts';
import type { WeeklyStep } from './success.jobs.ts';
import { loadHealthModel } from './health.service.ts';
import { addDaysIso } from './health.rules.ts';
import {
  addMonthsIso,
  evaluateAlerts,
  maxLevel,
  type Alert,
  type AlertSnapshot,
  type Level,
} from './alerts.rules.ts';
import { describeAlert, workOrderSubject } from './alert-text.rules.ts';

/**
 * Change alerts and warning work orders (异动预警 → 预警工单, 无闭环不管理; DOMAIN.md §6.3,
 * docs/HEALTH.md): steps of the weekly run, after scoring (and after renewal probabilities).
 */

/** The job writes as the system: no user, no API key (audit rows and events say so). */
const SYSTEM = { userId: null, apiKeyId: null };

export const OPEN_STATUSES = ['open', 'in_progress', 'reopened'] as const;

interface SnapshotPair {
  account_id: string;
  account_name: string;
  csm_id: string | null;
  owner_id: string | null;
  /** For a partner-served customer: the partner's active user who gets its work orders. */
  partner_user_id: string | null;
  score: number | null;
  status: AlertSnapshot['status'];
  login_rate: number | null;
  probability: number | null;
  quotas: AlertSnapshot['quotas'];
  admin_user: string | null;
  department_heads: string[] | null;
  has_prev: boolean;
  p_score: number | null;
  p_status: AlertSnapshot['status'] | null;
  p_login_rate: number | null;
  p_probability: number | null;
  p_quotas: AlertSnapshot['quotas'];
  p_admin_user: string | null;
  p_department_heads: string[] | null;
  due_date: string | null;
  due_status: string | null;
}

/** The tenant's language for texts stored once for everyone (work-order subjects and details). */
export async function tenantLocale(tdb: TenantDb): Promise<Locale> {
  const r = await tdb.one(sql<{ locale: string }>`select locale from tenant where id = ${tdb.tenantId}`);
  return isLocale(r?.locale) ? r.locale : 'zh-CN';
}

/**
 * Each customer's snapshot of `week` next to the week before, with its nearest due renewal not
 * renewed: upcoming within three months of `asOf`, or passed (overdue or churned, within the last
 * year) with no subscription started since — a win-back ends it, as it ends the delay (延期).
 */
function snapshotPairs(tdb: TenantDb, week: string, asOf: string): Promise<SnapshotPair[]> {
  return tdb.query(sql<SnapshotPair>`select s.account_id, a.name as account_name, a.csm_id, a.owner_id,
      s.score::float8 as score, s.status, s.login_rate::float8 as login_rate, s.probability::float8 as probability,
      s.quotas, s.admin_user, s.department_heads,
      p.account_id is not null as has_prev, p.score::float8 as p_score, p.status as p_status,
      p.login_rate::float8 as p_login_rate, p.probability::float8 as p_probability, p.quotas as p_quotas,
      p.admin_user as p_admin_user, p.department_heads as p_department_heads,
      d.due_date, d.status as due_status, pu.id as partner_user_id
    from health_snapshot s
    join account a on a.tenant_id = s.tenant_id and a.id = s.account_id and a.deleted_at is null
    left join lateral (
      select u.id from app_user u
      where a.partner_id is not null and u.tenant_id = a.tenant_id and u.partner_account_id = a.partner_id
        and u.status = 'active'
      order by (select count(*) from work_order w where w.tenant_id = u.tenant_id and w.owner_id = u.id
          and w.status in ('open', 'in_progress', 'reopened') and w.deleted_at is null), u.created_at, u.id
      limit 1) pu on true
    left join health_snapshot p on p.tenant_id = s.tenant_id and p.account_id = s.account_id
      and p.week_start = ${addDaysIso(week, -7)}::date
    left join lateral (
      select to_char(r.due_date, 'YYYY-MM-DD') as due_date, r.status from due_renewal r
      where r.tenant_id = s.tenant_id and r.account_id = s.account_id and r.deleted_at is null
        and r.status in ('upcoming', 'overdue', 'churned')
        and r.due_date <= ${addMonthsIso(asOf, 3)}::date and r.due_date > ${addMonthsIso(asOf, -12)}::date
        and not exists (select 1 from subscription_line l where l.tenant_id = r.tenant_id and l.account_id = r.account_id
          and l.status = 'active' and l.service_start > r.due_date and l.service_start <= ${asOf}::date)
      order by r.due_date limit 1) d on true
    where s.tenant_id = ${tdb.tenantId} and s.week_start = ${week}::date
    order by s.account_id`);
}

const snapshotOf = (r: SnapshotPair, prev: boolean): AlertSnapshot | null => {
  if (!prev)
    return {
      score: r.score,
      status: r.status,
      login_rate: r.login_rate,
      probability: r.probability,
      quotas: r.quotas,
      admin_user: r.admin_user,
      department_heads: r.department_heads,
    };
  if (!r.has_prev || r.p_status === null) return null;
  return {
    score: r.p_score,
    status: r.p_status,
    login_rate: r.p_login_rate,
    probability: r.p_probability,
    quotas: r.p_quotas,
    admin_user: r.p_admin_user,
    department_heads: r.p_department_heads,
  };
};

interface NewAlert extends Alert {
  id: string;
  account_id: string;
}

interface OpenWorkOrder {
  id: string;
  account_id: string;
  alert_type: string;
  level: Level;
  owner_id: string | null;
  subject: string;
  detail: string | null;
  status: string;
  due_date: string;
  last_raised_week: string;
  times_raised: number;
  version: number;
}

/**
 * Step `alerts`: compares every customer's snapshot of the run's week with the week before and
 * stores the alerts (one per customer, week and type: a rerun of the week adds only alerts it did
 * not have, so nothing is raised twice). Each new malignant alert opens a warning work order for
 * the customer's CSM — the account owner when it has none — due `dueDays[level]` after the run
 * date, or raises the open one of that customer and type again (times raised + 1, level never
 * lowered, due date kept or brought forward). A partner-served customer's work order goes to that
 * partner's users instead (DOMAIN.md §6.3): the active one with the fewest open work orders when
 * the run starts, so a partner's team shares the load; every user of the partner sees it.
 */
export const alertsStep: WeeklyStep = async (_platform, ctx, run) => {
  const { tdb, asOf } = ctx;
  const week = run.week_start;
  const { model } = await loadHealthModel(tdb);
  const locale = await tenantLocale(tdb);
  const pairs = await snapshotPairs(tdb, week, asOf);
  const byAccount = new Map(pairs.map((p) => [p.account_id, p]));
  const found: NewAlert[] = [];
  for (const p of pairs) {
    const cur = snapshotOf(p, false);
    if (!cur) continue;
    const due = p.due_date && p.due_status ? { due_date: p.due_date, status: p.due_status } : null;
    for (const a of evaluateAlerts({ model, asOf, prev: snapshotOf(p, true), cur, due }))
      found.push({ ...a, id: newId(), account_id: p.account_id });
  }
  return tdb.transaction(async (tx) => {
    // one run at a time per tenant: two back-fills must not both open the same work order
    await tx.exec0(sql`select pg_advisory_xact_lock(hashtext('success.alerts:' || ${tx.tenantId}))`);
    const inserted = found.length
      ? await tx.query(sql<{
          id: string;
        }>`insert into health_alert (tenant_id, id, account_id, week_start, type, level, nature, detail)
          select ${tx.tenantId}, x.id, x.account_id, ${week}::date, x.type, x.level, x.nature, x.detail
          from jsonb_to_recordset(${JSON.stringify(found)}::jsonb) as x(id uuid, account_id uuid, type text, level text,
            nature text, detail jsonb)
          on conflict (tenant_id, account_id, week_start, type) do nothing
          returning id`)
      : [];
    const isNew = new Set(inserted.map((r) => r.id));
    const fresh = found.filter((a) => isNew.has(a.id));
    const malignant = fresh.filter((a) => a.nature === 'malignant');
    const open = await openWorkOrders(tx, malignant);
    const creates: Record<string, unknown>[] = [];
    const updates: { wo: OpenWorkOrder; level: Level; due_date: string; detail: string }[] = [];
    const links: { alert_id: string; work_order_id: string }[] = [];
    for (const a of malignant) {
      const acc = byAccount.get(a.account_id);
      if (!acc) continue;
      const detail = describeAlert(a.type, a.detail, locale);
      const due = addDaysIso(asOf, model.alerts.dueDays[a.level]);
      const existing = open.get(`${a.account_id}:${a.type}`);
      if (existing) {
        updates.push({
          wo: existing,
          level: maxLevel(existing.level, a.level),
          due_date: due < existing.due_date ? due : existing.due_date,
          detail,
        });
        links.push({ alert_id: a.id, work_order_id: existing.id });
        continue;
      }
      const id = newId();
      creates.push({
        id,
        account_id: a.account_id,
        owner_id: acc.partner_user_id ?? acc.csm_id ?? acc.owner_id,
        alert_type: a.type,
        level: a.level,
        subject: workOrderSubject(acc.account_name, a.type, locale),
        detail,
        due_date: due,
      });
      links.push({ alert_id: a.id, work_order_id: id });
    }
    if (creates.length)
      await tx.exec0(sql`insert into work_order (tenant_id, id, owner_id, account_id, type, alert_type, level, subject,
          detail, status, due_date, raised_week, last_raised_week, times_raised)
        select ${tx.tenantId}, x.id, x.owner_id, x.account_id, 'warning', x.alert_type, x.level, x.subject, x.detail,
          'open', x.due_date, ${week}::date, ${week}::date, 1
        from jsonb_to_recordset(${JSON.stringify(creates)}::jsonb) as x(id uuid, owner_id uuid, account_id uuid,
          alert_type text, level text, subject text, detail text, due_date date)`);
    if (updates.length)
      await tx.exec0(sql`update work_order w set times_raised = w.times_raised + 1,
          last_raised_week = greatest(w.last_raised_week, ${week}::date), level = x.level, due_date = x.due_date,
          detail = x.detail, version = w.version + 1, updated_at = now(), updated_by = null
        from jsonb_to_recordset(${JSON.stringify(
          updates.map((u) => ({ id: u.wo.id, level: u.level, due_date: u.due_date, detail: u.detail })),
        )}::jsonb) as x(id uuid, level text, due_date date, detail text)
        where w.tenant_id = ${tx.tenantId} and w.id = x.id`);
    if (links.length)
      await tx.exec0(sql`update health_alert h set work_order_id = x.work_order_id
        from jsonb_to_recordset(${JSON.stringify(links)}::jsonb) as x(alert_id uuid, work_order_id uuid)
        where h.tenant_id = ${tx.tenantId} and h.id = x.alert_id`);
    await trail(tx, week, asOf, fresh, links, creates, updates);
    const notified = await notifyOwners(tx, creates, updates);
    return {
      week_start: week,
      alerts: fresh.length,
      already_raised: found.length - fresh.length,
      malignant: malignant.length,
      work_orders_opened: creates.length,
      work_orders_raised_again: updates.length,
      notified,
    };
  });
};

/** The open work orders of the customers and types the new alerts name, locked for this run. */
async function openWorkOrders(tx: TenantDb, alerts: NewAlert[]): Promise<Map<string, OpenWorkOrder>> {
  if (!alerts.length) return new Map();
  const keys = JSON.stringify(alerts.map((a) => ({ account_id: a.account_id, alert_type: a.type })));
  const rows = await tx.query(sql<OpenWorkOrder>`select w.id, w.account_id, w.alert_type, w.level, w.owner_id,
      w.subject, w.detail, w.status, to_char(w.due_date, 'YYYY-MM-DD') as due_date,
      to_char(w.last_raised_week, 'YYYY-MM-DD') as last_raised_week, w.times_raised, w.version
    from work_order w
    join jsonb_to_recordset(${keys}::jsonb) as k(account_id uuid, alert_type text)
      on k.account_id = w.account_id and k.alert_type = w.alert_type
    where w.tenant_id = ${tx.tenantId} and w.deleted_at is null and w.status in ('open', 'in_progress', 'reopened')
    for update of w`);
  return new Map(rows.map((r) => [`${r.account_id}:${r.alert_type}`, r]));
}

/** Audit rows and outbox events of the run's writes, like the records engine writes them. */
async function trail(
  tx: TenantDb,
  week: string,
  asOf: string,
  alerts: NewAlert[],
  links: { alert_id: string; work_order_id: string }[],
  creates: Record<string, unknown>[],
  updates: { wo: OpenWorkOrder; level: Level; due_date: string; detail: string }[],
): Promise<void> {
  const audits: AuditEntry[] = [];
  const events: DomainEvent[] = [];
  for (const c of creates) {
    const record = {
      ...c,
      type: 'warning',
      status: 'open',
      raised_week: week,
      last_raised_week: week,
      times_raised: 1,
    };
    const id = String(c.id);
    audits.push({
      action: 'create',
      object: 'work_order',
      recordId: id,
      changes: Object.fromEntries(
        Object.entries(record)
          .filter(([k]) => k !== 'id')
          .map(([k, v]) => [k, [null, v]]),
      ),
      meta: { source: 'success.weekly', week_start: week, as_of: asOf },
    });
    events.push({
      type: 'work_order.created',
      object: 'work_order',
      recordId: id,
      payload: { object: 'work_order', id, record },
    });
  }
  for (const u of updates) {
    const changes: Record<string, [unknown, unknown]> = {
      times_raised: [u.wo.times_raised, u.wo.times_raised + 1],
    };
    if (week > u.wo.last_raised_week) changes.last_raised_week = [u.wo.last_raised_week, week];
    if (u.level !== u.wo.level) changes.level = [u.wo.level, u.level];
    if (u.due_date !== u.wo.due_date) changes.due_date = [u.wo.due_date, u.due_date];
    if (u.detail !== u.wo.detail) changes.detail = [u.wo.detail, u.detail];
    audits.push({
      action: 'update',
      object: 'work_order',
      recordId: u.wo.id,
      changes,
      meta: { source: 'success.weekly', week_start: week, as_of: asOf, raised_again: true },
    });
    events.push({
      type: 'work_order.updated',
      object: 'work_order',
      recordId: u.wo.id,
      payload: {
        object: 'work_order',
        id: u.wo.id,
        raised_again: true,
        changes: Object.fromEntries(Object.entries(changes).map(([k, [o, n]]) => [k, { old: o, new: n }])),
      },
    });
  }
  const woOf = new Map(links.map((l) => [l.alert_id, l.work_order_id]));
  for (const a of alerts)
    events.push({
      type: 'health_alert.raised',
      object: 'account',
      recordId: a.account_id,
      payload: {
        id: a.id,
        account_id: a.account_id,
        week_start: week,
        type: a.type,
        level: a.level,
        nature: a.nature,
        detail: a.detail,
        work_order_id: woOf.get(a.id) ?? null,
      },
    });
  await writeAudit(tx, SYSTEM, audits);
  await emitEvents(tx, null, events);
}

/** People's languages (their own, else the tenant's). */
async function localesOf(tx: TenantDb, userIds: string[]): Promise<Map<string, Locale>> {
  if (!userIds.length) return new Map();
  const rows = await tx.query(sql<{
    id: string;
    locale: string | null;
  }>`select u.id, coalesce(u.locale, t.locale) as locale
    from app_user u join tenant t on t.id = u.tenant_id
    where u.tenant_id = ${tx.tenantId} and u.id = any(${userIds}::uuid[])`);
  return new Map(rows.map((r) => [r.id, isLocale(r.locale) ? r.locale : 'zh-CN']));
}

/**
 * Tells each owner about work orders opened for them, and about open ones raised to a higher
 * level: one notification per person (the list when there are several).
 */
async function notifyOwners(
  tx: TenantDb,
  creates: Record<string, unknown>[],
  updates: { wo: OpenWorkOrder; level: Level }[],
): Promise<number> {
  const items = new Map<string, { id: string; subject: string; escalated: boolean }[]>();
  const add = (owner: unknown, id: string, subject: string, escalated: boolean): void => {
    if (typeof owner !== 'string') return;
    const list = items.get(owner) ?? [];
    list.push({ id, subject, escalated });
    items.set(owner, list);
  };
  for (const c of creates) add(c.owner_id, String(c.id), String(c.subject), false);
  for (const u of updates) if (u.level !== u.wo.level) add(u.wo.owner_id, u.wo.id, u.wo.subject, true);
  const locales = await localesOf(tx, [...items.keys()]);
  const out: NotificationInput[] = [];
  for (const [userId, list] of items) {
    const zh = (locales.get(userId) ?? 'zh-CN') === 'zh-CN';
    const one = list.length === 1 ? list[0] : undefined;
    const title = one
      ? one.escalated
        ? zh
          ? `预警工单升级：${one.subject}`
          : `Work order escalated: ${one.subject}`
        : zh
          ? `新预警工单：${one.subject}`
          : `New warning work order: ${one.subject}`
      : zh
        ? `${list.length} 个预警工单需要处理`
        : `${list.length} warning work orders need you`;
    out.push({
      userId,
      kind: 'success.work_order',
      title,
      ...(one
        ? {}
        : {
            body: list
              .slice(0, 20)
              .map((x) => `· ${x.subject}`)
              .join('\n'),
          }),
      link: one ? `/o/work_order/${one.id}` : '/o/work_order',
    });
  }
  await addNotifications(tx, out);
  return out.length;
}

/**
 * Step `effectiveness`: two weeks after resolution (resolved on or before asOf − 14 days, in the
 * tenant's calendar) a work order is effective when the customer's latest score is above the score
 * it had when resolved, else ineffective (no score either side — no data — is ineffective).
 * Each is judged once (evaluated_on); a reopened one is judged again after its next resolution.
 */
export const effectivenessStep: WeeklyStep = async (_platform, ctx, run) => {
  const { tdb, asOf } = ctx;
  const tz = await tenantTimeZone(tdb);
  return tdb.transaction(async (tx) => {
    const rows = await tx.query(sql<{
      id: string;
      account_id: string;
      owner_id: string | null;
      status: string;
      score_at_resolution: number | null;
      score_now: number | null;
    }>`select w.id, w.account_id, w.owner_id, w.status, w.score_at_resolution::float8 as score_at_resolution,
        (select s.score::float8 from health_snapshot s where s.tenant_id = w.tenant_id and s.account_id = w.account_id
           and s.week_start <= ${run.week_start}::date order by s.week_start desc limit 1) as score_now
      from work_order w
      where w.tenant_id = ${tx.tenantId} and w.deleted_at is null and w.status in ('resolved', 'verified')
        and w.effectiveness is null and w.resolved_at is not null
        and (w.resolved_at at time zone ${tz})::date <= ${addDaysIso(asOf, -14)}::date
      order by w.id
      for update of w`);
    const judged = rows.map((r) => ({
      ...r,
      effectiveness:
        r.score_now !== null && r.score_at_resolution !== null && r.score_now > r.score_at_resolution
          ? ('effective' as const)
          : ('ineffective' as const),
    }));
    if (judged.length)
      await tx.exec0(sql`update work_order w set effectiveness = x.effectiveness, evaluated_on = ${asOf}::date,
          version = w.version + 1, updated_at = now(), updated_by = null
        from jsonb_to_recordset(${JSON.stringify(judged.map((j) => ({ id: j.id, effectiveness: j.effectiveness })))}::jsonb)
          as x(id uuid, effectiveness text)
        where w.tenant_id = ${tx.tenantId} and w.id = x.id`);
    await writeAudit(
      tx,
      SYSTEM,
      judged.map((j) => ({
        action: 'update' as const,
        object: 'work_order',
        recordId: j.id,
        changes: { effectiveness: [null, j.effectiveness], evaluated_on: [null, asOf] },
        meta: {
          source: 'success.weekly',
          score_at_resolution: j.score_at_resolution,
          score_now: j.score_now,
        },
      })),
    );
    await emitEvents(
      tx,
      null,
      judged.map((j) => ({
        type: 'work_order.evaluated',
        object: 'work_order',
        recordId: j.id,
        payload: {
          id: j.id,
          account_id: j.account_id,
          owner_id: j.owner_id,
          effectiveness: j.effectiveness,
          score_at_resolution: j.score_at_resolution,
          score_now: j.score_now,
          evaluated_on: asOf,
        },
      })),
    );
    return {
      evaluated: judged.length,
      effective: judged.filter((j) => j.effectiveness === 'effective').length,
      ineffective: judged.filter((j) => j.effectiveness === 'ineffective').length,
    };
  });
};
