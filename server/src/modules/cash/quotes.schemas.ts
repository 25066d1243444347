import { z } from 'zod';
import { RecordData, timestamp } from '../../platform/http/response-schemas.ts';

const minor = z.number().int().describe('minor units (fen)');
const date = z.string().describe('YYYY-MM-DD');
const decimal = z.union([z.number(), z.string()]);

export const QuoteLine = z
  .strictObject({
    id: z.string(),
    position: z.number().int(),
    line_index: z.number().int().describe('the request line it came from (bundle children share it)'),
    parent_line_id: z.string().nullable().describe('the bundle line of a bundle child'),
    product_id: z.string(),
    product_type: z.enum(['subscription', 'one_time', 'service']),
    sku: z.string(),
    product_name: z.string().describe('as when the line was priced'),
    product_name_en: z.string().nullable(),
    unit: z.string().nullable(),
    is_bundle: z.boolean(),
    options: z
      .array(z.union([z.string(), z.strictObject({ product_id: z.string(), quantity: decimal.nullish() })]))
      .describe('the bundle options the request chose (on a bundle line), as sent'),
    quantity: z.number(),
    list_price: minor,
    unit_price: minor,
    price_source: z.enum(['standard', 'price_list', 'override']),
    price_list_id: z.string().nullable(),
    discount: z.number().describe('line discount, percent'),
    gross_amount: minor.describe('quantity × unit price'),
    amount: minor.describe('after the line discount'),
    header_discount_amount: minor.describe("the line's share of the header discount"),
    net_amount: minor.describe('after both discounts, before tax (what the order line sells)'),
    tax_rate: z.number(),
    tax: minor,
    cost: minor.nullable().describe('quantity × product cost; null when the product has no cost'),
    service_start: date.nullable(),
    service_end: date.nullable(),
  })
  .meta({ id: 'QuoteLine' });

export const QuoteDocument = z
  .strictObject({
    id: z.string(),
    quote_version: z.number().int(),
    file_name: z.string(),
    content_type: z.string(),
    size_bytes: z.number().int(),
    sha256: z.string(),
    attachment_id: z
      .string()
      .nullable()
      .describe(
        "the same PDF among the quote's attachments (GET /api/v1/attachments/{id}); null for PDFs stored before the file store kept them",
      ),
    created_by: z.string().nullable(),
    created_at: timestamp,
  })
  .meta({ id: 'QuoteDocument' });

export const QuoteWithLines = RecordData.extend({
  lines: z.array(QuoteLine),
  documents: z.array(QuoteDocument),
}).meta({
  id: 'QuoteWithLines',
  description: 'A quote record (GET /api/v1/metadata/objects/quote) with its lines and stored PDFs',
});

const lineInput = z.strictObject({
  product_id: z.string(),
  quantity: decimal.describe('> 0, up to 4 decimals'),
  discount: decimal.nullish().describe('percent 0–100, up to 2 decimals'),
  unit_price: minor.nullish().describe('a price set by the seller instead of the resolved one'),
  service_start: date.nullish(),
  service_end: date.nullish(),
  options: z
    .array(z.union([z.string(), z.strictObject({ product_id: z.string(), quantity: decimal.nullish() })]))
    .optional()
    .describe('bundle children: optional ones to include, or {product_id, quantity per bundle}'),
});

/** Documentation of the bodies (the service validates them and names every bad field). */
export const QuoteCreateBody = z
  .object({
    opportunity_id: z.string().describe('the account comes from the opportunity'),
    name: z.string().nullish().describe("default: the opportunity's name"),
    currency: z.string().optional().describe("ISO 4217; default the tenant's currency"),
    valid_until: date.nullish().describe('today or later; default today + validityDays (settings)'),
    header_discount: decimal.nullish().describe('percent 0–100, spread over the lines'),
    language: z.enum(['zh-CN', 'en-US']).optional().describe("the PDF's language; default the user's"),
    notes: z.string().nullish(),
    owner_id: z.string().optional(),
    lines: z.array(lineInput).min(1),
  })
  .meta({ id: 'QuoteCreateBody' });

export const QuoteLinesBody = z
  .object({
    version: z.number().int().optional().describe('the record version the client saw (409 if changed)'),
    header_discount: decimal.nullish(),
    lines: z.array(lineInput).min(1),
  })
  .meta({ id: 'QuoteLinesBody' });

export const QuoteVersionBody = z
  .object({ version: z.number().int().optional() })
  .nullish()
  .describe('optional optimistic-concurrency check');

export const QuoteAcceptBody = z
  .object({
    version: z.number().int().optional(),
    create_contract: z.boolean().optional().describe('also create a draft contract with the net total'),
    confirm_order: z
      .boolean()
      .optional()
      .describe('create the order confirmed (emits order.confirmed) instead of draft'),
    contract_name: z.string().optional(),
    order_type: z.enum(['new', 'renewal', 'expansion', 'downgrade']).optional(),
    order_date: date.optional().describe('default today (tenant time zone)'),
  })
  .nullish()
  .meta({ id: 'QuoteAcceptBody' });

export const QuoteSubmitResult = QuoteWithLines.extend({
  submit_route: z
    .enum(['approval', 'auto'])
    .describe(
      'approval: an approval process took it (in_approval, locked); auto: no process applies, approved',
    ),
  approval_id: z.string().nullable().describe('the approval instance (GET /api/v1/approvals/{id})'),
}).meta({ id: 'QuoteSubmitResult' });

export const QuoteSettings = z
  .strictObject({
    validityDays: z.number().int(),
    sellerName: z.string().nullable(),
    logo: z.string().nullable().describe('data:image/png;base64,… or data:image/jpeg;base64,…'),
    terms: z.string().nullable(),
  })
  .meta({ id: 'QuoteSettings' });

export const QuoteListResponse = z
  .strictObject({ data: z.array(QuoteWithLines), next_cursor: z.string().nullable() })
  .meta({ id: 'QuoteListResponse' });
