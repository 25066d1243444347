import { Alert, Card, Col, Divider, Empty, List, Row, Space, Statistic, Table, Typography } from 'antd';
import { Link } from 'react-router';
import { useMe, useObjectMeta } from '../api/queries';
import { errorText } from '../api/error-text';
import { canDo } from '../auth/permissions';
import { optionsOf, OptionTag } from '../cash/order-parts';
import { formatDate } from '../format/date';
import { formatMoney } from '../format/money';
import { useI18n } from '../i18n/i18n-context';
import { Chart, chartAnimation } from '../marketing/chart';
import type { RecordPanelProps } from '../objects/record-panels';
import { useAccountSubscriptions, type AccountSubscriptions } from './api';
import { timelineOption } from './charts';
import { useSubFormat } from './parts';

type Line = AccountSubscriptions['lines'][number];
type Due = AccountSubscriptions['due'][number];

/**
 * The account 360 view's subscriptions: current ARR and MRR, the month-end ARR timeline, every
 * subscription line (with its order) and the due renewals with their status.
 */
export default function AccountSubscriptionsPanel({ record }: RecordPanelProps) {
  const { t, locale, pick } = useI18n();
  const me = useMe().data;
  const canRead = canDo(me, 'subscription', 'read');
  const subs = useAccountSubscriptions(record.id, canRead);
  const format = useSubFormat(subs.data?.currency);
  const { meta: lineMeta } = useObjectMeta('subscription');
  const { meta: dueMeta } = useObjectMeta('due_renewal');
  const { meta: adjMeta } = useObjectMeta('renewal_adjustment');
  if (!canRead) return null;
  const data = subs.data;
  const period = (a: string, b: string) => `${formatDate(a, locale)} ~ ${formatDate(b, locale)}`;
  const reasonLabel = (v: string) =>
    optionsOf(adjMeta, 'reason', pick).find((o) => o.value === v)?.label ?? v;

  return (
    <Card
      size="small"
      style={{ marginBottom: 12 }}
      title={t('sub.account.title')}
      data-testid="account-subscriptions"
    >
      {subs.error ? (
        <Alert type="error" showIcon title={errorText(subs.error, t)} />
      ) : !data ? null : data.lines.length === 0 ? (
        <Empty
          image={Empty.PRESENTED_IMAGE_SIMPLE}
          description={t('sub.account.empty')}
          data-testid="account-subscriptions-empty"
        />
      ) : (
        <>
          <Row gutter={[16, 8]} align="middle">
            <Col xs={24} md={6}>
              <Space size={32} wrap>
                <div data-testid="account-arr">
                  <Statistic title={t('sub.account.arr')} value={format.money(data.arr)} />
                </div>
                <Statistic title={t('sub.account.mrr')} value={format.money(Math.round(data.arr / 12))} />
              </Space>
            </Col>
            <Col xs={24} md={18}>
              {data.timeline.length > 0 && (
                <Chart
                  testId="account-arr-timeline"
                  label={t('sub.account.timeline')}
                  height={140}
                  option={timelineOption(data.timeline, format, chartAnimation)}
                />
              )}
            </Col>
          </Row>
          <Divider titlePlacement="start" plain>
            {t('sub.account.lines')}
          </Divider>
          <Table<Line>
            size="small"
            rowKey="id"
            data-testid="subscription-lines"
            dataSource={data.lines}
            pagination={{ pageSize: 10, hideOnSinglePage: true }}
            scroll={{ x: 'max-content' }}
            columns={[
              { key: 'product', title: t('sub.account.product'), render: (_, l) => l.product_name },
              {
                key: 'order',
                title: t('sub.account.order'),
                render: (_, l) => <Link to={`/cash/orders/${l.order_id}`}>{l.order_number}</Link>,
              },
              {
                key: 'period',
                title: t('sub.account.period'),
                render: (_, l) => period(l.service_start, l.service_end),
              },
              {
                key: 'amount',
                title: t('sub.account.amount'),
                align: 'right',
                render: (_, l) => formatMoney({ amount: l.amount, currency: l.amount_currency }, locale),
              },
              {
                key: 'arr',
                title: t('sub.account.lineArr'),
                align: 'right',
                render: (_, l) =>
                  l.arr === null ? (
                    <Typography.Text type="warning">{t('sub.account.pendingRate')}</Typography.Text>
                  ) : (
                    format.money(l.arr)
                  ),
              },
              {
                key: 'status',
                title: t('sub.account.status'),
                render: (_, l) => <OptionTag meta={lineMeta} field="status" value={l.status} />,
              },
            ]}
          />
          {data.due.length > 0 && (
            <>
              <Divider titlePlacement="start" plain>
                {t('sub.account.due')}
              </Divider>
              <Table<Due>
                size="small"
                rowKey="id"
                data-testid="subscription-due"
                dataSource={data.due}
                pagination={false}
                scroll={{ x: 'max-content' }}
                columns={[
                  {
                    key: 'due_date',
                    title: t('sub.account.dueDate'),
                    render: (_, d) => formatDate(d.due_date, locale),
                  },
                  {
                    key: 'due_arr',
                    title: t('sub.account.dueArr'),
                    align: 'right',
                    render: (_, d) => format.money(d.due_arr),
                  },
                  {
                    key: 'renewed',
                    title: t('sub.account.renewed'),
                    align: 'right',
                    render: (_, d) =>
                      `${format.money(d.renewed_arr)} / ${format.money(d.renewed_arr_finance)}`,
                  },
                  {
                    key: 'status',
                    title: t('sub.account.status'),
                    render: (_, d) => (
                      <OptionTag
                        meta={dueMeta}
                        field="status"
                        value={d.status}
                        testId={`due-status-${d.id}`}
                      />
                    ),
                  },
                  {
                    key: 'links',
                    title: t('sub.account.renewalOrder'),
                    render: (_, d) => (
                      <Space size={8}>
                        {d.renewal_order_id && (
                          <Link to={`/cash/orders/${d.renewal_order_id}`}>{t('sub.account.order')}</Link>
                        )}
                        {d.renewal_opportunity_id && (
                          <Link to={`/o/opportunity/${d.renewal_opportunity_id}`}>
                            {t('sub.due.opportunity')}
                          </Link>
                        )}
                        {!d.renewal_order_id && !d.renewal_opportunity_id && t('common.empty')}
                      </Space>
                    ),
                  },
                ]}
              />
            </>
          )}
          {data.adjustments.length > 0 && (
            <>
              <Divider titlePlacement="start" plain>
                {t('sub.account.adjustments')}
              </Divider>
              <List
                size="small"
                dataSource={data.adjustments}
                renderItem={(a) => (
                  <List.Item key={a.id}>
                    <Space wrap>
                      <Link to={`/o/renewal_adjustment/${a.id}`}>
                        {t('sub.account.adjustmentLine', {
                          date: formatDate(a.due_date, locale),
                          reason: reasonLabel(a.reason),
                        })}
                      </Link>
                      <OptionTag meta={adjMeta} field="status" value={a.status} />
                      {a.note && <Typography.Text type="secondary">{a.note}</Typography.Text>}
                    </Space>
                  </List.Item>
                )}
              />
            </>
          )}
        </>
      )}
    </Card>
  );
}
