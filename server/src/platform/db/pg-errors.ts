/** Shape of the fields of a node-postgres DatabaseError we rely on. */
export interface PgError {
  code: string;
  constraint?: string;
  column?: string;
  detail?: string;
}

export function isPgError(err: unknown): err is PgError {
  return (
    typeof err === 'object' &&
    err !== null &&
    typeof (err as { code?: unknown }).code === 'string' &&
    'severity' in err
  );
}

export const PG_UNIQUE_VIOLATION = '23505';
export const PG_FK_VIOLATION = '23503';
export const PG_NOT_NULL_VIOLATION = '23502';
export const PG_CHECK_VIOLATION = '23514';
export const PG_INVALID_TEXT = '22P02';
export const PG_NUMERIC_OUT_OF_RANGE = '22003';
export const PG_DATETIME_OUT_OF_RANGE = '22008';
