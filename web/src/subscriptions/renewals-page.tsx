import { useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { Button, Card, Empty, Result, Space, Switch, Table, Tabs, Typography } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { useMe, useObjectMeta } from '../api/queries';
import { errorText } from '../api/error-text';
import { canDo } from '../auth/permissions';
import { OptionTag } from '../cash/order-parts';
import { formatDate } from '../format/date';
import { useI18n } from '../i18n/i18n-context';
import type { MessageKey } from '../i18n/zh-CN';
import { DashboardHeader, RetryAlert } from '../objects/dashboard-parts';
import { AdjustmentDialog } from './adjustment-dialog';
import { DUE_BUCKETS, fetchDue, subKeys, type DueBucket, type DueRow } from './api';
import { isSettledDue, newRenewalOpportunityHref } from './logic';
import { useSubFormat } from './parts';

const TAB_LABEL: Record<DueBucket, MessageKey> = {
  due_3m: 'sub.due.tab.due_3m',
  due_1m: 'sub.due.tab.due_1m',
  overdue: 'sub.due.tab.overdue',
  all: 'sub.due.tab.all',
};
const EMPTY: Record<DueBucket, MessageKey> = {
  due_3m: 'sub.due.empty.due_3m',
  due_1m: 'sub.due.empty.due_1m',
  overdue: 'sub.due.empty.overdue',
  all: 'sub.due.empty.all',
};
const isBucket = (v: string | null): v is DueBucket => DUE_BUCKETS.some((b) => b === v);

/**
 * 应续工作台: due renewals in four tabs (due within 3 months, within 1 month, due and not
 * renewed, all of them), each with its owner, days left, due ARR, status and renewal opportunity,
 * and the actions an owner takes next (none on a renewed or adjusted one). Tab and "mine only"
 * live in the URL.
 */
export default function RenewalsPage() {
  const { t, locale } = useI18n();
  const me = useMe().data;
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const rawBucket = params.get('bucket');
  const bucket: DueBucket = isBucket(rawBucket) ? rawBucket : 'due_3m';
  const mine = params.get('mine') === '1';
  const ownerId = mine ? (me?.user.id ?? null) : null;
  const canRead = canDo(me, 'due_renewal', 'read');
  const due = useQuery({
    queryKey: subKeys.due(bucket, ownerId),
    queryFn: () => fetchDue(bucket, ownerId),
    enabled: canRead && (!mine || !!me),
  });
  const { meta: dueMeta } = useObjectMeta('due_renewal');
  const { meta: oppMeta } = useObjectMeta('opportunity');
  const format = useSubFormat();
  const [adjusting, setAdjusting] = useState<DueRow | null>(null);
  if (me && !canRead) return <Result status="403" subTitle={t('list.noPermission')} />;
  const canCreateOpp = canDo(me, 'opportunity', 'create');
  const canAdjust = canDo(me, 'renewal_adjustment', 'create');
  const rows = due.data?.rows ?? [];
  const setQuery = (b: DueBucket, m: boolean) =>
    setParams({ ...(b !== 'due_3m' ? { bucket: b } : {}), ...(m ? { mine: '1' } : {}) });

  const days = (r: DueRow) =>
    isSettledDue(r.status) ? (
      <Typography.Text type="secondary">{t('common.empty')}</Typography.Text>
    ) : r.days_left > 0 ? (
      t('sub.due.left', { days: r.days_left })
    ) : r.days_left === 0 ? (
      <Typography.Text type="warning">{t('sub.due.today')}</Typography.Text>
    ) : (
      <Typography.Text type="danger">{t('sub.due.over', { days: -r.days_left })}</Typography.Text>
    );

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <DashboardHeader
        title={t('sub.due.title')}
        subtitle={t('sub.due.subtitle', { date: due.data ? formatDate(due.data.as_of, locale) : '' })}
      >
        <Space>
          <Switch
            checked={mine}
            onChange={(m) => setQuery(bucket, m)}
            aria-label={t('sub.due.mine')}
            data-testid="due-mine"
          />
          <span>{t('sub.due.mine')}</span>
        </Space>
      </DashboardHeader>
      <Card size="small">
        <Tabs
          activeKey={bucket}
          onChange={(k) => isBucket(k) && setQuery(k, mine)}
          items={DUE_BUCKETS.map((b) => ({ key: b, label: t(TAB_LABEL[b]) }))}
        />
        {due.error && <RetryAlert message={errorText(due.error, t)} onRetry={() => void due.refetch()} />}
        <Table<DueRow>
          size="small"
          rowKey="id"
          data-testid="due-table"
          loading={due.isLoading}
          dataSource={rows}
          scroll={{ x: 'max-content' }}
          pagination={{ pageSize: 50, hideOnSinglePage: true }}
          locale={{
            emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t(EMPTY[bucket])} />,
          }}
          columns={[
            {
              key: 'account',
              title: t('sub.due.account'),
              render: (_, r) => <Link to={`/o/account/${r.account_id}`}>{r.account_name}</Link>,
            },
            { key: 'owner', title: t('sub.due.owner'), render: (_, r) => r.owner_name ?? t('common.empty') },
            {
              key: 'due_date',
              title: t('sub.due.dueDate'),
              render: (_, r) => formatDate(r.due_date, locale),
            },
            { key: 'days', title: t('sub.due.daysLeft'), render: (_, r) => days(r) },
            {
              key: 'due_arr',
              title: t('sub.due.dueArr'),
              align: 'right',
              render: (_, r) => format.money(r.due_arr),
            },
            {
              key: 'status',
              title: t('sub.due.status'),
              render: (_, r) => <OptionTag meta={dueMeta} field="status" value={r.status} />,
            },
            {
              key: 'opportunity',
              title: t('sub.due.opportunity'),
              render: (_, r) =>
                r.renewal_opportunity_id ? (
                  <Link to={`/o/opportunity/${r.renewal_opportunity_id}`}>
                    {r.opportunity_stage ? (
                      <OptionTag meta={oppMeta} field="stage" value={r.opportunity_stage} />
                    ) : (
                      t('sub.due.openOpportunity')
                    )}
                  </Link>
                ) : (
                  <Typography.Text type="secondary">{t('sub.due.noOpportunity')}</Typography.Text>
                ),
            },
            {
              key: 'actions',
              title: t('sub.due.actions'),
              render: (_, r) => (
                <Space size={4} wrap>
                  <Button size="small" onClick={() => navigate(`/o/account/${r.account_id}`)}>
                    {t('sub.due.openAccount')}
                  </Button>
                  {r.renewal_opportunity_id ? (
                    <Button
                      size="small"
                      onClick={() => navigate(`/o/opportunity/${r.renewal_opportunity_id ?? ''}`)}
                    >
                      {t('sub.due.openOpportunity')}
                    </Button>
                  ) : (
                    canCreateOpp &&
                    !isSettledDue(r.status) && (
                      <Button
                        size="small"
                        type="primary"
                        ghost
                        onClick={() => navigate(newRenewalOpportunityHref(r))}
                      >
                        {t('sub.due.createOpportunity')}
                      </Button>
                    )
                  )}
                  {canAdjust && !isSettledDue(r.status) && (
                    <Button size="small" onClick={() => setAdjusting(r)} data-testid={`adjust-${r.id}`}>
                      {t('sub.due.adjust')}
                    </Button>
                  )}
                </Space>
              ),
            },
          ]}
          summary={() =>
            rows.length > 0 && (
              <Table.Summary.Row>
                <Table.Summary.Cell index={0} colSpan={8}>
                  <Typography.Text type="secondary" data-testid="due-total">
                    {t('sub.due.total', {
                      count: rows.length,
                      amount: format.money(rows.reduce((s, r) => s + r.due_arr, 0)),
                    })}
                  </Typography.Text>
                </Table.Summary.Cell>
              </Table.Summary.Row>
            )
          }
        />
      </Card>
      {adjusting && <AdjustmentDialog row={adjusting} format={format} onClose={() => setAdjusting(null)} />}
    </Space>
  );
}
