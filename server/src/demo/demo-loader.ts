import { sql } from 'kysely';
import type { Platform } from '../platform/platform.ts';
import { TenantDb } from '../platform/db/tenant-db.ts';
import { loadActor } from '../platform/identity/actor.ts';
import type { Actor } from '../platform/access/permissions.ts';
import { LeadsService } from '../modules/leads/index.ts';
import { shapeLeadHistory } from './demo-lead-history.ts';
import { loadDemoSales } from './demo-sales.ts';
import { loadDemoCash } from './demo-cash.ts';
import { loadDemoSubscriptions } from './demo-subscriptions.ts';
import { loadDemoSuccess } from './demo-success.ts';
import { loadDemoEngagement } from './demo-engagement.ts';
import { loadDemoJourneys } from './demo-journeys.ts';
import { loadDemoTiers } from './demo-tiers.ts';
import type { Rng } from './generator.ts';
import {
  company,
  DEPARTMENTS,
  intBetween,
  mobile,
  personName,
  pick,
  seededRng,
  TITLES,
} from './generator.ts';

const DEMO_PASSWORD = 'Flywheel-Demo-2026';

/**
 * Loads the demo dataset into a tenant: a sales org (departments and reps), 200 accounts and
 * their contacts — all through the records engine, so audit, events and permissions are real.
 * Loading twice does nothing the second time.
 */
