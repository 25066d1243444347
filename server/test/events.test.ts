import http from 'node:http';
import crypto from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import type { BuiltApp } from '../src/app.ts';
import { TenantDb } from '../src/platform/db/tenant-db.ts';
import type { StoredEvent } from '../src/platform/events/dispatcher.ts';
import { json, login, newTenant, testApp, type Client, type TestTenant } from './harness.ts';

type Rec = Record<string, unknown> & { id: string };

let built: BuiltApp;
let admin: Client;
let tenant: TestTenant;
const seen: StoredEvent[] = [];
let failNext = 0;

beforeAll(async () => {
  built = await testApp();
  built.platform.events.subscribe({
    name: 'test-recorder',
    types: ['account.created', 'account.updated'],
    handle: async (ev) => {
      // other test files write events into the same database at the same time
      if (ev.tenant_id !== tenant?.tenantId) return;
      if (failNext > 0) {
        failNext--;
        throw new Error('subscriber hiccup');
      }
      seen.push(ev);
    },
  });
  tenant = await newTenant(built);
  admin = await login(built.app, tenant.adminEmail);
});
afterAll(async () => built.close());

describe('transactional outbox', () => {
  it('records one event per write in the same transaction, delivered once per subscriber even when redelivered', async () => {
    const acc = json<{ data: Rec }>(
      await admin.post('/api/v1/objects/account', { name: '事件测试有限公司' }),
    ).data;
    await admin.patch(`/api/v1/objects/account/${acc.id}`, { city: '苏州市' });
    await built.platform.events.drain(tenant.tenantId);
    const mine = seen.filter((e) => e.record_id === acc.id);
    expect(mine.map((e) => e.type)).toEqual(['account.created', 'account.updated']);
    expect(mine[1]?.payload).toMatchObject({ id: acc.id, changes: { city: { old: null, new: '苏州市' } } });
    // a crash after handling but before marking dispatched: the receipt makes the retry a no-op
    await sql`update outbox_event set dispatched_at = null where tenant_id = ${tenant.tenantId} and record_id = ${acc.id}`.execute(
      built.platform.db.kysely,
    );
    await built.platform.events.drain(tenant.tenantId);
    expect(seen.filter((e) => e.record_id === acc.id)).toHaveLength(2);
  });

  it('drains a backlog larger than one batch', async () => {
    const res = await admin.post('/api/v1/objects/account/bulk', {
      action: 'create',
      records: Array.from({ length: 250 }, (_, i) => ({ name: `backlog-${i}` })),
    });
    const ids = new Set(json<{ data: Rec[] }>(res).data.map((r) => r.id));
    await built.platform.events.drain(tenant.tenantId);
    expect(seen.filter((e) => e.record_id !== null && ids.has(e.record_id)).length).toBe(250);
  });

  it('a failed write emits nothing', async () => {
    const before = await sql<{
      n: number;
    }>`select count(*)::int8 as n from outbox_event where tenant_id = ${tenant.tenantId}`.execute(
      built.platform.db.kysely,
    );
    expect((await admin.post('/api/v1/objects/account', { name: '' })).statusCode).toBe(422);
    const after = await sql<{
      n: number;
    }>`select count(*)::int8 as n from outbox_event where tenant_id = ${tenant.tenantId}`.execute(
      built.platform.db.kysely,
    );
    expect(after.rows[0]?.n).toBe(before.rows[0]?.n);
  });

  it('retries a failing subscriber (at least once)', async () => {
    failNext = 1;
    const acc = json<{ data: Rec }>(await admin.post('/api/v1/objects/account', { name: '重试测试' })).data;
    await built.platform.events.drain(tenant.tenantId);
    expect(seen.some((e) => e.record_id === acc.id)).toBe(false);
    const row = await sql<{
      attempts: number;
      last_error: string;
    }>`select attempts, last_error from outbox_event where tenant_id = ${tenant.tenantId} and record_id = ${acc.id}`.execute(
      built.platform.db.kysely,
    );
    expect(row.rows[0]).toMatchObject({ attempts: 1, last_error: 'subscriber hiccup' });
    // backoff elapsed
    await sql`update outbox_event set next_attempt_at = now() where tenant_id = ${tenant.tenantId} and record_id = ${acc.id}`.execute(
      built.platform.db.kysely,
    );
    await built.platform.events.drain(tenant.tenantId);
    expect(seen.filter((e) => e.record_id === acc.id)).toHaveLength(1);
  });
});

