import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BuiltApp } from '../src/app.ts';
import { loadDemoData } from '../src/demo/demo-loader.ts';
import { json, login, newTenant, testApp, type Client } from './harness.ts';

type Rec = Record<string, unknown> & { id: string };

let built: BuiltApp;
let admin: Client;
let summary: Record<string, number | string>;
let slug: string;

beforeAll(async () => {
  built = await testApp();
  const t = await newTenant(built);
  slug = t.slug;
  summary = await loadDemoData(built.platform, t.tenantId);
  admin = await login(built.app, t.adminEmail);
}, 120_000);
afterAll(async () => built.close());

describe('demo data', () => {
  it('gives the leads a consistent past: spread dates, conversions, invalid reasons, claims, recycling', async () => {
    expect(summary).toMatchObject({ accounts: 200, campaigns: 5, lead_pools: 2 });
    for (const k of ['converted', 'invalid', 'claimed', 'members', 'flagged'])
      expect(Number(summary[k]), k).toBeGreaterThan(0);
    const leads = json<{ data: Rec[] }>(
      await admin.get('/api/v1/objects/lead?limit=200&fields=status,created_at,converted_account_id,source'),
    ).data;
    const days = new Set(leads.map((l) => String(l.created_at).slice(0, 10)));
    expect(days.size).toBeGreaterThan(20);
    const converted = leads.filter((l) => l.status === 'converted');
    expect(converted.length).toBe(summary.converted);
    expect(converted.every((l) => typeof l.converted_account_id === 'string')).toBe(true);
    // the analytics over the last 90 days add up with the records
    const to = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
    const from = new Date(Date.parse(`${to}T00:00:00Z`) - 95 * 86_400_000).toISOString().slice(0, 10);
    const a = json<{ data: { funnel: { captured: number; converted: number; invalid: number } } }>(
      await admin.get(`/api/v1/leads/analytics?from=${from}&to=${to}&granularity=week`),
    ).data;
    expect(a.funnel.captured).toBe(leads.length);
    expect(a.funnel.converted).toBe(converted.length);
    expect(a.funnel.invalid).toBe(leads.filter((l) => l.status === 'invalid').length);
    // an account made from a lead carries its source
    const acc = json<{ data: Rec }>(
      await admin.get(`/api/v1/objects/account/${String(converted[0]?.converted_account_id)}`),
    ).data;
    expect(acc.source).toBe(converted[0]?.source);
    expect(
      json<{ data: unknown[] }>(await admin.get('/api/v1/leads/duplicates/review')).data.length,
    ).toBeGreaterThan(0);
  });
});

describe('demo pools for reps', () => {
  it('lets a pool member see the pool and its unassigned leads, and claim one', async () => {
    const rep = await login(built.app, 'rep12@flywheel.local', 'Flywheel-Demo-2026', slug);
    const pools = json<{ data: Rec[] }>(await rep.get('/api/v1/objects/lead_pool')).data;
    const east = pools.find((p) => p.name === '华东线索池');
    expect(east).toBeDefined();
    const waiting = json<{ data: Rec[] }>(
      await rep.get(`/api/v1/objects/lead?filter[pool_id][eq]=${east?.id}&filter[status][eq]=unassigned`),
    ).data;
    expect(waiting.length).toBeGreaterThan(0);
  });
});
