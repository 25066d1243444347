import { useState } from 'react';
import { Alert, DatePicker, Descriptions, Form, Input, List, Modal, Select, Typography } from 'antd';
import dayjs from 'dayjs';
import { useQuery } from '@tanstack/react-query';
import { keys, useMe, useObjectMeta } from '../api/queries';
import { getRecord } from '../api/endpoints';
import { ApiError } from '../api/http-client';
import { errorText } from '../api/error-text';
import { yuanToFenExact } from '../cash/order-logic';
import { optionsOf } from '../cash/order-parts';
import { formatMoney } from '../format/money';
import { useI18n } from '../i18n/i18n-context';
import type { MessageKey } from '../i18n/zh-CN';
import { todayIn } from '../marketing/period';
import { RecordSelect } from '../objects/record-select';
import { recordPayment, type PaymentMethod, type RecordedPayment } from './api';
import { isMoney } from '../objects/field-values';
import { str } from './parts';

const METHODS: readonly PaymentMethod[] = ['bank_transfer', 'cheque', 'cash', 'online', 'other'];
const isMethod = (v: unknown): v is PaymentMethod => METHODS.some((m) => m === v);

const MATCH_TEXT: Record<RecordedPayment['match']['method'], MessageKey> = {
  reference: 'rcv.pay.matchMethod.reference',
  amount: 'rcv.pay.matchMethod.amount',
  oldest: 'rcv.pay.matchMethod.oldest',
  manual: 'rcv.pay.matchMethod.manual',
  none: 'rcv.pay.matchMethod.none',
};

type Field =
  'account_id' | 'received_date' | 'amount' | 'method' | 'payer' | 'bank_reference' | 'description';

/**
 * Record a payment received: account, date, amount in yuan (sent in fen, exactly), method, payer
 * and bank reference. The server matches it at once; the dialog then shows which instalments got
 * what and what is left as the customer's credit.
 */
