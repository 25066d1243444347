import { useState, type ReactNode } from 'react';
import { Alert, App, Button, Card, Empty, Input, Select, Space, Table, Tag, Tooltip, Typography } from 'antd';
import { DeleteOutlined, EditOutlined, PlusOutlined, QuestionCircleOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { ApiError } from '../api/http-client';
import { errorText } from '../api/error-text';
import { formatMoney, formatNumber } from '../format/money';
import { useI18n } from '../i18n/i18n-context';
import type { MessageKey } from '../i18n/zh-CN';
import { fenToYuanText } from './order-logic';
import { priceListKeys, saveItems, useItems, type PriceListItem } from './price-list-api';
import {
  clearCells,
  draftsFrom,
  itemCell,
  itemIssues,
  itemsPayload,
  newItem,
  placeItemErrors,
  tierCell,
  withMode,
  withTierAdded,
  withTierPatch,
  withTierRemoved,
  type ItemDraft,
  type TierDraft,
  type TierField,
  type TierMode,
} from './price-list-logic';
import { CatalogProductSelect, editorKeys } from './price-list-parts';

const MODES: TierMode[] = ['none', 'range', 'slab'];
const TIER_TEST_ID: Record<TierField, string> = { from_qty: 'from', to_qty: 'to', unit_price: 'price' };

/** A cell's input with its message underneath (client check or the server's 422). */
function Cell({ error, testId, children }: { error?: string; testId: string; children: ReactNode }) {
  return (
    <div>
      {children}
      {error && (
        <Typography.Text type="danger" style={{ display: 'block', fontSize: 12 }} data-testid={testId}>
          {error}
        </Typography.Text>
      )}
    </div>
  );
}

/**
 * The products of a price list with their prices, minimum quantities and volume tiers. Readers
 * see the table; editors switch to an editable copy, checked like the server checks it before it
 * is sent (PUT replaces every item at once). Enter saves, Esc cancels.
 */
export function PriceListItems({
  listId,
  currency,
  version,
  canEdit,
}: {
  listId: string;
  currency: string;
  /** the list's version as last read (saving items bumps it) */
  version: number;
  canEdit: boolean;
}) {
  const { t, locale } = useI18n();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const items = useItems(listId);
  const [drafts, setDrafts] = useState<ItemDraft[] | null>(null);
  const [cells, setCells] = useState<Record<string, string>>({});
  const [rest, setRest] = useState<string[]>([]);
  const [saving, setSaving] = useState(false);
  const editing = drafts !== null;
  const money = (fen: number) => formatMoney({ amount: fen, currency }, locale);
  const qty = (n: number) => formatNumber(n, locale);

  const start = () => {
    const saved = draftsFrom(items.data ?? []);
    setDrafts(saved.length ? saved : [newItem()]);
    setCells({});
    setRest([]);
  };
  const cancel = () => {
    setDrafts(null);
    setCells({});
    setRest([]);
  };
  const change = (key: string, fn: (d: ItemDraft) => ItemDraft, clear: string) => {
    setDrafts((ds) => ds && ds.map((d) => (d.key === key ? fn(d) : d)));
    setCells((c) => clearCells(c, clear));
  };

  const save = async () => {
    if (!drafts || saving) return;
    const issues = itemIssues(drafts);
    if (issues.length) {
      const placed = placeItemErrors(
        issues.map((i) => ({ field: i.field, issue: t(`cash.pl.issue.${i.issue}` as MessageKey) })),
        drafts,
      );
      setCells(placed.cells);
      setRest(placed.rest);
      void message.error(t('cash.pl.fixErrors'));
      return;
    }
    setSaving(true);
    try {
      const saved = await saveItems(listId, { version, items: itemsPayload(drafts) });
      qc.setQueryData(priceListKeys.items(listId), saved);
      // the list's version moved on: the header form and the next save need the new one
      await qc.invalidateQueries({ queryKey: ['records', 'price_list'] });
      void message.success(t('cash.pl.itemsSaved', { count: String(saved.length) }));
      cancel();
    } catch (err) {
      if (err instanceof ApiError && err.status === 409) {
        void message.warning(t('cash.pl.conflict'));
        await qc.invalidateQueries({ queryKey: ['records', 'price_list'] });
        cancel();
      } else if (err instanceof ApiError && err.details.length) {
        const placed = placeItemErrors(err.details, drafts);
        setCells(placed.cells);
        setRest(placed.rest);
        void message.error(t('cash.pl.fixErrors'));
      } else setRest([errorText(err, t)]);
    } finally {
      setSaving(false);
    }
  };

  const count = items.data?.length ?? 0;
  const title = count ? t('cash.pl.itemsCount', { count: String(count) }) : t('cash.pl.items');
  const modeHelp = (
    <Tooltip
      title={
        <>
          <div>{t('cash.pl.tierHelp.range')}</div>
          <div style={{ marginTop: 4 }}>{t('cash.pl.tierHelp.slab')}</div>
        </>
      }
    >
      <QuestionCircleOutlined style={{ marginLeft: 4 }} />
    </Tooltip>
  );

  const tierText = (it: PriceListItem) =>
    it.tiers.map((tier) =>
      tier.to_qty === null
        ? `${t('cash.pl.tierAbove', { from: qty(tier.from_qty) })} ${money(tier.unit_price)}`
        : `${t('cash.pl.tierRange', { from: qty(tier.from_qty), to: qty(tier.to_qty) })} ${money(tier.unit_price)}`,
    );

  const readTable = (
    <Table<PriceListItem>
      rowKey="id"
      size="small"
      loading={items.isLoading}
      pagination={false}
      dataSource={items.data ?? []}
      data-testid="price-list-items"
      locale={{
        emptyText: (
          <Empty description={canEdit ? t('cash.pl.itemsEmpty') : t('cash.pl.itemsEmptyReadOnly')} />
        ),
      }}
      columns={[
        {
          key: 'product',
          title: t('cash.pl.product'),
          render: (_, it) => (
            <Space size={4}>
              <span>
                {it.product_sku} · {it.product_name}
              </span>
              {!it.product_active && <Tag>{t('cash.pl.inactiveProduct')}</Tag>}
            </Space>
          ),
        },
        {
          key: 'price',
          title: t('cash.pl.unitPrice', { currency }),
          align: 'right',
          render: (_, it) =>
            it.tier_mode === 'none'
              ? money(it.unit_price)
              : t('cash.pl.tierSummary', { count: String(it.tiers.length), price: money(it.unit_price) }),
        },
        {
          key: 'min',
          title: t('cash.pl.minQty'),
          align: 'right',
          render: (_, it) => (it.min_quantity === null ? t('cash.pl.anyQty') : qty(it.min_quantity)),
        },
        {
          key: 'tiers',
          title: (
            <span>
              {t('cash.pl.tierMode')}
              {modeHelp}
            </span>
          ),
          render: (_, it) =>
            it.tier_mode === 'none' ? (
              <Typography.Text type="secondary">{t('cash.pl.tierMode.none')}</Typography.Text>
            ) : (
              <div>
                <Tag color="blue">{t(`cash.pl.tierMode.${it.tier_mode}` as MessageKey)}</Tag>
                {tierText(it).map((line) => (
                  <div key={line}>{line}</div>
                ))}
              </div>
            ),
        },
      ]}
    />
  );

  /**
   * One cell of a tier row. Bounds are chained (the next tier may follow an upper bound), so a
   * changed bound clears the item's messages; a price clears its own.
   */
  const tierInput = (
    d: ItemDraft,
    n: number,
    tier: TierDraft,
    k: number,
    field: TierField,
    value: string,
    aria: MessageKey,
    patch: (v: string) => Partial<Omit<TierDraft, 'key'>>,
  ) => {
    const cell = tierCell(d.key, tier.key, field);
    return (
      <Cell error={cells[cell]} testId={`pl-${n}-tier-${k + 1}-${TIER_TEST_ID[field]}-error`}>
        <Input
          value={value}
          inputMode="decimal"
          style={{ width: field === 'unit_price' ? 120 : 110 }}
          placeholder={field === 'to_qty' ? t('cash.pl.tierOpenPlaceholder') : undefined}
          status={cells[cell] ? 'error' : undefined}
          aria-label={t(aria, { n: String(n), k: String(k + 1) })}
          onChange={(e) =>
            change(
              d.key,
              (x) => withTierPatch(x, tier.key, patch(e.target.value)),
              field === 'unit_price' ? cell : d.key,
            )
          }
        />
      </Cell>
    );
  };

  const tierRows = (d: ItemDraft, n: number) => (
    <div style={{ paddingLeft: 24 }} aria-label={t('cash.pl.tiersOf', { n: String(n) })}>
      <Typography.Text type="secondary">
        {t(`cash.pl.tierHelp.${d.mode === 'slab' ? 'slab' : 'range'}` as MessageKey)}
      </Typography.Text>
      <Table<TierDraft>
        rowKey="key"
        size="small"
        pagination={false}
        dataSource={d.tiers}
        style={{ maxWidth: 640, marginTop: 4 }}
        columns={[
          {
            key: 'from',
            title: t('cash.pl.tierFrom'),
            render: (_, tier, k) =>
              tierInput(d, n, tier, k, 'from_qty', tier.from, 'cash.pl.tierFromAria', (v) => ({ from: v })),
          },
          {
            key: 'to',
            title: t('cash.pl.tierTo'),
            render: (_, tier, k) =>
              tierInput(d, n, tier, k, 'to_qty', tier.to, 'cash.pl.tierToAria', (v) => ({ to: v })),
          },
          {
            key: 'price',
            title: t('cash.pl.unitPrice', { currency }),
            render: (_, tier, k) =>
              tierInput(d, n, tier, k, 'unit_price', tier.price, 'cash.pl.tierPriceAria', (v) => ({
                price: v,
              })),
          },
          {
            key: 'remove',
            width: 48,
            render: (_, tier, k) => (
              <Button
                type="text"
                icon={<DeleteOutlined />}
                aria-label={t('cash.pl.removeTier', { k: String(k + 1) })}
                disabled={d.tiers.length <= 1}
                onClick={() => change(d.key, (x) => withTierRemoved(x, tier.key), d.key)}
              />
            ),
          },
        ]}
      />
      <Cell error={cells[itemCell(d.key, 'tiers')]} testId={`pl-${n}-tiers-error`}>
        <Button
          size="small"
          icon={<PlusOutlined />}
          style={{ marginTop: 4 }}
          onClick={() => change(d.key, withTierAdded, itemCell(d.key, 'tiers'))}
        >
          {t('cash.pl.addTier')}
        </Button>
      </Cell>
    </div>
  );

  const editTable = drafts && (
    <div onKeyDown={editorKeys({ save: () => void save(), cancel })} data-testid="price-list-items-editor">
      <Typography.Paragraph type="secondary">{t('cash.pl.keysHint')}</Typography.Paragraph>
      {rest.length > 0 && (
        <Alert type="error" showIcon role="alert" title={rest.join('；')} style={{ marginBottom: 12 }} />
      )}
      <Table<ItemDraft>
        rowKey="key"
        size="small"
        pagination={false}
        dataSource={drafts}
        scroll={{ x: true }}
        expandable={{
          showExpandColumn: false,
          expandedRowKeys: drafts.filter((d) => d.mode !== 'none').map((d) => d.key),
          expandedRowRender: (d, i) => tierRows(d, i + 1),
        }}
        columns={[
          { key: 'n', title: '#', width: 40, render: (_, __, i) => i + 1 },
          {
            key: 'product',
            title: t('cash.pl.product'),
            render: (_, d, i) => (
              <Cell error={cells[itemCell(d.key, 'product_id')]} testId={`pl-${i + 1}-product-error`}>
                <CatalogProductSelect
                  value={d.product?.id ?? null}
                  pinned={d.product ? [d.product] : []}
                  width={260}
                  status={cells[itemCell(d.key, 'product_id')] ? 'error' : undefined}
                  ariaLabel={t('cash.pl.productAria', { n: String(i + 1) })}
                  onPick={(p) =>
                    change(
                      d.key,
                      (x) => ({
                        ...x,
                        product: { id: p.id, sku: p.sku, name: p.name, active: true },
                        // the catalog price is a starting point when it is in the list's currency
                        price:
                          x.price.trim() === '' && p.listPrice?.currency === currency
                            ? fenToYuanText(p.listPrice.amount)
                            : x.price,
                      }),
                      itemCell(d.key, 'product_id'),
                    )
                  }
                />
                {d.product && !d.product.active && (
                  <Tag style={{ marginLeft: 4 }}>{t('cash.pl.inactiveProduct')}</Tag>
                )}
              </Cell>
            ),
          },
          {
            key: 'price',
            title: t('cash.pl.unitPrice', { currency }),
            render: (_, d, i) =>
              d.mode === 'none' ? (
                <Cell error={cells[itemCell(d.key, 'unit_price')]} testId={`pl-${i + 1}-price-error`}>
                  <Input
                    value={d.price}
                    inputMode="decimal"
                    style={{ width: 120 }}
                    status={cells[itemCell(d.key, 'unit_price')] ? 'error' : undefined}
                    aria-label={t('cash.pl.priceAria', { n: String(i + 1) })}
                    onChange={(e) =>
                      change(d.key, (x) => ({ ...x, price: e.target.value }), itemCell(d.key, 'unit_price'))
                    }
                  />
                </Cell>
              ) : (
                <Typography.Text type="secondary">
                  {t('cash.pl.tiersOf', { n: String(i + 1) })} ↓
                </Typography.Text>
              ),
          },
          {
            key: 'min',
            title: (
              <Tooltip title={t('cash.pl.minQtyHint')}>
                <span>{t('cash.pl.minQty')}</span>
              </Tooltip>
            ),
            render: (_, d, i) => (
              <Cell error={cells[itemCell(d.key, 'min_quantity')]} testId={`pl-${i + 1}-min-error`}>
                <Input
                  value={d.minQty}
                  inputMode="decimal"
                  style={{ width: 100 }}
                  placeholder={t('cash.pl.anyQty')}
                  status={cells[itemCell(d.key, 'min_quantity')] ? 'error' : undefined}
                  aria-label={t('cash.pl.minQtyAria', { n: String(i + 1) })}
                  onChange={(e) =>
                    change(d.key, (x) => ({ ...x, minQty: e.target.value }), itemCell(d.key, 'min_quantity'))
                  }
                />
              </Cell>
            ),
          },
          {
            key: 'mode',
            title: (
              <span>
                {t('cash.pl.tierMode')}
                {modeHelp}
              </span>
            ),
            render: (_, d, i) => (
              <Select<TierMode>
                value={d.mode}
                style={{ width: 120 }}
                aria-label={t('cash.pl.tierModeAria', { n: String(i + 1) })}
                options={MODES.map((m) => ({ value: m, label: t(`cash.pl.tierMode.${m}` as MessageKey) }))}
                onChange={(m) => change(d.key, (x) => withMode(x, m), d.key)}
              />
            ),
          },
          {
            key: 'remove',
            width: 48,
            render: (_, d, i) => (
              <Button
                type="text"
                icon={<DeleteOutlined />}
                aria-label={t('cash.pl.removeItem', { n: String(i + 1) })}
                onClick={() => {
                  setDrafts((ds) => ds && ds.filter((x) => x.key !== d.key));
                  setCells((c) => clearCells(c, d.key));
                }}
              />
            ),
          },
        ]}
      />
      <Space style={{ marginTop: 12, width: '100%', justifyContent: 'space-between' }} wrap>
        <Button icon={<PlusOutlined />} onClick={() => setDrafts((ds) => ds && [...ds, newItem()])}>
          {t('cash.pl.addItem')}
        </Button>
        <Space>
          <Button onClick={cancel}>{t('cash.pl.cancel')}</Button>
          <Button
            type="primary"
            loading={saving}
            onClick={() => void save()}
            data-testid="price-list-items-save"
          >
            {t('cash.pl.save')}
          </Button>
        </Space>
      </Space>
    </div>
  );

  return (
    <Card
      size="small"
      title={title}
      extra={
        canEdit && !editing ? (
          <Button
            icon={<EditOutlined />}
            onClick={start}
            disabled={items.isLoading}
            data-testid="price-list-edit-items"
          >
            {t('cash.pl.editItems')}
          </Button>
        ) : null
      }
    >
      {items.error && <Alert type="error" showIcon title={errorText(items.error, t)} />}
      {editing ? editTable : readTable}
    </Card>
  );
}
