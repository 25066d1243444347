import { useI18n } from '../i18n/i18n-context';
import { OptionSelect, type PickerProps } from '../pools/option-select';
import { useAccountPools } from './api';

/** Account pools the caller can read. */
export function AccountPoolSelect(props: PickerProps) {
  const { t } = useI18n();
  const pools = useAccountPools();
  return (
    <OptionSelect
      {...props}
      placeholder={t('accounts.pickPool')}
      loading={pools.isLoading}
      options={(pools.data ?? []).map((p) => ({ value: p.id, label: String(p.name ?? '') }))}
      testId="account-pool-select"
    />
  );
}
