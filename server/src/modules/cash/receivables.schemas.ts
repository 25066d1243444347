import { z } from 'zod';
import { Money, RecordData, timestamp } from '../../platform/http/response-schemas.ts';

const minor = z.number().int().describe('minor units (fen)');
const date = z.string().describe('YYYY-MM-DD');
const uuid = z.string();

export const Instalment = z
  .strictObject({
    id: uuid,
    plan_id: uuid,
    seq: z.number().int(),
    number: z.string().describe('<plan number>-<seq>: what a bank reference may quote'),
    due_date: date,
    amount: minor,
    paid_amount: minor,
    open_amount: minor,
    percent: z.number().nullable(),
    note: z.string().nullable(),
    status: z.enum(['planned', 'partially_paid', 'paid', 'overdue']).describe('as of today'),
    reminded_before_at: timestamp.nullable(),
    reminded_after_at: timestamp.nullable(),
  })
  .meta({ id: 'PaymentInstalment' });

export const PaymentPlanWithInstalments = RecordData.extend({ instalments: z.array(Instalment) }).meta({
  id: 'PaymentPlanWithInstalments',
  description: 'A payment_plan record with its instalments',
});

export const PaymentAllocation = z
  .strictObject({
    id: uuid,
    payment_id: uuid,
    instalment_id: uuid,
    instalment_number: z.string(),
    plan_id: uuid,
    amount: minor,
    created_at: timestamp,
  })
  .meta({ id: 'PaymentAllocation' });

const MatchResult = z
  .strictObject({
    method: z.enum(['reference', 'amount', 'oldest', 'manual', 'none']),
    allocations: z.array(z.strictObject({ instalment_id: uuid, amount: minor })),
    credit: minor.describe('left over: the customer credit'),
    matched_numbers: z.array(z.string()),
  })
  .meta({ id: 'PaymentMatch' });

export const PaymentWithAllocations = RecordData.extend({
  allocations: z.array(PaymentAllocation),
  credit_balance: z.array(Money).describe("the account's credit per currency"),
}).meta({ id: 'PaymentWithAllocations', description: 'A payment record with its allocations' });

export const RecordedPayment = PaymentWithAllocations.extend({ match: MatchResult }).meta({
  id: 'RecordedPayment',
  description: 'The payment just recorded and how it was matched',
});

export const InvoiceWithReconciliations = RecordData.extend({
  reconciliations: z.array(
    z.strictObject({
      id: uuid,
      payment_id: uuid,
      payment_number: z.string(),
      amount: minor,
      created_at: timestamp,
    }),
  ),
}).meta({ id: 'InvoiceWithReconciliations', description: 'An invoice record with the payments reconciled' });

export const AccountReceivables = z
  .strictObject({
    account_id: uuid,
    as_of: date,
    credit: z.array(Money),
    outstanding: z.array(z.strictObject({ currency: z.string(), amount: minor, overdue: minor })),
    plans: z.array(PaymentPlanWithInstalments),
    payments: z.array(RecordData.extend({ allocations: z.array(PaymentAllocation) })),
    invoices: z.array(RecordData),
  })
  .meta({ id: 'AccountReceivables' });

const bucketShape = {
  current: minor.describe('not yet past due (due on as_of included)'),
  d1_30: minor.describe('1–30 days past due'),
  d31_60: minor,
  d61_90: minor,
  d91_plus: minor.describe('more than 90 days past due'),
  total: minor,
  overdue: minor.describe('all but current'),
};

export const AgingReport = z
  .strictObject({
    as_of: date,
    group_by: z.enum(['account', 'owner']),
    buckets: z.array(z.string()),
    rows: z.array(
      z.strictObject({
        group_id: uuid.nullable(),
        group_name: z.string().nullable(),
        currency: z.string(),
        ...bucketShape,
      }),
    ),
    totals: z.array(z.strictObject({ currency: z.string(), ...bucketShape })),
  })
  .meta({ id: 'AgingReport' });

