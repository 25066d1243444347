import { useState } from 'react';
import {
  Alert,
  Button,
  DatePicker,
  Input,
  InputNumber,
  Modal,
  Segmented,
  Space,
  Table,
  Typography,
} from 'antd';
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import dayjs from 'dayjs';
import { ApiError } from '../api/http-client';
import { errorText } from '../api/error-text';
import type { Money } from '../api/types';
import { formatMoney } from '../format/money';
import { useI18n } from '../i18n/i18n-context';
import { todayIn } from '../marketing/period';
import { createPlan, type Plan } from './api';
import {
  addMonths,
  checkPlan,
  emptyInstalment,
  evenInstalments,
  percentText,
  placePlanErrors,
  planPayload,
  type InstalmentDraft,
  type PlacedPlanErrors,
  type PlanMode,
} from './plan-logic';

/** What a plan is for: an order or a contract, with the amount its instalments must add up to. */
export interface PlanSource {
  kind: 'order' | 'contract';
  id: string;
  number: string;
  amount: Money;
}

const NO_ERRORS: PlacedPlanErrors = { rows: {}, rest: [] };

/**
 * New payment plan: instalments by amount or by percent. The footer keeps the running sum against
 * the source amount and Save stays disabled until it matches exactly; a server 422 still lands on
 * the rows it names.
 */
