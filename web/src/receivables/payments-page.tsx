import { useState } from 'react';
import { Link } from 'react-router';
import { Alert, Button, Card, Empty, Result, Space, Table, Typography } from 'antd';
import { DollarOutlined, ImportOutlined, SwapOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { listRecords } from '../api/endpoints';
import { useMe, useObjectMeta } from '../api/queries';
import { errorText } from '../api/error-text';
import type { RecordData } from '../api/types';
import { canDo } from '../auth/permissions';
import { OptionTag } from '../cash/order-parts';
import { formatDate } from '../format/date';
import { formatMoney } from '../format/money';
import { useI18n } from '../i18n/i18n-context';
import { isMoney } from '../objects/field-values';
import { RECEIVABLES_SCOPE, rcvKeys } from './api';
import { ImportStatementModal, RefundModal } from './payment-dialogs';
import { PaymentFormModal } from './payment-form';
import { str } from './parts';

const PAGE = 50;

/** 回款: payments received, newest first; record one, import a bank statement, match, refund. */
export default function PaymentsPage() {
  const { t, pick, locale } = useI18n();
  const me = useMe().data;
  const { meta } = useObjectMeta('payment');
  const queryClient = useQueryClient();
  const [page, setPage] = useState(1);
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const cursor = cursors[page - 1] ?? null;
  const params = { sort: '-received_date', cursor };
  const list = useQuery({
    queryKey: rcvKeys.payments(params),
    queryFn: () =>
      listRecords('payment', {
        filter: [],
        sort: '-received_date',
        expand: ['account_id'],
        limit: PAGE,
        cursor,
        count: true,
      }),
    enabled: !!meta,
  });
  const [recording, setRecording] = useState(false);
  const [importing, setImporting] = useState(false);
  const [refunding, setRefunding] = useState<RecordData | null>(null);
  if (!meta) return list.isLoading ? null : <Result status="403" subTitle={t('list.noPermission')} />;
  const refresh = async () => {
    for (const key of RECEIVABLES_SCOPE) await queryClient.invalidateQueries({ queryKey: [...key] });
  };
  const canCreate = canDo(me, 'payment', 'create');
  const canUpdate = canDo(me, 'payment', 'update');
  const money = (v: unknown) => (isMoney(v) ? formatMoney(v, locale) : '—');
  const next = list.data?.next_cursor ?? null;

  return (
    <Card
      title={
        <Typography.Title level={4} style={{ margin: 0 }}>
          {pick(meta.plural_label)}
        </Typography.Title>
      }
      extra={
        <Space wrap>
          {canUpdate && (
            <Link to="/cash/payments/match">
              <Button icon={<SwapOutlined />}>{t('rcv.pay.matching')}</Button>
            </Link>
          )}
          {canCreate && (
            <Button icon={<ImportOutlined />} onClick={() => setImporting(true)}>
              {t('rcv.pay.import')}
            </Button>
          )}
          {canCreate && (
            <Button type="primary" icon={<DollarOutlined />} onClick={() => setRecording(true)}>
              {t('rcv.pay.record')}
            </Button>
          )}
        </Space>
      }
    >
      {list.error && (
        <Alert type="error" showIcon title={errorText(list.error, t)} style={{ marginBottom: 12 }} />
      )}
      <Table<RecordData>
        size="small"
        rowKey="id"
        data-testid="payments-table"
        loading={list.isLoading}
        dataSource={list.data?.data ?? []}
        scroll={{ x: 'max-content' }}
        pagination={{
          current: page,
          pageSize: PAGE,
          total: list.data?.total ?? 0,
          showSizeChanger: false,
          onChange: (p) => {
            if (p > page && next) setCursors((cs) => [...cs.slice(0, page), next]);
            setPage(p);
          },
        }}
        locale={{
          emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('rcv.pay.empty')} />,
        }}
        columns={[
          {
            key: 'number',
            title: t('rcv.pay.number'),
            render: (_, r) => <Link to={`/o/payment/${r.id}`}>{str(r.number) ?? r.id}</Link>,
          },
          {
            key: 'account',
            title: t('rcv.pay.account'),
            render: (_, r) =>
              str(r.account_id) ? (
                <Link to={`/o/account/${str(r.account_id) ?? ''}`}>
                  {r._expand?.account_id?.name ?? str(r.account_id)}
                </Link>
              ) : (
                '—'
              ),
          },
          {
            key: 'date',
            title: t('rcv.pay.date'),
            render: (_, r) => (str(r.received_date) ? formatDate(str(r.received_date) ?? '', locale) : '—'),
          },
          {
            key: 'amount',
            title: t('rcv.pay.amountShort'),
            align: 'right',
            render: (_, r) => money(r.amount),
          },
          {
            key: 'method',
            title: t('rcv.pay.method'),
            render: (_, r) => <OptionTag meta={meta} field="method" value={r.method} />,
          },
          { key: 'payer', title: t('rcv.pay.payer'), render: (_, r) => str(r.payer) ?? '—' },
          { key: 'ref', title: t('rcv.pay.reference'), render: (_, r) => str(r.bank_reference) ?? '—' },
          {
            key: 'status',
            title: t('rcv.pay.status'),
            render: (_, r) => (
              <OptionTag meta={meta} field="status" value={r.status} testId={`payment-status-${r.id}`} />
            ),
          },
          {
            key: 'open',
            title: t('rcv.pay.unallocated'),
            align: 'right',
            render: (_, r) => money(r.unallocated_amount),
          },
          {
            key: 'actions',
            render: (_, r) =>
              canUpdate && (
                <Space size={4}>
                  {r.status !== 'refunded' && (
                    <Link to={`/cash/payments/match?payment=${encodeURIComponent(r.id)}`}>
                      <Button size="small">{t('rcv.pay.match')}</Button>
                    </Link>
                  )}
                  <Button
                    size="small"
                    danger
                    disabled={!isMoney(r.unallocated_amount) || r.unallocated_amount.amount <= 0}
                    onClick={() => setRefunding(r)}
                  >
                    {t('rcv.pay.refund')}
                  </Button>
                </Space>
              ),
          },
        ]}
      />
      {recording && <PaymentFormModal onClose={() => setRecording(false)} onRecorded={refresh} />}
      {importing && <ImportStatementModal onClose={() => setImporting(false)} onImported={refresh} />}
      {refunding && (
        <RefundModal
          payment={refunding}
          onClose={() => setRefunding(null)}
          onDone={async () => {
            setRefunding(null);
            await refresh();
          }}
        />
      )}
    </Card>
  );
}
