import { ApiError } from './http-client';
import type { Translate } from '../i18n/i18n-context';

/** The server's localised message when there is one; our own words for transport failures. */
export function errorText(err: unknown, t: Translate): string {
  if (err instanceof ApiError) {
    if (err.code === 'network') return t('common.networkError');
    if (err.message) return err.message;
  }
  return t('common.unknownError');
}
