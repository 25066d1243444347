import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import type { BuiltApp } from '../src/app.ts';
import { TenantDb } from '../src/platform/db/tenant-db.ts';
import { json, login, newTenant, testApp, type Client } from './harness.ts';

/** Global tables: not tenant data (documented in docs/SCALING.md). */
const GLOBAL_TABLES = ['tenant', 'schema_migration'];

let built: BuiltApp;

beforeAll(async () => {
  built = await testApp();
});
afterAll(async () => built.close());

describe('tenant-key rule (catalog)', () => {
  it('every table has tenant_id in its primary key, unique constraints and foreign keys', async () => {
    const db = built.platform.db.kysely;
    const tables = (
      await sql<{
        table_name: string;
      }>`select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'`.execute(
        db,
      )
    ).rows.map((r) => r.table_name);
    expect(tables.length).toBeGreaterThan(10);
    const problems: string[] = [];
    for (const t of tables.filter((x) => !GLOBAL_TABLES.includes(x))) {
      const col = await sql<{
        is_nullable: string;
      }>`select is_nullable from information_schema.columns where table_schema = 'public' and table_name = ${t} and column_name = 'tenant_id'`.execute(
        db,
      );
      if (col.rows[0]?.is_nullable !== 'NO') problems.push(`${t}: no NOT NULL tenant_id`);
      // primary key and every unique index must include tenant_id
      const idx = await sql<{ name: string; primary: boolean; cols: string[] }>`
        select i.relname as name, x.indisprimary as primary,
               array(select a.attname from unnest(x.indkey) with ordinality as k(n, ord) join pg_attribute a on a.attrelid = x.indrelid and a.attnum = k.n order by k.ord)::text[] as cols
        from pg_index x join pg_class c on c.oid = x.indrelid join pg_class i on i.oid = x.indexrelid
        where c.relname = ${t} and c.relnamespace = 'public'::regnamespace and x.indisunique`.execute(db);
      if (!idx.rows.some((r) => r.primary)) problems.push(`${t}: no primary key`);
      for (const r of idx.rows)
        if (!r.cols.includes('tenant_id')) problems.push(`${t}: unique index ${r.name} lacks tenant_id`);
      const pk = idx.rows.find((r) => r.primary);
      if (pk && pk.cols[0] !== 'tenant_id') problems.push(`${t}: primary key does not start with tenant_id`);
      const fks = await sql<{ name: string; cols: string[] }>`
        select con.conname as name, array(select a.attname from unnest(con.conkey) with ordinality as k(n, ord) join pg_attribute a on a.attrelid = con.conrelid and a.attnum = k.n order by k.ord)::text[] as cols
        from pg_constraint con join pg_class c on c.oid = con.conrelid
        where c.relname = ${t} and c.relnamespace = 'public'::regnamespace and con.contype = 'f'`.execute(db);
      for (const f of fks.rows)
        if (!f.cols.includes('tenant_id')) problems.push(`${t}: foreign key ${f.name} lacks tenant_id`);
    }
    expect(problems).toEqual([]);
  });

  it('the data-access helper refuses to exist without a tenant', () => {
    expect(() => TenantDb.for(built.platform.db, '')).toThrow();
    expect(() => TenantDb.for(built.platform.db, 'acme')).toThrow();
  });
});

