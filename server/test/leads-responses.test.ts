// Conformance of the leads module's answers (docs/API.md section 13) with the response schemas
// its routes declare (server/src/modules/leads/leads.schemas.ts). Like openapi-responses.test.ts:
// nothing parses responses at runtime, so this test calls every leads endpoint with realistic
// data (successes and the usual errors) and validates each JSON body against the schema the
// route declares for that status.
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { BuiltApp } from '../src/app.ts';
import { documentedResponses } from '../src/platform/http/server.ts';
import { json, login, newTenant, testApp, userWithRole, type Client } from './harness.ts';

type Rec = Record<string, unknown> & { id: string };
type Captured = { data: { lead_id: string; outcome: string; owner_id: string | null } };

let built: BuiltApp;
let admin: Client;
let repA: Client;
let repB: Client;
let outsider: Client;
let viewer: Client;
let poolId: string;
const checked = new Set<string>();

/** Asserts `res` matches what `METHOD route` declares for its status; returns the body. */
function conforms<T = Record<string, unknown>>(
  method: string,
  route: string,
  res: LightMyRequestResponse,
  status?: number,
): T {
  if (status !== undefined) expect(res.statusCode, `${method} ${route}: ${res.body}`).toBe(status);
  const declared = documentedResponses.get(built.app)?.get(`${method} ${route}`);
  expect(declared, `${method} ${route} declares response schemas`).toBeDefined();
  const code = String(res.statusCode);
  const schema = declared?.[code] ?? declared?.[`${code[0]}xx`];
  expect(schema, `${method} ${route} documents status ${code}`).toBeInstanceOf(z.ZodType);
  checked.add(`${method} ${route} ${code}`);
  if (res.statusCode === 204) {
    expect(res.body).toBe('');
    return undefined as T;
  }
  const body: unknown = res.json();
  const parsed = (schema as z.ZodType).safeParse(body);
  expect(
    parsed.success,
    `${method} ${route} ${code} does not match its schema:\n${parsed.error ? z.prettifyError(parsed.error) : ''}\n${res.body.slice(0, 800)}`,
  ).toBe(true);
  return body as T;
}

/** The error key of a conforming 4xx answer. */
function errorKey(method: string, route: string, res: LightMyRequestResponse, status: number): string {
  return conforms<{ error: { key: string } }>(method, route, res, status).error.key;
}

const rand8 = () => String(Math.floor(Math.random() * 1e8)).padStart(8, '0');
const mobile = () => `135${rand8()}`;

/** A public form submission from its own client IP (the endpoint is rate limited per IP). */
const publicPost = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  built.app.inject({
    method: 'POST',
    url,
    payload: JSON.stringify(body),
    headers: {
      'content-type': 'application/json',
      'x-forwarded-for': `10.9.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`,
      ...headers,
    },
  });

const SETTINGS = '/api/v1/leads/settings';
const CAPTURE = '/api/v1/leads/capture';
const MEMBERS = '/api/v1/leads/pools/:id/members';

async function capture(
  body: Record<string, unknown>,
  status = 201,
  who: Client = admin,
): Promise<Captured['data']> {
  return conforms<Captured>('POST', CAPTURE, await who.post(CAPTURE, body), status).data;
}

async function saveSettings(patch: Record<string, unknown>): Promise<void> {
  const cur = conforms<{ data: Record<string, unknown> }>('GET', SETTINGS, await admin.get(SETTINGS), 200);
  conforms('PUT', SETTINGS, await admin.put(SETTINGS, { ...cur.data, ...patch }), 200);
}

beforeAll(async () => {
  built = await testApp();
  const t = await newTenant(built);
  admin = await login(built.app, t.adminEmail);
  repA = await userWithRole(admin, 'sales_rep');
  repB = await userWithRole(admin, 'sales_rep');
  outsider = await userWithRole(admin, 'sales_rep');
  viewer = await userWithRole(admin, 'read_only');
  poolId = json<{ data: Rec }>(
    await admin.post('/api/v1/objects/lead_pool', { name: '华东线索池', claim_cap: 1 }),
  ).data.id;
  conforms(
    'PUT',
    MEMBERS,
    await admin.put(`/api/v1/leads/pools/${poolId}/members`, {
      members: [
        { user_id: repA.userId, role: 'member' },
        { user_id: repB.userId, role: 'member' },
      ],
    }),
    204,
  );
});
afterAll(async () => built.close());

