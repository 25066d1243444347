import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BuiltApp } from '../src/app.ts';
import { loadDemoData } from '../src/demo/demo-loader.ts';
import { sql } from 'kysely';
import { TenantDb } from '../src/platform/db/tenant-db.ts';
import { json, login, newTenant, testApp, type Client } from './harness.ts';

type Rec = Record<string, unknown> & { id: string };

let built: BuiltApp;
let admin: Client;
let summary: Record<string, number | string>;
let slug: string;
let loadMs = 0;
let tdb: TenantDb;

beforeAll(async () => {
  built = await testApp();
  const t = await newTenant(built);
  slug = t.slug;
  const started = Date.now();
  summary = await loadDemoData(built.platform, t.tenantId);
  loadMs = Date.now() - started;
  admin = await login(built.app, t.adminEmail);
  tdb = TenantDb.for(built.platform.db, t.tenantId);
}, 120_000);
afterAll(async () => built.close());

describe('demo data', () => {
  it('gives the leads a consistent past: spread dates, conversions, invalid reasons, claims, recycling', async () => {
    expect(summary).toMatchObject({ accounts: 200, campaigns: 5, lead_pools: 2 });
    for (const k of ['converted', 'invalid', 'claimed', 'members', 'flagged'])
      expect(Number(summary[k]), k).toBeGreaterThan(0);
    const leads = json<{ data: Rec[] }>(
      await admin.get('/api/v1/objects/lead?limit=200&fields=status,created_at,converted_account_id,source'),
    ).data;
    const days = new Set(leads.map((l) => String(l.created_at).slice(0, 10)));
    expect(days.size).toBeGreaterThan(20);
    const converted = leads.filter((l) => l.status === 'converted');
    expect(converted.length).toBe(summary.converted);
    expect(converted.every((l) => typeof l.converted_account_id === 'string')).toBe(true);
    // the analytics over the last 90 days add up with the records
    const to = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
    const from = new Date(Date.parse(`${to}T00:00:00Z`) - 95 * 86_400_000).toISOString().slice(0, 10);
    const a = json<{ data: { funnel: { captured: number; converted: number; invalid: number } } }>(
      await admin.get(`/api/v1/leads/analytics?from=${from}&to=${to}&granularity=week`),
    ).data;
    expect(a.funnel.captured).toBe(leads.length);
    expect(a.funnel.converted).toBe(converted.length);
    expect(a.funnel.invalid).toBe(leads.filter((l) => l.status === 'invalid').length);
    // an account made from a lead carries its source
    const acc = json<{ data: Rec }>(
      await admin.get(`/api/v1/objects/account/${String(converted[0]?.converted_account_id)}`),
    ).data;
    expect(acc.source).toBe(converted[0]?.source);
    expect(
      json<{ data: unknown[] }>(await admin.get('/api/v1/leads/duplicates/review')).data.length,
    ).toBeGreaterThan(0);
  });
});

describe('demo pools for reps', () => {
  it('lets a pool member see the pool and its unassigned leads, and claim one', async () => {
    const rep = await login(built.app, 'rep12@flywheel.local', 'Flywheel-Demo-2026', slug);
    const pools = json<{ data: Rec[] }>(await rep.get('/api/v1/objects/lead_pool')).data;
    const east = pools.find((p) => p.name === '华东线索池');
    expect(east).toBeDefined();
    const waiting = json<{ data: Rec[] }>(
      await rep.get(`/api/v1/objects/lead?filter[pool_id][eq]=${east?.id}&filter[status][eq]=unassigned`),
    ).data;
    expect(waiting.length).toBeGreaterThan(0);
  });
});

const today = (): string =>
  new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());

