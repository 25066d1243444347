import { useEffect, useMemo, useState } from 'react';
import { useSearchParams } from 'react-router';
import {
  Alert,
  App,
  Button,
  Card,
  Empty,
  Input,
  Progress,
  Segmented,
  Select,
  Skeleton,
  Space,
  Table,
  Tag,
  Tooltip,
  Typography,
} from 'antd';
import { InfoCircleOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useMe } from '../api/queries';
import { ApiError } from '../api/http-client';
import { errorText } from '../api/error-text';
import { formatMoney } from '../format/money';
import { useI18n } from '../i18n/i18n-context';
import type { MessageKey } from '../i18n/zh-CN';
import { todayIn } from '../marketing/period';
import {
  saveTargets,
  useAttainment,
  useDepartments,
  useDirectoryUsers,
  useTargets,
  type AttainmentRow,
  type TargetPeriodKind,
} from './forecast-api';
import { inSet, isManagerOf, managedDepartments, periodLabel, periodStartOf } from './forecast-logic';
import {
  cellKey,
  COVERAGE_COLOUR,
  coverageLevel,
  errorsByCell,
  formatCoverage,
  gridFromTargets,
  gridPayload,
  progressOf,
  subjectKey,
  subjectsFromTargets,
  yearPeriods,
  type Grid,
  type GridSubject,
} from './targets-logic';
import { liveSearch } from '../objects/live-search';

const PERIOD_KEYS: Record<TargetPeriodKind, MessageKey> = {
  month: 'targets.period.month',
  quarter: 'targets.period.quarter',
  year: 'targets.period.year',
};
const ISSUE_KEYS: Record<string, MessageKey> = {
  invalid_value: 'targets.issue.invalid_value',
  invalid_reference: 'targets.issue.invalid_reference',
  not_unique: 'targets.issue.not_unique',
  invalid_date: 'targets.issue.invalid_date',
  required: 'targets.issue.required',
};

function parseSearch(params: URLSearchParams, today: string) {
  const y = Number(params.get('year'));
  const year = Number.isInteger(y) && y >= 2000 && y <= 2100 ? y : Number(today.slice(0, 4));
  const p = params.get('period');
  const period: TargetPeriodKind = p === 'quarter' || p === 'year' ? p : 'month';
  const starts = yearPeriods(period, year);
  const a = params.get('at');
  const fallback = periodStartOf(period, today).startsWith(String(year))
    ? periodStartOf(period, today)
    : starts[0];
  const at = a && starts.includes(a) ? a : (fallback ?? `${year}-01-01`);
  return { year, period, at };
}

