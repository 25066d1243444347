import { useState } from 'react';
import { Alert, App, Button, Card, Empty, Progress, Segmented, Space, Table, Tag, Typography } from 'antd';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { EChartsOption } from 'echarts';
import { errorText } from '../api/error-text';
import { ApiError } from '../api/http-client';
import { useMe } from '../api/queries';
import { canDo } from '../auth/permissions';
import { formatMoney } from '../format/money';
import { useI18n } from '../i18n/i18n-context';
import { Chart, chartAnimation } from '../marketing/chart';
import {
  fetchStatements,
  fetchTeamPerformance,
  perfKeys,
  statementAction,
  type CommissionStatement,
  type PerformanceRow,
} from './api';
import { PeriodPicker } from './my-performance-page';
import { attainmentTone, gaugeValue, periodOf } from './performance-logic';

const TONE = { none: 'normal', low: 'exception', mid: 'active', high: 'success' } as const;

function AttainmentBar({ value }: { value: number | null }) {
  if (value === null) return <Typography.Text type="secondary">—</Typography.Text>;
  return (
    <Progress
      percent={Math.min(100, gaugeValue(value))}
      status={TONE[attainmentTone(value)]}
      format={() => `${value}%`}
      size="small"
      style={{ minWidth: 140 }}
    />
  );
}

/** Credit, target and attainment of the people (or departments) I manage, table and bar chart. */
export default function TeamPerformancePage() {
  const { t, locale } = useI18n();
  const [period, setPeriod] = useState(() => periodOf(new Date()));
  const [groupBy, setGroupBy] = useState<'user' | 'department'>('user');
  const team = useQuery({
    queryKey: perfKeys.team(period, groupBy),
    queryFn: () => fetchTeamPerformance(period, groupBy),
    retry: false,
  });
  const rows = team.data ?? [];
  const money = (amount: number | null) =>
    amount === null ? '—' : formatMoney({ amount, currency: 'CNY' }, locale);
  const forbidden = team.error instanceof ApiError && team.error.status === 403;
  const option: EChartsOption = {
    animation: chartAnimation,
    tooltip: { trigger: 'axis' },
    legend: {},
    grid: { left: 8, right: 8, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: rows.map((r) => r.name) },
    yAxis: { type: 'value' },
    series: [
      { type: 'bar', name: t('perf.revenueCredit'), data: rows.map((r) => r.revenue_credit / 100) },
      { type: 'bar', name: t('perf.target'), data: rows.map((r) => (r.target ?? 0) / 100) },
    ],
  };
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }} data-testid="team-performance-page">
      <Space wrap align="center" style={{ justifyContent: 'space-between', width: '100%' }}>
        <Typography.Title level={3} style={{ margin: 0 }}>
          {t('perf.teamTitle')}
        </Typography.Title>
        <Space wrap>
          <Segmented<'user' | 'department'>
            value={groupBy}
            onChange={setGroupBy}
            options={[
              { value: 'user', label: t('perf.byUser') },
              { value: 'department', label: t('perf.byDepartment') },
            ]}
          />
          <PeriodPicker value={period} onChange={setPeriod} />
        </Space>
      </Space>
      {forbidden && <Alert type="info" showIcon title={t('perf.forbidden')} />}
      {team.error && !forbidden && <Alert type="error" showIcon title={errorText(team.error, t)} />}
      {rows.length > 0 && (
        <Card size="small">
          <Chart option={option} height={280} testId="team-performance-chart" label={t('perf.teamTitle')} />
        </Card>
      )}
      {!forbidden && (
        <Table<PerformanceRow>
          rowKey="key"
          size="small"
          loading={team.isLoading}
          dataSource={rows}
          pagination={false}
          locale={{ emptyText: <Empty description={t('perf.teamEmpty')} /> }}
          columns={[
            { title: t('perf.name'), dataIndex: 'name' },
            ...(groupBy === 'department' ? [{ title: t('perf.people'), dataIndex: 'people' }] : []),
            {
              title: t('perf.revenueCredit'),
              key: 'r',
              align: 'right',
              render: (_: unknown, r) => money(r.revenue_credit),
            },
            {
              title: t('perf.overlayCredit'),
              key: 'o',
              align: 'right',
              render: (_: unknown, r) => money(r.overlay_credit),
            },
            { title: t('perf.target'), key: 't', align: 'right', render: (_: unknown, r) => money(r.target) },
            {
              title: t('perf.attainment'),
              key: 'a',
              render: (_: unknown, r) => <AttainmentBar value={r.attainment} />,
            },
            {
              title: t('perf.commission'),
              key: 'c',
              align: 'right',
              render: (_: unknown, r) => money(r.commission),
            },
          ]}
        />
      )}
    </Space>
  );
}

