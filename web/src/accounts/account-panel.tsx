import { useState } from 'react';
import { Alert, App, Button, Card, Descriptions, Space, Spin, Tabs, Tag, Typography } from 'antd';
import { useQueryClient } from '@tanstack/react-query';
import { useNavigate } from 'react-router';
import type { RecordPanelProps } from '../objects/record-panels';
import { useMe } from '../api/queries';
import { errorText } from '../api/error-text';
import { getRecord } from '../api/endpoints';
import { ApiError } from '../api/http-client';
import { canDo } from '../auth/permissions';
import { useI18n } from '../i18n/i18n-context';
import { useRenderContext } from '../objects/use-render-context';
import { recordTitle } from '../objects/field-values';
import { ActivitySection } from '../activities/activity-section';
import { LogActivityButton } from '../activities/log-activity-button';
import { accountActions, daysAgo } from './account-logic';
import {
  accountKeys,
  assignAccount,
  claimAccount,
  returnAccount,
  transferAccount,
  useAccountPoolMembers,
  useAccountPools,
  useOverview,
} from './api';
import { AccountMoveDialog, type AccountMoveKind, type AccountMoveValues } from './move-dialog';
import {
  LaterSlots,
  MovesHistory,
  OpenTasks,
  OpportunityList,
  OrgChart,
  TeamSection,
} from './account-sections';

const str = (v: unknown): string | null => (typeof v === 'string' && v ? v : null);
const STATE_COLOR: Record<string, string> = { pool: 'orange', owned: 'blue', won: 'green' };