function TargetGrid({
  year,
  period,
  subjects,
  editable,
  currency,
}: {
  year: number;
  period: TargetPeriodKind;
  subjects: GridSubject[];
  editable: boolean;
  currency: string;
}) {
  const { t, locale } = useI18n();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const targets = useTargets(year);
  const loaded = useMemo(() => gridFromTargets(targets.data ?? []), [targets.data]);
  const [edited, setEdited] = useState<Grid>({});
  const [errors, setErrors] = useState<Record<string, Record<string, string>>>({});
  useEffect(() => {
    setEdited(loaded);
    setErrors({});
  }, [loaded]);
  const rows = useMemo(() => {
    const all = new Map(subjects.map((s) => [subjectKey(s), s]));
    for (const s of subjectsFromTargets(targets.data ?? []))
      if (!all.has(subjectKey(s))) all.set(subjectKey(s), s);
    return [...all.values()];
  }, [subjects, targets.data]);
  const starts = yearPeriods(period, year);
  const dirty = gridPayload(loaded, edited, currency);
  const save = useMutation({
    mutationFn: () => saveTargets({ targets: dirty.targets }),
    onSuccess: (saved) => {
      void message.success(t('targets.saved', { count: saved.length }));
      void qc.invalidateQueries({ queryKey: ['records', 'opportunity', 'targets'] });
      void qc.invalidateQueries({ queryKey: ['records', 'opportunity', 'attainment'] });
    },
    onError: (err) => {
      if (err instanceof ApiError) setErrors(errorsByCell(err.details, dirty.keys));
    },
  });
  const setCell = (key: string, patch: Partial<Grid[string]>) => {
    setEdited((g) => ({ ...g, [key]: { amount: '', newCustomers: '', currency, ...g[key], ...patch } }));
    setErrors((e) => {
      if (!e[key]) return e;
      const { [key]: _gone, ...rest } = e;
      return rest;
    });
  };
  const onSave = () => {
    if (Object.keys(dirty.invalid).length) {
      setErrors(dirty.invalid as Record<string, Record<string, string>>);
      return;
    }
    if (!dirty.targets.length) {
      void message.info(t('targets.nothingChanged'));
      return;
    }
    save.mutate();
  };
  const issueText = (issue: string | undefined) =>
    issue ? (ISSUE_KEYS[issue] ? t(ISSUE_KEYS[issue]) : issue) : undefined;
  const bannerError =
    save.error &&
    !(save.error instanceof ApiError && save.error.details.some((d) => d.field?.startsWith('targets.')))
      ? errorText(save.error, t)
      : null;

  if (targets.error) return <Alert type="error" showIcon title={errorText(targets.error, t)} />;
  if (!targets.data) return <Skeleton active />;
  if (!rows.length)
    return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('targets.noSubjects')} />;
  return (
    <Space orientation="vertical" size={12} style={{ width: '100%' }}>
      {bannerError ? <Alert type="error" showIcon title={bannerError} /> : null}
      <Table<GridSubject>
        size="small"
        rowKey={subjectKey}
        data-testid="targets-grid"
        pagination={false}
        scroll={{ x: 180 + starts.length * 150 }}
        dataSource={rows}
        columns={[
          {
            key: 'subject',
            title: t('targets.subject'),
            fixed: 'left',
            width: 160,
            render: (_, s) => (
              <Space size={4}>
                {s.name}
                {s.kind === 'department' ? <Tag>{t('targets.department')}</Tag> : null}
              </Space>
            ),
          },
          ...starts.map((start) => ({
            key: start,
            title: periodLabel(period, start),
            width: 150,
            render: (_: unknown, s: GridSubject) => {
              const key = cellKey(s, period, start);
              const cell = edited[key];
              const err = errors[key] ?? {};
              const cellCurrency = cell?.currency || currency;
              if (!editable)
                return cell?.amount ? (
                  <Space orientation="vertical" size={0}>
                    <span>
                      {formatMoney(
                        { amount: Math.round(Number(cell.amount) * 100), currency: cellCurrency },
                        locale,
                      )}
                    </span>
                    {cell.newCustomers ? (
                      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                        {t('targets.newCustomers')} {cell.newCustomers}
                      </Typography.Text>
                    ) : null}
                  </Space>
                ) : (
                  t('common.empty')
                );
              const amountIssue = issueText(err.amount ?? err.start ?? err.user_id ?? err.department_id);
              const ncIssue = issueText(err.new_customers);
              return (
                <Space orientation="vertical" size={4} style={{ width: '100%' }}>
                  <Tooltip title={amountIssue} open={amountIssue ? undefined : false}>
                    <Input
                      size="small"
                      inputMode="decimal"
                      prefix={cellCurrency === 'CNY' ? '¥' : undefined}
                      suffix={cellCurrency === 'CNY' ? undefined : cellCurrency}
                      placeholder={t('targets.amount')}
                      aria-label={`${s.name} ${periodLabel(period, start)} ${t('targets.amount')}`}
                      status={amountIssue ? 'error' : undefined}
                      value={cell?.amount ?? ''}
                      onChange={(e) => setCell(key, { amount: e.target.value })}
                      data-testid={`target-${s.kind}-${s.id}-${start}-amount`}
                    />
                  </Tooltip>
                  <Tooltip title={ncIssue} open={ncIssue ? undefined : false}>
                    <Input
                      size="small"
                      inputMode="numeric"
                      placeholder={t('targets.newCustomers')}
                      aria-label={`${s.name} ${periodLabel(period, start)} ${t('targets.newCustomers')}`}
                      status={ncIssue ? 'error' : undefined}
                      value={cell?.newCustomers ?? ''}
                      onChange={(e) => setCell(key, { newCustomers: e.target.value })}
                      data-testid={`target-${s.kind}-${s.id}-${start}-customers`}
                    />
                  </Tooltip>
                  {amountIssue || ncIssue ? (
                    <Typography.Text type="danger" style={{ fontSize: 12 }} role="alert">
                      {amountIssue ?? ncIssue}
                    </Typography.Text>
                  ) : null}
                </Space>
              );
            },
          })),
        ]}
      />
      {editable ? (
        <Space wrap>
          <Button type="primary" onClick={onSave} loading={save.isPending} data-testid="targets-save">
            {t('targets.save')}
          </Button>
          <Button
            onClick={() => {
              setEdited(loaded);
              setErrors({});
            }}
            disabled={!dirty.targets.length && !Object.keys(dirty.invalid).length}
          >
            {t('targets.reset')}
          </Button>
        </Space>
      ) : null}
    </Space>
  );
}

