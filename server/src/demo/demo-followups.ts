import { sql } from 'kysely';
import type { Platform } from '../platform/platform.ts';
import type { Actor } from '../platform/access/permissions.ts';
import { TenantDb } from '../platform/db/tenant-db.ts';
import { AccountsService } from '../modules/accounts/index.ts';
import type { Rng } from './generator.ts';
import { intBetween, mobile, personName, pick } from './generator.ts';
import { DAY, type DemoClock, iso } from './demo-clock.ts';
import type { DealPlan } from './demo-sales.ts';

export interface DemoUser {
  id: string;
  email: string;
  departmentId: string | null;
  role: string;
}
export interface DemoAccount {
  id: string;
  name: string;
  city: string | null;
  province: string | null;
  ownerId: string;
  grade: string | null;
}
/** Contacts per account (first: the decision maker), for activities and tasks. */
export interface Orgs {
  contacts: Map<string, Array<{ id: string; name: string }>>;
  created: number;
}

const EAST = ['上海市', '浙江省', '江苏省'];
const SOUTH = ['广东省', '福建省'];

/**
 * Two account pools (公海) for the east and south regions — the region's reps as members, its
 * manager as pool admin — and ~30 accounts their owners gave back with a reason, most of them
 * weeks ago, a few in the last days (still in the cool-down for that rep).
 */
export async function loadAccountPools(
  p: Platform,
  admin: Actor,
  actorOf: (id: string) => Actor,
  users: DemoUser[],
  owned: DemoAccount[],
  clock: DemoClock,
  rng: Rng,
): Promise<{ pools: number; pooledIds: string[] }> {
  const tdb = TenantDb.for(p.db, admin.tenantId);
  const accounts = new AccountsService(p);
  const { returnReasons } = await accounts.settings(admin);
  const pools = await p.records.createMany(admin, 'account_pool', [
    {
      name: '华东公海',
      description: '江浙沪地区退回和回收的客户',
      claim_cap: 60,
      no_followup_days: 30,
      no_won_days: 180,
      warn_days: 3,
    },
    {
      name: '华南公海',
      description: '广东、福建地区退回和回收的客户',
      claim_cap: 60,
      no_followup_days: 30,
      no_won_days: 180,
      warn_days: 3,
    },
  ]);
  const pooledIds: string[] = [];
  const regions = [...new Set(users.map((u) => u.departmentId))].filter((d): d is string => d !== null);
  for (const [i, pool] of pools.entries()) {
    const dept = regions[i];
    const team = users.filter((u) => u.departmentId === dept);
    await accounts.setPoolMembers(
      admin,
      String(pool.id),
      team.map((u) => ({ user_id: u.id, role: u.role === 'sales_manager' ? 'admin' : 'member' })),
    );
    const provinces = i === 0 ? EAST : SOUTH;
    // the reps' own accounts, those of the pool's region first
    const candidates = owned
      .filter((a) => team.some((u) => u.id === a.ownerId && u.role === 'sales_rep'))
      .sort(
        (a, b) => Number(provinces.includes(b.province ?? '')) - Number(provinces.includes(a.province ?? '')),
      )
      .slice(0, 15);
    for (const [k, a] of candidates.entries()) {
      const owner = actorOf(a.ownerId);
      // returned recently (cool-down) for the first few, weeks ago for the rest
      const ago = k < 3 ? intBetween(rng, 1, 5) : intBetween(rng, 10, 80);
      const at = clock.workAt(ago, rng);
      const contact = await tdb.one(
        sql<{
          id: string;
        }>`select id from contact where tenant_id = ${admin.tenantId} and account_id = ${a.id} order by created_at, id limit 1`,
      );
      await p.records.createMany(owner, 'activity', [
        {
          subject: '电话沟通采购计划',
          type: 'call',
          account_id: a.id,
          contact_id: contact?.id ?? null,
          occurred_at: iso(at - intBetween(rng, 3, 25) * DAY),
          duration_minutes: intBetween(rng, 5, 20),
          outcome: pick(rng, ['客户表示今年没有预算', '对方已有系统，暂不考虑更换', '多次联系未接通']),
        },
      ]);
      const reason = pick(rng, returnReasons);
      await accounts.returnToPool(owner, a.id, { reason, pool_id: String(pool.id) });
      await tdb.exec0(
        sql`update account_event set at = ${iso(at)} where tenant_id = ${admin.tenantId} and account_id = ${a.id} and kind = 'returned'`,
      );
      await tdb.exec0(sql`update account set updated_at = ${iso(at)}, created_at = least(created_at, ${iso(at - intBetween(rng, 40, 200) * DAY)}::timestamptz)
        where tenant_id = ${admin.tenantId} and id = ${a.id}`);
      pooledIds.push(a.id);
    }
  }
  return { pools: pools.length, pooledIds };
}

