import type { HookAPI } from 'antd/es/modal/useModal';
import type { Translate } from '../i18n/i18n-context';
import { checkDuplicates, fetchLeadSettings } from './leads-api';
import { DuplicateHitsTable } from './duplicate-hits';

const text = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v.trim() : undefined);

/**
 * Manual lead entry checks for duplicates (撞单) before saving: with hits the user sees them —
 * who owns each, with a button to message that colleague — and either saves anyway ("warn"
 * policy) or is told it cannot be saved ("block" policy; the server refuses it too).
 * Resolves true to go on saving.
 */
export async function leadCreateGuard(
  values: Record<string, unknown>,
  modal: HookAPI,
  t: Translate,
): Promise<boolean> {
  const probe = {
    ...(text(values.mobile) ? { mobile: text(values.mobile) } : {}),
    ...(text(values.email) ? { email: text(values.email) } : {}),
    ...(text(values.company) ? { company: text(values.company) } : {}),
  };
  if (!Object.keys(probe).length) return true;
  const [hits, settings] = await Promise.all([checkDuplicates(probe), fetchLeadSettings()]);
  if (!hits.length) return true;
  const content = <DuplicateHitsTable hits={hits} />;
  if (settings.manualDuplicatePolicy === 'block') {
    await modal.warning({
      title: t('leads.dup.blocked', { count: hits.length }),
      content,
      width: 760,
      okText: t('common.close'),
    });
    return false;
  }
  return new Promise<boolean>((resolve) => {
    modal.confirm({
      title: t('leads.dup.createTitle', { count: hits.length }),
      content,
      width: 760,
      okText: t('leads.dup.saveAnyway'),
      cancelText: t('common.cancel'),
      onOk: () => resolve(true),
      onCancel: () => resolve(false),
    });
  });
}
