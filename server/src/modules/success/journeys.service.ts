import { sql, type RawBuilder } from 'kysely';
import { z } from 'zod';
import type { Platform } from '../../platform/platform.ts';
import { objectPermission, type Actor } from '../../platform/access/permissions.ts';
import { TenantDb } from '../../platform/db/tenant-db.ts';
import { isUuid } from '../../platform/db/ids.ts';
import { AppError, forbidden, invalid, notFound } from '../../platform/http/errors.ts';
import { parseBody } from '../../platform/http/zod-issues.ts';
import { writeAudit } from '../../platform/audit/audit.ts';
import { emitEvents } from '../../platform/events/outbox.ts';
import { isValidDate } from '../../platform/metadata/values.rules.ts';
import { accountReadPredicate, servedAccounts } from '../accounts/scopes.ts';
import { systemActor } from '../leads/index.ts';
import { SurveysService } from './surveys.service.ts';
import {
  checkTemplate,
  daysBetween,
  isOverdue,
  overdueDays,
  stageDurations,
  stageState,
  surveyRound,
  NOTE_MAX,
  type JourneyStatus,
  type ResultKind,
  type StageDurations,
  type StageState,
} from './journeys.rules.ts';
import {
  completeIn,
  currentTemplate,
  recordTaskIn,
  startJourney,
  type TemplateView,
} from './journeys.writes.ts';

export {
  cancelForOrder,
  currentTemplate,
  localesOfUsers,
  recordTaskIn,
  startFromOrder,
  startJourney,
  SYSTEM,
  type TaskInput,
  type TemplateView,
} from './journeys.writes.ts';

/**
 * Lifecycle journeys (DOMAIN.md §6.6, docs/ENGAGEMENT.md "Lifecycle journeys"): the tenant's
 * template, starting a journey (from a confirmed new order or by hand), recording key-task results,
 * completing stages (with the automatic CSAT of a stage), cancelling, the journey views and the
 * stage-durations report. Whoever may read a customer reads its journeys; its CSM (else the account
 * owner), a CS lead over that CSM's book and administrators move them along.
 */

/** Events of journeys (docs/API.md §28). */
export const JOURNEY_EVENTS = [
  'journey.started',
  'journey.task_recorded',
  'journey.stage_completed',
  'journey.completed',
  'journey.cancelled',
  'journey.stage_overdue',
];

export interface TaskView {
  key: string;
  name: string;
  result: ResultKind;
  required: boolean;
  done: boolean;
  done_at: Date | null;
  done_by: string | null;
  done_by_name: string | null;
  note: string | null;
  attachment_id: string | null;
  file_name: string | null;
  /** the file is still attached to the customer (a removed one no longer counts) */
  file_present: boolean;
}

export interface StageView {
  key: string;
  name: string;
  position: number;
  planned_days: number | null;
  csat: boolean;
  state: StageState;
  entered_on: string | null;
  due_on: string | null;
  completed_on: string | null;
  completed_by: string | null;
  completed_by_name: string | null;
  /** days in the stage: entered → completed, or → today while under way */
  days: number | null;
  overdue: boolean;
  overdue_days: number;
  overdue_task_id: string | null;
  tasks: TaskView[];
}

export interface JourneySummary {
  id: string;
  account_id: string;
  account_name: string;
  status: JourneyStatus;
  current_stage: string | null;
  current_stage_name: string | null;
  current_due_on: string | null;
  overdue: boolean;
  overdue_days: number;
  owner_id: string | null;
  owner_name: string | null;
  started_on: string;
  completed_on: string | null;
  stages_done: number;
  stages_total: number;
}

export interface JourneyView extends JourneySummary {
  version: number;
  order_id: string | null;
  order_number: string | null;
  template_version: number;
  cancelled_at: Date | null;
  cancel_reason: string | null;
  /** the caller may record results, complete stages and cancel */
  may_advance: boolean;
  created_at: Date;
  updated_at: Date;
  stages: StageView[];
}

