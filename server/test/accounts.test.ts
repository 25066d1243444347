import crypto from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BuiltApp } from '../src/app.ts';
import { conformsTo, json, login, newTenant, testApp, userWithRole, type Client } from './harness.ts';

type Rec = Record<string, unknown> & { id: string };
type ErrBody = {
  error: {
    code: string;
    key: string;
    message: string;
    details: { field: string; code: string; issue: string }[];
  };
};

let built: BuiltApp;
let admin: Client;
let repA: Client;
let repB: Client;
let repC: Client;
let tenantId: string;

beforeAll(async () => {
  built = await testApp();
  const t = await newTenant(built);
  tenantId = t.tenantId;
  admin = await login(built.app, t.adminEmail);
  repA = await userWithRole(admin, 'sales_rep');
  repB = await userWithRole(admin, 'sales_rep');
  repC = await userWithRole(admin, 'sales_rep');
});
afterAll(async () => built.close());

const run = (q: ReturnType<typeof sql>) => q.execute(built.platform.db.kysely);

/** Asserts `res` matches the response schema its route declares for the status; returns the body. */
const conforms = <T = Record<string, unknown>>(
  method: string,
  route: string,
  res: LightMyRequestResponse,
  status: number,
): T => conformsTo<T>(built.app, method, route, res, status);

async function settings(c: Client, patch: Record<string, unknown>): Promise<void> {
  const cur = json<{ data: Record<string, unknown> }>(await c.get('/api/v1/accounts/settings')).data;
  const res = await c.put('/api/v1/accounts/settings', { ...cur, ...patch });
  expect(res.statusCode, res.body).toBe(200);
}

async function newPool(
  c: Client,
  body: Record<string, unknown>,
  members: Array<[Client, 'member' | 'admin']>,
) {
  const res = await c.post('/api/v1/objects/account_pool', body);
  expect(res.statusCode, res.body).toBe(201);
  const id = json<{ data: Rec }>(res).data.id;
  const put = await c.put(`/api/v1/accounts/pools/${id}/members`, {
    members: members.map(([u, role]) => ({ user_id: u.userId, role })),
  });
  expect(put.statusCode, put.body).toBe(204);
  return id;
}

let seq = 0;
/** An account the admin creates and puts in a pool. */
async function pooled(
  c: Client,
  poolId: string,
  name = `公海客户${++seq}-${crypto.randomBytes(3).toString('hex')}`,
) {
  const res = await c.post('/api/v1/objects/account', { name });
  expect(res.statusCode, res.body).toBe(201);
  const id = json<{ data: Rec }>(res).data.id;
  const back = await c.post(`/api/v1/accounts/${id}/return`, { reason: '入公海', pool_id: poolId });
  expect(back.statusCode, back.body).toBe(204);
  return id;
}

const errOf = (res: LightMyRequestResponse) => json<ErrBody>(res).error;

describe('settings', () => {
  it('has the documented defaults; only admins change them; bad values are refused by field', async () => {
    const s = conforms<{ data: Record<string, unknown> }>(
      'GET',
      '/api/v1/accounts/settings',
      await repA.get('/api/v1/accounts/settings'),
      200,
    ).data;
    expect(s).toMatchObject({
      holdingLimit: 200,
      wonCountsTowardLimit: false,
      reclaimCooldownDays: 7,
      protection: { enabled: false, days: 10, extendDays: 3, hardLimitDays: 20 },
      duplicatePolicy: 'warn',
      gradeRules: [],
    });
    expect((await repA.put('/api/v1/accounts/settings', s)).statusCode).toBe(403);
    const bad = await admin.put('/api/v1/accounts/settings', { ...s, holdingLimit: -1 });
    expect(bad.statusCode).toBe(422);
    expect(errOf(bad).details[0]?.field).toBe('holdingLimit');
    const badGrade = await admin.put('/api/v1/accounts/settings', {
      ...s,
      gradeRules: [
        { id: 'x', grade: 'Z', match: 'any', conditions: [{ field: 'nope', op: 'gte', value: 1 }] },
      ],
    });
    expect(badGrade.statusCode).toBe(422);
    expect(errOf(badGrade).details.map((d) => d.field)).toEqual([
      'gradeRules.0.grade',
      'gradeRules.0.conditions.0.field',
    ]);
    expect((await admin.put('/api/v1/accounts/settings', 'nope')).statusCode).toBeLessThan(500);
  });
});

