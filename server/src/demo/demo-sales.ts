import { sql } from 'kysely';
import type { Platform } from '../platform/platform.ts';
import type { Actor } from '../platform/access/permissions.ts';
import { TenantDb } from '../platform/db/tenant-db.ts';
import { loadActor } from '../platform/identity/actor.ts';
import {
  forecastSnapshotJob,
  OpportunitiesService,
  salesAlertsJob,
  submitForecast,
  upsertTargets,
} from '../modules/sales/index.ts';
import type { Rng } from './generator.ts';
import { intBetween, pick } from './generator.ts';
import { DAY, DemoClock, iso } from './demo-clock.ts';
import {
  loadAccountPools,
  loadActivities,
  loadTasks,
  shapeOrgCharts,
  type DemoAccount,
  type DemoUser,
} from './demo-followups.ts';

type PipelineKind = 'new' | 'upsell' | 'renewal';
type Outcome = 'won' | 'lost' | 'invalid' | 'open';

/** One planned deal: the stages it goes through and when it entered each. */
export interface DealPlan {
  id: string;
  account: DemoAccount;
  owner: string;
  kind: PipelineKind;
  name: string;
  amount: number;
  closeDate: string;
  renewalDueOn: string | null;
  competitor: string | null;
  /** stage keys in order, the current one last */
  path: string[];
  /** entry moment of each stage of `path` (ms) */
  entered: number[];
  outcome: Outcome;
  closeReason: string | null;
  closeNote: string | null;
}

const ACTIVE: Record<PipelineKind, string[]> = {
  new: ['discovery', 'qualification', 'solution', 'negotiation'],
  upsell: ['discovery', 'proposal', 'negotiation'],
  renewal: ['due', 'confirming', 'committed'],
};
const MAX_DAYS: Record<string, number> = {
  'new:discovery': 14,
  'new:qualification': 21,
  'new:solution': 30,
  'new:negotiation': 30,
  'upsell:discovery': 21,
  'upsell:proposal': 21,
  'upsell:negotiation': 21,
  'renewal:confirming': 30,
  'renewal:committed': 30,
};
const PRODUCTS = ['CRM 企业版', '销售自动化', '客户成功平台', '营销自动化', '数据分析套件', '渠道管理平台'];
const COMPETITORS = ['纷享销客', '销售易', 'Salesforce', '简道云', '客户自研'];
const LOST_NOTES: Record<string, string> = {
  价格因素: '报价高于预算约 20%，客户选择了低价方案',
  选择了竞争对手: '客户最终选择了竞品，对方承诺定制开发',
  需求变化: '客户组织调整，项目暂停',
  预算不足: '今年预算已用完，明年再议',
  决策延期: '决策人更换，项目无限期推迟',
  联系不上: '多次电话微信无回复',
};

const shortName = (name: string): string =>
  name.replace(/(集团|股份)?有限(责任)?公司$/, '').replace(/^(北京|上海|天津|重庆)/, '');
const yuan = (n: number): number => n * 100;

/** Stage dwell (days) before leaving a stage: within its limit, a little randomness. */
function dwell(rng: Rng, kind: PipelineKind, stage: string): number {
  const max = MAX_DAYS[`${kind}:${stage}`] ?? 30;
  return intBetween(rng, 2, Math.max(3, max - 3)) + rng();
}

/**
 * Plans a deal backwards from its end: closed deals from their close moment, open ones from
 * today (the current stage entered `currentDays` ago); earlier stages each lasted a plausible
 * dwell, so the history is contiguous by construction.
 */
function planPath(
  rng: Rng,
  clock: DemoClock,
  kind: PipelineKind,
  outcome: Outcome,
  end: { closedAt?: number; openStage?: number; currentDays?: number },
): { path: string[]; entered: number[] } {
  const active = ACTIVE[kind];
  let stages: string[];
  if (outcome === 'won') stages = [...active, 'won'];
  else if (outcome === 'lost') stages = [...active.slice(0, intBetween(rng, 1, active.length)), 'lost'];
  else if (outcome === 'invalid') stages = [...active.slice(0, intBetween(rng, 1, 2)), 'invalid'];
  else stages = active.slice(0, (end.openStage ?? 0) + 1);
  // new-business deals from converted leads often start at qualification (both allow creation)
  if (kind === 'new' && stages[0] === 'discovery' && stages[1] === 'qualification' && rng() < 0.2)
    stages = stages.slice(1);
  const entered = new Array<number>(stages.length);
  let t = end.closedAt ?? clock.now - (end.currentDays ?? 1) * DAY;
  entered[stages.length - 1] = t;
  for (let i = stages.length - 2; i >= 0; i--) {
    t -= dwell(rng, kind, stages[i] ?? '') * DAY;
    entered[i] = t;
  }
  return { path: stages, entered };
}

