import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BuiltApp } from '../src/app.ts';
import { json, login, newTenant, testApp, userWithRole, type Client } from './harness.ts';

type Rec = Record<string, unknown> & { id: string; version: number };
type ErrBody = { error: { code: string; details: { field: string; issue: string }[] } };
type ObjMeta = {
  api_name: string;
  fields: { api_name: string; type: string; is_custom: boolean; options?: unknown[] }[];
};

let built: BuiltApp;
let admin: Client;

beforeAll(async () => {
  built = await testApp();
  const t = await newTenant(built);
  admin = await login(built.app, t.adminEmail);
});
afterAll(async () => built.close());

describe('custom fields', () => {
  it('are defined by admins, appear in metadata, validate, filter, sort and audit like standard fields', async () => {
    const def = await admin.post('/api/v1/metadata/objects/account/fields', {
      api_name: 'tier__c',
      type: 'select',
      label: { 'zh-CN': '客户层级', 'en-US': 'Tier' },
      options: [
        { value: 'gold', label: { 'zh-CN': '金牌', 'en-US': 'Gold' } },
        { value: 'silver', label: { 'zh-CN': '银牌', 'en-US': 'Silver' } },
      ],
      indexed: true,
    });
    expect(def.statusCode, def.body).toBe(201);
    for (const f of [
      { api_name: 'seats__c', type: 'number', label: { 'en-US': 'Seats' }, min: 0 },
      { api_name: 'contract_value__c', type: 'currency', label: { 'zh-CN': '合同额' } },
      { api_name: 'signed_on__c', type: 'date', label: { 'en-US': 'Signed on' } },
      { api_name: 'erp_code__c', type: 'text', label: { 'en-US': 'ERP code' }, unique: true },
      {
        api_name: 'modules__c',
        type: 'multi_select',
        label: { 'en-US': 'Modules' },
        options: [
          { value: 'crm', label: { 'en-US': 'CRM' } },
          { value: 'bi', label: { 'en-US': 'BI' } },
        ],
      },
      { api_name: 'partner__c', type: 'lookup', lookup: 'account', label: { 'en-US': 'Partner' } },
      { api_name: 'vip__c', type: 'boolean', label: { 'en-US': 'VIP' }, default: false },
    ]) {
      const r = await admin.post('/api/v1/metadata/objects/account/fields', f);
      expect(r.statusCode, r.body).toBe(201);
    }
    const meta = json<{ data: ObjMeta }>(await admin.get('/api/v1/metadata/objects/account')).data;
    const tier = meta.fields.find((f) => f.api_name === 'tier__c');
    expect(tier).toMatchObject({ type: 'select', is_custom: true });
    expect(meta.fields.find((f) => f.api_name === 'contract_value__c')).toMatchObject({ type: 'currency' });

    const mk = async (body: Record<string, unknown>): Promise<Rec> => {
      const r = await admin.post('/api/v1/objects/account', body);
      expect(r.statusCode, r.body).toBe(201);
      return json<{ data: Rec }>(r).data;
    };
    const g = await mk({
      name: 'CF-金牌',
      tier__c: 'gold',
      seats__c: 120,
      contract_value__c: { amount: 5_000_00, currency: 'CNY' },
      signed_on__c: '2026-03-01',
      modules__c: ['crm', 'bi'],
      erp_code__c: 'ERP-1',
    });
    await mk({
      name: 'CF-银牌',
      tier__c: 'silver',
      seats__c: 30,
      signed_on__c: '2026-05-01',
      modules__c: ['crm'],
      partner__c: g.id,
    });
    await mk({ name: 'CF-无' });
    expect(g).toMatchObject({ tier__c: 'gold', seats__c: 120, vip__c: false, modules__c: ['crm', 'bi'] });

    const names = async (qs: string): Promise<string[]> => {
      const r = await admin.get(`/api/v1/objects/account?filter[name][starts_with]=CF-&${qs}`);
      expect(r.statusCode, r.body).toBe(200);
      return json<{ data: Rec[] }>(r).data.map((x) => String(x.name));
    };
    expect(await names('filter[tier__c][eq]=gold')).toEqual(['CF-金牌']);
    expect(await names('filter[seats__c][gt]=50')).toEqual(['CF-金牌']);
    expect(await names('filter[signed_on__c][gte]=2026-04-01')).toEqual(['CF-银牌']);
    expect(await names('filter[modules__c][contains]=bi')).toEqual(['CF-金牌']);
    expect(await names(`filter[partner__c][eq]=${g.id}`)).toEqual(['CF-银牌']);
    expect(await names('filter[contract_value__c][gte]=100')).toEqual(['CF-金牌']);
    expect(await names('filter[tier__c][is_null]=true')).toEqual(['CF-无']);
    // empty values last in both directions
    expect(await names('sort=-seats__c')).toEqual(['CF-金牌', 'CF-银牌', 'CF-无']);
    expect(await names('sort=seats__c')).toEqual(['CF-银牌', 'CF-金牌', 'CF-无']);

    const bad = await admin.post('/api/v1/objects/account', {
      name: 'CF-bad',
      tier__c: 'bronze',
      seats__c: -1,
      signed_on__c: '2026-02-30',
      erp_code__c: 'erp-1',
    });
    expect(bad.statusCode).toBe(422);
    expect(
      json<ErrBody>(bad)
        .error.details.map((d) => d.field)
        .sort(),
    ).toEqual(['erp_code__c', 'seats__c', 'signed_on__c', 'tier__c']);

    const upd = await admin.patch(`/api/v1/objects/account/${g.id}`, {
      tier__c: null,
      seats__c: 150,
      version: 1,
    });
    expect(upd.statusCode, upd.body).toBe(200);
    expect(json<{ data: Rec }>(upd).data).toMatchObject({ tier__c: null, seats__c: 150, version: 2 });
    const audit = json<{
      data: { action: string; changes: Record<string, { old: unknown; new: unknown }> }[];
    }>(await admin.get(`/api/v1/audit?object=account&id=${g.id}`)).data;
    expect(audit[0]?.changes).toEqual({
      tier__c: { old: 'gold', new: null },
      seats__c: { old: 120, new: 150 },
    });
  });

  it('rejects invalid definitions with field-level errors', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ api_name: 'no_suffix', type: 'text', label: { 'en-US': 'X' } }, 'api_name'],
      [{ api_name: 'x__c', type: 'colour', label: { 'en-US': 'X' } }, 'type'],
      [{ api_name: 'sel__c', type: 'select', label: { 'en-US': 'X' } }, 'options'],
      [{ api_name: 'lk__c', type: 'lookup', lookup: 'nope', label: { 'en-US': 'X' } }, 'lookup'],
      [{ api_name: 'n__c', type: 'number', label: { 'en-US': 'X' }, default: 'abc' }, 'default'],
    ];
    for (const [body, field] of cases) {
      const r = await admin.post('/api/v1/metadata/objects/account/fields', body);
      expect(r.statusCode, JSON.stringify(body)).toBeGreaterThanOrEqual(400);
      expect(r.statusCode).toBeLessThan(500);
      expect(json<ErrBody>(r).error.details[0]?.field, JSON.stringify(body)).toBe(field);
    }
    await admin.post('/api/v1/metadata/objects/account/fields', {
      api_name: 'dup__c',
      type: 'text',
      label: { 'en-US': 'X' },
    });
    const dup = await admin.post('/api/v1/metadata/objects/account/fields', {
      api_name: 'dup__c',
      type: 'text',
      label: { 'en-US': 'X' },
    });
    expect(dup.statusCode).toBe(422);
  });
});

