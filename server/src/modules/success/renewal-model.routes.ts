import { z } from 'zod';
import { sql } from 'kysely';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Platform } from '../../platform/platform.ts';
import type { Actor } from '../../platform/access/permissions.ts';
import { can, objectPermission } from '../../platform/access/permissions.ts';
import { actorOf } from '../../platform/http/auth.hooks.ts';
import { dataOf, responses, timestamp } from '../../platform/http/response-schemas.ts';
import { forbidden, invalid, notFound } from '../../platform/http/errors.ts';
import { todayIn } from '../../platform/jobs/dates.rules.ts';
import { isUuid } from '../../platform/db/ids.ts';
import { TenantDb } from '../../platform/db/tenant-db.ts';
import { accountReadPredicate } from '../accounts/scopes.ts';
import { parseDay } from './health-read.service.ts';
import { latestRenewalModel, trainRenewalModel } from './renewal-model.service.ts';

const tags = ['success'];
// queries are checked here so that a bad value is a 422 naming its parameter
const passThrough = { validatorCompiler: () => (data: unknown) => ({ value: data }) };

const Evaluation = z.strictObject({
  n: z.number().int(),
  positives: z.number().int().describe('renewed'),
  auc: z.number().nullable().describe('rank AUC (null when the test part lacks an outcome)'),
  accuracy: z.number().nullable().describe('share right at a 0.5 threshold'),
  brier: z.number().nullable().describe('mean squared error of the probabilities'),
  calibration: z
    .array(
      z.strictObject({
        from: z.number(),
        to: z.number(),
        count: z.number().int(),
        mean_predicted: z.number().nullable(),
        observed_rate: z.number().nullable(),
      }),
    )
    .describe('ten equal-width probability bins'),
});
const Part = z.strictObject({
  n: z.number().int(),
  positives: z.number().int(),
  from: z.string().nullable().describe('earliest due date'),
  to: z.string().nullable().describe('latest due date'),
});
const Metrics = z
  .strictObject({
    horizon_days: z
      .number()
      .int()
      .describe('features describe the customer this many days before the due date'),
    examples: z.number().int(),
    renewed: z.number().int(),
    churned: z.number().int(),
    skipped_no_snapshot: z.number().int(),
    skipped_no_score: z.number().int(),
    split_date: z.string().nullable().describe('first due date of the test part'),
    train: Part,
    test: Part,
    model: Evaluation.describe('fitted on the train part, judged on the test part'),
    baseline: Evaluation.describe('health score ÷ 100 on the same test part'),
    fit: z.strictObject({ lambda: z.number(), iterations: z.number().int(), converged: z.boolean() }),
    features_missing: z.array(z.string()).describe('features without a data source yet'),
  })
  .meta({ id: 'RenewalModelMetrics' });

const ModelSchema = z
  .strictObject({
    version: z.number().int(),
    trained_at: timestamp,
    as_of: z.string(),
    metrics: Metrics,
    intercept: z.number(),
    features: z.array(
      z.strictObject({
        name: z.string(),
        weight: z.number().describe('on the standardised feature (log-odds per standard deviation)'),
        mean: z.number(),
        scale: z.number().describe('standard deviation in the training data'),
      }),
    ),
  })
  .meta({ id: 'RenewalModel' });

const Predicted = z.strictObject({
  week_start: z.string(),
  model_version: z.number().int().nullable(),
  predicted: z.number().int(),
});
const TrainSchema = z.strictObject({
  version: z.number().int(),
  trained_at: timestamp,
  as_of: z.string(),
  metrics: Metrics,
  repredicted: Predicted.nullable().describe('the latest scored week, re-predicted with the new model'),
});

const ProbabilitySchema = z.strictObject({
  account_id: z.string(),
  week_start: z.string().nullable().describe('the latest scored week (null: never scored)'),
  probability: z.number().nullable().describe('renewal probability 0–1'),
  source: z
    .enum(['model', 'score'])
    .nullable()
    .describe('model: the renewal model; score: score ÷ 100 (no model trained yet)'),
  factors: z
    .array(
      z.strictObject({ feature: z.string(), contribution: z.number(), direction: z.enum(['up', 'down']) }),
    )
    .nullable()
    .describe('the three features pushing hardest, contribution = weight × standardised value'),
});

