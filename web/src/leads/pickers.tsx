import { Select } from 'antd';
import { useI18n } from '../i18n/i18n-context';
import { usePools, useUsers } from './leads-api';

interface PickerProps {
  value?: string | null;
  onChange?: (v: string | null) => void;
  id?: string;
  autoFocus?: boolean;
  /** Values not offered (the current owner, the current pool). */
  exclude?: string[];
}

/** Active users of the tenant, searchable by name and e-mail. */
export function UserSelect({ value, onChange, id, autoFocus, exclude = [] }: PickerProps) {
  const { t } = useI18n();
  const users = useUsers();
  return (
    <Select
      id={id}
      autoFocus={autoFocus}
      showSearch={{ optionFilterProp: 'search' }}
      placeholder={t('leads.pickUser')}
      loading={users.isLoading}
      value={value ?? undefined}
      onChange={(v: string | undefined) => onChange?.(v ?? null)}
      options={(users.data ?? [])
        .filter((u) => !exclude.includes(u.id))
        .map((u) => ({ value: u.id, label: u.name, search: `${u.name} ${u.email}` }))}
      style={{ width: '100%' }}
      data-testid="user-select"
    />
  );
}

/** Pools the caller can read. */
export function PoolSelect({ value, onChange, id, autoFocus, exclude = [] }: PickerProps) {
  const { t } = useI18n();
  const pools = usePools();
  return (
    <Select
      id={id}
      autoFocus={autoFocus}
      showSearch={{ optionFilterProp: 'label' }}
      placeholder={t('leads.pickPool')}
      loading={pools.isLoading}
      value={value ?? undefined}
      onChange={(v: string | undefined) => onChange?.(v ?? null)}
      options={(pools.data ?? [])
        .filter((p) => !exclude.includes(p.id))
        .map((p) => ({ value: p.id, label: String(p.name ?? '') }))}
      style={{ width: '100%' }}
      data-testid="pool-select"
    />
  );
}
