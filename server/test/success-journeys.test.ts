// Lifecycle journeys (issue 9, docs/ENGAGEMENT.md "Lifecycle journeys"): a confirmed new order
// starts its customer's journey once (replays, second orders, renewals, old orders and cancelled
// orders do not), who sees and who moves a journey, key-task results (checkbox, note, a file on the
// customer), completing stages only with every result (a removed file no longer counts), the next
// stage's dates, the automatic CSAT of a stage, the daily overdue check (one task per stage), the
// stage-durations report, cancelling and starting by hand, and the template an administrator edits.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import type { BuiltApp } from '../src/app.ts';
import { TenantDb } from '../src/platform/db/tenant-db.ts';
import { loadActor } from '../src/platform/identity/actor.ts';
import { todayIn } from '../src/platform/jobs/dates.rules.ts';
import type { StoredEvent } from '../src/platform/events/dispatcher.ts';
import { journeysSubscriber } from '../src/modules/success/journeys.jobs.ts';
import { addDaysIso } from '../src/modules/success/journeys.rules.ts';
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
const errKey = (r: { json(): unknown }) => (r.json() as Err).error.key;

interface Task {
  key: string;
  result: 'checkbox' | 'note' | 'file';
  required: boolean;
  done: boolean;
  note: string | null;
  attachment_id: string | null;
  file_name: string | null;
  file_present: boolean;
}
interface Stage {
  key: string;
  name: string;
  state: string;
  entered_on: string | null;
  due_on: string | null;
  completed_on: string | null;
  days: number | null;
  overdue: boolean;
  overdue_days: number;
  overdue_task_id: string | null;
  tasks: Task[];
}
interface Journey {
  id: string;
  version: number;
  account_id: string;
  order_id: string | null;
  status: string;
  current_stage: string | null;
  current_due_on: string | null;
  overdue: boolean;
  overdue_days: number;
  owner_id: string | null;
  started_on: string;
  completed_on: string | null;
  may_advance: boolean;
  stages_done: number;
  stages: Stage[];
}

let built: BuiltApp;
let t: TestTenant;
let admin: Client;
let csm1: Client;
let csm2: Client;
let director: Client;
let rep: Client;
let today: string;
let product: string;
const acc: Record<string, string> = {};
const tdb = () => TenantDb.for(built.platform.db, t.tenantId);
const drain = () => built.platform.events.drain(t.tenantId);

async function dept(n: string): Promise<string> {
  return json<{ data: { id: string } }>(
    await admin.post('/api/v1/admin/departments', { name: n, parent_id: null }),
  ).data.id;
}

async function order(account: string, body: Record<string, unknown> = {}): Promise<string> {
  const r = await admin.post('/api/v1/orders', {
    account_id: acc[account],
    status: 'confirmed',
    lines: [{ product_id: product, quantity: 1, unit_price: 5_000_000, amount: 5_000_000 }],
    ...body,
  });
  expect(r.statusCode, r.body).toBe(201);
  return json<{ data: { id: string } }>(r).data.id;
}

async function journeyOf(c: Client, account: string): Promise<{ data: Journey | null; journeys: Journey[] }> {
  const r = await c.get(`/api/v1/accounts/${acc[account]}/journey`);
  const b = conformsTo<{ data: Journey | null; meta: { journeys: Journey[] } }>(
    built.app,
    'GET',
    '/api/v1/accounts/:id/journey',
    r,
    200,
  );
  return { data: b.data, journeys: b.meta.journeys };
}

const record = (c: Client, j: string, stage: string, task: string, body: Record<string, unknown>) =>
  c.put(`/api/v1/journeys/${j}/stages/${stage}/tasks/${task}`, body);

async function recorded(c: Client, j: string, stage: string, task: string, body: Record<string, unknown>) {
  const r = await record(c, j, stage, task, body);
  return conformsTo<{ data: Journey }>(
    built.app,
    'PUT',
    '/api/v1/journeys/:id/stages/:stage/tasks/:task',
    r,
    200,
  ).data;
}

const complete = (c: Client, j: string, body: Record<string, unknown>) =>
  c.post(`/api/v1/journeys/${j}/complete-stage`, body);

