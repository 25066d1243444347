import { useState } from 'react';
import { Link } from 'react-router';
import { Alert, App, Button, Empty, Form, Input, Modal, Space, Table, Tag, Typography } from 'antd';
import { useQueryClient } from '@tanstack/react-query';
import { useMe, useObjectMeta } from '../api/queries';
import { errorText } from '../api/error-text';
import { OptionTag } from '../cash/order-parts';
import { formatDate } from '../format/date';
import { useI18n } from '../i18n/i18n-context';
import type { MessageKey } from '../i18n/zh-CN';
import { todayIn } from '../marketing/period';
import { showServerErrors } from '../settings/server-errors';
import { workOrderAction } from './api';
import { isOverdue, nextActions, sortQueue, type WorkOrder, type WorkOrderAction } from './logic';

const ACTION_LABEL: Record<WorkOrderAction, MessageKey> = {
  start: 'cs.wo.start',
  resolve: 'cs.wo.resolve',
  verify: 'cs.wo.verify',
  reopen: 'cs.wo.reopen',
};

/**
 * Whether the signed-in person leads CS work (verifies and reopens resolved work orders): an
 * administrator, or a role that sees work orders beyond its own. The server decides per order.
 */
export function useCanVerify(): boolean {
  const me = useMe().data;
  if (!me) return false;
  if (me.role.is_admin) return true;
  const p = me.role.permissions.objects.work_order;
  return p?.update === true && p.scope !== 'own';
}

/** Warning work orders with their next actions; overdue ones are marked. */
export function WorkOrderTable({
  rows,
  loading,
  showAccount = true,
  testId,
  emptyText,
}: {
  rows: WorkOrder[];
  loading: boolean;
  showAccount?: boolean;
  testId: string;
  emptyText: string;
}) {
  const { t, locale } = useI18n();
  const me = useMe().data;
  const today = todayIn(me?.tenant.time_zone ?? 'Asia/Shanghai');
  const { meta } = useObjectMeta('work_order');
  const canVerify = useCanVerify();
  const [acting, setActing] = useState<{ wo: WorkOrder; action: WorkOrderAction } | null>(null);
  const sorted = sortQueue(rows, today);
  return (
    <>
      <Table<WorkOrder>
        size="small"
        rowKey="id"
        data-testid={testId}
        loading={loading}
        dataSource={sorted}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        scroll={{ x: 'max-content' }}
        onRow={(r) =>
          isOverdue(r, today)
            ? ({
                style: { background: '#fff1f0' },
                'data-overdue': 'true',
              } as React.HTMLAttributes<HTMLElement>)
            : {}
        }
        locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={emptyText} /> }}
        columns={[
          {
            key: 'subject',
            title: t('cs.wo.subject'),
            render: (_, r) => <Link to={`/o/work_order/${r.id}`}>{r.subject}</Link>,
          },
          ...(showAccount
            ? [
                {
                  key: 'account',
                  title: t('cs.col.account'),
                  render: (_: unknown, r: WorkOrder) =>
                    r.account_id ? (
                      <Link to={`/o/account/${r.account_id}`}>{r.account_name ?? r.account_id}</Link>
                    ) : (
                      t('common.empty')
                    ),
                },
              ]
            : []),
          {
            key: 'type',
            title: t('cs.wo.type'),
            render: (_, r) => <OptionTag meta={meta} field="alert_type" value={r.alert_type} />,
          },
          {
            key: 'level',
            title: t('cs.wo.level'),
            render: (_, r) => <OptionTag meta={meta} field="level" value={r.level} />,
          },
          {
            key: 'status',
            title: t('cs.wo.status'),
            render: (_, r) => (
              <OptionTag meta={meta} field="status" value={r.status} testId={`wo-status-${r.id}`} />
            ),
          },
          {
            key: 'due',
            title: t('cs.wo.due'),
            render: (_, r) =>
              r.due_date === null ? (
                t('common.empty')
              ) : isOverdue(r, today) ? (
                <Space size={4}>
                  <Typography.Text type="danger">{formatDate(r.due_date, locale)}</Typography.Text>
                  <Tag color="red">{t('cs.wo.overdue')}</Tag>
                </Space>
              ) : (
                formatDate(r.due_date, locale)
              ),
          },
          { key: 'owner', title: t('cs.wo.owner'), render: (_, r) => r.owner_name ?? t('common.empty') },
          {
            key: 'actions',
            title: t('cs.col.actions'),
            render: (_, r) => (
              <Space size={4} wrap>
                {nextActions(r.status, canVerify).map((a) => (
                  <Button
                    key={a}
                    size="small"
                    type={a === 'resolve' ? 'primary' : 'default'}
                    data-testid={`wo-${a}-${r.id}`}
                    onClick={() => setActing({ wo: r, action: a })}
                  >
                    {t(ACTION_LABEL[a])}
                  </Button>
                ))}
              </Space>
            ),
          },
        ]}
      />
      {acting && <ActionModal wo={acting.wo} action={acting.action} onClose={() => setActing(null)} />}
    </>
  );
}

