import { sql } from 'kysely';
import type { Platform } from '../platform/platform.ts';
import type { Actor } from '../platform/access/permissions.ts';
import { TenantDb } from '../platform/db/tenant-db.ts';
import { loadActor } from '../platform/identity/actor.ts';
import { todayIn } from '../platform/jobs/dates.rules.ts';
import { addDaysIso } from '../modules/success/health.rules.ts';
import { LightsService } from '../modules/success/lights.service.ts';
import type { LightReason, RootCause } from '../modules/success/lights.rules.ts';
import { successLightsJob } from '../modules/success/lights.jobs.ts';
import { SurveysService } from '../modules/success/surveys.service.ts';
import { parseSurveyToken } from '../modules/success/surveys.rules.ts';
import { seededRng, type Rng } from './generator.ts';

/** The links in the stored invitation mails point here (the app's default address). */
const ORIGIN = 'http://localhost:3000';

interface LightStory {
  daysAgo: number;
  color: 'red' | 'yellow';
  reason: LightReason;
  text: string;
  /** index into the customers; 0 and 1 get two lights with one root cause (repeat causes) */
  customer: number;
  by: 'owner' | 'csm';
  to: 'open' | 'meeting_scheduled' | 'action_plan' | 'resolved' | 'closed';
  cause?: RootCause;
  note?: string;
  area?: string;
  hours?: number;
}

const LIGHTS: LightStory[] = [
  {
    daysAgo: 6,
    color: 'red',
    reason: 'bug_instability',
    customer: 2,
    by: 'csm',
    to: 'open',
    text: '月底结账期间系统频繁超时，财务部无法导出应收报表，客户 IT 负责人非常不满',
  },
  {
    daysAgo: 1,
    color: 'yellow',
    reason: 'competitor',
    customer: 3,
    by: 'owner',
    to: 'open',
    text: '客户销售总监透露竞品正在做免费试用，报价比我们低 30%',
  },
  {
    daysAgo: 4,
    color: 'red',
    reason: 'delivery_delayed',
    customer: 4,
    by: 'csm',
    to: 'meeting_scheduled',
    text: 'ERP 对接已延期三周，客户要求本月内上线，否则暂停付款',
  },
  {
    daysAgo: 3,
    color: 'yellow',
    reason: 'key_person_left',
    customer: 5,
    by: 'owner',
    to: 'meeting_scheduled',
    text: '客户原系统管理员离职，新任管理员对系统不熟悉，登录数明显下降',
  },
  {
    daysAgo: 9,
    color: 'red',
    reason: 'product_gap',
    customer: 6,
    by: 'csm',
    to: 'action_plan',
    text: '客户需要按项目核算毛利，现有报表无法满足，业务部门开始用 Excel 另记一套',
  },
  {
    daysAgo: 12,
    color: 'yellow',
    reason: 'price_budget',
    customer: 7,
    by: 'owner',
    to: 'action_plan',
    text: '客户明年 IT 预算压缩 20%，续费可能减少席位',
  },
  {
    daysAgo: 80,
    color: 'red',
    reason: 'bug_instability',
    customer: 0,
    by: 'csm',
    to: 'resolved',
    cause: 'defect',
    area: '报表',
    hours: 30,
    text: '销售报表数据与订单不一致，客户质疑数据准确性',
    note: '报表缓存未随订单变更刷新，已发布修复版本并重算历史数据',
  },
  {
    daysAgo: 35,
    color: 'red',
    reason: 'bug_instability',
    customer: 0,
    by: 'owner',
    to: 'closed',
    cause: 'defect',
    area: '报表',
    hours: 20,
    text: '报表再次出现金额偏差，客户财务要求书面说明',
    note: '汇率换算在月末边界取错日期，已修复并补充自动化测试',
  },
  {
    daysAgo: 60,
    color: 'yellow',
    reason: 'key_person_left',
    customer: 1,
    by: 'csm',
    to: 'resolved',
    cause: 'customer_change',
    area: '权限与组织',
    hours: 72,
    text: '客户 CIO 调岗，新负责人要求重新评估系统',
    note: '拜访新任 CIO 并完成系统价值汇报，确认继续使用',
  },
  {
    daysAgo: 22,
    color: 'yellow',
    reason: 'key_person_left',
    customer: 1,
    by: 'owner',
    to: 'closed',
    cause: 'customer_change',
    area: '权限与组织',
    hours: 48,
    text: '客户销售部负责人离职，团队使用率下滑',
    note: '与新任部门负责人完成交接培训，重新设置了数据权限',
  },
  {
    daysAgo: 55,
    color: 'yellow',
    reason: 'price_budget',
    customer: 8,
    by: 'owner',
    to: 'closed',
    cause: 'commercial',
    hours: 120,
    text: '客户采购要求续费降价 15%',
    note: '以增加 BI 模块的打包方案达成续费，单价不变',
  },
  {
    daysAgo: 100,
    color: 'red',
    reason: 'competitor',
    customer: 9,
    by: 'csm',
    to: 'closed',
    cause: 'competitor',
    hours: 96,
    text: '竞品上门演示，客户总经理有意更换系统',
    note: '安排高层拜访并演示新版移动端，客户决定继续合作',
  },
  {
    daysAgo: 28,
    color: 'yellow',
    reason: 'delivery_delayed',
    customer: 10,
    by: 'csm',
    to: 'resolved',
    cause: 'implementation',
    area: '实施',
    hours: 50,
    text: '数据迁移进度落后，客户担心影响季度考核',
    note: '增派实施顾问加班完成迁移，补充了数据校验清单',
  },
];