const ORG: Array<{
  title: string;
  department: string;
  role: string;
  reportsTo: number | null;
  keyUser?: boolean;
}> = [
  { title: '总经理', department: '总经办', role: 'decision_maker', reportsTo: null },
  { title: 'CIO', department: '信息技术部', role: 'key_person', reportsTo: 0 },
  { title: '财务总监', department: '财务部', role: 'key_person', reportsTo: 0 },
  { title: '信息化负责人', department: '信息技术部', role: 'champion', reportsTo: 1 },
  { title: '销售总监', department: '销售部', role: 'user', reportsTo: 0, keyUser: true },
  { title: '系统管理员', department: '信息技术部', role: 'user', reportsTo: 3, keyUser: true },
  { title: '销售运营专员', department: '销售部', role: 'user', reportsTo: 4 },
];

/**
 * Org charts on the top accounts (the 30 with the largest deals): a decision maker, key people,
 * a champion and key users, each reporting to someone — existing contacts take the first
 * places, new ones fill the rest. Returns every account's contacts for the follow-ups.
 */
export async function shapeOrgCharts(p: Platform, admin: Actor, plans: DealPlan[], rng: Rng): Promise<Orgs> {
  const t = admin.tenantId;
  const tdb = TenantDb.for(p.db, t);
  const top = [
    ...new Map([...plans].sort((a, b) => b.amount - a.amount).map((d) => [d.account.id, d.account])).values(),
  ].slice(0, 30);
  const existing = await tdb.query(sql<{ id: string; name: string; account_id: string }>`
    select id, name, account_id from contact where tenant_id = ${t} and deleted_at is null order by created_at, id`);
  const byAccount = new Map<string, Array<{ id: string; name: string }>>();
  for (const c of existing)
    byAccount.set(c.account_id, [...(byAccount.get(c.account_id) ?? []), { id: c.id, name: c.name }]);
  const missing = top.flatMap((a) =>
    ORG.slice((byAccount.get(a.id) ?? []).length).map(() => ({
      account_id: a.id,
      name: personName(rng),
      mobile: mobile(rng),
      owner_id: a.ownerId,
    })),
  );
  const created = await p.records.createMany(admin, 'contact', missing);
  for (const c of created) {
    const k = String(c.account_id);
    byAccount.set(k, [...(byAccount.get(k) ?? []), { id: String(c.id), name: String(c.name) }]);
  }
  const updates = top.flatMap((a) => {
    const people = byAccount.get(a.id) ?? [];
    return people.slice(0, ORG.length).map((c, i) => {
      const o = ORG[i] ?? ORG[ORG.length - 1];
      const boss = o?.reportsTo !== null && o?.reportsTo !== undefined ? people[o.reportsTo]?.id : null;
      return {
        id: c.id,
        title: o?.title,
        department: o?.department,
        role: o?.role,
        reports_to: boss ?? null,
        is_key_user: o?.keyUser === true,
      };
    });
  });
  await p.records.bulk(admin, 'contact', 'update', updates);
  return { contacts: byAccount, created: created.length };
}

