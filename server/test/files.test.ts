// Attachments (platform/files): access follows the record, bytes come back exactly, names are
// cleaned, size is limited, removal is audited.
import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import type { BuiltApp } from '../src/app.ts';
import { cleanFileName, MAX_ATTACHMENT_BYTES } from '../src/platform/files/files.service.ts';
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
type Att = Rec & { file_name: string; size_bytes: number; sha256: string };

let built: BuiltApp;
let t: TestTenant;
let admin: Client;
let rep: Client;
let rep2: Client;
let readOnly: Client;
let contractId: string;

function upload(
  c: Client,
  url: string,
  fileName: string,
  content: Buffer,
  type = 'application/pdf',
): Promise<LightMyRequestResponse> {
  const boundary = `----flywheel${crypto.randomBytes(6).toString('hex')}`;
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\nContent-Type: ${type}\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return built.app.inject({
    method: 'POST',
    url,
    headers: { ...c.headers, 'content-type': `multipart/form-data; boundary=${boundary}` },
    payload: Buffer.concat([head, content, tail]),
  });
}

beforeAll(async () => {
  built = await testApp();
  t = await newTenant(built);
  admin = await login(built.app, t.adminEmail);
  rep = await userWithRole(admin, 'sales_rep');
  rep2 = await userWithRole(admin, 'sales_rep');
  readOnly = await userWithRole(admin, 'read_only');
  const account = json<{ data: Rec }>(
    await rep.post('/api/v1/objects/account', { name: '合肥启明星科技有限公司' }),
  ).data.id;
  contractId = json<{ data: Rec }>(
    await rep.post('/api/v1/objects/contract', { name: '年度合同', account_id: account }),
  ).data.id;
}, 60_000);
afterAll(async () => built?.close());

describe('attachments', () => {
  it('stores a file on a record and gives back the same bytes with its Chinese name', async () => {
    const bytes = crypto.randomBytes(50_000);
    const url = `/api/v1/objects/contract/${contractId}/attachments`;
    const r = await upload(rep, url, '盖章合同扫描件.pdf', bytes);
    const att = conformsTo<{ data: Att }>(
      built.app,
      'POST',
      '/api/v1/objects/:object/:id/attachments',
      r,
      201,
    ).data;
    expect(att).toMatchObject({
      file_name: '盖章合同扫描件.pdf',
      content_type: 'application/pdf',
      size_bytes: 50_000,
      sha256: crypto.createHash('sha256').update(bytes).digest('hex'),
      created_by: rep.userId,
    });
    const list = conformsTo<{ data: Att[] }>(
      built.app,
      'GET',
      '/api/v1/objects/:object/:id/attachments',
      await rep.get(url),
      200,
    ).data;
    expect(list.map((a) => a.id)).toEqual([att.id]);
    const dl = await rep.get(`/api/v1/attachments/${att.id}`);
    expect(dl.statusCode).toBe(200);
    expect(dl.rawPayload.equals(bytes)).toBe(true);
    expect(dl.headers['content-disposition']).toContain(
      `filename*=UTF-8''${encodeURIComponent('盖章合同扫描件.pdf')}`,
    );
    // an admin (scope all) reads it; the read-only role reads but cannot attach
    expect((await admin.get(`/api/v1/attachments/${att.id}`)).statusCode).toBe(200);
    expect((await readOnly.get(`/api/v1/attachments/${att.id}`)).statusCode).toBe(200);
    expect((await upload(readOnly, url, 'x.pdf', Buffer.from('x'))).statusCode).toBe(403);
  });

  it("hides another rep's record's files and refuses bad uploads, writing nothing", async () => {
    const url = `/api/v1/objects/contract/${contractId}/attachments`;
    const att = json<{ data: Att }>(await upload(rep, url, 'a.txt', Buffer.from('hello'), 'text/plain')).data;
    expect((await rep2.get(url)).statusCode).toBe(404);
    expect((await rep2.get(`/api/v1/attachments/${att.id}`)).statusCode).toBe(404);
    expect((await rep2.delete(`/api/v1/attachments/${att.id}`)).statusCode).toBe(404);
    expect((await upload(rep2, url, 'b.txt', Buffer.from('x'))).statusCode).toBe(404);
    expect(
      (await upload(rep, `/api/v1/objects/contract/not-a-uuid/attachments`, 'b.txt', Buffer.from('x')))
        .statusCode,
    ).toBe(404);
    expect(
      (await upload(rep, `/api/v1/objects/nosuch/${contractId}/attachments`, 'b.txt', Buffer.from('x')))
        .statusCode,
    ).toBe(404);
    const empty = await upload(rep, url, 'empty.txt', Buffer.alloc(0));
    expect(empty.statusCode).toBe(422);
    const big = await upload(rep, url, 'big.bin', Buffer.alloc(MAX_ATTACHMENT_BYTES + 1));
    expect(big.statusCode).toBe(413);
    const names = json<{ data: Att[] }>(await rep.get(url)).data.map((a) => a.file_name);
    expect(names).not.toContain('empty.txt');
    expect(names).not.toContain('big.bin');
  });

  it('lets the uploader remove a file; it is gone from the list and the download', async () => {
    const url = `/api/v1/objects/contract/${contractId}/attachments`;
    const att = json<{ data: Att }>(await upload(rep, url, '../../etc/passwd', Buffer.from('x'))).data;
    expect(att.file_name).toBe('passwd');
    expect((await rep.delete(`/api/v1/attachments/${att.id}`)).statusCode).toBe(204);
    expect((await rep.get(`/api/v1/attachments/${att.id}`)).statusCode).toBe(404);
    expect(json<{ data: Att[] }>(await rep.get(url)).data.map((a) => a.id)).not.toContain(att.id);
  });

  it('cleans file names', () => {
    expect(cleanFileName('C:\\\\Users\\\\张三\\\\报价单.xlsx')).toBe('报价单.xlsx');
    expect(cleanFileName('a\u0000b\u001f.pdf')).toBe('ab.pdf');
    expect(cleanFileName('   ')).toBe('file');
  });
});