/** Commission statements I may see; approve (draft) and lock (approved) for managers and admins. */
export function StatementsPage() {
  const { t, locale } = useI18n();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const me = useMe().data;
  const [period, setPeriod] = useState(() => periodOf(new Date()));
  // approving is for admins and managers (who update orders beyond their own); the server decides per person
  const canManage = me?.role.is_admin === true || canDo(me, 'order', 'update');
  const [busy, setBusy] = useState<string | null>(null);
  const list = useQuery({ queryKey: perfKeys.statements(period), queryFn: () => fetchStatements(period) });
  const act = async (s: CommissionStatement, action: 'approve' | 'lock') => {
    setBusy(s.id);
    try {
      await statementAction(s.id, action);
      message.success(t(action === 'approve' ? 'perf.approvedToast' : 'perf.lockedToast'));
      await qc.invalidateQueries({ queryKey: ['performance'] });
    } catch (e) {
      message.error(errorText(e, t));
    } finally {
      setBusy(null);
    }
  };
  const money = (s: CommissionStatement, amount: number | null) =>
    amount === null ? '—' : formatMoney({ amount, currency: s.currency }, locale);
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }} data-testid="statements-page">
      <Space wrap align="center" style={{ justifyContent: 'space-between', width: '100%' }}>
        <Typography.Title level={3} style={{ margin: 0 }}>
          {t('perf.statementsTitle')}
        </Typography.Title>
        <PeriodPicker value={period} onChange={setPeriod} />
      </Space>
      {list.error && <Alert type="error" showIcon title={errorText(list.error, t)} />}
      <Table<CommissionStatement>
        rowKey="id"
        size="small"
        loading={list.isLoading}
        dataSource={list.data ?? []}
        pagination={false}
        locale={{ emptyText: <Empty description={t('perf.statementsEmpty')} /> }}
        columns={[
          { title: t('perf.person'), dataIndex: 'user_name' },
          {
            title: t('perf.revenueCredit'),
            key: 'r',
            align: 'right',
            render: (_: unknown, s) => money(s, s.revenue_credit),
          },
          {
            title: t('perf.target'),
            key: 't',
            align: 'right',
            render: (_: unknown, s) => money(s, s.target),
          },
          {
            title: t('perf.attainment'),
            key: 'a',
            render: (_: unknown, s) => <AttainmentBar value={s.attainment} />,
          },
          {
            title: t('perf.commission'),
            key: 'c',
            align: 'right',
            render: (_: unknown, s) => money(s, s.commission),
          },
          {
            title: t('perf.status'),
            key: 's',
            render: (_: unknown, s) => (
              <Tag color={s.status === 'locked' ? 'default' : s.status === 'approved' ? 'green' : 'gold'}>
                {t(`perf.status.${s.status}`)}
              </Tag>
            ),
          },
          {
            key: 'x',
            render: (_: unknown, s) =>
              // the server refuses one's own statement and people one does not manage (403)
              s.user_id === me?.user.id || !canManage ? null : s.status === 'draft' ? (
                <Button size="small" loading={busy === s.id} onClick={() => void act(s, 'approve')}>
                  {t('perf.approve')}
                </Button>
              ) : s.status === 'approved' ? (
                <Button size="small" loading={busy === s.id} onClick={() => void act(s, 'lock')}>
                  {t('perf.lock')}
                </Button>
              ) : null,
          },
        ]}
      />
    </Space>
  );
}
