// Lead conversion with an opportunity, against the real sales module: the deal lands in the
// default pipeline's entry stage with the lead's attribution, mapped custom fields and the
// caller's values; read-only fields and permissions are the engine's; all or nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BuiltApp } from '../src/app.ts';
import { json, login, newTenant, testApp, userWithRole, type Client } from './harness.ts';

type Rec = Record<string, unknown> & { id: string };
type ErrBody = { error: { code: string; details: { field: string; code: string }[] } };

const L = (zh: string, en: string) => ({ 'zh-CN': zh, 'en-US': en });
let built: BuiltApp;
let admin: Client;
let rep: Client;
let viewer: Client;

beforeAll(async () => {
  built = await testApp();
  const t = await newTenant(built);
  admin = await login(built.app, t.adminEmail);
  rep = await userWithRole(admin, 'sales_rep');
  viewer = await userWithRole(admin, 'read_only');
}, 60_000);
afterAll(async () => built?.close());

describe('conversion with an opportunity', () => {
  it('creates a real opportunity in the default pipeline with attribution, mapped fields and caller values', async () => {
    const cur = json<{ data: Rec }>(await admin.get('/api/v1/leads/settings')).data;
    for (const object of ['lead', 'opportunity'])
      expect(
        (
          await admin.post(`/api/v1/metadata/objects/${object}/fields`, {
            api_name: 'budget__c',
            type: 'number',
            label: L('预算', 'Budget'),
          })
        ).statusCode,
      ).toBe(201);
    const saved = await admin.put('/api/v1/leads/settings', {
      ...cur,
      conversionMapping: [{ lead_field: 'budget__c', object: 'opportunity', field: 'budget__c' }],
    });
    expect(saved.statusCode, saved.body).toBe(200);
    const lead = json<{ data: { lead_id: string } }>(
      await admin.post('/api/v1/leads/capture', {
        name: '周敏',
        mobile: '13911112222',
        company: '合肥星河软件有限公司',
        source: 'web_form',
        utm_source: 'baidu',
        budget__c: 500000,
        owner_id: rep.userId,
      }),
    ).data.lead_id;
    // the caller may not write the object's read-only fields; field errors name the opportunity
    const locked = await rep.post(`/api/v1/leads/${lead}/convert`, {
      opportunity: { closed_at: '2026-01-01T00:00:00Z' },
    });
    expect(locked.statusCode).toBe(422);
    expect(json<ErrBody>(locked).error.details[0]?.field).toBe('opportunity.closed_at');
    // a stage a deal may not be born in is refused like any create
    const closed = await rep.post(`/api/v1/leads/${lead}/convert`, { opportunity: { stage: 'won' } });
    expect(closed.statusCode).toBe(422);
    expect(json<ErrBody>(closed).error.details[0]).toMatchObject({
      field: 'opportunity.stage',
      code: 'create_not_allowed',
    });
    const bad = await rep.post(`/api/v1/leads/${lead}/convert`, { opportunity: { amount: 'lots' } });
    expect(bad.statusCode).toBe(422);
    expect(json<ErrBody>(bad).error.details[0]?.field).toBe('opportunity.amount');
    // nothing was half-written
    expect(json<{ data: Rec }>(await rep.get(`/api/v1/objects/lead/${lead}`)).data.status).toBe('pending');
    expect(json<{ data: Rec[] }>(await admin.get('/api/v1/objects/opportunity')).data).toHaveLength(0);

    const res = await rep.post(`/api/v1/leads/${lead}/convert`, {
      opportunity: { amount: { amount: 12_000_000, currency: 'CNY' } },
    });
    expect(res.statusCode, res.body).toBe(200);
    const out = json<{ data: { account_id: string; opportunity_id: string } }>(res).data;
    const pipelines = json<{ data: Array<{ id: string; is_default: boolean }> }>(
      await rep.get('/api/v1/sales/pipelines'),
    ).data;
    const opp = json<{ data: Rec }>(await rep.get(`/api/v1/objects/opportunity/${out.opportunity_id}`)).data;
    expect(opp).toMatchObject({
      name: '合肥星河软件有限公司 - 商机',
      account_id: out.account_id,
      pipeline_id: pipelines.find((p) => p.is_default)?.id,
      stage: 'discovery',
      probability: 10,
      type: 'new',
      source: 'web_form',
      utm_source: 'baidu',
      lead_id: lead,
      budget__c: 500000,
      owner_id: rep.userId,
      amount: { amount: 12_000_000, currency: 'CNY' },
    });

    // the lead funnel runs on into the sales module: opportunity, then won with its amount
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
    type Funnel = {
      converted: number;
      opportunity: number;
      won: number;
      won_amounts: { currency: string; amount: number }[];
      rates: { opportunity: number; won: number };
    };
    const funnel = async (c: Client): Promise<Funnel> =>
      json<{ data: { funnel: Funnel } }>(await c.get(`/api/v1/leads/analytics?from=${today}&to=${today}`))
        .data.funnel;
    expect(await funnel(rep)).toMatchObject({ converted: 1, opportunity: 1, won: 0, won_amounts: [] });
    const won = await rep.post(`/api/v1/sales/opportunities/${out.opportunity_id}/stage`, { stage: 'won' });
    expect(won.statusCode, won.body).toBe(200);
    const after = await funnel(rep);
    expect(after).toMatchObject({
      opportunity: 1,
      won: 1,
      won_amounts: [{ currency: 'CNY', amount: 12_000_000 }],
    });
    expect(after.rates.won).toBeGreaterThan(0);
    // a rep who holds none of these leads sees none of their deals in the funnel
    const other = await userWithRole(admin, 'sales_rep');
    expect(await funnel(other)).toMatchObject({ opportunity: 0, won: 0, won_amounts: [] });
  });

  it('a role without create permission on opportunities cannot make one this way', async () => {
    const lead = json<{ data: { lead_id: string } }>(
      await admin.post('/api/v1/leads/capture', {
        name: '王芳',
        mobile: '13922223333',
        company: '宁波海曙数据有限公司',
        owner_id: viewer.userId,
      }),
    ).data.lead_id;
    expect((await viewer.post(`/api/v1/leads/${lead}/convert`, { opportunity: {} })).statusCode).toBe(403);
  });
});