async function completed(c: Client, j: string, body: Record<string, unknown>) {
  const r = await complete(c, j, body);
  return conformsTo<{ data: Journey; meta: { surveys: Record<string, unknown>[] } }>(
    built.app,
    'POST',
    '/api/v1/journeys/:id/complete-stage',
    r,
    200,
  );
}

/** A file attached to a customer, uploaded by `c`. */
async function file(c: Client, account: string, name: string): Promise<string> {
  const actor = await loadActor(built.platform.db, t.tenantId, { userId: c.userId ?? '' });
  if (!actor) throw new Error('no actor');
  const f = await built.platform.files.store(
    actor,
    'account',
    acc[account] ?? '',
    name,
    'application/pdf',
    Buffer.from('%PDF-1.4 验收'),
  );
  return f.id;
}

/** Records every key task of a stage by its kind. */
async function fill(c: Client, j: Journey, stage: string, account: string): Promise<Journey> {
  let cur = j;
  for (const k of j.stages.find((s) => s.key === stage)?.tasks ?? []) {
    const body =
      k.result === 'checkbox'
        ? { done: true }
        : k.result === 'note'
          ? { note: `${k.key} 已完成，纪要已发客户` }
          : { attachment_id: await file(c, account, `${k.key}.pdf`) };
    cur = await recorded(c, j.id, stage, k.key, body);
  }
  return cur;
}

async function runJob(asOf: string): Promise<Record<string, unknown>> {
  const r = await admin.post('/api/v1/admin/jobs/success.journeys/run', { as_of: asOf });
  expect(r.statusCode, r.body).toBe(200);
  const run = json<{ data: { status: string; error: string | null; result: Record<string, unknown> } }>(
    r,
  ).data;
  expect(run.status, run.error ?? '').toBe('succeeded');
  return run.result;
}

async function notes(userId: string | null): Promise<string[]> {
  const rows = await tdb().query(sql<{ kind: string }>`select kind from notification
    where tenant_id = ${t.tenantId} and user_id = ${userId} order by created_at`);
  return rows.map((r) => r.kind);
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
  const make = async (key: string, csm: string | null) => {
    const r = await rep.post('/api/v1/objects/account', {
      name: `${key} 旅程科技有限公司`,
      ...(csm ? { csm_id: csm } : {}),
    });
    expect(r.statusCode, r.body).toBe(201);
    acc[key] = json<{ data: { id: string } }>(r).data.id;
  };
  await make('A', csm1.userId);
  await make('B', csm2.userId);
  await make('C', null);
  await make('D', csm1.userId);
  await make('E', csm1.userId);
  const p = await admin.post('/api/v1/objects/product', {
    sku: 'IMPL',
    name: '实施服务',
    type: 'one_time',
    list_price: 100,
  });
  expect(p.statusCode, p.body).toBe(201);
  product = json<{ data: { id: string } }>(p).data.id;
  const tz = await tdb().one(
    sql<{ tz: string }>`select time_zone as tz from tenant where id = ${t.tenantId}`,
  );
  today = todayIn(tz?.tz ?? 'Asia/Shanghai');
}, 60_000);

afterAll(async () => {
  await built?.close();
});

