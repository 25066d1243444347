import { Link, useSearchParams } from 'react-router';
import {
  Alert,
  Button,
  Card,
  Col,
  DatePicker,
  Empty,
  Result,
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
import dayjs from 'dayjs';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useMe, useObjectMeta } from '../api/queries';
import { errorText } from '../api/error-text';
import { canDo } from '../auth/permissions';
import { optionsOf } from '../cash/order-parts';
import { formatDateTime } from '../format/date';
import { useI18n } from '../i18n/i18n-context';
import type { MessageKey } from '../i18n/zh-CN';
import { Chart, chartAnimation } from '../marketing/chart';
import { todayIn } from '../marketing/period';
import { DashboardHeader, KpiCard, RetryAlert } from '../objects/dashboard-parts';
import {
  fetchArr,
  fetchCohorts,
  fetchMovements,
  fetchRenewalReport,
  fetchRetention,
  subKeys,
  type MovementRow,
  type RenewalGroup,
  type RenewalReport,
  type Retention,
} from './api';
import { rateLinesOption, waterfallOption, waterfallSteps } from './charts';
import { CohortHeatmap } from './cohort-heatmap';
import {
  arrSearch,
  asOfFor,
  MAX_MONTHS,
  MOVEMENT_KINDS,
  parseArrQuery,
  RENEWAL_GROUPS,
  type ArrQuery,
  type MovementKind,
  type RenewalGroupBy,
  type RenewalView,
} from './months';
import { renewalGroupLabel } from './logic';
import { MovementDrawer } from './movement-drawer';
import { KIND_LABEL, STEP_LABEL, useSubFormat, type SubFormat } from './parts';

/**
 * ARR and renewals: headline figures, the ARR bridge over a month range, the monthly movements
 * with drill-down to customers, renewal-rate and retention trends, the renewal rate by group and
 * the cohort heat map. The range, the renewal view, the grouping and an open drill-down live in
 * the URL, so a view can be shared.
 */
