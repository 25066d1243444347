import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { actorOf, adminOf } from '../../platform/http/auth.hooks.ts';
import { invalid } from '../../platform/http/errors.ts';
import { dataOf, responses } from '../../platform/http/response-schemas.ts';
import { TenantDb } from '../../platform/db/tenant-db.ts';
import type { Platform } from '../../platform/platform.ts';
import { agingReport } from './aging.service.ts';
import type { InvoicesService } from './invoices.service.ts';
import type { PaymentPlansService } from './payment-plans.service.ts';
import { importStatement } from './payments.import.ts';
import type { PaymentsService } from './payments.service.ts';
import { accountReceivables } from './receivables.service.ts';
import { readReminderSettings, saveReminderSettings } from './receivables.jobs.ts';
import {
  AccountReceivables,
  AgingReport,
  InvoiceApplyBody,
  InvoiceCreditBody,
  InvoiceIssueBody,
  InvoiceReconcileBody,
  InvoiceVoidBody,
  InvoiceWithReconciliations,
  PaymentAllocateBody,
  PaymentCreateBody,
  PaymentPlanWithInstalments,
  PaymentRefundBody,
  PaymentWithAllocations,
  PlanCreateBody,
  PlanInstalmentsBody,
  RecordedPayment,
  ReminderSettings,
  StatementImport,
} from './receivables.schemas.ts';

const tags = ['cash'];
const params = z.object({ id: z.string() });
// the services validate bodies themselves so that every bad field is named in one 422
const ownValidation = { validatorCompiler: () => (data: unknown) => ({ value: data }) };

