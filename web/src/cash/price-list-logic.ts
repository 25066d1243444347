// Pure rules of the price-list editor: items and volume tiers as the user types them, the same
// checks the server makes (docs/CASH.md "Volume tiers": the first tier starts at 0, each next one
// where the previous ended, only the last is open) so mistakes show before saving, the PUT body,
// and the server's field errors (`items[2].tiers[1].from_qty`) put back on the cell they name.
// No React, no I/O: unit tests live in price-list-logic.test.ts.
import type { ErrorDetail } from '../api/http-client';
import type { components } from '../api/schema';
import { fenToYuanText, parseScaled, QTY_DECIMALS, yuanToFenExact } from './order-logic';

export type TierMode = 'none' | 'range' | 'slab';

/** One tier row; quantities and the price (yuan) as typed. `to` blank = open-ended (last tier). */
export interface TierDraft {
  key: string;
  from: string;
  to: string;
  price: string;
}

export interface ItemProduct {
  id: string;
  sku: string;
  name: string;
  /** false: inactive or deleted in the catalog (kept on the list, cannot be sold) */
  active: boolean;
}

export interface ItemDraft {
  key: string;
  product: ItemProduct | null;
  /** yuan; the price of an untiered item */
  price: string;
  /** blank = the item applies from any quantity */
  minQty: string;
  mode: TierMode;
  tiers: TierDraft[];
}

/** An item as GET /api/v1/price-lists/{id}/items answers it. */
export type ItemView = components['schemas']['PriceListItem'];

/** One item of PUT /api/v1/price-lists/{id}/items; unreadable values are left for the server to name. */
export interface ItemPayload {
  product_id?: string;
  unit_price?: number;
  tier_mode: TierMode;
  min_quantity?: string | null;
  tiers?: { from_qty: string; to_qty: string | null; unit_price?: number }[];
}

/** A field problem in the server's path form, with the issue code (`tier_gap`, `required`, …). */
export interface PathIssue {
  field: string;
  issue: string;
}

let seq = 0;
const nextKey = (prefix: string): string => {
  seq += 1;
  return `${prefix}-${seq}`;
};

export function newTier(patch: Partial<Omit<TierDraft, 'key'>> = {}): TierDraft {
  return { key: nextKey('tier'), from: '', to: '', price: '', ...patch };
}

export function newItem(): ItemDraft {
  return { key: nextKey('item'), product: null, price: '', minQty: '', mode: 'none', tiers: [] };
}

const qtyText = (n: number): string => String(n);

/** The saved items as editable rows. */
export function draftsFrom(items: ItemView[]): ItemDraft[] {
  return items.map((it) => ({
    key: nextKey('item'),
    product: { id: it.product_id, sku: it.product_sku, name: it.product_name, active: it.product_active },
    price: fenToYuanText(it.unit_price),
    minQty: it.min_quantity === null ? '' : qtyText(it.min_quantity),
    mode: it.tier_mode,
    tiers: it.tiers.map((t) =>
      newTier({
        from: qtyText(t.from_qty),
        to: t.to_qty === null ? '' : qtyText(t.to_qty),
        price: fenToYuanText(t.unit_price),
      }),
    ),
  }));
}

/**
 * An item switched to another mode. Going tiered from none starts with one open tier from 0 at
 * the item's price (a valid table to refine); going back to none keeps the tiers out of the body.
 */
export function withMode(item: ItemDraft, mode: TierMode): ItemDraft {
  if (mode !== 'none' && item.tiers.length === 0)
    return { ...item, mode, tiers: [newTier({ from: '0', price: item.price })] };
  return { ...item, mode };
}

/**
 * A new tier after the last: it starts where the last one ends. When the last is still open
 * there is no end yet; the new row starts blank and the checks say what is missing.
 */
export function withTierAdded(item: ItemDraft): ItemDraft {
  const last = item.tiers[item.tiers.length - 1];
  const from = last ? last.to : '0';
  return { ...item, tiers: [...item.tiers, newTier({ from })] };
}

export function withTierRemoved(item: ItemDraft, tierKey: string): ItemDraft {
  return { ...item, tiers: item.tiers.filter((t) => t.key !== tierKey) };
}

/**
 * A tier's fields changed. Tiers are chained: when a tier's upper bound moves, the next tier's
 * lower bound follows if it was still equal to the old bound (no gap appears by accident).
 */
export function withTierPatch(
  item: ItemDraft,
  tierKey: string,
  patch: Partial<Omit<TierDraft, 'key'>>,
): ItemDraft {
  const i = item.tiers.findIndex((t) => t.key === tierKey);
  const cur = item.tiers[i];
  if (!cur) return item;
  const tiers = item.tiers.map((t) => (t.key === tierKey ? { ...t, ...patch } : t));
  const next = tiers[i + 1];
  if (patch.to !== undefined && next && sameQty(next.from, cur.to))
    tiers[i + 1] = { ...next, from: patch.to };
  return { ...item, tiers };
}