describe('isolation between tenants', () => {
  let a: Client;
  let b: Client;
  let secretAccount: string;
  const SECRET = '绝密客户甲有限公司';

  beforeAll(async () => {
    const ta = await newTenant(built);
    const tb = await newTenant(built);
    a = await login(built.app, ta.adminEmail);
    b = await login(built.app, tb.adminEmail);
    const acc = await a.post('/api/v1/objects/account', { name: SECRET, credit_code: '91110000AECRET0000' });
    secretAccount = json<{ data: { id: string } }>(acc).data.id;
  });

  it('every endpoint answers 404 for the other tenant’s ids and leaks nothing', async () => {
    const aUsers = json<{ data: { id: string }[] }>(await a.get('/api/v1/admin/users')).data;
    const aUser = aUsers[0]?.id ?? '';
    const aDept = json<{ data: { id: string }[] }>(await a.get('/api/v1/departments')).data[0]?.id ?? '';
    const aRole = json<{ data: { id: string }[] }>(await a.get('/api/v1/admin/roles')).data[0]?.id ?? '';
    const aKey = json<{ data: { id: string } }>(
      await a.post('/api/v1/admin/api-keys', { name: 'k', role: 'admin' }),
    ).data.id;
    const aHook = json<{ data: { id: string } }>(
      await a.post('/api/v1/admin/webhooks', { url: 'http://127.0.0.1:9/x', event_types: ['*'] }),
    ).data.id;
    await a.delete(`/api/v1/objects/account/${secretAccount}`);
    const calls: Array<[string, Promise<{ statusCode: number; body: string }>]> = [
      ['get record', b.get(`/api/v1/objects/account/${secretAccount}`)],
      ['patch record', b.patch(`/api/v1/objects/account/${secretAccount}`, { city: 'x' })],
      ['delete record', b.delete(`/api/v1/objects/account/${secretAccount}`)],
      ['restore record', b.post(`/api/v1/objects/account/${secretAccount}/restore`)],
      ['audit', b.get(`/api/v1/audit?object=account&id=${secretAccount}`)],
      ['patch user', b.patch(`/api/v1/admin/users/${aUser}`, { name: 'x' })],
      ['unlock user', b.post(`/api/v1/admin/users/${aUser}/unlock`)],
      ['patch department', b.patch(`/api/v1/admin/departments/${aDept}`, { name: 'x' })],
      ['patch role', b.patch(`/api/v1/admin/roles/${aRole}`, { name: { 'zh-CN': 'x', 'en-US': 'x' } })],
      ['revoke key', b.delete(`/api/v1/admin/api-keys/${aKey}`)],
      ['patch webhook', b.patch(`/api/v1/admin/webhooks/${aHook}`, { active: false })],
      ['webhook deliveries', b.get(`/api/v1/admin/webhooks/${aHook}/deliveries`)],
      ['import', b.get(`/api/v1/imports/${secretAccount}`)],
      ['notification', b.post(`/api/v1/notifications/${secretAccount}/read`)],
    ];
    for (const [name, p] of calls) {
      const res = await p;
      expect(res.statusCode, name).toBe(404);
      expect(res.body, name).not.toContain(SECRET);
    }
    // restoring in A still works: B's calls changed nothing
    expect((await a.post(`/api/v1/objects/account/${secretAccount}/restore`)).statusCode).toBe(200);
  });

  it('lists, counts, searches, lookups and unique checks never cross tenants', async () => {
    const list = await b.get(`/api/v1/objects/account?count=true&q=${encodeURIComponent('绝密')}`);
    expect(json<{ total: number }>(list).total).toBe(0);
    expect(list.body).not.toContain(SECRET);
    const byId = await b.get(`/api/v1/objects/account?filter[id][eq]=${secretAccount}&count=true`);
    expect(json<{ total: number }>(byId).total).toBe(0);
    const ref = await b.post('/api/v1/objects/contact', { name: '间谍', account_id: secretAccount });
    expect(ref.statusCode).toBe(422);
    expect(ref.body).not.toContain(SECRET);
    // the same credit code may exist in another tenant
    expect(
      (await b.post('/api/v1/objects/account', { name: 'B 的客户', credit_code: '91110000AECRET0000' }))
        .statusCode,
    ).toBe(201);
    const audit = await b.get('/api/v1/audit?object=account');
    expect(audit.body).not.toContain(SECRET);
  });
});

describe('default roles follow new modules', () => {
  it('grants objects added after a tenant was created to its default roles, keeping admin edits', async () => {
    const { createTenant, syncDefaultRolePermissions } =
      await import('../src/platform/identity/tenants.service.ts');
    const slug = `old-${Date.now().toString(36)}`;
    const t = await createTenant(
      built.platform.db,
      { slug, name: 'Old tenant', adminEmail: `a@${slug}.test`, adminPassword: 'Correct-Horse-42' },
      ['account'],
    );
    const admin = await login(built.app, `a@${slug}.test`);
    const roles = json<{
      data: {
        id: string;
        key: string;
        permissions: { objects: Record<string, { read: boolean; scope: string }> };
      }[];
    }>(await admin.get('/api/v1/admin/roles')).data;
    const rep = roles.find((r) => r.key === 'sales_rep');
    expect(Object.keys(rep?.permissions.objects ?? {})).toEqual(['account']);
    // an admin narrows account access; the sync must not undo it
    await admin.patch(`/api/v1/admin/roles/${rep?.id}`, {
      permissions: { objects: { account: { read: true, scope: 'own' } } },
    });
    expect(
      await syncDefaultRolePermissions(built.platform.db, ['account', 'contact']),
    ).toBeGreaterThanOrEqual(3);
    const after = json<{
      data: { key: string; permissions: { objects: Record<string, { create: boolean; read: boolean }> } }[];
    }>(await admin.get('/api/v1/admin/roles')).data.find((r) => r.key === 'sales_rep');
    expect(after?.permissions.objects.contact).toMatchObject({ create: true, read: true });
    expect(after?.permissions.objects.account).toMatchObject({ create: false, read: true });
    void t;
  });
});
