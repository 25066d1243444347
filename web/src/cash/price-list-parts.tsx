import { useRef, useState, type KeyboardEvent } from 'react';
import { Link } from 'react-router';
import { Select, Tag } from 'antd';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useObjectMeta } from '../api/queries';
import type { RecordData } from '../api/types';
import { useI18n, type Translate } from '../i18n/i18n-context';
import type { MessageKey } from '../i18n/zh-CN';
import { useDebounced } from '../shell/use-debounced';
import { searchProducts } from './api';
import { optionsOf } from './order-parts';
import { usePricingSettings } from './price-list-api';
import { editorKey, type Validity } from './price-list-logic';

const str = (v: unknown): string | null => (typeof v === 'string' && v ? v : null);

/** The fields of a price-list record the editor shows, typed. */
export interface PriceListFacts {
  id: string;
  version: number;
  name: string;
  currency: string;
  priority: number;
  scope_type: string;
  scope_value: string | null;
  account_id: string | null;
  account_name: string | null;
  valid_from: string | null;
  valid_to: string | null;
  active: boolean;
  description: string | null;
}

export function factsOf(r: RecordData): PriceListFacts {
  return {
    id: r.id,
    version: r.version,
    name: str(r.name) ?? '',
    currency: (str(r.currency) ?? 'CNY').trim(),
    priority: typeof r.priority === 'number' ? r.priority : 100,
    scope_type: str(r.scope_type) ?? 'all',
    scope_value: str(r.scope_value),
    account_id: str(r.account_id),
    account_name: r._expand?.account_id?.name ?? null,
    valid_from: str(r.valid_from),
    valid_to: str(r.valid_to),
    active: r.active !== false,
    description: str(r.description),
  };
}

/**
 * Whether the focused control uses the key itself: an open dropdown or a select (Enter opens
 * it), a date field (Enter confirms the typed date), a button or switch (Enter presses it).
 */
function ownsKey(el: Element, key: string): boolean {
  if (el.getAttribute('aria-expanded') === 'true' || el.closest('.ant-picker')) return true;
  if (key !== 'Enter') return false;
  const role = el.getAttribute('role');
  return el.tagName === 'BUTTON' || el.tagName === 'A' || role === 'switch' || role === 'combobox';
}

/** An onKeyDown for a whole editor: Enter saves, Esc cancels (see editorKey for the exceptions). */
export function editorKeys(on: { save: () => void; cancel: () => void }) {
  return (e: KeyboardEvent<HTMLElement>) => {
    const target = e.target instanceof Element ? e.target : null;
    const action = editorKey({
      key: e.key,
      isComposing: e.nativeEvent.isComposing,
      targetTag: target?.tagName ?? '',
      targetOwnsKeys: target ? ownsKey(target, e.key) : false,
    });
    if (!action) return;
    e.preventDefault();
    e.stopPropagation();
    if (action === 'save') on.save();
    else on.cancel();
  };
}

const VALIDITY_COLOR: Record<Validity, string | undefined> = {
  current: 'green',
  scheduled: 'blue',
  expired: 'default',
  inactive: 'default',
};

export function ValidityTag({ validity, testId }: { validity: Validity; testId?: string }) {
  const { t } = useI18n();
  return (
    <Tag color={VALIDITY_COLOR[validity]} data-testid={testId}>
      {t(`cash.pl.validity.${validity}` as MessageKey)}
    </Tag>
  );
}

/** "2026-01-01 至 2026-12-31", "2026-01-01 起", "长期有效". */
export function validityText(t: Translate, from: string | null, to: string | null): string {
  if (from && to) return t('cash.pl.validRange', { from, to });
  if (from) return t('cash.pl.validSince', { from });
  if (to) return t('cash.pl.validUntil', { to });
  return t('cash.pl.always');
}

