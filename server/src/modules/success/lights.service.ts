import { sql, type RawBuilder } from 'kysely';
import { z } from 'zod';
import type { Platform } from '../../platform/platform.ts';
import { can, objectPermission, type Actor } from '../../platform/access/permissions.ts';
import { scopePredicate } from '../../platform/access/scope.sql.ts';
import { TenantDb } from '../../platform/db/tenant-db.ts';
import { isUuid, newId } from '../../platform/db/ids.ts';
import { AppError, forbidden, invalid, notFound } from '../../platform/http/errors.ts';
import { parseBody } from '../../platform/http/zod-issues.ts';
import { writeAudit, type AuditActor } from '../../platform/audit/audit.ts';
import { emitEvents } from '../../platform/events/outbox.ts';
import { addNotifications, type NotificationInput } from '../../platform/notify/notify.service.ts';
import { tenantTimeZone } from '../../platform/jobs/tenant-zone.ts';
import { isLocale, type Locale } from '../../platform/i18n/i18n.ts';
import { accountReadPredicate } from '../accounts/scopes.ts';
import { tenantLocale } from './alerts.service.ts';
import { arrOn, loadHealthModel } from './health.service.ts';
import {
  ROOT_CAUSE_LABELS,
  arrBand,
  meanHours,
  LIGHT_COLORS,
  LIGHT_REASONS,
  LIGHT_TRANSITIONS,
  REASON_LABELS,
  ROOT_CAUSES,
  escalationOf,
  lightSubject,
  routeLight,
  routingOf,
  type LightAction,
  type LightColor,
  type LightEscalation,
  type LightReason,
  type LightRouting,
  type LightSource,
  type LightStatus,
  type Priority,
  type RootCause,
  type RoutedVia,
} from './lights.rules.ts';

export {
  LIGHT_COLORS,
  LIGHT_REASONS,
  LIGHT_SOURCES,
  type LightColor,
  type LightReason,
  type LightSource,
} from './lights.rules.ts';

/**
 * Traffic lights (按灯, DOMAIN.md §6.4, docs/ENGAGEMENT.md): raising one (by a person, a survey
 * detractor or a complaint), moving it through its states, the board and the root-cause report.
 * Who sees a light: whoever raised it, its owner (the customer's CSM), the person it is routed to,
 * the role's record scope on `traffic_light`, and everyone who may read the customer.
 */

export interface RaiseLightInput {
  accountId: string;
  color: LightColor;
  reason: LightReason;
  description: string;
  source: LightSource;
  surveyResponseId?: string | null;
  complaintId?: string | null;
}

/** A closed light as listeners see it (after the close was written, same transaction). */
export interface ClosedLight {
  id: string;
  account_id: string;
  owner_id: string | null;
  responsible_id: string | null;
  source: LightSource;
  survey_response_id: string | null;
  complaint_id: string | null;
  reason: LightReason;
  color: LightColor;
  root_cause: RootCause | null;
  root_cause_note: string | null;
}

/**
 * Called in close()'s transaction after a light is closed; other features (survey call-back
 * tasks) push their listener here at module load instead of editing this file. A listener that
 * throws rolls the close back.
 */
export const lightClosedListeners: Array<(tx: TenantDb, light: ClosedLight) => Promise<void>> = [];

/** The tenant's routing table and escalation limits (settings.success.lightRouting / lightEscalation). */
export async function lightSettings(
  tdb: TenantDb,
): Promise<{ routing: LightRouting; escalation: LightEscalation }> {
  const r = await tdb.one(sql<{ routing: unknown; escalation: unknown }>`select
      settings->'success'->'lightRouting' as routing, settings->'success'->'lightEscalation' as escalation
    from tenant where id = ${tdb.tenantId}`);
  return { routing: routingOf(r?.routing), escalation: escalationOf(r?.escalation) };
}

/** The first active user (oldest first) holding each role key. */
async function firstByRole(tx: TenantDb, keys: string[]): Promise<Record<string, string | null>> {
  const rows = await tx.query(sql<{ key: string; id: string }>`select distinct on (r.key) r.key, u.id
    from app_user u join role r on r.tenant_id = u.tenant_id and r.id = u.role_id
    where u.tenant_id = ${tx.tenantId} and u.status = 'active' and r.key = any(${keys}::text[])
    order by r.key, u.created_at, u.id`);
  const out: Record<string, string | null> = Object.fromEntries(keys.map((k) => [k, null]));
  for (const r of rows) out[r.key] = r.id;
  return out;
}

