import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BuiltApp } from '../src/app.ts';
import { json, login, newTenant, testApp, userWithRole, type Client } from './harness.ts';

type Rec = Record<string, unknown> & { id: string };
type ErrBody = { error: { code: string; key: string; details: { field: string; code: string }[] } };

let built: BuiltApp;
let admin: Client;
let repA: Client;
let repB: Client;
let poolId: string;

const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  built.app.inject({
    method: 'POST',
    url,
    payload: JSON.stringify(body),
    headers: {
      'content-type': 'application/json',
      'x-forwarded-for': `10.1.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`,
      ...headers,
    },
  });

beforeAll(async () => {
  built = await testApp();
  const t = await newTenant(built);
  admin = await login(built.app, t.adminEmail);
  repA = await userWithRole(admin, 'sales_rep');
  repB = await userWithRole(admin, 'sales_rep');
  poolId = json<{ data: Rec }>(
    await admin.post('/api/v1/objects/lead_pool', { name: '华东线索池', claim_cap: 1 }),
  ).data.id;
  expect(
    (
      await admin.put(`/api/v1/leads/pools/${poolId}/members`, {
        members: [
          { user_id: repA.userId, role: 'member' },
          { user_id: repB.userId, role: 'member' },
        ],
      })
    ).statusCode,
  ).toBe(204);
});
afterAll(async () => built.close());

async function settings(patch: Record<string, unknown>): Promise<void> {
  const cur = json<{ data: Record<string, unknown> }>(await admin.get('/api/v1/leads/settings')).data;
  const res = await admin.put('/api/v1/leads/settings', { ...cur, ...patch });
  expect(res.statusCode, res.body).toBe(200);
}

describe('web-to-lead capture', () => {
  it('assigns by rule, merges repeat submissions, drops bots, checks origins and input', async () => {
    await settings({
      defaultPoolId: poolId,
      assignmentRules: [
        {
          id: 'east',
          name: '华东轮询',
          conditions: [{ field: 'province', op: 'in', value: ['浙江省', '上海市'] }],
          strategy: 'round_robin',
          members: [repA.userId, repB.userId],
          dailyCap: 0,
          paused: [],
        },
      ],
    });
    const formRes = await admin.post('/api/v1/leads/forms', {
      name: '官网试用申请',
      pool_id: poolId,
      allowed_origins: ['https://www.example.cn'],
      thank_you: { message: '感谢提交，我们会尽快联系您' },
    });
    expect(formRes.statusCode, formRes.body).toBe(201);
    const key = json<{ data: { form_key: string } }>(formRes).data.form_key;
    const url = `/api/v1/public/forms/${key}`;
    const origin = { origin: 'https://www.example.cn' };

    const first = await post(
      url,
      {
        name: '王磊',
        mobile: '138 1234 5678',
        company: '杭州云帆科技有限公司',
        title: '信息化总监',
        province: '浙江省',
        utm_source: 'baidu',
        utm_medium: 'cpc',
      },
      origin,
    );
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toEqual({ data: { ok: true, message: '感谢提交，我们会尽快联系您' } });
    expect(first.headers['access-control-allow-origin']).toBe('https://www.example.cn');
    await post(url, { name: '李娜', mobile: '13900001111', province: '上海市' }, origin);
    const leads = json<{ data: Rec[] }>(
      await admin.get(
        '/api/v1/objects/lead?sort=created_at&fields=name,owner_id,status,mobile,score,source,utm_source,touch_count,pool_id',
      ),
    ).data;
    expect(leads.map((l) => [l.name, l.owner_id, l.status, l.mobile, l.source])).toEqual([
      ['王磊', repA.userId, 'pending', '+8613812345678', 'web_form'],
      ['李娜', repB.userId, 'pending', '+8613900001111', 'web_form'],
    ]);
    expect(leads[0]).toMatchObject({ utm_source: 'baidu', touch_count: 1, score: 20, pool_id: poolId });

    // the same person again (phone written differently): a new touch on the same lead, not a new lead
    const again = await built.app.inject({
      method: 'POST',
      url,
      payload: 'name=%E7%8E%8B%E7%A3%8A&mobile=%2B86-138-1234-5678&email=wl%40yunfan.cn',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...origin },
    });
    expect(again.statusCode, again.body).toBe(200);
    const merged = json<{ data: Rec }>(await admin.get(`/api/v1/objects/lead/${leads[0]?.id}`)).data;
    expect(merged).toMatchObject({ touch_count: 2, email: 'wl@yunfan.cn', owner_id: repA.userId, score: 35 });
    const explain = json<{ data: { explanation: { rule: string; points: number }[] } }>(
      await admin.get(`/api/v1/leads/${leads[0]?.id}/score`),
    ).data;
    expect(explain.explanation.map((e) => e.rule)).toEqual(['title_director', 'has_email', 'form_twice']);
    const timeline = json<{ data: { touches: unknown[]; events: { kind: string; reason: string }[] } }>(
      await admin.get(`/api/v1/leads/${leads[0]?.id}/timeline`),
    ).data;
    expect(timeline.touches).toHaveLength(2);
    expect(timeline.events[0]).toMatchObject({ kind: 'assigned', reason: 'rule:east' });

    // bots fill the honeypot: thanked, nothing saved
    expect(
      (await post(url, { name: 'bot', mobile: '13700000000', _hp: 'http://spam' }, origin)).statusCode,
    ).toBe(200);
    expect(json<{ total: number }>(await admin.get('/api/v1/objects/lead?count=true&limit=1')).total).toBe(2);
    // other sites, bad phones, unknown forms
    expect(
      (await post(url, { name: 'x', mobile: '13700000001' }, { origin: 'https://evil.example' })).statusCode,
    ).toBe(403);
    const badPhone = await post(url, { name: 'x', mobile: 'call me' }, origin);
    expect(badPhone.statusCode).toBe(422);
    expect(json<ErrBody>(badPhone).error.details[0]?.field).toBe('mobile');
    expect((await post(url, { mobile: '13700000002' }, origin)).statusCode).toBe(422);
    expect((await post('/api/v1/public/forms/nope', { name: 'x' })).statusCode).toBe(404);
    // a lead outside the rule's region waits in the pool
    await post(url, { name: '赵敏', mobile: '13600000000', province: '四川省' }, origin);
    const waiting = json<{ data: Rec[] }>(
      await admin.get(`/api/v1/objects/lead?filter[name][eq]=${encodeURIComponent('赵敏')}`),
    ).data[0];
    expect(waiting).toMatchObject({ owner_id: null, status: 'unassigned', pool_id: poolId });
  });
});

