import { z } from 'zod';
import { RecordData } from '../../platform/http/response-schemas.ts';

const minor = z.number().int().describe('minor units (fen)');
const date = z.string().describe('YYYY-MM-DD');

export const OrderLine = z
  .strictObject({
    id: z.string(),
    position: z.number().int(),
    product_id: z.string(),
    product_type: z.enum(['subscription', 'one_time', 'service']),
    product_name: z.string(),
    product_sku: z.string(),
    quantity: z.number(),
    unit_price: minor,
    discount: z.number().describe('percent, 0–100'),
    amount: minor,
    service_start: date.nullable(),
    service_end: date.nullable(),
  })
  .meta({ id: 'OrderLine' });

export const OrderWithLines = RecordData.extend({ lines: z.array(OrderLine) }).meta({
  id: 'OrderWithLines',
  description: 'An order record (GET /api/v1/metadata/objects/order) with its lines',
});

const lineInput = z.strictObject({
  product_id: z.string(),
  quantity: z.number().describe('> 0, up to 4 decimals'),
  unit_price: minor,
  discount: z.number().optional().describe('percent, 0–100, up to 2 decimals'),
  amount: minor.describe('the signed line amount (minor units), kept as given'),
  service_start: date.nullish().describe('required for subscription products'),
  service_end: date.nullish().describe('required for subscription products; inclusive'),
});

/** Documentation of the bodies (the service validates them and names every bad field). */
export const OrderCreateBody = z
  .object({
    account_id: z.string(),
    contract_id: z.string().nullish(),
    opportunity_id: z.string().nullish(),
    owner_id: z.string().optional(),
    number: z.string().optional().describe('generated from the tenant pattern (SO-2026-00001) when left out'),
    type: z.enum(['new', 'renewal', 'expansion', 'downgrade']).optional(),
    status: z.enum(['draft', 'confirmed']).optional().describe('confirmed emits order.confirmed at once'),
    currency: z.string().optional().describe('ISO 4217; the tenant currency by default'),
    order_date: date.optional().describe('the signing date; today (tenant time zone) by default'),
    description: z.string().nullish(),
    lines: z.array(lineInput),
  })
  .meta({ id: 'OrderCreateBody' });

export const OrderLinesBody = z
  .object({ version: z.number().int().optional(), lines: z.array(lineInput) })
  .meta({ id: 'OrderLinesBody' });
