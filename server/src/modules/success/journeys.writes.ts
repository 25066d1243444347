import { sql } from 'kysely';
import type { Actor } from '../../platform/access/permissions.ts';
import type { TenantDb } from '../../platform/db/tenant-db.ts';
import { isUuid, newId } from '../../platform/db/ids.ts';
import { AppError, invalid, notFound, type FieldIssue } from '../../platform/http/errors.ts';
import { writeAudit, type AuditActor, type AuditEntry } from '../../platform/audit/audit.ts';
import { emitEvents, type DomainEvent } from '../../platform/events/outbox.ts';
import { addNotifications } from '../../platform/notify/notify.service.ts';
import { isLocale, type Locale } from '../../platform/i18n/i18n.ts';
import { tenantTimeZone } from '../../platform/jobs/tenant-zone.ts';
import { todayIn } from '../../platform/jobs/dates.rules.ts';
import { tenantLocale } from './alerts.service.ts';
import {
  daysBetween,
  dueOn,
  missingResults,
  nextStageKey,
  startsJourney,
  templateOf,
  type JourneyTemplate,
  type ResultKind,
} from './journeys.rules.ts';

/**
 * The writes of lifecycle journeys, each in its caller's transaction (docs/ENGAGEMENT.md
 * "Lifecycle journeys"): the current template, starting a journey (from an order or by hand),
 * cancelling the one an order started, recording a key task's result and completing a stage.
 * Permission checks are the callers' (journeys.service.ts for people, the order subscriber and the
 * demo for the system).
 */

/** The system writes (the order subscriber, the overdue job): no user, no API key. */
export const SYSTEM: AuditActor = { userId: null, apiKeyId: null };

export interface TemplateView extends JourneyTemplate {
  /** 0: the built-in template (never saved) */
  version: number;
  is_default: boolean;
  updated_at: Date | null;
  updated_by_name: string | null;
}

/** People's languages (their own, else the tenant's). */
export async function localesOfUsers(tx: TenantDb, ids: string[]): Promise<Map<string, Locale>> {
  if (!ids.length) return new Map();
  const rows = await tx.query(sql<{ id: string; locale: string | null }>`select u.id,
      coalesce(u.locale, t.locale) as locale
    from app_user u join tenant t on t.id = u.tenant_id
    where u.tenant_id = ${tx.tenantId} and u.id = any(${ids}::uuid[])`);
  return new Map(rows.map((r) => [r.id, isLocale(r.locale) ? r.locale : 'zh-CN']));
}

/** The tenant's template: the latest saved version, else the built-in one in the tenant's language. */
export async function currentTemplate(tdb: TenantDb): Promise<TemplateView> {
  const row = await tdb.one(sql<{
    version: number;
    body: unknown;
    created_at: Date;
    created_by_name: string | null;
  }>`select t.version, t.body, t.created_at, u.name as created_by_name from journey_template t
    left join app_user u on u.tenant_id = t.tenant_id and u.id = t.created_by
    where t.tenant_id = ${tdb.tenantId} order by t.version desc limit 1`);
  const locale = await tenantLocale(tdb);
  if (!row)
    return {
      version: 0,
      is_default: true,
      updated_at: null,
      updated_by_name: null,
      ...templateOf(null, locale),
    };
  return {
    version: row.version,
    is_default: false,
    updated_at: row.created_at,
    updated_by_name: row.created_by_name,
    ...templateOf(row.body, locale),
  };
}

const STARTED: Record<Locale, (account: string) => string> = {
  'zh-CN': (a) => `客户旅程已开启：${a}`,
  'en-US': (a) => `Journey started: ${a}`,
};

/**
 * Starts a journey on a customer in the caller's transaction: the template's stages and key tasks
 * are copied onto it, the first stage entered on `startedOn` and due its planned days later. Null
 * (nothing written) when the customer already has a journey under way or the order already started
 * one — so a replayed order event never starts a second. The CSM (else the account owner) is told.
 */