describe('duplicate check', () => {
  it('finds an existing customer by fuzzy company name and hides what the user may not see', async () => {
    await admin.post('/api/v1/objects/account', { name: '苏州恒达精密机械有限公司' });
    const hits = json<{
      data: {
        object: string;
        id: string;
        matched: string[];
        similarity: number;
        visible: boolean;
        name: string;
        owner_name: string;
      }[];
    }>(await repA.post('/api/v1/leads/duplicates/check', { company: '苏州恒达精密机械股份有限公司' })).data;
    expect(hits).toHaveLength(1);
    expect(hits[0]).toMatchObject({
      object: 'account',
      matched: ['company'],
      similarity: 1,
      visible: false,
      name: '',
    });
    expect(hits[0]?.owner_name).toBeTruthy();
    const adminHits = json<{ data: { name: string; visible: boolean }[] }>(
      await admin.post('/api/v1/leads/duplicates/check', { company: '苏州恒达精密机械' }),
    ).data;
    expect(adminHits[0]).toMatchObject({ name: '苏州恒达精密机械有限公司', visible: true });

    // from a hit the rep can message its owner (the admin here) without opening the record
    const hit = { object: hits[0]?.object, id: hits[0]?.id ?? '' };
    const ping = await repA.post('/api/v1/leads/duplicates/ping', {
      ...hit,
      message: '这家我在跟，方便聊聊吗？',
    });
    expect(ping.statusCode, ping.body).toBe(204);
    expect((await repA.post('/api/v1/leads/duplicates/ping', hit)).statusCode).toBe(204);
    const pings = json<{ data: { kind: string; title: string; body: string; link: string }[] }>(
      await admin.get('/api/v1/notifications'),
    ).data.filter((n) => n.kind === 'lead.duplicate_ping');
    // one unread ping per record: the second was not added
    expect(pings).toHaveLength(1);
    expect(pings[0]).toMatchObject({ link: `/o/account/${hit.id}` });
    expect(pings[0]?.title).toContain('苏州恒达精密机械有限公司');
    expect(pings[0]?.body).toContain('这家我在跟');
    // your own record, an unknown id, an unknown object
    expect((await admin.post('/api/v1/leads/duplicates/ping', hit)).statusCode).toBe(422);
    expect(
      (await repA.post('/api/v1/leads/duplicates/ping', { object: 'account', id: crypto.randomUUID() }))
        .statusCode,
    ).toBe(404);
    expect(
      (await repA.post('/api/v1/leads/duplicates/ping', { object: 'order', id: hit.id })).statusCode,
    ).toBe(400);
  });

  it('blocks manual duplicates when the policy says so', async () => {
    await settings({ manualDuplicatePolicy: 'block' });
    const res = await admin.post('/api/v1/objects/lead', { name: '重复', mobile: '13812345678' });
    expect(res.statusCode).toBe(409);
    expect(json<ErrBody>(res).error).toMatchObject({
      key: 'duplicate_lead',
      details: [{ field: 'mobile', code: 'not_unique' }],
    });
    await settings({ manualDuplicatePolicy: 'warn' });
    expect(
      (
        await admin.post('/api/v1/objects/lead', {
          name: '重复',
          mobile: '13812345678',
          owner_id: admin.userId,
        })
      ).statusCode,
    ).toBe(201);
  });
});

