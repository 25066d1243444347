import { useState } from 'react';
import {
  Alert,
  App,
  Button,
  Card,
  Checkbox,
  Form,
  Input,
  Modal,
  Select,
  Space,
  Table,
  Typography,
} from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import {
  adminKeys,
  createRole,
  patchRole,
  useRoles,
  type FieldRule,
  type Role,
  type RolePermissions,
} from '../api/admin';
import { ApiError } from '../api/http-client';
import { errorText } from '../api/error-text';
import { useObjects } from '../api/queries';
import type { ObjectMeta } from '../api/types';
import { useI18n } from '../i18n/i18n-context';
import type { MessageKey } from '../i18n/zh-CN';
import { ACTIONS, SCOPES, setFieldRule, setScope, toggleAction, type Scope } from './permissions-draft';
import { showServerErrors } from './server-errors';

const ACTION_LABEL: Record<(typeof ACTIONS)[number], MessageKey> = {
  create: 'settings.roles.create',
  read: 'settings.roles.read',
  update: 'settings.roles.update',
  delete: 'settings.roles.delete',
  import: 'settings.roles.import',
  export: 'settings.roles.export',
};

const SCOPE_LABEL: Record<Scope, MessageKey> = {
  own: 'settings.roles.scope.own',
  department: 'settings.roles.scope.department',
  subtree: 'settings.roles.scope.subtree',
  all: 'settings.roles.scope.all',
};

function isScope(v: string | undefined): v is Scope {
  return SCOPES.some((s) => s === v);
}

function FieldRules({
  meta,
  perms,
  disabled,
  onChange,
}: {
  meta: ObjectMeta;
  perms: RolePermissions;
  disabled: boolean;
  onChange: (p: RolePermissions) => void;
}) {
  const { t, pick } = useI18n();
  const rules = perms.fields[meta.api_name] ?? {};
  return (
    <Table
      size="small"
      rowKey="api_name"
      pagination={false}
      dataSource={meta.fields.filter((f) => !f.system)}
      columns={[
        { key: 'label', title: t('settings.fields.label'), render: (_, f) => pick(f.label) || f.api_name },
        { key: 'api', title: t('settings.fields.apiName'), dataIndex: 'api_name' },
        {
          key: 'rule',
          title: t('settings.roles.fieldAccess'),
          render: (_, f) => (
            <Select<FieldRule | 'edit'>
              size="small"
              style={{ width: 140 }}
              disabled={disabled}
              aria-label={`${meta.api_name}.${f.api_name}`}
              data-testid={`field-rule-${meta.api_name}-${f.api_name}`}
              value={rules[f.api_name] ?? 'edit'}
              onChange={(v) =>
                onChange(setFieldRule(perms, meta.api_name, f.api_name, v === 'edit' ? null : v))
              }
              options={[
                { value: 'edit', label: t('settings.roles.field.edit') },
                { value: 'read', label: t('settings.roles.field.read') },
                { value: 'hidden', label: t('settings.roles.field.hidden') },
              ]}
            />
          ),
        },
      ]}
    />
  );
}

