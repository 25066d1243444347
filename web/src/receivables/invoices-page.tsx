import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import {
  Alert,
  App,
  Button,
  Card,
  DatePicker,
  Empty,
  Form,
  Input,
  Result,
  Segmented,
  Select,
  Space,
  Table,
  Tooltip,
  Typography,
} from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import dayjs from 'dayjs';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { listRecords } from '../api/endpoints';
import { useMe, useObjectMeta } from '../api/queries';
import { ApiError } from '../api/http-client';
import { errorText } from '../api/error-text';
import type { RecordData } from '../api/types';
import { canDo } from '../auth/permissions';
import { parseScaled, yuanToFenExact, fenToYuanText } from '../cash/order-logic';
import { OptionTag } from '../cash/order-parts';
import { formatDate } from '../format/date';
import { formatMoney } from '../format/money';
import { useI18n } from '../i18n/i18n-context';
import { todayIn } from '../marketing/period';
import { isMoney } from '../objects/field-values';
import { RecordSelect } from '../objects/record-select';
import {
  applyInvoice,
  creditInvoice,
  issueInvoice,
  RECEIVABLES_SCOPE,
  rcvKeys,
  reconcileInvoice,
  voidInvoice,
} from './api';
import { ModalLite, moneyOr, str } from './parts';

const PAGE = 50;

/** Field → message from a 422, the rest joined for an alert. */
function placed(
  err: unknown,
  t: Parameters<typeof errorText>[1],
): { fields: Record<string, string>; rest: string | null } {
  if (err instanceof ApiError && err.details.length) {
    const fields: Record<string, string> = {};
    const rest: string[] = [];
    for (const d of err.details)
      if (d.field) fields[d.field] = d.issue;
      else rest.push(d.issue);
    return { fields, rest: rest.join('；') || null };
  }
  return { fields: {}, rest: errorText(err, t) };
}

type Dialog =
  | { kind: 'apply' }
  | { kind: 'issue'; inv: RecordData }
  | { kind: 'void'; inv: RecordData }
  | { kind: 'reconcile'; inv: RecordData };

