import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import {
  Alert,
  App,
  Breadcrumb,
  Button,
  Card,
  Descriptions,
  Drawer,
  Form,
  Input,
  Modal,
  Result,
  Space,
  Spin,
  Table,
  Tabs,
  Tag,
  Typography,
} from 'antd';
import { CheckOutlined, EditOutlined, StopOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { updateRecord } from '../api/endpoints';
import { keys, useMe, useObjectMeta, useObjects, useRecord } from '../api/queries';
import { ApiError } from '../api/http-client';
import { errorText } from '../api/error-text';
import type { ObjectMeta, RecordData } from '../api/types';
import { canDo } from '../auth/permissions';
import { formatDate, formatDateTime } from '../format/date';
import { formatMoney, formatNumber } from '../format/money';
import { useI18n } from '../i18n/i18n-context';
import { NotFoundPage } from '../shell/not-found-page';
import { isMoney } from '../objects/field-values';
import { RecordForm } from '../objects/record-form';
import { RecordHistory } from '../objects/record-history';
import { RelatedList } from '../objects/related-list';
import { useRenderContext } from '../objects/use-render-context';
import {
  cancelOrder,
  confirmOrder,
  replaceOrderLines,
  useOrder,
  type OrderLine,
  type OrderWithLines,
} from './api';
import {
  draftFromLine,
  linesPayload,
  placeErrors,
  settleErrors,
  type LineDraft,
  type PlacedErrors,
} from './order-logic';
import { OrderLinesGrid } from './order-lines-grid';
import { OptionTag } from './order-parts';

const str = (v: unknown): string | null => (typeof v === 'string' && v ? v : null);
const NO_ERRORS: PlacedErrors = { cells: {}, header: {}, rest: [] };

/** An order: header, lines with service periods, and its lifecycle actions. */
export default function OrderPage() {
  const { id = '' } = useParams();
  const { t } = useI18n();
  const { meta, isLoading } = useObjectMeta('order');
  if (isLoading) return <Spin style={{ display: 'block', margin: 48 }} />;
  if (!meta) return <Result status="403" subTitle={t('list.noPermission')} />;
  return <OrderView key={id} id={id} meta={meta} />;
}

function OrderView({ id, meta }: { id: string; meta: ObjectMeta }) {
  const { t, pick, locale } = useI18n();
  const { message, modal } = App.useApp();
  const me = useMe().data;
  const ctx = useRenderContext();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const objects = useObjects().data ?? [];
  const order = useOrder(id);
  // names of the account, contract, opportunity and owner (the order answer carries ids only)
  const named = useRecord('order', id, ['account_id', 'contract_id', 'opportunity_id', 'owner_id']);
  const [editing, setEditing] = useState<LineDraft[] | null>(null);
  const [lineErrors, setLineErrors] = useState<PlacedErrors>(NO_ERRORS);
  const [savingLines, setSavingLines] = useState(false);
  const [cancelling, setCancelling] = useState(false);
  const [editingHeader, setEditingHeader] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  if (order.isLoading) return <Spin style={{ display: 'block', margin: 48 }} />;
  if (order.error instanceof ApiError && order.error.status === 404) return <NotFoundPage />;
  if (order.error || !order.data) return <Alert type="error" showIcon title={errorText(order.error, t)} />;
  const o: OrderWithLines = order.data;
  const { lines, ...header } = o;
  const record: RecordData = { ...header, _expand: named.data?._expand ?? {} };
  const status = str(o.status) ?? 'draft';
  const number = str(o.number) ?? '';
  const amount = isMoney(o.amount) ? o.amount : null;
  const currency = amount?.currency ?? me?.tenant.currency ?? 'CNY';
  const canUpdate = canDo(me, 'order', 'update');
  const expandName = (f: string) => record._expand?.[f]?.name ?? null;

  const refresh = async () => {
    await queryClient.invalidateQueries({ queryKey: keys.records('order') });
    await queryClient.invalidateQueries({ queryKey: keys.audit('order', id) });
  };
  /** A 409 means the order changed under us: reload it and say so. */
  const failed = async (err: unknown) => {
    if (err instanceof ApiError && err.status === 409) {
      setProblem(`${err.message} ${t('record.conflict')}`);
      await refresh();
    } else setProblem(errorText(err, t));
  };

  const confirm = () =>
    modal.confirm({
      title: t('cash.order.confirmTitle', { number }),
      content: t('cash.order.confirmBody', { amount: amount ? formatMoney(amount, locale) : '—' }),
      okText: t('cash.order.confirm'),
      cancelText: t('common.cancel'),
      onOk: async () => {
        try {
          await confirmOrder(id, o.version);
          setProblem(null);
          void message.success(t('cash.order.confirmedToast', { number }));
        } catch (err) {
          await failed(err);
        }
        await refresh();
      },
    });

  const saveLines = async () => {
    if (!editing) return;
    setSavingLines(true);
    setLineErrors(NO_ERRORS);
    try {
      await replaceOrderLines(id, { version: o.version, lines: linesPayload(editing) });
      setEditing(null);
      setProblem(null);
      await refresh();
      void message.success(t(status === 'confirmed' ? 'cash.order.amendedToast' : 'common.saved'));
    } catch (err) {
      if (err instanceof ApiError && err.details.length)
        setLineErrors(
          placeErrors(
            err.details,
            editing.map((l) => l.key),
            [],
          ),
        );
      else await failed(err);
    } finally {
      setSavingLines(false);
    }
  };

  const stamp = (f: string) => {
    const v = str(o[f]);
    return v ? formatDateTime(v, ctx.timeZone, locale) : null;
  };

  return (
    <div>
      <Breadcrumb
        style={{ marginBottom: 8 }}
        items={[{ title: <Link to="/o/order">{pick(meta.plural_label)}</Link> }, { title: number }]}
      />
      <Card style={{ marginBottom: 12 }}>
        <div className="fw-page-header" style={{ marginBottom: 12 }}>
          <Space align="center" wrap>
            <Typography.Title level={3} style={{ margin: 0 }} data-testid="record-title">
              {number}
            </Typography.Title>
            <OptionTag meta={meta} field="status" value={status} testId="order-status" />
          </Space>
          {canUpdate && editing === null && (
            <Space wrap data-testid="order-actions">
              {status === 'draft' && (
                <Button type="primary" icon={<CheckOutlined />} onClick={confirm}>
                  {t('cash.order.confirm')}
                </Button>
              )}
              {status !== 'cancelled' && (
                <Button
                  icon={<EditOutlined />}
                  onClick={() => {
                    setLineErrors(NO_ERRORS);
                    setEditing(lines.map(draftFromLine));
                  }}
                >
                  {status === 'confirmed' ? t('cash.order.amend') : t('cash.order.editLines')}
                </Button>
              )}
              {status !== 'cancelled' && (
                <Button onClick={() => setEditingHeader(true)}>{t('cash.order.editDetails')}</Button>
              )}
              {status !== 'cancelled' && (
                <Button danger icon={<StopOutlined />} onClick={() => setCancelling(true)}>
                  {t('cash.order.cancel')}
                </Button>
              )}
              {status === 'cancelled' && canDo(me, 'order', 'create') && (
                <Button
                  onClick={() =>
                    navigate(`/cash/orders/new?account_id=${encodeURIComponent(str(o.account_id) ?? '')}`)
                  }
                >
                  {t('cash.order.reorder')}
                </Button>
              )}
            </Space>
          )}
        </div>
        <Descriptions
          size="small"
          column={{ xs: 1, sm: 2, md: 3, lg: 4 }}
          data-testid="order-header"
          items={[
            {
              key: 'account',
              label: t('cash.order.account'),
              children: str(o.account_id) ? (
                <Link to={`/o/account/${str(o.account_id)}`}>{expandName('account_id') ?? '…'}</Link>
              ) : (
                '—'
              ),
            },
            {
              key: 'type',
              label: t('cash.order.type'),
              children: <OptionTag meta={meta} field="type" value={o.type} />,
            },
            {
              key: 'date',
              label: t('cash.order.orderDate'),
              children: str(o.order_date) ? formatDate(str(o.order_date) ?? '', locale) : '—',
            },
            {
              key: 'amount',
              label: t('cash.order.amount'),
              children: (
                <Typography.Text strong data-testid="order-amount">
                  {amount ? formatMoney(amount, locale) : '—'}
                </Typography.Text>
              ),
            },
            {
              key: 'erp',
              label: t('cash.order.erpStatus'),
              children: str(o.erp_status) ? (
                <Space size={4}>
                  <OptionTag meta={meta} field="erp_status" value={o.erp_status} />
                  {str(o.erp_document_id)}
                </Space>
              ) : (
                <Typography.Text type="secondary">{t('cash.order.erpNone')}</Typography.Text>
              ),
            },
            ...(str(o.contract_id)
              ? [
                  {
                    key: 'contract',
                    label: t('cash.order.contract'),
                    children: (
                      <Link to={`/o/contract/${str(o.contract_id)}`}>{expandName('contract_id') ?? '…'}</Link>
                    ),
                  },
                ]
              : []),
            ...(str(o.opportunity_id)
              ? [
                  {
                    key: 'opportunity',
                    label: t('cash.order.opportunity'),
                    children: (
                      <Link to={`/o/opportunity/${str(o.opportunity_id)}`}>
                        {expandName('opportunity_id') ?? '…'}
                      </Link>
                    ),
                  },
                ]
              : []),
            ...(expandName('owner_id')
              ? [{ key: 'owner', label: t('record.owner'), children: expandName('owner_id') }]
              : []),
            ...(stamp('confirmed_at')
              ? [{ key: 'confirmed', label: t('cash.order.confirmedAt'), children: stamp('confirmed_at') }]
              : []),
            ...(status === 'cancelled'
              ? [
                  {
                    key: 'cancelled',
                    label: t('cash.order.cancelledAt'),
                    children: stamp('cancelled_at') ?? '—',
                  },
                  {
                    key: 'reason',
                    label: t('cash.order.cancelReason'),
                    children: str(o.cancel_reason) ?? '—',
                  },
                ]
              : []),
            ...(str(o.description)
              ? [
                  {
                    key: 'notes',
                    label: t('cash.order.notes'),
                    children: str(o.description),
                    span: 'filled' as const,
                  },
                ]
              : []),
          ]}
        />
      </Card>
      {problem && (
        <Alert
          type="warning"
          showIcon
          role="alert"
          closable={{ onClose: () => setProblem(null) }}
          title={problem}
          style={{ marginBottom: 12 }}
          data-testid="order-problem"
        />
      )}
      <Card
        title={
          editing
            ? status === 'confirmed'
              ? t('cash.order.amendTitle')
              : t('cash.order.editLines')
            : t('cash.order.lines')
        }
        style={{ marginBottom: 12 }}
        extra={
          editing && (
            <Space>
              <Button onClick={() => setEditing(null)} disabled={savingLines}>
                {t('common.cancel')}
              </Button>
              <Button type="primary" loading={savingLines} onClick={() => void saveLines()}>
                {status === 'confirmed' ? t('cash.order.saveAmendment') : t('common.save')}
              </Button>
            </Space>
          )
        }
      >
        {editing ? (
          <>
            {status === 'confirmed' && (
              <Alert
                type="warning"
                showIcon
                style={{ marginBottom: 12 }}
                title={t('cash.order.amendWarning')}
                data-testid="amend-warning"
              />
            )}
            {lineErrors.rest.length > 0 && (
              <Alert
                type="error"
                showIcon
                role="alert"
                title={lineErrors.rest.join('；')}
                style={{ marginBottom: 12 }}
              />
            )}
            <OrderLinesGrid
              lines={editing}
              onChange={(next) => {
                setLineErrors((e) => ({ ...e, cells: settleErrors(e.cells, editing, next) }));
                setEditing(next);
              }}
              currency={currency}
              orderDate={str(o.order_date)}
              errors={lineErrors.cells}
              accountId={str(o.account_id)}
            />
          </>
        ) : (
          <LinesTable lines={lines} currency={currency} total={amount} />
        )}
      </Card>
      <Card>
        <Tabs
          items={[
            ...objects
              .flatMap((src) =>
                src.fields
                  .filter((f) => f.type === 'lookup' && f.lookup === 'order')
                  .map((f) => ({ src, f })),
              )
              .map(({ src, f }) => ({
                key: `${src.api_name}.${f.api_name}`,
                label: pick(src.plural_label),
                children: <RelatedList source={src} via={f} recordId={id} ctx={ctx} />,
              })),
            {
              key: 'history',
              label: t('record.history'),
              children: <RecordHistory meta={meta} id={id} ctx={ctx} />,
            },
          ]}
        />
      </Card>
      <CancelDialog
        open={cancelling}
        number={number}
        onClose={() => setCancelling(false)}
        onCancel={async (reason) => {
          try {
            await cancelOrder(id, reason, o.version);
            setProblem(null);
            setCancelling(false);
            void message.success(t('cash.order.cancelledToast', { number }));
          } catch (err) {
            if (err instanceof ApiError && err.details.some((d) => d.field === 'reason'))
              return err.details.find((d) => d.field === 'reason')?.issue ?? err.message;
            setCancelling(false);
            await failed(err);
          }
          await refresh();
          return null;
        }}
      />
      <Drawer
        open={editingHeader}
        title={`${t('cash.order.editDetails')} · ${number}`}
        size="large"
        onClose={() => setEditingHeader(false)}
        destroyOnHidden
      >
        {status === 'confirmed' && (
          <Alert type="info" showIcon style={{ marginBottom: 12 }} title={t('cash.order.lockedHint')} />
        )}
        <RecordForm
          meta={meta}
          record={record}
          submitLabel={t('common.save')}
          onCancel={() => setEditingHeader(false)}
          onSubmit={async (values) => {
            if (Object.keys(values).length === 0) return setEditingHeader(false);
            try {
              await updateRecord('order', id, { ...values, version: o.version });
            } catch (err) {
              if (err instanceof ApiError && err.status === 409) {
                setEditingHeader(false);
                await failed(err);
                return;
              }
              throw err;
            }
            await refresh();
            setEditingHeader(false);
            void message.success(t('common.saved'));
          }}
        />
      </Drawer>
    </div>
  );
}

function LinesTable({
  lines,
  currency,
  total,
}: {
  lines: OrderLine[];
  currency: string;
  total: { amount: number; currency: string } | null;
}) {
  const { t, locale, pick } = useI18n();
  const productMeta = useObjectMeta('product').meta;
  const money = (fen: number) => formatMoney({ amount: fen, currency }, locale);
  const typeLabel = (v: string) =>
    pick(
      productMeta?.fields.find((f) => f.api_name === 'type')?.options?.find((x) => x.value === v)?.label,
    ) || v;
  return (
    <Table<OrderLine>
      size="small"
      rowKey="id"
      pagination={false}
      dataSource={lines}
      scroll={{ x: 'max-content' }}
      data-testid="order-lines-table"
      columns={[
        { key: 'n', title: '#', width: 40, render: (_, __, i) => i + 1 },
        {
          key: 'product',
          title: t('cash.line.product'),
          render: (_, l) => (
            <Space orientation="vertical" size={0}>
              <Link to={`/o/product/${l.product_id}`}>{l.product_name}</Link>
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {l.product_sku}
              </Typography.Text>
            </Space>
          ),
        },
        {
          key: 'type',
          title: t('cash.line.productType'),
          render: (_, l) => (
            <Tag color={l.product_type === 'subscription' ? 'blue' : undefined}>
              {typeLabel(l.product_type)}
            </Tag>
          ),
        },
        {
          key: 'qty',
          title: t('cash.line.quantity'),
          align: 'right',
          render: (_, l) => formatNumber(l.quantity, locale),
        },
        {
          key: 'price',
          title: t('cash.line.unitPricePlain'),
          align: 'right',
          render: (_, l) => money(l.unit_price),
        },
        {
          key: 'discount',
          title: t('cash.line.discount'),
          align: 'right',
          render: (_, l) => (l.discount ? `${formatNumber(l.discount, locale)}%` : '—'),
        },
        {
          key: 'amount',
          title: t('cash.line.amountPlain'),
          align: 'right',
          render: (_, l) => money(l.amount),
        },
        {
          key: 'period',
          title: t('cash.line.servicePeriod'),
          render: (_, l) =>
            l.service_start && l.service_end
              ? t('cash.line.periodRange', {
                  start: formatDate(l.service_start, locale),
                  end: formatDate(l.service_end, locale),
                })
              : '—',
        },
      ]}
      summary={() =>
        total ? (
          <Table.Summary.Row>
            <Table.Summary.Cell index={0} colSpan={6}>
              <Typography.Text type="secondary">{t('cash.line.total')}</Typography.Text>
            </Table.Summary.Cell>
            <Table.Summary.Cell index={6} align="right">
              <Typography.Text strong>{formatMoney(total, locale)}</Typography.Text>
            </Table.Summary.Cell>
            <Table.Summary.Cell index={7} />
          </Table.Summary.Row>
        ) : null
      }
    />
  );
}

/** Cancelling needs a reason (it goes to the order and to the order.cancelled event). */
function CancelDialog({
  open,
  number,
  onClose,
  onCancel,
}: {
  open: boolean;
  number: string;
  onClose: () => void;
  /** resolves to an error for the reason field, or null when done */
  onCancel: (reason: string) => Promise<string | null>;
}) {
  const { t } = useI18n();
  const [form] = Form.useForm<{ reason: string }>();
  const [busy, setBusy] = useState(false);
  return (
    <Modal
      open={open}
      title={t('cash.order.cancelTitle', { number })}
      okText={t('cash.order.cancel')}
      okButtonProps={{ danger: true, loading: busy }}
      cancelText={t('common.close')}
      onCancel={onClose}
      destroyOnHidden
      onOk={async () => {
        const v = await form.validateFields().catch(() => null);
        if (!v) return;
        setBusy(true);
        const fieldError = await onCancel(v.reason.trim());
        setBusy(false);
        if (fieldError) form.setFields([{ name: 'reason', errors: [fieldError] }]);
      }}
    >
      <Typography.Paragraph type="secondary">{t('cash.order.cancelBody')}</Typography.Paragraph>
      <Form form={form} layout="vertical" preserve={false}>
        <Form.Item
          name="reason"
          label={t('cash.order.cancelReason')}
          rules={[{ required: true, whitespace: true, message: t('cash.order.reasonRequired') }]}
        >
          <Input.TextArea autoSize={{ minRows: 2, maxRows: 6 }} maxLength={500} autoFocus />
        </Form.Item>
      </Form>
    </Modal>
  );
}