describe('outbound webhooks', () => {
  it('signs deliveries with HMAC-SHA256, retries with backoff, logs attempts, and can replay', async () => {
    const received: Array<{ headers: http.IncomingHttpHeaders; body: string }> = [];
    let status = 500;
    const server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        res.statusCode = status;
        res.end('ok');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    try {
      const hook = await admin.post('/api/v1/admin/webhooks', {
        url: `http://127.0.0.1:${port}/hook`,
        event_types: ['contact.created'],
      });
      expect(hook.statusCode, hook.body).toBe(201);
      const { id: hookId, secret } = json<{ data: { id: string; secret: string } }>(hook).data;
      expect(
        (await admin.post('/api/v1/admin/webhooks', { url: 'not a url', event_types: ['x'] })).statusCode,
      ).toBe(422);

      const acc = json<{ data: Rec }>(
        await admin.post('/api/v1/objects/account', { name: 'Webhook 客户' }),
      ).data;
      const contact = json<{ data: Rec }>(
        await admin.post('/api/v1/objects/contact', { name: '李雷', account_id: acc.id }),
      ).data;
      await built.platform.events.drain(tenant.tenantId);
      await built.platform.webhooks.sendDue();
      expect(received).toHaveLength(1);
      let deliveries = json<{
        data: {
          id: string;
          status: string;
          attempts: number;
          last_status_code: number;
          next_attempt_at: string;
        }[];
      }>(await admin.get(`/api/v1/admin/webhooks/${hookId}/deliveries`)).data;
      expect(deliveries[0]).toMatchObject({ status: 'pending', attempts: 1, last_status_code: 500 });
      expect(new Date(deliveries[0]?.next_attempt_at ?? 0).getTime()).toBeGreaterThan(Date.now() + 20_000);

      // the signature verifies with the secret over "<t>.<body>"
      const first = received[0];
      const sig = String(first?.headers['x-flywheel-signature']);
      const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(sig);
      expect(m).not.toBeNull();
      const expected = crypto.createHmac('sha256', secret).update(`${m?.[1]}.${first?.body}`).digest('hex');
      expect(m?.[2]).toBe(expected);
      expect(first?.headers['x-flywheel-event']).toBe('contact.created');
      expect(JSON.parse(first?.body ?? '{}')).toMatchObject({
        type: 'contact.created',
        data: { id: contact.id, record: { name: '李雷' } },
      });

      // the receiver recovers; the retry is due
      status = 200;
      await sql`update webhook_delivery set next_attempt_at = now() where tenant_id = ${tenant.tenantId}`.execute(
        built.platform.db.kysely,
      );
      await built.platform.webhooks.sendDue();
      deliveries = json<typeof deliveries extends infer T ? { data: T } : never>(
        await admin.get(`/api/v1/admin/webhooks/${hookId}/deliveries`),
      ).data;
      expect(deliveries[0]).toMatchObject({ status: 'succeeded', attempts: 2, last_status_code: 200 });

      // replay sends it again
      const replay = await admin.post(
        `/api/v1/admin/webhooks/${hookId}/deliveries/${deliveries[0]?.id}/replay`,
      );
      expect(replay.statusCode).toBe(202);
      await built.platform.webhooks.sendDue();
      // replay also wakes the sender in the background; wait for it
      for (let i = 0; i < 50 && received.length < 3; i++) await new Promise((r) => setTimeout(r, 20));
      expect(received).toHaveLength(3);
      expect(received[2]?.headers['x-flywheel-delivery']).toBe(deliveries[0]?.id);
    } finally {
      server.close();
    }
  });
});

