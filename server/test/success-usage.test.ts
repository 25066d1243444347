// Usage telemetry in (issue 8, docs/API.md §22): JSON batches by API key or session, CSV/XLSX
// files, idempotent resends, rows for unknown customers refused by row number with nothing
// written, every field's checks, external-id matching, permissions, and one customer's days out.
import type { LightMyRequestResponse } from 'fastify';
import ExcelJS from 'exceljs';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BuiltApp } from '../src/app.ts';
import { TenantDb } from '../src/platform/db/tenant-db.ts';
import { addDays, todayIn } from '../src/platform/jobs/dates.rules.ts';
import {
  apiKeyClient,
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
type Err = { error: { code: string; details: { field: string; code: string }[] } };
type Result = { received: number; inserted: number; replaced: number };
type Day = {
  date: string;
  purchased_seats: number;
  activated_seats: number;
  logged_in_users_7d: number;
  bi_users_7d: number;
  module_records: Record<string, number>;
  quotas: Record<string, { used: number; limit: number }> | null;
  admin_user: string | null;
  department_heads: string[] | null;
  received_at: string;
};

const codes = (r: LightMyRequestResponse): string[] =>
  (r.json() as Err).error.details.map((d) => `${d.field}:${d.code}`);

let built: BuiltApp;
let t: TestTenant;
let admin: Client;
let key: Client;
let today: string;
const CODE_A = '91350100M000100Y43';
const CODE_B = '91440300708461136T';
const acc: Record<string, string> = {};

const db = (): TenantDb => TenantDb.for(built.platform.db, t.tenantId);
const d = (n: number): string => addDays(today, -n);

async function account(
  name: string,
  by: Client = admin,
  extra: Record<string, unknown> = {},
): Promise<string> {
  const r = await by.post('/api/v1/objects/account', { name, ...extra });
  expect(r.statusCode, r.body).toBe(201);
  return json<{ data: Rec }>(r).data.id;
}

/** Usage rows of the tenant, as stored. */
async function stored(accountId?: string): Promise<Array<Day & { account_id: string }>> {
  return db().query(sql<Day & { account_id: string }>`select account_id, to_char(day, 'YYYY-MM-DD') as date,
      purchased_seats, activated_seats, logged_in_users_7d, bi_users_7d, module_records, quotas, admin_user,
      department_heads, received_at::text
    from usage_daily where tenant_id = ${t.tenantId}${accountId ? sql` and account_id = ${accountId}` : sql``}
    order by account_id, day`);
}

async function countRows(): Promise<number> {
  const r = await db().one(
    sql<{ n: number }>`select count(*)::int as n from usage_daily where tenant_id = ${t.tenantId}`,
  );
  return r?.n ?? -1;
}

const row = (customer: Record<string, string>, date: string, extra: Record<string, unknown> = {}) => ({
  ...customer,
  date,
  purchased_seats: 100,
  activated_seats: 80,
  logged_in_users_7d: 60,
  bi_users_7d: 20,
  ...extra,
});

function push(c: Client, rows: unknown[]): Promise<LightMyRequestResponse> {
  return c.post('/api/v1/usage', { rows });
}

function multipart(c: Client, url: string, name: string, content: Buffer): Promise<LightMyRequestResponse> {
  const boundary = `----fw${Date.now()}${Math.random().toString(16).slice(2)}`;
  return built.app.inject({
    method: 'POST',
    url,
    headers: { ...c.headers, 'content-type': `multipart/form-data; boundary=${boundary}` },
    payload: Buffer.concat([
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
      ),
      content,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]),
  });
}
const upload = (c: Client, name: string, content: string | Buffer) =>
  multipart(c, '/api/v1/usage/import', name, typeof content === 'string' ? Buffer.from(content) : content);

beforeAll(async () => {
  built = await testApp();
  t = await newTenant(built);
  admin = await login(built.app, t.adminEmail);
  today = todayIn('Asia/Shanghai');
  const k = await admin.post('/api/v1/admin/api-keys', { name: 'product telemetry', role: 'admin' });
  expect(k.statusCode, k.body).toBe(201);
  key = apiKeyClient(built.app, json<{ data: { key: string } }>(k).data.key);
  acc.A = await account('云帆甲科技有限公司', admin, { credit_code: CODE_A });
  acc.B = await account('云帆乙科技有限公司', admin, { credit_code: CODE_B });
  acc.C = await account('云帆丙科技有限公司');
});
afterAll(async () => built?.close());

