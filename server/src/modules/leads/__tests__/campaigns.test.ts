import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BuiltApp } from '../../../app.ts';
import { json, login, newTenant, testApp, userWithRole, type Client } from '../../../../test/harness.ts';

type Rec = Record<string, unknown> & { id: string };
type ErrBody = { error: { code: string; key: string; details: { field: string; code: string }[] } };

let built: BuiltApp;
let admin: Client;
let rep: Client;
let other: Client;

beforeAll(async () => {
  built = await testApp();
  admin = await login(built.app, (await newTenant(built)).adminEmail);
  rep = await userWithRole(admin, 'sales_rep');
  other = await login(built.app, (await newTenant(built)).adminEmail);
});
afterAll(async () => built.close());

const create = async (c: Client, object: string, body: Record<string, unknown>): Promise<Rec> => {
  const res = await c.post(`/api/v1/objects/${object}`, body);
  expect(res.statusCode, res.body).toBe(201);
  return json<{ data: Rec }>(res).data;
};

describe('GET /leads/campaigns/{id}/stats', () => {
  it('counts members by status, attributed and converted leads, and cost per lead; ROI 0 while no deal is won', async () => {
    const campaign = await create(admin, 'campaign', {
      name: '华东制造业峰会',
      type: 'offline_event',
      budget: { amount: 5_000_000, currency: 'CNY' },
      actual_cost: { amount: 3_000_000, currency: 'CNY' },
    });
    const leads: Rec[] = [];
    for (const [i, owner] of [admin.userId, admin.userId, rep.userId].entries())
      leads.push(
        await create(admin, 'lead', {
          name: `参会人${i}`,
          mobile: `1390000100${i}`,
          campaign_id: campaign.id,
          owner_id: owner,
        }),
      );
    await create(admin, 'lead', { name: '其他活动', mobile: '13900001009', owner_id: admin.userId });
    const conv = await admin.post(`/api/v1/leads/${leads[0]?.id}/convert`, {});
    expect(conv.statusCode, conv.body).toBe(200);
    for (const [i, status] of ['invited', 'registered', 'attended', 'attended'].entries())
      await create(admin, 'campaign_member', {
        campaign_id: campaign.id,
        lead_id: leads[i % 3]?.id,
        status,
      });

    const res = await admin.get(`/api/v1/leads/campaigns/${campaign.id}/stats`);
    expect(res.statusCode, res.body).toBe(200);
    expect(json<{ data: unknown }>(res).data).toEqual({
      campaign_id: campaign.id,
      members: { invited: 1, registered: 1, attended: 2, total: 4 },
      leads: 3,
      converted: 1,
      currency: 'CNY',
      cost: 3_000_000,
      budget: 5_000_000,
      cost_per_lead: 1_000_000,
      cost_per_converted: 3_000_000,
      // the sales module is present: nothing won yet is a won amount of 0, not "unknown"
      won_amount: 0,
      roi: 0,
    });
  });

  it('gives no cost per lead without leads or cost', async () => {
    const campaign = await create(admin, 'campaign', { name: '内容营销' });
    const stats = json<{ data: Record<string, unknown> }>(
      await admin.get(`/api/v1/leads/campaigns/${campaign.id}/stats`),
    ).data;
    expect(stats).toMatchObject({
      leads: 0,
      converted: 0,
      cost: null,
      cost_per_lead: null,
      cost_per_converted: null,
      roi: null,
      members: { invited: 0, registered: 0, attended: 0, total: 0 },
    });
  });

  it('counts only the leads and members in the caller’s scope', async () => {
    const campaign = await create(rep, 'campaign', {
      name: '销售自建活动',
      actual_cost: { amount: 100_000, currency: 'CNY' },
    });
    await create(rep, 'lead', {
      name: '我的线索',
      mobile: '13900002001',
      campaign_id: campaign.id,
      owner_id: rep.userId,
    });
    await create(admin, 'lead', {
      name: '别人的线索',
      mobile: '13900002002',
      campaign_id: campaign.id,
      owner_id: admin.userId,
    });
    const mine = json<{ data: Record<string, unknown> }>(
      await rep.get(`/api/v1/leads/campaigns/${campaign.id}/stats`),
    ).data;
    expect(mine).toMatchObject({ leads: 1, cost_per_lead: 100_000 });
    const all = json<{ data: Record<string, unknown> }>(
      await admin.get(`/api/v1/leads/campaigns/${campaign.id}/stats`),
    ).data;
    expect(all).toMatchObject({ leads: 2, cost_per_lead: 50_000 });
  });

  it('answers 404 for campaigns the caller cannot read, of another tenant, unknown or malformed ids', async () => {
    const adminsOwn = await create(admin, 'campaign', { name: '管理员的活动' });
    expect((await rep.get(`/api/v1/leads/campaigns/${adminsOwn.id}/stats`)).statusCode).toBe(404);
    const foreign = await create(other, 'campaign', { name: '别家租户的活动' });
    const res = await admin.get(`/api/v1/leads/campaigns/${foreign.id}/stats`);
    expect(res.statusCode).toBe(404);
    expect(json<ErrBody>(res).error.code).toBe('not_found');
    expect(
      (await admin.get('/api/v1/leads/campaigns/00000000-0000-4000-8000-000000000000/stats')).statusCode,
    ).toBe(404);
    expect((await admin.get('/api/v1/leads/campaigns/not-a-uuid/stats')).statusCode).toBe(404);
  });
});

