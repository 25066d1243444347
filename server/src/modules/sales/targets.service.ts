import { sql } from 'kysely';
import type { Db } from '../../platform/db/pool.ts';
import { TenantDb } from '../../platform/db/tenant-db.ts';
import { isUuid, newId } from '../../platform/db/ids.ts';
import type { Actor } from '../../platform/access/permissions.ts';
import { forbidden, invalid, type FieldIssue } from '../../platform/http/errors.ts';
import { writeAudit } from '../../platform/audit/audit.ts';
import { emitEvents } from '../../platform/events/outbox.ts';
import {
  attainmentPercent,
  coverage,
  isPeriodStart,
  periodAt,
  subtreeOf,
  type PeriodKind,
} from './forecast.rules.ts';
import {
  canManageUser,
  canReadUser,
  departmentTree,
  inSet,
  isManager,
  managedDepartments,
  opportunityScope,
  readableDepartments,
} from './forecast.access.ts';
import { asOfDate, resolvePeriod } from './forecast.service.ts';

export interface Target {
  id: string;
  user_id: string | null;
  department_id: string | null;
  subject_name: string | null;
  period_kind: PeriodKind;
  period_start: string;
  amount: number;
  currency: string;
  new_customers: number | null;
  updated_by: string | null;
  updated_at: Date;
}

interface TargetRow extends Target {
  subject_department: string | null;
}

const TARGET_SELECT = sql`
  select g.id, g.user_id, g.department_id, coalesce(u.name, d.name) as subject_name, u.department_id as subject_department,
         g.period_kind, to_char(g.period_start, 'YYYY-MM-DD') as period_start, g.amount, trim(g.currency) as currency,
         g.new_customers, g.updated_by, g.updated_at
  from sales_target g
  left join app_user u on u.tenant_id = g.tenant_id and u.id = g.user_id
  left join department d on d.tenant_id = g.tenant_id and d.id = g.department_id`;

/** Targets the actor may see: users in their record scope, departments their scope covers. */
function visibleTargets(actor: Actor, rows: TargetRow[]): Target[] {
  const readable = readableDepartments(actor);
  return rows
    .filter((r) =>
      r.user_id !== null
        ? canReadUser(actor, { id: r.user_id, name: '', department_id: r.subject_department })
        : inSet(readable, r.department_id),
    )
    .map(({ subject_department: _ignored, ...t }) => t);
}

/** The targets of periods starting in a year (month, quarter and year targets). */
export async function listTargets(db: Db, actor: Actor, year: number): Promise<Target[]> {
  opportunityScope(actor);
  const tdb = TenantDb.for(db, actor.tenantId);
  const rows = await tdb.query(sql<TargetRow>`${TARGET_SELECT}
    where g.tenant_id = ${tdb.tenantId} and g.period_start >= make_date(${year}::int, 1, 1) and g.period_start < make_date(${year}::int + 1, 1, 1)
    order by g.period_start, g.period_kind, subject_name`);
  return visibleTargets(actor, rows);
}

export interface TargetInput {
  user_id?: string;
  department_id?: string;
  period: PeriodKind;
  start: string;
  amount: number;
  currency?: string;
  new_customers?: number | null;
}

/**
 * Bulk upsert of targets (managers for the people and departments they manage, admins for all):
 * all or nothing, every problem reported with its item's field (`targets.2.start`).
 */