export async function startJourney(
  tx: TenantDb,
  actor: AuditActor,
  input: { accountId: string; orderId: string | null; startedOn: string },
  template?: TemplateView,
): Promise<string | null> {
  const tpl = template ?? (await currentTemplate(tx));
  const first = tpl.stages[0];
  if (!first) return null;
  const id = newId();
  const inserted = await tx.one(sql<{ id: string }>`insert into journey (tenant_id, id, account_id, order_id,
      template_version, status, current_stage, started_on, created_by, updated_by)
    values (${tx.tenantId}, ${id}, ${input.accountId}, ${input.orderId}, ${tpl.version}, 'active', ${first.key},
      ${input.startedOn}::date, ${actor.userId}, ${actor.userId})
    on conflict do nothing returning id`);
  if (!inserted) return null;
  const stages = tpl.stages.map((s, i) => ({
    key: s.key,
    position: i + 1,
    name: s.name,
    planned_days: s.planned_days,
    csat: s.csat,
    entered_on: i === 0 ? input.startedOn : null,
    due_on: i === 0 ? dueOn(input.startedOn, s.planned_days) : null,
  }));
  await tx.exec0(sql`insert into journey_stage (tenant_id, journey_id, key, position, name, planned_days, csat,
      entered_on, due_on)
    select ${tx.tenantId}, ${id}, x.key, x.position, x.name, x.planned_days, x.csat, x.entered_on, x.due_on
    from jsonb_to_recordset(${JSON.stringify(stages)}::jsonb) as x(key text, position int, name text,
      planned_days int, csat boolean, entered_on date, due_on date)`);
  const tasks = tpl.stages.flatMap((s) =>
    s.tasks.map((t, j) => ({
      stage_key: s.key,
      key: t.key,
      position: j + 1,
      name: t.name,
      result_kind: t.result,
      required: t.required,
    })),
  );
  if (tasks.length)
    await tx.exec0(sql`insert into journey_task (tenant_id, journey_id, stage_key, key, position, name,
        result_kind, required)
      select ${tx.tenantId}, ${id}, x.stage_key, x.key, x.position, x.name, x.result_kind, x.required
      from jsonb_to_recordset(${JSON.stringify(tasks)}::jsonb) as x(stage_key text, key text, position int,
        name text, result_kind text, required boolean)`);
  const acc = await tx.one(sql<{ name: string; owner: string | null }>`select name,
      coalesce(csm_id, owner_id) as owner from account where tenant_id = ${tx.tenantId} and id = ${input.accountId}`);
  const record = {
    account_id: input.accountId,
    order_id: input.orderId,
    started_on: input.startedOn,
    template_version: tpl.version,
    status: 'active',
    current_stage: first.key,
  };
  await writeAudit(tx, actor, [
    {
      action: 'create',
      object: 'journey',
      recordId: id,
      changes: Object.fromEntries(
        Object.entries(record)
          .filter(([, v]) => v !== null)
          .map(([k, v]) => [k, [null, v]]),
      ),
      meta: { source: input.orderId ? 'order' : 'manual' },
    },
  ]);
  await emitEvents(tx, actor.userId, [
    {
      type: 'journey.started',
      object: 'journey',
      recordId: id,
      payload: { id, ...record, due_on: stages[0]?.due_on ?? null },
    },
  ]);
  if (acc?.owner && acc.owner !== actor.userId) {
    const locale = (await localesOfUsers(tx, [acc.owner])).get(acc.owner) ?? 'zh-CN';
    await addNotifications(tx, [
      {
        userId: acc.owner,
        kind: 'success.journey_started',
        title: STARTED[locale](acc.name),
        link: `/o/account/${input.accountId}`,
      },
    ]);
  }
  return id;
}

/**
 * What a confirmed order does (the order subscriber): a confirmed new order signed within the
 * template's start window starts its customer's journey on its signing day, unless one is under way.
 * Reads the order as it is now, so a replay after a cancellation starts nothing.
 */
export async function startFromOrder(tx: TenantDb, orderId: string): Promise<string | null> {
  const o = await tx.one(sql<{
    account_id: string;
    type: string;
    status: string;
    deleted: boolean;
    order_date: string;
    account_deleted: boolean;
  }>`select o.account_id, o.type, o.status, o.deleted_at is not null as deleted, o.order_date,
      a.deleted_at is not null as account_deleted
    from sales_order o join account a on a.tenant_id = o.tenant_id and a.id = o.account_id
    where o.tenant_id = ${tx.tenantId} and o.id = ${orderId}`);
  if (!o || o.account_deleted) return null;
  const template = await currentTemplate(tx);
  const today = todayIn(await tenantTimeZone(tx));
  if (!startsJourney(o, today, template.start_window_days)) return null;
  return startJourney(tx, SYSTEM, { accountId: o.account_id, orderId, startedOn: o.order_date }, template);
}

/** A cancelled or deleted order cancels the journey it started, when that is still under way. */
export async function cancelForOrder(tx: TenantDb, orderId: string, why: string): Promise<string | null> {
  const row = await tx.one(sql<{ id: string; account_id: string; current_stage: string }>`update journey
      set status = 'cancelled', cancelled_at = now(), cancel_reason = ${why}, current_stage = null,
        version = version + 1, updated_at = now(), updated_by = null
    from (select id, current_stage from journey where tenant_id = ${tx.tenantId} and order_id = ${orderId}
      and status = 'active' for update) old
    where journey.tenant_id = ${tx.tenantId} and journey.id = old.id
    returning journey.id, journey.account_id, old.current_stage`);
  if (!row) return null;
  await writeAudit(tx, SYSTEM, [
    {
      action: 'update',
      object: 'journey',
      recordId: row.id,
      changes: { status: ['active', 'cancelled'], current_stage: [row.current_stage, null] },
      meta: { source: 'order', order_id: orderId, reason: why },
    },
  ]);
  await emitEvents(tx, null, [
    {
      type: 'journey.cancelled',
      object: 'journey',
      recordId: row.id,
      payload: { id: row.id, account_id: row.account_id, reason: why, order_id: orderId },
    },
  ]);
  return row.id;
}