describe('demo sales data (issue 5)', () => {
  it('loads in reasonable time and reports what it made', () => {
    console.log(`demo load: ${loadMs} ms`, summary);
    expect(loadMs).toBeLessThan(60_000);
    for (const k of [
      'account_pools',
      'pooled_accounts',
      'opportunities',
      'won',
      'lost',
      'activities',
      'tasks',
      'targets',
      'forecast_submissions',
      'forecast_snapshots',
      'products',
      'contracts',
      'orders',
      'payment_plans',
      'payments',
      'invoices',
      'overdue_instalments',
    ])
      expect(Number(summary[k]), k).toBeGreaterThan(0);
    expect(Number(summary.activities)).toBeGreaterThanOrEqual(1_400);
  });

  it('keeps deals, accounts and history consistent', async () => {
    const t = tdb.tenantId;
    // every won deal's account is won, won_at = the close of its first won deal
    const badWon = await tdb.query(sql`select o.id from opportunity o
      join sales_stage s on s.tenant_id = o.tenant_id and s.pipeline_id = o.pipeline_id and s.key = o.stage and s.type = 'won'
      join account a on a.tenant_id = o.tenant_id and a.id = o.account_id
      where o.tenant_id = ${t} and (a.state <> 'won' or a.type <> 'customer' or a.won_at is null or a.won_at > o.closed_at
        or a.won_at <> (select min(o2.closed_at) from opportunity o2 join sales_stage s2 on s2.tenant_id = o2.tenant_id
              and s2.pipeline_id = o2.pipeline_id and s2.key = o2.stage and s2.type = 'won'
            where o2.tenant_id = o.tenant_id and o2.account_id = o.account_id))`);
    expect(badWon, 'badWon').toEqual([]);
    // only accounts with a won deal are customers
    const fakeCustomers = await tdb.query(
      sql`select id from account where tenant_id = ${t} and (type = 'customer') <> (won_at is not null)`,
    );
    expect(fakeCustomers, 'fakeCustomers').toEqual([]);
    // every new-business deal that got past "solution" has a demo, logged before it left solution
    const noDemo = await tdb.query(sql`select h.opportunity_id from opportunity_stage_history h
      join sales_pipeline p on p.tenant_id = h.tenant_id and p.id = h.pipeline_id and p.type = 'new'
      where h.tenant_id = ${t} and h.stage = 'solution' and h.left_at is not null
        and not exists (select 1 from activity a where a.tenant_id = h.tenant_id and a.opportunity_id = h.opportunity_id
                          and a.type = 'demo' and a.occurred_at between h.entered_at and h.left_at)`);
    expect(noDemo, 'noDemo').toEqual([]);
    // stage history contiguous: starts at creation, each stay ends when the next begins, the last is open
    const gaps = await tdb.query(sql`select o.id from opportunity o where o.tenant_id = ${t} and (
        (select min(entered_at) from opportunity_stage_history h where h.tenant_id = o.tenant_id and h.opportunity_id = o.id) <> o.created_at
        or (select count(*) from opportunity_stage_history h where h.tenant_id = o.tenant_id and h.opportunity_id = o.id and h.left_at is null) <> 1
        or (select stage from opportunity_stage_history h where h.tenant_id = o.tenant_id and h.opportunity_id = o.id and h.left_at is null) <> o.stage
        or (select entered_at from opportunity_stage_history h where h.tenant_id = o.tenant_id and h.opportunity_id = o.id and h.left_at is null) <> o.stage_entered_at
        or exists (select 1 from opportunity_stage_history h where h.tenant_id = o.tenant_id and h.opportunity_id = o.id and h.left_at is not null
            and (h.left_at <= h.entered_at or not exists (select 1 from opportunity_stage_history n where n.tenant_id = h.tenant_id
                   and n.opportunity_id = h.opportunity_id and n.entered_at = h.left_at))))`);
    expect(gaps, 'gaps').toEqual([]);
    // closed deals closed when they entered the closed stage; open ones are not closed
    const badClose =
      await tdb.query(sql`select o.id from opportunity o join sales_stage s on s.tenant_id = o.tenant_id
        and s.pipeline_id = o.pipeline_id and s.key = o.stage
      where o.tenant_id = ${t} and ((s.type = 'active') <> (o.closed_at is null) or (s.type <> 'active' and o.closed_at <> o.stage_entered_at)
        or (s.type in ('lost', 'invalid') and o.close_reason is null))`);
    expect(badClose, 'badClose').toEqual([]);
    // follow-up dates are the latest past activity; nothing happens before the account existed
    const badFollow =
      await tdb.query(sql`select a.id from account a where a.tenant_id = ${t} and a.last_followed_at is distinct from
        (select max(occurred_at) from activity x where x.tenant_id = a.tenant_id and x.account_id = a.id and x.occurred_at <= now())`);
    expect(badFollow, 'badFollow').toEqual([]);
    const early =
      await tdb.query(sql`select o.id from opportunity o join account a on a.tenant_id = o.tenant_id and a.id = o.account_id
      where o.tenant_id = ${t} and o.created_at < a.created_at`);
    expect(early, 'early').toEqual([]);
    // won deals spread over the last six months; open close dates mostly ahead, some overdue
    const won = await tdb.query(sql<{
      m: string;
    }>`select distinct to_char(closed_at at time zone 'Asia/Shanghai', 'YYYY-MM') as m
      from opportunity o join sales_stage s on s.tenant_id = o.tenant_id and s.pipeline_id = o.pipeline_id and s.key = o.stage and s.type = 'won'
      where o.tenant_id = ${t} and o.closed_at > now() - interval '183 days'`);
    expect(won.length).toBeGreaterThanOrEqual(6);
    const open = await tdb.one(sql<{ ahead: number; overdue: number; over_max: number }>`select
        count(*) filter (where o.close_date >= ${today()}::date)::int8 as ahead,
        count(*) filter (where o.close_date < ${today()}::date)::int8 as overdue,
        count(*) filter (where s.max_days is not null and o.stage_entered_at < now() - s.max_days * interval '1 day')::int8 as over_max
      from opportunity o join sales_stage s on s.tenant_id = o.tenant_id and s.pipeline_id = o.pipeline_id and s.key = o.stage and s.type = 'active'
      where o.tenant_id = ${t}`);
    expect(open?.ahead).toBeGreaterThan(Number(open?.overdue) * 3);
    expect(open?.overdue).toBeGreaterThan(0);
    expect(open?.over_max).toBeGreaterThan(0);
  });

  it('fills the pipeline board, funnel, forecast, targets and alerts', async () => {
    const board = json<{ data: { columns: Array<{ key: string; count: number }> } }>(
      await admin.get('/api/v1/sales/kanban'),
    ).data;
    expect(board.columns.length).toBeGreaterThan(4);
    for (const c of board.columns) expect(c.count, c.key).toBeGreaterThan(0);
    const forecast = json<{ data: { totals: Array<{ forecast: { commit: { amount: number } | number } }> } }>(
      await admin.get('/api/v1/sales/forecast?period=month'),
    ).data;
    const commit = forecast.totals[0]?.forecast.commit;
    expect(typeof commit === 'number' ? commit : Number(commit?.amount)).toBeGreaterThan(0);
    const year = today().slice(0, 4);
    const targets = json<{
      data: Array<{ user_id: string | null; department_id: string | null; period_start: string }>;
    }>(await admin.get(`/api/v1/sales/targets?year=${year}`)).data;
    const months = new Set(targets.map((x) => String(x.period_start).slice(0, 7)));
    expect(months.size).toBe(12);
    expect(targets.some((x) => x.department_id)).toBe(true);
    const accuracy = json<{ data: { rows: Array<{ kind: string }> } }>(
      await admin.get(
        `/api/v1/sales/forecast/accuracy?period=month&start=${new Date(Date.parse(`${today().slice(0, 7)}-01T00:00:00Z`) - 86_400_000).toISOString().slice(0, 7)}-01`,
      ),
    ).data;
    expect(accuracy.rows.filter((r) => r.kind === 'snapshot').length).toBeGreaterThan(0);
    const funnel = json<{ data: { win_rate: { rate: number | null }; average_cycle_days: number | null } }>(
      await admin.get(
        `/api/v1/sales/funnel?from=${new Date(Date.now() - 200 * 86_400_000).toISOString().slice(0, 10)}&to=${today()}`,
      ),
    ).data;
    expect(funnel.win_rate.rate).toBeGreaterThan(0);
    expect(funnel.average_cycle_days).toBeGreaterThan(0);
    const alerts = await tdb.one(
      sql<{
        n: number;
      }>`select count(*)::int8 as n from notification where tenant_id = ${tdb.tenantId} and kind like 'opportunity.%'`,
    );
    expect(alerts?.n).toBeGreaterThan(0);
  });

  it('gives rep11 a full day and the east pool waiting accounts', async () => {
    const rep = await login(built.app, 'rep11@flywheel.local', 'Flywheel-Demo-2026', slug);
    const day = json<{
      data: {
        tasks_due: { count: number };
        tasks_overdue: { count: number };
        upcoming_meetings: { count: number };
      };
    }>(await rep.get('/api/v1/activities/my-day')).data;
    expect(day.tasks_due.count).toBeGreaterThan(0);
    expect(day.tasks_overdue.count).toBeGreaterThan(0);
    expect(day.upcoming_meetings.count).toBeGreaterThan(0);
    const pools = json<{ data: Rec[] }>(await rep.get('/api/v1/objects/account_pool')).data;
    const east = pools.find((p) => p.name === '华东公海');
    expect(east).toBeDefined();
    const waiting = json<{ data: Rec[] }>(
      await rep.get(`/api/v1/objects/account?filter[pool_id][eq]=${String(east?.id)}&filter[state][eq]=pool`),
    ).data;
    expect(waiting.length).toBeGreaterThan(5);
    // the reasons are in the accounts' history, some returned within the cool-down
    const events = await tdb.query(sql<{
      reason: string;
      recent: boolean;
    }>`select reason, at > now() - interval '7 days' as recent
      from account_event where tenant_id = ${tdb.tenantId} and kind = 'returned'`);
    expect(events.every((e) => e.reason)).toBe(true);
    expect(events.some((e) => e.recent)).toBe(true);
    // org charts: someone reports to a decision maker on the top accounts
    const org = await tdb.one(sql<{
      n: number;
    }>`select count(*)::int8 as n from contact c join contact b on b.tenant_id = c.tenant_id
      and b.id = c.reports_to where c.tenant_id = ${tdb.tenantId} and b.role = 'decision_maker'`);
    expect(org?.n).toBeGreaterThan(30);
  });

  it('books a signed contract and a confirmed order for every won deal, with consistent periods', async () => {
    const won = Number(summary.won);
    expect(Number(summary.orders)).toBe(won);
    const rows = await tdb.query(sql<{
      type: string;
      order_date: string;
      amount: string;
      lines_total: string;
      opp_amount: string;
      closed_on: string;
      contract_status: string;
      sub_lines: string;
      bad_periods: string;
      confirmed: boolean;
    }>`select o.type, to_char(o.order_date, 'YYYY-MM-DD') as order_date, o.amount,
        (select sum(amount) from order_line l where l.tenant_id = o.tenant_id and l.order_id = o.id) as lines_total,
        op.amount as opp_amount, to_char(op.closed_at at time zone 'Asia/Shanghai', 'YYYY-MM-DD') as closed_on,
        c.status as contract_status,
        (select count(*) from order_line l where l.tenant_id = o.tenant_id and l.order_id = o.id and l.product_type = 'subscription') as sub_lines,
        (select count(*) from order_line l where l.tenant_id = o.tenant_id and l.order_id = o.id and l.service_end < l.service_start) as bad_periods,
        o.status = 'confirmed' as confirmed
      from sales_order o join opportunity op on op.tenant_id = o.tenant_id and op.id = o.opportunity_id
      join contract c on c.tenant_id = o.tenant_id and c.id = o.contract_id
      where o.tenant_id = ${tdb.tenantId}`);
    expect(rows).toHaveLength(won);
    for (const r of rows) {
      expect(r.confirmed).toBe(true);
      expect(r.amount).toBe(r.lines_total);
      expect(r.amount).toBe(r.opp_amount);
      expect(r.order_date).toBe(r.closed_on);
      expect(r.contract_status).toBe('signed');
      expect(Number(r.sub_lines)).toBe(1);
      expect(Number(r.bad_periods)).toBe(0);
    }
    expect(new Set(rows.map((r) => r.type))).toEqual(new Set(['new', 'expansion', 'renewal']));
    // each confirmed order was announced (the subscriptions module books ARR from these)
    const events = await tdb.one(
      sql<{
        n: string;
      }>`select count(*) as n from outbox_event where tenant_id = ${tdb.tenantId} and type = 'order.confirmed'`,
    );
    // … and so was each order of the installed base (demo-subscriptions.ts)
    expect(Number(events?.n)).toBe(won + Number(summary.subscription_orders));
    const products = json<{ data: Rec[] }>(await admin.get('/api/v1/objects/product?limit=50')).data;
    expect(products.map((x) => x.sku)).toEqual(
      expect.arrayContaining(['FW-CRM-PRO', 'SV-IMPL', 'PK-GROWTH']),
    );
  });

  it('keeps receivables consistent: plans sum to their orders, paid amounts to allocations, aging shows overdue', async () => {
    const bad = await tdb.one(sql<{ plans: number; paid: number; pay: number }>`select
      (select count(*) from payment_plan pp join sales_order o on o.tenant_id = pp.tenant_id and o.id = pp.order_id
        where pp.tenant_id = ${tdb.tenantId} and (pp.amount <> o.amount
          or pp.amount <> (select sum(amount) from payment_instalment i where i.tenant_id = pp.tenant_id and i.plan_id = pp.id))) as plans,
      (select count(*) from payment_instalment i where i.tenant_id = ${tdb.tenantId} and i.paid_amount <>
        coalesce((select sum(a.amount) from payment_allocation a where a.tenant_id = i.tenant_id and a.instalment_id = i.id), 0)) as paid,
      (select count(*) from payment p where p.tenant_id = ${tdb.tenantId} and p.received_date >= current_date + 1) as pay`);
    expect(bad).toEqual({ plans: 0, paid: 0, pay: 0 });
    const aging = json<{ data: Record<string, unknown> }>(await admin.get('/api/v1/receivables/aging'));
    expect(JSON.stringify(aging.data)).toMatch(/\d/);
    const digest = await admin.get('/api/v1/cash/digest/subscription');
    expect(json<{ data: { subscribed: boolean } }>(digest).data.subscribed).toBe(true);
  });
});

