import { z } from 'zod';
import QRCode from 'qrcode';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { actorOf, adminOf, CSRF_COOKIE, SESSION_COOKIE, sessionActorOf } from '../http/auth.hooks.ts';
import { invalid, notFound } from '../http/errors.ts';
import { isUuid } from '../db/ids.ts';
import { LOCALES } from '../i18n/i18n.ts';
import { SCOPES } from '../access/permissions.ts';
import type { AuthService } from './auth.service.ts';
import type { UsersService } from './users.service.ts';
import { findTenantById } from './tenants.service.ts';
import type { Db } from '../db/pool.ts';
import { sql } from 'kysely';
import { TenantDb } from '../db/tenant-db.ts';
import { writeAudit } from '../audit/audit.ts';
import { publicSmtp } from '../notify/smtp-settings.ts';
import {
  ApiKey,
  dataOf,
  Department,
  DirectoryUser,
  listOf,
  LoginLogEntry,
  LoginResult,
  Me,
  noContent,
  responses,
  Role,
  TenantSettings,
  User,
} from '../http/response-schemas.ts';

const labels = z.object({ 'zh-CN': z.string().min(1).max(80), 'en-US': z.string().min(1).max(80) });
const idParams = z.object({ id: z.string() });

export interface IdentityRouteDeps {
  db: Db;
  auth: AuthService;
  users: UsersService;
  secureCookies: boolean;
  loginRateLimit: number;
  /** Wraps protected routes: runs authentication first. */
  protectedScope: (fn: (app: FastifyInstance) => void) => void;
}

function setSessionCookies(
  reply: FastifyReply,
  token: string,
  csrf: string,
  expires: Date,
  secure: boolean,
): void {
  reply.setCookie(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'lax', secure, path: '/', expires });
  reply.setCookie(CSRF_COOKIE, csrf, { httpOnly: false, sameSite: 'lax', secure, path: '/', expires });
}

