import { useEffect, useState } from 'react';
import { Alert, App, Button, Empty, List, Modal, Select, Space, Table, Tag, Tree, Typography } from 'antd';
import { StarFilled } from '@ant-design/icons';
import { Link, useNavigate } from 'react-router';
import type { DataNode } from 'antd/es/tree';
import { errorText } from '../api/error-text';
import { useObjectMeta } from '../api/queries';
import type { RecordData } from '../api/types';
import { formatDate, formatDateTime } from '../format/date';
import { formatMoney } from '../format/money';
import { useI18n } from '../i18n/i18n-context';
import type { MessageKey } from '../i18n/zh-CN';
import { UserSelect } from '../leads/pickers';
import { useUsers } from '../leads/leads-api';
import { fieldValue, isMoney } from '../objects/field-values';
import { useRenderContext } from '../objects/use-render-context';
import { buildOrgTree, type OrgContact, type OrgTreeNode } from './account-logic';
import { putTeam, type AccountEvent, type AccountOverview, type AccountTeamMember } from './api';

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

const toOrgContact = (r: RecordData): OrgContact => ({
  id: r.id,
  name: str(r.name) || r.id.slice(0, 8),
  title: str(r.title) || null,
  role: str(r.role) || null,
  reportsTo: str(r.reports_to) || null,
  isKeyUser: r.is_key_user === true,
});

/** Contacts as a reporting tree (roles as tags, key users starred). */
export function OrgChart({ contacts }: { contacts: RecordData[] }) {
  const { t, pick } = useI18n();
  const contactMeta = useObjectMeta('contact').meta;
  const roleField = contactMeta?.fields.find((f) => f.api_name === 'role');
  const roleLabel = (v: string) => pick(roleField?.options?.find((o) => o.value === v)?.label) || v;
  const roleColor = (v: string) =>
    v === 'decision_maker' ? 'red' : v === 'key_person' ? 'orange' : v === 'champion' ? 'green' : 'default';
  if (!contacts.length)
    return <Empty description={t('accounts.contacts.empty')} image={Empty.PRESENTED_IMAGE_SIMPLE} />;
  const toNode = (n: OrgTreeNode): DataNode => ({
    key: n.id,
    title: (
      <span data-testid="org-node">
        <Link to={`/o/contact/${n.id}`}>{n.name}</Link>
        {n.title && <Typography.Text type="secondary"> · {n.title}</Typography.Text>}
        {n.role && (
          <Tag color={roleColor(n.role)} style={{ marginInlineStart: 6 }}>
            {roleLabel(n.role)}
          </Tag>
        )}
        {n.isKeyUser && (
          <Tag icon={<StarFilled />} color="gold">
            {t('accounts.contacts.keyUser')}
          </Tag>
        )}
        {n.managerMissing && <Tag>{t('accounts.contacts.managerMissing')}</Tag>}
        {n.inCycle && <Tag color="warning">{t('accounts.contacts.cycle')}</Tag>}
      </span>
    ),
    children: n.reports.map(toNode),
  });
  return (
    <div style={{ overflowX: 'auto' }} data-testid="org-chart">
      <Tree
        treeData={buildOrgTree(contacts.map(toOrgContact)).map(toNode)}
        defaultExpandAll
        selectable={false}
        showLine
        blockNode
      />
    </div>
  );
}

/** The account's deals, newest first, with a button for a new one on this account. */
export function OpportunityList({
  items,
  accountId,
  canCreate,
}: {
  items: AccountOverview['opportunities'];
  accountId: string;
  canCreate: boolean;
}) {
  const { t, pick } = useI18n();
  const ctx = useRenderContext();
  const navigate = useNavigate();
  if (items === null) return <Alert type="info" showIcon title={t('accounts.noAccess')} />;
  const stageColor = (s: string | null) =>
    s === 'won' ? 'green' : s === 'lost' ? 'red' : s === 'invalid' ? 'default' : 'blue';
  return (
    <Space orientation="vertical" size={8} style={{ width: '100%' }}>
      {canCreate && (
        <Button
          size="small"
          onClick={() => navigate(`/o/opportunity/new?account_id=${encodeURIComponent(accountId)}`)}
          data-testid="new-opportunity"
        >
          {t('accounts.opportunities.new')}
        </Button>
      )}
      <Table
        size="small"
        rowKey={(o) => o.record.id}
        dataSource={items}
        pagination={false}
        scroll={{ x: 'max-content' }}
        data-testid="account-opportunities"
        locale={{ emptyText: <Empty description={t('accounts.opportunities.empty')} /> }}
        columns={[
          {
            key: 'name',
            title: t('accounts.opportunities.name'),
            render: (_, o) => <Link to={`/o/opportunity/${o.record.id}`}>{str(o.record.name) || '—'}</Link>,
          },
          {
            key: 'stage',
            title: t('accounts.opportunities.stage'),
            render: (_, o) =>
              o.stage_name ? (
                <Tag color={stageColor(o.stage_type)}>{pick(o.stage_name)}</Tag>
              ) : (
                str(o.record.stage) || '—'
              ),
          },
          {
            key: 'amount',
            title: t('accounts.opportunities.amount'),
            align: 'right',
            render: (_, o) => {
              const v = o.record.amount;
              return isMoney(v) ? <span className="fw-num">{formatMoney(v, ctx.locale)}</span> : '—';
            },
          },
          {
            key: 'close',
            title: t('accounts.opportunities.closeDate'),
            render: (_, o) =>
              str(o.record.close_date) ? formatDate(str(o.record.close_date), ctx.locale) : '—',
          },
        ]}
      />
    </Space>
  );
}

