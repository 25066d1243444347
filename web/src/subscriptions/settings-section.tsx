import { useEffect, useState } from 'react';
import {
  Alert,
  App,
  Button,
  Card,
  DatePicker,
  Form,
  Input,
  InputNumber,
  Skeleton,
  Space,
  Switch,
  Table,
  Typography,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useMe } from '../api/queries';
import { errorText } from '../api/error-text';
import { formatDate } from '../format/date';
import { useI18n } from '../i18n/i18n-context';
import { showServerErrors } from '../settings/server-errors';
import {
  fetchRates,
  fetchSettings,
  putRate,
  saveSettings,
  subKeys,
  type ExchangeRates,
  type SubscriptionSettings,
} from './api';
import { trimDecimal } from './logic';

/** Subscriptions & renewals (Settings): exchange rates to the base currency and renewal rules. */
export function SubscriptionSettingsSection() {
  const { t } = useI18n();
  const isAdmin = useMe().data?.role.is_admin === true;
  return (
    <Space orientation="vertical" size={12} style={{ width: '100%', maxWidth: 880 }}>
      {!isAdmin && <Alert type="info" showIcon title={t('sub.settings.adminOnly')} />}
      <RenewalRules isAdmin={isAdmin} />
      <ExchangeRatesCard isAdmin={isAdmin} />
    </Space>
  );
}

interface RulesForm {
  renewalGraceDays: number;
  auto: boolean;
  renewalOpportunityDays: number | null;
}

