// Change alerts and warning work orders (issue 8, docs/HEALTH.md "Change alerts and warning work
// orders"): five weekly runs over hand-scored telemetry (window of one week, so each week's total is
// the score), the alerts they raise, the work orders they open and raise again (owner, due date by
// level, level never lowered, due date brought forward), transitions and bad input, who may see and
// act, the two-week effectiveness check and the Monday digest.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import type { BuiltApp } from '../src/app.ts';
import { TenantDb } from '../src/platform/db/tenant-db.ts';
import {
  conformsTo,
  json,
  login,
  newTenant,
  testApp,
  userWithRole,
  type Client,
  type TestTenant,
} from './harness.ts';
import { insertWeek, MID, TOP, WEAK, type Day } from './usage-weeks.ts';

type Err = { error: { code: string; key: string; details: { field: string; code: string }[] } };
const issues = (r: { json(): unknown }) =>
  (r.json() as Err).error.details.map((d) => `${d.field}:${d.code}`).sort();

let built: BuiltApp;
let t: TestTenant;
let admin: Client;
let csm1: Client;
let csm2: Client;
let director: Client;
let rep: Client;
const acc: Record<string, string> = {};
const tdb = () => TenantDb.for(built.platform.db, t.tenantId);

/** Seven days of telemetry for the week starting `monday`. */
const week = (accountId: string, monday: string, d: Day) => insertWeek(tdb(), accountId, monday, d);

interface RunView {
  status: string;
  error: string | null;
  result: Record<string, Record<string, unknown>>;
}

async function runWeekly(asOf: string): Promise<RunView['result']> {
  const r = await admin.post('/api/v1/admin/jobs/success.weekly/run', { as_of: asOf });
  expect(r.statusCode, r.body).toBe(200);
  const run = json<{ data: RunView }>(r).data;
  expect(run.status, run.error ?? '').toBe('succeeded');
  return run.result;
}

interface WorkOrder {
  id: string;
  version: number;
  account_id: string;
  owner_id: string | null;
  alert_type: string;
  level: string;
  status: string;
  due_date: string;
  raised_week: string;
  last_raised_week: string;
  times_raised: number;
  subject: string;
  detail: string | null;
  action_taken: string | null;
  score_at_resolution: number | null;
  effectiveness: string | null;
  evaluated_on: string | null;
}

/** The work orders as stored (not through any scope). */
async function workOrders(): Promise<WorkOrder[]> {
  return tdb().query(sql<WorkOrder>`select id, version, account_id, owner_id, alert_type, level, status,
      to_char(due_date, 'YYYY-MM-DD') as due_date, to_char(raised_week, 'YYYY-MM-DD') as raised_week,
      to_char(last_raised_week, 'YYYY-MM-DD') as last_raised_week, times_raised, subject, detail, action_taken,
      score_at_resolution::float8 as score_at_resolution, effectiveness, to_char(evaluated_on, 'YYYY-MM-DD') as evaluated_on
    from work_order where tenant_id = ${t.tenantId} order by created_at, alert_type`);
}

async function wo(account: string, type: string, status?: string): Promise<WorkOrder> {
  const found = (await workOrders()).filter(
    (w) => w.account_id === acc[account] && w.alert_type === type && (!status || w.status === status),
  );
  expect(found, `${account} ${type}`).toHaveLength(1);
  return found[0] as WorkOrder;
}

async function alertsOf(
  weekStart: string,
): Promise<
  { account_id: string; type: string; level: string; nature: string; work_order_id: string | null }[]
> {
  return tdb().query(sql<{
    account_id: string;
    type: string;
    level: string;
    nature: string;
    work_order_id: string | null;
  }>`select account_id, type, level, nature, work_order_id from health_alert
    where tenant_id = ${t.tenantId} and week_start = ${weekStart}::date order by account_id, type`);
}

const name = (id: string): string => Object.entries(acc).find(([, v]) => v === id)?.[0] ?? id;
const summary = (rows: { account_id: string; type: string; level: string; nature: string }[]) =>
  rows.map((a) => `${name(a.account_id)} ${a.type} ${a.level} ${a.nature}`).sort();

