// Pure rules of the order entry grid: exact decimal money math (the same as the server's
// pricing rules: quantities with 4 decimals, percentages with 2, amounts rounded once, half-up,
// to the fen), service-period defaults, the request body and the server's field errors mapped
// back onto grid cells. No React, no I/O: unit tests live in order-logic.test.ts.
import type { ErrorDetail } from '../api/http-client';

export type ProductType = 'subscription' | 'one_time' | 'service';

/** What the grid knows about a line's product (from the product search or the saved line). */
export interface LineProduct {
  id: string;
  sku: string;
  name: string;
  type: ProductType;
  unit: string | null;
  /** list price in minor units, with its currency; null when unknown (a saved line) */
  listPrice: { amount: number; currency: string } | null;
}

/**
 * One editable line. Numbers are kept as the decimal text the user typed (antd InputNumber in
 * string mode), so 0.1 stays 0.1 and conversions to fen are exact.
 */
export interface LineDraft {
  key: string;
  product: LineProduct | null;
  quantity: string;
  /** yuan (major units) */
  unitPrice: string;
  /** percent, 0–100 */
  discount: string;
  /** yuan; null while the amount follows quantity × price × (1 − discount) */
  amountOverride: string | null;
  serviceStart: string | null;
  serviceEnd: string | null;
  /** where the unit price came from when the account's price lists gave it */
  priceInfo: PriceInfo | null;
  /** why the price lists would not price this product for the account (not sellable, no price) */
  priceWarning: string | null;
  /** the user typed the unit price (or it was saved so): price lists no longer overwrite it */
  priceTyped: boolean;
  /** the amount override came from tiered pricing, not from the user */
  amountFromPricing: boolean;
}

export interface PriceInfo {
  source: 'standard' | 'price_list' | 'override';
  listName: string | null;
  /** volume tiers: the unit price depends on the quantity */
  tiered: boolean;
}

/** The part of a priced line (POST /api/v1/pricing/calculate) the grid uses. */
export interface PricedFacts {
  unit_price: number;
  amount: number;
  price_source: PriceInfo['source'];
  price_list_name: string | null;
  tier_mode: 'none' | 'range' | 'slab';
}

export const QTY_DECIMALS = 4;
export const PCT_DECIMALS = 2;
export const MONEY_DECIMALS = 2;

/**
 * A decimal text or number as an integer scaled by 10^decimals, or null when it is blank, not a
 * plain decimal, negative, or has more significant decimals than allowed ("6.50" is 650 at 2).
 */
export function parseScaled(v: string | number | null | undefined, decimals: number): bigint | null {
  if (v === null || v === undefined) return null;
  const s = (typeof v === 'number' ? (Number.isFinite(v) ? String(v) : '') : v).replace(/[,\s¥]/g, '');
  const m = /^(\d{1,16})(?:\.(\d*))?$/.exec(s);
  if (!m) return null;
  const frac = (m[2] ?? '').replace(/0+$/, '');
  if (frac.length > decimals) return null;
  return BigInt((m[1] ?? '0') + frac.padEnd(decimals, '0'));
}

/** Yuan typed by a person → fen, exactly (no float multiplication); null for blanks and junk. */
export function yuanToFenExact(yuan: string | number | null | undefined): number | null {
  const v = parseScaled(yuan, MONEY_DECIMALS);
  return v === null ? null : Number(v);
}

/** Fen → the yuan text an input shows ("1200.5" → "1200.50"; integers keep no decimals). */
export function fenToYuanText(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(Math.trunc(fen));
  const yuan = Math.floor(abs / 100);
  const cents = abs % 100;
  return cents === 0 ? `${sign}${yuan}` : `${sign}${yuan}.${String(cents).padStart(2, '0')}`;
}

/** n / d rounded half-up; n ≥ 0, d > 0. */
function roundDiv(n: bigint, d: bigint): bigint {
  return (n * 2n + d) / (d * 2n);
}

