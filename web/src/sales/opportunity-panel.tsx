import { useState, type ReactNode } from 'react';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  Empty,
  Input,
  InputNumber,
  Modal,
  Row,
  Select,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from 'react-router';
import { ApiError } from '../api/http-client';
import { errorText } from '../api/error-text';
import { useMe } from '../api/queries';
import { canDo } from '../auth/permissions';
import { formatMoney } from '../format/money';
import { useI18n } from '../i18n/i18n-context';
import type { MessageKey } from '../i18n/zh-CN';
import type { RecordPanelProps } from '../objects/record-panels';
import { RecordSelect } from '../objects/record-select';
import { ActivitySection } from '../activities/activity-section';
import {
  fetchContacts,
  fetchLines,
  fetchTeam,
  restoreOpportunity,
  saveContacts,
  saveLines,
  saveTeam,
  salesKeys,
  useDirectory,
  usePipelines,
} from './api';
import { daysSince, isClosedType, lineAmount, linesTotal, stagePath, type LineDraft } from './board-logic';
import { StageDialog, type StageDialogTarget } from './stage-dialog';
import './board.css';

const str = (v: unknown): string | null => (typeof v === 'string' && v ? v : null);

const CONTACT_ROLES = ['decision_maker', 'influencer', 'user', 'champion', 'other'] as const;
const TEAM_ROLES = ['member', 'presales', 'support'] as const;
const CURRENCIES = ['CNY', 'USD', 'EUR', 'HKD', 'JPY', 'GBP', 'SGD'];

function roleKey(role: string | null): MessageKey | null {
  const all: readonly string[] = [...CONTACT_ROLES, ...TEAM_ROLES];
  return role && all.includes(role) ? (`sales.role.${role}` as MessageKey) : null;
}

/** A titled block with an edit button that opens its editor. */
function Section({
  title,
  canEdit,
  onEdit,
  testId,
  children,
}: {
  title: string;
  canEdit: boolean;
  onEdit: () => void;
  testId: string;
  children: ReactNode;
}) {
  const { t } = useI18n();
  return (
    <Card
      size="small"
      title={title}
      data-testid={testId}
      extra={
        canEdit ? (
          <Button size="small" onClick={onEdit} aria-label={`${t('sales.panel.edit')} ${title}`}>
            {t('sales.panel.edit')}
          </Button>
        ) : null
      }
    >
      {children}
    </Card>
  );
}