export interface SurveySent {
  survey_id: string;
  survey_name: string;
  round: string;
  invited: number;
  skipped: number;
  /** the customer has no key user to ask */
  no_key_users: boolean;
  /** why nothing was sent (the survey was closed meanwhile …), else null */
  error: string | null;
}

export interface DurationsReport {
  from: string;
  to: string;
  as_of: string;
  started: number;
  completed: number;
  cancelled: number;
  stages: StageDurations[];
}

/**
 * Who moves a journey along: an administrator, the customer's CSM (else the account owner), or a
 * CS lead over the CSM's book — a role that may update accounts beyond its own that serves the
 * customer through its CSMs (servedAccounts: the default 客户成功总监).
 */
export function mayAdvance(
  actor: Actor,
  a: { csm_id: string | null; owner_id: string | null; served: boolean },
): boolean {
  if (actor.isAdmin) return true;
  if (actor.userId !== null && actor.userId === (a.csm_id ?? a.owner_id)) return true;
  const p = objectPermission(actor, 'account');
  return a.served && p.update && p.scope !== 'own';
}

/** Journeys whose customer the actor may read, over alias `t` (the account). */
const readable = (actor: Actor): RawBuilder<boolean> =>
  sql<boolean>`(t.deleted_at is null and ${accountReadPredicate(actor)})`;

interface JourneyRow {
  id: string;
  version: number;
  account_id: string;
  account_name: string;
  order_id: string | null;
  order_number: string | null;
  status: JourneyStatus;
  current_stage: string | null;
  owner_id: string | null;
  owner_name: string | null;
  csm_id: string | null;
  account_owner_id: string | null;
  served: boolean;
  started_on: string;
  completed_on: string | null;
  cancelled_at: Date | null;
  cancel_reason: string | null;
  template_version: number;
  created_at: Date;
  updated_at: Date;
}

interface StageRowDb {
  journey_id: string;
  key: string;
  position: number;
  name: string;
  planned_days: number | null;
  csat: boolean;
  entered_on: string | null;
  due_on: string | null;
  completed_on: string | null;
  completed_by: string | null;
  completed_by_name: string | null;
  overdue_task_id: string | null;
}

interface TaskRowDb extends TaskView {
  journey_id: string;
  stage_key: string;
}

const JOURNEY_SELECT = (actor: Actor) => sql`select j.id, j.version, j.account_id, t.name as account_name,
    j.order_id, o.number as order_number, j.status, j.current_stage, coalesce(t.csm_id, t.owner_id) as owner_id,
    u.name as owner_name, t.csm_id, t.owner_id as account_owner_id, ${servedAccounts(actor, 't')} as served,
    j.started_on, j.completed_on, j.cancelled_at, j.cancel_reason, j.template_version, j.created_at, j.updated_at
  from journey j
  join account t on t.tenant_id = j.tenant_id and t.id = j.account_id
  left join app_user u on u.tenant_id = j.tenant_id and u.id = coalesce(t.csm_id, t.owner_id)
  left join sales_order o on o.tenant_id = j.tenant_id and o.id = j.order_id`;

const text = (max: number) =>
  z
    .string()
    .max(max)
    .refine((s) => !s.includes('\u0000'));
const version = z.number().int().min(1).optional();
const dateText = z.string();

const StartBody = z.strictObject({ started_on: dateText.optional() });
const TaskBody = z.strictObject({
  version,
  done: z.boolean().optional(),
  note: text(NOTE_MAX).nullable().optional(),
  attachment_id: z.string().nullable().optional(),
});
const CompleteBody = z.strictObject({ version, stage_key: z.string(), completed_on: dateText.optional() });
const CancelBody = z.strictObject({ version, reason: text(500) });

export class JourneysService {
  constructor(private readonly p: Platform) {}

  private tdb(actor: Actor): TenantDb {
    return TenantDb.for(this.p.db, actor.tenantId);
  }