const CITY_AT: Record<string, [number, number]> = {
  北京市: [39.9042, 116.4074],
  上海市: [31.2304, 121.4737],
  广州市: [23.1291, 113.2644],
  深圳市: [22.5431, 114.0579],
  东莞市: [23.0207, 113.7518],
  佛山市: [23.0215, 113.1214],
  珠海市: [22.2707, 113.5767],
  杭州市: [30.2741, 120.1551],
  宁波市: [29.8683, 121.544],
  温州市: [27.9938, 120.6994],
  嘉兴市: [30.7461, 120.7555],
  南京市: [32.0603, 118.7969],
  苏州市: [31.299, 120.5853],
  无锡市: [31.4912, 120.3119],
  常州市: [31.8106, 119.9741],
  成都市: [30.5728, 104.0668],
  绵阳市: [31.4675, 104.6796],
  武汉市: [30.5928, 114.3055],
  宜昌市: [30.6919, 111.2865],
  济南市: [36.6512, 117.1201],
  青岛市: [36.0671, 120.3826],
  烟台市: [37.4638, 121.4479],
  福州市: [26.0745, 119.2965],
  厦门市: [24.4798, 118.0894],
  泉州市: [24.8741, 118.6757],
  西安市: [34.3416, 108.9398],
  天津市: [39.3434, 117.3616],
  重庆市: [29.563, 106.5516],
};
const ROADS = [
  '科技路',
  '人民路',
  '建设大道',
  '创新大道',
  '软件园路',
  '高新大道',
  '中山路',
  '解放路',
  '长江路',
  '金融街',
];
const BUILDINGS = ['A座', 'B座', '科技大厦', '创业园3号楼', '国际中心', '产业园2期'];

const SUBJECTS: Record<string, string[]> = {
  call: ['电话沟通需求细节', '电话跟进报价反馈', '电话确认演示时间', '电话沟通合同条款', '回访试用情况'],
  wechat: ['微信发送产品资料', '微信沟通方案细节', '微信确认会议时间', '微信跟进采购流程'],
  visit: ['上门拜访', '现场调研业务流程', '拜访信息化负责人', '陪同售前现场交流'],
  meeting: ['线上会议：需求评审', '方案沟通会', '商务谈判会议', '项目启动沟通会'],
  email: ['发送报价单', '发送方案建议书', '发送合同草稿', '发送会议纪要'],
  note: ['内部备注：客户预算按季度审批', '内部备注：竞品也在接触', '内部备注：决策链已摸清'],
};
const OUTCOMES = [
  '客户有兴趣，约下周演示',
  '需求明确，等待内部评估',
  '客户在比价，关注价格',
  '决策人出差，下周再联系',
  '已发资料，待反馈',
  '认可方案，推进采购流程',
];
const NEXT = ['发送报价', '安排产品演示', '约决策人见面', '准备合同', '跟进采购审批', '一周后回访'];
const DEMOS = ['产品演示：销售管理模块', '产品演示：客户成功与续费', '线上演示：移动端与企业微信集成'];
// a few reps clearly work more than others (visible in activity reports)
const WEIGHT: Record<string, number> = {
  rep11: 1.8,
  rep12: 1.0,
  rep13: 0.6,
  rep21: 1.5,
  rep22: 0.9,
  rep23: 0.7,
  rep31: 1.2,
  rep32: 0.5,
  rep33: 1.0,
};

/**
 * ~1,500 activities over the last 90 days, by owner and weighted per rep: on deals open at that
 * moment or on the owner's accounts; calls, WeChat, visits with a check-in address, meetings,
 * e-mails. Every deal gets a first contact, every deal that left "solution" its demo, most open
 * deals a recent follow-up (some are left idle for the alerts); a few meetings are planned ahead.
 * Created through the records engine, so follow-up dates move as they would.
 */