export async function loadDemoData(p: Platform, tenantId: string): Promise<Record<string, number | string>> {
  const tdb = TenantDb.for(p.db, tenantId);
  const existing = await tdb.one(
    sql<{ n: number }>`select count(*)::int8 as n from account where tenant_id = ${tenantId}`,
  );
  if ((existing?.n ?? 0) > 0) return { skipped: 'demo data already present' };
  const admin = await tdb.one(
    sql<{
      id: string;
    }>`select u.id from app_user u join role r on r.tenant_id = u.tenant_id and r.id = u.role_id where u.tenant_id = ${tenantId} and r.is_admin order by u.created_at limit 1`,
  );
  if (!admin) throw new Error('tenant has no admin');
  const actor = await loadActor(p.db, tenantId, { userId: admin.id });
  if (!actor) throw new Error('cannot load admin');
  const rng = seededRng(20261127);

  const center = await p.users.createDepartment(actor, { name: '销售中心' });
  const regions = ['华东大区', '华南大区', '华北大区'];
  const users: string[] = [];
  for (const [ri, region] of regions.entries()) {
    const dept = await p.users.createDepartment(actor, { name: region, parent_id: center.id });
    const manager = await p.users.createUser(actor, {
      email: `manager${ri + 1}@flywheel.local`,
      name: `${personName(rng)}（${region}经理）`,
      password: DEMO_PASSWORD,
      role: 'sales_manager',
      department_id: dept.id,
    });
    users.push(manager.id);
    for (let i = 0; i < 3; i++) {
      const rep = await p.users.createUser(actor, {
        email: `rep${ri + 1}${i + 1}@flywheel.local`,
        name: personName(rng),
        password: DEMO_PASSWORD,
        role: 'sales_rep',
        department_id: dept.id,
      });
      users.push(rep.id);
    }
  }

  const accounts = Array.from({ length: 200 }, () => {
    const c = company(rng);
    return {
      name: c.name,
      industry: c.industry,
      province: c.province,
      city: c.city,
      size: c.size,
      phone: c.phone,
      employees: c.employees,
      annual_revenue: { amount: c.annual_revenue, currency: 'CNY' },
      type: pick(rng, ['prospect', 'prospect', 'customer', 'customer', 'partner']),
      grade: pick(rng, ['A', 'B', 'B', 'C', 'C', 'D']),
      owner_id: pick(rng, users),
    };
  });
  const createdAccounts = await p.records.createMany(actor, 'account', accounts);
  const contacts = createdAccounts.flatMap((a) =>
    Array.from({ length: intBetween(rng, 1, 4) }, (_, i) => ({
      name: personName(rng),
      account_id: a.id,
      mobile: mobile(rng),
      title: pick(rng, TITLES),
      department: pick(rng, DEPARTMENTS),
      role:
        i === 0
          ? 'decision_maker'
          : pick(rng, ['key_person', 'champion', 'system_admin', 'department_head', 'user']),
      owner_id: a.owner_id,
    })),
  );
  let contactCount = 0;
  for (let i = 0; i < contacts.length; i += 500)
    contactCount += (await p.records.createMany(actor, 'contact', contacts.slice(i, i + 500))).length;
  const leads = await loadDemoLeads(p, actor, users, rng);
  // pools, org charts, deals, follow-ups, targets and forecasts (demo-sales.ts)
  const sales = await loadDemoSales(p, actor, rng);
  // the pre-sales engineer and the implementation consultant who share the credit of large deals
  const delivery = await p.users.createDepartment(actor, { name: '解决方案与交付部', parent_id: center.id });
  for (const [email, title] of [
    ['presales@flywheel.local', '售前工程师'],
    ['delivery@flywheel.local', '实施顾问'],
  ] as const)
    users.push(
      (
        await p.users.createUser(actor, {
          email,
          name: `${personName(rng)}（${title}）`,
          password: DEMO_PASSWORD,
          role: 'sales_rep',
          department_id: delivery.id,
        })
      ).id,
    );
  // products, quotes, approvals, contracts, orders, receivables and commissions (demo-cash.ts)
  const cash = await loadDemoCash(p, actor, rng);
  // the installed base: renewals, churn and ARR history (demo-subscriptions.ts)
  const subscriptions = await loadDemoSubscriptions(p, actor);
  // the CS team, product telemetry and weekly health scores of the installed base (demo-success.ts)
  const success = await loadDemoSuccess(p, actor, rng);
  // traffic lights, complaints and NPS/CSAT surveys on the installed base (demo-engagement.ts)
  const engagement = await loadDemoEngagement(p, actor);
  // lifecycle journeys of the recently signed customers, some done, some late (demo-journeys.ts)
  const journeys = await loadDemoJourneys(p, actor);
  // service tiers, the CSMs' calls and visits, touch rate and round-robin assignment (demo-tiers.ts)
  const tiers = await loadDemoTiers(p, actor);
  return {
    users: users.length,
    accounts: createdAccounts.length,
    contacts: contactCount,
    ...leads,
    ...sales,
    ...cash,
    ...subscriptions,
    ...success,
    ...engagement,
    ...journeys,
    ...tiers,
    user_password: DEMO_PASSWORD,
  };
}

const EAST = ['浙江省', '江苏省', '上海市'];

const CAMPAIGNS: Array<{
  name: string;
  type: string;
  status: string;
  budget: number;
  cost: number;
  days: [number, number];
}> = [
  {
    name: '2026 数字化转型峰会（上海站）',
    type: 'offline_event',
    status: 'completed',
    budget: 300_000_00,
    cost: 268_500_00,
    days: [-60, -58],
  },
  {
    name: '百度搜索推广 Q4',
    type: 'search_ads',
    status: 'active',
    budget: 150_000_00,
    cost: 92_300_00,
    days: [-45, 30],
  },
  {
    name: '《SaaS 客户成功白皮书》下载',
    type: 'content',
    status: 'active',
    budget: 20_000_00,
    cost: 8_800_00,
    days: [-30, 60],
  },
  {
    name: '产品直播：续费率提升实战',
    type: 'webinar',
    status: 'completed',
    budget: 15_000_00,
    cost: 12_000_00,
    days: [-20, -20],
  },
  {
    name: '公众号裂变活动',
    type: 'wechat_oa',
    status: 'active',
    budget: 30_000_00,
    cost: 11_200_00,
    days: [-14, 16],
  },
];

