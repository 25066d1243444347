import { format, type Locale } from '../i18n/i18n.ts';
import { messages, type MessageKey } from '../i18n/messages.ts';

export type ErrorCode =
  | 'validation_failed'
  | 'bad_request'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'locked'
  | 'payload_too_large'
  | 'rate_limited'
  | 'internal';

const STATUS: Record<ErrorCode, number> = {
  validation_failed: 422,
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  locked: 423,
  payload_too_large: 413,
  rate_limited: 429,
  internal: 500,
};

export interface FieldIssue {
  field: string;
  issue: MessageKey;
  params?: Record<string, string | number>;
}

/** The one error type. Messages are resolved per request locale when serialised. */
export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    readonly messageKey: MessageKey,
    readonly details: FieldIssue[] = [],
    readonly params: Record<string, string | number> = {},
  ) {
    super(messages[messageKey]['en-US']);
    this.status = STATUS[code];
  }
}

export const notFound = (): AppError => new AppError('not_found', 'not_found');
export const forbidden = (): AppError => new AppError('forbidden', 'forbidden');
export const invalid = (details: FieldIssue[]): AppError =>
  new AppError('validation_failed', 'validation_failed', details);
export const badRequest = (details: FieldIssue[] = []): AppError =>
  new AppError('bad_request', 'bad_request', details);

export interface ErrorBody {
  error: {
    code: ErrorCode;
    key: string;
    message: string;
    details: { field: string; issue: string; code: string }[];
  };
}

export function serializeError(err: AppError, locale: Locale): ErrorBody {
  return {
    error: {
      code: err.code,
      // the specific reason (session_expired, csrf_failed, version_conflict …) for clients to branch on
      key: err.messageKey,
      message: format(messages[err.messageKey][locale], err.params),
      details: err.details.map((d) => ({
        field: d.field,
        issue: format(messages[d.issue][locale], d.params),
        // machine-readable issue key, for clients that branch on it
        code: d.issue,
      })),
    },
  };
}