export const StatementImport = z
  .strictObject({
    dry_run: z.boolean(),
    rows: z.array(
      z.strictObject({
        row: z.number().int().describe('row number in the file (header = 1)'),
        payment_id: uuid.nullable(),
        number: z.string().nullable(),
        account_id: uuid,
        amount: minor,
        currency: z.string(),
        match_method: z.string(),
        allocated: minor,
        credit: minor,
      }),
    ),
  })
  .meta({ id: 'StatementImport' });

export const ReminderSettings = z
  .strictObject({
    remindBeforeDays: z
      .number()
      .int()
      .nullable()
      .describe('0–60 days before the due date; null = no reminder'),
    remindAfterDays: z
      .array(z.number().int())
      .describe('1–365 days after the due date, each once (at most 10)'),
  })
  .meta({ id: 'ReceivablesReminderSettings' });

// --- request bodies (documentation: the services validate them and name every bad field) ---

const instalmentInput = z.strictObject({
  due_date: date,
  amount: minor.optional().describe('either amount (every instalment) …'),
  percent: z
    .number()
    .optional()
    .describe('… or percent of the plan amount (every instalment), up to 4 decimals'),
  note: z.string().nullish(),
});

export const PlanCreateBody = z.strictObject({
  contract_id: uuid.optional().describe('exactly one of contract_id and order_id'),
  order_id: uuid.optional(),
  owner_id: uuid.optional().describe("default: the contract's or order's owner"),
  description: z.string().nullish(),
  instalments: z.array(instalmentInput).describe('due dates ascending; amounts add up to the plan amount'),
});

export const PlanInstalmentsBody = z.strictObject({
  version: z.number().int().optional(),
  instalments: z.array(instalmentInput),
});

const allocationInput = z.strictObject({ instalment_id: uuid, amount: minor });

export const PaymentCreateBody = z.strictObject({
  account_id: uuid,
  received_date: date.optional().describe('default today'),
  amount: minor,
  currency: z.string().optional().describe("default the tenant's currency"),
  method: z.enum(['bank_transfer', 'cheque', 'cash', 'online', 'other']).optional(),
  payer: z.string().nullish(),
  bank_reference: z.string().nullish().describe('quoted document numbers drive automatic matching'),
  description: z.string().nullish(),
  owner_id: uuid.optional(),
  plan_id: uuid.optional().describe('match only within this plan'),
  order_id: uuid.optional().describe("match only within this order's plan"),
  allocations: z.array(allocationInput).optional().describe('a manual split instead of automatic matching'),
});

export const PaymentAllocateBody = z.strictObject({
  version: z.number().int().optional(),
  allocations: z.array(allocationInput).describe("replaces the payment's allocations; [] releases all"),
});

export const PaymentRefundBody = z.strictObject({
  version: z.number().int().optional(),
  amount: minor.describe('at most the unallocated (credit) amount not reconciled with invoices'),
  reason: z.string().nullish(),
});

export const InvoiceApplyBody = z.strictObject({
  account_id: uuid.optional().describe('required without contract_id/order_id'),
  contract_id: uuid.optional(),
  order_id: uuid.optional(),
  amount: minor.describe('tax included'),
  currency: z.string().optional(),
  tax_rate: z.number().optional().describe('percent, default 6'),
  buyer_title: z.string().nullish(),
  buyer_tax_id: z.string().nullish(),
  description: z.string().nullish(),
  owner_id: uuid.optional(),
});

export const InvoiceIssueBody = z.strictObject({
  version: z.number().int().optional(),
  invoice_no: z.string().optional().describe("the tax number; from the tenant's counter when left out"),
  issue_date: date.optional(),
});

export const InvoiceCreditBody = InvoiceIssueBody.extend({
  amount: minor
    .optional()
    .describe(
      'tax included, positive; default: all that is left to credit. Credit notes add up to at most the original',
    ),
});

export const InvoiceVoidBody = z.strictObject({
  version: z.number().int().optional(),
  reason: z.string().nullish(),
});

export const InvoiceReconcileBody = z.strictObject({ payment_id: uuid, amount: minor });
