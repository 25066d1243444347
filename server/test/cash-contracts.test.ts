// Contracts (DOMAIN.md §4): numbering, sign → archive / terminate, and the e-signature round trip
// with a signed callback (bad signatures and replays change nothing).
import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import type { BuiltApp } from '../src/app.ts';
import { TenantDb } from '../src/platform/db/tenant-db.ts';
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

type Rec = Record<string, unknown> & { id: string };
type Err = { error: { code: string; key: string; details: { field: string; code: string }[] } };

let built: BuiltApp;
let t: TestTenant;
let admin: Client;
let rep: Client;
let rep2: Client;
let accountId: string;

async function contract(body: Record<string, unknown> = {}): Promise<Rec> {
  const r = await rep.post('/api/v1/objects/contract', {
    name: '年度订阅合同',
    account_id: accountId,
    ...body,
  });
  expect(r.statusCode, r.body).toBe(201);
  return json<{ data: Rec }>(r).data;
}

function signed(secret: string, body: unknown, t0 = Math.floor(Date.now() / 1000)) {
  const raw = JSON.stringify(body);
  const mac = crypto.createHmac('sha256', secret).update(`${t0}.${raw}`).digest('hex');
  return { raw, header: `t=${t0},v1=${mac}` };
}

const callback = (slug: string, raw: string, header?: string) =>
  built.app.inject({
    method: 'POST',
    url: `/api/v1/esign/${slug}/callback`,
    payload: raw,
    headers: { 'content-type': 'application/json', ...(header ? { 'x-flywheel-signature': header } : {}) },
  });

beforeAll(async () => {
  built = await testApp();
  t = await newTenant(built);
  admin = await login(built.app, t.adminEmail);
  rep = await userWithRole(admin, 'sales_rep');
  rep2 = await userWithRole(admin, 'sales_rep');
  accountId = json<{ data: Rec }>(
    await rep.post('/api/v1/objects/account', { name: '南京青禾信息技术有限公司' }),
  ).data.id;
}, 60_000);
afterAll(async () => built?.close());

