// Activities and tasks (docs/API.md "Activities and tasks"): follow-up dates, validation,
// permissions, my day, the timeline, task completion and reminders.
import type { LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BuiltApp } from '../src/app.ts';
import { TenantDb } from '../src/platform/db/tenant-db.ts';
import { newId } from '../src/platform/db/ids.ts';
import { conformsTo, json, login, newTenant, testApp, userWithRole, type Client } from './harness.ts';

type Rec = Record<string, unknown> & { id: string };
type ErrBody = { error: { code: string; key: string; details: { field: string; code: string }[] } };

let built: BuiltApp;
let tenantId: string;
let admin: Client;
let repA: Client;
let repA2: Client;
let repB: Client;
let manager: Client;
let poolId: string;
let pipelineId: string;

const H = 3_600_000;
const ago = (ms: number): string => new Date(Date.now() - ms).toISOString();
const ahead = (ms: number): string => new Date(Date.now() + ms).toISOString();
const tdb = (): TenantDb => TenantDb.for(built.platform.db, tenantId);
const todayCn = (): string =>
  new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
const dayOf = (base: string, n: number): string =>
  new Date(Date.parse(`${base}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
/** a wall-clock time in Shanghai as an ISO instant */
const cn = (day: string, hhmm: string): string => new Date(`${day}T${hhmm}:00+08:00`).toISOString();

const conforms = <T = Record<string, unknown>>(
  method: string,
  route: string,
  res: LightMyRequestResponse,
  status: number,
): T => conformsTo<T>(built.app, method, route, res, status);

const issues = (res: LightMyRequestResponse): string[] =>
  json<ErrBody>(res).error.details.map((d) => `${d.field}:${d.code}`);

async function create(c: Client, object: string, body: Record<string, unknown>): Promise<Rec> {
  const r = await c.post(`/api/v1/objects/${object}`, body);
  expect(r.statusCode, r.body).toBe(201);
  return json<{ data: Rec }>(r).data;
}

async function row(table: 'account' | 'contact' | 'opportunity' | 'lead' | 'task', id: string): Promise<Rec> {
  const r = await tdb().one(
    sql<Rec>`select * from ${sql.table(table)} where tenant_id = ${tenantId} and id = ${id}`,
  );
  if (!r) throw new Error(`no ${table} ${id}`);
  return r;
}
const at = (v: unknown): string | null => (v instanceof Date ? v.toISOString() : null);

/** A stage row of the test pipeline ('qualify' is active, 'won' is closed-won). */
async function seedPipeline(): Promise<string> {
  const id = newId();
  await tdb().exec0(sql`insert into sales_pipeline (tenant_id, id, name, type, is_default)
    values (${tenantId}, ${id}, ${JSON.stringify({ 'zh-CN': '测试流程', 'en-US': 'Test' })}::jsonb, 'new', false)`);
  await tdb()
    .exec0(sql`insert into sales_stage (tenant_id, pipeline_id, key, name, position, type, probability, forecast_category, allow_create)
    values (${tenantId}, ${id}, 'qualify', '{"zh-CN":"验证","en-US":"Qualify"}'::jsonb, 1, 'active', 20, 'pipeline', true),
           (${tenantId}, ${id}, 'won', '{"zh-CN":"赢单","en-US":"Won"}'::jsonb, 9, 'won', 100, 'closed', false)`);
  return id;
}

/**
 * An opportunity through the generic API when the sales module's hooks fill pipeline and stage;
 * while they do not (the sales hooks are built separately), the row goes in directly on the
 * test pipeline — activities only need an opportunity that belongs to an account.
 */
async function opportunity(c: Client, accountId: string, name: string, stage = 'qualify'): Promise<string> {
  if (stage === 'qualify') {
    const r = await c.post('/api/v1/objects/opportunity', { name, account_id: accountId });
    if (r.statusCode === 201) return json<{ data: Rec }>(r).data.id;
  }
  const id = newId();
  await tdb()
    .exec0(sql`insert into opportunity (tenant_id, id, owner_id, created_by, name, account_id, pipeline_id, stage)
    values (${tenantId}, ${id}, ${c.userId}, ${c.userId}, ${name}, ${accountId}, ${pipelineId}, ${stage})`);
  return id;
}

async function capturedLead(owner: Client, name: string, mobile: string): Promise<string> {
  const r = await admin.post('/api/v1/leads/capture', {
    name,
    mobile,
    owner_id: owner.userId,
    pool_id: poolId,
  });
  expect(r.statusCode, r.body).toBe(201);
  return json<{ data: { lead_id: string } }>(r).data.lead_id;
}

beforeAll(async () => {
  built = await testApp();
  const t = await newTenant(built);
  tenantId = t.tenantId;
  admin = await login(built.app, t.adminEmail);
  const dept = async (name: string, parent: string | null): Promise<string> =>
    json<{ data: { id: string } }>(await admin.post('/api/v1/admin/departments', { name, parent_id: parent }))
      .data.id;
  const east = await dept('华东', null);
  const eastA = await dept('华东一组', east);
  const south = await dept('华南', null);
  repA = await userWithRole(admin, 'sales_rep', eastA);
  repA2 = await userWithRole(admin, 'sales_rep', eastA);
  repB = await userWithRole(admin, 'sales_rep', south);
  manager = await userWithRole(admin, 'sales_manager', east);
  poolId = (
    await create(admin, 'lead_pool', { name: '跟进测试池', first_followup_days: 3, convert_days: 30 })
  ).id;
  pipelineId = await seedPipeline();
});
afterAll(async () => built.close());

describe('follow-up dates', () => {
  it('move on account, contact, opportunity and lead; a future activity is a plan, not a follow-up', async () => {
    const acc = (await create(repA, 'account', { name: '杭州云帆科技有限公司' })).id;
    const contact = (await create(repA, 'contact', { name: '周敏', account_id: acc })).id;
    const opp = await opportunity(repA, acc, '云帆 CRM 二期');
    const lead = await capturedLead(repA, '陈立', '13700001111');
    expect((await row('lead', lead)).status).toBe('pending');
    const accVersion = (await row('account', acc)).version;

    const t1 = ago(2 * H);
    const call = await create(repA, 'activity', {
      subject: '电话沟通需求',
      type: 'call',
      occurred_at: t1,
      contact_id: contact,
    });
    expect(call.account_id).toBe(acc);
    expect(at((await row('contact', contact)).last_followed_at)).toBe(t1);
    expect(at((await row('account', acc)).last_followed_at)).toBe(t1);

    // an older visit on the deal: the deal moves, the account keeps its later date
    const t0 = ago(26 * H);
    const visit = await create(repA, 'activity', {
      subject: '上门拜访',
      type: 'visit',
      occurred_at: t0,
      opportunity_id: opp,
      latitude: 30.27,
      longitude: 120.15,
      address: '杭州市西湖区',
    });
    expect(visit.account_id).toBe(acc);
    expect(at((await row('opportunity', opp)).last_followed_at)).toBe(t0);
    expect(at((await row('account', acc)).last_followed_at)).toBe(t1);

    // a meeting planned for the day after tomorrow moves nothing …
    const meeting = await create(repA, 'activity', {
      subject: '方案评审会',
      type: 'meeting',
      occurred_at: ahead(50 * H),
      account_id: acc,
    });
    expect(at((await row('account', acc)).last_followed_at)).toBe(t1);
    // … until it is re-dated into the past (it happened early)
    const t2 = ago(10 * 60_000);
    const moved = await repA.patch(`/api/v1/objects/activity/${meeting.id}`, { occurred_at: t2 });
    expect(moved.statusCode, moved.body).toBe(200);
    expect(at((await row('account', acc)).last_followed_at)).toBe(t2);
    // follow-up dates are bookkeeping: the account itself was not edited
    expect((await row('account', acc)).version).toBe(accVersion);

    // the lead: first and last follow-up, pending → in progress, one followed_up event
    const l1 = ago(3 * H);
    await create(repA, 'activity', { subject: '首次电话', type: 'call', occurred_at: l1, lead_id: lead });
    let l = await row('lead', lead);
    expect(l).toMatchObject({ status: 'in_progress' });
    expect(at(l.first_followed_at)).toBe(l1);
    expect(at(l.last_followed_at)).toBe(l1);
    const l0 = ago(5 * H);
    await create(repA, 'activity', {
      subject: '补录：更早的微信',
      type: 'wechat',
      occurred_at: l0,
      lead_id: lead,
    });
    l = await row('lead', lead);
    expect(at(l.first_followed_at)).toBe(l0);
    expect(at(l.last_followed_at)).toBe(l1);
    const ev = await tdb().query(
      sql<{
        kind: string;
        actor_user_id: string;
      }>`select kind, actor_user_id from lead_event where tenant_id = ${tenantId} and lead_id = ${lead} and kind = 'followed_up'`,
    );
    expect(ev).toEqual([{ kind: 'followed_up', actor_user_id: repA.userId }]);

    // a future activity on a pending lead leaves it pending
    const later = await capturedLead(repA, '王五', '13700002222');
    await create(repA, 'activity', {
      subject: '约了下周见面',
      type: 'meeting',
      occurred_at: ahead(100 * H),
      lead_id: later,
    });
    expect(await row('lead', later)).toMatchObject({
      status: 'pending',
      first_followed_at: null,
      last_followed_at: null,
    });
  });

  it('a restored activity counts again', async () => {
    const acc = (await create(repA, 'account', { name: '苏州恒通物流' })).id;
    const t = ago(H);
    const a = await create(repA, 'activity', {
      subject: '电话',
      type: 'call',
      occurred_at: t,
      account_id: acc,
    });
    await tdb().exec0(
      sql`update account set last_followed_at = null where tenant_id = ${tenantId} and id = ${acc}`,
    );
    expect((await admin.delete(`/api/v1/objects/activity/${a.id}`)).statusCode).toBe(204);
    expect((await row('account', acc)).last_followed_at).toBeNull();
    const r = await admin.post(`/api/v1/objects/activity/${a.id}/restore`);
    expect(r.statusCode, r.body).toBe(200);
    expect(at((await row('account', acc)).last_followed_at)).toBe(t);
  });

  it('bulk create moves each record once, to the latest of the batch', async () => {
    const acc = (await create(repA, 'account', { name: '宁波海曙贸易' })).id;
    const lead = await capturedLead(repA, '李娜', '13700003333');
    const v0 = Number((await row('lead', lead)).version);
    const [a, b, c] = [ago(3 * H), ago(2 * H), ago(H)];
    const r = await repA.post('/api/v1/objects/activity/bulk', {
      action: 'create',
      records: [
        { subject: '电话 1', type: 'call', occurred_at: a, lead_id: lead },
        { subject: '电话 2', type: 'call', occurred_at: b, lead_id: lead },
        { subject: '拜访', type: 'visit', occurred_at: c, account_id: acc },
        { subject: '计划拜访', type: 'visit', occurred_at: ahead(24 * H), account_id: acc },
      ],
    });
    expect(r.statusCode, r.body).toBe(200);
    const l = await row('lead', lead);
    expect(at(l.first_followed_at)).toBe(a);
    expect(at(l.last_followed_at)).toBe(b);
    expect(l.status).toBe('in_progress');
    expect(Number(l.version)).toBe(v0 + 1);
    const n = await tdb().one(
      sql<{
        n: number;
      }>`select count(*)::int8 as n from lead_event where tenant_id = ${tenantId} and lead_id = ${lead} and kind = 'followed_up'`,
    );
    expect(n?.n).toBe(1);
    expect(at((await row('account', acc)).last_followed_at)).toBe(c);
  });

  it('a lead with a logged call is not recycled for no first follow-up', async () => {
    const followed = await capturedLead(repA, '赵六', '13700004444');
    const silent = await capturedLead(repA, '钱七', '13700005555');
    await create(repA, 'activity', {
      subject: '首次电话',
      type: 'call',
      occurred_at: ago(H),
      lead_id: followed,
    });
    const r = await admin.post('/api/v1/admin/jobs/leads.timers/run', { as_of: dayOf(todayCn(), 5) });
    expect(r.statusCode, r.body).toBe(200);
    expect(await row('lead', followed)).toMatchObject({ owner_id: repA.userId, status: 'in_progress' });
    expect(await row('lead', silent)).toMatchObject({ owner_id: null, status: 'unassigned' });
  });
});

describe('validation', () => {
  it('refuses activities about nothing, half a check-in, and a contact of another account — writing nothing', async () => {
    const accA = (await create(repA, 'account', { name: '上海明远科技' })).id;
    const accB = (await create(repA, 'account', { name: '上海远景咨询' })).id;
    const contact = (await create(repA, 'contact', { name: '孙伟', account_id: accA })).id;
    const opp = await opportunity(repA, accB, '远景项目');
    const count = async (): Promise<number> =>
      (
        await tdb().one(
          sql<{
            n: number;
          }>`select count(*)::int8 as n from activity where tenant_id = ${tenantId} and account_id in (${accA}, ${accB})`,
        )
      )?.n ?? -1;
    const before = await count();

    let r = await repA.post('/api/v1/objects/activity', { subject: '无关联', type: 'call' });
    expect(r.statusCode).toBe(422);
    expect(issues(r)).toEqual(['account_id:related_record_required']);
    expect(json<ErrBody>(r).error.details[0]).toMatchObject({ field: 'account_id' });

    r = await repA.post('/api/v1/objects/activity', {
      subject: '签到',
      type: 'visit',
      account_id: accA,
      latitude: 31.2,
    });
    expect(r.statusCode).toBe(422);
    expect(issues(r)).toEqual(['longitude:coordinates_pair']);

    r = await repA.post('/api/v1/objects/activity', {
      subject: '错配',
      type: 'call',
      account_id: accB,
      contact_id: contact,
    });
    expect(r.statusCode).toBe(422);
    expect(issues(r)).toEqual(['contact_id:other_account']);

    r = await repA.post('/api/v1/objects/activity', {
      subject: '错配',
      type: 'call',
      contact_id: contact,
      opportunity_id: opp,
    });
    expect(r.statusCode).toBe(422);
    expect(issues(r)).toEqual(['opportunity_id:other_account']);

    r = await repA.post(
      '/api/v1/objects/activity',
      { subject: '无关联', type: 'call' },
      { 'accept-language': 'en-US' },
    );
    expect(json<ErrBody & { error: { details: { issue: string }[] } }>(r).error.details[0]?.issue).toBe(
      'must name at least one lead, account, contact or opportunity',
    );

    // a batch with one bad row writes nothing and names the row
    r = await repA.post('/api/v1/objects/activity/bulk', {
      action: 'create',
      records: [
        { subject: '好', type: 'call', account_id: accA, occurred_at: ago(H) },
        { subject: '坏', type: 'call' },
      ],
    });
    expect(r.statusCode).toBe(422);
    expect(issues(r)).toEqual(['records[1].account_id:related_record_required']);

    // an update that breaks the pairing is refused too
    const ok = await create(repA, 'activity', {
      subject: '正常',
      type: 'call',
      account_id: accA,
      occurred_at: ago(H),
    });
    r = await repA.patch(`/api/v1/objects/activity/${ok.id}`, { account_id: accB, contact_id: contact });
    expect(r.statusCode).toBe(422);
    r = await repA.patch(`/api/v1/objects/activity/${ok.id}`, { occurred_at: null });
    expect(issues(r)).toEqual(['occurred_at:required']);
    expect(await count()).toBe(before + 1);
    // occurred_at defaults to now
    const now = await create(repA, 'activity', { subject: '刚打完电话', type: 'call', account_id: accA });
    expect(Math.abs(Date.parse(String(now.occurred_at)) - Date.now())).toBeLessThan(60_000);
  });
});

describe('permissions', () => {
  it('log only on readable records; lists and timelines follow the activity scope', async () => {
    const acc = (await create(repA, 'account', { name: '南京启明软件' })).id;
    const contact = (await create(repA, 'contact', { name: '吴芳', account_id: acc })).id;
    const opp = await opportunity(repA, acc, '启明年度订阅');

    // repB (another department) cannot log on repA's records, nor learn they exist
    for (const body of [{ account_id: acc }, { contact_id: contact }, { opportunity_id: opp }]) {
      const r = await repB.post('/api/v1/objects/activity', { subject: '越权', type: 'call', ...body });
      expect(r.statusCode).toBe(422);
      expect(issues(r)).toEqual([`${Object.keys(body)[0]}:invalid_reference`]);
    }
    const r = await repB.post('/api/v1/objects/task', { subject: '越权任务', account_id: acc });
    expect(issues(r)).toEqual(['account_id:invalid_reference']);

    const ids: string[] = [];
    for (const [i, body] of [{ account_id: acc }, { contact_id: contact }, { opportunity_id: opp }].entries())
      ids.push(
        (
          await create(repA, 'activity', {
            subject: `跟进 ${i}`,
            type: 'call',
            occurred_at: ago((i + 1) * H),
            ...body,
          })
        ).id,
      );
    const task = await create(repA, 'task', { subject: '发报价', account_id: acc, due_at: ahead(24 * H) });
    // an activity recorded on the contact only (before account filling existed): still on the account's timeline
    const legacy = newId();
    await tdb()
      .exec0(sql`insert into activity (tenant_id, id, owner_id, created_by, subject, type, occurred_at, contact_id)
      values (${tenantId}, ${legacy}, ${repA.userId}, ${repA.userId}, '旧记录', 'note', ${ago(48 * H)}, ${contact})`);

    const listed = async (c: Client): Promise<string[]> =>
      json<{ data: Rec[] }>(
        await c.get(`/api/v1/objects/activity?filter[account_id]=${acc}&limit=200`),
      ).data.map((a) => a.id);
    expect(await listed(repB)).toEqual([]);
    expect(await listed(repA2)).toEqual([]);
    expect((await listed(manager)).sort()).toEqual([...ids].sort());

    const TL = '/api/v1/activities/timeline';
    // repB cannot read the account: no timeline
    expect((await repB.get(`${TL}?object=account&id=${acc}`)).statusCode).toBe(404);
    const full = conforms<{ data: { kind: string; record: Rec }[]; next_cursor: string | null }>(
      'GET',
      TL,
      await manager.get(`${TL}?object=account&id=${acc}`),
      200,
    );
    expect(full.data.map((d) => d.record.id)).toEqual([task.id, ...ids, legacy]);
    expect(full.data[0]?.kind).toBe('task');
    // pages of two, newest first, nothing twice, nothing lost
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { data: { record: Rec }[]; next_cursor: string | null } = json(
        await repA.get(`${TL}?object=account&id=${acc}&limit=2${cursor ? `&cursor=${cursor}` : ''}`),
      );
      expect(page.data.length).toBeLessThanOrEqual(2);
      seen.push(...page.data.map((d) => d.record.id));
      cursor = page.next_cursor;
    } while (cursor);
    expect(seen).toEqual(full.data.map((d) => d.record.id));
    // contact and opportunity timelines hold only their own
    const onContact = json<{ data: { record: Rec }[] }>(
      await repA.get(`${TL}?object=contact&id=${contact}`),
    ).data;
    expect(onContact.map((d) => d.record.id)).toEqual([ids[1], legacy]);
    const onOpp = json<{ data: { record: Rec }[] }>(
      await repA.get(`${TL}?object=opportunity&id=${opp}`),
    ).data;
    expect(onOpp.map((d) => d.record.id)).toEqual([ids[2]]);
    // a same-department rep with "own" scope may be given the account, but still sees no one else's activities
    await tdb().exec0(
      sql`update account set owner_id = ${repA2.userId} where tenant_id = ${tenantId} and id = ${acc}`,
    );
    expect(json<{ data: unknown[] }>(await repA2.get(`${TL}?object=account&id=${acc}`)).data).toEqual([]);
    await tdb().exec0(
      sql`update account set owner_id = ${repA.userId} where tenant_id = ${tenantId} and id = ${acc}`,
    );

    const bad = await repA.get(`${TL}?object=account&id=${acc}&cursor=nonsense`);
    expect(bad.statusCode).toBe(400);
    expect(issues(bad)).toEqual(['cursor:invalid_cursor']);
    expect((await repA.get(`${TL}?object=invoice&id=${acc}`)).statusCode).toBe(400);
    expect((await repA.get(`${TL}?object=account&id=not-a-uuid`)).statusCode).toBe(404);
  });
});

describe('tasks', () => {
  it('completion time follows status; complete action; assignee notices; reminders as of a date', async () => {
    const rep = await userWithRole(admin, 'sales_rep');
    const other = await userWithRole(admin, 'sales_rep');
    const today = todayCn();
    const mine = await create(rep, 'task', { subject: '自己的待办', due_at: ahead(H) });
    expect(mine.completed_at).toBeNull();
    let r = await rep.patch(`/api/v1/objects/task/${mine.id}`, { status: 'done' });
    expect(json<{ data: Rec }>(r).data.completed_at).toEqual(expect.any(String));
    r = await rep.patch(`/api/v1/objects/task/${mine.id}`, { status: 'open' });
    expect(json<{ data: Rec }>(r).data.completed_at).toBeNull();
    r = await rep.patch(`/api/v1/objects/task/${mine.id}`, { completed_at: new Date().toISOString() });
    expect(issues(r)).toEqual(['completed_at:read_only']);

    const C = '/api/v1/activities/tasks/:id/complete';
    const done = conforms<{ data: Rec }>(
      'POST',
      C,
      await rep.post(`/api/v1/activities/tasks/${mine.id}/complete`),
      200,
    );
    expect(done.data).toMatchObject({ status: 'done', completed_at: expect.any(String) });
    // done already: unchanged
    const again = json<{ data: Rec }>(await rep.post(`/api/v1/activities/tasks/${mine.id}/complete`)).data;
    expect(again).toMatchObject({ version: done.data.version, completed_at: done.data.completed_at });
    expect((await other.post(`/api/v1/activities/tasks/${mine.id}/complete`)).statusCode).toBe(404);
    expect((await rep.post('/api/v1/activities/tasks/nope/complete')).statusCode).toBe(404);

    // given by someone else → the assignee hears of it; their own tasks make no noise
    const t1 = await create(admin, 'task', {
      subject: '回访客户',
      owner_id: rep.userId,
      remind_at: cn(dayOf(today, -1), '10:00'),
    });
    const t2 = await create(admin, 'task', {
      subject: '准备合同',
      owner_id: rep.userId,
      remind_at: cn(dayOf(today, 3), '09:00'),
    });
    type N = { kind: string; link: string | null; title: string };
    const notes = async (kind: string): Promise<N[]> =>
      json<{ data: N[] }>(await rep.get('/api/v1/notifications?limit=100')).data.filter(
        (n) => n.kind === kind,
      );
    expect((await notes('task.assigned')).map((n) => n.link).sort()).toEqual(
      [`/o/task/${t1.id}`, `/o/task/${t2.id}`].sort(),
    );
    // reassigning to `other` tells other
    const t3 = await create(admin, 'task', { subject: '转交的任务' });
    await admin.patch(`/api/v1/objects/task/${t3.id}`, { owner_id: other.userId });
    expect(
      json<{ data: N[] }>(await other.get('/api/v1/notifications')).data.filter(
        (n) => n.kind === 'task.assigned',
      ),
    ).toHaveLength(1);

    const run = async (asOf: string) =>
      json<{ data: { status: string; result: { reminded: number } } }>(
        await admin.post('/api/v1/admin/jobs/activities.task_reminders/run', { as_of: asOf }),
      ).data;
    expect(await run(dayOf(today, -1))).toMatchObject({ status: 'succeeded', result: { reminded: 1 } });
    expect((await run(dayOf(today, -1))).result.reminded).toBe(0);
    expect((await notes('task.reminder')).map((n) => n.link)).toEqual([`/o/task/${t1.id}`]);
    expect((await run(dayOf(today, 3))).result.reminded).toBe(1);
    expect(await notes('task.reminder')).toHaveLength(2);
    // a new reminder time is a new reminder
    await rep.patch(`/api/v1/objects/task/${t2.id}`, { remind_at: cn(dayOf(today, 4), '09:00') });
    expect((await row('task', t2.id)).reminded_at).toBeNull();
    // done tasks are not reminded
    await rep.post(`/api/v1/activities/tasks/${t2.id}/complete`);
    expect((await run(dayOf(today, 4))).result.reminded).toBe(0);
  });
});

describe('my day', () => {
  it('lists tasks, meetings and overdue follow-ups of one person for a fixed date', async () => {
    const rep = await userWithRole(admin, 'sales_rep');
    const D = '2030-06-15';
    const M = '/api/v1/activities/my-day';
    const acc = (await create(rep, 'account', { name: '成都天府数据' })).id;
    const fresh = (await create(rep, 'account', { name: '成都锦江餐饮' })).id;
    const pooled = (await create(rep, 'account', { name: '成都公海客户' })).id;
    const setAcc = (id: string, state: string, followed: string | null) =>
      tdb().exec0(
        sql`update account set state = ${state}, last_followed_at = ${followed}::timestamptz where tenant_id = ${tenantId} and id = ${id}`,
      );
    await setAcc(acc, 'owned', cn(dayOf(D, -10), '10:00'));
    await setAcc(fresh, 'won', cn(dayOf(D, -6), '10:00'));
    await setAcc(pooled, 'pool', null);
    const oppIdle = await opportunity(rep, acc, '天府数据平台', 'qualify');
    await tdb().exec0(
      sql`update opportunity set last_followed_at = ${cn(dayOf(D, -20), '10:00')} where tenant_id = ${tenantId} and id = ${oppIdle}`,
    );
    await opportunity(rep, acc, '已赢单', 'won');
    const leadIdle = await capturedLead(rep, '冯磊', '13700006666');
    const leadBusy = await capturedLead(rep, '褚丽', '13700007777');
    await tdb().exec0(
      sql`update lead set status = 'in_progress', last_followed_at = ${cn(dayOf(D, -1), '10:00')} where tenant_id = ${tenantId} and id = ${leadBusy}`,
    );

    const due = await create(rep, 'task', {
      subject: '今天交方案',
      due_at: cn(D, '17:00'),
      priority: 'high',
    });
    const dueEarly = await create(rep, 'task', { subject: '早会', due_at: cn(D, '09:00') });
    const overdue = await create(rep, 'task', { subject: '昨天就该发', due_at: cn(dayOf(D, -1), '18:00') });
    await create(rep, 'task', { subject: '明天的', due_at: cn(dayOf(D, 1), '10:00') });
    await create(rep, 'task', { subject: '已完成', due_at: cn(D, '11:00'), status: 'done' });
    await create(admin, 'task', { subject: '别人的', due_at: cn(D, '11:00') });

    const meet = await create(rep, 'activity', {
      subject: '需求会',
      type: 'meeting',
      occurred_at: cn(D, '15:00'),
      account_id: acc,
    });
    const visit = await create(rep, 'activity', {
      subject: '拜访',
      type: 'visit',
      occurred_at: cn(dayOf(D, 7), '12:00'),
      account_id: acc,
    });
    await create(rep, 'activity', {
      subject: '太远',
      type: 'demo',
      occurred_at: cn(dayOf(D, 9), '12:00'),
      account_id: acc,
    });
    await create(rep, 'activity', {
      subject: '电话不算会',
      type: 'call',
      occurred_at: cn(dayOf(D, 1), '12:00'),
      account_id: acc,
    });
    await create(rep, 'activity', {
      subject: '当天之前',
      type: 'meeting',
      occurred_at: cn(dayOf(D, -1), '12:00'),
      account_id: acc,
    });

    type Idle = { id: string; idle_days: number; limit_days: number };
    type Day = {
      date: string;
      tasks_due: { count: number; items: { id: string }[] };
      tasks_overdue: { count: number; items: { id: string }[] };
      upcoming_meetings: { count: number; items: { id: string }[] };
      follow_ups_overdue: Record<'accounts' | 'opportunities' | 'leads', { count: number; items: Idle[] }>;
    };
    const day = conforms<{ data: Day }>('GET', M, await rep.get(`${M}?date=${D}`), 200).data;
    expect(day.date).toBe(D);
    expect(day.tasks_due).toEqual({
      count: 2,
      items: [expect.objectContaining({ id: dueEarly.id }), expect.objectContaining({ id: due.id })],
    });
    // tasks due before any date are overdue for it: the one due the day before
    expect(day.tasks_overdue.items.map((t) => t.id)).toEqual([overdue.id]);
    expect(day.upcoming_meetings.items.map((m) => m.id)).toEqual([meet.id, visit.id]);
    expect(day.follow_ups_overdue.accounts.items.map((a) => a.id)).toEqual([acc]);
    expect(day.follow_ups_overdue.accounts.items[0]).toMatchObject({ idle_days: 10, limit_days: 7 });
    expect(day.follow_ups_overdue.opportunities.items.map((o) => o.id)).toEqual([oppIdle]);
    expect(day.follow_ups_overdue.leads.items.map((l) => l.id)).toEqual([leadIdle]);
    expect(day.follow_ups_overdue.leads.items[0]?.limit_days).toBe(3);

    // the tenant's sales setting shortens the follow-up window
    const saved = (
      await tdb().one(sql<{ s: unknown }>`select settings as s from tenant where id = ${tenantId}`)
    )?.s;
    await tdb().exec0(
      sql`update tenant set settings = jsonb_set(settings, '{sales}', coalesce(settings->'sales', '{}') || '{"noFollowUpDays": 5}') where id = ${tenantId}`,
    );
    try {
      const d5 = json<{ data: Day }>(await rep.get(`${M}?date=${D}`)).data;
      expect(d5.follow_ups_overdue.accounts.items.map((a) => a.id)).toEqual([acc, fresh]);
    } finally {
      await tdb().exec0(
        sql`update tenant set settings = ${JSON.stringify(saved)}::jsonb where id = ${tenantId}`,
      );
    }

    // another person's day holds none of it
    const theirs = json<{ data: Day }>(await repB.get(`${M}?date=${D}`)).data;
    expect(theirs.tasks_due.count + theirs.upcoming_meetings.count).toBe(0);
    // today by default; a bad date is refused on its field
    expect(json<{ data: Day }>(await rep.get(M)).data.date).toBe(todayCn());
    const bad = await rep.get(`${M}?date=2030-02-30`);
    expect(bad.statusCode).toBe(400);
    expect(issues(bad)).toEqual(['date:invalid_date']);
  });
});
