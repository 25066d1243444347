import { sql } from 'kysely';
import * as OTPAuth from 'otpauth';
import type { Db } from '../db/pool.ts';
import { TenantDb } from '../db/tenant-db.ts';
import { newId } from '../db/ids.ts';
import { AppError, invalid } from '../http/errors.ts';
import type { Actor } from '../access/permissions.ts';
import { writeAudit } from '../audit/audit.ts';
import { loadActor } from './actor.ts';
import { checkPassword, hashPassword, verifyPassword } from './passwords.ts';
import { composeToken, parseToken, randomToken, safeEqual, sha256 } from './tokens.ts';
import { findTenantById, type TenantSettings } from './tenants.service.ts';

export interface SessionSettings {
  idleMinutes: number;
  absoluteHours: number;
}

interface LoginUser {
  tenant_id: string;
  id: string;
  email: string;
  password_hash: string | null;
  status: string;
  failed_logins: number;
  locked_until: Date | null;
  totp_enabled: boolean;
  totp_secret: string | null;
  totp_last_step: number | null;
  recovery_codes: string[];
  settings: TenantSettings;
}

export interface LoginInput {
  tenant?: string | undefined;
  email: string;
  password: string;
  totp?: string | undefined;
  ip: string;
  userAgent: string | undefined;
}

export interface SessionResult {
  token: string;
  csrfToken: string;
  expiresAt: Date;
  tenantId: string;
  userId: string;
}

// Verifying against a real hash when the user does not exist keeps response times alike.
const DUMMY_HASH = await hashPassword('flywheel-timing-equaliser');

export class AuthService {
  constructor(
    private readonly db: Db,
    private readonly defaults: SessionSettings,
  ) {}

  private security(settings: TenantSettings): {
    threshold: number;
    lockMinutes: number;
    idle: number;
    absolute: number;
  } {
    const s = settings.security ?? {};
    return {
      threshold: s.lockoutThreshold ?? 5,
      lockMinutes: s.lockoutMinutes ?? 15,
      idle: s.sessionIdleMinutes ?? this.defaults.idleMinutes,
      absolute: s.sessionAbsoluteHours ?? this.defaults.absoluteHours,
    };
  }

  private async logLogin(
    tenantId: string,
    userId: string | null,
    email: string,
    input: LoginInput,
    result: string,
  ): Promise<void> {
    await TenantDb.for(this.db, tenantId).exec0(
      sql`insert into login_log (tenant_id, id, user_id, email, ip, user_agent, result) values (${tenantId}, ${newId()}, ${userId}, ${email}, ${input.ip}, ${input.userAgent ?? null}, ${result})`,
    );
  }