/** Campaigns, two pools with members and rules, a web form, and ~120 captured leads. */
async function loadDemoLeads(
  p: Platform,
  actor: Actor,
  users: string[],
  rng: Rng,
): Promise<Record<string, number>> {
  const day = (n: number): string => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);
  const campaigns = await p.records.createMany(
    actor,
    'campaign',
    CAMPAIGNS.map((c) => ({
      name: c.name,
      type: c.type,
      status: c.status,
      start_date: day(c.days[0]),
      end_date: day(c.days[1]),
      budget: { amount: c.budget, currency: 'CNY' },
      actual_cost: { amount: c.cost, currency: 'CNY' },
    })),
  );
  const [east, national] = await p.records.createMany(actor, 'lead_pool', [
    { name: '华东线索池', claim_cap: 30, description: '江浙沪地区的新线索' },
    { name: '全国公共线索池', claim_cap: 20, description: '未匹配区域规则的线索' },
  ]);
  if (!east || !national) throw new Error('pools not created');
  const eastTeam = users.slice(0, 4);
  const rest = users.slice(4);
  const tdb = TenantDb.for(p.db, actor.tenantId);
  for (const [pool, members] of [
    [east, eastTeam],
    [national, rest],
  ] as const)
    for (const [i, u] of members.entries())
      await tdb.exec0(
        sql`insert into lead_pool_member (tenant_id, pool_id, user_id, role) values (${actor.tenantId}, ${String(pool.id)}, ${u}, ${i === 0 ? 'admin' : 'member'}) on conflict do nothing`,
      );
  const leadsService = new LeadsService(p);
  const current = await leadsService.settings(actor);
  await leadsService.saveSettings(actor, {
    ...current,
    defaultPoolId: String(national.id),
    assignmentRules: [
      {
        id: 'east_round_robin',
        name: '华东区域轮询',
        conditions: [{ field: 'province', op: 'in', value: EAST }],
        strategy: 'round_robin',
        members: eastTeam.slice(1),
        dailyCap: 20,
        paused: [],
      },
      {
        id: 'big_company_by_load',
        name: '大客户按负载分配',
        conditions: [{ field: 'company_size', op: 'gte', value: 500 }],
        strategy: 'load',
        members: rest.slice(0, 3),
        dailyCap: 10,
        paused: [],
      },
    ],
  });
  await leadsService.createForm(actor, {
    name: '官网免费试用申请',
    campaign_id: String(campaigns[1]?.id),
    thank_you: { message: '感谢您的申请，顾问将在 1 个工作日内联系您' },
  });
  const sources = ['web_form', 'web_form', 'api', 'campaign', 'referral'] as const;
  const created: string[] = [];
  for (let i = 0; i < 120; i++) {
    const c = company(rng);
    const campaign = pick(rng, campaigns);
    const source = pick(rng, sources);
    const res = await leadsService.capture(
      actor,
      {
        name: personName(rng),
        mobile: mobile(rng),
        company: c.name,
        title: pick(rng, TITLES),
        industry: c.industry,
        province: c.province,
        city: c.city,
        company_size: c.size,
        ...(source === 'web_form'
          ? {
              utm_source: pick(rng, ['baidu', 'wechat', 'zhihu', '36kr']),
              utm_medium: pick(rng, ['cpc', 'social', 'referral']),
            }
          : {}),
        ...(source === 'campaign' ? { campaign_id: campaign.id } : {}),
      },
      // leads from the east go to the east team's pool, so its members find them there when recycled
      { channel: source, poolId: EAST.includes(c.province) ? String(east.id) : null },
    );
    if (res.outcome !== 'merged') created.push(res.lead_id);
  }
  const history = await shapeLeadHistory(
    p,
    leadsService,
    actor,
    rng,
    created,
    campaigns.map((c) => String(c.id)),
  );
  return { campaigns: campaigns.length, lead_pools: 2, leads: created.length, ...history };
}
