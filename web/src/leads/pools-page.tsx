import { useState } from 'react';
import { Alert, App, Button, Card, Col, Empty, Row, Space, Spin, Table, Tag, Typography } from 'antd';
import { Navigate, useNavigate, useParams } from 'react-router';
import { useQueryClient } from '@tanstack/react-query';
import { useMe, useObjectMeta, useRecordList, keys } from '../api/queries';
import { errorText } from '../api/error-text';
import type { RecordData } from '../api/types';
import { useI18n } from '../i18n/i18n-context';
import { useRenderContext } from '../objects/use-render-context';
import {
  assignLead,
  claimLead,
  leadKeys,
  transferLead,
  usePoolCounts,
  usePoolMembers,
  usePools,
} from './leads-api';
import { runBulk, summarizeBulk, type BulkSummary } from './lead-logic';
import { leadColumns } from './lead-columns';
import { MoveModal, type MoveKind, type MoveValues } from './move-modal';
import { PoolMembersModal } from './pool-members-modal';
import { BulkSummaryAlert, PoolBulkBar } from '../pools/bulk-bar';

const COLUMNS = ['name', 'company', 'province', 'source', 'score', 'touch_count', 'created_at'];
type BulkKind = 'claim' | 'assign' | 'transfer';

/** Lead pools: pick a pool, see its unassigned leads, claim / assign / transfer in bulk. */
export default function PoolsPage() {
  const { t, pick } = useI18n();
  const { poolId } = useParams();
  const navigate = useNavigate();
  const me = useMe().data;
  const pools = usePools();
  const counts = usePoolCounts();
  const poolMeta = useObjectMeta('lead_pool').meta;

  if (pools.isLoading) return <Spin style={{ display: 'block', margin: 48 }} />;
  if (pools.error) return <Alert type="error" showIcon title={errorText(pools.error, t)} />;
  const list = pools.data ?? [];
  if (!poolId && list[0]) return <Navigate to={`/leads/pools/${list[0].id}`} replace />;
  const selected = list.find((p) => p.id === poolId);
  const visibilityField = poolMeta?.fields.find((f) => f.api_name === 'visibility');
  const visibilityLabel = (v: unknown) =>
    pick(visibilityField?.options?.find((o) => o.value === v)?.label) || String(v ?? '');
  const count = (id: string) => counts.data?.find((g) => g.value === id)?.count ?? 0;

  return (
    <div>
      <div className="fw-page-header">
        <Typography.Title level={3} style={{ margin: 0 }}>
          {t('leads.pools.title')}
        </Typography.Title>
      </div>
      {list.length === 0 ? (
        <Card>
          <Empty description={me?.role.is_admin ? t('leads.pools.emptyAdmin') : t('leads.pools.empty')}>
            {me?.role.is_admin && (
              <Button type="primary" onClick={() => navigate('/o/lead_pool/new')}>
                {t('leads.pools.create')}
              </Button>
            )}
          </Empty>
        </Card>
      ) : (
        <Row gutter={[12, 12]}>
          <Col xs={24} md={7} xl={6}>
            <Space orientation="vertical" size={8} style={{ width: '100%' }} data-testid="pool-list">
              {list.map((p) => (
                <Card
                  key={p.id}
                  size="small"
                  hoverable
                  onClick={() => navigate(`/leads/pools/${p.id}`)}
                  style={p.id === poolId ? { borderColor: '#1f5fd6', background: '#f3f7ff' } : undefined}
                  data-testid="pool-card"
                  role="link"
                  tabIndex={0}
                  onKeyDown={(e) => {
                    if (e.key === 'Enter') navigate(`/leads/pools/${p.id}`);
                  }}
                >
                  <Typography.Text strong>{String(p.name ?? '')}</Typography.Text>
                  <div style={{ display: 'flex', gap: 8, flexWrap: 'wrap', marginTop: 4 }}>
                    <Tag color={count(p.id) > 0 ? 'orange' : 'default'}>
                      {t('leads.pools.unassigned', { count: count(p.id) })}
                    </Tag>
                    <Tag>{t('leads.pools.cap', { count: Number(p.claim_cap ?? 0) })}</Tag>
                    <Tag>{visibilityLabel(p.visibility)}</Tag>
                  </div>
                </Card>
              ))}
            </Space>
          </Col>
          <Col xs={24} md={17} xl={18}>
            {selected ? (
              <PoolDetail key={selected.id} pool={selected} visibilityLabel={visibilityLabel} />
            ) : (
              <Card>
                <Empty description={t('leads.pools.notFound')} />
              </Card>
            )}
          </Col>
        </Row>
      )}
    </div>
  );
}

