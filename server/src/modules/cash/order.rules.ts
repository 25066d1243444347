import type { FieldIssue } from '../../platform/http/errors.ts';

export type ProductType = 'subscription' | 'one_time' | 'service';

export interface OrderLineInput {
  product_id: string;
  quantity: number;
  unit_price: number;
  discount?: number | undefined;
  amount: number;
  service_start?: string | null | undefined;
  service_end?: string | null | undefined;
}

export interface ProductFacts {
  type: ProductType;
  active: boolean;
}

export interface CheckedLine extends OrderLineInput {
  product_type: ProductType;
  discount: number;
  service_start: string | null;
  service_end: string | null;
}

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

/** A real calendar date written YYYY-MM-DD (2026-02-30 is not one). */
export function isIsoDate(s: string): boolean {
  if (!DATE_RE.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

/** Up to `digits` decimals: quantities keep 4 (0.5 year, 2.25 days), percentages 2. */
export function hasAtMostDecimals(n: number, digits: number): boolean {
  const scaled = n * 10 ** digits;
  return Math.abs(scaled - Math.round(scaled)) < 1e-6;
}

/**
 * Checks order lines against the products they sell. A line's `amount` is what was signed and is
 * kept as given (negotiated totals need not equal quantity × price); everything else about it must
 * make sense: subscription lines carry a service period (that is what ARR is booked from), other
 * lines may carry one, and an inactive product cannot be sold on a new order.
 */
export function checkOrderLines(
  lines: OrderLineInput[],
  products: ReadonlyMap<string, ProductFacts>,
  opts: { allowInactive: boolean },
): { lines: CheckedLine[]; issues: FieldIssue[] } {
  const issues: FieldIssue[] = [];
  if (!lines.length) issues.push({ field: 'lines', issue: 'lines_required' });
  const out: CheckedLine[] = [];
  lines.forEach((l, i) => {
    const at = (f: string): string => `lines[${i}].${f}`;
    const p = products.get(l.product_id);
    if (!p) issues.push({ field: at('product_id'), issue: 'invalid_reference' });
    else if (!p.active && !opts.allowInactive)
      issues.push({ field: at('product_id'), issue: 'product_inactive' });
    if (!(l.quantity > 0))
      issues.push({ field: at('quantity'), issue: 'too_small', params: { min: 0.0001 } });
    else if (!hasAtMostDecimals(l.quantity, 4))
      issues.push({ field: at('quantity'), issue: 'invalid_value' });
    const discount = l.discount ?? 0;
    if (discount < 0 || discount > 100 || !hasAtMostDecimals(discount, 2))
      issues.push({ field: at('discount'), issue: 'invalid_value' });
    const start = l.service_start ?? null;
    const end = l.service_end ?? null;
    for (const [f, v] of [
      ['service_start', start],
      ['service_end', end],
    ] as const)
      if (v !== null && !isIsoDate(v)) issues.push({ field: at(f), issue: 'invalid_date' });
    if (p?.type === 'subscription' && (start === null || end === null))
      issues.push({
        field: at(start === null ? 'service_start' : 'service_end'),
        issue: 'service_period_required',
      });
    else if ((start === null) !== (end === null))
      issues.push({ field: at(start === null ? 'service_start' : 'service_end'), issue: 'required' });
    if (start !== null && end !== null && isIsoDate(start) && isIsoDate(end) && start > end)
      issues.push({ field: at('service_end'), issue: 'period_order' });
    if (p) out.push({ ...l, product_type: p.type, discount, service_start: start, service_end: end });
  });
  return { lines: out, issues };
}

/** The order's amount: the sum of its lines (integers, so exact). */
export function orderAmount(lines: ReadonlyArray<{ amount: number }>): number {
  return lines.reduce((s, l) => s + l.amount, 0);
}