/** Pretends a resolution happened on the Monday 2025-12-01 (the effectiveness clock reads resolved_at). */
const resolvedOn = (id: string) =>
  tdb().exec0(sql`update work_order set resolved_at = '2025-12-01T10:00:00+08:00'
    where tenant_id = ${t.tenantId} and id = ${id}`);

async function dept(n: string): Promise<string> {
  return json<{ data: { id: string } }>(
    await admin.post('/api/v1/admin/departments', { name: n, parent_id: null }),
  ).data.id;
}

beforeAll(async () => {
  built = await testApp();
  t = await newTenant(built);
  admin = await login(built.app, t.adminEmail);
  const east = await dept('华东客户成功部');
  const north = await dept('华北客户成功部');
  csm1 = await userWithRole(admin, 'csm', east);
  csm2 = await userWithRole(admin, 'csm', north);
  director = await userWithRole(admin, 'cs_director', east);
  rep = await userWithRole(admin, 'sales_rep');
  // one-week window: each week's total is the score; mid work orders due in 12 days
  const m = json<{ data: { model: Record<string, unknown> & { alerts: Record<string, unknown> } } }>(
    await admin.get('/api/v1/success/health-model'),
  ).data.model;
  const saved = await admin.put('/api/v1/success/health-model', {
    ...m,
    windowWeeks: 1,
    alerts: { ...m.alerts, dueDays: { high: 3, mid: 12, low: 14 } },
  });
  expect(saved.statusCode, saved.body).toBe(200);
  const make = async (key: string, by: Client, csm: string | null) => {
    const r = await by.post('/api/v1/objects/account', {
      name: `${key} 预警科技有限公司`,
      ...(csm ? { csm_id: csm } : {}),
    });
    expect(r.statusCode, r.body).toBe(201);
    acc[key] = json<{ data: { id: string } }>(r).data.id;
  };
  await make('A', admin, csm1.userId);
  await make('B', admin, csm2.userId);
  // C has no CSM: its work orders go to the account owner, the sales rep
  await make('C', rep, null);
  await make('D', admin, csm1.userId);
  // weeks W1..W5 = 2025-11-10, -17, -24, 12-01, 12-08 (scored by the runs of the following Mondays)
  const W = ['2025-11-10', '2025-11-17', '2025-11-24', '2025-12-01', '2025-12-08'];
  const plan: Record<string, Day[]> = {
    // A falls (96 → 40 → 5.3) and recovers (40 → 96)
    A: [TOP, MID, WEAK, MID, TOP],
    // B changes its system admin in W3
    B: [0, 1, 2, 3, 4].map((i) => ({ ...TOP, admin: i < 2 ? 'it-admin-1' : 'it-admin-2' })),
    // D logs in more from W3 (10/18 → 15/18: 91.0 → 96.0, +50%) and its seats quota is 95% used
    D: [0, 1, 2, 3, 4].map((i) => ({
      ...TOP,
      login: i < 2 ? 10 : 15,
      quotas: { users: { used: 95, limit: 100 }, bi: { used: 3, limit: 10 } },
    })),
  };
  for (const [k, days] of Object.entries(plan))
    for (const [i, d] of days.entries()) await week(acc[k] as string, W[i] as string, d);
  // C sends telemetry from W2 on and is due to renew on 2025-12-20, not renewed yet
  for (const w of W.slice(1)) await week(acc.C as string, w, TOP);
  await tdb()
    .exec0(sql`insert into due_renewal (tenant_id, id, account_id, due_date, due_arr, due_arr_currency,
      renewed_arr_currency, renewed_arr_finance_currency, status)
    values (${t.tenantId}, gen_random_uuid(), ${acc.C}, '2025-12-20', 100, 'CNY', 'CNY', 'CNY', 'upcoming')`);
});

afterAll(async () => {
  await built?.close();
});