/** Open deals: close dates mostly this month and the next two, later stages sooner; some overdue. */
function openCloseDate(rng: Rng, clock: DemoClock, stageIndex: number, last: number): string {
  if (rng() < 0.12) return clock.day(-intBetween(rng, 3, 20));
  const monthEnd = (offset: number): string => {
    const [y, m] = clock.today.split('-').map(Number) as [number, number];
    const d = new Date(Date.UTC(y, m + offset, 0));
    return d.toISOString().slice(0, 10);
  };
  const horizon =
    stageIndex >= last
      ? pick(rng, [0, 0, 1])
      : stageIndex >= last - 1
        ? pick(rng, [0, 1, 1, 2])
        : pick(rng, [1, 2, 2]);
  const end = monthEnd(horizon);
  const startOf = horizon === 0 ? clock.today : `${end.slice(0, 7)}-01`;
  const span = Math.max(0, (Date.parse(end) - Date.parse(startOf)) / DAY);
  return new Date(Date.parse(startOf) + Math.floor(rng() * (span + 1)) * DAY).toISOString().slice(0, 10);
}

interface PlanInput {
  rng: Rng;
  clock: DemoClock;
  accounts: DemoAccount[];
  lostReasons: string[];
  invalidReasons: string[];
}

/**
 * ~165 deals: new business on most accounts (won spread over six months, lost with reasons, a
 * few invalid, open ones in every stage), and on 32 customer accounts an original won deal
 * followed by an upsell or a renewal (due within the next quarter, a few overdue).
 */
