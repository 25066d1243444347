import { sql } from 'kysely';
import type { Platform } from '../platform/platform.ts';
import type { Actor } from '../platform/access/permissions.ts';
import { TenantDb } from '../platform/db/tenant-db.ts';
import {
  CommissionsService,
  PAYMENT_EVENTS,
  PerformanceService,
  performanceSubscriber,
} from '../modules/cash/index.ts';
import type { StoredEvent } from '../platform/events/dispatcher.ts';
import { DAY, DemoClock, iso } from './demo-clock.ts';

const HOUR = 3_600_000;

/**
 * Commission rules per split role: reps on attainment slabs (2 % up to 80 % of target, 3 % to
 * 100 %, 5 % above) capped at ¥20,000 a month; pre-sales and implementation a flat share with a
 * cap; managers 0.5 % on their overlay credit. Credit counts when payments arrive (回款).
 */
export async function setDemoCommissionRules(p: Platform, admin: Actor): Promise<void> {
  await new PerformanceService(p).putSettings(admin, {
    creditSource: 'payment',
    orderTypeRates: { new: 100, renewal: 100, expansion: 100, downgrade: 100 },
    commission: {
      default: { baseRate: 0, tiers: [], cap: null },
      roles: {
        sales: {
          baseRate: 3,
          tiers: [
            { from: 0, rate: 2 },
            { from: 80, rate: 3 },
            { from: 100, rate: 5 },
          ],
          cap: 2_000_000,
        },
        presales: { baseRate: 1.5, tiers: [], cap: 1_000_000 },
        implementation: { baseRate: 1, tiers: [], cap: 800_000 },
        manager: { baseRate: 0.5, tiers: [], cap: 1_500_000 },
      },
    },
  });
}

export interface SplitOrder {
  id: string;
  type: string;
  signed: string;
  total: number;
  owner: Actor;
}

/**
 * Revenue splits on the five largest new-business orders of reps from the last three months:
 * the rep keeps 70 % (60 % on one), the pre-sales engineer and the implementation consultant
 * share the rest; on the largest the region manager also has a 100 % overlay (双计). Set by the
 * rep's manager through the performance service before any money came in, so every payment's
 * credit is divided from the start.
 */
export async function splitDemoOrders(
  p: Platform,
  admin: Actor,
  orders: readonly SplitOrder[],
  actorOf: (userId: string) => Promise<Actor>,
  since: string,
): Promise<number> {
  const tdb = TenantDb.for(p.db, admin.tenantId);
  const team = await tdb.query(sql<{ id: string; email: string }>`select id, email from app_user
    where tenant_id = ${admin.tenantId} and email in ('presales@flywheel.local', 'delivery@flywheel.local')`);
  const presales = team.find((u) => u.email.startsWith('presales'))?.id;
  const delivery = team.find((u) => u.email.startsWith('delivery'))?.id;
  if (!presales || !delivery) return 0;
  const managers = await regionManagers(tdb);
  const picked = orders
    .filter((o) => o.type === 'new' && o.signed >= since && o.owner.roleKey === 'sales_rep')
    .filter((o) => o.owner.departmentId !== null && managers.has(o.owner.departmentId))
    .sort((a, b) => b.total - a.total)
    .slice(0, 5);
  const service = new PerformanceService(p);
  for (const [i, o] of picked.entries()) {
    const manager = managers.get(o.owner.departmentId ?? '') ?? '';
    const [sales, pre, impl] = i === 3 ? [60, 25, 15] : [70, 20, 10];
    await service.putSplits(await actorOf(manager), o.id, {
      splits: [
        { user_id: o.owner.userId, role: 'sales', kind: 'revenue', percent: sales },
        { user_id: presales, role: 'presales', kind: 'revenue', percent: pre },
        { user_id: delivery, role: 'implementation', kind: 'revenue', percent: impl },
        ...(i === 0 ? [{ user_id: manager, role: 'manager', kind: 'overlay' as const, percent: 100 }] : []),
      ],
    });
  }
  return picked.length;
}

/**
 * Books the performance credit of every demo payment in the month it was received and closes
 * the months: the product's own subscriber (`cash.performance`) handles each payment event,
 * with the event dated on the payment's received date (the demo records months of payments in
 * seconds); the `cash.commissions` job then runs for each of the last three months as it would
 * have nightly; statements of earlier months are approved by the person's manager (the admin
 * for managers and the delivery team) and locked by the admin, last month's are approved and
 * wait to be locked, this month's stay drafts.
 */
