import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { actorOf } from '../../platform/http/auth.hooks.ts';
import { dataOf, listOf, RecordData, responses } from '../../platform/http/response-schemas.ts';
import { invalid } from '../../platform/http/errors.ts';
import { todayIn } from '../../platform/jobs/dates.rules.ts';
import { checkRange, GROUPS, parseMonth, type MetricsService } from './metrics.service.ts';
import { DUE_BUCKETS, type RenewalsService } from './renewals.service.ts';
import { MOVEMENT_KINDS, type MovementKind } from './movements.rules.ts';
import { monthOf, shiftMonth } from './term.rules.ts';
import {
  AccountSubscriptionsSchema,
  ArrReportSchema,
  CohortSchema,
  DueListRowSchema,
  ExchangeRatesSchema,
  MovementCustomerSchema,
  MovementRowSchema,
  RenewalReportSchema,
  RetentionSchema,
  SubscriptionSettingsSchema,
} from './subscriptions.schemas.ts';

const tags = ['subscriptions'];
// queries are checked by the services / here so that a bad value is a 422 naming its parameter
const passThrough = { validatorCompiler: () => (data: unknown) => ({ value: data }) };
const str = z.string().optional();

function oneOf<T extends string>(v: string | undefined, allowed: readonly T[], field: string): T | undefined {
  if (v === undefined || v === '') return undefined;
  if (!(allowed as readonly string[]).includes(v)) throw invalid([{ field, issue: 'invalid_value' }]);
  return v as T;
}