  async login(input: LoginInput): Promise<SessionResult> {
    const email = input.email.trim().toLowerCase();
    const r = await sql<LoginUser>`
      select u.tenant_id, u.id, u.email, u.password_hash, u.status, u.failed_logins, u.locked_until,
             u.totp_enabled, u.totp_secret, u.totp_last_step, u.recovery_codes, t.settings
      from app_user u join tenant t on t.id = u.tenant_id
      where u.email = ${email} and (${input.tenant ?? null}::text is null or t.slug = ${input.tenant ?? null})`.execute(
      this.db.kysely,
    );
    if (r.rows.length > 1)
      throw new AppError('bad_request', 'tenant_required', [{ field: 'tenant', issue: 'required' }]);
    const user = r.rows[0];
    if (!user || !user.password_hash) {
      await verifyPassword(DUMMY_HASH, input.password);
      throw new AppError('unauthorized', 'invalid_credentials');
    }
    const sec = this.security(user.settings);
    const now = new Date();
    if (user.locked_until && user.locked_until > now) {
      await this.logLogin(user.tenant_id, user.id, email, input, 'locked');
      const minutes = Math.ceil((user.locked_until.getTime() - now.getTime()) / 60_000);
      throw new AppError('locked', 'account_locked', [], { minutes });
    }
    const tdb = TenantDb.for(this.db, user.tenant_id);
    const fail = async (result: string, key: 'invalid_credentials' | 'totp_invalid'): Promise<never> => {
      // Counted in SQL: parallel wrong guesses each count.
      const r = await tdb.one(
        sql<{ locked: boolean }>`update app_user set
            failed_logins = case when failed_logins + 1 >= ${sec.threshold} then 0 else failed_logins + 1 end,
            locked_until = case when failed_logins + 1 >= ${sec.threshold} then now() + make_interval(mins => ${sec.lockMinutes}) else locked_until end
          where tenant_id = ${user.tenant_id} and id = ${user.id}
          returning coalesce(locked_until > now(), false) as locked`,
      );
      const lock = r?.locked ?? false;
      await this.logLogin(user.tenant_id, user.id, email, input, lock ? `${result}_locked` : result);
      if (lock) throw new AppError('locked', 'account_locked', [], { minutes: sec.lockMinutes });
      throw new AppError('unauthorized', key);
    };
    if (!(await verifyPassword(user.password_hash, input.password)))
      return fail('bad_password', 'invalid_credentials');
    if (user.status !== 'active') {
      await this.logLogin(user.tenant_id, user.id, email, input, 'disabled');
      throw new AppError('forbidden', 'account_disabled');
    }
    if (user.totp_enabled && user.totp_secret) {
      if (!input.totp) {
        await this.logLogin(user.tenant_id, user.id, email, input, 'totp_required');
        throw new AppError('unauthorized', 'totp_required', [{ field: 'totp', issue: 'required' }]);
      }
      const code = input.totp.replace(/\s/g, '');
      const step = totpStep(user.totp_secret, code);
      // A code is good once: a step at or before the last accepted one is a replay.
      const totpOk = step !== null && (user.totp_last_step === null || step > user.totp_last_step);
      const recoveryIdx = totpOk ? -1 : user.recovery_codes.indexOf(sha256(code.toLowerCase()));
      if (!totpOk && recoveryIdx < 0) return fail('bad_totp', 'totp_invalid');
      // Spend the code or recovery code atomically: of two parallel sign-ins with it, one wins.
      let spent = false;
      if (totpOk)
        spent =
          (await tdb.exec0(
            sql`update app_user set totp_last_step = ${step} where tenant_id = ${user.tenant_id} and id = ${user.id} and (totp_last_step is null or totp_last_step < ${step})`,
          )) === 1;
      else if (recoveryIdx >= 0) {
        const hashed = sha256(code.toLowerCase());
        spent =
          (await tdb.exec0(
            sql`update app_user set recovery_codes = recovery_codes - ${hashed}::text where tenant_id = ${user.tenant_id} and id = ${user.id} and recovery_codes ? ${hashed}`,
          )) === 1;
      }
      if (!spent) return fail('bad_totp', 'totp_invalid');
    }
    await tdb.exec0(
      sql`update app_user set failed_logins = 0, locked_until = null where tenant_id = ${user.tenant_id} and id = ${user.id}`,
    );
    await this.logLogin(user.tenant_id, user.id, email, input, 'success');
    return this.createSession(user.tenant_id, user.id, input.ip, input.userAgent, sec);
  }

  private async createSession(
    tenantId: string,
    userId: string,
    ip: string,
    userAgent: string | undefined,
    sec: { absolute: number },
  ): Promise<SessionResult> {
    const id = newId();
    const secret = randomToken();
    const csrfToken = randomToken(24);
    const expiresAt = new Date(Date.now() + sec.absolute * 3_600_000);
    await TenantDb.for(this.db, tenantId).exec0(
      sql`insert into session (tenant_id, id, user_id, token_hash, csrf_token, ip, user_agent, expires_at) values (${tenantId}, ${id}, ${userId}, ${sha256(secret)}, ${csrfToken}, ${ip}, ${userAgent ?? null}, ${expiresAt})`,
    );
    return { token: composeToken('fws', tenantId, id, secret), csrfToken, expiresAt, tenantId, userId };
  }

  /** Session cookie → actor, enforcing idle and absolute expiry; 'expired' lets the UI say so. */
  async resolveSession(
    token: string,
  ): Promise<{ actor: Actor; csrfToken: string; sessionId: string } | 'expired' | undefined> {
    const t = parseToken('fws', token);
    if (!t) return undefined;
    const r = await sql<{
      token_hash: string;
      csrf_token: string;
      user_id: string;
      last_seen_at: Date;
      expires_at: Date;
      revoked_at: Date | null;
      status: string;
      settings: TenantSettings;
    }>`
      select s.token_hash, s.csrf_token, s.user_id, s.last_seen_at, s.expires_at, s.revoked_at, u.status, tn.settings
      from session s join app_user u on u.tenant_id = s.tenant_id and u.id = s.user_id join tenant tn on tn.id = s.tenant_id
      where s.tenant_id = ${t.tenantId} and s.id = ${t.id}`.execute(this.db.kysely);
    const s = r.rows[0];
    if (!s || !safeEqual(s.token_hash, sha256(t.secret)) || s.revoked_at || s.status !== 'active')
      return undefined;
    const sec = this.security(s.settings);
    const now = Date.now();
    if (s.expires_at.getTime() <= now || s.last_seen_at.getTime() + sec.idle * 60_000 <= now)
      return 'expired';
    // Touch at most once a minute: idle expiry needs minute precision, not a write per request.
    if (now - s.last_seen_at.getTime() > 60_000)
      await TenantDb.for(this.db, t.tenantId).exec0(
        sql`update session set last_seen_at = now() where tenant_id = ${t.tenantId} and id = ${t.id}`,
      );
    const actor = await loadActor(this.db, t.tenantId, { userId: s.user_id });
    return actor ? { actor, csrfToken: s.csrf_token, sessionId: t.id } : undefined;
  }