describe('demo quote to cash: quotes, approvals, commissions', () => {
  const month = (back: number): string => {
    const [y, m] = today().split('-').map(Number) as [number, number];
    return new Date(Date.UTC(y, m - 1 - back, 1)).toISOString().slice(0, 7);
  };

  it('prices quotes with the real pricing code, in every status, on late-stage deals', async () => {
    for (const k of ['accepted_quotes', 'quotes', 'quote_versions', 'quotes_expired', 'draft_contracts'])
      expect(Number(summary[k]), k).toBeGreaterThan(0);
    const quotes = await tdb.query(sql<{
      id: string;
      number: string;
      quote_version: number;
      status: string;
      header_discount: string;
      account_id: string;
      net_total: string;
      tax_total: string;
      grand_total: string;
      effective_discount: string;
      lines_net: string;
      lines_tax: string;
      stage: string;
      stage_type: string;
      valid_until: string;
      early: boolean;
      future: boolean;
    }>`select q.id, q.number, q.quote_version, q.status, q.header_discount, q.account_id, q.net_total, q.tax_total,
        q.grand_total, q.effective_discount,
        (select sum(net_amount) from quote_line l where l.tenant_id = q.tenant_id and l.quote_id = q.id) as lines_net,
        (select sum(tax) from quote_line l where l.tenant_id = q.tenant_id and l.quote_id = q.id) as lines_tax,
        o.stage, s.type as stage_type, to_char(q.valid_until, 'YYYY-MM-DD') as valid_until,
        q.created_at < o.created_at as early,
        greatest(q.created_at, q.submitted_at, q.approved_at, q.sent_at, q.accepted_at) > now() as future
      from quote q join opportunity o on o.tenant_id = q.tenant_id and o.id = q.opportunity_id
      join sales_stage s on s.tenant_id = o.tenant_id and s.pipeline_id = o.pipeline_id and s.key = o.stage
      where q.tenant_id = ${tdb.tenantId}`);
    expect(new Set(quotes.map((q) => q.status))).toEqual(
      new Set(['draft', 'in_approval', 'approved', 'rejected', 'sent', 'accepted', 'expired', 'superseded']),
    );
    for (const q of quotes) {
      expect(q.net_total, q.number).toBe(q.lines_net);
      expect(q.tax_total, q.number).toBe(q.lines_tax);
      expect(Number(q.grand_total), q.number).toBe(Number(q.net_total) + Number(q.tax_total));
      expect(q.early || q.future, q.number).toBe(false);
      // accepted quotes are on won deals, every other on an open deal in a late stage
      if (q.status === 'accepted') expect(q.stage_type).toBe('won');
      else expect(['solution', 'negotiation', 'proposal', 'confirming', 'committed']).toContain(q.stage);
      if (q.status === 'expired') expect(q.valid_until < today()).toBe(true);
      if (['draft', 'in_approval', 'approved', 'sent'].includes(q.status))
        expect(q.valid_until >= today(), q.number).toBe(true);
    }
    // the pricing trial gives a sent quote's figures again from its lines
    const sent = quotes.find((q) => q.status === 'sent');
    const lines = await tdb.query(sql<{
      product_id: string;
      quantity: number;
      discount: number;
      service_start: string | null;
      service_end: string | null;
    }>`select product_id, quantity::float8 as quantity, discount::float8 as discount,
        to_char(service_start, 'YYYY-MM-DD') as service_start, to_char(service_end, 'YYYY-MM-DD') as service_end
      from quote_line where tenant_id = ${tdb.tenantId} and quote_id = ${String(sent?.id)} and parent_line_id is null
      order by position`);
    const trial = json<{ data: { totals: { net_total: number; grand_total: number } } }>(
      await admin.post('/api/v1/pricing/calculate', {
        account_id: sent?.account_id,
        header_discount: Number(sent?.header_discount),
        lines: lines.map((l) => ({
          product_id: l.product_id,
          quantity: l.quantity,
          discount: l.discount,
          ...(l.service_start ? { service_start: l.service_start, service_end: l.service_end } : {}),
        })),
      }),
    ).data;
    expect(trial.totals.net_total).toBe(Number(sent?.net_total));
    expect(trial.totals.grand_total).toBe(Number(sent?.grand_total));
    // one quote in two versions: v1 was sent, v2 is a draft with a bigger discount
    const v2 = quotes.find((q) => q.quote_version === 2);
    const v1 = quotes.find((q) => q.number === v2?.number && q.quote_version === 1);
    expect(v1?.status).toBe('superseded');
    expect(v2?.status).toBe('draft');
    expect(Number(v2?.effective_discount)).toBeGreaterThan(Number(v1?.effective_discount));
    // accepted quotes became the orders of their won deals, to the fen
    const accepted = await tdb.query(sql<{ ok: boolean }>`select q.order_id = o.id and o.quote_id = q.id
        and o.amount = q.net_total and o.amount = op.amount and o.status = 'confirmed' and c.status = 'signed' as ok
      from quote q join sales_order o on o.tenant_id = q.tenant_id and o.id = q.order_id
      join opportunity op on op.tenant_id = q.tenant_id and op.id = q.opportunity_id
      join contract c on c.tenant_id = q.tenant_id and c.id = q.contract_id
      where q.tenant_id = ${tdb.tenantId} and q.status = 'accepted'`);
    expect(accepted.length).toBe(Number(summary.accepted_quotes));
    expect(accepted.every((a) => a.ok)).toBe(true);
  });

  it("leaves approvals waiting in the admin's inbox and decided ones with their history", async () => {
    const inbox = json<{ data: Array<{ object: string; record_title: string | null }> }>(
      await admin.get('/api/v1/approvals/inbox'),
    ).data;
    expect(inbox.length).toBeGreaterThanOrEqual(2);
    expect(inbox.length).toBeLessThanOrEqual(4);
    expect(new Set(inbox.map((i) => i.object))).toEqual(new Set(['quote', 'contract']));
    const instances = await tdb.query(sql<{
      object: string;
      status: string;
      record_status: string | null;
      decisions: number;
      comments: number;
      ordered: boolean;
    }>`select i.object, i.status,
        case when i.object = 'quote' then (select status from quote q where q.tenant_id = i.tenant_id and q.id = i.record_id)
          else (select approval_status from contract c where c.tenant_id = i.tenant_id and c.id = i.record_id) end as record_status,
        (select count(*)::int from approval_task k where k.tenant_id = i.tenant_id and k.instance_id = i.id
          and k.status in ('approved', 'rejected')) as decisions,
        (select count(*)::int from approval_task k where k.tenant_id = i.tenant_id and k.instance_id = i.id
          and k.comment is not null) as comments,
        i.submitted_at < coalesce(i.completed_at, now()) and not exists (select 1 from approval_step s
          where s.tenant_id = i.tenant_id and s.instance_id = i.id and (s.at < i.submitted_at or s.at > now())) as ordered
      from approval_instance i where i.tenant_id = ${tdb.tenantId}`);
    expect(instances.every((i) => i.ordered)).toBe(true);
    const quoteStatus: Record<string, string[]> = {
      pending: ['in_approval'],
      approved: ['approved', 'sent', 'accepted', 'expired', 'superseded'],
      rejected: ['rejected'],
    };
    for (const i of instances.filter((x) => x.object === 'quote'))
      expect(quoteStatus[i.status]).toContain(i.record_status);
    for (const i of instances.filter((x) => x.object === 'contract'))
      expect(i.record_status).toBe(i.status === 'pending' ? 'pending' : 'approved');
    expect(instances.some((i) => i.status === 'rejected' && i.comments > 0)).toBe(true);
    expect(instances.some((i) => i.status === 'approved' && i.decisions >= 2)).toBe(true);
    expect(instances.some((i) => i.object === 'contract' && i.status === 'approved' && i.comments > 0)).toBe(
      true,
    );
    // a sales manager has one waiting too
    const managerTasks = await tdb.one(sql<{ n: number }>`select count(*)::int as n from approval_task k
      join app_user u on u.tenant_id = k.tenant_id and u.id = k.approver_id
      join role r on r.tenant_id = u.tenant_id and r.id = u.role_id
      where k.tenant_id = ${tdb.tenantId} and k.status = 'pending' and r.key = 'sales_manager'`);
    expect(managerTasks?.n).toBeGreaterThan(0);
  });

  it('splits orders, books credit in the month the money came, and closes the last months', async () => {
    expect(Number(summary.split_orders)).toBeGreaterThan(0);
    const splits = await tdb.query(sql<{ order_id: string; revenue: string; overlays: number }>`
      select order_id, sum(percent) filter (where kind = 'revenue') as revenue,
        count(*) filter (where kind = 'overlay' and role = 'manager')::int as overlays
      from order_split where tenant_id = ${tdb.tenantId} group by order_id`);
    expect(splits.length).toBe(Number(summary.split_orders));
    expect(splits.every((s) => Number(s.revenue) === 100)).toBe(true);
    expect(splits.reduce((a, s) => a + s.overlays, 0)).toBe(1);
    // credit = the money allocated (every order type at 100 %), in the month it was received
    const credit = await tdb.one(sql<{ revenue: string; allocated: string; misplaced: number }>`select
      (select sum(amount) from performance_credit where tenant_id = ${tdb.tenantId} and kind = 'revenue') as revenue,
      (select sum(amount) from payment_allocation where tenant_id = ${tdb.tenantId}) as allocated,
      (select count(*)::int from performance_credit c join payment p on p.tenant_id = c.tenant_id and p.id = c.payment_id
        where c.tenant_id = ${tdb.tenantId} and c.period <> date_trunc('month', p.received_date)::date) as misplaced`);
    expect(credit?.revenue).toBe(credit?.allocated);
    expect(credit?.misplaced).toBe(0);
    // statements: two months ago locked, last month approved, this month drafts — each the ledger's sum
    const statements = await tdb.query(sql<{
      period: string;
      status: string;
      credit: string;
      ledger: string;
    }>`select to_char(s.period, 'YYYY-MM') as period, s.status, s.revenue_credit + s.overlay_credit as credit,
        (select coalesce(sum(amount), 0) from performance_credit c where c.tenant_id = s.tenant_id
          and c.user_id = s.user_id and c.period = s.period) as ledger
      from commission_statement s where s.tenant_id = ${tdb.tenantId}`);
    const status = (p: string): Set<string> =>
      new Set(statements.filter((s) => s.period === p).map((s) => s.status));
    expect(status(month(2))).toEqual(new Set(['locked']));
    expect(status(month(1))).toEqual(new Set(['approved']));
    expect(status(month(0))).toEqual(new Set(['draft']));
    expect(statements.every((s) => s.period <= month(0))).toBe(true);
    for (const s of statements) expect(s.credit, s.period).toBe(s.ledger);
    // what a rep sees for this month is the draft statement, computed live
    const rep = await tdb.one(sql<{ email: string; commission: string }>`select u.email, s.commission
      from commission_statement s join app_user u on u.tenant_id = s.tenant_id and u.id = s.user_id
      where s.tenant_id = ${tdb.tenantId} and s.period = ${`${month(0)}-01`}::date and u.email like 'rep%'
      order by s.commission desc limit 1`);
    const me = json<{ data: { commission: number; statement: { status: string } | null } }>(
      await (
        await login(built.app, String(rep?.email), 'Flywheel-Demo-2026', slug)
      ).get('/api/v1/performance/me'),
    ).data;
    expect(me.statement?.status).toBe('draft');
    expect(me.commission).toBe(Number(rep?.commission));
    const rules = json<{
      data: { commission: { roles: Record<string, { tiers: unknown[]; cap: number | null }> } };
    }>(await admin.get('/api/v1/performance/settings')).data;
    expect(rules.commission.roles.sales?.tiers.length).toBeGreaterThan(1);
    expect(rules.commission.roles.sales?.cap).toBeGreaterThan(0);
  });
});

