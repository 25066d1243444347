import type { HookAPI } from 'antd/es/modal/useModal';
import type { Translate } from '../i18n/i18n-context';
import { checkAccountDuplicates, fetchAccountSettings } from './api';
import { AccountDuplicateHits } from './duplicate-hits';

const text = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v.trim() : undefined);

/**
 * Before a new account is saved (撞单): probe by name, phone and credit code. With hits the user
 * sees them — owners only of accounts they may read — and saves anyway ("warn") or is told why it
 * cannot be saved ("block"; the server refuses it too). Resolves true to go on saving.
 */
export async function accountCreateGuard(
  values: Record<string, unknown>,
  modal: HookAPI,
  t: Translate,
): Promise<boolean> {
  const probe = {
    ...(text(values.name) ? { name: text(values.name) } : {}),
    ...(text(values.phone) ? { phone: text(values.phone) } : {}),
    ...(text(values.credit_code) ? { credit_code: text(values.credit_code) } : {}),
  };
  if (!Object.keys(probe).length) return true;
  // a malformed phone answers 422: let the save itself show that error on the field
  const hits = await checkAccountDuplicates(probe).catch(() => []);
  if (!hits.length) return true;
  const settings = await fetchAccountSettings();
  const content = <AccountDuplicateHits hits={hits} />;
  if (settings.duplicatePolicy === 'block') {
    await modal.warning({
      title: t('accounts.dup.blocked', { count: hits.length }),
      content,
      width: 720,
      okText: t('common.close'),
    });
    return false;
  }
  return new Promise<boolean>((resolve) => {
    modal.confirm({
      title: t('accounts.dup.title', { count: hits.length }),
      content,
      width: 720,
      okText: t('accounts.dup.saveAnyway'),
      cancelText: t('common.cancel'),
      onOk: () => resolve(true),
      onCancel: () => resolve(false),
    });
  });
}