/** Stage path, stage moves (won / lost / restore), contacts with roles, team and product lines. */
export default function OpportunityPanel({ record, refresh }: RecordPanelProps) {
  const { t, pick, locale } = useI18n();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const me = useMe().data;
  const pipelines = usePipelines();
  const directory = useDirectory();
  const [dialog, setDialog] = useState<StageDialogTarget | null>(null);
  const [editing, setEditing] = useState<'contacts' | 'team' | 'lines' | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const [restoring, setRestoring] = useState(false);

  const id = record.id;
  const name = str(record.name) ?? '';
  const stageKey = str(record.stage) ?? '';
  const pipeline = pipelines.data?.find((p) => p.id === str(record.pipeline_id));
  const stages = pipeline?.stages ?? [];
  const current = stages.find((s) => s.key === stageKey);
  const closed = current ? isClosedType(current.type) : false;
  const canEdit = canDo(me, 'opportunity', 'update');
  const days = daysSince(str(record.stage_entered_at));
  const wonKey = stages.find((s) => s.type === 'won')?.key;
  const lostKey = stages.find((s) => s.type === 'lost')?.key;

  const contacts = useQuery({ queryKey: salesKeys.contacts(id), queryFn: () => fetchContacts(id) });
  const team = useQuery({ queryKey: salesKeys.team(id), queryFn: () => fetchTeam(id) });
  const lines = useQuery({ queryKey: salesKeys.lines(id), queryFn: () => fetchLines(id) });

  const open = (to: string | null) => setDialog({ id, name, stage: stageKey, to });
  const restore = async () => {
    setRestoring(true);
    setActionError(null);
    try {
      await restoreOpportunity(id);
      message.success(t('sales.panel.restored'));
      await qc.invalidateQueries({ queryKey: ['records', 'opportunity'] });
      await refresh();
    } catch (err) {
      setActionError(errorText(err, t));
    } finally {
      setRestoring(false);
    }
  };

  const path = stagePath(stages, stageKey);
  return (
    <Space
      orientation="vertical"
      style={{ width: '100%', marginBottom: 16 }}
      size={12}
      data-testid="opportunity-panel"
    >
      <Card size="small">
        <div className="fw-stage-path" role="list" aria-label={t('sales.panel.path')}>
          {path.map((p) => {
            const s = stages.find((x) => x.key === p.key);
            return (
              <button
                key={p.key}
                type="button"
                role="listitem"
                className={`fw-chevron fw-chevron-${p.step}`}
                aria-current={p.step === 'current' ? 'step' : undefined}
                disabled={!canEdit || p.step === 'current' || closed}
                onClick={() => open(p.key)}
              >
                {s ? pick(s.name) : p.key}
              </button>
            );
          })}
        </div>
        <div style={{ display: 'flex', flexWrap: 'wrap', gap: 8, alignItems: 'center', marginTop: 8 }}>
          {closed && current ? (
            <Tag color={current.type === 'won' ? 'green' : 'red'} data-testid="closed-tag">
              {t('sales.panel.closed', { stage: pick(current.name) })}
            </Tag>
          ) : (
            days !== null && (
              <Typography.Text type="secondary" data-testid="days-in-stage">
                {t('sales.panel.daysInStage', { days })}
              </Typography.Text>
            )
          )}
          {closed && str(record.close_reason) && (
            <Typography.Text type="secondary">
              {t('sales.panel.closeReason', { reason: str(record.close_reason) ?? '' })}
            </Typography.Text>
          )}
          <span style={{ flex: 1 }} />
          {canEdit && !closed && (
            <>
              <Button onClick={() => open(null)}>{t('sales.panel.move')}</Button>
              {wonKey && (
                <Button type="primary" onClick={() => open(wonKey)}>
                  {t('sales.panel.won')}
                </Button>
              )}
              {lostKey && (
                <Button danger onClick={() => open(lostKey)}>
                  {t('sales.panel.lost')}
                </Button>
              )}
            </>
          )}
          {canEdit && closed && (
            <Button onClick={() => void restore()} loading={restoring}>
              {t('sales.panel.restore')}
            </Button>
          )}
        </div>
        {actionError && <Alert style={{ marginTop: 8 }} type="error" showIcon title={actionError} />}
        {pipelines.error && (
          <Alert style={{ marginTop: 8 }} type="error" showIcon title={errorText(pipelines.error, t)} />
        )}
      </Card>
      <Row gutter={[12, 12]}>
        <Col xs={24} lg={8}>
          <Section
            title={t('sales.panel.contacts')}
            canEdit={canEdit}
            onEdit={() => setEditing('contacts')}
            testId="opp-contacts"
          >
            {contacts.error ? (
              <Alert type="error" showIcon title={errorText(contacts.error, t)} />
            ) : contacts.data?.length ? (
              contacts.data.map((c) => (
                <div key={c.contact_id} style={{ display: 'flex', justifyContent: 'space-between', gap: 8 }}>
                  <Link to={`/o/contact/${c.contact_id}`}>{c.name ?? c.contact_id}</Link>
                  {c.role && <Tag>{roleKey(c.role) ? t(roleKey(c.role) as MessageKey) : c.role}</Tag>}
                </div>
              ))
            ) : (
              <Typography.Text type="secondary">
                {contacts.isLoading ? t('common.loading') : t('sales.panel.contactsEmpty')}
              </Typography.Text>
            )}
          </Section>
        </Col>
        <Col xs={24} lg={8}>
          <Section
            title={t('sales.panel.team')}
            canEdit={canEdit}
            onEdit={() => setEditing('team')}
            testId="opp-team"
          >
            {team.error ? (
              <Alert type="error" showIcon title={errorText(team.error, t)} />
            ) : team.data?.length ? (
              team.data.map((m) => (
                <div key={m.user_id} style={{ display: 'flex', justifyContent: 'space-between', gap: 8 }}>
                  <span>{m.name}</span>
                  <Tag>{roleKey(m.role) ? t(roleKey(m.role) as MessageKey) : m.role}</Tag>
                </div>
              ))
            ) : (
              <Typography.Text type="secondary">
                {team.isLoading ? t('common.loading') : t('sales.panel.teamEmpty')}
              </Typography.Text>
            )}
          </Section>
        </Col>
        <Col xs={24} lg={8}>
          <Section
            title={t('sales.panel.lines')}
            canEdit={canEdit}
            onEdit={() => setEditing('lines')}
            testId="opp-lines"
          >
            {lines.error ? (
              <Alert type="error" showIcon title={errorText(lines.error, t)} />
            ) : lines.data?.length ? (
              <>
                {lines.data.map((l) => (
                  <div key={l.id} style={{ display: 'flex', justifyContent: 'space-between', gap: 8 }}>
                    <span>
                      {l.product} × {l.quantity}
                    </span>
                    <span>{formatMoney({ amount: l.amount, currency: l.currency }, locale)}</span>
                  </div>
                ))}
                <Typography.Text strong>
                  {t('sales.panel.linesTotal', {
                    total: formatMoney(
                      {
                        amount: lines.data.reduce((n, l) => n + l.amount, 0),
                        currency: lines.data[0]?.currency ?? 'CNY',
                      },
                      locale,
                    ),
                  })}
                </Typography.Text>
              </>
            ) : (
              <Typography.Text type="secondary">
                {lines.isLoading ? t('common.loading') : t('sales.panel.linesEmpty')}
              </Typography.Text>
            )}
          </Section>
        </Col>
      </Row>
      <Card size="small">
        <ActivitySection object="opportunity" id={id} name={name} onChanged={refresh} maxHeight={480} />
      </Card>
      <StageDialog target={dialog} stages={stages} onClose={() => setDialog(null)} onMoved={refresh} />
      {editing === 'contacts' && (
        <ContactsEditor
          id={id}
          initial={(contacts.data ?? []).map((c) => ({
            contact_id: c.contact_id,
            name: c.name,
            role: c.role,
          }))}
          onClose={() => setEditing(null)}
        />
      )}
      {editing === 'team' && (
        <TeamEditor
          id={id}
          initial={(team.data ?? []).map((m) => ({ user_id: m.user_id, role: m.role }))}
          users={directory.data ?? []}
          onClose={() => setEditing(null)}
        />
      )}
      {editing === 'lines' && (
        <LinesEditor
          id={id}
          initial={(lines.data ?? []).map((l) => ({
            product: l.product,
            quantity: l.quantity,
            unitPrice: l.unit_price / 100,
            currency: l.currency,
          }))}
          tenantCurrency={me?.tenant.currency ?? 'CNY'}
          onClose={() => setEditing(null)}
          onSaved={refresh}
        />
      )}
    </Space>
  );
}