export function planDeals(inp: PlanInput): DealPlan[] {
  const { rng, clock, accounts } = inp;
  const plans: DealPlan[] = [];
  const customers = accounts.slice(0, 32);
  const prospects = accounts.slice(32, 132);
  const seats = (): number => pick(rng, [20, 30, 50, 80, 100, 150, 200, 300, 500]);
  const newDeal = (
    a: DemoAccount,
    outcome: Outcome,
    end: { closedAt?: number; openStage?: number; currentDays?: number },
  ): DealPlan => {
    const n = seats();
    const product = pick(rng, PRODUCTS);
    const { path, entered } = planPath(rng, clock, 'new', outcome, end);
    const closedAt = outcome === 'open' ? null : (entered[entered.length - 1] ?? clock.now);
    const reason =
      outcome === 'lost'
        ? pick(rng, inp.lostReasons)
        : outcome === 'invalid'
          ? pick(rng, inp.invalidReasons)
          : null;
    return {
      id: '',
      account: a,
      owner: a.ownerId,
      kind: 'new',
      name: `${shortName(a.name)}-${product} ${n} 用户`,
      amount: yuan(Math.round((n * intBetween(rng, 1200, 2400)) / 100) * 100),
      closeDate:
        closedAt !== null
          ? clock.dateOf(closedAt + (outcome === 'won' ? 0 : intBetween(rng, 0, 20) * DAY))
          : openCloseDate(rng, clock, path.length - 1, ACTIVE.new.length - 1),
      renewalDueOn: null,
      competitor: rng() < 0.35 ? pick(rng, COMPETITORS) : null,
      path,
      entered,
      outcome,
      closeReason: reason,
      closeNote: reason ? (LOST_NOTES[reason] ?? '经核实为无效商机') : null,
    };
  };

  // new business: 20 won over six months (a few this month), 14 lost, 4 invalid, the rest open
  const outcomes: Outcome[] = [
    ...Array<Outcome>(20).fill('won'),
    ...Array<Outcome>(14).fill('lost'),
    ...Array<Outcome>(4).fill('invalid'),
  ];
  let won = 0;
  let lost = 0;
  let open = 0;
  for (const [i, a] of prospects.entries()) {
    const outcome = outcomes[i] ?? 'open';
    if (outcome === 'won') {
      // evenly over the last ~175 days, the newest ones this month
      const ago = 1 + (won++ / 20) * 175 + rng() * 6;
      plans.push(newDeal(a, 'won', { closedAt: clock.workAt(Math.floor(ago), rng) }));
    } else if (outcome === 'lost' || outcome === 'invalid') {
      const ago = 2 + ((lost++ % 18) / 18) * 150 + rng() * 8;
      plans.push(newDeal(a, outcome, { closedAt: clock.workAt(Math.floor(ago), rng) }));
    } else {
      // every stage populated; later stages a bit rarer; a few sit there longer than allowed
      const stage = [0, 1, 1, 2, 2, 2, 3, 3, 3][open++ % 9] ?? 0;
      const max = MAX_DAYS[`new:${ACTIVE.new[stage] ?? ''}`] ?? 30;
      const currentDays = open % 8 === 0 ? max + intBetween(rng, 3, 20) : intBetween(rng, 1, max - 2) + rng();
      plans.push(newDeal(a, 'open', { openStage: stage, currentDays }));
    }
  }

  // customer accounts: the original deal, then a renewal (even) or an upsell (odd)
  for (const [i, a] of customers.entries()) {
    if (i % 2 === 0) {
      // renewal due from two months ago to three months ahead; the original closed a year before
      const due = clock.day(intBetween(rng, -45, 90));
      const original = newDeal(a, 'won', {
        closedAt: clock.at(addYears(due, -1), 10, intBetween(rng, 0, 480)),
      });
      plans.push(original);
      const dueIn = (Date.parse(due) - Date.parse(clock.today)) / DAY;
      const outcome: Outcome =
        dueIn < 20 && i % 6 === 0 ? 'won' : i === 10 ? 'lost' : dueIn < 0 && i % 4 === 0 ? 'won' : 'open';
      const stage = dueIn > 60 ? 0 : dueIn > 25 ? pick(rng, [0, 1]) : pick(rng, [1, 2, 2]);
      const closedAt =
        outcome === 'open' ? undefined : Math.min(clock.workAt(intBetween(rng, 1, 25), rng), clock.now);
      const { path, entered } = planPath(rng, clock, 'renewal', outcome, {
        ...(closedAt !== undefined ? { closedAt } : {}),
        openStage: stage,
        currentDays: intBetween(rng, 2, 24) + rng(),
      });
      const reason = outcome === 'lost' ? '预算不足' : null;
      plans.push({
        id: '',
        account: a,
        owner: a.ownerId,
        kind: 'renewal',
        name: `${shortName(a.name)}-${due.slice(0, 4)} 年度续费`,
        amount: Math.round((original.amount * (0.95 + rng() * 0.2)) / 10_000) * 10_000,
        closeDate:
          closedAt !== undefined
            ? clock.dateOf(closedAt)
            : dueIn < 0
              ? clock.day(intBetween(rng, 1, 20))
              : addDaysTo(due, -intBetween(rng, 0, 7)),
        renewalDueOn: due,
        competitor: null,
        path,
        entered,
        outcome,
        closeReason: reason,
        closeNote: reason ? (LOST_NOTES[reason] ?? null) : null,
      });
    } else {
      // upsell after an original won 6–11 months ago (these give the year's early months their wins)
      const original = newDeal(a, 'won', { closedAt: clock.workAt(intBetween(rng, 185, 330), rng) });
      plans.push(original);
      const outcome: Outcome = i % 5 === 1 ? 'won' : i % 7 === 3 ? 'lost' : 'open';
      const closedAt = outcome === 'open' ? undefined : clock.workAt(intBetween(rng, 3, 120), rng);
      const { path, entered } = planPath(rng, clock, 'upsell', outcome, {
        ...(closedAt !== undefined ? { closedAt } : {}),
        openStage: intBetween(rng, 0, 2),
        currentDays: intBetween(rng, 2, 19) + rng(),
      });
      const n = pick(rng, [10, 20, 30, 50, 100]);
      const reason = outcome === 'lost' ? pick(rng, inp.lostReasons) : null;
      plans.push({
        id: '',
        account: a,
        owner: a.ownerId,
        kind: 'upsell',
        name: `${shortName(a.name)}-增购 ${n} 席位`,
        amount: yuan(n * intBetween(rng, 15, 22) * 100),
        closeDate:
          closedAt !== undefined ? clock.dateOf(closedAt) : openCloseDate(rng, clock, path.length - 1, 2),
        renewalDueOn: null,
        competitor: null,
        path,
        entered,
        outcome,
        closeReason: reason,
        closeNote: reason ? (LOST_NOTES[reason] ?? null) : null,
      });
    }
  }
  return plans;
}

