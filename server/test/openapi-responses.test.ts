// Response schemas are documentation only at runtime (docs/decisions/0001-…): nothing parses
// responses on the way out. This test is the check instead: it calls the main endpoints and
// validates each real JSON body against the schema the route declares for that status.
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { BuiltApp } from '../src/app.ts';
import { documentedResponses } from '../src/platform/http/server.ts';
import { json, login, newTenant, PASSWORD, testApp, userWithRole, type Client } from './harness.ts';

let built: BuiltApp;
let admin: Client;
let adminEmail: string;
const checked = new Set<string>();

beforeAll(async () => {
  built = await testApp();
  const t = await newTenant(built);
  adminEmail = t.adminEmail;
  admin = await login(built.app, t.adminEmail);
});
afterAll(async () => built.close());

/** Asserts `res` matches what `METHOD route` declares for its status; returns the body. */
function conforms<T = Record<string, unknown>>(
  method: string,
  route: string,
  res: LightMyRequestResponse,
  status?: number,
): T {
  if (status !== undefined) expect(res.statusCode, res.body).toBe(status);
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

type Rec = { id: string; version: number; [k: string]: unknown };

describe('responses match their OpenAPI schemas', () => {
  it('auth and the current user', async () => {
    const res = await built.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: adminEmail, password: PASSWORD },
    });
    conforms('POST', '/api/v1/auth/login', res, 200);
    const bad = await built.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: adminEmail, password: 'wrong-password' },
    });
    expect(bad.statusCode).toBeGreaterThanOrEqual(400);
    conforms('POST', '/api/v1/auth/login', bad);

    const me = conforms<{ data: { user: { id: string } | null; via: string } }>(
      'GET',
      '/api/v1/me',
      await admin.get('/api/v1/me'),
      200,
    );
    expect(me.data.user?.id).toBe(admin.userId);
    conforms('GET', '/api/v1/me', await built.app.inject({ method: 'GET', url: '/api/v1/me' }), 401);
    conforms('PATCH', '/api/v1/me', await admin.patch('/api/v1/me', { locale: 'en-US' }), 200);
    conforms('PATCH', '/api/v1/me', await admin.patch('/api/v1/me', { locale: 'fr-FR' }), 400);

    const rep = await userWithRole(admin, 'sales_rep');
    conforms('GET', '/api/v1/me', await rep.get('/api/v1/me'), 200);
    conforms('POST', '/api/v1/auth/logout-all', await rep.post('/api/v1/auth/logout-all'), 200);
    const again = await userWithRole(admin, 'sales_rep');
    conforms('POST', '/api/v1/auth/logout', await again.post('/api/v1/auth/logout'), 204);
  });

  it('metadata, including custom fields', async () => {
    conforms('GET', '/api/v1/metadata/objects', await admin.get('/api/v1/metadata/objects'), 200);
    conforms(
      'POST',
      '/api/v1/metadata/objects/:object/fields',
      await admin.post('/api/v1/metadata/objects/account/fields', {
        api_name: 'tier__c',
        type: 'select',
        label: { 'zh-CN': '客户层级', 'en-US': 'Tier' },
        options: [
          { value: 'gold', label: { 'zh-CN': '金牌', 'en-US': 'Gold' } },
          { value: 'silver', label: { 'zh-CN': '银牌', 'en-US': 'Silver' } },
        ],
      }),
      201,
    );
    const one = conforms<{ data: { fields: { api_name: string }[] } }>(
      'GET',
      '/api/v1/metadata/objects/:object',
      await admin.get('/api/v1/metadata/objects/account'),
      200,
    );
    expect(one.data.fields.map((f) => f.api_name)).toContain('tier__c');
    conforms(
      'GET',
      '/api/v1/metadata/objects/:object',
      await admin.get('/api/v1/metadata/objects/nope'),
      404,
    );
    conforms(
      'POST',
      '/api/v1/metadata/objects',
      await admin.post('/api/v1/metadata/objects', {
        api_name: 'project__c',
        label: { 'zh-CN': '项目', 'en-US': 'Project' },
      }),
      201,
    );
  });

  it('records: create, list, get, update, aggregate, query, bulk, delete, restore', async () => {
    const parent = conforms<{ data: Rec }>(
      'POST',
      '/api/v1/objects/:object',
      await admin.post('/api/v1/objects/account', { name: '上海母公司' }),
      201,
    ).data;
    const created = conforms<{ data: Rec }>(
      'POST',
      '/api/v1/objects/:object',
      await admin.post('/api/v1/objects/account', {
        name: '杭州云帆科技有限公司',
        annual_revenue: { amount: 1234567, currency: 'CNY' },
        tags: ['key'],
        employees: 120,
        parent_id: parent.id,
        tier__c: 'gold',
      }),
      201,
    ).data;
    // the serializer keeps dynamic custom fields (nothing is stripped)
    expect(created.tier__c).toBe('gold');
    conforms(
      'POST',
      '/api/v1/objects/:object',
      await admin.post('/api/v1/objects/account', { annual_revenue: 12.5, nope: 1 }),
      422,
    );

    const list = conforms<{ data: Rec[]; total?: number }>(
      'GET',
      '/api/v1/objects/:object',
      await admin.get('/api/v1/objects/account?count=true&limit=10&expand=owner_id,parent_id&sort=-name'),
      200,
    );
    expect(list.total).toBe(2);
    expect(list.data.find((r) => r.id === created.id)?.tier__c).toBe('gold');
    conforms(
      'GET',
      '/api/v1/objects/:object',
      await admin.get('/api/v1/objects/account?filter[nope][eq]=1'),
      400,
    );
    conforms(
      'POST',
      '/api/v1/objects/:object/query',
      await admin.post('/api/v1/objects/account/query', {
        filter: { or: [{ field: 'name', op: 'contains', value: '杭州' }] },
        count: true,
      }),
      200,
    );

    const got = conforms<{ data: Rec }>(
      'GET',
      '/api/v1/objects/:object/:id',
      await admin.get(`/api/v1/objects/account/${created.id}?expand=owner_id,parent_id`),
      200,
    ).data;
    expect(got._expand).toBeDefined();
    conforms(
      'GET',
      '/api/v1/objects/:object/:id',
      await admin.get('/api/v1/objects/account/00000000-0000-0000-0000-000000000000'),
      404,
    );

    const updated = conforms<{ data: Rec }>(
      'PATCH',
      '/api/v1/objects/:object/:id',
      await admin.patch(`/api/v1/objects/account/${created.id}`, { grade: 'A', version: created.version }),
      200,
    ).data;
    conforms(
      'PATCH',
      '/api/v1/objects/:object/:id',
      await admin.patch(`/api/v1/objects/account/${created.id}`, { grade: 'B', version: created.version }),
      409,
    );

    conforms(
      'GET',
      '/api/v1/objects/:object/aggregate',
      await admin.get('/api/v1/objects/account/aggregate?group_by=grade&sum=annual_revenue,employees'),
      200,
    );

    conforms(
      'POST',
      '/api/v1/objects/:object/bulk',
      await admin.post('/api/v1/objects/contact/bulk', {
        action: 'create',
        records: [
          { name: '张伟', account_id: created.id },
          { name: '李娜', account_id: created.id },
        ],
      }),
      200,
    );

    conforms(
      'DELETE',
      '/api/v1/objects/:object/:id',
      await admin.delete(`/api/v1/objects/account/${updated.id}`),
      204,
    );
    conforms('GET', '/api/v1/objects/:object', await admin.get('/api/v1/objects/account?deleted=only'), 200);
    conforms(
      'POST',
      '/api/v1/objects/:object/:id/restore',
      await admin.post(`/api/v1/objects/account/${updated.id}/restore`),
      200,
    );

    const history = conforms<{ data: unknown[] }>(
      'GET',
      '/api/v1/audit',
      await admin.get(`/api/v1/audit?object=account&id=${created.id}`),
      200,
    );
    expect(history.data.length).toBeGreaterThan(1);
    conforms('GET', '/api/v1/audit', await admin.get('/api/v1/audit'), 200);
    conforms('GET', '/api/v1/audit', await admin.get('/api/v1/audit?id=x'), 400);

    // every object's list (module objects too: leads, campaigns …)
    const objects = json<{ data: { api_name: string }[] }>(await admin.get('/api/v1/metadata/objects')).data;
    for (const o of objects)
      conforms(
        'GET',
        '/api/v1/objects/:object',
        await admin.get(`/api/v1/objects/${o.api_name}?count=true`),
        200,
      );
  });

  it('search, views, notifications, directory', async () => {
    conforms(
      'POST',
      '/api/v1/objects/:object',
      await admin.post('/api/v1/objects/account', { name: '北京搜索测试有限公司', phone: '010-88886666' }),
      201,
    );
    const found = conforms<{ data: unknown[] }>(
      'GET',
      '/api/v1/search',
      await admin.get(`/api/v1/search?q=${encodeURIComponent('搜索测试')}`),
      200,
    );
    expect(found.data.length).toBeGreaterThan(0);
    conforms('GET', '/api/v1/search', await admin.get('/api/v1/search?q='), 400);

    const view = conforms<{ data: { id: string; version: number } }>(
      'POST',
      '/api/v1/views',
      await admin.post('/api/v1/views', {
        object: 'account',
        name: '重点客户',
        shared: true,
        config: { columns: ['name'], filter: [{ field: 'grade', op: 'eq', value: 'A' }] },
      }),
      201,
    ).data;
    conforms('GET', '/api/v1/views', await admin.get('/api/v1/views?object=account'), 200);
    conforms(
      'PATCH',
      '/api/v1/views/:id',
      await admin.patch(`/api/v1/views/${view.id}`, { name: '重点客户 2', version: view.version }),
      200,
    );
    conforms('DELETE', '/api/v1/views/:id', await admin.delete(`/api/v1/views/${view.id}`), 204);
    conforms('DELETE', '/api/v1/views/:id', await admin.delete(`/api/v1/views/${view.id}`), 404);

    // a reassignment notifies the new owner
    const rep = await userWithRole(admin, 'sales_rep');
    conforms(
      'POST',
      '/api/v1/objects/:object',
      await admin.post('/api/v1/objects/account', { name: '指派通知测试', owner_id: rep.userId }),
      201,
    );
    conforms('GET', '/api/v1/notifications', await rep.get('/api/v1/notifications?limit=20'), 200);
    conforms('POST', '/api/v1/notifications/:id/read', await rep.post('/api/v1/notifications/all/read'), 200);

    conforms('GET', '/api/v1/users', await rep.get('/api/v1/users'), 200);
    conforms('GET', '/api/v1/departments', await rep.get('/api/v1/departments'), 200);
    conforms('GET', '/api/v1/admin/users', await rep.get('/api/v1/admin/users'), 403);
  });

  it('administration', async () => {
    conforms('GET', '/api/v1/admin/users', await admin.get('/api/v1/admin/users'), 200);
    const dept = conforms<{ data: { id: string } }>(
      'POST',
      '/api/v1/admin/departments',
      await admin.post('/api/v1/admin/departments', { name: '华东大区' }),
      201,
    ).data;
    conforms(
      'PATCH',
      '/api/v1/admin/departments/:id',
      await admin.patch(`/api/v1/admin/departments/${dept.id}`, { name: '华东区' }),
      200,
    );
    conforms('GET', '/api/v1/admin/roles', await admin.get('/api/v1/admin/roles'), 200);
    conforms(
      'POST',
      '/api/v1/admin/api-keys',
      await admin.post('/api/v1/admin/api-keys', { name: 'ERP', role: 'admin' }),
      201,
    );
    conforms('GET', '/api/v1/admin/api-keys', await admin.get('/api/v1/admin/api-keys'), 200);
    conforms('GET', '/api/v1/admin/settings', await admin.get('/api/v1/admin/settings'), 200);
    conforms('GET', '/api/v1/admin/login-log', await admin.get('/api/v1/admin/login-log'), 200);
    conforms('GET', '/api/v1/admin/jobs', await admin.get('/api/v1/admin/jobs'), 200);
    conforms('GET', '/api/v1/admin/mail-outbox', await admin.get('/api/v1/admin/mail-outbox'), 200);
  });

  it('webhooks', async () => {
    conforms(
      'GET',
      '/api/v1/admin/webhooks/event-types',
      await admin.get('/api/v1/admin/webhooks/event-types'),
      200,
    );
    const hook = conforms<{ data: { id: string } }>(
      'POST',
      '/api/v1/admin/webhooks',
      await admin.post('/api/v1/admin/webhooks', {
        url: 'https://example.com/hooks/flywheel',
        event_types: ['account.created'],
      }),
      201,
    ).data;
    conforms('GET', '/api/v1/admin/webhooks', await admin.get('/api/v1/admin/webhooks'), 200);
    conforms(
      'PATCH',
      '/api/v1/admin/webhooks/:id',
      await admin.patch(`/api/v1/admin/webhooks/${hook.id}`, { active: false }),
      200,
    );
    conforms(
      'GET',
      '/api/v1/admin/webhooks/:id/deliveries',
      await admin.get(`/api/v1/admin/webhooks/${hook.id}/deliveries`),
      200,
    );
    conforms(
      'DELETE',
      '/api/v1/admin/webhooks/:id',
      await admin.delete(`/api/v1/admin/webhooks/${hook.id}`),
      204,
    );
  });

  it('imports', async () => {
    const boundary = `----flywheel${Date.now()}`;
    const csv = '客户名称,省份\n宁波导入测试有限公司,浙江省\n,浙江省\n';
    const upload = await built.app.inject({
      method: 'POST',
      url: '/api/v1/objects/account/imports',
      headers: { ...admin.headers, 'content-type': `multipart/form-data; boundary=${boundary}` },
      payload: Buffer.concat([
        Buffer.from(
          `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="accounts.csv"\r\nContent-Type: text/csv\r\n\r\n`,
        ),
        Buffer.from(csv),
        Buffer.from(`\r\n--${boundary}--\r\n`),
      ]),
    });
    const job = conforms<{ data: { id: string } }>(
      'POST',
      '/api/v1/objects/:object/imports',
      upload,
      201,
    ).data;
    conforms('GET', '/api/v1/imports/:id', await admin.get(`/api/v1/imports/${job.id}`), 200);
    conforms(
      'PATCH',
      '/api/v1/imports/:id',
      await admin.patch(`/api/v1/imports/${job.id}`, { policy: 'create' }),
      200,
    );
    const dry = conforms<{ data: { failed_rows: number } }>(
      'POST',
      '/api/v1/imports/:id/dry-run',
      await admin.post(`/api/v1/imports/${job.id}/dry-run`),
      200,
    ).data;
    expect(dry.failed_rows).toBe(1);
    conforms('POST', '/api/v1/imports/:id/run', await admin.post(`/api/v1/imports/${job.id}/run`), 202);
    for (let i = 0; i < 100; i++) {
      const j = json<{ data: { status: string } }>(await admin.get(`/api/v1/imports/${job.id}`)).data;
      if (j.status !== 'running') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    conforms('GET', '/api/v1/imports/:id', await admin.get(`/api/v1/imports/${job.id}`), 200);
  });

  it('documents the declared schemas in /api/openapi.json', async () => {
    const doc = json<{
      paths: Record<string, Record<string, { responses?: Record<string, unknown> }>>;
      components: { schemas: Record<string, unknown> };
    }>(await admin.get('/api/openapi.json'));
    for (const name of ['Me', 'ObjectMeta', 'FieldMeta', 'RecordData', 'ListResponse', 'ErrorBody'])
      expect(doc.components.schemas[name], name).toBeDefined();
    const declared = documentedResponses.get(built.app) ?? new Map<string, Record<string, unknown>>();
    expect(declared.size).toBeGreaterThan(40);
    for (const [key, schemas] of declared) {
      const [method = '', url = ''] = key.split(' ');
      if (method === 'HEAD') continue;
      const path = url.replace(/:(\w+)/g, '{$1}');
      const op = doc.paths[path]?.[method.toLowerCase()];
      expect(op, `${key} is in the document`).toBeDefined();
      for (const status of Object.keys(schemas))
        expect(op?.responses?.[status.toUpperCase()], `${key} documents ${status}`).toBeDefined();
    }
    expect(doc.paths['/api/v1/me']?.get?.responses?.['200']).toMatchObject({
      content: {
        'application/json': { schema: { properties: { data: { $ref: '#/components/schemas/Me' } } } },
      },
    });
    expect(checked.size).toBeGreaterThan(45);
  });
});
