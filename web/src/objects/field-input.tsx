import { DatePicker, Input, InputNumber, Select, Space, Switch } from 'antd';
import type { Dayjs } from 'dayjs';
import type { FieldMeta } from '../api/types';
import { useI18n } from '../i18n/i18n-context';
import { useUserDirectory } from '../api/users';
import { RecordSelect } from './record-select';
import type { FormValue, MoneyInput } from './field-values';

const CURRENCIES = ['CNY', 'USD', 'EUR', 'HKD', 'JPY', 'GBP', 'SGD'];

interface Props {
  field: FieldMeta;
  value?: FormValue;
  onChange?: (v: FormValue) => void;
  id?: string;
  autoFocus?: boolean;
  /** Label of the current lookup/user value from _expand. */
  refLabel?: string | null;
  status?: 'error';
  onPressEnter?: () => void;
}

/** Thousands separators while typing large amounts; the parser strips them again. */
function groupThousands(v: string | number | undefined): string {
  if (v === undefined || v === '') return '';
  const [int = '', frac] = String(v).split('.');
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return frac === undefined ? grouped : `${grouped}.${frac}`;
}

const ungroup = (v: string | undefined): string => (v ?? '').replace(/,/g, '');

function MoneyField({
  value,
  onChange,
  id,
  autoFocus,
  status,
  onPressEnter,
}: Omit<Props, 'field' | 'refLabel'>) {
  const { t } = useI18n();
  const money: MoneyInput =
    value && typeof value === 'object' && !Array.isArray(value) && 'currency' in value
      ? value
      : { amount: null, currency: 'CNY' };
  return (
    <Space.Compact style={{ width: '100%' }}>
      <Select
        aria-label={t('field.currencyCode')}
        value={money.currency}
        onChange={(currency: string) => onChange?.({ ...money, currency })}
        options={CURRENCIES.map((c) => ({ value: c, label: c }))}
        style={{ width: 90 }}
      />
      <InputNumber
        id={id}
        autoFocus={autoFocus}
        status={status}
        value={money.amount}
        onChange={(amount: number | string | null) =>
          onChange?.({ ...money, amount: amount === null ? null : Number(amount) })
        }
        onPressEnter={onPressEnter}
        formatter={groupThousands}
        parser={ungroup}
        precision={2}
        style={{ width: '100%' }}
      />
    </Space.Compact>
  );
}

/** The right input for a field type, usable inside an antd Form.Item or standalone. */
export function FieldInput(props: Props) {
  const { field, value, onChange, id, autoFocus, refLabel, status, onPressEnter } = props;
  const { t, pick } = useI18n();
  const users = useUserDirectory();
  const common = { id, autoFocus, status };
  const options = (field.options ?? []).map((o) => ({ value: o.value, label: pick(o.label) }));
  switch (field.type) {
    case 'long_text':
      return (
        <Input.TextArea
          {...common}
          value={typeof value === 'string' ? value : ''}
          onChange={(e) => onChange?.(e.target.value)}
          autoSize={{ minRows: 2, maxRows: 8 }}
          maxLength={field.max_length}
        />
      );
    case 'number':
    case 'percent':
      return (
        <InputNumber
          {...common}
          value={typeof value === 'number' ? value : null}
          onChange={(v: number | string | null) => onChange?.(v === null ? null : Number(v))}
          onPressEnter={onPressEnter}
          min={field.min}
          max={field.max}
          suffix={field.type === 'percent' ? '%' : undefined}
          style={{ width: '100%' }}
        />
      );
    case 'currency':
      return <MoneyField {...common} value={value} onChange={onChange} onPressEnter={onPressEnter} />;
    case 'date':
    case 'datetime':
      return (
        <DatePicker
          {...common}
          showTime={field.type === 'datetime' ? { format: 'HH:mm' } : false}
          value={value && typeof value === 'object' && 'isValid' in value ? value : null}
          onChange={(d: Dayjs | null) => onChange?.(d)}
          style={{ width: '100%' }}
        />
      );
    case 'boolean':
      return (
        <Switch id={id} autoFocus={autoFocus} checked={value === true} onChange={(v) => onChange?.(v)} />
      );
    case 'select':
    case 'multi_select':
      return (
        <Select
          {...common}
          mode={field.type === 'multi_select' ? 'multiple' : undefined}
          allowClear
          showSearch={{ optionFilterProp: 'label' }}
          placeholder={t('field.selectPlaceholder')}
          value={typeof value === 'string' || Array.isArray(value) ? value : undefined}
          onChange={(v: string | string[] | undefined) => onChange?.(v ?? null)}
          options={options}
          style={{ width: '100%', minWidth: 160 }}
        />
      );
    case 'lookup':
      return field.lookup ? (
        <RecordSelect
          {...common}
          object={field.lookup}
          value={typeof value === 'string' ? value : null}
          initialLabel={refLabel}
          onChange={(v) => onChange?.(typeof v === 'string' ? v : null)}
        />
      ) : null;
    case 'user': {
      const userOptions = users.map((u) => ({ value: u.id, label: u.name }));
      if (typeof value === 'string' && !userOptions.some((o) => o.value === value)) {
        userOptions.unshift({ value, label: refLabel ?? value.slice(0, 8) });
      }
      return (
        <Select
          {...common}
          allowClear
          showSearch={{ optionFilterProp: 'label' }}
          placeholder={t('field.selectPlaceholder')}
          value={typeof value === 'string' ? value : undefined}
          onChange={(v: string | undefined) => onChange?.(v ?? null)}
          options={userOptions}
          style={{ width: '100%', minWidth: 160 }}
        />
      );
    }
    default:
      return (
        <Input
          {...common}
          type={field.type === 'email' ? 'email' : field.type === 'url' ? 'url' : 'text'}
          value={typeof value === 'string' ? value : ''}
          onChange={(e) => onChange?.(e.target.value)}
          onPressEnter={onPressEnter}
          maxLength={field.max_length}
        />
      );
  }
}