  async template(actor: Actor): Promise<TemplateView> {
    return currentTemplate(this.tdb(actor));
  }

  /**
   * Saves a new version of the template (administrators): all issues at once as 422 naming the
   * path; `version`, when given, must be the current one (409). Journeys under way keep the stages
   * they started with.
   */
  async putTemplate(actor: Actor, body: unknown): Promise<TemplateView> {
    if (!actor.isAdmin) throw forbidden();
    const { template, issues } = checkTemplate(body);
    const b = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
    if (b.version !== undefined && (typeof b.version !== 'number' || !Number.isInteger(b.version)))
      issues.push({ field: 'version', issue: 'invalid_value' });
    if (issues.length) throw invalid(issues);
    const tdb = this.tdb(actor);
    await tdb.transaction(async (tx) => {
      await tx.exec0(
        sql`select pg_advisory_xact_lock(hashtext('success.journey_template:' || ${tx.tenantId}))`,
      );
      const before = await currentTemplate(tx);
      if (typeof b.version === 'number' && b.version !== before.version)
        throw new AppError('conflict', 'version_conflict');
      const next = before.version + 1;
      await tx.exec0(sql`insert into journey_template (tenant_id, version, body, created_by)
        values (${tx.tenantId}, ${next}, ${JSON.stringify(template)}::jsonb, ${actor.userId})`);
      await writeAudit(tx, actor, [
        {
          action: 'admin',
          object: 'journey_template',
          recordId: null,
          changes: {
            template: [{ start_window_days: before.start_window_days, stages: before.stages }, template],
          },
          meta: { version: next },
        },
      ]);
    });
    return currentTemplate(tdb);
  }

  /** Journeys by id as the actor may see them, in the order given. */
  private async views(db: TenantDb, actor: Actor, ids: string[], today: string): Promise<JourneyView[]> {
    if (!ids.length) return [];
    const rows = await db.query(sql<JourneyRow>`${JOURNEY_SELECT(actor)}
      where j.tenant_id = ${db.tenantId} and j.id = any(${ids}::uuid[]) and ${readable(actor)}`);
    if (!rows.length) return [];
    const found = rows.map((r) => r.id);
    const stages =
      await db.query(sql<StageRowDb>`select s.journey_id, s.key, s.position, s.name, s.planned_days,
        s.csat, s.entered_on, s.due_on, s.completed_on, s.completed_by, cu.name as completed_by_name, s.overdue_task_id
      from journey_stage s left join app_user cu on cu.tenant_id = s.tenant_id and cu.id = s.completed_by
      where s.tenant_id = ${db.tenantId} and s.journey_id = any(${found}::uuid[])
      order by s.journey_id, s.position`);
    const tasks = await db.query(sql<TaskRowDb>`select k.journey_id, k.stage_key, k.key, k.name,
        k.result_kind as result, k.required, k.done_at is not null as done, k.done_at, k.done_by,
        du.name as done_by_name, k.note, k.attachment_id, k.file_name, f.id is not null as file_present
      from journey_task k
      join journey j on j.tenant_id = k.tenant_id and j.id = k.journey_id
      left join app_user du on du.tenant_id = k.tenant_id and du.id = k.done_by
      left join attachment f on f.tenant_id = k.tenant_id and f.id = k.attachment_id and f.deleted_at is null
        and f.object = 'account' and f.record_id = j.account_id
      where k.tenant_id = ${db.tenantId} and k.journey_id = any(${found}::uuid[])
      order by k.journey_id, k.stage_key, k.position`);
    const byId = new Map(rows.map((r) => [r.id, this.compose(actor, r, stages, tasks, today)]));
    return ids.flatMap((id) => {
      const v = byId.get(id);
      return v ? [v] : [];
    });
  }