async function firstAdmin(tx: TenantDb): Promise<string | null> {
  const r = await tx.one(sql<{ id: string }>`select u.id from app_user u
    join role r on r.tenant_id = u.tenant_id and r.id = u.role_id
    where u.tenant_id = ${tx.tenantId} and u.status = 'active' and r.is_admin
    order by u.created_at, u.id limit 1`);
  return r?.id ?? null;
}

/**
 * A person's manager: there is no manager field on departments, so it is the nearest holder of a
 * managing role (`roles`, in order of preference) in the person's department or, failing that,
 * the departments above it — never the person themselves.
 */
export async function managerOf(
  tx: TenantDb,
  userId: string | null,
  roles: string[],
): Promise<string | null> {
  if (userId === null) return null;
  const r = await tx.one(sql<{ id: string }>`with recursive chain as (
      select d.id, d.parent_id, 0 as depth from department d
        join app_user x on x.tenant_id = d.tenant_id and x.department_id = d.id
        where d.tenant_id = ${tx.tenantId} and x.id = ${userId}
      union all
      select d.id, d.parent_id, c.depth + 1 from department d join chain c on d.id = c.parent_id
        where d.tenant_id = ${tx.tenantId} and c.depth < 20)
    select u.id from chain c
    join app_user u on u.tenant_id = ${tx.tenantId} and u.department_id = c.id
    join role r on r.tenant_id = u.tenant_id and r.id = u.role_id
    where u.status = 'active' and u.id <> ${userId} and r.key = any(${roles}::text[])
    order by c.depth, array_position(${roles}::text[], r.key), u.created_at, u.id limit 1`);
  return r?.id ?? null;
}

/** People's languages (their own, else the tenant's). */
async function localesOf(tx: TenantDb, userIds: string[]): Promise<Map<string, Locale>> {
  if (!userIds.length) return new Map();
  const rows = await tx.query(sql<{ id: string; locale: string | null }>`select u.id,
      coalesce(u.locale, t.locale) as locale
    from app_user u join tenant t on t.id = u.tenant_id
    where u.tenant_id = ${tx.tenantId} and u.id = any(${userIds}::uuid[])`);
  return new Map(rows.map((r) => [r.id, isLocale(r.locale) ? r.locale : 'zh-CN']));
}

type NoteKind = 'owner' | 'responsible' | 'escalated';
const NOTE_TITLES: Record<NoteKind, Record<Locale, (s: string) => string>> = {
  owner: { 'zh-CN': (s) => `新按灯工单：${s}`, 'en-US': (s) => `New traffic light on your customer: ${s}` },
  responsible: {
    'zh-CN': (s) => `按灯需要你处理：${s}`,
    'en-US': (s) => `Traffic light routed to you: ${s}`,
  },
  escalated: { 'zh-CN': (s) => `按灯已升级：${s}`, 'en-US': (s) => `Traffic light escalated: ${s}` },
};

/** One notification per person (the first kind wins when someone is both), never to the actor. */
export async function notifyLight(
  tx: TenantDb,
  lightId: string,
  subject: string,
  body: string | null,
  people: { userId: string | null; kind: NoteKind }[],
  actorUserId: string | null,
): Promise<number> {
  const seen = new Map<string, NoteKind>();
  for (const p of people)
    if (p.userId && p.userId !== actorUserId && !seen.has(p.userId)) seen.set(p.userId, p.kind);
  const locales = await localesOf(tx, [...seen.keys()]);
  const out: NotificationInput[] = [...seen].map(([userId, kind]) => ({
    userId,
    kind: `success.light_${kind}`,
    title: NOTE_TITLES[kind][locales.get(userId) ?? 'zh-CN'](subject),
    ...(body ? { body: body.slice(0, 1000) } : {}),
    link: `/success/lights/${lightId}`,
  }));
  await addNotifications(tx, out);
  return out.length;
}

/**
 * Opens a light in the caller's transaction (no permission check: callers decide who may raise;
 * a deleted or unknown customer is a 404). Routes it (lights.rules.ts routeLight), makes the
 * customer's CSM — else the account owner — its owner, links a complaint both ways, audits, emits
 * `traffic_light.raised` and notifies owner and responsible person. `platform` is accepted for
 * callers that have it; nothing here needs it (object hooks call this without one).
 */
