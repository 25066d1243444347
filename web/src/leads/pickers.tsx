import { useI18n } from '../i18n/i18n-context';
import { OptionSelect, type PickerProps } from '../pools/option-select';
import { usePools, useUsers } from './leads-api';

/** Active users of the tenant, searchable by name and e-mail. */
export function UserSelect(props: PickerProps) {
  const { t } = useI18n();
  const users = useUsers();
  return (
    <OptionSelect
      {...props}
      placeholder={t('leads.pickUser')}
      loading={users.isLoading}
      options={(users.data ?? []).map((u) => ({
        value: u.id,
        label: u.name,
        search: `${u.name} ${u.email}`,
      }))}
      testId="user-select"
    />
  );
}

/** Pools the caller can read. */
export function PoolSelect(props: PickerProps) {
  const { t } = useI18n();
  const pools = usePools();
  return (
    <OptionSelect
      {...props}
      placeholder={t('leads.pickPool')}
      loading={pools.isLoading}
      options={(pools.data ?? []).map((p) => ({ value: p.id, label: String(p.name ?? '') }))}
      testId="pool-select"
    />
  );
}
