import { Link, useSearchParams } from 'react-router';
import {
  Button,
  Card,
  Col,
  DatePicker,
  Empty,
  Progress,
  Result,
  Row,
  Segmented,
  Select,
  Skeleton,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import { EnvironmentOutlined, PhoneOutlined } from '@ant-design/icons';
import dayjs from 'dayjs';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useMe } from '../api/queries';
import { errorText } from '../api/error-text';
import { canDo } from '../auth/permissions';
import { useI18n } from '../i18n/i18n-context';
import { Chart, chartAnimation } from '../marketing/chart';
import { todayIn } from '../marketing/period';
import { DashboardHeader, KpiCard, RetryAlert } from '../objects/dashboard-parts';
import { useActivityQuickAdd } from '../activities/log-activity-button';
import { rateLineOption } from './charts';
import { useSuccessFormat } from './parts';
import { fetchOverdue, fetchTouchRate, tierKeys, type OverdueTouch, type TouchRate } from './tiers-api';
import {
  parseTouchQuery,
  periodLabel,
  PERIODS,
  rateTone,
  TOUCH_KINDS,
  touchSearch,
  type TouchKind,
  type TouchQuery,
} from './tiers-logic';

const TONE_COLOR = { success: '#389e0d', warning: '#d48806', error: '#cf1322', default: '#bfbfbf' } as const;

/**
 * 客户翻动率 (touch rate, DOMAIN.md §6.6): customers touched within their tier's call and visit
 * cadence ÷ customers due, on a day — overall, per CSM, per tier and over the last periods — and
 * the overdue-touch list a CSM starts the day with, each row with a shortcut to log the call or
 * visit. A CSM sees their book, a CS director their departments', an administrator everyone's.
 * Date, period, CSM and touch kind live in the URL.
 */
export default function TouchPage() {
  const { t } = useI18n();
  const me = useMe().data;
  const [params, setParams] = useSearchParams();
  const today = todayIn(me?.tenant.time_zone ?? 'Asia/Shanghai');
  const q = parseTouchQuery(params, today);
  const update = (patch: Partial<TouchQuery>) => setParams(touchSearch({ ...q, ...patch }, today));
  const canRead = canDo(me, 'account', 'read');
  const rate = useQuery({
    queryKey: tierKeys.rate(q.asOf, q.period, q.csm),
    queryFn: () => fetchTouchRate(q.asOf, q.period, q.csm),
    enabled: canRead,
  });
  const overdue = useQuery({
    queryKey: tierKeys.overdue(q.asOf, q.csm),
    queryFn: () => fetchOverdue(q.asOf, q.csm),
    enabled: canRead,
  });

  if (me && !canRead) return <Result status="403" subTitle={t('list.noPermission')} />;
  const csmOptions = (rate.data?.by_csm ?? []).map((c) => ({
    value: c.csm_id ?? '',
    label: c.csm_name ?? t('touch.noCsm'),
  }));

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }} data-testid="touch-page">
      <DashboardHeader title={t('touch.title')} subtitle={t('touch.subtitle', { asOf: q.asOf })}>
        <Space wrap>
          <Segmented
            value={q.period}
            onChange={(v) => update({ period: v })}
            options={PERIODS.map((p) => ({ value: p, label: t(`touch.period.${p}`) }))}
            data-testid="touch-period"
          />
          <DatePicker
            aria-label={t('touch.asOf')}
            allowClear={false}
            value={dayjs(q.asOf)}
            onChange={(d) => update({ asOf: d ? d.format('YYYY-MM-DD') : today })}
            data-testid="touch-as-of"
          />
          <Select<string>
            aria-label={t('touch.col.csm')}
            style={{ width: 200 }}
            value={q.csm ?? ''}
            onChange={(v) => update({ csm: v || null })}
            options={[{ value: '', label: t('touch.allCsms') }, ...csmOptions.filter((o) => o.value)]}
            data-testid="touch-csm"
          />
          {me?.role.is_admin && <Link to="/settings/service-tiers">{t('touch.settings')}</Link>}
        </Space>
      </DashboardHeader>
      {rate.error ? (
        <RetryAlert message={errorText(rate.error, t)} onRetry={() => void rate.refetch()} />
      ) : !rate.data ? (
        <Skeleton active paragraph={{ rows: 8 }} />
      ) : (
        <RateSection data={rate.data} query={q} onCsm={(csm) => update({ csm })} />
      )}
      <OverdueSection
        rows={overdue.data?.data ?? []}
        total={overdue.data?.meta.total ?? 0}
        loading={overdue.isPending}
        error={overdue.error}
        onRetry={() => void overdue.refetch()}
        kind={q.kind}
        onKind={(kind) => update({ kind })}
      />
    </Space>
  );
}