/**
 * quantity × unit price × (1 − discount %), rounded half-up to the fen, or null while a part is
 * missing or not a valid decimal. Computed once on scaled integers: 3 × ¥33.33 at 10 % is
 * ¥89.99 (8999.1 fen), never a float artefact.
 */
export function lineAmountFen(quantity: string, unitPriceYuan: string, discount: string): number | null {
  const q = parseScaled(quantity, QTY_DECIMALS);
  const p = parseScaled(unitPriceYuan, MONEY_DECIMALS);
  const d = discount.trim() === '' ? 0n : parseScaled(discount, PCT_DECIMALS);
  if (q === null || p === null || d === null || d > 10_000n) return null;
  // q is scaled by 10^4, the discount by 10^2 (so 100 % is 10_000): divide by 10^4 · 10^4
  return Number(roundDiv(q * p * (10_000n - d), 100_000_000n));
}

/** The amount a line will be saved with: the typed one when overridden, else the computed one. */
export function effectiveAmountFen(l: LineDraft): number | null {
  if (l.amountOverride !== null) return yuanToFenExact(l.amountOverride);
  return lineAmountFen(l.quantity, l.unitPrice, l.discount);
}

/** Σ line amounts in fen (lines whose amount is not computable yet count as 0). */
export function totalFen(lines: LineDraft[]): number {
  return lines.reduce((s, l) => s + (effectiveAmountFen(l) ?? 0), 0);
}

/** Σ quantity × list price before discounts (what the discounts take off), in fen. */
export function grossFen(lines: LineDraft[]): number {
  return lines.reduce((s, l) => s + (lineAmountFen(l.quantity, l.unitPrice, '0') ?? 0), 0);
}

const YMD = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * The default end of a one-year service period: the day before the same date next year
 * (2026-01-01 → 2026-12-31). A period starting on 29 February ends on 28 February.
 */
export function defaultServiceEnd(start: string): string | null {
  const m = YMD.exec(start);
  if (!m) return null;
  // Date.UTC rolls day 0 back into the previous month and 29 February of a common year over
  // into March, so "the day before the anniversary" needs no special cases
  return new Date(Date.UTC(Number(m[1]) + 1, Number(m[2]) - 1, Number(m[3]) - 1)).toISOString().slice(0, 10);
}

/** Subscription lines need a service period; one-time licences have none. */
export const needsPeriod = (type: ProductType | undefined): boolean => type === 'subscription';
export const allowsPeriod = (type: ProductType | undefined): boolean =>
  type === 'subscription' || type === 'service';

let keySeq = 0;
export function newLineKey(): string {
  keySeq += 1;
  return `line-${keySeq}`;
}

export function emptyLine(): LineDraft {
  return {
    key: newLineKey(),
    product: null,
    quantity: '1',
    unitPrice: '',
    discount: '0',
    amountOverride: null,
    serviceStart: null,
    serviceEnd: null,
    priceInfo: null,
    priceWarning: null,
    priceTyped: false,
    amountFromPricing: false,
  };
}

/**
 * A line after picking a product: the list price becomes the unit price when it is in the
 * order's currency (another currency would need a price list), subscriptions get a one-year
 * period from the order date, one-time licences lose any period.
 */
export function withProduct(
  l: LineDraft,
  p: LineProduct,
  orderCurrency: string,
  orderDate: string | null,
): LineDraft {
  const price =
    p.listPrice && p.listPrice.currency === orderCurrency ? fenToYuanText(p.listPrice.amount) : '';
  const next: LineDraft = {
    ...l,
    product: p,
    unitPrice: price || l.unitPrice,
    amountOverride: null,
    amountFromPricing: false,
    priceInfo: null,
    priceWarning: null,
    priceTyped: false,
  };
  if (needsPeriod(p.type)) {
    const start = l.serviceStart ?? orderDate;
    next.serviceStart = start;
    next.serviceEnd = l.serviceEnd ?? (start ? defaultServiceEnd(start) : null);
  } else if (!allowsPeriod(p.type)) {
    next.serviceStart = null;
    next.serviceEnd = null;
  }
  return next;
}

