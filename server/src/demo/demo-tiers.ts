import { sql } from 'kysely';
import type { Platform } from '../platform/platform.ts';
import type { Actor } from '../platform/access/permissions.ts';
import { TenantDb } from '../platform/db/tenant-db.ts';
import { loadActor } from '../platform/identity/actor.ts';
import { todayIn } from '../platform/jobs/dates.rules.ts';
import { addDaysIso } from '../modules/success/health.rules.ts';
import { arrOn } from '../modules/success/health.service.ts';
import { monthEnd, shiftMonth } from '../modules/success/month.rules.ts';
import { TiersService } from '../modules/success/tiers.service.ts';
import { runTiers } from '../modules/success/tiers.jobs.ts';
import { DEFAULT_TIER_SETTINGS, tierOf, type TierRule } from '../modules/success/tiers.rules.ts';
import { intBetween, personName, pick, seededRng } from './generator.ts';

const DEMO_PASSWORD = 'Flywheel-Demo-2026';
/** How far back the CSMs' calls and visits go (the trend shows six months). */
const HISTORY_DAYS = 240;
/** The leaver stopped touching customers this many days ago. */
const LEFT_DAYS_AGO = 35;

const CALLS = [
  '电话回访：了解近期使用情况',
  '电话回访：确认新功能培训效果',
  '电话回访：月度使用数据沟通',
  '电话回访：续费前需求摸底',
  '电话回访：跟进上次反馈的问题',
];
const VISITS = [
  '上门拜访：季度业务复盘',
  '上门拜访：与信息化负责人沟通年度规划',
  '上门拜访：管理层汇报系统价值',
  '上门拜访：现场培训新入职员工',
];
const ADDRESSES = ['客户总部会议室', '客户园区 A 座 12 楼', '客户分公司办公室', '客户研发中心'];

/**
 * Service tiers and touch cadence (docs/ENGAGEMENT.md "Service tiers, cadence and touch rate") on
 * the installed base: the seed's A/B/C tiers with teams (A the two senior CSMs, B the CS department,
 * C every CSM), eight months of CSM calls and visits — each CSM with their own diligence, so the
 * touch rate differs per person and some touches are overdue today — a CSM who left a month ago
 * (their customers go to the next in turn on this morning's run), and the daily job back-filled at
 * the last five month ends so the trend has history.
 */
