// Pure rules of quotes (DOMAIN.md §4): the status machine, what a version may still change,
// validity dates, the order lines an accepted quote becomes, and the PDF's labels and number
// formats. No I/O.
import type { FieldIssue } from '../../platform/http/errors.ts';
import { fromMinorUnits } from '../../platform/metadata/values.rules.ts';

export const QUOTE_STATUS_VALUES = [
  'draft',
  'in_approval',
  'approved',
  'rejected',
  'sent',
  'accepted',
  'expired',
  'superseded',
] as const;
export type QuoteStatus = (typeof QUOTE_STATUS_VALUES)[number];
export type QuoteLanguage = 'zh-CN' | 'en-US';

export const isQuoteStatus = (s: unknown): s is QuoteStatus =>
  typeof s === 'string' && (QUOTE_STATUS_VALUES as readonly string[]).includes(s);

/**
 * Allowed moves. Only a draft changes content; approval (or no approval needed) makes it
 * approved, sending makes it sent, the customer's yes makes it accepted. Any version that is not
 * finished may be superseded by a new version of the same quote.
 */
const TRANSITIONS: Record<QuoteStatus, readonly QuoteStatus[]> = {
  draft: ['in_approval', 'approved', 'superseded'],
  // returned or withdrawn approvals give the draft back
  in_approval: ['approved', 'rejected', 'draft'],
  approved: ['sent', 'accepted', 'expired', 'superseded'],
  rejected: ['superseded'],
  sent: ['accepted', 'expired', 'superseded'],
  expired: ['superseded'],
  accepted: [],
  superseded: [],
};