describe('demo subscriptions', () => {
  it('has an installed base: ARR, movements of every kind that balance, renewals due and renewal deals', async () => {
    expect(Number(summary.subscription_customers)).toBeGreaterThanOrEqual(30);
    const arr = json<{ data: { arr: number; customers: number } }>(
      await admin.get('/api/v1/metrics/arr'),
    ).data;
    expect(arr.arr).toBeGreaterThan(0);
    expect(arr.customers).toBeGreaterThan(30);
    const to = new Date().toISOString().slice(0, 7);
    const [y, m] = to.split('-').map(Number) as [number, number];
    const from = `${y - 2}-${String(m).padStart(2, '0')}`;
    const rows = json<{ data: Array<Record<string, number>> }>(
      await admin.get(`/api/v1/metrics/arr-movements?from=${from}&to=${to}`),
    ).data;
    for (const k of ['new', 'expansion', 'reactivation', 'contraction', 'churn'])
      expect(
        rows.reduce((s, r) => s + (r[k] ?? 0), 0),
        k,
      ).toBeGreaterThan(0);
    for (const r of rows)
      expect(
        (r.start_arr ?? 0) +
          (r.new ?? 0) +
          (r.expansion ?? 0) +
          (r.reactivation ?? 0) -
          (r.contraction ?? 0) -
          (r.churn ?? 0),
      ).toBe(r.end_arr);
    const due = json<{ data: { rows: Array<{ renewal_opportunity_id: string | null }> } }>(
      await admin.get('/api/v1/renewals/due?bucket=due_3m'),
    ).data.rows;
    expect(due.length).toBeGreaterThan(0);
    expect(due.some((d) => d.renewal_opportunity_id !== null)).toBe(true);
    const rates = json<{ data: { total: { renewal_rate: number | null } } }>(
      await admin.get(`/api/v1/metrics/renewals?from=${from}&to=${to}`),
    ).data.total;
    expect(rates.renewal_rate).toBeGreaterThan(0.4);
    expect(rates.renewal_rate).toBeLessThan(1);
  });
});

