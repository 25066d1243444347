import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BuiltApp } from '../src/app.ts';
import { json, login, newTenant, testApp, type Client } from './harness.ts';

type Rec = Record<string, unknown> & { id: string; version: number };
type ErrBody = { error: { code: string; message: string; details: { field: string; issue: string }[] } };

let built: BuiltApp;
let admin: Client;

beforeAll(async () => {
  built = await testApp();
  const t = await newTenant(built);
  admin = await login(built.app, t.adminEmail);
});
afterAll(async () => built.close());

async function createAccount(body: Record<string, unknown>): Promise<Rec> {
  const res = await admin.post('/api/v1/objects/account', body);
  expect(res.statusCode, res.body).toBe(201);
  return json<{ data: Rec }>(res).data;
}

describe('records engine: create, read, update, delete', () => {
  it('creates a record with typed values and defaults, and reads it back', async () => {
    const a = await createAccount({
      name: '杭州云帆科技有限公司',
      province: '浙江省',
      annual_revenue: { amount: 1234567, currency: 'CNY' },
      tags: ['key'],
    });
    expect(a).toMatchObject({
      name: '杭州云帆科技有限公司',
      type: 'prospect',
      version: 1,
      annual_revenue: { amount: 1234567, currency: 'CNY' },
      tags: ['key'],
    });
    expect(a.owner_id).toBe(admin.userId);
    const got = json<{ data: Rec }>(await admin.get(`/api/v1/objects/account/${a.id}`)).data;
    expect(got).toEqual(a);
  });

  it('rejects bad input with 4xx naming every field, in the request language, and writes nothing', async () => {
    const before = json<{ total: number }>(
      await admin.get('/api/v1/objects/account?count=true&limit=1'),
    ).total;
    const res = await admin.post(
      '/api/v1/objects/account',
      { annual_revenue: 12.5, size: 'huge', website: 'ftp://x', nope: 1 },
      { 'accept-language': 'en-US' },
    );
    expect(res.statusCode).toBe(422);
    const body = json<ErrBody>(res);
    expect(body.error.code).toBe('validation_failed');
    const fields = body.error.details.map((d) => d.field).sort();
    expect(fields).toEqual(['annual_revenue', 'name', 'nope', 'size', 'website']);
    expect(body.error.details.find((d) => d.field === 'nope')?.issue).toBe('is not a known field');
    const zh = json<ErrBody>(await admin.post('/api/v1/objects/account', {}, { 'accept-language': 'zh-CN' }));
    expect(zh.error.details).toEqual([{ field: 'name', issue: '必填', code: 'required' }]);
    const after = json<{ total: number }>(
      await admin.get('/api/v1/objects/account?count=true&limit=1'),
    ).total;
    expect(after).toBe(before);
  });

  it('answers malformed JSON, wrong body types and unknown objects with 4xx, never 500', async () => {
    const bad = await admin.req('POST', '/api/v1/objects/account', undefined, {
      'content-type': 'application/json',
    });
    expect(bad.statusCode).toBeGreaterThanOrEqual(400);
    expect(bad.statusCode).toBeLessThan(500);
    const malformed = await built.app.inject({
      method: 'POST',
      url: '/api/v1/objects/account',
      headers: {
        ...admin.headers,
        'content-type': 'application/json',
      },
      payload: '{"name":',
    });
    expect(malformed.statusCode).toBe(400);
    expect(json<ErrBody>(malformed).error.code).toBe('bad_request');
    expect((await admin.post('/api/v1/objects/account', [1, 2])).statusCode).toBe(400);
    expect((await admin.get('/api/v1/objects/no_such_object')).statusCode).toBe(404);
    expect((await admin.get('/api/v1/objects/account/not-a-uuid')).statusCode).toBe(404);
    expect((await admin.get('/api/v1/objects/account/01900000-0000-7000-8000-000000000000')).statusCode).toBe(
      404,
    );
  });

  it('rejects oversized bodies with 413', async () => {
    const res = await admin.post('/api/v1/objects/account', {
      name: 'x',
      description: 'x'.repeat(6 * 1024 * 1024),
    });
    expect(res.statusCode).toBe(413);
  });

  it('updates with optimistic concurrency: a stale version gets 409 and changes nothing', async () => {
    const a = await createAccount({ name: '并发测试有限公司' });
    const ok = await admin.patch(`/api/v1/objects/account/${a.id}`, { city: '杭州市', version: 1 });
    expect(ok.statusCode).toBe(200);
    expect(json<{ data: Rec }>(ok).data).toMatchObject({ city: '杭州市', version: 2 });
    const stale = await admin.patch(`/api/v1/objects/account/${a.id}`, { city: '宁波市', version: 1 });
    expect(stale.statusCode).toBe(409);
    expect(json<ErrBody>(stale).error.code).toBe('conflict');
    expect(json<{ error: { key: string } }>(stale).error.key).toBe('version_conflict');
    const ifMatch = await admin.patch(
      `/api/v1/objects/account/${a.id}`,
      { city: '宁波市' },
      { 'if-match': '1' },
    );
    expect(ifMatch.statusCode).toBe(409);
    expect(json<{ data: Rec }>(await admin.get(`/api/v1/objects/account/${a.id}`)).data.city).toBe('杭州市');
    // system fields are read-only
    const ro = await admin.patch(`/api/v1/objects/account/${a.id}`, { created_at: '2020-01-01T00:00:00Z' });
    expect(ro.statusCode).toBe(422);
    expect(json<ErrBody>(ro).error.details[0]?.field).toBe('created_at');
  });

  it('enforces unique fields and lookups with errors naming the field', async () => {
    await createAccount({ name: '唯一一号', credit_code: '91330100MA2B3C4D5N' });
    const dup = await admin.post('/api/v1/objects/account', {
      name: '唯一二号',
      credit_code: '91330100ma2b3c4d5n',
    });
    expect(dup.statusCode).toBe(422);
    expect(json<ErrBody>(dup).error.details).toEqual([
      { field: 'credit_code', issue: expect.any(String), code: 'not_unique' },
    ]);
    const badRef = await admin.post('/api/v1/objects/contact', {
      name: '张伟',
      account_id: '01900000-0000-7000-8000-000000000000',
    });
    expect(badRef.statusCode).toBe(422);
    expect(json<ErrBody>(badRef).error.details[0]?.field).toBe('account_id');
  });

  it('soft-deletes to the recycle bin and restores', async () => {
    const a = await createAccount({ name: '回收站测试' });
    expect((await admin.delete(`/api/v1/objects/account/${a.id}`)).statusCode).toBe(204);
    expect((await admin.get(`/api/v1/objects/account/${a.id}`)).statusCode).toBe(404);
    const bin = json<{ data: Rec[] }>(
      await admin.get(
        '/api/v1/objects/account?deleted=only&filter[name]=回收站测试'.replace(
          '回收站测试',
          encodeURIComponent('回收站测试'),
        ),
      ),
    );
    expect(bin.data.map((r) => r.id)).toEqual([a.id]);
    expect(bin.data[0]?.deleted_at).toBeTruthy();
    const restored = await admin.post(`/api/v1/objects/account/${a.id}/restore`);
    expect(restored.statusCode).toBe(200);
    expect((await admin.get(`/api/v1/objects/account/${a.id}`)).statusCode).toBe(200);
  });
});