export async function raiseLight(
  platform: Platform | null,
  tx: TenantDb,
  actor: AuditActor,
  input: RaiseLightInput,
): Promise<{ id: string }> {
  void platform;
  if (!isUuid(input.accountId)) throw notFound();
  const acc = await tx.one(sql<{
    name: string;
    owner_id: string | null;
    csm_id: string | null;
  }>`select name, owner_id, csm_id from account
    where tenant_id = ${tx.tenantId} and id = ${input.accountId} and deleted_at is null`);
  if (!acc) throw notFound();
  const { routing } = await lightSettings(tx);
  const roleKeys = [
    ...new Set(['cs_director', ...Object.values(routing).flatMap((t) => ('role' in t ? [t.role] : []))]),
  ];
  const target = routing[input.reason];
  const [byRole, ownerManager, admin] = await Promise.all([
    firstByRole(tx, roleKeys),
    'accountOwnerManager' in target
      ? managerOf(tx, acc.owner_id, ['sales_manager', 'cs_director'])
      : Promise.resolve(null),
    firstAdmin(tx),
  ]);
  const routed = routeLight(routing, input.reason, { byRole, ownerManager, csm: acc.csm_id, admin });
  const id = newId();
  const ownerId = acc.csm_id ?? acc.owner_id;
  const subject = lightSubject(acc.name, input.reason, await tenantLocale(tx));
  const description = input.description.trim();
  await tx.exec0(sql`insert into traffic_light (tenant_id, id, owner_id, created_by, updated_by, account_id, color,
      reason, subject, description, source, survey_response_id, complaint_id, responsible_id)
    values (${tx.tenantId}, ${id}, ${ownerId}, ${actor.userId}, ${actor.userId}, ${input.accountId}, ${input.color},
      ${input.reason}, ${subject}, ${description}, ${input.source}, ${input.surveyResponseId ?? null},
      ${input.complaintId ?? null}, ${routed.userId})`);
  if (input.complaintId)
    await tx.exec0(sql`update complaint set light_id = ${id}
      where tenant_id = ${tx.tenantId} and id = ${input.complaintId} and light_id is null`);
  const record = {
    account_id: input.accountId,
    owner_id: ownerId,
    color: input.color,
    reason: input.reason,
    subject,
    description,
    source: input.source,
    survey_response_id: input.surveyResponseId ?? null,
    complaint_id: input.complaintId ?? null,
    status: 'open',
    responsible_id: routed.userId,
    priority: 'normal',
    escalation_level: 0,
  };
  await writeAudit(tx, actor, [
    {
      action: 'create',
      object: 'traffic_light',
      recordId: id,
      changes: Object.fromEntries(
        Object.entries(record)
          .filter(([, v]) => v !== null)
          .map(([k, v]) => [k, [null, v]]),
      ),
      meta: { routed_via: routed.via },
    },
  ]);
  await emitEvents(tx, actor.userId, [
    {
      type: 'traffic_light.raised',
      object: 'traffic_light',
      recordId: id,
      payload: { id, ...record, routed_via: routed.via, raised_by: actor.userId },
    },
  ]);
  await notifyLight(
    tx,
    id,
    subject,
    description,
    [
      { userId: ownerId, kind: 'owner' },
      { userId: routed.userId, kind: 'responsible' },
    ],
    actor.userId,
  );
  return { id };
}

/** Lights the actor may see, over alias `t` (traffic_light). */
export function lightVisible(actor: Actor): RawBuilder<boolean> {
  const me = actor.userId;
  const involved =
    me === null
      ? sql<boolean>`false`
      : sql<boolean>`(t.owner_id = ${me} or t.created_by = ${me} or t.responsible_id = ${me})`;
  const byScope = can(actor, 'traffic_light', 'read')
    ? scopePredicate(actor, 'traffic_light')
    : sql<boolean>`false`;
  const byAccount = sql<boolean>`t.account_id in (select t.id from account t
    where t.tenant_id = ${actor.tenantId} and t.deleted_at is null and ${accountReadPredicate(actor)})`;
  return sql<boolean>`(${involved} or ${byScope} or ${byAccount})`;
}

/**
 * Who moves a light along: its owner (the CSM), the person it is routed to, an administrator, or a
 * role that may update lights beyond its own (the CS director).
 */
