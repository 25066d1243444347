import { useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import {
  Button,
  Card,
  Col,
  DatePicker,
  Empty,
  Row,
  Segmented,
  Skeleton,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import dayjs from 'dayjs';
import { useMe, useObjectMeta } from '../api/queries';
import { errorText } from '../api/error-text';
import { formatDate } from '../format/date';
import { formatMoney, formatNumber } from '../format/money';
import { useI18n } from '../i18n/i18n-context';
import { DashboardHeader, KpiCard, RetryAlert } from '../objects/dashboard-parts';
import type { MessageKey } from '../i18n/zh-CN';
import { useLeadAnalytics, type Granularity, type LeadAnalytics } from './api';
import { Chart, chartAnimation } from './chart';
import {
  breakdownRows,
  funnelOption,
  invalidReasonsOption,
  kpis,
  sourceConversionOption,
  trendOption,
  type BreakdownBy,
  type ChartText,
  type FunnelStage,
} from './charts';
import {
  GRANULARITIES,
  parsePeriodQuery,
  periodBuckets,
  periodSearch,
  todayIn,
  type Preset,
  type PeriodQuery,
} from './period';
import { liveSearch } from '../objects/live-search';

const PRESET_KEYS: Record<Preset, MessageKey> = {
  this_month: 'marketing.analytics.preset.this_month',
  last_30: 'marketing.analytics.preset.last_30',
  this_quarter: 'marketing.analytics.preset.this_quarter',
  custom: 'marketing.analytics.preset.custom',
};
const GRANULARITY_KEYS: Record<Granularity, MessageKey> = {
  day: 'marketing.analytics.granularity.day',
  week: 'marketing.analytics.granularity.week',
  month: 'marketing.analytics.granularity.month',
};
const STAGE_KEYS: Record<FunnelStage['key'], MessageKey> = {
  captured: 'marketing.analytics.stage.captured',
  contacted: 'marketing.analytics.stage.contacted',
  qualified: 'marketing.analytics.stage.qualified',
  converted: 'marketing.analytics.stage.converted',
  opportunity: 'marketing.analytics.stage.opportunity',
  won: 'marketing.analytics.stage.won',
};
const MOVE_KEYS: Record<string, MessageKey> = {
  assigned: 'marketing.analytics.move.assigned',
  claimed: 'marketing.analytics.move.claimed',
  returned: 'marketing.analytics.move.returned',
  transferred: 'marketing.analytics.move.transferred',
  invalidated: 'marketing.analytics.move.invalidated',
  recycled: 'marketing.analytics.move.recycled',
  converted: 'marketing.analytics.move.converted',
  merged: 'marketing.analytics.move.merged',
};
const BREAKDOWN_KEYS: Record<BreakdownBy, MessageKey> = {
  source: 'marketing.analytics.breakdown.source',
  campaign: 'marketing.analytics.breakdown.campaign',
  owner: 'marketing.analytics.breakdown.owner',
};
const BREAKDOWN_STAGES = ['captured', 'contacted', 'qualified', 'converted', 'opportunity', 'won'] as const;

/** The funnel stages per source, campaign or owner (a tab each), with the conversion rate. */
function FunnelBreakdown({ data, text }: { data: LeadAnalytics; text: ChartText }) {
  const { t, locale } = useI18n();
  const [by, setBy] = useState<BreakdownBy>('source');
  const percent = useMemo(
    () => new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 }),
    [locale],
  );
  const rows = breakdownRows(data.funnel_breakdown[by], (r) =>
    by === 'source'
      ? text.source(r.key)
      : r.key === null
        ? t(by === 'campaign' ? 'marketing.analytics.noCampaign' : 'marketing.analytics.unassigned')
        : r.name || t('common.empty'),
  );
  return (
    <Card
      size="small"
      title={t('marketing.analytics.breakdown')}
      data-testid="funnel-breakdown"
      extra={
        <Segmented<BreakdownBy>
          size="small"
          value={by}
          onChange={setBy}
          data-testid="funnel-breakdown-by"
          options={(['source', 'campaign', 'owner'] as const).map((k) => ({
            value: k,
            label: t(BREAKDOWN_KEYS[k]),
          }))}
        />
      }
    >
      <Table
        size="small"
        rowKey="rowKey"
        scroll={{ x: 720 }}
        pagination={{ pageSize: 10, hideOnSinglePage: true }}
        dataSource={rows}
        locale={{ emptyText: t('marketing.analytics.noBreakdown') }}
        columns={[
          {
            key: 'label',
            title: t(BREAKDOWN_KEYS[by]),
            render: (_, r) =>
              by === 'campaign' && r.key ? <Link to={`/o/campaign/${r.key}`}>{r.label}</Link> : r.label,
          },
          ...BREAKDOWN_STAGES.map((s) => ({
            key: s,
            title: t(STAGE_KEYS[s]),
            dataIndex: s,
            align: 'right' as const,
            sorter: (a: (typeof rows)[number], b: (typeof rows)[number]) => a[s] - b[s],
          })),
          {
            key: 'rate',
            title: t('marketing.analytics.kpi.conversion'),
            align: 'right' as const,
            render: (_, r) => percent.format(r.conversionRate),
          },
        ]}
      />
    </Card>
  );
}