export default function ArrDashboardPage() {
  const { t } = useI18n();
  const me = useMe().data;
  const [params, setParams] = useSearchParams();
  const today = todayIn(me?.tenant.time_zone ?? 'Asia/Shanghai');
  const thisMonth = today.slice(0, 7);
  const q = parseArrQuery(params, thisMonth);
  const update = (patch: Partial<ArrQuery>) => setParams(arrSearch({ ...q, ...patch }, thisMonth));
  const canRead = canDo(me, 'subscription', 'read');
  const asOf = asOfFor(q.to, today);

  const arr = useQuery({ queryKey: subKeys.arr(asOf), queryFn: () => fetchArr(asOf), enabled: canRead });
  const movements = useQuery({
    queryKey: subKeys.movements(q.from, q.to),
    queryFn: () => fetchMovements(q.from, q.to),
    enabled: canRead,
  });
  const renewals = useQuery({
    queryKey: subKeys.renewals(q.from, q.to, q.view, q.group),
    queryFn: () => fetchRenewalReport(q.from, q.to, q.view, q.group),
    enabled: canRead,
    // another grouping leaves the months and the total as they are: keep the trend on screen
    placeholderData: keepPreviousData,
  });
  const retention = useQuery({
    queryKey: subKeys.retention(q.from, q.to),
    queryFn: () => fetchRetention(q.from, q.to),
    enabled: canRead,
  });
  const cohorts = useQuery({
    queryKey: subKeys.cohorts(q.from, q.to),
    queryFn: () => fetchCohorts(q.from, q.to),
    enabled: canRead,
  });
  const format = useSubFormat(arr.data?.currency);

  if (me && !canRead) return <Result status="403" subTitle={t('list.noPermission')} />;
  const rows = movements.data ?? [];
  const hasArr = (arr.data?.arr ?? 0) > 0 || rows.some((r) => r.start_arr > 0 || r.end_arr > 0);
  const loading = arr.isLoading || movements.isLoading;

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }} data-testid="arr-dashboard">
      <DashboardHeader
        title={t('sub.arr.title')}
        subtitle={t('sub.arr.subtitle', { from: q.from, to: q.to, currency: format.currency })}
      >
        <Space wrap>
          <Tooltip title={t('sub.arr.rangeHint', { max: MAX_MONTHS })}>
            <DatePicker.RangePicker
              picker="month"
              allowClear={false}
              value={[dayjs(`${q.from}-01`), dayjs(`${q.to}-01`)]}
              disabledDate={(d) => d.format('YYYY-MM') > thisMonth}
              aria-label={t('sub.arr.range')}
              data-testid="arr-range"
              onChange={(v) => {
                const [a, b] = v ?? [];
                if (a && b) update({ from: a.format('YYYY-MM'), to: b.format('YYYY-MM'), drill: null });
              }}
            />
          </Tooltip>
          <Link to="/subscriptions/renewals">
            <Button>{t('sub.arr.toWorkList')}</Button>
          </Link>
        </Space>
      </DashboardHeader>

      {arr.error && <RetryAlert message={errorText(arr.error, t)} onRetry={() => void arr.refetch()} />}
      {movements.error && (
        <RetryAlert message={errorText(movements.error, t)} onRetry={() => void movements.refetch()} />
      )}
      {(arr.data?.pending_rate_lines ?? 0) > 0 && (
        <Alert
          type="warning"
          showIcon
          data-testid="pending-rate-note"
          title={t('sub.arr.pendingRate', { count: arr.data?.pending_rate_lines ?? 0 })}
          description={me?.role.is_admin ? undefined : t('sub.arr.pendingRateAsk')}
          action={
            me?.role.is_admin && (
              <Link to="/settings/subscriptions">
                <Button size="small">{t('sub.arr.pendingRateLink')}</Button>
              </Link>
            )
          }
        />
      )}
      <RestatedNote rows={rows} format={format} />

      <Kpis
        asOf={asOf}
        month={q.to}
        view={q.view}
        format={format}
        arr={arr.data}
        retention={retention.data?.find((r) => r.month === q.to)}
        renewal={renewals.data?.months.find((m) => m.month === q.to)}
      />

      {loading ? (
        <Skeleton active paragraph={{ rows: 8 }} />
      ) : !hasArr ? (
        <Card>
          <Empty data-testid="arr-empty" description={t('sub.arr.empty')}>
            <Space wrap>
              <Link to="/o/order">
                <Button type="primary">{t('sub.arr.emptyOrders')}</Button>
              </Link>
              <Link to="/o/product">
                <Button>{t('sub.arr.emptyProducts')}</Button>
              </Link>
            </Space>
          </Empty>
        </Card>
      ) : (
        <>
          <Card size="small" title={t('sub.arr.waterfall')}>
            <Chart
              testId="arr-waterfall"
              label={t('sub.arr.waterfallLabel', { from: q.from, to: q.to })}
              height={320}
              option={waterfallOption(
                waterfallSteps(rows),
                { ...format, step: (k) => t(STEP_LABEL[k]) },
                chartAnimation,
              )}
            />
          </Card>
          <MovementsTable
            rows={rows}
            format={format}
            onDrill={(month, kind) => update({ drill: { month, kind } })}
          />
          <Row gutter={[16, 16]}>
            <Col xs={24} xl={12}>
              <RenewalTrend
                report={renewals.data}
                error={renewals.error}
                view={q.view}
                format={format}
                onView={(view) => update({ view })}
              />
            </Col>
            <Col xs={24} xl={12}>
              <RetentionTrend rows={retention.data} error={retention.error} format={format} />
            </Col>
          </Row>
          <RenewalGroups
            report={renewals.isPlaceholderData ? undefined : renewals.data}
            error={renewals.error}
            group={q.group}
            format={format}
            onGroup={(group) => update({ group })}
          />
          <Card
            size="small"
            title={t('sub.cohort.title')}
            extra={
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {q.from} – {q.to}
              </Typography.Text>
            }
          >
            <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>
              {t('sub.cohort.hint')}
            </Typography.Paragraph>
            {cohorts.error ? (
              <Alert type="error" showIcon title={errorText(cohorts.error, t)} />
            ) : cohorts.data ? (
              <CohortHeatmap cohorts={cohorts.data} format={format} />
            ) : (
              <Skeleton active />
            )}
          </Card>
        </>
      )}
      <MovementDrawer drill={q.drill} format={format} onClose={() => update({ drill: null })} />
    </Space>
  );
}