function mayAct(actor: Actor, row: { owner_id: string | null; responsible_id: string | null }): boolean {
  if (actor.isAdmin) return true;
  if (actor.userId !== null && (row.owner_id === actor.userId || row.responsible_id === actor.userId))
    return true;
  const p = objectPermission(actor, 'traffic_light');
  return p.update && p.scope !== 'own';
}

export interface LightView {
  id: string;
  version: number;
  account_id: string;
  account_name: string;
  subject: string;
  color: LightColor;
  reason: LightReason;
  description: string;
  source: LightSource;
  survey_response_id: string | null;
  complaint_id: string | null;
  status: LightStatus;
  owner_id: string | null;
  owner_name: string | null;
  responsible_id: string | null;
  responsible_name: string | null;
  created_by: string | null;
  opened_at: Date;
  reopened_count: number;
  age_days: number;
  meeting_at: Date | null;
  meeting_attendees: string[];
  action_task_ids: string[];
  escalation_level: number;
  priority: Priority;
  escalated_at: Date | null;
  root_cause: RootCause | null;
  root_cause_note: string | null;
  product_area: string | null;
  resolved_at: Date | null;
  closed_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

/** Age in whole days: from raised (or reopened) to resolved, or to `today` while unresolved. */
const LIGHT_SELECT = (today: string, tz: string) => sql`select t.id, t.version, t.account_id,
    a.name as account_name, t.subject, t.color, t.reason, t.description, t.source, t.survey_response_id, t.complaint_id,
    t.status, t.owner_id, ou.name as owner_name, t.responsible_id, ru.name as responsible_name, t.created_by,
    t.opened_at, t.reopened_count,
    greatest(0, coalesce((t.resolved_at at time zone ${tz})::date, ${today}::date) - (t.opened_at at time zone ${tz})::date)::int as age_days,
    t.meeting_at, t.meeting_attendees, t.action_task_ids, t.escalation_level, t.priority, t.escalated_at,
    t.root_cause, t.root_cause_note, t.product_area, t.resolved_at, t.closed_at, t.created_at, t.updated_at
  from traffic_light t
  join account a on a.tenant_id = t.tenant_id and a.id = t.account_id
  left join app_user ou on ou.tenant_id = t.tenant_id and ou.id = t.owner_id
  left join app_user ru on ru.tenant_id = t.tenant_id and ru.id = t.responsible_id`;

const text = (max: number) => z.string().max(max);
const version = z.number().int().min(1).optional();
export const RAISE_BODY = z.strictObject({
  color: z.enum(LIGHT_COLORS),
  reason: z.enum(LIGHT_REASONS),
  description: text(4000),
  attachment_ids: z.array(z.string().uuid()).max(20).optional(),
});
const BODIES = {
  'schedule-meeting': z.strictObject({
    version,
    meeting_at: z.string().datetime({ offset: true, message: 'invalid_date' }),
    attendees: z.array(text(200).min(1)).max(50),
  }),
  'action-plan': z.strictObject({
    version,
    tasks: z
      .array(
        z.strictObject({
          subject: text(300).min(1),
          due_date: z.string().date('invalid_date'),
          owner_id: z.string().uuid().optional(),
        }),
      )
      .min(1)
      .max(20),
  }),
  resolve: z.strictObject({
    version,
    root_cause: z.enum(ROOT_CAUSES).optional(),
    note: text(4000).optional(),
    product_area: text(100).optional(),
  }),
  close: z.strictObject({ version }),
  reopen: z.strictObject({ version, reason: text(2000).optional() }),
} as const;

interface LightRow {
  status: LightStatus;
  version: number;
  owner_id: string | null;
  responsible_id: string | null;
  account_id: string;
  subject: string;
  source: LightSource;
  survey_response_id: string | null;
  complaint_id: string | null;
  reason: LightReason;
  color: LightColor;
}

export interface LightReport {
  from: string;
  to: string;
  total: number;
  resolved: number;
  mean_hours_to_resolve: number | null;
  by_cause: { root_cause: RootCause; label: string; lights: number }[];
  by_reason: { reason: LightReason; label: string; lights: number }[];
  by_product_area: { product_area: string; lights: number }[];
  repeat_causes: {
    account_id: string;
    account_name: string;
    root_cause: RootCause;
    label: string;
    lights: number;
  }[];
  by_arr_band: { band: 'large' | 'mid' | 'small' | 'none'; accounts: number; lights: number }[];
}

export class LightsService {
  constructor(private readonly p: Platform) {}