function Attainment({ period, at, manager }: { period: TargetPeriodKind; at: string; manager: boolean }) {
  const { t, locale } = useI18n();
  const attainment = useAttainment(period, at);
  const data = attainment.data;
  if (attainment.error) return <Alert type="error" showIcon title={errorText(attainment.error, t)} />;
  if (!data) return <Skeleton active />;
  if (!data.rows.length)
    return (
      <Empty data-testid="attainment-empty" description={t('targets.attainmentEmpty')}>
        <Typography.Text type="secondary">
          {manager ? t('targets.attainmentEmptyManager') : t('targets.attainmentEmptyRep')}
        </Typography.Text>
      </Empty>
    );
  const money = (amount: number, currency: string) => formatMoney({ amount, currency }, locale);
  return (
    <Table<AttainmentRow>
      size="small"
      rowKey="target_id"
      data-testid="attainment-table"
      scroll={{ x: 760 }}
      pagination={{ pageSize: 20, hideOnSinglePage: true }}
      dataSource={data.rows}
      columns={[
        {
          key: 'subject',
          title: t('targets.subject'),
          render: (_, r) => (
            <Space size={4}>
              {r.subject_name ?? t('common.empty')}
              {r.department_id ? <Tag>{t('targets.department')}</Tag> : null}
            </Space>
          ),
        },
        {
          key: 'progress',
          title: t('targets.progress'),
          width: 260,
          render: (_, r) => {
            const p = progressOf(r.percent);
            return (
              <Space orientation="vertical" size={0} style={{ width: '100%' }}>
                <Typography.Text>
                  {money(r.won, r.currency)} / {money(r.target, r.currency)}
                </Typography.Text>
                <Progress
                  percent={p.value}
                  status={p.status}
                  size="small"
                  format={() => (r.percent === null ? t('common.empty') : `${r.percent}%`)}
                  aria-label={t('targets.progress')}
                />
              </Space>
            );
          },
        },
        {
          key: 'customers',
          title: t('targets.newCustomersProgress'),
          width: 180,
          render: (_, r) =>
            r.new_customers_target === null ? (
              String(r.new_customers)
            ) : (
              <Space orientation="vertical" size={0} style={{ width: '100%' }}>
                <Typography.Text>
                  {r.new_customers} / {r.new_customers_target}
                </Typography.Text>
                <Progress
                  percent={progressOf(r.new_customers_percent).value}
                  status={progressOf(r.new_customers_percent).status}
                  size="small"
                  showInfo={false}
                />
              </Space>
            ),
        },
        {
          key: 'coverage',
          title: (
            <Space size={4}>
              {t('targets.coverage')}
              <Tooltip title={t('targets.coverageHint')}>
                <InfoCircleOutlined aria-label={t('targets.coverageHint')} tabIndex={0} />
              </Tooltip>
            </Space>
          ),
          render: (_, r) => (
            <Space orientation="vertical" size={0}>
              {r.coverage === null ? (
                <Tag color="green">{t('targets.coverageDone')}</Tag>
              ) : (
                <Tag color={COVERAGE_COLOUR[coverageLevel(r.coverage)]} data-testid="coverage">
                  {formatCoverage(r.coverage, locale)}
                </Tag>
              )}
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {t('targets.pipeline', { amount: money(r.open_pipeline, r.currency) })} ·{' '}
                {t('targets.remaining', { amount: money(r.remaining, r.currency) })}
              </Typography.Text>
            </Space>
          ),
        },
      ]}
    />
  );
}

