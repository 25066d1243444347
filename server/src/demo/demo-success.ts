import { sql } from 'kysely';
import type { Platform } from '../platform/platform.ts';
import type { Actor } from '../platform/access/permissions.ts';
import { TenantDb } from '../platform/db/tenant-db.ts';
import { todayIn } from '../platform/jobs/dates.rules.ts';
import { addDaysIso, mondayOf } from '../modules/success/health.rules.ts';
import { scoreCustomers } from '../modules/success/health.service.ts';
import { successWeeklyJob } from '../modules/success/success.jobs.ts';
import { trainRenewalModel } from '../modules/success/renewal-model.service.ts';
import { WorkOrdersService } from '../modules/success/work-orders.service.ts';
import { IncentiveService, recomputeIncentiveMonth } from '../modules/success/incentive.service.ts';
import { shiftMonth } from '../modules/success/month.rules.ts';
import { loadActor } from '../platform/identity/actor.ts';
import { AppError } from '../platform/http/errors.ts';
import { intBetween, personName, type Rng } from './generator.ts';

const DEMO_PASSWORD = 'Flywheel-Demo-2026';
/** How far back telemetry and weekly scores go: the whole installed base, enough to train the renewal model. */
const HISTORY_WEEKS = 130;
/** The last weeks run the whole Monday job, not only the scoring. */
const FULL_RUNS = 6;

/** A customer's usage level (0–1) on a day, by its story. */
type Story = (day: string) => number;

const BASIC = ['account', 'contact', 'activity', 'lead'] as const;
const SALES = ['opportunity', 'quote'] as const;
const BACK_OFFICE = ['contract', 'order', 'payment', 'invoice'] as const;

const daysBetween = (a: string, b: string): number =>
  Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);

/**
 * The customer-success team and two and a half years of product telemetry for the installed base
 * (demo-subscriptions.ts): a CS director and three CSMs each serving a book; customers who later
 * churned fade out over the half year before their due date, most renewing customers use the
 * product steadily, a few are sliding now or picking up. Weekly health scores are back-filled
 * week by week with `asOf`, exactly as the Monday job computes them.
 */