describe('a confirmed order starts the journey', () => {
  let orderA: string;
  it('a new order signed 40 days ago starts A’s journey on its signing day, owned by its CSM', async () => {
    orderA = await order('A', { order_date: addDaysIso(today, -40) });
    expect((await journeyOf(admin, 'A')).data).toBeNull();
    await drain();
    const { data: j, journeys } = await journeyOf(csm1, 'A');
    expect(journeys).toHaveLength(1);
    expect(j).toMatchObject({
      status: 'active',
      order_id: orderA,
      owner_id: csm1.userId,
      started_on: addDaysIso(today, -40),
      current_stage: 'preparation',
      current_due_on: addDaysIso(today, -26),
      overdue: true,
      overdue_days: 26,
      may_advance: true,
      stages_done: 0,
    });
    expect(j?.stages.map((s) => [s.key, s.state])).toEqual([
      ['preparation', 'current'],
      ['configuration', 'pending'],
      ['trial_run', 'pending'],
      ['coaching', 'pending'],
      ['stable', 'pending'],
    ]);
    expect(j?.stages[0]?.tasks.map((k) => `${k.key}:${k.result}`)).toEqual([
      'contract:checkbox',
      'initiation:checkbox',
      'kickoff:note',
      'research:note',
      'requirements:file',
    ]);
    expect(j?.stages[0]?.days).toBe(40);
    expect(await notes(csm1.userId)).toContain('success.journey_started');
  });

  it('a replayed event, a second new order and a renewal start nothing more', async () => {
    const ev = await tdb()
      .one(sql<StoredEvent>`select id, tenant_id, type, object, record_id, actor_user_id, payload,
        created_at from outbox_event where tenant_id = ${t.tenantId} and type = 'order.confirmed' and record_id = ${orderA}`);
    if (!ev) throw new Error('no event');
    await tdb().transaction((tx) => journeysSubscriber().handle(ev, tx));
    await order('A');
    await order('B', { type: 'renewal' });
    await drain();
    expect((await journeyOf(admin, 'A')).journeys).toHaveLength(1);
    expect((await journeyOf(admin, 'B')).data).toBeNull();
  });

  it('an order signed before the start window (a historical load) starts nothing', async () => {
    await order('B', { order_date: addDaysIso(today, -91) });
    await drain();
    expect((await journeyOf(admin, 'B')).data).toBeNull();
  });

  it('cancelling the order cancels the journey it started; the customer’s owner owns one without a CSM', async () => {
    const o = await order('C');
    await drain();
    const before = (await journeyOf(admin, 'C')).data;
    expect(before).toMatchObject({ status: 'active', owner_id: rep.userId });
    const r = await admin.post(`/api/v1/orders/${o}/cancel`, { reason: '客户取消采购' });
    expect(r.statusCode, r.body).toBe(200);
    await drain();
    const after = (await journeyOf(admin, 'C')).data;
    expect(after).toMatchObject({
      id: before?.id,
      status: 'cancelled',
      current_stage: null,
      may_advance: false,
    });
    expect(after?.stages.every((s) => s.state !== 'current')).toBe(true);
  });
});

describe('who sees and who moves a journey', () => {
  it('readers of the customer see it; another CSM and a CS director of another team do not', async () => {
    expect((await journeyOf(rep, 'A')).data?.may_advance).toBe(false); // the owner, not the CSM
    expect((await journeyOf(director, 'A')).data?.may_advance).toBe(true); // over csm1's book
    expect((await csm2.get(`/api/v1/accounts/${acc.A}/journey`)).statusCode).toBe(404);
    const id = (await journeyOf(admin, 'A')).data?.id ?? '';
    expect((await csm2.get(`/api/v1/journeys/${id}`)).statusCode).toBe(404);
    expect((await record(csm2, id, 'preparation', 'contract', { done: true })).statusCode).toBe(404);
    expect((await record(rep, id, 'preparation', 'contract', { done: true })).statusCode).toBe(403);
    const list = await csm2.get('/api/v1/success/journeys');
    const b = conformsTo<{ data: { account_id: string }[] }>(
      built.app,
      'GET',
      '/api/v1/success/journeys',
      list,
      200,
    );
    expect(b.data.map((x) => x.account_id)).not.toContain(acc.A);
  });
});

