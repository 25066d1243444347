import { useState } from 'react';
import { Link } from 'react-router';
import {
  Alert,
  App,
  Button,
  Card,
  Descriptions,
  Drawer,
  Empty,
  Form,
  Input,
  InputNumber,
  List,
  Popconfirm,
  Select,
  Skeleton,
  Space,
  Table,
  Typography,
} from 'antd';
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { useMe } from '../api/queries';
import { errorText } from '../api/error-text';
import { canDo } from '../auth/permissions';
import { useI18n } from '../i18n/i18n-context';
import type { MessageKey } from '../i18n/zh-CN';
import { showServerErrors } from '../settings/server-errors';
import {
  createCellTasks,
  metricKeys,
  putCell,
  type CellBody,
  type NineGrid,
  type NineGridCellData,
} from './api';
import {
  heatStyle,
  nineGridLayout,
  PROBABILITY_TIERS,
  VALUE_TIERS,
  type ProbabilityTier,
  type ValueTier,
} from './logic';
import { StatusTag, useSuccessFormat } from './parts';

export const VALUE_LABEL: Record<ValueTier, MessageKey> = {
  large: 'cs.grid.value.large',
  mid: 'cs.grid.value.mid',
  small: 'cs.grid.value.small',
};
export const PROBABILITY_LABEL: Record<ProbabilityTier, MessageKey> = {
  high: 'cs.grid.probability.high',
  mid: 'cs.grid.probability.mid',
  low: 'cs.grid.probability.low',
};

const cellBox: React.CSSProperties = {
  display: 'flex',
  flexDirection: 'column',
  alignItems: 'flex-start',
  gap: 2,
  width: '100%',
  minHeight: 86,
  padding: '8px 10px',
  border: '1px solid #f0f0f0',
  borderRadius: 6,
  cursor: 'pointer',
  textAlign: 'left',
  font: 'inherit',
};

/**
 * The customer-value nine-grid: rows by ARR tier (large on top), columns by renewal probability
 * (low on the left); each cell shows its number, customers and ARR, shaded by ARR. A cell is a
 * button: it opens the drawer with its customers and strategy.
 */
export function NineGridMap({ grid, onOpen }: { grid: NineGrid; onOpen: (cell: number) => void }) {
  const { t } = useI18n();
  const format = useSuccessFormat();
  const rows = nineGridLayout(grid.cells.map((c) => ({ ...c, customers: c.count })));
  return (
    <div
      role="group"
      aria-label={t('cs.grid.title')}
      data-testid="nine-grid"
      style={{ display: 'grid', gridTemplateColumns: 'auto repeat(3, minmax(0, 1fr))', gap: 6 }}
    >
      <div style={{ display: 'contents' }}>
        <span />
        {PROBABILITY_TIERS.map((p) => (
          <Typography.Text key={p} type="secondary" style={{ fontSize: 12, textAlign: 'center' }}>
            {t(PROBABILITY_LABEL[p])}
          </Typography.Text>
        ))}
      </div>
      {rows.map((row, i) => (
        <div key={VALUE_TIERS[i]} style={{ display: 'contents' }}>
          <Typography.Text
            type="secondary"
            style={{ fontSize: 12, alignSelf: 'center', writingMode: 'horizontal-tb', paddingRight: 4 }}
          >
            {t(VALUE_LABEL[VALUE_TIERS[i] ?? 'small'])}
          </Typography.Text>
          {row.map((slot) => {
            const style = heatStyle(slot.heat);
            return (
              <button
                type="button"
                key={slot.cell}
                data-testid={`grid-cell-${slot.cell}`}
                aria-label={t('cs.grid.cellAria', {
                  cell: slot.cell,
                  value: t(VALUE_LABEL[slot.value]),
                  probability: t(PROBABILITY_LABEL[slot.probability]),
                  customers: slot.figures.customers,
                  arr: format.money(slot.figures.arr),
                })}
                onClick={() => onOpen(slot.cell)}
                style={{ ...cellBox, ...style }}
              >
                <span style={{ fontSize: 18, fontWeight: 600 }}>{slot.cell}</span>
                <span style={{ fontSize: 12 }}>{t('cs.grid.customers', { n: slot.figures.customers })}</span>
                <span style={{ fontSize: 12 }}>{format.money(slot.figures.arr)}</span>
              </button>
            );
          })}
        </div>
      ))}
    </div>
  );
}

