import { useQuery } from '@tanstack/react-query';
import { apiFetch } from '../api/http-client';
import { listRecords } from '../api/endpoints';
import type { components } from '../api/schema';
import type { JsonBody, Money, RecordData } from '../api/types';
import type { LinePayload, LineProduct, ProductType } from './order-logic';

/** Answers and bodies of the orders API, generated from its OpenAPI document. */
type Schemas = components['schemas'];

export type OrderWithLines = Schemas['OrderWithLines'];
export type OrderLine = Schemas['OrderLine'];
/**
 * The create body with its lines as the grid sends them: a blank cell is left out instead of
 * guessed, and the server names it (`lines[1].quantity`) in the user's language.
 */
export type OrderCreateRequest = Omit<Schemas['OrderCreateBody'], 'lines' | 'account_id'> & {
  account_id?: string;
  lines: LinePayload[];
};
export type OrderLinesRequest = Omit<Schemas['OrderLinesBody'], 'lines'> & { lines: LinePayload[] };
export type OrderType = NonNullable<Schemas['OrderCreateBody']['type']>;

const base = '/api/v1/orders';
const enc = encodeURIComponent;

export const cashKeys = {
  // under 'records/order' so generic record writes (and list refreshes) cover the order page too
  order: (id: string) => ['records', 'order', 'with-lines', id] as const,
  products: (q: string) => ['records', 'product', 'order-picker', q] as const,
  anyProduct: ['records', 'product', 'any'] as const,
  accountOrders: (accountId: string) => ['records', 'order', 'of-account', accountId] as const,
};

export const createOrder = (body: OrderCreateRequest) =>
  apiFetch<{ data: OrderWithLines }>(base, { method: 'POST', body }).then((r) => r.data);
export const fetchOrder = (id: string) =>
  apiFetch<{ data: OrderWithLines }>(`${base}/${enc(id)}`).then((r) => r.data);
export const replaceOrderLines = (id: string, body: OrderLinesRequest) =>
  apiFetch<{ data: OrderWithLines }>(`${base}/${enc(id)}/lines`, { method: 'PUT', body }).then((r) => r.data);
export const confirmOrder = (id: string, version: number) =>
  apiFetch<{ data: OrderWithLines }>(`${base}/${enc(id)}/confirm`, {
    method: 'POST',
    body: { version },
  }).then((r) => r.data);
export const cancelOrder = (id: string, reason: string, version: number) =>
  apiFetch<{ data: OrderWithLines }>(`${base}/${enc(id)}/cancel`, {
    method: 'POST',
    body: { reason, version },
  }).then((r) => r.data);

/** The account's price for one product (price lists, tiers), from the pricing trial calculation. */
export const priceProduct = (body: JsonBody<'/api/v1/pricing/calculate', 'post'>) =>
  apiFetch<{ data: Schemas['PricingResult'] }>('/api/v1/pricing/calculate', { method: 'POST', body }).then(
    (r) => r.data.lines.find((l) => l.line_index === 0 && l.parent_position === null) ?? null,
  );

export const useOrder = (id: string) =>
  useQuery({ queryKey: cashKeys.order(id), queryFn: () => fetchOrder(id) });

const isMoney = (v: unknown): v is Money =>
  typeof v === 'object' && v !== null && 'amount' in v && 'currency' in v && typeof v.amount === 'number';
const str = (v: unknown): string | null => (typeof v === 'string' && v ? v : null);
const PRODUCT_TYPES: readonly string[] = ['subscription', 'one_time', 'service'] satisfies ProductType[];
const isProductType = (v: unknown): v is ProductType => typeof v === 'string' && PRODUCT_TYPES.includes(v);

/** A product record as the order grid needs it; null for a record that is not a sellable product. */
export function lineProductOf(r: RecordData): LineProduct | null {
  if (!isProductType(r.type)) return null;
  return {
    id: r.id,
    sku: str(r.sku) ?? '',
    name: str(r.name) ?? '',
    type: r.type,
    unit: str(r.unit),
    listPrice: isMoney(r.list_price) ? r.list_price : null,
  };
}

/**
 * Active products matching a name or SKU (the list API's search over the product's search
 * fields), for the line picker.
 */
export const searchProducts = (q: string) =>
  listRecords('product', {
    filter: [{ field: 'active', op: 'eq', value: 'true' }],
    q: q || undefined,
    sort: q ? undefined : 'sku',
    limit: 20,
  }).then((r) => r.data.flatMap((x) => lineProductOf(x) ?? []));

/** Whether the catalog has any product at all (an empty one needs a different hint). */
export const useHasProducts = () =>
  useQuery({
    queryKey: cashKeys.anyProduct,
    queryFn: () => listRecords('product', { filter: [], limit: 1 }).then((r) => r.data.length > 0),
  });

export const fetchAccountOrders = (accountId: string) =>
  listRecords('order', {
    filter: [{ field: 'account_id', op: 'eq', value: accountId }],
    sort: '-order_date',
    limit: 5,
    count: true,
  });
