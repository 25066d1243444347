import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import type { LightMyRequestResponse } from 'fastify';
import type { BuiltApp } from '../src/app.ts';
import { json, login, newTenant, testApp, userWithRole, type Client } from './harness.ts';

type Rec = Record<string, unknown> & { id: string };
type Job = {
  id: string;
  status: string;
  headers: string[];
  mapping: Record<string, string>;
  total_rows: number;
  processed_rows: number;
  created_rows: number;
  updated_rows: number;
  skipped_rows: number;
  failed_rows: number;
  errors: { row: number; field: string; column: string; issue: string }[];
  has_failed_file: boolean;
};

let built: BuiltApp;
let admin: Client;

beforeAll(async () => {
  built = await testApp();
  const t = await newTenant(built);
  admin = await login(built.app, t.adminEmail);
});
afterAll(async () => built.close());

async function upload(
  c: Client,
  object: string,
  fileName: string,
  content: Buffer,
): Promise<LightMyRequestResponse> {
  const boundary = '----flywheel' + Date.now();
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const headers = c.headers;
  return built.app.inject({
    method: 'POST',
    url: `/api/v1/objects/${object}/imports`,
    headers: { ...headers, 'content-type': `multipart/form-data; boundary=${boundary}` },
    payload: Buffer.concat([head, content, tail]),
  });
}