/**
 * Who may retrain the tenant's model: administrators, and CS-director-level roles — update on
 * customers beyond their own records (department, subtree or all scope), as a cs_director has and
 * as the nine-grid cells and work-order verification require. A CSM may not: the model moves every
 * customer's probability.
 */
export function mayTrain(actor: Actor): boolean {
  if (actor.isAdmin) return true;
  const p = objectPermission(actor, 'account');
  return p.update && p.scope !== 'own';
}

export function registerRenewalModelRoutes(app: FastifyInstance, platform: Platform): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tdbOf = (actor: Actor): TenantDb => TenantDb.for(platform.db, actor.tenantId);

  r.get(
    '/api/v1/success/model',
    {
      schema: {
        tags,
        summary:
          'The renewal-probability model in force: version, metrics on the time split beside the health-score baseline, weights (data: null before the first training)',
        response: responses({ 200: dataOf(ModelSchema.nullable()) }),
      },
    },
    async (req) => {
      const actor = actorOf(req);
      if (!can(actor, 'account', 'read')) throw forbidden();
      const m = await latestRenewalModel(tdbOf(actor));
      if (!m) return { data: null };
      return {
        data: {
          version: m.version,
          trained_at: m.trained_at,
          as_of: m.as_of,
          metrics: m.metrics,
          intercept: m.model.intercept,
          features: m.model.features.map((name, j) => ({
            name,
            weight: m.model.weights[j] ?? 0,
            mean: m.model.means[j] ?? 0,
            scale: m.model.scales[j] ?? 1,
          })),
        },
      };
    },
  );

  r.post(
    '/api/v1/success/model/train',
    {
      schema: {
        tags,
        summary:
          'Train the renewal-probability model on the outcomes due on or before as_of (today by default) and store it as the next version (administrators, CS directors); 409 not_enough_history when there are too few',
        querystring: z.object({ as_of: z.string().optional().describe('YYYY-MM-DD') }),
        response: responses({ 200: dataOf(TrainSchema) }),
      },
      ...passThrough,
    },
    async (req) => {
      const actor = actorOf(req);
      if (!mayTrain(actor)) throw forbidden();
      const asOf = parseDay(req.query.as_of, 'as_of', todayIn(actor.timeZone));
      return { data: await trainRenewalModel(tdbOf(actor), asOf, actor) };
    },
  );

  r.get(
    '/api/v1/accounts/:id/renewal-probability',
    {
      schema: {
        tags,
        summary: "One customer's latest renewal probability and the factors behind it",
        params: z.object({ id: z.string() }),
        response: responses({ 200: dataOf(ProbabilitySchema) }),
      },
      ...passThrough,
    },
    async (req) => {
      const { id } = req.params;
      if (!isUuid(id)) throw invalid([{ field: 'id', issue: 'invalid_value' }]);
      const actor = actorOf(req);
      const tdb = tdbOf(actor);
      const acc = await tdb.one(sql<{ id: string }>`select t.id from account t
        where t.tenant_id = ${tdb.tenantId} and t.id = ${id} and t.deleted_at is null and ${accountReadPredicate(actor)}`);
      if (!acc) throw notFound();
      const s = await tdb.one(sql<{
        week_start: string;
        probability: number | null;
        factors: { feature: string; contribution: number; direction: 'up' | 'down' }[] | null;
      }>`select to_char(week_start, 'YYYY-MM-DD') as week_start, probability::float8 as probability, factors
        from health_snapshot where tenant_id = ${tdb.tenantId} and account_id = ${id}
        order by week_start desc limit 1`);
      return {
        data: {
          account_id: id,
          week_start: s?.week_start ?? null,
          probability: s?.probability ?? null,
          source: !s || s.probability === null ? null : s.factors === null ? 'score' : 'model',
          factors: s?.factors ?? null,
        },
      };
    },
  );
}