describe('jobs', () => {
  it('lists scheduled jobs and runs one on demand with an as-of date, recording the run', async () => {
    const list = json<{ data: { name: string; schedule: string; last_run: unknown }[] }>(
      await admin.get('/api/v1/admin/jobs'),
    ).data;
    expect(list.map((j) => j.name)).toContain('platform.recycle_bin_purge');
    const acc = json<{ data: Rec }>(await admin.post('/api/v1/objects/account', { name: '回收站过期' })).data;
    await admin.delete(`/api/v1/objects/account/${acc.id}`);
    // as of today nothing is old enough; as of 40 days from now it is
    const today = await admin.post('/api/v1/admin/jobs/platform.recycle_bin_purge/run', {
      as_of: new Date().toISOString().slice(0, 10),
    });
    expect(json<{ data: { result: { purged: number } } }>(today).data.result.purged).toBe(0);
    const later = new Date(Date.now() + 40 * 86_400_000).toISOString().slice(0, 10);
    const run = await admin.post('/api/v1/admin/jobs/platform.recycle_bin_purge/run', { as_of: later });
    expect(run.statusCode, run.body).toBe(200);
    expect(
      json<{ data: { status: string; as_of: string; result: { purged: number } } }>(run).data,
    ).toMatchObject({ status: 'succeeded', as_of: later });
    expect(
      json<{ data: Rec[] }>(await admin.get('/api/v1/objects/account?deleted=only')).data.map((r) => r.id),
    ).not.toContain(acc.id);
    const after = json<{ data: { name: string; last_run: { as_of: string } | null }[] }>(
      await admin.get('/api/v1/admin/jobs'),
    ).data;
    expect(after.find((j) => j.name === 'platform.recycle_bin_purge')?.last_run?.as_of).toBe(later);
    expect((await admin.post('/api/v1/admin/jobs/nope/run', {})).statusCode).toBe(404);
    expect(
      (await admin.post('/api/v1/admin/jobs/platform.recycle_bin_purge/run', { as_of: '2026-13-01' }))
        .statusCode,
    ).toBe(400);
  });

  it('registers cron schedules in pg-boss, which keeps them across restarts', async () => {
    const { loadConfig } = await import('../src/config.ts');
    const { buildApp } = await import('../src/app.ts');
    const { inject } = await import('vitest');
    const withJobs = await buildApp({
      config: loadConfig({ dataDir: inject('dataDir'), runJobs: true, logLevel: 'silent' }),
      databaseUrl: inject('databaseUrl'),
      logger: false,
    });
    // pg-boss only: an event dispatcher here would race the one this file's tests drive.
    await withJobs.platform.jobs.start();
    await withJobs.platform.jobs.stop();
    await withJobs.close();
    const rows = await sql<{
      name: string;
      cron: string;
    }>`select name, cron from pgboss.schedule order by name`.execute(built.platform.db.kysely);
    expect(rows.rows).toContainEqual({ name: 'platform.recycle_bin_purge', cron: '30 3 * * *' });
  });
});

