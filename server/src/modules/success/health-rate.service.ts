import { sql, type RawBuilder } from 'kysely';
import { can, type Actor } from '../../platform/access/permissions.ts';
import type { Db } from '../../platform/db/pool.ts';
import { TenantDb } from '../../platform/db/tenant-db.ts';
import { forbidden, invalid } from '../../platform/http/errors.ts';
import { todayIn } from '../../platform/jobs/dates.rules.ts';
import { accountReadPredicate } from '../accounts/scopes.ts';
import {
  BRIDGE_KINDS,
  bridgeOf,
  classifyBridge,
  healthyArr,
  type Bridge,
  type BridgeInput,
  type BridgeKind,
} from './bridge.rules.ts';
import { delayedOn } from './health.service.ts';
import type { HealthStatus } from './health.rules.ts';
import { monthEnd, monthsBetween, ratio4, shiftMonth } from './month.rules.ts';

/** A customer with ARR on a day: its ARR from the ledger, its status from the latest snapshot. */
export interface CustomerAt {
  account_id: string;
  account_name: string;
  csm_id: string | null;
  arr: number;
  /** latest snapshot scored on a Monday ≤ the day (week_start + 7 ≤ day); no_data without one */
  status: HealthStatus;
  /** a due renewal passed without renewal on the day (延期) */
  delayed: boolean;
  /** status healthy and not delayed */
  healthy: boolean;
}

/**
 * Customers with ARR on each of `days` (subscription ledger: active lines covering the day), among
 * the accounts `scope` admits (a predicate over account alias `t`), with the status of their
 * latest snapshot on or before the day and whether they are delayed then. A customer with ARR but
 * no snapshot is `no_data`, not healthy. One statement for the ARR and statuses of every day.
 */
export async function customersAt(
  tdb: TenantDb,
  days: string[],
  scope: RawBuilder<boolean>,
): Promise<Map<string, Map<string, CustomerAt>>> {
  const rows = await tdb.query(sql<{
    day: string;
    account_id: string;
    account_name: string;
    csm_id: string | null;
    arr: number;
    status: HealthStatus | null;
  }>`with e as (select distinct unnest(${days}::date[]) as day),
      a as (select t.id, t.name, t.csm_id from account t
        where t.tenant_id = ${tdb.tenantId} and t.deleted_at is null and ${scope}),
      x as (select e.day, l.account_id, sum(l.arr)::int8 as arr from e
        join subscription_line l on l.tenant_id = ${tdb.tenantId} and l.status = 'active' and l.arr > 0
          and l.service_start <= e.day and l.service_end >= e.day
        where l.account_id in (select id from a)
        group by 1, 2)
    select to_char(x.day, 'YYYY-MM-DD') as day, x.account_id, a.name as account_name, a.csm_id, x.arr, s.status
    from x join a on a.id = x.account_id
    left join lateral (select h.status from health_snapshot h
      where h.tenant_id = ${tdb.tenantId} and h.account_id = x.account_id and h.week_start <= x.day - 7
      order by h.week_start desc limit 1) s on true`);
  const delayed = new Map<string, Set<string>>();
  await Promise.all(
    [...new Set(days)].map(async (d) => {
      delayed.set(d, await delayedOn(tdb, d));
    }),
  );
  const out = new Map<string, Map<string, CustomerAt>>(days.map((d) => [d, new Map()]));
  for (const r of rows) {
    const status = r.status ?? 'no_data';
    const isDelayed = delayed.get(r.day)?.has(r.account_id) ?? false;
    out.get(r.day)?.set(r.account_id, {
      account_id: r.account_id,
      account_name: r.account_name,
      csm_id: r.csm_id,
      arr: Number(r.arr),
      status,
      delayed: isDelayed,
      healthy: status === 'healthy' && !isDelayed,
    });
  }
  return out;
}

