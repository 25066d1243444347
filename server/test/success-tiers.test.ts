// Service tiers, cadence, round-robin CSM assignment and touch rate (issue 9, docs/ENGAGEMENT.md
// "Service tiers, cadence and touch rate"): settings and their validation, the daily job (tiers
// from ARR and grade, round robin within a tier's team, a CSM who left, a rerun that changes
// nothing, moves and exits), hand-computed touch rates per CSM and over past periods, the overdue
// list by who asks, the overdue reminder, and bad input.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import type { BuiltApp } from '../src/app.ts';
import { TenantDb } from '../src/platform/db/tenant-db.ts';
import { newId } from '../src/platform/db/ids.ts';
import { ACTIVITY_TYPES } from '../src/modules/activities/index.ts';
import { ACTIVITY_TYPE_VALUES, DEFAULT_TIER_SETTINGS } from '../src/modules/success/tiers.rules.ts';
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

type Err = { error: { code: string; key: string; details: { field: string; code: string }[] } };
const issues = (r: { json(): unknown }) =>
  (r.json() as Err).error.details.map((d) => `${d.field}:${d.code}`).sort();

interface Cell {
  due: number;
  touched: number;
  rate: number | null;
}
interface TouchRate {
  as_of: string;
  overall: Cell;
  by_csm: (Cell & { csm_id: string | null; overdue_calls: number; overdue_visits: number })[];
  by_tier: (Cell & { tier_key: string; customers: number })[];
  trend: (Cell & { from: string; to: string; as_of: string })[];
  last_run_on: string | null;
}
interface Overdue {
  account_id: string;
  kind: string;
  days_overdue: number;
  due_on: string;
  last_touch_on: string | null;
  csm_id: string | null;
  tier_key: string;
}

const D1 = '2025-06-30';
const D2 = '2025-07-15';
const D3 = '2025-08-01';

let built: BuiltApp;
let t: TestTenant;
let admin: Client;
let csm1: Client;
let csm2: Client;
let csm3: Client;
let leaver: Client;
let director: Client;
let rep: Client;
const acc: Record<string, string> = {};
const tdb = () => TenantDb.for(built.platform.db, t.tenantId);

async function dept(n: string): Promise<string> {
  return json<{ data: { id: string } }>(
    await admin.post('/api/v1/admin/departments', { name: n, parent_id: null }),
  ).data.id;
}

async function runJob(asOf: string): Promise<Record<string, unknown>> {
  const r = await admin.post('/api/v1/success/tiers/run', { as_of: asOf });
  const run = conformsTo<{
    data: { status: string; error: string | null; result: Record<string, unknown> };
  }>(built.app, 'POST', '/api/v1/success/tiers/run', r, 200).data;
  expect(run.status, run.error ?? '').toBe('succeeded');
  return run.result;
}

async function csmOf(key: string): Promise<string | null> {
  const r = await tdb().one(sql<{ csm_id: string | null }>`select csm_id from account
    where tenant_id = ${t.tenantId} and id = ${acc[key]}`);
  return r?.csm_id ?? null;
}

const touch = (key: string, type: string, at: string, deleted = false) =>
  tdb().exec0(sql`insert into activity (tenant_id, id, subject, type, occurred_at, account_id, deleted_at)
    values (${t.tenantId}, ${newId()}, ${`${type} ${key}`}, ${type}, ${`${at}T12:00:00+08:00`}::timestamptz,
      ${acc[key]}, ${deleted ? sql`now()` : null})`);

async function rate(by: Client, query: string): Promise<TouchRate> {
  return conformsTo<{ data: TouchRate }>(
    built.app,
    'GET',
    '/api/v1/success/touch-rate',
    await by.get(`/api/v1/success/touch-rate${query}`),
    200,
  ).data;
}

async function overdue(by: Client, query: string): Promise<Overdue[]> {
  return conformsTo<{ data: Overdue[] }>(
    built.app,
    'GET',
    '/api/v1/success/touches/overdue',
    await by.get(`/api/v1/success/touches/overdue${query}`),
    200,
  ).data;
}