export async function upsertTargets(db: Db, actor: Actor, items: TargetInput[]): Promise<Target[]> {
  if (!isManager(actor)) throw forbidden();
  const tdb = TenantDb.for(db, actor.tenantId);
  const managed = managedDepartments(actor);
  const issues: FieldIssue[] = [];
  let outside = false;
  const userIds = items.map((i) => i.user_id).filter((x): x is string => x !== undefined && isUuid(x));
  const deptIds = items.map((i) => i.department_id).filter((x): x is string => x !== undefined && isUuid(x));
  const users = new Map(
    (
      await tdb.query(
        sql<{
          id: string;
          name: string;
          department_id: string | null;
        }>`select id, name, department_id from app_user where tenant_id = ${tdb.tenantId} and id = any(${userIds}::uuid[])`,
      )
    ).map((u) => [u.id, u]),
  );
  const depts = new Set(
    (
      await tdb.query(
        sql<{
          id: string;
        }>`select id from department where tenant_id = ${tdb.tenantId} and id = any(${deptIds}::uuid[])`,
      )
    ).map((d) => d.id),
  );
  const seen = new Set<string>();
  items.forEach((it, i) => {
    const f = (name: string): string => `targets.${i}.${name}`;
    if ((it.user_id === undefined) === (it.department_id === undefined))
      issues.push({
        field: f(it.user_id === undefined ? 'user_id' : 'department_id'),
        issue: it.user_id === undefined ? 'required' : 'invalid_value',
      });
    if (it.user_id !== undefined) {
      const u = isUuid(it.user_id) ? users.get(it.user_id) : undefined;
      if (!u) issues.push({ field: f('user_id'), issue: 'invalid_reference' });
      else if (!canManageUser(actor, u)) outside = true;
    }
    if (it.department_id !== undefined) {
      if (!isUuid(it.department_id) || !depts.has(it.department_id))
        issues.push({ field: f('department_id'), issue: 'invalid_reference' });
      else if (!inSet(managed, it.department_id)) outside = true;
    }
    if (!isPeriodStart(it.period, it.start))
      issues.push({
        field: f('start'),
        issue: /^\d{4}-\d{2}-\d{2}$/.test(it.start) ? 'invalid_value' : 'invalid_date',
      });
    const key = `${it.user_id ?? it.department_id}|${it.period}|${it.start}`;
    if (seen.has(key)) issues.push({ field: f('start'), issue: 'not_unique' });
    seen.add(key);
  });
  if (issues.length) throw invalid(issues);
  if (outside) throw forbidden();
  return tdb.transaction(async (tx) => {
    const ids: string[] = [];
    for (const it of items) {
      const currency = it.currency ?? actor.currency;
      const conflict =
        it.user_id !== undefined
          ? sql`(tenant_id, user_id, period_kind, period_start) where user_id is not null`
          : sql`(tenant_id, department_id, period_kind, period_start) where department_id is not null`;
      const row = await tx.one(sql<{ id: string }>`
        insert into sales_target (tenant_id, id, user_id, department_id, period_kind, period_start, amount, currency, new_customers, updated_by)
        values (${tx.tenantId}, ${newId()}, ${it.user_id ?? null}, ${it.department_id ?? null}, ${it.period}, ${it.start}::date,
          ${it.amount}, ${currency}, ${it.new_customers ?? null}, ${actor.userId})
        on conflict ${conflict} do update set amount = excluded.amount, currency = excluded.currency,
          new_customers = excluded.new_customers, updated_by = excluded.updated_by, updated_at = now()
        returning id`);
      if (row) ids.push(row.id);
    }
    await writeAudit(
      tx,
      actor,
      items.map((it, i) => ({
        action: 'update' as const,
        object: 'sales_target',
        recordId: ids[i] ?? null,
        changes: { amount: [null, it.amount], new_customers: [null, it.new_customers ?? null] },
        meta: {
          user_id: it.user_id ?? null,
          department_id: it.department_id ?? null,
          period: it.period,
          start: it.start,
        },
      })),
    );
    await emitEvents(tx, actor.userId, [
      { type: 'sales_target.updated', object: 'sales_target', payload: { ids } },
    ]);
    const rows = await tx.query(sql<TargetRow>`${TARGET_SELECT}
      where g.tenant_id = ${tx.tenantId} and g.id = any(${ids}::uuid[]) order by g.period_start, subject_name`);
    return rows.map(({ subject_department: _ignored, ...t }) => t);
  });
}

export interface Attainment {
  target_id: string;
  user_id: string | null;
  department_id: string | null;
  subject_name: string | null;
  currency: string;
  target: number;
  won: number;
  /** won ÷ target in percent; null for a zero target */
  percent: number | null;
  new_customers_target: number | null;
  new_customers: number;
  new_customers_percent: number | null;
  open_pipeline: number;
  remaining: number;
  /** open pipeline ÷ remaining target; null when nothing remains */
  coverage: number | null;
}