describe('PATCH /leads/forms/{id}', () => {
  it('changes a form, switches it off and on, validates like create and is audited', async () => {
    const campaign = await create(admin, 'campaign', { name: '官网' });
    const created = await admin.post('/api/v1/leads/forms', { name: '试用申请' });
    expect(created.statusCode, created.body).toBe(201);
    const { id, form_key } = json<{ data: { id: string; form_key: string } }>(created).data;

    const patched = await admin.patch(`/api/v1/leads/forms/${id}`, {
      name: ' 免费试用申请 ',
      campaign_id: campaign.id,
      allowed_origins: ['https://www.example.cn'],
      thank_you: { message: '谢谢' },
    });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(json<{ data: unknown }>(patched).data).toMatchObject({
      id,
      form_key,
      name: '免费试用申请',
      campaign_id: campaign.id,
      pool_id: null,
      allowed_origins: ['https://www.example.cn'],
      thank_you: { message: '谢谢' },
      active: true,
    });

    const submit = () =>
      built.app.inject({
        method: 'POST',
        url: `/api/v1/public/forms/${form_key}`,
        payload: { name: '访客', mobile: '13900003001' },
        headers: { origin: 'https://www.example.cn', 'x-forwarded-for': '10.9.9.1' },
      });
    expect((await submit()).json()).toEqual({ data: { ok: true, message: '谢谢' } });
    expect((await admin.patch(`/api/v1/leads/forms/${id}`, { active: false })).statusCode).toBe(200);
    const off = await submit();
    expect(off.statusCode).toBe(404);
    expect(json<ErrBody>(off).error.key).toBe('form_not_found');
    expect(
      json<{ data: { active: boolean }[] }>(await admin.get('/api/v1/leads/forms')).data[0]?.active,
    ).toBe(false);
    expect(
      json<{ data: unknown }>(await admin.patch(`/api/v1/leads/forms/${id}`, { active: true })).data,
    ).toMatchObject({
      active: true,
    });

    const badOrigin = await admin.patch(`/api/v1/leads/forms/${id}`, {
      allowed_origins: ['https://x.cn/path'],
    });
    expect(badOrigin.statusCode).toBe(422);
    expect(json<ErrBody>(badOrigin).error.details[0]).toMatchObject({
      field: 'allowed_origins',
      code: 'invalid_url',
    });
    const badName = await admin.patch(`/api/v1/leads/forms/${id}`, { name: '  ' });
    expect(json<ErrBody>(badName).error.details[0]).toMatchObject({ field: 'name', code: 'required' });
    const badPool = await admin.patch(`/api/v1/leads/forms/${id}`, {
      pool_id: '00000000-0000-4000-8000-000000000000',
    });
    expect(json<ErrBody>(badPool).error.details[0]).toMatchObject({
      field: 'pool_id',
      code: 'invalid_reference',
    });
    expect((await admin.patch(`/api/v1/leads/forms/${id}`, { form_key: 'x' })).statusCode).toBe(400);
    expect(
      (await admin.patch('/api/v1/leads/forms/00000000-0000-4000-8000-000000000000', { active: false }))
        .statusCode,
    ).toBe(404);
    expect((await admin.patch('/api/v1/leads/forms/nope', { active: false })).statusCode).toBe(404);
    expect((await other.patch(`/api/v1/leads/forms/${id}`, { active: false })).statusCode).toBe(404);
    expect((await rep.patch(`/api/v1/leads/forms/${id}`, { active: false })).statusCode).toBe(403);

    const audit = json<{
      data: { record_id: string; changes: Record<string, { old: unknown; new: unknown }> }[];
    }>(await admin.get('/api/v1/audit?object=lead_form')).data.filter((a) => a.record_id === id);
    expect(audit.map((a) => Object.keys(a.changes).sort())).toEqual([
      ['active'],
      ['active'],
      ['allowed_origins', 'campaign_id', 'name', 'thank_you'],
      ['name'],
    ]);
    expect(audit[2]?.changes.name).toEqual({ old: '试用申请', new: '免费试用申请' });
  });
});
