import { sql, type RawBuilder } from 'kysely';
import { can, objectPermission, type Actor } from '../../platform/access/permissions.ts';
import { scopePredicate } from '../../platform/access/scope.sql.ts';
import type { Db } from '../../platform/db/pool.ts';
import { TenantDb } from '../../platform/db/tenant-db.ts';
import { forbidden, invalid } from '../../platform/http/errors.ts';
import { todayIn } from '../../platform/jobs/dates.rules.ts';
import {
  classify,
  emptyMonth,
  MOVEMENT_KINDS,
  type MonthMovements,
  type MovementKind,
} from './movements.rules.ts';
import { divHalfUp, isDate, monthEnd, monthsBetween, shiftMonth } from './term.rules.ts';
import { baseCurrency } from './ledger.service.ts';

export const GROUPS = ['owner', 'department', 'industry', 'grade', 'csm', 'partner'] as const;
export type GroupBy = (typeof GROUPS)[number];

const MONTH_RE = /^\d{4}-(0[1-9]|1[0-2])$/;

/** A YYYY-MM query value, or a 400 naming the parameter. */
export function parseMonth(v: string | undefined, field: string, fallback: string): string {
  if (v === undefined || v === '') return fallback;
  if (!MONTH_RE.test(v)) throw invalid([{ field, issue: 'invalid_month' }]);
  return v;
}

/** from ≤ to and at most `max` months, else a 400 naming `to`. */
export function checkRange(from: string, to: string, max: number): void {
  if (to < from) throw invalid([{ field: 'to', issue: 'range_reversed' }]);
  if (monthsBetween(from, to).length > max)
    throw invalid([{ field: 'to', issue: 'range_too_long', params: { max } }]);
}

/** The accounts the actor may read, as a predicate on `col` (their record scope of `account`). */
export function accountScope(actor: Actor, col: RawBuilder<unknown>): RawBuilder<boolean> {
  if (objectPermission(actor, 'account').scope === 'all') return sql<boolean>`true`;
  return sql<boolean>`${col} in (select t.id from account t where t.tenant_id = ${actor.tenantId} and ${scopePredicate(actor, 'account')})`;
}

/** The customers' grouping key and label for `group_by`, over account `a` and its owner `u`. */
function groupCols(g: GroupBy | undefined): {
  key: RawBuilder<string | null>;
  label: RawBuilder<string | null>;
} {
  switch (g) {
    case 'owner':
      return { key: sql`a.owner_id::text`, label: sql`u.name` };
    case 'department':
      return {
        key: sql`u.department_id::text`,
        label: sql`(select d.name from department d where d.tenant_id = u.tenant_id and d.id = u.department_id)`,
      };
    case 'industry':
      return { key: sql`a.industry`, label: sql`a.industry` };
    case 'grade':
      return { key: sql`a.grade`, label: sql`a.grade` };
    // the customer's current success manager (account.csm_id); transfers are not tracked historically
    case 'csm':
      return {
        key: sql`a.csm_id::text`,
        label: sql`(select c.name from app_user c where c.tenant_id = a.tenant_id and c.id = a.csm_id)`,
      };
    case 'partner':
      return {
        key: sql`a.partner_id::text`,
        label: sql`(select pa.name from account pa where pa.tenant_id = a.tenant_id and pa.id = a.partner_id)`,
      };
    default:
      return { key: sql`null::text`, label: sql`null::text` };
  }
}

export interface ArrGroup {
  key: string | null;
  label: string | null;
  arr: number;
  mrr: number;
  customers: number;
}

export interface ArrReport {
  as_of: string;
  currency: string;
  arr: number;
  mrr: number;
  customers: number;
  /** subscription lines not counted yet: their currency has no exchange rate */
  pending_rate_lines: number;
  group_by: GroupBy | null;
  groups: ArrGroup[];
}

export interface MovementRow extends MonthMovements {
  /** the figures the nightly job recorded when the month closed, if they differ from today's */
  restated_from: { start_arr: number; end_arr: number; recorded_at: string } | null;
}

export interface RenewalRow {
  month: string;
  due_arr: number;
  renewed_arr: number;
  renewal_rate: number | null;
  due_customers: number;
  renewed_customers: number;
  contract_renewal_rate: number | null;
  /** the due period has not ended on the report date: figures may still grow */
  open: boolean;
}

