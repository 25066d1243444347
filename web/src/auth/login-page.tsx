import { useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { Alert, Button, Card, Form, Input, Segmented, Typography } from 'antd';
import { LockOutlined, MailOutlined, SafetyOutlined, TeamOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { login } from '../api/endpoints';
import { ApiError } from '../api/http-client';
import { errorText } from '../api/error-text';
import { useI18n, isLocale } from '../i18n/i18n-context';
import { safeNext } from './login-redirect';

interface Credentials {
  email: string;
  password: string;
  tenant?: string;
  totp?: string;
}

export function LoginPage() {
  const { t, locale, setLocale } = useI18n();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<Credentials>();
  const [step, setStep] = useState<'credentials' | 'totp'>('credentials');
  const [needsTenant, setNeedsTenant] = useState(false);
  const [error, setError] = useState<{ text: string; type: 'error' | 'warning' } | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const expired = params.get('expired') === '1';

  const submit = async () => {
    const v = form.getFieldsValue(true);
    setSubmitting(true);
    setError(null);
    try {
      await login({
        email: v.email.trim(),
        password: v.password,
        tenant: v.tenant?.trim() || undefined,
        totp: step === 'totp' ? v.totp?.trim() : undefined,
      });
      queryClient.clear();
      navigate(safeNext(params.get('next')), { replace: true });
    } catch (err) {
      if (err instanceof ApiError && err.details.some((d) => d.field === 'tenant')) {
        setNeedsTenant(true);
        form.setFields([{ name: 'tenant', errors: [t('login.tenantHint')] }]);
      } else if (
        err instanceof ApiError &&
        err.status === 401 &&
        err.details.some((d) => d.field === 'totp')
      ) {
        if (step === 'totp') form.setFields([{ name: 'totp', errors: [errorText(err, t)] }]);
        setStep('totp');
      } else {
        setError({
          text: errorText(err, t),
          type: err instanceof ApiError && err.status === 423 ? 'warning' : 'error',
        });
      }
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <div className="fw-login">
      <Card className="fw-login-card">
        <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'flex-start' }}>
          <div>
            <Typography.Title level={3} style={{ marginTop: 0, marginBottom: 4 }}>
              {t('login.title')}
            </Typography.Title>
            <Typography.Paragraph type="secondary">{t('login.subtitle')}</Typography.Paragraph>
          </div>
          <Segmented
            size="small"
            value={locale}
            onChange={(v) => isLocale(v) && setLocale(v)}
            options={[
              { value: 'zh-CN', label: '中文' },
              { value: 'en-US', label: 'EN' },
            ]}
          />
        </div>
        {expired && !error && (
          <Alert type="info" showIcon title={t('login.sessionExpired')} style={{ marginBottom: 16 }} />
        )}
        {error && (
          <Alert type={error.type} showIcon title={error.text} style={{ marginBottom: 16 }} role="alert" />
        )}
        <Form form={form} layout="vertical" requiredMark={false} onFinish={() => void submit()}>
          <div style={{ display: step === 'credentials' ? undefined : 'none' }}>
            <Form.Item
              name="email"
              label={t('login.email')}
              rules={[{ required: true, message: t('login.emailRequired') }]}
            >
              <Input prefix={<MailOutlined />} autoComplete="username" autoFocus type="email" />
            </Form.Item>
            <Form.Item
              name="password"
              label={t('login.password')}
              rules={[{ required: true, message: t('login.passwordRequired') }]}
            >
              <Input.Password prefix={<LockOutlined />} autoComplete="current-password" />
            </Form.Item>
            {needsTenant && (
              <Form.Item name="tenant" label={t('login.tenant')} extra={t('login.tenantHint')}>
                <Input prefix={<TeamOutlined />} autoFocus />
              </Form.Item>
            )}
          </div>
          {step === 'totp' && (
            <Form.Item name="totp" label={t('login.totp')} extra={t('login.totpHint')}>
              <Input prefix={<SafetyOutlined />} autoComplete="one-time-code" inputMode="numeric" autoFocus />
            </Form.Item>
          )}
          <Button type="primary" htmlType="submit" block loading={submitting}>
            {step === 'totp' ? t('login.verify') : t('login.submit')}
          </Button>
          {step === 'totp' && (
            <Button type="link" block onClick={() => setStep('credentials')}>
              {t('login.back')}
            </Button>
          )}
        </Form>
      </Card>
    </div>
  );
}
