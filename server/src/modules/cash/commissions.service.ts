import { sql } from 'kysely';
import type { Platform } from '../../platform/platform.ts';
import { can, objectPermission, type Actor } from '../../platform/access/permissions.ts';
import { TenantDb } from '../../platform/db/tenant-db.ts';
import { isUuid, newId } from '../../platform/db/ids.ts';
import { AppError, badRequest, forbidden, notFound } from '../../platform/http/errors.ts';
import { writeAudit } from '../../platform/audit/audit.ts';
import { emitEvents } from '../../platform/events/outbox.ts';
import { attainment, commissionFor, monthlyTarget, type CommissionResult } from './commission.rules.ts';
import {
  DEFAULT_PERFORMANCE_SETTINGS,
  isPeriod,
  performanceSettingsSchema,
  periodStart,
  type PerformanceSettings,
} from './performance.rules.ts';

// --- settings (tenant.settings.performance) ---

/** The tenant's performance settings, defaults filled in per top-level key. */
export async function loadPerformanceSettings(tx: TenantDb): Promise<PerformanceSettings> {
  const row = await tx.one(
    sql<{
      s: Record<string, unknown> | null;
    }>`select settings->'performance' as s from tenant where id = ${tx.tenantId}`,
  );
  const out: PerformanceSettings = structuredClone(DEFAULT_PERFORMANCE_SETTINGS);
  // stored settings were validated on save; a key that no longer parses keeps its default
  const parsed = performanceSettingsSchema.partial().safeParse(row?.s ?? {});
  if (parsed.success)
    for (const [k, v] of Object.entries(parsed.data)) if (v !== undefined) Object.assign(out, { [k]: v });
  return out;
}

export async function storePerformanceSettings(tx: TenantDb, s: PerformanceSettings): Promise<void> {
  await tx.exec0(sql`update tenant set settings = jsonb_set(coalesce(settings, '{}'::jsonb), '{performance}', ${JSON.stringify(s)}::jsonb)
    where id = ${tx.tenantId}`);
}

export async function tenantCurrency(tx: TenantDb): Promise<string> {
  const r = await tx.one(sql<{ currency: string }>`select currency from tenant where id = ${tx.tenantId}`);
  return (r?.currency ?? 'CNY').trim();
}

// --- who sees whose figures ---

export type DepartmentSet = 'all' | string[];

/**
 * The people whose performance and statements the actor manages: an admin everyone; a manager
 * (update on orders beyond their own: department, subtree or all) the departments that scope
 * covers; anyone else nobody but themselves.
 */
export function managedDepartments(actor: Actor): DepartmentSet {
  if (actor.isAdmin) return 'all';
  if (!can(actor, 'order', 'update')) return [];
  const { scope } = objectPermission(actor, 'order');
  if (scope === 'all') return 'all';
  if (scope === 'subtree') return actor.subtreeDepartmentIds;
  if (scope === 'department') return actor.departmentId ? [actor.departmentId] : [];
  return [];
}

export const isManager = (actor: Actor): boolean => {
  const m = managedDepartments(actor);
  return m === 'all' || m.length > 0;
};

export const inSet = (set: DepartmentSet, id: string | null): boolean =>
  set === 'all' || (id !== null && set.includes(id));

/** SQL predicate over a user alias `u`: the people the actor manages (or just themselves). */
export function peoplePredicate(actor: Actor, managed: DepartmentSet) {
  if (managed === 'all') return sql<boolean>`true`;
  return sql<boolean>`(u.id = ${actor.userId} or u.department_id = any(${managed}::uuid[]))`;
}

// --- a person's month ---

export interface RoleLine {
  role: string;
  revenue_credit: number;
  overlay_credit: number;
  credit: number;
  rule: { baseRate: number; tiers: Array<{ from: number; rate: number }>; cap: number | null };
  method: CommissionResult['method'];
  slices: CommissionResult['slices'];
  uncapped: number;
  capped: boolean;
  commission: number;
}

export interface MonthFigures {
  user_id: string;
  period: string;
  currency: string;
  revenue_credit: number;
  overlay_credit: number;
  target: number | null;
  attainment: number | null;
  commission: number;
  lines: RoleLine[];
  /** credit in other currencies (not commissioned: there is no exchange rate to apply) */
  other_currencies: Array<{ currency: string; amount: number }>;
}