export interface RenewalGroupRow extends Omit<RenewalRow, 'month' | 'open'> {
  key: string | null;
  label: string | null;
}

const rate = (num: number, den: number): number | null =>
  den > 0 ? Math.round((num / den) * 10_000) / 10_000 : null;
const mrrOf = (arr: number): number => Number(divHalfUp(BigInt(arr), 12n));

/**
 * SaaS metrics over the ARR ledger (docs/METRICS.md), restricted to the customers the actor may
 * read. Every figure is an integer sum of stored annualised values, so the identities hold exactly.
 */
export class MetricsService {
  constructor(private readonly db: Db) {}

  private tdb(actor: Actor): TenantDb {
    if (!can(actor, 'subscription', 'read')) throw forbidden();
    return TenantDb.for(this.db, actor.tenantId);
  }

  today(actor: Actor): string {
    return todayIn(actor.timeZone);
  }

  async arr(
    actor: Actor,
    q: { as_of?: string | undefined; group_by?: GroupBy | undefined },
  ): Promise<ArrReport> {
    const tdb = this.tdb(actor);
    const asOf = q.as_of ?? this.today(actor);
    if (!isDate(asOf)) throw invalid([{ field: 'as_of', issue: 'invalid_date' }]);
    const g = groupCols(q.group_by);
    const rows = await tdb.query(sql<{
      key: string | null;
      label: string | null;
      arr: number;
      customers: number;
    }>`
      select ${g.key} as key, ${g.label} as label, sum(l.arr)::int8 as arr, count(distinct l.account_id)::int as customers
      from subscription_line l
      join account a on a.tenant_id = l.tenant_id and a.id = l.account_id
      left join app_user u on u.tenant_id = a.tenant_id and u.id = a.owner_id
      where l.tenant_id = ${tdb.tenantId} and l.status = 'active' and l.arr > 0
        and l.service_start <= ${asOf}::date and l.service_end >= ${asOf}::date
        and ${accountScope(actor, sql`l.account_id`)}
      group by 1, 2 order by 3 desc`);
    const totals = await tdb.one(sql<{ customers: number; pending: number }>`select
        (select count(distinct l.account_id)::int from subscription_line l where l.tenant_id = ${tdb.tenantId}
          and l.status = 'active' and l.arr > 0 and l.service_start <= ${asOf}::date and l.service_end >= ${asOf}::date
          and ${accountScope(actor, sql`l.account_id`)}) as customers,
        (select count(*)::int from subscription_line l where l.tenant_id = ${tdb.tenantId} and l.status = 'pending_rate'
          and ${accountScope(actor, sql`l.account_id`)}) as pending`);
    const arr = rows.reduce((s, r) => s + r.arr, 0);
    return {
      as_of: asOf,
      currency: await baseCurrency(tdb),
      arr,
      mrr: mrrOf(arr),
      customers: totals?.customers ?? 0,
      pending_rate_lines: totals?.pending ?? 0,
      group_by: q.group_by ?? null,
      groups: q.group_by ? rows.map((r) => ({ ...r, mrr: mrrOf(r.arr) })) : [],
    };
  }