/** 发票: apply for an order/contract, issue with a number and date, void, red-letter credit, reconcile. */
export default function InvoicesPage() {
  const { t, pick, locale } = useI18n();
  const { modal, message } = App.useApp();
  const me = useMe().data;
  const { meta } = useObjectMeta('invoice');
  const queryClient = useQueryClient();
  const [search] = useSearchParams();
  const [page, setPage] = useState(1);
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const cursor = cursors[page - 1] ?? null;
  const list = useQuery({
    queryKey: rcvKeys.invoices({ cursor }),
    queryFn: () =>
      listRecords('invoice', {
        filter: [],
        sort: '-created_at',
        expand: ['account_id', 'order_id', 'contract_id'],
        limit: PAGE,
        cursor,
        count: true,
      }),
    enabled: !!meta,
  });
  const [dialog, setDialog] = useState<Dialog | null>(search.get('order_id') ? { kind: 'apply' } : null);
  if (!meta) return list.isLoading ? null : <Result status="403" subTitle={t('list.noPermission')} />;
  const refresh = async () => {
    for (const key of RECEIVABLES_SCOPE) await queryClient.invalidateQueries({ queryKey: [...key] });
  };
  const canCreate = canDo(me, 'invoice', 'create');
  const canUpdate = canDo(me, 'invoice', 'update');
  const money = (v: unknown) => (isMoney(v) ? formatMoney(v, locale) : '—');
  const next = list.data?.next_cursor ?? null;
  const label = (f: string) => {
    const field = meta.fields.find((x) => x.api_name === f);
    return field ? pick(field.label) : f;
  };
  const done = async () => {
    setDialog(null);
    await refresh();
  };

  const credit = (inv: RecordData) =>
    modal.confirm({
      title: t('rcv.inv.creditTitle', { number: str(inv.invoice_no) ?? str(inv.number) ?? '' }),
      content: t('rcv.inv.creditBody', { amount: money(inv.amount) }),
      okText: t('rcv.inv.credit'),
      okButtonProps: { danger: true },
      cancelText: t('common.cancel'),
      onOk: async () => {
        try {
          const c = await creditInvoice(inv.id, {
            issue_date: todayIn(me?.tenant.time_zone ?? 'Asia/Shanghai'),
          });
          void message.success(t('rcv.inv.credited', { number: str(c.invoice_no) ?? str(c.number) ?? '' }));
        } catch (err) {
          void message.error(placed(err, t).rest ?? Object.values(placed(err, t).fields).join('；'));
        }
        await refresh();
      },
    });

  return (
    <Card
      title={
        <Typography.Title level={4} style={{ margin: 0 }}>
          {pick(meta.plural_label)}
        </Typography.Title>
      }
      extra={
        canCreate && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setDialog({ kind: 'apply' })}>
            {t('rcv.inv.apply')}
          </Button>
        )
      }
    >
      {list.error && (
        <Alert type="error" showIcon title={errorText(list.error, t)} style={{ marginBottom: 12 }} />
      )}
      <Table<RecordData>
        size="small"
        rowKey="id"
        data-testid="invoices-table"
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
          emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('rcv.inv.empty')} />,
        }}
        columns={[
          {
            key: 'number',
            title: label('number'),
            render: (_, r) => <Link to={`/o/invoice/${r.id}`}>{str(r.number) ?? r.id}</Link>,
          },
          {
            key: 'type',
            title: label('type'),
            render: (_, r) => <OptionTag meta={meta} field="type" value={r.type} />,
          },
          {
            key: 'status',
            title: t('rcv.pay.status'),
            render: (_, r) => (
              <OptionTag meta={meta} field="status" value={r.status} testId={`invoice-status-${r.id}`} />
            ),
          },
          { key: 'no', title: t('rcv.inv.invoiceNo'), render: (_, r) => str(r.invoice_no) ?? '—' },
          {
            key: 'account',
            title: t('rcv.pay.account'),
            render: (_, r) =>
              str(r.account_id) ? (
                <Link to={`/o/account/${str(r.account_id) ?? ''}`}>{r._expand?.account_id?.name ?? ''}</Link>
              ) : (
                '—'
              ),
          },
          {
            key: 'source',
            title: t('rcv.inv.source'),
            render: (_, r) =>
              str(r.order_id) ? (
                <Link to={`/cash/orders/${str(r.order_id) ?? ''}`}>
                  {r._expand?.order_id?.name ?? t('rcv.inv.order')}
                </Link>
              ) : str(r.contract_id) ? (
                <Link to={`/o/contract/${str(r.contract_id) ?? ''}`}>
                  {r._expand?.contract_id?.name ?? t('rcv.inv.contract')}
                </Link>
              ) : (
                '—'
              ),
          },
          {
            key: 'date',
            title: t('rcv.inv.issueDate'),
            render: (_, r) => (str(r.issue_date) ? formatDate(str(r.issue_date) ?? '', locale) : '—'),
          },
          { key: 'amount', title: t('rcv.inv.amount'), align: 'right', render: (_, r) => money(r.amount) },
          {
            key: 'rec',
            title: t('rcv.inv.reconcile'),
            align: 'right',
            render: (_, r) => money(r.reconciled_amount),
          },
          {
            key: 'actions',
            render: (_, r) => {
              if (!canUpdate || r.type !== 'normal') return null;
              const st = str(r.status);
              const reconciled = isMoney(r.reconciled_amount) && r.reconciled_amount.amount > 0;
              const voidable = st === 'applied' || st === 'in_approval' || st === 'issued';
              return (
                <Space size={4} wrap>
                  {(st === 'applied' || st === 'in_approval') && (
                    <Button size="small" type="primary" onClick={() => setDialog({ kind: 'issue', inv: r })}>
                      {t('rcv.inv.issue')}
                    </Button>
                  )}
                  {st === 'issued' && (
                    <Button size="small" onClick={() => setDialog({ kind: 'reconcile', inv: r })}>
                      {t('rcv.inv.reconcile')}
                    </Button>
                  )}
                  {voidable && (
                    <Tooltip title={reconciled ? t('rcv.inv.voidReconciled') : undefined}>
                      <Button
                        size="small"
                        disabled={reconciled}
                        onClick={() => setDialog({ kind: 'void', inv: r })}
                      >
                        {t('rcv.inv.void')}
                      </Button>
                    </Tooltip>
                  )}
                  {st === 'issued' && (
                    <Button size="small" danger onClick={() => credit(r)}>
                      {t('rcv.inv.credit')}
                    </Button>
                  )}
                </Space>
              );
            },
          },
        ]}
      />
      {dialog?.kind === 'apply' && (
        <ApplyModal
          initialOrder={search.get('order_id')}
          initialLabel={search.get('order_number')}
          onClose={() => setDialog(null)}
          onDone={done}
        />
      )}
      {dialog?.kind === 'issue' && (
        <IssueModal inv={dialog.inv} onClose={() => setDialog(null)} onDone={done} />
      )}
      {dialog?.kind === 'void' && (
        <VoidModal inv={dialog.inv} onClose={() => setDialog(null)} onDone={done} />
      )}
      {dialog?.kind === 'reconcile' && (
        <ReconcileModal inv={dialog.inv} onClose={() => setDialog(null)} onDone={done} />
      )}
    </Card>
  );
}