describe('custom objects', () => {
  it('work end to end through the generic endpoints, with permissions granted by role', async () => {
    const r = await admin.post('/api/v1/metadata/objects', {
      api_name: 'project__c',
      label: { 'zh-CN': '实施项目', 'en-US': 'Project' },
    });
    expect(r.statusCode, r.body).toBe(201);
    await admin.post('/api/v1/metadata/objects/project__c/fields', {
      api_name: 'stage__c',
      type: 'select',
      label: { 'en-US': 'Stage' },
      required: true,
      options: [
        { value: 'kickoff', label: { 'en-US': 'Kick-off' } },
        { value: 'live', label: { 'en-US': 'Live' } },
      ],
    });
    await admin.post('/api/v1/metadata/objects/project__c/fields', {
      api_name: 'account__c',
      type: 'lookup',
      lookup: 'account',
      label: { 'en-US': 'Account' },
    });
    const acc = json<{ data: Rec }>(await admin.post('/api/v1/objects/account', { name: '项目客户' })).data;
    const p = await admin.post('/api/v1/objects/project__c', {
      name: '一期上线',
      stage__c: 'kickoff',
      account__c: acc.id,
    });
    expect(p.statusCode, p.body).toBe(201);
    const proj = json<{ data: Rec }>(p).data;
    expect((await admin.post('/api/v1/objects/project__c', { name: 'x' })).statusCode).toBe(422);
    const list = json<{ data: Rec[]; total: number }>(
      await admin.get('/api/v1/objects/project__c?count=true&expand=account__c'),
    );
    expect(list.total).toBe(1);
    expect((list.data[0]?._expand as Record<string, { name: string }>).account__c?.name).toBe('项目客户');
    expect(
      (await admin.patch(`/api/v1/objects/project__c/${proj.id}`, { stage__c: 'live' })).statusCode,
    ).toBe(200);
    // custom objects are not readable by other roles until an admin grants it
    const rep = await userWithRole(admin, 'sales_rep');
    expect((await rep.get('/api/v1/objects/project__c')).statusCode).toBe(403);
    // the same name in the accounts table is not mixed up with custom records
    expect(
      json<{ data: Rec[] }>(
        await admin.get('/api/v1/objects/account?filter[name][eq]=' + encodeURIComponent('一期上线')),
      ).data,
    ).toHaveLength(0);
    expect((await admin.delete(`/api/v1/objects/project__c/${proj.id}`)).statusCode).toBe(204);
    expect(
      json<{ data: Rec[] }>(await admin.get('/api/v1/objects/project__c?deleted=only')).data,
    ).toHaveLength(1);
  });
});

