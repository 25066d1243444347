import { useState } from 'react';
import { Alert, Form, Modal, Select } from 'antd';
import type { ObjectMeta, RecordData } from '../api/types';
import { useI18n } from '../i18n/i18n-context';
import { useMe } from '../api/queries';
import { FieldInput } from './field-input';
import { editableFields, toApiValue, toFormValue, type FormValue } from './field-values';

interface Props {
  meta: ObjectMeta;
  records: RecordData[];
  open: boolean;
  onClose: () => void;
  onSubmit: (rows: Record<string, unknown>[]) => Promise<string | null>;
}

/** Sets one field on every selected record in one all-or-nothing bulk request. */
export function BulkEditModal({ meta, records, open, onClose, onSubmit }: Props) {
  const { t, pick } = useI18n();
  const currency = useMe().data?.tenant.currency ?? 'CNY';
  const fields = editableFields(meta.fields);
  const [fieldName, setFieldName] = useState<string | undefined>(fields[0]?.api_name);
  const field = fields.find((f) => f.api_name === fieldName);
  const [value, setValue] = useState<FormValue>(field ? toFormValue(field, null, currency) : null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async () => {
    if (!field) return;
    setBusy(true);
    const apiValue = toApiValue(field, value);
    const problem = await onSubmit(
      records.map((r) => ({ id: r.id, version: r.version, [field.api_name]: apiValue })),
    );
    setBusy(false);
    setError(problem);
    if (!problem) onClose();
  };

  return (
    <Modal
      open={open}
      title={`${t('list.bulkEdit')} · ${t('list.selected', { count: records.length })}`}
      onCancel={onClose}
      onOk={() => void submit()}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      confirmLoading={busy}
      destroyOnHidden
    >
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} />}
      <Form layout="vertical" onFinish={() => void submit()}>
        <Form.Item label={t('list.bulkEditField')}>
          <Select
            value={fieldName}
            showSearch={{ optionFilterProp: 'label' }}
            onChange={(name: string) => {
              const f = fields.find((x) => x.api_name === name);
              setFieldName(name);
              setValue(f ? toFormValue(f, null, currency) : null);
              setError(null);
            }}
            options={fields.map((f) => ({ value: f.api_name, label: pick(f.label) }))}
          />
        </Form.Item>
        {field && (
          <Form.Item label={t('list.bulkEditValue')}>
            <FieldInput key={field.api_name} field={field} value={value} onChange={setValue} />
          </Form.Item>
        )}
      </Form>
    </Modal>
  );
}