  private tdb(actor: Actor): TenantDb {
    return TenantDb.for(this.p.db, actor.tenantId);
  }

  /** A customer the actor may read (404 otherwise: raising needs no more than that). */
  private async readableAccount(actor: Actor, db: TenantDb, accountId: string): Promise<void> {
    if (!isUuid(accountId)) throw notFound();
    const ok = await db.one(sql<{ id: string }>`select t.id from account t
      where t.tenant_id = ${db.tenantId} and t.id = ${accountId} and t.deleted_at is null and ${accountReadPredicate(actor)}`);
    if (!ok) throw notFound();
  }

  /**
   * Raises a light on a customer the actor may read. Evidence: files the actor uploaded on the
   * account (`attachment_ids`) move onto the light, in the same transaction.
   */
  async raise(actor: Actor, accountId: string, body: unknown, today: string): Promise<LightView> {
    const input = parseBody(RAISE_BODY, body);
    if (!input.description.trim()) throw invalid([{ field: 'description', issue: 'required' }]);
    const tdb = this.tdb(actor);
    await this.readableAccount(actor, tdb, accountId);
    const { id } = await tdb.transaction(async (tx) => {
      const raised = await raiseLight(this.p, tx, actor, {
        accountId,
        color: input.color,
        reason: input.reason,
        description: input.description,
        source: 'manual',
      });
      const files = [...new Set(input.attachment_ids ?? [])];
      if (files.length) {
        const moved =
          await tx.exec0(sql`update attachment set object = 'traffic_light', record_id = ${raised.id}
          where tenant_id = ${tx.tenantId} and id = any(${files}::uuid[]) and object = 'account'
            and record_id = ${accountId} and created_by = ${actor.userId} and deleted_at is null`);
        if (moved !== files.length)
          throw invalid([{ field: 'attachment_ids', issue: 'not_your_attachment' }]);
      }
      return raised;
    });
    return this.get(actor, id, today);
  }

  /** One light as the actor may see it (404 otherwise). */
  async get(actor: Actor, id: string, today: string, tx?: TenantDb): Promise<LightView> {
    if (!isUuid(id)) throw notFound();
    const db = tx ?? this.tdb(actor);
    const row = await db.one(sql<LightView>`${LIGHT_SELECT(today, actor.timeZone)}
      where t.tenant_id = ${db.tenantId} and t.id = ${id} and t.deleted_at is null and ${lightVisible(actor)}`);
    if (!row) throw notFound();
    return row;
  }

  /** The board: lights the actor may see, unresolved first, most escalated and oldest first. */
  async list(
    actor: Actor,
    q: { status?: LightStatus; color?: LightColor; account_id?: string },
    today: string,
  ): Promise<{ data: LightView[]; meta: { total: number } }> {
    const tdb = this.tdb(actor);
    const data = await tdb.query(sql<LightView>`${LIGHT_SELECT(today, actor.timeZone)}
      where t.tenant_id = ${tdb.tenantId} and t.deleted_at is null and ${lightVisible(actor)}
        ${q.status ? sql`and t.status = ${q.status}` : sql``}
        ${q.color ? sql`and t.color = ${q.color}` : sql``}
        ${q.account_id ? sql`and t.account_id = ${q.account_id}` : sql``}
      order by t.status in ('resolved', 'closed'), t.escalation_level desc, t.color = 'yellow', t.opened_at, t.id
      limit 2000`);
    return { data, meta: { total: data.length } };
  }

