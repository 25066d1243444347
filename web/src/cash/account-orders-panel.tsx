import { Alert, Button, Card, Empty, Table, Typography } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Link, useNavigate } from 'react-router';
import { useMe, useObjectMeta } from '../api/queries';
import { errorText } from '../api/error-text';
import type { RecordData } from '../api/types';
import { canDo } from '../auth/permissions';
import { formatDate } from '../format/date';
import { formatMoney } from '../format/money';
import { useI18n } from '../i18n/i18n-context';
import { isMoney } from '../objects/field-values';
import type { RecordPanelProps } from '../objects/record-panels';
import { cashKeys, fetchAccountOrders } from './api';
import { OptionTag } from './order-parts';

const str = (v: unknown): string | null => (typeof v === 'string' && v ? v : null);

/** An account's latest orders and the way to place a new one for it. */
export default function AccountOrdersPanel({ record }: RecordPanelProps) {
  const { t, locale } = useI18n();
  const me = useMe().data;
  const navigate = useNavigate();
  const { meta } = useObjectMeta('order');
  const canRead = canDo(me, 'order', 'read');
  const orders = useQuery({
    queryKey: cashKeys.accountOrders(record.id),
    queryFn: () => fetchAccountOrders(record.id),
    enabled: canRead,
  });
  if (!canRead || !meta) return null;
  const total = orders.data?.total ?? null;
  return (
    <Card
      size="small"
      style={{ marginBottom: 12 }}
      title={total ? t('cash.account.ordersCount', { count: total }) : t('cash.account.orders')}
      data-testid="account-orders"
      extra={
        canDo(me, 'order', 'create') && (
          <Button
            size="small"
            icon={<PlusOutlined />}
            onClick={() => navigate(`/cash/orders/new?account_id=${encodeURIComponent(record.id)}`)}
          >
            {t('cash.order.new')}
          </Button>
        )
      }
    >
      {orders.error ? (
        <Alert type="error" showIcon title={errorText(orders.error, t)} />
      ) : (
        <Table<RecordData>
          size="small"
          rowKey="id"
          loading={orders.isLoading}
          pagination={false}
          dataSource={orders.data?.data ?? []}
          scroll={{ x: 'max-content' }}
          locale={{
            emptyText: (
              <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('cash.account.noOrders')} />
            ),
          }}
          columns={[
            {
              key: 'number',
              title: t('cash.order.number'),
              render: (_, r) => <Link to={`/cash/orders/${r.id}`}>{str(r.number) ?? r.id}</Link>,
            },
            {
              key: 'status',
              title: t('cash.order.status'),
              render: (_, r) => <OptionTag meta={meta} field="status" value={r.status} />,
            },
            {
              key: 'type',
              title: t('cash.order.type'),
              render: (_, r) => <OptionTag meta={meta} field="type" value={r.type} />,
            },
            {
              key: 'date',
              title: t('cash.order.orderDate'),
              render: (_, r) => (str(r.order_date) ? formatDate(str(r.order_date) ?? '', locale) : '—'),
            },
            {
              key: 'amount',
              title: t('cash.order.amount'),
              align: 'right',
              render: (_, r) => (isMoney(r.amount) ? formatMoney(r.amount, locale) : '—'),
            },
          ]}
        />
      )}
      {total !== null && total > 5 && (
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {t('cash.account.moreInRelated')}
        </Typography.Text>
      )}
    </Card>
  );
}
