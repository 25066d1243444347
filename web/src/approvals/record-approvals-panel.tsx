import { useState } from 'react';
import { Alert, Button, Card, Collapse, Empty, Space, Spin, Typography } from 'antd';
import { AuditOutlined, LockOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { Link } from 'react-router';
import { ApiError } from '../api/http-client';
import { errorText } from '../api/error-text';
import { useMe } from '../api/queries';
import { formatDateTime } from '../format/date';
import { useI18n } from '../i18n/i18n-context';
import type { RecordPanelProps } from '../objects/record-panels';
import { useRenderContext } from '../objects/use-render-context';
import { refreshApprovals, submitRecord, useRecordInstances } from './api';
import { DecisionBar, InstanceTimeline, StatusTag } from './instance-view';
import { offersSubmit } from './logic';

/**
 * Approvals of any record: a Submit button while the record's state allows one (the server knows
 * whether a process applies; it says so with 422 no_approval_process), a lock notice while a
 * submission is pending, and every submission with its nodes, decisions and comments.
 */
export default function RecordApprovalsPanel({ meta, record, refresh }: RecordPanelProps) {
  const { t, locale } = useI18n();
  const ctx = useRenderContext();
  const qc = useQueryClient();
  const me = useMe().data;
  const instances = useRecordInstances(meta.api_name, record.id);
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<{ type: 'info' | 'error'; text: string } | null>(null);
  const list = instances.data ?? [];
  const pending = list.find((i) => i.status === 'pending');

  const submit = async () => {
    setBusy(true);
    setNotice(null);
    try {
      await submitRecord(meta.api_name, record.id);
      await refreshApprovals(qc, meta.api_name);
      await refresh();
    } catch (err) {
      if (err instanceof ApiError && err.key === 'no_approval_process')
        setNotice({
          type: 'info',
          text: `${err.message}${t('approvals.noProcessHint', { suffix: me?.role.is_admin ? t('approvals.noProcessAdmin') : t('approvals.noProcessAsk') })}`,
        });
      else
        setNotice({
          type: 'error',
          text:
            err instanceof ApiError && err.details.length
              ? `${err.message} ${err.details.map((d) => d.issue).join('；')}`
              : errorText(err, t),
        });
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card
      size="small"
      style={{ marginBottom: 12 }}
      data-testid="record-approvals"
      title={
        <Space>
          <AuditOutlined />
          {t('approvals.panel.title')}
        </Space>
      }
      extra={
        offersSubmit(meta.api_name, record, pending !== undefined) && (
          <Button size="small" loading={busy} onClick={() => void submit()} data-testid="approval-submit">
            {t('approvals.submit')}
          </Button>
        )
      }
    >
      {pending && (
        <Alert
          type="warning"
          showIcon
          icon={<LockOutlined />}
          style={{ marginBottom: 8 }}
          data-testid="record-locked"
          title={t('approvals.locked', {
            process: pending.process_name,
            node: pending.current_node !== null ? (pending.nodes[pending.current_node]?.name ?? '') : '',
          })}
        />
      )}
      {notice && (
        <Alert
          type={notice.type}
          showIcon
          closable={{ onClose: () => setNotice(null) }}
          style={{ marginBottom: 8 }}
          title={notice.text}
          role="alert"
          data-testid="approval-notice"
          action={
            notice.type === 'info' && me?.role.is_admin ? (
              <Link to="/settings/approvals">{t('approvals.designer.open')}</Link>
            ) : undefined
          }
        />
      )}
      {instances.isLoading ? (
        <Spin />
      ) : instances.error ? (
        <Alert type="error" showIcon title={errorText(instances.error, t)} />
      ) : list.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('approvals.panel.empty')} />
      ) : (
        <Collapse
          // remounted when a newer submission arrives, so the latest one opens by itself
          key={list[0]?.id}
          size="small"
          defaultActiveKey={list[0] ? [list[0].id] : []}
          items={list.map((i) => ({
            key: i.id,
            label: (
              <Space wrap>
                <StatusTag status={i.status} />
                <Typography.Text>{i.process_name}</Typography.Text>
                <Typography.Text type="secondary">
                  {t('approvals.submittedBy', {
                    name: i.submitted_by.name,
                    at: formatDateTime(i.submitted_at, ctx.timeZone, locale),
                  })}
                </Typography.Text>
              </Space>
            ),
            children: (
              <Space orientation="vertical" style={{ width: '100%' }} size={12}>
                {i.status === 'pending' && (
                  <DecisionBar
                    instance={i}
                    onDone={() => {
                      void refresh();
                    }}
                  />
                )}
                <InstanceTimeline instance={i} />
              </Space>
            ),
          }))}
        />
      )}
    </Card>
  );
}