async function runImport(jobId: string): Promise<Job> {
  const start = await admin.post(`/api/v1/imports/${jobId}/run`);
  expect(start.statusCode, start.body).toBe(202);
  for (let i = 0; i < 200; i++) {
    const j = json<{ data: Job }>(await admin.get(`/api/v1/imports/${jobId}`)).data;
    if (j.status !== 'running') return j;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('import did not finish');
}

describe('import', () => {
  it('maps Chinese headers automatically, dry-runs with a per-row report, imports good rows and returns failed rows', async () => {
    const csv = [
      '客户名称,省份,年营业额,企业规模,员工人数,忽略列',
      'IO-甲公司,浙江省,"1,234.56",50-199人,120,x',
      'IO-乙公司,江苏省,abc,巨大,12,x',
      ',上海市,5,,3,x',
      'IO-丙公司,广东省,0.5,,7,x',
    ].join('\n');
    const up = await upload(admin, 'account', '客户.csv', Buffer.from(csv, 'utf8'));
    expect(up.statusCode, up.body).toBe(201);
    const job = json<{ data: Job }>(up).data;
    expect(job.headers).toEqual(['客户名称', '省份', '年营业额', '企业规模', '员工人数', '忽略列']);
    expect(job.mapping).toEqual({
      客户名称: 'name',
      省份: 'province',
      年营业额: 'annual_revenue',
      企业规模: 'size',
      员工人数: 'employees',
    });
    const conf = await admin.patch(`/api/v1/imports/${job.id}`, { policy: 'create' });
    expect(conf.statusCode, conf.body).toBe(200);

    const dry = json<{ data: Job }>(await admin.post(`/api/v1/imports/${job.id}/dry-run`)).data;
    expect(dry).toMatchObject({ status: 'validated', total_rows: 4, created_rows: 2, failed_rows: 2 });
    expect(dry.errors.map((e) => [e.row, e.column])).toEqual([
      [3, '年营业额'],
      [3, '企业规模'],
      [4, '客户名称'],
    ]);
    expect(
      json<{ data: Rec[] }>(await admin.get('/api/v1/objects/account?filter[name][starts_with]=IO-')).data,
    ).toHaveLength(0);

    const done = await runImport(job.id);
    expect(done).toMatchObject({
      status: 'completed',
      processed_rows: 4,
      created_rows: 2,
      failed_rows: 2,
      has_failed_file: true,
    });
    const rows = json<{ data: Rec[] }>(
      await admin.get('/api/v1/objects/account?filter[name][starts_with]=IO-&sort=name'),
    ).data;
    expect(rows.map((r) => [r.name, r.annual_revenue, r.size])).toEqual([
      ['IO-丙公司', { amount: 50, currency: 'CNY' }, null],
      ['IO-甲公司', { amount: 123456, currency: 'CNY' }, '50-199'],
    ]);
    const failed = await admin.get(`/api/v1/imports/${job.id}/failed-rows`);
    expect(failed.statusCode).toBe(200);
    const lines = failed.body
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toContain('错误原因');
    expect(lines[1]).toContain('IO-乙公司');
    expect(lines[1]).toContain('企业规模');
    const audit = json<{ data: { action: string }[] }>(await admin.get('/api/v1/audit?object=account')).data;
    expect(audit.some((a) => a.action === 'import')).toBe(true);
  });

  it('reads GBK-encoded CSV (as saved by Chinese Excel) and updates existing records by a unique field', async () => {
    await admin.post('/api/v1/objects/account', { name: 'GBK-旧名', credit_code: '91330000GBK0000019' });
    const text =
      '客户名称,统一社会信用代码,城市\r\nGBK-新名,91330000GBK0000019,杭州市\r\nGBK-新客户,91330000GBK000002C,宁波市\r\n';
    const gbk = Buffer.from(new TextEncoder().encode('')); // placeholder to keep types simple
    void gbk;
    const { default: iconvLite } = await import('./gbk-encode.ts');
    const up = await upload(admin, 'account', 'gbk.csv', iconvLite(text));
    expect(up.statusCode, up.body).toBe(201);
    const job = json<{ data: Job }>(up).data;
    expect(job.headers).toEqual(['客户名称', '统一社会信用代码', '城市']);
    const bad = await admin.patch(`/api/v1/imports/${job.id}`, { policy: 'update', match_field: 'city' });
    expect(bad.statusCode).toBe(422);
    expect(
      (await admin.patch(`/api/v1/imports/${job.id}`, { policy: 'update', match_field: 'credit_code' }))
        .statusCode,
    ).toBe(200);
    const done = await runImport(job.id);
    expect(done.errors).toEqual([]);
    expect(done).toMatchObject({ status: 'completed', created_rows: 1, updated_rows: 1, failed_rows: 0 });
    const rows = json<{ data: Rec[] }>(
      await admin.get('/api/v1/objects/account?filter[name][starts_with]=GBK-&sort=name'),
    ).data;
    expect(rows.map((r) => [r.name, r.city])).toEqual([
      ['GBK-新名', '杭州市'],
      ['GBK-新客户', '宁波市'],
    ]);
  });

  it('imports XLSX and refuses users without import permission or unknown files', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('客户');
    ws.addRow(['Account name', 'City', 'Employees']);
    ws.addRow(['XLSX-One', '成都市', 10]);
    ws.addRow(['XLSX-Two', '武汉市', 20]);
    const buf = Buffer.from(await wb.xlsx.writeBuffer());
    const up = await upload(admin, 'account', 'accounts.xlsx', buf);
    expect(up.statusCode, up.body).toBe(201);
    const job = json<{ data: Job }>(up).data;
    expect(job.mapping).toEqual({ 'Account name': 'name', City: 'city', Employees: 'employees' });
    await admin.patch(`/api/v1/imports/${job.id}`, { policy: 'create' });
    expect(await runImport(job.id)).toMatchObject({ status: 'completed', created_rows: 2 });
    expect((await upload(admin, 'account', 'notes.txt', Buffer.from('hello'))).statusCode).toBe(422);
    const rep = await userWithRole(admin, 'sales_rep');
    expect((await upload(rep, 'account', 'a.csv', Buffer.from('name\nx'))).statusCode).toBe(403);
  });
});

