import { useState } from 'react';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  Empty,
  Progress,
  Row,
  Space,
  Spin,
  Table,
  Tag,
  Tooltip,
  Typography,
} from 'antd';
import { Link, Navigate, useNavigate, useParams } from 'react-router';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useMe, useRecordList, keys } from '../api/queries';
import { ApiError } from '../api/http-client';
import { errorText } from '../api/error-text';
import type { RecordData } from '../api/types';
import { useI18n } from '../i18n/i18n-context';
import { PoolMembersModal } from '../leads/pool-members-modal';
import { useRenderContext } from '../objects/use-render-context';
import {
  accountKeys,
  assignAccount,
  claimAccount,
  fetchPoolEntries,
  transferAccount,
  type AccountPoolEntry,
  useAccountPoolCounts,
  useAccountPoolMembers,
  useAccountPools,
  useAccountSettings,
  useMyHoldings,
} from './api';
import { daysAgo, holdingPercent, runMoves, summarizeClaims, type ClaimSummary } from './account-logic';
import { AccountMoveDialog, type AccountMoveKind, type AccountMoveValues } from './move-dialog';
import { ACCOUNT_POOL_MEMBERS } from './pool-members';
import { BulkSummaryAlert, PoolBulkBar } from '../pools/bulk-bar';

type BulkKind = 'claim' | 'assign' | 'transfer';
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** How a refusal reads in the summary: the server's own (localised) message. */
const describe = (err: unknown, fallback: string) =>
  err instanceof ApiError
    ? { code: err.key, message: err.message || fallback }
    : { code: 'unknown', message: fallback };

/** Public pools (公海): pick a pool, see its waiting accounts, claim / assign / transfer in bulk. */
export default function AccountPoolsPage() {
  const { t } = useI18n();
  const { poolId } = useParams();
  const navigate = useNavigate();
  const me = useMe().data;
  const pools = useAccountPools();
  const counts = useAccountPoolCounts();
  const settings = useAccountSettings();
  const holdings = useMyHoldings(me?.user.id);

  if (pools.isLoading) return <Spin style={{ display: 'block', margin: 48 }} />;
  if (pools.error) return <Alert type="error" showIcon title={errorText(pools.error, t)} />;
  const list = pools.data ?? [];
  if (!poolId && list[0]) return <Navigate to={`/accounts/pools/${list[0].id}`} replace />;
  const selected = list.find((p) => p.id === poolId);
  const count = (id: string) => counts.data?.find((g) => g.value === id)?.count ?? 0;
  const limit = settings.data?.holdingLimit ?? 0;
  const held = holdings.data
    ? holdings.data.owned + (settings.data?.wonCountsTowardLimit ? holdings.data.won : 0)
    : 0;

  return (
    <div>
      <div className="fw-page-header">
        <Typography.Title level={3} style={{ margin: 0 }}>
          {t('accounts.pools.title')}
        </Typography.Title>
        {settings.data && holdings.data && (
          <div style={{ minWidth: 220, maxWidth: 320, flex: 1 }} data-testid="my-holdings">
            <Typography.Text type="secondary">
              {t('accounts.pools.holdings', { held, limit })}
            </Typography.Text>
            <Progress
              percent={holdingPercent(held, limit)}
              status={held >= limit ? 'exception' : 'normal'}
              showInfo={false}
              size="small"
            />
          </div>
        )}
      </div>
      {list.length === 0 ? (
        <Card>
          <Empty description={me?.role.is_admin ? t('accounts.pools.emptyAdmin') : t('accounts.pools.empty')}>
            {me?.role.is_admin && (
              <Button type="primary" onClick={() => navigate('/o/account_pool/new')}>
                {t('accounts.pools.create')}
              </Button>
            )}
          </Empty>
        </Card>
      ) : (
        <Row gutter={[12, 12]}>
          <Col xs={24} md={7} xl={6}>
            <Space orientation="vertical" size={8} style={{ width: '100%' }} data-testid="account-pool-list">
              {list.map((p) => (
                <Card
                  key={p.id}
                  size="small"
                  hoverable
                  onClick={() => navigate(`/accounts/pools/${p.id}`)}
                  style={p.id === poolId ? { borderColor: '#1f5fd6', background: '#f3f7ff' } : undefined}
                  data-testid="account-pool-card"
                  role="link"
                  tabIndex={0}
                  onKeyDown={(e) => {
                    if (e.key === 'Enter') navigate(`/accounts/pools/${p.id}`);
                  }}
                >
                  <Typography.Text strong>{str(p.name)}</Typography.Text>
                  <div style={{ display: 'flex', gap: 8, flexWrap: 'wrap', marginTop: 4 }}>
                    <Tag color={count(p.id) > 0 ? 'orange' : 'default'}>
                      {t('accounts.pools.waiting', { count: count(p.id) })}
                    </Tag>
                    {typeof p.claim_cap === 'number' && (
                      <Tag>{t('accounts.pools.cap', { count: p.claim_cap })}</Tag>
                    )}
                  </div>
                  {typeof p.claim_cap === 'number' && (
                    <div data-testid="pool-holding">
                      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                        {t('accounts.pools.mine', {
                          held: holdings.data?.perPool[p.id] ?? 0,
                          limit: p.claim_cap,
                        })}
                      </Typography.Text>
                      <Progress
                        percent={holdingPercent(holdings.data?.perPool[p.id] ?? 0, p.claim_cap)}
                        showInfo={false}
                        size="small"
                        status={(holdings.data?.perPool[p.id] ?? 0) >= p.claim_cap ? 'exception' : 'normal'}
                      />
                    </div>
                  )}
                </Card>
              ))}
            </Space>
          </Col>
          <Col xs={24} md={17} xl={18}>
            {selected ? (
              <PoolDetail key={selected.id} pool={selected} />
            ) : (
              <Card>
                <Empty description={t('accounts.pools.notFound')} />
              </Card>
            )}
          </Col>
        </Row>
      )}
    </div>
  );
}