describe('pools: claim, return, assign, transfer', () => {
  it('claims within the smaller of the global and the pool limit; won accounts count when set', async () => {
    await settings(admin, { holdingLimit: 3, wonCountsTowardLimit: false });
    const small = await newPool(admin, { name: '小公海', claim_cap: 2 }, [[repA, 'member']]);
    const big = await newPool(admin, { name: '大公海' }, [[repA, 'member']]);
    const s1 = await Promise.all([pooled(admin, small), pooled(admin, small), pooled(admin, small)]);
    const b1 = await Promise.all([pooled(admin, big), pooled(admin, big), pooled(admin, big)]);
    // a pool member sees what waits in the pool
    const seen = json<{ data: Rec[] }>(
      await repA.get('/api/v1/objects/account?filter[state][eq]=pool&limit=200'),
    ).data;
    expect(seen.map((a) => a.id)).toEqual(expect.arrayContaining([...s1, ...b1]));
    expect(json<{ data: Rec[] }>(await repB.get('/api/v1/objects/account?limit=200')).data).toHaveLength(0);

    expect((await repA.post(`/api/v1/accounts/${s1[0]}/claim`)).statusCode).toBe(204);
    expect((await repA.post(`/api/v1/accounts/${s1[1]}/claim`)).statusCode).toBe(204);
    const poolCap = await repA.post(`/api/v1/accounts/${s1[2]}/claim`);
    expect(poolCap.statusCode).toBe(422);
    expect(errOf(poolCap)).toMatchObject({ key: 'account_limit_reached' });
    expect(errOf(poolCap).message).toContain('2');
    // the global limit (3) counts accounts from every pool
    expect((await repA.post(`/api/v1/accounts/${b1[0]}/claim`)).statusCode).toBe(204);
    const global = await repA.post(`/api/v1/accounts/${b1[1]}/claim`);
    expect(global.statusCode).toBe(422);
    expect(errOf(global).message).toContain('3');
    const mine = json<{ data: Rec }>(await repA.get(`/api/v1/objects/account/${s1[0]}`)).data;
    expect(mine).toMatchObject({ owner_id: repA.userId, state: 'owned', pool_id: small });
    expect(mine.claimed_at).toEqual(expect.any(String));
    // a won account does not count … unless the setting says so
    await run(sql`update account set state = 'won' where tenant_id = ${tenantId} and id = ${b1[0]}`);
    expect((await repA.post(`/api/v1/accounts/${b1[1]}/claim`)).statusCode).toBe(204);
    await run(sql`update account set state = 'won' where tenant_id = ${tenantId} and id = ${b1[1]}`);
    await settings(admin, { wonCountsTowardLimit: true });
    expect((await repA.post(`/api/v1/accounts/${b1[2]}/claim`)).statusCode).toBe(422);
    await settings(admin, { wonCountsTowardLimit: false });
    expect((await repA.post(`/api/v1/accounts/${b1[2]}/claim`)).statusCode).toBe(204);
    // taken: nobody else can claim it
    expect((await admin.post(`/api/v1/accounts/${b1[2]}/claim`)).statusCode).toBe(409);
    await settings(admin, { holdingLimit: 200 });
  });

  it('parallel claims cannot pass the cap', async () => {
    const pool = await newPool(admin, { name: '并发公海', claim_cap: 2 }, [[repB, 'member']]);
    const ids = await Promise.all(Array.from({ length: 6 }, () => pooled(admin, pool)));
    const codes = (await Promise.all(ids.map((id) => repB.post(`/api/v1/accounts/${id}/claim`)))).map(
      (r) => r.statusCode,
    );
    expect(codes.filter((c) => c === 204)).toHaveLength(2);
    expect(codes.filter((c) => c === 422)).toHaveLength(4);
  });

  it('return needs a reason; the previous owner waits out the cooldown, others do not', async () => {
    const pool = await newPool(admin, { name: '冷却公海' }, [
      [repA, 'member'],
      [repC, 'member'],
    ]);
    const id = await pooled(admin, pool);
    expect((await repA.post(`/api/v1/accounts/${id}/claim`)).statusCode).toBe(204);
    const empty = await repA.post(`/api/v1/accounts/${id}/return`, { reason: '  ' });
    expect(empty.statusCode).toBe(422);
    expect(errOf(empty).details[0]?.field).toBe('reason');
    expect((await repA.post(`/api/v1/accounts/${id}/return`, {})).statusCode).toBe(400);
    // someone else's account: not theirs to return
    expect((await repC.post(`/api/v1/accounts/${id}/return`, { reason: '不要了' })).statusCode).toBe(404);
    expect((await repA.post(`/api/v1/accounts/${id}/return`, { reason: '无购买意向' })).statusCode).toBe(204);
    // the pool page reads when, from whom and why, one call per page of accounts
    const E = '/api/v1/accounts/pool-entries';
    const entries = conforms<{ data: Array<Record<string, unknown>> }>(
      'GET',
      E,
      await repC.get(`${E}?ids=${id},${crypto.randomUUID()}`),
      200,
    ).data;
    expect(entries).toEqual([
      expect.objectContaining({
        account_id: id,
        kind: 'returned',
        from_owner_id: repA.userId,
        reason: '无购买意向',
      }),
    ]);
    conforms('GET', E, await repC.get(`${E}?ids=nope`), 400);
    const back = await repA.post(`/api/v1/accounts/${id}/claim`);
    expect(back.statusCode).toBe(422);
    expect(errOf(back).key).toBe('account_reclaim_cooldown');
    expect((await repC.post(`/api/v1/accounts/${id}/claim`)).statusCode).toBe(204);
    const ov = json<{ data: { events: { kind: string; reason: string | null }[] } }>(
      await admin.get(`/api/v1/accounts/${id}/overview`),
    ).data;
    expect(ov.events.map((e) => e.kind)).toEqual(['claimed', 'returned', 'claimed', 'returned']);
    expect(ov.events[1]?.reason).toBe('无购买意向');
    const outbox = await sql<{
      type: string;
    }>`select type from outbox_event where tenant_id = ${tenantId} and record_id = ${id} order by seq`.execute(
      built.platform.db.kysely,
    );
    expect(outbox.rows.map((r) => r.type)).toEqual(
      expect.arrayContaining(['account.claimed', 'account.returned']),
    );
  });

  it('only pool admins and tenant admins assign and transfer; admin-assign pools refuse member claims', async () => {
    const pool = await newPool(admin, { name: '分配公海', visibility: 'admin_assign' }, [
      [repA, 'member'],
      [repC, 'admin'],
    ]);
    const other = await newPool(admin, { name: '另一公海' }, []);
    const id = await pooled(admin, pool);
    const claim = await repA.post(`/api/v1/accounts/${id}/claim`);
    expect(claim.statusCode).toBe(403);
    expect(errOf(claim).key).toBe('admin_assign_pool');
    expect((await repB.post(`/api/v1/accounts/${id}/claim`)).statusCode).toBe(404);
    expect((await repA.post(`/api/v1/accounts/${id}/assign`, { owner_id: repA.userId })).statusCode).toBe(
      403,
    );
    const badOwner = await repC.post(`/api/v1/accounts/${id}/assign`, { owner_id: 'nobody' });
    expect(badOwner.statusCode).toBe(422);
    expect(errOf(badOwner).details[0]?.field).toBe('owner_id');
    expect((await repC.post(`/api/v1/accounts/${id}/assign`, { owner_id: repA.userId })).statusCode).toBe(
      204,
    );
    expect(json<{ data: Rec }>(await repA.get(`/api/v1/objects/account/${id}`)).data).toMatchObject({
      owner_id: repA.userId,
      state: 'owned',
    });
    expect((await repA.post(`/api/v1/accounts/${id}/transfer`, { pool_id: other })).statusCode).toBe(403);
    expect((await repC.post(`/api/v1/accounts/${id}/transfer`, {})).statusCode).toBe(400);
    const badPool = await repC.post(`/api/v1/accounts/${id}/transfer`, { pool_id: crypto.randomUUID() });
    expect(badPool.statusCode).toBe(422);
    expect(errOf(badPool).details[0]?.field).toBe('pool_id');
    expect((await repC.post(`/api/v1/accounts/${id}/transfer`, { pool_id: other })).statusCode).toBe(204);
    expect(json<{ data: Rec }>(await admin.get(`/api/v1/objects/account/${id}`)).data).toMatchObject({
      owner_id: null,
      state: 'pool',
      pool_id: other,
    });
    // no longer in a pool repC administers
    expect((await repC.post(`/api/v1/accounts/${id}/assign`, { owner_id: repC.userId })).statusCode).toBe(
      404,
    );
    // bad ids are 404s, not 500s; the pool state is read-only on plain edits
    expect((await repA.post('/api/v1/accounts/not-a-uuid/claim')).statusCode).toBe(404);
    expect((await admin.post(`/api/v1/accounts/${crypto.randomUUID()}/claim`)).statusCode).toBe(404);
    const ro = await admin.patch(`/api/v1/objects/account/${id}`, { state: 'owned' });
    expect(ro.statusCode).toBe(422);
    // members lists: members read them, only tenant admins set them
    const members = conforms<{ data: { role: string }[] }>(
      'GET',
      '/api/v1/accounts/pools/:id/members',
      await repA.get(`/api/v1/accounts/pools/${pool}/members`),
      200,
    ).data;
    expect(members.map((m) => m.role).sort()).toEqual(['admin', 'member']);
    expect((await repC.put(`/api/v1/accounts/pools/${pool}/members`, { members: [] })).statusCode).toBe(403);
    expect(
      (
        await admin.put(`/api/v1/accounts/pools/${pool}/members`, {
          members: [{ user_id: 'x', role: 'member' }],
        })
      ).statusCode,
    ).toBe(422);
  });
});

