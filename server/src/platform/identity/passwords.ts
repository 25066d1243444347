import fs from 'node:fs';
import { hash, verify } from '@node-rs/argon2';
import type { FieldIssue } from '../http/errors.ts';

export const MIN_PASSWORD_LENGTH = 10;

const common = new Set(
  fs
    .readFileSync(new URL('./common-passwords.txt', import.meta.url), 'utf8')
    .split('\n')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean),
);

/** Strips what people append to a weak base ("Password123!", "admin2026#"). */
function baseOf(pw: string): string {
  return pw.toLowerCase().replace(/[^a-z]+$/g, '');
}

/** Password policy (pure): length, bundled common-password list, trivial patterns, own e-mail. */
export function checkPassword(pw: string, email?: string, field = 'password'): FieldIssue[] {
  if (pw.length < MIN_PASSWORD_LENGTH)
    return [{ field, issue: 'password_too_short', params: { min: MIN_PASSWORD_LENGTH } }];
  const lower = pw.toLowerCase();
  const base = baseOf(pw);
  const local = email?.split('@')[0]?.toLowerCase();
  const isCommon =
    common.has(lower) ||
    (base.length > 0 && common.has(base)) ||
    /^(.)\1+$/.test(pw) ||
    /^(?:0123456789|1234567890|9876543210)+$/.test(pw) ||
    (local !== undefined && local.length >= 4 && lower.includes(local) && pw.length - local.length < 6);
  return isCommon ? [{ field, issue: 'password_common' }] : [];
}

export const hashPassword = (pw: string): Promise<string> => hash(pw); // argon2id is the library default;
export const verifyPassword = (hashed: string, pw: string): Promise<boolean> =>
  verify(hashed, pw).catch(() => false);
