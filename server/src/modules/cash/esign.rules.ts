import crypto from 'node:crypto';

/** How old a signed callback may be (replays of an old capture are refused). */
export const ESIGN_MAX_SKEW_SECONDS = 300;

/**
 * Checks `X-Flywheel-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`,
 * the same scheme Flywheel's outbound webhooks sign with, so a signing service integration uses
 * one routine both ways. Constant-time comparison; the timestamp must be recent.
 */
export function verifySignature(
  secret: string,
  header: string | undefined,
  rawBody: string,
  nowSeconds: number,
): boolean {
  if (!header) return false;
  const parts = new Map(
    header.split(',').map((p) => {
      const i = p.indexOf('=');
      return [p.slice(0, i).trim(), p.slice(i + 1).trim()] as const;
    }),
  );
  const t = Number(parts.get('t'));
  const v1 = parts.get('v1') ?? '';
  if (!Number.isInteger(t) || Math.abs(nowSeconds - t) > ESIGN_MAX_SKEW_SECONDS) return false;
  if (!/^[0-9a-f]{64}$/.test(v1)) return false;
  const expected = crypto.createHmac('sha256', secret).update(`${t}.${rawBody}`).digest();
  return crypto.timingSafeEqual(expected, Buffer.from(v1, 'hex'));
}