/**
 * A line after the account's price lists priced it (asked with `asked` quantity and discount).
 * A unit price the user typed stays. Slab tiers give a rounded average unit price, so their exact
 * amount becomes the line amount, unless the quantity or discount changed meanwhile (the caller
 * asks again) or the user typed an amount.
 */
export function applyPrice(
  l: LineDraft,
  priced: PricedFacts,
  asked: { quantity: string; discount: string },
): LineDraft {
  if (l.priceTyped) return l;
  const next: LineDraft = {
    ...l,
    unitPrice: fenToYuanText(priced.unit_price),
    priceInfo: {
      source: priced.price_source,
      listName: priced.price_list_name,
      tiered: priced.tier_mode !== 'none',
    },
    priceWarning: null,
  };
  const typedAmount = l.amountOverride !== null && !l.amountFromPricing;
  if (typedAmount || l.quantity !== asked.quantity || l.discount !== asked.discount) return next;
  const formula = lineAmountFen(next.quantity, next.unitPrice, next.discount);
  const exact = formula === priced.amount;
  return { ...next, amountOverride: exact ? null : fenToYuanText(priced.amount), amountFromPricing: !exact };
}

/**
 * A line after the user changed its quantity, unit price or discount: an amount that tiered
 * pricing set no longer holds (the next pricing answer sets it again); one the user typed stays.
 */
export function withInputs(
  l: LineDraft,
  patch: Partial<Pick<LineDraft, 'quantity' | 'unitPrice' | 'discount'>>,
): LineDraft {
  const next = { ...l, ...patch };
  if ('unitPrice' in patch) {
    next.priceTyped = true;
    next.priceInfo = null;
  }
  return l.amountFromPricing ? { ...next, amountOverride: null, amountFromPricing: false } : next;
}

/** A changed period start moves a still-default end along with it (one year again). */
export function withServiceStart(l: LineDraft, start: string | null): LineDraft {
  const wasDefault = l.serviceStart !== null && l.serviceEnd === defaultServiceEnd(l.serviceStart);
  const end =
    start && (wasDefault || (l.serviceEnd === null && needsPeriod(l.product?.type)))
      ? defaultServiceEnd(start)
      : l.serviceEnd;
  return { ...l, serviceStart: start, serviceEnd: end };
}

/** One line of POST /api/v1/orders and PUT /api/v1/orders/{id}/lines. */
export interface LinePayload {
  product_id?: string;
  quantity?: number;
  unit_price?: number;
  discount?: number;
  amount?: number;
  service_start?: string | null;
  service_end?: string | null;
}

/**
 * The lines as the API takes them. Blank or unreadable values are left out rather than guessed,
 * so the server names each of them (`lines[1].quantity`: required) in the user's language.
 */
export function linesPayload(lines: LineDraft[]): LinePayload[] {
  return lines.map((l) => {
    const out: LinePayload = {};
    if (l.product) out.product_id = l.product.id;
    const q = parseScaled(l.quantity, QTY_DECIMALS);
    if (q !== null) out.quantity = Number(q) / 10 ** QTY_DECIMALS;
    const price = yuanToFenExact(l.unitPrice);
    if (price !== null) out.unit_price = price;
    const d = l.discount.trim() === '' ? 0n : parseScaled(l.discount, PCT_DECIMALS);
    if (d !== null) out.discount = Number(d) / 10 ** PCT_DECIMALS;
    const amount = effectiveAmountFen(l);
    if (amount !== null) out.amount = amount;
    if (allowsPeriod(l.product?.type) || !l.product) {
      out.service_start = l.serviceStart;
      out.service_end = l.serviceEnd;
    } else {
      out.service_start = null;
      out.service_end = null;
    }
    return out;
  });
}

