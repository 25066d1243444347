import { useState } from 'react';
import { Alert, App, Button, Card, Form, Input, Select, Spin } from 'antd';
import { useQueryClient } from '@tanstack/react-query';
import { putProfile, useTenantSettings, type ProfileBody } from '../api/admin';
import { errorText } from '../api/error-text';
import { useMe } from '../api/queries';
import { useI18n } from '../i18n/i18n-context';
import { showServerErrors } from './server-errors';

const FIELDS = ['name', 'time_zone', 'currency', 'locale'] as const;

const COMMON_ZONES = [
  'Asia/Shanghai',
  'Asia/Hong_Kong',
  'Asia/Taipei',
  'Asia/Singapore',
  'Asia/Tokyo',
  'Asia/Seoul',
  'Asia/Kolkata',
  'Asia/Dubai',
  'Australia/Sydney',
  'Europe/London',
  'Europe/Paris',
  'Europe/Berlin',
  'Europe/Moscow',
  'America/New_York',
  'America/Chicago',
  'America/Denver',
  'America/Los_Angeles',
  'America/Sao_Paulo',
  'UTC',
];

export function ProfileSection() {
  const { t } = useI18n();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const settings = useTenantSettings();
  const me = useMe();
  const [form] = Form.useForm<ProfileBody>();
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  if (settings.isLoading || me.isLoading) return <Spin style={{ display: 'block', margin: 48 }} />;
  if (settings.error || !settings.data || !me.data)
    return <Alert type="error" title={errorText(settings.error ?? me.error, t)} />;

  const current = settings.data.time_zone;
  const zones = COMMON_ZONES.includes(current) ? COMMON_ZONES : [current, ...COMMON_ZONES];

  const submit = async (v: ProfileBody) => {
    setBusy(true);
    setProblem(null);
    try {
      await putProfile({
        name: v.name.trim(),
        time_zone: v.time_zone,
        currency: v.currency.trim().toUpperCase(),
        locale: v.locale,
      });
      await qc.invalidateQueries({ queryKey: ['admin', 'settings'] });
      await qc.invalidateQueries({ queryKey: ['me'] });
      message.success(t('common.saved'));
    } catch (err) {
      setProblem(showServerErrors(form, err, FIELDS, t));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card size="small" title={t('settings.profile.title')}>
      <Form<ProfileBody>
        form={form}
        layout="vertical"
        style={{ maxWidth: 420 }}
        data-testid="profile-form"
        initialValues={{
          name: me.data.tenant.name,
          time_zone: settings.data.time_zone,
          currency: settings.data.currency,
          locale: settings.data.locale === 'en-US' ? 'en-US' : 'zh-CN',
        }}
        onFinish={(v) => void submit(v)}
      >
        {problem && <Alert type="error" showIcon title={problem} role="alert" style={{ marginBottom: 12 }} />}
        <Form.Item
          name="name"
          label={t('settings.profile.name')}
          rules={[{ required: true, whitespace: true }]}
        >
          <Input maxLength={200} />
        </Form.Item>
        <Form.Item name="time_zone" label={t('settings.profile.timeZone')} rules={[{ required: true }]}>
          <Select showSearch options={zones.map((z) => ({ value: z, label: z }))} />
        </Form.Item>
        <Form.Item
          name="currency"
          label={t('settings.profile.currency')}
          extra={t('settings.profile.currencyHint')}
          rules={[{ required: true, pattern: /^[A-Za-z]{3}$/, message: t('settings.profile.currencyHint') }]}
        >
          <Input maxLength={3} style={{ width: 120 }} />
        </Form.Item>
        <Form.Item name="locale" label={t('settings.profile.locale')} rules={[{ required: true }]}>
          <Select
            style={{ width: 200 }}
            options={[
              { value: 'zh-CN', label: '简体中文' },
              { value: 'en-US', label: 'English' },
            ]}
          />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={busy}>
          {t('common.save')}
        </Button>
      </Form>
    </Card>
  );
}