export async function loadDemoSuccess(
  p: Platform,
  admin: Actor,
  rng: Rng,
): Promise<Record<string, number | string>> {
  const t = admin.tenantId;
  const tdb = TenantDb.for(p.db, t);
  const today = todayIn(admin.timeZone);
  const customers = await tdb.query(sql<{
    id: string;
    first_start: string;
    last_end: string;
    seats: number;
  }>`select l.account_id as id, to_char(min(l.service_start), 'YYYY-MM-DD') as first_start,
      to_char(max(l.service_end), 'YYYY-MM-DD') as last_end,
      greatest(5, (max(l.amount_base) / 240000))::int as seats
    from subscription_line l where l.tenant_id = ${t} and l.status = 'active'
    group by l.account_id order by min(l.service_start), l.account_id`);
  if (!customers.length) return { csm_users: 0 };

  const dept = await p.users.createDepartment(admin, { name: '客户成功部' });
  await p.users.createUser(admin, {
    email: 'cs-director@flywheel.local',
    name: `${personName(rng)}（客户成功总监）`,
    password: DEMO_PASSWORD,
    role: 'cs_director',
    department_id: dept.id,
  });
  const csms: string[] = [];
  for (let i = 1; i <= 3; i++)
    csms.push(
      (
        await p.users.createUser(admin, {
          email: `csm${i}@flywheel.local`,
          name: `${personName(rng)}（客户成功经理）`,
          password: DEMO_PASSWORD,
          role: 'csm',
          department_id: dept.id,
        })
      ).id,
    );
  // every fifth customer is served by a channel partner (the partner segment of renewal rates)
  const partners = await tdb.query(sql<{ id: string }>`select id from account
    where tenant_id = ${t} and type = 'partner' and deleted_at is null order by created_at, id limit 2`);
  for (const [i, c] of customers.entries()) {
    const partner = i % 5 === 4 ? partners[i % Math.max(1, partners.length)]?.id : undefined;
    await p.records.update(admin, 'account', c.id, {
      csm_id: csms[i % csms.length],
      ...(partner && partner !== c.id ? { partner_id: partner } : {}),
    });
  }
  // one person per partner signs in (partner1@, partner2@): they read the partner's customers,
  // raise lights on them and get those customers' warning work orders from the weekly runs below
  for (const [i, partner] of partners.entries())
    await p.users.createUser(admin, {
      email: `partner${i + 1}@flywheel.local`,
      name: `${personName(rng)}（渠道伙伴）`,
      password: DEMO_PASSWORD,
      role: 'partner',
      partner_account_id: partner.id,
    });

  // what happened at each due date decides the story before it
  const dues = await tdb.query(sql<{
    account_id: string;
    due_date: string;
    status: string;
  }>`select account_id,
      to_char(due_date, 'YYYY-MM-DD') as due_date, status from due_renewal where tenant_id = ${t} and deleted_at is null`);
  const lostOn = new Map<string, string[]>();
  for (const d of dues)
    if (d.status === 'churned' || d.status === 'overdue')
      lostOn.set(d.account_id, [...(lostOn.get(d.account_id) ?? []), d.due_date]);

  const historyStart = addDaysIso(mondayOf(today), -7 * HISTORY_WEEKS);
  const lines = await tdb.query(sql<{ account_id: string; s: string; e: string }>`select account_id,
      to_char(service_start, 'YYYY-MM-DD') as s, to_char(service_end, 'YYYY-MM-DD') as e
    from subscription_line where tenant_id = ${t} and status = 'active'`);
  const activeOn = (id: string, day: string): boolean =>
    lines.some((l) => l.account_id === id && l.s <= day && l.e >= day);

  let rows = 0;
  const keyPersonChange = new Set<string>();
  const tightQuota = new Set<string>();
  for (const [i, c] of customers.entries()) {
    const base = 0.45 + rng() * 0.5;
    const kind = i % 10;
    const losses = lostOn.get(c.id) ?? [];
    // fades over the 180 days before a lost due date; now sliding (kind 3) or picking up (kind 7)
    const story: Story = (day) => {
      let level = base;
      for (const due of losses) {
        const before = daysBetween(day, due);
        if (before >= 0 && before <= 180) level *= 0.25 + (0.75 * before) / 180;
      }
      const ago = daysBetween(day, today);
      if (kind === 3 && ago <= 60) level *= 0.4 + (0.6 * ago) / 60;
      if (kind === 7 && ago <= 60) level = Math.min(1, level + 0.35 * (1 - ago / 60));
      return Math.max(0.02, Math.min(1, level));
    };
    if (kind === 5) keyPersonChange.add(c.id);
    if (kind === 2) tightQuota.add(c.id);
    const batch: Record<string, unknown>[] = [];
    for (
      let day = historyStart > c.first_start ? historyStart : c.first_start;
      day < today;
      day = addDaysIso(day, 1)
    ) {
      if (!activeOn(c.id, day)) continue;
      const level = story(day);
      const weekday = new Date(`${day}T00:00:00Z`).getUTCDay();
      const work = weekday !== 0 && weekday !== 6;
      const purchased = c.seats;
      const activated = Math.min(purchased, Math.round(purchased * (0.45 + 0.55 * level)));
      const modules: Record<string, number> = {};
      if (work) {
        for (const m of BASIC)
          if (rng() < 0.3 + 0.7 * level)
            modules[m] = intBetween(rng, 1, Math.max(1, Math.round(activated * level)));
        for (const m of SALES) if (rng() < level * 0.8) modules[m] = intBetween(rng, 1, 6);
        for (const m of BACK_OFFICE) if (rng() < level * level * 0.6) modules[m] = intBetween(rng, 1, 3);
      }
      const recent = daysBetween(day, today) <= 6;
      batch.push({
        account_id: c.id,
        day,
        purchased_seats: purchased,
        activated_seats: activated,
        logged_in_users_7d: Math.round(activated * Math.min(1, 0.1 + 0.85 * level)),
        bi_users_7d: Math.round(activated * 0.45 * level * level),
        module_records: modules,
        quotas: {
          users: {
            used: tightQuota.has(c.id) && recent ? Math.ceil(purchased * 0.95) : activated,
            limit: purchased,
          },
        },
        admin_user:
          keyPersonChange.has(c.id) && recent ? `it-admin-2@customer-${i}` : `it-admin@customer-${i}`,
        department_heads: ['销售部负责人', '财务部负责人'],
      });
    }
    for (let j = 0; j < batch.length; j += 2000) {
      await tdb.exec0(sql`insert into usage_daily (tenant_id, account_id, day, purchased_seats, activated_seats,
          logged_in_users_7d, bi_users_7d, module_records, quotas, admin_user, department_heads, received_at)
        select ${t}, x.account_id, x.day, x.purchased_seats, x.activated_seats, x.logged_in_users_7d, x.bi_users_7d,
          x.module_records, x.quotas, x.admin_user, x.department_heads, (x.day + 1)::timestamp at time zone ${admin.timeZone}
        from jsonb_to_recordset(${JSON.stringify(batch.slice(j, j + 2000))}::jsonb) as x(account_id uuid, day date,
          purchased_seats int, activated_seats int, logged_in_users_7d int, bi_users_7d int, module_records jsonb,
          quotas jsonb, admin_user text, department_heads text[])`);
    }
    rows += batch.length;
  }

  // weekly scores, oldest first, as the Monday runs would have stored them; the last weeks run
  // the whole job (probabilities, alerts and work orders, effectiveness, digest)
  const lastMonday = mondayOf(today);
  const fullFrom = addDaysIso(lastMonday, -7 * (FULL_RUNS - 1));
  let weeks = 0;
  for (let monday = addDaysIso(historyStart, 7); monday < fullFrom; monday = addDaysIso(monday, 7)) {
    await scoreCustomers(tdb, monday);
    weeks++;
  }
  const job = successWeeklyJob(p);
  const workOrders = new WorkOrdersService(p);
  const csmActors = new Map<string, Actor>();
  let resolved = 0;
  for (let monday = fullFrom; monday <= today; monday = addDaysIso(monday, 7)) {
    await job.run({ tenantId: t, asOf: monday, tdb });
    weeks++;
    if (monday >= addDaysIso(lastMonday, -7)) continue;
    // CSMs work through about half of what was raised for them that week within two days
    const raised = await tdb.query(sql<{
      id: string;
      owner_id: string;
      alert_type: string;
    }>`select id, owner_id, alert_type
      from work_order where tenant_id = ${t} and status = 'open' and raised_week = ${addDaysIso(monday, -7)}::date
      order by id`);
    for (const [i, w] of raised.entries()) {
      if (i % 2 === 1) continue;
      let who = csmActors.get(w.owner_id);
      if (!who) {
        who = (await loadActor(p.db, t, { userId: w.owner_id })) ?? admin;
        csmActors.set(w.owner_id, who);
      }
      await workOrders.act(who, w.id, 'resolve', { action_taken: ACTIONS[i % ACTIONS.length] }, monday);
      await tdb.exec0(sql`update work_order set resolved_at = (${addDaysIso(monday, 2)}::date + time '16:30') at time zone ${admin.timeZone},
          updated_at = (${addDaysIso(monday, 2)}::date + time '16:30') at time zone ${admin.timeZone}
        where tenant_id = ${t} and id = ${w.id}`);
      resolved++;
    }
  }
  // the renewal model trained this morning on every decided renewal so far (as `POST
  // /success/model/train` would); it re-predicts the latest week
  let modelVersion = 0;
  let modelHistory = '';
  try {
    modelVersion = (await trainRenewalModel(tdb, today)).version;
  } catch (e) {
    if (!(e instanceof AppError)) throw e;
    modelHistory = JSON.stringify(e.params);
  }
  // CSM incentive: last month's statements as drafts, the month before approved and locked
  const thisMonth = today.slice(0, 7);
  const months = [shiftMonth(thisMonth, -2), shiftMonth(thisMonth, -1)];
  for (const m of months) await recomputeIncentiveMonth(tdb, m);
  const incentives = new IncentiveService(p.db);
  for (const s of await incentives.list(admin, months[0] ?? thisMonth)) {
    const approved = await incentives.approve(admin, s.id, s.version);
    await incentives.lock(admin, approved.id, approved.version);
  }
  return {
    csm_users: csms.length,
    usage_rows: rows,
    health_weeks: weeks,
    renewal_model_version: modelVersion,
    ...(modelHistory ? { renewal_model_history: modelHistory } : {}),
    work_orders_resolved: resolved,
  };
}

const ACTIONS = [
  '已电话回访系统管理员，安排了一次线上培训，下周跟进登录情况',
  '与客户业务负责人开会，梳理了报表需求，已配置 BI 看板',
  '上门拜访，确认新任管理员并完成交接，更新了关键联系人',
  '已发送续费方案并约定下周续费沟通会',
];