interface ActionForm {
  action_taken?: string;
  reason?: string;
}

/**
 * Confirms a work-order action. Resolving asks what was done (required: no closed loop without
 * it), reopening asks why; starting and verifying only confirm.
 */
function ActionModal({
  wo,
  action,
  onClose,
}: {
  wo: WorkOrder;
  action: WorkOrderAction;
  onClose: () => void;
}) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [form] = Form.useForm<ActionForm>();
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const field = action === 'resolve' ? 'action_taken' : action === 'reopen' ? 'reason' : null;

  const submit = async (v: ActionForm) => {
    setBusy(true);
    setProblem(null);
    try {
      await workOrderAction(wo.id, action, {
        version: wo.version,
        ...(field === 'action_taken' ? { action_taken: (v.action_taken ?? '').trim() } : {}),
        ...(field === 'reason' ? { reason: (v.reason ?? '').trim() } : {}),
      });
      await qc.invalidateQueries({ queryKey: ['records', 'work_order'] });
      void message.success(t('cs.wo.done'));
      onClose();
    } catch (err) {
      setProblem(showServerErrors(form, err, ['action_taken', 'reason'], t));
    } finally {
      setBusy(false);
    }
  };

  const required = (key: MessageKey) => ({
    validator: (_: unknown, v: string | undefined) =>
      (v ?? '').trim() ? Promise.resolve() : Promise.reject(new Error(t(key))),
  });

  return (
    <Modal
      open
      title={`${t(ACTION_LABEL[action])} · ${wo.subject}`}
      onCancel={onClose}
      okText={t(ACTION_LABEL[action])}
      onOk={() => form.submit()}
      confirmLoading={busy}
      destroyOnHidden
    >
      {problem && <Alert type="error" showIcon role="alert" title={problem} style={{ marginBottom: 12 }} />}
      <Form<ActionForm> form={form} layout="vertical" onFinish={(v) => void submit(v)}>
        {field === 'action_taken' && (
          <Form.Item
            name="action_taken"
            label={t('cs.wo.actionTaken')}
            extra={t('cs.wo.actionTakenHint')}
            rules={[required('cs.wo.actionTakenRequired')]}
          >
            <Input.TextArea autoFocus rows={4} maxLength={2000} data-testid="wo-action-taken" />
          </Form.Item>
        )}
        {field === 'reason' && (
          <Form.Item name="reason" label={t('cs.wo.reason')} rules={[required('cs.wo.reasonRequired')]}>
            <Input.TextArea autoFocus rows={3} maxLength={2000} data-testid="wo-reopen-reason" />
          </Form.Item>
        )}
        {field === null && (
          <Typography.Paragraph>
            {t(action === 'start' ? 'cs.wo.startConfirm' : 'cs.wo.verifyConfirm')}
          </Typography.Paragraph>
        )}
      </Form>
    </Modal>
  );
}

/** A failed list load, said plainly. */
export function WorkOrderError({ error }: { error: unknown }) {
  const { t } = useI18n();
  return <Alert type="error" showIcon title={errorText(error, t)} />;
}