/** The first day each customer (in scope) had ARR: tells a win-back from a first-ever customer. */
async function firstArrDays(tdb: TenantDb, scope: RawBuilder<boolean>): Promise<Map<string, string>> {
  const rows = await tdb.query(sql<{ account_id: string; first: string }>`select l.account_id,
      to_char(min(l.service_start), 'YYYY-MM-DD') as first
    from subscription_line l
    where l.tenant_id = ${tdb.tenantId} and l.status = 'active' and l.arr > 0
      and l.account_id in (select t.id from account t where t.tenant_id = ${tdb.tenantId} and ${scope})
    group by 1`);
  return new Map(rows.map((r) => [r.account_id, r.first]));
}

/** Per customer, the bridge inputs of month M from the two month ends (union of both sets). */
function bridgeInputs(
  prev: Map<string, CustomerAt>,
  now: Map<string, CustomerAt>,
  firstArr: Map<string, string>,
  prevEnd: string,
): Array<BridgeInput & { account_id: string; account_name: string; csm_id: string | null }> {
  const ids = new Set([...prev.keys(), ...now.keys()]);
  return [...ids].map((id) => {
    const p = prev.get(id);
    const n = now.get(id);
    const first = firstArr.get(id);
    return {
      account_id: id,
      account_name: (n ?? p)?.account_name ?? '',
      csm_id: (n ?? p)?.csm_id ?? null,
      arrPrev: p?.arr ?? 0,
      healthyPrev: p?.healthy ?? false,
      arrNow: n?.arr ?? 0,
      healthyNow: n?.healthy ?? false,
      // no ARR at the end of M−1 but a line that began by then: it had ARR before and churned
      hadArrBeforePrev: first !== undefined && first <= prevEnd,
      delayedNow: n?.delayed ?? false,
    };
  });
}

export interface RateFigures {
  total_arr: number;
  healthy_arr: number;
  /** healthy ÷ total ARR, 4 decimals half-up (exact integer arithmetic); null without ARR */
  health_rate: number | null;
  healthy_arr_prev: number;
  /** healthy ARR at the end of M ÷ at the end of M−1, 4 decimals; null when the previous is 0 */
  mom: number | null;
  customers: number;
  healthy_customers: number;
}

export interface RateGroup extends RateFigures {
  key: string | null;
  label: string | null;
}

export interface HealthRateMonth extends RateFigures {
  month: string;
  month_end: string;
  /** the month has not ended on the report date: figures may still change */
  open: boolean;
  bridge: Bridge;
  groups: RateGroup[];
}

export interface BridgeCustomer {
  account_id: string;
  account_name: string;
  kind: BridgeKind;
  arr_prev: number;
  status_prev: HealthStatus | null;
  arr_now: number;
  status_now: HealthStatus | null;
  delayed_now: boolean;
  /** signed change of the customer's healthy ARR (negative for the outflows) */
  amount: number;
}

function figures(prev: CustomerAt[], now: CustomerAt[]): RateFigures {
  const total = now.reduce((s, c) => s + c.arr, 0);
  const healthy = now.reduce((s, c) => s + healthyArr(c.arr, c.healthy), 0);
  const healthyPrev = prev.reduce((s, c) => s + healthyArr(c.arr, c.healthy), 0);
  return {
    total_arr: total,
    healthy_arr: healthy,
    health_rate: ratio4(healthy, total),
    healthy_arr_prev: healthyPrev,
    mom: ratio4(healthy, healthyPrev),
    customers: now.length,
    healthy_customers: now.filter((c) => c.healthy).length,
  };
}

export const HEALTH_RATE_MAX_MONTHS = 36;

/**
 * Health rate (健康率), month-over-month (健康率环比) and the healthy-ARR bridge per month end
 * (DOMAIN.md §6.1; docs/HEALTH.md), over the customers the actor may read (a CSM: their book; a CS
 * director: the department's).
 */
export class HealthRateService {
  constructor(private readonly db: Db) {}

  private tdb(actor: Actor): TenantDb {
    if (!can(actor, 'account', 'read')) throw forbidden();
    return TenantDb.for(this.db, actor.tenantId);
  }

