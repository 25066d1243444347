import { Select } from 'antd';
import { useI18n } from '../i18n/i18n-context';
import { useAccountPools } from './api';

interface Props {
  value?: string | null;
  onChange?: (v: string | null) => void;
  id?: string;
  autoFocus?: boolean;
  /** Pools not offered (the current one). */
  exclude?: string[];
}

/** Account pools the caller can read. */
export function AccountPoolSelect({ value, onChange, id, autoFocus, exclude = [] }: Props) {
  const { t } = useI18n();
  const pools = useAccountPools();
  return (
    <Select
      id={id}
      autoFocus={autoFocus}
      showSearch={{ optionFilterProp: 'label' }}
      placeholder={t('accounts.pickPool')}
      loading={pools.isLoading}
      value={value ?? undefined}
      onChange={(v: string | undefined) => onChange?.(v ?? null)}
      options={(pools.data ?? [])
        .filter((p) => !exclude.includes(p.id))
        .map((p) => ({ value: p.id, label: String(p.name ?? '') }))}
      style={{ width: '100%' }}
      data-testid="account-pool-select"
    />
  );
}
