import { useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import {
  Alert,
  Button,
  Card,
  Col,
  DatePicker,
  Empty,
  Row,
  Segmented,
  Select,
  Skeleton,
  Space,
  Table,
  Tag,
  Tooltip,
  Typography,
} from 'antd';
import { LeftOutlined, RightOutlined } from '@ant-design/icons';
import dayjs from 'dayjs';
import { useMe } from '../api/queries';
import { errorText } from '../api/error-text';
import type { Me } from '../api/types';
import { formatDate, formatDateTime } from '../format/date';
import { formatMoney } from '../format/money';
import { useI18n } from '../i18n/i18n-context';
import { DashboardHeader, KpiCard, RetryAlert } from '../objects/dashboard-parts';
import type { MessageKey } from '../i18n/zh-CN';
import { Chart, chartAnimation } from '../marketing/chart';
import { todayIn } from '../marketing/period';
import {
  useAccuracy,
  useDepartments,
  useDirectoryUsers,
  useForecast,
  type Forecast,
  type ForecastFigures,
  type ForecastPeriodKind,
} from './forecast-api';
import { AdjustForecastDialog, SubmitForecastDialog } from './forecast-dialogs';
import {
  accuracyOption,
  accuracySeries,
  cumulativeCells,
  currenciesOf,
  CUMULATIVE,
  figureIn,
  forecastSearch,
  inSet,
  isManagerOf,
  managedDepartments,
  parseForecastSearch,
  periodLabel,
  periodStartOf,
  readableDepartments,
  repStackOption,
  shiftPeriod,
  subjectQuery,
  subjectValue,
  type CumulativeCategory,
  type ForecastSearch,
  type Subject,
} from './forecast-logic';
import { liveSearch } from '../objects/live-search';

export const CATEGORY_KEYS: Record<CumulativeCategory, MessageKey> = {
  closed: 'forecast.cat.closed',
  commit: 'forecast.cat.commit',
  best_case: 'forecast.cat.best_case',
  pipeline: 'forecast.cat.pipeline',
};
const HINT_KEYS: Record<CumulativeCategory, MessageKey> = {
  closed: 'forecast.hint.closed',
  commit: 'forecast.hint.commit',
  best_case: 'forecast.hint.best_case',
  pipeline: 'forecast.hint.pipeline',
};

/** Names of the people who made adjustments (the directory; ids when it cannot be read). */
function useUserNames(): (id: string | null) => string {
  const users = useDirectoryUsers().data;
  return useMemo(() => {
    const map = new Map((users ?? []).map((u) => [u.id, u.name]));
    return (id) => (id ? (map.get(id) ?? id.slice(0, 8)) : '');
  }, [users]);
}

/** The system figure with the manager's adjustment beside it (note on hover). */
function FigureCell({
  f,
  category,
  tagOnly = false,
}: {
  f: ForecastFigures;
  category: CumulativeCategory;
  /** only the adjustment (the KPI card shows the system figure itself) */
  tagOnly?: boolean;
}) {
  const { t, locale } = useI18n();
  const me = useMe().data;
  const nameOf = useUserNames();
  const cell = cumulativeCells(f).find((c) => c.category === category);
  if (!cell) return null;
  const a = cell.adjustment;
  return (
    <span style={{ whiteSpace: 'nowrap' }}>
      {tagOnly ? null : formatMoney({ amount: cell.amount, currency: f.currency }, locale)}
      {a ? (
        <Tooltip
          title={t('forecast.adjustedBy', {
            who: nameOf(a.adjusted_by),
            at: formatDateTime(a.adjusted_at, me?.tenant.time_zone ?? 'Asia/Shanghai', locale),
            note: a.note ?? t('forecast.noNote'),
          })}
        >
          <Tag
            color="purple"
            style={{ marginInlineStart: 6 }}
            data-testid={`adjusted-${category}`}
            tabIndex={0}
          >
            {t('forecast.adjusted', {
              amount: formatMoney({ amount: a.amount, currency: a.currency }, locale),
            })}
          </Tag>
        </Tooltip>
      ) : null}
    </span>
  );
}

function Kpis({ data, currencies }: { data: Forecast; currencies: string[] }) {
  const { t, locale } = useI18n();
  return (
    <Space orientation="vertical" size={12} style={{ width: '100%' }}>
      {currencies.map((currency) => {
        const f = figureIn(data.totals, currency);
        if (!f && currency !== data.currency) return null;
        const money = (amount: number) => formatMoney({ amount, currency }, locale);
        const cells = f ? cumulativeCells(f) : [];
        return (
          <div key={currency} data-testid={`kpis-${currency}`}>
            {currencies.length > 1 ? <Typography.Text strong>{currency}</Typography.Text> : null}
            <Row gutter={[12, 12]}>
              {CUMULATIVE.map((c) => {
                const cell = cells.find((x) => x.category === c);
                return (
                  <Col xs={12} md={8} xl={4} key={c}>
                    <KpiCard
                      testId={`kpi-${c}`}
                      title={t(CATEGORY_KEYS[c])}
                      hint={t(HINT_KEYS[c])}
                      value={money(cell?.amount ?? 0)}
                      extra={
                        <Space size={4} wrap>
                          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                            {t('forecast.deals', { count: cell?.count ?? 0 })}
                          </Typography.Text>
                          {cell?.adjustment && f ? <FigureCell f={f} category={c} tagOnly /> : null}
                        </Space>
                      }
                    />
                  </Col>
                );
              })}
              <Col xs={12} md={8} xl={4}>
                <KpiCard
                  testId="kpi-weighted"
                  title={t('forecast.weighted')}
                  hint={t('forecast.hint.weighted')}
                  value={money(f?.weighted ?? 0)}
                />
              </Col>
              <Col xs={12} md={8} xl={4}>
                <KpiCard
                  testId="kpi-stage-conversion"
                  title={t('forecast.stageConversion')}
                  hint={t('forecast.hint.stageConversion', { months: data.conversion_months })}
                  value={money(f?.stage_conversion ?? 0)}
                />
              </Col>
            </Row>
          </div>
        );
      })}
      {currencies.length > 1 ? (
        <Typography.Text type="secondary">{t('forecast.currencyNote')}</Typography.Text>
      ) : null}
    </Space>
  );
}

function ByRep({
  data,
  currencies,
  canAdjust,
  onAdjust,
}: {
  data: Forecast;
  currencies: string[];
  canAdjust: (ownerId: string | null) => boolean;
  onAdjust: (row: Forecast['rows'][number]) => void;
}) {
  const { t, locale } = useI18n();
  const [chartCurrency, setChartCurrency] = useState(currencies[0] ?? data.currency);
  const lines = (figures: ForecastFigures[], render: (f: ForecastFigures) => React.ReactNode) => (
    <Space orientation="vertical" size={0}>
      {currencies.map((c) => {
        const f = figureIn(figures, c);
        return f ? <span key={c}>{render(f)}</span> : null;
      })}
    </Space>
  );
  const name = (r: Forecast['rows'][number]) => r.owner_name ?? t('forecast.noOwner');
  const anyAdjust = data.rows.some((r) => canAdjust(r.owner_id));
  return (
    <>
      <Card size="small" title={t('forecast.byRep')}>
        <Table
          size="small"
          rowKey={(r) => r.owner_id ?? 'none'}
          data-testid="forecast-by-rep"
          scroll={{ x: 820 }}
          pagination={{ pageSize: 20, hideOnSinglePage: true }}
          dataSource={data.rows}
          columns={[
            { key: 'rep', title: t('forecast.rep'), fixed: 'left', render: (_, r) => name(r) },
            ...CUMULATIVE.map((c) => ({
              key: c,
              title: t(CATEGORY_KEYS[c]),
              align: 'right' as const,
              render: (_: unknown, r: Forecast['rows'][number]) =>
                lines(r.figures, (f) => <FigureCell f={f} category={c} />),
            })),
            {
              key: 'weighted',
              title: t('forecast.weighted'),
              align: 'right' as const,
              render: (_: unknown, r: Forecast['rows'][number]) =>
                lines(r.figures, (f) => formatMoney({ amount: f.weighted, currency: f.currency }, locale)),
            },
            ...(anyAdjust
              ? [
                  {
                    key: 'adjust',
                    title: '',
                    render: (_: unknown, r: Forecast['rows'][number]) =>
                      canAdjust(r.owner_id) ? (
                        <Button
                          size="small"
                          onClick={() => onAdjust(r)}
                          aria-label={`${t('forecast.adjust')} ${name(r)}`}
                        >
                          {t('forecast.adjust')}
                        </Button>
                      ) : null,
                  },
                ]
              : []),
          ]}
        />
      </Card>
      {data.rows.length > 0 ? (
        <Card
          size="small"
          title={t('forecast.chart')}
          extra={
            currencies.length > 1 ? (
              <Segmented
                size="small"
                value={chartCurrency}
                options={currencies}
                onChange={setChartCurrency}
              />
            ) : null
          }
        >
          <Chart
            testId="chart-forecast-reps"
            label={t('forecast.chart')}
            option={repStackOption(
              data.rows.map((r) => ({ name: name(r), figures: r.figures })),
              chartCurrency,
              (c) => t(CATEGORY_KEYS[c]),
              (amount) => formatMoney({ amount, currency: chartCurrency }, locale),
              chartAnimation,
            )}
          />
        </Card>
      ) : null}
    </>
  );
}

function History({
  period,
  start,
  currency,
}: {
  period: ForecastPeriodKind;
  start: string;
  currency: string;
}) {
  const { t, locale } = useI18n();
  const me = useMe().data;
  const accuracy = useAccuracy(period, start);
  const tz = me?.tenant.time_zone ?? 'Asia/Shanghai';
  const data = accuracy.data;
  const currencies = useMemo(() => {
    const set = new Set([currency, ...(data?.rows ?? []).map((r) => r.currency)]);
    return [...set];
  }, [data, currency]);
  const [chartCurrency, setChartCurrency] = useState(currency);
  const points = data ? accuracySeries(data.rows, chartCurrency) : [];
  const money = (amount: number | null, c: string) =>
    amount === null ? t('common.empty') : formatMoney({ amount, currency: c }, locale);
  const pct = (v: number | null) => (v === null ? t('common.empty') : `${v > 0 ? '+' : ''}${v}%`);
  if (accuracy.error) return <Alert type="error" showIcon title={errorText(accuracy.error, t)} />;
  if (!data) return <Skeleton active />;
  return (
    <Row gutter={[16, 16]}>
      <Col xs={24} xl={12}>
        <Card size="small" title={t('forecast.history')} style={{ height: '100%' }}>
          <Table
            size="small"
            rowKey={(r) => `${r.id}-${r.currency}`}
            data-testid="forecast-history"
            scroll={{ x: 640 }}
            pagination={{ pageSize: 10, hideOnSinglePage: true }}
            dataSource={[...data.rows].reverse()}
            locale={{ emptyText: t('forecast.historyEmpty') }}
            columns={[
              {
                key: 'kind',
                title: t('forecast.col.kind'),
                render: (_, r) => (
                  <Tag color={r.kind === 'submission' ? 'blue' : undefined}>
                    {t(`forecast.kind.${r.kind}`)}
                  </Tag>
                ),
              },
              {
                key: 'subject',
                title: t('forecast.col.subject'),
                render: (_, r) => r.subject_name ?? t('common.empty'),
              },
              {
                key: 'when',
                title: t('forecast.col.when'),
                render: (_, r) =>
                  r.kind === 'submission'
                    ? formatDateTime(r.created_at, tz, locale)
                    : formatDate(r.taken_on, locale),
              },
              {
                key: 'commit',
                title: t('forecast.col.commit'),
                align: 'right',
                render: (_, r) => money(r.commit, r.currency),
              },
              {
                key: 'weighted',
                title: t('forecast.col.weighted'),
                align: 'right',
                render: (_, r) => money(r.weighted, r.currency),
              },
              {
                key: 'actual',
                title: t('forecast.col.actual'),
                align: 'right',
                render: (_, r) => money(r.actual_won, r.currency),
              },
              {
                key: 'err',
                title: t('forecast.col.error'),
                align: 'right',
                render: (_, r) => pct(r.commit_error_pct),
              },
            ]}
          />
        </Card>
      </Col>
      <Col xs={24} xl={12}>
        <Card
          size="small"
          title={t('forecast.accuracy')}
          style={{ height: '100%' }}
          extra={
            currencies.length > 1 ? (
              <Segmented
                size="small"
                value={chartCurrency}
                options={currencies}
                onChange={setChartCurrency}
              />
            ) : null
          }
        >
          <Alert
            type={data.period_closed ? 'success' : 'info'}
            showIcon
            data-testid="accuracy-explain"
            title={data.period_closed ? t('forecast.accuracyClosed') : t('forecast.accuracyOpen')}
            style={{ marginBottom: 8 }}
          />
          {points.length ? (
            <Chart
              testId="chart-accuracy"
              label={t('forecast.accuracy')}
              height={260}
              option={accuracyOption(
                points,
                {
                  commit: t('forecast.col.commit'),
                  weighted: t('forecast.col.weighted'),
                  actual: t('forecast.col.actual'),
                  error: t('forecast.errorLine'),
                },
                (amount) => formatMoney({ amount, currency: chartCurrency }, locale),
                chartAnimation,
              )}
            />
          ) : (
            <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('forecast.accuracyEmpty')} />
          )}
        </Card>
      </Col>
    </Row>
  );
}

