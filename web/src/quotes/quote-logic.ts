// Pure rules of the quote builder: the editable line, the request body, which actions a status
// offers and when a discount deserves a second look. No React, no I/O (quote-logic.test.ts).
import type { LineProduct } from '../cash/order-logic';

export type QuoteStatus =
  'draft' | 'in_approval' | 'approved' | 'rejected' | 'sent' | 'accepted' | 'expired' | 'superseded';

export interface QuoteLineDraft {
  key: string;
  product: LineProduct | null;
  /** decimal text as typed, so 0.1 stays 0.1 */
  quantity: string;
  /** percent 0–100 as typed; '' = none */
  discount: string;
  serviceStart: string | null;
  serviceEnd: string | null;
  /** a bundle's chosen options, kept as saved (the grid does not edit them) */
  options?: BundleOption[];
}

export type BundleOption = string | { product_id: string; quantity?: number | string | null };

export interface QuoteLinePayload {
  product_id: string;
  quantity: string;
  discount?: string;
  service_start?: string;
  service_end?: string;
  options?: BundleOption[];
}

let seq = 0;
export function newQuoteLine(): QuoteLineDraft {
  seq += 1;
  return { key: `q${seq}`, product: null, quantity: '1', discount: '', serviceStart: null, serviceEnd: null };
}

/**
 * Lines the server can price: a line without a product is still being typed and is left out,
 * blank cells are omitted rather than guessed, so the server names what is missing.
 */
export function quoteLinesPayload(lines: QuoteLineDraft[]): QuoteLinePayload[] {
  return lines.flatMap((l) => {
    if (!l.product) return [];
    const p: QuoteLinePayload = { product_id: l.product.id, quantity: l.quantity.trim() };
    if (l.discount.trim() !== '') p.discount = l.discount.trim();
    if (l.serviceStart) p.service_start = l.serviceStart;
    if (l.serviceEnd) p.service_end = l.serviceEnd;
    if (l.options && l.options.length > 0) p.options = l.options;
    return [p];
  });
}

/** Line discounts from this percent up are highlighted (they usually need an approval). */
export const LARGE_DISCOUNT = 20;

export function isLargeDiscount(
  discount: string | number | null | undefined,
  threshold = LARGE_DISCOUNT,
): boolean {
  if (discount === null || discount === undefined || discount === '') return false;
  const n = typeof discount === 'number' ? discount : Number(discount);
  return Number.isFinite(n) && n >= threshold;
}

export type QuoteAction = 'save' | 'submit' | 'send' | 'accept' | 'newVersion' | 'pdf';

/** What each status lets the user do (the server refuses the rest with 409). */
export function quoteActions(status: QuoteStatus | null): QuoteAction[] {
  switch (status) {
    case null:
      return ['save'];
    case 'draft':
      return ['save', 'submit', 'newVersion', 'pdf'];
    case 'approved':
      return ['send', 'accept', 'newVersion', 'pdf'];
    case 'sent':
      return ['accept', 'newVersion', 'pdf'];
    case 'rejected':
    case 'expired':
      return ['newVersion', 'pdf'];
    default:
      return ['pdf'];
  }
}

export function isQuoteStatus(v: unknown): v is QuoteStatus {
  return (
    typeof v === 'string' &&
    ['draft', 'in_approval', 'approved', 'rejected', 'sent', 'accepted', 'expired', 'superseded'].includes(v)
  );
}

/** Lines are edited only on a draft (or before the first save). */
export const editable = (status: QuoteStatus | null): boolean => status === null || status === 'draft';

/**
 * The opportunity's name for the quote page's breadcrumb, from the expanded lookup. Undefined
 * when there is none to show (the reader may not see it): the page says "opportunity" instead.
 * While the name is on its way an ellipsis, so the generic word does not flash first.
 */
export function opportunityCrumb(
  ref: { id?: string; name?: string | null } | null | undefined,
  isLoading: boolean,
): string | undefined {
  const name = ref?.name?.trim();
  if (name) return name;
  return isLoading ? '…' : undefined;
}