/**
 * People's credit, attainment and commission for a month, straight from the ledger (two queries
 * whatever the number of people). Commission is per role (the split role the credit was earned
 * in) with that role's rule; tiers measure the role's credit (revenue + overlay) against the
 * person's target for the month.
 */
export async function computeMonths(
  tx: TenantDb,
  userIds: string[],
  period: string,
  settings: PerformanceSettings,
  currency: string,
): Promise<Map<string, MonthFigures>> {
  const rows = await tx.query(sql<{
    user_id: string;
    role: string;
    kind: string;
    currency: string;
    amount: string;
  }>`
    select user_id, role, kind, trim(currency) as currency, sum(amount)::int8 as amount from performance_credit
    where tenant_id = ${tx.tenantId} and user_id = any(${userIds}::uuid[]) and period = ${periodStart(period)}::date
    group by user_id, role, kind, currency order by user_id, role, kind`);
  const targets = await tx.query(sql<{ user_id: string; period_kind: string; amount: string }>`
    select user_id, period_kind, amount from sales_target
    where tenant_id = ${tx.tenantId} and user_id = any(${userIds}::uuid[]) and trim(currency) = ${currency}
      and ((period_kind = 'month' and period_start = ${periodStart(period)}::date)
        or (period_kind = 'quarter' and period_start = date_trunc('quarter', ${periodStart(period)}::date)::date))`);
  const out = new Map<string, MonthFigures>();
  for (const userId of userIds) {
    const t = (kind: string): number | null => {
      const r = targets.find((x) => x.user_id === userId && x.period_kind === kind);
      return r ? Number(r.amount) : null;
    };
    const target = monthlyTarget(t('month'), t('quarter'));
    const byRole = new Map<string, { revenue: number; overlay: number }>();
    const other = new Map<string, number>();
    for (const r of rows) {
      if (r.user_id !== userId) continue;
      const amount = Number(r.amount);
      if (r.currency !== currency) {
        other.set(r.currency, (other.get(r.currency) ?? 0) + amount);
        continue;
      }
      const cur = byRole.get(r.role) ?? { revenue: 0, overlay: 0 };
      if (r.kind === 'overlay') cur.overlay += amount;
      else cur.revenue += amount;
      byRole.set(r.role, cur);
    }
    const lines: RoleLine[] = [...byRole.entries()].map(([role, c]) => {
      const rule = settings.commission.roles[role] ?? settings.commission.default;
      const credit = c.revenue + c.overlay;
      const r = commissionFor(credit, target, rule);
      return {
        role,
        revenue_credit: c.revenue,
        overlay_credit: c.overlay,
        credit,
        rule,
        method: r.method,
        slices: r.slices,
        uncapped: r.uncapped,
        capped: r.capped,
        commission: r.commission,
      };
    });
    const revenue = lines.reduce((a, l) => a + l.revenue_credit, 0);
    const overlay = lines.reduce((a, l) => a + l.overlay_credit, 0);
    out.set(userId, {
      user_id: userId,
      period,
      currency,
      revenue_credit: revenue,
      overlay_credit: overlay,
      target,
      attainment: attainment(revenue + overlay, target),
      commission: lines.reduce((a, l) => a + l.commission, 0),
      lines,
      other_currencies: [...other.entries()].map(([c, amount]) => ({ currency: c, amount })),
    });
  }
  return out;
}

/** One person's month (see computeMonths). */
export async function computeMonth(
  tx: TenantDb,
  userId: string,
  period: string,
  settings: PerformanceSettings,
  currency: string,
): Promise<MonthFigures> {
  const f = (await computeMonths(tx, [userId], period, settings, currency)).get(userId);
  if (!f) throw new Error('computeMonths left a person out');
  return f;
}

// --- statements ---

export interface Statement {
  id: string;
  user_id: string;
  user_name: string;
  department_id: string | null;
  period: string;
  status: 'draft' | 'approved' | 'locked';
  currency: string;
  revenue_credit: number;
  overlay_credit: number;
  target: number | null;
  attainment: number | null;
  commission: number;
  lines: RoleLine[];
  computed_at: Date;
  approved_by: string | null;
  approved_at: Date | null;
  locked_by: string | null;
  locked_at: Date | null;
  version: number;
}