  async months(
    actor: Actor,
    q: { from: string; to: string; group_by?: 'csm' | undefined },
  ): Promise<HealthRateMonth[]> {
    if (q.to < q.from) throw invalid([{ field: 'to', issue: 'range_reversed' }]);
    const months = monthsBetween(q.from, q.to);
    if (months.length > HEALTH_RATE_MAX_MONTHS)
      throw invalid([{ field: 'to', issue: 'range_too_long', params: { max: HEALTH_RATE_MAX_MONTHS } }]);
    const tdb = this.tdb(actor);
    const scope = accountReadPredicate(actor);
    const ends = [shiftMonth(q.from, -1), ...months].map(monthEnd);
    const [at, firstArr] = await Promise.all([customersAt(tdb, ends, scope), firstArrDays(tdb, scope)]);
    const names = q.group_by === 'csm' ? await this.userNames(tdb) : new Map<string, string>();
    const today = todayIn(actor.timeZone);
    return months.map((month, i) => {
      const prevEnd = ends[i] as string;
      const end = ends[i + 1] as string;
      const prev = at.get(prevEnd) ?? new Map<string, CustomerAt>();
      const now = at.get(end) ?? new Map<string, CustomerAt>();
      const groups: RateGroup[] = [];
      if (q.group_by === 'csm') {
        const keys = new Set<string | null>([...prev.values(), ...now.values()].map((c) => c.csm_id));
        for (const key of keys) {
          const mine = (m: Map<string, CustomerAt>) => [...m.values()].filter((c) => c.csm_id === key);
          groups.push({
            key,
            label: key ? (names.get(key) ?? null) : null,
            ...figures(mine(prev), mine(now)),
          });
        }
        groups.sort((a, b) => b.total_arr - a.total_arr || (a.label ?? '').localeCompare(b.label ?? ''));
      }
      return {
        month,
        month_end: end,
        open: end >= today,
        ...figures([...prev.values()], [...now.values()]),
        bridge: bridgeOf(bridgeInputs(prev, now, firstArr, prevEnd)),
        groups,
      };
    });
  }

  /** The customers behind one month's bridge (drill-down), biggest change first. */
  async bridgeCustomers(
    actor: Actor,
    month: string,
    kind: BridgeKind | undefined,
  ): Promise<BridgeCustomer[]> {
    const tdb = this.tdb(actor);
    const scope = accountReadPredicate(actor);
    const prevEnd = monthEnd(shiftMonth(month, -1));
    const end = monthEnd(month);
    const [at, firstArr] = await Promise.all([
      customersAt(tdb, [prevEnd, end], scope),
      firstArrDays(tdb, scope),
    ]);
    const prev = at.get(prevEnd) ?? new Map<string, CustomerAt>();
    const now = at.get(end) ?? new Map<string, CustomerAt>();
    const out: BridgeCustomer[] = [];
    for (const c of bridgeInputs(prev, now, firstArr, prevEnd)) {
      const k = classifyBridge(c);
      if (!k || (kind && k.kind !== kind)) continue;
      out.push({
        account_id: c.account_id,
        account_name: c.account_name,
        kind: k.kind,
        arr_prev: c.arrPrev,
        status_prev: prev.get(c.account_id)?.status ?? null,
        arr_now: c.arrNow,
        status_now: now.get(c.account_id)?.status ?? null,
        delayed_now: c.delayedNow === true,
        amount: k.amount,
      });
    }
    return out.sort(
      (a, b) =>
        Math.abs(b.amount) - Math.abs(a.amount) ||
        BRIDGE_KINDS.indexOf(a.kind) - BRIDGE_KINDS.indexOf(b.kind) ||
        a.account_name.localeCompare(b.account_name),
    );
  }

  private async userNames(tdb: TenantDb): Promise<Map<string, string>> {
    const rows = await tdb.query(sql<{ id: string; name: string }>`select u.id, u.name from app_user u
      where u.tenant_id = ${tdb.tenantId} and u.id in (select t.csm_id from account t where t.tenant_id = ${tdb.tenantId})`);
    return new Map(rows.map((r) => [r.id, r.name]));
  }
}
