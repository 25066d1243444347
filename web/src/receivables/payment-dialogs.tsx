import { useState } from 'react';
import { Alert, Button, Form, Input, List, Modal, Progress, Space, Table, Typography, Upload } from 'antd';
import { InboxOutlined } from '@ant-design/icons';
import { ApiError } from '../api/http-client';
import { useObjectMeta } from '../api/queries';
import { OptionTag } from '../cash/order-parts';
import { errorText } from '../api/error-text';
import type { Money, RecordData } from '../api/types';
import { fenToYuanText, yuanToFenExact } from '../cash/order-logic';
import { formatMoney } from '../format/money';
import { useI18n } from '../i18n/i18n-context';
import type { MessageKey } from '../i18n/zh-CN';
import { importStatement, refundPayment, type StatementImport } from './api';
import { moneyOr, str } from './parts';
import { statementIssues } from './statement-logic';

const COLUMN_LABEL: Record<string, MessageKey> = {
  date: 'rcv.pay.date',
  amount: 'rcv.pay.amountShort',
  payer: 'rcv.pay.payer',
  reference: 'rcv.pay.reference',
  account: 'rcv.pay.account',
};

/**
 * Bank statement import: upload (with progress) as a dry run that checks and matches every row
 * and writes nothing; per-row problems are listed by row number; then the real import.
 */
export function ImportStatementModal({
  onClose,
  onImported,
}: {
  onClose: () => void;
  onImported: () => void | Promise<void>;
}) {
  const { t, locale } = useI18n();
  const { meta } = useObjectMeta('payment');
  const [file, setFile] = useState<File | null>(null);
  const [progress, setProgress] = useState<number | null>(null);
  const [busy, setBusy] = useState(false);
  const [issues, setIssues] = useState<ReturnType<typeof statementIssues>>([]);
  const [problem, setProblem] = useState<string | null>(null);
  const [result, setResult] = useState<StatementImport | null>(null);

  const send = async (f: File, dryRun: boolean) => {
    setBusy(true);
    setProgress(0);
    setIssues([]);
    setProblem(null);
    try {
      const r = await importStatement(f, dryRun, locale, setProgress);
      setResult(r);
      if (!r.dry_run) await onImported();
    } catch (err) {
      setResult(null);
      if (err instanceof ApiError && err.details.length) setIssues(statementIssues(err.details));
      else setProblem(errorText(err, t));
    } finally {
      setBusy(false);
    }
  };
  const m = (amount: number, currency: string) => formatMoney({ amount, currency }, locale);
  const done = result && !result.dry_run;

  return (
    <Modal
      open
      width={760}
      title={t('rcv.import.title')}
      onCancel={onClose}
      footer={
        <Space>
          <Button onClick={onClose}>{done ? t('common.close') : t('common.cancel')}</Button>
          {!done && (
            <Button
              type="primary"
              disabled={!file || !result?.dry_run || busy}
              loading={busy && !!result}
              onClick={() => file && void send(file, false)}
            >
              {t('rcv.import.run', { count: result?.rows.length ?? 0 })}
            </Button>
          )}
        </Space>
      }
    >
      <Typography.Paragraph type="secondary">{t('rcv.import.hint')}</Typography.Paragraph>
      {!done && (
        <Upload.Dragger
          accept=".csv,.xlsx"
          multiple={false}
          showUploadList={false}
          disabled={busy}
          beforeUpload={(f) => {
            setFile(f);
            setResult(null);
            void send(f, true);
            return false;
          }}
        >
          <p className="ant-upload-drag-icon">
            <InboxOutlined />
          </p>
          <p className="ant-upload-text">{file ? file.name : t('rcv.import.drop')}</p>
        </Upload.Dragger>
      )}
      {progress !== null && busy && (
        <Progress
          percent={progress}
          status="active"
          data-testid="import-progress"
          aria-label={t('rcv.import.uploading')}
        />
      )}
      {problem && <Alert type="error" showIcon role="alert" title={problem} style={{ marginTop: 12 }} />}
      {issues.length > 0 && (
        <Alert
          type="error"
          showIcon
          role="alert"
          style={{ marginTop: 12 }}
          data-testid="import-errors"
          title={t('rcv.import.errors', { count: issues.length })}
          description={
            <List
              size="small"
              dataSource={issues}
              renderItem={(i) => (
                <List.Item>
                  {i.row !== null
                    ? t('rcv.import.rowError', {
                        row: i.row,
                        column: i.column
                          ? COLUMN_LABEL[i.column]
                            ? t(COLUMN_LABEL[i.column] ?? 'rcv.pay.date')
                            : i.column
                          : '',
                        issue: i.issue,
                      })
                    : t('rcv.import.fileError', { issue: i.issue })}
                </List.Item>
              )}
            />
          }
        />
      )}
      {result && (
        <div style={{ marginTop: 12 }} data-testid="import-result">
          <Typography.Paragraph strong>
            {result.dry_run
              ? t('rcv.import.preview', { count: result.rows.length })
              : t('rcv.import.done', { count: result.rows.length })}
          </Typography.Paragraph>
          <Table
            size="small"
            rowKey="row"
            pagination={{ pageSize: 10, hideOnSinglePage: true }}
            dataSource={result.rows}
            columns={[
              { key: 'row', title: t('rcv.import.row'), dataIndex: 'row', width: 60 },
              { key: 'number', title: t('rcv.pay.number'), render: (_, r) => r.number ?? '—' },
              {
                key: 'amount',
                title: t('rcv.pay.amountShort'),
                align: 'right',
                render: (_, r) => m(r.amount, r.currency),
              },
              {
                key: 'method',
                title: t('rcv.import.matchedBy'),
                render: (_, r) => <OptionTag meta={meta} field="match_method" value={r.match_method} />,
              },
              {
                key: 'alloc',
                title: t('rcv.import.allocated'),
                align: 'right',
                render: (_, r) => m(r.allocated, r.currency),
              },
              {
                key: 'credit',
                title: t('rcv.import.credit'),
                align: 'right',
                render: (_, r) => m(r.credit, r.currency),
              },
            ]}
          />
        </div>
      )}
    </Modal>
  );
}