interface DialogProps {
  onClose: () => void;
  onDone: () => Promise<void>;
}

function ApplyModal({
  initialOrder,
  initialLabel,
  onClose,
  onDone,
}: DialogProps & { initialOrder: string | null; initialLabel: string | null }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [kind, setKind] = useState<'order' | 'contract'>('order');
  const [source, setSource] = useState<string | null>(initialOrder);
  const [amount, setAmount] = useState('');
  const [rate, setRate] = useState('6');
  const [title, setTitle] = useState('');
  const [taxId, setTaxId] = useState('');
  const [notes, setNotes] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [problem, setProblem] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const submit = async () => {
    const fen = yuanToFenExact(amount);
    const local: Record<string, string> = {};
    if (!source) local[`${kind}_id`] = t('rcv.inv.sourceRequired');
    if (fen === null || fen <= 0) local.amount = t('rcv.pay.amountInvalid');
    const scaled = parseScaled(rate, 4);
    if (scaled === null) local.tax_rate = t('rcv.plan.issue.invalid');
    setErrors(local);
    if (Object.keys(local).length || !source || fen === null || scaled === null) return;
    setSaving(true);
    setProblem(null);
    try {
      const inv = await applyInvoice({
        ...(kind === 'order' ? { order_id: source } : { contract_id: source }),
        amount: fen,
        tax_rate: Number(scaled) / 10_000,
        buyer_title: title.trim() || null,
        buyer_tax_id: taxId.trim() || null,
        description: notes.trim() || null,
      });
      void message.success(t('rcv.inv.applied', { number: str(inv.number) ?? '' }));
      await onDone();
    } catch (err) {
      const p = placed(err, t);
      setErrors(p.fields);
      setProblem(p.rest);
    } finally {
      setSaving(false);
    }
  };
  const st = (f: string) => ({ validateStatus: errors[f] ? ('error' as const) : undefined, help: errors[f] });
  return (
    <ModalLite
      title={t('rcv.inv.apply')}
      onClose={onClose}
      onOk={() => void submit()}
      loading={saving}
      okText={t('rcv.inv.apply')}
    >
      {problem && <Alert type="error" showIcon role="alert" title={problem} style={{ marginBottom: 12 }} />}
      <Form layout="vertical" component="div">
        <Form.Item label={t('rcv.inv.source')} required {...st(`${kind}_id`)} htmlFor="invoice-source">
          <Space orientation="vertical" style={{ width: '100%' }}>
            <Segmented<'order' | 'contract'>
              value={kind}
              onChange={(k) => {
                setKind(k);
                setSource(null);
              }}
              options={[
                { value: 'order', label: t('rcv.inv.order') },
                { value: 'contract', label: t('rcv.inv.contract') },
              ]}
            />
            <RecordSelect
              key={kind}
              object={kind}
              id="invoice-source"
              initialLabel={kind === 'order' && source === initialOrder ? initialLabel : null}
              value={source}
              onChange={(v) => setSource(typeof v === 'string' ? v : null)}
            />
          </Space>
        </Form.Item>
        <Form.Item label={t('rcv.inv.amount')} required {...st('amount')} htmlFor="invoice-amount">
          <Input
            id="invoice-amount"
            inputMode="decimal"
            value={amount}
            onChange={(e) => setAmount(e.target.value)}
          />
        </Form.Item>
        <Form.Item label={t('rcv.inv.taxRate')} {...st('tax_rate')} htmlFor="invoice-rate">
          <Input
            id="invoice-rate"
            inputMode="decimal"
            value={rate}
            onChange={(e) => setRate(e.target.value)}
            style={{ width: 120 }}
          />
        </Form.Item>
        <Form.Item label={t('rcv.inv.buyerTitle')} {...st('buyer_title')} htmlFor="invoice-title">
          <Input
            id="invoice-title"
            value={title}
            maxLength={200}
            onChange={(e) => setTitle(e.target.value)}
          />
        </Form.Item>
        <Form.Item label={t('rcv.inv.buyerTaxId')} {...st('buyer_tax_id')} htmlFor="invoice-taxid">
          <Input id="invoice-taxid" value={taxId} maxLength={40} onChange={(e) => setTaxId(e.target.value)} />
        </Form.Item>
        <Form.Item label={t('rcv.inv.notes')} {...st('description')} htmlFor="invoice-notes">
          <Input.TextArea
            id="invoice-notes"
            rows={2}
            value={notes}
            onChange={(e) => setNotes(e.target.value)}
          />
        </Form.Item>
      </Form>
    </ModalLite>
  );
}

