import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import * as OTPAuth from 'otpauth';
import type { BuiltApp } from '../src/app.ts';
import {
  apiKeyClient,
  Client,
  json,
  login,
  newTenant,
  PASSWORD,
  testApp,
  userWithRole,
  type TestTenant,
} from './harness.ts';

type ErrBody = { error: { code: string; message: string; details: { field: string; issue: string }[] } };

let built: BuiltApp;
let tenant: TestTenant;
let admin: Client;

beforeAll(async () => {
  built = await testApp();
  tenant = await newTenant(built);
  admin = await login(built.app, tenant.adminEmail);
});
afterAll(async () => built.close());

const loginReq = (body: Record<string, unknown>, headers: Record<string, string> = {}) =>
  built.app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: body,
    headers: {
      'x-forwarded-for': `10.0.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`,
      ...headers,
    },
  });

describe('sign-in', () => {
  it('sets an httpOnly SameSite=Lax session cookie and a CSRF token; /me describes the user', async () => {
    const res = await loginReq({ email: tenant.adminEmail, password: PASSWORD });
    expect(res.statusCode).toBe(200);
    const cookie = res.cookies.find((c) => c.name === 'fw_session');
    expect(cookie?.httpOnly).toBe(true);
    expect(cookie?.sameSite).toBe('Lax');
    const me = json<{
      data: { user: { email: string }; role: { is_admin: boolean }; tenant: { slug: string } };
    }>(await admin.get('/api/v1/me')).data;
    expect(me).toMatchObject({
      user: { email: tenant.adminEmail },
      role: { is_admin: true },
      tenant: { slug: tenant.slug },
    });
  });

  it('refuses wrong passwords and unknown users alike, with a localised message', async () => {
    const wrong = await loginReq(
      { email: tenant.adminEmail, password: 'wrong-password-1' },
      { 'accept-language': 'zh-CN' },
    );
    const unknown = await loginReq(
      { email: 'nobody@nowhere.test', password: 'wrong-password-1' },
      { 'accept-language': 'en-US' },
    );
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(json<ErrBody>(wrong).error.message).toBe('邮箱或密码不正确');
    expect(json<ErrBody>(unknown).error.message).toBe('Incorrect e-mail or password');
    const missing = await loginReq({ email: tenant.adminEmail });
    expect(missing.statusCode).toBe(400);
    expect(json<ErrBody>(missing).error.details[0]?.field).toBe('password');
  });

  it('locks the account for 15 minutes after 5 failures and logs every attempt', async () => {
    const victim = await userWithRole(admin, 'sales_rep');
    const me = json<{ data: { user: { email: string } } }>(await victim.get('/api/v1/me')).data.user.email;
    for (let i = 0; i < 4; i++)
      expect((await loginReq({ email: me, password: `bad-password-${i}` })).statusCode).toBe(401);
    const fifth = await loginReq({ email: me, password: 'bad-password-5' }, { 'accept-language': 'en-US' });
    expect(fifth.statusCode).toBe(423);
    expect(json<ErrBody>(fifth).error.message).toContain('15 minutes');
    // even the right password is refused while locked
    expect((await loginReq({ email: me, password: PASSWORD })).statusCode).toBe(423);
    const log = json<{ data: { email: string; result: string }[] }>(
      await admin.get('/api/v1/admin/login-log'),
    ).data.filter((l) => l.email === me);
    expect(log.map((l) => l.result)).toContain('bad_password_locked');
    expect(log.map((l) => l.result)).toContain('locked');
    // an admin can lift the lock
    const users = json<{ data: { id: string; email: string }[] }>(
      await admin.get('/api/v1/admin/users'),
    ).data;
    const id = users.find((u) => u.email === me)?.id;
    expect((await admin.post(`/api/v1/admin/users/${id}/unlock`)).statusCode).toBe(204);
    expect((await loginReq({ email: me, password: PASSWORD })).statusCode).toBe(200);
  });

  it('asks for the tenant when an e-mail exists in two tenants', async () => {
    const other = await newTenant(built);
    const otherAdmin = await login(built.app, other.adminEmail);
    const email = `shared-${Date.now()}@example.test`;
    for (const c of [admin, otherAdmin])
      expect(
        (
          await c.post('/api/v1/admin/users', {
            email,
            name: 'Shared',
            password: PASSWORD,
            role: 'sales_rep',
          })
        ).statusCode,
      ).toBe(201);
    const ambiguous = await loginReq({ email, password: PASSWORD });
    expect(ambiguous.statusCode).toBe(400);
    expect(json<ErrBody>(ambiguous).error.details[0]?.field).toBe('tenant');
    expect((await loginReq({ email, password: PASSWORD, tenant: other.slug })).statusCode).toBe(200);
  });

  it('rate-limits sign-in attempts per client IP', async () => {
    const ip = { 'x-forwarded-for': '192.0.2.77' };
    const codes: number[] = [];
    for (let i = 0; i < 22; i++)
      codes.push((await loginReq({ email: 'nobody@x.test', password: 'whatever-123' }, ip)).statusCode);
    expect(codes.slice(0, 20).every((c) => c === 401)).toBe(true);
    expect(codes[21]).toBe(429);
    expect((await loginReq({ email: 'nobody@x.test', password: 'whatever-123' })).statusCode).toBe(401);
  });

  it('enforces the password policy', async () => {
    for (const [pw, issue] of [
      ['short', 'at least 10'],
      ['password123', 'too common'],
      ['1234567890', 'too common'],
      ['aaaaaaaaaaaa', 'too common'],
    ] as const) {
      const res = await admin.post(
        '/api/v1/admin/users',
        { email: `p${Date.now()}@x.test`, name: 'P', password: pw, role: 'sales_rep' },
        { 'accept-language': 'en-US' },
      );
      expect(res.statusCode, pw).toBe(422);
      expect(json<ErrBody>(res).error.details[0]?.issue, pw).toContain(issue);
    }
  });
});

