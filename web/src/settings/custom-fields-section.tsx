import { useState } from 'react';
import { Alert, App, Button, Card, Checkbox, Form, Input, Modal, Select, Space, Table, Tag } from 'antd';
import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { createCustomField, createCustomObject, patchCustomField, patchCustomObject } from '../api/admin';
import { keys, useObjects } from '../api/queries';
import type { FieldMeta, FieldType, ObjectMeta } from '../api/types';
import { useI18n } from '../i18n/i18n-context';
import type { MessageKey } from '../i18n/zh-CN';
import { showServerErrors } from './server-errors';

const FIELD_TYPES: FieldType[] = [
  'text',
  'long_text',
  'email',
  'phone',
  'url',
  'number',
  'percent',
  'currency',
  'date',
  'datetime',
  'boolean',
  'select',
  'multi_select',
  'lookup',
  'user',
];

const typeKey = (type: FieldType) => `settings.fieldType.${type}` as MessageKey;

interface FieldFormValues {
  api_name: string;
  type: FieldType;
  zh?: string;
  en?: string;
  required?: boolean;
  unique?: boolean;
  indexed?: boolean;
  options?: { value: string; zh?: string; en?: string }[];
  lookup?: string;
}

/** Both labels optional on their own, but at least one; the server copies the missing one. */
function labels(zh?: string, en?: string) {
  return {
    ...(zh?.trim() ? { 'zh-CN': zh.trim() } : {}),
    ...(en?.trim() ? { 'en-US': en.trim() } : {}),
  };
}

/** The option rows of a select / multi-select field (form list `options`). */
function OptionsEditor() {
  const { t } = useI18n();
  return (
    <Form.List name="options">
      {(items, { add, remove }, { errors }) => (
        <div data-testid="options-editor">
          <div style={{ marginBottom: 8 }}>{t('settings.fields.options')}</div>
          {items.map((item, i) => (
            <Space key={item.key} align="start" style={{ display: 'flex' }}>
              <Form.Item name={[item.name, 'value']} rules={[{ required: true }]}>
                <Input
                  placeholder={t('settings.fields.optionValue')}
                  aria-label={`${t('settings.fields.optionValue')} ${i + 1}`}
                />
              </Form.Item>
              <Form.Item name={[item.name, 'zh']} rules={[{ required: true }]}>
                <Input placeholder={t('settings.labelZh')} aria-label={`${t('settings.labelZh')} ${i + 1}`} />
              </Form.Item>
              <Form.Item name={[item.name, 'en']}>
                <Input placeholder={t('settings.labelEn')} aria-label={`${t('settings.labelEn')} ${i + 1}`} />
              </Form.Item>
              <Button
                type="text"
                icon={<MinusCircleOutlined />}
                aria-label={t('common.delete')}
                onClick={() => remove(item.name)}
              />
            </Space>
          ))}
          <Form.ErrorList errors={errors} />
          <Button icon={<PlusOutlined />} onClick={() => add({ value: '' })}>
            {t('settings.fields.addOption')}
          </Button>
        </div>
      )}
    </Form.List>
  );
}