export function PlanFormModal({
  source,
  timeZone,
  onClose,
  onCreated,
}: {
  source: PlanSource;
  timeZone: string;
  onClose: () => void;
  onCreated: (plan: Plan) => void | Promise<void>;
}) {
  const { t, locale } = useI18n();
  const total = source.amount.amount;
  const today = todayIn(timeZone);
  const [mode, setMode] = useState<PlanMode>('amount');
  const [rows, setRows] = useState<InstalmentDraft[]>(() => evenInstalments(total, 1, today));
  const [count, setCount] = useState<number>(2);
  const [errors, setErrors] = useState<PlacedPlanErrors>(NO_ERRORS);
  const [saving, setSaving] = useState(false);
  const check = checkPlan(total, mode, rows);
  const money = (amount: number) => formatMoney({ amount, currency: source.amount.currency }, locale);
  const label = t(source.kind === 'order' ? 'rcv.plan.sourceOrder' : 'rcv.plan.sourceContract', {
    number: source.number,
    amount: formatMoney(source.amount, locale),
  });

  const edit = (i: number, patch: Partial<InstalmentDraft>) => {
    setRows((rs) => rs.map((r, j) => (j === i ? { ...r, ...patch } : r)));
    setErrors((e) => {
      if (!e.rows[i]) return e;
      const rest = { ...e.rows };
      delete rest[i];
      return { ...e, rows: rest };
    });
  };
  const rowIssue = (i: number, f: 'due_date' | 'amount' | 'percent'): string | null => {
    const server = errors.rows[i]?.[f];
    if (server) return server;
    const local = check.rows[i]?.[f];
    // a blank amount is not shouted at (the sum line says what is missing); a blank date is
    if (!local) return null;
    if (local === 'required') return f === 'due_date' ? t('rcv.plan.issue.required') : null;
    return t(local === 'invalid' ? 'rcv.plan.issue.invalid' : 'rcv.plan.issue.not_ascending');
  };

  const save = async () => {
    setSaving(true);
    setErrors(NO_ERRORS);
    try {
      const plan = await createPlan({
        ...(source.kind === 'order' ? { order_id: source.id } : { contract_id: source.id }),
        instalments: planPayload(mode, rows),
      });
      await onCreated(plan);
    } catch (err) {
      if (err instanceof ApiError && err.details.length) setErrors(placePlanErrors(err.details));
      else setErrors({ rows: {}, rest: [errorText(err, t)] });
    } finally {
      setSaving(false);
    }
  };

  const sumLine =
    mode === 'percent'
      ? t('rcv.plan.sumPercent', { sum: percentText(check.percentSum ?? 0n) })
      : t('rcv.plan.sum', { sum: money(check.sumFen), total: money(total) });
  const diffLine =
    check.diffFen === 0 && (mode === 'amount' || check.percentSum === 1_000_000n)
      ? null
      : mode === 'amount'
        ? check.diffFen > 0
          ? t('rcv.plan.left', { amount: money(check.diffFen) })
          : t('rcv.plan.over', { amount: money(-check.diffFen) })
        : null;
  const sumOk = mode === 'amount' ? check.diffFen === 0 : check.percentSum === 1_000_000n;

  return (
    <Modal
      open
      width={820}
      title={t('rcv.plan.formTitle', { source: source.number })}
      onCancel={onClose}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      okButtonProps={{ disabled: !check.ok, loading: saving }}
      onOk={() => void save()}
      destroyOnHidden
    >
      <Space orientation="vertical" style={{ width: '100%' }} size={12}>
        <Space wrap style={{ justifyContent: 'space-between', width: '100%' }}>
          <Typography.Text>
            {t('rcv.plan.total')}: <Typography.Text strong>{label}</Typography.Text>
          </Typography.Text>
          <Segmented<PlanMode>
            value={mode}
            onChange={(m) => {
              setMode(m);
              setErrors(NO_ERRORS);
            }}
            options={[
              { value: 'amount', label: t('rcv.plan.byAmount') },
              { value: 'percent', label: t('rcv.plan.byPercent') },
            ]}
          />
        </Space>
        {mode === 'amount' && (
          <Space>
            <Typography.Text>{t('rcv.plan.split')}</Typography.Text>
            <InputNumber<number>
              min={1}
              max={120}
              precision={0}
              value={count}
              onChange={(v) => setCount(v ?? 1)}
              aria-label={t('rcv.plan.split')}
              style={{ width: 72 }}
            />
            <Button
              onClick={() => {
                setRows(evenInstalments(total, count, rows[0]?.due_date ?? today));
                setErrors(NO_ERRORS);
              }}
            >
              {t('rcv.plan.splitApply')}
            </Button>
          </Space>
        )}
        {errors.rest.length > 0 && (
          <Alert type="error" showIcon role="alert" title={errors.rest.join('；')} data-testid="plan-error" />
        )}
        <Table<InstalmentDraft>
          size="small"
          rowKey="key"
          pagination={false}
          dataSource={rows}
          columns={[
            { key: 'n', title: '#', width: 40, render: (_, __, i) => i + 1 },
            {
              key: 'due',
              title: t('rcv.plan.dueDate'),
              width: 170,
              render: (_, r, i) => (
                <Cell error={rowIssue(i, 'due_date')} testId={`plan-row-${i}-due_date-error`}>
                  <DatePicker
                    value={r.due_date ? dayjs(r.due_date) : null}
                    onChange={(d) => edit(i, { due_date: d ? d.format('YYYY-MM-DD') : null })}
                    status={rowIssue(i, 'due_date') ? 'error' : undefined}
                    aria-label={`${t('rcv.plan.dueDate')} · ${i + 1}`}
                    style={{ width: '100%' }}
                  />
                </Cell>
              ),
            },
            mode === 'amount'
              ? {
                  key: 'amount',
                  title: t('rcv.plan.amount'),
                  width: 170,
                  render: (_, r, i) => (
                    <Cell error={rowIssue(i, 'amount')} testId={`plan-row-${i}-amount-error`}>
                      <Input
                        value={r.amount}
                        inputMode="decimal"
                        onChange={(e) => edit(i, { amount: e.target.value })}
                        status={rowIssue(i, 'amount') ? 'error' : undefined}
                        aria-label={`${t('rcv.plan.amount')} · ${i + 1}`}
                        style={{ textAlign: 'right' }}
                      />
                    </Cell>
                  ),
                }
              : {
                  key: 'percent',
                  title: t('rcv.plan.percent'),
                  width: 200,
                  render: (_, r, i) => (
                    <Cell
                      error={rowIssue(i, 'percent') ?? errors.rows[i]?.amount ?? null}
                      testId={`plan-row-${i}-percent-error`}
                    >
                      <Space>
                        <Input
                          value={r.percent}
                          inputMode="decimal"
                          onChange={(e) => edit(i, { percent: e.target.value })}
                          status={rowIssue(i, 'percent') ? 'error' : undefined}
                          aria-label={`${t('rcv.plan.percent')} · ${i + 1}`}
                          style={{ width: 96, textAlign: 'right' }}
                        />
                        <Typography.Text type="secondary">
                          {check.amounts[i] != null ? money(check.amounts[i] ?? 0) : '—'}
                        </Typography.Text>
                      </Space>
                    </Cell>
                  ),
                },
            {
              key: 'note',
              title: t('rcv.plan.note'),
              render: (_, r, i) => (
                <Input
                  value={r.note}
                  maxLength={500}
                  onChange={(e) => edit(i, { note: e.target.value })}
                  aria-label={`${t('rcv.plan.note')} · ${i + 1}`}
                />
              ),
            },
            {
              key: 'remove',
              width: 44,
              render: (_, __, i) => (
                <Button
                  type="text"
                  icon={<DeleteOutlined />}
                  disabled={rows.length <= 1}
                  aria-label={t('rcv.plan.removeRow', { n: i + 1 })}
                  onClick={() => {
                    setRows((rs) => rs.filter((_, j) => j !== i));
                    setErrors(NO_ERRORS);
                  }}
                />
              ),
            },
          ]}
        />
        <Button
          icon={<PlusOutlined />}
          onClick={() => {
            const last = rows[rows.length - 1]?.due_date;
            setRows((rs) => [...rs, emptyInstalment(last ? addMonths(last, 1) : today)]);
          }}
        >
          {t('rcv.plan.addRow')}
        </Button>
        <div data-testid="plan-sum" role="status" aria-live="polite">
          <Typography.Text strong type={sumOk ? 'success' : 'danger'}>
            {sumLine}
          </Typography.Text>
          {diffLine && (
            <Typography.Text type="danger" style={{ marginLeft: 12 }}>
              {diffLine}
            </Typography.Text>
          )}
          <Typography.Text type="secondary" style={{ display: 'block', fontSize: 12 }}>
            {sumOk ? t('rcv.plan.matches') : t('rcv.plan.mustMatch')}
          </Typography.Text>
        </div>
      </Space>
    </Modal>
  );
}

function Cell({
  error,
  testId,
  children,
}: {
  error: string | null;
  testId: string;
  children: React.ReactNode;
}) {
  return (
    <div>
      {children}
      {error && (
        <Typography.Text type="danger" style={{ fontSize: 12, display: 'block' }} data-testid={testId}>
          {error}
        </Typography.Text>
      )}
    </div>
  );
}