describe('list grammar', () => {
  const tag = `L${Date.now()}`;
  beforeAll(async () => {
    const rows = Array.from({ length: 25 }, (_, i) => ({
      name: `${tag}-${String(i).padStart(2, '0')}`,
      employees: i * 10,
      city: i % 3 === 0 ? null : i % 3 === 1 ? '上海市' : '北京市',
      grade: ['A', 'B', 'C'][i % 3],
      annual_revenue: i % 5 === 0 ? null : { amount: i * 100_00, currency: 'CNY' },
    }));
    const res = await admin.post('/api/v1/objects/account/bulk', { action: 'create', records: rows });
    expect(res.statusCode, res.body).toBe(200);
  });
  const q = (s: string): string => `/api/v1/objects/account?filter[name][starts_with]=${tag}&${s}`;

  it('filters with every operator', async () => {
    const names = async (s: string): Promise<string[]> =>
      json<{ data: Rec[] }>(await admin.get(q(`${s}&limit=200&sort=name`))).data.map((r) =>
        String(r.name).slice(-2),
      );
    expect(await names('filter[employees][gte]=200')).toEqual(['20', '21', '22', '23', '24']);
    expect(await names('filter[employees][lt]=20')).toEqual(['00', '01']);
    expect(await names('filter[employees][between]=30,50')).toEqual(['03', '04', '05']);
    expect(await names('filter[grade][in]=A&filter[employees][lte]=60')).toEqual(['00', '03', '06']);
    expect((await names('filter[grade][nin]=A,B')).length).toBe(8);
    expect((await names('filter[city][is_null]=true')).length).toBe(9);
    expect((await names(`filter[city][eq]=${encodeURIComponent('上海市')}`)).length).toBe(8);
    expect((await names(`filter[city][ne]=${encodeURIComponent('上海市')}`)).length).toBe(17);
    expect(await names('filter[name][contains]=-1')).toEqual([
      '10',
      '11',
      '12',
      '13',
      '14',
      '15',
      '16',
      '17',
      '18',
      '19',
    ]);
    expect(await names('filter[annual_revenue][gt]=220000')).toEqual(['23', '24']);
  });

  it('pages with a cursor through every sort, covering each row exactly once', async () => {
    for (const sort of [
      'name',
      '-employees',
      'city,-name',
      '-annual_revenue',
      'annual_revenue,name',
      '-updated_at',
    ]) {
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const res = await admin.get(q(`sort=${sort}&limit=7${cursor ? `&cursor=${cursor}` : ''}`));
        expect(res.statusCode, res.body).toBe(200);
        const body = json<{ data: Rec[]; next_cursor: string | null }>(res);
        seen.push(...body.data.map((r) => r.id));
        cursor = body.next_cursor;
        pages++;
      } while (cursor && pages < 10);
      expect(new Set(seen).size, sort).toBe(25);
      expect(seen.length, sort).toBe(25);
    }
  });

  it('returns totals, selected fields and expanded lookups', async () => {
    const res = json<{ data: Rec[]; total: number }>(
      await admin.get(q('count=true&limit=2&fields=name,owner_id&expand=owner_id')),
    );
    expect(res.total).toBe(25);
    expect(Object.keys(res.data[0] ?? {}).sort()).toEqual(['_expand', 'id', 'name', 'owner_id']);
    expect((res.data[0]?._expand as Record<string, { email: string }>).owner_id?.email).toMatch(/^admin@/);
  });

  it('answers bad list parameters with 400 naming the parameter', async () => {
    const cases: Array<[string, string]> = [
      ['limit=0', 'limit'],
      ['limit=201', 'limit'],
      ['cursor=garbage', 'cursor'],
      ['sort=nope', 'sort.nope'],
      ['filter[nope][eq]=1', 'nope'],
      ['filter[employees][like]=1', 'employees'],
      ['filter[employees][gt]=abc', 'employees'],
      ['filter[owner_id][eq]=not-a-uuid', 'owner_id'],
      ['fields=nope', 'fields.nope'],
      ['expand=name', 'expand.name'],
    ];
    for (const [params, field] of cases) {
      const res = await admin.get(`/api/v1/objects/account?${params}`);
      expect(res.statusCode, params).toBe(400);
      expect(json<ErrBody>(res).error.details[0]?.field, params).toBe(field);
    }
  });

  it('runs JSON queries with nested and/or groups', async () => {
    const res = await admin.post('/api/v1/objects/account/query', {
      filter: {
        and: [
          { field: 'name', op: 'starts_with', value: tag },
          {
            or: [
              { field: 'grade', op: 'eq', value: 'A' },
              { field: 'employees', op: 'gte', value: 230 },
            ],
          },
        ],
      },
      sort: 'name',
      limit: 100,
      count: true,
    });
    expect(res.statusCode, res.body).toBe(200);
    const body = json<{ data: Rec[]; total: number }>(res);
    expect(body.data.map((r) => String(r.name).slice(-2))).toEqual([
      '00',
      '03',
      '06',
      '09',
      '12',
      '15',
      '18',
      '21',
      '23',
      '24',
    ]);
    const bad = await admin.post('/api/v1/objects/account/query', { filter: { xor: [] } });
    expect(bad.statusCode).toBe(400);
  });
});