describe('reclaim job (as-of dates)', () => {
  it('warns once per reclaim date, then reclaims by the protection example; accounts without a pool go to the first pool', async () => {
    const t = await newTenant(built);
    const a = await login(built.app, t.adminEmail);
    const rep = await userWithRole(a, 'sales_rep');
    const first = await newPool(a, { name: '默认公海', warn_days: 3 }, [[rep, 'member']]);
    const pool = await newPool(a, { name: '华东公海', warn_days: 3 }, [[rep, 'member']]);
    // protection is off by default (it would take back every claimed account within 20 days)
    const cur = json<{ data: { protection: Record<string, unknown> } }>(
      await a.get('/api/v1/accounts/settings'),
    ).data;
    expect(cur.protection.enabled).toBe(false);
    const on = await a.put('/api/v1/accounts/settings', {
      ...cur,
      protection: { ...cur.protection, enabled: true },
    });
    expect(on.statusCode, on.body).toBe(200);
    const mk = async (name: string) => {
      const res = await a.post('/api/v1/objects/account', { name, owner_id: rep.userId });
      expect(res.statusCode, res.body).toBe(201);
      return json<{ data: Rec }>(res).data.id;
    };
    const followed = await mk('跟进客户');
    const silent = await mk('沉默客户');
    const won = await mk('成交客户');
    const own = await mk('自建客户');
    await run(sql`update account set pool_id = ${pool}, state = 'owned', claimed_at = '2026-03-25 10:00+08'
      where tenant_id = ${t.tenantId} and id = ${followed}`);
    // claimed without a pool on record (older data): goes to the first pool
    await run(
      sql`update account set created_at = '2026-03-25 09:00+08', claimed_at = '2026-03-25 09:00+08' where tenant_id = ${t.tenantId} and id = ${silent}`,
    );
    // created by its owner, never claimed: only the pool timers apply (30 days without follow-up)
    await run(
      sql`update account set created_at = '2026-03-25 09:00+08' where tenant_id = ${t.tenantId} and id = ${own}`,
    );
    await run(
      sql`update account set state = 'won', created_at = '2026-01-01' where tenant_id = ${t.tenantId} and id = ${won}`,
    );
    for (const day of ['2026-03-28', '2026-04-02', '2026-04-05'])
      await run(sql`insert into activity (tenant_id, id, owner_id, subject, type, occurred_at, account_id)
        values (${t.tenantId}, ${crypto.randomUUID()}, ${rep.userId}, '拜访', 'visit', ${`${day} 15:00+08`}, ${followed})`);
    const job = async (asOf: string) => {
      const res = await a.post('/api/v1/admin/jobs/accounts.reclaim/run', { as_of: asOf });
      expect(res.statusCode, res.body).toBeLessThan(300);
      return json<{ data: { status: string; result: Record<string, number> } }>(res).data;
    };
    // 3 Apr: follow-ups 28 Mar, 2 Apr → reclaim 5 Apr (warn from 2 Apr); silent → 4 Apr (warn from 1 Apr)
    expect(await job('2026-04-03')).toMatchObject({
      status: 'succeeded',
      result: { warnings: 2, reclaimed: 0 },
    });
    expect((await job('2026-04-03')).result).toMatchObject({ warnings: 0, reclaimed: 0 });
    // 4 Apr: the silent account goes to the first pool
    expect((await job('2026-04-04')).result).toMatchObject({ warnings: 0, reclaimed: 1 });
    expect(json<{ data: Rec }>(await a.get(`/api/v1/objects/account/${silent}`)).data).toMatchObject({
      owner_id: null,
      state: 'pool',
      pool_id: first,
    });
    // 5 Apr: the follow-up that day moves the date to 8 Apr: a new warning
    expect((await job('2026-04-05')).result).toMatchObject({ warnings: 1, reclaimed: 0 });
    expect((await job('2026-04-07')).result).toMatchObject({ warnings: 0, reclaimed: 0 });
    expect((await job('2026-04-08')).result).toMatchObject({ reclaimed: 1 });
    expect(json<{ data: Rec }>(await a.get(`/api/v1/objects/account/${followed}`)).data).toMatchObject({
      owner_id: null,
      state: 'pool',
      pool_id: pool,
      claimed_at: null,
    });
    expect(json<{ data: Rec }>(await a.get(`/api/v1/objects/account/${won}`)).data).toMatchObject({
      owner_id: rep.userId,
      state: 'won',
    });
    expect(json<{ data: Rec }>(await a.get(`/api/v1/objects/account/${own}`)).data).toMatchObject({
      owner_id: rep.userId,
      state: 'owned',
    });
    const ev = json<{ data: { events: { kind: string; reason: string; actor_name: string | null }[] } }>(
      await a.get(`/api/v1/accounts/${followed}/overview`),
    ).data.events[0];
    expect(ev).toMatchObject({ kind: 'reclaimed', reason: '保护期到期，自动回收', actor_name: null });
    const kinds = json<{ data: { kind: string }[] }>(await rep.get('/api/v1/notifications')).data.map(
      (n) => n.kind,
    );
    expect(kinds.filter((k) => k === 'account.reclaim_warning')).toHaveLength(3);
    expect(kinds).toContain('account.reclaimed');
    // the previous owner waits out the cooldown
    const again = await rep.post(`/api/v1/accounts/${followed}/claim`);
    expect(errOf(again).key).toBe('account_reclaim_cooldown');
  });

  it('reclaims by the pool timers when they come first', async () => {
    const t = await newTenant(built);
    const a = await login(built.app, t.adminEmail);
    const cur = json<{ data: Record<string, unknown> }>(await a.get('/api/v1/accounts/settings')).data;
    await a.put('/api/v1/accounts/settings', {
      ...cur,
      protection: { enabled: true, days: 365, extendDays: 0, hardLimitDays: 3650 },
    });
    const pool = await newPool(
      a,
      { name: '计时公海', no_followup_days: 5, no_won_days: 90, warn_days: 0 },
      [],
    );
    const acc = json<{ data: Rec }>(await a.post('/api/v1/objects/account', { name: '五天客户' })).data.id;
    await run(
      sql`update account set pool_id = ${pool}, claimed_at = '2026-05-01 10:00+08' where tenant_id = ${t.tenantId} and id = ${acc}`,
    );
    const job = async (asOf: string) =>
      json<{ data: { result: Record<string, number> } }>(
        await a.post('/api/v1/admin/jobs/accounts.reclaim/run', { as_of: asOf }),
      ).data.result;
    expect(await job('2026-05-05')).toMatchObject({ warnings: 0, reclaimed: 0 });
    expect(await job('2026-05-06')).toMatchObject({ reclaimed: 1 });
    const ev = json<{ data: { events: { reason: string }[] } }>(
      await a.get(`/api/v1/accounts/${acc}/overview`),
    ).data.events[0];
    expect(ev?.reason).toBe('5 天未跟进，自动回收');
  });
});