/** Targets (/sales/targets): year, period kind and the attainment period live in the URL. */
export default function TargetsPage() {
  const { t } = useI18n();
  const me = useMe().data;
  const departments = useDepartments();
  const users = useDirectoryUsers();
  const [params, setParams] = useSearchParams();
  const today = todayIn(me?.tenant.time_zone ?? 'Asia/Shanghai');
  const q = parseSearch(params, today);
  const managed = me ? managedDepartments(me, departments.data ?? []) : [];
  const manager = isManagerOf(managed);
  const change = (patch: Partial<typeof q>) =>
    setParams(() => {
      const next = { ...parseSearch(liveSearch(), today), ...patch };
      return { year: String(next.year), period: next.period, ...(patch.at ? { at: patch.at } : {}) };
    });
  const subjects = useMemo<GridSubject[]>(() => {
    if (!me) return [];
    if (!manager) return [{ kind: 'user', id: me.user.id, name: me.user.name }];
    return [
      ...(departments.data ?? [])
        .filter((d) => inSet(managed, d.id))
        .map((d) => ({ kind: 'department' as const, id: d.id, name: d.name })),
      ...(users.data ?? [])
        .filter((u) => inSet(managed, u.department_id))
        .map((u) => ({ kind: 'user' as const, id: u.id, name: u.name })),
    ];
  }, [me, manager, managed, departments.data, users.data]);
  const thisYear = Number(today.slice(0, 4));
  const years = [thisYear - 2, thisYear - 1, thisYear, thisYear + 1, thisYear + 2];
  if (!years.includes(q.year)) years.push(q.year);

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }} data-testid="targets-page">
      <div>
        <Typography.Title level={3} style={{ margin: 0 }}>
          {t('targets.title')}
        </Typography.Title>
        <Typography.Text type="secondary">{t('targets.subtitle')}</Typography.Text>
      </div>
      <Space wrap size={[8, 8]}>
        <Select
          value={q.year}
          options={years.sort().map((y) => ({ value: y, label: String(y) }))}
          onChange={(year: number) => change({ year })}
          aria-label={t('targets.year')}
          style={{ width: 100 }}
          data-testid="targets-year"
        />
        <Segmented<TargetPeriodKind>
          value={q.period}
          options={(['month', 'quarter', 'year'] as const).map((p) => ({
            value: p,
            label: t(PERIOD_KEYS[p]),
          }))}
          onChange={(period) => change({ period })}
          data-testid="targets-period"
        />
      </Space>
      {!me || departments.isLoading ? (
        <Skeleton active />
      ) : (
        <>
          <Card size="small" title={t('targets.grid')}>
            {!manager ? (
              <Alert type="info" showIcon title={t('targets.readOnly')} style={{ marginBottom: 12 }} />
            ) : null}
            <TargetGrid
              year={q.year}
              period={q.period}
              subjects={subjects}
              editable={manager}
              currency={me.tenant.currency}
            />
          </Card>
          <Card
            size="small"
            title={t('targets.attainment')}
            extra={
              q.period === 'year' ? null : (
                <Select
                  size="small"
                  value={q.at}
                  options={yearPeriods(q.period, q.year).map((s) => ({
                    value: s,
                    label: periodLabel(q.period, s),
                  }))}
                  onChange={(at: string) => change({ at })}
                  aria-label={t('targets.attainment')}
                  style={{ width: 120 }}
                  data-testid="attainment-period"
                />
              )
            }
          >
            <Attainment period={q.period} at={q.at} manager={manager} />
          </Card>
        </>
      )}
    </Space>
  );
}
