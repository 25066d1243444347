import { useState } from 'react';
import {
  Alert,
  App,
  Button,
  Card,
  Checkbox,
  Form,
  Input,
  InputNumber,
  Popconfirm,
  Space,
  Spin,
  Switch,
  Table,
  Tag,
} from 'antd';
import { useQueryClient } from '@tanstack/react-query';
import {
  putSmtp,
  useMailOutbox,
  useTenantSettings,
  type MailOutboxEntry,
  type SmtpInput,
} from '../api/admin';
import { errorText } from '../api/error-text';
import { useMe } from '../api/queries';
import { formatDateTime } from '../format/date';
import { useI18n } from '../i18n/i18n-context';
import { showServerErrors } from './server-errors';
import { smtpBody, type SmtpFormValues } from './smtp-body';

const FIELDS = ['host', 'port', 'secure', 'user', 'password', 'from'] as const;

function statusColor(status: string): string {
  if (status === 'sent') return 'green';
  if (status === 'failed') return 'red';
  if (status === 'queued') return 'blue';
  return 'default';
}

function MailOutbox() {
  const { t, locale } = useI18n();
  const tz = useMe().data?.tenant.time_zone ?? 'Asia/Shanghai';
  const outbox = useMailOutbox();
  return (
    <Card size="small" title={t('settings.smtp.outbox')} style={{ marginTop: 16 }}>
      {outbox.error && <Alert type="error" title={errorText(outbox.error, t)} />}
      <Table<MailOutboxEntry>
        size="small"
        rowKey="id"
        data-testid="mail-outbox-table"
        loading={outbox.isLoading}
        dataSource={outbox.data ?? []}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        columns={[
          { key: 'to', title: t('settings.smtp.to'), dataIndex: 'to_address' },
          { key: 'subject', title: t('settings.smtp.subject'), dataIndex: 'subject', ellipsis: true },
          {
            key: 'status',
            title: t('settings.users.status'),
            render: (_, m) => <Tag color={statusColor(m.status)}>{m.status}</Tag>,
          },
          {
            key: 'at',
            title: t('settings.apiKeys.created'),
            render: (_, m) => formatDateTime(m.created_at, tz, locale),
          },
          { key: 'error', title: t('settings.smtp.error'), render: (_, m) => m.error ?? '' },
        ]}
      />
    </Card>
  );
}

export function SmtpSection() {
  const { t } = useI18n();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const settings = useTenantSettings();
  const [form] = Form.useForm<SmtpFormValues>();
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const clearPassword = Form.useWatch('clear_password', form) === true;

  if (settings.isLoading) return <Spin style={{ display: 'block', margin: 48 }} />;
  if (settings.error || !settings.data) return <Alert type="error" title={errorText(settings.error, t)} />;
  const smtp = settings.data.smtp;

  const save = async (body: SmtpInput | null) => {
    setBusy(true);
    setProblem(null);
    try {
      await putSmtp(body);
      await qc.invalidateQueries({ queryKey: ['admin', 'settings'] });
      if (body === null) form.resetFields();
      // The saved password is never shown: empty the field again after saving.
      else form.setFieldsValue({ password: undefined, clear_password: false });
      message.success(t('common.saved'));
    } catch (err) {
      setProblem(showServerErrors(form, err, FIELDS, t));
    } finally {
      setBusy(false);
    }
  };

  const submit = (v: SmtpFormValues) => void save(smtpBody(v));
  const passwordSet = smtp?.password_set === true;

  return (
    <>
      <Card size="small" title={t('settings.smtp.title')}>
        {!smtp && (
          <Alert type="info" showIcon title={t('settings.smtp.notConfigured')} style={{ marginBottom: 12 }} />
        )}
        <Form<SmtpFormValues>
          key={smtp ? 'set' : 'unset'}
          form={form}
          layout="vertical"
          style={{ maxWidth: 420 }}
          data-testid="smtp-form"
          initialValues={
            smtp
              ? {
                  host: smtp.host,
                  port: smtp.port,
                  secure: smtp.secure,
                  user: smtp.user ?? undefined,
                  from: smtp.from,
                }
              : { port: 587 }
          }
          onFinish={submit}
        >
          {problem && (
            <Alert type="error" showIcon title={problem} role="alert" style={{ marginBottom: 12 }} />
          )}
          <Form.Item
            name="host"
            label={t('settings.smtp.host')}
            rules={[{ required: true, whitespace: true }]}
          >
            <Input placeholder="smtp.example.com" />
          </Form.Item>
          <Form.Item name="port" label={t('settings.smtp.port')} rules={[{ required: true }]}>
            <InputNumber min={1} max={65535} precision={0} style={{ width: 160 }} />
          </Form.Item>
          <Form.Item
            name="secure"
            label={t('settings.smtp.secure')}
            extra={t('settings.smtp.secureHint')}
            valuePropName="checked"
          >
            <Switch />
          </Form.Item>
          <Form.Item name="user" label={t('settings.smtp.user')}>
            <Input autoComplete="off" />
          </Form.Item>
          <Form.Item
            label={
              <Space size={8}>
                <span>{t('settings.smtp.password')}</span>
                {passwordSet && (
                  <Tag color="green" data-testid="smtp-password-set">
                    {t('settings.smtp.passwordSetTag')}
                  </Tag>
                )}
              </Space>
            }
            htmlFor="smtp-password"
            extra={passwordSet ? t('settings.smtp.passwordSetHint') : t('settings.smtp.passwordHint')}
            style={passwordSet ? { marginBottom: 8 } : undefined}
          >
            <Form.Item name="password" noStyle>
              <Input.Password
                id="smtp-password"
                autoComplete="new-password"
                disabled={clearPassword}
                placeholder={passwordSet ? t('settings.smtp.passwordSaved') : undefined}
                data-testid="smtp-password"
              />
            </Form.Item>
          </Form.Item>
          {passwordSet && (
            <Form.Item
              name="clear_password"
              valuePropName="checked"
              extra={clearPassword ? t('settings.smtp.clearPasswordHint') : undefined}
            >
              <Checkbox
                data-testid="smtp-clear-password"
                onChange={(e) => {
                  if (e.target.checked) form.setFieldValue('password', undefined);
                }}
              >
                {t('settings.smtp.clearPassword')}
              </Checkbox>
            </Form.Item>
          )}
          <Form.Item
            name="from"
            label={t('settings.smtp.from')}
            rules={[{ required: true, whitespace: true }]}
          >
            <Input placeholder="crm@example.com" />
          </Form.Item>
          <Space>
            <Button type="primary" htmlType="submit" loading={busy}>
              {t('common.save')}
            </Button>
            {smtp && (
              <Popconfirm
                title={t('settings.smtp.clearConfirm')}
                okText={t('common.confirm')}
                cancelText={t('common.cancel')}
                onConfirm={() => void save(null)}
              >
                <Button danger disabled={busy}>
                  {t('settings.smtp.clear')}
                </Button>
              </Popconfirm>
            )}
          </Space>
        </Form>
      </Card>
      <MailOutbox />
    </>
  );
}
