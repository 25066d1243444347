import { Link, useSearchParams } from 'react-router';
import {
  Button,
  Card,
  Col,
  DatePicker,
  Empty,
  Result,
  Row,
  Skeleton,
  Space,
  Tabs,
  Tooltip,
  Typography,
} from 'antd';
import dayjs from 'dayjs';
import { useQuery } from '@tanstack/react-query';
import { useMe } from '../api/queries';
import { errorText } from '../api/error-text';
import { canDo } from '../auth/permissions';
import { useI18n } from '../i18n/i18n-context';
import { Chart, chartAnimation } from '../marketing/chart';
import { todayIn } from '../marketing/period';
import { DashboardHeader, KpiCard, RetryAlert } from '../objects/dashboard-parts';
import { fetchHealth, fetchNineGrid, metricKeys, successKeys, type HealthMeta } from './api';
import { distributionOption } from './charts';
import { cockpitSearch, parseCockpitQuery, TABS, type CockpitQuery, type CockpitTab } from './cockpit-query';
import { HealthListTab } from './health-list';
import { HealthRateSection } from './health-rate-section';
import { ModelCard } from './model-card';
import { CellDrawer, NineGridMap } from './nine-grid';
import { STATUSES } from './logic';
import { STATUS_LABEL, useSuccessFormat, type SuccessFormat } from './parts';
import { WorkQueueTab } from './work-queue';

const TAB_LABEL = {
  overview: 'cs.tab.overview',
  customers: 'cs.tab.customers',
  work: 'cs.tab.work',
} as const satisfies Record<CockpitTab, string>;

/**
 * 客户成功驾驶舱: the health of the book on a date (health rate, healthy ARR, customers per status,
 * the distribution), the health-rate trend and the healthy-ARR bridge over a month range, the
 * nine-grid with drill-down, the customer list, this week's alerts and the work-order queue, and
 * the renewal model's quality. Tab, filter, date, range and an open cell live in the URL.
 */
export default function CockpitPage() {
  const { t } = useI18n();
  const me = useMe().data;
  const [params, setParams] = useSearchParams();
  const today = todayIn(me?.tenant.time_zone ?? 'Asia/Shanghai');
  const q = parseCockpitQuery(params, today);
  const update = (patch: Partial<CockpitQuery>) => setParams(cockpitSearch({ ...q, ...patch }, today));
  const canRead = canDo(me, 'account', 'read');
  const asOf = q.asOf ?? today;
  const health = useQuery({
    queryKey: successKeys.health(asOf, null),
    queryFn: () => fetchHealth(asOf, null),
    enabled: canRead,
  });
  const grid = useQuery({
    queryKey: metricKeys.nineGrid(asOf),
    queryFn: () => fetchNineGrid(asOf),
    enabled: canRead && (q.tab === 'overview' || q.cell !== null),
  });
  const format = useSuccessFormat();

  if (me && !canRead) return <Result status="403" subTitle={t('list.noPermission')} />;
  const meta = health.data?.meta;

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }} data-testid="success-cockpit">
      <DashboardHeader
        title={t('cs.title')}
        subtitle={
          meta?.week_start
            ? t('cs.subtitle', {
                week: meta.week_start,
                version: meta.model_version ? `v${meta.model_version}` : t('cs.model.defaultsShort'),
                currency: format.currency,
              })
            : t('cs.subtitleNone')
        }
      >
        <Space wrap>
          <Tooltip title={t('cs.asOfHint')}>
            <DatePicker
              allowClear
              value={q.asOf ? dayjs(q.asOf) : null}
              placeholder={t('cs.asOfToday')}
              disabledDate={(d) => d.format('YYYY-MM-DD') > today}
              aria-label={t('cs.asOf')}
              data-testid="cockpit-as-of"
              onChange={(d) => update({ asOf: d ? d.format('YYYY-MM-DD') : null })}
            />
          </Tooltip>
          <Link to="/success/incentive">
            <Button>{t('cs.toIncentive')}</Button>
          </Link>
        </Space>
      </DashboardHeader>

      {health.error && (
        <RetryAlert message={errorText(health.error, t)} onRetry={() => void health.refetch()} />
      )}

      <Tabs
        activeKey={q.tab}
        onChange={(k) => update({ tab: k as CockpitTab })}
        items={TABS.map((k) => ({
          key: k,
          label: t(TAB_LABEL[k]),
          children:
            k !== q.tab ? null : k === 'overview' ? (
              health.isLoading ? (
                <Skeleton active paragraph={{ rows: 8 }} />
              ) : !meta?.week_start ? (
                <NoScores />
              ) : (
                <Space orientation="vertical" size={16} style={{ width: '100%' }}>
                  <Overview
                    meta={meta}
                    format={format}
                    onStatus={(s) => update({ tab: 'customers', status: s })}
                    grid={
                      grid.error ? (
                        <RetryAlert message={errorText(grid.error, t)} onRetry={() => void grid.refetch()} />
                      ) : grid.data ? (
                        <NineGridMap grid={grid.data} onOpen={(cell) => update({ cell })} />
                      ) : (
                        <Skeleton active />
                      )
                    }
                  />
                  <HealthRateSection
                    from={q.from}
                    to={q.to}
                    thisMonth={today.slice(0, 7)}
                    format={format}
                    onRange={(from, to) => update({ from, to })}
                  />
                  <ModelCard format={format} />
                </Space>
              )
            ) : k === 'customers' ? (
              !health.isLoading && !meta?.week_start ? (
                <NoScores />
              ) : (
                <HealthListTab
                  list={health.data}
                  loading={health.isLoading}
                  status={q.status}
                  onStatus={(status) => update({ status })}
                />
              )
            ) : (
              <WorkQueueTab />
            ),
        }))}
      />
      <CellDrawer grid={grid.data} cell={q.cell} onClose={() => update({ cell: null })} />
    </Space>
  );
}