function sameQty(a: string, b: string): boolean {
  const x = parseScaled(a, QTY_DECIMALS);
  const y = parseScaled(b, QTY_DECIMALS);
  return x === null || y === null ? a.trim() === b.trim() : x === y;
}

const blank = (s: string): boolean => s.trim() === '';

/** The tier that starts at 0 (what an order of any small quantity pays), else the first row. */
function basePrice(item: ItemDraft): string {
  const zero = item.tiers.find((t) => parseScaled(t.from, QTY_DECIMALS) === 0n);
  return (zero ?? item.tiers[0])?.price ?? item.price;
}

/**
 * The PUT body's items. A tiered item's own unit price is the price of its first tier (every
 * quantity falls in a tier, so it is what the list shows for the product). Money is sent as
 * exact fen; quantities as the decimal text typed, which the server parses exactly.
 */
export function itemsPayload(items: ItemDraft[]): ItemPayload[] {
  return items.map((it) => {
    const out: ItemPayload = { tier_mode: it.mode };
    if (it.product) out.product_id = it.product.id;
    const price = yuanToFenExact(it.mode === 'none' ? it.price : basePrice(it));
    if (price !== null) out.unit_price = price;
    out.min_quantity = blank(it.minQty) ? null : it.minQty.trim();
    if (it.mode !== 'none')
      out.tiers = it.tiers.map((t) => {
        const p = yuanToFenExact(t.price);
        return {
          from_qty: t.from.trim(),
          to_qty: blank(t.to) ? null : t.to.trim(),
          ...(p === null ? {} : { unit_price: p }),
        };
      });
    return out;
  });
}

interface ParsedTier {
  at: number;
  from: bigint;
  to: bigint | null;
}

/**
 * The server's tier rules on the rows as typed (docs/CASH.md "Volume tiers"): each tier's
 * quantities and price readable, `to` above `from`; sorted by `from`, the first starts at 0, each
 * next one where the previous ended (`tier_gap`, `tier_overlap`), and only the last is open.
 */
export function tierIssues(tiers: TierDraft[], path: string): PathIssue[] {
  const issues: PathIssue[] = [];
  if (!tiers.length) return [{ field: path, issue: 'required' }];
  const parsed: ParsedTier[] = [];
  tiers.forEach((t, i) => {
    const at = `${path}[${i}]`;
    const from = parseScaled(t.from, QTY_DECIMALS);
    const to = blank(t.to) ? null : parseScaled(t.to, QTY_DECIMALS);
    let ok = true;
    if (from === null) {
      issues.push({ field: `${at}.from_qty`, issue: blank(t.from) ? 'required' : 'invalid_quantity' });
      ok = false;
    }
    if (!blank(t.to) && to === null) {
      issues.push({ field: `${at}.to_qty`, issue: 'invalid_quantity' });
      ok = false;
    }
    if (yuanToFenExact(t.price) === null) {
      issues.push({ field: `${at}.unit_price`, issue: blank(t.price) ? 'required' : 'invalid_money' });
      ok = false;
    }
    if (!ok || from === null) return;
    if (to !== null && to <= from) {
      issues.push({ field: `${at}.to_qty`, issue: 'tier_range' });
      return;
    }
    parsed.push({ at: i, from, to });
  });
  if (issues.length) return issues;
  parsed.sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : a.at - b.at));
  parsed.forEach((t, k) => {
    const prev = parsed[k - 1];
    if (!prev) {
      if (t.from !== 0n) issues.push({ field: `${path}[${t.at}].from_qty`, issue: 'tier_start' });
      return;
    }
    if (prev.to === null || t.from < prev.to)
      issues.push({ field: `${path}[${t.at}].from_qty`, issue: 'tier_overlap' });
    else if (t.from > prev.to) issues.push({ field: `${path}[${t.at}].from_qty`, issue: 'tier_gap' });
  });
  const last = parsed[parsed.length - 1];
  if (last && last.to !== null) issues.push({ field: `${path}[${last.at}].to_qty`, issue: 'tier_open_end' });
  return issues;
}

/** Every problem the server would name, found before saving (same paths, same issue codes). */
export function itemIssues(items: ItemDraft[]): PathIssue[] {
  const issues: PathIssue[] = [];
  const seen = new Set<string>();
  items.forEach((it, i) => {
    const at = `items[${i}]`;
    if (!it.product) issues.push({ field: `${at}.product_id`, issue: 'required' });
    else if (seen.has(it.product.id)) issues.push({ field: `${at}.product_id`, issue: 'duplicate_item' });
    if (it.product) seen.add(it.product.id);
    if (it.mode === 'none' && yuanToFenExact(it.price) === null)
      issues.push({ field: `${at}.unit_price`, issue: blank(it.price) ? 'required' : 'invalid_money' });
    if (!blank(it.minQty)) {
      const min = parseScaled(it.minQty, QTY_DECIMALS);
      if (min === null) issues.push({ field: `${at}.min_quantity`, issue: 'invalid_quantity' });
      else if (min === 0n) issues.push({ field: `${at}.min_quantity`, issue: 'must_be_positive' });
    }
    if (it.mode !== 'none') issues.push(...tierIssues(it.tiers, `${at}.tiers`));
  });
  return issues;
}

