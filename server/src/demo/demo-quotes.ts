import { sql } from 'kysely';
import type { Platform } from '../platform/platform.ts';
import type { Actor } from '../platform/access/permissions.ts';
import { TenantDb } from '../platform/db/tenant-db.ts';
import { addDays } from '../platform/jobs/dates.rules.ts';
import { ContractsService, type QuotesService } from '../modules/cash/index.ts';
import { BIG_CONTRACT, backdateApproval, decideAsApprovers, type Decision } from './demo-approvals.ts';
import { DAY, DemoClock, iso } from './demo-clock.ts';

const HOUR = 3_600_000;
export const SELLER = '飞轮软件（杭州）有限公司';

/** Catalog ids by SKU (demo-cash.ts creates the products). */
export type SkuId = (sku: string) => string;

/** The last day of a one-year term starting on `start` (2026-03-01 → 2027-02-28). */
export function yearEnd(start: string): string {
  const [y, m, d] = start.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y + 1, m - 1, d) - 86_400_000).toISOString().slice(0, 10);
}

const PRO_PRICE = 240_000;
const IMPL_PRICE = 300_000;
const TRAIN_PRICE = 250_000;

/**
 * A new-business quote whose priced net is exactly `total` fen, so the order an accepted quote
 * becomes has the deal's amount to the fen: Professional seats at a line discount of at most
 * 30 % (two decimals), implementation days and 0–2 training days at list. Seats × ¥2,400 ×
 * (1 − bp/10⁴) = 24 × seats × (10⁴ − bp) fen is exact, so the seat line must take a multiple of
 * 24 fen; training days (¥2,500 ≡ 16 mod 24) fix the remainder. The fewest seats, i.e. the
 * smallest discount, win. null when no such split exists.
 */
export function exactNewBusiness(
  total: number,
): { seats: number; discountBp: number; implDays: number; trainDays: number } | null {
  const first = Math.max(2, Math.round((total * 0.2) / IMPL_PRICE));
  for (let implDays = first; implDays >= 2; implDays--)
    for (let trainDays = 0; trainDays <= 2; trainDays++) {
      const seatsAmount = total - implDays * IMPL_PRICE - trainDays * TRAIN_PRICE;
      if (seatsAmount <= 0 || seatsAmount % 24 !== 0) continue;
      const m = seatsAmount / 24;
      for (let seats = Math.max(5, Math.ceil(m / 10_000)); seats * 7_000 <= m; seats++)
        if (m % seats === 0) return { seats, discountBp: 10_000 - m / seats, implDays, trainDays };
    }
  return null;
}

interface WonDealForQuote {
  id: string;
  name: string;
  account_id: string;
  account_name: string;
  amount: number;
  closed_on: string;
}

/**
 * A won new-business deal that went the whole way through quote to cash: the owner's quote
 * (priced by the pricing service to exactly the deal's amount), its approval when the discount
 * asks for one, accepted — which creates the confirmed order and the draft contract in one
 * transaction — and the contract signed on the close date. null when the amount cannot be quoted
 * exactly (the caller books the order directly).
 */