beforeAll(async () => {
  built = await testApp();
  t = await newTenant(built);
  admin = await login(built.app, t.adminEmail);
  const east = await dept('华东客户成功部');
  const north = await dept('华北客户成功部');
  csm1 = await userWithRole(admin, 'csm', east);
  csm2 = await userWithRole(admin, 'csm', east);
  csm3 = await userWithRole(admin, 'csm', north);
  leaver = await userWithRole(admin, 'csm', east);
  director = await userWithRole(admin, 'cs_director', east);
  rep = await userWithRole(admin, 'sales_rep');
  const db = tdb();
  const product = newId();
  const order = newId();
  await db.exec0(sql`insert into product (tenant_id, id, sku, name, type)
    values (${t.tenantId}, ${product}, 'SAAS', '订阅', 'subscription')`);
  const holder = newId();
  await db.exec0(
    sql`insert into account (tenant_id, id, name) values (${t.tenantId}, ${holder}, '订单占位')`,
  );
  await db.exec0(sql`insert into sales_order (tenant_id, id, number, account_id, type, status, order_date, amount,
      amount_currency)
    values (${t.tenantId}, ${order}, 'SO-1', ${holder}, 'new', 'confirmed', '2024-01-01', 0, 'CNY')`);
  const make = async (
    key: string,
    name: string,
    arrYuan: number,
    grade: string | null,
    csm: string | null,
    period: [string, string] = ['2025-01-01', '2025-12-31'],
  ) => {
    const id = newId();
    acc[key] = id;
    await db.exec0(sql`insert into account (tenant_id, id, name, grade, csm_id, type)
      values (${t.tenantId}, ${id}, ${name}, ${grade}, ${csm}, 'customer')`);
    const arr = arrYuan * 100;
    await db.exec0(sql`insert into subscription_line (tenant_id, id, account_id, order_id, order_line_id, order_type,
        order_date, product_id, service_start, service_end, amount, amount_currency, fx_rate, amount_base,
        amount_base_currency, arr, arr_currency, status)
      values (${t.tenantId}, ${newId()}, ${id}, ${order}, ${newId()}, 'new', '2024-12-20', ${product},
        ${period[0]}::date, ${period[1]}::date, ${arr}, 'CNY', 1, ${arr}, 'CNY', ${arr}, 'CNY', 'active')`);
  };
  // A by ARR (its CSM is active but not in A's team: kept), A by grade without a CSM
  await make('BIG', 'A1 大客户集团', 400_000, 'C', csm1.userId);
  await make('GA', 'A2 重点客户', 50_000, 'A', null);
  await make('MID', 'B1 中型客户', 150_000, 'C', csm3.userId);
  await make('SMALL', 'C0 小客户', 20_000, 'D', csm2.userId);
  await make('NEW1', 'C1 新客户', 30_000, null, null);
  await make('NEW2', 'C2 新客户', 30_000, null, null, ['2025-01-01', '2025-07-31']);
  await make('LEFT', 'C3 离职客户', 20_000, 'D', leaver.userId);
  await make('GONE', 'Z 已流失客户', 80_000, 'B', csm1.userId, ['2024-01-01', '2024-12-31']);

  // touches (12:00 Shanghai time)
  await touch('BIG', 'call', '2025-07-10');
  await touch('BIG', 'visit', '2025-05-01');
  await touch('GA', 'call', '2025-07-01'); // due 07-15: on time that very day; no visit ever
  await touch('MID', 'call', '2025-06-01'); // due 07-01
  await touch('MID', 'call', '2025-07-10', true); // deleted: no touch
  await touch('MID', 'visit', '2025-03-01');
  await touch('SMALL', 'meeting', '2025-06-20'); // a meeting keeps the call cadence
  await touch('NEW1', 'email', '2025-07-14'); // an e-mail is no touch
  await touch('NEW1', 'call', '2099-01-01'); // planned, not happened
  await touch('NEW2', 'call', '2025-05-15'); // due 07-14: overdue from 07-15
});

afterAll(async () => {
  await built?.close();
});