const addDaysTo = (date: string, days: number): string =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10);
const addYears = (date: string, years: number): string =>
  `${Number(date.slice(0, 4)) + years}${date.slice(4, 10) === '-02-29' ? '-02-28' : date.slice(4)}`;

/**
 * The sales side of the demo (issue 5): account pools with waiting accounts, org charts, ~165
 * deals moved through their stages by their owners (so gating, stage history and won accounts
 * are the real thing), ~1,500 activities, tasks for everyone, targets for every month of the
 * year, forecast submissions and eight weekly snapshots, then the alert job. Dates are moved
 * into the past with explicit SQL afterwards, keeping history contiguous and won_at = closed_at.
 */
export async function loadDemoSales(p: Platform, admin: Actor, rng: Rng): Promise<Record<string, number>> {
  const t = admin.tenantId;
  const tdb = TenantDb.for(p.db, t);
  const clock = new DemoClock(admin.timeZone);
  const users = await tdb.query(sql<DemoUser>`
    select u.id, u.email, u.department_id as "departmentId", r.key as role from app_user u
    join role r on r.tenant_id = u.tenant_id and r.id = u.role_id
    where u.tenant_id = ${t} and r.key in ('sales_rep', 'sales_manager') order by u.email`);
  const actors = new Map<string, Actor>();
  for (const u of users) actors.set(u.id, (await loadActor(p.db, t, { userId: u.id })) ?? admin);
  const actorOf = (id: string): Actor => actors.get(id) ?? admin;

  const owned = await tdb.query(sql<DemoAccount>`
    select id, name, city, province, owner_id as "ownerId", grade from account
    where tenant_id = ${t} and owner_id = any(${users.map((u) => u.id)}::uuid[]) and deleted_at is null
      and coalesce(state, 'owned') = 'owned'
    order by grade nulls last, name`);
  const pools = await loadAccountPools(p, admin, actorOf, users, owned, clock, rng);
  const pooled = new Set(pools.pooledIds);
  const dealAccounts = owned.filter((a) => !pooled.has(a.id));
  // customers first (A/B grades), so the upsell and renewal accounts are the better ones
  const sales = new OpportunitiesService(p);
  const settings = await sales.settings(admin);
  const plans = planDeals({
    rng,
    clock,
    accounts: dealAccounts,
    lostReasons: settings.lostReasons,
    invalidReasons: settings.invalidReasons,
  });

  // 1. deals, created by their owners in their first stage (the pipeline follows the type)
  const byOwner = new Map<string, DealPlan[]>();
  for (const d of plans) byOwner.set(d.owner, [...(byOwner.get(d.owner) ?? []), d]);
  for (const [owner, deals] of byOwner) {
    const created = await p.records.createMany(
      actorOf(owner),
      'opportunity',
      deals.map((d) => ({
        name: d.name,
        account_id: d.account.id,
        stage: d.path[0],
        type: d.kind,
        amount: { amount: d.amount, currency: 'CNY' },
        close_date: d.closeDate,
        competitor: d.competitor,
        renewal_due_on: d.renewalDueOn,
      })),
    );
    for (const [i, rec] of created.entries()) if (deals[i]) deals[i].id = String(rec.id);
  }

  // 2. the follow-ups (demo activities before the stage moves, so the gate lets the deals on)
  const orgs = await shapeOrgCharts(p, admin, plans, rng);
  const activities = await loadActivities(p, actorOf, users, dealAccounts, plans, orgs, clock, rng);

  // 3. stage moves through the records engine by the owner (gating, history, won → account won)
  // one transaction: the hooks and gates run per move as usual, without a commit per move
  let moves = 0;
  await tdb.transaction(async (tx) => {
    for (const d of plans)
      for (let i = 1; i < d.path.length; i++) {
        const closing = i === d.path.length - 1 && (d.outcome === 'lost' || d.outcome === 'invalid');
        await p.records.update(
          actorOf(d.owner),
          'opportunity',
          d.id,
          { stage: d.path[i], ...(closing ? { close_reason: d.closeReason, close_note: d.closeNote } : {}) },
          { tx },
        );
        moves++;
      }
  });
  await backdateDeals(tdb, plans);
  const tasks = await loadTasks(p, actorOf, users, plans, orgs, clock, rng);
  await backdateAccounts(tdb, plans, clock);

  // 4. targets for every month of the year, forecast submissions, weekly snapshots, alerts
  const targets = await loadTargets(p, admin, users, plans, clock, rng);
  const submissions = await submitForecasts(p, tdb, actorOf, users, clock, rng);
  const snapshots = await takeWeeklySnapshots(tdb, clock);
  const alerts = await salesAlertsJob.run({ tenantId: t, asOf: clock.today, tdb });
  return {
    account_pools: pools.pools,
    pooled_accounts: pooled.size,
    opportunities: plans.length,
    won: plans.filter((d) => d.outcome === 'won').length,
    lost: plans.filter((d) => d.outcome === 'lost').length,
    stage_moves: moves,
    org_contacts: orgs.created,
    activities,
    tasks,
    targets,
    forecast_submissions: submissions,
    forecast_snapshots: snapshots,
    alerts: Object.values(alerts).reduce<number>((n, v) => n + (typeof v === 'number' ? v : 0), 0),
  };
}