export async function quoteToOrder(
  p: Platform,
  quotes: QuotesService,
  who: Actor,
  actorOf: (userId: string) => Promise<Actor>,
  id: SkuId,
  d: WonDealForQuote,
  start: string,
): Promise<{ orderId: string; quoteId: string; end: string } | null> {
  const fit = exactNewBusiness(d.amount);
  if (!fit) return null;
  const end = yearEnd(start);
  const lines: Array<Record<string, unknown>> = [
    {
      product_id: id('FW-CRM-PRO'),
      quantity: fit.seats,
      discount: fit.discountBp / 100,
      service_start: start,
      service_end: end,
    },
    {
      product_id: id('SV-IMPL'),
      quantity: fit.implDays,
      service_start: start,
      service_end: addDays(start, fit.implDays * 2),
    },
  ];
  if (fit.trainDays) lines.push({ product_id: id('SV-TRAIN'), quantity: fit.trainDays });
  const q = await quotes.create(who, {
    opportunity_id: d.id,
    lines,
    notes: '含首年订阅、实施与培训服务；报价含税（6%）另计。',
  });
  const quoteId = String(q.id);
  const net = (q.net_total as { amount: number }).amount;
  if (net !== d.amount) throw new Error(`demo quote for ${d.name}: net ${net} ≠ deal ${d.amount}`);
  const tdb = TenantDb.for(p.db, who.tenantId);
  const sub = await quotes.submit(who, quoteId, {});
  if (sub.approval_id)
    await decideAsApprovers(p, tdb, actorOf, sub.approval_id, [
      { decision: 'approve', comment: '价格在授权范围内，同意' },
      { decision: 'approve', comment: '同意' },
    ]);
  // accepted as approved: the customer signed the contract drawn from it (no PDF sent; rendering
  // one costs the demo most of a second)
  const accepted = await quotes.accept(who, quoteId, {
    create_contract: true,
    confirm_order: true,
    contract_name: `${d.account_name} ${d.closed_on.slice(0, 4)} 年订阅合同`,
    order_type: 'new',
    order_date: d.closed_on,
  });
  const contractId = String(accepted.contract_id);
  await p.records.update(who, 'contract', contractId, { party_a: d.account_name, party_b: SELLER });
  await new ContractsService(p).sign(who, contractId, { sign_date: d.closed_on });
  // quoted twelve days before the close, approved the same day, accepted on the close date
  const clock = new DemoClock(who.timeZone);
  const closed = clock.at(d.closed_on, 11);
  const opened = await tdb.one(sql<{ ms: string }>`select (extract(epoch from created_at) * 1000)::int8 as ms
    from opportunity where tenant_id = ${tdb.tenantId} and id = ${d.id}`);
  const created = Math.max(closed - 12 * DAY - 2 * HOUR, Number(opened?.ms ?? 0) + HOUR);
  await backdateQuote(tdb, quoteId, {
    created,
    submitted: created + HOUR,
    approvalGap: 3 * HOUR,
    accepted: closed,
  });
  return { orderId: String(accepted.order_id), quoteId, end };
}

interface QuoteTimes {
  created: number;
  submitted?: number;
  /** hours between approval decisions (from the submission on) */
  approvalGap?: number;
  sent?: number;
  accepted?: number;
  /** validity counted from the creation date (30 days, the quote settings' default) */
  validDays?: number;
}

/**
 * Moves a quote (and its approval and PDF) to when it happened: created, submitted, each
 * decision `approvalGap` apart, approved with the last, sent and accepted; valid for 30 days
 * from its creation date, as if the settings' default had been applied then.
 */
async function backdateQuote(tdb: TenantDb, quoteId: string, t: QuoteTimes): Promise<void> {
  const tz = await tdb.one(
    sql<{ tz: string }>`select time_zone as tz from tenant where id = ${tdb.tenantId}`,
  );
  const clock = new DemoClock(tz?.tz ?? 'Asia/Shanghai');
  const inst = await tdb.one(sql<{ id: string; decisions: number }>`select i.id,
      (select count(*)::int from approval_step s where s.tenant_id = i.tenant_id and s.instance_id = i.id
        and s.action in ('approve', 'reject', 'return')) as decisions
    from approval_instance i where i.tenant_id = ${tdb.tenantId} and i.object = 'quote' and i.record_id = ${quoteId}
    order by i.submitted_at desc limit 1`);
  const submitted = t.submitted ?? t.created;
  const gap = t.approvalGap ?? 3 * HOUR;
  if (inst) await backdateApproval(tdb, inst.id, submitted, gap);
  const decided = submitted + (inst?.decisions ?? 0) * gap;
  const last = Math.max(t.created, t.submitted ?? 0, t.sent ?? 0, t.accepted ?? 0, decided);
  await tdb.exec0(sql`update quote set created_at = ${iso(t.created)}::timestamptz, updated_at = ${iso(last)}::timestamptz,
      submitted_at = case when submitted_at is null then null else ${iso(submitted)}::timestamptz end,
      approved_at = case when approved_at is null then null else ${iso(decided)}::timestamptz end,
      sent_at = case when sent_at is null then null else ${iso(t.sent ?? decided)}::timestamptz end,
      accepted_at = case when accepted_at is null then null else ${iso(t.accepted ?? last)}::timestamptz end,
      valid_until = ${addDays(clock.dateOf(t.created), t.validDays ?? 30)}::date
    where tenant_id = ${tdb.tenantId} and id = ${quoteId}`);
  if (t.sent !== undefined)
    await tdb.exec0(sql`update quote_document set created_at = ${iso(t.sent)}::timestamptz
      where tenant_id = ${tdb.tenantId} and quote_id = ${quoteId}`);
}

