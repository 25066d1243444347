// Response schemas of the pricing routes (docs/API.md "Pricing"), for the OpenAPI document and
// the web client's types. Documentation only at runtime (docs/decisions/0001); the pricing tests
// check real answers against them with conformsTo.
import { z } from 'zod';

const minor = z.number().int();
const qty = z.number().describe('up to 4 decimals');
const pct = z.number().describe('percent, 0–100');

export const PricingSettings = z
  .strictObject({
    bestPrice: z
      .boolean()
      .describe('true: lowest price among the standard price and applicable lists; false: list priority'),
  })
  .meta({ id: 'PricingSettings' });

export const PriceTier = z
  .strictObject({
    from_qty: qty.describe('exclusive lower bound; the first tier starts at 0'),
    to_qty: qty.nullable().describe('inclusive upper bound; null on the last tier'),
    unit_price: minor,
  })
  .meta({ id: 'PriceTier' });

export const PriceListItem = z
  .strictObject({
    id: z.string(),
    position: z.number().int(),
    product_id: z.string(),
    product_sku: z.string(),
    product_name: z.string(),
    product_active: z.boolean(),
    unit_price: minor,
    tier_mode: z.enum(['none', 'range', 'slab']),
    min_quantity: qty.nullable(),
    tiers: z.array(PriceTier),
  })
  .meta({ id: 'PriceListItem' });

export const PricedLine = z
  .strictObject({
    position: z.number().int(),
    line_index: z.number().int().describe('the request line this comes from'),
    parent_position: z.number().int().nullable().describe('bundle children: position of the bundle line'),
    product_id: z.string(),
    sku: z.string(),
    product_name: z.string(),
    product_type: z.enum(['subscription', 'one_time', 'service']),
    is_bundle: z.boolean(),
    quantity: qty,
    list_price: minor,
    unit_price: minor.describe('list/tier price, the override, or for slab tiers the rounded average'),
    price_source: z.enum(['standard', 'price_list', 'override']),
    price_list_id: z.string().nullable(),
    price_list_name: z.string().nullable(),
    tier_mode: z.enum(['none', 'range', 'slab']),
    tiers: z.array(
      z.strictObject({ from_qty: qty, to_qty: qty.nullable(), quantity: qty, unit_price: minor }),
    ),
    discount: pct,
    list_amount: minor,
    gross_amount: minor,
    line_discount_amount: minor,
    amount: minor.describe('after the line discount'),
    header_discount_amount: minor,
    net_amount: minor.describe('after line and header discounts, before tax'),
    tax_rate: pct,
    tax_amount: minor,
    total_amount: minor,
    cost_amount: minor.nullable(),
    margin_amount: minor,
    service_start: z.string().nullable(),
    service_end: z.string().nullable(),
  })
  .meta({ id: 'PricedLine' });

export const PricingTotals = z
  .strictObject({
    currency: z.string(),
    list_total: minor,
    gross_total: minor,
    line_discount_total: minor,
    subtotal: minor,
    header_discount: pct,
    header_discount_amount: minor,
    discount_total: minor,
    net_total: minor,
    tax_total: minor,
    grand_total: minor,
    cost_total: minor,
    cost_complete: z.boolean(),
    margin_amount: minor,
    margin_percent: z.number().nullable(),
    max_line_discount: pct,
    effective_discount: z.number().nullable().describe('(list − net) / list × 100'),
  })
  .meta({ id: 'PricingTotals' });

export const PricingResult = z
  .strictObject({
    account_id: z.string(),
    currency: z.string(),
    as_of: z.string(),
    best_price: z.boolean(),
    lines: z.array(PricedLine),
    totals: PricingTotals,
  })
  .meta({ id: 'PricingResult' });
