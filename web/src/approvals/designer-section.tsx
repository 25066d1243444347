import { useState, type ReactNode } from 'react';
import {
  Alert,
  App,
  Button,
  Card,
  Checkbox,
  Drawer,
  Empty,
  Form,
  Input,
  InputNumber,
  Popconfirm,
  Select,
  Space,
  Switch,
  Table,
  Tag,
  Typography,
} from 'antd';
import { ArrowDownOutlined, ArrowUpOutlined, DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError } from '../api/http-client';
import { errorText } from '../api/error-text';
import { useRoles } from '../api/admin';
import { useObjects } from '../api/queries';
import type { FieldMeta, FilterOp, ObjectMeta } from '../api/types';
import { useI18n } from '../i18n/i18n-context';
import type { MessageKey } from '../i18n/zh-CN';
import { operatorsFor } from '../objects/filter-grammar';
import { useDirectoryUsers } from '../sales/forecast-api';
import {
  apprKeys,
  createProcess,
  deleteProcess,
  fetchDepartmentHeads,
  fetchProcesses,
  setDepartmentHead,
  updateProcess,
  type ApprovalProcess,
} from './api';
import {
  conditionDraft,
  emptyNode,
  issueAt,
  issuesByPath,
  move,
  nodeDraft,
  NODE_KINDS,
  processBody,
  TRIGGERS,
  unplacedIssues,
  type ConditionDraft,
  type ConditionRow,
  type NodeDraft,
  type ProcessDraft,
} from './logic';

type Issues = Record<string, string>;

/** A form row whose error comes from the server's 422 at `path`. */
function Item({
  label,
  path,
  issues,
  children,
  required,
}: {
  label: ReactNode;
  path: string;
  issues: Issues;
  children: ReactNode;
  required?: boolean;
}) {
  const issue = issueAt(issues, path);
  return (
    <Form.Item
      label={label}
      required={required}
      validateStatus={issue ? 'error' : undefined}
      help={issue}
      style={{ marginBottom: 12 }}
    >
      {children}
    </Form.Item>
  );
}

const conditionFields = (meta: ObjectMeta | undefined): FieldMeta[] =>
  (meta?.fields ?? []).filter((f) => !['long_text', 'file', 'image'].includes(f.type));