  private compose(
    actor: Actor,
    r: JourneyRow,
    allStages: StageRowDb[],
    allTasks: TaskRowDb[],
    today: string,
  ): JourneyView {
    const stages: StageView[] = allStages
      .filter((s) => s.journey_id === r.id)
      .map((s) => {
        const overdue = r.status === 'active' && isOverdue(s, today);
        return {
          key: s.key,
          name: s.name,
          position: s.position,
          planned_days: s.planned_days,
          csat: s.csat,
          state: stageState(s, s.key, r),
          entered_on: s.entered_on,
          due_on: s.due_on,
          completed_on: s.completed_on,
          completed_by: s.completed_by,
          completed_by_name: s.completed_by_name,
          days:
            s.entered_on === null
              ? null
              : s.completed_on !== null
                ? daysBetween(s.entered_on, s.completed_on)
                : r.status === 'active'
                  ? Math.max(0, daysBetween(s.entered_on, today))
                  : null,
          overdue,
          overdue_days: overdue ? overdueDays(s, today) : 0,
          overdue_task_id: s.overdue_task_id,
          tasks: allTasks
            .filter((k) => k.journey_id === r.id && k.stage_key === s.key)
            .map((k) => ({
              key: k.key,
              name: k.name,
              result: k.result,
              required: k.required,
              done: k.done,
              done_at: k.done_at,
              done_by: k.done_by,
              done_by_name: k.done_by_name,
              note: k.note,
              attachment_id: k.attachment_id,
              file_name: k.file_name,
              file_present: k.file_present,
            })),
        };
      });
    const cur = stages.find((s) => s.state === 'current');
    return {
      id: r.id,
      version: r.version,
      account_id: r.account_id,
      account_name: r.account_name,
      order_id: r.order_id,
      order_number: r.order_number,
      status: r.status,
      current_stage: r.current_stage,
      current_stage_name: cur?.name ?? null,
      current_due_on: cur?.due_on ?? null,
      overdue: cur?.overdue ?? false,
      overdue_days: cur?.overdue_days ?? 0,
      owner_id: r.owner_id,
      owner_name: r.owner_name,
      started_on: r.started_on,
      completed_on: r.completed_on,
      stages_done: stages.filter((s) => s.state === 'done').length,
      stages_total: stages.length,
      template_version: r.template_version,
      cancelled_at: r.cancelled_at,
      cancel_reason: r.cancel_reason,
      may_advance:
        r.status === 'active' &&
        mayAdvance(actor, { csm_id: r.csm_id, owner_id: r.account_owner_id, served: r.served }),
      created_at: r.created_at,
      updated_at: r.updated_at,
      stages,
    };
  }

  /** One journey the actor may see (404 otherwise). */
  async get(actor: Actor, id: string, today: string): Promise<JourneyView> {
    if (!isUuid(id)) throw notFound();
    const [v] = await this.views(this.tdb(actor), actor, [id], today);
    if (!v) throw notFound();
    return v;
  }

  /** A customer the actor may read, with what mayAdvance needs (404 otherwise). */
  private async account(
    actor: Actor,
    db: TenantDb,
    accountId: string,
  ): Promise<{ csm_id: string | null; owner_id: string | null; served: boolean }> {
    if (!isUuid(accountId)) throw notFound();
    const a = await db.one(sql<{
      csm_id: string | null;
      owner_id: string | null;
      served: boolean;
    }>`select t.csm_id,
        t.owner_id, ${servedAccounts(actor, 't')} as served
      from account t where t.tenant_id = ${db.tenantId} and t.id = ${accountId} and ${readable(actor)}`);
    if (!a) throw notFound();
    return a;
  }

  /**
   * A customer's journeys: the one under way, else the latest, in full; every journey of the
   * customer (newest first) as summaries. Null data when it never had one.
   */
  async forAccount(
    actor: Actor,
    accountId: string,
    today: string,
  ): Promise<{ data: JourneyView | null; meta: { journeys: JourneySummary[] } }> {
    const db = this.tdb(actor);
    await this.account(actor, db, accountId);
    const ids = await db.query(sql<{ id: string }>`select id from journey
      where tenant_id = ${db.tenantId} and account_id = ${accountId}
      order by status = 'active' desc, started_on desc, created_at desc, id desc limit 50`);
    const views = await this.views(
      db,
      actor,
      ids.map((r) => r.id),
      today,
    );
    return { data: views[0] ?? null, meta: { journeys: views.map((v) => summaryOf(v)) } };
  }