  /**
   * Monthly movements from `from` to `to` (YYYY-MM). One statement turns every line into two
   * deltas — +ARR in the first month it is active at month-end, −ARR in the month after its last —
   * sums them per customer and month, runs the customer's ARR along those months and classifies
   * each change; months without a change carry the ARR forward.
   */
  async movements(actor: Actor, from: string, to: string): Promise<MovementRow[]> {
    const tdb = this.tdb(actor);
    const rows = await tdb.query(sql<{
      month: string;
      new: number;
      expansion: number;
      reactivation: number;
      contraction: number;
      churn: number;
      new_customers: number;
      reactivated_customers: number;
      churned_customers: number;
    }>`${this.changes(actor, tdb.tenantId, monthEnd(to))}
      select to_char(m, 'YYYY-MM') as month,
        coalesce(sum(arr_end) filter (where arr_start = 0 and arr_end > 0 and not had), 0)::int8 as new,
        coalesce(sum(arr_end) filter (where arr_start = 0 and arr_end > 0 and had), 0)::int8 as reactivation,
        coalesce(sum(arr_end - arr_start) filter (where arr_start > 0 and arr_end > arr_start), 0)::int8 as expansion,
        coalesce(sum(arr_start - arr_end) filter (where arr_end > 0 and arr_end < arr_start), 0)::int8 as contraction,
        coalesce(sum(arr_start) filter (where arr_start > 0 and arr_end = 0), 0)::int8 as churn,
        count(*) filter (where arr_start = 0 and arr_end > 0 and not had)::int as new_customers,
        count(*) filter (where arr_start = 0 and arr_end > 0 and had)::int as reactivated_customers,
        count(*) filter (where arr_start > 0 and arr_end = 0)::int as churned_customers
      from c group by m order by m`);
    const byMonth = new Map(rows.map((r) => [r.month, r]));
    let arr = 0;
    let customers = 0;
    const out: MovementRow[] = [];
    const first = rows[0]?.month && rows[0].month < from ? rows[0].month : from;
    for (const month of monthsBetween(first, to)) {
      const m = emptyMonth(month, arr, customers);
      const r = byMonth.get(month);
      if (r) {
        for (const k of MOVEMENT_KINDS) if (r[k] > 0) m[k] = r[k];
        m.new_customers = r.new_customers;
        m.reactivated_customers = r.reactivated_customers;
        m.churned_customers = r.churned_customers;
        m.end_arr = arr + r.new + r.expansion + r.reactivation - r.contraction - r.churn;
        m.customers_end = customers + r.new_customers + r.reactivated_customers - r.churned_customers;
      }
      arr = m.end_arr;
      customers = m.customers_end;
      if (month >= from) out.push({ ...m, restated_from: null });
    }
    if (objectPermission(actor, 'account').scope === 'all') await this.markRestated(tdb, out);
    return out;
  }

  /** Months whose recorded close differs from today's recomputation (orders loaded later, cancellations). */
  private async markRestated(tdb: TenantDb, rows: MovementRow[]): Promise<void> {
    if (!rows.length) return;
    const snaps = await tdb.query(sql<{
      month: string;
      start_arr: number;
      end_arr: number;
      recorded_at: Date;
    }>`
      select to_char(month, 'YYYY-MM') as month, start_arr, end_arr, recorded_at from arr_month_snapshot
      where tenant_id = ${tdb.tenantId} and month between ${`${rows[0]?.month}-01`}::date and ${`${rows.at(-1)?.month}-01`}::date`);
    const by = new Map(snaps.map((s) => [s.month, s]));
    for (const r of rows) {
      const s = by.get(r.month);
      if (s && (s.start_arr !== r.start_arr || s.end_arr !== r.end_arr))
        r.restated_from = {
          start_arr: s.start_arr,
          end_arr: s.end_arr,
          recorded_at: s.recorded_at.toISOString(),
        };
    }
  }

  /**
   * CTE `c`: per customer and month in which its month-end ARR changed (up to `until`), the ARR
   * before (`arr_start`, end of the previous month) and after (`arr_end`), and whether it had ARR
   * at any earlier month-end (`had`).
   */
  private changes(actor: Actor, tenantId: string, until: string): RawBuilder<unknown> {
    return sql`with l as (
        select l.account_id, l.arr, date_trunc('month', l.service_start)::date as m_on,
          (case when l.service_end = (date_trunc('month', l.service_end) + interval '1 month - 1 day')::date
            then date_trunc('month', l.service_end) else date_trunc('month', l.service_end) - interval '1 month' end)::date as m_last
        from subscription_line l
        where l.tenant_id = ${tenantId} and l.status = 'active' and l.arr > 0
          and l.service_start <= ${until}::date and ${accountScope(actor, sql`l.account_id`)}
      ), d as (
        select account_id, m_on as m, arr as delta from l where m_on <= m_last
        union all
        select account_id, (m_last + interval '1 month')::date, -arr from l where m_on <= m_last
      ), s as (
        select account_id, m, sum(sum(delta)) over (partition by account_id order by m) as arr_end, sum(delta) as delta
        from d where m <= ${until}::date group by account_id, m
      ), c as (
        select account_id, m, (arr_end - delta)::int8 as arr_start, arr_end::int8 as arr_end,
          coalesce(max(arr_end) over (partition by account_id order by m rows between unbounded preceding and 1 preceding), 0) > 0 as had
        from s
      )`;
  }

