import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BuiltApp } from '../src/app.ts';
import { serveWebApp } from '../src/platform/http/web.ts';
import { json, login, newTenant, testApp, userWithRole, type Client } from './harness.ts';

type View = {
  id: string;
  name: string;
  shared: boolean;
  config: { columns: string[]; sort: string };
  version: number;
};

let built: BuiltApp;
let admin: Client;

beforeAll(async () => {
  built = await testApp();
  const t = await newTenant(built);
  admin = await login(built.app, t.adminEmail);
});
afterAll(async () => built.close());

describe('saved list views', () => {
  it('are personal unless an admin shares them', async () => {
    const rep = await userWithRole(admin, 'sales_rep');
    const other = await userWithRole(admin, 'sales_rep');
    const mine = await rep.post('/api/v1/views', {
      object: 'account',
      name: '我的重点客户',
      config: {
        columns: ['name', 'grade'],
        sort: '-annual_revenue',
        filter: [{ field: 'grade', op: 'eq', value: 'A' }],
      },
    });
    expect(mine.statusCode, mine.body).toBe(201);
    const view = json<{ data: View }>(mine).data;
    expect(view.config).toMatchObject({
      columns: ['name', 'grade'],
      sort: '-annual_revenue',
      layout: 'table',
      page_size: 50,
    });
    expect(json<{ data: View[] }>(await other.get('/api/v1/views?object=account')).data).toHaveLength(0);
    expect((await other.patch(`/api/v1/views/${view.id}`, { name: 'hijack' })).statusCode).toBe(404);
    expect(
      (await rep.post('/api/v1/views', { object: 'account', name: 'x', shared: true, config: {} }))
        .statusCode,
    ).toBe(403);
    const shared = await admin.post('/api/v1/views', {
      object: 'account',
      name: '全部A类客户',
      shared: true,
      config: { columns: ['name'] },
    });
    expect(shared.statusCode).toBe(201);
    const sharedId = json<{ data: View }>(shared).data.id;
    expect(
      json<{ data: View[] }>(await other.get('/api/v1/views?object=account')).data.map((v) => v.name),
    ).toEqual(['全部A类客户']);
    expect((await other.patch(`/api/v1/views/${sharedId}`, { name: 'mine now' })).statusCode).toBe(403);
    const renamed = await rep.patch(`/api/v1/views/${view.id}`, { name: '重点客户', version: 1 });
    expect(json<{ data: View }>(renamed).data).toMatchObject({ name: '重点客户', version: 2 });
    expect((await rep.patch(`/api/v1/views/${view.id}`, { name: 'stale', version: 1 })).statusCode).toBe(409);
    expect(
      (await rep.post('/api/v1/views', { object: 'account', name: 'bad', config: { page_size: 5000 } }))
        .statusCode,
    ).toBe(422);
    expect((await rep.post('/api/v1/views', { object: 'nope', name: 'bad', config: {} })).statusCode).toBe(
      404,
    );
    expect((await rep.delete(`/api/v1/views/${view.id}`)).statusCode).toBe(204);
  });
});

describe('user directory', () => {
  it('lists active users for every signed-in user (owner pickers), without admin-only details', async () => {
    const rep = await userWithRole(admin, 'sales_rep');
    const users = json<{ data: Record<string, unknown>[] }>(await rep.get('/api/v1/users')).data;
    expect(users.length).toBeGreaterThanOrEqual(2);
    expect(Object.keys(users[0] ?? {}).sort()).toEqual(['department_id', 'email', 'id', 'name']);
  });
});