function PeriodControls({ q, onChange }: { q: PeriodQuery; onChange: (q: Partial<PeriodQuery>) => void }) {
  const { t } = useI18n();
  return (
    <Space wrap size={[12, 8]} data-testid="analytics-period">
      <Segmented<Preset>
        value={q.preset}
        options={(['this_month', 'last_30', 'this_quarter', 'custom'] as const).map((p) => ({
          value: p,
          label: t(PRESET_KEYS[p]),
        }))}
        onChange={(preset) => onChange({ preset })}
        data-testid="analytics-preset"
      />
      <DatePicker.RangePicker
        allowClear={false}
        value={[dayjs(q.from), dayjs(q.to)]}
        aria-label={t('marketing.analytics.range')}
        onChange={(v) => {
          const [a, b] = v ?? [];
          if (a && b)
            onChange({ preset: 'custom', from: a.format('YYYY-MM-DD'), to: b.format('YYYY-MM-DD') });
        }}
      />
      <Segmented<Granularity>
        value={q.granularity}
        options={GRANULARITIES.map((g) => ({ value: g, label: t(GRANULARITY_KEYS[g]) }))}
        onChange={(granularity) => onChange({ granularity })}
        data-testid="analytics-granularity"
      />
    </Space>
  );
}

function Dashboard({ data }: { data: LeadAnalytics }) {
  const { t, locale, pick } = useI18n();
  const { meta } = useObjectMeta('lead');
  const [trendKind, setTrendKind] = useState<'bar' | 'line'>('bar');
  const sourceOptions = meta?.fields.find((f) => f.api_name === 'source')?.options ?? [];
  const percent = useMemo(
    () => new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 }),
    [locale],
  );
  const text: ChartText = {
    source: (s) =>
      s === null
        ? t('marketing.analytics.unknownSource')
        : pick(sourceOptions.find((o) => o.value === s)?.label) || s,
    bucket: (b) =>
      data.period.granularity === 'month'
        ? b.slice(0, 7)
        : data.period.granularity === 'week'
          ? t('marketing.analytics.weekOf', { date: b.slice(5) })
          : b.slice(5),
    percent: (v) => percent.format(v),
  };
  const k = kpis(data);
  const money = (amount: number | null, currency: string | null) =>
    amount === null || currency === null ? t('common.empty') : formatMoney({ amount, currency }, locale);
  const hours = (h: number | null) =>
    h === null ? t('common.empty') : t('marketing.analytics.hours', { hours: formatNumber(h, locale) });
  const buckets = periodBuckets(data.period.from, data.period.to, data.period.granularity);

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Row gutter={[12, 12]}>
        <Col xs={12} md={6}>
          <KpiCard
            testId="kpi-captured"
            title={t('marketing.analytics.kpi.captured')}
            hint={t('marketing.analytics.kpi.capturedHint')}
            value={formatNumber(k.captured, locale)}
          />
        </Col>
        <Col xs={12} md={6}>
          <KpiCard
            testId="kpi-conversion"
            title={t('marketing.analytics.kpi.conversion')}
            hint={t('marketing.analytics.kpi.conversionHint')}
            value={percent.format(k.conversionRate)}
          />
        </Col>
        <Col xs={12} md={6}>
          <KpiCard
            testId="kpi-invalid"
            title={t('marketing.analytics.kpi.invalid')}
            hint={t('marketing.analytics.kpi.invalidHint')}
            value={percent.format(k.invalidRate)}
          />
        </Col>
        <Col xs={12} md={6}>
          <KpiCard
            testId="kpi-cpl"
            title={t('marketing.analytics.kpi.cpl')}
            hint={t('marketing.analytics.kpi.cplHint')}
            value={k.costPerLead ? formatMoney(k.costPerLead, locale) : t('common.empty')}
          />
        </Col>
      </Row>

      {data.funnel.captured === 0 ? (
        <Card>
          <Empty data-testid="analytics-empty" description={t('marketing.analytics.empty')}>
            <Space wrap>
              <Link to="/settings/lead-forms">
                <Button type="primary">{t('marketing.analytics.emptyForms')}</Button>
              </Link>
              <Link to="/o/lead">
                <Button>{t('marketing.analytics.emptyLeads')}</Button>
              </Link>
            </Space>
          </Empty>
        </Card>
      ) : (
        <>
          <Card
            size="small"
            title={t('marketing.analytics.trend')}
            extra={
              <Segmented<'bar' | 'line'>
                size="small"
                value={trendKind}
                onChange={setTrendKind}
                options={[
                  { value: 'bar', label: t('marketing.analytics.bar') },
                  { value: 'line', label: t('marketing.analytics.line') },
                ]}
              />
            }
          >
            <Chart
              testId="chart-trend"
              label={t('marketing.analytics.trend')}
              option={trendOption(data.trend, buckets, text, trendKind, chartAnimation)}
            />
          </Card>
          <Row gutter={[16, 16]}>
            <Col xs={24} lg={12}>
              <Card size="small" title={t('marketing.analytics.funnel')} style={{ height: '100%' }}>
                <Chart
                  testId="chart-funnel"
                  label={t('marketing.analytics.funnel')}
                  height={240}
                  option={funnelOption(data.funnel, (s) => t(STAGE_KEYS[s]), text, chartAnimation)}
                />
                {data.funnel.won_amounts.length > 0 && (
                  <Space wrap size={[4, 4]} style={{ marginTop: 8 }} data-testid="funnel-amounts">
                    {data.funnel.won_amounts.map((m) => (
                      <Tag color="green" key={m.currency} data-testid="funnel-won-amount">
                        {t('marketing.analytics.wonAmount')} {formatMoney(m, locale)}
                      </Tag>
                    ))}
                  </Space>
                )}
                <Typography.Paragraph type="secondary" style={{ margin: '8px 0 0', fontSize: 12 }}>
                  {t('marketing.analytics.contactedNote')}
                </Typography.Paragraph>
              </Card>
            </Col>
            <Col xs={24} lg={12}>
              <Card size="small" title={t('marketing.analytics.bySource')} style={{ height: '100%' }}>
                <Chart
                  testId="chart-source"
                  label={t('marketing.analytics.bySource')}
                  option={sourceConversionOption(
                    data.by_source,
                    {
                      captured: t('marketing.analytics.stage.captured'),
                      converted: t('marketing.analytics.stage.converted'),
                      rate: t('marketing.analytics.kpi.conversion'),
                    },
                    text,
                    chartAnimation,
                  )}
                />
              </Card>
            </Col>
            <Col xs={24} lg={12}>
              <Card size="small" title={t('marketing.analytics.invalidReasons')} style={{ height: '100%' }}>
                {data.invalid_reasons.length ? (
                  <Chart
                    testId="chart-invalid"
                    label={t('marketing.analytics.invalidReasons')}
                    option={invalidReasonsOption(
                      data.invalid_reasons,
                      t('marketing.analytics.noReason'),
                      chartAnimation,
                    )}
                  />
                ) : (
                  <Empty
                    image={Empty.PRESENTED_IMAGE_SIMPLE}
                    description={t('marketing.analytics.noInvalid')}
                  />
                )}
              </Card>
            </Col>
            <Col xs={24} lg={12}>
              <Card size="small" title={t('marketing.analytics.poolMoves')} style={{ height: '100%' }}>
                <Table
                  size="small"
                  rowKey="kind"
                  pagination={false}
                  dataSource={data.pool_moves}
                  locale={{ emptyText: t('marketing.analytics.noMoves') }}
                  columns={[
                    {
                      key: 'kind',
                      title: t('marketing.analytics.moveKind'),
                      render: (_, m) => {
                        const key = MOVE_KEYS[m.kind];
                        return key ? t(key) : m.kind;
                      },
                    },
                    {
                      key: 'count',
                      title: t('marketing.analytics.count'),
                      dataIndex: 'count',
                      align: 'right',
                    },
                  ]}
                />
              </Card>
            </Col>
          </Row>
          <FunnelBreakdown data={data} text={text} />
          <Card size="small" title={t('marketing.analytics.owners')}>
            <Table
              size="small"
              rowKey="owner_id"
              data-testid="owners-table"
              scroll={{ x: 640 }}
              pagination={{ pageSize: 10, hideOnSinglePage: true }}
              dataSource={data.owners}
              locale={{ emptyText: t('marketing.analytics.noOwners') }}
              columns={[
                { key: 'name', title: t('marketing.analytics.owner'), dataIndex: 'owner_name' },
                {
                  key: 'holding',
                  title: t('marketing.analytics.holding'),
                  dataIndex: 'holding',
                  align: 'right',
                  sorter: (a, b) => a.holding - b.holding,
                },
                {
                  key: 'converted',
                  title: t('marketing.analytics.stage.converted'),
                  dataIndex: 'converted',
                  align: 'right',
                  sorter: (a, b) => a.converted - b.converted,
                },
                {
                  key: 'p50',
                  title: t('marketing.analytics.firstFollowupMedian'),
                  align: 'right',
                  render: (_, o) => hours(o.first_followup_median_hours),
                },
                {
                  key: 'p90',
                  title: t('marketing.analytics.firstFollowupP90'),
                  align: 'right',
                  render: (_, o) => hours(o.first_followup_p90_hours),
                },
              ]}
            />
          </Card>
        </>
      )}
      <Card size="small" title={t('marketing.analytics.campaigns')}>
        <Table
          size="small"
          rowKey="campaign_id"
          data-testid="campaigns-table"
          scroll={{ x: 760 }}
          pagination={{ pageSize: 10, hideOnSinglePage: true }}
          dataSource={data.campaigns}
          locale={{ emptyText: t('marketing.analytics.noCampaigns') }}
          columns={[
            {
              key: 'name',
              title: t('marketing.analytics.campaign'),
              render: (_, c) => <Link to={`/o/campaign/${c.campaign_id}`}>{c.name}</Link>,
            },
            {
              key: 'cost',
              title: t('marketing.analytics.cost'),
              align: 'right',
              render: (_, c) => money(c.cost, c.currency),
            },
            { key: 'leads', title: t('marketing.analytics.leads'), dataIndex: 'leads', align: 'right' },
            {
              key: 'converted',
              title: t('marketing.analytics.stage.converted'),
              dataIndex: 'converted',
              align: 'right',
            },
            {
              key: 'cpl',
              title: t('marketing.analytics.kpi.cpl'),
              align: 'right',
              render: (_, c) => money(c.cost_per_lead, c.currency),
            },
            {
              key: 'cpc',
              title: t('marketing.analytics.costPerConverted'),
              align: 'right',
              render: (_, c) => money(c.cost_per_converted, c.currency),
            },
          ]}
        />
      </Card>
    </Space>
  );
}