interface OpenDeal {
  id: string;
  name: string;
  type: 'new' | 'upsell' | 'renewal';
  stage: string;
  amount: number;
  close_date: string;
  account_id: string;
  account_name: string;
  owner_id: string;
  owner_role: string;
  created_ms: number;
  /** the customer's current seats and when their term ends (upsells, renewals) */
  seats: number | null;
  term_end: string | null;
}

/** How a quote's story goes, and when it started (days before today). */
type Story =
  | 'draft'
  | 'bundle_draft'
  | 'auto_approved'
  | 'manager_approved'
  | 'two_step_approved'
  | 'admin_pending'
  | 'manager_pending'
  | 'rejected'
  | 'two_versions'
  | 'expired'
  | 'contract_pending'
  | 'contract_approved';

interface Plan {
  deal: OpenDeal;
  story: Story;
  /** header discount (percent) for new business; upsells and renewals derive theirs from the amount */
  discount: number;
  daysAgo: number;
}

const MANAGER_OK: Decision = { decision: 'approve', comment: '客户为行业标杆，折扣可以接受，同意' };
const DIRECTOR_OK: Decision = { decision: 'approve', comment: '战略客户，特批本次折扣' };
const MANAGER_UP: Decision = { decision: 'approve', comment: '同意，折扣超出本人权限，请总监审批' };
const MANAGER_NO: Decision = {
  decision: 'reject',
  comment: '折扣超出授权范围且毛利偏低，请与客户重新谈判，整单折扣控制在 25% 以内',
};
const FINANCE_OK: Decision = {
  decision: 'approve',
  comment: '付款条件（50% 预付、验收后付清）符合公司政策，同意签署',
};

/**
 * Quotes on ~17 open deals in late stages, priced by the quotes service (the pricing engine,
 * tax and margin included) and moved through the approvals engine as the people involved would:
 * drafts on deals still in the solution stage (one with the growth bundle) and a renewal being
 * confirmed; on deals in negotiation quotes approved — needing nobody, the sales manager, or the
 * manager and the director — and ready to send, one in its second version (v1 sent, v2 a bigger
 * discount, still a draft), one rejected by the manager with the reason, one expired (sent 45
 * days ago, the expiry job ran), two waiting for the director (the admin) and one for a manager;
 * and on the two deals of ¥500,000+ a sent quote and a contract: one approved by finance, one
 * waiting in the admin's inbox.
 */