export function registerIdentityRoutes(app: FastifyInstance, deps: IdentityRouteDeps): void {
  const { auth, users } = deps;
  const pub = app.withTypeProvider<ZodTypeProvider>();

  pub.post(
    '/api/v1/auth/login',
    {
      config: { rateLimit: { max: deps.loginRateLimit, timeWindow: '1 minute' } },
      schema: {
        tags: ['auth'],
        summary: 'Sign in with e-mail and password (and TOTP code when enrolled)',
        response: responses({ 200: dataOf(LoginResult) }),
        security: [],
        body: z.strictObject({
          tenant: z.string().max(40).optional(),
          email: z.string().min(1).max(254),
          password: z.string().min(1).max(1024),
          totp: z.string().max(32).optional(),
        }),
      },
    },
    async (req, reply) => {
      const s = await auth.login({ ...req.body, ip: req.ip, userAgent: req.headers['user-agent'] });
      setSessionCookies(reply, s.token, s.csrfToken, s.expiresAt, deps.secureCookies);
      return {
        data: {
          csrf_token: s.csrfToken,
          expires_at: s.expiresAt.toISOString(),
          user_id: s.userId,
          tenant_id: s.tenantId,
        },
      };
    },
  );

  deps.protectedScope((scoped) => {
    const r = scoped.withTypeProvider<ZodTypeProvider>();
    r.post(
      '/api/v1/auth/logout',
      {
        schema: { tags: ['auth'], summary: 'Sign out this session', response: responses({ 204: noContent }) },
      },
      async (req, reply) => {
        const actor = actorOf(req);
        if (req.sessionId) await auth.logout(actor.tenantId, req.sessionId);
        reply.clearCookie(SESSION_COOKIE, { path: '/' }).clearCookie(CSRF_COOKIE, { path: '/' });
        return reply.status(204).send();
      },
    );
    r.post(
      '/api/v1/auth/logout-all',
      {
        schema: {
          tags: ['auth'],
          summary: 'Sign out every session of the current user',
          response: responses({ 200: dataOf(z.strictObject({ sessions_ended: z.number().int() })) }),
        },
      },
      async (req, reply) => {
        const n = await auth.logoutEverywhere(sessionActorOf(req));
        reply.clearCookie(SESSION_COOKIE, { path: '/' }).clearCookie(CSRF_COOKIE, { path: '/' });
        return { data: { sessions_ended: n } };
      },
    );

    r.get(
      '/api/v1/me',
      {
        schema: {
          tags: ['auth'],
          summary: 'The signed-in user, tenant and permissions',
          response: responses({ 200: dataOf(Me) }),
        },
      },
      async (req) => {
        const a = actorOf(req);
        const tenant = await findTenantById(deps.db, a.tenantId);
        const user = a.userId ? await users.getUser(a.tenantId, a.userId) : null;
        return {
          data: {
            user,
            tenant: tenant && {
              id: tenant.id,
              slug: tenant.slug,
              name: tenant.name,
              time_zone: tenant.time_zone,
              currency: tenant.currency,
              locale: tenant.locale,
            },
            role: { id: a.roleId, key: a.roleKey, is_admin: a.isAdmin, permissions: a.permissions },
            locale: a.locale,
            via: a.apiKeyId ? 'api_key' : 'session',
          },
        };
      },
    );
    r.patch(
      '/api/v1/me',
      {
        schema: {
          tags: ['auth'],
          summary: 'Update own profile (language)',
          response: responses({ 200: dataOf(User) }),
          body: z.strictObject({
            locale: z.enum(LOCALES).optional(),
            name: z.string().min(1).max(80).optional(),
          }),
        },
      },
      async (req) => {
        const a = sessionActorOf(req);
        if (!a.userId) throw notFound();
        return { data: await users.updateUser(a, a.userId, req.body) };
      },
    );
    r.post(
      '/api/v1/me/password',
      {
        schema: {
          tags: ['auth'],
          summary: 'Change own password',
          response: responses({ 204: noContent }),
          body: z.strictObject({
            current_password: z.string().max(1024),
            new_password: z.string().max(1024),
          }),
        },
      },
      async (req, reply) => {
        await auth.changePassword(
          sessionActorOf(req),
          req.body.current_password,
          req.body.new_password,
          req.sessionId,
        );
        return reply.status(204).send();
      },
    );
    r.post(
      '/api/v1/me/totp/enroll',
      {
        schema: {
          tags: ['auth'],
          summary: 'Start TOTP enrolment: secret, otpauth URI and QR code',
          response: responses({
            200: dataOf(
              z.strictObject({ secret: z.string(), otpauth_uri: z.string(), qr_data_url: z.string() }),
            ),
          }),
        },
      },
      async (req) => {
        const e = await auth.totpEnroll(sessionActorOf(req));
        return { data: { secret: e.secret, otpauth_uri: e.uri, qr_data_url: await QRCode.toDataURL(e.uri) } };
      },
    );
    r.post(
      '/api/v1/me/totp/confirm',
      {
        schema: {
          tags: ['auth'],
          summary: 'Confirm TOTP with a code; returns recovery codes once',
          response: responses({ 200: dataOf(z.strictObject({ recovery_codes: z.array(z.string()) })) }),
          body: z.strictObject({ code: z.string().max(12) }),
        },
      },
      async (req) => ({
        data: { recovery_codes: await auth.totpConfirm(sessionActorOf(req), req.body.code) },
      }),
    );
    r.post(
      '/api/v1/me/totp/disable',
      {
        schema: {
          tags: ['auth'],
          summary: 'Turn TOTP off (needs the password)',
          response: responses({ 204: noContent }),
          body: z.strictObject({ password: z.string().max(1024) }),
        },
      },
      async (req, reply) => {
        await auth.totpDisable(sessionActorOf(req), req.body.password);
        return reply.status(204).send();
      },
    );

    // --- administration ---
    const admin = ['admin'];
    r.get(
      '/api/v1/admin/users',
      { schema: { tags: admin, summary: 'Users', response: responses({ 200: listOf(User) }) } },
      async (req) => ({
        data: await users.listUsers(adminOf(req).tenantId),
      }),
    );
    r.post(
      '/api/v1/admin/users',
      {
        schema: {
          tags: admin,
          summary: 'Create a user',
          response: responses({ 201: dataOf(User) }),
          body: z.strictObject({
            email: z.string().max(254),
            name: z.string().max(80),
            password: z.string().max(1024),
            role: z.string().max(40),
            department_id: z.string().nullable().optional(),
            partner_account_id: z.string().nullable().optional(),
            locale: z.enum(LOCALES).nullable().optional(),
          }),
        },
      },
      async (req, reply) => reply.status(201).send({ data: await users.createUser(adminOf(req), req.body) }),
    );
    r.patch(
      '/api/v1/admin/users/:id',
      {
        schema: {
          tags: admin,
          summary: 'Update a user (role, department, partner, status)',
          response: responses({ 200: dataOf(User) }),
          params: idParams,
          body: z.strictObject({
            name: z.string().max(80).optional(),
            role: z.string().max(40).optional(),
            department_id: z.string().nullable().optional(),
            partner_account_id: z.string().nullable().optional(),
            status: z.enum(['active', 'disabled']).optional(),
            locale: z.enum(LOCALES).nullable().optional(),
          }),
        },
      },
      async (req) => ({ data: await users.updateUser(adminOf(req), req.params.id, req.body) }),
    );
    r.post(
      '/api/v1/admin/users/:id/reset-password',
      {
        schema: {
          tags: admin,
          summary: 'Set a new password for a user (ends their sessions)',
          response: responses({ 204: noContent }),
          params: idParams,
          body: z.strictObject({ password: z.string().max(1024) }),
        },
      },
      async (req, reply) => {
        await users.resetPassword(adminOf(req), req.params.id, req.body.password);
        return reply.status(204).send();
      },
    );
    r.put(
      '/api/v1/admin/settings/profile',
      {
        schema: {
          tags: admin,
          summary: 'Tenant profile: name, time zone, currency, default language',
          response: responses({ 204: noContent }),
          body: z.strictObject({
            name: z.string().trim().min(1).max(100),
            time_zone: z.string().max(64),
            currency: z.string().regex(/^[A-Z]{3}$/),
            locale: z.enum(LOCALES),
          }),
        },
      },
      async (req, reply) => {
        const a = adminOf(req);
        const b = req.body;
        // a zone PostgreSQL and Intl both know, or periods would be computed wrongly
        let zoneOk = true;
        try {
          new Intl.DateTimeFormat('en', { timeZone: b.time_zone });
        } catch {
          zoneOk = false;
        }
        if (
          !zoneOk ||
          !(await TenantDb.for(deps.db, a.tenantId).one(
            sql`select 1 from pg_timezone_names where name = ${b.time_zone}`,
          ))
        )
          throw invalid([{ field: 'time_zone', issue: 'invalid_value' }]);
        await TenantDb.for(deps.db, a.tenantId).transaction(async (tx) => {
          const before = await findTenantById(deps.db, a.tenantId);
          await tx.exec0(
            sql`update tenant set name = ${b.name}, time_zone = ${b.time_zone}, currency = ${b.currency}, locale = ${b.locale} where id = ${a.tenantId}`,
          );
          await writeAudit(tx, a, [
            {
              action: 'admin',
              object: 'settings',
              recordId: null,
              changes: {
                profile: [
                  before && {
                    name: before.name,
                    time_zone: before.time_zone,
                    currency: before.currency,
                    locale: before.locale,
                  },
                  b,
                ],
              },
            },
          ]);
        });
        return reply.status(204).send();
      },
    );
    r.post(
      '/api/v1/admin/users/:id/unlock',
      {
        schema: {
          tags: admin,
          summary: 'Lift a login lockout',
          params: idParams,
          response: responses({ 204: noContent }),
        },
      },
      async (req, reply) => {
        await users.unlockUser(adminOf(req), req.params.id);
        return reply.status(204).send();
      },
    );
    r.get(
      '/api/v1/users',
      {
        schema: {
          tags: admin,
          summary: 'Active users of the tenant (for owner and assignee pickers)',
          response: responses({ 200: listOf(DirectoryUser) }),
        },
      },
      async (req) => {
        const a = actorOf(req);
        return {
          data: await TenantDb.for(deps.db, a.tenantId).query(
            sql`select id, name, email, department_id from app_user where tenant_id = ${a.tenantId} and status = 'active' order by name`,
          ),
        };
      },
    );
    r.get(
      '/api/v1/departments',
      {
        schema: {
          tags: admin,
          summary: 'Department tree (flat list with parent ids)',
          response: responses({ 200: listOf(Department) }),
        },
      },
      async (req) => ({
        data: await users.listDepartments(actorOf(req).tenantId),
      }),
    );
    r.post(
      '/api/v1/admin/departments',
      {
        schema: {
          tags: admin,
          summary: 'Create a department',
          response: responses({ 201: dataOf(Department) }),
          body: z.strictObject({ name: z.string().max(80), parent_id: z.string().nullable().optional() }),
        },
      },
      async (req, reply) =>
        reply.status(201).send({ data: await users.createDepartment(adminOf(req), req.body) }),
    );
    r.patch(
      '/api/v1/admin/departments/:id',
      {
        schema: {
          tags: admin,
          summary: 'Rename or move a department',
          response: responses({ 200: dataOf(Department) }),
          params: idParams,
          body: z.strictObject({
            name: z.string().max(80).optional(),
            parent_id: z.string().nullable().optional(),
          }),
        },
      },
      async (req) => ({ data: await users.updateDepartment(adminOf(req), req.params.id, req.body) }),
    );
    const permissionsBody = z.strictObject({
      objects: z.record(
        z.string(),
        z.strictObject({
          create: z.boolean().optional(),
          read: z.boolean().optional(),
          update: z.boolean().optional(),
          delete: z.boolean().optional(),
          import: z.boolean().optional(),
          export: z.boolean().optional(),
          scope: z.enum(SCOPES).optional(),
        }),
      ),
      fields: z.record(z.string(), z.record(z.string(), z.enum(['hidden', 'read']))).optional(),
    });
    r.get(
      '/api/v1/admin/roles',
      {
        schema: {
          tags: admin,
          summary: 'Roles and their permissions',
          response: responses({ 200: listOf(Role) }),
        },
      },
      async (req) => ({ data: await users.listRoles(adminOf(req).tenantId) }),
    );
    r.post(
      '/api/v1/admin/roles',
      {
        schema: {
          tags: admin,
          summary: 'Create a role',
          response: responses({ 201: dataOf(Role) }),
          body: z.strictObject({ key: z.string().max(40), name: labels, permissions: permissionsBody }),
        },
      },
      async (req, reply) => reply.status(201).send({ data: await users.createRole(adminOf(req), req.body) }),
    );
    r.patch(
      '/api/v1/admin/roles/:id',
      {
        schema: {
          tags: admin,
          summary: 'Change a role',
          response: responses({ 200: dataOf(Role) }),
          params: idParams,
          body: z.strictObject({
            name: labels.optional(),
            permissions: permissionsBody.optional(),
            version: z.number().int().optional(),
          }),
        },
      },
      async (req) => ({ data: await users.updateRole(adminOf(req), req.params.id, req.body) }),
    );
    r.get(
      '/api/v1/admin/api-keys',
      {
        schema: {
          tags: admin,
          summary: 'API keys (never the secret)',
          response: responses({ 200: listOf(ApiKey) }),
        },
      },
      async (req) => {
        const a = adminOf(req);
        return {
          data: await TenantDb.for(deps.db, a.tenantId).query(
            sql`select k.id, k.name, k.prefix, r.key as role, k.created_at, k.last_used_at, k.revoked_at from api_key k join role r on r.tenant_id = k.tenant_id and r.id = k.role_id where k.tenant_id = ${a.tenantId} order by k.created_at`,
          ),
        };
      },
    );
    r.post(
      '/api/v1/admin/api-keys',
      {
        schema: {
          tags: admin,
          summary: 'Create an API key (the key is returned once)',
          response: responses({
            201: dataOf(z.strictObject({ id: z.string(), key: z.string(), prefix: z.string() })),
          }),
          body: z.strictObject({ name: z.string().max(80), role: z.string().max(40) }),
        },
      },
      async (req, reply) => {
        const a = adminOf(req);
        const k = await auth.createApiKey(a.tenantId, {
          name: req.body.name,
          roleKey: req.body.role,
          createdBy: a.userId,
        });
        return reply.status(201).send({ data: { id: k.id, key: k.key, prefix: k.prefix } });
      },
    );
    r.delete(
      '/api/v1/admin/api-keys/:id',
      {
        schema: {
          tags: admin,
          summary: 'Revoke an API key',
          params: idParams,
          response: responses({ 204: noContent }),
        },
      },
      async (req, reply) => {
        const a = adminOf(req);
        if (!isUuid(req.params.id)) throw notFound();
        const tdb = TenantDb.for(deps.db, a.tenantId);
        const n = await tdb.transaction(async (tx) => {
          const count = await tx.exec0(
            sql`update api_key set revoked_at = now() where tenant_id = ${a.tenantId} and id = ${req.params.id} and revoked_at is null`,
          );
          if (count) {
            await writeAudit(tx, a, [
              {
                action: 'admin',
                object: 'api_key',
                recordId: req.params.id,
                changes: { revoked: [false, true] },
              },
            ]);
          }
          return count;
        });
        if (!n) throw notFound();
        return reply.status(204).send();
      },
    );
    r.get(
      '/api/v1/admin/settings',
      {
        schema: {
          tags: admin,
          summary: 'Tenant settings (security, SMTP without its password)',
          response: responses({ 200: dataOf(TenantSettings) }),
        },
      },
      async (req) => {
        const a = adminOf(req);
        const t = await findTenantById(deps.db, a.tenantId);
        const smtp = t?.settings.smtp;
        return {
          data: {
            time_zone: t?.time_zone,
            currency: t?.currency,
            locale: t?.locale,
            security: {
              lockout_threshold: t?.settings.security?.lockoutThreshold ?? 5,
              lockout_minutes: t?.settings.security?.lockoutMinutes ?? 15,
              session_idle_minutes: t?.settings.security?.sessionIdleMinutes ?? null,
              session_absolute_hours: t?.settings.security?.sessionAbsoluteHours ?? null,
            },
            smtp: publicSmtp(smtp),
          },
        };
      },
    );
    r.put(
      '/api/v1/admin/settings/security',
      {
        schema: {
          tags: admin,
          summary: 'Lockout and session expiry for this tenant',
          response: responses({ 204: noContent }),
          body: z.strictObject({
            lockout_threshold: z.number().int().min(3).max(20),
            lockout_minutes: z
              .number()
              .int()
              .min(1)
              .max(24 * 60),
            session_idle_minutes: z
              .number()
              .int()
              .min(5)
              .max(7 * 24 * 60)
              .nullable(),
            session_absolute_hours: z
              .number()
              .int()
              .min(1)
              .max(90 * 24)
              .nullable(),
          }),
        },
      },
      async (req, reply) => {
        const a = adminOf(req);
        const b = req.body;
        const security = {
          lockoutThreshold: b.lockout_threshold,
          lockoutMinutes: b.lockout_minutes,
          ...(b.session_idle_minutes !== null ? { sessionIdleMinutes: b.session_idle_minutes } : {}),
          ...(b.session_absolute_hours !== null ? { sessionAbsoluteHours: b.session_absolute_hours } : {}),
        };
        await TenantDb.for(deps.db, a.tenantId).transaction(async (tx) => {
          const before = await findTenantById(deps.db, a.tenantId);
          await tx.exec0(
            sql`update tenant set settings = jsonb_set(settings, '{security}', ${JSON.stringify(security)}::jsonb) where id = ${a.tenantId}`,
          );
          await writeAudit(tx, a, [
            {
              action: 'admin',
              object: 'settings',
              recordId: null,
              changes: { security: [before?.settings.security ?? null, security] },
            },
          ]);
        });
        return reply.status(204).send();
      },
    );
    r.get(
      '/api/v1/admin/login-log',
      {
        schema: {
          tags: admin,
          summary: 'Sign-in attempts (newest first)',
          response: responses({ 200: listOf(LoginLogEntry) }),
          querystring: z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) }),
        },
      },
      async (req) => {
        const a = adminOf(req);
        return {
          data: await TenantDb.for(deps.db, a.tenantId).query(
            sql`select id, user_id, email, at, ip, user_agent, result from login_log where tenant_id = ${a.tenantId} order by at desc limit ${req.query.limit}`,
          ),
        };
      },
    );
  });
}
