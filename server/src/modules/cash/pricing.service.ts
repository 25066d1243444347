import { sql } from 'kysely';
import { z } from 'zod';
import { can, type Actor } from '../../platform/access/permissions.ts';
import { writeAudit } from '../../platform/audit/audit.ts';
import { TenantDb } from '../../platform/db/tenant-db.ts';
import { isUuid } from '../../platform/db/ids.ts';
import { forbidden, invalid } from '../../platform/http/errors.ts';
import { todayIn } from '../../platform/jobs/dates.rules.ts';
import type { Platform } from '../../platform/platform.ts';
import {
  calculate,
  parseScaled,
  QTY_DECIMALS,
  QTY_SCALE,
  type BundleChild,
  type LineInput,
  type PricedLine,
  type PriceList,
  type PriceListItem,
  type PricingAccount,
  type PricingProduct,
  type PricingTotals,
  type ProductType,
  type SellableScope,
  type Tier,
  type TierMode,
} from './pricing.rules.ts';
import {
  loadPricingSettings,
  pricingSettingsOf,
  pricingSettingsSchema,
  storePricingSettings,
  type PricingSettings,
} from './pricing.settings.ts';
import { zodIssues } from './zod-issues.ts';

export const MAX_PRICING_LINES = 500;

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'invalid_date');
const decimal = z.union([z.number(), z.string().max(40)]);

/** Body of the trial calculation (and what quotes and orders hand to priceLines). */
export const calculateSchema = z.strictObject({
  account_id: z.string().uuid(),
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/)
    .optional(),
  as_of: isoDate.optional(),
  header_discount: decimal.nullish(),
  lines: z
    .array(
      z.strictObject({
        product_id: z.string().uuid(),
        quantity: decimal,
        discount: decimal.nullish(),
        unit_price: z.number().nullish(),
        service_start: isoDate.nullish(),
        service_end: isoDate.nullish(),
        options: z
          .array(
            z.union([
              z.string().uuid(),
              z.strictObject({ product_id: z.string().uuid(), quantity: decimal.nullish() }),
            ]),
          )
          .max(100)
          .optional()
          .describe('bundle children: optional ones to include, or {product_id, quantity per bundle}'),
      }),
    )
    .max(MAX_PRICING_LINES),
});

export type CalculateBody = z.infer<typeof calculateSchema>;

/** What quotes and orders hand to priceLines. */
export interface PriceLinesInput {
  account_id: string;
  /** default: the tenant's currency */
  currency?: string | undefined;
  /** which price lists are in force (YYYY-MM-DD); default: today in the tenant's time zone */
  as_of?: string | undefined;
  header_discount?: number | string | null | undefined;
  lines: LineInput[];
  /** orders: subscription lines must carry a service period */
  require_periods?: boolean;
  /** prefix of issue paths (default `lines`) */
  path?: string;
}

export interface PricingResult {
  account_id: string;
  currency: string;
  as_of: string;
  best_price: boolean;
  lines: PricedLine[];
  totals: PricingTotals;
}

// Rows of the pricing statement travel as JSON arrays (smaller and quicker to build and parse
// than objects); money and quantities as text, so nothing is rounded on the way.
type ProductTuple = [
  id: string,
  sku: string,
  name: string,
  type: ProductType,
  active: boolean,
  is_bundle: boolean,
  list_price: string,
  currency: string | null,
  cost: string | null,
  tax_rate: string,
  sellable_scope: SellableScope,
];
// Quantities (min_quantity, from_qty, to_qty: numeric(14,4)) arrive already scaled by 10^4 as
// integer text — exact at that column scale — and are read with BigInt.
type TierTuple = [from_qty: string, to_qty: string | null, unit_price: string];
type ItemTuple = [
  price_list_id: string,
  product_id: string,
  unit_price: string,
  tier_mode: TierMode,
  min_quantity: string | null,
  tiers: TierTuple[] | null,
];

/** Everything one calculation reads, as one row of the statement below. */
interface PricingData {
  account: PricingAccount | null;
  cash: Record<string, unknown> | null;
  products: ProductTuple[] | null;
  bundle_items: Array<BundleChild & { bundle_id: string }> | null;
  lists: PriceList[] | null;
  items: ItemTuple[] | null;
}

/** Minor units from a bigint column sent as text; like the int8 parser, never loses precision. */
function minorUnits(v: string): number {
  const n = Number(v);
  if (!Number.isSafeInteger(n)) throw new Error(`amount ${v} exceeds the safe integer range`);
  return n;
}

const productTuple = sql`json_build_array(id, sku, name, type, active, is_bundle, list_price::text,
  list_price_currency, cost::text, tax_rate::text, sellable_scope)`;
