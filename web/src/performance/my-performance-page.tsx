import { useState } from 'react';
import { Link } from 'react-router';
import {
  Alert,
  App,
  Card,
  Checkbox,
  Col,
  DatePicker,
  Empty,
  Progress,
  Row,
  Space,
  Spin,
  Statistic,
  Switch,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import dayjs from 'dayjs';
import { errorText } from '../api/error-text';
import { ApiError } from '../api/http-client';
import { formatDateTime } from '../format/date';
import { formatMoney } from '../format/money';
import { useI18n } from '../i18n/i18n-context';
import type { MessageKey } from '../i18n/zh-CN';
import { useMe } from '../api/queries';
import {
  fetchDigest,
  fetchMyPerformance,
  perfKeys,
  saveDigest,
  type DigestSubscription,
  type MyPerformance,
} from './api';
import { attainmentTone, gaugeValue, methodLabel, periodOf, roleLabel } from './performance-logic';

type Entry = MyPerformance['entries'][number];

/** Month picker shared by the performance pages (YYYY-MM). */
export function PeriodPicker({ value, onChange }: { value: string; onChange: (p: string) => void }) {
  const { t } = useI18n();
  return (
    <label>
      {t('perf.period')}{' '}
      <DatePicker
        picker="month"
        allowClear={false}
        value={dayjs(`${value}-01`)}
        onChange={(d) => d && onChange(d.format('YYYY-MM'))}
        data-testid="perf-period"
      />
    </label>
  );
}

const TONE_COLOR = { none: undefined, low: '#ff4d4f', mid: '#faad14', high: '#52c41a' } as const;

export default function MyPerformancePage() {
  const { t, locale } = useI18n();
  const me = useMe().data;
  const [period, setPeriod] = useState(() => periodOf(new Date()));
  const perf = useQuery({ queryKey: perfKeys.me(period), queryFn: () => fetchMyPerformance(period) });
  const d = perf.data;
  const money = (amount: number | null) =>
    amount === null ? '—' : formatMoney({ amount, currency: d?.currency ?? 'CNY' }, locale);
  const tz = me?.tenant.time_zone ?? 'Asia/Shanghai';

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }} data-testid="my-performance-page">
      <Space wrap align="center" style={{ justifyContent: 'space-between', width: '100%' }}>
        <Typography.Title level={3} style={{ margin: 0 }}>
          {t('perf.myTitle')}
        </Typography.Title>
        <PeriodPicker value={period} onChange={setPeriod} />
      </Space>
      {perf.isLoading && <Spin />}
      {perf.error && <Alert type="error" showIcon title={errorText(perf.error, t)} />}
      {d && (
        <>
          <Row gutter={[16, 16]}>
            <Col xs={24} md={6}>
              <Card size="small">
                <Statistic title={t('perf.revenueCredit')} value={money(d.revenue_credit)} />
                {d.overlay_credit !== 0 && (
                  <Typography.Text type="secondary">
                    {t('perf.overlayCredit')}: {money(d.overlay_credit)}
                  </Typography.Text>
                )}
              </Card>
            </Col>
            <Col xs={24} md={6}>
              <Card size="small">
                <Statistic
                  title={t('perf.target')}
                  value={d.target === null ? t('perf.noTarget') : money(d.target)}
                />
              </Card>
            </Col>
            <Col xs={24} md={6}>
              <Card size="small" data-testid="perf-attainment">
                <Typography.Text type="secondary">{t('perf.attainment')}</Typography.Text>
                <div style={{ display: 'flex', justifyContent: 'center', paddingTop: 4 }}>
                  <Progress
                    type="dashboard"
                    size={96}
                    percent={Math.min(100, gaugeValue(d.attainment))}
                    strokeColor={TONE_COLOR[attainmentTone(d.attainment)]}
                    format={() => (d.attainment === null ? '—' : `${d.attainment}%`)}
                  />
                </div>
              </Card>
            </Col>
            <Col xs={24} md={6}>
              <Card size="small">
                <Statistic title={t('perf.commission')} value={money(d.commission)} />
                {d.statement && (
                  <Tag>
                    {t('perf.statement')}: {t(`perf.status.${d.statement.status}` as MessageKey)}
                  </Tag>
                )}
              </Card>
            </Col>
          </Row>
          {d.target === null && <Alert type="info" showIcon title={t('perf.noTargetHint')} />}
          {d.other_currencies.length > 0 && (
            <Alert
              type="info"
              title={t('perf.otherCurrencies', {
                list: d.other_currencies.map((c) => formatMoney(c, locale)).join(', '),
              })}
            />
          )}
          {d.lines.length > 0 && (
            <Card size="small" title={t('perf.lines')}>
              <Table
                size="small"
                rowKey={(r) => r.role}
                pagination={false}
                dataSource={d.lines}
                columns={[
                  { title: t('perf.role'), key: 'r', render: (_: unknown, r) => roleLabel(r.role, t) },
                  { title: t('perf.method'), key: 'h', render: (_: unknown, r) => methodLabel(r.method, t) },
                  { title: t('perf.revenueCredit'), key: 'c', render: (_: unknown, r) => money(r.credit) },
                  { title: t('perf.commission'), key: 'm', render: (_: unknown, r) => money(r.commission) },
                ]}
              />
            </Card>
          )}
          <Card size="small" title={t('perf.ledger')}>
            <Table<Entry>
              size="small"
              rowKey="id"
              dataSource={d.entries}
              pagination={{ pageSize: 20, hideOnSinglePage: true }}
              locale={{ emptyText: <Empty description={t('perf.ledgerEmpty')} /> }}
              columns={[
                {
                  title: t('perf.order'),
                  key: 'o',
                  render: (_: unknown, r) => (
                    <Link to={`/cash/orders/${encodeURIComponent(r.order_id)}`}>{r.order_number}</Link>
                  ),
                },
                {
                  title: t('perf.amount'),
                  key: 'a',
                  align: 'right',
                  render: (_: unknown, r) => formatMoney({ amount: r.amount, currency: r.currency }, locale),
                },
                { title: t('perf.kind'), key: 'k', render: (_: unknown, r) => t(`perf.kind.${r.kind}`) },
                { title: t('perf.role'), key: 'r', render: (_: unknown, r) => roleLabel(r.role, t) },
                {
                  title: t('perf.source'),
                  key: 's',
                  render: (_: unknown, r) => t(`perf.source.${r.source}`),
                },
                {
                  title: t('perf.at'),
                  key: 't',
                  render: (_: unknown, r) => formatDateTime(r.created_at, tz, locale),
                },
              ]}
            />
          </Card>
        </>
      )}
      <DigestCard />
    </Space>
  );
}