/** Refund unallocated money of a payment: amount (≤ unallocated) and a reason. */
export function RefundModal({
  payment,
  onClose,
  onDone,
}: {
  payment: RecordData;
  onClose: () => void;
  onDone: () => void | Promise<void>;
}) {
  const { t, locale } = useI18n();
  const open: Money = moneyOr(payment.unallocated_amount, moneyOr(payment.amount, 'CNY').currency);
  const [amount, setAmount] = useState(open.amount > 0 ? fenToYuanText(open.amount) : '');
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const fen = yuanToFenExact(amount);
  const submit = async () => {
    if (fen === null || fen <= 0) return setError(t('rcv.pay.amountInvalid'));
    setSaving(true);
    try {
      await refundPayment(payment.id, fen, reason.trim() || null, payment.version);
      await onDone();
    } catch (err) {
      setError(
        err instanceof ApiError && err.details.length
          ? err.details.map((d) => d.issue).join('；')
          : errorText(err, t),
      );
    } finally {
      setSaving(false);
    }
  };
  return (
    <Modal
      open
      title={t('rcv.pay.refundTitle', { number: str(payment.number) ?? '' })}
      onCancel={onClose}
      onOk={() => void submit()}
      okText={t('rcv.pay.refund')}
      okButtonProps={{ danger: true, loading: saving, disabled: open.amount <= 0 }}
      cancelText={t('common.cancel')}
      destroyOnHidden
    >
      {open.amount <= 0 ? (
        <Alert type="info" showIcon title={t('rcv.pay.nothingToRefund')} />
      ) : (
        <Form layout="vertical" component="div">
          <Form.Item
            label={t('rcv.pay.refundAmount')}
            required
            validateStatus={error ? 'error' : undefined}
            help={error ?? t('rcv.pay.refundMax', { amount: formatMoney(open, locale) })}
            htmlFor="refund-amount"
          >
            <Input
              id="refund-amount"
              inputMode="decimal"
              value={amount}
              onChange={(e) => setAmount(e.target.value)}
            />
          </Form.Item>
          <Form.Item label={t('rcv.pay.refundReason')} htmlFor="refund-reason">
            <Input.TextArea
              id="refund-reason"
              rows={2}
              value={reason}
              onChange={(e) => setReason(e.target.value)}
            />
          </Form.Item>
        </Form>
      )}
    </Modal>
  );
}