describe('demo customer success', () => {
  it('has scored customers in every state, a CSM book, work orders in the loop, statements and a model', async () => {
    const health = json<{
      data: Array<{ account_id: string; status: string; csm_id: string | null }>;
      meta: { health_rate: number | null };
    }>(await admin.get('/api/v1/success/health'));
    expect(health.data.length).toBeGreaterThanOrEqual(25);
    const statuses = new Set(health.data.map((r) => r.status));
    for (const s of ['healthy', 'sub_healthy', 'unhealthy']) expect(statuses.has(s), s).toBe(true);
    expect(health.data.every((r) => r.csm_id !== null)).toBe(true);
    expect(health.meta.health_rate).toBeGreaterThan(0.2);
    expect(health.meta.health_rate).toBeLessThan(1);
    // a CSM signs in and sees only the customers they serve
    const csm = await login(built.app, 'csm1@flywheel.local', 'Flywheel-Demo-2026', slug);
    const mine = json<{ data: Array<{ csm_id: string }> }>(await csm.get('/api/v1/success/health')).data;
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.length).toBeLessThan(health.data.length);
    expect(new Set(mine.map((r) => r.csm_id)).size).toBe(1);
    // a partner user sees only the customers their partner serves, and holds their work orders
    const partner = await login(built.app, 'partner1@flywheel.local', 'Flywheel-Demo-2026', slug);
    const served = json<{ data: Array<{ partner_id: string | null }> }>(
      await partner.get('/api/v1/objects/account?limit=200'),
    ).data;
    expect(served.length).toBeGreaterThan(0);
    expect(new Set(served.map((a) => a.partner_id)).size).toBe(1);
    expect(served[0]?.partner_id).not.toBeNull();
    const partnerWo = await tdb.one(sql<{ n: number }>`select count(*)::int as n from work_order w
      join app_user u on u.tenant_id = w.tenant_id and u.id = w.owner_id
      where w.tenant_id = ${tdb.tenantId} and u.partner_account_id is not null`);
    expect(partnerWo?.n ?? 0).toBeGreaterThan(0);
    const wo = await tdb.query(sql<{
      status: string;
      n: number;
    }>`select status, count(*)::int as n from work_order
      where tenant_id = ${tdb.tenantId} group by status`);
    const by = Object.fromEntries(wo.map((w) => [w.status, w.n]));
    expect(by.open ?? 0).toBeGreaterThan(0);
    expect(by.resolved ?? 0).toBeGreaterThan(0);
    const evaluated = await tdb.one(sql<{ n: number }>`select count(*)::int as n from work_order
      where tenant_id = ${tdb.tenantId} and effectiveness is not null`);
    expect(evaluated?.n ?? 0).toBeGreaterThan(0);
    const st = await tdb.query(
      sql<{ status: string }>`select status from csm_statement where tenant_id = ${tdb.tenantId}`,
    );
    expect(st.some((s) => s.status === 'locked')).toBe(true);
    expect(st.some((s) => s.status === 'draft')).toBe(true);
    expect(Number(summary.renewal_model_version)).toBeGreaterThan(0);
    const model = json<{ data: { metrics: { model: { auc: number | null } } } | null }>(
      await admin.get('/api/v1/success/model'),
    ).data;
    expect(model?.metrics.model.auc).not.toBeNull();
  });
});

