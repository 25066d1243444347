import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import {
  Alert,
  App,
  Badge,
  Button,
  Drawer,
  Empty,
  Input,
  List,
  Modal,
  Select,
  Space,
  Spin,
  Table,
  Tabs,
  Tag,
  Typography,
} from 'antd';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { errorText } from '../api/error-text';
import { useObjects } from '../api/queries';
import { formatDateTime } from '../format/date';
import { useI18n } from '../i18n/i18n-context';
import { useRenderContext } from '../objects/use-render-context';
import {
  apprKeys,
  batchApprove,
  fetchInstance,
  fetchSubmissions,
  refreshApprovals,
  useInbox,
  type ApprovalInboxItem,
  type ApprovalInstance,
  type BatchResult,
} from './api';
import { DecisionBar, InstanceTimeline, SnapshotText, StatusTag } from './instance-view';
import { ageParts } from './logic';

function useObjectLabel(): (object: string) => string {
  const { pick } = useI18n();
  const objects = useObjects().data ?? [];
  return (object) => {
    const o = objects.find((x) => x.api_name === object);
    return o ? pick(o.label) : object;
  };
}

/** One submission in a drawer: its record, the plan and log, and what I may do on it. */
function InstanceDrawer({ id, onClose }: { id: string | null; onClose: () => void }) {
  const { t } = useI18n();
  const label = useObjectLabel();
  const q = useQuery({
    queryKey: apprKeys.instance(id ?? ''),
    queryFn: () => fetchInstance(id ?? ''),
    enabled: id !== null,
  });
  const inst = q.data;
  return (
    <Drawer
      open={id !== null}
      onClose={onClose}
      size="large"
      title={inst ? `${label(inst.object)} · ${inst.record_title ?? inst.record_id}` : t('approvals.title')}
      destroyOnHidden
    >
      {q.isLoading && <Spin />}
      {q.error && <Alert type="error" showIcon title={errorText(q.error, t)} />}
      {inst && (
        <Space orientation="vertical" style={{ width: '100%' }} size={16} data-testid="instance-drawer">
          <Space wrap>
            <StatusTag status={inst.status} />
            <Typography.Text>{inst.process_name}</Typography.Text>
            <Link to={`/o/${inst.object}/${inst.record_id}`}>{t('approvals.openRecord')}</Link>
          </Space>
          <SnapshotText object={inst.object} snapshot={inst.snapshot} />
          <DecisionBar instance={inst} onDone={(next) => next.my_task_id === null && onClose()} />
          <InstanceTimeline instance={inst} />
        </Space>
      )}
    </Drawer>
  );
}

function Age({ item }: { item: ApprovalInboxItem }) {
  const { t } = useI18n();
  const a = ageParts(item.age_hours);
  return (
    <Space size={4}>
      <span>{t(a.unit === 'hours' ? 'approvals.age.hours' : 'approvals.age.days', { n: a.n })}</span>
      {item.overdue && <Tag color="red">{t('approvals.overdue')}</Tag>}
    </Space>
  );
}

function InboxTab({ open }: { open: (id: string) => void }) {
  const { t, locale } = useI18n();
  const ctx = useRenderContext();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const label = useObjectLabel();
  const inbox = useInbox();
  const [selected, setSelected] = useState<string[]>([]);
  const [batchOpen, setBatchOpen] = useState(false);
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);
  const [results, setResults] = useState<BatchResult[] | null>(null);
  const items = inbox.data ?? [];

  const runBatch = async () => {
    setBusy(true);
    try {
      const r = await batchApprove(selected, comment);
      setResults(r);
      setSelected([]);
      const ok = r.filter((x) => x.ok).length;
      void message.success(t('approvals.batch.summary', { ok, failed: r.length - ok }));
      await refreshApprovals(qc);
    } catch (err) {
      void message.error(errorText(err, t));
    } finally {
      setBusy(false);
    }
  };
  const titleOf = (taskId: string) => {
    const it = items.find((i) => i.task_id === taskId);
    return it ? (it.record_title ?? it.record_id) : taskId;
  };

  if (inbox.error) return <Alert type="error" showIcon title={errorText(inbox.error, t)} />;
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <Space>
        <Button
          type="primary"
          disabled={selected.length === 0}
          onClick={() => {
            setResults(null);
            setComment('');
            setBatchOpen(true);
          }}
        >
          {t('approvals.batch.approve', { n: selected.length })}
        </Button>
      </Space>
      <Table<ApprovalInboxItem>
        rowKey="task_id"
        size="middle"
        loading={inbox.isLoading}
        dataSource={items}
        pagination={false}
        data-testid="approval-inbox"
        rowSelection={{ selectedRowKeys: selected, onChange: (keys) => setSelected(keys.map(String)) }}
        locale={{
          emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('approvals.inbox.empty')} />,
        }}
        columns={[
          {
            key: 'record',
            title: t('approvals.col.record'),
            render: (_, it) => (
              <Space orientation="vertical" size={0}>
                <Link to={`/o/${it.object}/${it.record_id}`}>{it.record_title ?? it.record_id}</Link>
                <SnapshotText object={it.object} snapshot={it.snapshot} />
              </Space>
            ),
          },
          { key: 'object', title: t('approvals.col.object'), render: (_, it) => label(it.object) },
          {
            key: 'node',
            title: t('approvals.col.node'),
            render: (_, it) => (
              <span>
                {it.process_name}
                {it.node_name ? ` · ${it.node_name}` : ''}
                {it.reassigned_from && <Tag style={{ marginLeft: 4 }}>{t('approvals.reassigned')}</Tag>}
              </span>
            ),
          },
          {
            key: 'by',
            title: t('approvals.col.submitter'),
            render: (_, it) => (
              <Space orientation="vertical" size={0}>
                <span>{it.submitted_by.name}</span>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {formatDateTime(it.submitted_at, ctx.timeZone, locale)}
                </Typography.Text>
              </Space>
            ),
          },
          { key: 'age', title: t('approvals.col.age'), render: (_, it) => <Age item={it} /> },
          {
            key: 'act',
            title: '',
            render: (_, it) => (
              <Button size="small" onClick={() => open(it.instance_id)}>
                {t('approvals.handle')}
              </Button>
            ),
          },
        ]}
      />
      <Modal
        open={batchOpen}
        title={t('approvals.batch.title')}
        onCancel={() => setBatchOpen(false)}
        footer={
          results ? (
            <Button onClick={() => setBatchOpen(false)}>{t('common.close')}</Button>
          ) : (
            <Space>
              <Button onClick={() => setBatchOpen(false)}>{t('common.cancel')}</Button>
              <Button type="primary" loading={busy} onClick={() => void runBatch()}>
                {t('approvals.approve')}
              </Button>
            </Space>
          )
        }
        destroyOnHidden
      >
        {results ? (
          <List
            data-testid="batch-results"
            dataSource={results}
            renderItem={(r) => (
              <List.Item>
                <Space>
                  <Tag color={r.ok ? 'success' : 'error'}>
                    {r.ok ? t('approvals.batch.ok') : t('approvals.batch.failed')}
                  </Tag>
                  <span>{titleOf(r.task_id)}</span>
                  {r.error && <Typography.Text type="danger">{r.error.message}</Typography.Text>}
                </Space>
              </List.Item>
            )}
          />
        ) : (
          <Space orientation="vertical" style={{ width: '100%' }}>
            <Typography.Text>{t('approvals.batch.body', { n: selected.length })}</Typography.Text>
            <Input.TextArea
              rows={2}
              value={comment}
              onChange={(e) => setComment(e.target.value)}
              placeholder={t('approvals.commentPlaceholder')}
              aria-label={t('approvals.comment')}
            />
          </Space>
        )}
      </Modal>
    </Space>
  );
}