describe('weekly alerts and work orders', () => {
  it('the first week has nothing to compare with: no alerts but the quota', async () => {
    const r = await runWeekly('2025-11-17');
    expect(r.alerts).toMatchObject({ week_start: '2025-11-10', alerts: 1, work_orders_opened: 0 });
    expect(summary(await alertsOf('2025-11-10'))).toEqual(['D quota_tight mid benign']);
  });

  it('the second week: A falls to sub-healthy — three malignant alerts, three work orders for its CSM', async () => {
    const r = await runWeekly('2025-11-24');
    expect(r.alerts).toMatchObject({
      alerts: 5,
      malignant: 4,
      work_orders_opened: 4,
      work_orders_raised_again: 0,
    });
    expect(summary(await alertsOf('2025-11-17'))).toEqual([
      'A activity_down mid malignant',
      'A health_down mid malignant',
      'A probability_down mid malignant',
      'C expiry_1m mid malignant',
      'D quota_tight mid benign',
    ]);
    const h = await wo('A', 'health_down');
    expect(h).toMatchObject({
      owner_id: csm1.userId,
      level: 'mid',
      status: 'open',
      // run date 2025-11-24 + 12 days (mid)
      due_date: '2025-12-06',
      raised_week: '2025-11-17',
      last_raised_week: '2025-11-17',
      times_raised: 1,
      subject: 'A 预警科技有限公司：健康度下降',
      detail: '健康分 96.0 → 40.0（−56.0），健康 → 亚健康',
    });
    // no CSM: the account owner
    expect(await wo('C', 'expiry_1m')).toMatchObject({
      owner_id: rep.userId,
      level: 'mid',
      due_date: '2025-12-06',
    });
    // benign alerts open nothing; every malignant alert names its work order
    const alerts = await alertsOf('2025-11-17');
    for (const a of alerts) expect(a.work_order_id === null).toBe(a.nature === 'benign');
    expect(await workOrders()).toHaveLength(4);
  });

  it('the third week: repeats raise the open work orders again instead of duplicating them', async () => {
    const r = await runWeekly('2025-12-01');
    expect(r.alerts).toMatchObject({
      alerts: 7,
      malignant: 5,
      work_orders_opened: 1,
      work_orders_raised_again: 4,
    });
    expect(summary(await alertsOf('2025-11-24'))).toEqual([
      'A activity_down mid malignant',
      'A health_down high malignant',
      'A probability_down high malignant',
      'B key_person_changed mid malignant',
      'C expiry_1m mid malignant',
      'D activity_up low benign',
      'D quota_tight mid benign',
    ]);
    // now unhealthy: level raised to high, due date brought forward to 2025-12-01 + 3
    expect(await wo('A', 'health_down')).toMatchObject({
      level: 'high',
      due_date: '2025-12-04',
      times_raised: 2,
      raised_week: '2025-11-17',
      last_raised_week: '2025-11-24',
      version: 2,
      detail: '健康分 40.0 → 5.3（−34.7），亚健康 → 不健康',
    });
    // probability 0.40 → 0.053 crosses into the low tier: high
    expect(await wo('A', 'probability_down')).toMatchObject({
      level: 'high',
      due_date: '2025-12-04',
      times_raised: 2,
    });
    // mid again: the earlier due date is kept (2025-12-06, not 12-13)
    expect(await wo('A', 'activity_down')).toMatchObject({
      level: 'mid',
      due_date: '2025-12-06',
      times_raised: 2,
    });
    expect(await wo('C', 'expiry_1m')).toMatchObject({ due_date: '2025-12-06', times_raised: 2 });
    expect(await wo('B', 'key_person_changed')).toMatchObject({
      owner_id: csm2.userId,
      level: 'mid',
      due_date: '2025-12-13',
      detail: '关键人变更：管理员 it-admin-1 → it-admin-2',
    });
    expect(await workOrders()).toHaveLength(5);
  });

  it('a rerun of the same week raises nothing twice', async () => {
    const before = await workOrders();
    const r = await runWeekly('2025-12-01');
    expect(r.alerts).toMatchObject({
      alerts: 0,
      already_raised: 7,
      work_orders_opened: 0,
      work_orders_raised_again: 0,
    });
    expect(await workOrders()).toEqual(before);
    expect(r.digest).toMatchObject({ notified: 0 });
  });

  it('audits the job’s writes and emits events, and tells the owners', async () => {
    const h = await wo('A', 'health_down');
    const audit = await tdb().query(sql<{
      action: string;
      actor_user_id: string | null;
    }>`select action, actor_user_id
      from audit_log where tenant_id = ${t.tenantId} and object = 'work_order' and record_id = ${h.id} order by at, id`);
    expect(audit).toEqual([
      { action: 'create', actor_user_id: null },
      { action: 'update', actor_user_id: null },
    ]);
    const events = await tdb().query(sql<{ type: string }>`select type from outbox_event
      where tenant_id = ${t.tenantId} and record_id = ${h.id} order by seq`);
    expect(events.map((e) => e.type)).toEqual(['work_order.created', 'work_order.updated']);
    const raised = await tdb().one(sql<{ n: number }>`select count(*)::int as n from outbox_event
      where tenant_id = ${t.tenantId} and type = 'health_alert.raised'`);
    expect(raised?.n).toBe(13);
    const notes = await tdb().query(sql<{ title: string }>`select title from notification
      where tenant_id = ${t.tenantId} and user_id = ${csm1.userId} and kind = 'success.work_order' order by created_at`);
    // three opened in week 2, two escalated to high in week 3
    expect(notes.map((n) => n.title)).toEqual(['3 个预警工单需要处理', '2 个预警工单需要处理']);
  });
});

