import { useQuery } from '@tanstack/react-query';
import { apiFetch } from '../api/http-client';
import { getRecord, listRecords } from '../api/endpoints';
import type { components } from '../api/schema';
import type { JsonBody } from '../api/types';
import type { ItemPayload } from './price-list-logic';

/** Price lists (a generic object), their items and tiers, and the trial calculation (docs/API.md §18.2). */
type Schemas = components['schemas'];
export type PriceListItem = Schemas['PriceListItem'];
export type PricingResult = Schemas['PricingResult'];
export type PricedLine = PricingResult['lines'][number];
export type PricingRequest = JsonBody<'/api/v1/pricing/calculate', 'post'>;

const enc = encodeURIComponent;

export const priceListKeys = {
  // under 'records/price_list' so generic record writes refresh these screens too
  lists: ['records', 'price_list', 'editor-list'] as const,
  list: (id: string) => ['records', 'price_list', 'editor-one', id] as const,
  items: (id: string) => ['records', 'price_list', 'items', id] as const,
  settings: ['pricing', 'settings'] as const,
};

/** Every price list, the most important first (lower priority number), with the account's name. */
export const fetchPriceLists = () =>
  listRecords('price_list', { filter: [], sort: 'priority,name', limit: 200, expand: ['account_id'] }).then(
    (r) => r.data,
  );

export const usePriceLists = () => useQuery({ queryKey: priceListKeys.lists, queryFn: fetchPriceLists });

export const usePriceList = (id: string) =>
  useQuery({ queryKey: priceListKeys.list(id), queryFn: () => getRecord('price_list', id, ['account_id']) });

export const fetchItems = (id: string) =>
  apiFetch<{ data: PriceListItem[] }>(`/api/v1/price-lists/${enc(id)}/items`).then((r) => r.data);

export const useItems = (id: string) =>
  useQuery({ queryKey: priceListKeys.items(id), queryFn: () => fetchItems(id) });

/** Replaces every item (the list's `version` as last read: a concurrent change answers 409). */
export const saveItems = (id: string, body: { version?: number; items: ItemPayload[] }) =>
  apiFetch<{ data: PriceListItem[] }>(`/api/v1/price-lists/${enc(id)}/items`, { method: 'PUT', body }).then(
    (r) => r.data,
  );

export const usePricingSettings = () =>
  useQuery({
    queryKey: priceListKeys.settings,
    queryFn: () =>
      apiFetch<{ data: Schemas['PricingSettings'] }>('/api/v1/pricing/settings').then((r) => r.data),
    staleTime: 60_000,
  });

/** Trial calculation: saves nothing. */
export const calculate = (body: PricingRequest) =>
  apiFetch<{ data: PricingResult }>('/api/v1/pricing/calculate', { method: 'POST', body }).then(
    (r) => r.data,
  );
