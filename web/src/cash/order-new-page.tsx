import { useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import {
  Alert,
  App,
  Breadcrumb,
  Button,
  Card,
  Col,
  DatePicker,
  Form,
  Input,
  Result,
  Row,
  Select,
  Space,
  Spin,
  Typography,
} from 'antd';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import dayjs, { type Dayjs } from 'dayjs';
import { getRecord } from '../api/endpoints';
import { keys, useMe, useObjectMeta } from '../api/queries';
import { ApiError } from '../api/http-client';
import { errorText } from '../api/error-text';
import { canDo } from '../auth/permissions';
import { useI18n } from '../i18n/i18n-context';
import { todayIn } from '../marketing/period';
import { RecordSelect } from '../objects/record-select';
import { recordTitle } from '../objects/field-values';
import { createOrder, useHasProducts, type OrderType } from './api';
import {
  emptyLine,
  linesPayload,
  placeErrors,
  settleErrors,
  withServiceStart,
  type LineDraft,
  type PlacedErrors,
} from './order-logic';
import { OrderLinesGrid } from './order-lines-grid';
import { NoProductsHint, CURRENCIES, optionsOf } from './order-parts';

interface HeaderValues {
  account_id?: string | null;
  contract_id?: string | null;
  type: OrderType;
  order_date: Dayjs | null;
  currency: string;
  description?: string;
}

export const HEADER_FIELDS = [
  'account_id',
  'contract_id',
  'type',
  'order_date',
  'currency',
  'description',
] as const;

/** Order entry: the header and an editable line grid, saved as a draft or confirmed at once. */
export default function OrderNewPage() {
  const { t, pick } = useI18n();
  const { message } = App.useApp();
  const me = useMe().data;
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [search] = useSearchParams();
  const { meta, isLoading } = useObjectMeta('order');
  const hasProducts = useHasProducts();
  const accountId = search.get('account_id');
  const account = useQuery({
    queryKey: keys.record('account', accountId ?? ''),
    queryFn: () => getRecord('account', accountId ?? '', []),
    enabled: !!accountId,
  });
  const [form] = Form.useForm<HeaderValues>();
  const watchedAccount = Form.useWatch('account_id', form);
  const pickedAccount = watchedAccount === undefined ? accountId : watchedAccount;
  const tz = me?.tenant.time_zone ?? 'Asia/Shanghai';
  const [orderDate, setOrderDate] = useState<string | null>(() => todayIn(tz));
  const [currency, setCurrency] = useState<string>(me?.tenant.currency ?? 'CNY');
  const [lines, setLines] = useState<LineDraft[]>(() => [emptyLine()]);
  const [errors, setErrors] = useState<PlacedErrors>({ cells: {}, header: {}, rest: [] });
  const [saving, setSaving] = useState<'draft' | 'confirmed' | null>(null);

  if (isLoading || (accountId && account.isLoading)) return <Spin style={{ display: 'block', margin: 48 }} />;
  if (!meta || !canDo(me, 'order', 'create'))
    return <Result status="403" subTitle={t('list.noPermission')} />;

  const changeOrderDate = (next: string | null) => {
    // lines whose period started on the old order date follow the new one
    if (next && orderDate)
      setLines(lines.map((l) => (l.serviceStart === orderDate ? withServiceStart(l, next) : l)));
    setOrderDate(next);
  };

  const save = async (status: 'draft' | 'confirmed') => {
    const v = form.getFieldsValue();
    setSaving(status);
    setErrors({ cells: {}, header: {}, rest: [] });
    form.setFields(HEADER_FIELDS.map((name) => ({ name, errors: [] })));
    try {
      const created = await createOrder({
        ...(v.account_id ? { account_id: v.account_id } : {}),
        ...(v.contract_id ? { contract_id: v.contract_id } : {}),
        type: v.type,
        ...(orderDate ? { order_date: orderDate } : {}),
        currency,
        ...(v.description?.trim() ? { description: v.description.trim() } : {}),
        status,
        lines: linesPayload(lines),
      });
      await queryClient.invalidateQueries({ queryKey: keys.records('order') });
      void message.success(
        t(status === 'confirmed' ? 'cash.order.confirmedToast' : 'cash.order.savedToast', {
          number: String(created.number ?? ''),
        }),
      );
      navigate(`/cash/orders/${created.id}`, { replace: true });
    } catch (err) {
      if (err instanceof ApiError && err.details.length) {
        const placed = placeErrors(
          err.details,
          lines.map((l) => l.key),
          HEADER_FIELDS,
        );
        setErrors(placed);
        form.setFields(
          HEADER_FIELDS.flatMap((name) => {
            const e = placed.header[name];
            return e ? [{ name, errors: [e] }] : [];
          }),
        );
        if (!placed.rest.length) void message.error(t('record.fixErrors'));
      } else setErrors({ cells: {}, header: {}, rest: [errorText(err, t)] });
    } finally {
      setSaving(null);
    }
  };

  const accountLabel = account.data ? recordTitle(account.data, 'name') : null;

  return (
    // the order's create form (the generic /o/order/new leads here), hence the generic test id
    <div data-testid="record-form">
      <Breadcrumb
        style={{ marginBottom: 8 }}
        items={[
          { title: <Link to="/o/order">{pick(meta.plural_label)}</Link> },
          { title: t('cash.order.new') },
        ]}
      />
      <Card style={{ marginBottom: 12 }}>
        <div className="fw-page-header" style={{ marginBottom: 12 }}>
          <Typography.Title level={3} style={{ margin: 0 }}>
            {t('cash.order.new')}
          </Typography.Title>
        </div>
        <Form<HeaderValues>
          form={form}
          layout="vertical"
          initialValues={{ account_id: accountId, type: 'new', currency, order_date: dayjs(orderDate) }}
          data-testid="order-header"
        >
          <Row gutter={16}>
            <Col xs={24} md={12} lg={8}>
              <Form.Item name="account_id" label={t('cash.order.account')} required>
                <RecordSelect object="account" initialLabel={accountLabel} autoFocus={!accountId} />
              </Form.Item>
            </Col>
            <Col xs={12} md={6} lg={4}>
              <Form.Item name="type" label={t('cash.order.type')}>
                <Select options={optionsOf(meta, 'type', pick)} />
              </Form.Item>
            </Col>
            <Col xs={12} md={6} lg={4}>
              <Form.Item name="order_date" label={t('cash.order.orderDate')} required>
                <DatePicker
                  style={{ width: '100%' }}
                  format="YYYY-MM-DD"
                  allowClear={false}
                  onChange={(d) => changeOrderDate(d ? d.format('YYYY-MM-DD') : null)}
                />
              </Form.Item>
            </Col>
            <Col xs={12} md={6} lg={3}>
              <Form.Item name="currency" label={t('field.currencyCode')}>
                <Select
                  options={CURRENCIES.map((c) => ({ value: c, label: c }))}
                  onChange={(c: string) => setCurrency(c)}
                />
              </Form.Item>
            </Col>
            <Col xs={12} md={6} lg={5}>
              <Form.Item name="contract_id" label={t('cash.order.contract')}>
                <RecordSelect object="contract" />
              </Form.Item>
            </Col>
            <Col xs={24}>
              <Form.Item name="description" label={t('cash.order.notes')} style={{ marginBottom: 0 }}>
                <Input.TextArea autoSize={{ minRows: 1, maxRows: 4 }} maxLength={5000} />
              </Form.Item>
            </Col>
          </Row>
        </Form>
      </Card>
      <Card title={t('cash.order.lines')} style={{ marginBottom: 12 }}>
        {hasProducts.data === false && <NoProductsHint />}
        {errors.rest.length > 0 && (
          <Alert
            type="error"
            showIcon
            role="alert"
            title={errors.rest.join('；')}
            style={{ marginBottom: 12 }}
            data-testid="order-errors"
          />
        )}
        <OrderLinesGrid
          lines={lines}
          onChange={(next) => {
            setErrors((e) => ({ ...e, cells: settleErrors(e.cells, lines, next) }));
            setLines(next);
          }}
          currency={currency}
          orderDate={orderDate}
          errors={errors.cells}
          accountId={pickedAccount ?? null}
          autoFocus={!!accountId}
        />
      </Card>
      <Space wrap style={{ justifyContent: 'flex-end', width: '100%' }}>
        <Button onClick={() => navigate(-1)}>{t('common.cancel')}</Button>
        <Button loading={saving === 'draft'} disabled={saving !== null} onClick={() => void save('draft')}>
          {t('cash.order.saveDraft')}
        </Button>
        <Button
          type="primary"
          loading={saving === 'confirmed'}
          disabled={saving !== null}
          onClick={() => void save('confirmed')}
        >
          {t('cash.order.saveConfirm')}
        </Button>
      </Space>
    </div>
  );
}
