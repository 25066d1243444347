import { useEffect, useState } from 'react';
import { Alert, App, Button, Modal, Select, Space, Table, Typography } from 'antd';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { errorText } from '../api/error-text';
import { useI18n } from '../i18n/i18n-context';
import type { MessageKey } from '../i18n/zh-CN';
import { fetchPoolMembership, leadKeys, putPoolMembers, useDepartmentList, useUsers } from './leads-api';
import { UserSelect } from './pickers';

type Role = 'member' | 'admin';
interface Row {
  user_id: string;
  role: Role;
}
interface DeptRow {
  department_id: string;
  role: Role;
}

/** Where a kind of pool keeps its members (lead pools by default; account pools pass theirs). */
export interface PoolMembersApi {
  key: (poolId: string) => readonly unknown[];
  fetch: (poolId: string) => Promise<{ user_id: string; role: Role; name: string }[]>;
  put: (poolId: string, members: Row[], departments?: DeptRow[]) => Promise<void>;
  labels: { title: MessageKey; hint: MessageKey; member: MessageKey; admin: MessageKey };
  /** pools that take whole departments as members (lead pools) */
  departments?: (poolId: string) => Promise<{ department_id: string; role: Role; name: string }[]>;
}

const LEAD_POOLS: PoolMembersApi = {
  key: (poolId) => [...leadKeys.members(poolId), 'edit'],
  fetch: (poolId) => fetchPoolMembership(poolId).then((r) => r.data),
  put: putPoolMembers,
  departments: (poolId) => fetchPoolMembership(poolId).then((r) => r.departments),
  labels: {
    title: 'leads.members.title',
    hint: 'leads.members.hint',
    member: 'leads.role.member',
    admin: 'leads.role.admin',
  },
};

interface Props {
  poolId: string;
  poolName: string;
  open: boolean;
  onClose: () => void;
  api?: PoolMembersApi;
}