describe('duplicates and credit codes', () => {
  it('warn: the check shows hits, owners only where visible; block: 422 naming the field', async () => {
    const res = await repA.post('/api/v1/objects/account', {
      name: '杭州云帆科技有限公司',
      phone: '0571-8600 1234',
      credit_code: '91350100m000100y43',
    });
    expect(res.statusCode, res.body).toBe(201);
    const acc = json<{ data: Rec }>(res).data;
    expect(acc).toMatchObject({
      phone: '+8657186001234',
      credit_code: '91350100M000100Y43',
      name_norm: '杭州云帆',
    });

    const q = `/api/v1/accounts/duplicates?name=${encodeURIComponent('杭州云帆科技股份有限公司')}`;
    const hidden = conforms<{ data: Rec[] }>(
      'GET',
      '/api/v1/accounts/duplicates',
      await repB.get(q),
      200,
    ).data;
    expect(hidden).toEqual([
      expect.objectContaining({
        id: acc.id,
        name: '',
        visible: false,
        owner_name: null,
        owner_id: null,
        matched: ['name'],
      }),
    ]);
    const shown = json<{ data: Rec[] }>(await admin.get(q)).data;
    expect(shown[0]).toMatchObject({
      name: '杭州云帆科技有限公司',
      visible: true,
      owner_name: 'User sales_rep',
    });
    const byPhone = json<{ data: Rec[] }>(
      await repA.get(`/api/v1/accounts/duplicates?phone=${encodeURIComponent('+86 571 86001234')}`),
    ).data;
    expect(byPhone[0]).toMatchObject({ id: acc.id, matched: ['phone'] });
    expect(
      json<{ data: Rec[] }>(await repA.get(`/api/v1/accounts/duplicates?name=杭州云帆&exclude_id=${acc.id}`))
        .data,
    ).toHaveLength(0);
    expect((await repA.get('/api/v1/accounts/duplicates?exclude_id=x')).statusCode).toBe(400);
    expect((await repA.get('/api/v1/accounts/duplicates?phone=call-me')).statusCode).toBe(422);
    expect((await repA.get('/api/v1/accounts/duplicates?bogus=1')).statusCode).toBe(400);

    // warn (default): the write goes through
    const warned = await repB.post('/api/v1/objects/account', { name: '杭州云帆科技股份有限公司' });
    expect(warned.statusCode).toBe(201);
    const warnedId = json<{ data: Rec }>(warned).data.id;

    await settings(admin, { duplicatePolicy: 'block' });
    const blocked = await repB.post('/api/v1/objects/account', {
      name: '云帆（杭州）科技',
      phone: '057186001234',
    });
    expect(blocked.statusCode).toBe(422);
    expect(errOf(blocked).key).toBe('duplicate_account');
    expect(errOf(blocked).details).toEqual([
      expect.objectContaining({ field: 'phone', code: 'duplicate_account_hidden' }),
    ]);
    expect(blocked.body).not.toContain('User sales_rep');
    const named = await admin.post('/api/v1/objects/account', { name: '杭州云帆' });
    expect(named.statusCode).toBe(422);
    expect(errOf(named).details[0]).toMatchObject({ field: 'name', code: 'duplicate_account_owned' });
    expect(errOf(named).details[0]?.issue).toContain('User sales_rep');
    const code = await repC.post('/api/v1/objects/account', {
      name: '完全不同',
      credit_code: '91350100M000100Y43',
    });
    expect(errOf(code).details[0]).toMatchObject({ field: 'credit_code', code: 'duplicate_account_hidden' });
    // edits that create a duplicate are refused too; unrelated edits of an existing duplicate are not
    const other = json<{ data: Rec }>(
      await repC.post('/api/v1/objects/account', { name: '宁波海曙贸易' }),
    ).data;
    const edit = await repC.patch(`/api/v1/objects/account/${other.id}`, { name: '杭州云帆科技' });
    expect(edit.statusCode).toBe(422);
    expect((await repB.patch(`/api/v1/objects/account/${warnedId}`, { city: '杭州' })).statusCode).toBe(200);
    await settings(admin, { duplicatePolicy: 'warn' });
  });

  it('validates unified social credit codes', async () => {
    const bad = await repA.post('/api/v1/objects/account', {
      name: '校验码客户',
      credit_code: '91350100M000100Y44',
    });
    expect(bad.statusCode).toBe(422);
    expect(errOf(bad).details).toEqual([
      expect.objectContaining({ field: 'credit_code', code: 'invalid_credit_code' }),
    ]);
    const badPhone = await repA.post('/api/v1/objects/account', { name: '电话客户', phone: 'call me' });
    expect(errOf(badPhone).details[0]?.field).toBe('phone');
    const ok = await repA.post('/api/v1/objects/account', {
      name: '腾讯客户',
      credit_code: '91440300708461136t',
    });
    expect(ok.statusCode, ok.body).toBe(201);
    const id = json<{ data: Rec }>(ok).data.id;
    const patch = await repA.patch(`/api/v1/objects/account/${id}`, { credit_code: 'ABC' });
    expect(errOf(patch).details[0]?.code).toBe('invalid_credit_code');
  });
});

