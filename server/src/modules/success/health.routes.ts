import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Platform } from '../../platform/platform.ts';
import { actorOf } from '../../platform/http/auth.hooks.ts';
import { dataOf, responses, timestamp } from '../../platform/http/response-schemas.ts';
import { invalid } from '../../platform/http/errors.ts';
import { todayIn } from '../../platform/jobs/dates.rules.ts';
import { isUuid } from '../../platform/db/ids.ts';
import { BANDED, DIMENSIONS } from './health-model.ts';
import { HEALTH_STATUSES, HealthReadService, parseDay } from './health-read.service.ts';
import type { HealthStatus } from './health.rules.ts';

const tags = ['success'];
// queries are checked here so that a bad value is a 422 naming its parameter
const passThrough = { validatorCompiler: () => (data: unknown) => ({ value: data }) };
const str = z.string().optional();

const Status = z.enum(['healthy', 'sub_healthy', 'unhealthy', 'no_data']);
const DimensionScore = z.strictObject({
  raw: z
    .number()
    .nullable()
    .describe('module usage: points; the others: the ratio (null: nothing to divide by)'),
  score: z.number(),
  weight: z.number().int().describe('percent'),
});
const Dimensions = z
  .record(z.string(), DimensionScore)
  .describe(`per dimension (${DIMENSIONS.join(', ')}), averaged over the window`);

const HealthRowSchema = z
  .strictObject({
    account_id: z.string(),
    account_name: z.string(),
    csm_id: z.string().nullable(),
    csm_name: z.string().nullable(),
    owner_id: z.string().nullable(),
    owner_name: z.string().nullable(),
    week_start: z.string().describe('Monday of the scored week'),
    score: z.number().nullable(),
    status: Status,
    delayed: z
      .boolean()
      .describe('a due renewal passed without renewal (延期): unhealthy whatever the score'),
    dimensions: Dimensions,
    arr: z.number().int(),
    probability: z.number().nullable().describe('renewal probability 0–1'),
  })
  .meta({ id: 'HealthRow' });

const HealthListSchema = z.strictObject({
  data: z.array(HealthRowSchema),
  meta: z.strictObject({
    as_of: z.string(),
    week_start: z.string().nullable(),
    model_version: z.number().int().nullable(),
    total_arr: z.number().int(),
    healthy_arr: z.number().int(),
    health_rate: z.number().nullable(),
    distribution: z.array(
      z.strictObject({ status: Status, customers: z.number().int(), arr: z.number().int() }),
    ),
  }),
});

const Factor = z.strictObject({ feature: z.string(), contribution: z.number(), direction: z.string() });
const SnapshotSchema = z
  .strictObject({
    week_start: z.string(),
    model_version: z.number().int(),
    score: z.number().nullable(),
    status: Status,
    delayed: z.boolean(),
    dimensions: Dimensions,
    weekly_totals: z.array(z.strictObject({ week_start: z.string(), total: z.number() })),
    login_rate: z.number().nullable(),
    quotas: z.record(z.string(), z.strictObject({ used: z.number(), limit: z.number() })).nullable(),
    admin_user: z.string().nullable(),
    department_heads: z.array(z.string()).nullable(),
    arr: z.number().int(),
    probability: z.number().nullable(),
    factors: z.array(Factor).nullable(),
  })
  .meta({ id: 'HealthSnapshot' });

const AccountHealthSchema = z.strictObject({
  account_id: z.string(),
  account_name: z.string(),
  latest: SnapshotSchema.nullable(),
  trend: z.array(
    z.strictObject({
      week_start: z.string(),
      score: z.number().nullable(),
      status: Status,
      probability: z.number().nullable(),
    }),
  ),
  model: z.strictObject({
    version: z.number().int(),
    weights: z.record(z.string(), z.number()),
    healthyMin: z.number(),
    unhealthyBelow: z.number(),
  }),
});

