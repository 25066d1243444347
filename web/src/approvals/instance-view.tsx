import { useState } from 'react';
import { Alert, App, Button, Input, Modal, Select, Space, Steps, Tag, Timeline, Typography } from 'antd';
import { useQueryClient } from '@tanstack/react-query';
import { ApiError } from '../api/http-client';
import { errorText } from '../api/error-text';
import { useMe, useObjects } from '../api/queries';
import { useDirectoryUsers } from '../sales/forecast-api';
import { formatDateTime } from '../format/date';
import { useI18n } from '../i18n/i18n-context';
import type { MessageKey } from '../i18n/zh-CN';
import { useRenderContext } from '../objects/use-render-context';
import { valueText } from '../objects/value-render';
import type { FieldValue } from '../api/types';
import {
  decide,
  reassign,
  refreshApprovals,
  type ApprovalInstance,
  type ApprovalTask,
  type Decision,
  type InstanceStatus,
} from './api';

const STATUS_COLOR: Record<string, string> = {
  pending: 'processing',
  approved: 'success',
  rejected: 'error',
  returned: 'warning',
  withdrawn: 'default',
  reassigned: 'default',
  cancelled: 'default',
};

export function StatusTag({ status }: { status: InstanceStatus | ApprovalTask['status'] }) {
  const { t } = useI18n();
  return (
    <Tag color={STATUS_COLOR[status] ?? 'default'} data-testid="approval-status">
      {t(`approvals.status.${status}` as MessageKey)}
    </Tag>
  );
}

/** A few snapshot fields as "label: value", read with the object's metadata. */
export function SnapshotText({ object, snapshot }: { object: string; snapshot: Record<string, FieldValue> }) {
  const { pick } = useI18n();
  const ctx = useRenderContext();
  const meta = useObjects().data?.find((o) => o.api_name === object);
  const entries = Object.entries(snapshot).filter(([k]) => k !== meta?.name_field && k !== 'id');
  if (!entries.length) return null;
  return (
    <Space size={[12, 0]} wrap>
      {entries.slice(0, 4).map(([k, v]) => {
        const field = meta?.fields.find((f) => f.api_name === k);
        return (
          <Typography.Text key={k} type="secondary" style={{ fontSize: 12 }}>
            {field ? pick(field.label) : k}: {field ? valueText(field, v, ctx) : String(v ?? '—')}
          </Typography.Text>
        );
      })}
    </Space>
  );
}

/** The plan (nodes with approvers and their decisions) and the log of every step. */
export function InstanceTimeline({ instance }: { instance: ApprovalInstance }) {
  const { t, locale } = useI18n();
  const ctx = useRenderContext();
  const when = (iso: string) => formatDateTime(iso, ctx.timeZone, locale);
  const current = instance.current_node;
  return (
    <Space orientation="vertical" style={{ width: '100%' }} size={12}>
      <Steps
        size="small"
        orientation="vertical"
        current={current ?? instance.nodes.length}
        status={
          instance.status === 'rejected' ? 'error' : instance.status === 'approved' ? 'finish' : 'process'
        }
        items={instance.nodes.map((n) => {
          const tasks = instance.tasks.filter((task) => task.node_index === n.index);
          return {
            title: (
              <span>
                {n.name || t('approvals.node.unnamed', { n: n.index + 1 })}{' '}
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {t(`approvals.kind.${n.kind}` as MessageKey)}
                  {n.required > 1 ? ` · ${t('approvals.node.required', { n: n.required })}` : ''}
                </Typography.Text>
              </span>
            ),
            status: n.skipped ? 'wait' : undefined,
            content: n.skipped ? (
              <Typography.Text type="secondary">{t('approvals.node.skipped')}</Typography.Text>
            ) : (
              <Space orientation="vertical" size={2}>
                {(tasks.length
                  ? tasks
                  : n.approvers.map((a) => ({
                      id: a.id,
                      approver: a,
                      status: null,
                      comment: null,
                      decided_at: null,
                    }))
                ).map((task) => (
                  <span key={task.id}>
                    {task.approver.name} {task.status && <StatusTag status={task.status} />}
                    {task.decided_at && (
                      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                        {when(task.decided_at)}
                      </Typography.Text>
                    )}
                    {task.comment && <div style={{ color: '#555' }}>“{task.comment}”</div>}
                  </span>
                ))}
              </Space>
            ),
          };
        })}
      />
      <Timeline
        data-testid="approval-steps"
        items={instance.steps.map((s) => ({
          key: s.id,
          content: (
            <div>
              <Typography.Text strong>{s.actor?.name ?? t('approvals.system')}</Typography.Text>{' '}
              {t(`approvals.step.${s.action}` as MessageKey)}
              {s.node_index !== null && instance.nodes[s.node_index]
                ? ` · ${instance.nodes[s.node_index]?.name ?? ''}`
                : ''}{' '}
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {when(s.at)}
              </Typography.Text>
              {s.comment && <div style={{ whiteSpace: 'pre-wrap' }}>{s.comment}</div>}
            </div>
          ),
        }))}
      />
    </Space>
  );
}