interface StatementRow extends Omit<
  Statement,
  'revenue_credit' | 'overlay_credit' | 'target' | 'attainment' | 'commission'
> {
  revenue_credit: string;
  overlay_credit: string;
  target: string | null;
  attainment: string | null;
  commission: string;
}

const STATEMENT_SELECT = sql`select s.id, s.user_id, u.name as user_name, u.department_id,
    to_char(s.period, 'YYYY-MM') as period, s.status, trim(s.currency) as currency, s.revenue_credit, s.overlay_credit,
    s.target, s.attainment, s.commission, s.lines, s.computed_at, s.approved_by, s.approved_at, s.locked_by, s.locked_at, s.version
  from commission_statement s join app_user u on u.tenant_id = s.tenant_id and u.id = s.user_id`;

function toStatement(r: StatementRow): Statement {
  return {
    ...r,
    revenue_credit: Number(r.revenue_credit),
    overlay_credit: Number(r.overlay_credit),
    target: r.target === null ? null : Number(r.target),
    attainment: r.attainment === null ? null : Number(r.attainment),
    commission: Number(r.commission),
  };
}

/**
 * Brings the statements of these (person, month) pairs up to date with the ledger, in the
 * caller's transaction: a missing statement is created (draft) once the person has credit that
 * month; a locked one is left alone; an approved one whose commission changes goes back to draft
 * (the approval was of other figures). Returns how many statements were written.
 */