describe('tier settings', () => {
  it('serves the seed defaults, mirrors the activity types', async () => {
    const s = conformsTo<{ data: typeof DEFAULT_TIER_SETTINGS }>(
      built.app,
      'GET',
      '/api/v1/success/tiers/settings',
      await csm1.get('/api/v1/success/tiers/settings'),
      200,
    ).data;
    expect(s).toEqual(DEFAULT_TIER_SETTINGS);
    expect([...ACTIVITY_TYPE_VALUES].sort()).toEqual(ACTIVITY_TYPES.map((o) => o.value).sort());
  });

  it('refuses non-admins and bad settings, naming the fields, writing nothing', async () => {
    const put = (by: Client, body: unknown) => by.put('/api/v1/success/tiers/settings', body);
    expect((await put(director, { tiers: DEFAULT_TIER_SETTINGS.tiers })).statusCode).toBe(403);
    const [A, B, C] = DEFAULT_TIER_SETTINGS.tiers;
    const bad = await put(admin, {
      tiers: [{ ...A, call_every_days: 0 }, { ...B, min_arr_fen: -1 }, C],
      touch_types: { call: ['phone'], visit: [] },
    });
    expect(bad.statusCode).toBe(422);
    expect(issues(bad)).toEqual([
      'tiers[0].call_every_days:invalid_value',
      'tiers[1].min_arr_fen:invalid_value',
      'touch_types.call[0]:invalid_value',
      'touch_types.visit:invalid_value',
    ]);
    const logic = await put(admin, {
      tiers: [
        A,
        C,
        { ...B, key: 'A', team: { user_ids: [newId()], department_id: null } },
        { ...B, key: 'D', team: { user_ids: [], department_id: newId() } },
      ],
    });
    expect(issues(logic)).toEqual([
      'tiers[2].key:duplicate_tier_key',
      'tiers[2].team.user_ids[0]:invalid_reference',
      'tiers[2]:tier_unreachable',
      'tiers[3].team.department_id:invalid_reference',
      'tiers[3]:tier_unreachable',
    ]);
    const msg = (logic.json() as { error: { details: { field: string; issue: string }[] } }).error.details;
    // zh-CN by default: the message names the catch-all tier in front of it
    expect(msg.find((d) => d.field === 'tiers[2]')?.issue).toContain('「C」');
    expect(issues(await put(admin, { tiers: [] }))).toEqual(['tiers:invalid_value']);
    expect(issues(await put(admin, { nope: 1 }))).toEqual(['nope:unknown_field']);
    const after = json<{ data: unknown }>(await admin.get('/api/v1/success/tiers/settings')).data;
    expect(after).toEqual(DEFAULT_TIER_SETTINGS);
  });

  it('saves teams: A served by CSM 2, B by the north department, C by every CSM', async () => {
    const [A, B, C] = DEFAULT_TIER_SETTINGS.tiers;
    const north = await tdb().one(sql<{ id: string }>`select department_id as id from app_user
      where tenant_id = ${t.tenantId} and id = ${csm3.userId}`);
    const r = await admin.put('/api/v1/success/tiers/settings', {
      tiers: [
        { ...A, label: ' 战略客户 ', team: { user_ids: [csm2.userId, csm2.userId], department_id: null } },
        { ...B, team: { user_ids: [], department_id: north?.id ?? null } },
        C,
      ],
    });
    const s = conformsTo<{ data: typeof DEFAULT_TIER_SETTINGS }>(
      built.app,
      'PUT',
      '/api/v1/success/tiers/settings',
      r,
      200,
    ).data;
    expect(s.tiers[0]?.label).toBe('战略客户');
    expect(s.tiers[0]?.team.user_ids).toEqual([csm2.userId]);
    expect(s.touch_types).toEqual(DEFAULT_TIER_SETTINGS.touch_types);
    const audit = await tdb().one(sql<{ n: number }>`select count(*)::int as n from audit_log
      where tenant_id = ${t.tenantId} and object = 'settings' and changes ? 'success_service_tiers'`);
    expect(audit?.n).toBe(1);
  });
});

