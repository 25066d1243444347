import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BuiltApp } from '../src/app.ts';
import { json, login, newTenant, testApp, userWithRole, type Client } from './harness.ts';

type Rec = Record<string, unknown> & { id: string };
type ErrBody = { error: { code: string; details: { field: string; issue: string }[] } };

let built: BuiltApp;
let admin: Client;
const dept: Record<string, string> = {};

beforeAll(async () => {
  built = await testApp();
  const t = await newTenant(built);
  admin = await login(built.app, t.adminEmail);
  const mk = async (name: string, parent?: string): Promise<string> => {
    const r = await admin.post('/api/v1/admin/departments', { name, parent_id: parent ?? null });
    expect(r.statusCode, r.body).toBe(201);
    return json<{ data: { id: string } }>(r).data.id;
  };
  dept.center = await mk('销售中心');
  dept.east = await mk('华东', dept.center);
  dept.eastA = await mk('华东一组', dept.east);
  dept.south = await mk('华南', dept.center);
});
afterAll(async () => built.close());

async function createAs(c: Client, name: string, extra: Record<string, unknown> = {}): Promise<Rec> {
  const r = await c.post('/api/v1/objects/account', { name, ...extra });
  expect(r.statusCode, r.body).toBe(201);
  return json<{ data: Rec }>(r).data;
}

describe('record scope', () => {
  it('own / department / subtree / all decide who sees a record', async () => {
    const repA = await userWithRole(admin, 'sales_rep', dept.eastA);
    const repA2 = await userWithRole(admin, 'sales_rep', dept.eastA);
    const managerEast = await userWithRole(admin, 'sales_manager', dept.east);
    const managerSouth = await userWithRole(admin, 'sales_manager', dept.south);
    const roleRes = await admin.post('/api/v1/admin/roles', {
      key: 'team_lead',
      name: { 'zh-CN': '组长', 'en-US': 'Team lead' },
      permissions: { objects: { account: { read: true, update: true, scope: 'department' } } },
    });
    expect(roleRes.statusCode, roleRes.body).toBe(201);
    const leadA = await userWithRole(admin, 'team_lead', dept.eastA);
    const leadEast = await userWithRole(admin, 'team_lead', dept.east);
    const viewer = await userWithRole(admin, 'read_only');

    const rec = await createAs(repA, '范围测试科技有限公司');
    const sees = async (c: Client): Promise<boolean> =>
      (await c.get(`/api/v1/objects/account/${rec.id}`)).statusCode === 200;
    expect(await sees(repA)).toBe(true);
    expect(await sees(repA2)).toBe(false); // own scope: a colleague's record is invisible (404)
    expect(await sees(leadA)).toBe(true); // department scope: same department
    expect(await sees(leadEast)).toBe(false); // department scope does not reach sub-departments
    expect(await sees(managerEast)).toBe(true); // subtree scope reaches 华东一组
    expect(await sees(managerSouth)).toBe(false);
    expect(await sees(viewer)).toBe(true); // read_only: all
    expect(await sees(admin)).toBe(true);

    const listed = async (c: Client): Promise<boolean> =>
      json<{ data: Rec[] }>(await c.get(`/api/v1/objects/account?filter[id][eq]=${rec.id}`)).data.length ===
      1;
    expect(await listed(repA2)).toBe(false);
    expect(await listed(managerEast)).toBe(true);
    // invisible records cannot be changed either, and the answer does not reveal they exist
    expect((await repA2.patch(`/api/v1/objects/account/${rec.id}`, { city: 'x' })).statusCode).toBe(404);
    expect((await managerSouth.delete(`/api/v1/objects/account/${rec.id}`)).statusCode).toBe(404);
  });
});

describe('object permissions', () => {
  it('deny create, update, delete and export per role', async () => {
    const rep = await userWithRole(admin, 'sales_rep');
    const viewer = await userWithRole(admin, 'read_only');
    const rec = await createAs(rep, '权限测试有限公司');
    expect((await rep.delete(`/api/v1/objects/account/${rec.id}`)).statusCode).toBe(403);
    expect((await rep.get('/api/v1/objects/account/export?format=csv')).statusCode).toBe(403);
    expect((await viewer.post('/api/v1/objects/account', { name: 'x' })).statusCode).toBe(403);
    expect((await viewer.patch(`/api/v1/objects/account/${rec.id}`, { city: 'x' })).statusCode).toBe(403);
    expect((await viewer.get('/api/v1/objects/account/export?format=csv')).statusCode).toBe(403);
    expect((await rep.get('/api/v1/admin/users')).statusCode).toBe(403);
    expect(
      (
        await rep.post('/api/v1/metadata/objects/account/fields', {
          api_name: 'x__c',
          type: 'text',
          label: { 'en-US': 'X' },
        })
      ).statusCode,
    ).toBe(403);

    await admin.post('/api/v1/admin/roles', {
      key: 'contacts_only',
      name: { 'zh-CN': '仅联系人', 'en-US': 'Contacts only' },
      permissions: { objects: { contact: { read: true, scope: 'all' } } },
    });
    const narrow = await userWithRole(admin, 'contacts_only');
    expect((await narrow.get('/api/v1/objects/account')).statusCode).toBe(403);
    const objs = json<{ data: { api_name: string }[] }>(
      await narrow.get('/api/v1/metadata/objects'),
    ).data.map((o) => o.api_name);
    expect(objs).toEqual(['contact']);
  });
});