export async function settleDemoCommissions(
  p: Platform,
  admin: Actor,
  actorOf: (userId: string) => Promise<Actor>,
): Promise<Record<string, number>> {
  const t = admin.tenantId;
  const tdb = TenantDb.for(p.db, t);
  const clock = new DemoClock(admin.timeZone);
  const tz = admin.timeZone;
  // the payment events happened when the money came in (10:00 on the received date)
  await tdb.exec0(sql`update outbox_event e
      set created_at = least(now(), (p.received_date::timestamp + interval '10 hours') at time zone ${tz})
    from payment p where e.tenant_id = ${t} and p.tenant_id = e.tenant_id and p.id = e.record_id
      and e.type = any(${[...PAYMENT_EVENTS, 'payment.created']}::text[])`);
  const subscriber = performanceSubscriber();
  const live = await tdb.one(sql<{ yes: boolean }>`select exists (select 1 from outbox_event
    where tenant_id = ${t} and dispatched_at is not null) as yes`);
  if (live?.yes) {
    // `flywheel demo` beside a running server: its dispatcher delivers this load's events as
    // they come, so it books the credit; booking it here as well would count it twice
    const types = subscriber.types === '*' ? [] : subscriber.types;
    for (let waited = 0; waited < 120_000; waited += 250) {
      const left = await tdb.one(sql<{ n: number }>`select count(*)::int as n from outbox_event
        where tenant_id = ${t} and dispatched_at is null and type = any(${types}::text[])`);
      if (!left?.n) break;
      await new Promise((r) => setTimeout(r, 250));
    }
  } else {
    // no dispatcher runs during the load: deliver the payment events to the subscriber here,
    // in one transaction (the dispatcher takes one per event: the same writes, fewer round trips);
    // the server's dispatcher delivers them again later, which changes nothing (settle is by target)
    const events = await tdb.query(sql<StoredEvent>`select id, tenant_id, type, object, record_id,
        actor_user_id, payload, created_at from outbox_event
      where tenant_id = ${t} and type = any(${PAYMENT_EVENTS}::text[]) order by created_at, seq`);
    await tdb.transaction(async (tx) => {
      for (const ev of events) await subscriber.handle(ev, tx);
    });
  }
  // what a running server booked before the events were dated back went to this month: move it
  const moved = await tdb.query(sql<{ period: string }>`update performance_credit c
      set period = date_trunc('month', p.received_date)::date
    from payment p where c.tenant_id = ${t} and p.tenant_id = c.tenant_id and p.id = c.payment_id
      and c.source = 'payment' and c.period <> date_trunc('month', p.received_date)::date
    returning to_char(c.period, 'YYYY-MM') as period`);
  await tdb.exec0(sql`update performance_credit c set created_at = e.created_at
    from outbox_event e where c.tenant_id = ${t} and e.tenant_id = c.tenant_id and e.id = c.event_id`);

  const month = (back: number): string => {
    const [y, m] = clock.today.split('-').map(Number) as [number, number];
    return new Date(Date.UTC(y, m - 1 - back, 1)).toISOString().slice(0, 7);
  };
  const lastDay = (period: string): string => {
    const [y, m] = period.split('-').map(Number) as [number, number];
    return new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
  };
  const months = new Set([month(2), month(1), ...moved.map((m) => m.period)]);
  for (const m of [...months].sort()) await p.jobs.run(t, 'cash.commissions', lastDay(m), 'manual');
  await p.jobs.run(t, 'cash.commissions', clock.today, 'manual');

  const statements = await tdb.query(sql<{
    id: string;
    period: string;
    user_id: string;
    role: string;
    department_id: string | null;
  }>`select s.id, to_char(s.period, 'YYYY-MM') as period, s.user_id, r.key as role, u.department_id
    from commission_statement s join app_user u on u.tenant_id = s.tenant_id and u.id = s.user_id
    join role r on r.tenant_id = u.tenant_id and r.id = u.role_id
    where s.tenant_id = ${t} and s.period < ${`${month(0)}-01`}::date order by s.period, s.user_id`);
  const managers = await regionManagers(tdb);
  const commissions = new CommissionsService(p);
  // each statement is its own person and month: approved (and locked) all at once
  const lockBefore = month(1);
  await Promise.all(
    statements.map(async (s) => {
      const manager = s.role === 'sales_rep' ? managers.get(s.department_id ?? '') : undefined;
      await commissions.approve(manager ? await actorOf(manager) : admin, s.id);
      if (s.period < lockBefore) await commissions.lock(admin, s.id);
    }),
  );
  const locked = statements.filter((s) => s.period < lockBefore).length;
  const approved = statements.length;
  // approved early the next month, locked by finance a few days later
  for (const period of new Set(statements.map((s) => s.period))) {
    const next = addMonthStart(period);
    const approvedAt = Math.min(clock.at(next, 10) + 2 * DAY, clock.now - 2 * HOUR);
    const lockedAt = period < lockBefore ? Math.min(clock.at(next, 17) + 6 * DAY, clock.now - HOUR) : null;
    await tdb.exec0(sql`update commission_statement set approved_at = ${iso(approvedAt)}::timestamptz,
        locked_at = ${lockedAt === null ? null : iso(lockedAt)}::timestamptz,
        updated_at = ${iso(lockedAt ?? approvedAt)}::timestamptz
      where tenant_id = ${t} and period = ${`${period}-01`}::date and status <> 'draft'`);
  }
  const drafts = await tdb.one(sql<{ n: number }>`select count(*)::int as n from commission_statement
    where tenant_id = ${t} and status = 'draft'`);
  const rows = await tdb.one(
    sql<{ n: number }>`select count(*)::int as n from performance_credit where tenant_id = ${t}`,
  );
  return {
    credit_rows: rows?.n ?? 0,
    statements_locked: locked,
    statements_approved: approved - locked,
    statements_draft: drafts?.n ?? 0,
  };
}

/** Each region's sales manager, by department. */
async function regionManagers(tdb: TenantDb): Promise<Map<string, string>> {
  const rows = await tdb.query(sql<{ department_id: string; id: string }>`select u.department_id, u.id
    from app_user u join role r on r.tenant_id = u.tenant_id and r.id = u.role_id
    where u.tenant_id = ${tdb.tenantId} and r.key = 'sales_manager' and u.department_id is not null`);
  return new Map(rows.map((m) => [m.department_id, m.id]));
}

/** The first day of the month after `period` (YYYY-MM). */
function addMonthStart(period: string): string {
  const [y, m] = period.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m, 1)).toISOString().slice(0, 10);
}