describe('pools', () => {
  it('members claim within the cap, give back with a reason, admins transfer; others are refused', async () => {
    // a pool of its own, with a cap of one lead per member
    poolId = json<{ data: Rec }>(
      await admin.post('/api/v1/objects/lead_pool', { name: '新客线索池', claim_cap: 1 }),
    ).data.id;
    await admin.put(`/api/v1/leads/pools/${poolId}/members`, {
      members: [
        { user_id: repA.userId, role: 'member' },
        { user_id: repB.userId, role: 'member' },
      ],
    });
    await settings({ assignmentRules: [], defaultPoolId: poolId });
    const mk = async (name: string): Promise<string> => {
      const r = await admin.post('/api/v1/leads/capture', {
        name,
        mobile: `135${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`,
      });
      expect(r.statusCode, r.body).toBe(201);
      return json<{ data: { lead_id: string } }>(r).data.lead_id;
    };
    const l1 = await mk('池中一号');
    const l2 = await mk('池中二号');
    const outsider = await userWithRole(admin, 'sales_rep');
    expect((await outsider.post(`/api/v1/leads/${l1}/claim`)).statusCode).toBe(403);
    // members see their pool and its unassigned leads (to claim them), but cannot edit them; outsiders see neither
    const poolRes = await repA.get(`/api/v1/objects/lead_pool/${poolId}`);
    expect(poolRes.statusCode, poolRes.body).toBe(200);
    expect(
      json<{ data: Rec[] }>(
        await repA.get(`/api/v1/objects/lead?filter[pool_id][eq]=${poolId}&filter[status][eq]=unassigned`),
      ).data.map((l) => l.id),
    ).toEqual(expect.arrayContaining([l1, l2]));
    expect((await repA.patch(`/api/v1/objects/lead/${l1}`, { title: 'x' })).statusCode).toBe(404);
    expect((await outsider.get(`/api/v1/objects/lead/${l1}`)).statusCode).toBe(404);
    expect((await outsider.get(`/api/v1/objects/lead_pool/${poolId}`)).statusCode).toBe(404);
    expect((await repA.post(`/api/v1/leads/${l1}/claim`)).statusCode).toBe(204);
    expect((await repB.post(`/api/v1/leads/${l1}/claim`)).statusCode).toBe(409);
    // repA already holds leads from this pool (cap 1)
    const over = await repA.post(`/api/v1/leads/${l2}/claim`, {}, { 'accept-language': 'en-US' });
    expect(over.statusCode).toBe(422);
    expect(json<ErrBody>(over).error.key).toBe('claim_cap_reached');
    expect((await repA.post(`/api/v1/leads/${l1}/return`, { reason: '' })).statusCode).toBe(422);
    expect((await repA.post(`/api/v1/leads/${l1}/return`, { reason: '客户已选用竞品' })).statusCode).toBe(
      204,
    );
    const back = json<{ data: Rec }>(await admin.get(`/api/v1/objects/lead/${l1}`)).data;
    expect(back).toMatchObject({ owner_id: null, status: 'unassigned' });
    const other = json<{ data: Rec }>(await admin.post('/api/v1/objects/lead_pool', { name: '华南线索池' }))
      .data.id;
    expect((await repA.post(`/api/v1/leads/${l1}/transfer`, { pool_id: other })).statusCode).toBe(403);
    expect(
      (await admin.post(`/api/v1/leads/${l1}/transfer`, { pool_id: other, reason: '区域调整' })).statusCode,
    ).toBe(204);
    expect((await admin.post(`/api/v1/leads/${l1}/transfer`, { pool_id: 'nope' })).statusCode).toBe(422);
    const events = json<{ data: { events: { kind: string; reason: string | null }[] } }>(
      await admin.get(`/api/v1/leads/${l1}/timeline`),
    ).data.events;
    expect(events.map((e) => [e.kind, e.reason])).toEqual([
      ['transferred', '区域调整'],
      ['returned', '客户已选用竞品'],
      ['claimed', null],
    ]);
    expect((await admin.post(`/api/v1/leads/${l2}/assign`, { owner_id: repB.userId })).statusCode).toBe(204);
    expect((await admin.post(`/api/v1/leads/${l2}/invalidate`, { reason: '随便写的' })).statusCode).toBe(422);
    expect((await repB.post(`/api/v1/leads/${l2}/invalidate`, { reason: '联系不上' })).statusCode).toBe(204);
    expect(json<{ data: Rec }>(await admin.get(`/api/v1/objects/lead/${l2}`)).data).toMatchObject({
      status: 'invalid',
      invalid_reason: '联系不上',
    });
    // status and score are the pipeline's: clients cannot write them
    expect((await admin.patch(`/api/v1/objects/lead/${l2}`, { status: 'converted' })).statusCode).toBe(422);
    expect((await admin.put('/api/v1/leads/settings', { fuzzyThreshold: 5 })).statusCode).toBe(422);
    // reassigning by editing the owner keeps status in step and leaves a move on the timeline
    const l4 = json<{ data: { lead_id: string } }>(
      await admin.post('/api/v1/leads/capture', { name: '手工改派', mobile: '13599990000' }),
    ).data.lead_id;
    expect(json<{ data: Rec }>(await admin.get(`/api/v1/objects/lead/${l4}`)).data.status).toBe('unassigned');
    expect((await admin.patch(`/api/v1/objects/lead/${l4}`, { owner_id: repB.userId })).statusCode).toBe(200);
    expect(json<{ data: Rec }>(await admin.get(`/api/v1/objects/lead/${l4}`)).data).toMatchObject({
      status: 'pending',
      owner_id: repB.userId,
    });
    expect(
      json<{ data: { events: { kind: string }[] } }>(await admin.get(`/api/v1/leads/${l4}/timeline`)).data
        .events[0]?.kind,
    ).toBe('reassigned');
    // contacts keep the same normal form as leads (for the duplicate check)
    const acc = json<{ data: Rec }>(await admin.post('/api/v1/objects/account', { name: '规范化测试' })).data;
    const c = await admin.post('/api/v1/objects/contact', {
      name: '全角',
      account_id: acc.id,
      mobile: '１３８ ００１３ ８０００',
      email: 'Quan@Jiao.CN',
    });
    expect(c.statusCode, c.body).toBe(201);
    expect(json<{ data: Rec }>(c).data).toMatchObject({ mobile: '+8613800138000', email: 'quan@jiao.cn' });
  });
});