const bundleColumns = sql`bundle_id, product_id, required, quantity::text as quantity,
  min_quantity::text as min_quantity, max_quantity::text as max_quantity, position, id`;

/**
 * The account, the pricing settings, the lines' products with their bundle children (one level:
 * the children of the lines' live bundles, and the bundle items of those children), the
 * tenant's live lists in this currency in force on the date, and their items for these products
 * with tiers — in one statement, so a quote costs one round trip however many lines it has
 * (it was six to eight: account, products, bundle children, lists, items, tiers, settings).
 */
async function loadPricingData(
  tx: TenantDb,
  accountId: string,
  currency: string,
  asOf: string,
  productIds: string[],
): Promise<PricingData> {
  const t = tx.tenantId;
  const ids = [...new Set(productIds.filter(isUuid))];
  // numeric(14,4) × 10^4 is a whole number: see TierTuple
  const scale = sql.lit(Number(QTY_SCALE));
  const row = await tx.one(sql<PricingData>`
    with wanted as (select unnest(${ids}::uuid[]) as id),
    products as (
      select id, sku, name, type, active, is_bundle, list_price, list_price_currency, cost, tax_rate,
        sellable_scope
      from product where tenant_id = ${t} and deleted_at is null and id in (
        select id from wanted
        union
        select bi.product_id from product_bundle_item bi
        join product bp on bp.tenant_id = bi.tenant_id and bp.id = bi.bundle_id
        where bi.tenant_id = ${t} and bi.bundle_id in (select id from wanted) and bp.is_bundle
          and bp.deleted_at is null)),
    lists as (
      select id, name, currency, priority, scope_type, scope_value, account_id,
        to_char(valid_from, 'YYYY-MM-DD') as valid_from, to_char(valid_to, 'YYYY-MM-DD') as valid_to, active
      from price_list
      where tenant_id = ${t} and deleted_at is null and active and currency = ${currency}
        and (valid_from is null or valid_from <= ${asOf}::date) and (valid_to is null or valid_to >= ${asOf}::date))
    select
      (select row_to_json(a) from (select id, grade, type from account
         where tenant_id = ${t} and id = ${accountId} and deleted_at is null) a) as account,
      (select settings->'cash' from tenant where id = ${t}) as cash,
      (select json_agg(${productTuple}) from products) as products,
      (select json_agg(b order by b.position, b.id) from (
         select ${bundleColumns} from product_bundle_item
         where tenant_id = ${t} and bundle_id in (select id from products where is_bundle)) b) as bundle_items,
      (select json_agg(l) from lists l) as lists,
      -- = any(array(…)): one index scan over the products' items (an IN here joined every
      -- product with every list first, twice the time)
      (select json_agg(json_build_array(i.price_list_id, i.product_id, i.unit_price::text, i.tier_mode,
          (i.min_quantity * ${scale})::int8::text, case when i.tier_mode <> 'none' then (
            select json_agg(json_build_array((pt.from_qty * ${scale})::int8::text,
                (pt.to_qty * ${scale})::int8::text, pt.unit_price::text)
              order by pt.from_qty)
            from price_tier pt where pt.tenant_id = ${t} and pt.item_id = i.id) end))
       from price_list_item i
       where i.tenant_id = ${t} and i.product_id = any(array(select id from products))
         and i.price_list_id = any(array(select id from lists))) as items`);
  return row ?? { account: null, cash: null, products: null, bundle_items: null, lists: null, items: null };
}

function productsOf(data: PricingData): Map<string, PricingProduct> {
  const out = new Map<string, PricingProduct>();
  for (const [
    id,
    sku,
    name,
    type,
    active,
    is_bundle,
    list,
    currency,
    cost,
    tax_rate,
    sellable_scope,
  ] of data.products ?? [])
    out.set(id, {
      id,
      sku,
      name,
      type,
      active,
      is_bundle,
      list_price: minorUnits(list),
      currency: currency?.trim() || null,
      cost: cost === null ? null : minorUnits(cost),
      tax_rate,
      sellable_scope,
      bundle_items: [],
    });
  for (const { bundle_id, ...c } of data.bundle_items ?? []) out.get(bundle_id)?.bundle_items.push(c);
  return out;
}

function itemsOf(data: PricingData): PriceListItem[] {
  return (data.items ?? []).map(([price_list_id, product_id, unit, tier_mode, min, tiers]) => ({
    price_list_id,
    product_id,
    unit_price: BigInt(unit),
    tier_mode,
    min_quantity: min === null ? null : BigInt(min),
    tiers: (tiers ?? []).map(([from, to, price]) => ({
      from_qty: BigInt(from),
      to_qty: to === null ? null : BigInt(to),
      unit_price: BigInt(price),
    })),
  }));
}