/** One cell: its strategy and task templates, a button to create them, and its customers. */
export function CellDrawer({
  grid,
  cell,
  onClose,
}: {
  grid: NineGrid | undefined;
  cell: number | null;
  onClose: () => void;
}) {
  const { t } = useI18n();
  const data = grid?.cells.find((c) => c.cell === cell);
  const [editing, setEditing] = useState(false);
  const me = useMe().data;
  // the server lets administrators and CS directors edit; others get its 403
  const canEdit = me?.role.is_admin === true || me?.role.key === 'cs_director';
  return (
    <Drawer
      open={cell !== null}
      onClose={() => {
        setEditing(false);
        onClose();
      }}
      size={720}
      destroyOnHidden
      title={
        data
          ? t('cs.grid.drawerTitle', {
              cell: data.cell,
              value: t(VALUE_LABEL[data.value_tier]),
              probability: t(PROBABILITY_LABEL[data.probability_tier]),
            })
          : t('cs.grid.title')
      }
    >
      <div data-testid="grid-drawer">
        {!grid ? (
          <Skeleton active />
        ) : !data ? (
          <Empty />
        ) : (
          <Space orientation="vertical" size={16} style={{ width: '100%' }}>
            {editing ? (
              <CellEditor cell={data} onDone={() => setEditing(false)} />
            ) : (
              <Strategy cell={data} asOf={grid.as_of} onEdit={canEdit ? () => setEditing(true) : undefined} />
            )}
            <CellCustomers cell={data} />
          </Space>
        )}
      </div>
    </Drawer>
  );
}

const PRIORITY_LABEL: Record<'high' | 'normal' | 'low', MessageKey> = {
  high: 'cs.grid.priority.high',
  normal: 'cs.grid.priority.normal',
  low: 'cs.grid.priority.low',
};

