import { useRef, useState } from 'react';
import { Select } from 'antd';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
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
  /** Told the name of each record picked (from the option shown), before any refetch. */
  onPick?: (id: string, label: string) => void;
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
  onPick,
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
    // the old list stays while a new search loads: options do not vanish under a click
    placeholderData: keepPreviousData,
  });
  const options = (results.data?.data ?? []).map((r) => ({ value: r.id, label: recordTitle(r, nameField) }));
  // Names of what was picked, so the selection keeps its label once the search text is cleared
  // and the options are another page of results.
  const picked = useRef(new Map<string, string>());
  for (const o of options) if (picked.current.has(o.value)) picked.current.set(o.value, o.label);
  const chosen = value === null || value === undefined ? [] : Array.isArray(value) ? value : [value];
  for (const v of chosen) {
    if (options.some((o) => o.value === v)) continue;
    const label = picked.current.get(v) ?? (typeof value === 'string' ? initialLabel : null);
    if (label) options.unshift({ value: v, label });
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
      onChange={(v: string | string[] | undefined) => {
        const ids = v === undefined ? [] : Array.isArray(v) ? v : [v];
        for (const x of ids) {
          const o = options.find((opt) => opt.value === x);
          if (o) {
            picked.current.set(x, o.label);
            onPick?.(x, o.label);
          }
        }
        onChange?.(v ?? null);
      }}
      options={options}
      loading={results.isFetching}
      style={{ minWidth: 200, width: '100%' }}
    />
  );
}