function Kpis({
  asOf,
  month,
  view,
  format,
  arr,
  retention,
  renewal,
}: {
  asOf: string;
  month: string;
  view: RenewalView;
  format: SubFormat;
  arr: { arr: number; mrr: number; customers: number } | undefined;
  retention: Retention | undefined;
  renewal: RenewalReport['months'][number] | undefined;
}) {
  const { t } = useI18n();
  const dash = t('common.empty');
  const viewLabel = t(view === 'finance' ? 'sub.renewal.finance' : 'sub.renewal.business');
  const cards = [
    {
      key: 'arr',
      title: t('sub.arr.kpi.arr'),
      hint: t('sub.arr.kpi.arrHint', { date: asOf }),
      value: arr ? format.money(arr.arr) : dash,
    },
    {
      key: 'mrr',
      title: t('sub.arr.kpi.mrr'),
      hint: t('sub.arr.kpi.mrrHint'),
      value: arr ? format.money(arr.mrr) : dash,
    },
    {
      key: 'customers',
      title: t('sub.arr.kpi.customers'),
      hint: t('sub.arr.kpi.customersHint', { date: asOf }),
      value: arr ? String(arr.customers) : dash,
    },
    {
      key: 'nrr',
      title: t('sub.arr.kpi.nrr'),
      hint: t('sub.arr.kpi.nrrHint', { month }),
      value: retention ? format.rate(retention.nrr) : dash,
    },
    {
      key: 'grr',
      title: t('sub.arr.kpi.grr'),
      hint: t('sub.arr.kpi.grrHint'),
      value: retention ? format.rate(retention.grr) : dash,
    },
    {
      key: 'renewal',
      title: t('sub.arr.kpi.renewalRate'),
      hint: t('sub.arr.kpi.renewalRateHint', { month, view: viewLabel }),
      value: renewal ? format.rate(renewal.renewal_rate) : dash,
      extra: renewal && (
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {renewal.due_customers > 0 &&
            t('sub.arr.kpi.contractRate', {
              rate: format.rate(renewal.contract_renewal_rate),
              renewed: renewal.renewed_customers,
              due: renewal.due_customers,
            })}
          {renewal.open && <div>{t('sub.arr.kpi.open')}</div>}
        </Typography.Text>
      ),
    },
  ];
  return (
    <Row gutter={[12, 12]}>
      {cards.map((c) => (
        <Col key={c.key} xs={12} md={8} xl={4}>
          <KpiCard testId={`kpi-${c.key}`} title={c.title} hint={c.hint} value={c.value} extra={c.extra} />
        </Col>
      ))}
    </Row>
  );
}

/** "2025-03: recorded end ARR ¥X, now ¥Y (recorded …)" for a restated month. */
function useRestatedLine(format: SubFormat): (r: MovementRow) => string {
  const { t, locale } = useI18n();
  const zone = useMe().data?.tenant.time_zone ?? 'Asia/Shanghai';
  return (r) =>
    r.restated_from
      ? t('sub.arr.restatedLine', {
          month: r.month,
          recorded: format.money(r.restated_from.end_arr),
          now: format.money(r.end_arr),
          date: formatDateTime(r.restated_from.recorded_at, zone, locale),
        })
      : '';
}

/** Months whose figures differ from what the month-end job recorded, stated plainly. */
function RestatedNote({ rows, format }: { rows: MovementRow[]; format: SubFormat }) {
  const { t } = useI18n();
  const line = useRestatedLine(format);
  const restated = rows.filter((r) => r.restated_from !== null);
  if (!restated.length) return null;
  return (
    <Alert
      type="info"
      showIcon
      data-testid="restated-note"
      title={t('sub.arr.restated')}
      description={
        <ul style={{ margin: 0, paddingInlineStart: 18 }}>
          {restated.map((r) => (
            <li key={r.month}>{line(r)}</li>
          ))}
        </ul>
      }
    />
  );
}