describe('the alert list', () => {
  type List = {
    data: { account_id: string; type: string; text: string; label: string }[];
    meta: { week_start: string | null; total: number };
  };
  const list = async (c: Client, q: string) =>
    conformsTo<List>(
      built.app,
      'GET',
      '/api/v1/success/alerts',
      await c.get(`/api/v1/success/alerts?${q}`),
      200,
    );

  it('lists a week’s alerts, most severe first, with words in the caller’s language', async () => {
    const r = await list(admin, 'week=2025-11-26');
    expect(r.meta).toEqual({ week_start: '2025-11-24', total: 7 });
    expect(
      r.data
        .slice(0, 2)
        .map((a) => a.type)
        .sort(),
    ).toEqual(['health_down', 'probability_down']);
    const en = json<List>(
      await admin.get('/api/v1/success/alerts?week=2025-11-24&type=health_down', {
        'accept-language': 'en-US',
      }),
    );
    expect(en.data).toHaveLength(1);
    expect(en.data[0]).toMatchObject({
      label: 'Health down',
      text: 'Health score 40.0 → 5.3 (−34.7), sub-healthy → unhealthy',
    });
  });

  it('filters by level, nature and customer', async () => {
    expect((await list(admin, 'week=2025-11-24&level=high')).data.map((a) => a.type).sort()).toEqual([
      'health_down',
      'probability_down',
    ]);
    expect((await list(admin, 'week=2025-11-24&nature=benign')).data.map((a) => name(a.account_id))).toEqual([
      'D',
      'D',
    ]);
    expect((await list(admin, `week=2025-11-24&account_id=${acc.B}`)).data.map((a) => a.type)).toEqual([
      'key_person_changed',
    ]);
  });

  it('shows only the customers the caller may read', async () => {
    const who = async (c: Client) =>
      [...new Set((await list(c, 'week=2025-11-24')).data.map((a) => name(a.account_id)))].sort();
    expect(await who(csm1)).toEqual(['A', 'D']);
    expect(await who(csm2)).toEqual(['B']);
    expect(await who(director)).toEqual(['A', 'D']);
    expect(await who(rep)).toEqual(['C']);
  });

  it('bad filters are 422 naming the parameter', async () => {
    const r = await admin.get(
      '/api/v1/success/alerts?week=2025-13-01&level=urgent&nature=x&account_id=1&type=y',
    );
    expect(r.statusCode).toBe(422);
    expect(issues(r)).toEqual(['week:invalid_date']);
    expect(issues(await admin.get('/api/v1/success/alerts?level=urgent'))).toEqual(['level:invalid_value']);
    expect(issues(await admin.get('/api/v1/success/alerts?nature=x'))).toEqual(['nature:invalid_value']);
    expect(issues(await admin.get('/api/v1/success/alerts?account_id=1'))).toEqual([
      'account_id:invalid_value',
    ]);
  });
});