describe('POST /api/v1/usage', () => {
  it('stores a batch sent with an API key, every field as sent', async () => {
    const res = await push(key, [
      row({ account_id: acc.A as string }, d(2), {
        module_records: { account: 12, contract: 3 },
        quotas: { users: { used: 95, limit: 100 } },
        admin_user: 'zhang.wei',
        department_heads: ['li.na', ' wang.fang ', 'li.na', ''],
      }),
      row({ account_id: acc.A as string }, d(1)),
      // today itself is allowed: products report the running day
      row({ account_id: acc.B as string }, today, { purchased_seats: 10, activated_seats: 12 }),
    ]);
    const body = conformsTo<{ data: Result }>(built.app, 'POST', '/api/v1/usage', res, 200);
    expect(body.data).toEqual({ received: 3, inserted: 3, replaced: 0 });
    const a = await stored(acc.A);
    expect(a.map((r) => r.date)).toEqual([d(2), d(1)]);
    expect(a[0]).toMatchObject({
      purchased_seats: 100,
      activated_seats: 80,
      logged_in_users_7d: 60,
      bi_users_7d: 20,
      module_records: { account: 12, contract: 3 },
      quotas: { users: { used: 95, limit: 100 } },
      admin_user: 'zhang.wei',
      // trimmed, blanks dropped, repeats kept once
      department_heads: ['li.na', 'wang.fang'],
    });
    // defaults: no module records → {}, optional fields null
    expect(a[1]).toMatchObject({
      module_records: {},
      quotas: null,
      admin_user: null,
      department_heads: null,
    });
    // activated > purchased is not refused (over-provisioned products)
    expect((await stored(acc.B))[0]).toMatchObject({ date: today, purchased_seats: 10, activated_seats: 12 });
    const audit = await db().one(sql<{ meta: Record<string, unknown> }>`select meta from audit_log
      where tenant_id = ${t.tenantId} and object = 'usage_daily' order by id desc limit 1`);
    expect(audit?.meta).toMatchObject({ source: 'api', received: 3, inserted: 3, replaced: 0, customers: 2 });
  });

  it('is idempotent: a resend replaces the customer-day; within a batch the later row wins', async () => {
    const before = await countRows();
    const first = await stored(acc.A);
    const res = await push(key, [
      row({ account_id: acc.A as string }, d(2), { activated_seats: 81 }),
      row({ account_id: acc.A as string }, d(1), { bi_users_7d: 5 }),
      row({ account_id: acc.C as string }, d(1)),
    ]);
    expect(json<{ data: Result }>(res).data).toEqual({ received: 3, inserted: 1, replaced: 2 });
    expect(await countRows()).toBe(before + 1);
    const a = await stored(acc.A);
    // every column replaced: the resend carried no module records, quotas or people
    expect(a[0]).toMatchObject({
      activated_seats: 81,
      module_records: {},
      quotas: null,
      admin_user: null,
      department_heads: null,
    });
    expect(a[0]?.received_at).not.toBe(first[0]?.received_at);
    expect(a[1]?.bi_users_7d).toBe(5);

    // the same customer-day twice (once by id, once by credit code): one row, the later values
    const dup = await push(key, [
      row({ account_id: acc.C as string }, d(3), { activated_seats: 1 }),
      row({ external_id: CODE_A }, d(3), { activated_seats: 7 }),
      row({ external_id: CODE_B.toLowerCase() }, d(3), { activated_seats: 2 }),
      row({ account_id: acc.C as string }, d(3), { activated_seats: 3 }),
    ]);
    expect(json<{ data: Result }>(dup).data).toEqual({ received: 4, inserted: 3, replaced: 0 });
    const c3 = (await stored(acc.C)).find((r) => r.date === d(3));
    expect(c3?.activated_seats).toBe(3);
    expect((await stored(acc.A)).find((r) => r.date === d(3))?.activated_seats).toBe(7);
  });

  it('refuses rows for unknown customers by row number and writes nothing', async () => {
    const before = await stored();
    const res = await push(key, [
      row({ account_id: acc.A as string }, d(10)),
      row({ account_id: '0190f1c2-0000-7000-8000-000000000001' }, d(10)),
      row({ external_id: CODE_A }, d(11)),
      row({ external_id: '91110000000000000X' }, d(10)),
    ]);
    expect(res.statusCode, res.body).toBe(422);
    conformsTo(built.app, 'POST', '/api/v1/usage', res, 422);
    expect(codes(res)).toEqual([
      'rows[1].account_id:unknown_customer',
      'rows[3].external_id:unknown_customer',
    ]);
    expect(await stored()).toEqual(before);
    // a deleted account is unknown too
    const gone = await account('已删除客户');
    expect((await admin.delete(`/api/v1/objects/account/${gone}`)).statusCode).toBe(204);
    const del = await push(key, [row({ account_id: gone }, d(1))]);
    expect(codes(del)).toEqual(['rows[0].account_id:unknown_customer']);
  });

  it('names every bad field of every row', async () => {
    const before = await countRows();
    const A = { account_id: acc.A as string };
    const res = await push(key, [
      /* 0 */ row({}, d(1)),
      /* 1 */ row({ account_id: acc.A as string, external_id: CODE_A }, d(1)),
      /* 2 */ row({ account_id: 'not-a-uuid' }, d(1)),
      /* 3 */ row(A, addDays(today, 1)),
      /* 4 */ row(A, '2025-02-30'),
      /* 5 */ { ...A, purchased_seats: 1, activated_seats: 1, logged_in_users_7d: 1, bi_users_7d: 1 },
      /* 6 */ row(A, d(1), {
        purchased_seats: -1,
        activated_seats: 1.5,
        logged_in_users_7d: '3',
        bi_users_7d: 2 ** 31,
      }),
      /* 7 */ row(A, d(1), { module_records: { Account: 1, contract: -2, order: 2.5 } }),
      /* 8 */ row(A, d(1), { module_records: [1] }),
      /* 9 */ row(A, d(1), {
        quotas: { users: { used: 5, limit: 0 }, bi: { used: -1, limit: 3, extra: 1 }, 'x-y': {} },
      }),
      /* 10 */ row(A, d(1), { admin_user: 'x'.repeat(201), department_heads: ['ok', 7] }),
      /* 11 */ row(A, d(1), { department_heads: Array.from({ length: 101 }, (_, i) => `h${i}`) }),
      /* 12 */ row(A, d(1), { colour: 'red' }),
      /* 13 */ 'not an object',
      /* 14 */ row({ external_id: 'y'.repeat(201) }, d(1)),
      /* 15 */ row(A, d(1), { quotas: 'full', department_heads: 'a;b' }),
      // year 0 is no date in PostgreSQL; U+0000 cannot be stored in text: 422s, not 500s
      /* 16 */ row(A, '0000-01-01', { admin_user: 'a\u0000b' }),
      /* 17 */ row({ external_id: 'x\u0000' }, d(1), { department_heads: ['ok', 'b\u0000'] }),
    ]);
    expect(res.statusCode, res.body).toBe(422);
    expect(codes(res)).toEqual([
      'rows[0].account_id:one_customer_key',
      'rows[1].external_id:one_customer_key',
      'rows[2].account_id:invalid_value',
      'rows[3].date:date_in_future',
      'rows[4].date:invalid_date',
      'rows[5].date:required',
      'rows[6].purchased_seats:too_small',
      'rows[6].activated_seats:expected_type',
      'rows[6].logged_in_users_7d:expected_type',
      'rows[6].bi_users_7d:too_large',
      'rows[7].module_records.Account:invalid_value',
      'rows[7].module_records.contract:too_small',
      'rows[7].module_records.order:expected_type',
      'rows[8].module_records:expected_type',
      'rows[9].quotas.users.limit:must_be_positive',
      'rows[9].quotas.bi.extra:unknown_field',
      'rows[9].quotas.bi.used:too_small',
      'rows[9].quotas.x-y:invalid_value',
      'rows[10].admin_user:too_long',
      'rows[10].department_heads[1]:expected_type',
      'rows[11].department_heads:too_many',
      'rows[12].colour:unknown_field',
      'rows[13]:expected_type',
      'rows[14].external_id:too_long',
      'rows[15].quotas:expected_type',
      'rows[15].department_heads:expected_type',
      'rows[16].date:invalid_date',
      'rows[16].admin_user:invalid_value',
      'rows[17].external_id:invalid_value',
      'rows[17].department_heads[1]:invalid_value',
    ]);
    expect(await countRows()).toBe(before);
  });

  it('checks the envelope: 1–10,000 rows, nothing else', async () => {
    const one = row({ account_id: acc.A as string }, d(1));
    const many = await push(
      key,
      Array.from({ length: 10_001 }, () => one),
    );
    expect(many.statusCode).toBe(422);
    expect(codes(many)).toEqual(['rows:too_many']);
    expect(codes(await push(key, []))).toEqual(['rows:too_small']);
    expect(codes(await key.post('/api/v1/usage', {}))).toEqual(['rows:required']);
    expect(codes(await key.post('/api/v1/usage', { rows: {} }))).toEqual(['rows:expected_type']);
    expect(codes(await key.post('/api/v1/usage', { rows: [one], dry: true }))).toEqual(['dry:unknown_field']);
  });

  it('reads 10,000 rows above the default 5 MB body limit, and lists at most 200 issues', async () => {
    const heavy = row({ account_id: '0190f1c2-0000-7000-8000-000000000002' }, d(1), {
      admin_user: 'a'.repeat(200),
      department_heads: ['b'.repeat(200), 'c'.repeat(200), 'd'.repeat(200)],
    });
    const rows = Array.from({ length: 10_000 }, () => heavy);
    expect(JSON.stringify({ rows }).length).toBeGreaterThan(5 * 1024 * 1024);
    const res = await push(key, rows);
    expect(res.statusCode).toBe(422);
    const c = codes(res);
    expect(c).toHaveLength(200);
    expect(c[0]).toBe('rows[0].account_id:unknown_customer');
    expect(c[199]).toBe('rows[199].account_id:unknown_customer');
  });

  it('takes a full 10,000-row batch in one request (20 customers × 500 days)', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) ids.push(await account(`批量客户${i}`));
    const rows = ids.flatMap((id, i) =>
      Array.from({ length: 500 }, (_, k) =>
        row({ account_id: id }, d(k), {
          activated_seats: (i * 7 + k) % 100,
          module_records: { account: k % 5, contact: 1, contract: k % 2, opportunity: 3 },
          quotas: { users: { used: 50, limit: 100 }, bi: { used: 2, limit: 10 } },
          admin_user: `admin${i}`,
          department_heads: ['销售部负责人', '财务部负责人'],
        }),
      ),
    );
    const res = await push(key, rows);
    expect(json<{ data: Result }>(res).data).toEqual({ received: 10_000, inserted: 10_000, replaced: 0 });
    const again = await push(key, rows);
    expect(json<{ data: Result }>(again).data).toEqual({ received: 10_000, inserted: 0, replaced: 10_000 });
    const sum = await db().one(sql<{
      n: number;
      s: number;
    }>`select count(*)::int as n, sum(activated_seats)::int as s
      from usage_daily where tenant_id = ${t.tenantId} and account_id = any(${ids}::uuid[])`);
    // Σ over i < 20, k < 500 of (7i + k) mod 100, computed independently of the rows sent
    let expected = 0;
    for (let i = 0; i < 20; i++) for (let k = 0; k < 500; k++) expected += (i * 7 + k) % 100;
    expect(sum).toEqual({ n: 10_000, s: expected });
    // speed is measured in bench/success.ts, not asserted here
  });
});