describe('sessions', () => {
  it('requires the CSRF header on cookie-authenticated writes', async () => {
    const c = await login(built.app, tenant.adminEmail);
    const headers = c.headers;
    const noCsrf = new Client(built.app, { cookie: headers.cookie ?? '' });
    const res = await noCsrf.post('/api/v1/objects/account', { name: 'csrf' });
    expect(res.statusCode).toBe(403);
    expect(json<ErrBody>(res).error.code).toBe('forbidden');
    expect((await noCsrf.get('/api/v1/me')).statusCode).toBe(200);
  });

  it('logs out one session, or every session of the user', async () => {
    const a = await login(built.app, tenant.adminEmail);
    const b = await login(built.app, tenant.adminEmail);
    expect((await a.post('/api/v1/auth/logout')).statusCode).toBe(204);
    expect((await a.get('/api/v1/me')).statusCode).toBe(401);
    expect((await b.get('/api/v1/me')).statusCode).toBe(200);
    const c = await login(built.app, tenant.adminEmail);
    expect(
      json<{ data: { sessions_ended: number } }>(await c.post('/api/v1/auth/logout-all')).data.sessions_ended,
    ).toBeGreaterThanOrEqual(2);
    expect((await b.get('/api/v1/me')).statusCode).toBe(401);
    admin = await login(built.app, tenant.adminEmail);
  });

  it('expires idle sessions with a session_expired message', async () => {
    const c = await login(built.app, tenant.adminEmail);
    await sql`update session set last_seen_at = now() - interval '3 hours' where tenant_id = ${tenant.tenantId} and revoked_at is null and last_seen_at > now() - interval '1 minute'`.execute(
      built.platform.db.kysely,
    );
    const res = await c.get('/api/v1/me', { 'accept-language': 'en-US' });
    expect(res.statusCode).toBe(401);
    expect(json<ErrBody>(res).error.message).toMatch(/expired/);
    admin = await login(built.app, tenant.adminEmail);
  });

  it('answers 401 without credentials and with forged tokens', async () => {
    expect((await built.app.inject({ method: 'GET', url: '/api/v1/me' })).statusCode).toBe(401);
    expect(
      (
        await built.app.inject({
          method: 'GET',
          url: '/api/v1/me',
          headers: { cookie: 'fw_session=fws_garbage' },
        })
      ).statusCode,
    ).toBe(401);
    expect((await apiKeyClient(built.app, 'fwk_nope').get('/api/v1/me')).statusCode).toBe(401);
  });
});