const FIELD_OF: Record<ResultKind, 'done' | 'note' | 'attachment_id'> = {
  checkbox: 'done',
  note: 'note',
  file: 'attachment_id',
};

/** A key task's result as recordTask takes it (one of the three, by the task's kind). */
export interface TaskInput {
  done?: boolean;
  note?: string | null;
  attachment_id?: string | null;
}

/**
 * The writes of one key-task result, in the caller's transaction (the journey locked, under way,
 * the actor allowed): 404 for an unknown task, 409 on a completed stage, 422 for a field of another
 * kind or a file not on the customer. Audited, event `journey.task_recorded`.
 */
export async function recordTaskIn(
  tx: TenantDb,
  actor: Actor,
  j: { id: string; account_id: string },
  stageKey: string,
  taskKey: string,
  input: TaskInput,
): Promise<void> {
  const id = j.id;
  const t = await tx.one(sql<{
    result_kind: ResultKind;
    done: boolean;
    note: string | null;
    attachment_id: string | null;
    stage_done: boolean;
  }>`select k.result_kind, k.done_at is not null as done, k.note, k.attachment_id,
        s.completed_on is not null as stage_done
      from journey_task k join journey_stage s on s.tenant_id = k.tenant_id and s.journey_id = k.journey_id
        and s.key = k.stage_key
      where k.tenant_id = ${tx.tenantId} and k.journey_id = ${id} and k.stage_key = ${stageKey} and k.key = ${taskKey}
      for update of k`);
  if (!t) throw notFound();
  if (t.stage_done) throw new AppError('conflict', 'journey_stage_completed');
  const field = FIELD_OF[t.result_kind];
  const issues: FieldIssue[] = (['done', 'note', 'attachment_id'] as const)
    .filter((f) => f !== field && input[f] !== undefined)
    .map((f) => ({ field: f, issue: 'unknown_field' as const }));
  if (input[field] === undefined) issues.push({ field, issue: 'required' });
  if (issues.length) throw invalid(issues);
  let done = false;
  let note: string | null = t.note;
  let attachment: { id: string; file_name: string } | null = null;
  if (t.result_kind === 'checkbox') done = input.done === true;
  else if (t.result_kind === 'note') {
    note = (input.note ?? '').trim() || null;
    done = note !== null;
  } else {
    const att = input.attachment_id ?? null;
    if (att !== null) {
      const f = isUuid(att)
        ? await tx.one(sql<{ id: string; file_name: string }>`select id, file_name from attachment
              where tenant_id = ${tx.tenantId} and id = ${att} and object = 'account'
                and record_id = ${j.account_id} and deleted_at is null`)
        : undefined;
      if (!f) throw invalid([{ field: 'attachment_id', issue: 'not_account_file' }]);
      attachment = f;
    }
    done = attachment !== null;
  }
  await tx.exec0(sql`update journey_task set done_at = ${done ? sql`now()` : sql`null`},
        done_by = ${done ? actor.userId : null}, note = ${t.result_kind === 'note' ? note : t.note},
        attachment_id = ${t.result_kind === 'file' ? (attachment?.id ?? null) : t.attachment_id},
        file_name = ${t.result_kind === 'file' ? (attachment?.file_name ?? null) : null}
      where tenant_id = ${tx.tenantId} and journey_id = ${id} and stage_key = ${stageKey} and key = ${taskKey}`);
  await tx.exec0(sql`update journey set version = version + 1, updated_at = now(), updated_by = ${actor.userId}
      where tenant_id = ${tx.tenantId} and id = ${id}`);
  const before = t.result_kind === 'checkbox' ? t.done : t.result_kind === 'note' ? t.note : t.attachment_id;
  const after =
    t.result_kind === 'checkbox' ? done : t.result_kind === 'note' ? note : (attachment?.id ?? null);
  await writeAudit(tx, actor, [
    {
      action: 'update',
      object: 'journey',
      recordId: id,
      changes: { [`tasks.${stageKey}.${taskKey}`]: [before, after] },
      meta: { action: 'record_task' },
    },
  ]);
  await emitEvents(tx, actor.userId, [
    {
      type: 'journey.task_recorded',
      object: 'journey',
      recordId: id,
      payload: { id, account_id: j.account_id, stage_key: stageKey, task_key: taskKey, done },
    },
  ]);
}