describe('contracts', () => {
  it('are numbered HT-<year of signing>-NNNNN unless a number is given, and dates must be in order', async () => {
    const a = await contract({ sign_date: '2025-06-01' });
    const b = await contract({ sign_date: '2025-07-01' });
    expect(a.number).toMatch(/^HT-2025-\d{5}$/);
    expect(Number(String(b.number).slice(-5))).toBe(Number(String(a.number).slice(-5)) + 1);
    expect((await contract({ number: 'LEGACY-001' })).number).toBe('LEGACY-001');
    const dup = await rep.post('/api/v1/objects/contract', {
      name: 'x',
      account_id: accountId,
      number: 'LEGACY-001',
    });
    expect(dup.statusCode).toBe(409);
    const bad = await rep.post('/api/v1/objects/contract', {
      name: 'x',
      account_id: accountId,
      start_date: '2026-02-01',
      end_date: '2026-01-31',
    });
    expect(bad.statusCode).toBe(422);
    expect(json<Err>(bad).error.details.map((d) => d.field)).toEqual(['end_date']);
    // status only moves through the actions
    expect((await rep.patch(`/api/v1/objects/contract/${a.id}`, { status: 'signed' })).statusCode).toBe(422);
  });

  it('signs, archives and terminates in order, emitting events; wrong order → 409 naming the status', async () => {
    const c = await contract();
    const s = await rep.post(`/api/v1/contracts/${c.id}/sign`, { sign_date: '2026-03-15' });
    const after = conformsTo<{ data: Rec }>(built.app, 'POST', '/api/v1/contracts/:id/sign', s, 200).data;
    expect(after).toMatchObject({ status: 'signed', sign_date: '2026-03-15' });
    const again = await rep.post(`/api/v1/contracts/${c.id}/sign`, {});
    expect(again.statusCode).toBe(409);
    expect(json<Err>(again).error.key).toBe('contract_status');
    expect((await rep.post(`/api/v1/contracts/${c.id}/terminate`, {})).statusCode).toBe(422);
    expect((await rep.post(`/api/v1/contracts/${c.id}/archive`, {})).statusCode).toBe(200);
    const term = await rep.post(`/api/v1/contracts/${c.id}/terminate`, { reason: '客户破产清算' });
    expect(json<{ data: Rec }>(term).data.status).toBe('terminated');
    const types = await TenantDb.for(built.platform.db, t.tenantId).query(
      sql<{
        type: string;
      }>`select type from outbox_event where tenant_id = ${t.tenantId} and record_id = ${c.id} and type like 'contract.%' order by created_at, id`,
    );
    expect(types.map((r) => r.type).filter((x) => !/\.(created|updated)$/.test(x))).toEqual([
      'contract.signed',
      'contract.archived',
      'contract.terminated',
    ]);
    // another rep cannot act on it
    expect((await rep2.post(`/api/v1/contracts/${c.id}/archive`, {})).statusCode).toBe(404);
  });

  it('round-trips an e-signature: request → signed callback verified by HMAC; forgeries change nothing', async () => {
    const secret = conformsTo<{ data: { secret: string } }>(
      built.app,
      'POST',
      '/api/v1/cash/esign/secret',
      await admin.post('/api/v1/cash/esign/secret', {}),
      200,
    ).data.secret;
    expect((await rep.post('/api/v1/cash/esign/secret', {})).statusCode).toBe(403);
    const c = await contract();
    const sent = json<{ data: Rec }>(await rep.post(`/api/v1/contracts/${c.id}/esign`, {})).data;
    expect(sent.esign_status).toBe('sent');
    const body = {
      contract_id: c.id,
      document_id: 'ESIGN-7781',
      status: 'signed',
      signed_at: '2026-04-01T02:30:00Z',
    };

    // wrong secret, stale timestamp, tampered body, no header, unknown tenant → 401, nothing changes
    const wrong = signed('not-the-secret', body);
    expect((await callback(t.slug, wrong.raw, wrong.header)).statusCode).toBe(401);
    const stale = signed(secret, body, Math.floor(Date.now() / 1000) - 3600);
    expect((await callback(t.slug, stale.raw, stale.header)).statusCode).toBe(401);
    const good = signed(secret, body);
    expect(
      (await callback(t.slug, good.raw.replace('ESIGN-7781', 'ESIGN-0000'), good.header)).statusCode,
    ).toBe(401);
    expect((await callback(t.slug, good.raw)).statusCode).toBe(401);
    expect((await callback('no-such-tenant', good.raw, good.header)).statusCode).toBe(401);
    expect(json<{ data: Rec }>(await rep.get(`/api/v1/objects/contract/${c.id}`)).data.status).toBe('draft');

    const ok = await callback(t.slug, good.raw, good.header);
    expect(ok.statusCode, ok.body).toBe(200);
    const now = json<{ data: Rec }>(await rep.get(`/api/v1/objects/contract/${c.id}`)).data;
    // signed_at 02:30 UTC is 10:30 in Shanghai: the signing date is that day
    expect(now).toMatchObject({
      status: 'signed',
      esign_status: 'signed',
      esign_document_id: 'ESIGN-7781',
      sign_date: '2026-04-01',
    });
    // the service retries: the same answer again is accepted and changes nothing
    const retry = signed(secret, body);
    expect((await callback(t.slug, retry.raw, retry.header)).statusCode).toBe(200);
    expect(json<{ data: Rec }>(await rep.get(`/api/v1/objects/contract/${c.id}`)).data.version).toBe(
      now.version,
    );
    // bad body with a valid signature: 422 naming the field
    const badBody = signed(secret, { contract_id: c.id, document_id: 'x', status: 'maybe' });
    const r = await callback(t.slug, badBody.raw, badBody.header);
    expect(r.statusCode).toBe(422);
    expect(json<Err>(r).error.details.map((d) => d.field)).toEqual(['status']);
  });

  it('goes through approval when a process takes it: locked while pending, signable once approved', async () => {
    const approver = await userWithRole(admin, 'sales_manager');
    const proc = await admin.post('/api/v1/approvals/processes', {
      name: '大额合同审批',
      object: 'contract',
      triggers: ['manual'],
      condition: [{ field: 'amount', op: 'gte', value: 100_000_00 }],
      nodes: [{ name: '财务', kind: 'user', user_id: approver.userId }],
    });
    expect(proc.statusCode, proc.body).toBe(201);
    // small contracts need no approval: sign straight away
    const small = await contract({ amount: 5_000_00 });
    const s1 = await rep.post(`/api/v1/contracts/${small.id}/sign`, {});
    expect(json<{ data: Rec }>(s1).data).toMatchObject({ status: 'signed', approval_status: 'not_required' });

    const big = await contract({ amount: 200_000_00 });
    const direct = await rep.post(`/api/v1/contracts/${big.id}/sign`, {});
    expect(direct.statusCode).toBe(409);
    expect(json<Err>(direct).error.key).toBe('approval_required');
    expect(json<{ data: Rec }>(await rep.get(`/api/v1/objects/contract/${big.id}`)).data).toMatchObject({
      status: 'draft',
      approval_status: null,
    });
    const sub = await rep.post(`/api/v1/contracts/${big.id}/submit`, {});
    expect(
      conformsTo<{ data: Rec }>(built.app, 'POST', '/api/v1/contracts/:id/submit', sub, 200).data,
    ).toMatchObject({
      status: 'in_approval',
      approval_status: 'pending',
    });
    // locked while pending; not signable until approved
    expect((await rep.patch(`/api/v1/objects/contract/${big.id}`, { name: '改名' })).statusCode).toBe(409);
    expect(json<Err>(await rep.post(`/api/v1/contracts/${big.id}/sign`, {})).error.key).toBe(
      'approval_pending',
    );
    const inbox = json<{ data: Array<{ instance_id: string; record_id: string }> }>(
      await approver.get('/api/v1/approvals/inbox'),
    ).data;
    const task = inbox.find((i) => i.record_id === big.id);
    expect(task).toBeDefined();
    const reject = await approver.post(`/api/v1/approvals/instances/${task?.instance_id}/reject`, {
      comment: '付款条件需调整',
    });
    expect(reject.statusCode, reject.body).toBe(200);
    expect(json<{ data: Rec }>(await rep.get(`/api/v1/objects/contract/${big.id}`)).data).toMatchObject({
      status: 'draft',
      approval_status: 'rejected',
    });
    await rep.post(`/api/v1/contracts/${big.id}/submit`, {});
    const again = json<{ data: Array<{ instance_id: string; record_id: string }> }>(
      await approver.get('/api/v1/approvals/inbox'),
    ).data.find((i) => i.record_id === big.id);
    expect(
      (await approver.post(`/api/v1/approvals/instances/${again?.instance_id}/approve`, {})).statusCode,
    ).toBe(200);
    expect(json<{ data: Rec }>(await rep.get(`/api/v1/objects/contract/${big.id}`)).data).toMatchObject({
      status: 'in_approval',
      approval_status: 'approved',
    });
    const s2 = await rep.post(`/api/v1/contracts/${big.id}/sign`, { sign_date: '2026-11-20' });
    expect(json<{ data: Rec }>(s2).data).toMatchObject({ status: 'signed', approval_status: 'approved' });
  });
});