describe('work-order transitions', () => {
  const act = (c: Client, id: string, action: string, body: Record<string, unknown> = {}) =>
    c.post(`/api/v1/work-orders/${id}/${action}`, body);
  const ok = async (c: Client, id: string, action: string, body: Record<string, unknown> = {}) =>
    conformsTo<{ data: WorkOrder }>(
      built.app,
      'POST',
      `/api/v1/work-orders/:id/${action}`,
      await act(c, id, action, body),
      200,
    ).data;

  it('the owner starts and resolves; the action taken is required; versions are checked', async () => {
    const h = await wo('A', 'health_down');
    const started = await ok(csm1, h.id, 'start', { version: h.version });
    expect(started).toMatchObject({ status: 'in_progress', version: h.version + 1 });
    for (const body of [{}, { action_taken: '   ' }, { action_taken: 42 }]) {
      const r = await act(csm1, h.id, 'resolve', body);
      expect(r.statusCode, r.body).toBe(422);
      expect(issues(r).map((i) => i.split(':')[0])).toEqual(['action_taken']);
    }
    const stale = await act(csm1, h.id, 'resolve', { version: h.version, action_taken: '电话回访' });
    expect(stale.statusCode).toBe(409);
    expect((stale.json() as Err).error.key).toBe('version_conflict');
    const resolved = await ok(csm1, h.id, 'resolve', {
      version: started.version,
      action_taken: '上门拜访管理员，重新培训销售团队',
    });
    // the score when resolved: the latest snapshot (week 2025-11-24)
    expect(resolved).toMatchObject({
      status: 'resolved',
      score_at_resolution: 5.3,
      action_taken: '上门拜访管理员，重新培训销售团队',
    });
  });

  it('only a CS lead verifies: not the CSM, not a sales rep; the department’s director does', async () => {
    const h = await wo('A', 'health_down');
    expect((await act(csm1, h.id, 'verify')).statusCode).toBe(403);
    const c = await wo('C', 'expiry_1m');
    await ok(rep, c.id, 'resolve', { action_taken: '已发续费报价' });
    expect((await act(rep, c.id, 'verify')).statusCode).toBe(403);
    const v = await ok(director, h.id, 'verify');
    expect(v.status).toBe('verified');
    const note = await tdb().one(sql<{
      title: string;
    }>`select title from notification where tenant_id = ${t.tenantId}
      and user_id = ${csm1.userId} and kind = 'success.work_order_verified'`);
    expect(note?.title).toBe('预警工单已验证：A 预警科技有限公司：健康度下降');
  });

  it('a wrong state is 409 with its key; reopen needs a reason', async () => {
    const h = await wo('A', 'health_down');
    const r = await act(csm1, h.id, 'start');
    expect(r.statusCode).toBe(409);
    expect((r.json() as Err).error.key).toBe('work_order_state_conflict');
    const noReason = await act(director, h.id, 'reopen', { reason: '' });
    expect(noReason.statusCode).toBe(422);
    expect(issues(noReason)).toEqual(['reason:required']);
    expect((await act(csm1, h.id, 'reopen', { reason: '客户仍未登录' })).statusCode).toBe(403);
    expect((await ok(director, h.id, 'reopen', { reason: '客户仍未登录' })).status).toBe('reopened');
    const events = await tdb().query(sql<{ type: string }>`select type from outbox_event
      where tenant_id = ${t.tenantId} and record_id = ${h.id} order by seq`);
    expect(events.map((e) => e.type)).toEqual([
      'work_order.created',
      'work_order.updated',
      'work_order.in_progress',
      'work_order.resolved',
      'work_order.verified',
      'work_order.reopened',
    ]);
    const audit = await tdb().query(sql<{
      actor_user_id: string;
      meta: { action?: string; reason?: string };
    }>`
      select actor_user_id, meta from audit_log where tenant_id = ${t.tenantId} and object = 'work_order'
        and record_id = ${h.id} and actor_user_id is not null order by at, id`);
    expect(audit.map((a) => a.meta.action)).toEqual(['start', 'resolve', 'verify', 'reopen']);
    expect(audit.at(-1)).toMatchObject({ actor_user_id: director.userId, meta: { reason: '客户仍未登录' } });
  });

  it('another CSM can neither see nor act; the owner sees own work orders in the records API', async () => {
    const b = await wo('B', 'key_person_changed');
    expect((await act(csm1, b.id, 'start')).statusCode).toBe(404);
    expect((await csm1.get(`/api/v1/objects/work_order/${b.id}`)).statusCode).toBe(404);
    expect((await act(admin, '00000000-0000-0000-0000-000000000000', 'start')).statusCode).toBe(404);
    expect((await act(admin, 'nope', 'start')).statusCode).toBe(404);
    const mine = json<{ data: { id: string }[] }>(await csm1.get('/api/v1/objects/work_order'));
    expect(mine.data).toHaveLength(3);
    await ok(csm2, b.id, 'resolve', { action_taken: '与新管理员建立联系' });
    // A's activity work order: resolved straight from open (start is optional)
    const a = await wo('A', 'activity_down');
    await ok(csm1, a.id, 'resolve', { action_taken: '组织线上培训' });
    for (const w of [a.id, b.id, (await wo('C', 'expiry_1m')).id]) await resolvedOn(w);
  });
});

