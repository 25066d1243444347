import { sql } from 'kysely';
import type { JobDef } from '../../platform/jobs/jobs.types.ts';
import type { TenantDb } from '../../platform/db/tenant-db.ts';
import type { StoredEvent, Subscriber } from '../../platform/events/dispatcher.ts';
import { newId } from '../../platform/db/ids.ts';
import { writeAudit, type AuditEntry } from '../../platform/audit/audit.ts';
import { emitEvents, type DomainEvent } from '../../platform/events/outbox.ts';
import { addNotifications, type NotificationInput } from '../../platform/notify/notify.service.ts';
import { tenantTimeZone } from '../../platform/jobs/tenant-zone.ts';
import type { Locale } from '../../platform/i18n/i18n.ts';
import { tenantLocale } from './alerts.service.ts';
import { overdueDays } from './journeys.rules.ts';
import { cancelForOrder, localesOfUsers, startFromOrder, SYSTEM } from './journeys.writes.ts';

const TEXT: Record<
  Locale,
  {
    task: (account: string, stage: string, due: string) => string;
    notes: (days: number) => string;
    title: (account: string, stage: string) => string;
  }
> = {
  'zh-CN': {
    task: (a, s, d) => `旅程阶段超期：${a} · ${s}（计划 ${d} 完成）`,
    notes: (n) =>
      `该阶段已超出计划 ${n} 天。请推进关键任务、记录可验证结果并完成阶段；阶段完成时本任务自动标记为已完成。`,
    title: (a, s) => `旅程阶段超期：${a} · ${s}`,
  },
  'en-US': {
    task: (a, s, d) => `Journey stage overdue: ${a} · ${s} (planned by ${d})`,
    notes: (n) =>
      `The stage is ${n} day(s) past its plan. Move its key tasks along, record their results and complete the stage; this task is marked done when the stage completes.`,
    title: (a, s) => `Journey stage overdue: ${a} · ${s}`,
  },
};

interface OverdueStage {
  journey_id: string;
  key: string;
  name: string;
  entered_on: string;
  due_on: string;
  account_id: string;
  account_name: string;
  owner_id: string | null;
}

/**
 * The overdue check of one tenant on `asOf`: every stage under way (its journey active, the stage
 * current, not completed) whose due day has passed and that was never alerted gets one task for the
 * journey's owner (the customer's CSM, else the account owner; due 18:00 that day, high priority) and
 * a notification; the stage remembers the day and the task, so a stage is alerted once — a rerun of
 * the day, or the next day, adds nothing.
 */