const PROMOTER = [
  '服务响应很快，顾问很专业',
  '报表和移动端很好用，销售团队离不开了',
  '续费流程顺畅，推荐给了合作伙伴',
];
const PASSIVE = ['整体不错，希望报表更灵活', '偶尔有点慢，其他还好', '功能够用，培训资料可以再多一些', ''];
const DETRACTOR = [
  '系统经常卡顿，月底结账时尤其严重，问题反馈后很久才解决',
  '实施承诺的功能至今没有交付，很失望',
];

const hoursSql = (h: number) => sql`make_interval(hours => ${h})`;

/**
 * Customer engagement on the installed base (docs/DEMO.md "Customer engagement"): traffic lights
 * raised by reps and CSMs through the lights service and moved through every state, two complaints,
 * an NPS survey sent in two rounds and answered through the public submit path (a key-user detractor
 * opens a red light by itself) and a CSAT survey. Timestamps are moved back with SQL afterwards so
 * ages, the escalation job and mean time to resolve look like a real history.
 */
export async function loadDemoEngagement(p: Platform, admin: Actor): Promise<Record<string, number>> {
  const rng = seededRng(909);
  const t = admin.tenantId;
  const tz = admin.timeZone;
  const tdb = TenantDb.for(p.db, t);
  const today = todayIn(tz);
  const customers = await tdb.query(sql<{
    id: string;
    owner_id: string;
    csm_id: string;
    grade: string | null;
  }>`
    select id, owner_id, csm_id, grade from account where tenant_id = ${t} and csm_id is not null
      and owner_id is not null and deleted_at is null
    order by (grade in ('A', 'B')) desc, created_at, id`);
  if (customers.length < 12) return { lights: 0 };
  const actors = new Map<string, Actor>();
  const as = async (userId: string): Promise<Actor> => {
    let a = actors.get(userId);
    if (!a) {
      a = (await loadActor(p.db, t, { userId })) ?? admin;
      actors.set(userId, a);
    }
    return a;
  };
  const at = (day: string, time: string) => sql`(${day}::date + ${time}::time) at time zone ${tz}`;
  const lights = new LightsService(p);

  let raised = 0;
  for (const s of LIGHTS) {
    const c = customers[s.customer];
    if (!c) continue;
    const csm = await as(c.csm_id);
    const who = s.by === 'owner' ? await as(c.owner_id) : csm;
    const l = await lights.raise(who, c.id, { color: s.color, reason: s.reason, description: s.text }, today);
    raised++;
    const opened = addDaysIso(today, -s.daysAgo);
    if (s.to === 'meeting_scheduled')
      await lights.act(
        csm,
        l.id,
        'schedule-meeting',
        {
          meeting_at: `${addDaysIso(today, 2)}T10:00:00+08:00`,
          attendees: ['客户 IT 负责人', '客户成功经理', '实施顾问'],
        },
        today,
      );
    if (s.to === 'action_plan')
      await lights.act(
        csm,
        l.id,
        'action-plan',
        {
          tasks: [
            { subject: '整理客户需求清单并与产品经理评审', due_date: addDaysIso(today, 3) },
            { subject: '给出替代方案并安排线上演示', due_date: addDaysIso(today, 7) },
          ],
        },
        today,
      );
    if (s.to === 'resolved' || s.to === 'closed') {
      await lights.act(
        csm,
        l.id,
        'resolve',
        { root_cause: s.cause, note: s.note, product_area: s.area },
        today,
      );
      if (s.to === 'closed') await lights.act(csm, l.id, 'close', {}, today);
    }
    // the history: raised in the morning of its day, resolved some hours later, closed a day after
    await tdb.exec0(sql`update traffic_light set created_at = ${at(opened, '09:30')}, opened_at = ${at(opened, '09:30')},
        resolved_at = case when resolved_at is not null then ${at(opened, '09:30')} + ${hoursSql(s.hours ?? 0)} end,
        closed_at = case when closed_at is not null then ${at(opened, '09:30')} + ${hoursSql((s.hours ?? 0) + 24)} end
      where tenant_id = ${t} and id = ${l.id}`);
  }

  // two complaints: one through the complaint endpoint's service, one as a plain record (the import path)
  const c1 = customers[11] ?? customers[0];
  const c2 = customers[2];
  if (c1 && c2) {
    const csm1 = await as(c1.csm_id);
    const first = await lights.complain(
      csm1,
      c1.id,
      {
        channel: 'phone',
        severity: 'high',
        description: '客户总经理来电投诉：上周两次系统宕机导致门店无法开单，要求书面说明和补偿方案',
      },
      today,
    );
    await tdb.exec0(sql`update traffic_light set created_at = ${at(addDaysIso(today, -2), '15:10')},
        opened_at = ${at(addDaysIso(today, -2), '15:10')} where tenant_id = ${t} and id = ${first.light.id}`);
    const second = await p.records.create(await as(c2.owner_id), 'complaint', {
      account_id: c2.id,
      channel: 'wechat',
      severity: 'mid',
      description: '客户在微信群投诉客服响应慢，工单 48 小时无人回复',
    });
    const link = await tdb.one(sql<{ light_id: string | null }>`select light_id from complaint
      where tenant_id = ${t} and id = ${String(second.id)}`);
    if (link?.light_id)
      await lights.act(
        await as(c2.csm_id),
        link.light_id,
        'schedule-meeting',
        {
          meeting_at: `${addDaysIso(today, 1)}T14:00:00+08:00`,
          attendees: ['客户服务经理', '客户成功经理'],
        },
        today,
      );
  }

  const survey = await runSurveys(p, admin, rng, customers, as, today);
  // the escalation job of this morning: the old open lights get their badges
  await successLightsJob.run({ tenantId: t, asOf: today, tdb });
  const esc = await tdb.one(sql<{ n: number }>`select count(*)::int as n from traffic_light
    where tenant_id = ${t} and escalation_level > 0`);
  return {
    lights: raised + 2 + survey.survey_lights,
    lights_escalated: esc?.n ?? 0,
    complaints: 2,
    ...survey,
  };
}