/** Rows of field / operator / value over the object's fields; an empty list means "always". */
function ConditionEditor({
  value,
  onChange,
  meta,
  path,
  issues,
}: {
  value: ConditionDraft;
  onChange: (next: ConditionDraft) => void;
  meta: ObjectMeta | undefined;
  path: string;
  issues: Issues;
}) {
  const { t, pick } = useI18n();
  const fields = conditionFields(meta);
  const setRow = (i: number, patch: Partial<ConditionRow>) =>
    onChange({ ...value, rows: value.rows.map((r, j) => (j === i ? { ...r, ...patch } : r)) });
  return (
    <Space orientation="vertical" style={{ width: '100%' }} size={4}>
      {value.rows.length === 0 && (
        <Typography.Text type="secondary">{t('approvals.designer.conditionAlways')}</Typography.Text>
      )}
      {value.rows.map((r, i) => {
        const field = fields.find((f) => f.api_name === r.field);
        const ops: FilterOp[] = field ? operatorsFor(field.type) : ['eq'];
        const issue = issueAt(issues, `${path}[${i}]`);
        return (
          <div key={i}>
            <Space wrap align="start">
              <Select
                style={{ width: 180 }}
                showSearch={{ optionFilterProp: 'label' }}
                value={r.field || undefined}
                placeholder={t('approvals.designer.field')}
                aria-label={`${t('approvals.designer.field')} ${i + 1}`}
                status={issueAt(issues, `${path}[${i}].field`) ? 'error' : undefined}
                onChange={(f: string) => {
                  const nf = fields.find((x) => x.api_name === f);
                  const nextOps: FilterOp[] = nf ? operatorsFor(nf.type) : ['eq'];
                  setRow(i, {
                    field: f,
                    op: nextOps.includes(r.op) ? r.op : (nextOps[0] ?? 'eq'),
                    value: '',
                  });
                }}
                options={fields.map((f) => ({ value: f.api_name, label: pick(f.label) }))}
              />
              <Select
                style={{ width: 130 }}
                value={r.op}
                aria-label={`${t('approvals.designer.op')} ${i + 1}`}
                onChange={(op: FilterOp) => setRow(i, { op })}
                options={ops.map((op) => ({ value: op, label: t(`approvals.op.${op}` as MessageKey) }))}
              />
              {r.op === 'is_null' ? (
                <Select
                  style={{ width: 120 }}
                  value={r.value === 'false' ? 'false' : 'true'}
                  onChange={(v: string) => setRow(i, { value: v })}
                  options={[
                    { value: 'true', label: t('approvals.designer.isEmpty') },
                    { value: 'false', label: t('approvals.designer.notEmpty') },
                  ]}
                />
              ) : field?.type === 'select' && !['in', 'nin'].includes(r.op) ? (
                <Select
                  style={{ width: 180 }}
                  value={r.value || undefined}
                  aria-label={`${t('approvals.designer.value')} ${i + 1}`}
                  status={issue ? 'error' : undefined}
                  onChange={(v: string) => setRow(i, { value: v })}
                  options={(field.options ?? []).map((o) => ({ value: o.value, label: pick(o.label) }))}
                />
              ) : field?.type === 'boolean' ? (
                <Select
                  style={{ width: 120 }}
                  value={r.value || undefined}
                  aria-label={`${t('approvals.designer.value')} ${i + 1}`}
                  onChange={(v: string) => setRow(i, { value: v })}
                  options={[
                    { value: 'true', label: t('common.yes') },
                    { value: 'false', label: t('common.no') },
                  ]}
                />
              ) : (
                <Input
                  style={{ width: 200 }}
                  value={r.value}
                  aria-label={`${t('approvals.designer.value')} ${i + 1}`}
                  status={issue ? 'error' : undefined}
                  placeholder={
                    field?.type === 'currency'
                      ? t('approvals.designer.yuan')
                      : ['in', 'nin', 'between'].includes(r.op)
                        ? t('approvals.designer.commaList')
                        : field?.type === 'date'
                          ? 'YYYY-MM-DD'
                          : undefined
                  }
                  onChange={(e) => setRow(i, { value: e.target.value })}
                />
              )}
              <Button
                type="text"
                icon={<DeleteOutlined />}
                aria-label={t('approvals.designer.removeCondition')}
                onClick={() => onChange({ ...value, rows: value.rows.filter((_, j) => j !== i) })}
              />
            </Space>
            {issue && <div style={{ color: '#ff4d4f', fontSize: 12 }}>{issue}</div>}
          </div>
        );
      })}
      {value.kept.length > 0 && (
        <Typography.Text type="secondary">
          {t('approvals.designer.keptGroups', { n: value.kept.length })}
        </Typography.Text>
      )}
      <Button
        size="small"
        icon={<PlusOutlined />}
        onClick={() => onChange({ ...value, rows: [...value.rows, { field: '', op: 'eq', value: '' }] })}
      >
        {t('approvals.designer.addCondition')}
      </Button>
    </Space>
  );
}

