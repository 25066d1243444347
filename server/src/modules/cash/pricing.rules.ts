// Pure pricing rules of quote → cash (DOMAIN.md §4, docs/CASH.md "Pricing"): exact decimal
// parsing, volume tiers, price-list resolution, bundle expansion, line and header discounts,
// tax, margin. No I/O: the pricing service loads products, price lists and settings and feeds
// them here; unit tests live in __tests__/pricing.rules.test.ts.
//
// All money is integer minor units (fen). Quantities carry at most 4 decimals and are held as
// bigint scaled by 10^4; percentages (discounts) carry at most 2 decimals and are held as basis
// points (1 % = 100); tax rates carry at most 4 decimals (scaled by 10^4). Every amount is
// computed exactly and rounded once, half-up (away from zero), to the minor unit.
import type { FieldIssue } from '../../platform/http/errors.ts';

export const QTY_DECIMALS = 4;
export const QTY_SCALE = 10_000n;
export const PCT_DECIMALS = 2;
/** 100 % in basis points */
export const PCT_SCALE = 10_000n;
export const TAX_DECIMALS = 4;
/** 100 % of a tax rate held with 4 decimals */
const TAX_SCALE = 1_000_000n;
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

// ---------------------------------------------------------------------------------------------
// Exact decimals

const DECIMAL_RE = /^(-)?(\d{1,20})(?:\.(\d{1,30}))?$/;

/**
 * A decimal (number or numeric string as PostgreSQL returns it) as an integer scaled by
 * 10^decimals, or null when it is not a plain decimal or has more significant decimals than
 * allowed. Trailing zeros do not count ("6.0000" is 6). Numbers go through their shortest
 * string form, so 0.1 is exactly 0.1 and never 0.1000000000000000055…
 */
export function parseScaled(v: unknown, decimals: number): bigint | null {
  let s: string;
  if (typeof v === 'number') {
    // the common case, a whole number (quantities, discounts): no string round trip
    if (Number.isSafeInteger(v)) return BigInt(v) * 10n ** BigInt(decimals);
    if (!Number.isFinite(v)) return null;
    s = String(v);
  } else if (typeof v === 'string') s = v.trim();
  else return null;
  const m = DECIMAL_RE.exec(s);
  if (!m) return null;
  let frac = m[3] ?? '';
  let end = frac.length;
  while (end > 0 && frac.charCodeAt(end - 1) === 48 /* '0' */) end--;
  if (end > decimals) return null;
  frac = frac.slice(0, end);
  const digits = BigInt((m[2] ?? '0') + frac.padEnd(decimals, '0'));
  return m[1] ? -digits : digits;
}

/** A scaled integer back as a JSON number (quantities ≤ 10^10 with 4 decimals stay exact). */
export function scaledToNumber(v: bigint, decimals: number): number {
  return Number(v) / 10 ** decimals;
}

/** n / d rounded half-up (half away from zero); d > 0. */
export function roundDiv(n: bigint, d: bigint): bigint {
  if (d <= 0n) throw new RangeError('roundDiv: divisor must be positive');
  if (n < 0n) return -roundDiv(-n, d);
  return (n * 2n + d) / (d * 2n);
}

/** A ratio as a percentage with 2 decimals (half-up), or null when the base is 0. */
export function percentOf(part: bigint, base: bigint): number | null {
  if (base === 0n) return null;
  const sign = base < 0n ? -1n : 1n;
  return Number(roundDiv(part * PCT_SCALE * sign, base * sign)) / 100;
}

// ---------------------------------------------------------------------------------------------
// Volume tiers

export type TierMode = 'none' | 'range' | 'slab';

/**
 * One tier: it covers the quantities above `from_qty` up to and including `to_qty` (null = no
 * upper bound). Tiers start at 0 and follow each other without gaps: the next tier's `from_qty`
 * is the previous `to_qty`. So "the first 10 seats at ¥100, the next 40 at ¥90, beyond 50 at
 * ¥80" is [0,10] · [10,50] · [50,∞) — seat 10 is in the first tier, seat 10.5 or 11 in the second.
 */
export interface Tier {
  from_qty: bigint;
  to_qty: bigint | null;
  unit_price: bigint;
}

/** Raw tier input (API body or database row) before validation. */
export interface TierInput {
  from_qty: unknown;
  to_qty?: unknown;
  unit_price: unknown;
}

/**
 * Parses and checks a tier table: first from 0, contiguous, non-overlapping, increasing, only
 * the last open-ended. Tiers may come in any order; issues name the position as given
 * (`<path>[i].<field>`, the style of the other cash paths). Returns the tiers sorted by `from_qty`.
 */