export function OpenTasks({ tasks }: { tasks: AccountOverview['open_tasks'] }) {
  const { t } = useI18n();
  const ctx = useRenderContext();
  if (tasks === null) return <Alert type="info" showIcon title={t('accounts.noAccess')} />;
  if (!tasks.length)
    return <Empty description={t('accounts.tasks.empty')} image={Empty.PRESENTED_IMAGE_SIMPLE} />;
  const now = Date.now();
  return (
    <List
      size="small"
      dataSource={tasks}
      data-testid="account-tasks"
      renderItem={(task) => {
        const due = str(fieldValue(task, 'due_at'));
        const overdue = !!due && new Date(due).getTime() < now;
        return (
          <List.Item>
            <Link to={`/o/task/${task.id}`}>{str(task.subject) || '—'}</Link>
            <Space size={4}>
              {task.priority === 'high' && <Tag color="red">{t('accounts.tasks.high')}</Tag>}
              <Typography.Text type={overdue ? 'danger' : 'secondary'}>
                {due ? formatDateTime(due, ctx.timeZone, ctx.locale) : t('accounts.tasks.noDue')}
              </Typography.Text>
            </Space>
          </List.Item>
        );
      }}
    />
  );
}

const EVENT_LABEL: Record<AccountEvent['kind'], MessageKey> = {
  claimed: 'accounts.event.claimed',
  returned: 'accounts.event.returned',
  assigned: 'accounts.event.assigned',
  transferred: 'accounts.event.transferred',
  reclaimed: 'accounts.event.reclaimed',
};

/** Pool moves, newest first: who did what, from whom to whom, and why. */
export function MovesHistory({
  events,
  poolName,
}: {
  events: AccountEvent[];
  poolName: (id: string) => string;
}) {
  const { t } = useI18n();
  const ctx = useRenderContext();
  const users = useUsers();
  const userName = (id: string | null) => (id ? (users.data?.find((u) => u.id === id)?.name ?? '') : '');
  if (!events.length)
    return <Empty description={t('accounts.events.empty')} image={Empty.PRESENTED_IMAGE_SIMPLE} />;
  return (
    <List
      size="small"
      dataSource={events}
      data-testid="account-events"
      renderItem={(e) => {
        const from = userName(e.from_owner) || (e.from_pool ? poolName(e.from_pool) : '');
        const to = userName(e.to_owner) || (e.to_pool ? poolName(e.to_pool) : '');
        return (
          <List.Item data-testid="account-event">
            <div style={{ minWidth: 0 }}>
              <Space size={6} wrap>
                <Tag color={e.kind === 'claimed' || e.kind === 'assigned' ? 'blue' : 'orange'}>
                  {t(EVENT_LABEL[e.kind])}
                </Tag>
                <Typography.Text>{e.actor_name ?? t('accounts.events.system')}</Typography.Text>
                {(from || to) && (
                  <Typography.Text type="secondary">
                    {from || '—'} → {to || '—'}
                  </Typography.Text>
                )}
              </Space>
              {e.reason && <div style={{ marginTop: 2 }}>{e.reason}</div>}
            </div>
            <Typography.Text type="secondary" style={{ whiteSpace: 'nowrap' }}>
              {formatDateTime(e.at, ctx.timeZone, ctx.locale)}
            </Typography.Text>
          </List.Item>
        );
      }}
    />
  );
}

type Access = 'read' | 'edit';
interface TeamRow {
  user_id: string;
  role: string;
  access: Access;
}

