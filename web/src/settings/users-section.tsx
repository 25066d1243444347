import { useState } from 'react';
import {
  Alert,
  App,
  Button,
  Card,
  Form,
  Input,
  Modal,
  Select,
  Space,
  Table,
  Tag,
  Tree,
  TreeSelect,
} from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { listRecords } from '../api/endpoints';
import {
  adminKeys,
  createDepartment,
  createUser,
  patchDepartment,
  patchUser,
  resetUserPassword,
  unlockUser,
  useAdminUsers,
  useDepartments,
  useRoles,
  type AdminUser,
  type Department,
  type UserStatus,
} from '../api/admin';
import { errorText } from '../api/error-text';
import { useI18n } from '../i18n/i18n-context';
import { buildDeptTree } from './departments';
import { showServerErrors } from './server-errors';

interface UserFormValues {
  email?: string;
  name: string;
  password?: string;
  role: string;
  department_id?: string | null;
  partner_account_id?: string | null;
  status?: UserStatus;
}

const USER_FIELDS = [
  'email',
  'name',
  'password',
  'role',
  'department_id',
  'partner_account_id',
  'status',
] as const;

/** Accounts of type partner (a handful per tenant): whom a partner user works for. */
function usePartners() {
  return useQuery({
    queryKey: ['records', 'account', 'partners'],
    queryFn: () =>
      listRecords('account', {
        filter: [{ field: 'type', op: 'eq', value: 'partner' }],
        sort: 'name',
        limit: 200,
      }).then((r) => r.data.map((a) => ({ id: a.id, name: String(a.name ?? '') }))),
    staleTime: 60_000,
  });
}

