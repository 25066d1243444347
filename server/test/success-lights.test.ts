// Traffic lights and complaints (issue 9, docs/ENGAGEMENT.md "Traffic lights and complaints"):
// raising routes the light and tells the CSM owner and the responsible person, the lifecycle with
// bad input and wrong states, reopen, the daily escalation job (grade limits, renewal proximity,
// once a day), complaints through the endpoint and the generic API, the root-cause report and who
// may raise and see a light.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import type { BuiltApp } from '../src/app.ts';
import { TenantDb } from '../src/platform/db/tenant-db.ts';
import { lightClosedListeners, type ClosedLight } from '../src/modules/success/lights.service.ts';
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

interface Light {
  id: string;
  version: number;
  account_id: string;
  status: string;
  color: string;
  reason: string;
  source: string;
  owner_id: string | null;
  responsible_id: string | null;
  complaint_id: string | null;
  escalation_level: number;
  priority: string;
  reopened_count: number;
  age_days: number;
  action_task_ids: string[];
  meeting_attendees: string[];
  root_cause: string | null;
}

let built: BuiltApp;
let t: TestTenant;
let admin: Client;
let csm1: Client;
let csm2: Client;
let director: Client;
let rep: Client;
let salesMgr: Client;
let rdHead: Client;
const acc: Record<string, string> = {};
const tdb = () => TenantDb.for(built.platform.db, t.tenantId);
const closedSeen: ClosedLight[] = [];

async function dept(n: string): Promise<string> {
  return json<{ data: { id: string } }>(
    await admin.post('/api/v1/admin/departments', { name: n, parent_id: null }),
  ).data.id;
}

const raise = (by: Client, account: string, body: Record<string, unknown>) =>
  by.post(`/api/v1/accounts/${acc[account]}/lights`, body);

async function raised(by: Client, account: string, body: Record<string, unknown>): Promise<Light> {
  const r = await raise(by, account, body);
  return conformsTo<{ data: Light }>(built.app, 'POST', '/api/v1/accounts/:id/lights', r, 201).data;
}

const act = (by: Client, id: string, action: string, body: Record<string, unknown>) =>
  by.post(`/api/v1/lights/${id}/${action}`, body);

async function acted(by: Client, id: string, action: string, body: Record<string, unknown>): Promise<Light> {
  const r = await act(by, id, action, body);
  return conformsTo<{ data: Light }>(built.app, 'POST', `/api/v1/lights/:id/${action}`, r, 200).data;
}

async function notes(userId: string | null): Promise<string[]> {
  const rows = await tdb().query(sql<{ kind: string }>`select kind from notification
    where tenant_id = ${t.tenantId} and user_id = ${userId} order by created_at`);
  return rows.map((r) => r.kind);
}

async function runJob(asOf: string): Promise<Record<string, unknown>> {
  const r = await admin.post('/api/v1/admin/jobs/success.lights/run', { as_of: asOf });
  expect(r.statusCode, r.body).toBe(200);
  const run = json<{ data: { status: string; error: string | null; result: Record<string, unknown> } }>(
    r,
  ).data;
  expect(run.status, run.error ?? '').toBe('succeeded');
  return run.result;
}