describe('demo customer engagement', () => {
  it('has lights in every state incl. an escalated one, a repeat cause, NPS results and a survey light', async () => {
    const lights = json<{
      data: Array<{ status: string; escalation_level: number; source: string; complaint_id: string | null }>;
    }>(await admin.get('/api/v1/success/lights')).data;
    const statuses = new Set(lights.map((l) => l.status));
    for (const s of ['open', 'meeting_scheduled', 'action_plan', 'resolved', 'closed'])
      expect(statuses.has(s), s).toBe(true);
    expect(lights.some((l) => l.escalation_level > 0)).toBe(true);
    expect(lights.some((l) => l.source === 'survey')).toBe(true);
    expect(lights.filter((l) => l.source === 'complaint' && l.complaint_id !== null).length).toBe(2);
    const report = json<{
      data: { repeat_causes: Array<{ lights: number }>; mean_hours_to_resolve: number | null };
    }>(await admin.get('/api/v1/success/lights/report')).data;
    expect(report.repeat_causes.length).toBeGreaterThanOrEqual(2);
    // hours to days, not minutes and not months
    expect(report.mean_hours_to_resolve).toBeGreaterThan(12);
    expect(report.mean_hours_to_resolve).toBeLessThan(24 * 7);
    const nps = await tdb.one(sql<{ id: string }>`select id from survey
      where tenant_id = ${tdb.tenantId} and kind = 'nps'`);
    const res = json<{ data: { overall: { responses: number; value: number | null }; periods: unknown[] } }>(
      await admin.get(`/api/v1/success/surveys/${String(nps?.id)}/results`),
    ).data;
    expect(res.overall.responses).toBeGreaterThan(15);
    expect(res.overall.value).toBeGreaterThan(0);
    expect(res.overall.value).toBeLessThan(60);
    expect(res.periods.length).toBeGreaterThanOrEqual(2);
  });
});