describe('grades', () => {
  it('rules set the grade on create and edit; the nightly job catches rule changes', async () => {
    await settings(admin, {
      gradeRules: [
        {
          id: 'a',
          grade: 'A',
          match: 'any',
          conditions: [
            { field: 'annual_revenue', op: 'gte', value: 10_000_000_000 },
            { field: 'employees', op: 'gte', value: 1000 },
            { field: 'tags', op: 'contains', value: 'key' },
          ],
        },
      ],
      gradeFallback: 'C',
    });
    const big = json<{ data: Rec }>(
      await repA.post('/api/v1/objects/account', { name: '大客户集团', employees: 2000, grade: 'D' }),
    ).data;
    expect(big.grade).toBe('A');
    const rich = json<{ data: Rec }>(
      await repA.post('/api/v1/objects/account', {
        name: '富客户',
        annual_revenue: { amount: 20_000_000_000, currency: 'CNY' },
      }),
    ).data;
    expect(rich.grade).toBe('A');
    const small = json<{ data: Rec }>(
      await repA.post('/api/v1/objects/account', { name: '小客户', employees: 5 }),
    ).data;
    expect(small.grade).toBe('C');
    const tagged = await repA.patch(`/api/v1/objects/account/${small.id}`, { tags: ['key'] });
    expect(json<{ data: Rec }>(tagged).data.grade).toBe('A');
    // a stricter rule: the job regrades
    await settings(admin, {
      gradeRules: [
        { id: 'a', grade: 'A', match: 'all', conditions: [{ field: 'employees', op: 'gte', value: 1000 }] },
        { id: 'b', grade: 'B', match: 'any', conditions: [{ field: 'tags', op: 'contains', value: 'key' }] },
      ],
    });
    const res = await admin.post('/api/v1/admin/jobs/accounts.grade/run', { as_of: '2026-06-01' });
    expect(res.statusCode, res.body).toBeLessThan(300);
    expect(json<{ data: { result: { changed: number } } }>(res).data.result.changed).toBeGreaterThanOrEqual(
      2,
    );
    const grades = await Promise.all(
      [big.id, rich.id, small.id].map(
        async (id) => json<{ data: Rec }>(await repA.get(`/api/v1/objects/account/${id}`)).data.grade,
      ),
    );
    expect(grades).toEqual(['A', 'C', 'B']);
    await settings(admin, { gradeRules: [], gradeFallback: null });
  });
});

