import { Modal, Space, Tag, Timeline, Typography } from 'antd';
import type { Money } from '../api/types';
import { formatDate } from '../format/date';
import { formatMoney } from '../format/money';
import { useI18n } from '../i18n/i18n-context';
import type { MessageKey } from '../i18n/zh-CN';
import { isMoney } from '../objects/field-values';
import type { Instalment, InstalmentStatus, Plan } from './api';

export const str = (v: unknown): string | null => (typeof v === 'string' && v ? v : null);
export const moneyOr = (v: unknown, currency: string): Money => (isMoney(v) ? v : { amount: 0, currency });

const STATUS: Record<InstalmentStatus, { key: MessageKey; color: string }> = {
  planned: { key: 'rcv.status.planned', color: 'default' },
  partially_paid: { key: 'rcv.status.partially_paid', color: 'gold' },
  paid: { key: 'rcv.status.paid', color: 'green' },
  overdue: { key: 'rcv.status.overdue', color: 'red' },
};
const DOT: Record<InstalmentStatus, string> = {
  planned: 'gray',
  partially_paid: 'blue',
  paid: 'green',
  overdue: 'red',
};

export function InstalmentStatusTag({ status, testId }: { status: InstalmentStatus; testId?: string }) {
  const { t } = useI18n();
  return (
    <Tag color={STATUS[status].color} data-testid={testId}>
      {t(STATUS[status].key)}
    </Tag>
  );
}

/** A plan's instalments on a timeline: due date, amount, paid, status (overdue in red). */
export function PlanTimeline({ plan, testId }: { plan: Plan; testId?: string }) {
  const { t, locale } = useI18n();
  const currency = isMoney(plan.amount) ? plan.amount.currency : 'CNY';
  const m = (amount: number) => formatMoney({ amount, currency }, locale);
  return (
    <div data-testid={testId}>
      <Typography.Text type="secondary" style={{ display: 'block', marginBottom: 12 }}>
        {t('rcv.plan.summary', {
          amount: formatMoney(moneyOr(plan.amount, currency), locale),
          paid: formatMoney(moneyOr(plan.paid_amount, currency), locale),
        })}
      </Typography.Text>
      <Timeline
        items={plan.instalments.map((i: Instalment) => ({
          key: i.id,
          color: DOT[i.status],
          title: formatDate(i.due_date, locale),
          content: (
            <div data-testid={`instalment-${i.seq}`} data-status={i.status}>
              <Space wrap size={8}>
                <Typography.Text strong>{t('rcv.plan.instalment', { seq: i.seq })}</Typography.Text>
                <Typography.Text>{m(i.amount)}</Typography.Text>
                <InstalmentStatusTag status={i.status} testId={`instalment-${i.seq}-status`} />
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {i.number}
                </Typography.Text>
              </Space>
              <div>
                <Typography.Text
                  type={i.status === 'overdue' ? 'danger' : 'secondary'}
                  style={{ fontSize: 12 }}
                >
                  {t('rcv.plan.due', { date: formatDate(i.due_date, locale) })} ·{' '}
                  {t('rcv.plan.paidOf', { paid: m(i.paid_amount), amount: m(i.amount) })}
                  {i.note ? ` · ${i.note}` : ''}
                </Typography.Text>
              </div>
            </div>
          ),
        }))}
      />
    </div>
  );
}

/** A small confirm-style modal with a body of our own. */
export function ModalLite({
  title,
  onClose,
  onOk,
  okDisabled,
  okText,
  loading,
  children,
}: {
  title: React.ReactNode;
  onClose: () => void;
  onOk: () => void;
  okDisabled?: boolean;
  okText?: string;
  loading?: boolean;
  children: React.ReactNode;
}) {
  const { t } = useI18n();
  return (
    <Modal
      open
      title={title}
      onCancel={onClose}
      onOk={onOk}
      okText={okText ?? t('common.confirm')}
      cancelText={t('common.cancel')}
      okButtonProps={{ disabled: okDisabled, loading }}
      destroyOnHidden
    >
      {children}
    </Modal>
  );
}
