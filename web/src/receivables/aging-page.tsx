import { useState } from 'react';
import { Link } from 'react-router';
import {
  Alert,
  Card,
  DatePicker,
  Empty,
  Result,
  Segmented,
  Select,
  Space,
  Spin,
  Table,
  Typography,
} from 'antd';
import dayjs from 'dayjs';
import { useQuery } from '@tanstack/react-query';
import { useMe } from '../api/queries';
import { errorText } from '../api/error-text';
import { canDo } from '../auth/permissions';
import { formatDate } from '../format/date';
import { formatMoney } from '../format/money';
import { useI18n } from '../i18n/i18n-context';
import type { MessageKey } from '../i18n/zh-CN';
import { Chart, chartAnimation } from '../marketing/chart';
import { todayIn } from '../marketing/period';
import {
  agingChartOption,
  bucketsOf,
  currenciesOf,
  sumRows,
  type AgingRowLike,
  type BucketKey,
} from './aging-logic';
import { fetchAging, rcvKeys } from './api';

const BUCKET_LABEL: Record<BucketKey, MessageKey> = {
  current: 'rcv.aging.bucket.current',
  d1_30: 'rcv.aging.bucket.d1_30',
  d31_60: 'rcv.aging.bucket.d31_60',
  d61_90: 'rcv.aging.bucket.d61_90',
  d91_plus: 'rcv.aging.bucket.d91_plus',
};

/** 应收账龄: open instalment amounts on a date by days past due, per account or owner. */
export default function AgingPage() {
  const { t, locale } = useI18n();
  const me = useMe().data;
  const [asOf, setAsOf] = useState(() => todayIn(me?.tenant.time_zone ?? 'Asia/Shanghai'));
  const [groupBy, setGroupBy] = useState<'account' | 'owner'>('account');
  const [picked, setPicked] = useState<string | null>(null);
  const canRead = canDo(me, 'payment_plan', 'read');
  const report = useQuery({
    queryKey: rcvKeys.aging(asOf, groupBy),
    queryFn: () => fetchAging(asOf, groupBy),
    enabled: canRead,
  });
  if (me && !canRead) return <Result status="403" subTitle={t('list.noPermission')} />;
  const data = report.data;
  const currencies = data ? currenciesOf(data, me?.tenant.currency ?? 'CNY') : [];
  const currency =
    picked && currencies.includes(picked) ? picked : (currencies[0] ?? me?.tenant.currency ?? 'CNY');
  const buckets = data ? bucketsOf(data) : [];
  const rows: AgingRowLike[] = (data?.rows ?? []).filter((r) => r.currency === currency);
  // the server's totals for the currency; the rows' sum when it answered none
  const total = data?.totals.find((c) => c.currency === currency) ?? sumRows(rows);
  const m = (amount: number) => formatMoney({ amount, currency }, locale);
  const bucketLabel = (b: BucketKey) => t(BUCKET_LABEL[b]);
  const groupLabel = (r: AgingRowLike) => r.group_name ?? t('rcv.aging.unnamed');

  return (
    <Card
      title={
        <Typography.Title level={4} style={{ margin: 0 }}>
          {t('rcv.aging.title')}
        </Typography.Title>
      }
      extra={
        <Space wrap>
          <span>{t('rcv.aging.asOf')}</span>
          <DatePicker
            allowClear={false}
            value={dayjs(asOf)}
            onChange={(d) => d && setAsOf(d.format('YYYY-MM-DD'))}
            aria-label={t('rcv.aging.asOf')}
          />
          <Segmented<'account' | 'owner'>
            value={groupBy}
            onChange={setGroupBy}
            options={[
              { value: 'account', label: t('rcv.aging.byAccount') },
              { value: 'owner', label: t('rcv.aging.byOwner') },
            ]}
          />
          {currencies.length > 1 && (
            <Select
              value={currency}
              onChange={setPicked}
              aria-label={t('rcv.aging.currency')}
              options={currencies.map((c) => ({ value: c, label: c }))}
              style={{ width: 96 }}
            />
          )}
        </Space>
      }
    >
      {report.error && (
        <Alert type="error" showIcon title={errorText(report.error, t)} style={{ marginBottom: 12 }} />
      )}
      {report.isLoading ? (
        <Spin style={{ display: 'block', margin: 48 }} />
      ) : !data || total.total === 0 ? (
        <Empty description={t('rcv.aging.empty')} data-testid="aging-empty" />
      ) : (
        <>
          <Chart
            testId="aging-chart"
            label={t('rcv.aging.chart', { date: formatDate(asOf, locale) })}
            height={340}
            option={agingChartOption(rows, buckets, { bucketLabel, groupLabel, animation: chartAnimation })}
          />
          <Table<AgingRowLike>
            size="small"
            style={{ marginTop: 16 }}
            rowKey={(r) => `${r.group_id ?? ''}:${r.currency}`}
            data-testid="aging-table"
            dataSource={rows}
            pagination={{ pageSize: 50, hideOnSinglePage: true }}
            scroll={{ x: 'max-content' }}
            columns={[
              {
                key: 'group',
                title: t(groupBy === 'account' ? 'rcv.aging.account' : 'rcv.aging.owner'),
                render: (_, r) =>
                  groupBy === 'account' && r.group_id ? (
                    <Link to={`/o/account/${r.group_id}`}>{groupLabel(r)}</Link>
                  ) : (
                    groupLabel(r)
                  ),
              },
              ...buckets.map((b) => ({
                key: b,
                title: bucketLabel(b),
                align: 'right' as const,
                render: (_: unknown, r: AgingRowLike) => (
                  <Typography.Text type={b !== 'current' && r[b] > 0 ? 'danger' : undefined}>
                    {m(r[b])}
                  </Typography.Text>
                ),
              })),
              {
                key: 'overdue',
                title: t('rcv.aging.overdue'),
                align: 'right',
                render: (_, r) => m(r.overdue),
              },
              {
                key: 'total',
                title: t('rcv.aging.total'),
                align: 'right',
                render: (_, r) => <strong>{m(r.total)}</strong>,
              },
            ]}
            summary={() => (
              <Table.Summary.Row>
                <Table.Summary.Cell index={0}>
                  <strong>{t('rcv.aging.total')}</strong>
                </Table.Summary.Cell>
                {buckets.map((b, i) => (
                  <Table.Summary.Cell key={b} index={i + 1} align="right">
                    {m(total[b])}
                  </Table.Summary.Cell>
                ))}
                <Table.Summary.Cell index={buckets.length + 1} align="right">
                  {m(total.overdue)}
                </Table.Summary.Cell>
                <Table.Summary.Cell index={buckets.length + 2} align="right">
                  <strong data-testid="aging-total">{m(total.total)}</strong>
                </Table.Summary.Cell>
              </Table.Summary.Row>
            )}
          />
        </>
      )}
    </Card>
  );
}