describe('external ids', () => {
  it('match the credit code by default, whatever the case and spacing', async () => {
    const res = await push(key, [
      row({ external_id: CODE_A.toLowerCase() }, d(20)),
      row({ external_id: ` ${CODE_B.slice(0, 6)} ${CODE_B.slice(6)} ` }, d(20)),
    ]);
    expect(json<{ data: Result }>(res).data).toMatchObject({ inserted: 2 });
    expect((await stored(acc.A)).some((r) => r.date === d(20))).toBe(true);
    expect((await stored(acc.B)).some((r) => r.date === d(20))).toBe(true);
  });

  it('match a custom text field named in settings.success.externalIdField; ambiguous values are refused', async () => {
    const f = await admin.post('/api/v1/metadata/objects/account/fields', {
      api_name: 'tenant_no__c',
      type: 'text',
      label: { 'en-US': 'Product tenant number' },
    });
    expect(f.statusCode, f.body).toBe(201);
    const x = await account('外部编号客户一', admin, { tenant_no__c: 'T-1001' });
    await account('外部编号客户二', admin, { tenant_no__c: 'T-2002' });
    await account('外部编号客户三', admin, { tenant_no__c: 't-2002' });
    const badField = await admin.put('/api/v1/success/settings', { externalIdField: 'drop table' });
    expect(badField.statusCode).toBe(422);
    expect(badField.json()).toMatchObject({ error: { details: [{ field: 'externalIdField' }] } });
    const someRep = await userWithRole(admin, 'sales_rep');
    expect(
      (await someRep.put('/api/v1/success/settings', { externalIdField: 'tenant_no__c' })).statusCode,
    ).toBe(403);
    const set = await admin.put('/api/v1/success/settings', { externalIdField: 'tenant_no__c' });
    expect(conformsTo(built.app, 'PUT', '/api/v1/success/settings', set, 200)).toEqual({
      data: { externalIdField: 'tenant_no__c' },
    });
    try {
      const ok = await push(key, [row({ external_id: 't-1001' }, d(1))]);
      expect(json<{ data: Result }>(ok).data).toMatchObject({ inserted: 1 });
      expect((await stored(x)).map((r) => r.date)).toEqual([d(1)]);
      // the credit code is no longer what external ids mean
      const code = await push(key, [row({ external_id: CODE_A }, d(1))]);
      expect(codes(code)).toEqual(['rows[0].external_id:unknown_customer']);
      const amb = await push(key, [row({ external_id: 'T-2002' }, d(1))]);
      expect(codes(amb)).toEqual(['rows[0].external_id:ambiguous_account']);
    } finally {
      await db().exec0(sql`update tenant set settings = settings - 'success' where id = ${t.tenantId}`);
    }
  });
});