describe('notifications', () => {
  it('lists in-app notifications with an unread count and marks them read', async () => {
    const tdb = TenantDb.for(built.platform.db, tenant.tenantId);
    await tdb.transaction((tx) =>
      built.platform.notify.notify(tx, [
        { userId: tenant.adminUserId, kind: 'test', title: '新线索分配给你', link: '/leads/1' },
        { userId: tenant.adminUserId, kind: 'test', title: '客户即将掉入公海' },
      ]),
    );
    const list = json<{ data: { id: string; title: string }[]; unread: number }>(
      await admin.get('/api/v1/notifications'),
    );
    expect(list.unread).toBe(2);
    expect(list.data.map((n) => n.title)).toEqual(['客户即将掉入公海', '新线索分配给你']);
    await admin.post(`/api/v1/notifications/${list.data[0]?.id}/read`);
    expect(json<{ unread: number }>(await admin.get('/api/v1/notifications')).unread).toBe(1);
    await admin.post('/api/v1/notifications/all/read');
    expect(json<{ unread: number }>(await admin.get('/api/v1/notifications?unread=true')).unread).toBe(0);
  });

  it('stores e-mail in the outbox when no SMTP server is set, and records SMTP failures', async () => {
    expect(
      await built.platform.notify.sendMail(
        tenant.tenantId,
        'boss@example.test',
        '周报',
        '本周新增客户 12 家',
      ),
    ).toBe('stored');
    expect(
      (
        await admin.put('/api/v1/admin/settings/smtp', {
          host: '127.0.0.1',
          port: 1,
          from: 'crm@example.test',
        })
      ).statusCode,
    ).toBe(204);
    expect(await built.platform.notify.sendMail(tenant.tenantId, 'boss@example.test', '周报2', 'x')).toBe(
      'failed',
    );
    const outbox = json<{ data: { subject: string; status: string }[] }>(
      await admin.get('/api/v1/admin/mail-outbox'),
    ).data;
    expect(outbox.map((m) => [m.subject, m.status])).toEqual([
      ['周报2', 'failed'],
      ['周报', 'stored'],
    ]);
    expect((await admin.put('/api/v1/admin/settings/smtp', null)).statusCode).toBe(204);
  });

  it('keeps the stored SMTP password when a PUT leaves it out, replaces it, and clears it with "" or null', async () => {
    const stored = async () =>
      (
        await sql<{
          password: string | null;
        }>`select settings->'smtp'->>'password' as password from tenant where id = ${tenant.tenantId}`.execute(
          built.platform.db.kysely,
        )
      ).rows[0]?.password ?? null;
    const smtpOf = async () =>
      json<{ data: { smtp: Record<string, unknown> | null } }>(await admin.get('/api/v1/admin/settings')).data
        .smtp;
    const base = { host: 'smtp.example.test', port: 587, user: 'crm', from: 'crm@example.test' };

    expect(
      (await admin.put('/api/v1/admin/settings/smtp', { ...base, password: 'S3cret-1' })).statusCode,
    ).toBe(204);
    expect(await stored()).toBe('S3cret-1');
    const shown = await smtpOf();
    expect(shown).toEqual({ ...base, password_set: true });
    expect(JSON.stringify(shown)).not.toContain('S3cret');

    // keep: the password is left out, the other fields are replaced
    expect(
      (await admin.put('/api/v1/admin/settings/smtp', { ...base, host: 'mail.example.test', port: 465 }))
        .statusCode,
    ).toBe(204);
    expect(await stored()).toBe('S3cret-1');
    expect(await smtpOf()).toEqual({ ...base, host: 'mail.example.test', port: 465, password_set: true });

    // replace
    expect(
      (await admin.put('/api/v1/admin/settings/smtp', { ...base, password: 'S3cret-2' })).statusCode,
    ).toBe(204);
    expect(await stored()).toBe('S3cret-2');

    // clear with ""
    expect((await admin.put('/api/v1/admin/settings/smtp', { ...base, password: '' })).statusCode).toBe(204);
    expect(await stored()).toBeNull();
    expect(await smtpOf()).toEqual({ ...base, password_set: false });
    // nothing to keep: still none
    expect((await admin.put('/api/v1/admin/settings/smtp', base)).statusCode).toBe(204);
    expect(await stored()).toBeNull();

    // clear with null
    await admin.put('/api/v1/admin/settings/smtp', { ...base, password: 'S3cret-3' });
    expect(await stored()).toBe('S3cret-3');
    expect((await admin.put('/api/v1/admin/settings/smtp', { ...base, password: null })).statusCode).toBe(
      204,
    );
    expect(await stored()).toBeNull();

    // the audit log never holds the password, only what happened to it
    const audit = await sql<{ changes: unknown }>`select changes from audit_log
        where tenant_id = ${tenant.tenantId} and object = 'settings' and changes ? 'smtp'`.execute(
      built.platform.db.kysely,
    );
    const text = JSON.stringify(audit.rows);
    expect(text).not.toMatch(/S3cret/);
    for (const change of ['kept', 'replaced', 'cleared']) expect(text).toContain(`"password":"${change}"`);

    // removing the whole setting still works, and a later PUT has no password to keep
    await admin.put('/api/v1/admin/settings/smtp', { ...base, password: 'S3cret-4' });
    expect((await admin.put('/api/v1/admin/settings/smtp', null)).statusCode).toBe(204);
    expect(await smtpOf()).toBeNull();
    await admin.put('/api/v1/admin/settings/smtp', base);
    expect(await stored()).toBeNull();
    expect((await admin.put('/api/v1/admin/settings/smtp', null)).statusCode).toBe(204);
  });

  it('rejects an SMTP password that is not a string', async () => {
    const res = await admin.put('/api/v1/admin/settings/smtp', {
      host: 'smtp.example.test',
      port: 587,
      from: 'crm@example.test',
      password: 12345,
    });
    expect([400, 422]).toContain(res.statusCode);
  });
});