describe('API keys', () => {
  it('are shown once, act with their role, record last use, and can be revoked', async () => {
    const res = await admin.post('/api/v1/admin/api-keys', { name: 'ERP', role: 'read_only' });
    expect(res.statusCode).toBe(201);
    const { key, id } = json<{ data: { key: string; id: string } }>(res).data;
    const k = apiKeyClient(built.app, key);
    expect((await k.get('/api/v1/objects/account')).statusCode).toBe(200);
    const write = await k.post('/api/v1/objects/account', { name: 'no' });
    expect(write.statusCode).toBe(403);
    const list = json<{ data: { id: string; last_used_at: string | null; prefix: string }[] }>(
      await admin.get('/api/v1/admin/api-keys'),
    ).data;
    const row = list.find((x) => x.id === id);
    expect(row?.last_used_at).toBeTruthy();
    expect(JSON.stringify(list)).not.toContain(key);
    expect((await admin.delete(`/api/v1/admin/api-keys/${id}`)).statusCode).toBe(204);
    expect((await k.get('/api/v1/objects/account')).statusCode).toBe(401);
    expect((await admin.post('/api/v1/admin/api-keys', { name: 'x', role: 'nope' })).statusCode).toBe(422);
  });
});

describe('two-factor (TOTP)', () => {
  it('enrols with an otpauth URI, then requires a code (or a one-time recovery code) at sign-in', async () => {
    const user = await userWithRole(admin, 'sales_rep');
    const email = json<{ data: { user: { email: string } } }>(await user.get('/api/v1/me')).data.user.email;
    const enrol = json<{ data: { secret: string; otpauth_uri: string; qr_data_url: string } }>(
      await user.post('/api/v1/me/totp/enroll'),
    ).data;
    expect(enrol.otpauth_uri).toMatch(/^otpauth:\/\/totp\//);
    expect(enrol.qr_data_url).toMatch(/^data:image\/png;base64,/);
    const totp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(enrol.secret) });
    expect((await user.post('/api/v1/me/totp/confirm', { code: '000000' })).statusCode).toBe(422);
    const confirm = await user.post('/api/v1/me/totp/confirm', { code: totp.generate() });
    expect(confirm.statusCode).toBe(200);
    const codes = json<{ data: { recovery_codes: string[] } }>(confirm).data.recovery_codes;
    expect(codes).toHaveLength(10);

    const noCode = await loginReq({ email, password: PASSWORD });
    expect(noCode.statusCode).toBe(401);
    expect(json<ErrBody>(noCode).error.details[0]?.field).toBe('totp');
    expect((await loginReq({ email, password: PASSWORD, totp: '123456' })).statusCode).toBe(401);
    // the code used to confirm is spent; the next time step's code works once
    const confirmed = totp.generate();
    expect((await loginReq({ email, password: PASSWORD, totp: confirmed })).statusCode).toBe(401);
    const next = totp.generate({ timestamp: Date.now() + 30_000 });
    expect((await loginReq({ email, password: PASSWORD, totp: next })).statusCode).toBe(200);
    expect((await loginReq({ email, password: PASSWORD, totp: next })).statusCode).toBe(401);
    // re-enrolling over a working second factor is refused
    expect((await user.post('/api/v1/me/totp/enroll')).statusCode).toBe(409);
    expect((await loginReq({ email, password: PASSWORD, totp: codes[0] })).statusCode).toBe(200);
    expect((await loginReq({ email, password: PASSWORD, totp: codes[0] })).statusCode).toBe(401);
  });
});