export async function loadActivities(
  p: Platform,
  actorOf: (id: string) => Actor,
  users: DemoUser[],
  accounts: DemoAccount[],
  plans: DealPlan[],
  orgs: Orgs,
  clock: DemoClock,
  rng: Rng,
): Promise<number> {
  const rows = new Map<string, Array<Record<string, unknown>>>();
  const add = (owner: string, r: Record<string, unknown>): void => {
    rows.set(owner, [...(rows.get(owner) ?? []), r]);
  };
  const contactOf = (accountId: string): string | null => {
    const list = orgs.contacts.get(accountId) ?? [];
    return list.length ? (pick(rng, list)?.id ?? null) : null;
  };
  const accountOf = new Map(accounts.map((a) => [a.id, a]));
  const make = (
    type: string,
    accountId: string,
    at: number,
    opportunityId: string | null,
  ): Record<string, unknown> => {
    const a = accountOf.get(accountId);
    const base: Record<string, unknown> = {
      subject: type === 'demo' ? pick(rng, DEMOS) : pick(rng, SUBJECTS[type] ?? SUBJECTS.call ?? []),
      type,
      account_id: accountId,
      opportunity_id: opportunityId,
      contact_id: contactOf(accountId),
      occurred_at: iso(at),
      duration_minutes:
        type === 'call'
          ? intBetween(rng, 3, 30)
          : type === 'visit' || type === 'demo'
            ? intBetween(rng, 45, 120)
            : type === 'meeting'
              ? intBetween(rng, 30, 90)
              : null,
      outcome: type === 'note' ? null : pick(rng, OUTCOMES),
      next_step: rng() < 0.6 ? pick(rng, NEXT) : null,
    };
    if (type === 'visit' && a?.city) {
      const [lat, lon] = CITY_AT[a.city] ?? [31.23, 121.47];
      base.latitude = Number((lat + (rng() - 0.5) * 0.08).toFixed(6));
      base.longitude = Number((lon + (rng() - 0.5) * 0.08).toFixed(6));
      base.address = `${a.province === a.city ? '' : (a.province ?? '')}${a.city}${pick(rng, ROADS)}${intBetween(rng, 1, 999)}号${pick(rng, BUILDINGS)}`;
    }
    return base;
  };
  const within = (from: number, to: number): number => from + rng() * Math.max(0, to - from);
  const endOf = (d: DealPlan): number =>
    d.outcome === 'open' ? clock.now - 10 * 60_000 : (d.entered[d.entered.length - 1] ?? clock.now);
  for (const d of plans) {
    const start = d.entered[0] ?? clock.now;
    add(
      d.owner,
      make(
        pick(rng, ['call', 'visit', 'wechat']),
        d.account.id,
        Math.min(start + within(1, 8) * 3_600_000, endOf(d)),
        d.id,
      ),
    );
    const sol = d.path.indexOf('solution');
    if (d.kind === 'new' && sol >= 0 && sol < d.path.length - 1) {
      const from = d.entered[sol] ?? start;
      const to = d.entered[sol + 1] ?? clock.now;
      add(d.owner, make('demo', d.account.id, within(from + 0.2 * (to - from), to - 3_600_000), d.id));
    }
    if (d.outcome === 'open') {
      const idle = rng() < 0.15 ? intBetween(rng, 8, 20) : rng() * 6;
      add(
        d.owner,
        make(
          pick(rng, ['call', 'wechat', 'meeting', 'visit']),
          d.account.id,
          Math.max(start, clock.now - idle * DAY - 3_600_000),
          d.id,
        ),
      );
    }
  }
  const total = 1_500 - [...rows.values()].reduce((n, r) => n + r.length, 0);
  const weights = users.map((u) => WEIGHT[u.email.split('@')[0] ?? ''] ?? 0.3);
  const sum = weights.reduce((a, b) => a + b, 0);
  for (const [ui, u] of users.entries()) {
    const mine = plans.filter((d) => d.owner === u.id);
    const myAccounts = accounts.filter((a) => a.ownerId === u.id);
    if (!myAccounts.length) continue;
    const n = Math.round((total * (weights[ui] ?? 0)) / sum);
    for (let i = 0; i < n; i++) {
      let ago = Math.floor(rng() ** 1.3 * 90);
      const dow = new Date(Date.parse(`${clock.day(-ago)}T00:00:00Z`)).getUTCDay();
      if ((dow === 0 || dow === 6) && rng() < 0.8) ago += dow === 0 ? 2 : 1;
      const at = clock.workAt(ago, rng);
      const live = mine.filter((d) => (d.entered[0] ?? 0) < at && at < endOf(d));
      const deal = live.length && rng() < 0.7 ? pick(rng, live) : null;
      const type = pick(rng, [
        'call',
        'call',
        'call',
        'wechat',
        'wechat',
        'visit',
        'visit',
        'meeting',
        'email',
        'note',
      ]);
      add(u.id, make(type, deal?.account.id ?? pick(rng, myAccounts).id, at, deal?.id ?? null));
    }
    // planned meetings and visits in the coming days (My day: upcoming)
    for (let i = 0; i < intBetween(rng, 1, 3); i++) {
      const open = mine.filter((d) => d.outcome === 'open');
      const deal = open.length ? pick(rng, open) : null;
      const at = clock.at(clock.day(intBetween(rng, 1, 6)), intBetween(rng, 9, 16), pick(rng, [0, 30]));
      add(
        u.id,
        make(
          pick(rng, ['meeting', 'visit']),
          deal?.account.id ?? pick(rng, myAccounts).id,
          at,
          deal?.id ?? null,
        ),
      );
    }
  }
  let n = 0;
  for (const [owner, list] of rows)
    for (let i = 0; i < list.length; i += 500)
      n += (await p.records.createMany(actorOf(owner), 'activity', list.slice(i, i + 500))).length;
  return n;
}

