import { sql } from 'kysely';
import { objectPermission, type Actor } from '../../platform/access/permissions.ts';
import { writeAudit } from '../../platform/audit/audit.ts';
import type { Db } from '../../platform/db/pool.ts';
import { isUuid, newId } from '../../platform/db/ids.ts';
import { TenantDb } from '../../platform/db/tenant-db.ts';
import { emitEvents } from '../../platform/events/outbox.ts';
import { AppError, forbidden, notFound } from '../../platform/http/errors.ts';
import { customersAt, type CustomerAt } from './health-rate.service.ts';
import { loadHealthModel } from './health.service.ts';
import type { HealthStatus } from './health.rules.ts';
import { incentiveFor } from './incentive.rules.ts';
import { monthEnd, monthStart, shiftMonth } from './month.rules.ts';
import { managesSuccess } from './nine-grid.service.ts';

/** One customer of the CSM's book on a statement: what the figures were computed from. */
export interface IncentiveLine {
  account_id: string;
  account_name: string;
  arr: number;
  status: HealthStatus | null;
  delayed: boolean;
  /** ARR counted in healthy_arr (0 unless healthy and not delayed) */
  healthy_arr: number;
  arr_prev: number;
  status_prev: HealthStatus | null;
  healthy_arr_prev: number;
}

export interface IncentiveStatement {
  id: string;
  user_id: string;
  user_name: string;
  department_id: string | null;
  month: string;
  status: 'draft' | 'approved' | 'locked';
  currency: string;
  healthy_arr: number;
  healthy_arr_prev: number;
  total_arr: number;
  mom: number | null;
  mrr_rate: number;
  base: number;
  coefficient: number;
  amount: number;
  lines: IncentiveLine[];
  computed_at: Date;
  approved_by: string | null;
  approved_at: Date | null;
  locked_by: string | null;
  locked_at: Date | null;
  version: number;
}

interface StatementRow extends Omit<
  IncentiveStatement,
  'healthy_arr' | 'healthy_arr_prev' | 'total_arr' | 'mom' | 'mrr_rate' | 'base' | 'coefficient' | 'amount'
> {
  healthy_arr: string;
  healthy_arr_prev: string;
  total_arr: string;
  mom: string | null;
  mrr_rate: string;
  base: string;
  coefficient: string;
  amount: string;
}

const SELECT = sql`select s.id, s.user_id, u.name as user_name, u.department_id, to_char(s.period, 'YYYY-MM') as month,
    s.status, trim(s.currency) as currency, s.healthy_arr, s.healthy_arr_prev, s.total_arr, s.mom, s.mrr_rate, s.base,
    s.coefficient, s.amount, s.lines, s.computed_at, s.approved_by, s.approved_at, s.locked_by, s.locked_at, s.version
  from csm_statement s join app_user u on u.tenant_id = s.tenant_id and u.id = s.user_id`;

function toStatement(r: StatementRow): IncentiveStatement {
  return {
    ...r,
    healthy_arr: Number(r.healthy_arr),
    healthy_arr_prev: Number(r.healthy_arr_prev),
    total_arr: Number(r.total_arr),
    mom: r.mom === null ? null : Number(r.mom),
    mrr_rate: Number(r.mrr_rate),
    base: Number(r.base),
    coefficient: Number(r.coefficient),
    amount: Number(r.amount),
  };
}

/** Departments whose CSMs' statements the actor sees and approves: by their account scope. */
function managedDepartments(actor: Actor): 'all' | string[] {
  if (actor.isAdmin) return 'all';
  // reading every account (e.g. a read-only role) is not managing CSMs: own statement only
  if (!managesSuccess(actor)) return [];
  const { scope } = objectPermission(actor, 'account');
  if (scope === 'all') return 'all';
  if (scope === 'subtree') return actor.subtreeDepartmentIds;
  if (scope === 'department') return actor.departmentId ? [actor.departmentId] : [];
  return [];
}

/** Over app_user alias `u`: me, and the people of the departments I manage. */
function peoplePredicate(actor: Actor) {
  const m = managedDepartments(actor);
  if (m === 'all') return sql<boolean>`true`;
  return sql<boolean>`(u.id = ${actor.userId} or u.department_id = any(${m}::uuid[]))`;
}

async function tenantCurrency(tdb: TenantDb): Promise<string> {
  const r = await tdb.one(sql<{ currency: string }>`select currency from tenant where id = ${tdb.tenantId}`);
  return (r?.currency ?? 'CNY').trim();
}