/** The 360° view of an account: facts, pool moves, contacts as an org chart, deals, follow-ups, team. */
export default function AccountPanel({ meta, record, refresh }: RecordPanelProps) {
  const { t, pick } = useI18n();
  const { message } = App.useApp();
  const ctx = useRenderContext();
  const me = useMe().data;
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const overview = useOverview(record.id);
  const pools = useAccountPools();
  const [move, setMove] = useState<AccountMoveKind | null>(null);
  const [claiming, setClaiming] = useState(false);
  const [actionError, setActionError] = useState<string | null>(null);

  const state = str(record.state) ?? 'owned';
  const poolId = str(record.pool_id);
  const ownerId = str(record.owner_id);
  const pool = pools.data?.find((p) => p.id === poolId);
  const members = useAccountPoolMembers(poolId ?? undefined);
  const myRole = members.data?.find((m) => m.user_id === me?.user.id)?.role ?? null;
  const actions = accountActions({
    state,
    ownerId,
    meId: me?.user.id ?? '',
    isAdmin: me?.role.is_admin === true,
    poolRole: myRole,
    poolVisibility: str(pool?.visibility),
  });
  const option = (field: string, v: string | null) =>
    v
      ? pick(meta.fields.find((f) => f.api_name === field)?.options?.find((o) => o.value === v)?.label) || v
      : null;
  const poolName = (id: string) =>
    id === poolId && record._expand?.pool_id?.name
      ? record._expand.pool_id.name
      : (str(pools.data?.find((p) => p.id === id)?.name) ?? '');
  const name = recordTitle(record, meta.name_field);
  const followed = daysAgo(str(record.last_followed_at), new Date(), ctx.timeZone);

  const reload = async () => {
    await queryClient.invalidateQueries({ queryKey: accountKeys.overview(record.id) });
    await refresh();
  };
  const done = async (text: string) => {
    setActionError(null);
    await queryClient.invalidateQueries({ queryKey: accountKeys.pools });
    void message.success(text);
    // an account that left a rep for a pool they are not in is no longer theirs to read: go to the
    // list instead of showing a 404
    const stillReadable = await getRecord('account', record.id, []).then(
      () => true,
      (err: unknown) => !(err instanceof ApiError && err.status === 404),
    );
    if (!stillReadable) {
      navigate('/o/account');
      return;
    }
    await reload();
  };

  const claim = async () => {
    setClaiming(true);
    setActionError(null);
    try {
      await claimAccount(record.id);
      await done(t('accounts.done.claimed'));
    } catch (err) {
      setActionError(errorText(err, t));
    } finally {
      setClaiming(false);
    }
  };

  const submitMove = async (v: AccountMoveValues) => {
    if (move === 'return') {
      await returnAccount(record.id, v.reason ?? '');
      setMove(null);
      await done(t('accounts.done.returned'));
    } else if (move === 'assign' && v.owner_id) {
      await assignAccount(record.id, v.owner_id, v.reason);
      setMove(null);
      await done(t('accounts.done.assigned'));
    } else if (move === 'transfer' && v.pool_id) {
      await transferAccount(record.id, v.pool_id, v.reason);
      setMove(null);
      await done(t('accounts.done.transferred'));
    }
  };

  const data = overview.data;
  const team = data?.team ?? [];
  return (
    <Card style={{ marginBottom: 12 }} data-testid="account-panel">
      <div className="fw-page-header" style={{ alignItems: 'flex-start' }}>
        <Descriptions
          size="small"
          column={{ xs: 1, sm: 2, lg: 3 }}
          style={{ flex: 1, minWidth: 0 }}
          items={[
            {
              key: 'state',
              label: t('accounts.fact.state'),
              children: (
                <Space size={4} wrap>
                  <Tag color={STATE_COLOR[state]} data-testid="account-state">
                    {option('state', state)}
                  </Tag>
                  {state === 'pool' && poolId && <Typography.Text>{poolName(poolId)}</Typography.Text>}
                </Space>
              ),
            },
            {
              key: 'grade',
              label: t('accounts.fact.grade'),
              children: option('grade', str(record.grade)) ?? '—',
            },
            {
              key: 'type',
              label: t('accounts.fact.type'),
              children: option('type', str(record.type)) ?? '—',
            },
            {
              key: 'owner',
              label: t('accounts.fact.owner'),
              children: <span data-testid="account-owner">{record._expand?.owner_id?.name ?? '—'}</span>,
            },
            {
              key: 'team',
              label: t('accounts.fact.team'),
              children: team.length ? team.map((m) => m.name).join(t('leads.nameSeparator')) : '—',
            },
            {
              key: 'followed',
              label: t('accounts.fact.lastFollowed'),
              children: (
                <span data-testid="account-last-followed">
                  {followed === null
                    ? t('accounts.fact.never')
                    : followed === 0
                      ? t('accounts.fact.today')
                      : t('accounts.fact.daysAgo', { count: followed })}
                </span>
              ),
            },
          ]}
        />
        <Space wrap data-testid="account-actions">
          {actions.claim && (
            <Button type="primary" loading={claiming} onClick={() => void claim()}>
              {t('accounts.action.claim')}
            </Button>
          )}
          {actions.return && <Button onClick={() => setMove('return')}>{t('accounts.action.return')}</Button>}
          {actions.assign && <Button onClick={() => setMove('assign')}>{t('accounts.action.assign')}</Button>}
          {actions.transfer && (
            <Button onClick={() => setMove('transfer')}>{t('accounts.action.transfer')}</Button>
          )}
          <LogActivityButton object="account" id={record.id} name={name} onLogged={reload} type="default" />
          {state === 'pool' && poolId && (
            <Button type="link" onClick={() => navigate(`/accounts/pools/${poolId}`)}>
              {t('accounts.action.openPool')}
            </Button>
          )}
        </Space>
      </div>
      {actionError && (
        <Alert
          type="error"
          showIcon
          title={actionError}
          closable={{ onClose: () => setActionError(null) }}
          style={{ margin: '8px 0' }}
          role="alert"
          data-testid="account-action-error"
        />
      )}
      {overview.isLoading ? (
        <Spin style={{ display: 'block', margin: 24 }} />
      ) : overview.error || !data ? (
        <Alert type="error" showIcon title={errorText(overview.error, t)} />
      ) : (
        <Tabs
          style={{ marginTop: 8 }}
          items={[
            {
              key: 'contacts',
              label: t('accounts.tab.contacts', { count: data.contacts.length }),
              children: (
                <Space orientation="vertical" size={8} style={{ width: '100%' }}>
                  {canDo(me, 'contact', 'create') && (
                    <Button
                      size="small"
                      onClick={() => navigate(`/o/contact/new?account_id=${encodeURIComponent(record.id)}`)}
                    >
                      {t('accounts.contacts.new')}
                    </Button>
                  )}
                  <OrgChart contacts={data.contacts} />
                </Space>
              ),
            },
            {
              key: 'opportunities',
              label: t('accounts.tab.opportunities', { count: data.opportunities?.length ?? 0 }),
              children: (
                <OpportunityList
                  items={data.opportunities}
                  accountId={record.id}
                  canCreate={canDo(me, 'opportunity', 'create')}
                />
              ),
            },
            {
              key: 'activities',
              label: t('accounts.tab.activities'),
              children: (
                <ActivitySection
                  object="account"
                  id={record.id}
                  name={name}
                  onChanged={reload}
                  maxHeight={520}
                />
              ),
            },
            {
              key: 'tasks',
              label: t('accounts.tab.tasks', { count: data.open_tasks?.length ?? 0 }),
              children: <OpenTasks tasks={data.open_tasks} />,
            },
            {
              key: 'moves',
              label: t('accounts.tab.moves'),
              children: <MovesHistory events={data.events} poolName={poolName} />,
            },
            {
              key: 'team',
              label: t('accounts.tab.team', { count: team.length }),
              children: (
                <TeamSection accountId={record.id} team={team} canEdit={actions.editTeam} onSaved={reload} />
              ),
            },
            {
              key: 'later',
              label: t('accounts.tab.later'),
              children: <LaterSlots slots={data.slots} />,
            },
          ]}
        />
      )}
      <AccountMoveDialog
        kind={move}
        excludeOwner={ownerId}
        excludePool={poolId}
        onCancel={() => setMove(null)}
        onSubmit={submitMove}
      />
    </Card>
  );
}