function AddFieldModal({ meta, onClose }: { meta: ObjectMeta; onClose: () => void }) {
  const { t, pick } = useI18n();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const objects = useObjects().data ?? [];
  const [form] = Form.useForm<FieldFormValues>();
  const type = Form.useWatch('type', form);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  const submit = async (v: FieldFormValues) => {
    setBusy(true);
    setProblem(null);
    try {
      const withOptions = v.type === 'select' || v.type === 'multi_select';
      await createCustomField(meta.api_name, {
        api_name: v.api_name,
        type: v.type,
        label: labels(v.zh, v.en),
        required: v.required === true,
        unique: v.unique === true,
        indexed: v.indexed === true,
        ...(withOptions
          ? { options: (v.options ?? []).map((o) => ({ value: o.value, label: labels(o.zh, o.en) })) }
          : {}),
        ...(v.type === 'lookup' ? { lookup: v.lookup } : {}),
      });
      await qc.invalidateQueries({ queryKey: keys.objects });
      message.success(t('settings.fields.added'));
      onClose();
    } catch (err) {
      setProblem(showServerErrors(form, err, ['api_name', 'type', 'required', 'unique', 'lookup'], t));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open
      width={640}
      title={t('settings.fields.addTo', { object: pick(meta.label) || meta.api_name })}
      onCancel={onClose}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      confirmLoading={busy}
      onOk={() => form.submit()}
      destroyOnHidden
    >
      <Form<FieldFormValues>
        form={form}
        layout="vertical"
        data-testid="field-form"
        initialValues={{ type: 'text', options: [{ value: '' }] }}
        onFinish={(v) => void submit(v)}
      >
        {problem && <Alert type="error" showIcon title={problem} style={{ marginBottom: 12 }} />}
        <Form.Item
          name="api_name"
          label={t('settings.fields.apiName')}
          extra={t('settings.fields.apiNameHint')}
          rules={[
            {
              required: true,
              pattern: /^[a-z][a-z0-9_]{0,40}__c$/,
              message: t('settings.fields.apiNameHint'),
            },
          ]}
        >
          <Input />
        </Form.Item>
        <Form.Item name="type" label={t('settings.fields.type')} rules={[{ required: true }]}>
          <Select
            showSearch={{ optionFilterProp: 'label' }}
            options={FIELD_TYPES.map((ft) => ({ value: ft, label: t(typeKey(ft)) }))}
          />
        </Form.Item>
        <Space style={{ display: 'flex' }} align="start">
          <Form.Item name="zh" label={t('settings.labelZh')} rules={[{ required: true }]}>
            <Input />
          </Form.Item>
          <Form.Item name="en" label={t('settings.labelEn')}>
            <Input />
          </Form.Item>
        </Space>
        <Space>
          <Form.Item name="required" valuePropName="checked">
            <Checkbox>{t('settings.fields.required')}</Checkbox>
          </Form.Item>
          <Form.Item name="unique" valuePropName="checked">
            <Checkbox>{t('settings.fields.unique')}</Checkbox>
          </Form.Item>
          <Form.Item name="indexed" valuePropName="checked">
            <Checkbox>{t('settings.fields.indexed')}</Checkbox>
          </Form.Item>
        </Space>
        {type === 'lookup' && (
          <Form.Item name="lookup" label={t('settings.fields.lookup')} rules={[{ required: true }]}>
            <Select
              options={objects.map((o) => ({ value: o.api_name, label: pick(o.label) || o.api_name }))}
            />
          </Form.Item>
        )}
        {(type === 'select' || type === 'multi_select') && <OptionsEditor />}
        <button type="submit" hidden />
      </Form>
    </Modal>
  );
}

interface EditFieldValues {
  zh?: string;
  en?: string;
  required?: boolean;
  options?: { value: string; zh?: string; en?: string }[];
}

function EditFieldModal({
  meta,
  field,
  onClose,
}: {
  meta: ObjectMeta;
  field: FieldMeta;
  onClose: () => void;
}) {
  const { t, pick } = useI18n();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [form] = Form.useForm<EditFieldValues>();
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const withOptions = field.type === 'select' || field.type === 'multi_select';

  const submit = async (v: EditFieldValues) => {
    setBusy(true);
    setProblem(null);
    try {
      await patchCustomField(meta.api_name, field.api_name, {
        label: labels(v.zh, v.en),
        required: v.required === true,
        ...(withOptions
          ? { options: (v.options ?? []).map((o) => ({ value: o.value, label: labels(o.zh, o.en) })) }
          : {}),
      });
      await qc.invalidateQueries({ queryKey: keys.objects });
      message.success(t('common.saved'));
      onClose();
    } catch (err) {
      setProblem(showServerErrors(form, err, ['label', 'required', 'options'], t));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open
      width={640}
      title={t('settings.fields.editTitle', { field: pick(field.label) || field.api_name })}
      onCancel={onClose}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      confirmLoading={busy}
      onOk={() => form.submit()}
      destroyOnHidden
    >
      <Form<EditFieldValues>
        form={form}
        layout="vertical"
        data-testid="field-edit-form"
        initialValues={{
          zh: field.label['zh-CN'],
          en: field.label['en-US'],
          required: field.required,
          options: (field.options ?? []).map((o) => ({
            value: o.value,
            zh: o.label['zh-CN'],
            en: o.label['en-US'],
          })),
        }}
        onFinish={(v) => void submit(v)}
      >
        {problem && <Alert type="error" showIcon title={problem} style={{ marginBottom: 12 }} />}
        <Space style={{ display: 'flex' }} align="start">
          <Form.Item name="zh" label={t('settings.labelZh')} rules={[{ required: true }]}>
            <Input />
          </Form.Item>
          <Form.Item name="en" label={t('settings.labelEn')}>
            <Input />
          </Form.Item>
        </Space>
        <Form.Item name="required" valuePropName="checked">
          <Checkbox>{t('settings.fields.required')}</Checkbox>
        </Form.Item>
        {withOptions && <OptionsEditor />}
        <button type="submit" hidden />
      </Form>
    </Modal>
  );
}

interface ObjectFormValues {
  api_name: string;
  zh: string;
  en?: string;
  pluralZh?: string;
  pluralEn?: string;
}

function NewObjectModal({ onClose, onCreated }: { onClose: () => void; onCreated: (api: string) => void }) {
  const { t } = useI18n();
  const qc = useQueryClient();
  const [form] = Form.useForm<ObjectFormValues>();
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const submit = async (v: ObjectFormValues) => {
    setBusy(true);
    setProblem(null);
    try {
      const plural = labels(v.pluralZh, v.pluralEn);
      const created = await createCustomObject({
        api_name: v.api_name,
        label: labels(v.zh, v.en),
        ...(Object.keys(plural).length ? { plural_label: plural } : {}),
      });
      await qc.invalidateQueries({ queryKey: keys.objects });
      onCreated(created.api_name);
    } catch (err) {
      setProblem(showServerErrors(form, err, ['api_name'], t));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal
      open
      title={t('settings.objects.new')}
      onCancel={onClose}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      confirmLoading={busy}
      onOk={() => form.submit()}
      destroyOnHidden
    >
      <Form<ObjectFormValues>
        form={form}
        layout="vertical"
        data-testid="object-form"
        onFinish={(v) => void submit(v)}
      >
        {problem && <Alert type="error" showIcon title={problem} style={{ marginBottom: 12 }} />}
        <Form.Item
          name="api_name"
          label={t('settings.fields.apiName')}
          extra={t('settings.fields.apiNameHint')}
          rules={[
            {
              required: true,
              pattern: /^[a-z][a-z0-9_]{0,40}__c$/,
              message: t('settings.fields.apiNameHint'),
            },
          ]}
        >
          <Input />
        </Form.Item>
        <Form.Item name="zh" label={t('settings.labelZh')} rules={[{ required: true }]}>
          <Input />
        </Form.Item>
        <Form.Item name="en" label={t('settings.labelEn')}>
          <Input />
        </Form.Item>
        <Form.Item name="pluralZh" label={t('settings.objects.pluralZh')}>
          <Input />
        </Form.Item>
        <Form.Item name="pluralEn" label={t('settings.objects.pluralEn')}>
          <Input />
        </Form.Item>
        <button type="submit" hidden />
      </Form>
    </Modal>
  );
}

interface RenameObjectValues {
  zh: string;
  en?: string;
  pluralZh?: string;
  pluralEn?: string;
}

function RenameObjectModal({ meta, onClose }: { meta: ObjectMeta; onClose: () => void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [form] = Form.useForm<RenameObjectValues>();
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const submit = async (v: RenameObjectValues) => {
    setBusy(true);
    setProblem(null);
    try {
      const plural = labels(v.pluralZh, v.pluralEn);
      await patchCustomObject(meta.api_name, {
        label: labels(v.zh, v.en),
        ...(Object.keys(plural).length ? { plural_label: plural } : {}),
      });
      await qc.invalidateQueries({ queryKey: keys.objects });
      message.success(t('common.saved'));
      onClose();
    } catch (err) {
      setProblem(showServerErrors(form, err, ['label', 'plural_label'], t));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal
      open
      title={t('settings.objects.rename')}
      onCancel={onClose}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      confirmLoading={busy}
      onOk={() => form.submit()}
      destroyOnHidden
    >
      <Form<RenameObjectValues>
        form={form}
        layout="vertical"
        data-testid="object-rename-form"
        initialValues={{
          zh: meta.label['zh-CN'],
          en: meta.label['en-US'],
          pluralZh: meta.plural_label['zh-CN'],
          pluralEn: meta.plural_label['en-US'],
        }}
        onFinish={(v) => void submit(v)}
      >
        {problem && <Alert type="error" showIcon title={problem} style={{ marginBottom: 12 }} />}
        <Form.Item name="zh" label={t('settings.labelZh')} rules={[{ required: true }]}>
          <Input />
        </Form.Item>
        <Form.Item name="en" label={t('settings.labelEn')}>
          <Input />
        </Form.Item>
        <Form.Item name="pluralZh" label={t('settings.objects.pluralZh')}>
          <Input />
        </Form.Item>
        <Form.Item name="pluralEn" label={t('settings.objects.pluralEn')}>
          <Input />
        </Form.Item>
        <button type="submit" hidden />
      </Form>
    </Modal>
  );
}

export function CustomFieldsSection() {
  const { t, pick } = useI18n();
  const objects = useObjects();
  const list = objects.data ?? [];
  const [objectName, setObjectName] = useState<string | null>(null);
  const [adding, setAdding] = useState(false);
  const [creating, setCreating] = useState(false);
  const [editingField, setEditingField] = useState<FieldMeta | null>(null);
  const [renaming, setRenaming] = useState(false);
  const meta = list.find((o) => o.api_name === objectName) ?? list[0];

  return (
    <Card
      size="small"
      title={t('settings.fields.title')}
      extra={
        <Button icon={<PlusOutlined />} onClick={() => setCreating(true)}>
          {t('settings.objects.new')}
        </Button>
      }
    >
      <Space style={{ marginBottom: 12 }} wrap>
        <Select
          data-testid="object-select"
          aria-label={t('settings.roles.object')}
          style={{ minWidth: 220 }}
          showSearch={{ optionFilterProp: 'label' }}
          value={meta?.api_name}
          onChange={(v: string) => setObjectName(v)}
          options={list.map((o) => ({
            value: o.api_name,
            label: `${pick(o.label) || o.api_name} (${o.api_name})`,
          }))}
        />
        {meta && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setAdding(true)}>
            {t('settings.fields.add')}
          </Button>
        )}
        {meta?.is_custom && <Button onClick={() => setRenaming(true)}>{t('settings.objects.rename')}</Button>}
      </Space>
      {meta && (
        <Table<FieldMeta>
          size="small"
          rowKey="api_name"
          data-testid="fields-table"
          loading={objects.isLoading}
          pagination={false}
          dataSource={meta.fields}
          columns={[
            {
              key: 'label',
              title: t('settings.fields.label'),
              render: (_, f) => pick(f.label) || f.api_name,
            },
            { key: 'api', title: t('settings.fields.apiName'), render: (_, f) => <code>{f.api_name}</code> },
            { key: 'type', title: t('settings.fields.type'), render: (_, f) => t(typeKey(f.type)) },
            {
              key: 'flags',
              title: '',
              render: (_, f) => (
                <Space size={4} wrap>
                  {f.is_custom && <Tag color="purple">{t('settings.fields.custom')}</Tag>}
                  {f.system && <Tag>{t('settings.fields.system')}</Tag>}
                  {f.required && <Tag color="red">{t('settings.fields.required')}</Tag>}
                  {f.unique && <Tag color="blue">{t('settings.fields.unique')}</Tag>}
                  {f.lookup && <Tag>→ {f.lookup}</Tag>}
                </Space>
              ),
            },
            {
              key: 'actions',
              title: '',
              render: (_, f) =>
                f.is_custom ? (
                  <Button
                    type="link"
                    size="small"
                    aria-label={`${t('common.edit')} ${f.api_name}`}
                    onClick={() => setEditingField(f)}
                  >
                    {t('common.edit')}
                  </Button>
                ) : null,
            },
          ]}
        />
      )}
      {adding && meta && <AddFieldModal meta={meta} onClose={() => setAdding(false)} />}
      {editingField && meta && (
        <EditFieldModal meta={meta} field={editingField} onClose={() => setEditingField(null)} />
      )}
      {renaming && meta && <RenameObjectModal meta={meta} onClose={() => setRenaming(false)} />}
      {creating && (
        <NewObjectModal
          onClose={() => setCreating(false)}
          onCreated={(api) => {
            setCreating(false);
            setObjectName(api);
          }}
        />
      )}
    </Card>
  );
}