describe('the queue summary', () => {
  type Summary = {
    data: {
      month: string;
      rows: {
        owner_id: string | null;
        open: number;
        reopened: number;
        in_progress: number;
        overdue: number;
        resolved_this_month: number;
      }[];
      total: { open: number; reopened: number; overdue: number; resolved_this_month: number };
    };
  };
  const get = async (c: Client, asOf: string) =>
    conformsTo<Summary>(
      built.app,
      'GET',
      '/api/v1/success/work-orders/summary',
      await c.get(`/api/v1/success/work-orders/summary?as_of=${asOf}`),
      200,
    ).data;

  it('counts per owner: open, reopened, overdue, resolved this month', async () => {
    const s = await get(admin, '2025-12-05');
    expect(s.month).toBe('2025-12');
    const by = Object.fromEntries(s.rows.map((r) => [r.owner_id, r]));
    // A: health_down reopened and probability_down open, both due 12-04 → overdue; activity resolved 12-01
    expect(by[csm1.userId as string]).toMatchObject({
      open: 1,
      reopened: 1,
      in_progress: 0,
      overdue: 2,
      resolved_this_month: 1,
    });
    expect(by[csm2.userId as string]).toMatchObject({ open: 0, overdue: 0, resolved_this_month: 1 });
    expect(by[rep.userId as string]).toMatchObject({ resolved_this_month: 1 });
    expect(s.total).toMatchObject({ open: 1, reopened: 1, overdue: 2, resolved_this_month: 3 });
    expect((await get(admin, '2025-12-04')).total.overdue).toBe(0);
  });

  it('is scoped: a CSM sees own, the director the department', async () => {
    expect((await get(csm1, '2025-12-05')).rows.map((r) => r.owner_id)).toEqual([csm1.userId]);
    expect((await get(director, '2025-12-05')).rows.map((r) => r.owner_id)).toEqual([csm1.userId]);
    expect((await get(csm2, '2025-12-05')).rows.map((r) => r.owner_id)).toEqual([csm2.userId]);
    expect(issues(await admin.get('/api/v1/success/work-orders/summary?as_of=2025-12-32'))).toEqual([
      'as_of:invalid_date',
    ]);
  });
});

describe('effectiveness and what follows resolution', () => {
  it('a resolved work order is not reused: the next alert opens a new one', async () => {
    const r = await runWeekly('2025-12-08');
    expect(r.effectiveness).toMatchObject({ evaluated: 0 });
    // C is still due on 12-20: its first work order is resolved, so a new one opens
    const c = (await workOrders()).filter((w) => w.account_id === acc.C);
    expect(c.map((w) => [w.status, w.times_raised])).toEqual([
      ['resolved', 2],
      ['open', 1],
    ]);
    // A recovers (5.3 → 40): benign alerts only, nothing opened for A
    expect(summary((await alertsOf('2025-12-01')).filter((a) => a.account_id === acc.A))).toEqual([
      'A activity_up low benign',
      'A health_up low benign',
      'A probability_up low benign',
    ]);
  });

  it('two weeks after resolution: effective when the score rose, else ineffective', async () => {
    const r = await runWeekly('2025-12-15');
    expect(r.effectiveness).toEqual({ evaluated: 3, effective: 1, ineffective: 2 });
    // A: 5.3 when resolved, 96.0 now
    expect(await wo('A', 'activity_down')).toMatchObject({
      effectiveness: 'effective',
      evaluated_on: '2025-12-15',
    });
    // B and C: 96.0 then and now — not a rise
    expect(await wo('B', 'key_person_changed')).toMatchObject({ effectiveness: 'ineffective' });
    expect(await wo('C', 'expiry_1m', 'resolved')).toMatchObject({ effectiveness: 'ineffective' });
    // the reopened one is not judged
    expect(await wo('A', 'health_down')).toMatchObject({ status: 'reopened', effectiveness: null });
    expect((await runWeekly('2025-12-15')).effectiveness).toEqual({
      evaluated: 0,
      effective: 0,
      ineffective: 0,
    });
  });
});