  /**
   * One state change: body checked first (422 naming the field), then the light must be visible
   * (404), the actor allowed (403), the version current when given (409 version_conflict) and the
   * state one the action leaves from (409 traffic_light_state_conflict). Audited, event
   * `traffic_light.<action>`, the owner and responsible told when someone else moved it.
   */
  async act(actor: Actor, id: string, action: LightAction, body: unknown, today: string): Promise<LightView> {
    const input = parseBody(BODIES[action] as z.ZodType<Record<string, unknown>>, body);
    const rootCause = typeof input.root_cause === 'string' ? input.root_cause : '';
    const note = typeof input.note === 'string' ? input.note.trim() : '';
    const reason = typeof input.reason === 'string' ? input.reason.trim() : '';
    if (action === 'resolve') {
      const missing = [
        ...(rootCause ? [] : [{ field: 'root_cause', issue: 'required' as const }]),
        ...(note ? [] : [{ field: 'note', issue: 'required' as const }]),
      ];
      if (missing.length) throw invalid(missing);
    }
    if (action === 'reopen' && !reason) throw invalid([{ field: 'reason', issue: 'required' }]);
    if (!isUuid(id)) throw notFound();
    const tdb = this.tdb(actor);
    await tdb.transaction(async (tx) => {
      const visible = await tx.one(sql<{ id: string }>`select t.id from traffic_light t
        where t.tenant_id = ${tx.tenantId} and t.id = ${id} and t.deleted_at is null and ${lightVisible(actor)}`);
      if (!visible) throw notFound();
      const cur =
        await tx.one(sql<LightRow>`select status, version, owner_id, responsible_id, account_id, subject,
          source, survey_response_id, complaint_id, reason, color
        from traffic_light where tenant_id = ${tx.tenantId} and id = ${id} for update`);
      if (!cur) throw notFound();
      if (!mayAct(actor, cur)) throw forbidden();
      if (typeof input.version === 'number' && input.version !== cur.version)
        throw new AppError('conflict', 'version_conflict');
      const { from, to } = LIGHT_TRANSITIONS[action];
      if (!from.includes(cur.status))
        throw new AppError('conflict', 'traffic_light_state_conflict', [], { status: cur.status });
      const changes: Record<string, [unknown, unknown]> = {};
      if (cur.status !== to) changes.status = [cur.status, to];
      const set = await this.applyAction(tx, actor, id, action, input, cur, { rootCause, note, reason });
      Object.assign(changes, set);
      await writeAudit(tx, actor, [
        {
          action: 'update',
          object: 'traffic_light',
          recordId: id,
          changes,
          meta: { action, ...(reason ? { reason } : {}) },
        },
      ]);
      await emitEvents(tx, actor.userId, [
        {
          type: `traffic_light.${action.replace('-', '_')}`,
          object: 'traffic_light',
          recordId: id,
          payload: {
            id,
            account_id: cur.account_id,
            from: cur.status,
            to,
            actor_user_id: actor.userId,
            changes: Object.fromEntries(
              Object.entries(changes).map(([k, [o, n]]) => [k, { old: o, new: n }]),
            ),
          },
        },
      ]);
      if (action === 'close') {
        const closed: ClosedLight = {
          id,
          account_id: cur.account_id,
          owner_id: cur.owner_id,
          responsible_id: cur.responsible_id,
          source: cur.source,
          survey_response_id: cur.survey_response_id,
          complaint_id: cur.complaint_id,
          reason: cur.reason,
          color: cur.color,
          root_cause: null,
          root_cause_note: null,
        };
        const rc = await tx.one(sql<{ root_cause: RootCause | null; root_cause_note: string | null }>`select
            root_cause, root_cause_note from traffic_light where tenant_id = ${tx.tenantId} and id = ${id}`);
        closed.root_cause = rc?.root_cause ?? null;
        closed.root_cause_note = rc?.root_cause_note ?? null;
        for (const l of lightClosedListeners) await l(tx, closed);
      }
    });
    return this.get(actor, id, today);
  }

