import { useState } from 'react';
import {
  Alert,
  App,
  Button,
  Card,
  Form,
  Input,
  Modal,
  Select,
  Space,
  Switch,
  Table,
  Tag,
  Typography,
} from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import {
  createWebhook,
  patchWebhook,
  replayDelivery,
  useDeliveries,
  useWebhookEventTypes,
  useWebhooks,
  type Webhook,
  type WebhookDelivery,
} from '../api/admin';
import { errorText } from '../api/error-text';
import { useMe } from '../api/queries';
import { formatDateTime } from '../format/date';
import { useI18n } from '../i18n/i18n-context';
import { showServerErrors } from './server-errors';

const WEBHOOKS = ['admin', 'webhooks'] as const;

interface WebhookForm {
  url: string;
  event_types: string[];
  description?: string;
}

function CreateWebhookModal({ onClose }: { onClose: () => void }) {
  const { t } = useI18n();
  const qc = useQueryClient();
  const [form] = Form.useForm<WebhookForm>();
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [secret, setSecret] = useState<string | null>(null);
  const eventTypes = useWebhookEventTypes();

  const submit = async (v: WebhookForm) => {
    setBusy(true);
    setProblem(null);
    try {
      const created = await createWebhook({
        url: v.url,
        event_types: v.event_types,
        ...(v.description ? { description: v.description } : {}),
      });
      setSecret(created.secret);
      await qc.invalidateQueries({ queryKey: WEBHOOKS });
    } catch (err) {
      setProblem(showServerErrors(form, err, ['url', 'event_types', 'description'], t));
    } finally {
      setBusy(false);
    }
  };

  if (secret)
    return (
      <Modal
        open
        title={t('settings.webhooks.createdTitle')}
        onCancel={onClose}
        footer={<Button onClick={onClose}>{t('common.close')}</Button>}
      >
        <Alert
          type="warning"
          showIcon
          title={t('settings.webhooks.secretOnce')}
          style={{ marginBottom: 12 }}
        />
        <Typography.Paragraph copyable={{ text: secret }} code data-testid="webhook-secret">
          {secret}
        </Typography.Paragraph>
      </Modal>
    );

  return (
    <Modal
      open
      title={t('settings.webhooks.create')}
      onCancel={onClose}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      confirmLoading={busy}
      onOk={() => form.submit()}
      destroyOnHidden
    >
      <Form<WebhookForm>
        form={form}
        layout="vertical"
        initialValues={{ event_types: ['*'] }}
        onFinish={(v) => void submit(v)}
      >
        {problem && <Alert type="error" showIcon title={problem} style={{ marginBottom: 12 }} />}
        <Form.Item name="url" label={t('settings.webhooks.url')} rules={[{ required: true }]}>
          <Input placeholder="https://" />
        </Form.Item>
        <Form.Item
          name="event_types"
          label={t('settings.webhooks.events')}
          extra={t('settings.webhooks.eventsHint')}
          rules={[{ required: true }]}
        >
          <Select
            mode="multiple"
            showSearch
            allowClear
            loading={eventTypes.isLoading}
            options={(eventTypes.data ?? []).map((e) => ({ value: e, label: e }))}
          />
        </Form.Item>
        <Form.Item name="description" label={t('settings.webhooks.description')}>
          <Input />
        </Form.Item>
        <button type="submit" hidden />
      </Form>
    </Modal>
  );
}

function Deliveries({ hook }: { hook: Webhook }) {
  const { t, locale } = useI18n();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const tz = useMe().data?.tenant.time_zone ?? 'Asia/Shanghai';
  const q = useDeliveries(hook.id);
  const replay = async (d: WebhookDelivery) => {
    try {
      await replayDelivery(hook.id, d.id);
      message.success(t('settings.webhooks.replayed'));
      await qc.invalidateQueries({ queryKey: [...WEBHOOKS, hook.id, 'deliveries'] });
    } catch (err) {
      message.error(errorText(err, t));
    }
  };
  return (
    <Table<WebhookDelivery>
      size="small"
      rowKey="id"
      loading={q.isLoading}
      dataSource={q.data ?? []}
      pagination={{ pageSize: 10, hideOnSinglePage: true }}
      locale={{ emptyText: t('settings.webhooks.noDeliveries') }}
      columns={[
        { key: 'type', title: t('settings.webhooks.eventType'), dataIndex: 'event_type' },
        { key: 'status', title: t('settings.users.status'), render: (_, d) => <Tag>{d.status}</Tag> },
        { key: 'attempts', title: t('settings.webhooks.attempts'), dataIndex: 'attempts' },
        {
          key: 'code',
          title: t('settings.webhooks.lastResult'),
          render: (_, d) => d.last_error ?? d.last_status_code ?? t('common.empty'),
        },
        {
          key: 'at',
          title: t('settings.apiKeys.created'),
          render: (_, d) => formatDateTime(d.created_at, tz, locale),
        },
        {
          key: 'replay',
          title: '',
          render: (_, d) => (
            <Button size="small" onClick={() => void replay(d)}>
              {t('settings.webhooks.replay')}
            </Button>
          ),
        },
      ]}
    />
  );
}

export function WebhooksSection() {
  const { t } = useI18n();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const hooks = useWebhooks();
  const [creating, setCreating] = useState(false);

  const toggle = async (h: Webhook, active: boolean) => {
    try {
      await patchWebhook(h.id, { active });
      await qc.invalidateQueries({ queryKey: WEBHOOKS });
    } catch (err) {
      message.error(errorText(err, t));
    }
  };

  return (
    <Card
      size="small"
      title={t('settings.webhooks.title')}
      extra={
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
          {t('settings.webhooks.create')}
        </Button>
      }
    >
      {hooks.error && <Alert type="error" title={errorText(hooks.error, t)} />}
      <Table<Webhook>
        size="small"
        rowKey="id"
        data-testid="webhooks-table"
        loading={hooks.isLoading}
        dataSource={hooks.data ?? []}
        pagination={false}
        expandable={{ expandedRowRender: (h) => <Deliveries hook={h} /> }}
        columns={[
          { key: 'url', title: t('settings.webhooks.url'), render: (_, h) => <code>{h.url}</code> },
          {
            key: 'events',
            title: t('settings.webhooks.events'),
            render: (_, h) => (
              <Space size={2} wrap>
                {h.event_types.map((e) => (
                  <Tag key={e}>{e}</Tag>
                ))}
              </Space>
            ),
          },
          { key: 'desc', title: t('settings.webhooks.description'), render: (_, h) => h.description ?? '' },
          {
            key: 'active',
            title: t('settings.webhooks.active'),
            render: (_, h) => (
              <Switch
                aria-label={`${t('settings.webhooks.active')} ${h.url}`}
                checked={h.active}
                onChange={(on) => void toggle(h, on)}
              />
            ),
          },
        ]}
      />
      {creating && <CreateWebhookModal onClose={() => setCreating(false)} />}
    </Card>
  );
}
