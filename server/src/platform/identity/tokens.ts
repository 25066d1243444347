import crypto from 'node:crypto';

export const sha256 = (s: string): string => crypto.createHash('sha256').update(s).digest('hex');
export const randomToken = (bytes = 32): string => crypto.randomBytes(bytes).toString('base64url');

export function safeEqual(a: string, b: string): boolean {
  const ba = Buffer.from(a);
  const bb = Buffer.from(b);
  return ba.length === bb.length && crypto.timingSafeEqual(ba, bb);
}

const hex = (uuid: string): string => uuid.replace(/-/g, '');
const unhex = (h: string): string =>
  `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;

/**
 * Session cookies and API keys carry their tenant and row id, so a lookup is a primary-key hit
 * on (tenant_id, id) — also on a Citus cluster, where it routes to one shard.
 */
export function composeToken(kind: 'fws' | 'fwk', tenantId: string, id: string, secret: string): string {
  return `${kind}_${hex(tenantId)}${hex(id)}_${secret}`;
}

export function parseToken(
  kind: 'fws' | 'fwk',
  token: string,
): { tenantId: string; id: string; secret: string } | undefined {
  const m = new RegExp(`^${kind}_([0-9a-f]{64})_([A-Za-z0-9_-]{20,100})$`).exec(token);
  if (!m || !m[1] || !m[2]) return undefined;
  return { tenantId: unhex(m[1].slice(0, 32)), id: unhex(m[1].slice(32)), secret: m[2] };
}