describe('key tasks and completing a stage', () => {
  let j: Journey;
  beforeAll(async () => {
    j = (await journeyOf(csm1, 'A')).data as Journey;
  });

  it('records a tick, a note and a file on the customer; refuses the wrong field and another customer’s file', async () => {
    let v = await recorded(csm1, j.id, 'preparation', 'contract', { done: true });
    expect(v.stages[0]?.tasks[0]).toMatchObject({ key: 'contract', done: true });
    expect(v.version).toBe(j.version + 1);
    v = await recorded(csm1, j.id, 'preparation', 'kickoff', { note: '  启动会已开，纪要已发客户  ' });
    expect(v.stages[0]?.tasks[2]).toMatchObject({ done: true, note: '启动会已开，纪要已发客户' });
    const wrong = await record(csm1, j.id, 'preparation', 'contract', { note: 'x' });
    expect(wrong.statusCode).toBe(422);
    expect(issues(wrong)).toEqual(['done:required', 'note:unknown_field']);
    const bad = await record(csm1, j.id, 'preparation', 'kickoff', { note: 'x'.repeat(2001) });
    expect(issues(bad)).toEqual(['note:invalid_value']);
    const other = await file(csm2, 'B', '别家验收单.pdf');
    const foreign = await record(csm1, j.id, 'preparation', 'requirements', { attachment_id: other });
    expect(issues(foreign)).toEqual(['attachment_id:not_account_file']);
    expect(
      issues(await record(csm1, j.id, 'preparation', 'requirements', { attachment_id: 'nope' })),
    ).toEqual(['attachment_id:not_account_file']);
    const doc = await file(csm1, 'A', '需求确认书.pdf');
    v = await recorded(csm1, j.id, 'preparation', 'requirements', { attachment_id: doc });
    expect(v.stages[0]?.tasks[4]).toMatchObject({
      done: true,
      file_name: '需求确认书.pdf',
      file_present: true,
    });
    expect((await record(csm1, j.id, 'preparation', 'nope', { done: true })).statusCode).toBe(404);
    expect((await record(csm1, j.id, 'nope', 'contract', { done: true })).statusCode).toBe(404);
    const stale = await record(csm1, j.id, 'preparation', 'contract', { done: true, version: 1 });
    expect(stale.statusCode).toBe(409);
    expect(errKey(stale)).toBe('version_conflict');
    j = v;
  });

  it('cannot complete while required results are missing, naming each task; checks the stage and the day', async () => {
    const missing = await complete(csm1, j.id, { stage_key: 'preparation' });
    expect(missing.statusCode).toBe(422);
    expect(issues(missing)).toEqual(['tasks.initiation:result_required', 'tasks.research:result_required']);
    const notCurrent = await complete(csm1, j.id, { stage_key: 'configuration' });
    expect(notCurrent.statusCode).toBe(409);
    expect(errKey(notCurrent)).toBe('journey_stage_not_current');
    expect(
      issues(await complete(csm1, j.id, { stage_key: 'preparation', completed_on: addDaysIso(today, 1) })),
    ).toEqual(['completed_on:date_in_future']);
    expect(
      issues(await complete(csm1, j.id, { stage_key: 'preparation', completed_on: '2026-02-30' })),
    ).toEqual(['completed_on:invalid_date']);
    expect(issues(await complete(csm1, j.id, { stage: 'preparation' }))).toEqual([
      'stage:unknown_field',
      'stage_key:required',
    ]);
  });

  it('a removed file no longer proves the task', async () => {
    await recorded(csm1, j.id, 'preparation', 'initiation', { done: true });
    await recorded(csm1, j.id, 'preparation', 'research', { note: '调研了销售、财务两个部门' });
    const doc = j.stages[0]?.tasks[4]?.attachment_id ?? '';
    expect((await csm1.delete(`/api/v1/attachments/${doc}`)).statusCode).toBe(204);
    const v = json<{ data: Journey }>(await csm1.get(`/api/v1/journeys/${j.id}`)).data;
    expect(v.stages[0]?.tasks[4]).toMatchObject({ done: true, file_present: false });
    const r = await complete(csm1, j.id, { stage_key: 'preparation' });
    expect(issues(r)).toEqual(['tasks.requirements:result_required']);
    await recorded(csm1, j.id, 'preparation', 'requirements', {
      attachment_id: await file(csm1, 'A', '需求确认书-签字版.pdf'),
    });
    const early = await complete(csm1, j.id, {
      stage_key: 'preparation',
      completed_on: addDaysIso(today, -41),
    });
    expect(issues(early)).toEqual(['completed_on:before_entered']);
  });

  it('completing enters the next stage that day, due its planned days later; results freeze', async () => {
    const r = await completed(csm1, j.id, { stage_key: 'preparation', completed_on: addDaysIso(today, -30) });
    expect(r.meta.surveys).toEqual([]);
    const v = r.data;
    expect(v.stages[0]).toMatchObject({
      state: 'done',
      completed_on: addDaysIso(today, -30),
      days: 10,
      overdue: false,
    });
    expect(v.stages[1]).toMatchObject({
      state: 'current',
      entered_on: addDaysIso(today, -30),
      due_on: addDaysIso(today, 0),
      overdue: false,
    });
    expect(v).toMatchObject({ current_stage: 'configuration', stages_done: 1, overdue: false });
    const frozen = await record(csm1, j.id, 'preparation', 'contract', { done: false });
    expect(frozen.statusCode).toBe(409);
    expect(errKey(frozen)).toBe('journey_stage_completed');
    // a double submit of the same completion
    expect(errKey(await complete(csm1, j.id, { stage_key: 'preparation' }))).toBe(
      'journey_stage_not_current',
    );
    // results of a later stage may be recorded ahead
    await recorded(director, j.id, 'trial_run', 'handover', { done: true });
    j = v;
  });

  it('completing the trial run sends the active journey_stage CSAT to the key users, once', async () => {
    const contact = async (body: Record<string, unknown>) => {
      const c = await admin.post('/api/v1/objects/contact', { account_id: acc.A, ...body });
      expect(c.statusCode, c.body).toBe(201);
    };
    await contact({ name: '王芳', email: 'wangfang@a.test', role: 'system_admin' });
    await contact({ name: '李娜', email: 'lina@a.test', role: 'user' });
    const survey = async (name: string, trigger: string, status = 'active') => {
      const s = await admin.post('/api/v1/objects/survey', { name, kind: 'csat', trigger, status });
      expect(s.statusCode, s.body).toBe(201);
      return json<{ data: { id: string } }>(s).data.id;
    };
    const auto = await survey('上线验收满意度', 'journey_stage');
    await survey('手动满意度', 'manual');
    await survey('草稿满意度', 'journey_stage', 'draft');
    j = await fill(csm1, j, 'configuration', 'A');
    j = (await completed(csm1, j.id, { stage_key: 'configuration', completed_on: addDaysIso(today, -5) }))
      .data;
    j = await fill(csm1, j, 'trial_run', 'A');
    const r = await completed(csm1, j.id, { stage_key: 'trial_run' });
    const round = String(r.meta.surveys[0]?.round);
    expect(round).toMatch(/^trial_run-[0-9a-f]{12}$/);
    expect(r.meta.surveys).toEqual([
      {
        survey_id: auto,
        survey_name: '上线验收满意度',
        round,
        invited: 1,
        skipped: 0,
        no_key_users: false,
        error: null,
      },
    ]);
    const inv = await tdb().query(sql<{
      email: string;
      round: string;
    }>`select email, round from survey_invitation
      where tenant_id = ${t.tenantId} and survey_id = ${auto}`);
    expect(inv).toEqual([{ email: 'wangfang@a.test', round }]);
    const mail = await tdb().one(sql<{ n: number }>`select count(*)::int as n from mail_outbox
      where tenant_id = ${t.tenantId} and to_address = 'wangfang@a.test'`);
    expect(mail?.n).toBe(1);
    expect(r.data).toMatchObject({ current_stage: 'coaching', stages_done: 3 });
    expect(r.data.stages[2]).toMatchObject({ completed_on: today, days: 5 });
    j = r.data;
  });

  it('completing the last stage completes the journey', async () => {
    for (const stage of ['coaching', 'stable']) {
      j = await fill(csm1, j, stage, 'A');
      j = (await completed(csm1, j.id, { stage_key: stage })).data;
    }
    expect(j).toMatchObject({
      status: 'completed',
      completed_on: today,
      current_stage: null,
      may_advance: false,
    });
    expect(j.stages.every((s) => s.state === 'done')).toBe(true);
    expect(errKey(await complete(csm1, j.id, { stage_key: 'stable' }))).toBe('journey_state_conflict');
    const events = await tdb().query(sql<{ type: string }>`select type from outbox_event
      where tenant_id = ${t.tenantId} and record_id = ${j.id} order by seq`);
    expect(events.filter((e) => e.type === 'journey.stage_completed')).toHaveLength(5);
    expect(events.map((e) => e.type)).toContain('journey.completed');
  });
});