function IssueModal({ inv, onClose, onDone }: DialogProps & { inv: RecordData }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const me = useMe().data;
  const [no, setNo] = useState('');
  const [date, setDate] = useState(() => todayIn(me?.tenant.time_zone ?? 'Asia/Shanghai'));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [problem, setProblem] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const submit = async () => {
    setSaving(true);
    try {
      const r = await issueInvoice(inv.id, {
        version: inv.version,
        invoice_no: no.trim() || undefined,
        issue_date: date,
      });
      void message.success(t('rcv.inv.issued', { number: str(r.invoice_no) ?? '' }));
      await onDone();
    } catch (err) {
      const p = placed(err, t);
      setErrors(p.fields);
      setProblem(p.rest);
    } finally {
      setSaving(false);
    }
  };
  return (
    <ModalLite
      title={`${t('rcv.inv.issue')} · ${str(inv.number) ?? ''}`}
      onClose={onClose}
      onOk={() => void submit()}
      loading={saving}
      okText={t('rcv.inv.issue')}
    >
      {problem && <Alert type="error" showIcon role="alert" title={problem} style={{ marginBottom: 12 }} />}
      <Form layout="vertical" component="div">
        <Form.Item
          label={t('rcv.inv.invoiceNo')}
          validateStatus={errors.invoice_no ? 'error' : undefined}
          help={errors.invoice_no ?? t('rcv.inv.invoiceNoHint')}
          htmlFor="invoice-no"
        >
          <Input id="invoice-no" value={no} maxLength={64} onChange={(e) => setNo(e.target.value)} />
        </Form.Item>
        <Form.Item
          label={t('rcv.inv.issueDate')}
          required
          validateStatus={errors.issue_date ? 'error' : undefined}
          help={errors.issue_date}
          htmlFor="invoice-date"
        >
          <DatePicker
            id="invoice-date"
            allowClear={false}
            value={dayjs(date)}
            onChange={(d) => d && setDate(d.format('YYYY-MM-DD'))}
          />
        </Form.Item>
      </Form>
    </ModalLite>
  );
}

