import { useState } from 'react';
import { Button, Space, Typography } from 'antd';
import { CheckOutlined, CloseOutlined, EditOutlined } from '@ant-design/icons';
import type { FieldMeta, RecordData } from '../api/types';
import { useMe } from '../api/queries';
import { useI18n } from '../i18n/i18n-context';
import { FieldInput } from './field-input';
import { FieldValueView, type RenderContext } from './value-render';
import { fieldValue, toApiValue, toFormValue, type FormValue } from './field-values';

interface Props {
  field: FieldMeta;
  record: RecordData;
  ctx: RenderContext;
  editable: boolean;
  /** Resolves with an error text to show under the input, or null when saved. */
  onSave: (field: string, value: unknown) => Promise<string | null>;
}

/** A detail-page value that turns into its input on click; Enter saves, Esc cancels. */
export function InlineField({ field, record, ctx, editable, onSave }: Props) {
  const { t, pick } = useI18n();
  const currency = useMe().data?.tenant.currency ?? 'CNY';
  const [editing, setEditing] = useState(false);
  const [value, setValue] = useState<FormValue>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const start = () => {
    setValue(toFormValue(field, fieldValue(record, field.api_name), currency));
    setError(null);
    setEditing(true);
  };
  const save = async () => {
    setBusy(true);
    const problem = await onSave(field.api_name, toApiValue(field, value));
    setBusy(false);
    setError(problem);
    if (!problem) setEditing(false);
  };

  if (!editing) {
    return (
      <div className="fw-inline-field" onDoubleClick={editable ? start : undefined}>
        <FieldValueView field={field} record={record} ctx={ctx} />
        {editable && (
          <Button
            className="fw-edit-btn"
            size="small"
            type="text"
            icon={<EditOutlined />}
            aria-label={t('record.editField', { field: pick(field.label) })}
            onClick={start}
          />
        )}
      </div>
    );
  }
  return (
    <div
      onKeyDown={(e) => {
        if (e.key === 'Escape') setEditing(false);
      }}
    >
      <Space.Compact style={{ width: '100%' }}>
        <div style={{ flex: 1, minWidth: 0 }}>
          <FieldInput
            field={field}
            value={value}
            onChange={setValue}
            autoFocus
            status={error ? 'error' : undefined}
            refLabel={record._expand?.[field.api_name]?.name ?? null}
            onPressEnter={() => void save()}
          />
        </div>
      </Space.Compact>
      <Space size={4} style={{ marginTop: 4 }}>
        <Button
          size="small"
          type="primary"
          icon={<CheckOutlined />}
          loading={busy}
          onClick={() => void save()}
        >
          {t('common.save')}
        </Button>
        <Button size="small" icon={<CloseOutlined />} onClick={() => setEditing(false)}>
          {t('common.cancel')}
        </Button>
      </Space>
      {error && (
        <Typography.Text type="danger" style={{ display: 'block', fontSize: 12 }} role="alert">
          {error}
        </Typography.Text>
      )}
    </div>
  );
}
