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
  type BundleChild,
  type LineInput,
  type PricedLine,
  type PriceList,
  type PriceListItem,
  type PricingProduct,
  type PricingTotals,
  type ProductType,
  type SellableScope,
  type Tier,
  type TierMode,
} from './pricing.rules.ts';
import {
  loadPricingSettings,
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

interface ProductRow {
  id: string;
  sku: string;
  name: string;
  type: ProductType;
  active: boolean;
  is_bundle: boolean;
  list_price: number;
  currency: string | null;
  cost: number | null;
  tax_rate: string;
  sellable_scope: SellableScope;
}

async function loadProducts(tx: TenantDb, ids: string[]): Promise<Map<string, PricingProduct>> {
  const out = new Map<string, PricingProduct>();
  let want = [...new Set(ids.filter(isUuid))];
  // two rounds: the lines' products, then the children of the bundles among them
  for (let round = 0; round < 2 && want.length; round++) {
    const rows = await tx.query(sql<ProductRow>`
      select id, sku, name, type, active, is_bundle, list_price, list_price_currency as currency, cost,
        tax_rate::text as tax_rate, sellable_scope
      from product where tenant_id = ${tx.tenantId} and deleted_at is null and id = any(${want}::uuid[])`);
    for (const r of rows)
      out.set(r.id, { ...r, currency: r.currency?.trim() || null, bundle_items: [] as BundleChild[] });
    const bundles = rows.filter((r) => r.is_bundle).map((r) => r.id);
    if (!bundles.length) break;
    const children = await tx.query(sql<BundleChild & { bundle_id: string }>`
      select bundle_id, product_id, required, quantity::text as quantity, min_quantity::text as min_quantity,
        max_quantity::text as max_quantity, position
      from product_bundle_item where tenant_id = ${tx.tenantId} and bundle_id = any(${bundles}::uuid[])
      order by position, id`);
    for (const c of children) out.get(c.bundle_id)?.bundle_items.push(c);
    want = [...new Set(children.map((c) => c.product_id))].filter((id) => !out.has(id));
  }
  return out;
}

/** The tenant's live lists in this currency that are active on the date, with their items for these products. */
async function loadLists(
  tx: TenantDb,
  currency: string,
  asOf: string,
  productIds: string[],
): Promise<{ lists: PriceList[]; items: PriceListItem[] }> {
  const lists = await tx.query(sql<PriceList>`
    select id, name, currency, priority, scope_type, scope_value, account_id,
      to_char(valid_from, 'YYYY-MM-DD') as valid_from, to_char(valid_to, 'YYYY-MM-DD') as valid_to, active
    from price_list
    where tenant_id = ${tx.tenantId} and deleted_at is null and active and currency = ${currency}
      and (valid_from is null or valid_from <= ${asOf}::date) and (valid_to is null or valid_to >= ${asOf}::date)`);
  if (!lists.length || !productIds.length) return { lists, items: [] };
  const rows = await tx.query(sql<{
    id: string;
    price_list_id: string;
    product_id: string;
    unit_price: number;
    tier_mode: TierMode;
    min_quantity: string | null;
  }>`
    select id, price_list_id, product_id, unit_price, tier_mode, min_quantity::text as min_quantity
    from price_list_item
    where tenant_id = ${tx.tenantId} and price_list_id = any(${lists.map((l) => l.id)}::uuid[])
      and product_id = any(${productIds}::uuid[])`);
  const tiers = await tiersOf(
    tx,
    rows.filter((r) => r.tier_mode !== 'none').map((r) => r.id),
  );
  return {
    lists,
    items: rows.map((r) => ({
      price_list_id: r.price_list_id,
      product_id: r.product_id,
      unit_price: BigInt(r.unit_price),
      tier_mode: r.tier_mode,
      min_quantity: r.min_quantity === null ? null : parseScaled(r.min_quantity, QTY_DECIMALS),
      tiers: tiers.get(r.id) ?? [],
    })),
  };
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
  const account = isUuid(input.account_id)
    ? await tx.one(sql<{ id: string; grade: string | null; type: string | null }>`
        select id, grade, type from account
        where tenant_id = ${tx.tenantId} and id = ${input.account_id} and deleted_at is null`)
    : undefined;
  if (!account) throw invalid([{ field: 'account_id', issue: 'invalid_reference' }]);
  const currency = input.currency ?? actor.currency;
  const asOf = input.as_of ?? todayIn(actor.timeZone);
  const products = await loadProducts(
    tx,
    input.lines.map((l) => l.product_id),
  );
  const { lists, items } = await loadLists(tx, currency, asOf, [...products.keys()]);
  const settings = await loadPricingSettings(tx);
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
