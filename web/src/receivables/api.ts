import { useQuery } from '@tanstack/react-query';
import { apiFetch, ApiError, buildQuery, readCsrfToken, type ErrorDetail } from '../api/http-client';
import { listRecords } from '../api/endpoints';
import type { components } from '../api/schema';
import type { JsonBody, Locale } from '../api/types';

/** Answers and bodies of the receivables API (docs/API.md §18), generated from its OpenAPI document. */
type Schemas = components['schemas'];

export type Plan = Schemas['PaymentPlanWithInstalments'];
export type Instalment = Schemas['PaymentInstalment'];
export type InstalmentStatus = Instalment['status'];
export type Payment = Schemas['PaymentWithAllocations'];
export type RecordedPayment = Schemas['RecordedPayment'];
export type Invoice = Schemas['InvoiceWithReconciliations'];
export type AccountReceivables = Schemas['AccountReceivables'];
export type AgingReport = Schemas['AgingReport'];
export type StatementImport = Schemas['StatementImport'];
export type PlanCreateBody = JsonBody<'/api/v1/payment-plans', 'post'>;
export type PaymentCreateBody = JsonBody<'/api/v1/payments', 'post'>;
export type PaymentMethod = NonNullable<PaymentCreateBody['method']>;
export type InvoiceApplyBody = JsonBody<'/api/v1/invoices', 'post'>;
export type InvoiceIssueBody = JsonBody<'/api/v1/invoices/{id}/issue', 'post'>;
export type Allocation = { instalment_id: string; amount: number };

const enc = encodeURIComponent;

// Under 'records/<object>' so generic record writes refresh these views too (and ours theirs).
export const rcvKeys = {
  orderPlan: (orderId: string) => ['records', 'payment_plan', 'of-order', orderId] as const,
  account: (accountId: string) => ['records', 'payment_plan', 'of-account', accountId] as const,
  payment: (id: string) => ['records', 'payment', 'with-allocations', id] as const,
  payments: (params: object) => ['records', 'payment', 'receivables-list', params] as const,
  invoices: (params: object) => ['records', 'invoice', 'receivables-list', params] as const,
  aging: (asOf: string, groupBy: string) => ['records', 'payment_plan', 'aging', asOf, groupBy] as const,
};
/** Everything a receivables write may change: plans, payments, invoices, aging, account 360. */
export const RECEIVABLES_SCOPE = [
  ['records', 'payment_plan'],
  ['records', 'payment'],
  ['records', 'invoice'],
] as const;

const data = <T>(p: Promise<{ data: T }>) => p.then((r) => r.data);

// --- plans ---
export const createPlan = (body: PlanCreateBody) =>
  data(apiFetch<{ data: Plan }>('/api/v1/payment-plans', { method: 'POST', body }));
export const fetchPlan = (id: string) => data(apiFetch<{ data: Plan }>(`/api/v1/payment-plans/${enc(id)}`));

/** The live plan of an order (at most one per order), or null. */
export async function fetchOrderPlan(orderId: string): Promise<Plan | null> {
  const list = await listRecords('payment_plan', {
    filter: [{ field: 'order_id', op: 'eq', value: orderId }],
    limit: 1,
  });
  const first = list.data[0];
  return first ? fetchPlan(first.id) : null;
}
export const useOrderPlan = (orderId: string, enabled = true) =>
  useQuery({ queryKey: rcvKeys.orderPlan(orderId), queryFn: () => fetchOrderPlan(orderId), enabled });

export const fetchAccountReceivables = (accountId: string) =>
  data(apiFetch<{ data: AccountReceivables }>(`/api/v1/accounts/${enc(accountId)}/receivables`));
export const useAccountReceivables = (accountId: string | null, enabled = true) =>
  useQuery({
    queryKey: rcvKeys.account(accountId ?? ''),
    queryFn: () => fetchAccountReceivables(accountId ?? ''),
    enabled: enabled && !!accountId,
  });

// --- payments ---
export const recordPayment = (body: PaymentCreateBody) =>
  data(apiFetch<{ data: RecordedPayment }>('/api/v1/payments', { method: 'POST', body }));