export function PaymentFormModal({
  accountId,
  accountName,
  reference,
  onClose,
  onRecorded,
}: {
  accountId?: string;
  accountName?: string | null;
  /** prefilled bank reference (an order's number on the order page) */
  reference?: string;
  onClose: () => void;
  onRecorded: (p: RecordedPayment) => void | Promise<void>;
}) {
  const { t, pick, locale } = useI18n();
  const me = useMe().data;
  const { meta } = useObjectMeta('payment');
  // the fixed account's name when the caller only knows its id (the order page)
  const fixed = useQuery({
    queryKey: keys.record('account', accountId ?? ''),
    queryFn: () => getRecord('account', accountId ?? '', []),
    enabled: !!accountId && !accountName,
  });
  const fixedName = accountName ?? (typeof fixed.data?.name === 'string' ? fixed.data.name : null);
  const tz = me?.tenant.time_zone ?? 'Asia/Shanghai';
  const [account, setAccount] = useState<string | null>(accountId ?? null);
  const [date, setDate] = useState<string>(() => todayIn(tz));
  const [amount, setAmount] = useState('');
  const [method, setMethod] = useState<PaymentMethod>('bank_transfer');
  const [payer, setPayer] = useState('');
  const [bankRef, setBankRef] = useState(reference ?? '');
  const [notes, setNotes] = useState('');
  const [errors, setErrors] = useState<Partial<Record<Field, string>>>({});
  const [problem, setProblem] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [result, setResult] = useState<RecordedPayment | null>(null);

  const fen = yuanToFenExact(amount);
  const submit = async () => {
    const local: Partial<Record<Field, string>> = {};
    if (!account) local.account_id = t('rcv.pay.accountRequired');
    if (fen === null || fen <= 0) local.amount = t('rcv.pay.amountInvalid');
    setErrors(local);
    setProblem(null);
    if (Object.keys(local).length || !account || fen === null) return;
    setSaving(true);
    try {
      const p = await recordPayment({
        account_id: account,
        received_date: date,
        amount: fen,
        currency: me?.tenant.currency,
        method,
        payer: payer.trim() || null,
        bank_reference: bankRef.trim() || null,
        description: notes.trim() || null,
      });
      setResult(p);
      await onRecorded(p);
    } catch (err) {
      if (err instanceof ApiError && err.details.length) {
        const placed: Partial<Record<Field, string>> = {};
        const rest: string[] = [];
        for (const d of err.details) {
          const f = FIELDS.find((x) => x === d.field);
          if (f) placed[f] = d.issue;
          else rest.push(d.issue);
        }
        setErrors(placed);
        if (rest.length) setProblem(rest.join('；'));
      } else setProblem(errorText(err, t));
    } finally {
      setSaving(false);
    }
  };

  const item = (f: Field) => ({
    validateStatus: errors[f] ? ('error' as const) : undefined,
    help: errors[f],
  });
  const methodOptions = optionsOf(meta, 'method', pick);

  if (result) {
    const currency = isMoney(result.amount) ? result.amount.currency : (me?.tenant.currency ?? 'CNY');
    const m = (a: number) => formatMoney({ amount: a, currency }, locale);
    const numberOf = new Map(result.allocations.map((a) => [a.instalment_id, a.instalment_number]));
    return (
      <Modal
        open
        title={t('rcv.pay.recorded', { number: str(result.number) ?? '' })}
        onCancel={onClose}
        onOk={onClose}
        okText={t('common.close')}
        cancelButtonProps={{ style: { display: 'none' } }}
      >
        <div data-testid="payment-match-result">
          <Typography.Title level={5}>{t('rcv.pay.matchTitle')}</Typography.Title>
          <Typography.Paragraph>
            {t(MATCH_TEXT[result.match.method], { numbers: result.match.matched_numbers.join(', ') })}
          </Typography.Paragraph>
          <List
            size="small"
            dataSource={result.match.allocations}
            locale={{ emptyText: '—' }}
            renderItem={(a) => (
              <List.Item>
                {t('rcv.pay.matchTo', {
                  number: numberOf.get(a.instalment_id) ?? a.instalment_id,
                  amount: m(a.amount),
                })}
              </List.Item>
            )}
          />
          <Typography.Paragraph strong style={{ marginTop: 12 }} data-testid="payment-credit-left">
            {result.match.credit > 0
              ? t('rcv.pay.creditLeft', { amount: m(result.match.credit) })
              : t('rcv.pay.noCredit')}
          </Typography.Paragraph>
        </div>
      </Modal>
    );
  }

  return (
    <Modal
      open
      title={t('rcv.pay.record')}
      onCancel={onClose}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      okButtonProps={{ loading: saving }}
      onOk={() => void submit()}
      destroyOnHidden
    >
      {problem && <Alert type="error" showIcon role="alert" title={problem} style={{ marginBottom: 12 }} />}
      <Form layout="vertical" component="div">
        <Form.Item label={t('rcv.pay.account')} required {...item('account_id')} htmlFor="payment-account">
          {accountId ? (
            <Descriptions
              size="small"
              column={1}
              items={[{ key: 'a', label: null, children: fixedName ?? accountId }]}
            />
          ) : (
            <RecordSelect
              object="account"
              id="payment-account"
              value={account}
              onChange={(v) => setAccount(typeof v === 'string' ? v : null)}
              status={errors.account_id ? 'error' : undefined}
            />
          )}
        </Form.Item>
        <Form.Item label={t('rcv.pay.date')} required {...item('received_date')} htmlFor="payment-date">
          <DatePicker
            id="payment-date"
            value={dayjs(date)}
            allowClear={false}
            onChange={(d) => d && setDate(d.format('YYYY-MM-DD'))}
            style={{ width: '100%' }}
          />
        </Form.Item>
        <Form.Item label={t('rcv.pay.amount')} required {...item('amount')} htmlFor="payment-amount">
          <Input
            id="payment-amount"
            inputMode="decimal"
            value={amount}
            onChange={(e) => setAmount(e.target.value)}
            suffix={
              fen !== null && fen > 0
                ? formatMoney({ amount: fen, currency: me?.tenant.currency ?? 'CNY' }, locale)
                : undefined
            }
          />
        </Form.Item>
        <Form.Item label={t('rcv.pay.method')} {...item('method')} htmlFor="payment-method">
          <Select<PaymentMethod>
            id="payment-method"
            value={method}
            onChange={(v) => isMethod(v) && setMethod(v)}
            options={methodOptions
              .filter((o) => isMethod(o.value))
              .map((o) => ({ value: o.value, label: o.label }))}
          />
        </Form.Item>
        <Form.Item label={t('rcv.pay.payer')} {...item('payer')} htmlFor="payment-payer">
          <Input
            id="payment-payer"
            value={payer}
            maxLength={200}
            onChange={(e) => setPayer(e.target.value)}
          />
        </Form.Item>
        <Form.Item
          label={t('rcv.pay.reference')}
          {...item('bank_reference')}
          extra={errors.bank_reference ? undefined : t('rcv.pay.referenceHint')}
          htmlFor="payment-reference"
        >
          <Input
            id="payment-reference"
            value={bankRef}
            maxLength={500}
            onChange={(e) => setBankRef(e.target.value)}
          />
        </Form.Item>
        <Form.Item label={t('rcv.pay.notes')} {...item('description')} htmlFor="payment-notes">
          <Input.TextArea
            id="payment-notes"
            value={notes}
            rows={2}
            onChange={(e) => setNotes(e.target.value)}
          />
        </Form.Item>
      </Form>
    </Modal>
  );
}

const FIELDS: readonly Field[] = [
  'account_id',
  'received_date',
  'amount',
  'method',
  'payer',
  'bank_reference',
  'description',
];