/** Who a list is for: all accounts, one account (linked), or a grade / type by its label. */
export function ScopeLabel({ list }: { list: PriceListFacts }) {
  const { pick } = useI18n();
  const { meta } = useObjectMeta('price_list');
  const account = useObjectMeta('account').meta;
  const scope = optionsOf(meta, 'scope_type', pick).find((o) => o.value === list.scope_type)?.label;
  let detail: React.ReactNode = null;
  if (list.scope_type === 'account' && list.account_id)
    detail = (
      <Link to={`/o/account/${encodeURIComponent(list.account_id)}`}>
        {list.account_name ?? list.account_id}
      </Link>
    );
  else if (list.scope_type === 'account_grade' || list.scope_type === 'account_type') {
    const field = list.scope_type === 'account_grade' ? 'grade' : 'type';
    detail =
      optionsOf(account, field, pick).find((o) => o.value === list.scope_value)?.label ?? list.scope_value;
  }
  return (
    <span>
      {scope ?? list.scope_type}
      {detail !== null && <> · {detail}</>}
    </span>
  );
}

/** Which rule picks among applicable lists (tenant setting), said once above the lists. */
export function PricingRuleNote() {
  const { t } = useI18n();
  const settings = usePricingSettings().data;
  if (!settings) return null;
  return (
    <Tag color="purple" data-testid="pricing-rule">
      {settings.bestPrice ? t('cash.pl.rule.bestPrice') : t('cash.pl.rule.priority')}
    </Tag>
  );
}

/** A product as the pickers show it; `listPrice` when the catalog search gave it. */
export interface PickedProduct {
  id: string;
  sku: string;
  name: string;
  listPrice: { amount: number; currency: string } | null;
}

/**
 * Active products by name or SKU (the catalog search). `pinned` products (a list's own, an item's
 * current one even if inactive) come first while nothing is typed; a chosen product keeps its
 * label when the search moves on.
 */
export function CatalogProductSelect({
  id,
  value,
  onChange,
  onPick,
  pinned = [],
  status,
  ariaLabel,
  width,
}: {
  /** from a form item, so its label names this field */
  id?: string;
  value?: string | null;
  onChange?: (id: string) => void;
  onPick?: (p: PickedProduct) => void;
  pinned?: { id: string; sku: string; name: string }[];
  status?: 'error';
  ariaLabel?: string;
  width?: number;
}) {
  const { t } = useI18n();
  const [q, setQ] = useState('');
  const debounced = useDebounced(q, 250);
  const found = useQuery({
    queryKey: ['records', 'product', 'catalog-picker', debounced],
    queryFn: () => searchProducts(debounced),
    placeholderData: keepPreviousData,
  });
  const known = useRef(new Map<string, PickedProduct>());
  const candidates: PickedProduct[] = [
    ...(debounced ? [] : pinned.map((p) => ({ ...p, listPrice: null }))),
    ...(found.data ?? []).map((p) => ({ id: p.id, sku: p.sku, name: p.name, listPrice: p.listPrice })),
  ];
  for (const p of candidates) if (!known.current.get(p.id)?.listPrice) known.current.set(p.id, p);
  const shown = new Map(candidates.map((p) => [p.id, p]));
  const chosen = value ? (known.current.get(value) ?? pinned.find((p) => p.id === value)) : undefined;
  if (value && chosen && !shown.has(value)) shown.set(value, { ...chosen, listPrice: null });
  return (
    <Select
      id={id}
      showSearch={{ filterOption: false, onSearch: setQ }}
      style={width ? { width } : undefined}
      value={value ?? undefined}
      options={[...shown.values()].map((p) => ({ value: p.id, label: `${p.sku} · ${p.name}` }))}
      status={status}
      loading={found.isFetching}
      placeholder={t('cash.line.productPlaceholder')}
      notFoundContent={found.isFetching ? null : t('cash.line.noProductMatch')}
      aria-label={ariaLabel}
      onChange={(picked: string) => {
        onChange?.(picked);
        const p = known.current.get(picked);
        if (p) onPick?.(p);
      }}
    />
  );
}