describe('bulk writes', () => {
  it('is all-or-nothing and names the failing record', async () => {
    const tag = `B${Date.now()}`;
    const res = await admin.post('/api/v1/objects/account/bulk', {
      action: 'create',
      records: [{ name: `${tag}-1` }, { name: `${tag}-2`, employees: 'many' }, { name: `${tag}-3` }],
    });
    expect(res.statusCode).toBe(422);
    expect(json<ErrBody>(res).error.details).toEqual([
      { field: 'records[1].employees', issue: expect.any(String), code: 'expected_type' },
    ]);
    const count = json<{ total: number }>(
      await admin.get(`/api/v1/objects/account?filter[name][starts_with]=${tag}&count=true`),
    ).total;
    expect(count).toBe(0);
    const ok = json<{ data: Rec[] }>(
      await admin.post('/api/v1/objects/account/bulk', {
        action: 'create',
        records: [{ name: `${tag}-1` }, { name: `${tag}-2` }],
      }),
    ).data;
    const upd = await admin.post('/api/v1/objects/account/bulk', {
      action: 'update',
      records: [
        { id: ok[0]?.id, city: '成都市' },
        { id: ok[1]?.id, size: 'nope' },
      ],
    });
    expect(upd.statusCode).toBe(422);
    expect(json<ErrBody>(upd).error.details[0]?.field).toBe('records[1].size');
    expect(json<{ data: Rec }>(await admin.get(`/api/v1/objects/account/${ok[0]?.id}`)).data.city).toBeNull();
    const del = await admin.post('/api/v1/objects/account/bulk', {
      action: 'delete',
      records: ok.map((r) => ({ id: r.id })),
    });
    expect(del.statusCode).toBe(200);
    const tooMany = await admin.post('/api/v1/objects/account/bulk', {
      action: 'create',
      records: Array.from({ length: 1001 }, (_, i) => ({ name: `x${i}` })),
    });
    expect(tooMany.statusCode).toBe(422);
  });
});