export function canMove(from: QuoteStatus, to: QuoteStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

/** Only a draft's lines, discount and terms change; every other status keeps the version as it is. */
export const isEditable = (s: QuoteStatus): boolean => s === 'draft';

/** A new version clones this one: not while it is being approved, not once accepted or replaced. */
export const canBranch = (s: QuoteStatus): boolean =>
  s !== 'in_approval' && s !== 'accepted' && s !== 'superseded';

/** Fields of the quote record that a non-draft version still takes (its lifecycle, not its content). */
export const LIFECYCLE_FIELDS = new Set([
  'status',
  'submitted_at',
  'approved_at',
  'sent_at',
  'accepted_at',
  'order_id',
  'contract_id',
  // reassigning who follows the quote up changes nothing the customer sees
  'owner_id',
]);

/** The header fields the quote actions compute from the priced lines. */
export const TOTAL_FIELDS = [
  'list_total',
  'subtotal',
  'discount_total',
  'net_total',
  'tax_total',
  'grand_total',
  'cost_total',
  'margin_amount',
] as const;

// ---------------------------------------------------------------------------------------------
// Validity

/** `valid_until` must not lie before today (tenant time zone); the default is today + N days. */
export function validUntilIssue(validUntil: string | null | undefined, today: string): FieldIssue | null {
  if (validUntil === null || validUntil === undefined) return null;
  if (validUntil < today) return { field: 'valid_until', issue: 'date_in_past', params: { today } };
  return null;
}

/** A sent or approved quote whose validity ran out before `asOf` (YYYY-MM-DD). */
export function isLapsed(q: { status: QuoteStatus; valid_until: string | null }, asOf: string): boolean {
  return (q.status === 'sent' || q.status === 'approved') && q.valid_until !== null && q.valid_until < asOf;
}

// ---------------------------------------------------------------------------------------------
// Quote → order

export interface StoredQuoteLine {
  product_id: string;
  product_type: 'subscription' | 'one_time' | 'service';
  quantity: number;
  unit_price: number;
  discount: number;
  net_amount: number;
  service_start: string | null;
  service_end: string | null;
}

export interface OrderLineFromQuote {
  product_id: string;
  quantity: number;
  unit_price: number;
  discount: number;
  amount: number;
  service_start: string | null;
  service_end: string | null;
}

/**
 * The order lines of an accepted quote: the same products, quantities, prices and periods, and as
 * amount what the customer pays before tax (the line's net after its share of the header
 * discount), so the order amount equals the quote's net total to the fen.
 */
export function orderLinesFromQuote(lines: readonly StoredQuoteLine[]): OrderLineFromQuote[] {
  return lines.map((l) => ({
    product_id: l.product_id,
    quantity: l.quantity,
    unit_price: l.unit_price,
    discount: l.discount,
    amount: l.net_amount,
    service_start: l.service_start,
    service_end: l.service_end,
  }));
}

/** Subscription lines without a service period cannot become order lines: caught before sending. */
export function periodIssues(lines: readonly StoredQuoteLine[], path = 'lines'): FieldIssue[] {
  return lines.flatMap((l, i) =>
    l.product_type === 'subscription' && (l.service_start === null || l.service_end === null)
      ? [{ field: `${path}[${i}].service_start`, issue: 'service_period_required' as const }]
      : [],
  );
}

// ---------------------------------------------------------------------------------------------
// PDF wording and formats

export interface PdfLabels {
  title: string;
  number: string;
  version: string;
  date: string;
  validUntil: string;
  customer: string;
  opportunity: string;
  preparedBy: string;
  currency: string;
  colNo: string;
  colProduct: string;
  colQty: string;
  colUnitPrice: string;
  colDiscount: string;
  colAmount: string;
  colTax: string;
  listTotal: string;
  subtotal: string;
  headerDiscount: string;
  discountTotal: string;
  netTotal: string;
  taxTotal: string;
  grandTotal: string;
  servicePeriod: string;
  bundleOf: string;
  notes: string;
  page: string;
}

const PDF_LABELS: Record<QuoteLanguage, PdfLabels> = {
  'zh-CN': {
    title: '报价单',
    number: '报价单号',
    version: '版本',
    date: '报价日期',
    validUntil: '有效期至',
    customer: '客户',
    opportunity: '商机',
    preparedBy: '报价人',
    currency: '币种',
    colNo: '序号',
    colProduct: '产品',
    colQty: '数量',
    colUnitPrice: '单价',
    colDiscount: '折扣',
    colAmount: '金额',
    colTax: '税率',
    listTotal: '标准价合计',
    subtotal: '折后小计',
    headerDiscount: '整单折扣',
    discountTotal: '优惠合计',
    netTotal: '不含税合计',
    taxTotal: '税额',
    grandTotal: '含税总计',
    servicePeriod: '服务期',
    bundleOf: '组合包含',
    notes: '备注',
    page: '第 {n} 页 / 共 {total} 页',
  },
  'en-US': {
    title: 'Quotation',
    number: 'Quote no.',
    version: 'Version',
    date: 'Date',
    validUntil: 'Valid until',
    customer: 'Customer',
    opportunity: 'Opportunity',
    preparedBy: 'Prepared by',
    currency: 'Currency',
    colNo: '#',
    colProduct: 'Product',
    colQty: 'Qty',
    colUnitPrice: 'Unit price',
    colDiscount: 'Discount',
    colAmount: 'Amount',
    colTax: 'Tax',
    listTotal: 'List total',
    subtotal: 'Subtotal',
    headerDiscount: 'Header discount',
    discountTotal: 'Total savings',
    netTotal: 'Net total',
    taxTotal: 'Tax',
    grandTotal: 'Grand total',
    servicePeriod: 'Service period',
    bundleOf: 'Included in bundle',
    notes: 'Notes',
    page: 'Page {n} of {total}',
  },
};

export const pdfLabels = (lang: QuoteLanguage): PdfLabels => PDF_LABELS[lang];

/** Minor units as a grouped decimal: 123456789 CNY → "1,234,567.89". */
export function formatMoney(amount: number, currency: string): string {
  const plain = fromMinorUnits(amount, currency);
  const neg = plain.startsWith('-');
  const [int = '0', frac] = (neg ? plain.slice(1) : plain).split('.');
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${neg ? '-' : ''}${grouped}${frac !== undefined ? `.${frac}` : ''}`;
}

/** A quantity without trailing zeros: 2.5000 → "2.5", 10 → "10". */
export function formatQuantity(q: number): string {
  return String(Number(q.toFixed(4)));
}

/** A percentage without trailing zeros, or empty when 0: 12.50 → "12.5%". */
export function formatPercent(p: number): string {
  return p ? `${Number(p.toFixed(2))}%` : '';
}

/** The PDF's file name: BJ-2026-00001-v2.pdf (numbers are ASCII; the pattern decides the rest). */
export function pdfFileName(number: string, version: number): string {
  return `${number.replace(/[^\w.-]/g, '_')}-v${version}.pdf`;
}