describe('field-level security', () => {
  it('hidden fields never leave the server; read-only fields refuse writes', async () => {
    const res = await admin.post('/api/v1/admin/roles', {
      key: 'restricted',
      name: { 'zh-CN': '受限', 'en-US': 'Restricted' },
      permissions: {
        objects: { account: { create: true, read: true, update: true, export: true, scope: 'all' } },
        fields: { account: { phone: 'hidden', annual_revenue: 'hidden', grade: 'read' } },
      },
    });
    expect(res.statusCode, res.body).toBe(201);
    const u = await userWithRole(admin, 'restricted');
    const rec = await createAs(admin, '字段权限有限公司', {
      phone: '0571-88886666',
      grade: 'A',
      annual_revenue: { amount: 99_00, currency: 'CNY' },
    });

    const got = json<{ data: Rec }>(await u.get(`/api/v1/objects/account/${rec.id}`)).data;
    expect(got).not.toHaveProperty('phone');
    expect(got).not.toHaveProperty('annual_revenue');
    expect(got.grade).toBe('A');
    const list = await u.get(`/api/v1/objects/account?filter[id][eq]=${rec.id}`);
    expect(list.body).not.toContain('88886666');
    // filtering, sorting, selecting or searching on a hidden field behaves as if it did not exist
    expect((await u.get('/api/v1/objects/account?filter[phone][contains]=8888')).statusCode).toBe(400);
    expect((await u.get('/api/v1/objects/account?sort=annual_revenue')).statusCode).toBe(400);
    expect((await u.get('/api/v1/objects/account?fields=phone')).statusCode).toBe(400);
    expect(json<{ data: Rec[] }>(await u.get('/api/v1/objects/account?q=88886666')).data).toHaveLength(0);
    const meta = json<{ data: { fields: { api_name: string; read_only: boolean }[] } }>(
      await u.get('/api/v1/metadata/objects/account'),
    ).data.fields;
    expect(meta.map((f) => f.api_name)).not.toContain('phone');
    expect(meta.find((f) => f.api_name === 'grade')?.read_only).toBe(true);

    const w1 = await u.patch(`/api/v1/objects/account/${rec.id}`, { grade: 'B' });
    expect(w1.statusCode).toBe(422);
    expect(json<ErrBody>(w1).error.details[0]?.field).toBe('grade');
    const w2 = await u.patch(`/api/v1/objects/account/${rec.id}`, { phone: '1' });
    expect(w2.statusCode).toBe(422);
    expect(json<ErrBody>(w2).error.details).toEqual([
      { field: 'phone', issue: expect.any(String), code: 'unknown_field' },
    ]);
    expect(json<{ data: Rec }>(await admin.get(`/api/v1/objects/account/${rec.id}`)).data.grade).toBe('A');

    const csv = await u.get(`/api/v1/objects/account/export?format=csv&filter[id][eq]=${rec.id}`);
    expect(csv.statusCode).toBe(200);
    expect(csv.body).toContain('字段权限有限公司');
    expect(csv.body).not.toContain('88886666');
    expect(csv.body).not.toContain('年营业额');

    await admin.patch(`/api/v1/objects/account/${rec.id}`, { phone: '0571-11112222', city: '杭州市' });
    const audit = json<{
      data: { changes: Record<string, { old: unknown; new: unknown; redacted?: boolean }> }[];
    }>(await u.get(`/api/v1/audit?object=account&id=${rec.id}`)).data;
    const upd = audit[0]?.changes ?? {};
    expect(upd.city).toEqual({ old: null, new: '杭州市' });
    expect(upd.phone).toEqual({ old: null, new: null, redacted: true });
    expect(JSON.stringify(audit)).not.toContain('8888');
  });
});