  /** The customers behind one month's movement figure (drill-down), biggest first. */
  async movementCustomers(
    actor: Actor,
    month: string,
    kind: MovementKind | undefined,
  ): Promise<
    Array<{
      account_id: string;
      account_name: string;
      kind: MovementKind;
      start_arr: number;
      end_arr: number;
      change: number;
    }>
  > {
    const tdb = this.tdb(actor);
    const rows = await tdb.query(sql<{
      account_id: string;
      account_name: string;
      arr_start: number;
      arr_end: number;
      had: boolean;
    }>`
      ${this.changes(actor, tdb.tenantId, monthEnd(month))}
      select c.account_id, a.name as account_name, c.arr_start, c.arr_end, c.had from c
      join account a on a.tenant_id = ${tdb.tenantId} and a.id = c.account_id
      where c.m = ${`${month}-01`}::date and c.arr_start <> c.arr_end`);
    const out = rows.flatMap((r) => {
      const c = classify(r.arr_start, r.arr_end, r.had);
      return c
        ? [
            {
              account_id: r.account_id,
              account_name: r.account_name,
              kind: c.kind,
              start_arr: r.arr_start,
              end_arr: r.arr_end,
              change: r.arr_end - r.arr_start,
            },
          ]
        : [];
    });
    return out
      .filter((r) => !kind || r.kind === kind)
      .sort((a, b) => Math.abs(b.change) - Math.abs(a.change));
  }

  /** Month-end ARR per customer on two dates (for retention), customers in scope only. */
  private async arrPair(
    actor: Actor,
    tdb: TenantDb,
    d0: string,
    d1: string,
  ): Promise<Array<{ a0: number; a1: number }>> {
    return tdb.query(sql<{ a0: number; a1: number }>`
      select coalesce(sum(l.arr) filter (where l.service_start <= ${d0}::date and l.service_end >= ${d0}::date), 0)::int8 as a0,
             coalesce(sum(l.arr) filter (where l.service_start <= ${d1}::date and l.service_end >= ${d1}::date), 0)::int8 as a1
      from subscription_line l
      where l.tenant_id = ${tdb.tenantId} and l.status = 'active' and l.arr > 0
        and ((l.service_start <= ${d0}::date and l.service_end >= ${d0}::date) or (l.service_start <= ${d1}::date and l.service_end >= ${d1}::date))
        and ${accountScope(actor, sql`l.account_id`)}
      group by l.account_id`);
  }

  /**
   * NRR and GRR at month M over the trailing 12 months, logo churn of month M (docs/METRICS.md).
   * Rates are decimals rounded to 4 places; null when there is no base to divide by.
   */
  async retention(
    actor: Actor,
    month: string,
  ): Promise<{
    month: string;
    nrr: number | null;
    grr: number | null;
    base_arr: number;
    base_customers: number;
    retained_arr: number;
    logo_churn: number | null;
    customers_start: number;
    churned_customers: number;
  }> {
    const tdb = this.tdb(actor);
    const year = await this.arrPair(actor, tdb, monthEnd(shiftMonth(month, -12)), monthEnd(month));
    const cohort = year.filter((r) => r.a0 > 0);
    const base = cohort.reduce((s, r) => s + r.a0, 0);
    const net = cohort.reduce((s, r) => s + r.a1, 0);
    const gross = cohort.reduce((s, r) => s + Math.min(r.a0, r.a1), 0);
    const m = await this.arrPair(actor, tdb, monthEnd(shiftMonth(month, -1)), monthEnd(month));
    const start = m.filter((r) => r.a0 > 0);
    const churned = start.filter((r) => r.a1 === 0).length;
    return {
      month,
      nrr: rate(net, base),
      grr: rate(gross, base),
      base_arr: base,
      base_customers: cohort.length,
      retained_arr: net,
      logo_churn: rate(churned, start.length),
      customers_start: start.length,
      churned_customers: churned,
    };
  }