export type ItemField = 'product_id' | 'unit_price' | 'min_quantity' | 'tiers';
export type TierField = 'from_qty' | 'to_qty' | 'unit_price';

/** Where a message shows: an item's cell, a tier's cell, or the item's tier table as a whole. */
export const itemCell = (itemKey: string, field: ItemField): string => `${itemKey}.${field}`;
export const tierCell = (itemKey: string, tierKey: string, field: TierField): string =>
  `${itemKey}.${tierKey}.${field}`;

export interface PlacedItemErrors {
  /** itemCell / tierCell → message */
  cells: Record<string, string>;
  /** what names no cell on screen (shown above the table) */
  rest: string[];
}

const ITEM_PATH = /^items\[(\d+)\](?:\.(\w+)(?:\[(\d+)\](?:\.(\w+))?)?)?$/;
const ITEM_FIELDS: readonly string[] = [
  'product_id',
  'unit_price',
  'min_quantity',
  'tiers',
] satisfies ItemField[];
const TIER_FIELDS: readonly string[] = ['from_qty', 'to_qty', 'unit_price'] satisfies TierField[];
const isItemField = (f: string): f is ItemField => ITEM_FIELDS.includes(f);
const isTierField = (f: string): f is TierField => TIER_FIELDS.includes(f);

/**
 * Field problems — the server's 422 details or itemIssues() translated — put on the cells they
 * name: `items[1].tiers[0].to_qty` on the second item's first tier's upper bound. A tiered item's
 * `unit_price` is shown on its first tier (the price the body takes from it).
 */
export function placeItemErrors(details: ErrorDetail[], items: ItemDraft[]): PlacedItemErrors {
  const out: PlacedItemErrors = { cells: {}, rest: [] };
  const put = (cell: string, msg: string) => {
    out.cells[cell] = out.cells[cell] ? `${out.cells[cell]}；${msg}` : msg;
  };
  for (const d of details) {
    const m = ITEM_PATH.exec(d.field ?? '');
    const item = m ? items[Number(m[1])] : undefined;
    const field = m?.[2] ?? '';
    if (!m || !item || !isItemField(field)) {
      out.rest.push(d.field ? `${d.field}: ${d.issue}` : d.issue);
      continue;
    }
    if (field === 'tiers' && m[3] !== undefined) {
      const tier = item.tiers[Number(m[3])];
      const tf = m[4] ?? '';
      if (tier && isTierField(tf)) put(tierCell(item.key, tier.key, tf), d.issue);
      else put(itemCell(item.key, 'tiers'), d.issue);
    } else if (field === 'unit_price' && item.mode !== 'none' && item.tiers[0])
      put(tierCell(item.key, item.tiers[0].key, 'unit_price'), d.issue);
    else put(itemCell(item.key, field), d.issue);
  }
  return out;
}

/** The messages still worth showing after an edit of one cell (or a whole tier row, or item). */
export function clearCells(cells: Record<string, string>, prefix: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(cells)) if (k !== prefix && !k.startsWith(`${prefix}.`)) out[k] = v;
  return out;
}

export type Validity = 'inactive' | 'scheduled' | 'expired' | 'current';

/**
 * Whether a list applies today: switched off, not yet valid, past its end, or current. Dates
 * are inclusive (a list valid to 2026-12-31 still applies that day).
 */
export function validityOf(
  list: { active: boolean; valid_from: string | null; valid_to: string | null },
  today: string,
): Validity {
  if (!list.active) return 'inactive';
  if (list.valid_from && today < list.valid_from) return 'scheduled';
  if (list.valid_to && today > list.valid_to) return 'expired';
  return 'current';
}

/**
 * Keys that act on the whole editor (Enter saves, Esc cancels) — except while typing Chinese
 * (Enter picks the IME candidate), in a multi-line text, or in a control that uses them itself
 * (an open dropdown, a date field: Enter confirms the typed date, Esc closes its panel).
 */
export function editorKey(e: {
  key: string;
  isComposing: boolean;
  targetTag: string;
  /** the key belongs to the focused control (open dropdown, date picker) */
  targetOwnsKeys: boolean;
}): 'save' | 'cancel' | null {
  if (e.isComposing || e.targetOwnsKeys || e.targetTag === 'TEXTAREA') return null;
  if (e.key === 'Enter') return 'save';
  if (e.key === 'Escape') return 'cancel';
  return null;
}