export function validateTiers(input: TierInput[], path: string): { tiers: Tier[]; issues: FieldIssue[] } {
  const issues: FieldIssue[] = [];
  const parsed: Array<Tier & { at: number }> = [];
  input.forEach((t, i) => {
    const from = parseQuantity(t.from_qty, `${path}[${i}].from_qty`, issues, { allowZero: true });
    const to =
      t.to_qty === null || t.to_qty === undefined
        ? null
        : parseQuantity(t.to_qty, `${path}[${i}].to_qty`, issues, { allowZero: false });
    const price = parseMoney(t.unit_price, `${path}[${i}].unit_price`, issues);
    if (from === undefined || to === undefined || price === undefined) return;
    if (to !== null && to <= from) {
      issues.push({ field: `${path}[${i}].to_qty`, issue: 'tier_range' });
      return;
    }
    parsed.push({ from_qty: from, to_qty: to, unit_price: price, at: i });
  });
  if (!input.length) issues.push({ field: path, issue: 'required' });
  if (issues.length) return { tiers: [], issues };
  parsed.sort((a, b) => (a.from_qty < b.from_qty ? -1 : a.from_qty > b.from_qty ? 1 : a.at - b.at));
  parsed.forEach((t, k) => {
    const prev = parsed[k - 1];
    if (!prev) {
      if (t.from_qty !== 0n) issues.push({ field: `${path}[${t.at}].from_qty`, issue: 'tier_start' });
      return;
    }
    if (prev.to_qty === null || t.from_qty < prev.to_qty)
      issues.push({ field: `${path}[${t.at}].from_qty`, issue: 'tier_overlap' });
    else if (t.from_qty > prev.to_qty) issues.push({ field: `${path}[${t.at}].from_qty`, issue: 'tier_gap' });
  });
  const last = parsed[parsed.length - 1];
  if (last && last.to_qty !== null)
    issues.push({ field: `${path}[${last.at}].to_qty`, issue: 'tier_open_end' });
  return { tiers: issues.length ? [] : parsed.map(({ at: _at, ...t }) => t), issues };
}

/** How much of a tiered price applies to one line. */
export interface TierBreakdown {
  from_qty: bigint;
  to_qty: bigint | null;
  /** scaled quantity priced in this tier */
  quantity: bigint;
  unit_price: bigint;
}

/**
 * The tiered price of `qty` (scaled): `range` prices every unit at the tier the total quantity
 * falls in; `slab` prices each unit in its own tier, like tax brackets. Returns the gross amount
 * scaled by 10^4 (not yet rounded) and the tiers used. Tiers must be valid (validateTiers).
 */
export function tieredGross(
  tiers: Tier[],
  mode: 'range' | 'slab',
  qty: bigint,
): { grossScaled: bigint; used: TierBreakdown[] } {
  if (mode === 'range') {
    const t = tiers.find((x) => qty > x.from_qty && (x.to_qty === null || qty <= x.to_qty)) ?? tiers[0];
    if (!t) return { grossScaled: 0n, used: [] };
    return {
      grossScaled: qty * t.unit_price,
      used: [{ from_qty: t.from_qty, to_qty: t.to_qty, quantity: qty, unit_price: t.unit_price }],
    };
  }
  let gross = 0n;
  const used: TierBreakdown[] = [];
  for (const t of tiers) {
    if (qty <= t.from_qty) break;
    const upper = t.to_qty === null || qty < t.to_qty ? qty : t.to_qty;
    const inTier = upper - t.from_qty;
    gross += inTier * t.unit_price;
    used.push({ from_qty: t.from_qty, to_qty: t.to_qty, quantity: inTier, unit_price: t.unit_price });
  }
  return { grossScaled: gross, used };
}

// ---------------------------------------------------------------------------------------------
// Products, price lists and price resolution

export type ProductType = 'subscription' | 'one_time' | 'service';
export type SellableScope = 'any' | 'listed_only';

export interface BundleChild {
  product_id: string;
  required: boolean;
  /** per one unit of the bundle (numeric string or number): the default */
  quantity: unknown;
  /** bounds of a quantity per bundle the seller chooses (null = none) */
  min_quantity: unknown;
  max_quantity: unknown;
  position: number;
}

export interface PricingProduct {
  id: string;
  sku: string;
  name: string;
  type: ProductType;
  active: boolean;
  is_bundle: boolean;
  /** standard unit price in `currency`, minor units */
  list_price: number;
  /** null = the tenant's currency */
  currency: string | null;
  cost: number | null;
  /** percent, numeric string or number */
  tax_rate: unknown;
  sellable_scope: SellableScope;
  bundle_items: BundleChild[];
}

export type PriceListScope = 'all' | 'account' | 'account_grade' | 'account_type';

export interface PriceList {
  id: string;
  name: string;
  currency: string;
  /** lower number = higher priority */
  priority: number;
  scope_type: PriceListScope;
  /** account grade or type for those scopes */
  scope_value: string | null;
  account_id: string | null;
  /** YYYY-MM-DD, inclusive; null = open */
  valid_from: string | null;
  valid_to: string | null;
  active: boolean;
}

