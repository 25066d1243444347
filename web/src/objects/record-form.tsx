import { useState } from 'react';
import { Alert, Button, Col, Form, Row, Space } from 'antd';
import type { FieldValue, ObjectMeta, RecordData } from '../api/types';
import { ApiError } from '../api/http-client';
import { errorText } from '../api/error-text';
import { useMe } from '../api/queries';
import { useI18n } from '../i18n/i18n-context';
import { FieldInput } from './field-input';
import {
  editableFields,
  fieldValue,
  formOrder,
  toApiValue,
  toFormValue,
  type FormValue,
} from './field-values';

interface Props {
  meta: ObjectMeta;
  record?: RecordData;
  /** starting values of a new record (the owner: the person entering it) */
  defaults?: Record<string, FieldValue>;
  submitLabel: string;
  /** Receives only the fields that changed (all filled fields when creating). */
  onSubmit: (values: Record<string, unknown>) => Promise<void>;
  onCancel: () => void;
}

/** Server field names may be prefixed (records[0].name) or nested (annual_revenue.amount). */
function formFieldOf(detailField: string | undefined, names: Set<string>): string | undefined {
  if (!detailField) return undefined;
  const bare = detailField.replace(/^records\[\d+\]\./, '').split('.')[0] ?? '';
  return names.has(bare) ? bare : undefined;
}

/** Create/edit form generated from metadata; server validation lands on the named field. */
export function RecordForm({ meta, record, defaults, submitLabel, onSubmit, onCancel }: Props) {
  const { t, pick } = useI18n();
  const currency = useMe().data?.tenant.currency ?? 'CNY';
  const [form] = Form.useForm<Record<string, FormValue>>();
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const fields = formOrder(editableFields(meta.fields), meta.name_field);
  const names = new Set(fields.map((f) => f.api_name));
  const initialValues = Object.fromEntries(
    fields.map((f) => [
      f.api_name,
      toFormValue(f, record ? fieldValue(record, f.api_name) : (defaults?.[f.api_name] ?? null), currency),
    ]),
  );

  const submit = async () => {
    const values = form.getFieldsValue(true);
    const body: Record<string, unknown> = {};
    for (const f of fields) {
      const v = toApiValue(f, values[f.api_name]);
      const before = record ? fieldValue(record, f.api_name) : null;
      if (record ? JSON.stringify(v) !== JSON.stringify(before) : v !== null) body[f.api_name] = v;
    }
    setBusy(true);
    setProblem(null);
    try {
      await onSubmit(body);
    } catch (err) {
      if (err instanceof ApiError && err.details.length > 0) {
        const onFields = err.details.flatMap((d) => {
          const name = formFieldOf(d.field, names);
          return name ? [{ name, errors: [d.issue] }] : [];
        });
        form.setFields(onFields);
        const unplaced = err.details.filter((d) => !formFieldOf(d.field, names));
        setProblem(
          unplaced.length
            ? unplaced.map((d) => d.issue).join('；')
            : onFields.length
              ? t('record.fixErrors')
              : errorText(err, t),
        );
      } else {
        setProblem(errorText(err, t));
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <Form
      form={form}
      layout="vertical"
      initialValues={initialValues}
      onFinish={() => void submit()}
      scrollToFirstError
      data-testid="record-form"
    >
      {problem && <Alert type="error" showIcon title={problem} style={{ marginBottom: 16 }} role="alert" />}
      <Row gutter={16}>
        {fields.map((f, i) => (
          <Col key={f.api_name} xs={24} md={f.type === 'long_text' ? 24 : 12}>
            <Form.Item name={f.api_name} label={pick(f.label)} required={f.required}>
              <FieldInput
                field={f}
                autoFocus={i === 0}
                refLabel={record?._expand?.[f.api_name]?.name ?? null}
                onPressEnter={() => form.submit()}
              />
            </Form.Item>
          </Col>
        ))}
      </Row>
      <div className="fw-form-actions">
        <Space wrap>
          <Button type="primary" htmlType="submit" loading={busy} data-testid="form-submit">
            {submitLabel}
          </Button>
          <Button onClick={onCancel}>{t('common.cancel')}</Button>
        </Space>
      </div>
    </Form>
  );
}
