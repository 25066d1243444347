import { sql, type RawBuilder } from 'kysely';
import { z } from 'zod';
import type { Platform } from '../../platform/platform.ts';
import { can, objectPermission, type Actor } from '../../platform/access/permissions.ts';
import { scopePredicate } from '../../platform/access/scope.sql.ts';
import { TenantDb } from '../../platform/db/tenant-db.ts';
import { isUuid } from '../../platform/db/ids.ts';
import { AppError, forbidden, invalid, notFound } from '../../platform/http/errors.ts';
import { parseBody } from '../../platform/http/zod-issues.ts';
import { writeAudit } from '../../platform/audit/audit.ts';
import { emitEvents } from '../../platform/events/outbox.ts';
import { addNotifications } from '../../platform/notify/notify.service.ts';
import { accountReadPredicate, servedAccounts } from '../accounts/scopes.ts';
import { addDaysIso, mondayOf } from './health.rules.ts';
import { ALERT_TYPE_KEYS, LEVEL_KEYS, NATURE_KEYS, type Level } from './alerts.rules.ts';
import { alertLabel, describeAlert } from './alert-text.rules.ts';

/**
 * Moving warning work orders through their states (DOMAIN.md §6.3, docs/HEALTH.md), the week's
 * alert list and the work-order queue summary. Who sees a work order: its owner (the role's record
 * scope on `work_order`, so a director with a department scope sees the department's), plus the
 * customers the actor serves as CSM (or, with a department scope on accounts, their CS team serves).
 */

export const WORK_ORDER_ACTIONS = ['start', 'resolve', 'verify', 'reopen'] as const;
export type WorkOrderAction = (typeof WORK_ORDER_ACTIONS)[number];
type Status = 'open' | 'in_progress' | 'resolved' | 'verified' | 'reopened';

/** Which states an action leaves from and where it goes (start is optional: resolve also leaves open). */
export const TRANSITIONS: Record<WorkOrderAction, { from: readonly Status[]; to: Status }> = {
  start: { from: ['open', 'reopened'], to: 'in_progress' },
  resolve: { from: ['open', 'in_progress', 'reopened'], to: 'resolved' },
  verify: { from: ['resolved'], to: 'verified' },
  reopen: { from: ['resolved', 'verified'], to: 'reopened' },
};

/**
 * A CS lead verifies and reopens: an administrator, or a role that may update work orders beyond
 * its own (department, subtree or all scope) — the default 客户成功总监 (cs_director).
 */
export function isCsLead(actor: Actor): boolean {
  if (actor.isAdmin) return true;
  const p = objectPermission(actor, 'work_order');
  return p.update && p.scope !== 'own';
}

/** Work orders the actor may see, over aliases `t` (work_order) and `a` (its account). */
export function workOrderVisible(actor: Actor): RawBuilder<boolean> {
  if (!can(actor, 'work_order', 'read')) return sql<boolean>`false`;
  return sql<boolean>`(${scopePredicate(actor, 'work_order')} or ${servedAccounts(actor, 'a')})`;
}

// PostgreSQL text cannot hold U+0000: a 422 naming the field, not a failed update
const text = (max: number) =>
  z
    .string()
    .max(max, { message: 'too_long' })
    .refine((s) => !s.includes('\u0000'));
const bodies = {
  start: z.object({ version: z.number().int().min(1).optional() }),
  resolve: z.object({ version: z.number().int().min(1).optional(), action_taken: text(4000) }),
  verify: z.object({ version: z.number().int().min(1).optional() }),
  reopen: z.object({ version: z.number().int().min(1).optional(), reason: text(2000) }),
};

export interface WorkOrderView {
  id: string;
  version: number;
  account_id: string;
  account_name: string;
  owner_id: string | null;
  owner_name: string | null;
  type: string;
  alert_type: string;
  level: Level;
  subject: string;
  detail: string | null;
  status: Status;
  due_date: string;
  overdue: boolean;
  raised_week: string;
  last_raised_week: string;
  times_raised: number;
  action_taken: string | null;
  resolved_at: Date | null;
  resolved_by: string | null;
  score_at_resolution: number | null;
  verified_at: Date | null;
  verified_by: string | null;
  effectiveness: 'effective' | 'ineffective' | null;
  evaluated_on: string | null;
  created_at: Date;
  updated_at: Date;
}