describe('global search', () => {
  it('finds records by name, phone or e-mail across objects, within the caller’s scope', async () => {
    const acc = json<{ data: { id: string } }>(
      await admin.post('/api/v1/objects/account', { name: '搜索测试云科技有限公司', phone: '0571-86001234' }),
    ).data;
    await admin.post('/api/v1/objects/contact', {
      name: '韩梅梅',
      account_id: acc.id,
      email: 'meimei@search.test',
      mobile: '13900001234',
    });
    const byName = json<{ data: { object: string; hits: { id: string; title: string }[] }[] }>(
      await admin.get(`/api/v1/search?q=${encodeURIComponent('搜索测试')}`),
    ).data;
    expect(byName.map((g) => g.object)).toEqual(['account']);
    expect(byName[0]?.hits[0]?.title).toBe('搜索测试云科技有限公司');
    const byPhone = json<{ data: { object: string }[] }>(await admin.get('/api/v1/search?q=1234')).data;
    expect(byPhone.map((g) => g.object).sort()).toEqual(['account', 'contact']);
    const byMail = json<{ data: { object: string; hits: { title: string }[] }[] }>(
      await admin.get('/api/v1/search?q=meimei@'),
    ).data;
    expect(byMail[0]?.hits[0]?.title).toBe('韩梅梅');
    const rep = await userWithRole(admin, 'sales_rep');
    expect(
      json<{ data: unknown[] }>(await rep.get(`/api/v1/search?q=${encodeURIComponent('搜索测试')}`)).data,
    ).toEqual([]);
    expect((await admin.get('/api/v1/search?q=')).statusCode).toBe(400);
  });
});

describe('tenant security settings', () => {
  it('change the lockout threshold', async () => {
    const put = await admin.put('/api/v1/admin/settings/security', {
      lockout_threshold: 3,
      lockout_minutes: 5,
      session_idle_minutes: null,
      session_absolute_hours: null,
    });
    expect(put.statusCode, put.body).toBe(204);
    const s = json<{ data: { security: { lockout_threshold: number } } }>(
      await admin.get('/api/v1/admin/settings'),
    ).data;
    expect(s.security.lockout_threshold).toBe(3);
    const rep = await userWithRole(admin, 'sales_rep');
    const email = json<{ data: { user: { email: string } } }>(await rep.get('/api/v1/me')).data.user.email;
    const codes: number[] = [];
    for (let i = 0; i < 3; i++)
      codes.push(
        (
          await built.app.inject({
            method: 'POST',
            url: '/api/v1/auth/login',
            payload: { email, password: `wrong-pass-${i}` },
            headers: { 'x-forwarded-for': '198.51.100.9' },
          })
        ).statusCode,
      );
    expect(codes).toEqual([401, 401, 423]);
    expect(
      (
        await admin.put('/api/v1/admin/settings/security', {
          lockout_threshold: 1,
          lockout_minutes: 5,
          session_idle_minutes: null,
          session_absolute_hours: null,
        })
      ).statusCode,
    ).toBe(400);
    expect((await rep.get('/api/v1/admin/settings')).statusCode).toBe(403);
  });
});

describe('web app serving', () => {
  it('serves the built app with a deep-link fallback, and leaves /api to the API', async () => {
    const dist = fs.mkdtempSync(path.join(os.tmpdir(), 'flywheel-dist-'));
    fs.writeFileSync(path.join(dist, 'index.html'), '<!doctype html><title>Flywheel</title>');
    fs.mkdirSync(path.join(dist, 'assets'));
    fs.writeFileSync(path.join(dist, 'assets', 'app-abc123.js'), 'console.log(1)');
    const app = Fastify();
    expect(await serveWebApp(app, dist)).toBe(true);
    app.get('/api/v1/x', async () => ({ ok: true }));
    const deep = await app.inject({ method: 'GET', url: '/o/account/123?tab=history' });
    expect(deep.statusCode).toBe(200);
    expect(deep.body).toContain('<title>Flywheel</title>');
    const asset = await app.inject({ method: 'GET', url: '/assets/app-abc123.js' });
    expect(asset.headers['cache-control']).toContain('immutable');
    expect((await app.inject({ method: 'GET', url: '/api/v1/x' })).json()).toEqual({ ok: true });
    expect((await app.inject({ method: 'GET', url: '/api/v1/unknown' })).statusCode).toBe(404);
    expect((await app.inject({ method: 'GET', url: '/../../etc/passwd' })).body).not.toContain('root:');
    expect((await app.inject({ method: 'GET', url: '/%E0%A4%A' })).statusCode).toBeLessThan(500);
    // a rebuild while the server runs: new files and the new index are served without a restart
    fs.writeFileSync(path.join(dist, 'assets', 'app-new456.js'), 'console.log(2)');
    fs.writeFileSync(path.join(dist, 'index.html'), '<!doctype html><title>Flywheel v2</title>');
    expect((await app.inject({ method: 'GET', url: '/assets/app-new456.js' })).body).toBe('console.log(2)');
    expect((await app.inject({ method: 'GET', url: '/o/lead' })).body).toContain('v2');
    await app.close();
    fs.rmSync(dist, { recursive: true, force: true });
    expect(await serveWebApp(Fastify(), '/nonexistent')).toBe(false);
  });
});