beforeAll(async () => {
  built = await testApp();
  t = await newTenant(built);
  admin = await login(built.app, t.adminEmail);
  const east = await dept('华东客户成功部');
  const north = await dept('华北客户成功部');
  const sales = await dept('华东销售部');
  csm1 = await userWithRole(admin, 'csm', east);
  csm2 = await userWithRole(admin, 'csm', north);
  director = await userWithRole(admin, 'cs_director', east);
  rep = await userWithRole(admin, 'sales_rep', sales);
  salesMgr = await userWithRole(admin, 'sales_manager', sales);
  const role = await admin.post('/api/v1/admin/roles', {
    key: 'rd_head',
    name: { 'zh-CN': '研发负责人', 'en-US': 'Head of R&D' },
    permissions: { objects: {} },
  });
  expect(role.statusCode, role.body).toBe(201);
  rdHead = await userWithRole(admin, 'rd_head');
  const make = async (key: string, by: Client, grade: string, csm: string | null) => {
    const r = await by.post('/api/v1/objects/account', {
      name: `${key} 按灯科技有限公司`,
      grade,
      ...(csm ? { csm_id: csm } : {}),
    });
    expect(r.statusCode, r.body).toBe(201);
    acc[key] = json<{ data: { id: string } }>(r).data.id;
  };
  await make('A', admin, 'A', csm1.userId);
  await make('C', admin, 'C', csm1.userId);
  await make('R', admin, 'C', csm1.userId);
  // K belongs to the sales rep: a key person leaving goes to the rep's sales manager
  await make('K', rep, 'B', csm1.userId);
  await tdb()
    .exec0(sql`insert into due_renewal (tenant_id, id, account_id, due_date, due_arr, due_arr_currency,
      renewed_arr_currency, renewed_arr_finance_currency, status)
    values (${t.tenantId}, gen_random_uuid(), ${acc.R}, '2025-07-01', 100, 'CNY', 'CNY', 'CNY', 'upcoming')`);
  lightClosedListeners.push(async (_tx, l) => {
    closedSeen.push(l);
  });
});

afterAll(async () => {
  await built?.close();
});

