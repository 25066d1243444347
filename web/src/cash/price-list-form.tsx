import { useState } from 'react';
import {
  Alert,
  App,
  Col,
  DatePicker,
  Form,
  Input,
  InputNumber,
  Modal,
  Row,
  Select,
  Switch,
  Typography,
} from 'antd';
import { useQueryClient } from '@tanstack/react-query';
import dayjs, { type Dayjs } from 'dayjs';
import { createRecord, updateRecord } from '../api/endpoints';
import { useMe, useObjectMeta } from '../api/queries';
import type { RecordData } from '../api/types';
import { useI18n } from '../i18n/i18n-context';
import { RecordSelect } from '../objects/record-select';
import { showServerErrors } from '../settings/server-errors';
import { CURRENCIES, optionsOf } from './order-parts';
import { editorKeys, type PriceListFacts } from './price-list-parts';

interface Values {
  name: string;
  currency: string;
  priority: number | null;
  scope_type: string;
  account_id?: string | null;
  scope_value?: string | null;
  valid_from: Dayjs | null;
  valid_to: Dayjs | null;
  active: boolean;
  description?: string | null;
}

// the fields the server may name in a 422; they sit on the form items of the same name
const FIELDS = [
  'name',
  'currency',
  'priority',
  'scope_type',
  'account_id',
  'scope_value',
  'valid_from',
  'valid_to',
  'active',
  'description',
] as const;

const ymd = (d: Dayjs | null): string | null => (d ? d.format('YYYY-MM-DD') : null);

/**
 * Create or edit a price list's header (the generic record API: its hooks check the scope fields,
 * the currency and the period). Enter saves, Esc cancels; the server's messages land on their field.
 */
export function PriceListForm(props: {
  open: boolean;
  /** null: a new list */
  list: PriceListFacts | null;
  onClose: () => void;
  onSaved: (saved: RecordData) => void;
}) {
  // mounted per opening, so the form starts from the list as it is now
  return props.open ? <PriceListDialog {...props} /> : null;
}

