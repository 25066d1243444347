import { useMemo } from 'react';
import { Link, useSearchParams } from 'react-router';
import {
  Button,
  Card,
  Col,
  DatePicker,
  Empty,
  Row,
  Select,
  Skeleton,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import dayjs from 'dayjs';
import { useMe } from '../api/queries';
import { errorText } from '../api/error-text';
import { formatDate } from '../format/date';
import { formatMoney, formatNumber } from '../format/money';
import { useI18n } from '../i18n/i18n-context';
import { DashboardHeader, HintTitle, KpiCard, RetryAlert } from '../objects/dashboard-parts';
import { Chart, chartAnimation } from '../marketing/chart';
import { isYmd, todayIn } from '../marketing/period';
import {
  useDepartments,
  useDirectoryUsers,
  useFunnel,
  usePipelines,
  type FunnelQuery,
  type SalesFunnel,
} from './forecast-api';
import { inSet, orderByCurrency, periodStartOf, readableDepartments } from './forecast-logic';
import { COVERAGE_COLOUR, coverageLevel, formatCoverage } from './targets-logic';
import { conversionMatrix, funnelChartOption, LEVEL_STYLE, lossReasonsOption } from './funnel-logic';
import { liveSearch } from '../objects/live-search';

function parseSearch(params: URLSearchParams, today: string): FunnelQuery {
  const from = params.get('from');
  const to = params.get('to');
  const range =
    isYmd(from) && isYmd(to) && from <= to
      ? { from, to }
      : { from: periodStartOf('quarter', today), to: today };
  const pipeline = params.get('pipeline') ?? undefined;
  const owner = params.get('owner') ?? undefined;
  return { ...range, ...(pipeline ? { pipeline_id: pipeline } : {}), ...(owner ? { owner_id: owner } : {}) };
}

function Dashboard({ data }: { data: SalesFunnel }) {
  const { t, locale, pick } = useI18n();
  const me = useMe().data;
  const tenantCurrency = me?.tenant.currency ?? 'CNY';
  const percent = useMemo(
    () => new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 }),
    [locale],
  );
  const pct = (v: number | null) => (v === null ? t('common.empty') : percent.format(v));
  const stageLabel = (key: string) => {
    const s = data.stages.find((x) => x.key === key);
    return s ? pick(s.name) || key : key;
  };
  const matrix = conversionMatrix(data);
  const coverage = orderByCurrency(data.pipeline_coverage, tenantCurrency);
  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Row gutter={[12, 12]}>
        <Col xs={12} md={6}>
          <KpiCard
            testId="kpi-deals"
            title={t('funnel.deals')}
            hint={t('funnel.dealsHint', { invalid: data.invalid })}
            value={formatNumber(data.deals, locale)}
          />
        </Col>
        <Col xs={12} md={6}>
          <KpiCard
            testId="kpi-win-rate"
            title={t('funnel.winRate')}
            hint={t('funnel.winRateHint')}
            value={pct(data.win_rate.rate)}
            extra={
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {t('funnel.winRateDetail', { won: data.win_rate.won, lost: data.win_rate.lost })}
              </Typography.Text>
            }
          />
        </Col>
        <Col xs={12} md={6}>
          <KpiCard
            testId="kpi-cycle"
            title={t('funnel.cycle')}
            hint={t('funnel.cycleHint')}
            value={
              data.average_cycle_days === null
                ? t('common.empty')
                : t('funnel.days', {
                    days: formatNumber(Math.round(data.average_cycle_days * 10) / 10, locale),
                  })
            }
          />
        </Col>
        <Col xs={12} md={6}>
          <Card size="small" data-testid="kpi-coverage" style={{ height: '100%' }}>
            <Space orientation="vertical" size={4}>
              <HintTitle
                title={<Typography.Text type="secondary">{t('funnel.coverage')}</Typography.Text>}
                hint={t('funnel.coverageHint')}
              />
              {coverage.length === 0 || coverage.every((c) => c.target === 0) ? (
                <Typography.Text type="secondary">{t('funnel.noTargets')}</Typography.Text>
              ) : (
                coverage.map((c) => (
                  <Space key={c.currency} size={4} wrap>
                    {c.coverage === null ? (
                      <Tag color="green">{t('targets.coverageDone')}</Tag>
                    ) : (
                      <Tag
                        color={COVERAGE_COLOUR[coverageLevel(c.coverage)]}
                        style={{ fontSize: 16, padding: '2px 8px' }}
                      >
                        {formatCoverage(c.coverage, locale)}
                      </Tag>
                    )}
                    <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                      {t('targets.pipeline', {
                        amount: formatMoney({ amount: c.open_pipeline, currency: c.currency }, locale),
                      })}
                    </Typography.Text>
                  </Space>
                ))
              )}
            </Space>
          </Card>
        </Col>
      </Row>
      {data.deals === 0 ? (
        <Card>
          <Empty data-testid="funnel-empty" description={t('funnel.empty')}>
            <Typography.Paragraph type="secondary">{t('funnel.emptyHelp')}</Typography.Paragraph>
            <Link to="/o/opportunity">
              <Button type="primary">{t('forecast.emptyAction')}</Button>
            </Link>
          </Empty>
        </Card>
      ) : (
        <>
          <Row gutter={[16, 16]}>
            <Col xs={24} lg={12}>
              <Card size="small" title={t('funnel.chart')} style={{ height: '100%' }}>
                <Chart
                  testId="chart-sales-funnel"
                  label={t('funnel.chart')}
                  height={260}
                  option={funnelChartOption(data.steps, stageLabel, (v) => percent.format(v), chartAnimation)}
                />
              </Card>
            </Col>
            <Col xs={24} lg={12}>
              <Card size="small" title={t('funnel.stepsTable')} style={{ height: '100%' }}>
                <Table
                  size="small"
                  rowKey="stage"
                  pagination={false}
                  data-testid="funnel-steps"
                  scroll={{ x: 420 }}
                  dataSource={data.steps}
                  columns={[
                    { key: 'stage', title: t('funnel.pipeline'), render: (_, s) => stageLabel(s.stage) },
                    { key: 'count', title: t('funnel.count'), dataIndex: 'count', align: 'right' },
                    {
                      key: 'amount',
                      title: t('funnel.amount'),
                      align: 'right',
                      render: (_, s) => (
                        <Space orientation="vertical" size={0}>
                          {orderByCurrency(s.amounts, tenantCurrency).map((m) => (
                            <span key={m.currency}>{formatMoney(m, locale)}</span>
                          ))}
                        </Space>
                      ),
                    },
                    {
                      key: 'conversion',
                      title: t('funnel.conversion'),
                      align: 'right',
                      render: (_, s, i) => (i === 0 ? t('common.empty') : pct(s.conversion)),
                    },
                  ]}
                />
              </Card>
            </Col>
          </Row>
          <Card size="small" title={t('funnel.byRep')}>
            <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>
              {t('funnel.byRepHint')}
            </Typography.Paragraph>
            <Table
              size="small"
              rowKey={(r) => r.owner.owner_id ?? 'none'}
              data-testid="funnel-by-rep"
              scroll={{ x: 240 + data.steps.length * 110 }}
              pagination={{ pageSize: 20, hideOnSinglePage: true }}
              dataSource={matrix}
              summary={() => (
                <Table.Summary.Row>
                  <Table.Summary.Cell index={0}>
                    <Typography.Text strong>{t('funnel.team')}</Typography.Text>
                  </Table.Summary.Cell>
                  <Table.Summary.Cell index={1} align="right">
                    {data.deals}
                  </Table.Summary.Cell>
                  {data.steps.slice(1).map((s, i) => (
                    <Table.Summary.Cell index={i + 2} key={s.stage} align="right">
                      {pct(s.conversion)}
                    </Table.Summary.Cell>
                  ))}
                  <Table.Summary.Cell index={data.steps.length + 1} align="right">
                    {pct(data.win_rate.rate)}
                  </Table.Summary.Cell>
                </Table.Summary.Row>
              )}
              columns={[
                {
                  key: 'owner',
                  title: t('funnel.owner'),
                  fixed: 'left',
                  render: (_, r) => r.owner.owner_name ?? t('forecast.noOwner'),
                },
                { key: 'deals', title: t('funnel.deals'), align: 'right', render: (_, r) => r.owner.deals },
                ...data.steps.slice(1).map((s, i) => ({
                  key: s.stage,
                  title: stageLabel(s.stage),
                  align: 'right' as const,
                  onCell: (r: (typeof matrix)[number]) => ({
                    style: LEVEL_STYLE[r.cells[i]?.level ?? 'none'],
                  }),
                  render: (_: unknown, r: (typeof matrix)[number]) => {
                    const c = r.cells[i];
                    return <span data-level={c?.level}>{pct(c?.rate ?? null)}</span>;
                  },
                })),
                {
                  key: 'win',
                  title: t('funnel.winRate'),
                  align: 'right',
                  render: (_, r) => pct(r.owner.win_rate.rate),
                },
              ]}
            />
          </Card>
          <Card size="small" title={t('funnel.lossReasons')}>
            {data.loss_reasons.length ? (
              <Chart
                testId="chart-loss-reasons"
                label={t('funnel.lossReasons')}
                height={Math.max(160, data.loss_reasons.length * 36)}
                option={lossReasonsOption(
                  data.loss_reasons,
                  t('funnel.noReason'),
                  t('funnel.count'),
                  chartAnimation,
                )}
              />
            ) : (
              <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('funnel.noLoss')} />
            )}
          </Card>
        </>
      )}
    </Space>
  );
}