/** Per CSM: the lines of their current book at the two month ends. */
function booksOf(prev: Map<string, CustomerAt>, now: Map<string, CustomerAt>): Map<string, IncentiveLine[]> {
  const out = new Map<string, IncentiveLine[]>();
  for (const id of new Set([...prev.keys(), ...now.keys()])) {
    const p = prev.get(id);
    const n = now.get(id);
    const csm = (n ?? p)?.csm_id;
    if (!csm) continue;
    const list = out.get(csm) ?? [];
    list.push({
      account_id: id,
      account_name: (n ?? p)?.account_name ?? '',
      arr: n?.arr ?? 0,
      status: n?.status ?? null,
      delayed: n?.delayed ?? false,
      healthy_arr: n?.healthy ? n.arr : 0,
      arr_prev: p?.arr ?? 0,
      status_prev: p?.status ?? null,
      healthy_arr_prev: p?.healthy ? p.arr : 0,
    });
    out.set(csm, list);
  }
  for (const l of out.values())
    l.sort((a, b) => b.arr - a.arr || a.account_name.localeCompare(b.account_name));
  return out;
}

/**
 * Brings the month's statements up to date (DOMAIN.md §6.7; docs/HEALTH.md): one per CSM with a
 * book (customers whose current csm_id is theirs, with ARR at either month end), plus every
 * existing draft. Only drafts are recomputed; approved and locked statements keep the figures that
 * were approved. `only` limits the run to these CSMs (a director recomputes their team).
 */
export async function recomputeIncentiveMonth(
  tdb: TenantDb,
  month: string,
  only?: 'all' | string[],
): Promise<number> {
  const end = monthEnd(month);
  const prevEnd = monthEnd(shiftMonth(month, -1));
  const { model } = await loadHealthModel(tdb);
  const currency = await tenantCurrency(tdb);
  const at = await customersAt(tdb, [prevEnd, end], sql<boolean>`t.csm_id is not null`);
  const books = booksOf(at.get(prevEnd) ?? new Map(), at.get(end) ?? new Map());
  return tdb.transaction(async (tx) => {
    // one recompute of a month at a time (the job and a director's button may meet)
    await tx.exec0(
      sql`select pg_advisory_xact_lock(hashtext('csm_statement:' || ${tx.tenantId} || ${month}))`,
    );
    const existing = await tx.query(sql<{
      id: string;
      user_id: string;
      status: string;
    }>`select id, user_id, status
      from csm_statement where tenant_id = ${tx.tenantId} and period = ${monthStart(month)}::date
      order by user_id for update`);
    const byUser = new Map(existing.map((e) => [e.user_id, e]));
    const users = [...new Set([...books.keys(), ...existing.map((e) => e.user_id)])]
      .filter((u) => only === undefined || only === 'all' || only.includes(u))
      .sort();
    let written = 0;
    for (const userId of users) {
      const cur = byUser.get(userId);
      if (cur && cur.status !== 'draft') continue;
      const lines = books.get(userId) ?? [];
      const healthy = lines.reduce((s, l) => s + l.healthy_arr, 0);
      const healthyPrev = lines.reduce((s, l) => s + l.healthy_arr_prev, 0);
      const total = lines.reduce((s, l) => s + l.arr, 0);
      const f = incentiveFor(healthy, healthyPrev, model.incentive);
      const json = JSON.stringify(lines);
      if (!cur) {
        await tx.exec0(sql`insert into csm_statement (tenant_id, id, user_id, period, currency, healthy_arr, healthy_arr_prev,
            total_arr, mom, mrr_rate, base, coefficient, amount, lines)
          select ${tx.tenantId}, ${newId()}, ${userId}, ${monthStart(month)}::date, ${currency}, ${healthy}, ${healthyPrev},
            ${total}, ${f.mom}, ${f.mrr_rate}, ${f.base}, ${f.coefficient}, ${f.amount}, ${json}::jsonb
          where exists (select 1 from app_user u where u.tenant_id = ${tx.tenantId} and u.id = ${userId})
          on conflict (tenant_id, user_id, period) do nothing`);
      } else {
        await tx.exec0(sql`update csm_statement set currency = ${currency}, healthy_arr = ${healthy},
            healthy_arr_prev = ${healthyPrev}, total_arr = ${total}, mom = ${f.mom}, mrr_rate = ${f.mrr_rate}, base = ${f.base},
            coefficient = ${f.coefficient}, amount = ${f.amount}, lines = ${json}::jsonb, computed_at = now(),
            updated_at = now(), version = version + 1
          where tenant_id = ${tx.tenantId} and id = ${cur.id} and status = 'draft'`);
      }
      written++;
    }
    return written;
  });
}

/** Monthly CSM incentive statements: listed by scope, recomputed, approved and locked by managers. */
export class IncentiveService {
  constructor(private readonly db: Db) {}

