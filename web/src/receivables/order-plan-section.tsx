import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { Alert, Button, Card, Empty, Space, Spin } from 'antd';
import { DollarOutlined, FileTextOutlined, PlusOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { useMe } from '../api/queries';
import { errorText } from '../api/error-text';
import { canDo } from '../auth/permissions';
import { useOrder } from '../cash/api';
import { useI18n } from '../i18n/i18n-context';
import { isMoney } from '../objects/field-values';
import { RECEIVABLES_SCOPE, useOrderPlan } from './api';
import { PlanFormModal } from './plan-form';
import { PaymentFormModal } from './payment-form';
import { PlanTimeline, str } from './parts';

/**
 * The order page's payment plan (/cash/orders/:id): the instalment timeline, or the way to create
 * the plan once the order is confirmed, and "record payment" quoting the order number so the
 * money is matched to this order's instalments.
 */
export default function OrderPlanSection() {
  const { id = '' } = useParams();
  return <OrderPlan key={id} orderId={id} />;
}

export function OrderPlan({ orderId }: { orderId: string }) {
  const { t } = useI18n();
  const me = useMe().data;
  const queryClient = useQueryClient();
  const canRead = canDo(me, 'payment_plan', 'read');
  const order = useOrder(orderId);
  const plan = useOrderPlan(orderId, canRead);
  const [creating, setCreating] = useState(false);
  const [paying, setPaying] = useState(false);
  if (!canRead || !order.data) return null;
  const o = order.data;
  const status = str(o.status);
  const number = str(o.number) ?? '';
  const amount = isMoney(o.amount) ? o.amount : null;
  const accountId = str(o.account_id);
  const refresh = async () => {
    for (const key of RECEIVABLES_SCOPE) await queryClient.invalidateQueries({ queryKey: [...key] });
  };
  const canCreate =
    canDo(me, 'payment_plan', 'create') && status === 'confirmed' && !!amount && amount.amount > 0;

  return (
    <Card
      title={
        plan.data ? t('rcv.plan.titleNumber', { number: str(plan.data.number) ?? '' }) : t('rcv.plan.title')
      }
      style={{ marginTop: 12 }}
      data-testid="order-payment-plan"
      extra={
        <Space>
          {status === 'confirmed' && canDo(me, 'invoice', 'create') && (
            <Link
              to={`/cash/invoices?order_id=${encodeURIComponent(orderId)}&order_number=${encodeURIComponent(number)}`}
            >
              <Button icon={<FileTextOutlined />}>{t('rcv.inv.apply')}</Button>
            </Link>
          )}
          {plan.data && canDo(me, 'payment', 'create') && accountId && (
            <Button icon={<DollarOutlined />} onClick={() => setPaying(true)}>
              {t('rcv.pay.record')}
            </Button>
          )}
          {!plan.data && !plan.isLoading && canCreate && (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
              {t('rcv.plan.new')}
            </Button>
          )}
        </Space>
      }
    >
      {plan.isLoading ? (
        <Spin />
      ) : plan.error ? (
        <Alert type="error" showIcon title={errorText(plan.error, t)} />
      ) : plan.data ? (
        <PlanTimeline plan={plan.data} testId="plan-timeline" />
      ) : (
        <Empty
          image={Empty.PRESENTED_IMAGE_SIMPLE}
          description={
            status === 'cancelled'
              ? t('rcv.plan.noneCancelled')
              : status !== 'confirmed'
                ? t('rcv.plan.noneDraft')
                : t('rcv.plan.none')
          }
        />
      )}
      {creating && amount && (
        <PlanFormModal
          source={{ kind: 'order', id: orderId, number, amount }}
          timeZone={me?.tenant.time_zone ?? 'Asia/Shanghai'}
          onClose={() => setCreating(false)}
          onCreated={async () => {
            setCreating(false);
            await refresh();
          }}
        />
      )}
      {paying && accountId && (
        <PaymentFormModal
          accountId={accountId}
          accountName={null}
          reference={number}
          onClose={() => setPaying(false)}
          onRecorded={refresh}
        />
      )}
    </Card>
  );
}
