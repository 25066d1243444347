import { Link, useSearchParams } from 'react-router';
import { Card, Col, Empty, Result, Row, Segmented, Spin, Switch, Table, Tag, Typography } from 'antd';
import { useMe } from '../api/queries';
import { errorText } from '../api/error-text';
import { canDo } from '../auth/permissions';
import { useI18n } from '../i18n/i18n-context';
import { Chart, chartAnimation } from '../marketing/chart';
import { addDays, todayIn } from '../marketing/period';
import { DashboardHeader, KpiCard, RetryAlert } from '../objects/dashboard-parts';
import { useDurations, useJourneyList, type JourneySummary } from './journeys-api';
import { durationsOption } from './journeys-logic';

const PERIODS = [90, 180, 365] as const;
type Period = (typeof PERIODS)[number];

/**
 * Lifecycle journeys across the customers the caller may see: how long each stage takes against its
 * plan (mean and median days, late completions, stages under way and overdue) over a period, and
 * the journeys under way, overdue first. The period and the overdue filter live in the URL.
 */
export default function JourneysPage() {
  const { t } = useI18n();
  const me = useMe().data;
  const [params, setParams] = useSearchParams();
  const raw = Number(params.get('days'));
  const days: Period = PERIODS.find((p) => p === raw) ?? 180;
  const overdueOnly = params.get('overdue') === 'true';
  const today = todayIn(me?.tenant.time_zone ?? 'Asia/Shanghai');
  const from = addDays(today, -days);
  const canRead = canDo(me, 'account', 'read');
  const report = useDurations(from, today);
  const list = useJourneyList(overdueOnly);
  if (me && !canRead) return <Result status="403" subTitle={t('list.noPermission')} />;
  const set = (key: string, value: string | null) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next, { replace: true });
  };
  const r = report.data;
  const stages = r?.stages ?? [];
  return (
    <div>
      <DashboardHeader title={t('journeys.title')} subtitle={t('journeys.subtitle', { from, to: today })}>
        <Segmented<Period>
          value={days}
          onChange={(v) => set('days', String(v))}
          options={PERIODS.map((p) => ({ value: p, label: t('journeys.lastDays', { n: p }) }))}
          data-testid="journeys-period"
        />
      </DashboardHeader>
      {report.error ? (
        <RetryAlert message={errorText(report.error, t)} onRetry={() => void report.refetch()} />
      ) : !r ? (
        <Spin />
      ) : (
        <>
          <Row gutter={[12, 12]}>
            <Col xs={12} md={6}>
              <KpiCard
                title={t('journeys.kpi.active')}
                hint={t('journeys.kpi.activeHint')}
                value={String(list.data?.meta.total ?? '—')}
                testId="journeys-kpi-active"
              />
            </Col>
            <Col xs={12} md={6}>
              <KpiCard
                title={t('journeys.kpi.overdue')}
                hint={t('journeys.kpi.overdueHint')}
                value={String(list.data?.meta.overdue ?? '—')}
                testId="journeys-kpi-overdue"
              />
            </Col>
            <Col xs={12} md={6}>
              <KpiCard
                title={t('journeys.kpi.started')}
                hint={t('journeys.kpi.startedHint')}
                value={String(r.started)}
                testId="journeys-kpi-started"
              />
            </Col>
            <Col xs={12} md={6}>
              <KpiCard
                title={t('journeys.kpi.completed')}
                hint={t('journeys.kpi.completedHint')}
                value={String(r.completed)}
                testId="journeys-kpi-completed"
              />
            </Col>
          </Row>
          <Card size="small" title={t('journeys.report.title')} style={{ marginTop: 12 }}>
            {stages.every((s) => s.completed === 0) ? (
              <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('journeys.report.empty')} />
            ) : (
              <Chart
                testId="journeys-durations"
                label={t('journeys.report.title')}
                height={280}
                option={durationsOption(
                  stages,
                  {
                    mean: t('journeys.report.mean'),
                    median: t('journeys.report.median'),
                    planned: t('journeys.report.planned'),
                    days: (n) => t('journeys.days', { n }),
                  },
                  chartAnimation,
                )}
              />
            )}
            <Table
              size="small"
              style={{ marginTop: 8 }}
              pagination={false}
              rowKey="key"
              dataSource={stages}
              data-testid="journeys-durations-table"
              columns={[
                { title: t('journeys.report.stage'), dataIndex: 'name' },
                {
                  title: t('journeys.report.planned'),
                  align: 'right',
                  render: (_, s) => (s.planned_days === null ? t('common.empty') : s.planned_days),
                },
                { title: t('journeys.report.completedCount'), dataIndex: 'completed', align: 'right' },
                {
                  title: t('journeys.report.mean'),
                  align: 'right',
                  render: (_, s) => s.mean_days ?? t('common.empty'),
                },
                {
                  title: t('journeys.report.median'),
                  align: 'right',
                  render: (_, s) => s.median_days ?? t('common.empty'),
                },
                { title: t('journeys.report.late'), dataIndex: 'completed_late', align: 'right' },
                { title: t('journeys.report.open'), dataIndex: 'open', align: 'right' },
                {
                  title: t('journeys.report.openOverdue'),
                  align: 'right',
                  render: (_, s) =>
                    s.open_overdue > 0 ? <Tag color="red">{s.open_overdue}</Tag> : s.open_overdue,
                },
              ]}
            />
          </Card>
        </>
      )}
      <Card
        size="small"
        style={{ marginTop: 12 }}
        title={t('journeys.list.title')}
        extra={
          <span>
            <Typography.Text style={{ marginInlineEnd: 8 }}>{t('journeys.list.overdueOnly')}</Typography.Text>
            <Switch
              size="small"
              checked={overdueOnly}
              onChange={(v) => set('overdue', v ? 'true' : null)}
              aria-label={t('journeys.list.overdueOnly')}
              data-testid="journeys-overdue-only"
            />
          </span>
        }
      >
        {list.error ? (
          <RetryAlert message={errorText(list.error, t)} onRetry={() => void list.refetch()} />
        ) : (
          <Table<JourneySummary>
            size="small"
            rowKey="id"
            loading={list.isPending}
            dataSource={list.data?.data ?? []}
            pagination={{ pageSize: 20, hideOnSinglePage: true }}
            data-testid="journeys-list"
            columns={[
              {
                title: t('journeys.list.account'),
                render: (_, j) => <Link to={`/o/account/${j.account_id}`}>{j.account_name}</Link>,
              },
              {
                title: t('journeys.list.stage'),
                render: (_, j) => (
                  <span>
                    {j.current_stage_name ?? t('common.empty')}{' '}
                    <Typography.Text type="secondary">
                      ({j.stages_done}/{j.stages_total})
                    </Typography.Text>
                  </span>
                ),
              },
              {
                title: t('journeys.list.due'),
                render: (_, j) => (
                  <span>
                    {j.current_due_on ?? t('common.empty')}{' '}
                    {j.overdue && <Tag color="red">{t('journeys.overdueDays', { n: j.overdue_days })}</Tag>}
                  </span>
                ),
              },
              { title: t('journeys.list.owner'), render: (_, j) => j.owner_name ?? t('common.empty') },
              { title: t('journeys.list.started'), dataIndex: 'started_on' },
            ]}
          />
        )}
      </Card>
    </div>
  );
}