/** Puts the deals' dates where the plan says: created, stage entries (history rows), closed. */
async function backdateDeals(tdb: TenantDb, plans: DealPlan[]): Promise<void> {
  const t = tdb.tenantId;
  const ids: string[] = [];
  const stages: string[] = [];
  const entered: string[] = [];
  const left: Array<string | null> = [];
  for (const d of plans)
    d.path.forEach((s, i) => {
      ids.push(d.id);
      stages.push(s);
      entered.push(iso(d.entered[i] ?? 0));
      const next = d.entered[i + 1];
      left.push(next === undefined ? null : iso(next));
    });
  await tdb.exec0(sql`update opportunity_stage_history h set entered_at = v.entered, left_at = v.left_at
    from unnest(${ids}::uuid[], ${stages}::text[], ${entered}::timestamptz[], ${left}::timestamptz[]) as v(id, stage, entered, left_at)
    where h.tenant_id = ${t} and h.opportunity_id = v.id and h.stage = v.stage`);
  const last = plans.map((d) => iso(d.entered[d.entered.length - 1] ?? 0));
  await tdb.exec0(sql`update opportunity o set created_at = v.created, stage_entered_at = v.last,
      updated_at = greatest(v.last, o.last_followed_at),
      closed_at = case when o.closed_at is null then null else v.last end
    from unnest(${plans.map((d) => d.id)}::uuid[], ${plans.map((d) => iso(d.entered[0] ?? 0))}::timestamptz[], ${last}::timestamptz[]) as v(id, created, last)
    where o.tenant_id = ${t} and o.id = v.id`);
}

/**
 * Accounts: won_at is the close of their first won deal; they (and their contacts) existed a
 * little before their first deal or follow-up; "customer" means a won deal.
 */