describe('the daily job', () => {
  const sortedCsms = () => [csm1.userId, csm2.userId, csm3.userId, leaver.userId].map(String).sort();

  it('tiers customers with ARR and assigns those without a CSM by round robin in their tier', async () => {
    const res = await runJob(D1);
    expect(res).toMatchObject({
      as_of: D1,
      customers: 7,
      by_tier: { A: 2, B: 1, C: 4 },
      untiered: 0,
      entered: 7,
      moved: 0,
      left: 0,
      assigned: 3,
      no_csm: 3,
      csm_inactive: 0,
      no_team: 0,
    });
    // BIG keeps its active CSM though CSM 1 is not in A's team; GA gets A's only member
    expect(await csmOf('BIG')).toBe(csm1.userId);
    expect(await csmOf('GA')).toBe(csm2.userId);
    expect(await csmOf('MID')).toBe(csm3.userId);
    // C: every active CSM in id order, the first two
    const s = sortedCsms();
    expect(await csmOf('NEW1')).toBe(s[0]);
    expect(await csmOf('NEW2')).toBe(s[1]);
    const hist = await tdb().query(sql<{
      account_id: string;
      tier_key: string;
      since: string;
    }>`select account_id,
        tier_key, to_char(since, 'YYYY-MM-DD') as since from account_tier_history where tenant_id = ${t.tenantId}`);
    expect(hist).toHaveLength(7);
    // first tiered: the clock starts at the current term's start
    expect(new Set(hist.map((h) => h.since))).toEqual(new Set(['2025-01-01']));
    const assigned = await tdb().query(sql<{
      record_id: string;
      changes: unknown;
      meta: unknown;
    }>`select record_id,
        changes, meta from audit_log where tenant_id = ${t.tenantId} and object = 'account' and meta->>'source' = 'success.tiers'`);
    expect(assigned.map((a) => a.record_id).sort()).toEqual([acc.GA, acc.NEW1, acc.NEW2].sort());
    expect(assigned.find((a) => a.record_id === acc.GA)).toMatchObject({
      changes: { csm_id: [null, csm2.userId] },
      meta: { tier: 'A', reason: 'no_csm', as_of: D1 },
    });
    const notes = await tdb().query(sql<{
      user_id: string;
      title: string;
      link: string;
    }>`select user_id, title, link
      from notification where tenant_id = ${t.tenantId} and kind = 'success.csm_assigned'`);
    expect(notes).toHaveLength(3);
    expect(notes.find((n) => n.link === `/o/account/${acc.GA}`)).toMatchObject({
      user_id: csm2.userId,
      title: '新客户分配给你：A2 重点客户（战略客户）',
    });
    const events = await tdb().query(sql<{ type: string }>`select type from outbox_event
      where tenant_id = ${t.tenantId} and type like 'service_tier.%'`);
    expect(events.filter((e) => e.type === 'service_tier.changed')).toHaveLength(7);
    expect(events.filter((e) => e.type === 'service_tier.csm_assigned')).toHaveLength(3);
  });

  it('changes nothing when the day is run again', async () => {
    const res = await runJob(D1);
    expect(res).toMatchObject({ entered: 0, moved: 0, left: 0, assigned: 0, overdue_notified: 0 });
    const n = await tdb().one(sql<{ n: number }>`select count(*)::int as n from account_tier_history
      where tenant_id = ${t.tenantId}`);
    expect(n?.n).toBe(7);
  });

  it('gives the customers of a CSM who left to the next in turn, and reminds of newly overdue touches', async () => {
    const r = await admin.patch(`/api/v1/admin/users/${leaver.userId}`, { status: 'disabled' });
    expect(r.statusCode, r.body).toBe(200);
    const res = await runJob(D2);
    expect(res).toMatchObject({ assigned: 1, csm_inactive: 1, no_csm: 0, entered: 0 });
    const s = sortedCsms();
    const active = s.filter((id) => id !== leaver.userId);
    // the pointer stands at s[1]: the turn goes to the next active CSM after it
    const expected = active.find((id) => id > String(s[1])) ?? active[0];
    expect(await csmOf('LEFT')).toBe(expected);
    const pointer = await tdb().one(sql<{
      last_user_id: string;
      assigned: number;
    }>`select last_user_id, assigned
      from service_tier_rotation where tenant_id = ${t.tenantId} and tier_key = 'C'`);
    expect(pointer).toEqual({ last_user_id: expected, assigned: 3 });
    // NEW2's call was due 07-14: it became overdue on 07-15 — its CSM hears it, once
    expect(res.overdue_notified).toBe(1);
    const notes = await tdb().query(sql<{
      user_id: string;
      body: string;
    }>`select user_id, body from notification
      where tenant_id = ${t.tenantId} and kind = 'success.touch_overdue'`);
    expect(notes).toEqual([
      { user_id: await csmOf('NEW2'), body: expect.stringContaining('C2 新客户') as string },
    ]);
    expect((await runJob(D2)).overdue_notified).toBe(0);
  });

  it('moves a customer whose grade changed (the clock restarts) and lets one without ARR leave', async () => {
    await tdb().exec0(sql`update account set grade = 'B' where tenant_id = ${t.tenantId} and id = ${acc.GA}`);
    const res = await runJob(D3);
    expect(res).toMatchObject({ moved: 1, left: 1, entered: 0, customers: 6 });
    const rows = await tdb().query(sql<{
      account_id: string;
      tier_key: string | null;
      since: string | null;
    }>`select
        account_id, tier_key, to_char(since, 'YYYY-MM-DD') as since from account_tier_history
      where tenant_id = ${t.tenantId} and effective_on = ${D3}::date order by tier_key nulls last`);
    expect(rows).toEqual([
      { account_id: acc.GA, tier_key: 'B', since: D3 },
      { account_id: acc.NEW2, tier_key: null, since: null },
    ]);
    // GA keeps its CSM when it moves
    expect(await csmOf('GA')).toBe(csm2.userId);
  });
});