describe('demo service tiers and touch rate', () => {
  it('has tiered customers, a touch rate of 60–92% differing per CSM, overdue touches, a reassigned book', async () => {
    const r = json<{
      data: {
        overall: { due: number; touched: number; rate: number | null };
        by_csm: Array<{ csm_name: string | null; due: number; rate: number | null }>;
        by_tier: Array<{ tier_key: string; customers: number }>;
        trend: Array<{ due: number; rate: number | null }>;
        last_run_on: string | null;
      };
    }>(await admin.get('/api/v1/success/touch-rate')).data;
    console.log(
      'demo touch rate',
      r.overall,
      r.by_csm.map((c) => c.rate),
      r.trend.map((p) => p.rate),
    );
    expect(r.last_run_on).toBe(today());
    expect(r.overall.due).toBeGreaterThan(15);
    expect(r.overall.rate).toBeGreaterThanOrEqual(60);
    expect(r.overall.rate).toBeLessThanOrEqual(92);
    expect(new Set(r.by_csm.map((c) => c.rate)).size).toBeGreaterThan(1);
    for (const k of ['A', 'B', 'C'])
      expect(r.by_tier.find((x) => x.tier_key === k)?.customers, k).toBeGreaterThan(0);
    expect(r.trend.filter((p) => p.due > 0).length).toBeGreaterThanOrEqual(5);
    const overdue = json<{ data: unknown[] }>(await admin.get('/api/v1/success/touches/overdue')).data;
    expect(overdue.length).toBeGreaterThan(0);
    expect(Number(summary.tier_reassigned)).toBeGreaterThan(0);
  });
});

