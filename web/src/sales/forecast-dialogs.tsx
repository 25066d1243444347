import { useEffect } from 'react';
import { App, Alert, Form, Input, InputNumber, Modal, Select, Typography } from 'antd';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { ApiError } from '../api/http-client';
import { errorText } from '../api/error-text';
import { fenToYuan, formatMoney, yuanToFen } from '../format/money';
import { useI18n } from '../i18n/i18n-context';
import type { MessageKey } from '../i18n/zh-CN';
import {
  adjustForecast,
  submitForecast,
  type AdjustableCategory,
  type ForecastFigures,
  type ForecastPeriodKind,
} from './forecast-api';
import { figureIn } from './forecast-logic';

const CAT_KEYS: Record<AdjustableCategory, MessageKey> = {
  commit: 'forecast.cat.commit',
  best_case: 'forecast.cat.best_case',
  pipeline: 'forecast.cat.pipeline',
};

/** The server's field errors as form field errors (the rest goes to the banner). */
function fieldErrors<K extends string>(err: unknown, known: readonly K[]): { name: K; errors: string[] }[] {
  if (!(err instanceof ApiError)) return [];
  return err.details.flatMap((d) => {
    const k = known.find((x) => x === d.field);
    return k ? [{ name: k, errors: [err.message] }] : [];
  });
}

interface SubmitValues {
  commit: number | null;
  best_case: number | null;
  currency: string;
  note?: string;
}