describe('the daily overdue check', () => {
  let b: Journey;
  it('starting by hand: CSM of the customer, not in the future, not twice', async () => {
    const future = await csm2.post(`/api/v1/accounts/${acc.B}/journey`, { started_on: addDaysIso(today, 1) });
    expect(issues(future)).toEqual(['started_on:date_in_future']);
    expect((await csm1.post(`/api/v1/accounts/${acc.B}/journey`, {})).statusCode).toBe(404);
    expect((await rep.post(`/api/v1/accounts/${acc.B}/journey`, {})).statusCode).toBe(403);
    const r = await csm2.post(`/api/v1/accounts/${acc.B}/journey`, { started_on: addDaysIso(today, -20) });
    b = conformsTo<{ data: Journey }>(built.app, 'POST', '/api/v1/accounts/:id/journey', r, 201).data;
    expect(b).toMatchObject({ order_id: null, current_due_on: addDaysIso(today, -6), overdue_days: 6 });
    const again = await csm2.post(`/api/v1/accounts/${acc.B}/journey`, {});
    expect(again.statusCode).toBe(409);
    expect(errKey(again)).toBe('journey_exists');
  });

  it('alerts a stage past its due day once: a task and a notification for the CSM', async () => {
    expect(await runJob(addDaysIso(today, -6))).toMatchObject({ alerted: 0 }); // the due day is on time
    const first = await runJob(today);
    expect(first).toMatchObject({ alerted: 1, tasks: 1, notified: 1, without_owner: 0 });
    expect(await runJob(today)).toMatchObject({ alerted: 0, overdue: 1 });
    expect(await runJob(addDaysIso(today, 1))).toMatchObject({ alerted: 0 });
    const v = json<{ data: Journey }>(await csm2.get(`/api/v1/journeys/${b.id}`)).data;
    const taskId = v.stages[0]?.overdue_task_id ?? '';
    const task = await tdb().one(sql<{
      owner_id: string;
      status: string;
      subject: string;
      priority: string;
    }>`select
        owner_id, status, subject, priority from task where tenant_id = ${t.tenantId} and id = ${taskId}`);
    expect(task).toMatchObject({ owner_id: csm2.userId, status: 'open', priority: 'high' });
    expect(task?.subject).toContain('B 旅程科技有限公司');
    expect(await notes(csm2.userId)).toContain('success.journey_overdue');
    const list = conformsTo<{ data: { id: string; overdue_days: number }[]; meta: { overdue: number } }>(
      built.app,
      'GET',
      '/api/v1/success/journeys',
      await admin.get('/api/v1/success/journeys?overdue=true'),
      200,
    );
    expect(list.data.map((x) => x.id)).toContain(b.id);
    expect(list.data.every((x) => x.overdue_days > 0)).toBe(true);
    expect(issues(await admin.get('/api/v1/success/journeys?status=open&overdue=yes'))).toEqual([
      'overdue:invalid_value',
      'status:invalid_value',
    ]);
  });

  it('completing the stage marks its overdue task done', async () => {
    b = await fill(csm2, b, 'preparation', 'B');
    const v = (await completed(csm2, b.id, { stage_key: 'preparation' })).data;
    const taskId = v.stages[0]?.overdue_task_id ?? '';
    const task = await tdb().one(sql<{ status: string }>`select status from task
      where tenant_id = ${t.tenantId} and id = ${taskId}`);
    expect(task?.status).toBe('done');
    expect(v.stages[0]).toMatchObject({ days: 20, overdue: false });
  });
});