describe('the Monday digest', () => {
  it('one notification and one e-mail per CSM and week, in their language', async () => {
    const notes = await tdb().query(sql<{
      title: string;
      body: string;
      link: string;
    }>`select title, body, link
      from notification where tenant_id = ${t.tenantId} and user_id = ${csm1.userId} and kind = 'success.weekly_digest'
      order by link`);
    // week 2025-11-10 too: D's quota alert (D is csm1's customer)
    expect(notes.map((n) => n.link)).toEqual([
      '/success?week=2025-11-10',
      '/success?week=2025-11-17',
      '/success?week=2025-11-24',
      '/success?week=2025-12-01',
      '/success?week=2025-12-08',
    ]);
    // week 2025-11-24: A's three and D's two alerts, A's three open work orders, none overdue on 12-01
    expect(notes[2]?.title).toBe('客户成功周报（2025-11-24 周）：新预警 5 条，待办工单 3 个，逾期 0 个');
    // week 2025-12-01 (run 12-08): A's health_down (reopened) and probability_down are past 12-04
    expect(notes[3]?.title).toMatch(/待办工单 2 个，逾期 2 个$/);
    expect(notes[3]?.body.split('\n')[0]).toBe('【逾期工单 2】');
    const email = await tdb().one(sql<{
      email: string;
    }>`select email from app_user where tenant_id = ${t.tenantId}
      and id = ${csm1.userId}`);
    const mails = await tdb().query(sql<{ subject: string }>`select subject from mail_outbox
      where tenant_id = ${t.tenantId} and to_address = ${email?.email} order by created_at`);
    expect(mails.map((m) => m.subject)).toEqual(notes.map((n) => n.title));
    // the rep gets one for C (week 2025-11-17 on), the director none (no work orders, no customers)
    const others = await tdb().query(sql<{ user_id: string; n: number }>`select user_id, count(*)::int as n
      from notification where tenant_id = ${t.tenantId} and kind = 'success.weekly_digest' group by user_id`);
    const by = Object.fromEntries(others.map((o) => [o.user_id, o.n]));
    expect(by[rep.userId as string]).toBe(4);
    expect(by[director.userId as string]).toBeUndefined();
  });

  it('in English for a user who chose it', async () => {
    await tdb().exec0(
      sql`update app_user set locale = 'en-US' where tenant_id = ${t.tenantId} and id = ${csm2.userId}`,
    );
    // B changes its admin again: a new work order (the last one is resolved) and an alert for csm2
    await week(acc.B as string, '2025-12-15', { ...TOP, admin: 'it-admin-3' });
    await runWeekly('2025-12-22');
    const n = await tdb().one(sql<{
      title: string;
    }>`select title from notification where tenant_id = ${t.tenantId}
      and user_id = ${csm2.userId} and kind = 'success.weekly_digest' and link = '/success?week=2025-12-15'`);
    expect(n?.title).toBe(
      'Customer success weekly (week of 2025-12-15): 1 new alerts, 1 open work orders, 0 overdue',
    );
  });
});

describe('documentation', () => {
  it('the OpenAPI document describes the endpoints and their shapes', async () => {
    const doc = json<{
      paths: Record<string, Record<string, { responses?: Record<string, unknown>; requestBody?: unknown }>>;
      components: { schemas: Record<string, unknown> };
    }>(await admin.get('/api/openapi.json'));
    for (const a of ['start', 'resolve', 'verify', 'reopen']) {
      expect(doc.paths[`/api/v1/work-orders/{id}/${a}`]?.post?.responses?.['200'], a).toBeDefined();
      expect(doc.paths[`/api/v1/work-orders/{id}/${a}`]?.post?.requestBody, a).toBeDefined();
    }
    expect(doc.paths['/api/v1/success/alerts']?.get?.responses?.['200']).toBeDefined();
    expect(doc.paths['/api/v1/success/work-orders/summary']?.get?.responses?.['200']).toBeDefined();
    for (const n of ['WorkOrder', 'HealthAlert']) expect(doc.components.schemas[n], n).toBeDefined();
  });
});