export async function loadDemoQuotes(
  p: Platform,
  admin: Actor,
  quotes: QuotesService,
  actorOf: (userId: string) => Promise<Actor>,
  id: SkuId,
): Promise<Record<string, number>> {
  const t = admin.tenantId;
  const tdb = TenantDb.for(p.db, t);
  const clock = new DemoClock(admin.timeZone);
  const deals = await tdb.query(sql<
    Omit<OpenDeal, 'amount' | 'created_ms'> & { amount: string; created_ms: string }
  >`
    select o.id, o.name, coalesce(o.type, 'new') as type, o.stage, o.amount, to_char(o.close_date, 'YYYY-MM-DD') as close_date,
      o.account_id, a.name as account_name, o.owner_id, r.key as owner_role,
      (extract(epoch from o.created_at) * 1000)::int8 as created_ms, sub.quantity::float8 as seats, sub.term_end
    from opportunity o
    join sales_stage s on s.tenant_id = o.tenant_id and s.pipeline_id = o.pipeline_id and s.key = o.stage and s.type = 'active'
    join account a on a.tenant_id = o.tenant_id and a.id = o.account_id
    join app_user u on u.tenant_id = o.tenant_id and u.id = o.owner_id
    join role r on r.tenant_id = u.tenant_id and r.id = u.role_id
    left join lateral (select l.quantity, to_char(l.service_end, 'YYYY-MM-DD') as term_end
        from order_line l join sales_order so on so.tenant_id = l.tenant_id and so.id = l.order_id
        where l.tenant_id = o.tenant_id and so.account_id = o.account_id and so.status = 'confirmed'
          and l.product_id = ${id('FW-CRM-PRO')}
        order by l.service_end desc limit 1) sub on true
    where o.tenant_id = ${t} and o.deleted_at is null and o.amount > 0
      and o.stage in ('solution', 'negotiation', 'proposal', 'confirming', 'committed')
    order by o.amount desc, o.id`);
  const open: OpenDeal[] = deals.map((d) => ({
    ...d,
    amount: Number(d.amount),
    created_ms: Number(d.created_ms),
  }));
  const plans = planStories(open, clock);
  const contracts = new ContractsService(p);
  const counts = {
    quotes: 0,
    quote_versions: 0,
    approvals_pending: 0,
    approvals_decided: 0,
    draft_contracts: 0,
  };
  for (const plan of plans) {
    const who = await actorOf(plan.deal.owner_id);
    const r = await runStory(p, tdb, quotes, contracts, who, actorOf, id, clock, plan);
    counts.quotes++;
    counts.quote_versions += r.versions - 1;
    counts.approvals_pending += r.pending;
    counts.approvals_decided += r.decided;
    counts.draft_contracts += r.contract ? 1 : 0;
  }
  // the nightly expiry job: the quote sent 45 days ago lapsed two weeks ago
  const run = await p.jobs.run(t, 'cash.quotes_expire', clock.today, 'manual');
  const expired = Number((run.result as { expired?: number } | null)?.expired ?? 0);
  return { ...counts, quotes_expired: expired };
}