  /** The row update of one action; returns the field changes for the audit row. */
  private async applyAction(
    tx: TenantDb,
    actor: Actor,
    id: string,
    action: LightAction,
    input: Record<string, unknown>,
    cur: LightRow,
    v: { rootCause: string; note: string; reason: string },
  ): Promise<Record<string, [unknown, unknown]>> {
    const me = actor.userId;
    const bump = sql`version = version + 1, updated_at = now(), updated_by = ${me}`;
    const where = sql`where tenant_id = ${tx.tenantId} and id = ${id}`;
    switch (action) {
      case 'schedule-meeting': {
        const at = String(input.meeting_at);
        const attendees = Array.isArray(input.attendees) ? input.attendees.map(String) : [];
        await tx.exec0(sql`update traffic_light set status = 'meeting_scheduled', meeting_at = ${at}::timestamptz,
            meeting_attendees = ${JSON.stringify(attendees)}::jsonb, ${bump} ${where}`);
        return { meeting_at: [null, at], meeting_attendees: [null, attendees] };
      }
      case 'action-plan': {
        const tasks = (Array.isArray(input.tasks) ? input.tasks : []) as {
          subject: string;
          due_date: string;
          owner_id?: string;
        }[];
        const owners = [...new Set(tasks.flatMap((t) => (t.owner_id ? [t.owner_id] : [])))];
        if (owners.length) {
          const ok = await tx.query(sql<{ id: string }>`select id from app_user
            where tenant_id = ${tx.tenantId} and status = 'active' and id = any(${owners}::uuid[])`);
          const good = new Set(ok.map((r) => r.id));
          const bad = tasks.flatMap((t, i) =>
            t.owner_id && !good.has(t.owner_id)
              ? [{ field: `tasks[${i}].owner_id`, issue: 'invalid_reference' as const }]
              : [],
          );
          if (bad.length) throw invalid(bad);
        }
        const tz = await tenantTimeZone(tx);
        const rows = tasks.map((t) => ({
          id: newId(),
          owner_id: t.owner_id ?? cur.owner_id ?? me,
          subject: t.subject.trim(),
          due_date: t.due_date,
        }));
        // the plan's tasks live on the customer (a task cannot point at a light): due at 18:00 local
        await tx.exec0(sql`insert into task (tenant_id, id, owner_id, created_by, updated_by, subject, status, priority,
            due_at, notes, account_id)
          select ${tx.tenantId}, x.id, x.owner_id, ${me}, ${me}, x.subject, 'open', 'high',
            (x.due_date + time '18:00') at time zone ${tz}, ${`${cur.subject}`}, ${cur.account_id}
          from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as x(id uuid, owner_id uuid, subject text, due_date date)`);
        await writeAudit(
          tx,
          actor,
          rows.map((r) => ({
            action: 'create' as const,
            object: 'task',
            recordId: r.id,
            changes: {
              subject: [null, r.subject],
              owner_id: [null, r.owner_id],
              account_id: [null, cur.account_id],
              status: [null, 'open'],
            },
            meta: { source: 'traffic_light', light_id: id },
          })),
        );
        const ids = rows.map((r) => r.id);
        await tx.exec0(sql`update traffic_light set status = 'action_plan',
            action_task_ids = action_task_ids || ${JSON.stringify(ids)}::jsonb, ${bump} ${where}`);
        await addNotifications(
          tx,
          rows
            .filter((r) => r.owner_id && r.owner_id !== me)
            .map((r) => ({
              userId: String(r.owner_id),
              kind: 'success.light_task',
              title: r.subject,
              body: cur.subject,
              link: `/success/lights/${id}`,
            })),
        );
        return { action_task_ids: [null, ids] };
      }
      case 'resolve':
        await tx.exec0(sql`update traffic_light set status = 'resolved', root_cause = ${v.rootCause},
            root_cause_note = ${v.note},
            product_area = ${typeof input.product_area === 'string' && input.product_area.trim() ? input.product_area.trim() : null},
            resolved_at = now(), resolved_by = ${me}, ${bump} ${where}`);
        await notifyLight(tx, id, cur.subject, v.note, [{ userId: cur.owner_id, kind: 'owner' }], me);
        return { root_cause: [null, v.rootCause], root_cause_note: [null, v.note] };
      case 'close':
        await tx.exec0(
          sql`update traffic_light set status = 'closed', closed_at = now(), closed_by = ${me}, ${bump} ${where}`,
        );
        return {};
      case 'reopen':
        await tx.exec0(sql`update traffic_light set status = 'open', reopened_count = reopened_count + 1,
            opened_at = now(), resolved_at = null, resolved_by = null, closed_at = null, closed_by = null,
            escalated_on = null, ${bump} ${where}`);
        await notifyLight(
          tx,
          id,
          cur.subject,
          v.reason,
          [
            { userId: cur.owner_id, kind: 'owner' },
            { userId: cur.responsible_id, kind: 'responsible' },
          ],
          me,
        );
        return { reopened: [false, true] };
    }
  }

