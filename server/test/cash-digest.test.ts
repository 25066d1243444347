// The 8:00 payments-received digest (issue 6, DOMAIN.md §10): subscription, per-person scope,
// yesterday + month to date vs last month, once per day, in-app and e-mail (mail outbox).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import type { BuiltApp } from '../src/app.ts';
import { TenantDb } from '../src/platform/db/tenant-db.ts';
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
import { monthSpans, renderDigest, changePercent } from '../src/modules/cash/digest.rules.ts';

type Rec = Record<string, unknown> & { id: string };

let built: BuiltApp;
let t: TestTenant;
let admin: Client;
let rep: Client;
let rep2: Client;
let tdb: TenantDb;

async function account(who: Client, name: string): Promise<string> {
  const r = await who.post('/api/v1/objects/account', { name });
  expect(r.statusCode, r.body).toBe(201);
  return json<{ data: Rec }>(r).data.id;
}
async function pay(who: Client, account_id: string, received_date: string, amount: number): Promise<void> {
  const r = await who.post('/api/v1/payments', {
    account_id,
    received_date,
    amount,
    bank_reference: 'no-match',
  });
  expect(r.statusCode, r.body).toBe(201);
}
const runJob = (asOf: string) => admin.post('/api/v1/admin/jobs/cash.payments_digest/run', { as_of: asOf });
const notes = async (userId: string | null) =>
  tdb.query(sql<{ title: string; body: string }>`select title, body from notification
    where tenant_id = ${t.tenantId} and user_id = ${userId} and kind = 'cash.payments_digest' order by created_at`);

beforeAll(async () => {
  built = await testApp();
  t = await newTenant(built);
  tdb = TenantDb.for(built.platform.db, t.tenantId);
  admin = await login(built.app, t.adminEmail);
  rep = await userWithRole(admin, 'sales_rep');
  rep2 = await userWithRole(admin, 'sales_rep');
  const mine = await account(rep, '上海锦程物流有限公司');
  const theirs = await account(rep2, '广州南粤医疗器械有限公司');
  await pay(rep, mine, '2026-10-15', 300_000_00);
  await pay(rep, mine, '2026-11-03', 120_000_00);
  await pay(rep, mine, '2026-11-26', 50_000_00);
  await pay(rep2, theirs, '2026-11-26', 80_000_00);
}, 60_000);
afterAll(async () => built?.close());

describe('payments digest', () => {
  it('previews yesterday and the month so far within my scope', async () => {
    const r = await admin.get('/api/v1/cash/digest/preview?as_of=2026-11-27');
    const all = conformsTo<{ data: { day: string; title: string; figures: Array<Record<string, unknown>> } }>(
      built.app,
      'GET',
      '/api/v1/cash/digest/preview',
      r,
      200,
    ).data;
    expect(all.day).toBe('2026-11-26');
    expect(all.figures).toEqual([
      expect.objectContaining({
        currency: 'CNY',
        dayTotal: 130_000_00,
        dayCount: 2,
        monthToDate: 250_000_00,
        previousMonthToDate: 300_000_00,
      }),
    ]);
    expect(all.title).toBe('2026-11-26 回款 ¥130,000.00（2 笔）');
    const mine = json<{ data: { figures: Array<Record<string, unknown>> } }>(
      await rep.get('/api/v1/cash/digest/preview?as_of=2026-11-27'),
    ).data;
    expect(mine.figures[0]).toMatchObject({ dayTotal: 50_000_00, dayCount: 1, monthToDate: 170_000_00 });
    expect((await rep.get('/api/v1/cash/digest/preview?as_of=2026-13-01')).statusCode).toBe(422);
  });

  it('sends each subscriber their digest once per day, in-app and by e-mail', async () => {
    const sub = await rep.put('/api/v1/cash/digest/subscription', { subscribed: true, email: true });
    expect(
      conformsTo<{ data: Record<string, unknown> }>(
        built.app,
        'PUT',
        '/api/v1/cash/digest/subscription',
        sub,
        200,
      ).data,
    ).toEqual({ subscribed: true, in_app: true, email: true });
    expect(
      (await admin.put('/api/v1/cash/digest/subscription', { subscribed: true, in_app: false, email: false }))
        .statusCode,
    ).toBe(422);
    await admin.put('/api/v1/cash/digest/subscription', { subscribed: true, in_app: true, email: false });

    const run = await runJob('2026-11-27');
    expect(run.statusCode, run.body).toBe(200);
    expect(json<{ data: { result: Record<string, unknown> } }>(run).data.result).toMatchObject({
      day: '2026-11-26',
      subscribers: 2,
      sent: 2,
      mailed: 1,
    });
    const repNotes = await notes(rep.userId);
    expect(repNotes.map((n) => n.title)).toEqual(['2026-11-26 回款 ¥50,000.00（1 笔）']);
    expect(repNotes[0]?.body).toContain('上海锦程物流有限公司');
    expect(repNotes[0]?.body).not.toContain('广州南粤');
    expect((await notes(admin.userId)).map((n) => n.title)).toEqual(['2026-11-26 回款 ¥130,000.00（2 笔）']);
    const mail = await tdb.query(
      sql<{
        subject: string;
      }>`select subject from mail_outbox where tenant_id = ${t.tenantId} order by created_at`,
    );
    expect(mail.map((m) => m.subject)).toEqual(['2026-11-26 回款 ¥50,000.00（1 笔）']);

    // a rerun for the same day sends nothing; unsubscribing stops it
    expect(
      json<{ data: { result: Record<string, unknown> } }>(await runJob('2026-11-27')).data.result,
    ).toMatchObject({
      subscribers: 0,
      sent: 0,
    });
    await rep.put('/api/v1/cash/digest/subscription', { subscribed: false });
    expect(
      json<{ data: Record<string, unknown> }>(await rep.get('/api/v1/cash/digest/subscription')).data,
    ).toMatchObject({ subscribed: false });
    await runJob('2026-11-28');
    expect(await notes(rep.userId)).toHaveLength(1);
    expect((await notes(admin.userId)).map((n) => n.title)).toEqual([
      '2026-11-26 回款 ¥130,000.00（2 笔）',
      '2026-11-27 无回款',
    ]);
  });
});

describe('digest rules', () => {
  it('compares with the same span of last month, clamped to its length', () => {
    expect(monthSpans('2026-03-31')).toEqual({
      monthStart: '2026-03-01',
      prevStart: '2026-02-01',
      prevEnd: '2026-02-28',
    });
    expect(monthSpans('2026-01-15')).toEqual({
      monthStart: '2026-01-01',
      prevStart: '2025-12-01',
      prevEnd: '2025-12-15',
    });
    expect(changePercent(150, 100)).toBe(50);
    expect(changePercent(1, 0)).toBeNull();
    const en = renderDigest('en-US', [
      {
        day: '2026-11-26',
        currency: 'CNY',
        dayTotal: 1234_56,
        dayCount: 1,
        monthToDate: 2000_00,
        previousMonthToDate: 4000_00,
        top: [],
      },
    ]);
    expect(en.title).toBe('Payments received 2026-11-26: CN¥1,234.56 (1)');
    expect(en.body).toBe('Month to date: CN¥2,000.00 (-50% vs last month)');
  });
});
