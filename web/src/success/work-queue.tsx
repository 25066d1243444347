import { useState } from 'react';
import { Link } from 'react-router';
import { Alert, Card, Empty, Segmented, Select, Space, Table, Tag, Typography } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { useMe, useObjectMeta } from '../api/queries';
import { errorText } from '../api/error-text';
import { canDo } from '../auth/permissions';
import { OptionTag } from '../cash/order-parts';
import { formatDate } from '../format/date';
import { useI18n } from '../i18n/i18n-context';
import {
  alertKeys,
  fetchAlerts,
  fetchWorkOrderSummary,
  useWorkOrders,
  type HealthAlert,
  type WorkOrderSummary,
} from './api';
import { WorkOrderError, WorkOrderTable } from './work-orders';

type Whose = 'mine' | 'team';
type Level = HealthAlert['level'];
type Nature = HealthAlert['nature'];

/**
 * The closed loop (无闭环不管理): this week's change alerts, and the open warning work orders —
 * mine or all I may see (a CS director: the team's, with a per-owner summary), overdue first; each
 * moves on with start / resolve (what was done) / verify / reopen.
 */
export function WorkQueueTab() {
  const { t } = useI18n();
  const me = useMe().data;
  const [whose, setWhose] = useState<Whose>('mine');
  const canRead = canDo(me, 'work_order', 'read');
  const orders = useWorkOrders(
    { openOnly: true, ...(whose === 'mine' && me ? { ownerId: me.user.id } : {}) },
    canRead && !!me,
  );
  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <AlertsCard />
      {canRead && (
        <Card
          size="small"
          title={t('cs.queue.title')}
          extra={
            <Segmented<Whose>
              size="small"
              value={whose}
              onChange={setWhose}
              data-testid="queue-whose"
              options={[
                { value: 'mine', label: t('cs.queue.mine') },
                { value: 'team', label: t('cs.queue.team') },
              ]}
            />
          }
        >
          <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>
            {t('cs.queue.hint')}
          </Typography.Paragraph>
          {whose === 'team' && <TeamSummary />}
          {orders.error ? (
            <WorkOrderError error={orders.error} />
          ) : (
            <WorkOrderTable
              rows={orders.data ?? []}
              loading={orders.isLoading}
              testId="work-queue"
              emptyText={t(whose === 'mine' ? 'cs.queue.emptyMine' : 'cs.queue.emptyTeam')}
            />
          )}
        </Card>
      )}
    </Space>
  );
}

const NATURE_COLOR: Record<Nature, string> = { malignant: 'red', benign: 'green' };