describe('raising a light', () => {
  let light: Light;
  it('routes a bug to the head of R&D, owned by the CSM; both are notified', async () => {
    light = await raised(director, 'A', {
      color: 'red',
      reason: 'bug_instability',
      description: '报表频繁超时',
    });
    expect(light).toMatchObject({
      status: 'open',
      color: 'red',
      source: 'manual',
      owner_id: csm1.userId,
      responsible_id: rdHead.userId,
      escalation_level: 0,
      priority: 'normal',
      age_days: 0,
    });
    expect(await notes(csm1.userId)).toContain('success.light_owner');
    expect(await notes(rdHead.userId)).toContain('success.light_responsible');
    expect(await notes(director.userId)).toEqual([]);
  });

  it('falls back to the CS director without a head of delivery; key person left goes to the owner’s manager', async () => {
    const d = await raised(csm1, 'A', {
      color: 'yellow',
      reason: 'delivery_delayed',
      description: '上线推迟两周',
    });
    expect(d.responsible_id).toBe(director.userId);
    const k = await raised(csm1, 'K', {
      color: 'red',
      reason: 'key_person_left',
      description: 'IT 负责人离职',
    });
    expect(k.responsible_id).toBe(salesMgr.userId);
  });

  it('checks the body and who may raise', async () => {
    const bad = await raise(csm1, 'A', { color: 'green', reason: 'nope', description: '' });
    expect(bad.statusCode).toBe(422);
    expect(issues(bad)).toEqual(['color:invalid_value', 'reason:invalid_value']);
    const empty = await raise(csm1, 'A', { color: 'red', reason: 'other', description: '  ' });
    expect(issues(empty)).toEqual(['description:required']);
    // a field the endpoint does not know is named itself, beside the other problems
    const extra = await raise(csm1, 'A', { color: 'red', reason: 'other', description: 'x', colour: 'red' });
    expect(extra.statusCode).toBe(422);
    expect(issues(extra)).toEqual(['colour:unknown_field']);
    // a sales rep who cannot read A, a CSM of another customer book: no such customer for them
    expect((await raise(rep, 'A', { color: 'red', reason: 'other', description: 'x' })).statusCode).toBe(404);
    expect((await raise(csm2, 'A', { color: 'red', reason: 'other', description: 'x' })).statusCode).toBe(
      404,
    );
  });

  it('shows the light to the owner, the responsible person and the raiser — not to another CSM', async () => {
    const board = (c: Client) => c.get(`/api/v1/success/lights?account_id=${acc.A}`);
    const own = conformsTo<{ data: Light[] }>(
      built.app,
      'GET',
      '/api/v1/success/lights',
      await board(csm1),
      200,
    );
    expect(own.data.map((l) => l.id)).toContain(light.id);
    expect(json<{ data: Light[] }>(await board(csm2)).data).toEqual([]);
    expect((await csm2.get(`/api/v1/lights/${light.id}`)).statusCode).toBe(404);
    expect((await rdHead.get(`/api/v1/lights/${light.id}`)).statusCode).toBe(200);
    expect((await act(csm2, light.id, 'close', {})).statusCode).toBe(404);
    const bad = await csm1.get('/api/v1/success/lights?status=done');
    expect(issues(bad)).toEqual(['status:invalid_value']);
  });

  it('moves through meeting, action plan, resolve and close; refuses bad input and wrong states', async () => {
    const noCause = await act(csm1, light.id, 'resolve', { note: '' });
    expect(noCause.statusCode).toBe(422);
    expect(issues(noCause)).toEqual(['note:required', 'root_cause:required']);
    const closeOpen = await act(csm1, light.id, 'close', {});
    expect(closeOpen.statusCode).toBe(409);
    expect(json<Err>(closeOpen).error.key).toBe('traffic_light_state_conflict');
    const stale = await act(csm1, light.id, 'schedule-meeting', {
      version: 9,
      meeting_at: '2026-12-01T10:00:00+08:00',
      attendees: ['张伟'],
    });
    expect(json<Err>(stale).error.key).toBe('version_conflict');
    const m = await acted(csm1, light.id, 'schedule-meeting', {
      version: light.version,
      meeting_at: '2026-12-01T10:00:00+08:00',
      attendees: ['张伟', '客户 CIO'],
    });
    expect(m).toMatchObject({ status: 'meeting_scheduled', meeting_attendees: ['张伟', '客户 CIO'] });
    const badTask = await act(rdHead, light.id, 'action-plan', {
      tasks: [{ subject: '修复', due_date: '2026-12-05', owner_id: '00000000-0000-4000-8000-000000000000' }],
    });
    expect(issues(badTask)).toEqual(['tasks[0].owner_id:invalid_reference']);
    const p = await acted(rdHead, light.id, 'action-plan', {
      tasks: [
        { subject: '定位报表超时', due_date: '2026-12-05', owner_id: rdHead.userId },
        { subject: '回访客户确认', due_date: '2026-12-08' },
      ],
    });
    expect(p.status).toBe('action_plan');
    const tasks = await tdb().query(sql<{
      owner_id: string;
      account_id: string;
      subject: string;
    }>`select owner_id,
        account_id, subject from task where tenant_id = ${t.tenantId} and id = any(${p.action_task_ids}::uuid[])
      order by due_at`);
    expect(tasks).toEqual([
      { owner_id: rdHead.userId, account_id: acc.A, subject: '定位报表超时' },
      { owner_id: csm1.userId, account_id: acc.A, subject: '回访客户确认' },
    ]);
    const badCause = await act(csm1, light.id, 'resolve', { root_cause: 'gremlins', note: 'x' });
    expect(issues(badCause)).toEqual(['root_cause:invalid_value']);
    const r = await acted(csm1, light.id, 'resolve', { root_cause: 'defect', note: '索引缺失，已修复' });
    expect(r).toMatchObject({ status: 'resolved', root_cause: 'defect' });
    expect((await act(csm1, light.id, 'resolve', { root_cause: 'defect', note: 'x' })).statusCode).toBe(409);
    const c = await acted(csm1, light.id, 'close', {});
    expect(c.status).toBe('closed');
    expect(closedSeen.map((l) => [l.id, l.root_cause])).toEqual([[light.id, 'defect']]);
    // a generic update may not move business fields
    const gen = await csm1.patch(`/api/v1/objects/traffic_light/${light.id}`, { status: 'open' });
    expect(gen.statusCode).toBe(422);
  });

  it('reopens with a reason back to open', async () => {
    expect(issues(await act(director, light.id, 'reopen', {}))).toEqual(['reason:required']);
    const o = await acted(director, light.id, 'reopen', { reason: '问题复现' });
    expect(o).toMatchObject({ status: 'open', reopened_count: 1 });
  });
});