export interface PriceListItem {
  price_list_id: string;
  product_id: string;
  unit_price: bigint;
  tier_mode: TierMode;
  /** scaled; null = any quantity */
  min_quantity: bigint | null;
  /** validated, sorted; empty when tier_mode is 'none' */
  tiers: Tier[];
}

export interface PricingAccount {
  id: string;
  grade: string | null;
  type: string | null;
}

const SCOPE_RANK: Record<PriceListScope, number> = { account: 0, account_grade: 1, account_type: 1, all: 2 };

/** Whether a price list is in force for this account, date and currency. */
export function listApplies(
  list: PriceList,
  account: PricingAccount,
  asOf: string,
  currency: string,
): boolean {
  if (!list.active || list.currency !== currency) return false;
  if (list.valid_from !== null && asOf < list.valid_from) return false;
  if (list.valid_to !== null && asOf > list.valid_to) return false;
  switch (list.scope_type) {
    case 'all':
      return true;
    case 'account':
      return list.account_id === account.id;
    case 'account_grade':
      return list.scope_value !== null && list.scope_value === account.grade;
    case 'account_type':
      return list.scope_value !== null && list.scope_value === account.type;
  }
}

export type PriceSource =
  | { kind: 'standard' }
  | { kind: 'override' }
  | { kind: 'price_list'; price_list_id: string; price_list_name: string; tier_mode: TierMode };

export interface ResolvedPrice {
  source: PriceSource;
  /** gross amount scaled by 10^4 (quantity × price, before discounts and rounding) */
  grossScaled: bigint;
  /** the unit price shown on the line: the list/tier price, or for slabs the rounded average */
  unitPrice: bigint;
  tiers: TierBreakdown[];
}

export type Resolution =
  | { ok: true; price: ResolvedPrice }
  | { ok: false; issue: 'product_not_sellable' | 'below_min_quantity' | 'no_price'; min?: bigint };

function grossOf(
  item: PriceListItem,
  qty: bigint,
): { grossScaled: bigint; unitPrice: bigint; tiers: TierBreakdown[] } {
  if (item.tier_mode === 'none' || !item.tiers.length)
    return { grossScaled: qty * item.unit_price, unitPrice: item.unit_price, tiers: [] };
  const { grossScaled, used } = tieredGross(item.tiers, item.tier_mode, qty);
  const unitPrice =
    item.tier_mode === 'range'
      ? (used[0]?.unit_price ?? item.unit_price)
      : qty > 0n
        ? roundDiv(grossScaled, qty)
        : 0n;
  return { grossScaled, unitPrice, tiers: used };
}

/** A price candidate: a list's item at the line's quantity, or the standard price (`list` null). */
interface Candidate {
  list: PriceList | null;
  gross: ReturnType<typeof grossOf>;
}

// Candidate orderings, at module level: under tsx (keepNames) every named closure created per
// call costs a defineProperty, and resolvePrice runs once per line.
const cmpBig = (x: bigint, y: bigint): number => (x < y ? -1 : x > y ? 1 : 0);
const byPriority = (a: Candidate, b: Candidate): number =>
  (a.list?.priority ?? Number.MAX_SAFE_INTEGER) - (b.list?.priority ?? Number.MAX_SAFE_INTEGER) ||
  (a.list ? SCOPE_RANK[a.list.scope_type] : 9) - (b.list ? SCOPE_RANK[b.list.scope_type] : 9);
const byAmount = (a: Candidate, b: Candidate): number => cmpBig(a.gross.grossScaled, b.gross.grossScaled);
const byId = (a: Candidate, b: Candidate): number => (a.list?.id ?? '~').localeCompare(b.list?.id ?? '~');
const byBestPrice = (a: Candidate, b: Candidate): number => byAmount(a, b) || byPriority(a, b) || byId(a, b);
const byListPriority = (a: Candidate, b: Candidate): number =>
  byPriority(a, b) || byAmount(a, b) || byId(a, b);

/**
 * The price of `qty` units of a product for an account. Candidates: the product's standard list
 * price (when it is in the calculation currency) and the items of every applicable price list
 * whose minimum quantity the line reaches. With `bestPrice` the lowest gross amount wins;
 * otherwise the list with the lowest priority number (then the more specific scope, then the
 * lower amount, then the id); the standard price only when no list has the product.
 * A `listed_only` product without an applicable list item cannot be sold (`enforceScope`).
 */