async function backdateAccounts(tdb: TenantDb, plans: DealPlan[], clock: DemoClock): Promise<void> {
  const t = tdb.tenantId;
  await tdb.exec0(sql`update account a set won_at = w.first_won
    from (select account_id, min(o.closed_at) as first_won from opportunity o
          join sales_stage s on s.tenant_id = o.tenant_id and s.pipeline_id = o.pipeline_id and s.key = o.stage and s.type = 'won'
          where o.tenant_id = ${t} group by account_id) w
    where a.tenant_id = ${t} and a.id = w.account_id`);
  await tdb.exec0(
    sql`update account a set type = 'prospect' where a.tenant_id = ${t} and a.type = 'customer' and a.won_at is null`,
  );
  const ids = [...new Set(plans.map((d) => d.account.id))];
  await tdb.exec0(sql`update account a set created_at = least(a.created_at, e.first - ((7 + (abs(hashtext(a.id::text)) % 30)) * interval '1 day'))
    from (select x.account_id, min(x.at) as first from (
            select account_id, created_at as at from opportunity where tenant_id = ${t}
            union all select account_id, occurred_at from activity where tenant_id = ${t} and account_id is not null) x
          group by x.account_id) e
    where a.tenant_id = ${t} and a.id = e.account_id`);
  await tdb.exec0(sql`update contact c set created_at = a.created_at from account a
    where c.tenant_id = ${t} and a.tenant_id = c.tenant_id and a.id = c.account_id and c.created_at > a.created_at`);
  await tdb.exec0(sql`update account set updated_at = greatest(created_at, coalesce(won_at, created_at), coalesce(last_followed_at, created_at))
    where tenant_id = ${t} and id = any(${ids}::uuid[]) and updated_at > ${iso(clock.now)}::timestamptz - interval '1 hour'`);
}

/**
 * Monthly targets for every rep and manager with deals and every region, January to December:
 * past months sized from what was won (attainment roughly 40–130 %, a bad month now and then),
 * this month and the future from the person's usual month.
 */
async function loadTargets(
  p: Platform,
  admin: Actor,
  users: DemoUser[],
  plans: DealPlan[],
  clock: DemoClock,
  rng: Rng,
): Promise<number> {
  const year = clock.today.slice(0, 4);
  const thisMonth = Number(clock.today.slice(5, 7));
  const wonBy = new Map<string, number>();
  for (const d of plans)
    if (d.outcome === 'won') {
      const day = clock.dateOf(d.entered[d.entered.length - 1] ?? 0);
      if (day.startsWith(year)) {
        const k = `${d.owner}|${Number(day.slice(5, 7))}`;
        wonBy.set(k, (wonBy.get(k) ?? 0) + d.amount);
      }
    }
  const round = (fen: number): number => Math.max(1, Math.round(fen / 1_000_000)) * 1_000_000;
  const items: Array<{
    user_id?: string;
    department_id?: string;
    period: 'month';
    start: string;
    amount: number;
    new_customers?: number;
  }> = [];
  const deptTotals = new Map<string, number>();
  for (const u of users) {
    if (!plans.some((d) => d.owner === u.id)) continue;
    const wonMonths = [...Array(thisMonth).keys()].map((m) => wonBy.get(`${u.id}|${m + 1}`) ?? 0);
    const base = round(
      Math.max(yuan(150_000), wonMonths.reduce((a, b) => a + b, 0) / Math.max(1, thisMonth - 1)),
    );
    for (let m = 1; m <= 12; m++) {
      const won = wonBy.get(`${u.id}|${m}`) ?? 0;
      const amount =
        m < thisMonth && won > 0 ? round(won / (0.4 + rng() * 0.9)) : round(base * (1 + rng() * 0.3));
      const start = `${year}-${String(m).padStart(2, '0')}-01`;
      items.push({ user_id: u.id, period: 'month', start, amount });
      if (u.departmentId)
        deptTotals.set(
          `${u.departmentId}|${start}`,
          (deptTotals.get(`${u.departmentId}|${start}`) ?? 0) + amount,
        );
    }
  }
  for (const [k, amount] of deptTotals) {
    const [department_id, start] = k.split('|') as [string, string];
    items.push({ department_id, period: 'month', start, amount, new_customers: intBetween(rng, 2, 4) });
  }
  await upsertTargets(p.db, admin, items);
  return items.length;
}