function VoidModal({ inv, onClose, onDone }: DialogProps & { inv: RecordData }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [reason, setReason] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const number = str(inv.invoice_no) ?? str(inv.number) ?? '';
  const submit = async () => {
    setSaving(true);
    try {
      await voidInvoice(inv.id, reason.trim() || null, inv.version);
      void message.success(t('rcv.inv.voided', { number }));
      await onDone();
    } catch (err) {
      const p = placed(err, t);
      setProblem(p.rest ?? Object.values(p.fields).join('；'));
    } finally {
      setSaving(false);
    }
  };
  return (
    <ModalLite
      title={t('rcv.inv.voidTitle', { number })}
      onClose={onClose}
      onOk={() => void submit()}
      loading={saving}
      okText={t('rcv.inv.void')}
    >
      {problem && <Alert type="error" showIcon role="alert" title={problem} style={{ marginBottom: 12 }} />}
      <Form layout="vertical" component="div">
        <Form.Item label={t('rcv.inv.voidReason')} htmlFor="void-reason">
          <Input.TextArea
            id="void-reason"
            rows={2}
            value={reason}
            onChange={(e) => setReason(e.target.value)}
          />
        </Form.Item>
      </Form>
    </ModalLite>
  );
}

function ReconcileModal({ inv, onClose, onDone }: DialogProps & { inv: RecordData }) {
  const { t, locale } = useI18n();
  const { message } = App.useApp();
  const accountId = str(inv.account_id) ?? '';
  const currency = moneyOr(inv.amount, 'CNY').currency;
  const payments = useQuery({
    queryKey: ['records', 'payment', 'of-account', accountId],
    queryFn: () =>
      listRecords('payment', {
        filter: [
          { field: 'account_id', op: 'eq', value: accountId },
          { field: 'status', op: 'ne', value: 'refunded' },
        ],
        sort: '-received_date',
        limit: 100,
      }),
  });
  const open = moneyOr(inv.amount, currency).amount - moneyOr(inv.reconciled_amount, currency).amount;
  const [payment, setPayment] = useState<string | null>(null);
  const [amount, setAmount] = useState(open > 0 ? fenToYuanText(open) : '');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [problem, setProblem] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const submit = async () => {
    const fen = yuanToFenExact(amount);
    const local: Record<string, string> = {};
    if (!payment) local.payment_id = t('rcv.inv.paymentRequired');
    if (fen === null || fen <= 0) local.amount = t('rcv.pay.amountInvalid');
    setErrors(local);
    if (Object.keys(local).length || !payment || fen === null) return;
    setSaving(true);
    try {
      const r = await reconcileInvoice(inv.id, payment, fen);
      void message.success(
        t('rcv.inv.reconciled', { amount: formatMoney(moneyOr(r.reconciled_amount, currency), locale) }),
      );
      await onDone();
    } catch (err) {
      const p = placed(err, t);
      setErrors(p.fields);
      setProblem(p.rest);
    } finally {
      setSaving(false);
    }
  };
  return (
    <ModalLite
      title={t('rcv.inv.reconcileTitle', { number: str(inv.invoice_no) ?? str(inv.number) ?? '' })}
      onClose={onClose}
      onOk={() => void submit()}
      loading={saving}
      okText={t('rcv.inv.reconcile')}
    >
      {problem && <Alert type="error" showIcon role="alert" title={problem} style={{ marginBottom: 12 }} />}
      <Form layout="vertical" component="div">
        <Form.Item
          label={t('rcv.inv.payment')}
          required
          validateStatus={errors.payment_id ? 'error' : undefined}
          help={errors.payment_id}
          htmlFor="reconcile-payment"
        >
          <Select
            id="reconcile-payment"
            loading={payments.isLoading}
            value={payment}
            onChange={setPayment}
            options={(payments.data?.data ?? []).map((p) => ({
              value: p.id,
              label: `${str(p.number) ?? ''} · ${str(p.received_date) ?? ''} · ${isMoney(p.amount) ? formatMoney(p.amount, locale) : ''}`,
            }))}
          />
        </Form.Item>
        <Form.Item
          label={t('rcv.inv.reconcileAmount')}
          required
          validateStatus={errors.amount ? 'error' : undefined}
          help={errors.amount}
          htmlFor="reconcile-amount"
        >
          <Input
            id="reconcile-amount"
            inputMode="decimal"
            value={amount}
            onChange={(e) => setAmount(e.target.value)}
          />
        </Form.Item>
      </Form>
    </ModalLite>
  );
}