async function runSurveys(
  p: Platform,
  admin: Actor,
  rng: Rng,
  customers: { id: string; csm_id: string }[],
  as: (userId: string) => Promise<Actor>,
  today: string,
): Promise<{ survey_responses: number; survey_lights: number }> {
  const t = admin.tenantId;
  const tz = admin.timeZone;
  const tdb = TenantDb.for(p.db, t);
  const surveys = new SurveysService(p);
  // ~20 customers and their key users (system admins, department heads; a flagged one where there is none),
  // each with an e-mail address so the links can go out
  const picked = customers.slice(0, 20).map((c) => c.id);
  const contacts = await tdb.query(sql<{ id: string; account_id: string; role: string | null; rn: number }>`
    select id, account_id, role, row_number() over (partition by account_id order by created_at, id)::int as rn
    from contact where tenant_id = ${t} and account_id = any(${picked}::uuid[]) and deleted_at is null`);
  const hasKey = new Set(
    contacts
      .filter((c) => c.role === 'system_admin' || c.role === 'department_head')
      .map((c) => c.account_id),
  );
  let n = 0;
  for (const c of contacts) {
    const key = c.role === 'system_admin' || c.role === 'department_head';
    const flag = !hasKey.has(c.account_id) && c.rn === 1;
    if (!key && !flag) continue;
    n++;
    await p.records.update(admin, 'contact', c.id, {
      email: `keyuser${n}@customer-demo.cn`,
      ...(flag ? { is_key_user: true } : {}),
    });
  }
  const nps = await p.records.create(admin, 'survey', {
    name: '客户净推荐值（NPS）季度调研',
    kind: 'nps',
    intro: '感谢您使用飞轮 CRM！花 1 分钟告诉我们您的感受。',
    status: 'active',
    expires_days: 14,
  });
  const q = Math.floor((Number(addDaysIso(today, -75).slice(5, 7)) - 1) / 3) + 1;
  const rounds = [
    { round: `${addDaysIso(today, -75).slice(0, 4)}-Q${q}`, sentOn: addDaysIso(today, -75), detractor: 6 },
    {
      round: today.slice(0, 7),
      sentOn: addDaysIso(today, -Math.min(6, Number(today.slice(8, 10)) - 1)),
      detractor: 3,
    },
  ];
  let responses = 0;
  const answer = async (
    surveyId: string,
    round: string,
    sentOn: string,
    score: (i: number) => number | null,
    comment: (s: number) => string,
  ) => {
    const sent = await surveys.send(admin, surveyId, { round, account_ids: picked }, ORIGIN);
    const invited = new Set(sent.invited.map((i) => i.invitation_id));
    // the links as the stored mails carry them (no SMTP in the demo): the real tokens
    const mails = await tdb.query(sql<{ body: string }>`select body from mail_outbox
      where tenant_id = ${t} and body like ${`%${ORIGIN}/s/%`}`);
    const tokens = new Map<string, string>();
    for (const m of mails) {
      const token = /\/s\/(\S+)/.exec(m.body)?.[1];
      const parsed = token ? parseSurveyToken(token) : null;
      if (token && parsed && invited.has(parsed.invitationId)) tokens.set(parsed.invitationId, token);
    }
    const ids: string[] = [];
    for (const [i, inv] of sent.invited.entries()) {
      const s = score(i);
      const token = tokens.get(inv.invitation_id);
      if (s === null || !token) continue;
      await surveys.submit(token, { score: s, comment: comment(s) || null });
      ids.push(inv.invitation_id);
      responses++;
    }
    const span = Math.max(0, Math.round((Date.parse(today) - Date.parse(sentOn)) / 86_400_000));
    await tdb.exec0(sql`update survey_invitation set created_at = (${sentOn}::date + time '10:00') at time zone ${tz},
        sent_at = (${sentOn}::date + time '10:00') at time zone ${tz},
        expires_at = (${sentOn}::date + time '10:00') at time zone ${tz} + interval '14 days'
      where tenant_id = ${t} and survey_id = ${surveyId} and round = ${round}`);
    // answered over the days after sending (never in the future)
    await tdb.exec0(sql`update survey_response r set submitted_at = least(now(),
          (${sentOn}::date + time '11:00') at time zone ${tz} + make_interval(hours => (abs(hashtext(r.id::text)) % (24 * greatest(1, least(10, ${span}))))::int)),
        created_at = r.submitted_at
      where r.tenant_id = ${t} and r.survey_id = ${surveyId} and r.round = ${round}`);
    await tdb.exec0(sql`update survey_response set created_at = submitted_at, updated_at = submitted_at
      where tenant_id = ${t} and survey_id = ${surveyId} and round = ${round}`);
    await tdb.exec0(sql`update survey_invitation i set used_at = r.submitted_at from survey_response r
      where r.tenant_id = i.tenant_id and r.invitation_id = i.id and i.tenant_id = ${t} and i.survey_id = ${surveyId} and i.round = ${round}`);
    await tdb.exec0(sql`update traffic_light l set created_at = r.submitted_at, opened_at = r.submitted_at
      from survey_response r where r.tenant_id = l.tenant_id and r.light_id = l.id and l.tenant_id = ${t}
        and r.survey_id = ${surveyId} and r.round = ${round}`);
    return ids;
  };
  for (const r of rounds) {
    // ~70 % answer; one key-user detractor per round, about 40 % promoters, the rest passive
    await answer(
      String(nps.id),
      r.round,
      r.sentOn,
      (i) => {
        if (i === r.detractor) return r.round === rounds[0]?.round ? 5 : 3;
        if (rng() > 0.7) return null;
        return rng() < 0.42 ? (rng() < 0.5 ? 9 : 10) : rng() < 0.5 ? 7 : 8;
      },
      (s) =>
        s >= 9
          ? (PROMOTER[Math.floor(rng() * PROMOTER.length)] ?? '')
          : s >= 7
            ? (PASSIVE[Math.floor(rng() * PASSIVE.length)] ?? '')
            : s >= 5
              ? (DETRACTOR[1] ?? '')
              : (DETRACTOR[0] ?? ''),
    );
  }
  // last quarter's detractor light was worked through, closed, and the CSM called back
  const old = await tdb.one(sql<{
    light_id: string;
    id: string;
    csm_id: string | null;
  }>`select r.light_id, r.id, a.csm_id
    from survey_response r join account a on a.tenant_id = r.tenant_id and a.id = r.account_id
    where r.tenant_id = ${t} and r.survey_id = ${String(nps.id)} and r.round = ${rounds[0]?.round ?? ''} and r.light_id is not null limit 1`);
  if (old?.csm_id) {
    const csm = await as(old.csm_id);
    const lights = new LightsService(p);
    await lights.act(
      csm,
      old.light_id,
      'resolve',
      {
        root_cause: 'implementation',
        note: '承诺的审批流配置遗漏，已补齐并重新培训关键用户',
        product_area: '实施',
      },
      today,
    );
    await lights.act(csm, old.light_id, 'close', {}, today);
    await surveys.recordCallback(csm, old.id, { outcome: '已回访系统管理员，审批流运行正常，客户表示满意' });
    await tdb.exec0(sql`update traffic_light set resolved_at = created_at + interval '40 hours',
        closed_at = created_at + interval '64 hours', updated_at = created_at + interval '64 hours'
      where tenant_id = ${t} and id = ${old.light_id}`);
  }
  // CSAT after implementation acceptance: a handful of answers this month, none unhappy
  const csat = await p.records.create(admin, 'survey', {
    name: '实施验收满意度（CSAT）',
    kind: 'csat',
    status: 'active',
    expires_days: 7,
  });
  const csatScores = [5, 4, 5, 3, 4];
  const csatSend = await surveys.send(
    admin,
    String(csat.id),
    { round: `${today.slice(0, 7)}-验收`, account_ids: picked.slice(10, 15) },
    ORIGIN,
  );
  const mails = await tdb.query(
    sql<{
      body: string;
    }>`select body from mail_outbox where tenant_id = ${t} and body like ${`%${ORIGIN}/s/%`}`,
  );
  const wanted = new Set(csatSend.invited.map((i) => i.invitation_id));
  let k = 0;
  for (const m of mails) {
    const token = /\/s\/(\S+)/.exec(m.body)?.[1];
    const parsed = token ? parseSurveyToken(token) : null;
    if (!token || !parsed || !wanted.has(parsed.invitationId) || k >= csatScores.length) continue;
    await surveys.submit(token, {
      score: csatScores[k] ?? 4,
      comment: k % 2 ? '实施顾问很负责，按时上线' : null,
    });
    k++;
    responses++;
  }
  const sl = await tdb.one(sql<{ n: number }>`select count(*)::int as n from traffic_light
    where tenant_id = ${t} and source = 'survey'`);
  return { survey_responses: responses, survey_lights: sl?.n ?? 0 };
}