/** Sales funnel (/sales/funnel): range, pipeline and owner live in the URL. */
export default function FunnelPage() {
  const { t, locale, pick } = useI18n();
  const me = useMe().data;
  const [params, setParams] = useSearchParams();
  const today = todayIn(me?.tenant.time_zone ?? 'Asia/Shanghai');
  const q = parseSearch(params, today);
  const funnel = useFunnel(q);
  const pipelines = usePipelines().data ?? [];
  const users = useDirectoryUsers().data ?? [];
  const departments = useDepartments().data ?? [];
  const readable = me ? readableDepartments(me, departments) : [];
  const owners = users.filter((u) => u.id === me?.user.id || inSet(readable, u.department_id));
  const change = (
    patch: Partial<{ from: string; to: string; pipeline: string | null; owner: string | null }>,
  ) =>
    setParams(() => {
      const c = parseSearch(liveSearch(), today);
      const next = {
        from: patch.from ?? c.from,
        to: patch.to ?? c.to,
        pipeline: patch.pipeline === undefined ? (c.pipeline_id ?? null) : patch.pipeline,
        owner: patch.owner === undefined ? (c.owner_id ?? null) : patch.owner,
      };
      return {
        from: next.from,
        to: next.to,
        ...(next.pipeline ? { pipeline: next.pipeline } : {}),
        ...(next.owner ? { owner: next.owner } : {}),
      };
    });
  const pipelineId = q.pipeline_id ?? funnel.data?.pipeline?.id ?? pipelines.find((p) => p.is_default)?.id;

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }} data-testid="funnel-page">
      <DashboardHeader
        title={t('funnel.title')}
        subtitle={t('funnel.subtitle', { from: formatDate(q.from, locale), to: formatDate(q.to, locale) })}
      >
        <Space wrap size={[8, 8]} data-testid="funnel-filters">
          <DatePicker.RangePicker
            allowClear={false}
            value={[dayjs(q.from), dayjs(q.to)]}
            aria-label={t('funnel.range')}
            onChange={(v) => {
              const [a, b] = v ?? [];
              if (a && b) change({ from: a.format('YYYY-MM-DD'), to: b.format('YYYY-MM-DD') });
            }}
          />
          <Select
            value={pipelineId}
            placeholder={t('funnel.pipeline')}
            options={pipelines.map((p) => ({ value: p.id, label: pick(p.name) }))}
            onChange={(v: string) => change({ pipeline: v })}
            aria-label={t('funnel.pipeline')}
            style={{ minWidth: 140 }}
          />
          <Select
            value={q.owner_id ?? ''}
            options={[
              { value: '', label: t('funnel.allOwners') },
              ...owners.map((u) => ({ value: u.id, label: u.name })),
            ]}
            showSearch={{ optionFilterProp: 'label' }}
            onChange={(v: string) => change({ owner: v || null })}
            aria-label={t('funnel.owner')}
            style={{ minWidth: 140 }}
          />
        </Space>
      </DashboardHeader>
      {funnel.error ? (
        <RetryAlert message={errorText(funnel.error, t)} onRetry={() => void funnel.refetch()} />
      ) : funnel.data ? (
        <Dashboard data={funnel.data} />
      ) : (
        <Skeleton active paragraph={{ rows: 8 }} />
      )}
    </Space>
  );
}