/** The latest scored week's alerts, most severe first, filtered by level and nature. */
function AlertsCard() {
  const { t, locale } = useI18n();
  const [level, setLevel] = useState<Level | null>(null);
  const [nature, setNature] = useState<Nature | null>(null);
  const { meta } = useObjectMeta('work_order');
  const alerts = useQuery({
    queryKey: alertKeys.alerts(level, nature),
    queryFn: () => fetchAlerts(level, nature),
  });
  const week = alerts.data?.meta.week_start;
  return (
    <Card
      size="small"
      title={week ? t('cs.alerts.titleWeek', { week: formatDate(week, locale) }) : t('cs.alerts.title')}
      extra={
        <Space wrap size={8}>
          <Select<Level>
            size="small"
            allowClear
            style={{ width: 110 }}
            placeholder={t('cs.alerts.level')}
            aria-label={t('cs.alerts.level')}
            data-testid="alerts-level"
            value={level ?? undefined}
            onChange={(v) => setLevel(v ?? null)}
            options={(['high', 'mid', 'low'] as const).map((l) => ({ value: l, label: t(`cs.level.${l}`) }))}
          />
          <Select<Nature>
            size="small"
            allowClear
            style={{ width: 110 }}
            placeholder={t('cs.alerts.nature')}
            aria-label={t('cs.alerts.nature')}
            data-testid="alerts-nature"
            value={nature ?? undefined}
            onChange={(v) => setNature(v ?? null)}
            options={(['malignant', 'benign'] as const).map((n) => ({
              value: n,
              label: t(`cs.nature.${n}`),
            }))}
          />
        </Space>
      }
    >
      {alerts.error ? (
        <Alert type="error" showIcon title={errorText(alerts.error, t)} />
      ) : (
        <Table<HealthAlert>
          size="small"
          rowKey="id"
          data-testid="alerts"
          loading={alerts.isLoading}
          dataSource={alerts.data?.data ?? []}
          pagination={{ pageSize: 20, hideOnSinglePage: true }}
          scroll={{ x: 'max-content' }}
          locale={{
            emptyText: (
              <Empty
                image={Empty.PRESENTED_IMAGE_SIMPLE}
                description={t(week === null ? 'cs.alerts.noWeek' : 'cs.alerts.empty')}
              />
            ),
          }}
          columns={[
            {
              key: 'account',
              title: t('cs.col.account'),
              render: (_, a) => <Link to={`/o/account/${a.account_id}`}>{a.account_name}</Link>,
            },
            {
              key: 'type',
              title: t('cs.wo.type'),
              render: (_, a) => <Tag color={NATURE_COLOR[a.nature]}>{a.label}</Tag>,
            },
            {
              key: 'level',
              title: t('cs.wo.level'),
              render: (_, a) => <OptionTag meta={meta} field="level" value={a.level} />,
            },
            { key: 'nature', title: t('cs.alerts.nature'), render: (_, a) => t(`cs.nature.${a.nature}`) },
            { key: 'text', title: t('cs.alerts.detail'), render: (_, a) => a.text },
            { key: 'csm', title: t('cs.col.csm'), render: (_, a) => a.csm_name ?? t('common.empty') },
            {
              key: 'wo',
              title: t('cs.alerts.workOrder'),
              render: (_, a) =>
                a.work_order_id ? (
                  <Link to={`/o/work_order/${a.work_order_id}`}>
                    <OptionTag meta={meta} field="status" value={a.work_order_status} />
                  </Link>
                ) : (
                  t('common.empty')
                ),
            },
          ]}
        />
      )}
    </Card>
  );
}

type SummaryRow = WorkOrderSummary['rows'][number];

/** Per owner: open, in progress, reopened, overdue, resolved and verified this month. */
function TeamSummary() {
  const { t } = useI18n();
  const summary = useQuery({ queryKey: alertKeys.summary, queryFn: fetchWorkOrderSummary });
  if (summary.error) return <Alert type="error" showIcon title={errorText(summary.error, t)} />;
  const rows = summary.data?.rows ?? [];
  if (summary.data && rows.length === 0) return null;
  const n = (v: number, danger = false) =>
    v === 0 ? (
      <Typography.Text type="secondary">0</Typography.Text>
    ) : danger ? (
      <Typography.Text type="danger">{v}</Typography.Text>
    ) : (
      v
    );
  return (
    <Table<SummaryRow>
      size="small"
      rowKey={(r) => r.owner_id ?? ''}
      data-testid="work-summary"
      loading={summary.isLoading}
      dataSource={rows}
      pagination={false}
      style={{ marginBottom: 12 }}
      scroll={{ x: 'max-content' }}
      columns={[
        { key: 'owner', title: t('cs.wo.owner'), render: (_, r) => r.owner_name ?? t('cs.summary.noOwner') },
        { key: 'open', title: t('cs.summary.open'), align: 'right', render: (_, r) => n(r.open) },
        {
          key: 'progress',
          title: t('cs.summary.inProgress'),
          align: 'right',
          render: (_, r) => n(r.in_progress),
        },
        { key: 'reopened', title: t('cs.summary.reopened'), align: 'right', render: (_, r) => n(r.reopened) },
        { key: 'overdue', title: t('cs.wo.overdue'), align: 'right', render: (_, r) => n(r.overdue, true) },
        {
          key: 'resolved',
          title: t('cs.summary.resolvedMonth'),
          align: 'right',
          render: (_, r) => n(r.resolved_this_month),
        },
        {
          key: 'verified',
          title: t('cs.summary.verifiedMonth'),
          align: 'right',
          render: (_, r) => n(r.verified_this_month),
        },
      ]}
    />
  );
}