describe('touch rate', () => {
  // on D2 (07-15): BIG and SMALL on cadence; GA (no visit), MID (call due 07-01), NEW1 (e-mail and
  // a planned call only), NEW2 (call due 07-14), LEFT (never touched) are not
  const onCadence: Record<string, boolean> = {
    BIG: true,
    GA: false,
    MID: false,
    SMALL: true,
    NEW1: false,
    NEW2: false,
    LEFT: false,
  };

  it('is customers on cadence ÷ customers due, overall, per CSM and per tier', async () => {
    const r = await rate(admin, `?as_of=${D2}`);
    expect(r.overall).toEqual({ due: 7, touched: 2, rate: 28.6 });
    const byCsm = new Map<string | null, Cell>();
    for (const [key, ok] of Object.entries(onCadence)) {
      const csm = await csmOf(key);
      const c = byCsm.get(csm) ?? { due: 0, touched: 0, rate: null };
      byCsm.set(csm, { ...c, due: c.due + 1, touched: c.touched + (ok ? 1 : 0) });
    }
    expect(r.by_csm.map((c) => [c.csm_id, c.due, c.touched]).sort()).toEqual(
      [...byCsm].map(([k, c]) => [k, c.due, c.touched]).sort(),
    );
    // the north CSM: MID (call overdue) and perhaps LEFT (never called), no visit overdue
    const north = byCsm.get(csm3.userId);
    expect(r.by_csm.find((c) => c.csm_id === csm3.userId)).toMatchObject({
      due: north?.due,
      touched: 0,
      rate: 0,
      overdue_calls: north?.due,
      overdue_visits: 0,
    });
    // tiers as they were on D2 (GA still A)
    expect(r.by_tier.map((x) => [x.tier_key, x.customers, x.due, x.touched])).toEqual([
      ['A', 2, 2, 1],
      ['B', 1, 1, 0],
      ['C', 4, 4, 1],
    ]);
    expect(r.last_run_on).toBe(D3);
  });

  it('measures past months on their last day with the tiers of that day', async () => {
    const r = await rate(admin, `?as_of=${D2}&period=month`);
    expect(r.trend.map((p) => p.as_of)).toEqual([
      '2025-02-28',
      '2025-03-31',
      '2025-04-30',
      '2025-05-31',
      '2025-06-30',
      D2,
    ]);
    // nobody was tiered before the first run on 06-30
    expect(r.trend[3]).toMatchObject({ due: 0, touched: 0, rate: null });
    // 06-30: MID (call 06-01), SMALL (meeting 06-20) and NEW2 (call 05-15, due 07-14) on cadence;
    // BIG's only call is 07-10
    expect(r.trend[4]).toMatchObject({ due: 7, touched: 3, rate: 42.9 });
    const weeks = await rate(admin, `?as_of=${D3}&period=week`);
    expect(weeks.trend[5]).toMatchObject({ from: '2025-07-28', to: '2025-08-03', as_of: D3 });
    expect(weeks.overall.due).toBe(6);
  });

  it("shows a CSM their book, a director their department's, a sales rep nothing", async () => {
    const csms = new Map<string, string | null>();
    for (const k of Object.keys(onCadence)) csms.set(k, await csmOf(k));
    const cell = (keep: (csm: string | null) => boolean): Cell => {
      const keys = Object.keys(onCadence).filter((k) => keep(csms.get(k) ?? null));
      const touched = keys.filter((k) => onCadence[k]).length;
      return { due: keys.length, touched, rate: Math.round((touched / keys.length) * 1000) / 10 };
    };
    const mine = await rate(csm3, `?as_of=${D2}`);
    expect(mine.overall).toEqual(cell((c) => c === csm3.userId));
    expect(mine.by_csm.map((c) => c.csm_id)).toEqual([csm3.userId]);
    // the east department: everyone but the customers of the north CSM (MID at least)
    const dir = await rate(director, `?as_of=${D2}`);
    expect(dir.overall).toEqual(cell((c) => c !== csm3.userId));
    expect(dir.overall.due).toBeLessThan(7);
    expect((await rate(director, `?as_of=${D2}&csm_id=${csm3.userId}`)).overall.due).toBe(0);
    expect((await rate(rep, `?as_of=${D2}`)).overall).toEqual({ due: 0, touched: 0, rate: null });
  });

  it('refuses bad query values, naming them', async () => {
    const bad = await admin.get('/api/v1/success/touch-rate?as_of=2025-02-30');
    expect(bad.statusCode).toBe(422);
    expect(issues(bad)).toEqual(['as_of:invalid_date']);
    expect(issues(await admin.get('/api/v1/success/touch-rate?period=year'))).toEqual([
      'period:invalid_value',
    ]);
    expect(issues(await admin.get('/api/v1/success/touch-rate?csm_id=me'))).toEqual(['csm_id:invalid_value']);
    expect(issues(await admin.get('/api/v1/success/touches/overdue?kind=email'))).toEqual([
      'kind:invalid_value',
    ]);
    expect(issues(await admin.post('/api/v1/success/tiers/run', { as_of: '07/15' }))).toEqual([
      'as_of:invalid_date',
    ]);
    expect((await csm1.post('/api/v1/success/tiers/run', { as_of: D2 })).statusCode).toBe(403);
  });
});