describe('re-claim cooldown', () => {
  it('keeps a returned lead away from its previous owner for the cooldown; others may claim it', async () => {
    const pool = json<{ data: Rec }>(await admin.post('/api/v1/objects/lead_pool', { name: '冷却测试池' }))
      .data.id;
    await admin.put(`/api/v1/leads/pools/${pool}/members`, {
      members: [
        { user_id: repA.userId, role: 'member' },
        { user_id: repB.userId, role: 'member' },
      ],
    });
    await settings({ assignmentRules: [], defaultPoolId: pool, reclaimCooldownDays: 7 });
    const lead = json<{ data: { lead_id: string } }>(
      await admin.post('/api/v1/leads/capture', { name: '冷却线索', mobile: '13577770001' }),
    ).data.lead_id;
    expect((await repA.post(`/api/v1/leads/${lead}/claim`)).statusCode).toBe(204);
    expect((await repA.post(`/api/v1/leads/${lead}/return`, { reason: '暂无需求' })).statusCode).toBe(204);
    const again = await repA.post(`/api/v1/leads/${lead}/claim`, {}, { 'accept-language': 'en-US' });
    expect(again.statusCode).toBe(422);
    const err = json<ErrBody & { error: { message: string } }>(again).error;
    expect(err.key).toBe('reclaim_cooldown');
    expect(err.message).toMatch(/after \d{4}-\d{2}-\d{2}$/);
    const cur = json<{ data: Rec }>(await admin.get(`/api/v1/objects/lead/${lead}`)).data;
    expect(cur).toMatchObject({ status: 'unassigned', owner_id: null });
    // a colleague is not held back; with the cooldown switched off the old owner is not either
    expect((await repB.post(`/api/v1/leads/${lead}/claim`)).statusCode).toBe(204);
    expect((await repB.post(`/api/v1/leads/${lead}/return`, { reason: '转给同事' })).statusCode).toBe(204);
    await settings({ reclaimCooldownDays: 0 });
    // capture may choose the pool; an unknown one is refused on the field
    const chosen = json<{ data: { lead_id: string } }>(
      await admin.post('/api/v1/leads/capture', { name: '指定池', mobile: '13577770002', pool_id: pool }),
    ).data.lead_id;
    expect(json<{ data: Rec }>(await admin.get(`/api/v1/objects/lead/${chosen}`)).data.pool_id).toBe(pool);
    const nowhere = await admin.post('/api/v1/leads/capture', {
      name: '无效池',
      mobile: '13577770003',
      pool_id: crypto.randomUUID(),
    });
    expect(nowhere.statusCode).toBe(422);
    expect(json<ErrBody>(nowhere).error.details[0]?.field).toBe('pool_id');
    expect((await repA.post(`/api/v1/leads/${lead}/claim`)).statusCode).toBe(204);
    expect(
      (
        await admin.put('/api/v1/leads/settings', {
          ...json<{ data: Rec }>(await admin.get('/api/v1/leads/settings')).data,
          reclaimCooldownDays: -1,
        })
      ).statusCode,
    ).toBe(422);
  });
});