function PoolDetail({
  pool,
  visibilityLabel,
}: {
  pool: RecordData;
  visibilityLabel: (v: unknown) => string;
}) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const me = useMe().data;
  const ctx = useRenderContext();
  const navigate = useNavigate();
  const leadMeta = useObjectMeta('lead').meta;
  const members = usePoolMembers(pool.id);
  const [selected, setSelected] = useState<string[]>([]);
  const [move, setMove] = useState<MoveKind | null>(null);
  const [running, setRunning] = useState<{ kind: BulkKind; done: number; total: number } | null>(null);
  const [summary, setSummary] = useState<{ kind: BulkKind; s: BulkSummary } | null>(null);
  const [editMembers, setEditMembers] = useState(false);
  const list = useRecordList('lead', {
    filter: [
      { field: 'pool_id', op: 'eq', value: pool.id },
      { field: 'status', op: 'eq', value: 'unassigned' },
    ],
    sort: '-created_at',
    limit: 100,
  });

  const isAdmin = me?.role.is_admin === true;
  // the server knows department memberships too
  const myRole = members.data?.my_role ?? null;
  const poolAdmin = isAdmin || myRole === 'admin';
  const canClaim = poolAdmin || (myRole === 'member' && pool.visibility !== 'admin_assign');
  const seesAll = isAdmin || me?.role.permissions.objects.lead?.scope === 'all';
  const admins = (members.data?.data ?? []).filter((m) => m.role === 'admin');
  const memberCount = (members.data?.data ?? []).filter((m) => m.role === 'member').length;
  const rows = list.data?.pages.flatMap((p) => p.data) ?? [];
  const total = list.data?.pages[0]?.total;

  const bulk = async (kind: BulkKind, call: (id: string) => Promise<unknown>) => {
    const ids = selected;
    setSummary(null);
    setRunning({ kind, done: 0, total: ids.length });
    const outcomes = await runBulk(
      ids,
      call,
      (err) => errorText(err, t),
      (done) => setRunning({ kind, done, total: ids.length }),
    );
    setRunning(null);
    const s = summarizeBulk(outcomes);
    setSummary({ kind, s });
    setSelected(outcomes.filter((o) => !o.ok).map((o) => o.id));
    if (s.ok > 0) void message.success(t(`leads.bulk.${kind}`, { count: s.ok }));
    await queryClient.invalidateQueries({ queryKey: keys.records('lead') });
    await queryClient.invalidateQueries({ queryKey: leadKeys.pools });
  };

  const submitMove = async (v: MoveValues) => {
    const kind = move;
    setMove(null);
    if (kind === 'assign' && v.owner_id) {
      const owner = v.owner_id;
      await bulk('assign', (id) => assignLead(id, owner, v.reason));
    } else if (kind === 'transfer' && v.pool_id) {
      const target = v.pool_id;
      await bulk('transfer', (id) => transferLead(id, target, v.reason));
    }
  };

  const summaryText = (k: BulkKind, s: BulkSummary) => {
    const head = t(`leads.bulk.${k}`, { count: s.ok });
    if (s.failed === 0) return head;
    return `${head}${t('leads.bulk.refused', { count: s.failed })}${s.reasons
      .map((r) =>
        r.count > 1 ? t('leads.bulk.reasonCount', { message: r.message, count: r.count }) : r.message,
      )
      .join(t('leads.listSeparator'))}`;
  };

  return (
    <Card data-testid="pool-detail">
      <div className="fw-page-header">
        <div>
          <Typography.Title level={4} style={{ margin: 0 }} data-testid="pool-title">
            {String(pool.name ?? '')}
          </Typography.Title>
          <Space size={[8, 4]} wrap style={{ marginTop: 4 }}>
            <Tag>{visibilityLabel(pool.visibility)}</Tag>
            <Tag>{t('leads.pools.cap', { count: Number(pool.claim_cap ?? 0) })}</Tag>
            {myRole && (
              <Tag color="blue">{t(myRole === 'admin' ? 'leads.role.admin' : 'leads.role.member')}</Tag>
            )}
            <Typography.Text type="secondary">
              {t('leads.pools.admins')}:{' '}
              {admins.length ? admins.map((a) => a.name).join(t('leads.nameSeparator')) : '—'} ·{' '}
              {t('leads.pools.memberCount', { count: memberCount })}
            </Typography.Text>
          </Space>
          {typeof pool.description === 'string' && pool.description && (
            <Typography.Paragraph type="secondary" style={{ margin: '4px 0 0' }}>
              {pool.description}
            </Typography.Paragraph>
          )}
        </div>
        <Space wrap>
          {isAdmin && (
            <Button onClick={() => setEditMembers(true)} data-testid="edit-members">
              {t('leads.members.edit')}
            </Button>
          )}
          <Button onClick={() => navigate(`/o/lead_pool/${pool.id}`)}>{t('leads.pools.settings')}</Button>
        </Space>
      </div>
      {!seesAll && (
        <Alert type="info" showIcon title={t('leads.pools.scopeHint')} style={{ marginBottom: 12 }} />
      )}
      <PoolBulkBar
        canClaim={canClaim}
        poolAdmin={poolAdmin}
        selectedCount={selected.length}
        running={running}
        onClaim={() => void bulk('claim', claimLead)}
        onAssign={() => setMove('assign')}
        onTransfer={() => setMove('transfer')}
        labels={{
          claim: t('leads.action.claim'),
          assign: t('leads.action.assign'),
          transfer: t('leads.action.transfer'),
          selected: t('leads.selectedCount', { count: selected.length }),
          total: total !== undefined ? t('leads.pools.total', { count: total }) : '',
        }}
        testIdPrefix=""
      />
      {summary && (
        <BulkSummaryAlert
          ok={summary.s.ok}
          failed={summary.s.failed}
          title={summaryText(summary.kind, summary.s)}
          onClose={() => setSummary(null)}
          testId="bulk-summary"
        />
      )}
      {list.error ? (
        <Alert type="error" showIcon title={errorText(list.error, t)} />
      ) : (
        <>
          <Table
            rowKey="id"
            size="middle"
            loading={list.isLoading}
            columns={leadMeta ? leadColumns(leadMeta, ctx, COLUMNS) : []}
            dataSource={rows}
            pagination={false}
            scroll={{ x: 'max-content' }}
            rowSelection={
              canClaim || poolAdmin
                ? { selectedRowKeys: selected, onChange: (k) => setSelected(k.map(String)) }
                : undefined
            }
            data-testid="pool-leads"
            locale={{ emptyText: <Empty description={t('leads.pools.noLeads')} /> }}
          />
          {list.hasNextPage && (
            <Button
              style={{ marginTop: 12 }}
              loading={list.isFetchingNextPage}
              onClick={() => void list.fetchNextPage()}
            >
              {t('list.loadMore')}
            </Button>
          )}
        </>
      )}
      <MoveModal
        kind={move}
        count={selected.length}
        excludePool={pool.id}
        onCancel={() => setMove(null)}
        onSubmit={submitMove}
      />
      <PoolMembersModal
        poolId={pool.id}
        poolName={String(pool.name ?? '')}
        open={editMembers}
        onClose={() => setEditMembers(false)}
      />
    </Card>
  );
}
