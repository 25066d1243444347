import type { Locale } from './types';

export interface ErrorDetail {
  field?: string;
  issue: string;
  code?: string;
}

/** Every non-2xx answer, carrying the server's localised message and field details. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: ErrorDetail[];
  /** The message key (`account_limit_reached`): which rule refused, finer than `code`. */
  readonly key: string;

  constructor(status: number, code: string, message: string, details: ErrorDetail[], key?: string) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
    this.key = key ?? code;
  }

  fieldIssue(field: string): string | undefined {
    return this.details.find((d) => d.field === field)?.issue;
  }
}

let currentLocale: Locale = 'zh-CN';
let onSessionEnded: (() => void) | null = null;

/** The server localises messages by Accept-Language, so it follows the UI language. */
export function setRequestLocale(locale: Locale): void {
  currentLocale = locale;
}

export function setSessionEndedHandler(handler: (() => void) | null): void {
  onSessionEnded = handler;
}

export function readCsrfToken(): string {
  const match = document.cookie.split('; ').find((c) => c.startsWith('fw_csrf='));
  return match ? decodeURIComponent(match.slice('fw_csrf='.length)) : '';
}

export type QueryValue = string | number | boolean | undefined | null;

export function buildQuery(params: Record<string, QueryValue> | [string, string][]): string {
  const search = new URLSearchParams();
  const entries = Array.isArray(params) ? params : Object.entries(params);
  for (const [k, v] of entries) if (v !== undefined && v !== null && v !== '') search.append(k, String(v));
  const s = search.toString();
  return s ? `?${s}` : '';
}

interface RequestOptions {
  method?: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  body?: unknown;
  /** Login answers 401 for bad credentials; that must not look like an ended session. */
  isAuthRequest?: boolean;
}

function isErrorBody(
  v: unknown,
): v is { error: { code: string; message: string; details?: ErrorDetail[]; key?: string } } {
  return (
    typeof v === 'object' && v !== null && 'error' in v && typeof v.error === 'object' && v.error !== null
  );
}

export async function apiFetch<T>(path: string, opts: RequestOptions = {}): Promise<T> {
  const method = opts.method ?? 'GET';
  const headers: Record<string, string> = { 'Accept-Language': currentLocale, Accept: 'application/json' };
  const isForm = opts.body instanceof FormData;
  if (opts.body !== undefined && !isForm) headers['Content-Type'] = 'application/json';
  if (method !== 'GET') headers['X-CSRF-Token'] = readCsrfToken();
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      body:
        opts.body === undefined
          ? undefined
          : opts.body instanceof FormData
            ? opts.body
            : JSON.stringify(opts.body),
    });
  } catch {
    throw new ApiError(0, 'network', '', []);
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let parsed: unknown = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = null;
  }
  if (!res.ok) {
    const err = isErrorBody(parsed)
      ? new ApiError(
          res.status,
          parsed.error.code,
          parsed.error.message,
          parsed.error.details ?? [],
          parsed.error.key,
        )
      : new ApiError(res.status, 'internal', res.statusText, []);
    if (res.status === 401 && !opts.isAuthRequest && onSessionEnded) onSessionEnded();
    throw err;
  }
  return parsed as T;
}
