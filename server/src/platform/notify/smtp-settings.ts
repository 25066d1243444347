import type { TenantSettings } from '../identity/tenants.service.ts';

export type StoredSmtp = NonNullable<TenantSettings['smtp']>;

/** The body of `PUT /api/v1/admin/settings/smtp` (when not `null`). */
export interface SmtpInput {
  host: string;
  port: number;
  secure?: boolean | undefined;
  user?: string | undefined;
  /** Omitted: keep the stored password; `""` or `null`: no password; else the new password. */
  password?: string | null | undefined;
  from: string;
}

export type PasswordChange = 'kept' | 'replaced' | 'cleared' | 'none';

/**
 * The SMTP settings to store for a PUT: every field is replaced by the body, except the
 * password, which stays as stored when the body leaves it out (the GET never shows it).
 */
export function mergeSmtp(
  stored: StoredSmtp | undefined,
  body: SmtpInput,
): { smtp: StoredSmtp; password: PasswordChange } {
  const { password, ...rest } = body;
  const smtp: StoredSmtp = {
    host: rest.host,
    port: rest.port,
    ...(rest.secure !== undefined ? { secure: rest.secure } : {}),
    ...(rest.user !== undefined ? { user: rest.user } : {}),
    from: rest.from,
  };
  if (password === undefined) {
    if (stored?.password) return { smtp: { ...smtp, password: stored.password }, password: 'kept' };
    return { smtp, password: 'none' };
  }
  if (password === null || password === '') {
    return { smtp, password: stored?.password ? 'cleared' : 'none' };
  }
  return { smtp: { ...smtp, password }, password: 'replaced' };
}

/** What the admin API shows: the settings without the password, and whether one is stored. */
export function publicSmtp(stored: StoredSmtp | undefined):
  | (Omit<StoredSmtp, 'password'> & {
      password_set: boolean;
    })
  | null {
  if (!stored) return null;
  const { password, ...rest } = stored;
  return { ...rest, password_set: Boolean(password) };
}