function UserModal({ user, onClose }: { user: AdminUser | null; onClose: () => void }) {
  const { t, pick } = useI18n();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const roles = useRoles().data ?? [];
  const depts = useDepartments().data ?? [];
  const partners = usePartners();
  const [form] = Form.useForm<UserFormValues>();
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  const submit = async (v: UserFormValues) => {
    setBusy(true);
    setProblem(null);
    try {
      if (user)
        await patchUser(user.id, {
          name: v.name,
          role: v.role,
          department_id: v.department_id ?? null,
          partner_account_id: v.partner_account_id ?? null,
          status: v.status,
        });
      else
        await createUser({
          email: v.email ?? '',
          name: v.name,
          password: v.password ?? '',
          role: v.role,
          department_id: v.department_id ?? null,
          partner_account_id: v.partner_account_id ?? null,
        });
      await qc.invalidateQueries({ queryKey: adminKeys.users });
      message.success(t('common.saved'));
      onClose();
    } catch (err) {
      setProblem(showServerErrors(form, err, USER_FIELDS, t));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open
      title={user ? t('settings.users.edit') : t('settings.users.create')}
      onCancel={onClose}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      confirmLoading={busy}
      onOk={() => form.submit()}
      destroyOnHidden
    >
      <Form<UserFormValues>
        form={form}
        layout="vertical"
        data-testid="user-form"
        initialValues={
          user
            ? {
                name: user.name,
                role: user.role_key,
                department_id: user.department_id,
                partner_account_id: user.partner_account_id,
                status: user.status === 'disabled' ? 'disabled' : 'active',
              }
            : { role: roles.find((r) => !r.is_admin)?.key }
        }
        onFinish={(v) => void submit(v)}
      >
        {problem && <Alert type="error" showIcon title={problem} style={{ marginBottom: 12 }} />}
        {!user && (
          <Form.Item name="email" label={t('settings.users.email')} rules={[{ required: true }]}>
            <Input autoComplete="off" />
          </Form.Item>
        )}
        <Form.Item name="name" label={t('settings.users.name')} rules={[{ required: true }]}>
          <Input />
        </Form.Item>
        {!user && (
          <Form.Item name="password" label={t('settings.users.password')} rules={[{ required: true }]}>
            <Input.Password autoComplete="new-password" />
          </Form.Item>
        )}
        <Form.Item name="role" label={t('settings.users.role')} rules={[{ required: true }]}>
          <Select options={roles.map((r) => ({ value: r.key, label: pick(r.name) || r.key }))} />
        </Form.Item>
        <Form.Item name="department_id" label={t('settings.users.department')}>
          <TreeSelect allowClear treeDefaultExpandAll treeData={buildDeptTree(depts)} />
        </Form.Item>
        <Form.Item
          name="partner_account_id"
          label={t('settings.users.partner')}
          extra={t('settings.users.partnerHint')}
        >
          <Select
            allowClear
            showSearch={{ optionFilterProp: 'label' }}
            data-testid="user-partner"
            loading={partners.isLoading}
            placeholder={t('settings.users.partnerNone')}
            notFoundContent={t('settings.users.partnerEmpty')}
            options={(partners.data ?? []).map((p) => ({ value: p.id, label: p.name }))}
          />
        </Form.Item>
        {user && (
          <Form.Item name="status" label={t('settings.users.status')}>
            <Select
              options={[
                { value: 'active', label: t('settings.users.active') },
                { value: 'disabled', label: t('settings.users.disabled') },
              ]}
            />
          </Form.Item>
        )}
        <button type="submit" hidden />
      </Form>
    </Modal>
  );
}

interface ResetFormValues {
  password: string;
}

function ResetPasswordModal({ user, onClose }: { user: AdminUser; onClose: () => void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [form] = Form.useForm<ResetFormValues>();
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  const submit = async (v: ResetFormValues) => {
    setBusy(true);
    setProblem(null);
    try {
      await resetUserPassword(user.id, v.password);
      message.success(t('settings.users.passwordReset'));
      onClose();
    } catch (err) {
      setProblem(showServerErrors(form, err, ['password'], t));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open
      title={t('settings.users.resetPasswordTitle', { name: user.name })}
      onCancel={onClose}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      confirmLoading={busy}
      onOk={() => form.submit()}
      destroyOnHidden
    >
      <Form<ResetFormValues>
        form={form}
        layout="vertical"
        data-testid="reset-password-form"
        onFinish={(v) => void submit(v)}
      >
        {problem && <Alert type="error" showIcon title={problem} style={{ marginBottom: 12 }} />}
        <Alert
          type="info"
          showIcon
          title={t('settings.users.resetPasswordHint')}
          style={{ marginBottom: 12 }}
        />
        <Form.Item name="password" label={t('settings.users.newPassword')} rules={[{ required: true }]}>
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        <button type="submit" hidden />
      </Form>
    </Modal>
  );
}

interface DeptFormValues {
  name: string;
  parent_id?: string | null;
}

function DepartmentModal({
  dept,
  rows,
  onClose,
}: {
  dept: Department | null;
  rows: Department[];
  onClose: () => void;
}) {
  const { t } = useI18n();
  const qc = useQueryClient();
  const [form] = Form.useForm<DeptFormValues>();
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  const submit = async (v: DeptFormValues) => {
    setBusy(true);
    setProblem(null);
    try {
      const body = { name: v.name, parent_id: v.parent_id ?? null };
      if (dept) await patchDepartment(dept.id, body);
      else await createDepartment(body);
      await qc.invalidateQueries({ queryKey: adminKeys.departments });
      onClose();
    } catch (err) {
      setProblem(showServerErrors(form, err, ['name', 'parent_id'], t));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open
      title={dept ? t('settings.depts.edit') : t('settings.depts.create')}
      onCancel={onClose}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      confirmLoading={busy}
      onOk={() => form.submit()}
      destroyOnHidden
    >
      <Form<DeptFormValues>
        form={form}
        layout="vertical"
        initialValues={dept ? { name: dept.name, parent_id: dept.parent_id } : {}}
        onFinish={(v) => void submit(v)}
      >
        {problem && <Alert type="error" showIcon title={problem} style={{ marginBottom: 12 }} />}
        <Form.Item name="name" label={t('settings.depts.name')} rules={[{ required: true }]}>
          <Input />
        </Form.Item>
        <Form.Item name="parent_id" label={t('settings.depts.parent')}>
          <TreeSelect allowClear treeDefaultExpandAll treeData={buildDeptTree(rows, dept?.id)} />
        </Form.Item>
        <button type="submit" hidden />
      </Form>
    </Modal>
  );
}

function Departments() {
  const { t } = useI18n();
  const depts = useDepartments();
  const rows = depts.data ?? [];
  const [editing, setEditing] = useState<Department | null | 'new'>(null);
  return (
    <Card
      title={t('settings.depts.title')}
      size="small"
      extra={
        <Button size="small" icon={<PlusOutlined />} onClick={() => setEditing('new')}>
          {t('settings.depts.create')}
        </Button>
      }
    >
      <Tree
        data-testid="dept-tree"
        defaultExpandAll
        key={rows.length}
        treeData={buildDeptTree(rows)}
        titleRender={(n) => (
          <Space size={4}>
            <span>{n.title}</span>
            <Button
              type="link"
              size="small"
              onClick={() => setEditing(rows.find((d) => d.id === n.key) ?? null)}
            >
              {t('common.edit')}
            </Button>
          </Space>
        )}
      />
      {editing && (
        <DepartmentModal
          dept={editing === 'new' ? null : editing}
          rows={rows}
          onClose={() => setEditing(null)}
        />
      )}
    </Card>
  );
}

export function UsersSection() {
  const { t, pick } = useI18n();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const users = useAdminUsers();
  const roles = useRoles().data ?? [];
  const depts = useDepartments().data ?? [];
  const partnersList = usePartners().data ?? [];
  const [editing, setEditing] = useState<AdminUser | null | 'new'>(null);
  const [resetting, setResetting] = useState<AdminUser | null>(null);

  const unlock = async (u: AdminUser) => {
    try {
      await unlockUser(u.id);
      await qc.invalidateQueries({ queryKey: adminKeys.users });
      message.success(t('settings.users.unlocked'));
    } catch (err) {
      message.error(errorText(err, t));
    }
  };

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Card
        title={t('settings.users.title')}
        size="small"
        extra={
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')}>
            {t('settings.users.create')}
          </Button>
        }
      >
        {users.error && <Alert type="error" title={errorText(users.error, t)} />}
        <Table<AdminUser>
          size="small"
          rowKey="id"
          data-testid="users-table"
          loading={users.isLoading}
          dataSource={users.data ?? []}
          pagination={{ pageSize: 50, hideOnSinglePage: true }}
          columns={[
            { key: 'name', title: t('settings.users.name'), dataIndex: 'name' },
            { key: 'email', title: t('settings.users.email'), dataIndex: 'email' },
            {
              key: 'role',
              title: t('settings.users.role'),
              render: (_, u) => {
                const r = roles.find((x) => x.key === u.role_key);
                return r ? pick(r.name) || r.key : u.role_key;
              },
            },
            {
              key: 'dept',
              title: t('settings.users.department'),
              render: (_, u) => depts.find((d) => d.id === u.department_id)?.name ?? t('common.empty'),
            },
            {
              key: 'partner',
              title: t('settings.users.partner'),
              render: (_, u) =>
                u.partner_account_id ? (
                  <Tag color="purple">
                    {partnersList.find((p) => p.id === u.partner_account_id)?.name ?? t('common.empty')}
                  </Tag>
                ) : (
                  t('common.empty')
                ),
            },
            {
              key: 'status',
              title: t('settings.users.status'),
              render: (_, u) => (
                <Space size={4}>
                  {u.status === 'disabled' ? (
                    <Tag>{t('settings.users.disabled')}</Tag>
                  ) : (
                    <Tag color="green">{t('settings.users.active')}</Tag>
                  )}
                  <Button type="link" size="small" onClick={() => setResetting(u)}>
                    {t('settings.users.resetPassword')}
                  </Button>
                  {u.locked_until && new Date(u.locked_until) > new Date() && (
                    <Tag color="red">{t('settings.users.locked')}</Tag>
                  )}
                </Space>
              ),
            },
            {
              key: 'actions',
              title: '',
              render: (_, u) => (
                <Space size={0}>
                  <Button type="link" size="small" onClick={() => setEditing(u)}>
                    {t('common.edit')}
                  </Button>
                  {u.locked_until && new Date(u.locked_until) > new Date() && (
                    <Button type="link" size="small" onClick={() => void unlock(u)}>
                      {t('settings.users.unlock')}
                    </Button>
                  )}
                </Space>
              ),
            },
          ]}
        />
      </Card>
      <Departments />
      {editing && <UserModal user={editing === 'new' ? null : editing} onClose={() => setEditing(null)} />}
      {resetting && <ResetPasswordModal user={resetting} onClose={() => setResetting(null)} />}
    </Space>
  );
}
