import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  Empty,
  Input,
  List,
  Result,
  Row,
  Space,
  Spin,
  Table,
  Typography,
} from 'antd';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useMe, useObjectMeta } from '../api/queries';
import { ApiError } from '../api/http-client';
import { errorText } from '../api/error-text';
import type { RecordData } from '../api/types';
import { canDo } from '../auth/permissions';
import { fenToYuanText } from '../cash/order-logic';
import { OptionTag } from '../cash/order-parts';
import { formatDate } from '../format/date';
import { formatMoney } from '../format/money';
import { useI18n } from '../i18n/i18n-context';
import { isMoney } from '../objects/field-values';
import { checkSplit, fillOldestFirst, splitPayload, type SplitRow } from './allocation-logic';
import {
  allocatePayment,
  fetchOpenPayments,
  fetchPayment,
  RECEIVABLES_SCOPE,
  rcvKeys,
  useAccountReceivables,
  type Instalment,
  type Payment,
} from './api';
import { InstalmentStatusTag, moneyOr, str } from './parts';

/**
 * 回款核销: payments with money not yet matched on the left; the chosen payment's account's open
 * instalments on the right with an amount each. The sum may not exceed what the payment has; the
 * rest stays the customer's credit. Save replaces the payment's allocations.
 */
export default function MatchingPage() {
  const { t, pick, locale } = useI18n();
  const me = useMe().data;
  const { meta } = useObjectMeta('payment');
  const [search, setSearch] = useSearchParams();
  const selected = search.get('payment');
  const open = useQuery({
    queryKey: ['records', 'payment', 'to-match'],
    queryFn: fetchOpenPayments,
    enabled: !!meta,
  });
  if (!meta) return open.isLoading ? null : <Result status="403" subTitle={t('list.noPermission')} />;
  if (!canDo(me, 'payment', 'update')) return <Result status="403" subTitle={t('list.noPermission')} />;
  const rows = open.data?.data ?? [];
  const money = (v: unknown) => (isMoney(v) ? formatMoney(v, locale) : '—');

  return (
    <Row gutter={12}>
      <Col xs={24} lg={9}>
        <Card
          title={t('rcv.match.open')}
          extra={<Link to="/cash/payments">{pick(meta.plural_label)}</Link>}
          data-testid="match-open-payments"
        >
          {open.error && <Alert type="error" showIcon title={errorText(open.error, t)} />}
          <List<RecordData>
            loading={open.isLoading}
            dataSource={rows}
            locale={{
              emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('rcv.match.noOpen')} />,
            }}
            renderItem={(p) => (
              <List.Item
                onClick={() => setSearch({ payment: p.id })}
                style={{
                  cursor: 'pointer',
                  paddingInline: 8,
                  background: p.id === selected ? 'var(--ant-color-primary-bg, #e6f4ff)' : undefined,
                }}
                aria-selected={p.id === selected}
                data-testid={`match-payment-${p.id}`}
              >
                <List.Item.Meta
                  title={
                    <Space wrap>
                      <span>{str(p.number)}</span>
                      <OptionTag meta={meta} field="status" value={p.status} />
                    </Space>
                  }
                  description={
                    <>
                      {p._expand?.account_id?.name ?? ''} ·{' '}
                      {str(p.received_date) ? formatDate(str(p.received_date) ?? '', locale) : ''}
                      <br />
                      {money(p.amount)} · {t('rcv.pay.unallocated')} {money(p.unallocated_amount)}
                    </>
                  }
                />
              </List.Item>
            )}
          />
        </Card>
      </Col>
      <Col xs={24} lg={15}>
        {selected ? (
          <SplitEditor key={selected} paymentId={selected} />
        ) : (
          <Card>
            <Empty description={t('rcv.match.pick')} />
          </Card>
        )}
      </Col>
    </Row>
  );
}

function SplitEditor({ paymentId }: { paymentId: string }) {
  const { t, locale } = useI18n();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const payment = useQuery({ queryKey: rcvKeys.payment(paymentId), queryFn: () => fetchPayment(paymentId) });
  const accountId = payment.data ? str(payment.data.account_id) : null;
  const rcv = useAccountReceivables(accountId);
  if (payment.isLoading || (accountId && rcv.isLoading))
    return <Spin style={{ display: 'block', margin: 48 }} />;
  if (payment.error || !payment.data)
    return <Alert type="error" showIcon title={errorText(payment.error, t)} />;
  if (rcv.error) return <Alert type="error" showIcon title={errorText(rcv.error, t)} />;
  const p = payment.data;
  const currency = moneyOr(p.amount, 'CNY').currency;
  const instalments = (rcv.data?.plans ?? [])
    .filter((pl) => str(pl.status) !== 'cancelled' && moneyOr(pl.amount, currency).currency === currency)
    .flatMap((pl) => pl.instalments)
    .sort((a, b) =>
      a.due_date === b.due_date ? a.number.localeCompare(b.number) : a.due_date < b.due_date ? -1 : 1,
    );
  // a refetch after saving brings new open amounts: the editor starts again from the server's state
  const signature = `${p.version}:${instalments.map((i) => `${i.id}=${i.open_amount}`).join(',')}`;
  return (
    <Editor
      key={signature}
      payment={p}
      currency={currency}
      instalments={instalments}
      accountName={p._expand?.account_id?.name ?? str(p.account_id) ?? ''}
      onSaved={async (saved) => {
        void message.success(t('rcv.match.saved', { number: str(saved.number) ?? '' }));
        for (const key of RECEIVABLES_SCOPE) await queryClient.invalidateQueries({ queryKey: [...key] });
      }}
      locale={locale}
    />
  );
}