/** Every rep calls this month's forecast: commit near the system commit, best case above it. */
async function submitForecasts(
  p: Platform,
  tdb: TenantDb,
  actorOf: (id: string) => Actor,
  users: DemoUser[],
  clock: DemoClock,
  rng: Rng,
): Promise<number> {
  const start = clock.monthStart(clock.today);
  let n = 0;
  for (const u of users) {
    if (u.role !== 'sales_rep') continue;
    const f = await tdb.one(sql<{ commit: number; best: number }>`
      select coalesce(sum(o.amount) filter (where s.forecast_category in ('commit', 'closed')), 0)::int8 as commit,
             coalesce(sum(o.amount) filter (where s.forecast_category in ('commit', 'closed', 'best_case')), 0)::int8 as best
      from opportunity o join sales_stage s on s.tenant_id = o.tenant_id and s.pipeline_id = o.pipeline_id and s.key = o.stage
      where o.tenant_id = ${tdb.tenantId} and o.owner_id = ${u.id} and o.deleted_at is null and s.type in ('active', 'won')
        and coalesce((o.closed_at at time zone ${clock.timeZone})::date, o.close_date) >= ${start}::date
        and coalesce((o.closed_at at time zone ${clock.timeZone})::date, o.close_date) < (${start}::date + interval '1 month')`);
    const commit = Math.round((Number(f?.commit ?? 0) * (0.85 + rng() * 0.3)) / 1_000_000) * 1_000_000;
    const best = Math.max(
      commit,
      Math.round((Number(f?.best ?? 0) * (0.9 + rng() * 0.2)) / 1_000_000) * 1_000_000,
    );
    await submitForecast(p.db, actorOf(u.id), {
      period: 'month',
      start,
      commit,
      best_case: best,
      currency: 'CNY',
      note:
        commit > 0
          ? pick(rng, ['两单在走合同流程', '大单预计月底签约', '保守估计', '续费单已确认'])
          : '本月无确定成交',
    });
    n++;
  }
  return n;
}

/**
 * Weekly snapshots for the last eight weeks through the snapshot job, each as of its date: the
 * deals are put back, inside one transaction, into the stage they were in then (from the stage
 * history; deals not created yet are hidden), the job runs, and today's state is restored — so
 * the accuracy chart compares what the system said then with what was won.
 */
async function takeWeeklySnapshots(tdb: TenantDb, clock: DemoClock): Promise<number> {
  const t = tdb.tenantId;
  let inserted = 0;
  for (let week = 8; week >= 0; week--) {
    const asOf = clock.day(-7 * week);
    const moment = iso(clock.at(clock.day(-7 * week + 1), 0));
    await tdb.transaction(async (tx) => {
      const saved = await tx.query(
        sql<{
          id: string;
          stage: string;
          closed_at: Date | null;
          deleted_at: Date | null;
          probability: string | null;
          forecast_category: string | null;
        }>`select id, stage, closed_at, deleted_at, probability::text, forecast_category from opportunity where tenant_id = ${t}`,
      );
      if (week > 0) {
        await tx.exec0(
          sql`update opportunity set deleted_at = ${moment}::timestamptz where tenant_id = ${t} and deleted_at is null and created_at >= ${moment}::timestamptz`,
        );
        await tx.exec0(sql`update opportunity o set stage = h.stage, probability = null, forecast_category = null,
            closed_at = case when st.type = 'active' then null else o.closed_at end
          from opportunity_stage_history h
          join sales_stage st on st.tenant_id = h.tenant_id and st.pipeline_id = h.pipeline_id and st.key = h.stage
          where o.tenant_id = ${t} and h.tenant_id = o.tenant_id and h.opportunity_id = o.id and o.deleted_at is null
            and h.entered_at < ${moment}::timestamptz and (h.left_at is null or h.left_at >= ${moment}::timestamptz)`);
      }
      const r = await forecastSnapshotJob.run({ tenantId: t, asOf, tdb: tx });
      inserted += Number(r.inserted ?? 0);
      if (week > 0)
        await tx.exec0(sql`update opportunity o set stage = v.stage, closed_at = v.closed_at, deleted_at = v.deleted_at,
            probability = v.probability::numeric, forecast_category = v.forecast_category
          from unnest(${saved.map((s) => s.id)}::uuid[], ${saved.map((s) => s.stage)}::text[],
                      ${saved.map((s) => s.closed_at)}::timestamptz[], ${saved.map((s) => s.deleted_at)}::timestamptz[],
                      ${saved.map((s) => s.probability)}::text[], ${saved.map((s) => s.forecast_category)}::text[])
            as v(id, stage, closed_at, deleted_at, probability, forecast_category)
          where o.tenant_id = ${t} and o.id = v.id`);
    });
  }
  return inserted;
}