const SUBMISSION_STATUSES = ['', 'pending', 'approved', 'rejected', 'returned', 'withdrawn'] as const;

function SubmissionsTab({ open }: { open: (id: string) => void }) {
  const { t, locale } = useI18n();
  const ctx = useRenderContext();
  const label = useObjectLabel();
  const [status, setStatus] = useState<string>('');
  const q = useQuery({ queryKey: apprKeys.submissions(status), queryFn: () => fetchSubmissions(status) });
  if (q.error) return <Alert type="error" showIcon title={errorText(q.error, t)} />;
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <Select
        style={{ width: 180 }}
        value={status}
        onChange={setStatus}
        aria-label={t('approvals.col.status')}
        options={SUBMISSION_STATUSES.map((s) => ({
          value: s,
          label: s ? t(`approvals.status.${s}`) : t('approvals.status.all'),
        }))}
      />
      <Table<ApprovalInstance>
        rowKey="id"
        size="middle"
        loading={q.isLoading}
        dataSource={q.data ?? []}
        pagination={false}
        data-testid="approval-submissions"
        locale={{
          emptyText: (
            <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('approvals.submissions.empty')} />
          ),
        }}
        columns={[
          {
            key: 'record',
            title: t('approvals.col.record'),
            render: (_, i) => (
              <Link to={`/o/${i.object}/${i.record_id}`}>{i.record_title ?? i.record_id}</Link>
            ),
          },
          { key: 'object', title: t('approvals.col.object'), render: (_, i) => label(i.object) },
          { key: 'process', title: t('approvals.col.process'), dataIndex: 'process_name' },
          {
            key: 'status',
            title: t('approvals.col.status'),
            render: (_, i) => (
              <Space size={4}>
                <StatusTag status={i.status} />
                {i.status === 'pending' && i.current_node !== null && (
                  <Typography.Text type="secondary">{i.nodes[i.current_node]?.name}</Typography.Text>
                )}
              </Space>
            ),
          },
          {
            key: 'at',
            title: t('approvals.col.submittedAt'),
            render: (_, i) => formatDateTime(i.submitted_at, ctx.timeZone, locale),
          },
          {
            key: 'act',
            title: '',
            render: (_, i) => (
              <Button size="small" onClick={() => open(i.id)}>
                {i.status === 'pending' ? t('approvals.viewOrWithdraw') : t('approvals.view')}
              </Button>
            ),
          },
        ]}
      />
    </Space>
  );
}

/** 审批中心: my pending tasks (batch approve) and my own submissions. */
export default function ApprovalsInboxPage() {
  const { t } = useI18n();
  const [params, setParams] = useSearchParams();
  const tab = params.get('tab') === 'mine' ? 'mine' : 'inbox';
  const [openId, setOpenId] = useState<string | null>(null);
  const count = useInbox().data?.length ?? 0;
  return (
    <div>
      <Typography.Title level={3}>{t('approvals.title')}</Typography.Title>
      <Tabs
        activeKey={tab}
        onChange={(k) => setParams(k === 'mine' ? { tab: 'mine' } : {})}
        items={[
          {
            key: 'inbox',
            label: (
              <Space size={6}>
                {t('approvals.tab.inbox')}
                <Badge count={count} size="small" />
              </Space>
            ),
            children: <InboxTab open={setOpenId} />,
          },
          { key: 'mine', label: t('approvals.tab.mine'), children: <SubmissionsTab open={setOpenId} /> },
        ]}
      />
      <InstanceDrawer id={openId} onClose={() => setOpenId(null)} />
    </div>
  );
}
