import { useState } from 'react';
import { Alert, App, Button, Card, DatePicker, Form, Input, Modal, Space, Typography } from 'antd';
import { useQueryClient } from '@tanstack/react-query';
import dayjs, { type Dayjs } from 'dayjs';
import { apiFetch, ApiError } from '../api/http-client';
import { errorText } from '../api/error-text';
import { useMe } from '../api/queries';
import type { RecordData } from '../api/types';
import { canDo } from '../auth/permissions';
import { useI18n } from '../i18n/i18n-context';
import type { RecordPanelProps } from '../objects/record-panels';
import { refreshApprovals } from '../approvals/api';
import { contractActions, type Action } from './actions';

const enc = encodeURIComponent;

const act = (id: string, action: Action, body: Record<string, unknown> = {}) =>
  apiFetch<{ data: RecordData }>(`/api/v1/contracts/${enc(id)}/${action}`, { method: 'POST', body }).then(
    (r) => r.data,
  );

const str = (v: unknown): string | null => (typeof v === 'string' && v ? v : null);

/**
 * A contract's lifecycle buttons: submit for approval, sign (paper, with its date), send for
 * e-signature, archive, terminate (reason). The server decides; its refusals (approval needed,
 * approval pending, wrong status) are explained in words that say what to do next.
 */
export default function ContractPanel({ meta, record, refresh }: RecordPanelProps) {
  const { t, pick } = useI18n();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const me = useMe().data;
  const [busy, setBusy] = useState<Action | null>(null);
  const [problem, setProblem] = useState<{ type: 'error' | 'warning' | 'info'; text: string } | null>(null);
  const [signOpen, setSignOpen] = useState(false);
  const [signDate, setSignDate] = useState<Dayjs | null>(dayjs());
  const [termOpen, setTermOpen] = useState(false);
  const [reason, setReason] = useState('');
  const status = str(record.status) ?? 'draft';
  const esign = str(record.esign_status);
  const statusLabel = (s: string) => {
    const opt = meta.fields.find((f) => f.api_name === 'status')?.options?.find((o) => o.value === s);
    return opt ? pick(opt.label) : s;
  };
  const canAct = canDo(me, 'contract', 'update');
  const actions = canAct ? contractActions(status, esign) : [];

  const explain = (err: unknown): { type: 'error' | 'warning'; text: string } => {
    if (err instanceof ApiError) {
      if (err.key === 'approval_required')
        return { type: 'warning', text: t('contracts.err.approvalRequired') };
      if (err.key === 'approval_pending')
        return { type: 'warning', text: t('contracts.err.approvalPending') };
      if (err.key === 'contract_status')
        return { type: 'error', text: t('contracts.err.status', { status: statusLabel(status) }) };
      if (err.key === 'record_locked') return { type: 'warning', text: err.message };
      if (err.details.length) return { type: 'error', text: err.details.map((d) => d.issue).join('；') };
    }
    return { type: 'error', text: errorText(err, t) };
  };

  const run = async (action: Action, body: Record<string, unknown> = {}): Promise<boolean> => {
    setBusy(action);
    setProblem(null);
    try {
      const after = await act(record.id, action, {
        ...body,
        ...(action === 'submit' || action === 'esign' ? {} : { version: record.version }),
      });
      if (action === 'submit' && after.status === 'draft' && after.approval_status === 'not_required')
        setProblem({ type: 'info', text: t('contracts.notRequired') });
      else void message.success(t(`contracts.done.${action}`));
      await refreshApprovals(qc, 'contract');
      await refresh();
      return true;
    } catch (err) {
      setProblem(explain(err));
      await refresh();
      return false;
    } finally {
      setBusy(null);
    }
  };

  return (
    <Card size="small" style={{ marginBottom: 12 }} data-testid="contract-actions">
      <Space wrap>
        <Typography.Text type="secondary">
          {t('contracts.statusNow', { status: statusLabel(status) })}
          {esign === 'sent' ? ` · ${t('contracts.esignSent')}` : ''}
        </Typography.Text>
        {actions.includes('submit') && (
          <Button type="primary" loading={busy === 'submit'} onClick={() => void run('submit')}>
            {t('contracts.submit')}
          </Button>
        )}
        {actions.includes('sign') && (
          <Button
            loading={busy === 'sign'}
            onClick={() => {
              setSignDate(dayjs());
              setSignOpen(true);
            }}
          >
            {t('contracts.sign')}
          </Button>
        )}
        {actions.includes('esign') && (
          <Button loading={busy === 'esign'} onClick={() => void run('esign')}>
            {t('contracts.esign')}
          </Button>
        )}
        {actions.includes('archive') && (
          <Button loading={busy === 'archive'} onClick={() => void run('archive')}>
            {t('contracts.archive')}
          </Button>
        )}
        {actions.includes('terminate') && (
          <Button danger onClick={() => setTermOpen(true)}>
            {t('contracts.terminate')}
          </Button>
        )}
      </Space>
      {problem && (
        <Alert
          type={problem.type}
          showIcon
          role="alert"
          data-testid="contract-problem"
          title={problem.text}
          closable={{ onClose: () => setProblem(null) }}
          style={{ marginTop: 8 }}
        />
      )}
      <Modal
        open={signOpen}
        title={t('contracts.signTitle')}
        okText={t('contracts.sign')}
        cancelText={t('common.cancel')}
        confirmLoading={busy === 'sign'}
        okButtonProps={{ disabled: !signDate }}
        onCancel={() => setSignOpen(false)}
        onOk={async () => {
          setSignOpen(false);
          await run('sign', signDate ? { sign_date: signDate.format('YYYY-MM-DD') } : {});
        }}
        destroyOnHidden
      >
        <Form layout="vertical">
          <Form.Item label={t('contracts.signDate')} required>
            <DatePicker
              value={signDate}
              onChange={(d) => setSignDate(d)}
              aria-label={t('contracts.signDate')}
              style={{ width: '100%' }}
            />
          </Form.Item>
        </Form>
      </Modal>
      <Modal
        open={termOpen}
        title={t('contracts.terminateTitle')}
        okText={t('contracts.terminate')}
        cancelText={t('common.cancel')}
        okButtonProps={{ danger: true, disabled: !reason.trim() }}
        confirmLoading={busy === 'terminate'}
        onCancel={() => setTermOpen(false)}
        onOk={async () => {
          if (await run('terminate', { reason: reason.trim() })) {
            setTermOpen(false);
            setReason('');
          } else setTermOpen(false);
        }}
        destroyOnHidden
      >
        <Form layout="vertical">
          <Form.Item label={t('contracts.reason')} required help={t('contracts.reasonHelp')}>
            <Input.TextArea
              rows={3}
              value={reason}
              onChange={(e) => setReason(e.target.value)}
              aria-label={t('contracts.reason')}
            />
          </Form.Item>
        </Form>
      </Modal>
    </Card>
  );
}