/** Lead analytics (/marketing/analytics): period and granularity live in the URL. */
export default function AnalyticsPage() {
  const { t, locale } = useI18n();
  const me = useMe().data;
  const [params, setParams] = useSearchParams();
  const today = todayIn(me?.tenant.time_zone ?? 'Asia/Shanghai');
  const q = parsePeriodQuery(params, today);
  const analytics = useLeadAnalytics({ from: q.from, to: q.to, granularity: q.granularity });
  // From the URL as it is when the user acts, not as it was at the last render: two quick
  // changes (week, then this quarter) must not undo each other.
  const change = (patch: Partial<PeriodQuery>) =>
    setParams(() => periodSearch({ ...parsePeriodQuery(liveSearch(), today), ...patch }), {
      replace: false,
    });

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }} data-testid="lead-analytics">
      <DashboardHeader
        title={t('marketing.analytics.title')}
        subtitle={t('marketing.analytics.subtitle', {
          from: formatDate(q.from, locale),
          to: formatDate(q.to, locale),
        })}
      >
        <PeriodControls q={q} onChange={change} />
      </DashboardHeader>
      {analytics.error ? (
        <RetryAlert message={errorText(analytics.error, t)} onRetry={() => void analytics.refetch()} />
      ) : analytics.data ? (
        <Dashboard data={analytics.data} />
      ) : (
        <Skeleton active paragraph={{ rows: 8 }} />
      )}
    </Space>
  );
}