export interface AlertView {
  id: string;
  account_id: string;
  account_name: string;
  csm_id: string | null;
  csm_name: string | null;
  week_start: string;
  type: string;
  label: string;
  level: Level;
  nature: 'benign' | 'malignant';
  detail: Record<string, unknown>;
  text: string;
  work_order_id: string | null;
  work_order_status: string | null;
  created_at: Date;
}

export interface SummaryRow {
  owner_id: string | null;
  owner_name: string | null;
  open: number;
  in_progress: number;
  reopened: number;
  overdue: number;
  resolved_this_month: number;
  verified_this_month: number;
}

const WO_SELECT = sql`select t.id, t.version, t.account_id, a.name as account_name, t.owner_id, u.name as owner_name,
    t.type, t.alert_type, t.level, t.subject, t.detail, t.status, to_char(t.due_date, 'YYYY-MM-DD') as due_date,
    to_char(t.raised_week, 'YYYY-MM-DD') as raised_week, to_char(t.last_raised_week, 'YYYY-MM-DD') as last_raised_week,
    t.times_raised, t.action_taken, t.resolved_at, t.resolved_by, t.score_at_resolution::float8 as score_at_resolution,
    t.verified_at, t.verified_by, t.effectiveness, to_char(t.evaluated_on, 'YYYY-MM-DD') as evaluated_on,
    t.created_at, t.updated_at
  from work_order t
  join account a on a.tenant_id = t.tenant_id and a.id = t.account_id
  left join app_user u on u.tenant_id = t.tenant_id and u.id = t.owner_id`;

const isOpen = (s: string): boolean => s === 'open' || s === 'in_progress' || s === 'reopened';

export class WorkOrdersService {
  constructor(private readonly p: Platform) {}

  private tdb(actor: Actor): TenantDb {
    return TenantDb.for(this.p.db, actor.tenantId);
  }

  /** One work order as the actor may see it (404 otherwise); `today` marks it overdue. */
  async get(actor: Actor, id: string, today: string, tx?: TenantDb): Promise<WorkOrderView> {
    if (!isUuid(id)) throw notFound();
    const db = tx ?? this.tdb(actor);
    const row = await db.one(sql<Omit<WorkOrderView, 'overdue'>>`${WO_SELECT}
      where t.tenant_id = ${db.tenantId} and t.id = ${id} and t.deleted_at is null and ${workOrderVisible(actor)}`);
    if (!row) throw notFound();
    return { ...row, overdue: isOpen(row.status) && row.due_date < today };
  }