  async logout(tenantId: string, sessionId: string): Promise<void> {
    await TenantDb.for(this.db, tenantId).exec0(
      sql`update session set revoked_at = now() where tenant_id = ${tenantId} and id = ${sessionId} and revoked_at is null`,
    );
  }

  async logoutEverywhere(actor: Actor): Promise<number> {
    return TenantDb.for(this.db, actor.tenantId).exec0(
      sql`update session set revoked_at = now() where tenant_id = ${actor.tenantId} and user_id = ${actor.userId} and revoked_at is null`,
    );
  }

  async resolveApiKey(token: string): Promise<Actor | undefined> {
    const t = parseToken('fwk', token);
    if (!t) return undefined;
    const r = await sql<{
      key_hash: string;
      role_id: string;
      created_by: string | null;
      revoked_at: Date | null;
      last_used_at: Date | null;
      creator_status: string | null;
    }>`
      select k.key_hash, k.role_id, k.created_by, k.revoked_at, k.last_used_at, u.status as creator_status
      from api_key k left join app_user u on u.tenant_id = k.tenant_id and u.id = k.created_by
      where k.tenant_id = ${t.tenantId} and k.id = ${t.id}`.execute(this.db.kysely);
    const k = r.rows[0];
    if (!k || k.revoked_at || !safeEqual(k.key_hash, sha256(t.secret))) return undefined;
    // A key acts for its creator: it stops with them.
    if (k.creator_status !== null && k.creator_status !== 'active') return undefined;
    if (!k.last_used_at || Date.now() - k.last_used_at.getTime() > 60_000)
      await TenantDb.for(this.db, t.tenantId).exec0(
        sql`update api_key set last_used_at = now() where tenant_id = ${t.tenantId} and id = ${t.id}`,
      );
    return loadActor(this.db, t.tenantId, { userId: k.created_by, roleId: k.role_id, apiKeyId: t.id });
  }

  /** Creates an API key; the returned key is shown once and only its hash is stored. */
  async createApiKey(
    tenantId: string,
    input: { name: string; roleKey: string; createdBy: string | null },
  ): Promise<{ id: string; key: string; prefix: string }> {
    const tdb = TenantDb.for(this.db, tenantId);
    const role = await tdb.one(
      sql<{ id: string }>`select id from role where tenant_id = ${tenantId} and key = ${input.roleKey}`,
    );
    if (!role) throw invalid([{ field: 'role', issue: 'invalid_option', params: { value: input.roleKey } }]);
    if (!input.name.trim()) throw invalid([{ field: 'name', issue: 'required' }]);
    const id = newId();
    const secret = randomToken();
    const key = composeToken('fwk', tenantId, id, secret);
    // Shown in lists to tell keys apart: the start of the secret, never enough to use it.
    const prefix = `fwk_…${secret.slice(0, 6)}`;
    await tdb.transaction(async (tx) => {
      await tx.exec0(
        sql`insert into api_key (tenant_id, id, name, role_id, key_hash, prefix, created_by) values (${tenantId}, ${id}, ${input.name.trim()}, ${role.id}, ${sha256(secret)}, ${prefix}, ${input.createdBy})`,
      );
      await writeAudit(tx, { userId: input.createdBy, apiKeyId: null }, [
        {
          action: 'admin',
          object: 'api_key',
          recordId: id,
          changes: { name: [null, input.name], role: [null, input.roleKey] },
        },
      ]);
    });
    return { id, key, prefix };
  }

