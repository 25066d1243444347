import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root (two levels above server/src). */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface Config {
  /** External PostgreSQL; when absent Flywheel runs its embedded PostgreSQL. */
  databaseUrl: string | undefined;
  dataDir: string;
  port: number;
  host: string;
  adminPassword: string | undefined;
  logLevel: string;
  /** Sessions end after this much inactivity (minutes). */
  sessionIdleMinutes: number;
  /** Sessions end this long after login whatever the activity (hours). */
  sessionAbsoluteHours: number;
  /** Behind TLS (or a TLS-terminating proxy) cookies are marked Secure. */
  secureCookies: boolean;
  bodyLimitBytes: number;
  runJobs: boolean;
  /** Trust X-Forwarded-For (only behind a proxy you control: it decides the client IP for rate limits). */
  trustProxy: boolean;
  /** Sign-in attempts per minute per client IP. */
  loginRateLimit: number;
  /**
   * The address people outside reach this Flywheel at (`https://crm.example.com`): public links
   * sent by e-mail (survey invitations) point there. Unset: the sender's own address.
   */
  publicUrl: string | undefined;
}

function intEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got "${raw}"`);
  return n;
}

/** An http(s) origin from the environment, without a trailing slash; a path or other scheme is refused at start. */
function originEnv(name: string): string | undefined {
  const raw = process.env[name]?.trim();
  if (!raw) return undefined;
  let u: URL | undefined;
  try {
    u = new URL(raw);
  } catch {
    u = undefined;
  }
  if (!u || !/^https?:$/.test(u.protocol) || (u.pathname !== '/' && u.pathname !== '') || u.search || u.hash)
    throw new Error(
      `${name} must be an http(s) address without a path, e.g. https://crm.example.com, got "${raw}"`,
    );
  return u.origin;
}

export function loadConfig(overrides: Partial<Config> = {}): Config {
  return {
    databaseUrl: process.env.DATABASE_URL || undefined,
    dataDir: path.resolve(process.env.FLYWHEEL_DATA_DIR ?? path.join(repoRoot, 'data')),
    port: intEnv('PORT', 3000),
    host: process.env.HOST ?? '0.0.0.0',
    adminPassword: process.env.FLYWHEEL_ADMIN_PASSWORD || undefined,
    logLevel: process.env.LOG_LEVEL ?? 'info',
    sessionIdleMinutes: intEnv('FLYWHEEL_SESSION_IDLE_MINUTES', 120),
    sessionAbsoluteHours: intEnv('FLYWHEEL_SESSION_ABSOLUTE_HOURS', 24 * 7),
    secureCookies: process.env.FLYWHEEL_SECURE_COOKIES === 'true',
    bodyLimitBytes: intEnv('FLYWHEEL_BODY_LIMIT', 5 * 1024 * 1024),
    runJobs: process.env.FLYWHEEL_JOBS !== 'off',
    trustProxy: process.env.FLYWHEEL_TRUST_PROXY === 'true',
    loginRateLimit: intEnv('FLYWHEEL_LOGIN_RATE_LIMIT', 20),
    publicUrl: originEnv('FLYWHEEL_PUBLIC_URL'),
    ...overrides,
  };
}