describe('void and revive', () => {
  it('voids spam (admins only restore it) and revives invalid leads back to their owner', async () => {
    await settings({ assignmentRules: [], defaultPoolId: poolId });
    const mk = async (name: string, mobile: string, owner?: string | null): Promise<string> =>
      json<{ data: { lead_id: string } }>(
        await admin.post('/api/v1/leads/capture', { name, mobile, ...(owner ? { owner_id: owner } : {}) }),
      ).data.lead_id;
    const spam = await mk('广告推销', '13588880001', repA.userId);
    // a rep may not void, an admin may
    expect((await repA.post(`/api/v1/leads/${spam}/void`, {})).statusCode).toBe(403);
    expect((await admin.post(`/api/v1/leads/${spam}/void`, { reason: '垃圾广告' })).statusCode).toBe(204);
    expect(json<{ data: Rec }>(await admin.get(`/api/v1/objects/lead/${spam}`)).data).toMatchObject({
      status: 'voided',
      owner_id: null,
    });
    expect((await admin.post(`/api/v1/leads/${spam}/void`, {})).statusCode).toBe(409);
    expect((await repA.post(`/api/v1/leads/${spam}/claim`)).statusCode).toBe(409);
    expect((await repA.post(`/api/v1/leads/${spam}/revive`, {})).statusCode).toBe(403);
    expect((await admin.post(`/api/v1/leads/${spam}/revive`, { reason: '误判' })).statusCode).toBe(204);
    expect(json<{ data: Rec }>(await admin.get(`/api/v1/objects/lead/${spam}`)).data).toMatchObject({
      status: 'unassigned',
      pool_id: poolId,
    });

    const cold = await mk('暂时联系不上', '13588880002', repB.userId);
    expect((await repB.post(`/api/v1/leads/${cold}/invalidate`, { reason: '联系不上' })).statusCode).toBe(
      204,
    );
    expect((await repA.post(`/api/v1/leads/${cold}/revive`, {})).statusCode).toBe(403);
    expect((await repB.post(`/api/v1/leads/${cold}/revive`)).statusCode).toBe(204);
    expect(json<{ data: Rec }>(await repB.get(`/api/v1/objects/lead/${cold}`)).data).toMatchObject({
      status: 'pending',
      owner_id: repB.userId,
      invalid_reason: null,
    });
    expect((await repB.post(`/api/v1/leads/${cold}/revive`, {})).statusCode).toBe(409);
    const kinds = json<{ data: { events: { kind: string }[] } }>(
      await admin.get(`/api/v1/leads/${cold}/timeline`),
    ).data.events.map((e) => e.kind);
    expect(kinds.slice(0, 2)).toEqual(['revived', 'invalidated']);
    expect((await repB.post(`/api/v1/leads/${cold}/void`, { reason: 'x'.repeat(501) })).statusCode).toBe(400);
  });
});

describe('assignment by load in a batch', () => {
  it('counts leads handed out earlier in the same batch, so a bulk create spreads evenly', async () => {
    const repC = await userWithRole(admin, 'sales_rep');
    const repD = await userWithRole(admin, 'sales_rep');
    await settings({
      defaultPoolId: null,
      assignmentRules: [
        {
          id: 'batch_load',
          name: '按负载',
          conditions: [{ field: 'industry', op: 'eq', value: '批量测试业' }],
          strategy: 'load',
          members: [repC.userId, repD.userId],
          dailyCap: 3,
          paused: [],
        },
      ],
    });
    const res = await admin.post('/api/v1/objects/lead/bulk', {
      action: 'create',
      records: [1, 2, 3, 4, 5, 6, 7].map((i) => ({ name: `批量${i}`, industry: '批量测试业' })),
    });
    expect(res.statusCode, res.body).toBe(200);
    const owners = json<{ data: Rec[] }>(res).data.map((l) => l.owner_id);
    // three each (the daily cap), the seventh finds everyone full and waits unassigned
    expect(owners.filter((o) => o === repC.userId)).toHaveLength(3);
    expect(owners.filter((o) => o === repD.userId)).toHaveLength(3);
    expect(owners.filter((o) => o === null)).toHaveLength(1);
    // a hook's field problem in a batch names its row
    const bad = await admin.post('/api/v1/objects/lead/bulk', {
      action: 'create',
      records: [{ name: '好' }, { name: '坏', mobile: '12345' }],
    });
    expect(bad.statusCode).toBe(422);
    expect(json<ErrBody>(bad).error.details).toEqual([
      expect.objectContaining({ field: 'records[1].mobile', code: 'invalid_phone' }),
    ]);
    await settings({ assignmentRules: [] });
  });
});

describe('conversion', () => {
  it('creates an account and a contact, or fills empty fields of existing ones; only live leads convert', async () => {
    const cap = await admin.post('/api/v1/leads/capture', {
      name: '陈静',
      mobile: '13712345678',
      email: 'chenjing@lanhai.cn',
      company: '宁波蓝海电子有限公司',
      title: '采购经理',
      province: '浙江省',
      company_size: '200-499',
      owner_id: repA.userId,
    });
    expect(cap.statusCode, cap.body).toBe(201);
    const leadId = json<{ data: { lead_id: string } }>(cap).data.lead_id;
    const res = await repA.post(`/api/v1/leads/${leadId}/convert`, {});
    expect(res.statusCode, res.body).toBe(200);
    const { account_id, contact_id } = json<{ data: { account_id: string; contact_id: string } }>(res).data;
    expect(json<{ data: Rec }>(await repA.get(`/api/v1/objects/account/${account_id}`)).data).toMatchObject({
      name: '宁波蓝海电子有限公司',
      province: '浙江省',
      size: '200-499',
      owner_id: repA.userId,
    });
    expect(json<{ data: Rec }>(await repA.get(`/api/v1/objects/contact/${contact_id}`)).data).toMatchObject({
      name: '陈静',
      mobile: '+8613712345678',
      account_id,
    });
    expect(json<{ data: Rec }>(await repA.get(`/api/v1/objects/lead/${leadId}`)).data.status).toBe(
      'converted',
    );
    expect((await repA.post(`/api/v1/leads/${leadId}/convert`, {})).statusCode).toBe(409);

    // into an existing account: only empty fields are filled
    const acc = json<{ data: Rec }>(
      await admin.post('/api/v1/objects/account', {
        name: '温州瓯江仪表有限公司',
        province: '浙江省',
        owner_id: repB.userId,
      }),
    ).data;
    const l2 = json<{ data: { lead_id: string } }>(
      await admin.post('/api/v1/leads/capture', {
        name: '周伟',
        mobile: '13787654321',
        company: '温州瓯江仪表',
        province: '江苏省',
        city: '温州市',
        owner_id: repB.userId,
      }),
    ).data.lead_id;
    const c2 = await repB.post(`/api/v1/leads/${l2}/convert`, { account_id: acc.id });
    expect(c2.statusCode, c2.body).toBe(200);
    expect(json<{ data: Rec }>(await repB.get(`/api/v1/objects/account/${acc.id}`)).data).toMatchObject({
      province: '浙江省',
      city: '温州市',
      name: '温州瓯江仪表有限公司',
    });
    // someone who cannot see the lead cannot convert it
    const l3 = json<{ data: { lead_id: string } }>(
      await admin.post('/api/v1/leads/capture', {
        name: '孙丽',
        mobile: '13711112222',
        owner_id: repB.userId,
      }),
    ).data.lead_id;
    expect((await repA.post(`/api/v1/leads/${l3}/convert`, {})).statusCode).toBe(404);
  });
});