describe('health and documentation', () => {
  it('serves health, the OpenAPI document and security headers', async () => {
    const h = await built.app.inject({ method: 'GET', url: '/api/v1/health' });
    expect(h.json()).toEqual({ status: 'ok' });
    expect(h.headers['x-content-type-options']).toBe('nosniff');
    expect(h.headers['x-request-id']).toBeTruthy();
    const doc = await built.app.inject({ method: 'GET', url: '/api/openapi.json' });
    const spec = doc.json() as { openapi: string; paths: Record<string, unknown> };
    expect(spec.openapi).toMatch(/^3\./);
    for (const p of [
      '/api/v1/objects/{object}',
      '/api/v1/auth/login',
      '/api/v1/admin/jobs/{job}/run',
      '/api/v1/objects/{object}/imports',
    ])
      expect(Object.keys(spec.paths)).toContain(p);
    expect((await built.app.inject({ method: 'GET', url: '/api/docs/' })).statusCode).toBe(200);
  });

  it('answers unknown routes with the error model', async () => {
    const r = await built.app.inject({
      method: 'GET',
      url: '/api/v1/nope',
      headers: { 'accept-language': 'en-US' },
    });
    expect(r.statusCode).toBe(404);
    expect(r.json()).toMatchObject({ error: { code: 'not_found', message: 'No such endpoint' } });
  });
});

describe('account changes need a real session', () => {
  it('API keys cannot change the creator’s password or 2FA, and stop when the creator is disabled', async () => {
    const owner = await userWithRole(admin, 'sales_manager');
    const ownerId = owner.userId ?? '';
    // an admin-created key acting for `owner` (as if owner had created it)
    const k = await built.platform.auth.createApiKey(tenant.tenantId, {
      name: 'owner key',
      roleKey: 'sales_manager',
      createdBy: ownerId,
    });
    const key = apiKeyClient(built.app, k.key);
    expect((await key.get('/api/v1/me')).statusCode).toBe(200);
    for (const [url, body] of [
      ['/api/v1/me/password', { current_password: PASSWORD, new_password: 'Another-Secret-77' }],
      ['/api/v1/me/totp/enroll', {}],
      ['/api/v1/auth/logout-all', {}],
    ] as const) {
      const r = await key.post(url, body);
      expect(r.statusCode, url).toBe(403);
    }
    expect((await admin.patch(`/api/v1/admin/users/${ownerId}`, { status: 'disabled' })).statusCode).toBe(
      200,
    );
    expect((await key.get('/api/v1/me')).statusCode).toBe(401);
  });

  it('changing the password ends the user’s other sessions', async () => {
    const u = await userWithRole(admin, 'sales_rep');
    const email = json<{ data: { user: { email: string } } }>(await u.get('/api/v1/me')).data.user.email;
    const other = await login(built.app, email);
    const r = await u.post('/api/v1/me/password', {
      current_password: PASSWORD,
      new_password: 'Brand-New-Secret-31',
    });
    expect(r.statusCode, r.body).toBe(204);
    expect((await u.get('/api/v1/me')).statusCode).toBe(200);
    expect((await other.get('/api/v1/me')).statusCode).toBe(401);
    expect(
      (
        await u.post('/api/v1/me/password', {
          current_password: 'wrong-one-123',
          new_password: 'Whatever-Secret-9',
        })
      ).statusCode,
    ).toBe(422);
  });

  it('refuses blank department ids with 422 instead of failing', async () => {
    const r = await admin.post('/api/v1/admin/users', {
      email: `d${Date.now()}@x.test`,
      name: 'D',
      password: PASSWORD,
      role: 'sales_rep',
      department_id: '',
    });
    expect(r.statusCode).toBe(422);
    expect(json<ErrBody>(r).error.details[0]?.field).toBe('department_id');
    expect((await admin.post('/api/v1/admin/departments', { name: 'x', parent_id: '' })).statusCode).toBe(
      422,
    );
  });
});