/** One row per month; every movement amount opens the customers behind it. */
function MovementsTable({
  rows,
  format,
  onDrill,
}: {
  rows: MovementRow[];
  format: SubFormat;
  onDrill: (month: string, kind: MovementKind) => void;
}) {
  const { t } = useI18n();
  const restatedLine = useRestatedLine(format);
  const amount = (r: MovementRow, kind: MovementKind) => {
    const v = r[kind];
    const loss = kind === 'contraction' || kind === 'churn';
    if (v === 0) return <Typography.Text type="secondary">{format.money(0)}</Typography.Text>;
    return (
      <Button
        type="link"
        size="small"
        style={{ padding: 0 }}
        data-testid={`move-${r.month}-${kind}`}
        aria-label={t('sub.arr.drillAria', { month: r.month, kind: t(KIND_LABEL[kind]) })}
        onClick={() => onDrill(r.month, kind)}
      >
        {loss ? '−' : '+'}
        {format.money(v)}
      </Button>
    );
  };
  return (
    <Card
      size="small"
      title={t('sub.arr.movements')}
      extra={
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {t('sub.arr.movementsHint')}
        </Typography.Text>
      }
    >
      <Table<MovementRow>
        size="small"
        rowKey="month"
        data-testid="movements-table"
        dataSource={rows}
        pagination={false}
        scroll={{ x: 'max-content' }}
        columns={[
          {
            key: 'month',
            title: t('sub.arr.col.month'),
            render: (_, r) => (
              <Space size={4}>
                {r.month}
                {r.restated_from && (
                  <Tooltip title={restatedLine(r)}>
                    <Tag color="gold" tabIndex={0} data-testid={`restated-${r.month}`}>
                      {t('sub.arr.restatedTag')}
                    </Tag>
                  </Tooltip>
                )}
              </Space>
            ),
          },
          {
            key: 'start',
            title: t('sub.arr.col.start'),
            align: 'right',
            render: (_, r) => format.money(r.start_arr),
          },
          ...MOVEMENT_KINDS.map((k) => ({
            key: k,
            title: t(KIND_LABEL[k]),
            align: 'right' as const,
            render: (_: unknown, r: MovementRow) => amount(r, k),
          })),
          {
            key: 'end',
            title: t('sub.arr.col.end'),
            align: 'right',
            render: (_, r) => <strong>{format.money(r.end_arr)}</strong>,
          },
          {
            key: 'customers',
            title: t('sub.arr.col.customers'),
            align: 'right',
            render: (_, r) => r.customers_end,
          },
        ]}
      />
    </Card>
  );
}

function RenewalTrend({
  report,
  error,
  view,
  format,
  onView,
}: {
  report: RenewalReport | undefined;
  error: unknown;
  view: RenewalView;
  format: SubFormat;
  onView: (v: RenewalView) => void;
}) {
  const { t } = useI18n();
  const total = report?.total;
  return (
    <Card
      size="small"
      title={t('sub.renewal.trend')}
      style={{ height: '100%' }}
      extra={
        <Segmented<RenewalView>
          size="small"
          value={view}
          onChange={onView}
          data-testid="renewal-view"
          options={[
            { value: 'business', label: t('sub.renewal.business') },
            { value: 'finance', label: t('sub.renewal.finance') },
          ]}
        />
      }
    >
      <Typography.Paragraph type="secondary" style={{ fontSize: 12, marginBottom: 4 }}>
        {t(view === 'finance' ? 'sub.renewal.financeHint' : 'sub.renewal.businessHint')}
      </Typography.Paragraph>
      {error ? (
        <Alert type="error" showIcon title={errorText(error, t)} />
      ) : !report ? (
        <Skeleton active />
      ) : !total || total.due_customers === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('sub.renewal.noneDue')} />
      ) : (
        <>
          <Chart
            testId="renewal-trend"
            label={t('sub.renewal.trendLabel')}
            height={260}
            option={rateLinesOption(
              report.months.map((m) => m.month),
              [
                {
                  name: t('sub.renewal.rate'),
                  color: '#1f5fd6',
                  rates: report.months.map((m) => m.renewal_rate),
                },
                {
                  name: t('sub.renewal.contractRate'),
                  color: '#13a8a8',
                  rates: report.months.map((m) => m.contract_renewal_rate),
                },
              ],
              format,
              chartAnimation,
            )}
          />
          <Typography.Paragraph style={{ fontSize: 12, margin: 0 }} data-testid="renewal-total">
            {t('sub.renewal.total', {
              due: format.money(total.due_arr),
              renewed: format.money(total.renewed_arr),
              rate: format.rate(total.renewal_rate),
              dueCustomers: total.due_customers,
              renewedCustomers: total.renewed_customers,
              contractRate: format.rate(total.contract_renewal_rate),
            })}
          </Typography.Paragraph>
        </>
      )}
    </Card>
  );
}

const GROUP_LABEL: Record<RenewalGroupBy, MessageKey> = {
  owner: 'sub.renewal.group.owner',
  department: 'sub.renewal.group.department',
  industry: 'sub.renewal.group.industry',
  grade: 'sub.renewal.group.grade',
  csm: 'sub.renewal.group.csm',
  partner: 'sub.renewal.group.partner',
};

/**
 * The renewal rate of the selected months by owner, department, industry, grade or CSM (largest due
 * ARR first), with the total below; the grouping lives in the URL.
 */