  /**
   * Root causes of the lights raised between `from` and `to` (tenant calendar) that the actor may
   * see: by cause and product area (resolved ones), by reason (all), repeat causes per customer
   * (two or more lights with one root cause), mean hours from raised to resolved, and lights per
   * ARR band (the health model's value tiers, ARR on `to`).
   */
  async report(actor: Actor, from: string, to: string): Promise<LightReport> {
    const tdb = this.tdb(actor);
    const tz = actor.timeZone;
    const rows = await tdb.query(sql<{
      account_id: string;
      account_name: string;
      reason: LightReason;
      root_cause: RootCause | null;
      product_area: string | null;
      hours: number | null;
    }>`select t.account_id, a.name as account_name, t.reason, t.root_cause, t.product_area,
        case when t.status in ('resolved', 'closed') and t.resolved_at is not null
          then extract(epoch from (t.resolved_at - t.created_at)) / 3600 end::float8 as hours
      from traffic_light t join account a on a.tenant_id = t.tenant_id and a.id = t.account_id
      where t.tenant_id = ${tdb.tenantId} and t.deleted_at is null and ${lightVisible(actor)}
        and (t.created_at at time zone ${tz})::date between ${from}::date and ${to}::date`);
    const { model } = await loadHealthModel(tdb);
    const arr = await arrOn(tdb, to);
    const loc = actor.locale;
    const count = <K extends string>(keys: (K | null)[]): Map<K, number> => {
      const m = new Map<K, number>();
      for (const k of keys) if (k !== null) m.set(k, (m.get(k) ?? 0) + 1);
      return m;
    };
    const sorted = <K extends string>(m: Map<K, number>) =>
      [...m].sort((x, y) => y[1] - x[1] || x[0].localeCompare(y[0]));
    const byCause = sorted(count(rows.map((r) => r.root_cause)));
    const byReason = sorted(count(rows.map((r) => r.reason)));
    const byArea = sorted(count(rows.map((r) => r.product_area)));
    const pairs = new Map<
      string,
      { account_id: string; account_name: string; root_cause: RootCause; lights: number }
    >();
    for (const r of rows) {
      if (!r.root_cause) continue;
      const k = `${r.account_id}:${r.root_cause}`;
      const p = pairs.get(k) ?? {
        account_id: r.account_id,
        account_name: r.account_name,
        root_cause: r.root_cause,
        lights: 0,
      };
      p.lights += 1;
      pairs.set(k, p);
    }
    const bands = new Map<string, { accounts: Set<string>; lights: number }>();
    for (const b of ['large', 'mid', 'small', 'none']) bands.set(b, { accounts: new Set(), lights: 0 });
    for (const r of rows) {
      const b = bands.get(arrBand(arr.get(r.account_id) ?? 0, model.valueTiers));
      if (!b) continue;
      b.accounts.add(r.account_id);
      b.lights += 1;
    }
    const hours = rows.flatMap((r) => (r.hours === null ? [] : [r.hours]));
    return {
      from,
      to,
      total: rows.length,
      resolved: hours.length,
      mean_hours_to_resolve: meanHours(hours),
      by_cause: byCause.map(([k, n]) => ({ root_cause: k, label: ROOT_CAUSE_LABELS[k][loc], lights: n })),
      by_reason: byReason.map(([k, n]) => ({ reason: k, label: REASON_LABELS[k][loc], lights: n })),
      by_product_area: byArea.map(([k, n]) => ({ product_area: k, lights: n })),
      repeat_causes: [...pairs.values()]
        .filter((p) => p.lights >= 2)
        .sort((x, y) => y.lights - x.lights || x.account_name.localeCompare(y.account_name))
        .map((p) => ({ ...p, label: ROOT_CAUSE_LABELS[p.root_cause][loc] })),
      by_arr_band: (['large', 'mid', 'small', 'none'] as const).map((band) => {
        const b = bands.get(band);
        return { band, accounts: b?.accounts.size ?? 0, lights: b?.lights ?? 0 };
      }),
    };
  }

  /** A complaint on a customer the actor may read; its red light opens through the object hook. */
  async complain(
    actor: Actor,
    accountId: string,
    body: unknown,
    today: string,
  ): Promise<{
    complaint_id: string;
    light: LightView;
  }> {
    const input = parseBody(
      z.strictObject({
        channel: z.string(),
        severity: z.string().optional(),
        description: z.string(),
        contact_id: z.string().optional(),
      }),
      body,
    );
    await this.readableAccount(actor, this.tdb(actor), accountId);
    const rec = await this.p.records.create(actor, 'complaint', { ...input, account_id: accountId });
    const id = String(rec.id);
    const link = await this.tdb(actor).one(sql<{ light_id: string | null }>`select light_id from complaint
      where tenant_id = ${actor.tenantId} and id = ${id}`);
    if (!link?.light_id) throw notFound();
    return { complaint_id: id, light: await this.get(actor, link.light_id, today) };
  }
}

export type { RoutedVia };
