// Partner users (DOMAIN.md §8, issue 8 "…for that partner's users", issue 9 "partner users for their
// customers"): a user may belong to a channel partner (app_user.partner_account_id, an account of
// type partner). Such a user reads the customers the partner serves and their contacts, raises
// traffic lights on them and sees only their lights, and gets the warning work orders of those
// customers — shared across the partner's active users by open load.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import crypto from 'node:crypto';
import { sql } from 'kysely';
import type { BuiltApp } from '../src/app.ts';
import { TenantDb } from '../src/platform/db/tenant-db.ts';
import {
  conformsTo,
  json,
  login,
  newTenant,
  PASSWORD,
  testApp,
  userWithRole,
  type Client,
  type TestTenant,
} from './harness.ts';
import { insertWeek, TOP, WEAK, type Day } from './usage-weeks.ts';

type Err = { error: { code: string; key: string; details: { field: string; code: string }[] } };
const issues = (r: { json(): unknown }) =>
  (r.json() as Err).error.details.map((d) => `${d.field}:${d.code}`).sort();

let built: BuiltApp;
let t: TestTenant;
let admin: Client;
let csm: Client;
const acc: Record<string, string> = {};
const users: Record<string, { id: string; client: Client }> = {};
const tdb = () => TenantDb.for(built.platform.db, t.tenantId);

const week = (accountId: string, monday: string, d: Day) => insertWeek(tdb(), accountId, monday, d);

async function account(key: string, body: Record<string, unknown>): Promise<void> {
  const r = await admin.post('/api/v1/objects/account', { name: `${key} 渠道测试有限公司`, ...body });
  expect(r.statusCode, r.body).toBe(201);
  acc[key] = json<{ data: { id: string } }>(r).data.id;
}

async function partnerUser(key: string, partner: string): Promise<void> {
  const email = `${key}-${crypto.randomBytes(4).toString('hex')}@partner.test`;
  const r = await admin.post('/api/v1/admin/users', {
    email,
    name: `伙伴用户 ${key}`,
    password: PASSWORD,
    role: 'partner',
    partner_account_id: acc[partner],
  });
  const created = conformsTo<{ data: { id: string; partner_account_id: string | null } }>(
    built.app,
    'POST',
    '/api/v1/admin/users',
    r,
    201,
  ).data;
  expect(created.partner_account_id).toBe(acc[partner]);
  users[key] = { id: created.id, client: await login(built.app, email) };
}

const client = (key: string): Client => (users[key] as { client: Client }).client;

async function runWeekly(asOf: string): Promise<void> {
  const r = await admin.post('/api/v1/admin/jobs/success.weekly/run', { as_of: asOf });
  expect(r.statusCode, r.body).toBe(200);
  expect(json<{ data: { status: string; error: string | null } }>(r).data).toMatchObject({
    status: 'succeeded',
  });
}

async function workOrderOwners(account: string): Promise<(string | null)[]> {
  const rows = await tdb().query(sql<{ owner_id: string | null }>`select owner_id from work_order
    where tenant_id = ${t.tenantId} and account_id = ${acc[account]} order by created_at, alert_type`);
  return rows.map((r) => r.owner_id);
}

beforeAll(async () => {
  built = await testApp();
  t = await newTenant(built);
  admin = await login(built.app, t.adminEmail);
  csm = await userWithRole(admin, 'csm');
  await account('P', { type: 'partner' });
  await account('Q', { type: 'partner' });
  // X and Y are served by partner P (X also has a CSM), Z by nobody, W by partner Q
  await account('X', { type: 'customer', partner_id: acc.P, csm_id: csm.userId });
  await account('Y', { type: 'customer', partner_id: acc.P });
  await account('Z', { type: 'customer', csm_id: csm.userId });
  await account('W', { type: 'customer', partner_id: acc.Q });
  for (const k of ['X', 'Z']) {
    const r = await admin.post('/api/v1/objects/contact', { name: `${k} 联系人`, account_id: acc[k] });
    expect(r.statusCode, r.body).toBe(201);
  }
  await partnerUser('p1', 'P');
  await partnerUser('p2', 'P');
  await partnerUser('q1', 'Q');
});

afterAll(async () => {
  await built?.close();
});

