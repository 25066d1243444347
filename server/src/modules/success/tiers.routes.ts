import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Platform } from '../../platform/platform.ts';
import { actorOf } from '../../platform/http/auth.hooks.ts';
import { dataOf, JobRun, responses } from '../../platform/http/response-schemas.ts';
import { forbidden, invalid } from '../../platform/http/errors.ts';
import { todayIn } from '../../platform/jobs/dates.rules.ts';
import { isUuid } from '../../platform/db/ids.ts';
import { isDay } from './month.rules.ts';
import { PERIODS, TOUCH_KINDS, tierSettingsSchema, tierSchema, touchTypesSchema } from './tiers.rules.ts';
import { TiersService } from './tiers.service.ts';

const tags = ['success'];
// queries and bodies are checked here / by the service so that a bad value is a 422 naming its field
const passThrough = { validatorCompiler: () => (data: unknown) => ({ value: data }) };
const str = z.string().optional();

const SettingsSchema = tierSettingsSchema.meta({ id: 'ServiceTierSettings' });

const Rate = {
  due: z.number().int().describe('customers due: in a tier that requires touches'),
  touched: z.number().int().describe('of those, every required touch within cadence'),
  rate: z.number().nullable().describe('touched ÷ due × 100, one decimal; null when nobody is due'),
};

const TouchRateSchema = z
  .strictObject({
    as_of: z.string(),
    period: z.enum(PERIODS),
    from: z.string().describe('the period holding as_of'),
    to: z.string(),
    last_run_on: z.string().nullable().describe('as_of of the last successful success.tiers run'),
    overall: z.strictObject(Rate),
    by_csm: z.array(
      z.strictObject({
        csm_id: z.string().nullable(),
        csm_name: z.string().nullable(),
        ...Rate,
        overdue_calls: z.number().int().describe('customers with an overdue call'),
        overdue_visits: z.number().int().describe('customers with an overdue visit'),
      }),
    ),
    by_tier: z.array(
      z.strictObject({
        tier_key: z.string(),
        label: z.string(),
        call_every_days: z.number().int().nullable(),
        visit_every_days: z.number().int().nullable(),
        customers: z.number().int(),
        ...Rate,
      }),
    ),
    trend: z.array(z.strictObject({ from: z.string(), to: z.string(), as_of: z.string(), ...Rate })),
  })
  .meta({ id: 'TouchRate' });

const OverdueTouchSchema = z
  .strictObject({
    account_id: z.string(),
    account_name: z.string(),
    tier_key: z.string(),
    tier_label: z.string(),
    csm_id: z.string().nullable(),
    csm_name: z.string().nullable(),
    kind: z.enum(TOUCH_KINDS),
    every_days: z.number().int(),
    last_touch_on: z.string().nullable(),
    due_on: z.string().describe('the last day the touch was on time'),
    on_cadence: z.boolean(),
    days_overdue: z.number().int(),
  })
  .meta({ id: 'OverdueTouch' });

function oneOf<T extends string>(v: string | undefined, allowed: readonly T[], field: string): T | undefined {
  if (v === undefined || v === '') return undefined;
  if (!(allowed as readonly string[]).includes(v)) throw invalid([{ field, issue: 'invalid_value' }]);
  return v as T;
}

function dayOf(v: string | undefined, fallback: string): string {
  if (v === undefined || v === '') return fallback;
  if (!isDay(v)) throw invalid([{ field: 'as_of', issue: 'invalid_date' }]);
  return v;
}

function csmOf(v: string | undefined): string | null {
  if (v === undefined || v === '') return null;
  if (!isUuid(v)) throw invalid([{ field: 'csm_id', issue: 'invalid_value' }]);
  return v;
}

/** Service tiers, cadence, touch rate and CSM assignment (docs/API.md §29, docs/ENGAGEMENT.md). */
export function registerTierRoutes(app: FastifyInstance, platform: Platform): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const svc = new TiersService(platform);
  const today = (req: Parameters<typeof actorOf>[0]): string => todayIn(actorOf(req).timeZone);

  r.get(
    '/api/v1/success/tiers/settings',
    {
      schema: {
        tags,
        summary:
          'Service tier rules (first match wins), cadence, teams and which activities count as touches',
        response: responses({ 200: dataOf(SettingsSchema) }),
      },
    },
    async (req) => ({ data: await svc.settings(actorOf(req)) }),
  );

  r.put(
    '/api/v1/success/tiers/settings',
    {
      schema: {
        tags,
        summary: 'Replace the tier rules and/or the touch mapping (administrators)',
        body: z.object({
          tiers: z.array(tierSchema).optional(),
          touch_types: touchTypesSchema.optional(),
        }),
        response: responses({ 200: dataOf(SettingsSchema) }),
      },
      ...passThrough,
    },
    async (req) => ({ data: await svc.putSettings(actorOf(req), req.body) }),
  );

  r.post(
    '/api/v1/success/tiers/run',
    {
      schema: {
        tags,
        summary:
          'Run the success.tiers job now (administrators): re-tier customers, assign CSMs by round robin, remind overdue touches',
        body: z.object({ as_of: str.describe('YYYY-MM-DD (default today)') }).optional(),
        response: responses({ 200: dataOf(JobRun) }),
      },
      ...passThrough,
    },
    async (req) => {
      const a = actorOf(req);
      const body: unknown = req.body ?? {};
      const raw = typeof body === 'object' && body !== null && 'as_of' in body ? body.as_of : undefined;
      if (raw !== undefined && typeof raw !== 'string')
        throw invalid([{ field: 'as_of', issue: 'invalid_date' }]);
      const asOf = dayOf(raw, today(req));
      if (!a.isAdmin) throw forbidden();
      return { data: await platform.jobs.run(a.tenantId, 'success.tiers', asOf, 'manual') };
    },
  );

  r.get(
    '/api/v1/success/touch-rate',
    {
      schema: {
        tags,
        summary:
          'Touch rate (翻动率) on a day of the customers the caller serves: overall, per CSM, per tier, trend by period',
        querystring: z.object({
          as_of: str.describe('YYYY-MM-DD (default today)'),
          period: str.describe(`${PERIODS.join(' | ')} (default month): the trend's periods`),
          csm_id: str.describe("one CSM's book (within the caller's)"),
        }),
        response: responses({ 200: dataOf(TouchRateSchema) }),
      },
      ...passThrough,
    },
    async (req) => {
      const q = req.query;
      const asOf = dayOf(q.as_of, today(req));
      const period = oneOf(q.period, PERIODS, 'period') ?? 'month';
      const csmId = csmOf(q.csm_id);
      return { data: await svc.touchRate(actorOf(req), { asOf, period, csmId }) };
    },
  );

  r.get(
    '/api/v1/success/touches/overdue',
    {
      schema: {
        tags,
        summary:
          'Required touches overdue on a day among the customers the caller serves, most overdue first',
        querystring: z.object({
          as_of: str.describe('YYYY-MM-DD (default today)'),
          csm_id: str,
          kind: str.describe(TOUCH_KINDS.join(' | ')),
        }),
        response: responses({
          200: z.strictObject({
            data: z.array(OverdueTouchSchema),
            meta: z.strictObject({ total: z.number().int(), as_of: z.string() }),
          }),
        }),
      },
      ...passThrough,
    },
    async (req) => {
      const q = req.query;
      const asOf = dayOf(q.as_of, today(req));
      const kind = oneOf(q.kind, TOUCH_KINDS, 'kind') ?? null;
      const csmId = csmOf(q.csm_id);
      return svc.overdue(actorOf(req), { asOf, csmId, kind });
    },
  );
}
