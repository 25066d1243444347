import { Alert, Card, Col, DatePicker, Empty, Row, Skeleton, Table, Tag, Tooltip, Typography } from 'antd';
import dayjs from 'dayjs';
import { useQuery } from '@tanstack/react-query';
import { errorText } from '../api/error-text';
import { useI18n } from '../i18n/i18n-context';
import type { MessageKey } from '../i18n/zh-CN';
import { Chart, chartAnimation } from '../marketing/chart';
import { fetchHealthRate, metricKeys, type HealthRateMonth } from './api';
import { rateLineOption, waterfallOption } from './charts';
import { MAX_MONTHS } from './cockpit-query';
import { BRIDGE_COLORS, BRIDGE_KINDS, bridgeSteps, type BridgeKind, type BridgeStepKey } from './logic';
import type { SuccessFormat } from './parts';

export const BRIDGE_LABEL: Record<BridgeStepKey, MessageKey> = {
  start: 'cs.bridge.start',
  new_healthy: 'cs.bridge.new_healthy',
  winback_healthy: 'cs.bridge.winback_healthy',
  expansion: 'cs.bridge.expansion',
  to_healthy: 'cs.bridge.to_healthy',
  contraction: 'cs.bridge.contraction',
  to_unhealthy: 'cs.bridge.to_unhealthy',
  churned_or_delayed: 'cs.bridge.churned_or_delayed',
  end: 'cs.bridge.end',
};

/**
 * The health rate at each month end (line) and the healthy-ARR bridge over the range (waterfall:
 * start, each movement, end), with the month-by-month figures below.
 */
export function HealthRateSection({
  from,
  to,
  thisMonth,
  format,
  onRange,
}: {
  from: string;
  to: string;
  thisMonth: string;
  format: SuccessFormat;
  onRange: (from: string, to: string) => void;
}) {
  const { t } = useI18n();
  const months = useQuery({
    queryKey: metricKeys.healthRate(from, to),
    queryFn: () => fetchHealthRate(from, to),
  });
  const rows = months.data ?? [];
  const hasArr = rows.some((m) => m.total_arr > 0 || m.bridge.start > 0);
  const steps = bridgeSteps(rows).map((s) => ({
    ...s,
    label: t(BRIDGE_LABEL[s.key]),
    color: BRIDGE_COLORS[s.key],
  }));
  return (
    <Card
      size="small"
      title={t('cs.rate.title')}
      extra={
        <Tooltip title={t('cs.rate.rangeHint', { max: MAX_MONTHS })}>
          <DatePicker.RangePicker
            size="small"
            picker="month"
            allowClear={false}
            value={[dayjs(`${from}-01`), dayjs(`${to}-01`)]}
            disabledDate={(d) => d.format('YYYY-MM') > thisMonth}
            aria-label={t('cs.rate.range')}
            data-testid="rate-range"
            onChange={(v) => {
              const [a, b] = v ?? [];
              if (a && b) onRange(a.format('YYYY-MM'), b.format('YYYY-MM'));
            }}
          />
        </Tooltip>
      }
    >
      {months.error ? (
        <Alert type="error" showIcon title={errorText(months.error, t)} />
      ) : months.isLoading ? (
        <Skeleton active paragraph={{ rows: 6 }} />
      ) : !hasArr ? (
        <Empty
          image={Empty.PRESENTED_IMAGE_SIMPLE}
          description={t('cs.rate.empty')}
          data-testid="rate-empty"
        />
      ) : (
        <>
          <Row gutter={[16, 16]}>
            <Col xs={24} xl={10}>
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {t('cs.rate.trend')}
              </Typography.Text>
              <Chart
                testId="health-rate-trend"
                label={t('cs.rate.trendLabel', { from, to })}
                height={280}
                option={rateLineOption(
                  rows.map((m) => m.month),
                  t('cs.kpi.healthRate'),
                  rows.map((m) => m.health_rate),
                  format,
                  chartAnimation,
                )}
              />
            </Col>
            <Col xs={24} xl={14}>
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {t('cs.rate.bridge')}
              </Typography.Text>
              <Chart
                testId="healthy-arr-bridge"
                label={t('cs.rate.bridgeLabel', { from, to })}
                height={280}
                option={waterfallOption(steps, format, chartAnimation)}
              />
            </Col>
          </Row>
          <MonthsTable rows={rows} format={format} />
        </>
      )}
    </Card>
  );
}

function MonthsTable({ rows, format }: { rows: HealthRateMonth[]; format: SuccessFormat }) {
  const { t } = useI18n();
  const signed = (v: number) =>
    v === 0 ? (
      <Typography.Text type="secondary">{format.money(0)}</Typography.Text>
    ) : (
      <Typography.Text type={v < 0 ? 'danger' : 'success'}>
        {v > 0 ? '+' : ''}
        {format.money(v)}
      </Typography.Text>
    );
  return (
    <Table<HealthRateMonth>
      size="small"
      rowKey="month"
      data-testid="health-rate-months"
      dataSource={rows}
      pagination={false}
      scroll={{ x: 'max-content' }}
      style={{ marginTop: 12 }}
      columns={[
        {
          key: 'month',
          title: t('cs.rate.month'),
          render: (_, m) => (
            <>
              {m.month}
              {m.open && (
                <Tooltip title={t('cs.rate.openHint')}>
                  <Tag style={{ marginLeft: 4 }} tabIndex={0}>
                    {t('cs.rate.open')}
                  </Tag>
                </Tooltip>
              )}
            </>
          ),
        },
        {
          key: 'rate',
          title: t('cs.kpi.healthRate'),
          align: 'right',
          render: (_, m) => format.rate(m.health_rate),
        },
        { key: 'mom', title: t('cs.rate.mom'), align: 'right', render: (_, m) => format.rate(m.mom) },
        {
          key: 'start',
          title: t('cs.bridge.start'),
          align: 'right',
          render: (_, m) => format.money(m.bridge.start),
        },
        ...BRIDGE_KINDS.map((k: BridgeKind) => ({
          key: k,
          title: t(BRIDGE_LABEL[k]),
          align: 'right' as const,
          render: (_: unknown, m: HealthRateMonth) => signed(m.bridge[k]),
        })),
        {
          key: 'end',
          title: t('cs.bridge.end'),
          align: 'right',
          render: (_, m) => <strong>{format.money(m.bridge.end)}</strong>,
        },
        {
          key: 'total',
          title: t('cs.rate.totalArr'),
          align: 'right',
          render: (_, m) => format.money(m.total_arr),
        },
      ]}
    />
  );
}
