import { useState } from 'react';
import { Button, DatePicker, Form, InputNumber, Popover, Select, Space, Tag, Input } from 'antd';
import { FilterOutlined, PlusOutlined } from '@ant-design/icons';
import type { Dayjs } from 'dayjs';
import type { FieldMeta, FilterCondition, FilterOp, ObjectMeta } from '../api/types';
import { useI18n } from '../i18n/i18n-context';
import { useMe } from '../api/queries';
import { useUserDirectory } from '../api/users';
import { zonedDayStartIso } from '../format/date';
import { buildCondition, isMultiValueOp, operatorsFor, type FilterInput } from './filter-grammar';
import { RecordSelect } from './record-select';

interface Props {
  meta: ObjectMeta;
  filter: FilterCondition[];
  onChange: (filter: FilterCondition[]) => void;
}

function stringish(v: FilterInput): string | string[] | undefined {
  if (typeof v === 'string') return v;
  if (Array.isArray(v) && v.every((x): x is string => typeof x === 'string')) return v;
  return undefined;
}

type Draft = { field?: string; op?: FilterOp; value: FilterInput; display?: string };

function ValueInput({
  field,
  op,
  value,
  onChange,
}: {
  field: FieldMeta;
  op: FilterOp;
  value: FilterInput;
  onChange: (v: FilterInput, display?: string) => void;
}) {
  const { t, pick } = useI18n();
  const tz = useMe().data?.tenant.time_zone ?? 'Asia/Shanghai';
  const users = useUserDirectory();
  const multiple = isMultiValueOp(op);
  if (op === 'is_null') {
    return (
      <Select
        aria-label={t('filter.value')}
        value={value === false ? 'false' : 'true'}
        onChange={(v: string) =>
          onChange(v === 'true', v === 'true' ? t('filter.isEmpty') : t('filter.isNotEmpty'))
        }
        options={[
          { value: 'true', label: t('filter.isEmpty') },
          { value: 'false', label: t('filter.isNotEmpty') },
        ]}
      />
    );
  }
  if (field.type === 'select' || field.type === 'multi_select') {
    const options = (field.options ?? []).map((o) => ({ value: o.value, label: pick(o.label) }));
    const labelOf = (vs: string[]) =>
      vs.map((v) => options.find((o) => o.value === v)?.label ?? v).join(', ');
    return (
      <Select
        aria-label={t('filter.value')}
        mode={multiple ? 'multiple' : undefined}
        showSearch={{ optionFilterProp: 'label' }}
        placeholder={t('field.selectPlaceholder')}
        value={stringish(value)}
        onChange={(v: string | string[]) => onChange(v, labelOf(Array.isArray(v) ? v : [v]))}
        options={options}
      />
    );
  }
  if (field.type === 'boolean') {
    return (
      <Select
        aria-label={t('filter.value')}
        value={typeof value === 'boolean' ? String(value) : undefined}
        onChange={(v: string) => onChange(v === 'true', v === 'true' ? t('common.yes') : t('common.no'))}
        options={[
          { value: 'true', label: t('common.yes') },
          { value: 'false', label: t('common.no') },
        ]}
      />
    );
  }
  if (field.type === 'date' || field.type === 'datetime') {
    // A datetime filter on a calendar day means that day in the tenant's zone, not UTC.
    const toValue = (d: Dayjs) =>
      field.type === 'date' ? d.format('YYYY-MM-DD') : zonedDayStartIso(d.format('YYYY-MM-DD'), tz);
    if (op === 'between') {
      return (
        <DatePicker.RangePicker
          onChange={(r) => {
            const [a, b] = r ?? [];
            if (a && b) {
              const end = field.type === 'date' ? b : b.add(1, 'day');
              onChange([toValue(a), toValue(end)], `${a.format('YYYY-MM-DD')} ~ ${b.format('YYYY-MM-DD')}`);
            }
          }}
        />
      );
    }
    return (
      <DatePicker
        aria-label={t('filter.value')}
        onChange={(d: Dayjs | null) => (d ? onChange(toValue(d), d.format('YYYY-MM-DD')) : onChange(null))}
      />
    );
  }
  if (field.type === 'number' || field.type === 'percent' || field.type === 'currency') {
    const suffix = field.type === 'currency' ? t('filter.yuan') : field.type === 'percent' ? '%' : undefined;
    if (op === 'between') {
      const pair: [number | null, number | null] =
        Array.isArray(value) && value.length === 2 && value.every((x) => typeof x === 'number' || x === null)
          ? [typeof value[0] === 'number' ? value[0] : null, typeof value[1] === 'number' ? value[1] : null]
          : [null, null];
      return (
        <Space.Compact>
          <InputNumber
            value={pair[0]}
            onChange={(v) => onChange([v, pair[1]], `${v ?? ''} ~ ${pair[1] ?? ''}`)}
          />
          <InputNumber
            value={pair[1]}
            suffix={suffix}
            onChange={(v) =>
              onChange([pair[0], v], `${pair[0] ?? ''} ~ ${v ?? ''}${suffix ? ` ${suffix}` : ''}`)
            }
          />
        </Space.Compact>
      );
    }
    return (
      <InputNumber
        aria-label={t('filter.value')}
        style={{ width: '100%' }}
        suffix={suffix}
        value={typeof value === 'number' ? value : null}
        onChange={(v) => onChange(v, v === null ? undefined : `${v}${suffix ? ` ${suffix}` : ''}`)}
      />
    );
  }
  if (field.type === 'lookup' && field.lookup) {
    return (
      <RecordSelect
        object={field.lookup}
        multiple={multiple}
        value={stringish(value) ?? null}
        onChange={(v) => onChange(v)}
      />
    );
  }
  if (field.type === 'user') {
    const options = users.map((u) => ({ value: u.id, label: u.name }));
    return (
      <Select
        aria-label={t('filter.value')}
        mode={multiple ? 'multiple' : undefined}
        showSearch={{ optionFilterProp: 'label' }}
        placeholder={t('field.selectPlaceholder')}
        options={options}
        value={stringish(value)}
        onChange={(v: string | string[]) =>
          onChange(
            v,
            (Array.isArray(v) ? v : [v])
              .map((id) => options.find((o) => o.value === id)?.label ?? id)
              .join(', '),
          )
        }
      />
    );
  }
  return (
    <Input
      aria-label={t('filter.value')}
      value={typeof value === 'string' ? value : ''}
      onChange={(e) => onChange(e.target.value, e.target.value)}
    />
  );
}

