import { z } from 'zod';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Platform } from '../../platform/platform.ts';
import { actorOf } from '../../platform/http/auth.hooks.ts';
import { dataOf, listOf, responses } from '../../platform/http/response-schemas.ts';
import { invalid } from '../../platform/http/errors.ts';
import { parseBody } from '../../platform/http/zod-issues.ts';
import { todayIn } from '../../platform/jobs/dates.rules.ts';
import { BRIDGE_KINDS, type BridgeKind } from './bridge.rules.ts';
import { parseDay } from './health-read.service.ts';
import { HealthRateService } from './health-rate.service.ts';
import { IncentiveService } from './incentive.service.ts';
import { isMonth, shiftMonth } from './month.rules.ts';
import { NineGridService, parseCell } from './nine-grid.service.ts';
import {
  BridgeCustomerSchema,
  HealthRateMonthSchema,
  IncentiveRecomputeSchema,
  IncentiveStatementSchema,
  NineGridCellSchema,
  NineGridSchema,
  NineGridTaskRunSchema,
} from './success-metrics.schemas.ts';

const tags = ['success'];
// queries and bodies are checked here and by the services, so a bad value is a 422 naming it
const passThrough = { validatorCompiler: () => (data: unknown) => ({ value: data }) };
const str = z.string().optional();
const versionBody = z.object({ version: z.number().int().min(1) });

/** A YYYY-MM query value, or the fallback; a bad one is a 422 naming the parameter. */
function parseMonth(v: string | undefined, field: string, fallback: string): string {
  if (v === undefined || v === '') return fallback;
  if (!isMonth(v)) throw invalid([{ field, issue: 'invalid_month' }]);
  return v;
}

function oneOf<T extends string>(v: string | undefined, allowed: readonly T[], field: string): T | undefined {
  if (v === undefined || v === '') return undefined;
  if (!(allowed as readonly string[]).includes(v)) throw invalid([{ field, issue: 'invalid_value' }]);
  return v as T;
}

const today = (req: FastifyRequest): string => todayIn(actorOf(req).timeZone);
const thisMonth = (req: FastifyRequest): string => today(req).slice(0, 7);