/**
 * The writes of a stage completion, in the caller's transaction (the journey locked, the stage the
 * current one): checks the results, completes the stage, enters the next one or completes the
 * journey, closes the stage's overdue task, audits and emits. Returns what the survey step needs.
 */
export async function completeIn(
  tx: TenantDb,
  actor: Actor,
  id: string,
  j: { account_id: string; account_name: string; current_stage: string },
  on: string,
): Promise<{ csat: boolean; accountId: string; stageKey: string }> {
  const stages = await tx.query(sql<{
    key: string;
    position: number;
    name: string;
    planned_days: number | null;
    csat: boolean;
    entered_on: string | null;
    overdue_task_id: string | null;
  }>`select key, position, name, planned_days, csat, entered_on, overdue_task_id from journey_stage
    where tenant_id = ${tx.tenantId} and journey_id = ${id} order by position`);
  const stage = stages.find((s) => s.key === j.current_stage);
  if (!stage || stage.entered_on === null) throw notFound();
  if (on < stage.entered_on)
    throw invalid([
      { field: 'completed_on', issue: 'before_entered', params: { entered: stage.entered_on } },
    ]);
  const tasks = await tx.query(sql<{
    key: string;
    required: boolean;
    result: ResultKind;
    done: boolean;
    note: string | null;
    has_file: boolean;
  }>`select k.key, k.required, k.result_kind as result, k.done_at is not null as done, k.note,
      f.id is not null as has_file
    from journey_task k
    left join attachment f on f.tenant_id = k.tenant_id and f.id = k.attachment_id and f.deleted_at is null
      and f.object = 'account' and f.record_id = ${j.account_id}
    where k.tenant_id = ${tx.tenantId} and k.journey_id = ${id} and k.stage_key = ${stage.key}
    order by k.position`);
  const missing = missingResults(tasks);
  if (missing.length) throw invalid(missing);
  await tx.exec0(sql`update journey_stage set completed_on = ${on}::date, completed_at = now(),
      completed_by = ${actor.userId}
    where tenant_id = ${tx.tenantId} and journey_id = ${id} and key = ${stage.key}`);
  const nextKey = nextStageKey(stages, stage.key);
  const next = stages.find((s) => s.key === nextKey);
  if (next)
    await tx.exec0(sql`update journey_stage set entered_on = ${on}::date,
        due_on = ${dueOn(on, next.planned_days)}::date
      where tenant_id = ${tx.tenantId} and journey_id = ${id} and key = ${next.key}`);
  await tx.exec0(sql`update journey set current_stage = ${next?.key ?? null},
      status = ${next ? 'active' : 'completed'}, completed_on = ${next ? null : on}::date,
      version = version + 1, updated_at = now(), updated_by = ${actor.userId}
    where tenant_id = ${tx.tenantId} and id = ${id}`);
  const audits: AuditEntry[] = [
    {
      action: 'update',
      object: 'journey',
      recordId: id,
      changes: {
        current_stage: [stage.key, next?.key ?? null],
        ...(next ? {} : { status: ['active', 'completed'] }),
      },
      meta: { action: 'complete_stage', stage: stage.key, completed_on: on },
    },
  ];
  const events: DomainEvent[] = [
    {
      type: 'journey.stage_completed',
      object: 'journey',
      recordId: id,
      payload: {
        id,
        account_id: j.account_id,
        stage_key: stage.key,
        completed_on: on,
        days: daysBetween(stage.entered_on, on),
        next_stage: next?.key ?? null,
        csat: stage.csat,
      },
    },
  ];
  if (!next)
    events.push({
      type: 'journey.completed',
      object: 'journey',
      recordId: id,
      payload: { id, account_id: j.account_id, completed_on: on },
    });
  // the overdue alert's task asked for exactly this: it is done now
  if (stage.overdue_task_id) {
    const closed =
      await tx.exec0(sql`update task set status = 'done', completed_at = now(), version = version + 1,
        updated_at = now(), updated_by = ${actor.userId}
      where tenant_id = ${tx.tenantId} and id = ${stage.overdue_task_id} and status = 'open' and deleted_at is null`);
    if (closed)
      audits.push({
        action: 'update',
        object: 'task',
        recordId: stage.overdue_task_id,
        changes: { status: ['open', 'done'] },
        meta: { source: 'journey.complete_stage', journey_id: id, stage: stage.key },
      });
  }
  await writeAudit(tx, actor, audits);
  await emitEvents(tx, actor.userId, events);
  return { csat: stage.csat, accountId: j.account_id, stageKey: stage.key };
}