/** The account team; the owner and admins edit it (user, role, read/edit access). */
export function TeamSection({
  accountId,
  team,
  canEdit,
  onSaved,
}: {
  accountId: string;
  team: AccountTeamMember[];
  canEdit: boolean;
  onSaved: () => Promise<void>;
}) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const users = useUsers();
  const [open, setOpen] = useState(false);
  const [rows, setRows] = useState<TeamRow[]>([]);
  const [adding, setAdding] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (open) setRows(team.map((m) => ({ user_id: m.user_id, role: m.role, access: m.access })));
  }, [open, team]);
  const name = (id: string) =>
    users.data?.find((u) => u.id === id)?.name ?? team.find((m) => m.user_id === id)?.name ?? id;
  const roleOptions = ['member', 'sales', 'presales', 'service', 'implementation', 'executive'].map((r) => ({
    value: r,
    label: t(`accounts.teamRole.${r}` as MessageKey),
  }));
  const roleText = (r: string) => roleOptions.find((o) => o.value === r)?.label ?? r;
  const accessOptions = [
    { value: 'read', label: t('accounts.team.read') },
    { value: 'edit', label: t('accounts.team.edit') },
  ];

  const save = async () => {
    setBusy(true);
    setError(null);
    try {
      await putTeam(accountId, rows);
      await onSaved();
      void message.success(t('accounts.team.saved'));
      setOpen(false);
    } catch (err) {
      setError(errorText(err, t));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div data-testid="account-team">
      {canEdit && (
        <Button
          size="small"
          onClick={() => setOpen(true)}
          style={{ marginBottom: 8 }}
          data-testid="edit-team"
        >
          {t('accounts.team.editButton')}
        </Button>
      )}
      {team.length === 0 ? (
        <Empty description={t('accounts.team.empty')} image={Empty.PRESENTED_IMAGE_SIMPLE} />
      ) : (
        <List
          size="small"
          dataSource={team}
          renderItem={(m) => (
            <List.Item>
              <span>{m.name}</span>
              <Space size={4}>
                <Tag>{roleText(m.role)}</Tag>
                <Tag color={m.access === 'edit' ? 'blue' : 'default'}>
                  {m.access === 'edit' ? t('accounts.team.edit') : t('accounts.team.read')}
                </Tag>
              </Space>
            </List.Item>
          )}
        />
      )}
      <Modal
        open={open}
        title={t('accounts.team.title')}
        onCancel={() => setOpen(false)}
        onOk={() => void save()}
        okText={t('common.save')}
        cancelText={t('common.cancel')}
        confirmLoading={busy}
        width={640}
        destroyOnHidden
        data-testid="team-modal"
      >
        <Space orientation="vertical" size={12} style={{ width: '100%' }}>
          {error && <Alert type="error" showIcon title={error} role="alert" />}
          <Space.Compact style={{ width: '100%' }}>
            <div style={{ flex: 1 }}>
              <UserSelect value={adding} onChange={setAdding} exclude={rows.map((r) => r.user_id)} />
            </div>
            <Button
              disabled={!adding}
              onClick={() => {
                if (adding) setRows((rs) => [...rs, { user_id: adding, role: 'member', access: 'read' }]);
                setAdding(null);
              }}
            >
              {t('accounts.team.add')}
            </Button>
          </Space.Compact>
          <Table<TeamRow>
            rowKey="user_id"
            size="small"
            dataSource={rows}
            pagination={false}
            scroll={{ x: 'max-content', y: 360 }}
            locale={{ emptyText: t('accounts.team.empty') }}
            columns={[
              { key: 'name', title: t('accounts.team.user'), render: (_, r) => name(r.user_id) },
              {
                key: 'role',
                title: t('accounts.team.role'),
                render: (_, r) => (
                  <Select
                    size="small"
                    value={r.role}
                    options={
                      roleOptions.some((o) => o.value === r.role)
                        ? roleOptions
                        : [...roleOptions, { value: r.role, label: r.role }]
                    }
                    style={{ width: 130 }}
                    onChange={(role: string) =>
                      setRows((rs) => rs.map((x) => (x.user_id === r.user_id ? { ...x, role } : x)))
                    }
                  />
                ),
              },
              {
                key: 'access',
                title: t('accounts.team.access'),
                render: (_, r) => (
                  <Select<Access>
                    size="small"
                    value={r.access}
                    options={accessOptions}
                    style={{ width: 110 }}
                    onChange={(access) =>
                      setRows((rs) => rs.map((x) => (x.user_id === r.user_id ? { ...x, access } : x)))
                    }
                  />
                ),
              },
              {
                key: 'remove',
                title: '',
                render: (_, r) => (
                  <Button
                    size="small"
                    type="link"
                    danger
                    onClick={() => setRows((rs) => rs.filter((x) => x.user_id !== r.user_id))}
                  >
                    {t('accounts.team.remove')}
                  </Button>
                ),
              },
            ]}
          />
          <Typography.Text type="secondary">{t('accounts.team.hint')}</Typography.Text>
        </Space>
      </Modal>
    </div>
  );
}

const SLOT_LABEL: Record<keyof AccountOverview['slots'], MessageKey> = {
  orders: 'accounts.slot.orders',
  payments: 'accounts.slot.payments',
  invoices: 'accounts.slot.invoices',
  tickets: 'accounts.slot.tickets',
  health: 'accounts.slot.health',
  renewals: 'accounts.slot.renewals',
  nps: 'accounts.slot.nps',
};

/** What later modules will show here; no numbers until they exist. */
export function LaterSlots({ slots }: { slots: AccountOverview['slots'] }) {
  const { t } = useI18n();
  const names = Object.keys(SLOT_LABEL) as (keyof AccountOverview['slots'])[];
  return (
    <List
      size="small"
      data-testid="account-slots"
      dataSource={names.filter((n) => slots[n] === null)}
      renderItem={(n) => (
        <List.Item>
          <Typography.Text type="secondary">
            {t('accounts.slot.pending', { name: t(SLOT_LABEL[n]) })}
          </Typography.Text>
        </List.Item>
      )}
    />
  );
}
