import { useState } from 'react';
import { Alert, Button, Card, Divider, Empty, Select, Space, Statistic, Typography } from 'antd';
import { DollarOutlined, PlusOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from 'react-router';
import { listRecords } from '../api/endpoints';
import { useMe, useObjectMeta } from '../api/queries';
import type { ObjectMeta } from '../api/types';
import { OptionTag } from '../cash/order-parts';
import { formatDate } from '../format/date';
import { errorText } from '../api/error-text';
import { canDo } from '../auth/permissions';
import { formatMoney } from '../format/money';
import { useI18n } from '../i18n/i18n-context';
import { isMoney } from '../objects/field-values';
import type { RecordPanelProps } from '../objects/record-panels';
import { RECEIVABLES_SCOPE, useAccountReceivables } from './api';
import { PlanFormModal, type PlanSource } from './plan-form';
import { PaymentFormModal } from './payment-form';
import { ModalLite, PlanTimeline, str } from './parts';

/** Confirmed orders and signed contracts of the account that have no payment plan yet. */
async function planSources(accountId: string, planned: Set<string>): Promise<PlanSource[]> {
  const [orders, contracts] = await Promise.all([
    listRecords('order', {
      filter: [
        { field: 'account_id', op: 'eq', value: accountId },
        { field: 'status', op: 'eq', value: 'confirmed' },
      ],
      sort: '-order_date',
      limit: 50,
    }),
    listRecords('contract', {
      filter: [
        { field: 'account_id', op: 'eq', value: accountId },
        { field: 'status', op: 'eq', value: 'signed' },
      ],
      limit: 50,
    }).catch(() => ({ data: [] })),
  ]);
  const of = (kind: PlanSource['kind'], rs: typeof orders.data): PlanSource[] =>
    rs.flatMap((r) =>
      !planned.has(r.id) && isMoney(r.amount) && r.amount.amount > 0
        ? [{ kind, id: r.id, number: str(r.number) ?? r.id, amount: r.amount }]
        : [],
    );
  return [...of('order', orders.data), ...of('contract', contracts.data)];
}

/**
 * The account 360 view's receivables: outstanding (overdue) and credit per currency, every payment
 * plan as an instalment timeline, a new plan for an order or contract, and "record payment".
 */
export default function AccountReceivablesPanel({ record }: RecordPanelProps) {
  const { t, locale } = useI18n();
  const me = useMe().data;
  const queryClient = useQueryClient();
  const canRead = canDo(me, 'payment_plan', 'read');
  const rcv = useAccountReceivables(record.id, canRead);
  const planned = new Set(
    (rcv.data?.plans ?? []).flatMap((p) => [str(p.order_id), str(p.contract_id)].flatMap((x) => x ?? [])),
  );
  const canCreatePlan = canDo(me, 'payment_plan', 'create');
  const sources = useQuery({
    queryKey: ['records', 'payment_plan', 'sources', record.id, [...planned].sort().join(',')],
    queryFn: () => planSources(record.id, planned),
    enabled: canRead && canCreatePlan && !!rcv.data,
  });
  const { meta: paymentMeta } = useObjectMeta('payment');
  const { meta: invoiceMeta } = useObjectMeta('invoice');
  const [source, setSource] = useState<PlanSource | null>(null);
  const [choosing, setChoosing] = useState(false);
  const [paying, setPaying] = useState(false);
  if (!canRead) return null;
  const refresh = async () => {
    for (const key of RECEIVABLES_SCOPE) await queryClient.invalidateQueries({ queryKey: [...key] });
  };
  const data = rcv.data;
  const name = str(record.name);

  return (
    <Card
      size="small"
      style={{ marginBottom: 12 }}
      title={t('rcv.account.title')}
      data-testid="account-receivables"
      extra={
        <Space>
          {canDo(me, 'payment', 'create') && (
            <Button size="small" icon={<DollarOutlined />} onClick={() => setPaying(true)}>
              {t('rcv.account.recordPayment')}
            </Button>
          )}
          {canCreatePlan && (
            <Button
              size="small"
              icon={<PlusOutlined />}
              disabled={!sources.data?.length}
              title={sources.data && !sources.data.length ? t('rcv.plan.noSource') : undefined}
              onClick={() => setChoosing(true)}
            >
              {t('rcv.plan.new')}
            </Button>
          )}
        </Space>
      }
    >
      {rcv.error ? (
        <Alert type="error" showIcon title={errorText(rcv.error, t)} />
      ) : !data ? null : (
        <>
          <Space size={32} wrap style={{ marginBottom: 8 }}>
            {(data.outstanding.length
              ? data.outstanding
              : [{ currency: me?.tenant.currency ?? 'CNY', amount: 0, overdue: 0 }]
            ).map((o) => (
              <Space key={o.currency} size={32}>
                <Statistic
                  title={t('rcv.account.outstanding')}
                  value={formatMoney({ amount: o.amount, currency: o.currency }, locale)}
                />
                <Statistic
                  title={t('rcv.account.overdue')}
                  value={formatMoney({ amount: o.overdue, currency: o.currency }, locale)}
                  styles={{ content: { color: o.overdue > 0 ? '#cf1322' : undefined } }}
                />
              </Space>
            ))}
            {data.credit
              .filter((c) => c.amount !== 0)
              .map((c) => (
                <Statistic key={c.currency} title={t('rcv.account.credit')} value={formatMoney(c, locale)} />
              ))}
          </Space>
          {data.plans.length === 0 ? (
            <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('rcv.account.noPlans')} />
          ) : (
            data.plans.map((p) => (
              <div key={p.id}>
                <Divider titlePlacement="start" plain>
                  <Typography.Text strong>
                    {t('rcv.plan.titleNumber', { number: str(p.number) ?? '' })}
                  </Typography.Text>
                  {str(p.order_id) && (
                    <Link to={`/cash/orders/${str(p.order_id) ?? ''}`} style={{ marginLeft: 8 }}>
                      {p._expand?.order_id?.name ?? t('rcv.inv.order')}
                    </Link>
                  )}
                </Divider>
                <PlanTimeline plan={p} testId={`account-plan-${p.id}`} />
              </div>
            ))
          )}
          {data.payments.length > 0 && (
            <RecentList
              title={t('rcv.account.payments')}
              link="/cash/payments"
              meta={paymentMeta}
              rows={data.payments.slice(0, 5).map((r) => ({
                id: r.id,
                href: `/o/payment/${r.id}`,
                number: str(r.number) ?? r.id,
                date: str(r.received_date),
                amount: isMoney(r.amount) ? formatMoney(r.amount, locale) : '—',
                status: r.status,
              }))}
            />
          )}
          {data.invoices.length > 0 && (
            <RecentList
              title={t('rcv.account.invoices')}
              link="/cash/invoices"
              meta={invoiceMeta}
              rows={data.invoices.slice(0, 5).map((r) => ({
                id: r.id,
                href: `/o/invoice/${r.id}`,
                number: str(r.invoice_no) ?? str(r.number) ?? r.id,
                date: str(r.issue_date),
                amount: isMoney(r.amount) ? formatMoney(r.amount, locale) : '—',
                status: r.status,
              }))}
            />
          )}
        </>
      )}
      {choosing && (
        <SourcePicker
          sources={sources.data ?? []}
          onClose={() => setChoosing(false)}
          onPick={(s) => {
            setChoosing(false);
            setSource(s);
          }}
        />
      )}
      {source && (
        <PlanFormModal
          source={source}
          timeZone={me?.tenant.time_zone ?? 'Asia/Shanghai'}
          onClose={() => setSource(null)}
          onCreated={async () => {
            setSource(null);
            await refresh();
          }}
        />
      )}
      {paying && (
        <PaymentFormModal
          accountId={record.id}
          accountName={name}
          onClose={() => setPaying(false)}
          onRecorded={refresh}
        />
      )}
    </Card>
  );
}