  /**
   * One state change: body checked first (422 naming the field), then the work order must be
   * visible (404), the actor allowed (403: updating work orders; verify and reopen need a CS lead),
   * the version current when given (409 version_conflict) and the state one the action leaves from
   * (409 work_order_state_conflict). Audited, event `work_order.<new state>`, owner told when
   * someone else moved it.
   */
  async act(
    actor: Actor,
    id: string,
    action: WorkOrderAction,
    body: unknown,
    today: string,
  ): Promise<WorkOrderView> {
    const input = parseBody(bodies[action], body) as {
      version?: number;
      action_taken?: string;
      reason?: string;
    };
    const actionTaken = input.action_taken?.trim() ?? '';
    const reason = input.reason?.trim() ?? '';
    if (action === 'resolve' && !actionTaken) throw invalid([{ field: 'action_taken', issue: 'required' }]);
    if (action === 'reopen' && !reason) throw invalid([{ field: 'reason', issue: 'required' }]);
    if (!isUuid(id)) throw notFound();
    const tdb = this.tdb(actor);
    await tdb.transaction(async (tx) => {
      const visible = await tx.one(sql<{ id: string }>`select t.id from work_order t
        join account a on a.tenant_id = t.tenant_id and a.id = t.account_id
        where t.tenant_id = ${tx.tenantId} and t.id = ${id} and t.deleted_at is null and ${workOrderVisible(actor)}`);
      if (!visible) throw notFound();
      if (!can(actor, 'work_order', 'update')) throw forbidden();
      if ((action === 'verify' || action === 'reopen') && !isCsLead(actor)) throw forbidden();
      // read under the row lock: a concurrent action may have moved it since the check above
      const cur = await tx.one(sql<{
        status: Status;
        version: number;
        owner_id: string | null;
        account_id: string;
        subject: string;
        alert_type: string;
        level: string;
      }>`select status, version, owner_id, account_id, subject, alert_type, level from work_order
        where tenant_id = ${tx.tenantId} and id = ${id} for update`);
      if (!cur) throw notFound();
      if (input.version !== undefined && input.version !== cur.version)
        throw new AppError('conflict', 'version_conflict');
      const { from, to } = TRANSITIONS[action];
      if (!from.includes(cur.status))
        throw new AppError('conflict', 'work_order_state_conflict', [], { status: cur.status });
      const changes: Record<string, [unknown, unknown]> = { status: [cur.status, to] };
      let score: number | null = null;
      if (action === 'resolve') {
        const s = await tx.one(sql<{
          score: number | null;
        }>`select score::float8 as score from health_snapshot
          where tenant_id = ${tx.tenantId} and account_id = ${cur.account_id} order by week_start desc limit 1`);
        score = s?.score ?? null;
        await tx.exec0(sql`update work_order set status = 'resolved', action_taken = ${actionTaken}, resolved_at = now(),
            resolved_by = ${actor.userId}, score_at_resolution = ${score}, effectiveness = null, evaluated_on = null,
            verified_at = null, verified_by = null,
            version = version + 1, updated_at = now(), updated_by = ${actor.userId}
          where tenant_id = ${tx.tenantId} and id = ${id}`);
        Object.assign(changes, { action_taken: [null, actionTaken], score_at_resolution: [null, score] });
      } else if (action === 'verify') {
        await tx.exec0(sql`update work_order set status = 'verified', verified_at = now(), verified_by = ${actor.userId},
            version = version + 1, updated_at = now(), updated_by = ${actor.userId}
          where tenant_id = ${tx.tenantId} and id = ${id}`);
      } else {
        await tx.exec0(sql`update work_order set status = ${to}, version = version + 1, updated_at = now(),
            updated_by = ${actor.userId}
          where tenant_id = ${tx.tenantId} and id = ${id}`);
      }
      await writeAudit(tx, actor, [
        {
          action: 'update',
          object: 'work_order',
          recordId: id,
          changes,
          meta: { action, ...(reason ? { reason } : {}) },
        },
      ]);
      await emitEvents(tx, actor.userId, [
        {
          type: `work_order.${to}`,
          object: 'work_order',
          recordId: id,
          payload: {
            id,
            account_id: cur.account_id,
            owner_id: cur.owner_id,
            alert_type: cur.alert_type,
            level: cur.level,
            from: cur.status,
            to,
            actor_user_id: actor.userId,
            ...(action === 'resolve' ? { action_taken: actionTaken, score_at_resolution: score } : {}),
            ...(reason ? { reason } : {}),
          },
        },
      ]);
      // the owner hears of a lead's verdict in their own language
      if (cur.owner_id && cur.owner_id !== actor.userId && (action === 'verify' || action === 'reopen')) {
        const l = await tx.one(sql<{ locale: string | null }>`select coalesce(u.locale, t.locale) as locale
          from app_user u join tenant t on t.id = u.tenant_id where u.tenant_id = ${tx.tenantId} and u.id = ${cur.owner_id}`);
        const zh = l?.locale !== 'en-US';
        const title =
          action === 'verify'
            ? zh
              ? `预警工单已验证：${cur.subject}`
              : `Work order verified: ${cur.subject}`
            : zh
              ? `预警工单被重开：${cur.subject}`
              : `Work order reopened: ${cur.subject}`;
        await addNotifications(tx, [
          {
            userId: cur.owner_id,
            kind: `success.work_order_${to}`,
            title,
            ...(reason ? { body: reason } : {}),
            link: `/o/work_order/${id}`,
          },
        ]);
      }
    });
    return this.get(actor, id, today);
  }