/** Who had the account before the pool and why it came back, and for how long it has waited. */
function PoolEntryCell({
  entry,
  loading,
  part,
}: {
  entry: AccountPoolEntry | undefined;
  loading: boolean;
  part: 'who' | 'days';
}) {
  const { t } = useI18n();
  const ctx = useRenderContext();
  if (loading) return <Spin size="small" />;
  if (!entry) return <Typography.Text type="secondary">—</Typography.Text>;
  if (part === 'days') {
    const d = daysAgo(entry.entered_at, new Date(), ctx.timeZone);
    return <span className="fw-num">{t('accounts.daysCount', { count: d ?? 0 })}</span>;
  }
  return (
    <span>
      {entry.from_owner_name || '—'}
      {entry.reason && (
        <Typography.Text type="secondary" style={{ display: 'block', fontSize: 12 }}>
          {entry.reason}
        </Typography.Text>
      )}
    </span>
  );
}

function PoolDetail({ pool }: { pool: RecordData }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const me = useMe().data;
  const navigate = useNavigate();
  const members = useAccountPoolMembers(pool.id);
  const [selected, setSelected] = useState<string[]>([]);
  const [move, setMove] = useState<AccountMoveKind | null>(null);
  const [running, setRunning] = useState<{ kind: BulkKind; done: number; total: number } | null>(null);
  const [summary, setSummary] = useState<{ kind: BulkKind; s: ClaimSummary } | null>(null);
  const [editMembers, setEditMembers] = useState(false);
  const list = useRecordList('account', {
    filter: [
      { field: 'pool_id', op: 'eq', value: pool.id },
      { field: 'state', op: 'eq', value: 'pool' },
    ],
    sort: '-updated_at',
    limit: 100,
    count: true,
  });

  const isAdmin = me?.role.is_admin === true;
  const myRole = members.data?.find((m) => m.user_id === me?.user.id)?.role ?? null;
  const poolAdmin = isAdmin || myRole === 'admin';
  const canClaim = poolAdmin || (myRole === 'member' && pool.visibility !== 'admin_assign');
  const admins = (members.data ?? []).filter((m) => m.role === 'admin');
  const memberCount = (members.data ?? []).filter((m) => m.role === 'member').length;
  const rows = list.data?.pages.flatMap((p) => p.data) ?? [];
  const total = list.data?.pages[0]?.total;
  const rowIds = rows.map((r) => r.id);
  const entries = useQuery({
    queryKey: accountKeys.poolEntries(rowIds),
    queryFn: () => fetchPoolEntries(rowIds),
    enabled: rowIds.length > 0,
    staleTime: 60_000,
  });
  const entryOf = new Map((entries.data ?? []).map((e) => [e.account_id, e]));

  const bulk = async (kind: BulkKind, call: (id: string) => Promise<unknown>) => {
    const ids = selected;
    setSummary(null);
    setRunning({ kind, done: 0, total: ids.length });
    const outcomes = await runMoves(
      ids,
      call,
      (err) => describe(err, errorText(err, t)),
      (done) => setRunning({ kind, done, total: ids.length }),
    );
    setRunning(null);
    const s = summarizeClaims(outcomes);
    setSummary({ kind, s });
    setSelected(outcomes.filter((o) => !o.ok).map((o) => o.id));
    if (s.ok > 0) void message.success(t(`accounts.bulk.${kind}`, { count: s.ok }));
    await queryClient.invalidateQueries({ queryKey: keys.records('account') });
    await queryClient.invalidateQueries({ queryKey: accountKeys.pools });
  };

  const submitMove = async (v: AccountMoveValues) => {
    const kind = move;
    setMove(null);
    if (kind === 'assign' && v.owner_id) {
      const owner = v.owner_id;
      await bulk('assign', (id) => assignAccount(id, owner, v.reason));
    } else if (kind === 'transfer' && v.pool_id) {
      const target = v.pool_id;
      await bulk('transfer', (id) => transferAccount(id, target, v.reason));
    }
  };

  return (
    <Card data-testid="account-pool-detail">
      <div className="fw-page-header">
        <div>
          <Typography.Title level={4} style={{ margin: 0 }} data-testid="account-pool-title">
            {str(pool.name)}
          </Typography.Title>
          <Space size={[8, 4]} wrap style={{ marginTop: 4 }}>
            {pool.visibility === 'admin_assign' && <Tag>{t('accounts.pools.adminAssign')}</Tag>}
            {typeof pool.claim_cap === 'number' && (
              <Tag>{t('accounts.pools.cap', { count: pool.claim_cap })}</Tag>
            )}
            {myRole && (
              <Tag color="blue">{t(myRole === 'admin' ? 'accounts.role.admin' : 'accounts.role.member')}</Tag>
            )}
            <Typography.Text type="secondary">
              {t('accounts.pools.admins')}:{' '}
              {admins.length ? admins.map((a) => a.name).join(t('leads.nameSeparator')) : '—'} ·{' '}
              {t('accounts.pools.memberCount', { count: memberCount })}
            </Typography.Text>
          </Space>
          {str(pool.description) && (
            <Typography.Paragraph type="secondary" style={{ margin: '4px 0 0' }}>
              {str(pool.description)}
            </Typography.Paragraph>
          )}
        </div>
        <Space wrap>
          {isAdmin && (
            <Button onClick={() => setEditMembers(true)} data-testid="account-pool-edit-members">
              {t('accounts.members.edit')}
            </Button>
          )}
          <Button onClick={() => navigate(`/o/account_pool/${pool.id}`)}>
            {t('accounts.pools.settings')}
          </Button>
        </Space>
      </div>
      {!canClaim && !poolAdmin && members.isSuccess && (
        <Alert
          type="info"
          showIcon
          title={myRole ? t('accounts.pools.adminAssignHint') : t('accounts.pools.notMemberHint')}
          style={{ marginBottom: 12 }}
        />
      )}
      <PoolBulkBar
        canClaim={canClaim}
        poolAdmin={poolAdmin}
        selectedCount={selected.length}
        running={running}
        onClaim={() => void bulk('claim', claimAccount)}
        onAssign={() => setMove('assign')}
        onTransfer={() => setMove('transfer')}
        labels={{
          claim: t('accounts.action.claim'),
          assign: t('accounts.action.assign'),
          transfer: t('accounts.action.transfer'),
          selected: t('accounts.selectedCount', { count: selected.length }),
          total: total !== undefined && total !== null ? t('accounts.pools.total', { count: total }) : '',
        }}
        testIdPrefix="account-"
      />
      {summary && (
        <BulkSummaryAlert
          ok={summary.s.ok}
          failed={summary.s.failed}
          title={
            summary.s.failed === 0
              ? t(`accounts.bulk.${summary.kind}`, { count: summary.s.ok })
              : `${t(`accounts.bulk.${summary.kind}`, { count: summary.s.ok })}${t('accounts.bulk.refused', {
                  count: summary.s.failed,
                })}`
          }
          description={
            summary.s.groups.length > 0 && (
              <ul style={{ margin: 0, paddingInlineStart: 18 }}>
                {summary.s.groups.map((g) => (
                  <li key={g.code}>
                    {g.messages.length === 1 ? (
                      t('accounts.bulk.reasonCount', { message: g.messages[0] ?? '', count: g.count })
                    ) : (
                      <>
                        {t('accounts.bulk.groupCount', { count: g.count })}
                        <ul style={{ margin: 0, paddingInlineStart: 18 }}>
                          {g.messages.map((m) => (
                            <li key={m}>{m}</li>
                          ))}
                        </ul>
                      </>
                    )}
                  </li>
                ))}
              </ul>
            )
          }
          onClose={() => setSummary(null)}
          testId="account-bulk-summary"
        />
      )}
      {list.error ? (
        <Alert type="error" showIcon title={errorText(list.error, t)} />
      ) : (
        <>
          <Table<RecordData>
            rowKey="id"
            size="middle"
            loading={list.isLoading}
            dataSource={rows}
            pagination={rows.length > 20 ? { pageSize: 20, showSizeChanger: false } : false}
            scroll={{ x: 'max-content' }}
            rowSelection={
              canClaim || poolAdmin
                ? { selectedRowKeys: selected, onChange: (k) => setSelected(k.map(String)) }
                : undefined
            }
            data-testid="account-pool-accounts"
            locale={{ emptyText: <Empty description={t('accounts.pools.noAccounts')} /> }}
            columns={[
              {
                key: 'name',
                title: t('accounts.col.name'),
                render: (_, r) => <Link to={`/o/account/${r.id}`}>{str(r.name) || r.id.slice(0, 8)}</Link>,
              },
              {
                key: 'industry',
                title: t('accounts.col.industry'),
                render: (_, r) => str(r.industry) || '—',
              },
              { key: 'city', title: t('accounts.col.city'), render: (_, r) => str(r.city) || '—' },
              {
                key: 'grade',
                title: t('accounts.col.grade'),
                render: (_, r) => (str(r.grade) ? <Tag>{str(r.grade)}</Tag> : '—'),
              },
              {
                key: 'last',
                title: (
                  <Tooltip title={t('accounts.col.lastOwnerHint')}>{t('accounts.col.lastOwner')}</Tooltip>
                ),
                render: (_, r) => (
                  <PoolEntryCell entry={entryOf.get(r.id)} loading={entries.isLoading} part="who" />
                ),
              },
              {
                key: 'days',
                title: t('accounts.col.daysInPool'),
                render: (_, r) => (
                  <PoolEntryCell entry={entryOf.get(r.id)} loading={entries.isLoading} part="days" />
                ),
              },
            ]}
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
      <AccountMoveDialog
        kind={move}
        count={selected.length}
        excludePool={pool.id}
        onCancel={() => setMove(null)}
        onSubmit={submitMove}
      />
      <PoolMembersModal
        poolId={pool.id}
        poolName={str(pool.name)}
        open={editMembers}
        onClose={() => setEditMembers(false)}
        api={ACCOUNT_POOL_MEMBERS}
      />
    </Card>
  );
}