/** Which deal gets which story: the largest deals first, reps where a manager must approve. */
function planStories(open: OpenDeal[], clock: DemoClock): Plan[] {
  const used = new Set<string>();
  const take = (pred: (d: OpenDeal) => boolean): OpenDeal | undefined => {
    const d = open.find((x) => !used.has(x.id) && pred(x));
    if (d) used.add(d.id);
    return d;
  };
  const plans: Plan[] = [];
  const add = (deal: OpenDeal | undefined, story: Story, discount: number, daysAgo: number): void => {
    if (deal) plans.push({ deal, story, discount, daysAgo });
  };
  const negotiating = (d: OpenDeal): boolean => d.type === 'new' && d.stage === 'negotiation';
  const byRep = (d: OpenDeal): boolean => negotiating(d) && d.owner_role === 'sales_rep';
  add(
    take((d) => negotiating(d) && d.amount >= BIG_CONTRACT * 1.05),
    'contract_pending',
    18,
    9,
  );
  add(
    take((d) => negotiating(d) && d.amount >= BIG_CONTRACT * 1.05),
    'contract_approved',
    10,
    12,
  );
  // waiting for the director: one for two days (past the node's 24 h), one since yesterday
  add(take(byRep), 'admin_pending', 28, 3);
  add(take(byRep), 'admin_pending', 30, 2);
  add(take(byRep), 'rejected', 35, 6);
  add(take(byRep), 'two_step_approved', 27, 8);
  add(take(byRep), 'manager_approved', 18, 5);
  add(take(byRep), 'two_versions', 12, 10);
  add(take(byRep), 'manager_pending', 20, 1);
  // sent 45 days ago: a deal that was already open then
  add(
    take((d) => negotiating(d) && d.created_ms < clock.now - 50 * DAY),
    'expired',
    8,
    45,
  );
  add(take(negotiating), 'auto_approved', 5, 4);
  const renewal = (stage: string) => (d: OpenDeal) =>
    d.type === 'renewal' && d.stage === stage && d.seats !== null && d.term_end !== null;
  add(take(renewal('committed')), 'auto_approved', 0, 7);
  add(take(renewal('committed')), 'auto_approved', 0, 3);
  add(take(renewal('confirming')), 'draft', 0, 2);
  // an expansion whose price needs the manager (16–25 % off), else one that needs nobody
  const upsell = (lo: number, hi: number) => (d: OpenDeal) =>
    d.type === 'upsell' &&
    d.stage === 'negotiation' &&
    d.term_end !== null &&
    impliedDiscount(d) > lo &&
    impliedDiscount(d) <= hi;
  add(take(upsell(15, 25)) ?? take(upsell(-100, 15)), 'manager_approved', 0, 5);
  add(
    take((d) => d.type === 'new' && d.stage === 'solution'),
    'bundle_draft',
    10,
    3,
  );
  add(
    take((d) => d.type === 'new' && d.stage === 'solution'),
    'draft',
    8,
    1,
  );
  // oldest first, so quote numbers follow the order they were made in
  return plans.sort((a, b) => b.daysAgo - a.daysAgo);
}

/** Who decides what, node by node, in each story (the current approver decides). */
const DECISIONS: Record<Story, Decision[]> = {
  draft: [],
  bundle_draft: [],
  auto_approved: [],
  expired: [],
  two_versions: [],
  contract_approved: [],
  manager_approved: [MANAGER_OK],
  contract_pending: [MANAGER_OK],
  two_step_approved: [MANAGER_UP, DIRECTOR_OK],
  admin_pending: [MANAGER_UP],
  manager_pending: [],
  rejected: [MANAGER_NO],
};

/**
 * Stories whose quote goes to the customer once approved (sending renders and keeps the PDF, the
 * costly step of the demo; the others wait, approved, to be sent).
 */
const SENT = new Set<Story>(['two_versions', 'expired', 'contract_pending', 'contract_approved']);

const clamp = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v));
/** The seats an expansion deal is for ("…-增购 50 席位"). */
const upsellSeats = (d: OpenDeal): number =>
  Number(/(\d+)\s*席位/.exec(d.name)?.[1] ?? Math.max(5, Math.round(d.amount / 200_000)));
/** The discount off list (whole percent) that makes an expansion's seats cost its amount. */
const impliedDiscount = (d: OpenDeal): number =>
  Math.round((1 - d.amount / (upsellSeats(d) * PRO_PRICE)) * 100);