  /**
   * Journeys the actor may see as summaries: under way by default (`status`), optionally only the
   * overdue ones; overdue first (most days late first), then by due day.
   */
  async list(
    actor: Actor,
    q: { status?: JourneyStatus; overdue?: boolean },
    today: string,
  ): Promise<{ data: JourneySummary[]; meta: { total: number; overdue: number } }> {
    const db = this.tdb(actor);
    const status = q.status ?? 'active';
    const ids = await db.query(sql<{ id: string }>`select j.id from journey j
      join account t on t.tenant_id = j.tenant_id and t.id = j.account_id
      where j.tenant_id = ${db.tenantId} and j.status = ${status} and ${readable(actor)}
      order by j.started_on desc, j.id limit 1000`);
    const views = await this.views(
      db,
      actor,
      ids.map((r) => r.id),
      today,
    );
    const all = views
      .map((v) => summaryOf(v))
      .filter((v) => !q.overdue || v.overdue)
      .sort(
        (a, b) =>
          b.overdue_days - a.overdue_days ||
          (a.current_due_on ?? '9999').localeCompare(b.current_due_on ?? '9999') ||
          a.account_name.localeCompare(b.account_name),
      );
    return { data: all, meta: { total: all.length, overdue: all.filter((v) => v.overdue).length } };
  }

  /** Starts a journey by hand (customers signed before Flywheel, a journey cancelled by mistake). */
  async start(actor: Actor, accountId: string, body: unknown, today: string): Promise<JourneyView> {
    const input = parseBody(StartBody, body);
    const startedOn = input.started_on ?? today;
    if (!isValidDate(startedOn)) throw invalid([{ field: 'started_on', issue: 'invalid_date' }]);
    if (startedOn > today)
      throw invalid([{ field: 'started_on', issue: 'date_in_future', params: { today } }]);
    const db = this.tdb(actor);
    const a = await this.account(actor, db, accountId);
    if (!mayAdvance(actor, a)) throw forbidden();
    const id = await db.transaction(async (tx) => {
      const started = await startJourney(tx, actor, { accountId, orderId: null, startedOn });
      if (!started) throw new AppError('conflict', 'journey_exists');
      return started;
    });
    return this.get(actor, id, today);
  }

  /**
   * Locks a journey for a change: visible (404), the actor may advance it (403), under way (409
   * journey_state_conflict) and at the version given (409 version_conflict).
   */
  private async lock(
    tx: TenantDb,
    actor: Actor,
    id: string,
    v: number | undefined,
  ): Promise<{ account_id: string; account_name: string; current_stage: string; version: number }> {
    if (!isUuid(id)) throw notFound();
    const row = await tx.one(sql<{
      account_id: string;
      account_name: string;
      status: JourneyStatus;
      current_stage: string | null;
      version: number;
      csm_id: string | null;
      owner_id: string | null;
      served: boolean;
    }>`select j.account_id, t.name as account_name, j.status, j.current_stage, j.version, t.csm_id, t.owner_id,
        ${servedAccounts(actor, 't')} as served
      from journey j join account t on t.tenant_id = j.tenant_id and t.id = j.account_id
      where j.tenant_id = ${tx.tenantId} and j.id = ${id} and ${readable(actor)}
      for update of j`);
    if (!row) throw notFound();
    if (!mayAdvance(actor, row)) throw forbidden();
    if (row.status !== 'active' || row.current_stage === null)
      throw new AppError('conflict', 'journey_state_conflict', [], { status: row.status });
    if (v !== undefined && v !== row.version) throw new AppError('conflict', 'version_conflict');
    return { ...row, current_stage: row.current_stage };
  }