/** Health rate and the healthy-ARR bridge, the nine-grid, CSM incentive statements (docs/HEALTH.md). */
export function registerSuccessMetricsRoutes(app: FastifyInstance, platform: Platform): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const rates = new HealthRateService(platform.db);
  const grid = new NineGridService(platform);
  const incentive = new IncentiveService(platform.db);

  r.get(
    '/api/v1/success/health-rate',
    {
      schema: {
        tags,
        summary:
          'Health rate (健康率) per month end, month-over-month (环比) and the healthy-ARR bridge; optionally per CSM',
        querystring: z.object({
          from: str.describe('YYYY-MM (default 11 months before `to`)'),
          to: str.describe('YYYY-MM (default this month); at most 36 months'),
          group_by: str.describe('csm'),
        }),
        response: responses({ 200: listOf(HealthRateMonthSchema) }),
      },
      ...passThrough,
    },
    async (req) => {
      const q = req.query;
      const to = parseMonth(q.to, 'to', thisMonth(req));
      const from = parseMonth(q.from, 'from', shiftMonth(to, -11));
      const groupBy = oneOf(q.group_by, ['csm'] as const, 'group_by');
      return { data: await rates.months(actorOf(req), { from, to, group_by: groupBy }) };
    },
  );

  r.get(
    '/api/v1/success/health-rate/customers',
    {
      schema: {
        tags,
        summary: 'The customers behind a month’s healthy-ARR bridge (drill-down), biggest change first',
        querystring: z.object({
          month: str.describe('YYYY-MM'),
          kind: str.describe(BRIDGE_KINDS.join(' | ')),
        }),
        response: responses({ 200: listOf(BridgeCustomerSchema) }),
      },
      ...passThrough,
    },
    async (req) => {
      const month = parseMonth(req.query.month, 'month', thisMonth(req));
      const kind = oneOf<BridgeKind>(req.query.kind, BRIDGE_KINDS, 'kind');
      return { data: await rates.bridgeCustomers(actorOf(req), month, kind) };
    },
  );

  r.get(
    '/api/v1/success/nine-grid',
    {
      schema: {
        tags,
        summary: 'Customer-value nine-grid (九宫格) on a date: per cell the customers, their count and ARR',
        querystring: z.object({ as_of: str.describe('YYYY-MM-DD (default today)') }),
        response: responses({ 200: dataOf(NineGridSchema) }),
      },
      ...passThrough,
    },
    async (req) => ({ data: await grid.grid(actorOf(req), parseDay(req.query.as_of, 'as_of', today(req))) }),
  );

  r.get(
    '/api/v1/success/nine-grid/cells',
    {
      schema: {
        tags,
        summary: 'The nine cells’ follow-up strategies and task templates',
        response: responses({ 200: listOf(NineGridCellSchema) }),
      },
    },
    async (req) => ({ data: await grid.cells(actorOf(req)) }),
  );

  r.put(
    '/api/v1/success/nine-grid/cells/:cell',
    {
      schema: {
        tags,
        summary: 'Replace a cell’s strategy and task templates (administrators, CS directors)',
        params: z.object({ cell: z.string() }),
        body: z.object({
          strategy: z.string(),
          task_templates: z.array(
            z.object({
              subject: z.string(),
              due_days: z.number().int(),
              priority: z.enum(['high', 'normal', 'low']).optional(),
            }),
          ),
        }),
        response: responses({ 200: dataOf(NineGridCellSchema) }),
      },
      ...passThrough,
    },
    async (req) => ({ data: await grid.putCell(actorOf(req), parseCell(req.params.cell), req.body) }),
  );

  r.post(
    '/api/v1/success/nine-grid/:cell/tasks',
    {
      schema: {
        tags,
        summary:
          'Create the cell’s template tasks for every customer of the cell the caller may read (owned by the CSM); idempotent',
        params: z.object({ cell: z.string() }),
        querystring: z.object({ as_of: str.describe('YYYY-MM-DD (default today)') }),
        response: responses({ 200: dataOf(NineGridTaskRunSchema) }),
      },
      ...passThrough,
    },
    async (req) => {
      const cell = parseCell(req.params.cell);
      const asOf = parseDay(req.query.as_of, 'as_of', today(req));
      return { data: await grid.createTasks(actorOf(req), cell, asOf) };
    },
  );

  r.get(
    '/api/v1/success/csm-incentive',
    {
      schema: {
        tags,
        summary: 'CSM incentive statements of a month: mine, and those of the CSMs I manage',
        querystring: z.object({ month: str.describe('YYYY-MM (default last month)') }),
        response: responses({ 200: listOf(IncentiveStatementSchema) }),
      },
      ...passThrough,
    },
    async (req) => {
      const month = parseMonth(req.query.month, 'month', shiftMonth(thisMonth(req), -1));
      return { data: await incentive.list(actorOf(req), month) };
    },
  );

  r.post(
    '/api/v1/success/csm-incentive/recompute',
    {
      schema: {
        tags,
        summary: 'Recompute the month’s draft statements of the CSMs I manage (administrators, CS directors)',
        querystring: z.object({ month: str.describe('YYYY-MM (default last month)') }),
        response: responses({ 200: dataOf(IncentiveRecomputeSchema) }),
      },
      ...passThrough,
    },
    async (req) => {
      const month = parseMonth(req.query.month, 'month', shiftMonth(thisMonth(req), -1));
      return { data: await incentive.recompute(actorOf(req), month) };
    },
  );

  r.get(
    '/api/v1/success/csm-incentive/:id',
    {
      schema: {
        tags,
        summary: 'A CSM incentive statement',
        params: z.object({ id: z.string() }),
        response: responses({ 200: dataOf(IncentiveStatementSchema) }),
      },
    },
    async (req) => ({ data: await incentive.get(actorOf(req), req.params.id) }),
  );

  for (const action of ['approve', 'lock'] as const)
    r.post(
      `/api/v1/success/csm-incentive/:id/${action}`,
      {
        schema: {
          tags,
          summary:
            action === 'approve'
              ? 'Approve a draft statement at the version shown (managers of the CSM, administrators)'
              : 'Lock an approved statement: it is never recomputed again',
          params: z.object({ id: z.string() }),
          body: versionBody,
          response: responses({ 200: dataOf(IncentiveStatementSchema) }),
        },
        ...passThrough,
      },
      async (req) => {
        const { version } = parseBody(versionBody, req.body);
        const actor = actorOf(req);
        return {
          data:
            action === 'approve'
              ? await incentive.approve(actor, req.params.id, version)
              : await incentive.lock(actor, req.params.id, version),
        };
      },
    );
}