function RateSection({
  data,
  query,
  onCsm,
}: {
  data: TouchRate;
  query: TouchQuery;
  onCsm: (csm: string | null) => void;
}) {
  const { t } = useI18n();
  const format = useSuccessFormat();
  const pct = (r: number | null) => (r === null ? t('common.empty') : `${r.toFixed(1)}%`);
  const overdueTouches = data.by_csm.reduce((n, c) => n + c.overdue_calls + c.overdue_visits, 0);
  if (data.overall.due === 0 && data.trend.every((p) => p.due === 0))
    return (
      <Card>
        <Empty description={t('touch.empty')} />
      </Card>
    );
  return (
    <>
      <Row gutter={[12, 12]}>
        <Col xs={12} md={6}>
          <KpiCard
            title={t('touch.kpi.rate')}
            hint={t('touch.kpi.rateHint')}
            value={pct(data.overall.rate)}
            extra={
              <Typography.Text type="secondary">
                {t('touch.ratio', { touched: data.overall.touched, due: data.overall.due })}
              </Typography.Text>
            }
            testId="touch-kpi-rate"
          />
        </Col>
        <Col xs={12} md={6}>
          <KpiCard
            title={t('touch.kpi.due')}
            hint={t('touch.kpi.dueHint')}
            value={String(data.overall.due)}
            testId="touch-kpi-due"
          />
        </Col>
        <Col xs={12} md={6}>
          <KpiCard
            title={t('touch.kpi.overdue')}
            hint={t('touch.kpi.overdueHint')}
            value={String(overdueTouches)}
            testId="touch-kpi-overdue"
          />
        </Col>
        <Col xs={12} md={6}>
          <KpiCard
            title={t('touch.kpi.lastRun')}
            hint={t('touch.kpi.lastRunHint')}
            value={data.last_run_on ?? t('touch.kpi.never')}
            testId="touch-kpi-last-run"
          />
        </Col>
      </Row>
      <Row gutter={[12, 12]}>
        <Col xs={24} lg={12}>
          <Card size="small" title={t('touch.byCsm')} style={{ height: '100%' }} data-testid="touch-by-csm">
            <Space orientation="vertical" size={10} style={{ width: '100%' }}>
              {data.by_csm.map((c) => {
                const tone = rateTone(c.rate);
                const selected = query.csm !== null && query.csm === c.csm_id;
                return (
                  <div key={c.csm_id ?? 'none'} data-testid="touch-csm-row">
                    <Space style={{ justifyContent: 'space-between', width: '100%' }}>
                      <Button
                        type="link"
                        size="small"
                        style={{ padding: 0, fontWeight: selected ? 600 : undefined }}
                        disabled={c.csm_id === null}
                        onClick={() => onCsm(selected ? null : c.csm_id)}
                      >
                        {c.csm_name ?? t('touch.noCsm')}
                      </Button>
                      <Space size={4}>
                        {c.overdue_calls > 0 && (
                          <Tag color="red">{t('touch.overdueCalls', { n: c.overdue_calls })}</Tag>
                        )}
                        {c.overdue_visits > 0 && (
                          <Tag color="volcano">{t('touch.overdueVisits', { n: c.overdue_visits })}</Tag>
                        )}
                        <Typography.Text type="secondary">
                          {t('touch.ratio', { touched: c.touched, due: c.due })}
                        </Typography.Text>
                      </Space>
                    </Space>
                    <Progress
                      percent={c.rate ?? 0}
                      strokeColor={TONE_COLOR[tone]}
                      format={() => pct(c.rate)}
                      aria-label={`${c.csm_name ?? t('touch.noCsm')} ${pct(c.rate)}`}
                    />
                  </div>
                );
              })}
            </Space>
          </Card>
        </Col>
        <Col xs={24} lg={12}>
          <Card size="small" title={t('touch.trend')} style={{ height: '100%' }}>
            <Chart
              testId="touch-trend"
              label={t('touch.trendLabel')}
              height={260}
              option={rateLineOption(
                data.trend.map((p) => periodLabel(query.period, p.from)),
                t('touch.kpi.rate'),
                data.trend.map((p) => (p.rate === null ? null : p.rate / 100)),
                format,
                chartAnimation,
              )}
            />
          </Card>
        </Col>
      </Row>
      <Card size="small" title={t('touch.byTier')}>
        <Table
          size="small"
          rowKey="tier_key"
          pagination={false}
          dataSource={data.by_tier}
          columns={[
            { title: t('touch.col.tier'), dataIndex: 'label' },
            {
              title: t('touch.col.cadence'),
              key: 'cadence',
              render: (_: unknown, r: TouchRate['by_tier'][number]) =>
                [
                  r.call_every_days !== null ? t('touch.cadence.call', { n: r.call_every_days }) : null,
                  r.visit_every_days !== null ? t('touch.cadence.visit', { n: r.visit_every_days }) : null,
                ]
                  .filter(Boolean)
                  .join(' · ') || t('touch.cadence.none'),
            },
            { title: t('touch.col.customers'), dataIndex: 'customers', align: 'right' as const },
            {
              title: t('touch.col.rate'),
              key: 'rate',
              align: 'right' as const,
              render: (_: unknown, r: TouchRate['by_tier'][number]) => (
                <span style={{ color: TONE_COLOR[rateTone(r.rate)] }}>
                  {pct(r.rate)}{' '}
                  <Typography.Text type="secondary">
                    ({r.touched}/{r.due})
                  </Typography.Text>
                </span>
              ),
            },
          ]}
        />
      </Card>
    </>
  );
}

