import { useState } from 'react';
import { Alert, Button, Empty, Input, Spin, Table, Tabs, Typography } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { useNavigate } from 'react-router';
import { aggregateRecords, type ListParams } from '../api/endpoints';
import { useMe, useObjectMeta, useRecordList } from '../api/queries';
import { errorText } from '../api/error-text';
import type { FilterCondition } from '../api/types';
import { useI18n } from '../i18n/i18n-context';
import { useRenderContext } from '../objects/use-render-context';
import { useDebounced } from '../shell/use-debounced';
import { statusCounts } from './lead-logic';
import { leadColumns } from './lead-columns';
import type { LeadStatus } from './leads-api';

const TABS: ('all' | LeadStatus)[] = ['all', 'pending', 'in_progress', 'converted', 'invalid'];
const COLUMNS = ['name', 'company', 'mobile', 'score', 'status', 'source', 'assigned_at', 'last_followed_at'];

/** The signed-in user's leads, by status. */
export default function MyLeadsPage() {
  const { t, pick } = useI18n();
  const me = useMe().data;
  const ctx = useRenderContext();
  const navigate = useNavigate();
  const { meta, isLoading } = useObjectMeta('lead');
  const [tab, setTab] = useState<'all' | LeadStatus>('all');
  const [q, setQ] = useState('');
  const query = useDebounced(q, 300);
  const mine: FilterCondition[] = me ? [{ field: 'owner_id', op: 'eq', value: me.user.id }] : [];
  const params: ListParams = {
    filter: tab === 'all' ? mine : [...mine, { field: 'status', op: 'eq', value: tab }],
    sort: '-assigned_at',
    limit: 50,
    q: query.trim() || undefined,
  };
  const list = useRecordList('lead', params, !!me && !!meta);
  const counts = useQuery({
    queryKey: ['records', 'lead', 'my-counts', me?.user.id, query],
    queryFn: () => aggregateRecords('lead', { filter: mine, q: query.trim() || undefined }, 'status', []),
    enabled: !!me && !!meta,
  });
  const c = statusCounts(counts.data ?? []);
  const statusField = meta?.fields.find((f) => f.api_name === 'status');
  const label = (s: LeadStatus) => pick(statusField?.options?.find((o) => o.value === s)?.label) || s;

  if (isLoading) return <Spin style={{ display: 'block', margin: 48 }} />;
  if (!meta) return <Alert type="warning" showIcon title={t('list.noPermission')} />;
  const rows = list.data?.pages.flatMap((p) => p.data) ?? [];
  const total = list.data?.pages[0]?.total;

  return (
    <div>
      <div className="fw-page-header">
        <Typography.Title level={3} style={{ margin: 0 }}>
          {t('leads.mine.title')}
        </Typography.Title>
        <Input.Search
          allowClear
          placeholder={t('leads.mine.search')}
          value={q}
          onChange={(e) => setQ(e.target.value)}
          style={{ maxWidth: 320 }}
        />
      </div>
      <Tabs
        activeKey={tab}
        onChange={(k) => setTab(TABS.find((x) => x === k) ?? 'all')}
        items={TABS.map((k) => ({
          key: k,
          label: (
            <span data-testid={`my-leads-tab-${k}`}>
              {k === 'all' ? t('leads.mine.all') : label(k)}{' '}
              <Typography.Text type="secondary" className="fw-num">
                {k === 'all' ? c.total : (c[k] ?? 0)}
              </Typography.Text>
            </span>
          ),
        }))}
      />
      {list.error ? (
        <Alert type="error" showIcon title={errorText(list.error, t)} />
      ) : (
        <>
          <Table
            rowKey="id"
            size="middle"
            loading={list.isLoading}
            columns={leadColumns(meta, ctx, COLUMNS)}
            dataSource={rows}
            pagination={false}
            scroll={{ x: 'max-content' }}
            onRow={(r) => ({ onClick: () => navigate(`/o/lead/${r.id}`), style: { cursor: 'pointer' } })}
            data-testid="my-leads-table"
            locale={{
              emptyText: (
                <Empty
                  description={
                    <span>
                      {query || tab !== 'all' ? t('leads.mine.emptyFiltered') : t('leads.mine.empty')}
                    </span>
                  }
                >
                  {!query && tab === 'all' && (
                    <Button type="primary" onClick={() => navigate('/leads/pools')}>
                      {t('leads.mine.goPools')}
                    </Button>
                  )}
                </Empty>
              ),
            }}
          />
          <div style={{ display: 'flex', justifyContent: 'space-between', marginTop: 12, flexWrap: 'wrap' }}>
            <Typography.Text type="secondary" data-testid="my-leads-total">
              {total !== undefined ? t('list.loaded', { loaded: rows.length, count: total }) : ''}
            </Typography.Text>
            {list.hasNextPage && (
              <Button loading={list.isFetchingNextPage} onClick={() => void list.fetchNextPage()}>
                {t('list.loadMore')}
              </Button>
            )}
          </div>
        </>
      )}
    </div>
  );
}
