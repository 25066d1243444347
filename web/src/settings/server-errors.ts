import type { FormInstance } from 'antd';
import { ApiError } from '../api/http-client';
import { errorText } from '../api/error-text';
import type { Translate } from '../i18n/i18n-context';

/**
 * Puts the server's per-field issues on the form items of the same name and returns the
 * message for what could not be placed (or the general error), null when all were placed.
 */
export function showServerErrors(
  form: FormInstance,
  err: unknown,
  fieldNames: readonly string[],
  t: Translate,
): string | null {
  if (err instanceof ApiError && err.details.length > 0) {
    const placed = err.details.filter((d) => d.field !== undefined && fieldNames.includes(d.field));
    form.setFields(placed.map((d) => ({ name: d.field ?? '', errors: [d.issue] })));
    const rest = err.details.filter((d) => !placed.includes(d));
    if (rest.length) return rest.map((d) => d.issue).join('; ');
    return null;
  }
  return errorText(err, t);
}