function OverdueSection({
  rows,
  total,
  loading,
  error,
  onRetry,
  kind,
  onKind,
}: {
  rows: OverdueTouch[];
  total: number;
  loading: boolean;
  error: unknown;
  onRetry: () => void;
  kind: TouchKind | null;
  onKind: (kind: TouchKind | null) => void;
}) {
  const { t } = useI18n();
  const qc = useQueryClient();
  const refresh = () => qc.invalidateQueries({ queryKey: tierKeys.touch });
  const callLog = useActivityQuickAdd({ defaultType: 'call', onLogged: refresh });
  const visitLog = useActivityQuickAdd({ defaultType: 'visit', onLogged: refresh });
  const shown = kind === null ? rows : rows.filter((r) => r.kind === kind);
  return (
    <Card
      size="small"
      title={t('touch.overdue.title')}
      extra={
        <Select<TouchKind | ''>
          aria-label={t('touch.col.kind')}
          style={{ width: 140 }}
          value={kind ?? ''}
          onChange={(v) => onKind(v || null)}
          options={[
            { value: '', label: t('touch.allKinds') },
            ...TOUCH_KINDS.map((k) => ({ value: k, label: t(`touch.kind.${k}`) })),
          ]}
          data-testid="touch-kind"
        />
      }
      data-testid="touch-overdue"
    >
      {error ? (
        <RetryAlert message={errorText(error, t)} onRetry={onRetry} />
      ) : (
        <Table<OverdueTouch>
          size="small"
          loading={loading}
          rowKey={(r) => `${r.account_id}:${r.kind}`}
          dataSource={shown}
          pagination={{ pageSize: 20, hideOnSinglePage: true }}
          locale={{
            emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('touch.overdue.empty')} />,
          }}
          footer={
            total > rows.length ? () => t('touch.overdue.more', { shown: rows.length, total }) : undefined
          }
          columns={[
            {
              title: t('touch.col.customer'),
              key: 'account',
              render: (_: unknown, r) => <Link to={`/o/account/${r.account_id}`}>{r.account_name}</Link>,
            },
            { title: t('touch.col.tier'), dataIndex: 'tier_label' },
            {
              title: t('touch.col.kind'),
              key: 'kind',
              render: (_: unknown, r) => (
                <Tag icon={r.kind === 'call' ? <PhoneOutlined /> : <EnvironmentOutlined />}>
                  {t(`touch.kind.${r.kind}`)}
                </Tag>
              ),
            },
            {
              title: t('touch.col.lastTouch'),
              key: 'last',
              render: (_: unknown, r) => r.last_touch_on ?? t('touch.never'),
            },
            { title: t('touch.col.dueOn'), dataIndex: 'due_on' },
            {
              title: t('touch.col.daysOverdue'),
              key: 'days',
              align: 'right' as const,
              render: (_: unknown, r) => (
                <Tag color={r.days_overdue > r.every_days ? 'red' : 'orange'}>
                  {t('touch.days', { n: r.days_overdue })}
                </Tag>
              ),
            },
            {
              title: t('touch.col.csm'),
              key: 'csm',
              render: (_: unknown, r) => r.csm_name ?? t('touch.noCsm'),
            },
            ...(callLog.canLog
              ? [
                  {
                    title: '',
                    key: 'log',
                    render: (_: unknown, r: OverdueTouch) => (
                      <Button
                        size="small"
                        icon={r.kind === 'call' ? <PhoneOutlined /> : <EnvironmentOutlined />}
                        onClick={() =>
                          (r.kind === 'call' ? callLog : visitLog).open({
                            object: 'account',
                            id: r.account_id,
                            name: r.account_name,
                          })
                        }
                        data-testid="touch-log"
                      >
                        {t(r.kind === 'call' ? 'touch.log.call' : 'touch.log.visit')}
                      </Button>
                    ),
                  },
                ]
              : []),
          ]}
        />
      )}
      {callLog.element}
      {visitLog.element}
    </Card>
  );
}
