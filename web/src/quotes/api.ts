import { apiFetch } from '../api/http-client';
import type { components } from '../api/schema';
import type { JsonBody } from '../api/types';
import type { QuoteLinePayload } from './quote-logic';

/** Answers and bodies of the quotes API (docs/API.md §18.4), generated from its OpenAPI document. */
type Schemas = components['schemas'];
export type QuoteWithLines = Schemas['QuoteWithLines'];
export type QuoteLine = Schemas['QuoteLine'];
export type QuoteSubmitResult = Schemas['QuoteSubmitResult'];
export type PricingResult = Schemas['PricingResult'];
export type QuoteCreateRequest = Omit<Schemas['QuoteCreateBodyInput'], 'lines'> & {
  lines: QuoteLinePayload[];
};
export type QuoteAcceptRequest = NonNullable<Schemas['QuoteAcceptBodyInput']> & { confirm_order?: boolean };
export type PricingRequest = Omit<JsonBody<'/api/v1/pricing/calculate', 'post'>, 'lines'> & {
  lines: QuoteLinePayload[];
};

const base = '/api/v1/quotes';
const enc = encodeURIComponent;

export const quoteKeys = {
  // under 'records/quote' so generic record writes refresh the quote page too
  quote: (id: string) => ['records', 'quote', 'with-lines', id] as const,
  versions: (id: string) => ['records', 'quote', 'versions', id] as const,
};

type One = { data: QuoteWithLines };

export const createQuote = (body: QuoteCreateRequest) =>
  apiFetch<One>(base, { method: 'POST', body }).then((r) => r.data);
export const fetchQuote = (id: string) => apiFetch<One>(`${base}/${enc(id)}`).then((r) => r.data);
export const replaceQuoteLines = (
  id: string,
  body: { version?: number; header_discount?: string | null; lines: QuoteLinePayload[] },
) => apiFetch<One>(`${base}/${enc(id)}/lines`, { method: 'PUT', body }).then((r) => r.data);
export const newQuoteVersion = (id: string, version: number) =>
  apiFetch<One>(`${base}/${enc(id)}/new-version`, { method: 'POST', body: { version } }).then((r) => r.data);
export const fetchQuoteVersions = (id: string) =>
  apiFetch<{ data: QuoteWithLines[] }>(`${base}/${enc(id)}/versions`).then((r) => r.data);
export const submitQuote = (id: string, version: number) =>
  apiFetch<{ data: QuoteSubmitResult }>(`${base}/${enc(id)}/submit`, {
    method: 'POST',
    body: { version },
  }).then((r) => r.data);
export const sendQuote = (id: string, version: number) =>
  apiFetch<One>(`${base}/${enc(id)}/send`, { method: 'POST', body: { version } }).then((r) => r.data);
export const acceptQuote = (id: string, body: QuoteAcceptRequest) =>
  apiFetch<One>(`${base}/${enc(id)}/accept`, { method: 'POST', body }).then((r) => r.data);
export const quotePdfUrl = (id: string) => `${base}/${enc(id)}/pdf?download=true`;

/** Trial calculation: saves nothing (docs/API.md §18.2). */
export const calculatePricing = (body: PricingRequest) =>
  apiFetch<{ data: PricingResult }>('/api/v1/pricing/calculate', { method: 'POST', body }).then(
    (r) => r.data,
  );