describe('cancelling', () => {
  it('needs a reason; a cancelled journey cannot move, and a new one may start', async () => {
    const r = await csm1.post(`/api/v1/accounts/${acc.D}/journey`, {});
    const d = json<{ data: Journey }>(r).data;
    expect(issues(await csm1.post(`/api/v1/journeys/${d.id}/cancel`, { reason: ' ' }))).toEqual([
      'reason:required',
    ]);
    const c = await csm1.post(`/api/v1/journeys/${d.id}/cancel`, { reason: '重复创建' });
    expect(
      conformsTo<{ data: Journey }>(built.app, 'POST', '/api/v1/journeys/:id/cancel', c, 200).data,
    ).toMatchObject({
      status: 'cancelled',
      may_advance: false,
    });
    expect(errKey(await record(csm1, d.id, 'preparation', 'contract', { done: true }))).toBe(
      'journey_state_conflict',
    );
    expect((await csm1.post(`/api/v1/accounts/${acc.D}/journey`, {})).statusCode).toBe(201);
    expect((await journeyOf(csm1, 'D')).journeys.map((x) => x.status)).toEqual(['active', 'cancelled']);
  });
});

describe('the stage-durations report', () => {
  it('per stage: completed with mean and median days, late ones, under way and overdue', async () => {
    const r = await admin.get(`/api/v1/success/journeys/report?from=${addDaysIso(today, -60)}&to=${today}`);
    const report = conformsTo<{
      data: {
        as_of: string;
        started: number;
        completed: number;
        cancelled: number;
        stages: {
          key: string;
          completed: number;
          mean_days: number | null;
          completed_late: number;
          open: number;
        }[];
      };
    }>(built.app, 'GET', '/api/v1/success/journeys/report', r, 200).data;
    expect(report).toMatchObject({ as_of: today, started: 5, completed: 1, cancelled: 2 });
    const by = new Map(report.stages.map((s) => [s.key, s]));
    expect([...by.keys()]).toEqual(['preparation', 'configuration', 'trial_run', 'coaching', 'stable']);
    // A: 10 days of 14 planned, on time; B (started by hand): 20 days, 6 late
    expect(by.get('preparation')).toMatchObject({ completed: 2, mean_days: 15, completed_late: 1 });
    expect(by.get('configuration')).toMatchObject({ completed: 1, mean_days: 25, open: 1 });
    expect(by.get('trial_run')).toMatchObject({ completed: 1, mean_days: 5 });
    // the CSM of B sees only B
    const mine = json<{ data: { stages: { key: string; completed: number }[] } }>(
      await csm2.get(`/api/v1/success/journeys/report?from=${addDaysIso(today, -60)}`),
    ).data;
    expect(mine.stages.find((s) => s.key === 'preparation')?.completed).toBe(1);
    expect(issues(await admin.get('/api/v1/success/journeys/report?from=2026-13-01&to=2026-01-01'))).toEqual([
      'from:invalid_date',
    ]);
    expect(issues(await admin.get('/api/v1/success/journeys/report?from=2026-02-01&to=2026-01-01'))).toEqual([
      'to:before_from',
    ]);
  });
});