describe('POST /api/v1/usage/import', () => {
  it('reads a CSV with module:<key> columns, JSON quotas and separated department heads', async () => {
    const csv = [
      'external_id,date,purchased_seats,activated_seats,logged_in_users_7d,bi_users_7d,module:account,module:contract,quotas,admin_user,department_heads',
      `${CODE_A},${d(30)},50,40,30,10,5,2,"{""users"":{""used"":40,""limit"":50}}",zhao.lei,"li.na; wang.fang"`,
      ',,,,,,,,,,',
      `${CODE_B},${d(30).replace(/-/g, '/')},20,20,18,0,0,,,,`,
    ].join('\n');
    const res = await upload(admin, 'usage.csv', csv);
    const body = conformsTo<{ data: Result }>(built.app, 'POST', '/api/v1/usage/import', res, 200);
    expect(body.data).toEqual({ received: 2, inserted: 2, replaced: 0 });
    expect((await stored(acc.A)).find((r) => r.date === d(30))).toMatchObject({
      purchased_seats: 50,
      activated_seats: 40,
      module_records: { account: 5, contract: 2 },
      quotas: { users: { used: 40, limit: 50 } },
      admin_user: 'zhao.lei',
      department_heads: ['li.na', 'wang.fang'],
    });
    // an empty module cell is no entry; a 0 is kept
    expect((await stored(acc.B)).find((r) => r.date === d(30))).toMatchObject({
      module_records: { account: 0 },
      quotas: null,
      department_heads: null,
    });
  });

  it('names the spreadsheet row (row 2 = first data row) and the bad header, writing nothing', async () => {
    const before = await countRows();
    const head =
      'account_id,date,purchased_seats,activated_seats,logged_in_users_7d,bi_users_7d,module_records';
    const bad = await upload(
      admin,
      'usage.csv',
      [
        head,
        `${acc.A},${d(40)},10,10,5,1,"{""account"": 1}"`,
        `${acc.A},${d(41)},10,-3,5,1,`,
        `0190f1c2-0000-7000-8000-000000000009,${d(40)},10,10,5,1,`,
        `${acc.B},${d(40)},10,10,5,1,{not json`,
      ].join('\n'),
    );
    expect(bad.statusCode, bad.body).toBe(422);
    expect(codes(bad)).toEqual([
      'rows[3].activated_seats:too_small',
      'rows[4].account_id:unknown_customer',
      'rows[5].module_records:invalid_value',
    ]);
    const cols = await upload(admin, 'usage.csv', 'account_id,date,seats,module:Bad-Key\nx,y,z,w\n');
    expect(codes(cols)).toEqual([
      'columns.seats:unknown_field',
      'columns.module:Bad-Key:invalid_value',
      'columns.purchased_seats:required',
      'columns.activated_seats:required',
      'columns.logged_in_users_7d:required',
      'columns.bi_users_7d:required',
    ]);
    expect(codes(await upload(admin, 'usage.txt', 'x'))).toEqual(['file:invalid_value']);
    expect(codes(await upload(admin, 'usage.csv', `${head}\n`))).toEqual(['file:required']);
    expect(await countRows()).toBe(before);
  });

  it('reads an XLSX file (date cells, number cells)', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('usage');
    ws.addRow([
      'account_id',
      'date',
      'purchased_seats',
      'activated_seats',
      'logged_in_users_7d',
      'bi_users_7d',
      'module:quote',
      'department_heads',
    ]);
    ws.addRow([acc.C, new Date(`${d(50)}T00:00:00Z`), 30, 25, 20, 6, 4, '周杰，吴敏']);
    ws.addRow([acc.C, d(51), 30, 24, 19, 5, 0, '']);
    const buf = Buffer.from(await wb.xlsx.writeBuffer());
    const res = await upload(admin, 'usage.xlsx', buf);
    expect(json<{ data: Result }>(res).data).toEqual({ received: 2, inserted: 2, replaced: 0 });
    const c = (await stored(acc.C)).filter((r) => r.date === d(50) || r.date === d(51));
    expect(c).toMatchObject([
      { date: d(51), activated_seats: 24, module_records: { quote: 0 }, department_heads: null },
      {
        date: d(50),
        activated_seats: 25,
        bi_users_7d: 6,
        module_records: { quote: 4 },
        department_heads: ['周杰', '吴敏'],
      },
    ]);
    // a bad XLSX row is named by its sheet row
    ws.addRow([acc.C, d(52), 30, 'many', 19, 5, 0, '']);
    const bad = await upload(admin, 'usage.xlsx', Buffer.from(await wb.xlsx.writeBuffer()));
    expect(codes(bad)).toEqual(['rows[4].activated_seats:expected_type']);
  });
});