  /**
   * Cohorts by month of first ARR (from..to): customers, their ARR at the end of that month and
   * the net ARR and customers still there at each later month-end up to `until`.
   */
  async cohorts(
    actor: Actor,
    from: string,
    to: string,
    until: string,
  ): Promise<
    Array<{
      cohort: string;
      customers: number;
      start_arr: number;
      months: Array<{
        offset: number;
        month: string;
        arr: number;
        customers: number;
        net_retention: number | null;
      }>;
    }>
  > {
    const tdb = this.tdb(actor);
    const rows = await tdb.query(sql<{ cohort: string; month: string; delta: number; cust: number }>`
      ${this.changes(actor, tdb.tenantId, monthEnd(until))}, f as (
        select account_id, min(m) as cohort from c where arr_end > 0 group by account_id
      )
      select to_char(f.cohort, 'YYYY-MM') as cohort, to_char(c.m, 'YYYY-MM') as month,
        sum(c.arr_end - c.arr_start)::int8 as delta,
        (count(*) filter (where c.arr_start = 0 and c.arr_end > 0) - count(*) filter (where c.arr_start > 0 and c.arr_end = 0))::int as cust
      from c join f on f.account_id = c.account_id
      where f.cohort between ${`${from}-01`}::date and ${`${to}-01`}::date
      group by 1, 2 order by 1, 2`);
    const out = [];
    for (const cohort of monthsBetween(from, to)) {
      if (cohort > until) break;
      const mine = new Map(rows.filter((r) => r.cohort === cohort).map((r) => [r.month, r]));
      let arr = 0;
      let customers = 0;
      const months = [];
      for (const [offset, month] of monthsBetween(cohort, until).entries()) {
        arr += mine.get(month)?.delta ?? 0;
        customers += mine.get(month)?.cust ?? 0;
        months.push({ offset, month, arr, customers, net_retention: null as number | null });
      }
      const startArr = months[0]?.arr ?? 0;
      for (const m of months) m.net_retention = rate(m.arr, startArr);
      out.push({ cohort, customers: months[0]?.customers ?? 0, start_arr: startArr, months });
    }
    return out;
  }

  /**
   * Renewal rates for due periods from..to (calendar months of due dates): due ARR, renewed ARR
   * (business view: by order date; finance view: by first payment), customers; adjusted due
   * records are left out of both sides.
   */
  async renewals(
    actor: Actor,
    q: { from: string; to: string; view: 'business' | 'finance'; group_by?: GroupBy | undefined },
  ): Promise<{
    view: string;
    currency: string;
    months: RenewalRow[];
    total: Omit<RenewalRow, 'month' | 'open'>;
    groups: RenewalGroupRow[];
  }> {
    const tdb = this.tdb(actor);
    const renewed = q.view === 'finance' ? sql`r.renewed_arr_finance` : sql`r.renewed_arr`;
    const g = groupCols(q.group_by);
    const rows = await tdb.query(sql<{
      month: string;
      key: string | null;
      label: string | null;
      account_id: string;
      due: number;
      renewed: number;
    }>`
      select to_char(date_trunc('month', r.due_date), 'YYYY-MM') as month, ${g.key} as key, ${g.label} as label,
        r.account_id, sum(r.due_arr)::int8 as due, sum(${renewed})::int8 as renewed
      from due_renewal r
      join account a on a.tenant_id = r.tenant_id and a.id = r.account_id
      left join app_user u on u.tenant_id = a.tenant_id and u.id = a.owner_id
      where r.tenant_id = ${tdb.tenantId} and r.status <> 'adjusted' and r.deleted_at is null
        and r.due_date between ${`${q.from}-01`}::date and ${monthEnd(q.to)}::date
        and ${accountScope(actor, sql`r.account_id`)}
      group by 1, 2, 3, 4`);
    const today = this.today(actor);
    const sum = (rs: typeof rows): Omit<RenewalRow, 'month' | 'open'> => {
      const due = rs.reduce((s, r) => s + r.due, 0);
      const ren = rs.reduce((s, r) => s + r.renewed, 0);
      const dueC = new Set(rs.map((r) => r.account_id)).size;
      const renC = new Set(rs.filter((r) => r.renewed > 0).map((r) => r.account_id)).size;
      return {
        due_arr: due,
        renewed_arr: ren,
        renewal_rate: rate(ren, due),
        due_customers: dueC,
        renewed_customers: renC,
        contract_renewal_rate: rate(renC, dueC),
      };
    };
    const months = monthsBetween(q.from, q.to).map((month) => ({
      month,
      ...sum(rows.filter((r) => r.month === month)),
      open: monthEnd(month) >= today,
    }));
    const groups: RenewalGroupRow[] = [];
    if (q.group_by) {
      const keys = new Map<string | null, string | null>();
      for (const r of rows) keys.set(r.key, r.label);
      for (const [key, label] of keys) groups.push({ key, label, ...sum(rows.filter((r) => r.key === key)) });
      groups.sort((a, b) => b.due_arr - a.due_arr);
    }
    return { view: q.view, currency: await baseCurrency(tdb), months, total: sum(rows), groups };
  }
}