/** Saves a list editor: the server's field errors (`contacts[1].contact_id`) are listed as they come. */
function useSave(onDone: () => void | Promise<void>) {
  const { t } = useI18n();
  const qc = useQueryClient();
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = async (fn: () => Promise<unknown>) => {
    setSaving(true);
    setError(null);
    try {
      await fn();
      await qc.invalidateQueries({ queryKey: ['records', 'opportunity'] });
      await onDone();
    } catch (err) {
      setError(
        err instanceof ApiError && err.details.length
          ? err.details.map((d) => (d.field ? `${d.field}: ${d.issue}` : d.issue)).join('; ')
          : errorText(err, t),
      );
    } finally {
      setSaving(false);
    }
  };
  return { saving, error, run };
}

function ContactsEditor({
  id,
  initial,
  onClose,
}: {
  id: string;
  initial: { contact_id: string; name: string | null; role: string | null }[];
  onClose: () => void;
}) {
  const { t } = useI18n();
  const [rows, setRows] = useState(initial.map((r) => ({ ...r, contact_id: r.contact_id as string | null })));
  const { saving, error, run } = useSave(onClose);
  const save = () =>
    run(() =>
      saveContacts(
        id,
        rows.flatMap((r) =>
          r.contact_id ? [{ contact_id: r.contact_id, ...(r.role ? { role: r.role } : {}) }] : [],
        ),
      ),
    );
  return (
    <Modal
      open
      title={t('sales.panel.contacts')}
      onCancel={onClose}
      onOk={() => void save()}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      confirmLoading={saving}
      width={640}
    >
      <Space orientation="vertical" style={{ width: '100%' }}>
        {rows.map((r, i) => (
          <Space.Compact key={i} style={{ width: '100%' }}>
            <div style={{ flex: 2, minWidth: 0 }}>
              <RecordSelect
                object="contact"
                value={r.contact_id}
                initialLabel={r.name}
                onChange={(v) =>
                  setRows(
                    rows.map((x, j) =>
                      j === i ? { ...x, contact_id: typeof v === 'string' ? v : null } : x,
                    ),
                  )
                }
              />
            </div>
            <Select
              aria-label={t('sales.panel.role')}
              style={{ flex: 1, minWidth: 100 }}
              allowClear
              value={r.role ?? undefined}
              onChange={(v: string | undefined) =>
                setRows(rows.map((x, j) => (j === i ? { ...x, role: v ?? null } : x)))
              }
              options={CONTACT_ROLES.map((k) => ({ value: k, label: t(`sales.role.${k}`) }))}
            />
            <Button
              icon={<DeleteOutlined />}
              aria-label={t('common.delete')}
              onClick={() => setRows(rows.filter((_, j) => j !== i))}
            />
          </Space.Compact>
        ))}
        <Button
          icon={<PlusOutlined />}
          onClick={() => setRows([...rows, { contact_id: null, name: null, role: null }])}
        >
          {t('sales.panel.addContact')}
        </Button>
        {error && <Alert type="error" showIcon title={error} />}
      </Space>
    </Modal>
  );
}