describe('escalation job', () => {
  it('escalates grade A after 2 days, C not; a renewal within 60 days escalates at once; once a day', async () => {
    const a = await raised(csm1, 'A', { color: 'red', reason: 'bug_instability', description: 'A 慢' });
    const c = await raised(csm1, 'C', { color: 'red', reason: 'bug_instability', description: 'C 慢' });
    const r = await raised(csm1, 'R', { color: 'yellow', reason: 'price_budget', description: '预算削减' });
    await tdb().exec0(sql`update traffic_light set opened_at = '2025-06-02T10:00:00+08:00'
      where tenant_id = ${t.tenantId} and id = any(${[a.id, c.id, r.id]}::uuid[])`);
    const day1 = await runJob('2025-06-03');
    expect(day1).toMatchObject({ escalated: 1, by_age: 0, by_renewal: 1 });
    const day2 = await runJob('2025-06-04');
    expect(day2).toMatchObject({ escalated: 1, by_age: 1, by_renewal: 0 });
    expect(await runJob('2025-06-04')).toMatchObject({ escalated: 0 });
    const get = async (id: string) => json<{ data: Light }>(await admin.get(`/api/v1/lights/${id}`)).data;
    // A: R&D head has no manager → the CS director; priority one step up
    expect(await get(a.id)).toMatchObject({
      escalation_level: 1,
      priority: 'high',
      responsible_id: director.userId,
    });
    expect(await get(c.id)).toMatchObject({
      escalation_level: 0,
      priority: 'normal',
      responsible_id: rdHead.userId,
    });
    // R was routed to the CS director: the next one up is the administrator
    expect(await get(r.id)).toMatchObject({
      escalation_level: 1,
      priority: 'high',
      responsible_id: t.adminUserId,
    });
    expect(await notes(director.userId)).toContain('success.light_escalated');
    // C after 10 days; A again 2 days after its escalation
    const day12 = await runJob('2025-06-12');
    expect(day12).toMatchObject({ escalated: 2, by_age: 2 });
    expect(await get(c.id)).toMatchObject({ escalation_level: 1, priority: 'high' });
    expect(await get(a.id)).toMatchObject({ escalation_level: 2, priority: 'urgent' });
  });
});

describe('complaints', () => {
  it('a complaint filed on a customer opens a red light, linked both ways', async () => {
    const r = await csm1.post(`/api/v1/accounts/${acc.C}/complaints`, {
      channel: 'phone',
      severity: 'high',
      description: '客服响应慢',
    });
    const d = conformsTo<{ data: { complaint_id: string; light: Light } }>(
      built.app,
      'POST',
      '/api/v1/accounts/:id/complaints',
      r,
      201,
    ).data;
    expect(d.light).toMatchObject({
      color: 'red',
      source: 'complaint',
      reason: 'other',
      complaint_id: d.complaint_id,
    });
    const c = await tdb().one(
      sql<{ light_id: string }>`select light_id from complaint where id = ${d.complaint_id}`,
    );
    expect(c?.light_id).toBe(d.light.id);
    const bad = await csm1.post(`/api/v1/accounts/${acc.C}/complaints`, { channel: 'fax', description: '' });
    expect(bad.statusCode).toBe(422);
    expect(
      (await csm2.post(`/api/v1/accounts/${acc.C}/complaints`, { channel: 'phone', description: 'x' }))
        .statusCode,
    ).toBe(404);
  });

  it('a complaint made through the generic API opens one too; a light cannot be made that way', async () => {
    const r = await director.post('/api/v1/objects/complaint', {
      account_id: acc.K,
      channel: 'wechat',
      description: '发票开错',
    });
    expect(r.statusCode, r.body).toBe(201);
    const rec = json<{ data: { id: string; light_id: string } }>(r).data;
    const l = await tdb().one(sql<{
      complaint_id: string;
      source: string;
      owner_id: string;
    }>`select complaint_id, source,
        owner_id from traffic_light where id = ${rec.light_id}`);
    expect(l).toEqual({ complaint_id: rec.id, source: 'complaint', owner_id: csm1.userId });
    // a person may not complain about a customer they cannot read
    const hidden = await rep.post('/api/v1/objects/complaint', {
      account_id: acc.A,
      channel: 'phone',
      description: 'x',
    });
    expect(hidden.statusCode).toBe(422);
    const gen = await admin.post('/api/v1/objects/traffic_light', {
      account_id: acc.A,
      color: 'red',
      reason: 'other',
    });
    expect(gen.statusCode).toBe(422);
  });
});