/** Tenant admins set who works a pool: members claim, admins assign and transfer. */
export function PoolMembersModal({ poolId, poolName, open, onClose, api = LEAD_POOLS }: Props) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const members = useQuery({
    queryKey: api.key(poolId),
    queryFn: () => api.fetch(poolId),
    enabled: open,
    retry: false,
  });
  const depts = useQuery({
    queryKey: [...api.key(poolId), 'departments'],
    queryFn: () => (api.departments ? api.departments(poolId) : Promise.resolve([])),
    enabled: open && !!api.departments,
    retry: false,
  });
  const users = useUsers();
  const allDepts = useDepartmentList();
  const [rows, setRows] = useState<Row[]>([]);
  const [deptRows, setDeptRows] = useState<DeptRow[]>([]);
  const [addingDept, setAddingDept] = useState<string | null>(null);
  const [adding, setAdding] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (open && members.data) setRows(members.data.map((m) => ({ user_id: m.user_id, role: m.role })));
  }, [open, members.data]);
  useEffect(() => {
    if (open && depts.data)
      setDeptRows(depts.data.map((d) => ({ department_id: d.department_id, role: d.role })));
  }, [open, depts.data]);
  const deptName = (id: string) =>
    allDepts.data?.find((d) => d.id === id)?.name ??
    depts.data?.find((d) => d.department_id === id)?.name ??
    id;

  const name = (id: string) =>
    users.data?.find((u) => u.id === id)?.name ?? members.data?.find((m) => m.user_id === id)?.name ?? id;
  const roleOptions = [
    { value: 'member', label: t(api.labels.member) },
    { value: 'admin', label: t(api.labels.admin) },
  ];

  const save = async () => {
    setBusy(true);
    setError(null);
    try {
      await api.put(poolId, rows, api.departments ? deptRows : undefined);
      await queryClient.invalidateQueries({ queryKey: api.key(poolId) });
      // the lead pool pages read the caller's role from the shorter key
      if (api === LEAD_POOLS) await queryClient.invalidateQueries({ queryKey: leadKeys.members(poolId) });
      void message.success(t('leads.members.saved'));
      onClose();
    } catch (err) {
      setError(errorText(err, t));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open={open}
      title={t(api.labels.title, { name: poolName })}
      onCancel={onClose}
      onOk={() => void save()}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      confirmLoading={busy}
      width={640}
      destroyOnHidden
      data-testid="pool-members-modal"
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
              if (adding) setRows((rs) => [...rs, { user_id: adding, role: 'member' }]);
              setAdding(null);
            }}
          >
            {t('leads.members.add')}
          </Button>
        </Space.Compact>
        <Table<Row>
          rowKey="user_id"
          size="small"
          loading={members.isLoading}
          dataSource={rows}
          pagination={false}
          scroll={{ x: 'max-content', y: 360 }}
          locale={{ emptyText: t('leads.members.empty') }}
          columns={[
            { key: 'name', title: t('leads.members.user'), render: (_, r) => name(r.user_id) },
            {
              key: 'role',
              title: t('leads.members.role'),
              render: (_, r) => (
                <Select<Role>
                  size="small"
                  value={r.role}
                  options={roleOptions}
                  style={{ width: 140 }}
                  onChange={(role) =>
                    setRows((rs) => rs.map((x) => (x.user_id === r.user_id ? { ...x, role } : x)))
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
                  {t('leads.members.remove')}
                </Button>
              ),
            },
          ]}
        />
        {api.departments && (
          <>
            <Typography.Text strong>{t('leads.members.departments')}</Typography.Text>
            <Space.Compact style={{ width: '100%' }}>
              <Select<string>
                style={{ flex: 1 }}
                showSearch={{ optionFilterProp: 'label' }}
                allowClear
                value={addingDept ?? undefined}
                onChange={(v) => setAddingDept(v ?? null)}
                placeholder={t('leads.members.pickDepartment')}
                aria-label={t('leads.members.pickDepartment')}
                loading={allDepts.isLoading}
                options={(allDepts.data ?? [])
                  .filter((d) => !deptRows.some((r) => r.department_id === d.id))
                  .map((d) => ({ value: d.id, label: d.name }))}
                data-testid="pool-department-select"
              />
              <Button
                disabled={!addingDept}
                onClick={() => {
                  if (addingDept) setDeptRows((rs) => [...rs, { department_id: addingDept, role: 'member' }]);
                  setAddingDept(null);
                }}
              >
                {t('leads.members.add')}
              </Button>
            </Space.Compact>
            <Table<DeptRow>
              rowKey="department_id"
              size="small"
              loading={depts.isLoading}
              dataSource={deptRows}
              pagination={false}
              scroll={{ x: 'max-content', y: 240 }}
              locale={{ emptyText: t('leads.members.noDepartments') }}
              data-testid="pool-departments"
              columns={[
                {
                  key: 'name',
                  title: t('leads.members.department'),
                  render: (_, r) => deptName(r.department_id),
                },
                {
                  key: 'role',
                  title: t('leads.members.role'),
                  render: (_, r) => (
                    <Select<Role>
                      size="small"
                      value={r.role}
                      options={roleOptions}
                      style={{ width: 140 }}
                      onChange={(role) =>
                        setDeptRows((rs) =>
                          rs.map((x) => (x.department_id === r.department_id ? { ...x, role } : x)),
                        )
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
                      onClick={() =>
                        setDeptRows((rs) => rs.filter((x) => x.department_id !== r.department_id))
                      }
                    >
                      {t('leads.members.remove')}
                    </Button>
                  ),
                },
              ]}
            />
            <Typography.Text type="secondary">{t('leads.members.departmentsHint')}</Typography.Text>
          </>
        )}
        <Typography.Text type="secondary">{t(api.labels.hint)}</Typography.Text>
      </Space>
    </Modal>
  );
}