function NodeEditor({
  node,
  index,
  count,
  meta,
  issues,
  onChange,
  onMove,
  onRemove,
}: {
  node: NodeDraft;
  index: number;
  count: number;
  meta: ObjectMeta | undefined;
  issues: Issues;
  onChange: (n: NodeDraft) => void;
  onMove: (by: -1 | 1) => void;
  onRemove: () => void;
}) {
  const { t, pick } = useI18n();
  const users = useDirectoryUsers().data ?? [];
  const roles = useRoles().data ?? [];
  const p = `nodes[${index}]`;
  const userOptions = users.map((u) => ({ value: u.id, label: `${u.name} (${u.email})` }));
  const roleOptions = roles.map((r) => ({ value: r.key, label: pick(r.name) }));
  const set = (patch: Partial<NodeDraft>) => onChange({ ...node, ...patch });
  return (
    <Card
      size="small"
      data-testid={`node-${index}`}
      title={t('approvals.designer.nodeN', { n: index + 1 })}
      extra={
        <Space size={0}>
          <Button
            type="text"
            icon={<ArrowUpOutlined />}
            disabled={index === 0}
            aria-label={t('approvals.designer.up')}
            onClick={() => onMove(-1)}
          />
          <Button
            type="text"
            icon={<ArrowDownOutlined />}
            disabled={index === count - 1}
            aria-label={t('approvals.designer.down')}
            onClick={() => onMove(1)}
          />
          <Button
            type="text"
            danger
            icon={<DeleteOutlined />}
            aria-label={t('approvals.designer.removeNode')}
            onClick={onRemove}
          />
        </Space>
      }
    >
      {issues[p] && <Alert type="error" showIcon title={issues[p]} style={{ marginBottom: 8 }} />}
      <Space wrap align="start">
        <Item label={t('approvals.designer.nodeName')} path={`${p}.name`} issues={issues} required>
          <Input value={node.name} onChange={(e) => set({ name: e.target.value })} style={{ width: 200 }} />
        </Item>
        <Item label={t('approvals.designer.kind')} path={`${p}.kind`} issues={issues} required>
          <Select
            style={{ width: 200 }}
            value={node.kind}
            onChange={(kind) =>
              set({
                ...emptyNode(kind),
                name: node.name,
                condition: node.condition,
                timeout_hours: node.timeout_hours,
              })
            }
            options={NODE_KINDS.map((k) => ({ value: k, label: t(`approvals.kind.${k}` as MessageKey) }))}
          />
        </Item>
        {node.kind === 'user' && (
          <Item label={t('approvals.designer.approver')} path={`${p}.user_id`} issues={issues} required>
            <Select
              style={{ width: 260 }}
              showSearch={{ optionFilterProp: 'label' }}
              value={node.user_id ?? undefined}
              onChange={(v: string) => set({ user_id: v })}
              options={userOptions}
            />
          </Item>
        )}
        {(node.kind === 'role' || node.kind === 'countersign') && (
          <Item
            label={t('approvals.designer.role')}
            path={`${p}.role`}
            issues={issues}
            required={node.kind === 'role'}
          >
            <Select
              style={{ width: 200 }}
              allowClear
              value={node.role ?? undefined}
              onChange={(v: string | undefined) => set({ role: v ?? null })}
              options={roleOptions}
            />
          </Item>
        )}
        {node.kind === 'manager_levels' && (
          <Item label={t('approvals.designer.levels')} path={`${p}.levels`} issues={issues} required>
            <InputNumber min={1} max={10} value={node.levels} onChange={(v) => set({ levels: v })} />
          </Item>
        )}
        {node.kind === 'countersign' && (
          <>
            <Item label={t('approvals.designer.approvers')} path={`${p}.user_ids`} issues={issues}>
              <Select
                mode="multiple"
                style={{ minWidth: 260 }}
                showSearch={{ optionFilterProp: 'label' }}
                value={node.user_ids}
                onChange={(v: string[]) => set({ user_ids: v })}
                options={userOptions}
              />
            </Item>
            <Item label={t('approvals.designer.mode')} path={`${p}.mode`} issues={issues}>
              <Select
                style={{ width: 140 }}
                value={node.mode}
                onChange={(mode: 'all' | 'ratio') => set({ mode })}
                options={[
                  { value: 'all', label: t('approvals.designer.modeAll') },
                  { value: 'ratio', label: t('approvals.designer.modeRatio') },
                ]}
              />
            </Item>
            {node.mode === 'ratio' && (
              <Item label={t('approvals.designer.ratio')} path={`${p}.ratio`} issues={issues} required>
                <InputNumber
                  min={0.01}
                  max={1}
                  step={0.1}
                  value={node.ratio}
                  onChange={(v) => set({ ratio: v })}
                />
              </Item>
            )}
          </>
        )}
        <Item label={t('approvals.designer.timeout')} path={`${p}.timeout_hours`} issues={issues}>
          <InputNumber
            min={1}
            max={8760}
            value={node.timeout_hours}
            placeholder={t('approvals.designer.noTimeout')}
            onChange={(v) => set({ timeout_hours: v })}
          />
        </Item>
      </Space>
      <Item label={t('approvals.designer.nodeCondition')} path={`${p}.condition`} issues={{}}>
        <ConditionEditor
          value={node.condition}
          onChange={(condition) => set({ condition })}
          meta={meta}
          path={`${p}.condition`}
          issues={issues}
        />
      </Item>
    </Card>
  );
}

