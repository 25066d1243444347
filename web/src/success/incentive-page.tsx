import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { Alert, App, Button, DatePicker, Empty, Result, Space, Table, Tag, Tooltip, Typography } from 'antd';
import dayjs from 'dayjs';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useMe } from '../api/queries';
import { errorText } from '../api/error-text';
import { canDo } from '../auth/permissions';
import { useI18n } from '../i18n/i18n-context';
import type { MessageKey } from '../i18n/zh-CN';
import { todayIn } from '../marketing/period';
import { DashboardHeader } from '../objects/dashboard-parts';
import { isMonth, shiftMonth } from '../subscriptions/months';
import {
  fetchIncentive,
  incentiveAction,
  metricKeys,
  recomputeIncentive,
  type IncentiveStatement,
} from './api';
import { StatusTag, useSuccessFormat } from './parts';

const STATEMENT_STATUS: Record<IncentiveStatement['status'], { label: MessageKey; color: string }> = {
  draft: { label: 'cs.inc.status.draft', color: 'gold' },
  approved: { label: 'cs.inc.status.approved', color: 'green' },
  locked: { label: 'cs.inc.status.locked', color: 'default' },
};

type Line = IncentiveStatement['lines'][number];

/**
 * CSM incentive statements of a month (base = healthy ARR ÷ 12 × MRR rate, × the coefficient by
 * the month-over-month of the CSM's healthy ARR): draft → approved → locked. Directors and
 * administrators approve, lock and recompute drafts; the server decides per statement.
 */