describe('custom fields across tenants', () => {
  it('the same api name may have different types in different tenants (indexes are per tenant)', async () => {
    const other = await newTenant(built);
    const otherAdmin = await login(built.app, other.adminEmail);
    expect(
      (
        await admin.post('/api/v1/metadata/objects/account/fields', {
          api_name: 'score__c',
          type: 'number',
          label: { 'en-US': 'Score' },
          indexed: true,
        })
      ).statusCode,
    ).toBe(201);
    expect(
      (
        await otherAdmin.post('/api/v1/metadata/objects/account/fields', {
          api_name: 'score__c',
          type: 'text',
          label: { 'en-US': 'Score' },
          indexed: true,
        })
      ).statusCode,
    ).toBe(201);
    expect((await admin.post('/api/v1/objects/account', { name: 'num', score__c: 12 })).statusCode).toBe(201);
    const r = await otherAdmin.post('/api/v1/objects/account', { name: 'text', score__c: 'high' });
    expect(r.statusCode, r.body).toBe(201);
    expect(
      json<{ data: Rec[] }>(
        await admin.get('/api/v1/objects/account?sort=-score__c&filter[score__c][gte]=10'),
      ).data.map((x) => x.name),
    ).toEqual(['num']);
  });

  it('limits filter nesting depth for and and or alike', async () => {
    let node: Record<string, unknown> = { field: 'name', op: 'eq', value: 'x' };
    for (let i = 0; i < 8; i++) node = { or: [node] };
    const r = await admin.post('/api/v1/objects/account/query', { filter: node });
    expect(r.statusCode).toBe(400);
  });
});

describe('editing custom fields and objects', () => {
  it('renames labels, changes options (values in use cannot be removed) and lists webhook event types', async () => {
    await admin.post('/api/v1/metadata/objects/account/fields', {
      api_name: 'stage2__c',
      type: 'select',
      label: { 'zh-CN': '阶段', 'en-US': 'Stage' },
      options: [
        { value: 'a', label: { 'en-US': 'A' } },
        { value: 'b', label: { 'en-US': 'B' } },
      ],
    });
    await admin.post('/api/v1/objects/account', { name: 'uses a', stage2__c: 'a' });
    const inUse = await admin.patch('/api/v1/metadata/objects/account/fields/stage2__c', {
      options: [{ value: 'b', label: { 'en-US': 'B' } }],
    });
    expect(inUse.statusCode).toBe(422);
    expect(json<ErrBody>(inUse).error.details[0]?.field).toBe('options');
    const ok = await admin.patch('/api/v1/metadata/objects/account/fields/stage2__c', {
      label: { 'zh-CN': '合作阶段', 'en-US': 'Partnership stage' },
      options: [
        { value: 'a', label: { 'zh-CN': '甲', 'en-US': 'Alpha' } },
        { value: 'c', label: { 'en-US': 'C' } },
      ],
    });
    expect(ok.statusCode, ok.body).toBe(200);
    const f = json<{ data: ObjMeta }>(ok).data.fields.find((x) => x.api_name === 'stage2__c') as unknown;
    expect(f).toMatchObject({ label: { 'zh-CN': '合作阶段' }, options: [{ value: 'a' }, { value: 'c' }] });
    expect((await admin.post('/api/v1/objects/account', { name: 'uses c', stage2__c: 'c' })).statusCode).toBe(
      201,
    );
    expect(
      (await admin.patch('/api/v1/metadata/objects/account/fields/name', { required: false })).statusCode,
    ).toBe(404);
    const rep = await userWithRole(admin, 'sales_rep');
    expect(
      (await rep.patch('/api/v1/metadata/objects/account/fields/stage2__c', { required: true })).statusCode,
    ).toBe(403);
    await admin.post('/api/v1/metadata/objects', { api_name: 'rename_me__c', label: { 'en-US': 'Old' } });
    const renamed = await admin.patch('/api/v1/metadata/objects/rename_me__c', {
      label: { 'zh-CN': '新名称', 'en-US': 'New name' },
    });
    expect(json<{ data: { label: Record<string, string> } }>(renamed).data.label).toEqual({
      'zh-CN': '新名称',
      'en-US': 'New name',
    });
    const types = json<{ data: string[] }>(await admin.get('/api/v1/admin/webhooks/event-types')).data;
    expect(types).toEqual(
      expect.arrayContaining(['*', 'account.created', 'lead.converted', 'rename_me__c.updated']),
    );
  });
});
