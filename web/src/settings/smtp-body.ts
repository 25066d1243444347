import type { SmtpInput } from '../api/admin';

export interface SmtpFormValues {
  host: string;
  port: number;
  secure?: boolean;
  user?: string;
  /** Empty keeps the saved password (the server never sends it back). */
  password?: string;
  clear_password?: boolean;
  from: string;
}

/**
 * The PUT body: an empty password is left out so the server keeps the saved one; "clear the
 * saved password" sends `null`, which removes it.
 */
export function smtpBody(v: SmtpFormValues): SmtpInput {
  const password = v.clear_password ? null : v.password ? v.password : undefined;
  return {
    host: v.host.trim(),
    port: v.port,
    ...(v.secure !== undefined ? { secure: v.secure } : {}),
    ...(v.user ? { user: v.user } : {}),
    ...(password !== undefined ? { password } : {}),
    from: v.from.trim(),
  };
}