function Editor({
  payment,
  currency,
  instalments,
  accountName,
  onSaved,
  locale,
}: {
  payment: Payment;
  currency: string;
  instalments: Instalment[];
  accountName: string;
  onSaved: (p: Payment) => Promise<void>;
  locale: 'zh-CN' | 'en-US';
}) {
  const { t } = useI18n();
  const mine = new Map(payment.allocations.map((a) => [a.instalment_id, a.amount]));
  const [rows, setRows] = useState<SplitRow[]>(() =>
    instalments
      .map((i) => ({
        instalment_id: i.id,
        room: i.open_amount + (mine.get(i.id) ?? 0),
        amount: mine.has(i.id) ? fenToYuanText(mine.get(i.id) ?? 0) : '',
      }))
      .filter((r) => r.room > 0),
  );
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [problem, setProblem] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const amount = moneyOr(payment.amount, currency).amount;
  const refunded = moneyOr(payment.refunded_amount, currency).amount;
  const available = amount - refunded;
  const check = checkSplit(available, rows);
  const m = (a: number) => formatMoney({ amount: a, currency }, locale);
  const byId = new Map(instalments.map((i) => [i.id, i]));

  const save = async () => {
    setSaving(true);
    setErrors({});
    setProblem(null);
    const body = splitPayload(rows);
    try {
      const saved = await allocatePayment(payment.id, body, payment.version);
      await onSaved(saved);
    } catch (err) {
      if (err instanceof ApiError && err.details.length) {
        const placed: Record<string, string> = {};
        const rest: string[] = [];
        for (const d of err.details) {
          const mm = /^allocations\[(\d+)\]\./.exec(d.field ?? '');
          const target = mm ? body[Number(mm[1])]?.instalment_id : undefined;
          if (target) placed[target] = d.issue;
          else rest.push(d.issue);
        }
        setErrors(placed);
        if (rest.length) setProblem(rest.join('；'));
      } else setProblem(errorText(err, t));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Card
      title={t('rcv.match.instalments', { account: accountName })}
      data-testid="match-editor"
      extra={
        <Space>
          <Button onClick={() => setRows((rs) => fillOldestFirst(available, rs, fenToYuanText))}>
            {t('rcv.match.fill')}
          </Button>
          <Button onClick={() => setRows((rs) => rs.map((r) => ({ ...r, amount: '' })))}>
            {t('rcv.match.clear')}
          </Button>
          <Button type="primary" disabled={!check.ok} loading={saving} onClick={() => void save()}>
            {t('common.save')}
          </Button>
        </Space>
      }
    >
      <Space wrap size={24} style={{ marginBottom: 12 }}>
        <Typography.Text strong>
          {str(payment.number)} · {m(amount)}
        </Typography.Text>
        <Typography.Text>{t('rcv.match.available', { amount: m(available) })}</Typography.Text>
        <Typography.Text>{t('rcv.match.allocated', { amount: m(check.totalFen) })}</Typography.Text>
        <Typography.Text type={check.over ? 'danger' : 'success'} data-testid="match-credit">
          {check.over
            ? t('rcv.match.over', { amount: m(-check.creditFen) })
            : t('rcv.match.creditLeft', { amount: m(check.creditFen) })}
        </Typography.Text>
      </Space>
      {problem && <Alert type="error" showIcon role="alert" title={problem} style={{ marginBottom: 12 }} />}
      <Table<SplitRow>
        size="small"
        rowKey="instalment_id"
        pagination={false}
        dataSource={rows}
        locale={{
          emptyText: (
            <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('rcv.match.noInstalments')} />
          ),
        }}
        columns={[
          {
            key: 'number',
            title: t('rcv.match.instalment'),
            render: (_, r) => byId.get(r.instalment_id)?.number ?? '',
          },
          {
            key: 'due',
            title: t('rcv.match.due'),
            render: (_, r) => {
              const i = byId.get(r.instalment_id);
              return i ? (
                <Space>
                  {formatDate(i.due_date, locale)}
                  <InstalmentStatusTag status={i.status} />
                </Space>
              ) : null;
            },
          },
          { key: 'open', title: t('rcv.match.open_'), align: 'right', render: (_, r) => m(r.room) },
          {
            key: 'amount',
            title: t('rcv.match.allocate'),
            width: 200,
            render: (_, r, idx) => {
              const issue =
                errors[r.instalment_id] ??
                (check.rows[r.instalment_id] === 'too_large'
                  ? t('rcv.match.tooLarge')
                  : check.rows[r.instalment_id]
                    ? t('rcv.pay.amountInvalid')
                    : null);
              return (
                <div>
                  <Input
                    value={r.amount}
                    inputMode="decimal"
                    status={issue ? 'error' : undefined}
                    aria-label={`${t('rcv.match.allocate')} · ${byId.get(r.instalment_id)?.number ?? idx + 1}`}
                    onChange={(e) => {
                      const v = e.target.value;
                      setRows((rs) =>
                        rs.map((x) => (x.instalment_id === r.instalment_id ? { ...x, amount: v } : x)),
                      );
                    }}
                    style={{ textAlign: 'right' }}
                  />
                  {issue && (
                    <Typography.Text type="danger" style={{ fontSize: 12 }}>
                      {issue}
                    </Typography.Text>
                  )}
                </div>
              );
            },
          },
        ]}
      />
    </Card>
  );
}