function SubjectPicker({ me, value, onChange }: { me: Me; value: Subject; onChange: (s: Subject) => void }) {
  const { t } = useI18n();
  const departments = useDepartments().data ?? [];
  const users = useDirectoryUsers().data ?? [];
  const readable = readableDepartments(me, departments);
  const manager = isManagerOf(managedDepartments(me, departments));
  const depts = departments.filter((d) => inSet(readable, d.id));
  const reps = users.filter((u) => u.id !== me.user.id && inSet(readable, u.department_id));
  const options = [
    ...(manager ? [{ value: 'all', label: t('forecast.subject.all') }] : []),
    { value: 'me', label: t('forecast.subject.me') },
    ...(depts.length
      ? [
          {
            label: t('forecast.subject.departments'),
            options: depts.map((d) => ({ value: `dept:${d.id}`, label: d.name })),
          },
        ]
      : []),
    ...(reps.length
      ? [
          {
            label: t('forecast.subject.reps'),
            options: reps.map((u) => ({ value: `owner:${u.id}`, label: u.name })),
          },
        ]
      : []),
  ];
  return (
    <Select
      value={subjectValue(value)}
      onChange={(v: string) =>
        onChange(
          v.startsWith('owner:')
            ? { kind: 'owner', id: v.slice(6) }
            : v.startsWith('dept:')
              ? { kind: 'department', id: v.slice(5) }
              : v === 'all'
                ? { kind: 'all' }
                : { kind: 'me' },
        )
      }
      options={options}
      showSearch={{ optionFilterProp: 'label' }}
      style={{ minWidth: 160 }}
      aria-label={t('forecast.subject')}
      data-testid="forecast-subject"
    />
  );
}

