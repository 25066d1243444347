import { z } from 'zod';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Platform } from '../../platform/platform.ts';
import { actorOf } from '../../platform/http/auth.hooks.ts';
import { dataOf, responses, timestamp } from '../../platform/http/response-schemas.ts';
import { invalid } from '../../platform/http/errors.ts';
import { todayIn } from '../../platform/jobs/dates.rules.ts';
import { isValidDate } from '../../platform/metadata/values.rules.ts';
import { JOURNEY_STATUSES, RESULT_KINDS, STAGE_STATES, addDaysIso } from './journeys.rules.ts';
import { surveyLinkBase } from './surveys.routes.ts';
import { JourneysService } from './journeys.service.ts';

const tags = ['success'];
// bodies and queries are checked by the service / here so that a bad value is a 422 naming its field
const passThrough = { validatorCompiler: () => (data: unknown) => ({ value: data }) };
const str = z.string().optional();
const day = z.string().describe('YYYY-MM-DD');

const TemplateTaskSchema = z
  .strictObject({
    key: z.string().describe('a–z, 0–9, _ (starts with a letter, ≤ 24); unique in its stage'),
    name: z.string(),
    result: z
      .enum(RESULT_KINDS)
      .describe('checkbox: ticked; note: a written note; file: a file on the customer'),
    required: z.boolean(),
  })
  .meta({ id: 'JourneyTemplateTask' });

const TemplateStageSchema = z
  .strictObject({
    key: z.string().describe('a–z, 0–9, _ (starts with a letter, ≤ 24); unique'),
    name: z.string(),
    planned_days: z.number().int().nullable().describe('days to its due day (null: no due day)'),
    csat: z.boolean().describe('completing it sends the active journey_stage surveys'),
    tasks: z.array(TemplateTaskSchema),
  })
  .meta({ id: 'JourneyTemplateStage' });

const TemplateSchema = z
  .strictObject({
    version: z.number().int().describe('0: the built-in template'),
    is_default: z.boolean(),
    start_window_days: z
      .number()
      .int()
      .describe('a confirmed new order signed at most this many days ago starts a journey (0: never)'),
    stages: z.array(TemplateStageSchema),
    updated_at: timestamp.nullable(),
    updated_by_name: z.string().nullable(),
  })
  .meta({ id: 'JourneyTemplate' });

const TaskSchema = z
  .strictObject({
    key: z.string(),
    name: z.string(),
    result: z.enum(RESULT_KINDS),
    required: z.boolean(),
    done: z.boolean().describe('the verifiable result is recorded'),
    done_at: timestamp.nullable(),
    done_by: z.string().nullable(),
    done_by_name: z.string().nullable(),
    note: z.string().nullable(),
    attachment_id: z.string().nullable(),
    file_name: z.string().nullable(),
    file_present: z.boolean().describe('the file is still attached to the customer'),
  })
  .meta({ id: 'JourneyTask' });

const StageSchema = z
  .strictObject({
    key: z.string(),
    name: z.string(),
    position: z.number().int(),
    planned_days: z.number().int().nullable(),
    csat: z.boolean(),
    state: z.enum(STAGE_STATES),
    entered_on: day.nullable(),
    due_on: day.nullable(),
    completed_on: day.nullable(),
    completed_by: z.string().nullable(),
    completed_by_name: z.string().nullable(),
    days: z.number().int().nullable().describe('entered → completed, or → today while under way'),
    overdue: z.boolean(),
    overdue_days: z.number().int(),
    overdue_task_id: z.string().nullable().describe('the task the overdue check made'),
    tasks: z.array(TaskSchema),
  })
  .meta({ id: 'JourneyStage' });

const summaryShape = {
  id: z.string(),
  account_id: z.string(),
  account_name: z.string(),
  status: z.enum(JOURNEY_STATUSES),
  current_stage: z.string().nullable(),
  current_stage_name: z.string().nullable(),
  current_due_on: day.nullable(),
  overdue: z.boolean().describe('the current stage is past its due day'),
  overdue_days: z.number().int(),
  owner_id: z.string().nullable().describe("the customer's CSM, else the account owner"),
  owner_name: z.string().nullable(),
  started_on: day,
  completed_on: day.nullable(),
  stages_done: z.number().int(),
  stages_total: z.number().int(),
};
const SummarySchema = z.strictObject(summaryShape).meta({ id: 'JourneySummary' });