describe('export', () => {
  it('exports the filtered, sorted list as CSV and XLSX with localised headers and major-unit money', async () => {
    await admin.post('/api/v1/objects/account/bulk', {
      action: 'create',
      records: [
        {
          name: 'EX-1',
          annual_revenue: { amount: 100_050, currency: 'CNY' },
          tags: ['key', 'smb'],
          employees: 5,
        },
        { name: 'EX-2', employees: 50 },
        { name: 'OTHER' },
      ],
    });
    const csv = await admin.get(
      '/api/v1/objects/account/export?format=csv&filter[name][starts_with]=EX-&sort=-employees&fields=name,annual_revenue,tags',
      { 'accept-language': 'en-US' },
    );
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    const lines = csv.body
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\n');
    expect(lines).toEqual([
      'ID,Account name,Tags,Annual revenue',
      expect.stringMatching(/,EX-2,,$/),
      expect.stringMatching(/,EX-1,key;smb,1000.50$/),
    ]);
    const xlsx = await admin.get(
      '/api/v1/objects/account/export?format=xlsx&filter[name][starts_with]=EX-&sort=name',
    );
    expect(xlsx.statusCode).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(new Uint8Array(xlsx.rawPayload).buffer);
    const sheet = wb.worksheets[0];
    expect(sheet?.getRow(1).getCell(2).value).toBe('客户名称');
    expect(sheet?.rowCount).toBe(3);
    expect((await admin.get('/api/v1/objects/account/export?format=pdf')).statusCode).toBe(400);
    expect((await admin.get('/api/v1/objects/account/export?filter[nope][eq]=1')).statusCode).toBe(400);
  });
});

describe('import robustness', () => {
  it('refuses to run a match policy without a match field, and matches by id', async () => {
    const acc = json<{ data: Rec }>(await admin.post('/api/v1/objects/account', { name: 'ID-match' })).data;
    const job = json<{ data: Job }>(
      await upload(admin, 'account', 'ids.csv', Buffer.from(`ID,City\n${acc.id},厦门市\n`)),
    ).data;
    expect(job.mapping).toEqual({ ID: 'id', City: 'city' });
    expect(
      (await admin.patch(`/api/v1/imports/${job.id}`, { policy: 'skip', match_field: null })).statusCode,
    ).toBe(422);
    expect(
      (await admin.patch(`/api/v1/imports/${job.id}`, { policy: 'update', match_field: 'id' })).statusCode,
    ).toBe(200);
    const done = await runImport(job.id);
    expect(done).toMatchObject({ updated_rows: 1, created_rows: 0 });
    expect(json<{ data: Rec }>(await admin.get(`/api/v1/objects/account/${acc.id}`)).data.city).toBe(
      '厦门市',
    );
  });

  it('resumes an interrupted import after its last committed chunk', async () => {
    const lines = ['客户名称,城市'];
    for (let i = 0; i < 2500; i++) lines.push(`RES-${String(i).padStart(4, '0')},上海市`);
    const job = json<{ data: Job }>(
      await upload(admin, 'account', 'resume.csv', Buffer.from(lines.join('\n'))),
    ).data;
    await admin.patch(`/api/v1/imports/${job.id}`, { policy: 'create' });
    // Simulate a process that committed the first chunk (1,000 rows) and died.
    const { sql } = await import('kysely');
    const { TenantDb } = await import('../src/platform/db/tenant-db.ts');
    const actorId = admin.userId ?? '';
    const me = json<{ data: { tenant: { id: string } } }>(await admin.get('/api/v1/me')).data.tenant.id;
    const { loadActor } = await import('../src/platform/identity/actor.ts');
    const actor = await loadActor(built.platform.db, me, { userId: actorId });
    if (!actor) throw new Error('actor');
    await built.platform.records.createMany(
      actor,
      'account',
      lines.slice(1, 1001).map((l) => ({ name: l.split(',')[0], city: '上海市' })),
    );
    await TenantDb.for(built.platform.db, me).exec0(
      sql`update import_job set status = 'running', processed_rows = 1000, created_rows = 1000, heartbeat_at = now() - interval '5 minutes' where tenant_id = ${me} and id = ${job.id}`,
    );
    expect(
      await built.platform.imports.resumeStale((t, u) => loadActor(built.platform.db, t, { userId: u })),
    ).toBeGreaterThanOrEqual(1);
    const done = await built.platform.imports.waitFor(actor, job.id);
    expect(done).toMatchObject({
      status: 'completed',
      processed_rows: 2500,
      created_rows: 2500,
      failed_rows: 0,
    });
    const count = json<{ total: number }>(
      await admin.get('/api/v1/objects/account?filter[name][starts_with]=RES-&count=true&limit=1'),
    ).total;
    expect(count).toBe(2500);
    // a fresh heartbeat is not taken over
    expect(
      await built.platform.imports.resumeStale((t, u) => loadActor(built.platform.db, t, { userId: u })),
    ).toBe(0);
  });

  it('neutralises spreadsheet formulas on export and restores the text on import', async () => {
    await admin.post('/api/v1/objects/account', {
      name: '=HYPERLINK("http://evil")',
      phone: '+86 138 0000 0000',
    });
    const csv = await admin.get(
      '/api/v1/objects/account/export?format=csv&filter[name][starts_with]=' +
        encodeURIComponent('=HYPER') +
        '&fields=name,phone',
    );
    expect(csv.body).toContain(`"'=HYPERLINK(""http://evil"")"`);
    // account phones are stored in E.164 (accounts hook); a leading + is still neutralised
    expect(csv.body).toContain(`'+8613800000000`);
  });
});

