import { Select } from 'antd';

/** The props every picker in a form item takes (antd's Form.Item passes value / onChange / id). */
export interface PickerProps {
  value?: string | null;
  onChange?: (v: string | null) => void;
  id?: string;
  autoFocus?: boolean;
  /** Values not offered (the current owner, the current pool). */
  exclude?: string[];
}

export interface PickerOption {
  value: string;
  label: string;
  /** Text the search matches; the label when absent. */
  search?: string;
}

/** A searchable single select of ids, `null` when cleared: the shell of the user and pool pickers. */
export function OptionSelect({
  value,
  onChange,
  id,
  autoFocus,
  exclude = [],
  options,
  loading,
  placeholder,
  testId,
}: PickerProps & { options: PickerOption[]; loading: boolean; placeholder: string; testId: string }) {
  return (
    <Select
      id={id}
      autoFocus={autoFocus}
      showSearch={{ optionFilterProp: 'search' }}
      placeholder={placeholder}
      loading={loading}
      value={value ?? undefined}
      onChange={(v: string | undefined) => onChange?.(v ?? null)}
      options={options
        .filter((o) => !exclude.includes(o.value))
        .map((o) => ({ value: o.value, label: o.label, search: o.search ?? o.label }))}
      style={{ width: '100%' }}
      data-testid={testId}
    />
  );
}
