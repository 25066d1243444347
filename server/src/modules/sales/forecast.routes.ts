import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { actorOf } from '../../platform/http/auth.hooks.ts';
import type { Platform } from '../../platform/platform.ts';
import { dataOf, listOf, responses } from '../../platform/http/response-schemas.ts';
import {
  adjustForecast,
  DEFAULT_MONTHS,
  forecastAccuracy,
  getForecast,
  submitForecast,
} from './forecast.service.ts';
import { listTargets, targetAttainment, upsertTargets } from './targets.service.ts';
import { salesFunnel } from './funnel.service.ts';
import {
  Forecast,
  ForecastAccuracy,
  ForecastAdjustmentRecord,
  ForecastSubmission,
  SalesFunnel,
  SalesTarget,
  TargetAttainment,
} from './forecast.schemas.ts';

const tags = ['sales'];
const forecastPeriod = z.enum(['month', 'quarter']);
const targetPeriod = z.enum(['month', 'quarter', 'year']);
const currency = z.string().regex(/^[A-Z]{3}$/);
const money = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const note = z.string().max(2000).nullable().optional();

/** Forecast, submissions, adjustments, accuracy, targets and funnel (docs/API.md section 17). */
export function registerForecastRoutes(app: FastifyInstance, platform: Platform): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const db = platform.db;
  r.get(
    '/api/v1/sales/forecast',
    {
      schema: {
        tags,
        summary:
          'Forecast of a month or quarter: categories, weighted, stage conversion, per rep, per currency',
        querystring: z.object({
          period: forecastPeriod,
          start: z.string().optional(),
          owner_id: z.string().optional(),
          department_id: z.string().optional(),
          asOf: z.string().optional(),
          months: z.coerce.number().int().min(1).max(36).default(DEFAULT_MONTHS),
        }),
        response: responses({ 200: dataOf(Forecast) }),
      },
    },
    async (req) => ({ data: await getForecast(db, actorOf(req), req.query) }),
  );
  r.post(
    '/api/v1/sales/forecast/submissions',
    {
      schema: {
        tags,
        summary: 'Submit a forecast (a rep for themself, a manager for a department they manage)',
        body: z.strictObject({
          period: forecastPeriod,
          start: z.string(),
          commit: money,
          best_case: money,
          currency: currency.optional(),
          note,
          department_id: z.string().optional(),
        }),
        response: responses({ 201: dataOf(ForecastSubmission) }),
      },
    },
    async (req, reply) => reply.status(201).send({ data: await submitForecast(db, actorOf(req), req.body) }),
  );
  r.post(
    '/api/v1/sales/forecast/adjustments',
    {
      schema: {
        tags,
        summary: "Adjust a rep's or a department's forecast category (managers)",
        body: z.strictObject({
          owner_id: z.string().optional(),
          department_id: z.string().optional(),
          period: forecastPeriod,
          start: z.string(),
          category: z.enum(['commit', 'best_case', 'pipeline']),
          amount: money,
          currency: currency.optional(),
          note,
        }),
        response: responses({ 201: dataOf(ForecastAdjustmentRecord) }),
      },
    },
    async (req, reply) => reply.status(201).send({ data: await adjustForecast(db, actorOf(req), req.body) }),
  );
  r.get(
    '/api/v1/sales/forecast/accuracy',
    {
      schema: {
        tags,
        summary: 'Accuracy of the snapshots and submissions of a period against closed-won',
        querystring: z.object({
          period: forecastPeriod,
          start: z.string().optional(),
          asOf: z.string().optional(),
        }),
        response: responses({ 200: dataOf(ForecastAccuracy) }),
      },
    },
    async (req) => ({ data: await forecastAccuracy(db, actorOf(req), req.query) }),
  );
  r.get(
    '/api/v1/sales/targets',
    {
      schema: {
        tags,
        summary: 'Targets of the periods starting in a year',
        querystring: z.object({ year: z.coerce.number().int().min(2000).max(2100) }),
        response: responses({ 200: listOf(SalesTarget) }),
      },
    },
    async (req) => ({ data: await listTargets(db, actorOf(req), req.query.year) }),
  );
  r.put(
    '/api/v1/sales/targets',
    {
      schema: {
        tags,
        summary: 'Create or replace targets in bulk (managers, admins; all or nothing)',
        body: z.strictObject({
          targets: z
            .array(
              z.strictObject({
                user_id: z.string().optional(),
                department_id: z.string().optional(),
                period: targetPeriod,
                start: z.string(),
                amount: money,
                currency: currency.optional(),
                new_customers: z.number().int().min(0).max(1_000_000).nullable().optional(),
              }),
            )
            .min(1)
            .max(1000),
        }),
        response: responses({ 200: listOf(SalesTarget) }),
      },
    },
    async (req) => ({ data: await upsertTargets(db, actorOf(req), req.body.targets) }),
  );
  r.get(
    '/api/v1/sales/targets/attainment',
    {
      schema: {
        tags,
        summary: 'Attainment of the targets of a period: won, new customers, pipeline coverage',
        querystring: z.object({
          period: targetPeriod,
          start: z.string().optional(),
          asOf: z.string().optional(),
        }),
        response: responses({ 200: dataOf(TargetAttainment) }),
      },
    },
    async (req) => ({ data: await targetAttainment(db, actorOf(req), req.query) }),
  );
  r.get(
    '/api/v1/sales/funnel',
    {
      schema: {
        tags,
        summary:
          'Funnel of the deals created in a range: steps, conversion per rep, win rate, cycle, loss reasons',
        querystring: z.object({
          from: z.string(),
          to: z.string(),
          pipeline_id: z.string().optional(),
          owner_id: z.string().optional(),
        }),
        response: responses({ 200: dataOf(SalesFunnel) }),
      },
    },
    async (req) => ({ data: await salesFunnel(db, actorOf(req), req.query) }),
  );
}