const JourneySchema = z
  .strictObject({
    ...summaryShape,
    version: z.number().int(),
    order_id: z.string().nullable().describe('the confirmed order that started it (null: by hand)'),
    order_number: z.string().nullable(),
    template_version: z.number().int(),
    cancelled_at: timestamp.nullable(),
    cancel_reason: z.string().nullable(),
    may_advance: z.boolean().describe('the caller may record results, complete stages and cancel'),
    created_at: timestamp,
    updated_at: timestamp,
    stages: z.array(StageSchema),
  })
  .meta({ id: 'Journey' });

const SurveySentSchema = z.strictObject({
  survey_id: z.string(),
  survey_name: z.string(),
  round: z.string(),
  invited: z.number().int(),
  skipped: z.number().int(),
  no_key_users: z.boolean(),
  error: z.string().nullable().describe('why nothing was sent (e.g. survey_not_active)'),
});

const ReportSchema = z
  .strictObject({
    from: day,
    to: day,
    as_of: day.describe('the day stages under way are counted on (to, or today)'),
    started: z.number().int(),
    completed: z.number().int(),
    cancelled: z.number().int(),
    stages: z.array(
      z.strictObject({
        key: z.string(),
        name: z.string(),
        planned_days: z.number().int().nullable(),
        completed: z.number().int(),
        mean_days: z.number().nullable(),
        median_days: z.number().nullable(),
        completed_late: z.number().int(),
        open: z.number().int(),
        open_overdue: z.number().int(),
      }),
    ),
  })
  .meta({ id: 'JourneyDurations' });

const version = z.number().int().optional();

