import { useState } from 'react';
import { Select } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { listRecords } from '../api/endpoints';
import { useObjectMeta } from '../api/queries';
import { useI18n } from '../i18n/i18n-context';
import { recordTitle } from './field-values';

interface Props {
  object: string;
  value?: string | string[] | null;
  onChange?: (v: string | string[] | null) => void;
  multiple?: boolean;
  /** Name of the current value, so it shows before any search ran. */
  initialLabel?: string | null;
  id?: string;
  autoFocus?: boolean;
  status?: 'error';
}

/** Search-select over any object's records by its search fields (the list's q parameter). */
export function RecordSelect({
  object,
  value,
  onChange,
  multiple,
  initialLabel,
  id,
  autoFocus,
  status,
}: Props) {
  const { t } = useI18n();
  const { meta } = useObjectMeta(object);
  const [q, setQ] = useState('');
  const nameField = meta?.name_field ?? 'name';
  const results = useQuery({
    queryKey: ['records', object, 'picker', q],
    queryFn: () =>
      listRecords(object, { filter: [], q: q || undefined, limit: 20, sort: q ? undefined : '-updated_at' }),
    enabled: !!meta,
  });
  const options = (results.data?.data ?? []).map((r) => ({ value: r.id, label: recordTitle(r, nameField) }));
  if (typeof value === 'string' && initialLabel && !options.some((o) => o.value === value)) {
    options.unshift({ value, label: initialLabel });
  }
  return (
    <Select
      id={id}
      autoFocus={autoFocus}
      status={status}
      showSearch={{ filterOption: false, onSearch: setQ }}
      allowClear
      mode={multiple ? 'multiple' : undefined}
      placeholder={t('filter.lookupHint')}
      value={value ?? undefined}
      onChange={(v: string | string[] | undefined) => onChange?.(v ?? null)}
      options={options}
      loading={results.isFetching}
      style={{ minWidth: 200, width: '100%' }}
    />
  );
}