function TeamEditor({
  id,
  initial,
  users,
  onClose,
}: {
  id: string;
  initial: { user_id: string; role: string }[];
  users: { id: string; name: string; email: string }[];
  onClose: () => void;
}) {
  const { t } = useI18n();
  const [rows, setRows] = useState(initial.map((r) => ({ ...r, user_id: r.user_id as string | null })));
  const { saving, error, run } = useSave(onClose);
  const save = () =>
    run(() =>
      saveTeam(
        id,
        rows.flatMap((r) => (r.user_id ? [{ user_id: r.user_id, role: r.role }] : [])),
      ),
    );
  return (
    <Modal
      open
      title={t('sales.panel.team')}
      onCancel={onClose}
      onOk={() => void save()}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      confirmLoading={saving}
      width={560}
    >
      <Space orientation="vertical" style={{ width: '100%' }}>
        {rows.map((r, i) => (
          <Space.Compact key={i} style={{ width: '100%' }}>
            <Select
              aria-label={t('sales.panel.member')}
              style={{ flex: 2, minWidth: 0 }}
              showSearch={{ optionFilterProp: 'label' }}
              value={r.user_id ?? undefined}
              onChange={(v: string) => setRows(rows.map((x, j) => (j === i ? { ...x, user_id: v } : x)))}
              options={users.map((u) => ({ value: u.id, label: `${u.name} (${u.email})` }))}
            />
            <Select
              aria-label={t('sales.panel.role')}
              style={{ flex: 1, minWidth: 90 }}
              value={r.role}
              onChange={(v: string) => setRows(rows.map((x, j) => (j === i ? { ...x, role: v } : x)))}
              options={TEAM_ROLES.map((k) => ({ value: k, label: t(`sales.role.${k}`) }))}
            />
            <Button
              icon={<DeleteOutlined />}
              aria-label={t('common.delete')}
              onClick={() => setRows(rows.filter((_, j) => j !== i))}
            />
          </Space.Compact>
        ))}
        <Button icon={<PlusOutlined />} onClick={() => setRows([...rows, { user_id: null, role: 'member' }])}>
          {t('sales.panel.addMember')}
        </Button>
        {error && <Alert type="error" showIcon title={error} />}
      </Space>
    </Modal>
  );
}