/** No weekly scores yet: where they come from and what to do. */
function NoScores() {
  const { t } = useI18n();
  const isAdmin = useMe().data?.role.is_admin === true;
  return (
    <Card>
      <Empty
        data-testid="cockpit-empty"
        description={
          <Space orientation="vertical" size={4}>
            <Typography.Text strong>{t('cs.empty.title')}</Typography.Text>
            <Typography.Text type="secondary">{t('cs.empty.telemetry')}</Typography.Text>
            <Typography.Text type="secondary">{t('cs.empty.weekly')}</Typography.Text>
            {!isAdmin && <Typography.Text type="secondary">{t('cs.empty.askAdmin')}</Typography.Text>}
          </Space>
        }
      >
        {isAdmin && (
          <Space wrap>
            <Link to="/settings/jobs">
              <Button type="primary">{t('cs.empty.runJob')}</Button>
            </Link>
            <Link to="/settings/health-model">
              <Button>{t('cs.empty.model')}</Button>
            </Link>
          </Space>
        )}
      </Empty>
    </Card>
  );
}

function Overview({
  meta,
  format,
  onStatus,
  grid,
}: {
  meta: HealthMeta;
  format: SuccessFormat;
  onStatus: (s: (typeof STATUSES)[number]) => void;
  /** the nine-grid card's body */
  grid: React.ReactNode;
}) {
  const { t } = useI18n();
  const dist = (s: (typeof STATUSES)[number]) => meta.distribution.find((d) => d.status === s);
  const customers = meta.distribution.reduce((s, d) => s + d.customers, 0);
  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Row gutter={[12, 12]}>
        <Col xs={12} md={8} xl={4}>
          <KpiCard
            testId="kpi-health-rate"
            title={t('cs.kpi.healthRate')}
            hint={t('cs.kpi.healthRateHint', { week: meta.week_start ?? '' })}
            value={format.rate(meta.health_rate)}
          />
        </Col>
        <Col xs={12} md={8} xl={4}>
          <KpiCard
            testId="kpi-healthy-arr"
            title={t('cs.kpi.healthyArr')}
            hint={t('cs.kpi.healthyArrHint')}
            value={format.money(meta.healthy_arr)}
            extra={
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {t('cs.kpi.ofTotal', { total: format.money(meta.total_arr) })}
              </Typography.Text>
            }
          />
        </Col>
        {STATUSES.map((s) => (
          <Col key={s} xs={12} md={8} xl={4}>
            <KpiCard
              testId={`kpi-${s}`}
              title={t(STATUS_LABEL[s])}
              hint={t('cs.kpi.statusHint', { total: customers })}
              value={String(dist(s)?.customers ?? 0)}
              extra={
                <Button
                  type="link"
                  size="small"
                  style={{ padding: 0, fontSize: 12 }}
                  onClick={() => onStatus(s)}
                  data-testid={`kpi-${s}-list`}
                >
                  {t('cs.kpi.arrOf', { arr: format.money(dist(s)?.arr ?? 0) })}
                </Button>
              }
            />
          </Col>
        ))}
      </Row>
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={8}>
          <Card size="small" title={t('cs.distribution')} style={{ height: '100%' }}>
            <Chart
              testId="health-distribution"
              label={t('cs.distributionLabel', {
                list: meta.distribution.map((d) => `${t(STATUS_LABEL[d.status])} ${d.customers}`).join('，'),
              })}
              height={280}
              option={distributionOption(
                meta.distribution,
                { ...format, status: (s) => t(STATUS_LABEL[s]) },
                chartAnimation,
              )}
            />
          </Card>
        </Col>
        <Col xs={24} xl={16}>
          <Card
            size="small"
            title={t('cs.grid.title')}
            style={{ height: '100%' }}
            extra={
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {t('cs.grid.hint')}
              </Typography.Text>
            }
          >
            {grid}
          </Card>
        </Col>
      </Row>
    </Space>
  );
}