describe('permissions', () => {
  it('refuses callers who may not update accounts (read-only users and keys)', async () => {
    const ro = await userWithRole(admin, 'read_only');
    const k = await admin.post('/api/v1/admin/api-keys', { name: 'ro', role: 'read_only' });
    const roKey = apiKeyClient(built.app, json<{ data: { key: string } }>(k).data.key);
    const rows = [row({ account_id: acc.A as string }, d(1))];
    for (const c of [ro, roKey]) {
      const r = await push(c, rows);
      expect(r.statusCode, r.body).toBe(403);
      expect((await upload(c, 'usage.csv', 'account_id\n')).statusCode).toBe(403);
    }
    // reading is fine for them
    expect((await ro.get(`/api/v1/accounts/${acc.A}/usage`)).statusCode).toBe(200);
  });

  it('lets a rep push only for accounts in their scope; a CSM for the customers they serve', async () => {
    const rep = await userWithRole(admin, 'sales_rep');
    const mine = await account('销售自己的客户', rep);
    const ok = await push(rep, [row({ account_id: mine }, d(1))]);
    expect(json<{ data: Result }>(ok).data).toEqual({ received: 1, inserted: 1, replaced: 0 });
    // the admin's account exists but is outside the rep's scope: the same answer as a made-up id
    const other = await push(rep, [
      row({ account_id: mine }, d(2)),
      row({ account_id: acc.A as string }, d(2)),
    ]);
    expect(codes(other)).toEqual(['rows[1].account_id:unknown_customer']);
    expect((await stored(mine)).map((r) => r.date)).toEqual([d(1)]);
    expect((await rep.get(`/api/v1/accounts/${acc.A}/usage`)).statusCode).toBe(404);

    const csm = await userWithRole(admin, 'csm');
    const served = await account('客户成功服务的客户', admin, { csm_id: csm.userId });
    expect(json<{ data: Result }>(await push(csm, [row({ account_id: served }, d(1))])).data).toMatchObject({
      inserted: 1,
    });
    expect(codes(await push(csm, [row({ account_id: mine }, d(1))]))).toEqual([
      'rows[0].account_id:unknown_customer',
    ]);
  });
});