function SourcePicker({
  sources,
  onClose,
  onPick,
}: {
  sources: PlanSource[];
  onClose: () => void;
  onPick: (s: PlanSource) => void;
}) {
  const { t, locale } = useI18n();
  const [id, setId] = useState<string | null>(sources[0]?.id ?? null);
  const picked = sources.find((s) => s.id === id) ?? null;
  return (
    <ModalLite
      title={t('rcv.plan.chooseSource')}
      onClose={onClose}
      onOk={() => picked && onPick(picked)}
      okDisabled={!picked}
    >
      <Select
        style={{ width: '100%' }}
        value={id}
        onChange={setId}
        aria-label={t('rcv.plan.chooseSource')}
        options={sources.map((s) => ({
          value: s.id,
          label: t(s.kind === 'order' ? 'rcv.plan.sourceOrder' : 'rcv.plan.sourceContract', {
            number: s.number,
            amount: formatMoney(s.amount, locale),
          }),
        }))}
      />
    </ModalLite>
  );
}

/** The account's latest payments or invoices, linking to their records and the full page. */
function RecentList({
  title,
  link,
  meta,
  rows,
}: {
  title: string;
  link: string;
  meta: ObjectMeta | undefined;
  rows: { id: string; href: string; number: string; date: string | null; amount: string; status: unknown }[];
}) {
  const { locale } = useI18n();
  return (
    <>
      <Divider titlePlacement="start" plain>
        <Link to={link}>{title}</Link>
      </Divider>
      {rows.map((r) => (
        <div key={r.id} style={{ display: 'flex', gap: 12, alignItems: 'center', padding: '2px 0' }}>
          <Link to={r.href} style={{ minWidth: 140 }}>
            {r.number}
          </Link>
          <Typography.Text type="secondary" style={{ minWidth: 96 }}>
            {r.date ? formatDate(r.date, locale) : '—'}
          </Typography.Text>
          <Typography.Text style={{ minWidth: 110, textAlign: 'right' }}>{r.amount}</Typography.Text>
          <OptionTag meta={meta} field="status" value={r.status} />
        </div>
      ))}
    </>
  );
}