/** Lines and header discount for a deal: what the rep would quote for it, near its amount. */
function quoteBody(
  plan: Plan,
  id: SkuId,
  clock: DemoClock,
): { lines: Array<Record<string, unknown>>; header_discount: number; notes: string } {
  const d = plan.deal;
  const after = (date: string, days: number): string =>
    addDays(date > clock.today ? date : clock.today, days);
  if (d.type === 'renewal' && d.seats !== null && d.term_end !== null) {
    // the seats for the next year from the day after the current term, more where the customer grew
    const start = addDays(d.term_end, 1);
    const seats = Math.max(d.seats, Math.round(d.amount / PRO_PRICE / 5) * 5);
    const discount = clamp(Math.round((1 - d.amount / (seats * PRO_PRICE)) * 100), 0, 12);
    return {
      lines: [
        {
          product_id: id('FW-CRM-PRO'),
          quantity: seats,
          discount,
          service_start: start,
          service_end: yearEnd(start),
        },
      ],
      header_discount: 0,
      notes:
        seats > d.seats
          ? `续费现有 ${d.seats} 个席位，并增加 ${seats - d.seats} 个席位；续签三年可另享 5% 折扣。`
          : '续费期间价格锁定；续签三年可另享 5% 折扣。',
    };
  }
  if (d.type === 'upsell' && d.term_end !== null) {
    // extra seats to the end of the running term (co-terminous)
    const seats = upsellSeats(d);
    const start = after(d.close_date, 1);
    const end = d.term_end > addDays(start, 30) ? d.term_end : yearEnd(start);
    const discount = clamp(impliedDiscount(d), 0, 25);
    return {
      lines: [
        { product_id: id('FW-CRM-PRO'), quantity: seats, discount, service_start: start, service_end: end },
      ],
      header_discount: 0,
      notes: '增购席位与现有订阅同时到期。',
    };
  }
  // new business: seats for a year from a week after the close, implementation days, and for
  // large deals the BI module and training; seats chosen so the discounted total is near the amount
  const start = after(d.close_date, 7);
  const end = yearEnd(start);
  const implDays = clamp(Math.round((d.amount * 0.15) / IMPL_PRICE), 3, 40);
  const big = d.amount >= 40_000_000;
  const extras = big ? 2_000_000 + 3 * TRAIN_PRICE : 0;
  const listBudget = d.amount / (1 - plan.discount / 100) - implDays * IMPL_PRICE - extras;
  const period = { service_start: start, service_end: end };
  if (plan.story === 'bundle_draft') {
    // the growth bundle (20 seats + BI, implementation included) and the seats beyond it
    const more = Math.max(5, Math.round((listBudget - 2_000_000 - 20 * PRO_PRICE) / PRO_PRICE / 5) * 5);
    return {
      lines: [
        { product_id: id('PK-GROWTH'), quantity: 1, options: [id('SV-IMPL')], ...period },
        { product_id: id('FW-CRM-PRO'), quantity: more, ...period },
        { product_id: id('SV-IMPL'), quantity: Math.max(2, implDays - 5) },
      ],
      header_discount: plan.discount,
      notes: '推荐专业版成长套装：含 20 个专业版席位、BI 模块与 5 人天实施。',
    };
  }
  const seats = Math.max(10, Math.round(listBudget / PRO_PRICE / 5) * 5);
  const lines: Array<Record<string, unknown>> = [
    { product_id: id('FW-CRM-PRO'), quantity: seats, ...period },
    { product_id: id('SV-IMPL'), quantity: implDays },
  ];
  if (big)
    lines.push(
      { product_id: id('FW-BI'), quantity: 1, ...period },
      { product_id: id('SV-TRAIN'), quantity: 3 },
    );
  return {
    lines,
    header_discount: plan.discount,
    notes: '报价有效期 30 天；付款方式：合同签订后预付 50%，上线验收后付清。',
  };
}