  /** Changes the password and ends every other session of the user (a leaked session dies with the old password). */
  async changePassword(actor: Actor, current: string, next: string, keepSessionId?: string): Promise<void> {
    const tdb = TenantDb.for(this.db, actor.tenantId);
    const u = await tdb.one(
      sql<{
        password_hash: string | null;
        email: string;
      }>`select password_hash, email from app_user where tenant_id = ${actor.tenantId} and id = ${actor.userId}`,
    );
    if (!u?.password_hash || !(await verifyPassword(u.password_hash, current)))
      throw invalid([{ field: 'current_password', issue: 'invalid_value' }]);
    const issues = checkPassword(next, u.email, 'new_password');
    if (issues.length) throw new AppError('validation_failed', 'weak_password', issues);
    const h = await hashPassword(next);
    await tdb.transaction(async (tx) => {
      await tx.exec0(
        sql`update app_user set password_hash = ${h}, updated_at = now() where tenant_id = ${actor.tenantId} and id = ${actor.userId}`,
      );
      await tx.exec0(
        sql`update session set revoked_at = now() where tenant_id = ${actor.tenantId} and user_id = ${actor.userId} and revoked_at is null and id is distinct from ${keepSessionId ?? null}::uuid`,
      );
      await writeAudit(tx, actor, [
        { action: 'admin', object: 'user', recordId: actor.userId, changes: { password: ['***', '***'] } },
      ]);
    });
  }

  /** TOTP enrolment step 1: a new secret, shown as an otpauth URI (and QR code by the route). */
  async totpEnroll(actor: Actor): Promise<{ secret: string; uri: string }> {
    const tdb = TenantDb.for(this.db, actor.tenantId);
    const u = await tdb.one(
      sql<{
        email: string;
        totp_enabled: boolean;
      }>`select email, totp_enabled from app_user where tenant_id = ${actor.tenantId} and id = ${actor.userId}`,
    );
    // Re-enrolling would silently replace a working second factor: disable it first (needs the password).
    if (u?.totp_enabled) throw new AppError('conflict', 'totp_already_enabled');
    const tenant = await findTenantById(this.db, actor.tenantId);
    const secret = new OTPAuth.Secret({ size: 20 });
    const totp = new OTPAuth.TOTP({
      issuer: `Flywheel (${tenant?.slug ?? ''})`,
      label: u?.email ?? '',
      secret,
    });
    await tdb.exec0(
      sql`update app_user set totp_secret = ${secret.base32}, totp_enabled = false where tenant_id = ${actor.tenantId} and id = ${actor.userId}`,
    );
    return { secret: secret.base32, uri: totp.toString() };
  }

  /** Step 2: a correct code turns TOTP on and yields ten one-time recovery codes. */
  async totpConfirm(actor: Actor, code: string): Promise<string[]> {
    const tdb = TenantDb.for(this.db, actor.tenantId);
    const u = await tdb.one(
      sql<{
        totp_secret: string | null;
      }>`select totp_secret from app_user where tenant_id = ${actor.tenantId} and id = ${actor.userId}`,
    );
    const step = u?.totp_secret ? totpStep(u.totp_secret, code.replace(/\s/g, '')) : null;
    if (step === null) throw invalid([{ field: 'code', issue: 'invalid_value' }]);
    const codes = Array.from({ length: 10 }, () =>
      randomToken(6)
        .toLowerCase()
        .replace(/[^a-z0-9]/g, 'x')
        .slice(0, 8),
    );
    await tdb.transaction(async (tx) => {
      await tx.exec0(
        sql`update app_user set totp_enabled = true, totp_last_step = ${step}, recovery_codes = ${JSON.stringify(codes.map(sha256))}::jsonb where tenant_id = ${actor.tenantId} and id = ${actor.userId}`,
      );
      await writeAudit(tx, actor, [
        { action: 'admin', object: 'user', recordId: actor.userId, changes: { totp_enabled: [false, true] } },
      ]);
    });
    return codes;
  }

  async totpDisable(actor: Actor, password: string): Promise<void> {
    const tdb = TenantDb.for(this.db, actor.tenantId);
    const u = await tdb.one(
      sql<{
        password_hash: string | null;
      }>`select password_hash from app_user where tenant_id = ${actor.tenantId} and id = ${actor.userId}`,
    );
    if (!u?.password_hash || !(await verifyPassword(u.password_hash, password)))
      throw invalid([{ field: 'password', issue: 'invalid_value' }]);
    await tdb.transaction(async (tx) => {
      await tx.exec0(
        sql`update app_user set totp_enabled = false, totp_secret = null, recovery_codes = '[]' where tenant_id = ${actor.tenantId} and id = ${actor.userId}`,
      );
      await writeAudit(tx, actor, [
        { action: 'admin', object: 'user', recordId: actor.userId, changes: { totp_enabled: [true, false] } },
      ]);
    });
  }
}

/** The 30-second time step a code belongs to (±1 step of clock drift), or null if wrong. */
export function totpStep(secretBase32: string, code: string, now = Date.now()): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  const totp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secretBase32) });
  const delta = totp.validate({ token: code, window: 1, timestamp: now });
  return delta === null ? null : Math.floor(now / 1000 / 30) + delta;
}