/** Stored tiers per item, sorted (they were validated when saved). */
export async function tiersOf(tx: TenantDb, itemIds: string[]): Promise<Map<string, Tier[]>> {
  const out = new Map<string, Tier[]>();
  if (!itemIds.length) return out;
  const rows = await tx.query(sql<{
    item_id: string;
    from_qty: string;
    to_qty: string | null;
    unit_price: number;
  }>`
    select item_id, from_qty::text as from_qty, to_qty::text as to_qty, unit_price from price_tier
    where tenant_id = ${tx.tenantId} and item_id = any(${itemIds}::uuid[]) order by item_id, price_tier.from_qty`);
  for (const r of rows) {
    const list = out.get(r.item_id) ?? [];
    list.push({
      from_qty: parseScaled(r.from_qty, QTY_DECIMALS) ?? 0n,
      to_qty: r.to_qty === null ? null : parseScaled(r.to_qty, QTY_DECIMALS),
      unit_price: BigInt(r.unit_price),
    });
    out.set(r.item_id, list);
  }
  return out;
}

/**
 * Prices lines for an account without saving anything: price lists, tiers, bundles, discounts,
 * tax, totals and margin (docs/CASH.md "Pricing"). Quotes and orders call it inside their own
 * transaction; it reads only. Access to the account is the caller's check; an account that does
 * not exist is a field error on `account_id`. Bad lines → 422 naming each field.
 */
export async function priceLines(tx: TenantDb, actor: Actor, input: PriceLinesInput): Promise<PricingResult> {
  if (!isUuid(input.account_id)) throw invalid([{ field: 'account_id', issue: 'invalid_reference' }]);
  const currency = input.currency ?? actor.currency;
  const asOf = input.as_of ?? todayIn(actor.timeZone);
  const data = await loadPricingData(
    tx,
    input.account_id,
    currency,
    asOf,
    input.lines.map((l) => l.product_id),
  );
  const account = data.account;
  if (!account) throw invalid([{ field: 'account_id', issue: 'invalid_reference' }]);
  const products = productsOf(data);
  const lists = data.lists ?? [];
  const items = itemsOf(data);
  const settings = pricingSettingsOf(data.cash);
  const r = calculate({
    currency,
    tenantCurrency: actor.currency,
    asOf,
    bestPrice: settings.bestPrice,
    account,
    headerDiscount: input.header_discount,
    lines: input.lines,
    products,
    lists,
    items,
    requirePeriods: input.require_periods ?? false,
    ...(input.path !== undefined ? { path: input.path } : {}),
  });
  if (!r.ok) throw invalid(r.issues);
  return {
    account_id: account.id,
    currency,
    as_of: asOf,
    best_price: settings.bestPrice,
    lines: r.lines,
    totals: r.totals,
  };
}

/** The trial calculation and the pricing settings. */
export class PricingService {
  constructor(readonly p: Platform) {}

  private tdb(actor: Actor): TenantDb {
    return TenantDb.for(this.p.db, actor.tenantId);
  }

  /** Trial calculation: the caller must be able to read the account and the product catalog. */
  async calculate(actor: Actor, body: unknown): Promise<PricingResult> {
    const parsed = calculateSchema.safeParse(body ?? {});
    if (!parsed.success) throw invalid(zodIssues('', parsed.error));
    const input = parsed.data;
    // 403 without read on accounts, 404 for an account outside the caller's scope
    await this.p.records.get(actor, 'account', input.account_id);
    if (!can(actor, 'product', 'read')) throw forbidden();
    const lines: LineInput[] = input.lines.map((l) => ({
      product_id: l.product_id,
      quantity: l.quantity,
      discount: l.discount,
      unit_price: l.unit_price,
      service_start: l.service_start ?? null,
      service_end: l.service_end ?? null,
      ...(l.options ? { options: l.options } : {}),
    }));
    return priceLines(this.tdb(actor), actor, {
      account_id: input.account_id,
      currency: input.currency,
      as_of: input.as_of,
      header_discount: input.header_discount,
      lines,
    });
  }

  async settings(actor: Actor): Promise<PricingSettings> {
    return loadPricingSettings(this.tdb(actor));
  }

  async saveSettings(actor: Actor, body: unknown): Promise<PricingSettings> {
    if (!actor.isAdmin) throw forbidden();
    const parsed = pricingSettingsSchema.safeParse(body ?? {});
    if (!parsed.success) throw invalid(zodIssues('', parsed.error));
    return this.tdb(actor).transaction(async (tx) => {
      const before = await loadPricingSettings(tx);
      await storePricingSettings(tx, parsed.data);
      await writeAudit(tx, actor, [
        {
          action: 'admin',
          object: 'settings',
          recordId: null,
          changes: { cash_pricing: [before, parsed.data] },
        },
      ]);
      return parsed.data;
    });
  }
}