/**
 * What the reader may do on a submission: approvers of the current node decide, reassign or
 * comment; the submitter withdraws (the server says when that is no longer allowed) or comments.
 */
export function DecisionBar({
  instance,
  onDone,
}: {
  instance: ApprovalInstance;
  onDone?: (next: ApprovalInstance) => void;
}) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const users = useDirectoryUsers().data ?? [];
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [reassignOpen, setReassignOpen] = useState(false);
  const [target, setTarget] = useState<string | null>(null);
  const me = useMe().data;
  const mine = instance.my_task_id !== null;
  const pending = instance.status === 'pending';
  // the submitter sees Withdraw while pending; when it is too late the server's 409 says why
  const canWithdraw = instance.can_withdraw || instance.submitted_by.id === me?.user.id;

  const run = async (action: Decision | 'reassign') => {
    if ((action === 'reject' || action === 'return' || action === 'comment') && !comment.trim()) {
      setProblem(t('approvals.commentRequired'));
      return;
    }
    if (action === 'reassign' && !target) {
      setProblem(t('approvals.reassign.pick'));
      return;
    }
    setBusy(action);
    setProblem(null);
    try {
      const next =
        action === 'reassign' && target
          ? await reassign(instance.id, target, comment)
          : await decide(instance.id, action === 'reassign' ? 'comment' : action, comment);
      setComment('');
      setReassignOpen(false);
      void message.success(t(`approvals.done.${action}` as MessageKey));
      await refreshApprovals(qc, instance.object);
      onDone?.(next);
    } catch (err) {
      setProblem(
        err instanceof ApiError && err.details.length
          ? err.details.map((d) => d.issue).join('；')
          : errorText(err, t),
      );
    } finally {
      setBusy(null);
    }
  };

  return (
    <Space orientation="vertical" style={{ width: '100%' }} data-testid="decision-bar">
      <Input.TextArea
        rows={2}
        value={comment}
        onChange={(e) => setComment(e.target.value)}
        placeholder={mine ? t('approvals.commentPlaceholderDecide') : t('approvals.commentPlaceholder')}
        aria-label={t('approvals.comment')}
        maxLength={2000}
      />
      {problem && <Alert type="error" showIcon title={problem} role="alert" />}
      <Space wrap>
        {mine && pending && (
          <>
            <Button type="primary" loading={busy === 'approve'} onClick={() => run('approve')}>
              {t('approvals.approve')}
            </Button>
            <Button danger loading={busy === 'reject'} onClick={() => run('reject')}>
              {t('approvals.reject')}
            </Button>
            <Button loading={busy === 'return'} onClick={() => run('return')}>
              {t('approvals.return')}
            </Button>
            <Button onClick={() => setReassignOpen(true)}>{t('approvals.reassign')}</Button>
          </>
        )}
        {pending && canWithdraw && (
          <Button loading={busy === 'withdraw'} onClick={() => run('withdraw')}>
            {t('approvals.withdraw')}
          </Button>
        )}
        <Button loading={busy === 'comment'} onClick={() => run('comment')}>
          {t('approvals.addComment')}
        </Button>
      </Space>
      <Modal
        open={reassignOpen}
        title={t('approvals.reassign')}
        okText={t('approvals.reassign')}
        cancelText={t('common.cancel')}
        confirmLoading={busy === 'reassign'}
        onOk={() => run('reassign')}
        onCancel={() => setReassignOpen(false)}
        destroyOnHidden
      >
        <Space orientation="vertical" style={{ width: '100%' }}>
          <Select
            showSearch={{ optionFilterProp: 'label' }}
            style={{ width: '100%' }}
            placeholder={t('approvals.reassign.pick')}
            aria-label={t('approvals.reassign.pick')}
            value={target}
            onChange={setTarget}
            options={users.map((u) => ({ value: u.id, label: `${u.name} (${u.email})` }))}
          />
          <Typography.Text type="secondary">{t('approvals.reassign.hint')}</Typography.Text>
          {problem && <Alert type="error" showIcon title={problem} />}
        </Space>
      </Modal>
    </Space>
  );
}