describe('team and 360° overview', () => {
  it('shows only what the caller may read; team members read, editors edit, nobody else sees it', async () => {
    const acc = json<{ data: Rec }>(await repA.post('/api/v1/objects/account', { name: '三六零科技' })).data
      .id;
    const ceo = json<{ data: Rec }>(
      await repA.post('/api/v1/objects/contact', {
        name: '王总',
        account_id: acc,
        title: 'CEO',
        role: 'decision_maker',
      }),
    ).data.id;
    await repA.post('/api/v1/objects/contact', {
      name: '李娜',
      account_id: acc,
      title: 'CIO',
      reports_to: ceo,
    });
    // two deals on the account: one of repA, one of repB
    const pipeline = crypto.randomUUID();
    await run(
      sql`insert into sales_pipeline (tenant_id, id, name, type) values (${tenantId}, ${pipeline}, '{"zh-CN":"测试","en-US":"Test"}', 'new')`,
    );
    await run(sql`insert into sales_stage (tenant_id, pipeline_id, key, name, position, type, probability, forecast_category)
      values (${tenantId}, ${pipeline}, 'qualify', '{"zh-CN":"验证","en-US":"Qualify"}', 1, 'active', 10, 'pipeline')`);
    const oppA = crypto.randomUUID();
    const oppB = crypto.randomUUID();
    for (const [oid, owner, name] of [
      [oppA, repA.userId, 'A 的商机'],
      [oppB, repB.userId, 'B 的商机'],
    ] as const)
      await run(sql`insert into opportunity (tenant_id, id, owner_id, name, account_id, pipeline_id, stage)
        values (${tenantId}, ${oid}, ${owner}, ${name}, ${acc}, ${pipeline}, 'qualify')`);
    for (let i = 0; i < 55; i++)
      await run(sql`insert into activity (tenant_id, id, owner_id, subject, type, occurred_at, account_id)
        values (${tenantId}, ${crypto.randomUUID()}, ${repA.userId}, ${`电话 ${i}`}, 'call', ${new Date(Date.UTC(2026, 0, 1 + i)).toISOString()}, ${acc})`);
    await run(sql`insert into task (tenant_id, id, owner_id, subject, status, account_id) values
      (${tenantId}, ${crypto.randomUUID()}, ${repA.userId}, '发报价', 'open', ${acc}),
      (${tenantId}, ${crypto.randomUUID()}, ${repA.userId}, '已办', 'done', ${acc})`);

    type O = {
      account: Rec;
      contacts: Rec[];
      org_chart: { name: string; reports: { name: string }[] }[];
      opportunities: { record: Rec; stage_name: Record<string, string>; stage_type: string }[];
      activities: { data: Rec[]; next_cursor: string | null };
      open_tasks: Rec[];
      team: { user_id: string; access: string }[];
      slots: Record<string, null>;
    };
    const ov = conforms<{ data: O }>(
      'GET',
      '/api/v1/accounts/:id/overview',
      await repA.get(`/api/v1/accounts/${acc}/overview`),
      200,
    ).data;
    expect(ov.account.name).toBe('三六零科技');
    expect(ov.org_chart.map((n) => [n.name, n.reports.map((r) => r.name)])).toEqual([['王总', ['李娜']]]);
    expect(ov.opportunities.map((o) => o.record.name)).toEqual(['A 的商机']);
    expect(ov.opportunities[0]).toMatchObject({ stage_type: 'active', stage_name: { 'zh-CN': '验证' } });
    expect(ov.activities.data).toHaveLength(50);
    expect(ov.activities.data[0]?.subject).toBe('电话 54');
    expect(ov.open_tasks.map((t) => t.subject)).toEqual(['发报价']);
    expect(ov.slots).toEqual({
      orders: null,
      payments: null,
      invoices: null,
      tickets: null,
      health: null,
      renewals: null,
      nps: null,
    });
    const page2 = json<{ data: O }>(
      await repA.get(
        `/api/v1/accounts/${acc}/overview?cursor=${encodeURIComponent(ov.activities.next_cursor ?? '')}`,
      ),
    ).data;
    expect(page2.activities.data.map((a) => a.subject)).toEqual([
      '电话 4',
      '电话 3',
      '电话 2',
      '电话 1',
      '电话 0',
    ]);
    expect(page2.activities.next_cursor).toBeNull();
    expect((await repA.get(`/api/v1/accounts/${acc}/overview?cursor=garbage`)).statusCode).toBe(400);

    // not on the team: nothing
    expect((await repB.get(`/api/v1/accounts/${acc}/overview`)).statusCode).toBe(404);
    expect((await repB.get(`/api/v1/accounts/${acc}/team`)).statusCode).toBe(404);
    // only the owner (or an admin) sets the team
    const bad = await repA.put(`/api/v1/accounts/${acc}/team`, {
      members: [{ user_id: repB.userId, access: 'write' }],
    });
    expect(bad.statusCode).toBe(400);
    const team = conforms<{ data: { user_id: string; access: string; role: string }[] }>(
      'PUT',
      '/api/v1/accounts/:id/team',
      await repA.put(`/api/v1/accounts/${acc}/team`, {
        members: [{ user_id: repB.userId, role: 'presales', access: 'read' }],
      }),
      200,
    ).data;
    expect(team).toEqual([
      expect.objectContaining({ user_id: repB.userId, role: 'presales', access: 'read' }),
    ]);
    // a team member reads the account and its contacts, but still only their own deals
    const asB = json<{ data: O }>(await repB.get(`/api/v1/accounts/${acc}/overview`)).data;
    expect(asB.opportunities.map((o) => o.record.name)).toEqual(['B 的商机']);
    expect(asB.contacts).toHaveLength(2);
    expect(asB.activities.data).toHaveLength(0);
    expect((await repB.put(`/api/v1/accounts/${acc}/team`, { members: [] })).statusCode).toBe(403);
    expect((await repB.patch(`/api/v1/objects/account/${acc}`, { city: '北京' })).statusCode).toBe(404);
    // edit access: may edit, may not delete or move it
    await repA.put(`/api/v1/accounts/${acc}/team`, { members: [{ user_id: repB.userId, access: 'edit' }] });
    const edited = await repB.patch(`/api/v1/objects/account/${acc}`, { city: '北京' });
    expect(edited.statusCode, edited.body).toBe(200);
    const takeOver = await repB.patch(`/api/v1/objects/account/${acc}`, { owner_id: repB.userId });
    expect(takeOver.statusCode).toBe(403);
    expect(errOf(takeOver).details[0]?.field).toBe('owner_id');
    expect([403, 404]).toContain((await repB.delete(`/api/v1/objects/account/${acc}`)).statusCode);
    expect((await repB.post(`/api/v1/accounts/${acc}/return`, { reason: '不要了' })).statusCode).toBe(403);
    // the others
    expect((await repC.get(`/api/v1/accounts/${acc}/overview`)).statusCode).toBe(404);
    expect((await repC.patch(`/api/v1/objects/account/${acc}`, { city: '上海' })).statusCode).toBe(404);
    expect((await admin.get(`/api/v1/accounts/${crypto.randomUUID()}/overview`)).statusCode).toBe(404);
    expect((await admin.get('/api/v1/accounts/x/overview')).statusCode).toBe(404);
  });
});