export function registerReceivablesRoutes(
  app: FastifyInstance,
  platform: Platform,
  plans: PaymentPlansService,
  payments: PaymentsService,
  invoices: InvoicesService,
): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const plan = responses({ 200: dataOf(PaymentPlanWithInstalments) });
  const pay = responses({ 200: dataOf(PaymentWithAllocations) });
  const inv = responses({ 200: dataOf(InvoiceWithReconciliations) });

  // --- payment plans ---
  r.post(
    '/api/v1/payment-plans',
    {
      schema: {
        tags,
        summary: 'Create a payment plan with its instalments for a contract or an order (sums checked)',
        body: PlanCreateBody,
        response: responses({ 201: dataOf(PaymentPlanWithInstalments) }),
      },
      ...ownValidation,
    },
    async (req, reply) => reply.code(201).send({ data: await plans.create(actorOf(req), req.body) }),
  );
  r.get(
    '/api/v1/payment-plans/:id',
    { schema: { tags, summary: 'A payment plan with its instalments', params, response: plan } },
    async (req) => ({ data: await plans.get(actorOf(req), req.params.id) }),
  );
  r.put(
    '/api/v1/payment-plans/:id/instalments',
    {
      schema: {
        tags,
        summary: 'Replace the instalments while nothing is paid on the plan (409 plan_has_payments)',
        params,
        body: PlanInstalmentsBody,
        response: plan,
      },
      ...ownValidation,
    },
    async (req) => ({ data: await plans.replaceInstalments(actorOf(req), req.params.id, req.body) }),
  );

  // --- payments ---
  r.post(
    '/api/v1/payments',
    {
      schema: {
        tags,
        summary:
          'Record a payment received; matched automatically (reference, exact amount, oldest first) unless allocations are given',
        body: PaymentCreateBody,
        response: responses({ 201: dataOf(RecordedPayment) }),
      },
      ...ownValidation,
    },
    async (req, reply) => reply.code(201).send({ data: await payments.record(actorOf(req), req.body) }),
  );
  r.post(
    '/api/v1/payments/import',
    {
      schema: {
        tags,
        summary:
          'Import a bank statement (CSV/XLSX, multipart field `file`; columns date, amount, payer, reference): all rows or none',
        querystring: z.object({ dry_run: z.enum(['true', 'false']).optional() }),
        consumes: ['multipart/form-data'],
        response: responses({ 200: dataOf(StatementImport) }),
      },
    },
    async (req) => {
      if (!req.isMultipart()) throw invalid([{ field: 'file', issue: 'required' }]);
      const file = await req.file();
      if (!file) throw invalid([{ field: 'file', issue: 'required' }]);
      return {
        data: await importStatement(
          payments,
          actorOf(req),
          file.filename,
          file.file,
          () => file.file.truncated,
          req.query.dry_run === 'true',
        ),
      };
    },
  );
  r.get(
    '/api/v1/payments/:id',
    { schema: { tags, summary: 'A payment with its allocations', params, response: pay } },
    async (req) => ({ data: await payments.get(actorOf(req), req.params.id) }),
  );
  r.post(
    '/api/v1/payments/:id/allocate',
    {
      schema: {
        tags,
        summary: "Manual split: replaces the payment's allocations; what is left is the customer's credit",
        params,
        body: PaymentAllocateBody,
        response: pay,
      },
      ...ownValidation,
    },
    async (req) => ({ data: await payments.allocate(actorOf(req), req.params.id, req.body) }),
  );
  r.post(
    '/api/v1/payments/:id/refund',
    {
      schema: {
        tags,
        summary: 'Refund unallocated money of a payment (release allocations first to refund more)',
        params,
        body: PaymentRefundBody,
        response: pay,
      },
      ...ownValidation,
    },
    async (req) => ({ data: await payments.refund(actorOf(req), req.params.id, req.body) }),
  );

  // --- receivables views ---
  r.get(
    '/api/v1/accounts/:id/receivables',
    {
      schema: {
        tags,
        summary: "An account's payment plans, instalments, payments, invoices and credit (account 360)",
        params,
        response: responses({ 200: dataOf(AccountReceivables) }),
      },
    },
    async (req) => {
      const actor = actorOf(req);
      return {
        data: await accountReceivables(
          platform,
          TenantDb.for(platform.db, actor.tenantId),
          actor,
          req.params.id,
        ),
      };
    },
  );
  r.get(
    '/api/v1/receivables/aging',
    {
      schema: {
        tags,
        summary: 'AR aging on a date: open instalment amounts by days past due, per account or owner',
        querystring: z.object({
          as_of: z.string().optional().describe('YYYY-MM-DD, default today'),
          group_by: z.enum(['account', 'owner']).optional(),
        }),
        response: responses({ 200: dataOf(AgingReport) }),
      },
    },
    async (req) => ({
      data: await agingReport(platform.db, actorOf(req), {
        as_of: req.query.as_of,
        group_by: req.query.group_by,
      }),
    }),
  );

  r.get(
    '/api/v1/receivables/settings',
    {
      schema: {
        tags,
        summary: 'Reminder offsets of the cash.receivables job (days before / after the due date)',
        response: responses({ 200: dataOf(ReminderSettings) }),
      },
    },
    async (req) => ({ data: await readReminderSettings(platform.db, actorOf(req)) }),
  );
  r.put(
    '/api/v1/receivables/settings',
    {
      schema: {
        tags,
        summary: 'Replace the reminder offsets (admin)',
        body: ReminderSettings,
        response: responses({ 200: dataOf(ReminderSettings) }),
      },
      ...ownValidation,
    },
    async (req) => ({ data: await saveReminderSettings(platform.db, adminOf(req), req.body) }),
  );

  // --- invoices ---
  r.post(
    '/api/v1/invoices',
    {
      schema: {
        tags,
        summary: 'Apply for an invoice (status applied; at most the contract/order amount not yet invoiced)',
        body: InvoiceApplyBody,
        response: responses({ 201: dataOf(InvoiceWithReconciliations) }),
      },
      ...ownValidation,
    },
    async (req, reply) => reply.code(201).send({ data: await invoices.apply(actorOf(req), req.body) }),
  );
  r.get(
    '/api/v1/invoices/:id',
    { schema: { tags, summary: 'An invoice with the payments reconciled with it', params, response: inv } },
    async (req) => ({ data: await invoices.get(actorOf(req), req.params.id) }),
  );
  r.post(
    '/api/v1/invoices/:id/submit',
    {
      schema: {
        tags,
        summary:
          'Send an applied invoice (rejected, returned or withdrawn, or applied before a process existed) to approval',
        params,
        response: inv,
      },
    },
    async (req) => ({ data: await invoices.submit(actorOf(req), req.params.id) }),
  );
  r.post(
    '/api/v1/invoices/:id/issue',
    {
      schema: {
        tags,
        summary: 'Issue an applied invoice: tax number (invoice_no) and issue date',
        params,
        body: InvoiceIssueBody,
        response: inv,
      },
      ...ownValidation,
    },
    async (req) => ({ data: await invoices.issue(actorOf(req), req.params.id, req.body) }),
  );
  r.post(
    '/api/v1/invoices/:id/void',
    {
      schema: {
        tags,
        summary: 'Void (作废) an invoice no payment is reconciled with (409 invoice_reconciled otherwise)',
        params,
        body: InvoiceVoidBody,
        response: inv,
      },
      ...ownValidation,
    },
    async (req) => ({ data: await invoices.void(actorOf(req), req.params.id, req.body) }),
  );
  r.post(
    '/api/v1/invoices/:id/credit',
    {
      schema: {
        tags,
        summary:
          'Red-letter (红字) credit invoice for all or part of an issued invoice: negative amounts; the original becomes reversed once fully credited. Answers the credit invoice',
        params,
        body: InvoiceCreditBody,
        response: inv,
      },
      ...ownValidation,
    },
    async (req) => ({ data: await invoices.credit(actorOf(req), req.params.id, req.body) }),
  );
  r.post(
    '/api/v1/invoices/:id/reconcile',
    {
      schema: {
        tags,
        summary: 'Reconcile (核销) part of a payment with an issued invoice',
        params,
        body: InvoiceReconcileBody,
        response: inv,
      },
      ...ownValidation,
    },
    async (req) => ({ data: await invoices.reconcile(actorOf(req), req.params.id, req.body) }),
  );
}