/** Runs one deal's story through the quotes, approvals and contracts services, then dates it. */
async function runStory(
  p: Platform,
  tdb: TenantDb,
  quotes: QuotesService,
  contracts: ContractsService,
  who: Actor,
  actorOf: (userId: string) => Promise<Actor>,
  id: SkuId,
  clock: DemoClock,
  plan: Plan,
): Promise<{ versions: number; pending: number; decided: number; contract: boolean }> {
  const d = plan.deal;
  const body = quoteBody(plan, id, clock);
  const q = await quotes.create(who, { opportunity_id: d.id, ...body });
  const quoteId = String(q.id);
  let decided = 0;
  let pending = 0;
  if (plan.story !== 'draft' && plan.story !== 'bundle_draft') {
    const sub = await quotes.submit(who, quoteId, {});
    if (sub.approval_id)
      decided += await decideAsApprovers(p, tdb, actorOf, sub.approval_id, DECISIONS[plan.story]);
  }
  const row = await tdb.one(sql<{ status: string }>`select status from quote
    where tenant_id = ${tdb.tenantId} and id = ${quoteId}`);
  if (row?.status === 'in_approval') pending++;
  const sending = row?.status === 'approved' && SENT.has(plan.story);
  if (sending) await quotes.send(who, quoteId, {});
  // times: created mid-morning `daysAgo` days back (not before the deal), submitted an hour
  // later, decisions 4 h apart — a day apart for those still waiting — sent after the approval
  const gap = plan.story === 'admin_pending' || plan.story === 'manager_pending' ? 23 * HOUR : 4 * HOUR;
  const created = Math.min(
    Math.max(clock.at(clock.day(-plan.daysAgo), 9, 30 + ((d.amount / 100) % 60)), d.created_ms + HOUR),
    clock.now - 3 * HOUR,
  );
  const sent = sending ? created + HOUR + decided * gap + 90 * 60_000 : undefined;
  await backdateQuote(tdb, quoteId, {
    created,
    submitted: created + HOUR,
    approvalGap: gap,
    ...(sent !== undefined ? { sent } : {}),
  });
  let versions = 1;
  if (plan.story === 'two_versions') {
    // the customer asked for more: version 2 with an extra 8 % off the whole quote, not yet submitted
    const v2 = await quotes.newVersion(who, quoteId, {});
    const lines = (await quotes.linesOf(tdb, quoteId))
      .filter((l) => l.parent_line_id === null)
      .map((l) => ({
        product_id: l.product_id,
        quantity: l.quantity,
        discount: l.discount,
        ...(l.service_start ? { service_start: l.service_start, service_end: l.service_end } : {}),
      }));
    await quotes.replaceLines(who, String(v2.id), { lines, header_discount: plan.discount + 8 });
    await backdateQuote(tdb, String(v2.id), {
      created: Math.min(clock.now - 3 * HOUR, (sent ?? created) + 3 * DAY),
    });
    versions = 2;
  }
  let contract = false;
  if (plan.story === 'contract_pending' || plan.story === 'contract_approved') {
    const net = (q.net_total as { amount: number }).amount;
    const start = q.lines.find((l) => l.service_start)?.service_start ?? addDays(d.close_date, 7);
    const c = await p.records.create(who, 'contract', {
      name: `${d.account_name} ${start.slice(0, 4)} 年订阅合同`,
      account_id: d.account_id,
      opportunity_id: d.id,
      party_a: d.account_name,
      party_b: SELLER,
      start_date: start,
      end_date: yearEnd(start),
      amount: { amount: net, currency: 'CNY' },
    });
    const contractId = String(c.id);
    await contracts.submit(who, contractId);
    const inst = await tdb.one(sql<{ id: string }>`select id from approval_instance
      where tenant_id = ${tdb.tenantId} and object = 'contract' and record_id = ${contractId}`);
    if (inst && plan.story === 'contract_approved')
      decided += await decideAsApprovers(p, tdb, actorOf, inst.id, [FINANCE_OK]);
    else if (inst) pending++;
    // drafted two days after the quote went out (the waiting one only yesterday), submitted
    // that afternoon, decided the next morning
    const after = (sent ?? created) + 2 * DAY;
    const drafted = Math.min(
      plan.story === 'contract_pending' ? Math.max(after, clock.at(clock.day(-1), 14)) : after,
      clock.now - 6 * HOUR,
    );
    const submitted = drafted + 3 * HOUR;
    const gapMs = Math.min(18 * HOUR, Math.max(HOUR, (clock.now - submitted) / 2));
    if (inst) await backdateApproval(tdb, inst.id, submitted, gapMs);
    await tdb.exec0(sql`update contract set created_at = ${iso(drafted)}::timestamptz
      where tenant_id = ${tdb.tenantId} and id = ${contractId}`);
    contract = true;
  }
  return { versions, pending, decided, contract };
}