export default function IncentivePage() {
  const { t } = useI18n();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const me = useMe().data;
  const [params, setParams] = useSearchParams();
  const today = todayIn(me?.tenant.time_zone ?? 'Asia/Shanghai');
  const lastMonth = shiftMonth(today.slice(0, 7), -1);
  const raw = params.get('month');
  const month = isMonth(raw) && raw <= today.slice(0, 7) ? raw : lastMonth;
  const canRead = canDo(me, 'account', 'read');
  const canManage = me?.role.is_admin === true || me?.role.key === 'cs_director';
  const list = useQuery({
    queryKey: metricKeys.incentive(month),
    queryFn: () => fetchIncentive(month),
    enabled: canRead,
  });
  const [busy, setBusy] = useState<string | null>(null);
  const format = useSuccessFormat();

  if (me && !canRead) return <Result status="403" subTitle={t('list.noPermission')} />;

  const act = async (s: IncentiveStatement, action: 'approve' | 'lock') => {
    setBusy(s.id);
    try {
      await incentiveAction(s.id, action, s.version);
      void message.success(t(action === 'approve' ? 'cs.inc.approved' : 'cs.inc.locked'));
      await qc.invalidateQueries({ queryKey: metricKeys.incentive(month) });
    } catch (err) {
      void message.error(errorText(err, t));
    } finally {
      setBusy(null);
    }
  };
  const recompute = async () => {
    setBusy('recompute');
    try {
      const r = await recomputeIncentive(month);
      void message.success(t('cs.inc.recomputed', { n: r.written }));
      await qc.invalidateQueries({ queryKey: metricKeys.incentive(month) });
    } catch (err) {
      void message.error(errorText(err, t));
    } finally {
      setBusy(null);
    }
  };
  const money = (fen: number) => format.money(fen);

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }} data-testid="incentive-page">
      <DashboardHeader title={t('cs.inc.title')} subtitle={t('cs.inc.subtitle', { month })}>
        <Space wrap>
          <DatePicker
            picker="month"
            allowClear={false}
            value={dayjs(`${month}-01`)}
            disabledDate={(d) => d.format('YYYY-MM') > today.slice(0, 7)}
            aria-label={t('cs.inc.month')}
            data-testid="incentive-month"
            onChange={(d) => d && setParams({ month: d.format('YYYY-MM') })}
          />
          {canManage && (
            <Tooltip title={t('cs.inc.recomputeHint')}>
              <Button
                loading={busy === 'recompute'}
                onClick={() => void recompute()}
                data-testid="incentive-recompute"
              >
                {t('cs.inc.recompute')}
              </Button>
            </Tooltip>
          )}
          <Link to="/success">
            <Button>{t('nav.successCockpit')}</Button>
          </Link>
        </Space>
      </DashboardHeader>
      <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
        {t('cs.inc.rule')}
      </Typography.Paragraph>
      {list.error && <Alert type="error" showIcon title={errorText(list.error, t)} />}
      <Table<IncentiveStatement>
        rowKey="id"
        size="small"
        data-testid="incentive-statements"
        loading={list.isLoading}
        dataSource={list.data ?? []}
        pagination={false}
        scroll={{ x: 'max-content' }}
        locale={{ emptyText: <Empty description={t('cs.inc.empty')} /> }}
        expandable={{
          expandedRowRender: (s) => <Lines lines={s.lines} />,
          rowExpandable: (s) => s.lines.length > 0,
        }}
        columns={[
          { key: 'csm', title: t('cs.inc.csm'), render: (_, s) => s.user_name },
          {
            key: 'healthy',
            title: t('cs.inc.healthyArr'),
            align: 'right',
            render: (_, s) => money(s.healthy_arr),
          },
          {
            key: 'prev',
            title: t('cs.inc.healthyArrPrev'),
            align: 'right',
            render: (_, s) => money(s.healthy_arr_prev),
          },
          { key: 'mom', title: t('cs.inc.mom'), align: 'right', render: (_, s) => format.rate(s.mom) },
          {
            key: 'base',
            title: t('cs.inc.base'),
            align: 'right',
            render: (_, s) => (
              <Tooltip title={t('cs.inc.baseHint', { rate: format.percent(s.mrr_rate) })}>
                <span tabIndex={0}>{money(s.base)}</span>
              </Tooltip>
            ),
          },
          {
            key: 'coef',
            title: t('cs.inc.coefficient'),
            align: 'right',
            render: (_, s) => `× ${s.coefficient}`,
          },
          {
            key: 'amount',
            title: t('cs.inc.amount'),
            align: 'right',
            render: (_, s) => (
              <strong data-testid={`incentive-amount-${s.user_id}`}>{money(s.amount)}</strong>
            ),
          },
          {
            key: 'status',
            title: t('cs.col.status'),
            render: (_, s) => (
              <Tag color={STATEMENT_STATUS[s.status].color}>{t(STATEMENT_STATUS[s.status].label)}</Tag>
            ),
          },
          {
            key: 'actions',
            title: t('cs.col.actions'),
            render: (_, s) =>
              // one's own statement is approved by someone else; the server refuses it anyway
              !canManage || s.user_id === me?.user.id ? null : s.status === 'draft' ? (
                <Button size="small" loading={busy === s.id} onClick={() => void act(s, 'approve')}>
                  {t('cs.inc.approve')}
                </Button>
              ) : s.status === 'approved' ? (
                <Button size="small" loading={busy === s.id} onClick={() => void act(s, 'lock')}>
                  {t('cs.inc.lock')}
                </Button>
              ) : null,
          },
        ]}
      />
    </Space>
  );
}

/** The customers a statement was computed from. */
function Lines({ lines }: { lines: Line[] }) {
  const { t } = useI18n();
  const format = useSuccessFormat();
  return (
    <Table<Line>
      size="small"
      rowKey="account_id"
      dataSource={lines}
      pagination={{ pageSize: 20, hideOnSinglePage: true }}
      columns={[
        {
          key: 'account',
          title: t('cs.col.account'),
          render: (_, l) => <Link to={`/o/account/${l.account_id}`}>{l.account_name}</Link>,
        },
        { key: 'arr', title: t('cs.col.arr'), align: 'right', render: (_, l) => format.money(l.arr) },
        {
          key: 'status',
          title: t('cs.col.status'),
          render: (_, l) =>
            l.status ? <StatusTag status={l.status} delayed={l.delayed} /> : t('common.empty'),
        },
        {
          key: 'healthy',
          title: t('cs.inc.healthyArr'),
          align: 'right',
          render: (_, l) => format.money(l.healthy_arr),
        },
        {
          key: 'healthyPrev',
          title: t('cs.inc.healthyArrPrev'),
          align: 'right',
          render: (_, l) => format.money(l.healthy_arr_prev),
        },
      ]}
    />
  );
}