/** Builds conditions of the server's filter grammar on any field, custom fields included. */
export function FilterBar({ meta, filter, onChange }: Props) {
  const { t, pick } = useI18n();
  const [open, setOpen] = useState(false);
  const [draft, setDraft] = useState<Draft>({ value: null });
  const [problem, setProblem] = useState<string | null>(null);
  const filterable = meta.fields.filter((f) => f.api_name !== 'id');
  const field = filterable.find((f) => f.api_name === draft.field);
  const labelOf = (name: string) => pick(meta.fields.find((f) => f.api_name === name)?.label) || name;

  const apply = () => {
    if (!field || !draft.op) return setProblem(t('filter.incomplete'));
    const cond = buildCondition(
      field,
      draft.op,
      draft.op === 'is_null' && draft.value === null ? true : draft.value,
    );
    if (!cond) return setProblem(t('filter.incomplete'));
    const display =
      draft.op === 'is_null'
        ? cond.value === 'true'
          ? t('filter.isEmpty')
          : t('filter.isNotEmpty')
        : draft.display;
    onChange([...filter, { ...cond, display }]);
    setDraft({ value: null });
    setProblem(null);
    setOpen(false);
  };

  const form = (
    <Form
      layout="vertical"
      style={{ width: 'min(320px, calc(100vw - 64px))' }}
      onFinish={apply}
      data-testid="filter-form"
    >
      <Form.Item label={t('filter.field')}>
        <Select
          aria-label={t('filter.field')}
          showSearch={{ optionFilterProp: 'label' }}
          value={draft.field}
          autoFocus
          onChange={(name: string) => {
            const f = filterable.find((x) => x.api_name === name);
            setDraft({ field: name, op: f ? operatorsFor(f.type)[0] : undefined, value: null });
          }}
          options={filterable.map((f) => ({ value: f.api_name, label: pick(f.label) }))}
        />
      </Form.Item>
      {field && (
        <Form.Item label={t('filter.operator')}>
          <Select
            aria-label={t('filter.operator')}
            value={draft.op}
            onChange={(op: FilterOp) => setDraft({ ...draft, op, value: null })}
            options={operatorsFor(field.type).map((op) => ({ value: op, label: t(`filter.op.${op}`) }))}
          />
        </Form.Item>
      )}
      {field && draft.op && (
        <Form.Item label={t('filter.value')} validateStatus={problem ? 'error' : undefined} help={problem}>
          <ValueInput
            key={`${field.api_name}:${draft.op}`}
            field={field}
            op={draft.op}
            value={draft.value}
            onChange={(value, display) => setDraft({ ...draft, value, display })}
          />
        </Form.Item>
      )}
      <Button type="primary" htmlType="submit" block>
        {t('filter.apply')}
      </Button>
    </Form>
  );

  return (
    <Space wrap size={[6, 6]} data-testid="filter-bar">
      <FilterOutlined style={{ color: '#8c8c8c' }} />
      {filter.map((c, i) => (
        <Tag
          key={`${c.field}-${c.op}-${i}`}
          closable
          onClose={() => onChange(filter.filter((_, j) => j !== i))}
          color="blue"
          className="fw-filter-chip"
          data-testid="filter-chip"
        >
          {labelOf(c.field)} {t(`filter.op.${c.op}`)} {c.op === 'is_null' ? '' : (c.display ?? c.value)}
        </Tag>
      ))}
      <Popover
        open={open}
        onOpenChange={setOpen}
        trigger="click"
        content={form}
        placement="bottomLeft"
        destroyOnHidden
      >
        <Button size="small" icon={<PlusOutlined />}>
          {t('filter.add')}
        </Button>
      </Popover>
      {filter.length > 0 && (
        <Button size="small" type="link" onClick={() => onChange([])}>
          {t('list.clearFilters')}
        </Button>
      )}
    </Space>
  );
}