export const fetchPayment = (id: string) => data(apiFetch<{ data: Payment }>(`/api/v1/payments/${enc(id)}`));
export const allocatePayment = (id: string, allocations: Allocation[], version?: number) =>
  data(
    apiFetch<{ data: Payment }>(`/api/v1/payments/${enc(id)}/allocate`, {
      method: 'POST',
      body: { allocations, version },
    }),
  );
export const refundPayment = (id: string, amount: number, reason: string | null, version?: number) =>
  data(
    apiFetch<{ data: Payment }>(`/api/v1/payments/${enc(id)}/refund`, {
      method: 'POST',
      body: { amount, reason, version },
    }),
  );

/**
 * Uploads a bank statement with upload progress (fetch cannot report it, so XMLHttpRequest).
 * `dryRun` checks and matches every row, then rolls back: the answer shows what would happen.
 */
export function importStatement(
  file: File,
  dryRun: boolean,
  locale: Locale,
  onProgress: (percent: number) => void,
): Promise<StatementImport> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `/api/v1/payments/import${buildQuery({ dry_run: dryRun ? 'true' : undefined })}`);
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.setRequestHeader('Accept-Language', locale);
    xhr.setRequestHeader('X-CSRF-Token', readCsrfToken());
    xhr.withCredentials = true;
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress(Math.round((e.loaded / e.total) * 100));
    };
    xhr.onerror = () => reject(new ApiError(0, 'network', '', []));
    xhr.onload = () => {
      let body: unknown = null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        body = null;
      }
      if (xhr.status >= 200 && xhr.status < 300 && isDataOf(body)) resolve(body.data);
      else if (isErrorBody(body))
        reject(
          new ApiError(
            xhr.status,
            body.error.code,
            body.error.message,
            body.error.details ?? [],
            body.error.key,
          ),
        );
      else reject(new ApiError(xhr.status, 'internal', xhr.statusText, []));
    };
    const form = new FormData();
    form.append('file', file);
    xhr.send(form);
  });
}

function isDataOf(v: unknown): v is { data: StatementImport } {
  return typeof v === 'object' && v !== null && 'data' in v && typeof v.data === 'object' && v.data !== null;
}
function isErrorBody(
  v: unknown,
): v is { error: { code: string; message: string; details?: ErrorDetail[]; key?: string } } {
  return (
    typeof v === 'object' && v !== null && 'error' in v && typeof v.error === 'object' && v.error !== null
  );
}

/** Payments with money not yet matched (the matching screen's left column), newest first. */
export const fetchOpenPayments = () =>
  listRecords('payment', {
    filter: [{ field: 'status', op: 'in', value: 'unmatched,partially_matched' }],
    sort: '-received_date',
    expand: ['account_id'],
    limit: 100,
  });

// --- invoices ---
export const applyInvoice = (body: InvoiceApplyBody) =>
  data(apiFetch<{ data: Invoice }>('/api/v1/invoices', { method: 'POST', body }));
export const issueInvoice = (id: string, body: InvoiceIssueBody) =>
  data(apiFetch<{ data: Invoice }>(`/api/v1/invoices/${enc(id)}/issue`, { method: 'POST', body }));
export const voidInvoice = (id: string, reason: string | null, version?: number) =>
  data(
    apiFetch<{ data: Invoice }>(`/api/v1/invoices/${enc(id)}/void`, {
      method: 'POST',
      body: { reason, version },
    }),
  );
export const creditInvoice = (id: string, body: InvoiceIssueBody) =>
  data(apiFetch<{ data: Invoice }>(`/api/v1/invoices/${enc(id)}/credit`, { method: 'POST', body }));
export const reconcileInvoice = (id: string, paymentId: string, amount: number) =>
  data(
    apiFetch<{ data: Invoice }>(`/api/v1/invoices/${enc(id)}/reconcile`, {
      method: 'POST',
      body: { payment_id: paymentId, amount },
    }),
  );

// --- aging ---
export const fetchAging = (asOf: string, groupBy: 'account' | 'owner') =>
  data(
    apiFetch<{ data: AgingReport }>(
      `/api/v1/receivables/aging${buildQuery({ as_of: asOf, group_by: groupBy })}`,
    ),
  );