describe('the template', () => {
  it('reads the built-in one; only administrators save, every issue named, versions checked', async () => {
    const g = conformsTo<{
      data: { version: number; is_default: boolean; stages: { key: string; planned_days: number }[] };
    }>(
      built.app,
      'GET',
      '/api/v1/success/journeys/template',
      await csm1.get('/api/v1/success/journeys/template'),
      200,
    ).data;
    expect(g).toMatchObject({ version: 0, is_default: true });
    const stages = g.stages.map((s) => (s.key === 'preparation' ? { ...s, planned_days: 10 } : s));
    expect((await csm1.put('/api/v1/success/journeys/template', { stages })).statusCode).toBe(403);
    const bad = await admin.put('/api/v1/success/journeys/template', {
      stages: [{ key: 'x', name: '', tasks: [{ key: 'a', name: 'A', result: 'photo' }] }],
    });
    expect(issues(bad)).toEqual(['stages[0].name:required', 'stages[0].tasks[0].result:invalid_value']);
    const ok = await admin.put('/api/v1/success/journeys/template', {
      version: 0,
      start_window_days: 30,
      stages,
    });
    expect(
      conformsTo<{ data: { version: number } }>(
        built.app,
        'PUT',
        '/api/v1/success/journeys/template',
        ok,
        200,
      ).data,
    ).toMatchObject({ version: 1, is_default: false, start_window_days: 30 });
    const stale = await admin.put('/api/v1/success/journeys/template', { version: 0, stages });
    expect(errKey(stale)).toBe('version_conflict');
    const audit = await tdb().one(sql<{ n: number }>`select count(*)::int as n from audit_log
      where tenant_id = ${t.tenantId} and object = 'journey_template'`);
    expect(audit?.n).toBe(1);
  });

  it('new journeys take the saved template; journeys under way keep theirs', async () => {
    const e = json<{ data: Journey }>(await csm1.post(`/api/v1/accounts/${acc.E}/journey`, {})).data;
    expect(e.stages[0]?.due_on).toBe(addDaysIso(today, 10));
    const d = (await journeyOf(csm1, 'D')).data;
    expect(d?.stages[0]?.due_on).toBe(addDaysIso(today, 14));
  });
});