export async function alertOverdueStages(tdb: TenantDb, asOf: string): Promise<Record<string, unknown>> {
  const tz = await tenantTimeZone(tdb);
  return tdb.transaction(async (tx) => {
    await tx.exec0(sql`select pg_advisory_xact_lock(hashtext('success.journeys:' || ${tx.tenantId}))`);
    const rows = await tx.query(sql<OverdueStage>`select s.journey_id, s.key, s.name, s.entered_on, s.due_on,
        j.account_id, a.name as account_name, coalesce(a.csm_id, a.owner_id) as owner_id
      from journey_stage s
      join journey j on j.tenant_id = s.tenant_id and j.id = s.journey_id
      join account a on a.tenant_id = j.tenant_id and a.id = j.account_id
      where s.tenant_id = ${tx.tenantId} and j.status = 'active' and j.current_stage = s.key
        and s.completed_on is null and s.entered_on is not null and s.due_on < ${asOf}::date
        and s.overdue_alerted_on is null and a.deleted_at is null
      order by s.due_on, a.name, s.journey_id
      for update of s`);
    const underway = await tx.one(sql<{ n: number }>`select count(*)::int as n from journey_stage s
      join journey j on j.tenant_id = s.tenant_id and j.id = s.journey_id
      where s.tenant_id = ${tx.tenantId} and j.status = 'active' and j.current_stage = s.key
        and s.due_on < ${asOf}::date`);
    const tenantLoc = await tenantLocale(tx);
    const locales = await localesOfUsers(tx, [
      ...new Set(rows.flatMap((r) => (r.owner_id ? [r.owner_id] : []))),
    ]);
    const audits: AuditEntry[] = [];
    const events: DomainEvent[] = [];
    const notes: NotificationInput[] = [];
    const tasks: Record<string, unknown>[] = [];
    const marks: { journey_id: string; key: string; task_id: string | null }[] = [];
    for (const r of rows) {
      const late = overdueDays({ entered_on: r.entered_on, due_on: r.due_on, completed_on: null }, asOf);
      // the task is the customer's record, in the tenant's language; the notification in the owner's
      const t = TEXT[tenantLoc];
      const taskId = r.owner_id ? newId() : null;
      if (taskId) {
        const record = {
          subject: t.task(r.account_name, r.name, r.due_on).slice(0, 200),
          owner_id: r.owner_id,
          status: 'open',
          priority: 'high',
          account_id: r.account_id,
          notes: t.notes(late),
        };
        tasks.push({ id: taskId, ...record });
        audits.push({
          action: 'create',
          object: 'task',
          recordId: taskId,
          changes: Object.fromEntries(Object.entries(record).map(([k, v]) => [k, [null, v]])),
          meta: { source: 'success.journeys', journey_id: r.journey_id, stage: r.key, as_of: asOf },
        });
        events.push({
          type: 'task.created',
          object: 'task',
          recordId: taskId,
          payload: { object: 'task', id: taskId, record },
        });
      }
      marks.push({ journey_id: r.journey_id, key: r.key, task_id: taskId });
      audits.push({
        action: 'update',
        object: 'journey',
        recordId: r.journey_id,
        changes: { [`stages.${r.key}.overdue_alerted_on`]: [null, asOf] },
        meta: { source: 'success.journeys', as_of: asOf, task_id: taskId },
      });
      events.push({
        type: 'journey.stage_overdue',
        object: 'journey',
        recordId: r.journey_id,
        payload: {
          id: r.journey_id,
          account_id: r.account_id,
          stage_key: r.key,
          due_on: r.due_on,
          days_overdue: late,
          owner_id: r.owner_id,
          task_id: taskId,
          as_of: asOf,
        },
      });
      if (r.owner_id)
        notes.push({
          userId: r.owner_id,
          kind: 'success.journey_overdue',
          title: TEXT[locales.get(r.owner_id) ?? tenantLoc].title(r.account_name, r.name),
          link: `/o/account/${r.account_id}`,
        });
    }
    // the task stands on the customer: due at 18:00 local on the day of the check
    if (tasks.length)
      await tx.exec0(sql`insert into task (tenant_id, id, owner_id, subject, status, priority, due_at, notes, account_id)
        select ${tx.tenantId}, x.id, x.owner_id, x.subject, 'open', 'high',
          (${asOf}::date + time '18:00') at time zone ${tz}, x.notes, x.account_id
        from jsonb_to_recordset(${JSON.stringify(tasks)}::jsonb) as x(id uuid, owner_id uuid, subject text,
          notes text, account_id uuid)`);
    // the stage remembers its alert (after the task exists: it points at it)
    if (marks.length)
      await tx.exec0(sql`update journey_stage s set overdue_alerted_on = ${asOf}::date, overdue_task_id = x.task_id
        from jsonb_to_recordset(${JSON.stringify(marks)}::jsonb) as x(journey_id uuid, key text, task_id uuid)
        where s.tenant_id = ${tx.tenantId} and s.journey_id = x.journey_id and s.key = x.key`);
    await writeAudit(tx, SYSTEM, audits);
    await emitEvents(tx, null, events);
    await addNotifications(tx, notes);
    return {
      as_of: asOf,
      overdue: underway?.n ?? 0,
      alerted: rows.length,
      tasks: tasks.length,
      notified: notes.length,
      without_owner: rows.length - tasks.length,
    };
  });
}

/** Daily at 07:30 (tenant time zone by the scheduler): alerts the journey stages past their plan. */
export const successJourneysJob: JobDef = {
  name: 'success.journeys',
  schedule: '30 7 * * *',
  description: {
    'zh-CN': '客户成功：客户旅程阶段超期提醒',
    'en-US': 'Customer success: alert journey stages past their planned days',
  },
  run: ({ tdb, asOf }) => alertOverdueStages(tdb, asOf),
};

/**
 * Starts journeys from the cash module's orders: `order.confirmed` of a new order starts its
 * customer's journey (journeys.service.ts startFromOrder: once per order, one under way per
 * customer, within the start window); a cancelled or deleted order cancels the journey it started
 * while that is under way. Each delivery reads the order as it is now, so replays change nothing.
 */
export function journeysSubscriber(): Subscriber {
  return {
    name: 'success.journeys',
    types: ['order.confirmed', 'order.cancelled', 'order.deleted'],
    async handle(ev: StoredEvent, tx: TenantDb): Promise<void> {
      if (!ev.record_id) return;
      if (ev.type === 'order.confirmed') await startFromOrder(tx, ev.record_id);
      else
        await cancelForOrder(
          tx,
          ev.record_id,
          ev.type === 'order.deleted' ? 'order_deleted' : 'order_cancelled',
        );
    },
  };
}