  /**
   * Records a key task's result on a stage not yet completed (the current one or a later one):
   * a checkbox `done`, a `note` (empty clears it), or the `attachment_id` of a file attached to the
   * customer (null clears it). 422 naming the field for anything else.
   */
  async recordTask(
    actor: Actor,
    id: string,
    stageKey: string,
    taskKey: string,
    body: unknown,
    today: string,
  ): Promise<JourneyView> {
    const input = parseBody(TaskBody, body);
    await this.tdb(actor).transaction(async (tx) => {
      const j = await this.lock(tx, actor, id, input.version);
      await recordTaskIn(tx, actor, { id, account_id: j.account_id }, stageKey, taskKey, input);
    });
    return this.get(actor, id, today);
  }

  /**
   * Completes the current stage (`stage_key` must name it: a double submit cannot complete two) on
   * `completed_on` (default today; not before the stage was entered, not after today) once every
   * required key task has its verifiable result (422 `tasks.<key>` result_required otherwise). The
   * next stage is entered that day and due its planned days later; after the last the journey is
   * completed. The stage's open overdue task is marked done. After the commit, a stage marked `csat`
   * sends every active `journey_stage` survey to the customer's key users (round: surveyRound).
   */
  async completeStage(
    actor: Actor,
    id: string,
    body: unknown,
    today: string,
    origin: string,
  ): Promise<{ data: JourneyView; meta: { surveys: SurveySent[] } }> {
    const input = parseBody(CompleteBody, body);
    const on = input.completed_on ?? today;
    if (!isValidDate(on)) throw invalid([{ field: 'completed_on', issue: 'invalid_date' }]);
    if (on > today) throw invalid([{ field: 'completed_on', issue: 'date_in_future', params: { today } }]);
    const db = this.tdb(actor);
    const done = await db.transaction(async (tx) => {
      const j = await this.lock(tx, actor, id, input.version);
      if (input.stage_key !== j.current_stage)
        throw new AppError('conflict', 'journey_stage_not_current', [], {
          stage: input.stage_key,
          current: j.current_stage,
        });
      return completeIn(tx, actor, id, j, on);
    });
    const surveys = done.csat ? await this.sendSurveys(actor, id, done.accountId, done.stageKey, origin) : [];
    return { data: await this.get(actor, id, today), meta: { surveys } };
  }

  /** The automatic CSAT of a completed stage: every active `journey_stage` survey, as the system. */
  private async sendSurveys(
    actor: Actor,
    journeyId: string,
    accountId: string,
    stageKey: string,
    origin: string,
  ): Promise<SurveySent[]> {
    const db = this.tdb(actor);
    const list = await db.query(sql<{ id: string; name: string }>`select id, name from survey
      where tenant_id = ${db.tenantId} and deleted_at is null and status = 'active' and trigger = 'journey_stage'
      order by created_at, id`);
    const round = surveyRound(stageKey, journeyId);
    const system = systemActor(actor.tenantId, actor.timeZone, actor.currency);
    const surveys = new SurveysService(this.p);
    const out: SurveySent[] = [];
    for (const s of list) {
      const base = { survey_id: s.id, survey_name: s.name, round };
      try {
        const r = await surveys.send(system, s.id, { round, account_ids: [accountId] }, origin);
        out.push({
          ...base,
          invited: r.invited.length,
          skipped: r.skipped.length,
          no_key_users: r.accounts_without_key_users.length > 0,
          error: null,
        });
      } catch (err) {
        // the stage stays completed: a survey closed meanwhile is reported, not a failed completion
        const key = err instanceof AppError ? err.messageKey : 'internal';
        if (!(err instanceof AppError)) this.p.log.error({ err, journeyId }, 'journey survey failed');
        out.push({ ...base, invited: 0, skipped: 0, no_key_users: false, error: key });
      }
    }
    return out;
  }