function PriceListDialog({
  list,
  onClose,
  onSaved,
}: {
  list: PriceListFacts | null;
  onClose: () => void;
  onSaved: (saved: RecordData) => void;
}) {
  const { t, pick } = useI18n();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const me = useMe().data;
  const { meta } = useObjectMeta('price_list');
  const account = useObjectMeta('account').meta;
  const [form] = Form.useForm<Values>();
  const scope = Form.useWatch('scope_type', form);
  const [saving, setSaving] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [initial] = useState<Partial<Values>>(() =>
    list
      ? {
          name: list.name,
          currency: list.currency,
          priority: list.priority,
          scope_type: list.scope_type,
          account_id: list.account_id,
          scope_value: list.scope_value,
          valid_from: list.valid_from ? dayjs(list.valid_from) : null,
          valid_to: list.valid_to ? dayjs(list.valid_to) : null,
          active: list.active,
          description: list.description,
        }
      : {
          name: '',
          currency: me?.tenant.currency ?? 'CNY',
          priority: 100,
          scope_type: 'all',
          valid_from: null,
          valid_to: null,
          active: true,
        },
  );

  const save = async () => {
    let v: Values;
    try {
      v = await form.validateFields();
    } catch {
      return; // the messages are on the fields
    }
    setSaving(true);
    setProblem(null);
    const name = v.name.trim();
    const body: Record<string, unknown> = {
      name,
      currency: v.currency,
      priority: v.priority ?? 100,
      scope_type: v.scope_type,
      // the server clears what does not match the scope; sending null keeps a switch of scope clean
      account_id: v.scope_type === 'account' ? (v.account_id ?? null) : null,
      scope_value:
        v.scope_type === 'account_grade' || v.scope_type === 'account_type' ? (v.scope_value ?? null) : null,
      valid_from: ymd(v.valid_from),
      valid_to: ymd(v.valid_to),
      active: v.active,
      description: v.description?.trim() || null,
    };
    try {
      const saved = list
        ? await updateRecord('price_list', list.id, { ...body, version: list.version })
        : await createRecord('price_list', body);
      await qc.invalidateQueries({ queryKey: ['records', 'price_list'] });
      void message.success(list ? t('cash.pl.savedToast') : t('cash.pl.createdToast', { name }));
      onSaved(saved);
    } catch (err) {
      setProblem(showServerErrors(form, err, FIELDS, t));
    } finally {
      setSaving(false);
    }
  };

  const required = { required: true, message: t('cash.pl.required') };
  const scopeField = scope === 'account_grade' ? 'grade' : 'type';
  // named after the account field it matches: 客户等级 or 客户类型
  const matched = account?.fields.find((x) => x.api_name === scopeField);
  const scopeValueLabel = matched ? pick(matched.label) : t('cash.pl.scopeValue');

  return (
    <Modal
      open
      title={list ? t('cash.pl.editTitle') : t('cash.pl.new')}
      okText={t('cash.pl.save')}
      cancelText={t('cash.pl.cancel')}
      onOk={() => void save()}
      onCancel={onClose}
      confirmLoading={saving}
      // Esc is handled below so that it first closes an open dropdown instead of the dialog
      keyboard={false}
      width={640}
      destroyOnHidden
      modalRender={(node) => (
        <div onKeyDown={editorKeys({ save: () => void save(), cancel: onClose })}>{node}</div>
      )}
    >
      <Typography.Paragraph type="secondary" style={{ marginBottom: 12 }}>
        {t('cash.pl.keysHint')}
      </Typography.Paragraph>
      {problem && <Alert type="error" showIcon role="alert" title={problem} style={{ marginBottom: 12 }} />}
      <Form<Values>
        form={form}
        initialValues={initial}
        layout="vertical"
        data-testid="price-list-form"
        requiredMark
      >
        <Row gutter={16}>
          <Col xs={24} md={16}>
            <Form.Item name="name" label={t('cash.pl.name')} rules={[{ ...required, whitespace: true }]}>
              <Input maxLength={200} autoFocus />
            </Form.Item>
          </Col>
          <Col xs={12} md={8}>
            <Form.Item name="currency" label={t('cash.pl.currency')} rules={[required]}>
              <Select options={CURRENCIES.map((c) => ({ value: c, label: c }))} />
            </Form.Item>
          </Col>
          <Col xs={12} md={8}>
            <Form.Item name="scope_type" label={t('cash.pl.scope')} rules={[required]}>
              <Select options={optionsOf(meta, 'scope_type', pick)} />
            </Form.Item>
          </Col>
          <Col xs={24} md={16}>
            {scope === 'account' && (
              <Form.Item name="account_id" label={t('cash.pl.account')} rules={[required]}>
                <RecordSelect object="account" initialLabel={list?.account_name} />
              </Form.Item>
            )}
            {(scope === 'account_grade' || scope === 'account_type') && (
              <Form.Item name="scope_value" label={scopeValueLabel} rules={[required]}>
                <Select options={optionsOf(account, scopeField, pick)} />
              </Form.Item>
            )}
          </Col>
          <Col xs={12} md={8}>
            <Form.Item
              name="priority"
              label={t('cash.pl.priority')}
              tooltip={t('cash.pl.priorityHint')}
              rules={[
                required,
                {
                  validator: (_r, v: unknown) =>
                    typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 1_000_000
                      ? Promise.resolve()
                      : Promise.reject(new Error(t('cash.pl.priorityRange'))),
                },
              ]}
            >
              <InputNumber min={0} max={1_000_000} precision={0} style={{ width: '100%' }} />
            </Form.Item>
          </Col>
          <Col xs={12} md={8}>
            <Form.Item name="valid_from" label={t('cash.pl.validFrom')}>
              <DatePicker style={{ width: '100%' }} format="YYYY-MM-DD" />
            </Form.Item>
          </Col>
          <Col xs={12} md={8}>
            <Form.Item
              name="valid_to"
              label={t('cash.pl.validTo')}
              dependencies={['valid_from']}
              rules={[
                ({ getFieldValue }) => ({
                  validator: (_r, v: Dayjs | null) => {
                    const from = getFieldValue('valid_from') as Dayjs | null;
                    return v && from && v.isBefore(from, 'day')
                      ? Promise.reject(new Error(t('cash.pl.periodOrder')))
                      : Promise.resolve();
                  },
                }),
              ]}
            >
              <DatePicker style={{ width: '100%' }} format="YYYY-MM-DD" />
            </Form.Item>
          </Col>
          <Col xs={12} md={8}>
            <Form.Item name="active" label={t('cash.pl.active')} valuePropName="checked">
              <Switch />
            </Form.Item>
          </Col>
          <Col xs={24}>
            <Form.Item name="description" label={t('cash.pl.description')} style={{ marginBottom: 0 }}>
              <Input.TextArea autoSize={{ minRows: 1, maxRows: 4 }} maxLength={5000} />
            </Form.Item>
          </Col>
        </Row>
      </Form>
    </Modal>
  );
}