describe('conversion attribution and field mapping', () => {
  it('carries source, campaign and UTM to the new records, links them, and copies mapped custom fields', async () => {
    const label = (zh: string, en: string) => ({ 'zh-CN': zh, 'en-US': en });
    for (const [object, api] of [
      ['lead', 'budget__c'],
      ['account', 'budget__c'],
      ['contact', 'wechat__c'],
      ['lead', 'wechat__c'],
    ] as const) {
      const r = await admin.post(`/api/v1/metadata/objects/${object}/fields`, {
        api_name: api,
        type: api === 'budget__c' ? 'number' : 'text',
        label: api === 'budget__c' ? label('预算', 'Budget') : label('微信号', 'WeChat'),
      });
      expect(r.statusCode, r.body).toBe(201);
    }
    const mapping = [
      { lead_field: 'budget__c', object: 'account', field: 'budget__c' },
      { lead_field: 'wechat__c', object: 'contact', field: 'wechat__c' },
    ];
    // a mapping that cannot work is refused, naming the row
    const cur = json<{ data: Rec }>(await admin.get('/api/v1/leads/settings')).data;
    const bad = await admin.put('/api/v1/leads/settings', {
      ...cur,
      conversionMapping: [
        { lead_field: 'budget__c', object: 'contact', field: 'wechat__c' },
        { lead_field: 'nope__c', object: 'account', field: 'name' },
      ],
    });
    expect(bad.statusCode).toBe(422);
    expect(json<ErrBody>(bad).error.details.map((d) => [d.field, d.code])).toEqual([
      ['conversionMapping.0.field', 'invalid_value'],
      ['conversionMapping.1.lead_field', 'unknown_field'],
      ['conversionMapping.1.field', 'unknown_field'],
    ]);
    await settings({ conversionMapping: mapping });
    // the opportunity object has no such field: the mapping names it
    const noOpp = await admin.put('/api/v1/leads/settings', {
      ...cur,
      conversionMapping: [{ lead_field: 'budget__c', object: 'opportunity', field: 'budget__c' }],
    });
    expect(json<ErrBody>(noOpp).error.details.map((d) => d.field)).toEqual(['conversionMapping.0.field']);

    const campaign = json<{ data: Rec }>(
      await admin.post('/api/v1/objects/campaign', { name: '双十一直播', type: 'webinar' }),
    ).data.id;
    const leadId = json<{ data: { lead_id: string } }>(
      await admin.post('/api/v1/leads/capture', {
        name: '韩梅',
        mobile: '13755556666',
        company: '苏州映山红科技有限公司',
        owner_id: repA.userId,
        source: 'campaign',
        campaign_id: campaign,
        utm_source: 'wechat',
        utm_medium: 'live',
        budget__c: 300000,
        wechat__c: 'hanmei_sz',
      }),
    ).data.lead_id;
    // conversion with an opportunity: test/conversion-opportunity.test.ts
    const res = await repA.post(`/api/v1/leads/${leadId}/convert`, {});
    expect(res.statusCode, res.body).toBe(200);
    const { account_id, contact_id } = json<{ data: { account_id: string; contact_id: string } }>(res).data;
    expect(json<{ data: Rec }>(await repA.get(`/api/v1/objects/account/${account_id}`)).data).toMatchObject({
      source: 'campaign',
      campaign_id: campaign,
      utm_source: 'wechat',
      utm_medium: 'live',
      lead_id: leadId,
      budget__c: 300000,
    });
    expect(json<{ data: Rec }>(await repA.get(`/api/v1/objects/contact/${contact_id}`)).data).toMatchObject({
      source: 'campaign',
      campaign_id: campaign,
      lead_id: leadId,
      wechat__c: 'hanmei_sz',
    });
    const lead = json<{ data: Rec }>(await repA.get(`/api/v1/objects/lead/${leadId}`)).data;
    expect(lead).toMatchObject({ converted_account_id: account_id, converted_contact_id: contact_id });
    expect(typeof lead.converted_at).toBe('string');
    // the links are the pipeline's, not the client's
    const l2 = await admin.post('/api/v1/objects/lead', { name: 'x', converted_account_id: account_id });
    expect(l2.statusCode).toBe(422);
    await settings({ conversionMapping: [] });
  });
});