function Strategy({ cell, asOf, onEdit }: { cell: NineGridCellData; asOf: string; onEdit?: () => void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const me = useMe().data;
  const [busy, setBusy] = useState(false);
  const create = async () => {
    setBusy(true);
    try {
      const run = await createCellTasks(cell.cell, asOf);
      void message.success(t('cs.grid.tasksCreated', { created: run.created, skipped: run.skipped }));
      await qc.invalidateQueries({ queryKey: ['records', 'task'] });
    } catch (err) {
      void message.error(errorText(err, t));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Card
      size="small"
      title={t('cs.grid.strategy')}
      extra={
        onEdit && (
          <Button size="small" onClick={onEdit} data-testid="grid-edit-strategy">
            {t('common.edit')}
          </Button>
        )
      }
    >
      <Typography.Paragraph data-testid="grid-strategy">
        {cell.strategy || t('common.empty')}
      </Typography.Paragraph>
      <Typography.Text strong>{t('cs.grid.templates')}</Typography.Text>
      <List
        size="small"
        dataSource={cell.task_templates}
        locale={{ emptyText: t('cs.grid.noTemplates') }}
        renderItem={(tpl, i) => (
          <List.Item key={i}>
            {t('cs.grid.template', {
              subject: tpl.subject,
              days: tpl.due_days,
              priority: t(PRIORITY_LABEL[tpl.priority]),
            })}
          </List.Item>
        )}
      />
      {canDo(me, 'task', 'create') && (
        <Popconfirm
          title={t('cs.grid.createTasksConfirm', { n: cell.count, templates: cell.task_templates.length })}
          onConfirm={() => void create()}
          disabled={cell.count === 0 || cell.task_templates.length === 0}
        >
          <Button
            type="primary"
            loading={busy}
            disabled={cell.count === 0 || cell.task_templates.length === 0}
            data-testid="grid-create-tasks"
          >
            {t('cs.grid.createTasks')}
          </Button>
        </Popconfirm>
      )}
    </Card>
  );
}

interface CellForm {
  strategy: string;
  task_templates: { subject: string; due_days: number; priority: 'high' | 'normal' | 'low' }[];
}

/** Edits a cell's strategy and task templates (administrators and CS directors). */
function CellEditor({ cell, onDone }: { cell: NineGridCellData; onDone: () => void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [form] = Form.useForm<CellForm>();
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const save = async (v: CellForm) => {
    setBusy(true);
    setProblem(null);
    try {
      const body: CellBody = {
        strategy: v.strategy.trim(),
        task_templates: (v.task_templates ?? []).map((x) => ({ ...x, subject: x.subject.trim() })),
      };
      await putCell(cell.cell, body);
      await qc.invalidateQueries({ queryKey: ['records', 'account', 'success', 'nine-grid'] });
      await qc.invalidateQueries({ queryKey: metricKeys.cells });
      void message.success(t('common.saved'));
      onDone();
    } catch (err) {
      setProblem(showServerErrors(form, err, ['strategy'], t));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Card size="small" title={t('cs.grid.editTitle')}>
      <Form<CellForm>
        form={form}
        layout="vertical"
        initialValues={{ strategy: cell.strategy, task_templates: cell.task_templates }}
        onFinish={(v) => void save(v)}
      >
        {problem && <Alert type="error" showIcon role="alert" title={problem} style={{ marginBottom: 12 }} />}
        <Form.Item name="strategy" label={t('cs.grid.strategy')}>
          <Input.TextArea rows={3} maxLength={2000} autoFocus />
        </Form.Item>
        <Typography.Text strong>{t('cs.grid.templates')}</Typography.Text>
        <Form.List name="task_templates">
          {(fields, { add, remove }) => (
            <>
              {fields.map((f) => (
                <Space key={f.key} align="start" wrap style={{ display: 'flex', marginTop: 8 }}>
                  <Form.Item
                    name={[f.name, 'subject']}
                    rules={[{ required: true, whitespace: true, message: t('cs.model.required') }]}
                    style={{ marginBottom: 0, width: 320 }}
                  >
                    <Input
                      aria-label={t('cs.grid.templateSubject')}
                      placeholder={t('cs.grid.templateSubject')}
                      maxLength={300}
                    />
                  </Form.Item>
                  <Form.Item
                    name={[f.name, 'due_days']}
                    rules={[{ required: true, message: t('cs.model.required') }]}
                    style={{ marginBottom: 0 }}
                  >
                    <InputNumber
                      aria-label={t('cs.grid.templateDays')}
                      min={0}
                      max={365}
                      precision={0}
                      suffix={t('cs.grid.days')}
                    />
                  </Form.Item>
                  <Form.Item name={[f.name, 'priority']} style={{ marginBottom: 0 }}>
                    <Select
                      aria-label={t('cs.grid.templatePriority')}
                      style={{ width: 96 }}
                      options={(['high', 'normal', 'low'] as const).map((p) => ({
                        value: p,
                        label: t(PRIORITY_LABEL[p]),
                      }))}
                    />
                  </Form.Item>
                  <Button
                    icon={<DeleteOutlined />}
                    aria-label={t('cs.model.remove')}
                    onClick={() => remove(f.name)}
                  />
                </Space>
              ))}
              <Button
                size="small"
                icon={<PlusOutlined />}
                style={{ marginTop: 8 }}
                onClick={() => add({ subject: '', due_days: 7, priority: 'normal' })}
              >
                {t('cs.grid.addTemplate')}
              </Button>
            </>
          )}
        </Form.List>
        <Space style={{ marginTop: 16 }}>
          <Button type="primary" htmlType="submit" loading={busy}>
            {t('common.save')}
          </Button>
          <Button onClick={onDone}>{t('common.cancel')}</Button>
        </Space>
      </Form>
    </Card>
  );
}

type GridCustomer = NineGridCellData['customers'][number];

function CellCustomers({ cell }: { cell: NineGridCellData }) {
  const { t } = useI18n();
  const format = useSuccessFormat();
  const [q, setQ] = useState('');
  const needle = q.trim().toLowerCase();
  const shown = needle
    ? cell.customers.filter(
        (c) =>
          c.account_name.toLowerCase().includes(needle) || (c.csm_name ?? '').toLowerCase().includes(needle),
      )
    : cell.customers;
  return (
    <Card
      size="small"
      title={t('cs.grid.cellCustomers', { n: cell.count })}
      extra={
        <Input.Search
          size="small"
          allowClear
          style={{ width: 200 }}
          placeholder={t('cs.grid.filter')}
          aria-label={t('cs.grid.filter')}
          data-testid="grid-customers-filter"
          onChange={(e) => setQ(e.target.value)}
        />
      }
    >
      <Descriptions size="small" column={2} style={{ marginBottom: 8 }}>
        <Descriptions.Item label={t('cs.col.arr')}>{format.money(cell.arr)}</Descriptions.Item>
      </Descriptions>
      <Table<GridCustomer>
        size="small"
        rowKey="account_id"
        data-testid="grid-customers"
        dataSource={shown}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        scroll={{ x: 'max-content' }}
        columns={[
          {
            key: 'account',
            title: t('cs.col.account'),
            render: (_, r) => <Link to={`/o/account/${r.account_id}`}>{r.account_name}</Link>,
          },
          { key: 'arr', title: t('cs.col.arr'), align: 'right', render: (_, r) => format.money(r.arr) },
          { key: 'score', title: t('cs.col.score'), align: 'right', render: (_, r) => format.score(r.score) },
          { key: 'status', title: t('cs.col.status'), render: (_, r) => <StatusTag status={r.status} /> },
          {
            key: 'probability',
            title: t('cs.col.probability'),
            align: 'right',
            render: (_, r) => format.rate(r.probability),
          },
          { key: 'csm', title: t('cs.col.csm'), render: (_, r) => r.csm_name ?? t('common.empty') },
        ]}
      />
    </Card>
  );
}