/** "Submit my forecast": commit and best case prefilled with the system figures, plus a note. */
export function SubmitForecastDialog({
  open,
  onClose,
  period,
  start,
  periodText,
  subjectName,
  departmentId,
  figures,
  currencies,
}: {
  open: boolean;
  onClose: () => void;
  period: ForecastPeriodKind;
  start: string;
  periodText: string;
  subjectName: string;
  /** set when a manager submits for a department */
  departmentId?: string;
  figures: ForecastFigures[];
  currencies: string[];
}) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [form] = Form.useForm<SubmitValues>();
  const currency = Form.useWatch('currency', form) ?? currencies[0] ?? 'CNY';
  const prefill = (c: string) => {
    const f = figureIn(figures, c);
    form.setFieldsValue({
      commit: fenToYuan(f?.forecast.commit.amount ?? 0),
      best_case: fenToYuan(f?.forecast.best_case.amount ?? 0),
    });
  };
  useEffect(() => {
    if (!open) return;
    form.resetFields();
    form.setFieldsValue({ currency: currencies[0] ?? 'CNY', note: '' });
    prefill(currencies[0] ?? 'CNY');
    // prefill only when the dialog opens: later refetches must not overwrite what was typed
  }, [open]);
  const mutation = useMutation({
    mutationFn: (v: SubmitValues) =>
      submitForecast({
        period,
        start,
        commit: yuanToFen(v.commit) ?? 0,
        best_case: yuanToFen(v.best_case) ?? 0,
        currency: v.currency,
        note: v.note?.trim() ? v.note.trim() : null,
        ...(departmentId ? { department_id: departmentId } : {}),
      }),
    onSuccess: () => {
      void message.success(t('forecast.submitted'));
      void qc.invalidateQueries({ queryKey: ['records', 'opportunity', 'forecast-accuracy'] });
      onClose();
    },
    onError: (err) => form.setFields(fieldErrors(err, ['commit', 'best_case', 'currency', 'note'] as const)),
  });
  return (
    <Modal
      open={open}
      title={t('forecast.submitTitle', { period: periodText })}
      okText={t('common.confirm')}
      cancelText={t('common.cancel')}
      onCancel={onClose}
      onOk={() => form.submit()}
      confirmLoading={mutation.isPending}
      destroyOnHidden
      data-testid="submit-forecast-dialog"
    >
      <Typography.Paragraph type="secondary">
        {t('forecast.submitFor', { name: subjectName })} · {t('forecast.submitHelp')}
      </Typography.Paragraph>
      {mutation.error &&
      !(mutation.error instanceof ApiError && mutation.error.details.some((d) => d.field)) ? (
        <Alert type="error" showIcon title={errorText(mutation.error, t)} style={{ marginBottom: 12 }} />
      ) : null}
      <Form form={form} layout="vertical" onFinish={(v) => mutation.mutate(v)}>
        {currencies.length > 1 ? (
          <Form.Item name="currency" label={t('forecast.currency')}>
            <Select
              options={currencies.map((c) => ({ value: c, label: c }))}
              onChange={(c: string) => prefill(c)}
            />
          </Form.Item>
        ) : (
          <Form.Item name="currency" hidden>
            <Input />
          </Form.Item>
        )}
        <Form.Item
          name="commit"
          label={`${t('forecast.cat.commit')}（${currency}）`}
          rules={[{ required: true, message: t('targets.invalidCell') }]}
        >
          <InputNumber min={0} precision={2} style={{ width: '100%' }} />
        </Form.Item>
        <Form.Item
          name="best_case"
          label={`${t('forecast.cat.best_case')}（${currency}）`}
          rules={[{ required: true, message: t('targets.invalidCell') }]}
        >
          <InputNumber min={0} precision={2} style={{ width: '100%' }} />
        </Form.Item>
        <Form.Item name="note" label={t('forecast.note')}>
          <Input.TextArea rows={3} maxLength={2000} placeholder={t('forecast.notePlaceholder')} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

interface AdjustValues {
  category: AdjustableCategory;
  amount: number | null;
  currency: string;
  note?: string;
}

/** A manager's adjustment of one rep's category: shown beside the system figure, which stays. */
export function AdjustForecastDialog({
  target,
  onClose,
  period,
  start,
  currencies,
}: {
  target: { ownerId: string; name: string; figures: ForecastFigures[] } | null;
  onClose: () => void;
  period: ForecastPeriodKind;
  start: string;
  currencies: string[];
}) {
  const { t, locale } = useI18n();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [form] = Form.useForm<AdjustValues>();
  const category = Form.useWatch('category', form) ?? 'commit';
  const currency = Form.useWatch('currency', form) ?? currencies[0] ?? 'CNY';
  const system = figureIn(target?.figures ?? [], currency)?.forecast[category].amount ?? 0;
  useEffect(() => {
    if (!target) return;
    form.resetFields();
    const c = currencies[0] ?? 'CNY';
    const f = figureIn(target.figures, c);
    const existing = f?.adjustments.find((a) => a.category === 'commit');
    form.setFieldsValue({
      category: 'commit',
      currency: c,
      amount: fenToYuan(existing?.amount ?? f?.forecast.commit.amount ?? 0),
      note: '',
    });
  }, [target]);
  const mutation = useMutation({
    mutationFn: (v: AdjustValues) =>
      adjustForecast({
        owner_id: target?.ownerId ?? '',
        period,
        start,
        category: v.category,
        amount: yuanToFen(v.amount) ?? 0,
        currency: v.currency,
        note: v.note?.trim() ? v.note.trim() : null,
      }),
    onSuccess: () => {
      void message.success(t('forecast.adjustSaved'));
      void qc.invalidateQueries({ queryKey: ['records', 'opportunity', 'forecast'] });
      onClose();
    },
    onError: (err) => form.setFields(fieldErrors(err, ['category', 'amount', 'currency', 'note'] as const)),
  });
  return (
    <Modal
      open={target !== null}
      title={t('forecast.adjustTitle', { name: target?.name ?? '' })}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      onCancel={onClose}
      onOk={() => form.submit()}
      confirmLoading={mutation.isPending}
      destroyOnHidden
      data-testid="adjust-forecast-dialog"
    >
      <Typography.Paragraph type="secondary">{t('forecast.adjustHelp')}</Typography.Paragraph>
      {mutation.error &&
      !(mutation.error instanceof ApiError && mutation.error.details.some((d) => d.field)) ? (
        <Alert type="error" showIcon title={errorText(mutation.error, t)} style={{ marginBottom: 12 }} />
      ) : null}
      <Form form={form} layout="vertical" onFinish={(v) => mutation.mutate(v)}>
        <Form.Item name="category" label={t('forecast.category')}>
          <Select
            options={(['commit', 'best_case', 'pipeline'] as const).map((c) => ({
              value: c,
              label: t(CAT_KEYS[c]),
            }))}
          />
        </Form.Item>
        {currencies.length > 1 ? (
          <Form.Item name="currency" label={t('forecast.currency')}>
            <Select options={currencies.map((c) => ({ value: c, label: c }))} />
          </Form.Item>
        ) : (
          <Form.Item name="currency" hidden>
            <Input />
          </Form.Item>
        )}
        <Form.Item
          name="amount"
          label={`${t('forecast.amountYuan')}（${currency}）`}
          extra={t('forecast.systemFigure', { amount: formatMoney({ amount: system, currency }, locale) })}
          rules={[{ required: true, message: t('targets.invalidCell') }]}
        >
          <InputNumber min={0} precision={2} style={{ width: '100%' }} />
        </Form.Item>
        <Form.Item name="note" label={t('forecast.note')}>
          <Input.TextArea rows={3} maxLength={2000} placeholder={t('forecast.notePlaceholder')} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
