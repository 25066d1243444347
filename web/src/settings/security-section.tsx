import { useState } from 'react';
import { Alert, App, Button, Card, Form, InputNumber, Spin } from 'antd';
import { useQueryClient } from '@tanstack/react-query';
import { putSecurity, useTenantSettings, type SecuritySettings } from '../api/admin';
import { errorText } from '../api/error-text';
import { useI18n } from '../i18n/i18n-context';
import { showServerErrors } from './server-errors';

const FIELDS = [
  'lockout_threshold',
  'lockout_minutes',
  'session_idle_minutes',
  'session_absolute_hours',
] as const;

export function SecuritySection() {
  const { t } = useI18n();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const settings = useTenantSettings();
  const [form] = Form.useForm<SecuritySettings>();
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  if (settings.isLoading) return <Spin style={{ display: 'block', margin: 48 }} />;
  if (settings.error || !settings.data) return <Alert type="error" title={errorText(settings.error, t)} />;

  const submit = async (v: SecuritySettings) => {
    setBusy(true);
    setProblem(null);
    try {
      await putSecurity({
        lockout_threshold: v.lockout_threshold,
        lockout_minutes: v.lockout_minutes,
        session_idle_minutes: v.session_idle_minutes ?? null,
        session_absolute_hours: v.session_absolute_hours ?? null,
      });
      await qc.invalidateQueries({ queryKey: ['admin', 'settings'] });
      message.success(t('common.saved'));
    } catch (err) {
      setProblem(showServerErrors(form, err, FIELDS, t));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card size="small" title={t('settings.security.title')}>
      <Form<SecuritySettings>
        form={form}
        layout="vertical"
        style={{ maxWidth: 420 }}
        data-testid="security-form"
        initialValues={settings.data.security}
        onFinish={(v) => void submit(v)}
      >
        {problem && <Alert type="error" showIcon title={problem} role="alert" style={{ marginBottom: 12 }} />}
        <Form.Item
          name="lockout_threshold"
          label={t('settings.security.lockoutThreshold')}
          extra={t('settings.security.range', { min: 3, max: 20 })}
          rules={[{ required: true }]}
        >
          <InputNumber min={3} max={20} precision={0} style={{ width: 160 }} />
        </Form.Item>
        <Form.Item
          name="lockout_minutes"
          label={t('settings.security.lockoutMinutes')}
          extra={t('settings.security.range', { min: 1, max: 1440 })}
          rules={[{ required: true }]}
        >
          <InputNumber min={1} max={1440} precision={0} style={{ width: 160 }} />
        </Form.Item>
        <Form.Item
          name="session_idle_minutes"
          label={t('settings.security.idleMinutes')}
          extra={t('settings.security.serverDefault')}
        >
          <InputNumber min={5} max={10080} precision={0} style={{ width: 160 }} />
        </Form.Item>
        <Form.Item
          name="session_absolute_hours"
          label={t('settings.security.absoluteHours')}
          extra={t('settings.security.serverDefault')}
        >
          <InputNumber min={1} max={2160} precision={0} style={{ width: 160 }} />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={busy}>
          {t('common.save')}
        </Button>
      </Form>
    </Card>
  );
}