describe('lead import', () => {
  it('merges repeat people into existing leads as touches, and repeats within the file into the first row', async () => {
    const existing = json<{ data: { lead_id: string } }>(
      await admin.post('/api/v1/leads/capture', {
        name: '老线索',
        mobile: '13600001111',
        company: '已有公司',
      }),
    ).data.lead_id;
    const csv = [
      'name,mobile,email,company,title',
      '老线索重复,136 0000 1111,,,采购经理',
      '新人甲,13600002222,jia@example.cn,甲公司,',
      '新人甲再来,,JIA@example.cn,,技术总监',
      '新人乙,13600003333,,乙公司,',
      '坏号码,12345,,,',
    ].join('\n');
    const up = await upload(admin, 'lead', 'leads.csv', Buffer.from(csv, 'utf8'));
    expect(up.statusCode, up.body).toBe(201);
    const job = json<{ data: Job }>(up).data;
    expect(job.mapping).toMatchObject({ name: 'name', mobile: 'mobile', email: 'email' });
    expect((await admin.patch(`/api/v1/imports/${job.id}`, { policy: 'create' })).statusCode).toBe(200);
    // a dry run reports the same counts and leaves nothing behind
    const dryRes = await admin.post(`/api/v1/imports/${job.id}/dry-run`);
    expect(dryRes.statusCode, dryRes.body).toBe(200);
    const dry = json<{ data: Job }>(dryRes).data;
    expect(dry).toMatchObject({ created_rows: 2, updated_rows: 2, failed_rows: 1 });
    expect(
      json<{ data: Rec[] }>(await admin.get('/api/v1/objects/lead?filter[email][eq]=jia@example.cn')).data,
    ).toHaveLength(0);
    const done = await runImport(job.id);
    expect(done).toMatchObject({ status: 'completed', created_rows: 2, updated_rows: 2, failed_rows: 1 });
    expect(done.errors).toEqual([
      expect.objectContaining({ row: 6, field: 'mobile', issue: expect.any(String) }),
    ]);

    const old = json<{ data: Rec }>(await admin.get(`/api/v1/objects/lead/${existing}`)).data;
    // empty fields filled, nothing overwritten, one more touch
    expect(old).toMatchObject({ name: '老线索', title: '采购经理', company: '已有公司', touch_count: 2 });
    const jia = json<{ data: Rec[] }>(
      await admin.get('/api/v1/objects/lead?filter[email][eq]=jia@example.cn'),
    ).data;
    expect(jia).toHaveLength(1);
    expect(jia[0]).toMatchObject({ name: '新人甲', title: '技术总监', touch_count: 2 });
    const touches = json<{ data: { touches: { channel: string }[] } }>(
      await admin.get(`/api/v1/leads/${existing}/timeline`),
    ).data.touches;
    expect(touches.map((t) => t.channel).sort()).toEqual(['api', 'import']);
  });
});