const TASKS = [
  '给{a}发送报价单',
  '跟进{a}合同审批进度',
  '准备{a}演示环境',
  '约{a}信息化负责人下周拜访',
  '整理{a}需求清单',
  '确认{a}付款计划',
  '续费提醒：联系{a}',
  '提交{a}折扣申请',
];

/**
 * Tasks for everyone with deals: due today, overdue, upcoming, and some done in the past; a
 * few handed out by the region's manager (the rep gets a notification).
 */
export async function loadTasks(
  p: Platform,
  actorOf: (id: string) => Actor,
  users: DemoUser[],
  plans: DealPlan[],
  _orgs: Orgs,
  clock: DemoClock,
  rng: Rng,
): Promise<number> {
  const tdb = TenantDb.for(p.db, actorOf(users[0]?.id ?? '').tenantId);
  let n = 0;
  const short = (s: string): string => s.replace(/(集团|股份)?有限(责任)?公司$/, '');
  for (const u of users) {
    const deals = plans.filter((d) => d.owner === u.id && d.outcome === 'open');
    if (!deals.length) continue;
    const task = (dueDay: number, status: string): Record<string, unknown> => {
      const d = pick(rng, deals);
      const due = clock.at(clock.day(dueDay), intBetween(rng, 9, 18), pick(rng, [0, 30]));
      return {
        subject: pick(rng, TASKS).replace('{a}', short(d.account.name)),
        status,
        priority: pick(rng, ['high', 'normal', 'normal', 'low']),
        due_at: iso(due),
        remind_at: due > clock.now + 3_600_000 && rng() < 0.5 ? iso(due - 30 * 60_000) : null,
        account_id: d.account.id,
        opportunity_id: d.id,
      };
    };
    const list = [
      ...Array.from({ length: intBetween(rng, 2, 4) }, () => task(0, 'open')),
      ...Array.from({ length: intBetween(rng, 1, 3) }, () => task(-intBetween(rng, 1, 6), 'open')),
      ...Array.from({ length: intBetween(rng, 3, 6) }, () => task(intBetween(rng, 1, 10), 'open')),
      ...Array.from({ length: intBetween(rng, 3, 5) }, () => task(-intBetween(rng, 2, 30), 'done')),
    ];
    const created = await p.records.createMany(actorOf(u.id), 'task', list);
    n += created.length;
    // done tasks were done on their due day, created a few days before
    await tdb.exec0(sql`update task set completed_at = case when status = 'done' then due_at else null end,
        created_at = least(created_at, due_at - interval '3 days'), updated_at = least(updated_at, greatest(due_at, created_at))
      where tenant_id = ${tdb.tenantId} and id = any(${created.map((c) => String(c.id))}::uuid[])`);
    const manager = users.find(
      (m) => m.role === 'sales_manager' && m.departmentId === u.departmentId && m.id !== u.id,
    );
    if (manager && u.role === 'sales_rep') {
      const d = pick(rng, deals);
      await p.records.createMany(actorOf(manager.id), 'task', [
        {
          subject: `周五前更新${short(d.account.name)}的商机进展`,
          priority: 'high',
          owner_id: u.id,
          due_at: iso(clock.at(clock.day(intBetween(rng, 0, 3)), 17)),
          opportunity_id: d.id,
        },
      ]);
      n++;
    }
  }
  return n;
}
