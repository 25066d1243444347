import { useEffect, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import { Button, DatePicker, Empty, InputNumber, Select, Space, Table, Tag, Tooltip, Typography } from 'antd';
import type { RefSelectProps } from 'antd';
import { DeleteOutlined, PlusOutlined, UndoOutlined } from '@ant-design/icons';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import dayjs from 'dayjs';
import { useObjectMeta } from '../api/queries';
import type { ObjectMeta } from '../api/types';
import { formatMoney } from '../format/money';
import { useI18n } from '../i18n/i18n-context';
import { useDebounced } from '../shell/use-debounced';
import { cashKeys, priceProduct, searchProducts } from './api';
import { ApiError } from '../api/http-client';
import {
  allowsPeriod,
  applyPrice,
  effectiveAmountFen,
  emptyLine,
  fenToYuanText,
  grossFen,
  lineAmountFen,
  needsPeriod,
  totalFen,
  withProduct,
  withInputs,
  withServiceStart,
  yuanToFenExact,
  type LineDraft,
  type LineField,
  type LineProduct,
  type PlacedErrors,
} from './order-logic';

interface Props {
  lines: LineDraft[];
  onChange: (lines: LineDraft[]) => void;
  currency: string;
  /** the order date: where a new subscription's service period starts */
  orderDate: string | null;
  errors: PlacedErrors['cells'];
  /** the order's account: its price lists price a picked product (none → the list price) */
  accountId: string | null;
  /** moves focus to the first line's product after the page opened (order entry) */
  autoFocus?: boolean;
}

/** An option's label from a product field (type, unit) in the UI language. */
function useProductLabels(): (field: 'type' | 'unit', value: string | null) => string {
  const { pick } = useI18n();
  const { meta } = useObjectMeta('product');
  return (field, value) => optionLabel(meta, field, value, pick);
}

function optionLabel(
  meta: ObjectMeta | undefined,
  field: string,
  value: string | null,
  pick: ReturnType<typeof useI18n>['pick'],
): string {
  if (!value) return '';
  const o = meta?.fields.find((f) => f.api_name === field)?.options?.find((x) => x.value === value);
  return o ? pick(o.label) : value;
}

/** A cell's input with the server's message for it right below. */
function Cell({
  error,
  testId,
  width,
  children,
}: {
  error?: string;
  testId: string;
  /** the input's width: a long message wraps under it instead of widening the column */
  width?: number;
  children: ReactNode;
}) {
  return (
    <div>
      {children}
      {error && (
        <Typography.Text
          type="danger"
          style={{ display: 'block', fontSize: 12, maxWidth: width ?? 220 }}
          data-testid={`${testId}-error`}
          role="alert"
        >
          {error}
        </Typography.Text>
      )}
    </div>
  );
}

function ProductPicker({
  line,
  n,
  currency,
  status,
  onPick,
  selectRef,
}: {
  line: LineDraft;
  n: number;
  currency: string;
  status?: 'error';
  onPick: (p: LineProduct) => void;
  selectRef: (el: RefSelectProps | null) => void;
}) {
  const { t, locale } = useI18n();
  const label = useProductLabels();
  const [q, setQ] = useState('');
  const debounced = useDebounced(q, 250);
  const [open, setOpen] = useState(false);
  const results = useQuery({
    queryKey: cashKeys.products(debounced),
    queryFn: () => searchProducts(debounced),
    enabled: open || debounced !== '',
    placeholderData: keepPreviousData,
  });
  const found = results.data ?? [];
  const products =
    line.product && !found.some((p) => p.id === line.product?.id) ? [line.product, ...found] : found;
  const detail = (p: LineProduct) =>
    [
      label('type', p.type),
      label('unit', p.unit),
      p.listPrice ? t('cash.line.listPrice', { price: formatMoney(p.listPrice, locale) }) : '',
    ]
      .filter(Boolean)
      .join(' · ');
  return (
    <Select
      ref={selectRef}
      aria-label={t('cash.line.productAria', { n })}
      data-testid={`line-${n - 1}-product`}
      status={status}
      style={{ width: 250 }}
      popupMatchSelectWidth={380}
      showSearch={{ filterOption: false, onSearch: setQ }}
      onOpenChange={setOpen}
      placeholder={t('cash.line.productPlaceholder')}
      value={line.product?.id}
      loading={results.isFetching}
      notFoundContent={results.isFetching ? null : t('cash.line.noProductMatch')}
      onChange={(id: string) => {
        const p = products.find((x) => x.id === id);
        if (p) onPick(p);
        setQ('');
      }}
      options={products.map((p) => ({ value: p.id, label: `${p.sku} · ${p.name}` }))}
      optionRender={(o) => {
        const p = products.find((x) => x.id === o.value);
        if (!p) return o.label;
        const other = p.listPrice && p.listPrice.currency !== currency;
        return (
          <div>
            <div>
              <Typography.Text strong>{p.sku}</Typography.Text> {p.name}
            </div>
            <Typography.Text type={other ? 'warning' : 'secondary'} style={{ fontSize: 12 }}>
              {detail(p)}
            </Typography.Text>
          </div>
        );
      }}
    />
  );
}

/**
 * The editable lines of an order. Tab walks the cells in reading order; Enter in a number cell
 * adds a line below and puts the cursor on its product; Alt+Backspace removes the line.
 */
export function OrderLinesGrid({
  lines,
  onChange,
  currency,
  orderDate,
  errors,
  accountId,
  autoFocus,
}: Props) {
  const { t, locale } = useI18n();
  const label = useProductLabels();
  const pickers = useRef(new Map<string, RefSelectProps>());
  const [focusKey, setFocusKey] = useState<string | null>(autoFocus ? (lines[0]?.key ?? null) : null);

  useEffect(() => {
    if (!focusKey) return;
    const el = pickers.current.get(focusKey);
    if (el) {
      el.focus();
      setFocusKey(null);
    }
  }, [focusKey, lines]);

  const set = (key: string, next: (l: LineDraft) => LineDraft) =>
    onChange(lines.map((l) => (l.key === key ? next(l) : l)));

  // answers of the pricing call arrive after later edits: they apply to the lines as they are then
  const latest = useRef({ lines, onChange });
  useEffect(() => {
    latest.current = { lines, onChange };
  });
  const setLater = (key: string, next: (l: LineDraft) => LineDraft) =>
    latest.current.onChange(latest.current.lines.map((l) => (l.key === key ? next(l) : l)));

  /** Asks the account's price lists for a line's price (only while its unit price is not typed). */
  const requestPrice = (l: LineDraft, productId: string) => {
    if (!accountId || l.priceTyped) return;
    const asked = { quantity: l.quantity, discount: l.discount };
    priceProduct({
      account_id: accountId,
      currency,
      ...(orderDate ? { as_of: orderDate } : {}),
      lines: [
        {
          product_id: productId,
          quantity: asked.quantity.trim() || '1',
          discount: asked.discount.trim() || '0',
        },
      ],
    }).then(
      (priced) => {
        if (priced) setLater(l.key, (x) => (x.product?.id === productId ? applyPrice(x, priced, asked) : x));
      },
      (err: unknown) => {
        // a refusal (not sellable to this account, no price in this currency) is worth saying; the
        // order may still be entered with a price the user types
        const warning =
          err instanceof ApiError && err.status === 422 ? (err.details[0]?.issue ?? err.message) : null;
        setLater(l.key, (x) =>
          x.product?.id === productId ? { ...x, priceInfo: null, priceWarning: warning } : x,
        );
      },
    );
  };

  // another account, currency or date may mean other price lists: ask again for untyped prices
  const pricedFor = useRef(`${accountId}|${currency}|${orderDate}`);
  useEffect(() => {
    const now = `${accountId}|${currency}|${orderDate}`;
    if (pricedFor.current === now) return;
    pricedFor.current = now;
    for (const l of latest.current.lines) if (l.product && !l.priceTyped) requestPrice(l, l.product.id);
    // requestPrice reads the props of this render, which are the ones that changed
  }, [accountId, currency, orderDate]);
  const addAfter = (key: string | null) => {
    const fresh = emptyLine();
    const at = key === null ? lines.length : lines.findIndex((l) => l.key === key) + 1;
    onChange([...lines.slice(0, at), fresh, ...lines.slice(at)]);
    setFocusKey(fresh.key);
  };
  const remove = (key: string) => {
    const at = lines.findIndex((l) => l.key === key);
    const rest = lines.filter((l) => l.key !== key);
    onChange(rest);
    const next = rest[Math.min(at, rest.length - 1)];
    if (next) setFocusKey(next.key);
  };
  const onRowKey = (key: string) => (e: KeyboardEvent) => {
    if (e.altKey && e.key === 'Backspace') {
      e.preventDefault();
      remove(key);
    }
  };

  const money = (fen: number) => formatMoney({ amount: fen, currency }, locale);
  const err = (l: LineDraft, f: LineField): string | undefined => errors[l.key]?.[f];
  const status = (l: LineDraft, f: LineField): 'error' | undefined => (err(l, f) ? 'error' : undefined);
  const tid = (i: number, f: string) => `line-${i}-${f}`;

  const numberCell = (
    l: LineDraft,
    i: number,
    f: LineField,
    value: string,
    onValue: (v: string) => void,
    opts: {
      aria: string;
      precision?: number;
      max?: string;
      width: number;
      suffix?: string;
      onBlur?: () => void;
    },
  ) => (
    <Cell error={err(l, f)} testId={tid(i, f)} width={opts.width}>
      <InputNumber<string>
        stringMode
        aria-label={`${opts.aria} · ${i + 1}`}
        data-testid={tid(i, f)}
        status={status(l, f)}
        min="0"
        max={opts.max}
        precision={opts.precision}
        value={value === '' ? null : value}
        onChange={(v) => onValue(v ?? '')}
        onPressEnter={(e) => {
          e.preventDefault();
          addAfter(l.key);
        }}
        onBlur={opts.onBlur}
        suffix={opts.suffix}
        style={{ width: opts.width }}
      />
    </Cell>
  );

  const dateInput = (l: LineDraft, i: number, f: 'service_start' | 'service_end') => {
    const value = f === 'service_start' ? l.serviceStart : l.serviceEnd;
    const name = t(f === 'service_start' ? 'cash.line.serviceStart' : 'cash.line.serviceEnd');
    return (
      <Cell error={err(l, f)} testId={tid(i, f)} width={136}>
        <DatePicker
          aria-label={`${name} · ${i + 1}`}
          data-testid={tid(i, f)}
          status={status(l, f)}
          value={value ? dayjs(value) : null}
          format="YYYY-MM-DD"
          placeholder={needsPeriod(l.product?.type) ? `${name} *` : name}
          onChange={(d) => {
            const v = d ? d.format('YYYY-MM-DD') : null;
            set(l.key, (x) => (f === 'service_start' ? withServiceStart(x, v) : { ...x, serviceEnd: v }));
          }}
          style={{ width: 136 }}
        />
      </Cell>
    );
  };

  /** Start above end: the grid stays within a laptop screen beside the menu. */
  const periodCell = (l: LineDraft, i: number) =>
    allowsPeriod(l.product?.type) ? (
      <Space orientation="vertical" size={4}>
        {dateInput(l, i, 'service_start')}
        {dateInput(l, i, 'service_end')}
      </Space>
    ) : (
      <Tooltip title={l.product ? t('cash.line.noPeriod') : t('cash.line.pickFirst')}>
        <Typography.Text type="secondary">—</Typography.Text>
      </Tooltip>
    );

  const total = totalFen(lines);
  const gross = grossFen(lines);

  return (
    <div data-testid="order-lines">
      <Table<LineDraft>
        size="small"
        rowKey="key"
        pagination={false}
        dataSource={lines}
        scroll={{ x: 'max-content' }}
        onRow={(l) => ({ onKeyDown: onRowKey(l.key) })}
        locale={{
          emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('cash.line.empty')} />,
        }}
        columns={[
          { key: 'n', title: '#', width: 40, render: (_, __, i) => i + 1 },
          {
            key: 'product',
            title: t('cash.line.product'),
            render: (_, l, i) => (
              <Cell error={err(l, 'product_id') ?? errors[l.key]?.line} testId={tid(i, 'product_id')}>
                <ProductPicker
                  line={l}
                  n={i + 1}
                  currency={currency}
                  status={status(l, 'product_id')}
                  onPick={(p) => {
                    const picked = withProduct(l, p, currency, orderDate);
                    set(l.key, () => picked);
                    requestPrice(picked, p.id);
                  }}
                  selectRef={(el) => {
                    if (el) pickers.current.set(l.key, el);
                    else pickers.current.delete(l.key);
                  }}
                />
                {l.product && (
                  <div style={{ marginTop: 2 }}>
                    <Tag color={l.product.type === 'subscription' ? 'blue' : undefined}>
                      {label('type', l.product.type)}
                    </Tag>
                    {l.product.unit && (
                      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                        {label('unit', l.product.unit)}
                      </Typography.Text>
                    )}
                  </div>
                )}
                {l.priceInfo && (l.priceInfo.source === 'price_list' || l.priceInfo.tiered) && (
                  <Typography.Text
                    type="secondary"
                    style={{ display: 'block', fontSize: 12, maxWidth: 250 }}
                    data-testid={tid(i, 'price-source')}
                  >
                    {[
                      l.priceInfo.listName ? t('cash.line.fromList', { name: l.priceInfo.listName }) : '',
                      l.priceInfo.tiered ? t('cash.line.tiered') : '',
                    ]
                      .filter(Boolean)
                      .join(' · ')}
                  </Typography.Text>
                )}
                {l.priceWarning && (
                  <Typography.Text
                    type="warning"
                    style={{ display: 'block', fontSize: 12, maxWidth: 250 }}
                    data-testid={tid(i, 'price-warning')}
                  >
                    {l.priceWarning}
                  </Typography.Text>
                )}
                {!l.priceInfo && l.product?.listPrice && l.product.listPrice.currency !== currency && (
                  <Typography.Text
                    type="warning"
                    style={{ display: 'block', fontSize: 12, maxWidth: 250 }}
                    data-testid={tid(i, 'currency-hint')}
                  >
                    {t('cash.line.otherCurrency', {
                      price: formatMoney(l.product.listPrice, locale),
                      currency,
                    })}
                  </Typography.Text>
                )}
              </Cell>
            ),
          },
          {
            key: 'quantity',
            title: t('cash.line.quantity'),
            render: (_, l, i) =>
              numberCell(
                l,
                i,
                'quantity',
                l.quantity,
                (v) => set(l.key, (x) => withInputs(x, { quantity: v })),
                {
                  aria: t('cash.line.quantity'),
                  precision: undefined,
                  width: 90,
                  // volume tiers: the unit price depends on the quantity
                  onBlur: () => {
                    if (l.product && l.priceInfo?.tiered) requestPrice(l, l.product.id);
                  },
                },
              ),
          },
          {
            key: 'unit_price',
            title: t('cash.line.unitPrice', { currency }),
            render: (_, l, i) =>
              numberCell(
                l,
                i,
                'unit_price',
                l.unitPrice,
                (v) => set(l.key, (x) => withInputs(x, { unitPrice: v })),
                {
                  aria: t('cash.line.unitPriceAria'),
                  precision: 2,
                  width: 120,
                },
              ),
          },
          {
            key: 'discount',
            title: t('cash.line.discount'),
            render: (_, l, i) =>
              numberCell(
                l,
                i,
                'discount',
                l.discount,
                (v) => set(l.key, (x) => withInputs(x, { discount: v })),
                {
                  aria: t('cash.line.discount'),
                  max: '100',
                  width: 84,
                  suffix: '%',
                },
              ),
          },
          {
            key: 'amount',
            title: t('cash.line.amount', { currency }),
            render: (_, l, i) => {
              const computed = lineAmountFen(l.quantity, l.unitPrice, l.discount);
              const shown = l.amountOverride ?? (computed === null ? '' : fenToYuanText(computed));
              return (
                <Space size={2} align="start">
                  {numberCell(
                    l,
                    i,
                    'amount',
                    shown,
                    (v) =>
                      set(l.key, (x) => ({
                        ...x,
                        // typing the formula's own result is no override: it keeps following
                        amountOverride: computed !== null && yuanToFenExact(v) === computed ? null : v,
                        amountFromPricing: false,
                      })),
                    { aria: t('cash.line.amountAria'), precision: 2, width: 130 },
                  )}
                  {l.amountOverride !== null && (
                    <Tooltip title={t('cash.line.resetAmount')}>
                      <Button
                        size="small"
                        type="text"
                        icon={<UndoOutlined />}
                        aria-label={`${t('cash.line.resetAmount')} · ${i + 1}`}
                        onClick={() => set(l.key, (x) => ({ ...x, amountOverride: null }))}
                      />
                    </Tooltip>
                  )}
                </Space>
              );
            },
          },
          { key: 'period', title: t('cash.line.servicePeriod'), render: (_, l, i) => periodCell(l, i) },
          {
            key: 'remove',
            width: 48,
            render: (_, l, i) => (
              <Tooltip title={t('cash.line.removeHint')}>
                <Button
                  type="text"
                  danger
                  icon={<DeleteOutlined />}
                  aria-label={t('cash.line.remove', { n: i + 1 })}
                  onClick={() => remove(l.key)}
                />
              </Tooltip>
            ),
          },
        ]}
        summary={() =>
          lines.length ? (
            <Table.Summary.Row>
              <Table.Summary.Cell index={0} colSpan={5}>
                <Typography.Text type="secondary">
                  {t('cash.line.summary', {
                    count: lines.length,
                    gross: money(gross),
                    discount: money(Math.max(gross - total, 0)),
                  })}
                </Typography.Text>
              </Table.Summary.Cell>
              <Table.Summary.Cell index={5}>
                <Typography.Text strong data-testid="order-total">
                  {money(total)}
                </Typography.Text>
              </Table.Summary.Cell>
              <Table.Summary.Cell index={6} colSpan={2} />
            </Table.Summary.Row>
          ) : null
        }
      />
      <Space style={{ marginTop: 8 }} wrap>
        <Button icon={<PlusOutlined />} onClick={() => addAfter(null)} data-testid="add-line">
          {t('cash.line.add')}
        </Button>
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {t('cash.line.keys')}
        </Typography.Text>
      </Space>
      {lines.some((l) => effectiveAmountFen(l) === null && l.product) && (
        <Typography.Text type="secondary" style={{ display: 'block', fontSize: 12 }}>
          {t('cash.line.incomplete')}
        </Typography.Text>
      )}
    </div>
  );
}
