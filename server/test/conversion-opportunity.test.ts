import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { buildApp, migrationSources, type BuiltApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { createDatabase, dropDatabase } from '../src/platform/db/embedded.ts';
import { migrate } from '../src/platform/db/migrate.ts';
import { defineObject } from '../src/platform/metadata/types.ts';
import type { ModuleDef } from '../src/platform/module.ts';
import { modules } from '../src/modules/index.ts';
import { json, login, newTenant, userWithRole, type Client } from './harness.ts';

type Rec = Record<string, unknown> & { id: string };
type ErrBody = { error: { code: string; details: { field: string; code: string }[] } };

// The sales module (issue 5) will define `opportunity`; until then a stand-in module with the
// fields a sales module would have proves the conversion hook works with any such object. It
// lives in a database of its own so no other test sees its table.
const L = (zh: string, en: string) => ({ 'zh-CN': zh, 'en-US': en });
const standInSales: ModuleDef = {
  name: 'stand_in_sales',
  migrationsDir: fs.mkdtempSync(path.join(os.tmpdir(), 'stand-in-sales-')),
  objects: [
    defineObject({
      apiName: 'opportunity',
      label: L('商机', 'Opportunity'),
      pluralLabel: L('商机', 'Opportunities'),
      module: 'sales',
      table: 'opportunity',
      nameField: 'name',
      fields: [
        { apiName: 'name', type: 'text', label: L('商机名称', 'Name'), required: true, maxLength: 200 },
        {
          apiName: 'account_id',
          type: 'lookup',
          lookup: 'account',
          label: L('客户', 'Account'),
          required: true,
        },
        { apiName: 'amount', type: 'currency', label: L('金额', 'Amount'), min: 0 },
        {
          apiName: 'source',
          type: 'select',
          label: L('来源', 'Source'),
          options: [
            { value: 'web_form', label: L('官网表单', 'Web form') },
            { value: 'api', label: L('API', 'API') },
          ],
        },
        { apiName: 'campaign_id', type: 'lookup', lookup: 'campaign', label: L('市场活动', 'Campaign') },
        { apiName: 'lead_id', type: 'lookup', lookup: 'lead', label: L('来源线索', 'Lead'), readOnly: true },
        { apiName: 'probability', type: 'number', label: L('赢率', 'Probability'), readOnly: true },
        { apiName: 'budget__c', type: 'number', label: L('预算', 'Budget') },
      ],
    }),
  ],
};
fs.writeFileSync(
  path.join(standInSales.migrationsDir, '001_opportunity.sql'),
  `create table opportunity (
    tenant_id uuid not null references tenant(id), id uuid not null, owner_id uuid, created_by uuid, updated_by uuid,
    created_at timestamptz not null default now(), updated_at timestamptz not null default now(),
    version int not null default 1, deleted_at timestamptz, custom jsonb not null default '{}',
    name text not null, account_id uuid not null, amount bigint, amount_currency char(3), source text,
    campaign_id uuid, lead_id uuid, probability numeric, budget__c numeric,
    primary key (tenant_id, id),
    foreign key (tenant_id, account_id) references account(tenant_id, id));`,
);

const dbName = `flywheel_opp_${crypto.randomBytes(4).toString('hex')}`;
const adminUrl = (): string => {
  const u = new URL(inject('databaseUrl'));
  u.pathname = '/postgres';
  return u.toString();
};
let built: BuiltApp;
let admin: Client;
let rep: Client;

beforeAll(async () => {
  const all = [...modules, standInSales];
  const url = await createDatabase(adminUrl(), dbName);
  await migrate(url, migrationSources(all));
  const config = loadConfig({
    dataDir: inject('dataDir'),
    runJobs: false,
    logLevel: 'silent',
    trustProxy: true,
  });
  built = await buildApp({ config, databaseUrl: url, logger: false, poolSize: 3, modules: all });
  const t = await newTenant(built);
  admin = await login(built.app, t.adminEmail);
  rep = await userWithRole(admin, 'sales_rep');
}, 60_000);
afterAll(async () => {
  await built?.close();
  await dropDatabase(adminUrl(), dbName).catch(() => undefined);
});

describe('conversion with an opportunity', () => {
  it('creates the opportunity with the lead attribution, mapped fields and the caller values', async () => {
    const cur = json<{ data: Rec }>(await admin.get('/api/v1/leads/settings')).data;
    expect(
      (
        await admin.post('/api/v1/metadata/objects/lead/fields', {
          api_name: 'budget__c',
          type: 'number',
          label: L('预算', 'Budget'),
        })
      ).statusCode,
    ).toBe(201);
    const saved = await admin.put('/api/v1/leads/settings', {
      ...cur,
      conversionMapping: [{ lead_field: 'budget__c', object: 'opportunity', field: 'budget__c' }],
    });
    expect(saved.statusCode, saved.body).toBe(200);
    const lead = json<{ data: { lead_id: string } }>(
      await admin.post('/api/v1/leads/capture', {
        name: '周敏',
        mobile: '13911112222',
        company: '合肥星河软件有限公司',
        source: 'web_form',
        budget__c: 500000,
        owner_id: rep.userId,
      }),
    ).data.lead_id;
    // the caller may not write the object's read-only fields; field errors name the opportunity
    const locked = await rep.post(`/api/v1/leads/${lead}/convert`, { opportunity: { probability: 90 } });
    expect(locked.statusCode).toBe(422);
    expect(json<ErrBody>(locked).error.details[0]?.field).toBe('opportunity.probability');
    // a role without create permission on opportunities cannot make one this way either
    expect((await rep.post(`/api/v1/leads/${lead}/convert`, { opportunity: {} })).statusCode).toBe(403);
    const bad = await admin.post(`/api/v1/leads/${lead}/convert`, { opportunity: { amount: 'lots' } });
    expect(bad.statusCode).toBe(422);
    expect(json<ErrBody>(bad).error.details[0]?.field).toBe('opportunity.amount');
    // nothing was half-written
    expect(json<{ data: Rec }>(await rep.get(`/api/v1/objects/lead/${lead}`)).data.status).toBe('pending');

    const res = await admin.post(`/api/v1/leads/${lead}/convert`, {
      opportunity: { amount: { amount: 12_000_000, currency: 'CNY' } },
    });
    expect(res.statusCode, res.body).toBe(200);
    const out = json<{ data: { account_id: string; opportunity_id: string } }>(res).data;
    const opp = json<{ data: Rec }>(
      await admin.get(`/api/v1/objects/opportunity/${out.opportunity_id}`),
    ).data;
    expect(opp).toMatchObject({
      name: '合肥星河软件有限公司 - 商机',
      account_id: out.account_id,
      source: 'web_form',
      lead_id: lead,
      budget__c: 500000,
      owner_id: rep.userId,
      amount: { amount: 12_000_000, currency: 'CNY' },
    });
  });
});