const Band = z.strictObject({ min: z.number(), score: z.number() });
const HealthModelSchema = z
  .strictObject({
    weights: z.strictObject(Object.fromEntries(DIMENSIONS.map((d) => [d, z.number().int()]))),
    modulePoints: z.record(z.string(), z.number().int()),
    fullScorePoints: z.number().int(),
    bands: z.strictObject(Object.fromEntries(BANDED.map((d) => [d, z.array(Band)]))),
    windowWeeks: z.number().int(),
    healthyMin: z.number(),
    unhealthyBelow: z.number(),
    alerts: z.strictObject({
      scoreChange: z.number(),
      loginChange: z.number(),
      probabilityChange: z.number(),
      quotaUsed: z.number(),
      dueDays: z.strictObject({ high: z.number().int(), mid: z.number().int(), low: z.number().int() }),
    }),
    valueTiers: z.strictObject({ large: z.number().int(), mid: z.number().int() }),
    probabilityTiers: z.strictObject({ high: z.number(), mid: z.number() }),
    incentive: z.strictObject({
      mrrRate: z.number(),
      coefficients: z.array(z.strictObject({ min: z.number(), coefficient: z.number() })),
    }),
  })
  .meta({ id: 'HealthModel' });

const ModelViewSchema = z.strictObject({
  version: z.number().int().describe('0: the defaults, never saved'),
  model: HealthModelSchema,
  versions: z.array(
    z.strictObject({
      version: z.number().int(),
      created_at: timestamp,
      created_by_name: z.string().nullable(),
    }),
  ),
});

export function registerHealthRoutes(app: FastifyInstance, platform: Platform): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const svc = new HealthReadService(platform.db);
  const today = (req: Parameters<typeof actorOf>[0]): string => todayIn(actorOf(req).timeZone);

  r.get(
    '/api/v1/success/health',
    {
      schema: {
        tags,
        summary:
          'Health of every customer the caller may see, from the weekly scores current on a date (today by default)',
        querystring: z.object({
          as_of: str.describe('YYYY-MM-DD'),
          status: str.describe(HEALTH_STATUSES.join(' | ')),
          csm_id: str,
        }),
        response: responses({ 200: HealthListSchema }),
      },
      ...passThrough,
    },
    async (req) => {
      const q = req.query;
      const asOf = parseDay(q.as_of, 'as_of', today(req));
      if (q.status !== undefined && q.status !== '' && !(HEALTH_STATUSES as string[]).includes(q.status))
        throw invalid([{ field: 'status', issue: 'invalid_value' }]);
      if (q.csm_id !== undefined && q.csm_id !== '' && !isUuid(q.csm_id))
        throw invalid([{ field: 'csm_id', issue: 'invalid_value' }]);
      return svc.list(actorOf(req), asOf, {
        ...(q.status ? { status: q.status as HealthStatus } : {}),
        ...(q.csm_id ? { csm_id: q.csm_id } : {}),
      });
    },
  );

  r.get(
    '/api/v1/accounts/:id/health',
    {
      schema: {
        tags,
        summary:
          "One customer's health: the latest score with its breakdown (why this score) and the weekly trend",
        params: z.object({ id: z.string() }),
        querystring: z.object({ weeks: str.describe('how many weeks of trend, 1–104 (default 26)') }),
        response: responses({ 200: dataOf(AccountHealthSchema) }),
      },
      ...passThrough,
    },
    async (req) => {
      const { id } = req.params;
      if (!isUuid(id)) throw invalid([{ field: 'id', issue: 'invalid_value' }]);
      const w = req.query.weeks;
      const weeks = w === undefined || w === '' ? 26 : Number(w);
      if (!Number.isInteger(weeks) || weeks < 1 || weeks > 104)
        throw invalid([{ field: 'weeks', issue: 'invalid_value' }]);
      return { data: await svc.account(actorOf(req), id, weeks) };
    },
  );

  r.get(
    '/api/v1/success/health-model',
    {
      schema: {
        tags,
        summary: 'The health model in force (weights, points, bands, window, thresholds) and its versions',
        response: responses({ 200: dataOf(ModelViewSchema) }),
      },
    },
    async (req) => ({ data: await svc.model(actorOf(req)) }),
  );

  r.put(
    '/api/v1/success/health-model',
    {
      schema: {
        tags,
        summary: 'Save a new version of the health model (administrators); scores from the next run use it',
        body: HealthModelSchema,
        response: responses({ 200: dataOf(ModelViewSchema) }),
      },
      ...passThrough,
    },
    async (req) => ({ data: await svc.saveModel(actorOf(req), req.body) }),
  );
}