  /** Cancels a journey under way with a reason (a lost deal, a duplicate). */
  async cancel(actor: Actor, id: string, body: unknown, today: string): Promise<JourneyView> {
    const input = parseBody(CancelBody, body);
    const reason = input.reason.trim();
    if (!reason) throw invalid([{ field: 'reason', issue: 'required' }]);
    await this.tdb(actor).transaction(async (tx) => {
      const j = await this.lock(tx, actor, id, input.version);
      await tx.exec0(sql`update journey set status = 'cancelled', cancelled_at = now(), cancel_reason = ${reason},
          current_stage = null, version = version + 1, updated_at = now(), updated_by = ${actor.userId}
        where tenant_id = ${tx.tenantId} and id = ${id}`);
      await writeAudit(tx, actor, [
        {
          action: 'update',
          object: 'journey',
          recordId: id,
          changes: { status: ['active', 'cancelled'], current_stage: [j.current_stage, null] },
          meta: { reason },
        },
      ]);
      await emitEvents(tx, actor.userId, [
        {
          type: 'journey.cancelled',
          object: 'journey',
          recordId: id,
          payload: { id, account_id: j.account_id, reason, order_id: null },
        },
      ]);
    });
    return this.get(actor, id, today);
  }

  /**
   * Stage durations from `from` to `to` over the journeys the actor may see (journeys.rules.ts
   * stageDurations), with the journeys started, completed and cancelled in the period. Stages under
   * way are counted on `to`, or today when the period reaches past it.
   */
  async report(actor: Actor, from: string, to: string, today: string): Promise<DurationsReport> {
    const db = this.tdb(actor);
    const tz = actor.timeZone;
    const asOf = to < today ? to : today;
    const rows = await db.query(sql<{
      key: string;
      name: string;
      position: number;
      planned_days: number | null;
      entered_on: string | null;
      due_on: string | null;
      completed_on: string | null;
      cancelled_on: string | null;
    }>`select s.key, s.name, s.position, s.planned_days, s.entered_on, s.due_on, s.completed_on,
        (j.cancelled_at at time zone ${tz})::date::text as cancelled_on
      from journey_stage s
      join journey j on j.tenant_id = s.tenant_id and j.id = s.journey_id
      join account t on t.tenant_id = j.tenant_id and t.id = j.account_id
      where s.tenant_id = ${db.tenantId} and s.entered_on is not null and s.entered_on <= ${to}::date
        and (s.completed_on is null or s.completed_on >= ${from}::date) and ${readable(actor)}`);
    const counts = await db.one(sql<{ started: number; completed: number; cancelled: number }>`select
        count(*) filter (where j.started_on between ${from}::date and ${to}::date)::int as started,
        count(*) filter (where j.completed_on between ${from}::date and ${to}::date)::int as completed,
        count(*) filter (where (j.cancelled_at at time zone ${tz})::date between ${from}::date and ${to}::date)::int
          as cancelled
      from journey j join account t on t.tenant_id = j.tenant_id and t.id = j.account_id
      where j.tenant_id = ${db.tenantId} and ${readable(actor)}`);
    const tpl = await currentTemplate(db);
    return {
      from,
      to,
      as_of: asOf,
      started: counts?.started ?? 0,
      completed: counts?.completed ?? 0,
      cancelled: counts?.cancelled ?? 0,
      stages: stageDurations(rows, { from, to, asOf }, tpl.stages),
    };
  }
}

function summaryOf(v: JourneyView): JourneySummary {
  return {
    id: v.id,
    account_id: v.account_id,
    account_name: v.account_name,
    status: v.status,
    current_stage: v.current_stage,
    current_stage_name: v.current_stage_name,
    current_due_on: v.current_due_on,
    overdue: v.overdue,
    overdue_days: v.overdue_days,
    owner_id: v.owner_id,
    owner_name: v.owner_name,
    started_on: v.started_on,
    completed_on: v.completed_on,
    stages_done: v.stages_done,
    stages_total: v.stages_total,
  };
}