export async function loadDemoTiers(p: Platform, admin: Actor): Promise<Record<string, number>> {
  const rng = seededRng(1414);
  const t = admin.tenantId;
  const tz = admin.timeZone;
  const tdb = TenantDb.for(p.db, t);
  const today = todayIn(tz);
  const csms = await tdb.query(sql<{ id: string; department_id: string | null }>`select u.id, u.department_id
    from app_user u join role r on r.tenant_id = u.tenant_id and r.id = u.role_id
    where u.tenant_id = ${t} and r.key = 'csm' and u.status = 'active' order by u.email`);
  const dept = csms[0]?.department_id ?? null;
  if (csms.length < 3 || dept === null) return { tier_customers: 0 };
  // the two senior CSMs (the first by e-mail) serve the A tier
  const seniors = csms.slice(0, 2).map((u) => u.id);

  const [A, B, C] = DEFAULT_TIER_SETTINGS.tiers as [TierRule, TierRule, TierRule];
  const settings = await new TiersService(p).putSettings(admin, {
    tiers: [
      // the demo book is rich in large and grade-A customers: A asks for both, B for either
      {
        ...A,
        label: '战略客户',
        match: 'all',
        grades: ['A', 'B'],
        team: { user_ids: seniors, department_id: null },
      },
      {
        ...B,
        label: '重点客户',
        grades: ['A'],
        min_arr_fen: 20_000_000,
        team: { user_ids: [], department_id: dept },
      },
      { ...C, label: '标准客户' },
    ],
  });

  // a CSM who served part of the book and left the company a month ago
  const leaver = await p.users.createUser(admin, {
    email: 'csm-left@flywheel.local',
    name: `${personName(rng)}（已离职）`,
    password: DEMO_PASSWORD,
    role: 'csm',
    department_id: dept,
  });
  const arr = await arrOn(tdb, today);
  const book = await tdb.query(sql<{
    id: string;
    name: string;
    grade: string | null;
    industry: string | null;
    csm_id: string | null;
  }>`select id, name, grade, industry, csm_id from account
    where tenant_id = ${t} and deleted_at is null and csm_id is not null and id = any(${[...arr.keys()]}::uuid[])
    order by created_at, id`);
  const moved = book.filter((_, i) => i % 8 === 3).slice(0, 4);
  for (const c of moved) {
    await tdb.exec0(sql`update account set csm_id = ${leaver.id} where tenant_id = ${t} and id = ${c.id}`);
    c.csm_id = leaver.id;
  }

  // how reliably each CSM keeps the cadence (share of touches on time)
  const diligence = new Map<string, number>([
    ...csms.map((u, i): [string, number] => [u.id, [0.8, 0.6, 0.4][i] ?? 0.6]),
    [leaver.id, 0.4],
  ]);
  const contacts = await tdb.query(sql<{ account_id: string; id: string }>`select distinct on (account_id)
      account_id, id from contact where tenant_id = ${t} and deleted_at is null
      and account_id = any(${book.map((c) => c.id)}::uuid[])
    order by account_id, (role = 'decision_maker') desc, created_at`);
  const contactOf = new Map(contacts.map((c) => [c.account_id, c.id]));
  const rows = new Map<string, Record<string, unknown>[]>();
  const start = addDaysIso(today, -HISTORY_DAYS);
  for (const c of book) {
    const tier = tierOf(settings.tiers, { arrFen: arr.get(c.id) ?? 0, grade: c.grade, industry: c.industry });
    const csm = c.csm_id;
    if (!tier || csm === null) continue;
    const p0 = diligence.get(csm) ?? 0.75;
    const until = csm === leaver.id ? addDaysIso(today, -LEFT_DAYS_AGO) : addDaysIso(today, -1);
    const add = (type: 'call' | 'visit', day: string) => {
      const list = rows.get(csm) ?? [];
      list.push({
        subject: pick(rng, type === 'call' ? CALLS : VISITS),
        type,
        account_id: c.id,
        contact_id: contactOf.get(c.id) ?? null,
        owner_id: csm,
        occurred_at: `${day}T${String(intBetween(rng, 9, 17)).padStart(2, '0')}:${pick(rng, ['00', '30'])}:00+08:00`,
        duration_minutes: type === 'call' ? intBetween(rng, 10, 40) : intBetween(rng, 60, 180),
        ...(type === 'visit' ? { address: pick(rng, ADDRESSES) } : {}),
      });
      rows.set(csm, list);
    };
    for (const [type, every] of [
      ['call', tier.call_every_days],
      ['visit', tier.visit_every_days],
    ] as const) {
      if (every === null) continue;
      // on time: somewhat before the cadence is up; late: well after it
      for (let day = addDaysIso(start, intBetween(rng, 0, every - 1)); day <= until;) {
        add(type, day);
        const onTime = rng() < p0;
        const gap = Math.max(1, Math.round(every * (onTime ? 0.55 + 0.4 * rng() : 1.5 + 1.5 * rng())));
        day = addDaysIso(day, gap);
      }
    }
  }
  const actors = new Map<string, Actor>();
  let touches = 0;
  for (const [owner, list] of rows) {
    let who = actors.get(owner);
    if (!who) {
      who = (await loadActor(p.db, t, { userId: owner })) ?? admin;
      actors.set(owner, who);
    }
    for (let i = 0; i < list.length; i += 500)
      touches += (await p.records.createMany(who, 'activity', list.slice(i, i + 500))).length;
  }

  // the daily job at the last five month ends (nobody is told about those days), then this morning,
  // after the leaver's account was disabled: their customers go round the tier teams
  const month = today.slice(0, 7);
  for (let k = 5; k >= 1; k--) await runTiers(tdb, monthEnd(shiftMonth(month, -k)), { remind: false });
  await p.users.updateUser(admin, leaver.id, { status: 'disabled' });
  const run = await p.jobs.run(t, 'success.tiers', today, 'demo');
  const result = (run.result ?? {}) as Record<string, unknown>;
  return {
    tier_customers: Number(result.customers ?? 0),
    tier_touches: touches,
    tier_reassigned: Number(result.csm_inactive ?? 0),
  };
}