/** A saved line (GET /api/v1/orders/{id}) back as an editable draft. */
export function draftFromLine(l: {
  product_id: string;
  product_type: ProductType;
  product_name: string;
  product_sku: string;
  quantity: number;
  unit_price: number;
  discount: number;
  amount: number;
  service_start: string | null;
  service_end: string | null;
}): LineDraft {
  const draft: LineDraft = {
    key: newLineKey(),
    product: {
      id: l.product_id,
      sku: l.product_sku,
      name: l.product_name,
      type: l.product_type,
      unit: null,
      listPrice: null,
    },
    quantity: String(l.quantity),
    unitPrice: fenToYuanText(l.unit_price),
    discount: String(l.discount),
    amountOverride: null,
    serviceStart: l.service_start,
    serviceEnd: l.service_end,
    priceInfo: null,
    priceWarning: null,
    // a saved price was agreed: editing the lines never re-prices them
    priceTyped: true,
    amountFromPricing: false,
  };
  // a negotiated amount that differs from the formula stays as it was signed
  if (effectiveAmountFen(draft) !== l.amount) draft.amountOverride = fenToYuanText(l.amount);
  return draft;
}

export type LineField =
  'product_id' | 'quantity' | 'unit_price' | 'discount' | 'amount' | 'service_start' | 'service_end';

export interface PlacedErrors {
  /** line key → field → message */
  cells: Record<string, Partial<Record<LineField | 'line', string>>>;
  /** header field (account_id, currency, …) → message */
  header: Record<string, string>;
  /** what has no place on the page (shown above the grid) */
  rest: string[];
}

const LINE_FIELD = /^lines\[(\d+)\](?:\.(\w+))?$/;
const LINE_FIELDS: readonly string[] = [
  'product_id',
  'quantity',
  'unit_price',
  'discount',
  'amount',
  'service_start',
  'service_end',
] satisfies LineField[];
const isLineField = (f: string): f is LineField => LINE_FIELDS.includes(f);

/**
 * The server's field errors put where the user typed: `lines[2].quantity` on the third line's
 * quantity cell, `account_id` on the account picker; the rest in one list.
 */
export function placeErrors(
  details: ErrorDetail[],
  lineKeys: string[],
  headerFields: readonly string[],
): PlacedErrors {
  const out: PlacedErrors = { cells: {}, header: {}, rest: [] };
  for (const d of details) {
    const field = d.field ?? '';
    const m = LINE_FIELD.exec(field);
    const key = m ? lineKeys[Number(m[1])] : undefined;
    if (m && key) {
      const cell = m[2] ?? '';
      const row = (out.cells[key] ??= {});
      const target: LineField | 'line' = isLineField(cell) ? cell : 'line';
      row[target] = row[target] ? `${row[target]}；${d.issue}` : d.issue;
    } else if (headerFields.includes(field)) out.header[field] = d.issue;
    else out.rest.push(d.issue);
  }
  return out;
}

// which error a change of a draft field settles; quantity, price and discount also move the amount
const SETTLES: [keyof LineDraft, LineField[]][] = [
  ['product', ['product_id', 'unit_price', 'service_start', 'service_end']],
  ['quantity', ['quantity', 'amount']],
  ['unitPrice', ['unit_price', 'amount']],
  ['discount', ['discount', 'amount']],
  ['amountOverride', ['amount']],
  ['serviceStart', ['service_start', 'service_end']],
  ['serviceEnd', ['service_end']],
];

/**
 * The cell errors still worth showing after an edit: a message goes once its cell (or what it
 * is computed from) changed, so a fixed cell stops looking wrong before the next save.
 */
export function settleErrors(
  cells: PlacedErrors['cells'],
  before: LineDraft[],
  after: LineDraft[],
): PlacedErrors['cells'] {
  const out: PlacedErrors['cells'] = {};
  for (const l of after) {
    const errs = cells[l.key];
    if (!errs) continue;
    const old = before.find((b) => b.key === l.key);
    const kept = { ...errs };
    if (old)
      for (const [field, settles] of SETTLES)
        if (old[field] !== l[field]) for (const f of settles) delete kept[f];
    if (Object.keys(kept).length) out[l.key] = kept;
  }
  return out;
}