/** Forecast (/sales/forecast): period, start and subject live in the URL. */
export default function ForecastPage() {
  const { t, locale } = useI18n();
  const me = useMe().data;
  const departments = useDepartments().data ?? [];
  const [params, setParams] = useSearchParams();
  const today = todayIn(me?.tenant.time_zone ?? 'Asia/Shanghai');
  const managed = me ? managedDepartments(me, departments) : [];
  const manager = isManagerOf(managed);
  const q = parseForecastSearch(params, today, manager);
  const forecast = useForecast({
    period: q.period,
    start: q.start,
    ...subjectQuery(q.subject, me?.user.id ?? ''),
  });
  const [submitOpen, setSubmitOpen] = useState(false);
  const [adjusting, setAdjusting] = useState<Forecast['rows'][number] | null>(null);
  const change = (patch: Partial<ForecastSearch>) =>
    setParams(() => forecastSearch({ ...parseForecastSearch(liveSearch(), today, manager), ...patch }));
  const data = forecast.data;
  const currencies = data
    ? currenciesOf([data.totals, ...data.rows.map((r) => r.figures)], data.currency)
    : [];
  const end = data?.period.end ?? q.start;
  const periodText = periodLabel(q.period, q.start);

  // what "submit" means here: a managed department's forecast, else my own
  const deptId = q.subject.kind === 'department' && inSet(managed, q.subject.id) ? q.subject.id : undefined;
  const ownFigures =
    q.subject.kind === 'me' || deptId
      ? (data?.totals ?? [])
      : (data?.rows.find((r) => r.owner_id === me?.user.id)?.figures ?? []);
  const deptName = deptId ? (departments.find((d) => d.id === deptId)?.name ?? '') : '';
  const isEmpty =
    data !== undefined &&
    data.rows.length === 0 &&
    data.totals.every((f) => f.forecast.pipeline.count + f.forecast.closed.count === 0);
  const users = useDirectoryUsers().data;
  // the server decides too (403 outside the managed departments); this only hides the button
  const canAdjust = (ownerId: string | null) => {
    if (!manager || !ownerId) return false;
    return inSet(managed, users?.find((u) => u.id === ownerId)?.department_id ?? null);
  };
  const adjustTarget = useMemo(
    () =>
      adjusting?.owner_id
        ? { ownerId: adjusting.owner_id, name: adjusting.owner_name ?? '', figures: adjusting.figures }
        : null,
    [adjusting],
  );

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }} data-testid="forecast-page">
      <DashboardHeader
        title={t('forecast.title')}
        subtitle={t('forecast.subtitle', { from: formatDate(q.start, locale), to: formatDate(end, locale) })}
      >
        <Button
          type="primary"
          onClick={() => setSubmitOpen(true)}
          disabled={!data}
          data-testid="forecast-submit"
        >
          {deptId ? t('forecast.submitDept') : t('forecast.submit')}
        </Button>
      </DashboardHeader>
      <Space wrap size={[8, 8]} data-testid="forecast-controls">
        <Segmented<ForecastPeriodKind>
          value={q.period}
          options={[
            { value: 'month', label: t('forecast.period.month') },
            { value: 'quarter', label: t('forecast.period.quarter') },
          ]}
          onChange={(period) => change({ period, start: periodStartOf(period, q.start) })}
        />
        <Space.Compact>
          <Button
            icon={<LeftOutlined />}
            aria-label={t('forecast.prev')}
            onClick={() => change({ start: shiftPeriod(q.period, q.start, -1) })}
          />
          <DatePicker
            picker={q.period}
            allowClear={false}
            value={dayjs(q.start)}
            format={() => periodText}
            aria-label={periodText}
            onChange={(d) => d && change({ start: periodStartOf(q.period, d.format('YYYY-MM-DD')) })}
            style={{ width: 130 }}
          />
          <Button
            icon={<RightOutlined />}
            aria-label={t('forecast.next')}
            onClick={() => change({ start: shiftPeriod(q.period, q.start, 1) })}
          />
        </Space.Compact>
        <Button onClick={() => change({ start: periodStartOf(q.period, today) })}>
          {t('forecast.current')}
        </Button>
        {me ? <SubjectPicker me={me} value={q.subject} onChange={(subject) => change({ subject })} /> : null}
      </Space>
      {forecast.error ? (
        <RetryAlert message={errorText(forecast.error, t)} onRetry={() => void forecast.refetch()} />
      ) : data ? (
        <>
          <Kpis data={data} currencies={currencies} />
          {isEmpty ? (
            <Card>
              <Empty data-testid="forecast-empty" description={t('forecast.empty')}>
                <Typography.Paragraph type="secondary">{t('forecast.emptyHelp')}</Typography.Paragraph>
                <Link to="/o/opportunity">
                  <Button type="primary">{t('forecast.emptyAction')}</Button>
                </Link>
              </Empty>
            </Card>
          ) : (
            <ByRep data={data} currencies={currencies} canAdjust={canAdjust} onAdjust={setAdjusting} />
          )}
          <History period={q.period} start={q.start} currency={data.currency} />
        </>
      ) : (
        <Skeleton active paragraph={{ rows: 8 }} />
      )}
      <SubmitForecastDialog
        open={submitOpen}
        onClose={() => setSubmitOpen(false)}
        period={q.period}
        start={q.start}
        periodText={periodText}
        subjectName={deptId ? deptName : (me?.user.name ?? '')}
        departmentId={deptId}
        figures={ownFigures}
        currencies={currencies.length ? currencies : [me?.tenant.currency ?? 'CNY']}
      />
      <AdjustForecastDialog
        target={adjustTarget}
        onClose={() => setAdjusting(null)}
        period={q.period}
        start={q.start}
        currencies={currencies.length ? currencies : [me?.tenant.currency ?? 'CNY']}
      />
    </Space>
  );
}