function CreateRoleModal({ onClose, onCreated }: { onClose: () => void; onCreated: (r: Role) => void }) {
  const { t } = useI18n();
  const qc = useQueryClient();
  const [form] = Form.useForm<{ key: string; zh: string; en: string }>();
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const submit = async (v: { key: string; zh: string; en: string }) => {
    setBusy(true);
    setProblem(null);
    try {
      const role = await createRole({
        key: v.key,
        name: { 'zh-CN': v.zh, 'en-US': v.en },
        permissions: { objects: {}, fields: {} },
      });
      await qc.invalidateQueries({ queryKey: adminKeys.roles });
      onCreated(role);
    } catch (err) {
      setProblem(showServerErrors(form, err, ['key'], t));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal
      open
      title={t('settings.roles.new')}
      onCancel={onClose}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      confirmLoading={busy}
      onOk={() => form.submit()}
      destroyOnHidden
    >
      <Form form={form} layout="vertical" onFinish={(v) => void submit(v)}>
        {problem && <Alert type="error" showIcon title={problem} style={{ marginBottom: 12 }} />}
        <Form.Item
          name="key"
          label={t('settings.roles.key')}
          extra={t('settings.roles.keyHint')}
          rules={[{ required: true, pattern: /^[a-z][a-z0-9_]{0,39}$/ }]}
        >
          <Input />
        </Form.Item>
        <Form.Item name="zh" label={t('settings.labelZh')} rules={[{ required: true }]}>
          <Input />
        </Form.Item>
        <Form.Item name="en" label={t('settings.labelEn')} rules={[{ required: true }]}>
          <Input />
        </Form.Item>
        <button type="submit" hidden />
      </Form>
    </Modal>
  );
}

export function RolesSection() {
  const { t, pick } = useI18n();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const roles = useRoles();
  const objects = useObjects().data ?? [];
  const [roleId, setRoleId] = useState<string | null>(null);
  const [draft, setDraft] = useState<{ roleId: string; perms: RolePermissions } | null>(null);
  const [creating, setCreating] = useState(false);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  const list = roles.data ?? [];
  const role = list.find((r) => r.id === roleId) ?? list.find((r) => !r.is_admin) ?? list[0];
  const perms = draft && role && draft.roleId === role.id ? draft.perms : role?.permissions;
  const dirty = draft !== null && draft.roleId === role?.id;
  const locked = role?.is_admin === true;
  const edit = (p: RolePermissions) => role && setDraft({ roleId: role.id, perms: p });

  const columns = !perms
    ? []
    : [
        {
          key: 'object',
          title: t('settings.roles.object'),
          render: (_: unknown, o: ObjectMeta) => pick(o.plural_label) || o.api_name,
        },
        ...ACTIONS.map((a) => ({
          key: a,
          title: t(ACTION_LABEL[a]),
          width: 80,
          render: (_: unknown, o: ObjectMeta) => (
            <Checkbox
              aria-label={`${o.api_name}.${a}`}
              data-testid={`perm-${o.api_name}-${a}`}
              disabled={locked}
              checked={locked || perms.objects[o.api_name]?.[a] === true}
              onChange={(e) => edit(toggleAction(perms, o.api_name, a, e.target.checked))}
            />
          ),
        })),
        {
          key: 'scope',
          title: t('settings.roles.scope'),
          width: 150,
          render: (_: unknown, o: ObjectMeta) => {
            const p = perms.objects[o.api_name];
            const scope = p?.scope;
            return (
              <Select<Scope>
                size="small"
                style={{ width: 130 }}
                aria-label={`${o.api_name}.scope`}
                disabled={locked || !p}
                value={locked ? 'all' : isScope(scope) ? scope : 'own'}
                onChange={(s) => edit(setScope(perms, o.api_name, s))}
                options={SCOPES.map((s) => ({ value: s, label: t(SCOPE_LABEL[s]) }))}
              />
            );
          },
        },
      ];

  const save = async () => {
    if (!role || !draft) return;
    setBusy(true);
    setProblem(null);
    try {
      await patchRole(role.id, { permissions: draft.perms, version: role.version });
      setDraft(null);
      await qc.invalidateQueries({ queryKey: adminKeys.roles });
      message.success(t('common.saved'));
    } catch (err) {
      if (err instanceof ApiError && err.status === 409) {
        setProblem(t('settings.roles.conflict'));
        setDraft(null);
        await qc.invalidateQueries({ queryKey: adminKeys.roles });
      } else setProblem(errorText(err, t));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card
      size="small"
      title={t('settings.roles.title')}
      extra={
        <Button icon={<PlusOutlined />} onClick={() => setCreating(true)}>
          {t('settings.roles.new')}
        </Button>
      }
    >
      <Space style={{ marginBottom: 12 }} wrap>
        <Typography.Text>{t('settings.roles.role')}</Typography.Text>
        <Select
          data-testid="role-select"
          aria-label={t('settings.roles.role')}
          style={{ minWidth: 200 }}
          value={role?.id}
          onChange={(id: string) => {
            setRoleId(id);
            setProblem(null);
          }}
          options={list.map((r) => ({ value: r.id, label: pick(r.name) || r.key }))}
        />
        <Button type="primary" disabled={!dirty || locked} loading={busy} onClick={() => void save()}>
          {t('common.save')}
        </Button>
        {dirty && (
          <Button onClick={() => setDraft(null)} disabled={busy}>
            {t('settings.roles.discard')}
          </Button>
        )}
      </Space>
      {locked && (
        <Alert type="info" showIcon title={t('settings.roles.adminHint')} style={{ marginBottom: 12 }} />
      )}
      {problem && <Alert type="error" showIcon title={problem} role="alert" style={{ marginBottom: 12 }} />}
      {perms && (
        <Table<ObjectMeta>
          size="small"
          rowKey="api_name"
          data-testid="perm-matrix"
          loading={roles.isLoading}
          pagination={false}
          dataSource={objects}
          columns={columns}
          expandable={{
            expandedRowRender: (o) => <FieldRules meta={o} perms={perms} disabled={locked} onChange={edit} />,
          }}
        />
      )}
      {creating && (
        <CreateRoleModal
          onClose={() => setCreating(false)}
          onCreated={(r) => {
            setCreating(false);
            setRoleId(r.id);
          }}
        />
      )}
    </Card>
  );
}