  /**
   * The alerts of one week (a day is read as its Monday; default: the latest week scored by a run
   * on or before `today`) on the customers the actor may read, most severe first.
   */
  async alerts(
    actor: Actor,
    q: { week?: string; level?: Level; nature?: 'benign' | 'malignant'; account_id?: string; type?: string },
    today: string,
  ): Promise<{ data: AlertView[]; meta: { week_start: string | null; total: number } }> {
    if (!can(actor, 'account', 'read')) throw forbidden();
    const tdb = this.tdb(actor);
    let week = q.week ? mondayOf(q.week) : null;
    if (!week) {
      const r = await tdb.one(sql<{ wk: string | null }>`select to_char(max(week_start), 'YYYY-MM-DD') as wk
        from health_snapshot where tenant_id = ${tdb.tenantId} and week_start <= ${addDaysIso(mondayOf(today), -7)}::date`);
      week = r?.wk ?? null;
    }
    if (!week) return { data: [], meta: { week_start: null, total: 0 } };
    const rows = await tdb.query(sql<
      Omit<AlertView, 'label' | 'text'>
    >`select h.id, h.account_id, t.name as account_name,
        t.csm_id, cu.name as csm_name, to_char(h.week_start, 'YYYY-MM-DD') as week_start, h.type, h.level, h.nature,
        h.detail, h.work_order_id, w.status as work_order_status, h.created_at
      from health_alert h
      join account t on t.tenant_id = h.tenant_id and t.id = h.account_id and t.deleted_at is null
      left join app_user cu on cu.tenant_id = t.tenant_id and cu.id = t.csm_id
      left join work_order w on w.tenant_id = h.tenant_id and w.id = h.work_order_id and w.deleted_at is null
      where h.tenant_id = ${tdb.tenantId} and h.week_start = ${week}::date and ${accountReadPredicate(actor)}
        ${q.level ? sql`and h.level = ${q.level}` : sql``}
        ${q.nature ? sql`and h.nature = ${q.nature}` : sql``}
        ${q.type ? sql`and h.type = ${q.type}` : sql``}
        ${q.account_id ? sql`and h.account_id = ${q.account_id}` : sql``}
      order by case h.level when 'high' then 0 when 'mid' then 1 else 2 end, h.nature desc, t.name, h.type
      limit 5000`);
    const data = rows.map((r) => ({
      ...r,
      label: alertLabel(r.type, actor.locale),
      text: describeAlert(r.type, r.detail, actor.locale),
    }));
    return { data, meta: { week_start: week, total: data.length } };
  }

  /**
   * The work-order queue per owner for the cockpit: open (incl. reopened), in progress, overdue
   * (open and past the due date on `asOf`), resolved and verified in `asOf`'s month (tenant time
   * zone) — over the work orders the actor may see.
   */
  async summary(
    actor: Actor,
    asOf: string,
  ): Promise<{
    as_of: string;
    month: string;
    rows: SummaryRow[];
    total: Omit<SummaryRow, 'owner_id' | 'owner_name'>;
  }> {
    if (!can(actor, 'work_order', 'read')) throw forbidden();
    const tdb = this.tdb(actor);
    const month = asOf.slice(0, 7);
    const from = `${month}-01`;
    const rows = await tdb.query(sql<SummaryRow>`select t.owner_id, u.name as owner_name,
        count(*) filter (where t.status = 'open')::int as open,
        count(*) filter (where t.status = 'in_progress')::int as in_progress,
        count(*) filter (where t.status = 'reopened')::int as reopened,
        count(*) filter (where t.status in ('open', 'in_progress', 'reopened') and t.due_date < ${asOf}::date)::int as overdue,
        count(*) filter (where t.status in ('resolved', 'verified')
          and (t.resolved_at at time zone ${actor.timeZone})::date between ${from}::date and ${asOf}::date)::int as resolved_this_month,
        count(*) filter (where t.status = 'verified'
          and (t.verified_at at time zone ${actor.timeZone})::date between ${from}::date and ${asOf}::date)::int as verified_this_month
      from work_order t
      join account a on a.tenant_id = t.tenant_id and a.id = t.account_id
      left join app_user u on u.tenant_id = t.tenant_id and u.id = t.owner_id
      where t.tenant_id = ${tdb.tenantId} and t.deleted_at is null and ${workOrderVisible(actor)}
      group by t.owner_id, u.name
      having count(*) filter (where t.status in ('open', 'in_progress', 'reopened')
        or (t.resolved_at at time zone ${actor.timeZone})::date between ${from}::date and ${asOf}::date) > 0
      order by count(*) filter (where t.status in ('open', 'in_progress', 'reopened') and t.due_date < ${asOf}::date) desc,
        u.name nulls last`);
    const keys = [
      'open',
      'in_progress',
      'reopened',
      'overdue',
      'resolved_this_month',
      'verified_this_month',
    ] as const;
    const total = Object.fromEntries(keys.map((k) => [k, rows.reduce((s, r) => s + r[k], 0)])) as Omit<
      SummaryRow,
      'owner_id' | 'owner_name'
    >;
    return { as_of: asOf, month, rows, total };
  }
}

/** Query values the alert list accepts (the routes check them and name the bad one). */
export const ALERT_FILTERS = { level: LEVEL_KEYS, nature: NATURE_KEYS, type: ALERT_TYPE_KEYS };