describe('GET /api/v1/accounts/{id}/usage', () => {
  it('returns the days of the last 90 days by default, or of a range', async () => {
    const id = await account('趋势客户');
    await push(
      key,
      [89, 90, 0, 5].map((n) => row({ account_id: id }, d(n), { activated_seats: n })),
    );
    const res = await admin.get(`/api/v1/accounts/${id}/usage`);
    const body = conformsTo<{ data: { account_id: string; from: string; to: string; rows: Day[] } }>(
      built.app,
      'GET',
      '/api/v1/accounts/:id/usage',
      res,
      200,
    );
    expect(body.data).toMatchObject({ account_id: id, from: d(89), to: today });
    expect(body.data.rows.map((r) => [r.date, r.activated_seats])).toEqual([
      [d(89), 89],
      [d(5), 5],
      [today, 0],
    ]);
    const range = json<{ data: { rows: Day[] } }>(
      await admin.get(`/api/v1/accounts/${id}/usage?from=${d(90)}&to=${d(5)}`),
    );
    expect(range.data.rows.map((r) => r.date)).toEqual([d(90), d(89), d(5)]);
  });

  it('refuses bad parameters and unknown accounts', async () => {
    const base = `/api/v1/accounts/${acc.A}/usage`;
    expect(codes(await admin.get(`${base}?from=2026-13-01`))).toEqual(['from:invalid_date']);
    expect(codes(await admin.get(`${base}?to=0001-01-05`))).toEqual(['to:invalid_date']);
    expect(codes(await admin.get(`${base}?from=${d(1)}&to=${d(2)}`))).toEqual(['to:before_from']);
    expect(codes(await admin.get(`${base}?from=2020-01-01&to=2024-01-01`))).toEqual(['to:range_too_long']);
    expect(codes(await admin.get('/api/v1/accounts/nope/usage'))).toEqual(['id:invalid_value']);
    const missing = await admin.get('/api/v1/accounts/0190f1c2-0000-7000-8000-000000000001/usage');
    conformsTo(built.app, 'GET', '/api/v1/accounts/:id/usage', missing, 404);
  });
});

describe('OpenAPI', () => {
  it('documents the usage endpoints and their request and response shapes', async () => {
    const doc = json<{
      paths: Record<string, Record<string, { responses?: Record<string, unknown>; requestBody?: unknown }>>;
      components: { schemas: Record<string, unknown> };
    }>(await admin.get('/api/openapi.json'));
    expect(doc.paths['/api/v1/usage']?.post?.responses?.['200']).toBeDefined();
    expect(doc.paths['/api/v1/usage']?.post?.requestBody).toBeDefined();
    expect(doc.paths['/api/v1/usage/import']?.post?.responses?.['200']).toBeDefined();
    expect(doc.paths['/api/v1/accounts/{id}/usage']?.get?.responses?.['200']).toBeDefined();
    for (const name of ['UsageIngestResult', 'AccountUsage'])
      expect(doc.components.schemas[name], name).toBeDefined();
  });
});