describe('leads answers match their OpenAPI schemas', () => {
  it('settings', async () => {
    const cur = conforms<{ data: Record<string, unknown> & { invalidReasons: string[] } }>(
      'GET',
      SETTINGS,
      await repA.get(SETTINGS),
      200,
    ).data;
    expect(cur.invalidReasons).toContain('联系不上');
    await saveSettings({
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
    expect(errorKey('PUT', SETTINGS, await admin.put(SETTINGS, { ...cur, fuzzyThreshold: 5 }), 422)).toBe(
      'validation_failed',
    );
    expect(errorKey('PUT', SETTINGS, await repA.put(SETTINGS, cur), 403)).toBe('forbidden');
    conforms('GET', SETTINGS, await built.app.inject({ method: 'GET', url: SETTINGS }), 401);
  });

  it('capture, duplicate check, ping, review, not-duplicate, merge', async () => {
    const first = await capture({
      name: '王磊',
      mobile: '138 1234 5678',
      company: '杭州云帆科技有限公司',
      title: '信息化总监',
      province: '浙江省',
      source: 'api',
      utm_source: 'baidu',
      utm_medium: 'cpc',
    });
    expect(first).toMatchObject({ outcome: 'created', owner_id: repA.userId });
    // the same person again: a touch of the same lead (200)
    const again = await capture({ name: '王磊', mobile: '+86-138-1234-5678', email: 'wl@yunfan.cn' }, 200);
    expect(again).toMatchObject({ lead_id: first.lead_id, outcome: 'merged' });
    // a similar company name: created and flagged for review
    const flagged = await capture({ name: '王磊', mobile: mobile(), company: '杭州云帆科技股份有限公司' });
    expect(flagged.outcome).toBe('flagged');
    expect(errorKey('POST', CAPTURE, await admin.post(CAPTURE, { name: 'x', mobile: 'call me' }), 422)).toBe(
      'validation_failed',
    );
    expect(errorKey('POST', CAPTURE, await viewer.post(CAPTURE, { name: '只读用户' }), 403)).toBe(
      'forbidden',
    );

    const CHECK = '/api/v1/leads/duplicates/check';
    await admin.post('/api/v1/objects/account', { name: '苏州恒达精密机械有限公司' });
    const hits = conforms<{ data: { object: string; id: string; visible: boolean; name: string }[] }>(
      'POST',
      CHECK,
      await repA.post(CHECK, { company: '苏州恒达精密机械股份有限公司', mobile: '13812345678' }),
      200,
    ).data;
    const account = hits.find((h) => h.object === 'account');
    expect(account).toMatchObject({ visible: false, name: '' });
    expect(hits.some((h) => h.object === 'lead')).toBe(true);
    expect(conforms<{ data: unknown[] }>('POST', CHECK, await repA.post(CHECK, {}), 200).data).toEqual([]);
    conforms('POST', CHECK, await repA.post(CHECK, { phone: '1' }), 400);

    const PING = '/api/v1/leads/duplicates/ping';
    const hit = { object: 'account', id: account?.id ?? '' };
    conforms('POST', PING, await repA.post(PING, { ...hit, message: '这家我在跟，方便聊聊吗？' }), 204);
    conforms('POST', PING, await admin.post(PING, hit), 422);
    conforms('POST', PING, await repA.post(PING, { object: 'account', id: crypto.randomUUID() }), 404);

    const REVIEW = '/api/v1/leads/duplicates/review';
    const queue = conforms<{ data: { lead: Rec; candidate: Rec | null }[] }>(
      'GET',
      REVIEW,
      await admin.get(REVIEW),
      200,
    ).data;
    expect(queue.find((q) => q.lead.id === flagged.lead_id)?.candidate?.id).toBe(first.lead_id);
    conforms('GET', REVIEW, await built.app.inject({ method: 'GET', url: REVIEW }), 401);
    const MERGE = '/api/v1/leads/merge';
    const pair = { survivor_id: first.lead_id, merged_id: flagged.lead_id };
    conforms('POST', MERGE, await admin.post(MERGE, { ...pair, take_from_merged: ['status'] }), 422);
    conforms('POST', MERGE, await repA.post(MERGE, pair), 403);
    conforms(
      'POST',
      MERGE,
      await admin.post(MERGE, { survivor_id: first.lead_id, merged_id: crypto.randomUUID() }),
      404,
    );
    const survivor = conforms<{ data: Rec }>(
      'POST',
      MERGE,
      await admin.post(MERGE, { ...pair, take_from_merged: ['mobile'] }),
      200,
    ).data;
    expect(survivor.id).toBe(first.lead_id);
    expect(survivor.touch_count).toBe(3);

    // a rep sees flagged leads of their own, without the lead they resemble (repA's)
    const repFlagged = await capture({
      name: '郑强',
      mobile: mobile(),
      company: '杭州云帆科技集团有限公司',
      owner_id: repB.userId,
    });
    expect(repFlagged.outcome).toBe('flagged');
    const repQueue = conforms<{ data: { lead: Rec; candidate: Rec | null }[] }>(
      'GET',
      REVIEW,
      await repB.get(REVIEW),
      200,
    ).data;
    expect(repQueue.find((q) => q.lead.id === repFlagged.lead_id)?.candidate).toBeNull();

    const NOT_DUP = '/api/v1/leads/:id/not-duplicate';
    conforms('POST', NOT_DUP, await repB.post(`/api/v1/leads/${repFlagged.lead_id}/not-duplicate`), 204);
    conforms('POST', NOT_DUP, await outsider.post(`/api/v1/leads/${repFlagged.lead_id}/not-duplicate`), 404);

    // the survivor's history: touches with attribution, the merge event with its JSON reason
    const TIMELINE = '/api/v1/leads/:id/timeline';
    const tl = conforms<{ data: { touches: { attribution: Record<string, unknown> }[]; events: Rec[] } }>(
      'GET',
      TIMELINE,
      await admin.get(`/api/v1/leads/${first.lead_id}/timeline`),
      200,
    ).data;
    expect(tl.touches).toHaveLength(3);
    expect(tl.touches.some((t) => t.attribution.utm_source === 'baidu')).toBe(true);
    expect(tl.events[0]?.kind).toBe('merged');
    conforms('GET', TIMELINE, await admin.get(`/api/v1/leads/${crypto.randomUUID()}/timeline`), 404);
    conforms('GET', TIMELINE, await outsider.get(`/api/v1/leads/${first.lead_id}/timeline`), 404);

    const SCORE = '/api/v1/leads/:id/score';
    const score = conforms<{ data: { score: number; explanation: { rule: string }[]; decay: unknown } }>(
      'GET',
      SCORE,
      await repA.get(`/api/v1/leads/${first.lead_id}/score`),
      200,
    ).data;
    expect(score.explanation.map((e) => e.rule)).toContain('title_director');
    expect(score.decay).toBeNull();
    conforms('GET', SCORE, await admin.get('/api/v1/leads/not-a-uuid/score'), 404);
  });

  it('pool moves, members, convert', async () => {
    // a pool of its own (cap: one open lead per member), so earlier leads do not count
    const claimPool = json<{ data: Rec }>(
      await admin.post('/api/v1/objects/lead_pool', { name: '新客线索池', claim_cap: 1 }),
    ).data.id;
    conforms(
      'PUT',
      MEMBERS,
      await admin.put(`/api/v1/leads/pools/${claimPool}/members`, {
        members: [
          { user_id: repA.userId, role: 'member' },
          { user_id: repB.userId, role: 'member' },
        ],
      }),
      204,
    );
    await saveSettings({ assignmentRules: [], defaultPoolId: claimPool });
    const l1 = (await capture({ name: '池中一号', mobile: mobile() })).lead_id;
    const l2 = (await capture({ name: '池中二号', mobile: mobile() })).lead_id;
    const at = (id: string, op: string) => `/api/v1/leads/${id}/${op}`;

    const CLAIM = '/api/v1/leads/:id/claim';
    expect(errorKey('POST', CLAIM, await outsider.post(at(l1, 'claim')), 403)).toBe('not_pool_member');
    conforms('POST', CLAIM, await repA.post(at(l1, 'claim')), 204);
    expect(errorKey('POST', CLAIM, await repB.post(at(l1, 'claim')), 409)).toBe('lead_not_claimable');
    expect(errorKey('POST', CLAIM, await repA.post(at(l2, 'claim')), 422)).toBe('claim_cap_reached');
    conforms('POST', CLAIM, await repA.post(at(crypto.randomUUID(), 'claim')), 404);

    const RETURN = '/api/v1/leads/:id/return';
    conforms('POST', RETURN, await repA.post(at(l1, 'return'), { reason: '' }), 422);
    conforms('POST', RETURN, await repA.post(at(l1, 'return'), { reason: '客户已选用竞品' }), 204);
    expect(errorKey('POST', RETURN, await admin.post(at(l1, 'return'), { reason: '再退一次' }), 409)).toBe(
      'lead_state_conflict',
    );

    const TRANSFER = '/api/v1/leads/:id/transfer';
    const other = json<{ data: Rec }>(await admin.post('/api/v1/objects/lead_pool', { name: '华南线索池' }))
      .data.id;
    conforms('POST', TRANSFER, await repA.post(at(l1, 'transfer'), { pool_id: other }), 403);
    conforms('POST', TRANSFER, await admin.post(at(l1, 'transfer'), { pool_id: 'nope' }), 422);
    conforms(
      'POST',
      TRANSFER,
      await admin.post(at(l1, 'transfer'), { pool_id: other, reason: '区域调整' }),
      204,
    );

    const ASSIGN = '/api/v1/leads/:id/assign';
    conforms('POST', ASSIGN, await repA.post(at(l2, 'assign'), { owner_id: repA.userId }), 403);
    conforms('POST', ASSIGN, await admin.post(at(l2, 'assign'), { owner_id: crypto.randomUUID() }), 422);
    conforms(
      'POST',
      ASSIGN,
      await admin.post(at(l2, 'assign'), { owner_id: repB.userId, reason: '熟客' }),
      204,
    );

    const INVALIDATE = '/api/v1/leads/:id/invalidate';
    conforms('POST', INVALIDATE, await repB.post(at(l2, 'invalidate'), { reason: '随便写的' }), 422);
    conforms('POST', INVALIDATE, await repB.post(at(l2, 'invalidate'), { reason: '联系不上' }), 204);
    conforms('POST', INVALIDATE, await repB.post(at(l2, 'invalidate'), { reason: '联系不上' }), 409);

    const REVIVE = '/api/v1/leads/:id/revive';
    conforms('POST', REVIVE, await repA.post(at(l2, 'revive'), {}), 403);
    conforms('POST', REVIVE, await repB.post(at(l2, 'revive'), { reason: '客户回电' }), 204);
    conforms('POST', REVIVE, await repB.post(at(l2, 'revive'), {}), 409);

    const VOID = '/api/v1/leads/:id/void';
    const spam = (await capture({ name: '广告推销', mobile: mobile(), owner_id: repA.userId })).lead_id;
    conforms('POST', VOID, await repA.post(at(spam, 'void'), {}), 403);
    conforms('POST', VOID, await admin.post(at(spam, 'void'), { reason: '垃圾广告' }), 204);
    conforms('POST', VOID, await admin.post(at(spam, 'void'), {}), 409);
    conforms('POST', VOID, await admin.post(at(spam, 'void'), { reason: 'x'.repeat(501) }), 400);
    conforms('POST', REVIVE, await admin.post(at(spam, 'revive'), { reason: '误判' }), 204);

    const timeline = conforms<{ data: { events: { kind: string }[] } }>(
      'GET',
      '/api/v1/leads/:id/timeline',
      await admin.get(`/api/v1/leads/${l1}/timeline`),
      200,
    ).data;
    expect(timeline.events.map((e) => e.kind)).toEqual(['transferred', 'returned', 'claimed']);

    const members = conforms<{ data: { user_id: string; role: string; name: string }[] }>(
      'GET',
      MEMBERS,
      await repA.get(`/api/v1/leads/pools/${poolId}/members`),
      200,
    ).data;
    expect(members.map((m) => m.user_id).sort()).toEqual([repA.userId, repB.userId].sort());
    conforms('GET', MEMBERS, await outsider.get(`/api/v1/leads/pools/${poolId}/members`), 404);
    conforms('GET', MEMBERS, await admin.get(`/api/v1/leads/pools/${crypto.randomUUID()}/members`), 404);
    const newMembers = {
      members: [
        { user_id: admin.userId, role: 'admin' },
        { user_id: repA.userId, role: 'member' },
        { user_id: repB.userId, role: 'member' },
      ],
    };
    conforms('PUT', MEMBERS, await repA.put(`/api/v1/leads/pools/${poolId}/members`, newMembers), 403);
    conforms(
      'PUT',
      MEMBERS,
      await admin.put(`/api/v1/leads/pools/${poolId}/members`, {
        members: [{ user_id: crypto.randomUUID(), role: 'member' }],
      }),
      422,
    );
    conforms('PUT', MEMBERS, await admin.put(`/api/v1/leads/pools/${poolId}/members`, newMembers), 204);
    const roles = conforms<{ data: { role: string }[] }>(
      'GET',
      MEMBERS,
      await admin.get(`/api/v1/leads/pools/${poolId}/members`),
      200,
    ).data.map((m) => m.role);
    expect(roles[0]).toBe('admin');

    const CONVERT = '/api/v1/leads/:id/convert';
    const lead = (
      await capture({
        name: '陈静',
        mobile: '13712345678',
        email: 'chenjing@lanhai.cn',
        company: '宁波蓝海电子有限公司',
        title: '采购经理',
        province: '浙江省',
        company_size: '200-499',
        owner_id: repA.userId,
      })
    ).lead_id;
    conforms('POST', CONVERT, await outsider.post(at(lead, 'convert'), {}), 404);
    const converted = conforms<{ data: { account_id: string; contact_id: string } }>(
      'POST',
      CONVERT,
      await repA.post(at(lead, 'convert'), {}),
      200,
    ).data;
    expect(converted.account_id).toBeTruthy();
    expect(errorKey('POST', CONVERT, await repA.post(at(lead, 'convert'), {}), 409)).toBe(
      'lead_state_conflict',
    );
    expect(conforms('POST', CONVERT, await viewer.post(at(lead, 'convert'), {})).error).toBeDefined();
    const events = conforms<{ data: { events: { kind: string; reason: string | null }[] } }>(
      'GET',
      '/api/v1/leads/:id/timeline',
      await repA.get(`/api/v1/leads/${lead}/timeline`),
      200,
    ).data.events;
    expect(events[0]?.kind).toBe('converted');
    expect(JSON.parse(events[0]?.reason ?? '{}')).toMatchObject(converted);
  });

  it('web-to-lead forms and public submissions', async () => {
    const FORMS = '/api/v1/leads/forms';
    const FORM = '/api/v1/leads/forms/:id';
    const PUBLIC = '/api/v1/public/forms/:form_key';
    const campaign = json<{ data: Rec }>(
      await admin.post('/api/v1/objects/campaign', { name: '双十一直播', type: 'webinar' }),
    ).data.id;
    conforms(
      'POST',
      FORMS,
      await admin.post(FORMS, { name: '坏来源', allowed_origins: ['https://a.cn/'] }),
      422,
    );
    conforms('POST', FORMS, await repA.post(FORMS, { name: '销售建的' }), 403);
    const created = conforms<{ data: { id: string; form_key: string } }>(
      'POST',
      FORMS,
      await admin.post(FORMS, {
        name: '官网试用申请',
        pool_id: poolId,
        campaign_id: campaign,
        allowed_origins: ['https://www.example.cn'],
        thank_you: { message: '感谢提交，我们会尽快联系您' },
      }),
      201,
    ).data;
    const list = conforms<{ data: { id: string; active: boolean }[] }>(
      'GET',
      FORMS,
      await admin.get(FORMS),
      200,
    ).data;
    expect(list.find((f) => f.id === created.id)?.active).toBe(true);
    conforms('GET', FORMS, await repA.get(FORMS), 403);
    const patched = conforms<{ data: { name: string; form_key: string } }>(
      'PATCH',
      FORM,
      await admin.patch(`${FORMS}/${created.id}`, {
        name: '官网试用申请（新版）',
        thank_you: { redirect: '/ok' },
      }),
      200,
    ).data;
    expect(patched).toMatchObject({ name: '官网试用申请（新版）', form_key: created.form_key });
    conforms('PATCH', FORM, await admin.patch(`${FORMS}/${crypto.randomUUID()}`, { active: false }), 404);
    conforms('PATCH', FORM, await admin.patch(`${FORMS}/${created.id}`, { color: 'red' }), 400);

    const url = `/api/v1/public/forms/${created.form_key}`;
    const origin = { origin: 'https://www.example.cn' };
    const thanks = conforms<{ data: Record<string, unknown> }>(
      'POST',
      PUBLIC,
      await publicPost(
        url,
        { name: '李娜', mobile: mobile(), province: '上海市', utm_source: 'wechat' },
        origin,
      ),
      200,
    ).data;
    expect(thanks).toEqual({ ok: true, redirect: '/ok' });
    // bots are thanked too (nothing stored)
    conforms('POST', PUBLIC, await publicPost(url, { name: 'bot', _hp: 'http://spam' }, origin), 200);
    expect(
      errorKey('POST', PUBLIC, await publicPost(url, { name: 'x' }, { origin: 'https://evil.example' }), 403),
    ).toBe('origin_not_allowed');
    conforms('POST', PUBLIC, await publicPost(url, { name: 'x', mobile: 'call me' }, origin), 422);
    expect(errorKey('POST', PUBLIC, await publicPost('/api/v1/public/forms/nope', { name: 'x' }), 404)).toBe(
      'form_not_found',
    );
    // switched off: the public key answers 404
    conforms('PATCH', FORM, await admin.patch(`${FORMS}/${created.id}`, { active: false }), 200);
    expect(errorKey('POST', PUBLIC, await publicPost(url, { name: 'x' }, origin), 404)).toBe(
      'form_not_found',
    );
  });

  it('analytics and campaign stats', async () => {
    const ANALYTICS = '/api/v1/leads/analytics';
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
    const campaign = json<{ data: Rec }>(
      await admin.post('/api/v1/objects/campaign', {
        name: '百度搜索推广 Q4',
        type: 'search_ads',
        budget: { amount: 10_000_000, currency: 'CNY' },
        actual_cost: { amount: 9_230_000, currency: 'CNY' },
      }),
    ).data.id;
    const lead = (
      await capture({
        name: '韩梅',
        mobile: mobile(),
        source: 'campaign',
        campaign_id: campaign,
        owner_id: repA.userId,
      })
    ).lead_id;
    const member = await admin.post('/api/v1/objects/campaign_member', {
      campaign_id: campaign,
      lead_id: lead,
      status: 'attended',
    });
    expect(member.statusCode, member.body).toBe(201);

    type A = {
      funnel: { captured: number };
      campaigns: { campaign_id: string; cost_per_lead: number | null }[];
    };
    for (const granularity of ['day', 'week', 'month']) {
      const a = conforms<{ data: A }>(
        'GET',
        ANALYTICS,
        await admin.get(`${ANALYTICS}?from=${today}&to=${today}&granularity=${granularity}`),
        200,
      ).data;
      expect(a.funnel.captured).toBeGreaterThan(5);
      expect(a.campaigns.find((c) => c.campaign_id === campaign)?.cost_per_lead).toBe(9_230_000);
    }
    conforms('GET', ANALYTICS, await repA.get(`${ANALYTICS}?from=${today}&to=${today}`), 200);
    conforms('GET', ANALYTICS, await viewer.get(`${ANALYTICS}?from=2026-01-01&to=2026-01-31`), 200);
    expect(
      errorKey('GET', ANALYTICS, await admin.get(`${ANALYTICS}?from=2026-02-30&to=2026-03-01`), 400),
    ).toBe('bad_request');
    conforms('GET', ANALYTICS, await admin.get(`${ANALYTICS}?from=2026-03-02&to=2026-03-01`), 400);
    conforms('GET', ANALYTICS, await admin.get(`${ANALYTICS}?from=yesterday&to=2026-03-01`), 400);

    const STATS = '/api/v1/leads/campaigns/:id/stats';
    const stats = conforms<{ data: Record<string, unknown> }>(
      'GET',
      STATS,
      await admin.get(`/api/v1/leads/campaigns/${campaign}/stats`),
      200,
    ).data;
    expect(stats).toMatchObject({
      members: { invited: 0, registered: 0, attended: 1, total: 1 },
      leads: 1,
      converted: 0,
      currency: 'CNY',
      cost: 9_230_000,
      budget: 10_000_000,
      cost_per_lead: 9_230_000,
      cost_per_converted: null,
    });
    conforms('GET', STATS, await viewer.get(`/api/v1/leads/campaigns/${campaign}/stats`), 200);
    conforms('GET', STATS, await admin.get(`/api/v1/leads/campaigns/${crypto.randomUUID()}/stats`), 404);
    conforms('GET', STATS, await admin.get('/api/v1/leads/campaigns/nope/stats'), 404);
    conforms('GET', STATS, await outsider.get(`/api/v1/leads/campaigns/${campaign}/stats`), 404);
  });

  it('covers every leads route and names the components in /api/openapi.json', async () => {
    const declared = documentedResponses.get(built.app) ?? new Map<string, Record<string, unknown>>();
    const leadsRoutes = [...declared.keys()].filter((k) =>
      /^(GET|POST|PUT|PATCH|DELETE) \/api\/v1\/(leads|public\/forms)\//.test(k),
    );
    expect(leadsRoutes.length).toBe(26);
    for (const route of leadsRoutes) {
      const ok = Object.keys(declared.get(route) ?? {}).filter((s) => s.startsWith('2'));
      for (const status of ok)
        expect(checked.has(`${route} ${status}`), `${route} ${status} is exercised`).toBe(true);
      expect(
        [...checked].some((c) => c.startsWith(`${route} 4`)),
        `${route}: an error answer is exercised`,
      ).toBe(true);
    }
    const doc = json<{
      paths: Record<string, Record<string, { responses?: Record<string, unknown> }>>;
      components: { schemas: Record<string, unknown> };
    }>(await admin.get('/api/openapi.json'));
    for (const name of [
      'LeadSettings',
      'DuplicateHit',
      'LeadTimeline',
      'LeadTouch',
      'LeadEvent',
      'ScoreExplanation',
      'ReviewItem',
      'ConvertResult',
      'CaptureResult',
      'PoolMember',
      'LeadForm',
      'LeadAnalytics',
      'CampaignStats',
    ])
      expect(doc.components.schemas[name], name).toBeDefined();
    expect(doc.paths['/api/v1/leads/{id}/timeline']?.get?.responses?.['200']).toMatchObject({
      content: {
        'application/json': {
          schema: { properties: { data: { $ref: '#/components/schemas/LeadTimeline' } } },
        },
      },
    });
  });
});