describe('root-cause report', () => {
  it('counts by cause and reason, repeat causes, mean hours to resolve and ARR bands', async () => {
    const mk = async (account: string, reason: string, cause: string | null) => {
      const l = await raised(csm1, account, { color: 'red', reason, description: 'r' });
      if (cause) await acted(csm1, l.id, 'resolve', { root_cause: cause, note: 'n' });
      return l.id;
    };
    const l1 = await mk('A', 'bug_instability', 'defect');
    const l2 = await mk('A', 'bug_instability', 'defect');
    const l3 = await mk('C', 'product_gap', 'training_adoption');
    const l4 = await mk('C', 'competitor', null);
    // placed in January 2025: 24 h, 12 h and 6 h to resolve → mean 14.0
    const at = async (id: string, created: string, resolved: string | null) =>
      tdb().exec0(sql`update traffic_light set created_at = ${created}::timestamptz,
          resolved_at = ${resolved}::timestamptz where id = ${id}`);
    await at(l1, '2025-01-10T10:00:00+08:00', '2025-01-11T10:00:00+08:00');
    await at(l2, '2025-01-12T10:00:00+08:00', '2025-01-12T22:00:00+08:00');
    await at(l3, '2025-01-15T08:00:00+08:00', '2025-01-15T14:00:00+08:00');
    await at(l4, '2025-01-20T08:00:00+08:00', null);
    const r = await admin.get('/api/v1/success/lights/report?from=2025-01-01&to=2025-01-31', {
      'accept-language': 'en-US',
    });
    const d = conformsTo<{ data: Record<string, unknown> }>(
      built.app,
      'GET',
      '/api/v1/success/lights/report',
      r,
      200,
    ).data;
    expect(d).toMatchObject({ total: 4, resolved: 3, mean_hours_to_resolve: 14 });
    expect(d.by_cause).toEqual([
      { root_cause: 'defect', label: 'Product defect', lights: 2 },
      { root_cause: 'training_adoption', label: 'Training or adoption', lights: 1 },
    ]);
    expect((d.by_reason as { reason: string; lights: number }[]).map((x) => [x.reason, x.lights])).toEqual([
      ['bug_instability', 2],
      ['competitor', 1],
      ['product_gap', 1],
    ]);
    expect(d.repeat_causes).toEqual([
      {
        account_id: acc.A,
        account_name: 'A 按灯科技有限公司',
        root_cause: 'defect',
        label: 'Product defect',
        lights: 2,
      },
    ]);
    // no subscriptions in this tenant: every customer is in the no-ARR band
    expect(d.by_arr_band).toEqual([
      { band: 'large', accounts: 0, lights: 0 },
      { band: 'mid', accounts: 0, lights: 0 },
      { band: 'small', accounts: 0, lights: 0 },
      { band: 'none', accounts: 2, lights: 4 },
    ]);
    // a CSM of another book sees none of them
    const other = json<{ data: { total: number } }>(
      await csm2.get('/api/v1/success/lights/report?from=2025-01-01&to=2025-01-31'),
    ).data;
    expect(other.total).toBe(0);
    expect(issues(await admin.get('/api/v1/success/lights/report?from=2025-13-01'))).toEqual([
      'from:invalid_date',
    ]);
  });
});