function RenewalRules({ isAdmin }: { isAdmin: boolean }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const settings = useQuery({ queryKey: subKeys.settings, queryFn: fetchSettings });
  const [form] = Form.useForm<RulesForm>();
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const auto = Form.useWatch('auto', form);

  useEffect(() => {
    const s = settings.data;
    if (s)
      form.setFieldsValue({
        renewalGraceDays: s.renewalGraceDays,
        auto: s.renewalOpportunityDays !== null,
        renewalOpportunityDays: s.renewalOpportunityDays ?? 90,
      });
  }, [settings.data, form]);

  if (settings.error) return <Alert type="error" showIcon title={errorText(settings.error, t)} />;
  if (!settings.data) return <Skeleton active paragraph={{ rows: 4 }} />;

  const save = async (v: RulesForm) => {
    setBusy(true);
    setProblem(null);
    try {
      const body: SubscriptionSettings = {
        renewalGraceDays: v.renewalGraceDays,
        renewalOpportunityDays: v.auto ? v.renewalOpportunityDays : null,
      };
      qc.setQueryData(subKeys.settings, await saveSettings(body));
      // a new grace period re-matches every due record: the figures may change
      await qc.invalidateQueries({ queryKey: subKeys.all });
      void message.success(t('common.saved'));
    } catch (err) {
      setProblem(showServerErrors(form, err, ['renewalGraceDays', 'renewalOpportunityDays'], t));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card size="small" title={t('sub.settings.renewals')}>
      <Form<RulesForm>
        form={form}
        layout="vertical"
        disabled={!isAdmin}
        onFinish={(v) => void save(v)}
        data-testid="subscription-settings"
      >
        {problem && <Alert type="error" showIcon role="alert" title={problem} style={{ marginBottom: 12 }} />}
        <Form.Item
          name="renewalGraceDays"
          label={t('sub.settings.graceDays')}
          extra={t('sub.settings.graceDaysHint')}
          rules={[{ required: true }]}
        >
          <InputNumber min={0} max={90} precision={0} style={{ width: 160 }} />
        </Form.Item>
        <Form.Item name="auto" label={t('sub.settings.autoOpportunity')} valuePropName="checked">
          <Switch />
        </Form.Item>
        {auto && (
          <Form.Item
            name="renewalOpportunityDays"
            label={t('sub.settings.opportunityDays')}
            extra={t('sub.settings.opportunityDaysHint')}
            rules={[{ required: true }]}
          >
            <InputNumber min={1} max={365} precision={0} style={{ width: 160 }} />
          </Form.Item>
        )}
        {isAdmin && (
          <Button type="primary" htmlType="submit" loading={busy}>
            {t('common.save')}
          </Button>
        )}
      </Form>
    </Card>
  );
}

interface RateForm {
  currency: string;
  effective_date: Dayjs | null;
  rate: string;
}
type RateRow = ExchangeRates['rates'][number];

function ExchangeRatesCard({ isAdmin }: { isAdmin: boolean }) {
  const { t, locale } = useI18n();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const rates = useQuery({ queryKey: subKeys.rates, queryFn: fetchRates });
  const [form] = Form.useForm<RateForm>();
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const base = rates.data?.base ?? 'CNY';

  const add = async (v: RateForm) => {
    if (!v.effective_date) return;
    setBusy(true);
    setProblem(null);
    try {
      const saved = await putRate({
        currency: v.currency.trim().toUpperCase(),
        effective_date: v.effective_date.format('YYYY-MM-DD'),
        rate: v.rate.trim(),
      });
      await qc.invalidateQueries({ queryKey: subKeys.rates });
      if (saved.booked_orders > 0) await qc.invalidateQueries({ queryKey: subKeys.all });
      void message.success(t('sub.settings.rateSaved', { count: saved.booked_orders }));
      form.resetFields();
    } catch (err) {
      setProblem(showServerErrors(form, err, ['currency', 'effective_date', 'rate'], t));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card size="small" title={t('sub.settings.rates')} data-testid="exchange-rates">
      <Typography.Paragraph type="secondary">{t('sub.settings.ratesHint', { base })}</Typography.Paragraph>
      {rates.error && <Alert type="error" showIcon title={errorText(rates.error, t)} />}
      <Table<RateRow>
        size="small"
        rowKey={(r) => `${r.currency}:${r.effective_date}`}
        loading={rates.isLoading}
        dataSource={rates.data?.rates ?? []}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        locale={{ emptyText: t('sub.settings.noRates') }}
        columns={[
          { key: 'currency', title: t('sub.settings.currency'), dataIndex: 'currency' },
          {
            key: 'effective_date',
            title: t('sub.settings.effectiveDate'),
            render: (_, r) => formatDate(r.effective_date, locale),
          },
          {
            key: 'rate',
            title: t('sub.settings.rate', { base }),
            align: 'right',
            render: (_, r) => trimDecimal(r.rate),
          },
        ]}
      />
      {isAdmin && (
        <Form<RateForm>
          form={form}
          layout="inline"
          style={{ marginTop: 12, rowGap: 8 }}
          initialValues={{ currency: '', effective_date: dayjs(), rate: '' }}
          onFinish={(v) => void add(v)}
          data-testid="rate-form"
        >
          {problem && (
            <Alert
              type="error"
              showIcon
              role="alert"
              title={problem}
              style={{ width: '100%', marginBottom: 8 }}
            />
          )}
          <Form.Item
            name="currency"
            label={t('sub.settings.currency')}
            normalize={(v: string) => v.toUpperCase()}
            rules={[{ required: true, pattern: /^[A-Z]{3}$/, message: t('sub.settings.currencyInvalid') }]}
          >
            <Input maxLength={3} style={{ width: 80 }} placeholder="USD" />
          </Form.Item>
          <Form.Item
            name="effective_date"
            label={t('sub.settings.effectiveDate')}
            rules={[{ required: true }]}
          >
            <DatePicker allowClear={false} />
          </Form.Item>
          <Form.Item
            name="rate"
            label={t('sub.settings.rate', { base })}
            rules={[
              {
                required: true,
                validator: (_, v: string) =>
                  /^\d{1,10}(\.\d{1,8})?$/.test((v ?? '').trim()) && Number(v) > 0
                    ? Promise.resolve()
                    : Promise.reject(new Error(t('sub.settings.rateInvalid'))),
              },
            ]}
          >
            <Input inputMode="decimal" style={{ width: 120 }} placeholder="7.1" />
          </Form.Item>
          <Form.Item>
            <Button type="primary" htmlType="submit" loading={busy}>
              {t('sub.settings.addRate')}
            </Button>
          </Form.Item>
        </Form>
      )}
    </Card>
  );
}