describe('pool timers (as-of dates)', () => {
  it('warn the owner the day before and recycle a lead nobody followed up, with the reason kept', async () => {
    const t = await newTenant(built);
    const a = await login(built.app, t.adminEmail);
    const rep = await userWithRole(a, 'sales_rep');
    const pool = json<{ data: Rec }>(
      await a.post('/api/v1/objects/lead_pool', { name: '计时池', first_followup_days: 3, convert_days: 30 }),
    ).data.id;
    await a.put(`/api/v1/leads/pools/${pool}/members`, { members: [{ user_id: a.userId, role: 'admin' }] });
    const cur = json<{ data: Record<string, unknown> }>(await a.get('/api/v1/leads/settings')).data;
    await a.put('/api/v1/leads/settings', { ...cur, defaultPoolId: pool });
    const lead = json<{ data: { lead_id: string } }>(
      await a.post('/api/v1/leads/capture', { name: '钱多多', mobile: '13600001111', owner_id: rep.userId }),
    ).data.lead_id;
    const unassigned = json<{ data: { lead_id: string } }>(
      await a.post('/api/v1/leads/capture', { name: '无人认领', mobile: '13600002222' }),
    ).data.lead_id;
    expect(json<{ data: Rec }>(await a.get(`/api/v1/objects/lead/${unassigned}`)).data.status).toBe(
      'unassigned',
    );
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
    const day = (n: number): string =>
      new Date(Date.parse(`${today}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
    const run = async (n: number) =>
      json<{ data: { status: string; result: Record<string, number> } }>(
        await a.post('/api/v1/admin/jobs/leads.timers/run', { as_of: day(n) }),
      ).data;

    expect((await run(1)).result).toMatchObject({ recycled: 0, warnings: 0, unassigned_alerts: 1 });
    expect((await run(2)).result).toMatchObject({ recycled: 0, warnings: 1 });
    expect(
      json<{ data: { kind: string }[] }>(await rep.get('/api/v1/notifications')).data.map((n) => n.kind),
    ).toContain('lead.recycle_warning');
    const r3 = await run(3);
    expect(r3).toMatchObject({ status: 'succeeded', result: { recycled: 1 } });
    expect(json<{ data: Rec }>(await a.get(`/api/v1/objects/lead/${lead}`)).data).toMatchObject({
      owner_id: null,
      status: 'unassigned',
      pool_id: pool,
      recycle_count: 1,
    });
    const ev = json<{ data: { events: { kind: string; reason: string }[] } }>(
      await a.get(`/api/v1/leads/${lead}/timeline`),
    ).data.events[0];
    expect(ev).toMatchObject({ kind: 'recycled', reason: '3 天内未首次跟进' });
    expect((await run(3)).result).toMatchObject({ recycled: 0 });
  });
});

describe('lead analytics', () => {
  it('adds up: trend = funnel = sources; scope applies; bad periods are refused', async () => {
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
    type A = {
      trend: { count: number }[];
      funnel: { captured: number; converted: number; rates: { converted: number } };
      by_source: { source: string; captured: number }[];
      owners: { owner_id: string; holding: number }[];
      campaigns: unknown[];
      pool_moves: { kind: string; count: number }[];
      score_bands: { band: string; count: number }[];
    };
    const res = await admin.get(`/api/v1/leads/analytics?from=${today}&to=${today}&granularity=day`);
    expect(res.statusCode, res.body).toBe(200);
    const all = json<{ data: A }>(res).data;
    expect(all.funnel.captured).toBeGreaterThanOrEqual(8);
    expect(all.trend.reduce((a, t) => a + t.count, 0)).toBe(all.funnel.captured);
    expect(all.by_source.reduce((a, s) => a + s.captured, 0)).toBe(all.funnel.captured);
    expect(all.score_bands.reduce((a, b) => a + b.count, 0)).toBe(all.funnel.captured);
    expect(all.score_bands.map((b) => b.band)).toEqual(['0-19', '20-39', '40-59', '60-79', '80+']);
    expect(all.funnel.converted).toBeGreaterThanOrEqual(2);
    expect(all.funnel.rates.converted).toBeCloseTo(all.funnel.converted / all.funnel.captured, 3);
    expect(all.pool_moves.map((m) => m.kind)).toEqual(
      expect.arrayContaining(['assigned', 'claimed', 'returned', 'transferred']),
    );
    const mine = json<{ data: A }>(await repA.get(`/api/v1/leads/analytics?from=${today}&to=${today}`)).data;
    expect(mine.funnel.captured).toBeLessThan(all.funnel.captured);
    expect(mine.owners.every((o) => o.owner_id === repA.userId)).toBe(true);
    expect((await admin.get('/api/v1/leads/analytics?from=2026-02-30&to=2026-03-01')).statusCode).toBe(400);
    expect((await admin.get('/api/v1/leads/analytics?from=2026-03-02&to=2026-03-01')).statusCode).toBe(400);
  });
});

describe('duplicate review and merge', () => {
  it('flags fuzzy company matches for review, then merges them keeping history', async () => {
    const first = json<{ data: { lead_id: string; outcome: string } }>(
      await admin.post('/api/v1/leads/capture', {
        name: '郑强',
        mobile: '13511110000',
        company: '厦门鹭岛物流有限公司',
        title: 'IT总监',
      }),
    ).data;
    const second = json<{ data: { lead_id: string; outcome: string } }>(
      await admin.post('/api/v1/leads/capture', {
        name: '郑强',
        mobile: '13522220000',
        email: 'zq@ludao.cn',
        company: '厦门鹭岛物流股份有限公司',
      }),
    ).data;
    expect(first.outcome).toBe('created');
    expect(second.outcome).toBe('flagged');
    const queue = json<{ data: { lead: Rec; candidate: Rec }[] }>(
      await admin.get('/api/v1/leads/duplicates/review'),
    ).data;
    const pair = queue.find((q) => q.lead.id === second.lead_id);
    expect(pair?.candidate.id).toBe(first.lead_id);
    const bad = await admin.post('/api/v1/leads/merge', {
      survivor_id: first.lead_id,
      merged_id: second.lead_id,
      take_from_merged: ['status'],
    });
    expect(bad.statusCode).toBe(422);
    const res = await admin.post('/api/v1/leads/merge', {
      survivor_id: first.lead_id,
      merged_id: second.lead_id,
      take_from_merged: ['mobile'],
    });
    expect(res.statusCode, res.body).toBe(200);
    const survivor = json<{ data: Rec }>(await admin.get(`/api/v1/objects/lead/${first.lead_id}`)).data;
    expect(survivor).toMatchObject({
      mobile: '+8613522220000',
      email: 'zq@ludao.cn',
      title: 'IT总监',
      touch_count: 2,
      duplicate_of: null,
    });
    expect((await admin.get(`/api/v1/objects/lead/${second.lead_id}`)).statusCode).toBe(404);
    const tl = json<{ data: { touches: unknown[]; events: { kind: string }[] } }>(
      await admin.get(`/api/v1/leads/${first.lead_id}/timeline`),
    ).data;
    expect(tl.touches).toHaveLength(2);
    expect(tl.events[0]?.kind).toBe('merged');
    expect(
      json<{ data: { lead: Rec }[] }>(await admin.get('/api/v1/leads/duplicates/review')).data.some(
        (q) => q.lead.id === second.lead_id,
      ),
    ).toBe(false);
    expect(
      (await repA.post('/api/v1/leads/merge', { survivor_id: first.lead_id, merged_id: second.lead_id }))
        .statusCode,
    ).toBe(403);
  });
});

describe('score decay (as-of dates)', () => {
  it('fades the scores of leads without touches by the monthly percent, explains it, and does nothing at 0 %', async () => {
    const t = await newTenant(built);
    const a = await login(built.app, t.adminEmail);
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
    const day = (n: number): string =>
      new Date(Date.parse(`${today}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
    const run = async (n: number) =>
      json<{ data: { result: Record<string, unknown> } }>(
        await a.post('/api/v1/admin/jobs/leads.score_decay/run', { as_of: day(n) }),
      ).data.result;
    const lead = json<{ data: { lead_id: string } }>(
      await a.post('/api/v1/leads/capture', {
        name: '衰减测试',
        title: '信息化总监',
        email: 'decay@example.cn',
      }),
    ).data.lead_id;
    const scoreOf = async () => json<{ data: Rec }>(await a.get(`/api/v1/objects/lead/${lead}`)).data.score;
    expect(await scoreOf()).toBe(25); // 总监 20 + e-mail 5
    expect(await run(70)).toMatchObject({ skipped: 'no decay' });
    const cur = json<{ data: Record<string, unknown> & { scoring: Record<string, unknown> } }>(
      await a.get('/api/v1/leads/settings'),
    ).data;
    await a.put('/api/v1/leads/settings', { ...cur, scoring: { ...cur.scoring, monthlyDecayPercent: 20 } });
    // within the first month nothing fades
    expect(await run(20)).toMatchObject({ checked: 1, changed: 0 });
    // two whole months: 25 × 0.8² = 16
    expect(await run(65)).toMatchObject({ checked: 1, changed: 1 });
    expect(await scoreOf()).toBe(16);
    expect(await run(65)).toMatchObject({ changed: 0 });
    // today the lead is fresh: the explanation shows no decay, and a change re-scores as of today
    const explained = json<{ data: { score: number; decay: unknown } }>(
      await a.get(`/api/v1/leads/${lead}/score`),
    ).data;
    expect(explained).toMatchObject({ score: 25, decay: null });
    expect((await a.patch(`/api/v1/objects/lead/${lead}`, { city: '杭州市' })).statusCode).toBe(200);
    expect(await scoreOf()).toBe(25);
  });
});