export async function recomputeStatements(
  tx: TenantDb,
  pairs: Array<{ user_id: string; period: string }>,
): Promise<number> {
  if (!pairs.length) return 0;
  const settings = await loadPerformanceSettings(tx);
  const currency = await tenantCurrency(tx);
  const seen = new Set<string>();
  let written = 0;
  // one lock order for every transaction (person, then month) keeps concurrent recomputes from deadlocking
  const ordered = [...pairs].sort((a, b) =>
    a.user_id === b.user_id ? a.period.localeCompare(b.period) : a.user_id < b.user_id ? -1 : 1,
  );
  for (const p of ordered) {
    const key = `${p.user_id}|${p.period}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const cur = await tx.one(sql<{ id: string; status: string; commission: string }>`
      select id, status, commission from commission_statement
      where tenant_id = ${tx.tenantId} and user_id = ${p.user_id} and period = ${periodStart(p.period)}::date for update`);
    if (cur?.status === 'locked') continue;
    const f = await computeMonth(tx, p.user_id, p.period, settings, currency);
    if (!cur) {
      if (!f.lines.length && !f.other_currencies.length) continue;
      await tx.exec0(sql`insert into commission_statement (tenant_id, id, user_id, period, currency, revenue_credit,
          overlay_credit, target, attainment, commission, lines)
        values (${tx.tenantId}, ${newId()}, ${p.user_id}, ${periodStart(p.period)}::date, ${currency}, ${f.revenue_credit},
          ${f.overlay_credit}, ${f.target}, ${f.attainment}, ${f.commission}, ${JSON.stringify(f.lines)}::jsonb)`);
    } else {
      const backToDraft = cur.status === 'approved' && Number(cur.commission) !== f.commission;
      await tx.exec0(sql`update commission_statement set revenue_credit = ${f.revenue_credit}, overlay_credit = ${f.overlay_credit},
          target = ${f.target}, attainment = ${f.attainment}, commission = ${f.commission}, lines = ${JSON.stringify(f.lines)}::jsonb,
          computed_at = now(), updated_at = now(), version = version + 1,
          status = case when ${backToDraft} then 'draft' else status end,
          approved_by = case when ${backToDraft} then null else approved_by end,
          approved_at = case when ${backToDraft} then null else approved_at end
        where tenant_id = ${tx.tenantId} and id = ${cur.id}`);
    }
    written++;
  }
  return written;
}

/**
 * Recomputes every open statement of a month, and creates those of people with credit that month
 * but no statement yet (the `cash.commissions` job; also picks up target and rule changes).
 */
export async function recomputeMonth(tx: TenantDb, period: string): Promise<number> {
  const people = await tx.query(sql<{ user_id: string }>`
    select user_id from commission_statement
      where tenant_id = ${tx.tenantId} and period = ${periodStart(period)}::date and status <> 'locked'
    union
    select distinct user_id from performance_credit
      where tenant_id = ${tx.tenantId} and period = ${periodStart(period)}::date`);
  return recomputeStatements(
    tx,
    people.map((p) => ({ user_id: p.user_id, period })),
  );
}

/** Monthly commission statements: listed by scope, approved and locked by managers. */
export class CommissionsService {
  constructor(readonly p: Platform) {}

  private tdb(actor: Actor): TenantDb {
    return TenantDb.for(this.p.db, actor.tenantId);
  }

  /** My statements, and those of the people I manage. */
  async list(actor: Actor, period: string | undefined): Promise<Statement[]> {
    if (!actor.userId && !actor.isAdmin) throw forbidden();
    if (period !== undefined && period !== '' && !isPeriod(period))
      throw badRequest([{ field: 'period', issue: 'invalid_value' }]);
    const tdb = this.tdb(actor);
    const rows = await tdb.query(sql<StatementRow>`${STATEMENT_SELECT}
      where s.tenant_id = ${tdb.tenantId} and ${peoplePredicate(actor, managedDepartments(actor))}
        and (${period || null}::text is null or s.period = (${period || '1970-01'} || '-01')::date)
      order by s.period desc, u.name limit 1000`);
    return rows.map(toStatement);
  }

  async get(actor: Actor, id: string): Promise<Statement> {
    const tdb = this.tdb(actor);
    const s = await this.readable(actor, tdb, id);
    if (!s) throw notFound();
    return s;
  }

  private async readable(actor: Actor, tdb: TenantDb, id: string): Promise<Statement | undefined> {
    if (!isUuid(id)) return undefined;
    const r = await tdb.one(sql<StatementRow>`${STATEMENT_SELECT}
      where s.tenant_id = ${tdb.tenantId} and s.id = ${id} and ${peoplePredicate(actor, managedDepartments(actor))}`);
    return r ? toStatement(r) : undefined;
  }

  /** draft → approved: the figures are brought up to date first, then approved as they stand. */
  approve(actor: Actor, id: string): Promise<Statement> {
    return this.transition(actor, id, 'draft', 'approved');
  }

  /** approved → locked: never recomputed again; later credit of that month goes to the next open month. */
  lock(actor: Actor, id: string): Promise<Statement> {
    return this.transition(actor, id, 'approved', 'locked');
  }

  private async transition(
    actor: Actor,
    id: string,
    from: 'draft' | 'approved',
    to: 'approved' | 'locked',
  ): Promise<Statement> {
    const tdb = this.tdb(actor);
    await tdb.transaction(async (tx) => {
      const s = await this.readable(actor, tx, id);
      if (!s) throw notFound();
      // managers act on the people they manage, not on their own commission (admins may)
      const managed = managedDepartments(actor);
      if (!actor.isAdmin && (s.user_id === actor.userId || !inSet(managed, s.department_id)))
        throw forbidden();
      if (from === 'draft') await recomputeStatements(tx, [{ user_id: s.user_id, period: s.period }]);
      const cur = await tx.one(sql<{
        status: string;
        commission: string;
      }>`select status, commission from commission_statement
        where tenant_id = ${tx.tenantId} and id = ${id} for update`);
      if (cur?.status !== from)
        throw new AppError('conflict', 'statement_state_conflict', [], { status: cur?.status ?? s.status });
      await tx.exec0(sql`update commission_statement set status = ${to}, updated_at = now(), version = version + 1,
          approved_by = case when ${to} = 'approved' then ${actor.userId}::uuid else approved_by end,
          approved_at = case when ${to} = 'approved' then now() else approved_at end,
          locked_by = case when ${to} = 'locked' then ${actor.userId}::uuid else locked_by end,
          locked_at = case when ${to} = 'locked' then now() else locked_at end
        where tenant_id = ${tx.tenantId} and id = ${id}`);
      await writeAudit(tx, actor, [
        {
          action: 'update',
          object: 'commission_statement',
          recordId: id,
          changes: { status: [from, to] },
          meta: { user_id: s.user_id, period: s.period, commission: Number(cur.commission) },
        },
      ]);
      await emitEvents(tx, actor.userId, [
        {
          type: `commission_statement.${to}`,
          object: 'commission_statement',
          recordId: id,
          payload: { id, user_id: s.user_id, period: s.period, commission: Number(cur.commission) },
        },
      ]);
    });
    return this.get(actor, id);
  }
}