/**
 * Attainment of a period's targets: amount won (deals won in the period, in the target's
 * currency) and new customers (accounts whose won_at falls in it), by the user or the people of
 * the department's subtree; pipeline coverage from open deals closing in the period.
 */
export async function targetAttainment(
  db: Db,
  actor: Actor,
  q: { period: PeriodKind; start?: string; asOf?: string },
): Promise<{ period: { kind: PeriodKind; start: string; end: string }; rows: Attainment[] }> {
  opportunityScope(actor);
  const tdb = TenantDb.for(db, actor.tenantId);
  const asOf = asOfDate(q.asOf, actor.timeZone);
  const period = resolvePeriod(q.period, q.start, asOf);
  const targets = visibleTargets(
    actor,
    await tdb.query(sql<TargetRow>`${TARGET_SELECT}
      where g.tenant_id = ${tdb.tenantId} and g.period_kind = ${period.kind} and g.period_start = ${period.start}::date
      order by subject_name`),
  );
  const tz = actor.timeZone;
  const day = sql`coalesce((t.closed_at at time zone ${tz})::date, t.close_date)`;
  const deals = await tdb.query(sql<{ owner_id: string; currency: string; won: number; open: number }>`
    select t.owner_id, coalesce(t.amount_currency, ${actor.currency}) as currency,
      coalesce(sum(t.amount) filter (where s.type = 'won' and ${day} >= ${period.start}::date and ${day} < ${period.end}::date), 0)::int8 as won,
      coalesce(sum(t.amount) filter (where s.type = 'active' and coalesce(t.forecast_category, s.forecast_category) <> 'omitted'
        and t.close_date >= ${period.start}::date and t.close_date < ${period.end}::date), 0)::int8 as open
    from opportunity t join sales_stage s on s.tenant_id = t.tenant_id and s.pipeline_id = t.pipeline_id and s.key = t.stage
    where t.tenant_id = ${tdb.tenantId} and t.deleted_at is null and t.owner_id is not null
    group by 1, 2`);
  const accounts = await tdb.query(sql<{ owner_id: string; n: number }>`
    select owner_id, count(*)::int8 as n from account
    where tenant_id = ${tdb.tenantId} and deleted_at is null and owner_id is not null
      and won_at >= (${period.start}::date::timestamp at time zone ${tz}) and won_at < (${period.end}::date::timestamp at time zone ${tz})
    group by 1`);
  const depts = await departmentTree(tdb);
  const users = await tdb.query(
    sql<{
      id: string;
      department_id: string | null;
    }>`select id, department_id from app_user where tenant_id = ${tdb.tenantId}`,
  );
  const rows = targets.map((g): Attainment => {
    let owners: Set<string>;
    if (g.user_id) owners = new Set([g.user_id]);
    else {
      const sub = new Set(subtreeOf(depts, g.department_id ?? ''));
      owners = new Set(users.filter((u) => u.department_id && sub.has(u.department_id)).map((u) => u.id));
    }
    const mine = deals.filter((d) => owners.has(d.owner_id) && d.currency === g.currency);
    const won = mine.reduce((a, d) => a + d.won, 0);
    const open = mine.reduce((a, d) => a + d.open, 0);
    const newCustomers = accounts.filter((a) => owners.has(a.owner_id)).reduce((a, x) => a + x.n, 0);
    return {
      target_id: g.id,
      user_id: g.user_id,
      department_id: g.department_id,
      subject_name: g.subject_name,
      currency: g.currency,
      target: g.amount,
      won,
      percent: attainmentPercent(won, g.amount),
      new_customers_target: g.new_customers,
      new_customers: newCustomers,
      new_customers_percent:
        g.new_customers === null ? null : attainmentPercent(newCustomers, g.new_customers),
      open_pipeline: open,
      remaining: Math.max(0, g.amount - won),
      coverage: coverage(open, g.amount, won),
    };
  });
  return {
    period: { kind: period.kind, start: period.start, end: periodAt(period.kind, period.start).last },
    rows,
  };
}