describe('demo lifecycle journeys', () => {
  it('has journeys at several stages: some completed, some on time, some overdue with a task each', async () => {
    const keys = Object.keys(summary).filter((k) => k.startsWith('journey'));
    console.log('demo journeys', JSON.stringify(Object.fromEntries(keys.map((k) => [k, summary[k]]))));
    expect(Number(summary.journeys)).toBeGreaterThanOrEqual(8);
    expect(Number(summary.journeys_completed)).toBeGreaterThan(0);
    expect(Number(summary.journeys_overdue)).toBeGreaterThan(0);
    expect(Number(summary.journey_overdue_tasks)).toBe(Number(summary.journeys_overdue));
    const active = json<{ data: Array<{ current_stage: string | null; overdue: boolean }> }>(
      await admin.get('/api/v1/success/journeys'),
    ).data;
    expect(new Set(active.map((j) => j.current_stage)).size).toBeGreaterThanOrEqual(3);
    expect(active.some((j) => !j.overdue)).toBe(true);
    const report = json<{
      data: { stages: Array<{ key: string; completed: number; mean_days: number | null; open: number }> };
    }>(await admin.get('/api/v1/success/journeys/report')).data;
    expect(report.stages.filter((s) => s.completed > 0).length).toBeGreaterThanOrEqual(3);
    expect(report.stages.every((s) => s.completed === 0 || s.mean_days !== null)).toBe(true);
    // the trial run's completion sent the milestone CSAT to key users
    expect(Number(summary.journey_csat_invited)).toBeGreaterThan(0);
  });
});
