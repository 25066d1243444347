import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { actorOf } from '../../platform/http/auth.hooks.ts';
import { dataOf, listOf, responses } from '../../platform/http/response-schemas.ts';
import type { PerformanceService } from './performance.service.ts';
import type { CommissionsService } from './commissions.service.ts';
import {
  CommissionStatement,
  MyPerformance,
  OrderCredit,
  OrderSplits,
  OrderSplitsBody,
  PerformanceRow,
  PerformanceSettingsSchema,
} from './performance.schemas.ts';

const tags = ['cash'];
const params = z.object({ id: z.string() });
const periodQuery = z.object({ period: z.string().optional().describe('YYYY-MM; this month by default') });
// the services validate bodies themselves so that every bad field is named in one answer
const passThrough = { validatorCompiler: () => (data: unknown) => ({ value: data }) };

export function registerPerformanceRoutes(
  app: FastifyInstance,
  perf: PerformanceService,
  commissions: CommissionsService,
): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/api/v1/orders/:id/splits',
    {
      schema: {
        tags,
        summary: 'Who shares the order’s performance credit (default: the owner, 100 % revenue)',
        params,
        response: responses({ 200: dataOf(OrderSplits) }),
      },
    },
    async (req) => ({ data: await perf.getSplits(actorOf(req), req.params.id) }),
  );
  r.put(
    '/api/v1/orders/:id/splits',
    {
      schema: {
        tags,
        summary: 'Replace the order’s splits (owner, or managers/admins who may update the order)',
        params,
        body: OrderSplitsBody,
        response: responses({ 200: dataOf(OrderSplits) }),
      },
      ...passThrough,
    },
    async (req) => ({ data: await perf.putSplits(actorOf(req), req.params.id, req.body) }),
  );
  r.get(
    '/api/v1/orders/:id/credit',
    {
      schema: {
        tags,
        summary: 'The performance credit the order has produced, per participant, with the ledger rows',
        params,
        response: responses({ 200: dataOf(OrderCredit) }),
      },
    },
    async (req) => ({ data: await perf.orderCredit(actorOf(req), req.params.id) }),
  );
  r.get(
    '/api/v1/performance/me',
    {
      schema: {
        tags,
        summary: 'My credit, attainment and commission for a month, in real time, with the ledger rows',
        querystring: periodQuery,
        response: responses({ 200: dataOf(MyPerformance) }),
      },
    },
    async (req) => ({ data: await perf.me(actorOf(req), req.query.period) }),
  );
  r.get(
    '/api/v1/performance',
    {
      schema: {
        tags,
        summary: 'Performance of the people (or departments) I manage for a month',
        querystring: periodQuery.extend({
          group_by: z.string().optional().describe('user (default) or department'),
        }),
        response: responses({ 200: listOf(PerformanceRow) }),
      },
    },
    async (req) => ({ data: await perf.team(actorOf(req), req.query.period, req.query.group_by) }),
  );
  r.get(
    '/api/v1/performance/settings',
    {
      schema: {
        tags,
        summary: 'Credit source, sales policies by order type and commission rules by role',
        response: responses({ 200: dataOf(PerformanceSettingsSchema) }),
      },
    },
    async (req) => ({ data: await perf.settings(actorOf(req)) }),
  );
  r.put(
    '/api/v1/performance/settings',
    {
      schema: {
        tags,
        summary: 'Replace the performance settings (admin)',
        body: PerformanceSettingsSchema,
        response: responses({ 200: dataOf(PerformanceSettingsSchema) }),
      },
      ...passThrough,
    },
    async (req) => ({ data: await perf.putSettings(actorOf(req), req.body) }),
  );
  r.get(
    '/api/v1/commissions/statements',
    {
      schema: {
        tags,
        summary: 'Monthly commission statements: mine and those of the people I manage',
        querystring: periodQuery,
        response: responses({ 200: listOf(CommissionStatement) }),
      },
    },
    async (req) => ({ data: await commissions.list(actorOf(req), req.query.period) }),
  );
  r.get(
    '/api/v1/commissions/statements/:id',
    {
      schema: {
        tags,
        summary: 'A commission statement',
        params,
        response: responses({ 200: dataOf(CommissionStatement) }),
      },
    },
    async (req) => ({ data: await commissions.get(actorOf(req), req.params.id) }),
  );
  r.post(
    '/api/v1/commissions/statements/:id/approve',
    {
      schema: {
        tags,
        summary: 'Approve a draft statement (managers of the person, admins)',
        params,
        response: responses({ 200: dataOf(CommissionStatement) }),
      },
    },
    async (req) => ({ data: await commissions.approve(actorOf(req), req.params.id) }),
  );
  r.post(
    '/api/v1/commissions/statements/:id/lock',
    {
      schema: {
        tags,
        summary: 'Lock an approved statement: it never changes again',
        params,
        response: responses({ 200: dataOf(CommissionStatement) }),
      },
    },
    async (req) => ({ data: await commissions.lock(actorOf(req), req.params.id) }),
  );
}