function RenewalGroups({
  report,
  error,
  group,
  format,
  onGroup,
}: {
  /** undefined while the report for this grouping is on its way */
  report: RenewalReport | undefined;
  error: unknown;
  group: RenewalGroupBy | null;
  format: SubFormat;
  onGroup: (g: RenewalGroupBy | null) => void;
}) {
  const { t, pick } = useI18n();
  const { meta: accountMeta } = useObjectMeta('account');
  const optionLabel = (field: 'industry' | 'grade', value: string) =>
    optionsOf(accountMeta, field, pick).find((o) => o.value === value)?.label;
  const total = report?.total;
  const figures = [
    { key: 'due_arr', title: t('sub.due.dueArr'), render: (r: RenewalGroup) => format.money(r.due_arr) },
    {
      key: 'renewed_arr',
      title: t('sub.due.renewedArr'),
      render: (r: RenewalGroup) => format.money(r.renewed_arr),
    },
    { key: 'rate', title: t('sub.renewal.rate'), render: (r: RenewalGroup) => format.rate(r.renewal_rate) },
    {
      key: 'due_customers',
      title: t('sub.renewal.col.dueCustomers'),
      render: (r: RenewalGroup) => r.due_customers,
    },
    {
      key: 'renewed_customers',
      title: t('sub.renewal.col.renewedCustomers'),
      render: (r: RenewalGroup) => r.renewed_customers,
    },
    {
      key: 'contract_rate',
      title: t('sub.renewal.contractRate'),
      render: (r: RenewalGroup) => format.rate(r.contract_renewal_rate),
    },
  ];
  return (
    <Card
      size="small"
      title={t('sub.renewal.groups')}
      extra={
        <Select<RenewalGroupBy>
          size="small"
          allowClear
          style={{ width: 140 }}
          placeholder={t('sub.renewal.groupPick')}
          aria-label={t('sub.renewal.groupBy')}
          data-testid="renewal-group-by"
          value={group ?? undefined}
          onChange={(g) => onGroup(g ?? null)}
          options={RENEWAL_GROUPS.map((g) => ({ value: g, label: t(GROUP_LABEL[g]) }))}
        />
      }
    >
      {!group ? (
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {t('sub.renewal.groupHint')}
        </Typography.Text>
      ) : error ? (
        <Alert type="error" showIcon title={errorText(error, t)} />
      ) : (
        <Table<RenewalGroup>
          size="small"
          data-testid="renewal-groups"
          rowKey={(r) => r.key ?? ''}
          loading={!report}
          dataSource={report?.groups ?? []}
          pagination={{ pageSize: 20, hideOnSinglePage: true }}
          scroll={{ x: 'max-content' }}
          locale={{
            emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('sub.renewal.noneDue')} />,
          }}
          columns={[
            {
              key: 'group',
              title: t(GROUP_LABEL[group]),
              render: (_, r) => renewalGroupLabel(r, group, optionLabel, t('sub.renewal.groupNone')),
            },
            ...figures.map((f) => ({
              key: f.key,
              title: f.title,
              align: 'right' as const,
              render: (_: unknown, r: RenewalGroup) => f.render(r),
            })),
          ]}
          summary={() =>
            total &&
            (report?.groups.length ?? 0) > 1 && (
              <Table.Summary.Row>
                <Table.Summary.Cell index={0}>
                  <strong>{t('sub.renewal.groupTotal')}</strong>
                </Table.Summary.Cell>
                {figures.map((f, i) => (
                  <Table.Summary.Cell key={f.key} index={i + 1} align="right">
                    <strong>{f.render({ key: null, label: null, ...total })}</strong>
                  </Table.Summary.Cell>
                ))}
              </Table.Summary.Row>
            )
          }
        />
      )}
    </Card>
  );
}

function RetentionTrend({
  rows,
  error,
  format,
}: {
  rows: Retention[] | undefined;
  error: unknown;
  format: SubFormat;
}) {
  const { t } = useI18n();
  return (
    <Card size="small" title={t('sub.retention.trend')} style={{ height: '100%' }}>
      {error ? (
        <Alert type="error" showIcon title={errorText(error, t)} />
      ) : !rows ? (
        <Skeleton active />
      ) : rows.every((r) => r.nrr === null) ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('sub.retention.none')} />
      ) : (
        <Chart
          testId="retention-trend"
          label={t('sub.retention.trendLabel')}
          height={290}
          option={rateLinesOption(
            rows.map((r) => r.month),
            [
              { name: t('sub.retention.nrr'), color: '#1f5fd6', rates: rows.map((r) => r.nrr) },
              { name: t('sub.retention.grr'), color: '#52c41a', rates: rows.map((r) => r.grr) },
              {
                name: t('sub.retention.logoChurn'),
                color: '#f5222d',
                rates: rows.map((r) => r.logo_churn),
              },
            ],
            format,
            chartAnimation,
          )}
        />
      )}
    </Card>
  );
}
