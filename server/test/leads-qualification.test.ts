import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BuiltApp } from '../src/app.ts';
import { conformsTo, json, login, newTenant, testApp, userWithRole, type Client } from './harness.ts';

type Rec = Record<string, unknown> & { id: string };
type ErrBody = {
  error: { code: string; key: string; details: { field: string; issue: string; code: string }[] };
};

let built: BuiltApp;
let admin: Client;
let rep: Client;
let other: Client;

beforeAll(async () => {
  built = await testApp();
  const t = await newTenant(built);
  admin = await login(built.app, t.adminEmail);
  rep = await userWithRole(admin, 'sales_rep');
  other = await userWithRole(admin, 'sales_rep');
});
afterAll(async () => built.close());

const newLead = async (
  name: string,
  owner: string | null,
  extra: Record<string, unknown> = {},
): Promise<string> => {
  const res = await admin.post('/api/v1/objects/lead', { name, owner_id: owner, ...extra });
  expect(res.statusCode, res.body).toBe(201);
  return json<{ data: Rec }>(res).data.id;
};
const events = async (id: string) =>
  json<{ data: { events: { kind: string; reason: string | null }[] } }>(
    await admin.get(`/api/v1/leads/${id}/timeline`),
  ).data.events;

describe('qualification (MQL / SQL)', () => {
  it('stamps qualified_at once, keeps it from MQL to SQL, clears it with the level; refuses bad input', async () => {
    const id = await newLead('周晓', rep.userId);
    const mql = await rep.patch(`/api/v1/objects/lead/${id}`, { qualification: 'mql' });
    expect(mql.statusCode, mql.body).toBe(200);
    const first = json<{ data: Rec }>(mql).data;
    expect(first.qualification).toBe('mql');
    expect(typeof first.qualified_at).toBe('string');
    expect(first.status).toBe('pending');
    const sqlRes = json<{ data: Rec }>(
      await rep.patch(`/api/v1/objects/lead/${id}`, { qualification: 'sql' }),
    ).data;
    expect(sqlRes).toMatchObject({ qualification: 'sql', qualified_at: first.qualified_at });
    expect((await events(id)).filter((e) => e.kind === 'qualified').map((e) => e.reason)).toEqual([
      'sql',
      'mql',
    ]);
    // an unrelated edit keeps it
    const edit = json<{ data: Rec }>(
      await rep.patch(`/api/v1/objects/lead/${id}`, { title: '采购经理' }),
    ).data;
    expect(edit.qualified_at).toBe(first.qualified_at);
    expect((await events(id)).filter((e) => e.kind === 'qualified')).toHaveLength(2);

    const bad = await rep.patch(`/api/v1/objects/lead/${id}`, { qualification: 'hot' });
    expect(bad.statusCode).toBe(422);
    expect(json<ErrBody>(bad).error.details[0]?.field).toBe('qualification');
    const stamp = await rep.patch(`/api/v1/objects/lead/${id}`, { qualified_at: '2020-01-01T00:00:00Z' });
    expect(stamp.statusCode).toBe(422);
    // someone who cannot see the lead cannot qualify it
    expect((await other.patch(`/api/v1/objects/lead/${id}`, { qualification: 'mql' })).statusCode).toBe(404);

    const cleared = json<{ data: Rec }>(
      await rep.patch(`/api/v1/objects/lead/${id}`, { qualification: null }),
    ).data;
    expect(cleared).toMatchObject({ qualification: null, qualified_at: null });
    // created qualified (import, API): stamped and recorded too
    const born = await newLead('林一', rep.userId, { qualification: 'mql' });
    const rec = json<{ data: Rec }>(await admin.get(`/api/v1/objects/lead/${born}`)).data;
    expect(typeof rec.qualified_at).toBe('string');
    expect((await events(born)).map((e) => e.kind)).toContain('qualified');
  });

  it('requireQualifiedToConvert: off by default; on, conversion of an unqualified lead is a 422 naming qualification', async () => {
    const cur = json<{ data: Record<string, unknown> }>(await admin.get('/api/v1/leads/settings')).data;
    expect(cur.requireQualifiedToConvert).toBe(false);
    const free = await newLead('自由转化', rep.userId, { company: '自由科技有限公司' });
    expect((await rep.post(`/api/v1/leads/${free}/convert`, {})).statusCode).toBe(200);

    expect(
      (await admin.put('/api/v1/leads/settings', { ...cur, requireQualifiedToConvert: 'yes' })).statusCode,
    ).toBe(422);
    const on = await admin.put('/api/v1/leads/settings', { ...cur, requireQualifiedToConvert: true });
    expect(on.statusCode, on.body).toBe(200);
    const id = await newLead('待认定', rep.userId, { company: '认定科技有限公司' });
    const refused = await rep.post(`/api/v1/leads/${id}/convert`, {}, { 'accept-language': 'en-US' });
    expect(refused.statusCode).toBe(422);
    const err = json<ErrBody>(refused).error;
    expect(err.details[0]?.field).toBe('qualification');
    expect(err.details[0]).toMatchObject({
      code: 'qualify_first',
      issue: expect.stringContaining('MQL or SQL'),
    });
    // nothing changed
    expect(json<{ data: Rec }>(await rep.get(`/api/v1/objects/lead/${id}`)).data.status).toBe('pending');
    await rep.patch(`/api/v1/objects/lead/${id}`, { qualification: 'sql' });
    expect((await rep.post(`/api/v1/leads/${id}/convert`, {})).statusCode).toBe(200);
    await admin.put('/api/v1/leads/settings', { ...cur, requireQualifiedToConvert: false });
  });

  it('analytics: qualified between contacted and converted, and the funnel by source / campaign / owner', async () => {
    const campaign = json<{ data: Rec }>(
      await admin.post('/api/v1/objects/campaign', { name: '春季直播', type: 'webinar' }),
    ).data.id;
    const a1 = await newLead('渠道甲', other.userId, { source: 'web_form', campaign_id: campaign });
    await newLead('渠道乙', other.userId, { source: 'web_form', campaign_id: campaign });
    await admin.patch(`/api/v1/objects/lead/${a1}`, { qualification: 'mql' });
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
    const res = await admin.get(`/api/v1/leads/analytics?from=${today}&to=${today}`);
    conformsTo(built.app, 'GET', '/api/v1/leads/analytics', res, 200);
    type Row = { key: string | null; name: string; captured: number; qualified: number; converted: number };
    const d = json<{
      data: {
        funnel: { captured: number; qualified: number; converted: number; rates: { qualified: number } };
        funnel_breakdown: { source: Row[]; campaign: Row[]; owner: Row[] };
      };
    }>(res).data;
    // qualified: a1, the SQL-converted lead, and both other converted leads count (converted = qualified)
    expect(d.funnel.qualified).toBeGreaterThanOrEqual(d.funnel.converted + 1);
    expect(d.funnel.rates.qualified).toBeCloseTo(d.funnel.qualified / d.funnel.captured, 3);
    for (const set of ['source', 'campaign', 'owner'] as const) {
      const rows = d.funnel_breakdown[set];
      expect(rows.reduce((s, r) => s + r.captured, 0)).toBe(d.funnel.captured);
      expect(rows.reduce((s, r) => s + r.qualified, 0)).toBe(d.funnel.qualified);
    }
    expect(d.funnel_breakdown.campaign.find((r) => r.key === campaign)).toMatchObject({
      name: '春季直播',
      captured: 2,
      qualified: 1,
      converted: 0,
    });
    expect(d.funnel_breakdown.source.find((r) => r.key === 'web_form')).toMatchObject({
      captured: 2,
      qualified: 1,
    });
    expect(d.funnel_breakdown.owner.find((r) => r.key === other.userId)).toMatchObject({
      captured: 2,
      qualified: 1,
    });
    // a rep sees only their own leads in every breakdown
    const mine = json<{ data: { funnel_breakdown: { owner: Row[] } } }>(
      await rep.get(`/api/v1/leads/analytics?from=${today}&to=${today}`),
    ).data;
    expect(mine.funnel_breakdown.owner.every((r) => r.key === rep.userId)).toBe(true);
  });
});