/** Lifecycle journeys (docs/API.md §28, docs/ENGAGEMENT.md "Lifecycle journeys"). */
export function registerJourneyRoutes(app: FastifyInstance, platform: Platform): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const svc = new JourneysService(platform);
  const today = (req: FastifyRequest): string => todayIn(actorOf(req).timeZone);
  const params = z.object({ id: z.string() });

  r.get(
    '/api/v1/success/journeys/template',
    {
      schema: {
        tags,
        summary: "The tenant's journey template: stages, planned days, key tasks and their result kinds",
        response: responses({ 200: dataOf(TemplateSchema) }),
      },
    },
    async (req) => ({ data: await svc.template(actorOf(req)) }),
  );

  r.put(
    '/api/v1/success/journeys/template',
    {
      schema: {
        tags,
        summary:
          'Saves a new version of the journey template (administrators; journeys under way keep theirs)',
        body: z.object({
          version: version.describe('the current version (409 when it moved)'),
          start_window_days: z.number().int().optional().describe('0–3650, default 90'),
          stages: z.array(
            z.object({
              key: z.string(),
              name: z.string(),
              planned_days: z.number().int().nullable().optional(),
              csat: z.boolean().optional(),
              tasks: z
                .array(
                  z.object({
                    key: z.string(),
                    name: z.string(),
                    result: z.enum(RESULT_KINDS),
                    required: z.boolean().optional(),
                  }),
                )
                .optional(),
            }),
          ),
        }),
        response: responses({ 200: dataOf(TemplateSchema) }),
      },
      ...passThrough,
    },
    async (req) => ({ data: await svc.putTemplate(actorOf(req), req.body) }),
  );

  r.get(
    '/api/v1/success/journeys',
    {
      schema: {
        tags,
        summary: 'Journeys the caller may see (under way by default), overdue first',
        querystring: z.object({
          status: str.describe(JOURNEY_STATUSES.join(' | ')),
          overdue: str.describe('true: only journeys whose current stage is overdue'),
        }),
        response: responses({
          200: z.strictObject({
            data: z.array(SummarySchema),
            meta: z.strictObject({ total: z.number().int(), overdue: z.number().int() }),
          }),
        }),
      },
      ...passThrough,
    },
    async (req) => {
      const q = req.query;
      const issues = [];
      if (q.status && !(JOURNEY_STATUSES as readonly string[]).includes(q.status))
        issues.push({ field: 'status', issue: 'invalid_value' as const });
      if (q.overdue && q.overdue !== 'true' && q.overdue !== 'false')
        issues.push({ field: 'overdue', issue: 'invalid_value' as const });
      if (issues.length) throw invalid(issues);
      const status = JOURNEY_STATUSES.find((s) => s === q.status);
      return svc.list(
        actorOf(req),
        { ...(status ? { status } : {}), overdue: q.overdue === 'true' },
        today(req),
      );
    },
  );

  r.get(
    '/api/v1/success/journeys/report',
    {
      schema: {
        tags,
        summary:
          'Stage durations of a period: per stage completed, mean and median days, late, under way and overdue',
        querystring: z.object({
          from: str.describe('YYYY-MM-DD (default: 180 days before to)'),
          to: str.describe('YYYY-MM-DD (default today)'),
        }),
        response: responses({ 200: dataOf(ReportSchema) }),
      },
      ...passThrough,
    },
    async (req) => {
      const q = req.query;
      const bad = (['from', 'to'] as const).filter(
        (f) => q[f] !== undefined && q[f] !== '' && !isValidDate(q[f] ?? ''),
      );
      if (bad.length) throw invalid(bad.map((field) => ({ field, issue: 'invalid_date' as const })));
      const to = q.to || today(req);
      const from = q.from || addDaysIso(to, -180);
      if (from > to) throw invalid([{ field: 'to', issue: 'before_from' }]);
      return { data: await svc.report(actorOf(req), from, to, today(req)) };
    },
  );

  r.get(
    '/api/v1/accounts/:id/journey',
    {
      schema: {
        tags,
        summary: "A customer's journey (the one under way, else the latest) and all its journeys",
        params,
        response: responses({
          200: z.strictObject({
            data: JourneySchema.nullable(),
            meta: z.strictObject({ journeys: z.array(SummarySchema) }),
          }),
        }),
      },
    },
    async (req) => svc.forAccount(actorOf(req), req.params.id, today(req)),
  );

  r.post(
    '/api/v1/accounts/:id/journey',
    {
      schema: {
        tags,
        summary: 'Starts a journey by hand (409 journey_exists while one is under way)',
        params,
        body: z.object({
          started_on: z.string().optional().describe('YYYY-MM-DD, not after today (default today)'),
        }),
        response: responses({ 201: dataOf(JourneySchema) }),
      },
      ...passThrough,
    },
    async (req, reply) => {
      const data = await svc.start(actorOf(req), req.params.id, req.body, today(req));
      return reply.code(201).send({ data });
    },
  );

  r.get(
    '/api/v1/journeys/:id',
    {
      schema: {
        tags,
        summary: 'One journey with its stages and key tasks',
        params,
        response: responses({ 200: dataOf(JourneySchema) }),
      },
    },
    async (req) => ({ data: await svc.get(actorOf(req), req.params.id, today(req)) }),
  );

  r.put(
    '/api/v1/journeys/:id/stages/:stage/tasks/:task',
    {
      schema: {
        tags,
        summary: "Records a key task's verifiable result on a stage not yet completed",
        params: z.object({ id: z.string(), stage: z.string(), task: z.string() }),
        body: z.object({
          version,
          done: z.boolean().optional().describe('checkbox tasks'),
          note: z.string().nullable().optional().describe('note tasks (≤ 2000; empty clears)'),
          attachment_id: z
            .string()
            .nullable()
            .optional()
            .describe('file tasks: a file attached to the customer (null clears)'),
        }),
        response: responses({ 200: dataOf(JourneySchema) }),
      },
      ...passThrough,
    },
    async (req) => ({
      data: await svc.recordTask(
        actorOf(req),
        req.params.id,
        req.params.stage,
        req.params.task,
        req.body,
        today(req),
      ),
    }),
  );

  r.post(
    '/api/v1/journeys/:id/complete-stage',
    {
      schema: {
        tags,
        summary:
          'Completes the current stage once its required key tasks have their results; the next stage starts that day',
        params,
        body: z.object({
          version,
          stage_key: z.string().describe('the current stage (409 journey_stage_not_current otherwise)'),
          completed_on: z
            .string()
            .optional()
            .describe('YYYY-MM-DD: not before the stage was entered, not after today'),
        }),
        response: responses({
          200: z.strictObject({
            data: JourneySchema,
            meta: z.strictObject({ surveys: z.array(SurveySentSchema) }),
          }),
        }),
      },
      ...passThrough,
    },
    async (req) => {
      return svc.completeStage(
        actorOf(req),
        req.params.id,
        req.body,
        today(req),
        surveyLinkBase(platform, req),
      );
    },
  );

  r.post(
    '/api/v1/journeys/:id/cancel',
    {
      schema: {
        tags,
        summary: 'Cancels a journey under way with a reason',
        params,
        body: z.object({ version, reason: z.string().describe('required, ≤ 500') }),
        response: responses({ 200: dataOf(JourneySchema) }),
      },
      ...passThrough,
    },
    async (req) => ({ data: await svc.cancel(actorOf(req), req.params.id, req.body, today(req)) }),
  );
}
