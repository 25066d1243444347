import { Alert, Card, Col, Divider, Empty, List, Row, Space, Statistic, Table, Typography } from 'antd';
import { ArrowDownOutlined, ArrowUpOutlined } from '@ant-design/icons';
import { useMe } from '../api/queries';
import { errorText } from '../api/error-text';
import { canDo } from '../auth/permissions';
import { formatDate } from '../format/date';
import { useI18n } from '../i18n/i18n-context';
import { Chart, chartAnimation } from '../marketing/chart';
import type { RecordPanelProps } from '../objects/record-panels';
import { useAccountHealth, useWorkOrders } from './api';
import { scoreTrendOption } from './charts';
import { contributions, type ContributionRow, type HealthStatus } from './logic';
import { DIMENSION_LABEL, StatusTag, useFeatureLabel, useSuccessFormat } from './parts';
import { UsageSection } from './usage-section';
import { WorkOrderTable } from './work-orders';

/**
 * The account's health (客户健康度): the latest weekly score and status, the trend against the
 * thresholds, why the score is what it is (each dimension's raw value, band score, weight and
 * contribution), the renewal probability with its top factors, product usage over time and the
 * customer's open warning work orders.
 */
export default function AccountHealthPanel({ record }: RecordPanelProps) {
  const { t, locale } = useI18n();
  const me = useMe().data;
  const canRead = canDo(me, 'account', 'read');
  const health = useAccountHealth(record.id, canRead);
  const orders = useWorkOrders({ accountId: record.id, openOnly: true }, canDo(me, 'work_order', 'read'));
  const format = useSuccessFormat();
  const featureLabel = useFeatureLabel();
  if (!canRead) return null;
  const data = health.data;
  const latest = data?.latest ?? null;

  return (
    <Card
      size="small"
      style={{ marginBottom: 12 }}
      title={t('cs.account.title')}
      data-testid="account-health"
    >
      {health.error ? (
        <Alert type="error" showIcon title={errorText(health.error, t)} />
      ) : !data ? null : !latest ? (
        <Empty
          image={Empty.PRESENTED_IMAGE_SIMPLE}
          description={t('cs.account.empty')}
          data-testid="account-health-empty"
        />
      ) : (
        <>
          <Row gutter={[16, 8]} align="middle">
            <Col xs={24} md={7}>
              <Space orientation="vertical" size={8}>
                <div data-testid="account-health-score">
                  <Statistic
                    title={t('cs.account.score', { week: formatDate(latest.week_start, locale) })}
                    value={format.score(latest.score)}
                    suffix={latest.score === null ? undefined : '/ 100'}
                  />
                </div>
                <StatusTag
                  status={latest.status as HealthStatus}
                  delayed={latest.delayed}
                  testId="account-health-status"
                />
                <Statistic
                  title={t('cs.account.probability')}
                  value={format.rate(latest.probability)}
                  styles={{ content: { fontSize: 18 } }}
                />
                {latest.probability !== null && latest.factors === null && (
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {t('cs.account.probabilityFromScore')}
                  </Typography.Text>
                )}
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {t('cs.account.modelVersion', { version: latest.model_version })}
                </Typography.Text>
              </Space>
            </Col>
            <Col xs={24} md={17}>
              {data.trend.length > 0 && (
                <Chart
                  testId="account-health-trend"
                  label={t('cs.account.trendLabel')}
                  height={200}
                  option={scoreTrendOption(
                    data.trend,
                    data.model,
                    {
                      score: t('cs.account.trendScore'),
                      healthy: t('cs.account.healthyLine', { n: data.model.healthyMin }),
                      unhealthy: t('cs.account.unhealthyLine', { n: data.model.unhealthyBelow }),
                    },
                    chartAnimation,
                  )}
                />
              )}
            </Col>
          </Row>
          <Divider titlePlacement="start" plain>
            {t('cs.account.why')}
          </Divider>
          <Breakdown dimensions={latest.dimensions} score={latest.score} />
          {latest.factors && latest.factors.length > 0 && (
            <>
              <Divider titlePlacement="start" plain>
                {t('cs.account.factors')}
              </Divider>
              <List
                size="small"
                data-testid="account-health-factors"
                dataSource={latest.factors.slice(0, 5)}
                renderItem={(f) => (
                  <List.Item key={f.feature}>
                    <Space>
                      {f.direction === 'up' ? (
                        <ArrowUpOutlined style={{ color: '#52c41a' }} aria-label={t('cs.account.factorUp')} />
                      ) : (
                        <ArrowDownOutlined
                          style={{ color: '#f5222d' }}
                          aria-label={t('cs.account.factorDown')}
                        />
                      )}
                      <span>{featureLabel(f.feature)}</span>
                      <Typography.Text type="secondary">
                        {f.contribution > 0 ? '+' : ''}
                        {Math.round(f.contribution * 1000) / 1000}
                      </Typography.Text>
                    </Space>
                  </List.Item>
                )}
              />
            </>
          )}
        </>
      )}
      <UsageSection accountId={record.id} />
      {canDo(me, 'work_order', 'read') && (
        <>
          <Divider titlePlacement="start" plain>
            {t('cs.account.workOrders')}
          </Divider>
          {orders.error ? (
            <Alert type="error" showIcon title={errorText(orders.error, t)} />
          ) : (
            <WorkOrderTable
              rows={orders.data ?? []}
              loading={orders.isLoading}
              showAccount={false}
              testId="account-work-orders"
              emptyText={t('cs.account.noWorkOrders')}
            />
          )}
        </>
      )}
    </Card>
  );
}

/** "Why this score": raw value, band score, weight and contribution per dimension, and their sum. */
export function Breakdown({
  dimensions,
  score,
}: {
  dimensions: Record<string, { raw: number | null; score: number; weight: number }>;
  score: number | null;
}) {
  const { t } = useI18n();
  const format = useSuccessFormat();
  const { rows, total } = contributions(dimensions);
  return (
    <Table<ContributionRow>
      size="small"
      rowKey="key"
      data-testid="health-breakdown"
      dataSource={rows}
      pagination={false}
      scroll={{ x: 'max-content' }}
      columns={[
        { key: 'dim', title: t('cs.why.dimension'), render: (_, r) => t(DIMENSION_LABEL[r.key]) },
        { key: 'raw', title: t('cs.why.raw'), align: 'right', render: (_, r) => format.raw(r.key, r.raw) },
        { key: 'score', title: t('cs.why.score'), align: 'right', render: (_, r) => format.score(r.score) },
        { key: 'weight', title: t('cs.why.weight'), align: 'right', render: (_, r) => `${r.weight}%` },
        {
          key: 'contribution',
          title: t('cs.why.contribution'),
          align: 'right',
          render: (_, r) => (
            <strong data-testid={`contribution-${r.key}`}>{format.score(r.contribution)}</strong>
          ),
        },
      ]}
      summary={() => (
        <Table.Summary.Row>
          <Table.Summary.Cell index={0} colSpan={4}>
            <Space size={4}>
              <strong>{t('cs.why.total')}</strong>
              {score !== null && Math.abs(score - total) >= 0.05 && (
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {t('cs.why.roundingNote', { score: format.score(score) })}
                </Typography.Text>
              )}
            </Space>
          </Table.Summary.Cell>
          <Table.Summary.Cell index={4} align="right">
            <strong data-testid="contribution-total">{format.score(total)}</strong>
          </Table.Summary.Cell>
        </Table.Summary.Row>
      )}
    />
  );
}