/** My subscription to the 8:00 payments digest (only people who read payments may subscribe). */
export function DigestCard() {
  const { t } = useI18n();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const sub = useQuery({ queryKey: perfKeys.digest, queryFn: fetchDigest });
  const [saving, setSaving] = useState(false);
  if (!sub.data) return null;
  const save = async (next: DigestSubscription) => {
    setSaving(true);
    try {
      qc.setQueryData(perfKeys.digest, await saveDigest(next));
      message.success(t('perf.digestSaved'));
    } catch (e) {
      message.error(
        e instanceof ApiError && e.details.length
          ? e.details.map((x) => x.issue).join('; ')
          : errorText(e, t),
      );
    } finally {
      setSaving(false);
    }
  };
  const s = sub.data;
  return (
    <Card size="small" title={t('perf.digestTitle')} data-testid="digest-card">
      <Space orientation="vertical">
        <Typography.Text type="secondary">{t('perf.digestHint')}</Typography.Text>
        <Space wrap>
          <Switch
            checked={s.subscribed}
            loading={saving}
            onChange={(v) =>
              void save({ ...s, subscribed: v, in_app: v && !s.in_app && !s.email ? true : s.in_app })
            }
            data-testid="digest-switch"
          />
          <span>{t('perf.digestSubscribe')}</span>
          <Checkbox
            checked={s.in_app}
            disabled={!s.subscribed || saving}
            onChange={(e) => void save({ ...s, in_app: e.target.checked })}
          >
            {t('perf.digestInApp')}
          </Checkbox>
          <Checkbox
            checked={s.email}
            disabled={!s.subscribed || saving}
            onChange={(e) => void save({ ...s, email: e.target.checked })}
          >
            {t('perf.digestEmail')}
          </Checkbox>
        </Space>
      </Space>
    </Card>
  );
}