describe('partner users', () => {
  it('belong to an account of type partner — anything else is refused naming the field', async () => {
    const base = { name: '错误伙伴', password: PASSWORD, role: 'partner' };
    const customer = await admin.post('/api/v1/admin/users', {
      ...base,
      email: 'wrong-partner@partner.test',
      partner_account_id: acc.X,
    });
    expect(customer.statusCode).toBe(422);
    expect(issues(customer)).toEqual(['partner_account_id:invalid_reference']);
    const junk = await admin.post('/api/v1/admin/users', {
      ...base,
      email: 'junk-partner@partner.test',
      partner_account_id: 'not-a-uuid',
    });
    expect(issues(junk)).toEqual(['partner_account_id:invalid_reference']);
    const listed = json<{ data: { email: string }[] }>(await admin.get('/api/v1/admin/users')).data;
    expect(listed.map((u) => u.email)).not.toContain('wrong-partner@partner.test');
    // moving a user to another partner is audited, and a bad value changes nothing
    const p2 = users.p2 as { id: string };
    const bad = await admin.patch(`/api/v1/admin/users/${p2.id}`, { partner_account_id: acc.Z });
    expect(issues(bad)).toEqual(['partner_account_id:invalid_reference']);
    const still = json<{ data: { id: string; partner_account_id: string | null }[] }>(
      await admin.get('/api/v1/admin/users'),
    ).data.find((u) => u.id === p2.id);
    expect(still?.partner_account_id).toBe(acc.P);
  });

  it("read their partner's customers and those customers' contacts, nothing else", async () => {
    const names = async (c: Client, object: string) =>
      json<{ data: { name: string }[] }>(await c.get(`/api/v1/objects/${object}?limit=200`))
        .data.map((r) => r.name)
        .sort();
    expect(await names(client('p1'), 'account')).toEqual(['X 渠道测试有限公司', 'Y 渠道测试有限公司']);
    expect(await names(client('q1'), 'account')).toEqual(['W 渠道测试有限公司']);
    expect(await names(client('p1'), 'contact')).toEqual(['X 联系人']);
    expect((await client('p1').get(`/api/v1/objects/account/${acc.Z}`)).statusCode).toBe(404);
    // reading is not editing: the customer stays the partner's vendor's record
    const edit = await client('p1').patch(`/api/v1/objects/account/${acc.X}`, { name: '改名' });
    expect([403, 404]).toContain(edit.statusCode);
  });

  it("raise lights on their customers and see only their customers' lights", async () => {
    const raise = (c: Client, key: string) =>
      c.post(`/api/v1/accounts/${acc[key]}/lights`, {
        color: 'yellow',
        reason: 'delivery_delayed',
        description: `${key}：实施延期两周`,
      });
    const mine = await raise(client('p1'), 'X');
    const light = conformsTo<{ data: { id: string; owner_id: string | null } }>(
      built.app,
      'POST',
      '/api/v1/accounts/:id/lights',
      mine,
      201,
    ).data;
    // the light is the customer's CSM's to drive, as any light
    expect(light.owner_id).toBe(csm.userId);
    expect((await raise(client('p1'), 'Z')).statusCode).toBe(404);
    expect((await raise(client('q1'), 'X')).statusCode).toBe(404);
    await raise(admin, 'Z');
    await raise(admin, 'W');
    const board = async (c: Client) =>
      json<{ data: { account_id: string }[] }>(await c.get('/api/v1/success/lights')).data.map(
        (l) => l.account_id,
      );
    expect(await board(client('p2'))).toEqual([acc.X]);
    expect(await board(client('q1'))).toEqual([acc.W]);
    expect((await client('q1').get(`/api/v1/lights/${light.id}`)).statusCode).toBe(404);
  });

  it("get the warning work orders of their customers, shared by open load; the CSM's customers keep theirs", async () => {
    const saved = json<{ data: { model: Record<string, unknown> } }>(
      await admin.get('/api/v1/success/health-model'),
    ).data.model;
    expect((await admin.put('/api/v1/success/health-model', { ...saved, windowWeeks: 1 })).statusCode).toBe(
      200,
    );
    // X falls in the second week, Y in the third; Z (no partner) falls with X
    const W = ['2025-11-10', '2025-11-17', '2025-11-24'];
    const plan: Record<string, Day[]> = { X: [TOP, WEAK, WEAK], Y: [TOP, TOP, WEAK], Z: [TOP, WEAK, WEAK] };
    for (const [k, days] of Object.entries(plan))
      for (const [i, d] of days.entries()) await week(acc[k] as string, W[i] as string, d);
    await runWeekly('2025-11-17');
    await runWeekly('2025-11-24');
    const p1 = (users.p1 as { id: string }).id;
    const p2 = (users.p2 as { id: string }).id;
    const x = await workOrderOwners('X');
    expect(x.length).toBeGreaterThan(0);
    // both partner users start with none open: the earlier-created one gets them, not X's CSM
    expect(new Set(x)).toEqual(new Set([p1]));
    expect(new Set(await workOrderOwners('Z'))).toEqual(new Set([csm.userId]));
    await runWeekly('2025-12-01');
    // p1 now carries X's open work orders: Y's go to p2
    expect(new Set(await workOrderOwners('Y'))).toEqual(new Set([p2]));
    // the partner's people see those alerts; the work-order holder starts one, another partner cannot
    const seen = async (c: Client) =>
      json<{ data: { account_id: string }[] }>(
        await c.get('/api/v1/success/alerts?week=2025-11-17'),
      ).data.map((a) => a.account_id);
    expect(new Set(await seen(client('p2')))).toEqual(new Set([acc.X]));
    expect(await seen(client('q1'))).toEqual([]);
    const [first] = await tdb().query(sql<{ id: string }>`select id from work_order
      where tenant_id = ${t.tenantId} and account_id = ${acc.X} order by created_at limit 1`);
    const id = (first as { id: string }).id;
    expect((await client('q1').post(`/api/v1/work-orders/${id}/start`, {})).statusCode).toBe(404);
    const started = await client('p1').post(`/api/v1/work-orders/${id}/start`, {});
    expect(started.statusCode, started.body).toBe(200);
  });

  it('a partner without active users leaves the work orders with the CSM', async () => {
    for (const k of ['p1', 'p2'])
      await admin.patch(`/api/v1/admin/users/${(users[k] as { id: string }).id}`, { status: 'disabled' });
    await tdb().exec0(
      sql`delete from health_alert where tenant_id = ${t.tenantId} and account_id = ${acc.X}`,
    );
    await tdb().exec0(sql`delete from work_order where tenant_id = ${t.tenantId} and account_id = ${acc.X}`);
    await runWeekly('2025-11-24');
    expect(new Set(await workOrderOwners('X'))).toEqual(new Set([csm.userId]));
  });
});