function LinesEditor({
  id,
  initial,
  tenantCurrency,
  onClose,
  onSaved,
}: {
  id: string;
  initial: LineDraft[];
  tenantCurrency: string;
  onClose: () => void;
  onSaved: () => Promise<void>;
}) {
  const { t, locale } = useI18n();
  const [rows, setRows] = useState<LineDraft[]>(initial);
  const { saving, error, run } = useSave(async () => {
    await onSaved();
    onClose();
  });
  const set = (i: number, patch: Partial<LineDraft>) =>
    setRows(rows.map((x, j) => (j === i ? { ...x, ...patch } : x)));
  const total = linesTotal(rows);
  const save = () =>
    run(() =>
      saveLines(
        id,
        rows.map((r) => ({
          product: r.product.trim(),
          quantity: r.quantity ?? 0,
          unit_price: Math.round((r.unitPrice ?? 0) * 100),
          currency: r.currency,
        })),
      ),
    );
  return (
    <Modal
      open
      title={t('sales.panel.lines')}
      onCancel={onClose}
      onOk={() => void save()}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      confirmLoading={saving}
      width={760}
    >
      <Table
        size="small"
        pagination={false}
        rowKey={(_, i) => String(i)}
        dataSource={rows}
        scroll={{ x: 'max-content' }}
        locale={{ emptyText: <Empty description={t('sales.panel.linesEmpty')} /> }}
        columns={[
          {
            title: t('sales.panel.product'),
            render: (_, r, i) => (
              <Input
                aria-label={t('sales.panel.product')}
                style={{ minWidth: 140 }}
                value={r.product}
                maxLength={200}
                onChange={(e) => set(i, { product: e.target.value })}
              />
            ),
          },
          {
            title: t('sales.panel.quantity'),
            render: (_, r, i) => (
              <InputNumber
                aria-label={t('sales.panel.quantity')}
                min={0}
                value={r.quantity}
                onChange={(v: number | null) => set(i, { quantity: v })}
              />
            ),
          },
          {
            title: t('sales.panel.unitPrice'),
            render: (_, r, i) => (
              <Space.Compact>
                <Select
                  aria-label={t('field.currencyCode')}
                  value={r.currency}
                  style={{ width: 80 }}
                  onChange={(v: string) => set(i, { currency: v })}
                  options={CURRENCIES.map((c) => ({ value: c, label: c }))}
                />
                <InputNumber
                  aria-label={t('sales.panel.unitPrice')}
                  min={0}
                  precision={2}
                  value={r.unitPrice}
                  onChange={(v: number | null) => set(i, { unitPrice: v })}
                />
              </Space.Compact>
            ),
          },
          {
            title: t('sales.panel.lineAmount'),
            render: (_, r) =>
              r.quantity !== null && r.unitPrice !== null
                ? formatMoney(
                    { amount: lineAmount(r.quantity, Math.round(r.unitPrice * 100)), currency: r.currency },
                    locale,
                  )
                : '—',
          },
          {
            title: '',
            render: (_, __, i) => (
              <Button
                icon={<DeleteOutlined />}
                aria-label={t('common.delete')}
                onClick={() => setRows(rows.filter((_, j) => j !== i))}
              />
            ),
          },
        ]}
      />
      <Space style={{ marginTop: 8, width: '100%', justifyContent: 'space-between' }} wrap>
        <Button
          icon={<PlusOutlined />}
          onClick={() =>
            setRows([
              ...rows,
              { product: '', quantity: 1, unitPrice: null, currency: rows[0]?.currency ?? tenantCurrency },
            ])
          }
        >
          {t('sales.panel.addLine')}
        </Button>
        {total && (
          <Typography.Text strong>
            {t('sales.panel.linesTotal', { total: formatMoney(total, locale) })}
          </Typography.Text>
        )}
      </Space>
      {error && <Alert style={{ marginTop: 8 }} type="error" showIcon title={error} />}
    </Modal>
  );
}