function newDraft(object: string): ProcessDraft {
  return {
    name: '',
    description: '',
    object,
    triggers: ['manual'],
    priority: 100,
    active: true,
    snapshot_fields: [],
    condition: { rows: [], kept: [] },
    nodes: [emptyNode('department_head')],
  };
}

function draftOf(p: ApprovalProcess, meta: ObjectMeta | undefined): ProcessDraft {
  const fields = meta?.fields ?? [];
  return {
    name: p.name,
    description: p.description ?? '',
    object: p.object,
    triggers: p.triggers,
    priority: p.priority,
    active: p.active,
    snapshot_fields: p.snapshot_fields,
    condition: conditionDraft(p.condition, fields),
    nodes: p.nodes.map((n) => nodeDraft(n, fields)),
    version: p.version,
  };
}

function ProcessEditor({
  initial,
  id,
  objects,
  onSaved,
  onCancel,
}: {
  initial: ProcessDraft;
  id: string | null;
  objects: ObjectMeta[];
  onSaved: () => void;
  onCancel: () => void;
}) {
  const { t, pick } = useI18n();
  const { message } = App.useApp();
  const [draft, setDraft] = useState<ProcessDraft>(initial);
  const [issues, setIssues] = useState<Issues>({});
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const meta = objects.find((o) => o.api_name === draft.object);
  const set = (patch: Partial<ProcessDraft>) => setDraft((d) => ({ ...d, ...patch }));

  const save = async () => {
    setBusy(true);
    setProblem(null);
    setIssues({});
    try {
      const body = processBody(draft, meta?.fields ?? []);
      if (id) await updateProcess(id, body);
      else await createProcess(body);
      void message.success(t('common.saved'));
      onSaved();
    } catch (err) {
      if (err instanceof ApiError && err.details.length) {
        const found = issuesByPath(err.details);
        setIssues(found);
        const rest = unplacedIssues(found, draft);
        setProblem(rest.length ? rest.join('；') : t('record.fixErrors'));
      } else setProblem(errorText(err, t));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Form layout="vertical" data-testid="process-editor">
      {problem && <Alert type="error" showIcon role="alert" title={problem} style={{ marginBottom: 12 }} />}
      <Space wrap align="start">
        <Item label={t('approvals.designer.name')} path="name" issues={issues} required>
          <Input value={draft.name} onChange={(e) => set({ name: e.target.value })} style={{ width: 260 }} />
        </Item>
        <Item label={t('approvals.designer.object')} path="object" issues={issues} required>
          <Select
            style={{ width: 200 }}
            value={draft.object}
            disabled={id !== null}
            showSearch={{ optionFilterProp: 'label' }}
            onChange={(object: string) => set({ object, condition: { rows: [], kept: [] } })}
            options={objects.map((o) => ({ value: o.api_name, label: pick(o.label) }))}
          />
        </Item>
        <Item label={t('approvals.designer.priority')} path="priority" issues={issues}>
          <InputNumber
            min={0}
            max={1_000_000}
            value={draft.priority}
            onChange={(v) => set({ priority: v ?? 100 })}
          />
        </Item>
        <Item label={t('approvals.designer.active')} path="active" issues={issues}>
          <Switch checked={draft.active} onChange={(active) => set({ active })} />
        </Item>
      </Space>
      <Item label={t('approvals.designer.triggers')} path="triggers" issues={issues} required>
        <Checkbox.Group
          value={draft.triggers}
          onChange={(v) => set({ triggers: v })}
          options={TRIGGERS.map((tr) => ({ value: tr, label: t(`approvals.trigger.${tr}` as MessageKey) }))}
        />
      </Item>
      <Item label={t('approvals.designer.description')} path="description" issues={issues}>
        <Input.TextArea
          rows={2}
          value={draft.description}
          onChange={(e) => set({ description: e.target.value })}
        />
      </Item>
      <Item label={t('approvals.designer.snapshot')} path="snapshot_fields" issues={issues}>
        <Select
          mode="multiple"
          value={draft.snapshot_fields}
          onChange={(v: string[]) => set({ snapshot_fields: v })}
          options={(meta?.fields ?? []).map((f) => ({ value: f.api_name, label: pick(f.label) }))}
        />
      </Item>
      <Item label={t('approvals.designer.entryCondition')} path="condition-box" issues={{}}>
        <ConditionEditor
          value={draft.condition}
          onChange={(condition) => set({ condition })}
          meta={meta}
          path="condition"
          issues={issues}
        />
      </Item>
      <Typography.Title level={5}>{t('approvals.designer.nodes')}</Typography.Title>
      {issues.nodes && <Alert type="error" showIcon title={issues.nodes} style={{ marginBottom: 8 }} />}
      <Space orientation="vertical" style={{ width: '100%' }}>
        {draft.nodes.map((n, i) => (
          <NodeEditor
            key={i}
            node={n}
            index={i}
            count={draft.nodes.length}
            meta={meta}
            issues={issues}
            onChange={(next) => set({ nodes: draft.nodes.map((x, j) => (j === i ? next : x)) })}
            onMove={(by) => set({ nodes: move(draft.nodes, i, by) })}
            onRemove={() => set({ nodes: draft.nodes.filter((_, j) => j !== i) })}
          />
        ))}
        <Button icon={<PlusOutlined />} onClick={() => set({ nodes: [...draft.nodes, emptyNode('user')] })}>
          {t('approvals.designer.addNode')}
        </Button>
      </Space>
      <Space style={{ marginTop: 16 }}>
        <Button type="primary" loading={busy} onClick={() => void save()}>
          {t('common.save')}
        </Button>
        <Button onClick={onCancel}>{t('common.cancel')}</Button>
      </Space>
    </Form>
  );
}

function DepartmentHeads() {
  const { t } = useI18n();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const users = useDirectoryUsers().data ?? [];
  const q = useQuery({ queryKey: apprKeys.heads, queryFn: fetchDepartmentHeads });
  const rows = q.data ?? [];
  const nameOf = (id: string | null) => rows.find((r) => r.department_id === id)?.name ?? '—';
  return (
    <Card size="small" title={t('approvals.heads.title')} data-testid="department-heads">
      <Typography.Paragraph type="secondary">{t('approvals.heads.hint')}</Typography.Paragraph>
      <Table
        rowKey="department_id"
        size="small"
        pagination={false}
        loading={q.isLoading}
        dataSource={rows}
        locale={{ emptyText: <Empty description={t('approvals.heads.empty')} /> }}
        columns={[
          { key: 'name', title: t('approvals.heads.department'), dataIndex: 'name' },
          { key: 'parent', title: t('approvals.heads.parent'), render: (_, r) => nameOf(r.parent_id) },
          {
            key: 'head',
            title: t('approvals.heads.head'),
            render: (_, r) => (
              <Select
                style={{ width: 240 }}
                allowClear
                showSearch={{ optionFilterProp: 'label' }}
                placeholder={t('approvals.heads.none')}
                aria-label={t('approvals.heads.headOf', { name: r.name })}
                value={r.head?.id}
                onChange={async (v: string | undefined) => {
                  try {
                    await setDepartmentHead(r.department_id, v ?? null);
                    void message.success(t('common.saved'));
                    await qc.invalidateQueries({ queryKey: apprKeys.heads });
                  } catch (err) {
                    void message.error(
                      err instanceof ApiError && err.details.length
                        ? err.details.map((d) => d.issue).join('；')
                        : errorText(err, t),
                    );
                  }
                }}
                options={users.map((u) => ({ value: u.id, label: u.name }))}
              />
            ),
          },
        ]}
      />
    </Card>
  );
}

/** Settings → 审批流程: processes per object (create, edit, deactivate, delete) and department heads. */
export function ApprovalsSettingsSection() {
  const { t, pick } = useI18n();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const objects = useObjects().data ?? [];
  const [object, setObject] = useState<string>('contract');
  const [editing, setEditing] = useState<{ id: string | null; draft: ProcessDraft } | null>(null);
  const meta = objects.find((o) => o.api_name === object);
  const q = useQuery({ queryKey: apprKeys.processes(object), queryFn: () => fetchProcesses(object) });

  return (
    <Space orientation="vertical" style={{ width: '100%' }} size={16}>
      <Card
        size="small"
        title={t('approvals.designer.title')}
        extra={
          <Button
            type="primary"
            icon={<PlusOutlined />}
            onClick={() => setEditing({ id: null, draft: newDraft(object) })}
          >
            {t('approvals.designer.new')}
          </Button>
        }
      >
        <Space style={{ marginBottom: 12 }}>
          <Typography.Text>{t('approvals.designer.object')}</Typography.Text>
          <Select
            style={{ width: 220 }}
            showSearch={{ optionFilterProp: 'label' }}
            value={object}
            aria-label={t('approvals.designer.object')}
            onChange={setObject}
            options={objects.map((o) => ({ value: o.api_name, label: pick(o.label) }))}
          />
        </Space>
        {q.error && <Alert type="error" showIcon title={errorText(q.error, t)} />}
        <Table<ApprovalProcess>
          rowKey="id"
          size="small"
          pagination={false}
          loading={q.isLoading}
          dataSource={q.data ?? []}
          data-testid="process-list"
          locale={{
            emptyText: (
              <Empty
                image={Empty.PRESENTED_IMAGE_SIMPLE}
                description={t('approvals.designer.empty', { object: meta ? pick(meta.label) : object })}
              />
            ),
          }}
          columns={[
            { key: 'priority', title: t('approvals.designer.priority'), dataIndex: 'priority', width: 90 },
            { key: 'name', title: t('approvals.designer.name'), dataIndex: 'name' },
            {
              key: 'triggers',
              title: t('approvals.designer.triggers'),
              render: (_, p) =>
                p.triggers.map((tr) => <Tag key={tr}>{t(`approvals.trigger.${tr}` as MessageKey)}</Tag>),
            },
            {
              key: 'nodes',
              title: t('approvals.designer.nodes'),
              render: (_, p) => p.nodes.map((n) => n.name).join(' → '),
            },
            {
              key: 'active',
              title: t('approvals.designer.active'),
              render: (_, p) =>
                p.active ? (
                  <Tag color="success">{t('approvals.designer.on')}</Tag>
                ) : (
                  <Tag>{t('approvals.designer.off')}</Tag>
                ),
            },
            {
              key: 'act',
              title: '',
              render: (_, p) => (
                <Space>
                  <Button size="small" onClick={() => setEditing({ id: p.id, draft: draftOf(p, meta) })}>
                    {t('common.edit')}
                  </Button>
                  <Popconfirm
                    title={t('approvals.designer.deleteConfirm', { name: p.name })}
                    okText={t('common.delete')}
                    cancelText={t('common.cancel')}
                    okButtonProps={{ danger: true }}
                    onConfirm={async () => {
                      try {
                        await deleteProcess(p.id);
                        void message.success(t('common.deleted'));
                        await qc.invalidateQueries({ queryKey: apprKeys.processes(object) });
                      } catch (err) {
                        void message.error(errorText(err, t));
                      }
                    }}
                  >
                    <Button size="small" danger icon={<DeleteOutlined />} aria-label={t('common.delete')} />
                  </Popconfirm>
                </Space>
              ),
            },
          ]}
        />
      </Card>
      <DepartmentHeads />
      <Drawer
        open={editing !== null}
        size="large"
        title={editing?.id ? t('approvals.designer.edit') : t('approvals.designer.new')}
        onClose={() => setEditing(null)}
        destroyOnHidden
      >
        {editing && (
          <ProcessEditor
            initial={editing.draft}
            id={editing.id}
            objects={objects}
            onCancel={() => setEditing(null)}
            onSaved={() => {
              setEditing(null);
              void qc.invalidateQueries({ queryKey: ['approvals', 'processes'] });
            }}
          />
        )}
      </Drawer>
    </Space>
  );
}