describe('overdue touches', () => {
  it('lists every overdue touch, most overdue first, with when it was due', async () => {
    const list = await overdue(admin, `?as_of=${D2}`);
    const key = (id: string) => Object.keys(acc).find((k) => acc[k] === id);
    expect(list.map((o) => [key(o.account_id), o.kind, o.days_overdue, o.due_on, o.last_touch_on])).toEqual([
      ['NEW1', 'call', 135, '2025-03-02', null],
      ['LEFT', 'call', 135, '2025-03-02', null],
      ['GA', 'visit', 105, '2025-04-01', null],
      ['MID', 'call', 14, '2025-07-01', '2025-06-01'],
      ['NEW2', 'call', 1, '2025-07-14', '2025-05-15'],
    ]);
    expect((await overdue(admin, `?as_of=${D2}&kind=visit`)).map((o) => key(o.account_id))).toEqual(['GA']);
  });

  it("gives a CSM their own list and a director their department's", async () => {
    const all = await overdue(admin, `?as_of=${D2}`);
    const mine = await overdue(csm3, `?as_of=${D2}`);
    expect(mine.map((o) => o.account_id)).toContain(acc.MID);
    expect(mine).toEqual(all.filter((o) => o.csm_id === csm3.userId));
    const dir = await overdue(director, `?as_of=${D2}`);
    expect(dir).toEqual(all.filter((o) => o.csm_id !== csm3.userId));
    expect(await overdue(rep, `?as_of=${D2}`)).toEqual([]);
  });
});