export function registerSubscriptionRoutes(
  app: FastifyInstance,
  metrics: MetricsService,
  renewals: RenewalsService,
): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const thisMonth = (req: Parameters<typeof actorOf>[0]): string => monthOf(todayIn(actorOf(req).timeZone));

  r.get(
    '/api/v1/metrics/arr',
    {
      schema: {
        tags,
        summary:
          'ARR and MRR on a date (today by default), optionally per owner, department, industry, grade or CSM',
        querystring: z.object({
          as_of: str.describe('YYYY-MM-DD'),
          group_by: str.describe(GROUPS.join(' | ')),
        }),
        response: responses({ 200: dataOf(ArrReportSchema) }),
      },
      ...passThrough,
    },
    async (req) => {
      const q = req.query;
      return {
        data: await metrics.arr(actorOf(req), {
          as_of: q.as_of,
          group_by: oneOf(q.group_by, GROUPS, 'group_by'),
        }),
      };
    },
  );

  r.get(
    '/api/v1/metrics/arr-movements',
    {
      schema: {
        tags,
        summary: 'Monthly ARR movements: start + new + expansion + reactivation − contraction − churn = end',
        querystring: z.object({
          from: str.describe('YYYY-MM (default 11 months ago)'),
          to: str.describe('YYYY-MM (default this month)'),
        }),
        response: responses({ 200: listOf(MovementRowSchema) }),
      },
      ...passThrough,
    },
    async (req) => {
      const to = parseMonth(req.query.to, 'to', thisMonth(req));
      const from = parseMonth(req.query.from, 'from', shiftMonth(to, -11));
      checkRange(from, to, 120);
      return { data: await metrics.movements(actorOf(req), from, to) };
    },
  );

  r.get(
    '/api/v1/metrics/arr-movements/customers',
    {
      schema: {
        tags,
        summary: 'The customers behind a month’s movements (drill-down), biggest change first',
        querystring: z.object({
          month: str.describe('YYYY-MM'),
          kind: str.describe(MOVEMENT_KINDS.join(' | ')),
        }),
        response: responses({ 200: listOf(MovementCustomerSchema) }),
      },
      ...passThrough,
    },
    async (req) => {
      const month = parseMonth(req.query.month, 'month', thisMonth(req));
      const kind = oneOf<MovementKind>(req.query.kind, MOVEMENT_KINDS, 'kind');
      return { data: await metrics.movementCustomers(actorOf(req), month, kind) };
    },
  );

  r.get(
    '/api/v1/metrics/renewals',
    {
      schema: {
        tags,
        summary: 'Renewal rate (续费率) and contract renewal rate (续约率) per due month and in total',
        querystring: z.object({
          from: str.describe('YYYY-MM (default 11 months ago)'),
          to: str.describe('YYYY-MM (default this month)'),
          view: str.describe('business (by order date, default) | finance (by first payment)'),
          group_by: str.describe(GROUPS.join(' | ')),
        }),
        response: responses({ 200: dataOf(RenewalReportSchema) }),
      },
      ...passThrough,
    },
    async (req) => {
      const q = req.query;
      const to = parseMonth(q.to, 'to', thisMonth(req));
      const from = parseMonth(q.from, 'from', shiftMonth(to, -11));
      checkRange(from, to, 120);
      const view = oneOf(q.view, ['business', 'finance'] as const, 'view') ?? 'business';
      return {
        data: await metrics.renewals(actorOf(req), {
          from,
          to,
          view,
          group_by: oneOf(q.group_by, GROUPS, 'group_by'),
        }),
      };
    },
  );

  r.get(
    '/api/v1/metrics/retention',
    {
      schema: {
        tags,
        summary: 'NRR and GRR (trailing 12 months) and logo churn for a month, or for each month from..to',
        querystring: z.object({ month: str.describe('YYYY-MM'), from: str, to: str }),
        response: responses({ 200: listOf(RetentionSchema) }),
      },
      ...passThrough,
    },
    async (req) => {
      const q = req.query;
      const actor = actorOf(req);
      const to = parseMonth(q.to ?? q.month, q.month ? 'month' : 'to', thisMonth(req));
      const from = parseMonth(q.from, 'from', q.month ? to : shiftMonth(to, -11));
      checkRange(from, to, 36);
      const out = [];
      for (let m = from; m <= to; m = shiftMonth(m, 1)) out.push(await metrics.retention(actor, m));
      return { data: out };
    },
  );

  r.get(
    '/api/v1/metrics/cohorts',
    {
      schema: {
        tags,
        summary: 'Customers by month of first ARR and the net ARR they keep at each later month-end',
        querystring: z.object({
          from: str.describe('YYYY-MM (default 11 months ago)'),
          to: str.describe('YYYY-MM'),
        }),
        response: responses({ 200: listOf(CohortSchema) }),
      },
      ...passThrough,
    },
    async (req) => {
      const now = thisMonth(req);
      const to = parseMonth(req.query.to, 'to', now);
      const from = parseMonth(req.query.from, 'from', shiftMonth(to, -11));
      checkRange(from, to, 60);
      return { data: await metrics.cohorts(actorOf(req), from, to, now) };
    },
  );

  r.get(
    '/api/v1/renewals/due',
    {
      schema: {
        tags,
        summary: 'Due-renewal work list: due in 3 months / 1 month and not renewed, or due date passed',
        querystring: z.object({ bucket: str.describe(DUE_BUCKETS.join(' | ')), owner_id: str }),
        response: responses({
          200: dataOf(z.strictObject({ as_of: z.string(), rows: z.array(DueListRowSchema) })),
        }),
      },
      ...passThrough,
    },
    async (req) => {
      const bucket = oneOf(req.query.bucket, DUE_BUCKETS, 'bucket') ?? 'due_3m';
      return { data: await renewals.dueList(actorOf(req), bucket, req.query.owner_id) };
    },
  );

  r.post(
    '/api/v1/renewal-adjustments',
    {
      schema: {
        tags,
        summary:
          'Request an adjustment (应续调整) taking a due renewal out of the renewal rate (goes to approval)',
        body: z.object({
          account_id: z.string(),
          due_date: z.string(),
          reason: z.enum(['acquired', 'duplicate_account', 'migrated_contract', 'other']),
          note: z.string().optional(),
        }),
        response: responses({ 201: dataOf(RecordData) }),
      },
      ...passThrough,
    },
    async (req, reply) =>
      reply.status(201).send({ data: await renewals.createAdjustment(actorOf(req), req.body) }),
  );

  r.get(
    '/api/v1/accounts/:id/subscriptions',
    {
      schema: {
        tags,
        summary: 'The customer’s subscription lines, month-end ARR timeline, due renewals and adjustments',
        params: z.object({ id: z.string() }),
        response: responses({ 200: dataOf(AccountSubscriptionsSchema) }),
      },
    },
    async (req) => ({ data: await renewals.accountSubscriptions(actorOf(req), req.params.id) }),
  );

  r.get(
    '/api/v1/subscriptions/exchange-rates',
    {
      schema: {
        tags,
        summary: 'Exchange rates to the base currency used when booking lines in other currencies',
        response: responses({ 200: dataOf(ExchangeRatesSchema) }),
      },
    },
    async (req) => ({ data: await renewals.listRates(actorOf(req)) }),
  );

  r.put(
    '/api/v1/subscriptions/exchange-rates',
    {
      schema: {
        tags,
        summary: 'Set a rate from a date on (administrators); lines waiting for it are booked',
        body: z.object({ currency: z.string(), effective_date: z.string(), rate: z.string() }),
        response: responses({
          200: dataOf(
            z.strictObject({
              currency: z.string(),
              effective_date: z.string(),
              rate: z.string(),
              booked_orders: z.number().int(),
            }),
          ),
        }),
      },
      ...passThrough,
    },
    async (req) => ({ data: await renewals.putRate(actorOf(req), req.body) }),
  );

  r.get(
    '/api/v1/subscriptions/settings',
    {
      schema: {
        tags,
        summary: 'Renewal grace days and renewal-opportunity lead time',
        response: responses({ 200: dataOf(SubscriptionSettingsSchema) }),
      },
    },
    async (req) => ({ data: await renewals.settings(actorOf(req)) }),
  );

  r.put(
    '/api/v1/subscriptions/settings',
    {
      schema: {
        tags,
        summary: 'Replace the subscription settings (administrators)',
        body: z.object({ renewalGraceDays: z.number(), renewalOpportunityDays: z.number().nullable() }),
        response: responses({ 200: dataOf(SubscriptionSettingsSchema) }),
      },
      ...passThrough,
    },
    async (req) => ({ data: await renewals.saveSettings(actorOf(req), req.body) }),
  );
}