describe('aggregates', () => {
  it('count and sum per group with filters, scope and field security', async () => {
    const tag = `AGG${Date.now()}`;
    await admin.post('/api/v1/objects/account/bulk', {
      action: 'create',
      records: [
        { name: `${tag}-1`, grade: 'A', employees: 10, annual_revenue: { amount: 100_00, currency: 'CNY' } },
        { name: `${tag}-2`, grade: 'A', employees: 5, annual_revenue: { amount: 50_00, currency: 'CNY' } },
        { name: `${tag}-3`, grade: 'A', annual_revenue: { amount: 7_00, currency: 'USD' } },
        { name: `${tag}-4`, grade: 'B', employees: 1 },
        { name: `${tag}-5` },
      ],
    });
    const res = await admin.get(
      `/api/v1/objects/account/aggregate?group_by=grade&sum=employees,annual_revenue&filter[name][starts_with]=${tag}`,
    );
    expect(res.statusCode, res.body).toBe(200);
    expect(json<{ data: unknown[] }>(res).data).toEqual([
      {
        value: 'A',
        count: 3,
        sums: {
          employees: 15,
          annual_revenue: [
            { amount: 15000, currency: 'CNY' },
            { amount: 700, currency: 'USD' },
          ],
        },
      },
      { value: 'B', count: 1, sums: { employees: 1, annual_revenue: [] } },
      { value: null, count: 1, sums: { employees: 0, annual_revenue: [] } },
    ]);
    expect((await admin.get('/api/v1/objects/account/aggregate?group_by=nope')).statusCode).toBe(400);
    expect((await admin.get('/api/v1/objects/account/aggregate?group_by=grade&sum=name')).statusCode).toBe(
      400,
    );
    const rep = await userWithRole(admin, 'sales_rep');
    const mine = json<{ data: { count: number }[] }>(
      await rep.get(`/api/v1/objects/account/aggregate?group_by=grade&filter[name][starts_with]=${tag}`),
    ).data;
    expect(mine).toEqual([]);
  });
});

describe('admin: password reset and tenant profile', () => {
  it('resets a password (policy applies, sessions end) and edits the tenant profile', async () => {
    const rep = await userWithRole(admin, 'sales_rep');
    const weak = await admin.post(`/api/v1/admin/users/${rep.userId}/reset-password`, {
      password: 'password123',
    });
    expect(weak.statusCode).toBe(422);
    expect(
      (await admin.post(`/api/v1/admin/users/${rep.userId}/reset-password`, { password: 'Fresh-Start-2026' }))
        .statusCode,
    ).toBe(204);
    expect((await rep.get('/api/v1/me')).statusCode).toBe(401);
    expect(
      (await rep.post(`/api/v1/admin/users/${rep.userId}/reset-password`, { password: 'Fresh-Start-2027' }))
        .statusCode,
    ).toBe(401);
    const bad = await admin.put('/api/v1/admin/settings/profile', {
      name: '演示',
      time_zone: 'Mars/Olympus',
      currency: 'CNY',
      locale: 'zh-CN',
    });
    expect(bad.statusCode).toBe(422);
    expect(
      (
        await admin.put('/api/v1/admin/settings/profile', {
          name: 'Acme 中国',
          time_zone: 'Asia/Hong_Kong',
          currency: 'HKD',
          locale: 'en-US',
        })
      ).statusCode,
    ).toBe(204);
    const me = json<{ data: { tenant: { name: string; time_zone: string; currency: string } } }>(
      await admin.get('/api/v1/me'),
    ).data.tenant;
    expect(me).toMatchObject({ name: 'Acme 中国', time_zone: 'Asia/Hong_Kong', currency: 'HKD' });
  });
});