  private tdb(actor: Actor): TenantDb {
    if (actor.userId === null && !actor.isAdmin) throw forbidden();
    return TenantDb.for(this.db, actor.tenantId);
  }

  /** My statement of the month, and those of the CSMs of the departments I manage. */
  async list(actor: Actor, month: string): Promise<IncentiveStatement[]> {
    const tdb = this.tdb(actor);
    const rows = await tdb.query(sql<StatementRow>`${SELECT}
      where s.tenant_id = ${tdb.tenantId} and s.period = ${monthStart(month)}::date and ${peoplePredicate(actor)}
      order by s.amount desc, u.name`);
    return rows.map(toStatement);
  }

  async get(actor: Actor, id: string): Promise<IncentiveStatement> {
    const s = await this.readable(actor, this.tdb(actor), id);
    if (!s) throw notFound();
    return s;
  }

  private async readable(actor: Actor, tdb: TenantDb, id: string): Promise<IncentiveStatement | undefined> {
    if (!isUuid(id)) return undefined;
    const r = await tdb.one(sql<StatementRow>`${SELECT}
      where s.tenant_id = ${tdb.tenantId} and s.id = ${id} and ${peoplePredicate(actor)}`);
    return r ? toStatement(r) : undefined;
  }

  /** Recomputes the month's drafts of the CSMs the actor manages (administrators: everyone). */
  async recompute(
    actor: Actor,
    month: string,
  ): Promise<{ month: string; written: number; statements: IncentiveStatement[] }> {
    if (!managesSuccess(actor)) throw forbidden();
    const tdb = this.tdb(actor);
    const managed = managedDepartments(actor);
    let only: 'all' | string[] = 'all';
    if (managed !== 'all') {
      const rows = await tdb.query(sql<{ id: string }>`select u.id from app_user u
        where u.tenant_id = ${tdb.tenantId} and u.department_id = any(${managed}::uuid[])`);
      only = rows.map((r) => r.id);
    }
    const written = await recomputeIncentiveMonth(tdb, month, only);
    return { month, written, statements: await this.list(actor, month) };
  }

  /** draft → approved, at the version the approver saw. */
  approve(actor: Actor, id: string, version: number): Promise<IncentiveStatement> {
    return this.transition(actor, id, version, 'draft', 'approved');
  }

  /** approved → locked: never recomputed again. */
  lock(actor: Actor, id: string, version: number): Promise<IncentiveStatement> {
    return this.transition(actor, id, version, 'approved', 'locked');
  }

  private async transition(
    actor: Actor,
    id: string,
    version: number,
    from: 'draft' | 'approved',
    to: 'approved' | 'locked',
  ): Promise<IncentiveStatement> {
    const tdb = this.tdb(actor);
    await tdb.transaction(async (tx) => {
      const s = await this.readable(actor, tx, id);
      if (!s) throw notFound();
      // directors act on their CSMs' statements, not on their own (administrators may)
      const managed = managedDepartments(actor);
      const inScope = managed === 'all' || (s.department_id !== null && managed.includes(s.department_id));
      if (!managesSuccess(actor) || (!actor.isAdmin && (s.user_id === actor.userId || !inScope)))
        throw forbidden();
      const cur = await tx.one(sql<{
        status: string;
        version: number;
        amount: string;
      }>`select status, version, amount
        from csm_statement where tenant_id = ${tx.tenantId} and id = ${id} for update`);
      if (!cur) throw notFound();
      if (cur.version !== version) throw new AppError('conflict', 'version_conflict');
      if (cur.status !== from)
        throw new AppError('conflict', 'incentive_statement_state_conflict', [], { status: cur.status });
      await tx.exec0(sql`update csm_statement set status = ${to}, updated_at = now(), version = version + 1,
          approved_by = case when ${to} = 'approved' then ${actor.userId}::uuid else approved_by end,
          approved_at = case when ${to} = 'approved' then now() else approved_at end,
          locked_by = case when ${to} = 'locked' then ${actor.userId}::uuid else locked_by end,
          locked_at = case when ${to} = 'locked' then now() else locked_at end
        where tenant_id = ${tx.tenantId} and id = ${id}`);
      const meta = { user_id: s.user_id, month: s.month, amount: Number(cur.amount) };
      await writeAudit(tx, actor, [
        { action: 'update', object: 'csm_statement', recordId: id, changes: { status: [from, to] }, meta },
      ]);
      await emitEvents(tx, actor.userId, [
        { type: `csm_statement.${to}`, object: 'csm_statement', recordId: id, payload: { id, ...meta } },
      ]);
    });
    return this.get(actor, id);
  }
}