describe('bad input is a 4xx naming the field, never a 500, and changes nothing', () => {
  it('team, return, duplicates, settings', async () => {
    const acc = json<{ data: Rec }>(await repA.post('/api/v1/objects/account', { name: '坏输入客户' })).data
      .id;
    const notUser = await repA.put(`/api/v1/accounts/${acc}/team`, { members: [{ user_id: 'x' }] });
    expect(notUser.statusCode).toBe(422);
    expect(errOf(notUser).details[0]?.field).toBe('members');
    const twice = await repA.put(`/api/v1/accounts/${acc}/team`, {
      members: [{ user_id: repB.userId }, { user_id: repB.userId }],
    });
    expect(twice.statusCode).toBe(422);
    expect(json<{ data: unknown[] }>(await repA.get(`/api/v1/accounts/${acc}/team`)).data).toEqual([]);
    const badPool = await repA.post(`/api/v1/accounts/${acc}/return`, { reason: '试试', pool_id: 'x' });
    expect(badPool.statusCode).toBe(422);
    expect(errOf(badPool).details[0]?.field).toBe('pool_id');
    expect(json<{ data: Rec }>(await repA.get(`/api/v1/objects/account/${acc}`)).data).toMatchObject({
      owner_id: repA.userId,
      state: 'owned',
    });
    expect((await repA.get(`/api/v1/accounts/duplicates?name=${'长'.repeat(201)}`)).statusCode).toBe(400);
    const cur = json<{ data: Record<string, unknown> }>(await admin.get('/api/v1/accounts/settings')).data;
    const hard = await admin.put('/api/v1/accounts/settings', {
      ...cur,
      protection: { enabled: true, days: 30, extendDays: 3, hardLimitDays: 20 },
    });
    expect(hard.statusCode).toBe(422);
    expect(errOf(hard).details[0]?.field).toBe('protection.hardLimitDays');
    const unknown = await admin.put('/api/v1/accounts/settings', { ...cur, extra: 1 });
    expect(unknown.statusCode).toBe(422);
    expect(
      json<{ data: Record<string, unknown> }>(await admin.get('/api/v1/accounts/settings')).data,
    ).toEqual(cur);
  });
});
