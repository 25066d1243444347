import { useState } from 'react';
import {
  Alert,
  App,
  Button,
  Card,
  Form,
  Input,
  Modal,
  Popconfirm,
  Select,
  Table,
  Tag,
  Typography,
} from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { adminKeys, createApiKey, revokeApiKey, useApiKeys, useRoles, type ApiKey } from '../api/admin';
import { errorText } from '../api/error-text';
import { useMe } from '../api/queries';
import { formatDateTime } from '../format/date';
import { useI18n } from '../i18n/i18n-context';
import { showServerErrors } from './server-errors';

function CreateKeyModal({ onClose }: { onClose: () => void }) {
  const { t, pick } = useI18n();
  const qc = useQueryClient();
  const roles = useRoles().data ?? [];
  const [form] = Form.useForm<{ name: string; role: string }>();
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [secret, setSecret] = useState<string | null>(null);

  const submit = async (v: { name: string; role: string }) => {
    setBusy(true);
    setProblem(null);
    try {
      const created = await createApiKey(v);
      setSecret(created.key);
      await qc.invalidateQueries({ queryKey: adminKeys.apiKeys });
    } catch (err) {
      setProblem(showServerErrors(form, err, ['name', 'role'], t));
    } finally {
      setBusy(false);
    }
  };

  if (secret)
    return (
      <Modal
        open
        title={t('settings.apiKeys.createdTitle')}
        onCancel={onClose}
        footer={<Button onClick={onClose}>{t('common.close')}</Button>}
      >
        <Alert type="warning" showIcon title={t('settings.apiKeys.shownOnce')} style={{ marginBottom: 12 }} />
        <Typography.Paragraph copyable={{ text: secret }} code data-testid="api-key-secret">
          {secret}
        </Typography.Paragraph>
      </Modal>
    );

  return (
    <Modal
      open
      title={t('settings.apiKeys.create')}
      onCancel={onClose}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      confirmLoading={busy}
      onOk={() => form.submit()}
      destroyOnHidden
    >
      <Form form={form} layout="vertical" onFinish={(v) => void submit(v)}>
        {problem && <Alert type="error" showIcon title={problem} style={{ marginBottom: 12 }} />}
        <Form.Item name="name" label={t('settings.apiKeys.name')} rules={[{ required: true }]}>
          <Input />
        </Form.Item>
        <Form.Item name="role" label={t('settings.users.role')} rules={[{ required: true }]}>
          <Select options={roles.map((r) => ({ value: r.key, label: pick(r.name) || r.key }))} />
        </Form.Item>
        <button type="submit" hidden />
      </Form>
    </Modal>
  );
}

export function ApiKeysSection() {
  const { t, locale } = useI18n();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const tz = useMe().data?.tenant.time_zone ?? 'Asia/Shanghai';
  const keys = useApiKeys();
  const [creating, setCreating] = useState(false);
  const when = (v: string | null) => (v ? formatDateTime(v, tz, locale) : t('common.empty'));

  const revoke = async (k: ApiKey) => {
    try {
      await revokeApiKey(k.id);
      await qc.invalidateQueries({ queryKey: adminKeys.apiKeys });
      message.success(t('settings.apiKeys.revoked'));
    } catch (err) {
      message.error(errorText(err, t));
    }
  };

  return (
    <Card
      size="small"
      title={t('settings.apiKeys.title')}
      extra={
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
          {t('settings.apiKeys.create')}
        </Button>
      }
    >
      {keys.error && <Alert type="error" title={errorText(keys.error, t)} />}
      <Table<ApiKey>
        size="small"
        rowKey="id"
        data-testid="api-keys-table"
        loading={keys.isLoading}
        dataSource={keys.data ?? []}
        pagination={false}
        columns={[
          { key: 'name', title: t('settings.apiKeys.name'), dataIndex: 'name' },
          { key: 'prefix', title: t('settings.apiKeys.prefix'), render: (_, k) => <code>{k.prefix}…</code> },
          { key: 'role', title: t('settings.users.role'), dataIndex: 'role' },
          { key: 'created', title: t('settings.apiKeys.created'), render: (_, k) => when(k.created_at) },
          { key: 'used', title: t('settings.apiKeys.lastUsed'), render: (_, k) => when(k.last_used_at) },
          {
            key: 'actions',
            title: '',
            render: (_, k) =>
              k.revoked_at ? (
                <Tag>{t('settings.apiKeys.revokedTag')}</Tag>
              ) : (
                <Popconfirm
                  title={t('settings.apiKeys.revokeConfirm', { name: k.name })}
                  okText={t('common.confirm')}
                  cancelText={t('common.cancel')}
                  onConfirm={() => void revoke(k)}
                >
                  <Button type="link" danger size="small">
                    {t('settings.apiKeys.revoke')}
                  </Button>
                </Popconfirm>
              ),
          },
        ]}
      />
      {creating && <CreateKeyModal onClose={() => setCreating(false)} />}
    </Card>
  );
}
