import { useState } from 'react';
import { Link } from 'react-router';
import { Input, Space, Table, Tag, Tooltip, Typography } from 'antd';
import { useI18n } from '../i18n/i18n-context';
import type { HealthList, HealthRow } from './api';
import { DIMENSIONS, STATUS_TAG, STATUSES, type HealthStatus } from './logic';
import { DIMENSION_LABEL, STATUS_LABEL, StatusTag, useSuccessFormat } from './parts';

/**
 * Every customer the caller may see with its current score: status filter tags (with counts),
 * the dimensions on hover, CSM, ARR and renewal probability; a name opens the account.
 */
export function HealthListTab({
  list,
  loading,
  status,
  onStatus,
}: {
  list: HealthList | undefined;
  loading: boolean;
  status: HealthStatus | null;
  onStatus: (s: HealthStatus | null) => void;
}) {
  const { t } = useI18n();
  const format = useSuccessFormat();
  const [q, setQ] = useState('');
  const needle = q.trim().toLowerCase();
  const rows = (list?.data ?? []).filter(
    (r) =>
      (status === null || r.status === status) &&
      (!needle ||
        r.account_name.toLowerCase().includes(needle) ||
        (r.csm_name ?? '').toLowerCase().includes(needle) ||
        (r.owner_name ?? '').toLowerCase().includes(needle)),
  );
  const count = (s: HealthStatus) => list?.meta.distribution.find((d) => d.status === s)?.customers ?? 0;
  const all = list?.data.length ?? 0;
  return (
    <Space orientation="vertical" size={12} style={{ width: '100%' }}>
      <Space wrap size={12} style={{ justifyContent: 'space-between', width: '100%' }}>
        <Space wrap size={4} role="group" aria-label={t('cs.list.filter')} data-testid="status-filter">
          <Tag.CheckableTag checked={status === null} onChange={() => onStatus(null)}>
            {t('cs.list.all', { n: all })}
          </Tag.CheckableTag>
          {STATUSES.map((s) => (
            <Tag.CheckableTag
              key={s}
              checked={status === s}
              data-testid={`status-filter-${s}`}
              onChange={(on) => onStatus(on ? s : null)}
            >
              {t(STATUS_LABEL[s])} {count(s)}
            </Tag.CheckableTag>
          ))}
        </Space>
        <Input.Search
          allowClear
          style={{ width: 260 }}
          placeholder={t('cs.list.search')}
          aria-label={t('cs.list.search')}
          data-testid="health-search"
          onChange={(e) => setQ(e.target.value)}
        />
      </Space>
      <Table<HealthRow>
        size="small"
        rowKey="account_id"
        data-testid="health-list"
        loading={loading}
        dataSource={rows}
        pagination={{ pageSize: 50, hideOnSinglePage: true, showSizeChanger: false }}
        scroll={{ x: 'max-content' }}
        columns={[
          {
            key: 'account',
            title: t('cs.col.account'),
            render: (_, r) => <Link to={`/o/account/${r.account_id}`}>{r.account_name}</Link>,
          },
          {
            key: 'score',
            title: t('cs.col.score'),
            align: 'right',
            sorter: (a, b) => (a.score ?? -1) - (b.score ?? -1),
            render: (_, r) => (
              <Tooltip title={<DimensionTip row={r} />}>
                <span tabIndex={0} data-testid={`score-${r.account_id}`} style={{ cursor: 'help' }}>
                  {format.score(r.score)}
                </span>
              </Tooltip>
            ),
          },
          {
            key: 'status',
            title: t('cs.col.status'),
            render: (_, r) => <StatusTag status={r.status} delayed={r.delayed} />,
          },
          { key: 'csm', title: t('cs.col.csm'), render: (_, r) => r.csm_name ?? t('common.empty') },
          { key: 'owner', title: t('cs.col.owner'), render: (_, r) => r.owner_name ?? t('common.empty') },
          {
            key: 'arr',
            title: t('cs.col.arr'),
            align: 'right',
            sorter: (a, b) => a.arr - b.arr,
            render: (_, r) => format.money(r.arr),
          },
          {
            key: 'probability',
            title: t('cs.col.probability'),
            align: 'right',
            sorter: (a, b) => (a.probability ?? -1) - (b.probability ?? -1),
            render: (_, r) => format.rate(r.probability),
          },
        ]}
      />
    </Space>
  );
}

/** The five dimensions of a row: band score and weight. */
function DimensionTip({ row }: { row: HealthRow }) {
  const { t } = useI18n();
  const format = useSuccessFormat();
  if (row.status === 'no_data') return <>{t('cs.list.noDataTip')}</>;
  return (
    <div style={{ minWidth: 200 }}>
      {DIMENSIONS.map((d) => {
        const v = row.dimensions[d];
        if (!v) return null;
        return (
          <div key={d} style={{ display: 'flex', justifyContent: 'space-between', gap: 12 }}>
            <span>{t(DIMENSION_LABEL[d])}</span>
            <span>
              {format.score(v.score)} × {v.weight}%
            </span>
          </div>
        );
      })}
      <Typography.Text style={{ color: 'inherit', fontSize: 12 }}>
        <Tag color={STATUS_TAG[row.status]} style={{ marginTop: 4 }}>
          {t(STATUS_LABEL[row.status])}
        </Tag>
      </Typography.Text>
    </div>
  );
}
