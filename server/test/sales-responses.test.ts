// Every sales route answers what its declared response schema says (success and error), so the
// OpenAPI document and the generated web types can be trusted (docs/decisions/0001).
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BuiltApp } from '../src/app.ts';
import { conformsTo, json, login, newTenant, testApp, userWithRole, type Client } from './harness.ts';

let built: BuiltApp;
let admin: Client;
let rep: Client;

const conforms = <T = Record<string, unknown>>(
  method: string,
  route: string,
  res: LightMyRequestResponse,
  status: number,
): T => conformsTo<T>(built.app, method, route, res, status);

beforeAll(async () => {
  built = await testApp();
  const t = await newTenant(built);
  admin = await login(built.app, t.adminEmail);
  rep = await userWithRole(admin, 'sales_rep');
}, 60_000);
afterAll(async () => built?.close());

describe('sales responses match their schemas', () => {
  it('pipelines, settings, deals, related lists, gate/stage/restore, duplicates, kanban', async () => {
    const P = '/api/v1/sales/pipelines';
    const pipelines = conforms<{ data: Array<Record<string, unknown>> }>(
      'GET',
      P,
      await rep.get(P),
      200,
    ).data;
    conforms('PUT', P, await admin.put(P, { pipelines }), 200);
    conforms('PUT', P, await rep.put(P, { pipelines }), 403);
    conforms('PUT', P, await admin.put(P, { pipelines: [] }), 422);
    const S = '/api/v1/sales/settings';
    const settings = conforms<{ data: Record<string, unknown> }>('GET', S, await rep.get(S), 200).data;
    conforms('PUT', S, await admin.put(S, settings), 200);
    conforms('PUT', S, await admin.put(S, { ...settings, duplicatePolicy: 'maybe' }), 422);

    const acc = json<{ data: { id: string } }>(
      await rep.post('/api/v1/objects/account', { name: '杭州云栖数据有限公司' }),
    ).data.id;
    const deal = json<{ data: { id: string } }>(
      await rep.post('/api/v1/objects/opportunity', { name: '云栖 CRM', account_id: acc }),
    ).data.id;
    const D = '/api/v1/sales/opportunities/duplicates';
    conforms('GET', D, await rep.get(`${D}?account_id=${acc}&type=new`), 200);
    conforms('GET', D, await rep.get(`${D}?account_id=nope&type=new`), 400);

    const G = '/api/v1/sales/opportunities/:id/gate';
    conforms('GET', G, await rep.get(`/api/v1/sales/opportunities/${deal}/gate?to=solution`), 200);
    conforms('GET', G, await rep.get(`/api/v1/sales/opportunities/${deal}/gate?to=nowhere`), 422);
    const M = '/api/v1/sales/opportunities/:id/stage';
    const path = (x: string) => `/api/v1/sales/opportunities/${deal}/${x}`;
    conforms('POST', M, await rep.post(path('stage'), { stage: 'lost' }), 422);
    conforms('POST', M, await rep.post(path('stage'), { stage: 'solution' }), 200);
    conforms(
      'POST',
      M,
      await rep.post(path('stage'), { stage: 'lost', close_reason: (settings.lostReasons as string[])[0] }),
      200,
    );
    const R = '/api/v1/sales/opportunities/:id/restore';
    conforms('POST', R, await rep.post(path('restore'), {}), 200);
    conforms('POST', R, await rep.post(path('restore'), {}), 409);

    const contact = json<{ data: { id: string } }>(
      await rep.post('/api/v1/objects/contact', { name: '陈静', account_id: acc }),
    ).data.id;
    for (const [sub, body] of [
      ['contacts', { contacts: [{ contact_id: contact, role: 'decision_maker' }] }],
      ['team', { team: [{ user_id: admin.userId, role: 'presales' }] }],
      ['lines', { lines: [{ product: '专业版', quantity: 10, unit_price: 99_900, currency: 'CNY' }] }],
    ] as const) {
      const route = `/api/v1/sales/opportunities/:id/${sub}`;
      conforms('GET', route, await rep.get(path(sub)), 200);
      conforms('PUT', route, await rep.put(path(sub), body), 200);
      conforms('PUT', route, await rep.put(path(sub), { [sub]: [{}] }), 422);
    }
    const K = '/api/v1/sales/kanban';
    const board = conforms<{ data: { columns: Array<{ count: number }> } }>('GET', K, await rep.get(K), 200);
    expect(board.data.columns.reduce((n, c) => n + c.count, 0)).toBe(1);
    conforms('GET', K, await rep.get(`${K}?pipeline_id=${acc}`), 422);
  });
});