export function resolvePrice(args: {
  product: PricingProduct;
  qty: bigint;
  currency: string;
  tenantCurrency: string;
  lists: PriceList[];
  /** `lists` by id, when the caller resolves many lines against the same lists */
  listsById?: Map<string, PriceList>;
  items: PriceListItem[];
  bestPrice: boolean;
  enforceScope: boolean;
}): Resolution {
  const { product, qty } = args;
  const listsById = args.listsById ?? new Map(args.lists.map((l) => [l.id, l]));
  const listed = args.items.filter((i) => i.product_id === product.id && listsById.has(i.price_list_id));
  const reachable = listed.filter((i) => i.min_quantity === null || qty >= i.min_quantity);
  const cands: Candidate[] = reachable.map((i) => ({
    list: listsById.get(i.price_list_id) ?? null,
    gross: grossOf(i, qty),
  }));
  const standardCurrency = product.currency ?? args.tenantCurrency;
  const hasStandard = standardCurrency === args.currency;
  if (!cands.length) {
    if (product.sellable_scope === 'listed_only' && args.enforceScope) {
      const mins = listed.flatMap((i) => (i.min_quantity === null ? [] : [i.min_quantity]));
      if (mins.length)
        return { ok: false, issue: 'below_min_quantity', min: mins.reduce((a, b) => (a < b ? a : b)) };
      return { ok: false, issue: 'product_not_sellable' };
    }
    if (!hasStandard) return { ok: false, issue: 'no_price' };
    const unit = BigInt(product.list_price);
    return {
      ok: true,
      price: { source: { kind: 'standard' }, grossScaled: qty * unit, unitPrice: unit, tiers: [] },
    };
  }
  if (args.bestPrice && hasStandard) {
    // the standard price competes only on amount, and loses ties to a list
    const unit = BigInt(product.list_price);
    cands.push({ list: null, gross: { grossScaled: qty * unit, unitPrice: unit, tiers: [] } });
  }
  const best = [...cands].sort(args.bestPrice ? byBestPrice : byListPriority)[0];
  if (!best) return { ok: false, issue: 'no_price' };
  if (!best.list)
    return {
      ok: true,
      price: {
        source: { kind: 'standard' },
        grossScaled: best.gross.grossScaled,
        unitPrice: best.gross.unitPrice,
        tiers: [],
      },
    };
  const item = reachable.find((i) => i.price_list_id === best.list?.id);
  return {
    ok: true,
    price: {
      source: {
        kind: 'price_list',
        price_list_id: best.list.id,
        price_list_name: best.list.name,
        tier_mode: item?.tier_mode ?? 'none',
      },
      grossScaled: best.gross.grossScaled,
      unitPrice: best.gross.unitPrice,
      tiers: best.gross.tiers,
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Input parsing helpers (issues name the field)

function parseQuantity(
  v: unknown,
  field: string,
  issues: FieldIssue[],
  opts: { allowZero: boolean } = { allowZero: false },
): bigint | undefined {
  if (v === null || v === undefined || v === '') {
    issues.push({ field, issue: 'required' });
    return undefined;
  }
  const s = parseScaled(v, QTY_DECIMALS);
  if (s === null) {
    const anyDecimal = parseScaled(v, 30) !== null;
    issues.push(
      anyDecimal
        ? { field, issue: 'too_many_decimals', params: { max: QTY_DECIMALS } }
        : { field, issue: 'expected_type', params: { type: 'number' } },
    );
    return undefined;
  }
  if (s < 0n || (!opts.allowZero && s === 0n)) {
    issues.push({ field, issue: opts.allowZero ? 'too_small' : 'must_be_positive', params: { min: 0 } });
    return undefined;
  }
  // numeric(14,4): at most 10 integer digits
  if (s >= 10n ** 14n) {
    issues.push({ field, issue: 'too_large', params: { max: '9999999999.9999' } });
    return undefined;
  }
  return s;
}

function parseMoney(v: unknown, field: string, issues: FieldIssue[]): bigint | undefined {
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) {
    issues.push({ field, issue: 'expected_type', params: { type: 'integer (minor units)' } });
    return undefined;
  }
  if (v < 0) {
    issues.push({ field, issue: 'too_small', params: { min: 0 } });
    return undefined;
  }
  return BigInt(v);
}

function parsePercent(v: unknown, field: string, issues: FieldIssue[]): bigint | undefined {
  if (v === null || v === undefined) return 0n;
  const s = parseScaled(v, PCT_DECIMALS);
  if (s === null) {
    const anyDecimal = parseScaled(v, 30) !== null;
    issues.push(
      anyDecimal
        ? { field, issue: 'too_many_decimals', params: { max: PCT_DECIMALS } }
        : { field, issue: 'expected_type', params: { type: 'number' } },
    );
    return undefined;
  }
  if (s < 0n) issues.push({ field, issue: 'too_small', params: { min: 0 } });
  else if (s > PCT_SCALE) issues.push({ field, issue: 'too_large', params: { max: 100 } });
  else return s;
  return undefined;
}

export { parseMoney as parseMinorUnits, parsePercent, parseQuantity };

// ---------------------------------------------------------------------------------------------
// The calculation

export interface LineInput {
  product_id: string;
  quantity: unknown;
  /** percent 0–100, ≤ 2 decimals */
  discount?: unknown;
  /** a unit price the seller sets instead of the resolved one (minor units) */
  unit_price?: unknown;
  service_start?: string | null;
  service_end?: string | null;
  /**
   * bundle children chosen: optional ones to include, and for any child a quantity per bundle
   * (within the child's min/max) instead of the bundle's default
   */
  options?: Array<string | { product_id: string; quantity?: unknown }>;
}

export interface CalculationInput {
  currency: string;
  tenantCurrency: string;
  /** YYYY-MM-DD: which price lists are in force */
  asOf: string;
  bestPrice: boolean;
  account: PricingAccount;
  headerDiscount?: unknown;
  lines: LineInput[];
  /** every product the lines and bundles name (missing ones are reported as unknown) */
  products: Map<string, PricingProduct>;
  /** the tenant's price lists (this function picks the applicable ones) */
  lists: PriceList[];
  items: PriceListItem[];
  /** orders: subscription lines need a service period */
  requirePeriods?: boolean;
  /** prefix of issue paths (default `lines`) */
  path?: string;
}

export interface PricedTier {
  from_qty: number;
  to_qty: number | null;
  quantity: number;
  unit_price: number;
}

export interface PricedLine {
  /** position in the output (children follow their bundle) */
  position: number;
  /** index of the input line this comes from */
  line_index: number;
  /** for a bundle child: position of its bundle line */
  parent_position: number | null;
  product_id: string;
  sku: string;
  product_name: string;
  product_type: ProductType;
  is_bundle: boolean;
  quantity: number;
  /** the standard unit price (product list price) */
  list_price: number;
  unit_price: number;
  price_source: 'standard' | 'price_list' | 'override';
  price_list_id: string | null;
  price_list_name: string | null;
  tier_mode: TierMode;
  tiers: PricedTier[];
  discount: number;
  /** quantity × list price */
  list_amount: number;
  /** quantity × resolved price, before discounts */
  gross_amount: number;
  line_discount_amount: number;
  /** after the line discount */
  amount: number;
  /** this line's share of the header discount */
  header_discount_amount: number;
  /** after both discounts: what is sold, before tax */
  net_amount: number;
  tax_rate: number;
  tax_amount: number;
  /** net + tax */
  total_amount: number;
  cost_amount: number | null;
  margin_amount: number;
  service_start: string | null;
  service_end: string | null;
}

export interface PricingTotals {
  currency: string;
  list_total: number;
  gross_total: number;
  line_discount_total: number;
  /** Σ line amounts after line discounts */
  subtotal: number;
  header_discount: number;
  header_discount_amount: number;
  /** line + header discounts */
  discount_total: number;
  /** subtotal − header discount: the amount sold before tax */
  net_total: number;
  tax_total: number;
  /** net + tax */
  grand_total: number;
  cost_total: number;
  /** false when a line's product has no cost (cost_total counts it as 0) */
  cost_complete: boolean;
  margin_amount: number;
  /** margin / net × 100, 2 decimals; null when net is 0 */
  margin_percent: number | null;
  /** the largest line discount % entered */
  max_line_discount: number;
  /** (list − net) / list × 100, 2 decimals; null when the list total is 0 */
  effective_discount: number | null;
}

export type CalculationResult =
  { ok: true; lines: PricedLine[]; totals: PricingTotals } | { ok: false; issues: FieldIssue[] };

interface WorkLine {
  line_index: number;
  parent: number | null;
  product: PricingProduct;
  qty: bigint;
  discountBp: bigint;
  price: ResolvedPrice;
  taxScaled: bigint;
  /** the standard unit price, null when the product's list price is in another currency */
  listPrice: bigint | null;
  service_start: string | null;
  service_end: string | null;
}

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;
const isDate = (v: unknown): v is string =>
  typeof v === 'string' &&
  DATE_RE.test(v) &&
  !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) &&
  new Date(`${v}T00:00:00Z`).toISOString().startsWith(v);

/**
 * Prices a set of lines: resolves each product's price (price lists, tiers, override), expands
 * bundles into their children, applies line discounts, allocates the header discount, adds tax
 * and sums everything up. Every problem is reported at once with its field path
 * (`lines[2].quantity`); nothing is priced when there is one.
 */
export function calculate(input: CalculationInput): CalculationResult {
  const path = input.path ?? 'lines';
  const issues: FieldIssue[] = [];
  const lists = input.lists.filter((l) => listApplies(l, input.account, input.asOf, input.currency));
  const listsById = new Map(lists.map((l) => [l.id, l]));
  // each line looks only at its product's items (a 200-line quote scanned every item per line)
  const itemsByProduct = new Map<string, PriceListItem[]>();
  for (const it of input.items) {
    const of = itemsByProduct.get(it.product_id);
    if (of) of.push(it);
    else itemsByProduct.set(it.product_id, [it]);
  }
  const headerBp = parsePercent(input.headerDiscount, 'header_discount', issues);
  const work: WorkLine[] = [];

  const listPriceOf = (p: PricingProduct): bigint | null =>
    (p.currency ?? input.tenantCurrency) === input.currency ? BigInt(p.list_price) : null;
  const taxOf = (p: PricingProduct, field: string): bigint => {
    const t = parseScaled(p.tax_rate, TAX_DECIMALS);
    if (t === null || t < 0n || t > 100n * 10n ** BigInt(TAX_DECIMALS)) {
      issues.push({ field, issue: 'invalid_value' });
      return 0n;
    }
    return t;
  };
  const resolve = (
    p: PricingProduct,
    qty: bigint,
    field: string,
    enforceScope: boolean,
  ): ResolvedPrice | null => {
    const r = resolvePrice({
      product: p,
      qty,
      currency: input.currency,
      tenantCurrency: input.tenantCurrency,
      lists,
      listsById,
      items: itemsByProduct.get(p.id) ?? [],
      bestPrice: input.bestPrice,
      enforceScope,
    });
    if (r.ok) return r.price;
    if (r.issue === 'below_min_quantity')
      issues.push({
        field: `${field}.quantity`,
        issue: 'below_min_quantity',
        params: { min: scaledToNumber(r.min ?? 0n, QTY_DECIMALS), product: p.name },
      });
    else
      issues.push({
        field: `${field}.product_id`,
        issue: r.issue,
        params: { product: p.name, currency: input.currency },
      });
    return null;
  };

  input.lines.forEach((line, i) => {
    const at = `${path}[${i}]`;
    const product = input.products.get(line.product_id);
    const qty = parseQuantity(line.quantity, `${at}.quantity`, issues);
    const discountBp = parsePercent(line.discount, `${at}.discount`, issues);
    const override =
      line.unit_price === undefined || line.unit_price === null
        ? null
        : parseMoney(line.unit_price, `${at}.unit_price`, issues);
    if (!product) {
      issues.push({ field: `${at}.product_id`, issue: 'invalid_reference' });
      return;
    }
    if (!product.active) {
      issues.push({
        field: `${at}.product_id`,
        issue: 'product_inactive',
        params: { product: product.name },
      });
      return;
    }
    const period = checkPeriod(
      periodType(product, input.products),
      line,
      at,
      input.requirePeriods ?? false,
      issues,
    );
    if (qty === undefined || discountBp === undefined || override === undefined) return;
    const taxScaled = taxOf(product, `${at}.product_id`);
    let price: ResolvedPrice | null;
    if (override !== null) {
      // the seller's price replaces the resolved one, but a product the account may not buy stays
      // unsellable; a missing price in this currency does not matter any more
      const r = resolvePrice({
        product,
        qty,
        currency: input.currency,
        tenantCurrency: input.tenantCurrency,
        lists,
        listsById,
        items: itemsByProduct.get(product.id) ?? [],
        bestPrice: input.bestPrice,
        enforceScope: true,
      });
      price =
        r.ok || r.issue === 'no_price'
          ? { source: { kind: 'override' }, grossScaled: qty * override, unitPrice: override, tiers: [] }
          : resolve(product, qty, at, true);
    } else price = resolve(product, qty, at, true);
    if (!price) return;
    const parent = work.length;
    work.push({
      line_index: i,
      parent: null,
      product,
      qty,
      discountBp,
      price,
      taxScaled,
      listPrice: listPriceOf(product),
      service_start: product.type === 'one_time' ? null : period.start,
      service_end: product.type === 'one_time' ? null : period.end,
    });
    // options only make sense on a bundle
    const chosen = line.options ?? [];
    if (!product.is_bundle) {
      if (chosen.length) issues.push({ field: `${at}.options`, issue: 'not_bundle_option' });
      return;
    }
    const children = [...product.bundle_items].sort((a, b) => a.position - b.position);
    // each choice names a child, optionally with its quantity per bundle
    const picks = new Map<string, { k: number; quantity: unknown }>();
    chosen.forEach((o, k) => {
      const id = typeof o === 'string' ? o : o.product_id;
      if (!children.some((c) => c.product_id === id))
        issues.push({ field: `${at}.options[${k}]`, issue: 'not_bundle_option' });
      else if (picks.has(id)) issues.push({ field: `${at}.options[${k}]`, issue: 'duplicate_item' });
      else picks.set(id, { k, quantity: typeof o === 'string' ? undefined : o.quantity });
    });
    for (const c of children) {
      const pick = picks.get(c.product_id);
      if (!c.required && !pick) continue;
      const child = input.products.get(c.product_id);
      if (!child || !child.active) {
        issues.push({
          field: `${at}.product_id`,
          issue: 'product_inactive',
          params: { product: child?.name ?? c.product_id },
        });
        continue;
      }
      let per = parseScaled(c.quantity, QTY_DECIMALS) ?? QTY_SCALE;
      if (pick && pick.quantity !== undefined && pick.quantity !== null) {
        // the seller may choose the quantity per bundle within the bundle's bounds for this child
        const field = `${at}.options[${pick.k}].quantity`;
        const chosenPer = parseQuantity(pick.quantity, field, issues);
        if (chosenPer === undefined) continue;
        const min = parseScaled(c.min_quantity, QTY_DECIMALS);
        const max = parseScaled(c.max_quantity, QTY_DECIMALS);
        if ((min !== null && chosenPer < min) || (max !== null && chosenPer > max)) {
          issues.push({
            field,
            issue: 'bundle_quantity',
            params: {
              product: child.name,
              quantity: scaledToNumber(chosenPer, QTY_DECIMALS),
              min: min === null ? '—' : scaledToNumber(min, QTY_DECIMALS),
              max: max === null ? '—' : scaledToNumber(max, QTY_DECIMALS),
            },
          });
          continue;
        }
        per = chosenPer;
      }
      // a child line holds 4 decimals like any other: 1.5 bundles × 0.3333 = 0.5 (half-up)
      const childQty = roundDiv(qty * per, QTY_SCALE);
      if (childQty <= 0n) {
        issues.push({ field: `${at}.quantity`, issue: 'must_be_positive' });
        continue;
      }
      // the bundle governs who may buy it: its children are sold with it whatever their own scope
      const childPrice = resolve(child, childQty, at, false);
      if (!childPrice) continue;
      work.push({
        line_index: i,
        parent,
        product: child,
        qty: childQty,
        // a discount on the bundle is a discount on everything in it
        discountBp,
        price: childPrice,
        taxScaled: taxOf(child, `${at}.product_id`),
        listPrice: listPriceOf(child),
        // children share the bundle's service period when they are recurring too
        service_start: child.type === 'one_time' ? null : period.start,
        service_end: child.type === 'one_time' ? null : period.end,
      });
    }
  });
  if (headerBp === undefined || issues.length) return { ok: false, issues: dedupe(issues) };
  return finish(work, headerBp, input.currency, path);
}

/**
 * What a line's service period follows: the product's type, or for a bundle the most recurring
 * type among it and its children (a one-time bundle of subscriptions needs their period).
 */
function periodType(p: PricingProduct, products: Map<string, PricingProduct>): ProductType {
  if (!p.is_bundle) return p.type;
  const types = [p.type, ...p.bundle_items.map((c) => products.get(c.product_id)?.type)];
  if (types.includes('subscription')) return 'subscription';
  if (types.includes('service')) return 'service';
  return 'one_time';
}

function checkPeriod(
  type: ProductType,
  line: LineInput,
  at: string,
  required: boolean,
  issues: FieldIssue[],
): { start: string | null; end: string | null } {
  const start = line.service_start ?? null;
  const end = line.service_end ?? null;
  const none = { start: null, end: null };
  if (start === null && end === null) {
    if (required && type === 'subscription')
      issues.push({ field: `${at}.service_start`, issue: 'service_period_required' });
    return none;
  }
  if (type === 'one_time') {
    issues.push({ field: `${at}.service_start`, issue: 'period_not_allowed' });
    return none;
  }
  let ok = true;
  for (const [v, f] of [
    [start, 'service_start'],
    [end, 'service_end'],
  ] as const) {
    if (v === null) {
      issues.push({ field: `${at}.${f}`, issue: 'required' });
      ok = false;
    } else if (!isDate(v)) {
      issues.push({ field: `${at}.${f}`, issue: 'invalid_date' });
      ok = false;
    }
  }
  if (ok && start !== null && end !== null && end < start) {
    issues.push({ field: `${at}.service_end`, issue: 'period_order' });
    ok = false;
  }
  return ok ? { start, end } : none;
}

function dedupe(issues: FieldIssue[]): FieldIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const k = `${i.field}|${i.issue}|${JSON.stringify(i.params ?? {})}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/**
 * Splits `total` over `weights` in proportion, exactly: every share is floored, and the units
 * left over go one each to the largest remainders (ties to the earlier line). Shares never
 * exceed their weight when total ≤ Σ weights.
 */
export function allocate(total: bigint, weights: bigint[]): bigint[] {
  const sum = weights.reduce((a, b) => a + b, 0n);
  if (sum <= 0n || total === 0n) return weights.map(() => 0n);
  const shares = weights.map((w) => (w * total) / sum);
  const rems = weights.map((w, i) => ({ i, r: (w * total) % sum }));
  let left = total - shares.reduce((a, b) => a + b, 0n);
  rems.sort((a, b) => (a.r > b.r ? -1 : a.r < b.r ? 1 : a.i - b.i));
  for (const { i } of rems) {
    if (left <= 0n) break;
    shares[i] = (shares[i] ?? 0n) + 1n;
    left -= 1n;
  }
  return shares;
}

function finish(work: WorkLine[], headerBp: bigint, currency: string, path: string): CalculationResult {
  const issues: FieldIssue[] = [];
  const rows = work.map((w) => {
    const gross = roundDiv(w.price.grossScaled, QTY_SCALE);
    const amount = roundDiv(w.price.grossScaled * (PCT_SCALE - w.discountBp), QTY_SCALE * PCT_SCALE);
    // a standard price in another currency says nothing here: the line's own price stands in for it
    const list = w.listPrice === null ? gross : roundDiv(w.qty * w.listPrice, QTY_SCALE);
    const cost = w.product.cost === null ? null : roundDiv(w.qty * BigInt(w.product.cost), QTY_SCALE);
    return { w, gross, amount, list, cost };
  });
  const subtotal = rows.reduce((s, r) => s + r.amount, 0n);
  const headerAmount = roundDiv(subtotal * headerBp, PCT_SCALE);
  const shares = allocate(
    headerAmount,
    rows.map((r) => r.amount),
  );
  const lines: PricedLine[] = rows.map((r, k) => {
    const share = shares[k] ?? 0n;
    const net = r.amount - share;
    const tax = roundDiv(net * r.w.taxScaled, TAX_SCALE);
    const total = net + tax;
    if (total > MAX_SAFE || r.gross > MAX_SAFE || r.list > MAX_SAFE || (r.cost ?? 0n) > MAX_SAFE)
      issues.push({ field: `${path}[${r.w.line_index}].quantity`, issue: 'amount_too_large' });
    const src = r.w.price.source;
    return {
      position: k,
      line_index: r.w.line_index,
      parent_position: r.w.parent,
      product_id: r.w.product.id,
      sku: r.w.product.sku,
      product_name: r.w.product.name,
      product_type: r.w.product.type,
      is_bundle: r.w.product.is_bundle,
      quantity: scaledToNumber(r.w.qty, QTY_DECIMALS),
      list_price: Number(r.w.listPrice ?? r.w.price.unitPrice),
      unit_price: Number(r.w.price.unitPrice),
      price_source: src.kind,
      price_list_id: src.kind === 'price_list' ? src.price_list_id : null,
      price_list_name: src.kind === 'price_list' ? src.price_list_name : null,
      tier_mode: src.kind === 'price_list' ? src.tier_mode : 'none',
      tiers: r.w.price.tiers.map((t) => ({
        from_qty: scaledToNumber(t.from_qty, QTY_DECIMALS),
        to_qty: t.to_qty === null ? null : scaledToNumber(t.to_qty, QTY_DECIMALS),
        quantity: scaledToNumber(t.quantity, QTY_DECIMALS),
        unit_price: Number(t.unit_price),
      })),
      discount: Number(r.w.discountBp) / 100,
      list_amount: Number(r.list),
      gross_amount: Number(r.gross),
      line_discount_amount: Number(r.gross - r.amount),
      amount: Number(r.amount),
      header_discount_amount: Number(share),
      net_amount: Number(net),
      tax_rate: scaledToNumber(r.w.taxScaled, TAX_DECIMALS),
      tax_amount: Number(tax),
      total_amount: Number(total),
      cost_amount: r.cost === null ? null : Number(r.cost),
      margin_amount: Number(net - (r.cost ?? 0n)),
      service_start: r.w.service_start,
      service_end: r.w.service_end,
    };
  });
  const sum = (f: (l: PricedLine) => number): bigint => lines.reduce((s, l) => s + BigInt(f(l)), 0n);
  const list = sum((l) => l.list_amount);
  const gross = sum((l) => l.gross_amount);
  const lineDiscount = sum((l) => l.line_discount_amount);
  const net = subtotal - headerAmount;
  const tax = sum((l) => l.tax_amount);
  const cost = sum((l) => l.cost_amount ?? 0);
  if (!issues.length && (gross > MAX_SAFE || list > MAX_SAFE || net + tax > MAX_SAFE))
    issues.push({ field: path, issue: 'amount_too_large' });
  if (issues.length) return { ok: false, issues: dedupe(issues) };
  const maxBp = work.reduce((m, w) => (w.discountBp > m ? w.discountBp : m), 0n);
  return {
    ok: true,
    lines,
    totals: {
      currency,
      list_total: Number(list),
      gross_total: Number(gross),
      line_discount_total: Number(lineDiscount),
      subtotal: Number(subtotal),
      header_discount: Number(headerBp) / 100,
      header_discount_amount: Number(headerAmount),
      discount_total: Number(lineDiscount + headerAmount),
      net_total: Number(net),
      tax_total: Number(tax),
      grand_total: Number(net + tax),
      cost_total: Number(cost),
      cost_complete: lines.every((l) => l.cost_amount !== null),
      margin_amount: Number(net - cost),
      margin_percent: percentOf(net - cost, net),
      max_line_discount: Number(maxBp) / 100,
      effective_discount: percentOf(list - net, list),
    },
  };
}
