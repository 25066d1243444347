import { z } from 'zod';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Platform } from '../../platform/platform.ts';
import { actorOf } from '../../platform/http/auth.hooks.ts';
import { dataOf, responses, timestamp } from '../../platform/http/response-schemas.ts';
import { CATEGORIES, SURVEY_KINDS } from './surveys.rules.ts';
import { linkOrigin } from './journeys.rules.ts';
import { ANSWERS_PAGE_MAX, GROUP_BYS, SurveysService, TEXT_ANSWERS_IN_RESULTS } from './surveys.service.ts';

const tags = ['success'];
// bodies and queries are checked by the service so that a bad value is a 422 naming its field
const passThrough = { validatorCompiler: () => (data: unknown) => ({ value: data }) };
const str = z.string().optional();

/** Domain events beyond survey.* / survey_response.* created|updated. */
export const SURVEY_EVENTS = ['survey.sent', 'survey_response.callback_recorded'];

const Kind = z.enum(SURVEY_KINDS);
const Category = z.enum(CATEGORIES);

const QuestionSchema = z
  .strictObject({
    key: z.string().describe('a–z, 0–9, _; unique in the survey'),
    label: z.string(),
    type: z.enum(['text', 'choice']),
    options: z.array(z.string()).optional().describe('choice only: 2–20 options'),
    required: z.boolean(),
  })
  .meta({ id: 'SurveyQuestion' });

const QuestionInputSchema = z.object({
  key: z
    .string()
    .optional()
    .describe(
      'a–z, 0–9, _; unique in the survey. Omit it for a new question (the server gives q<n>); a key of a removed question is 422 key_retired',
    ),
  label: z.string(),
  type: z.enum(['text', 'choice']),
  options: z.array(z.string()).optional().describe('choice only: 2–20 options'),
  required: z.boolean().optional(),
});

const QuestionsSchema = z.strictObject({
  id: z.string(),
  version: z.number().int(),
  questions: z.array(QuestionSchema),
  retired_keys: z
    .array(z.string())
    .describe('keys of removed questions: their answers stay under them, so no question gets them again'),
});

const SendResultSchema = z.strictObject({
  survey_id: z.string(),
  round: z.string(),
  invited: z.array(
    z.strictObject({
      invitation_id: z.string(),
      contact_id: z.string(),
      contact_name: z.string(),
      account_id: z.string(),
      email: z.string(),
      expires_at: timestamp,
      mail: z
        .enum(['sent', 'stored', 'failed'])
        .describe('stored: no SMTP configured, kept in the mail outbox'),
    }),
  ),
  skipped: z.array(
    z.strictObject({
      contact_id: z.string(),
      contact_name: z.string(),
      account_id: z.string(),
      reason: z.enum(['no_email', 'already_invited']),
    }),
  ),
  accounts_without_key_users: z.array(z.string()),
});

const PublicSurveySchema = z
  .strictObject({
    locale: z.enum(['zh-CN', 'en-US']),
    company: z.string().describe("the tenant's display name"),
    survey: z.strictObject({
      name: z.string(),
      kind: Kind,
      intro: z.string().nullable(),
      question: z.string().describe('the NPS or CSAT question in `locale`'),
      scale: z.strictObject({
        min: z.number().int(),
        max: z.number().int(),
        min_label: z.string(),
        max_label: z.string(),
      }),
      comment_label: z.string(),
      comment_max: z.number().int(),
      questions: z.array(QuestionSchema),
    }),
    expires_at: timestamp,
  })
  .meta({ id: 'PublicSurvey' });

const ResponseSchema = z
  .strictObject({
    id: z.string(),
    survey_id: z.string(),
    round: z.string(),
    account_id: z.string(),
    account_name: z.string(),
    contact_id: z.string(),
    contact_name: z.string().nullable(),
    kind: Kind,
    score: z.number().int(),
    category: Category,
    comment: z.string().nullable(),
    answers: z.record(z.string(), z.string()),
    key_user: z.boolean(),
    light_id: z.string().nullable().describe('the red light this answer opened (or joined)'),
    submitted_at: timestamp,
    callback_task_id: z.string().nullable(),
    callback_outcome: z.string().nullable(),
    callback_at: timestamp.nullable(),
    callback_by: z.string().nullable(),
    version: z.number().int(),
  })
  .meta({ id: 'SurveyResponse' });

const Stats = {
  responses: z.number().int(),
  value: z
    .number()
    .nullable()
    .describe('NPS (−100.0 … 100.0) or CSAT (% of 4–5 answers); null without answers'),
  categories: z
    .partialRecord(Category, z.number().int())
    .describe('NPS: promoter, passive, detractor; CSAT: satisfied, neutral, dissatisfied'),
};
const Period = z.strictObject({ month: z.string(), ...Stats });
const TextAnswerSchema = z
  .strictObject({
    response_id: z.string(),
    submitted_at: timestamp,
    account_id: z.string(),
    account_name: z.string(),
    contact_id: z.string(),
    contact_name: z.string().nullable(),
    score: z.number().int(),
    category: Category,
    key_user: z.boolean(),
    text: z.string(),
  })
  .meta({ id: 'SurveyTextAnswer' });
const QuestionResultSchema = z
  .strictObject({
    key: z.string(),
    label: z.string(),
    type: z.enum(['text', 'choice']),
    removed: z.boolean().describe('no longer asked: answers given before it was removed'),
    answered: z.number().int().describe('responses in the period that answered it'),
    options: z
      .array(
        z.strictObject({
          option: z.string(),
          count: z.number().int(),
          share: z.number().nullable().describe('% of the answers to the question, one decimal'),
          removed: z.boolean().describe('not among its options now (renamed or removed)'),
        }),
      )
      .describe(
        "choice: the question's options in order (zeros included), then values no longer offered; text: []",
      ),
    answers: z
      .array(TextAnswerSchema)
      .describe(
        `text: the latest ${TEXT_ANSWERS_IN_RESULTS}, newest first (page on with /answers); choice: []`,
      ),
  })
  .meta({ id: 'SurveyQuestionResult' });
const AnswersPageSchema = z.strictObject({
  key: z.string(),
  total: z.number().int(),
  offset: z.number().int(),
  limit: z.number().int(),
  answers: z.array(TextAnswerSchema),
});
const ResultsSchema = z
  .strictObject({
    survey: z.strictObject({ id: z.string(), name: z.string(), kind: Kind }),
    from: z.string(),
    to: z.string(),
    group_by: z.enum(GROUP_BYS).nullable(),
    overall: z.strictObject({
      ...Stats,
      distribution: z.array(z.strictObject({ score: z.number().int(), count: z.number().int() })),
    }),
    periods: z.array(Period),
    groups: z.array(
      z.strictObject({
        key: z.string().nullable().describe('user id, partner account id, grade or industry; null: none'),
        label: z.string().nullable(),
        ...Stats,
        periods: z.array(Period),
      }),
    ),
    comments: z.array(
      z.strictObject({
        id: z.string(),
        submitted_at: timestamp,
        account_id: z.string(),
        account_name: z.string(),
        contact_name: z.string().nullable(),
        score: z.number().int(),
        category: Category,
        key_user: z.boolean(),
        comment: z.string(),
      }),
    ),
    questions: z
      .array(QuestionResultSchema)
      .describe('the extra questions now asked, in order, then removed ones answered in the period'),
  })
  .meta({ id: 'SurveyResults' });

/**
 * Where public survey links point: FLYWHEEL_PUBLIC_URL when set (the address customers reach;
 * a request's Origin is whatever the sender's client says), else the app the sender is using —
 * the web app serves `/s/{token}`.
 */
export function surveyLinkBase(p: Platform, req: FastifyRequest): string {
  const o = req.headers.origin;
  return p.config.publicUrl ?? linkOrigin(typeof o === 'string' ? o : undefined, req.protocol, req.host);
}

const services = new WeakMap<Platform, SurveysService>();
export const surveysService = (p: Platform): SurveysService => {
  const s = services.get(p) ?? new SurveysService(p);
  services.set(p, s);
  return s;
};

/** Survey questions, sending, call-back outcomes and results (docs/API.md §27). */
export function registerSurveyRoutes(app: FastifyInstance, platform: Platform): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const svc = surveysService(platform);
  const params = z.object({ id: z.string() });

  r.get(
    '/api/v1/surveys/:id/questions',
    {
      schema: {
        tags,
        summary: "A survey's extra questions",
        params,
        response: responses({ 200: dataOf(QuestionsSchema) }),
      },
    },
    async (req) => ({ data: await svc.questions(actorOf(req), req.params.id) }),
  );

  r.put(
    '/api/v1/surveys/:id/questions',
    {
      schema: {
        tags,
        summary: "Replaces a survey's extra questions (at most 20)",
        params,
        description:
          'Administrators only (403 survey_admin_only). A question keeps its key when moved or relabelled; keys are never reused.',
        body: z.object({ questions: z.array(QuestionInputSchema), version: z.number().int().optional() }),
        response: responses({ 200: dataOf(QuestionsSchema) }),
      },
      ...passThrough,
    },
    async (req) => ({ data: await svc.setQuestions(actorOf(req), req.params.id, req.body) }),
  );

  r.post(
    '/api/v1/surveys/:id/send',
    {
      schema: {
        tags,
        summary:
          'E-mails single-use survey links to contacts and to the key users of customers (one per survey, round and contact)',
        params,
        body: z.object({
          round: z.string().describe('e.g. 2026-01 or 2026-H1; 1–40 characters'),
          contact_ids: z.array(z.string()).optional(),
          account_ids: z.array(z.string()).optional().describe("the customers' key users are invited"),
          locale: z
            .enum(['zh-CN', 'en-US'])
            .optional()
            .describe("the mail's and page's language (tenant default)"),
        }),
        response: responses({ 200: dataOf(SendResultSchema) }),
      },
      ...passThrough,
    },
    async (req) => ({
      data: await svc.send(actorOf(req), req.params.id, req.body, surveyLinkBase(platform, req)),
    }),
  );

  r.get(
    '/api/v1/survey-responses/:id',
    {
      schema: {
        tags,
        summary: 'One survey response with its extra answers and call-back',
        params,
        response: responses({ 200: dataOf(ResponseSchema) }),
      },
    },
    async (req) => ({ data: await svc.response(actorOf(req), req.params.id) }),
  );

  r.post(
    '/api/v1/survey-responses/:id/callback',
    {
      schema: {
        tags,
        summary: "Records the call-back's outcome (after the response's red light closed)",
        params,
        body: z.object({ outcome: z.string(), version: z.number().int().optional() }),
        response: responses({ 200: dataOf(ResponseSchema) }),
      },
      ...passThrough,
    },
    async (req) => ({ data: await svc.recordCallback(actorOf(req), req.params.id, req.body) }),
  );

  r.get(
    '/api/v1/success/surveys/:id/results',
    {
      schema: {
        tags,
        summary: 'NPS or CSAT by month and group, the score distribution and the latest comments',
        params,
        querystring: z.object({
          from: str.describe('YYYY-MM-DD (default: first day of the month eleven months before `to`)'),
          to: str.describe('YYYY-MM-DD (default today)'),
          group_by: str.describe(GROUP_BYS.join(' | ')),
        }),
        response: responses({ 200: dataOf(ResultsSchema) }),
      },
      ...passThrough,
    },
    async (req) => {
      const q = req.query as { from?: string; to?: string; group_by?: string };
      return { data: await svc.results(actorOf(req), req.params.id, q) };
    },
  );

  r.get(
    '/api/v1/success/surveys/:id/answers',
    {
      schema: {
        tags,
        summary: "One page of an extra question's answers over the results' responses, newest first",
        params,
        querystring: z.object({
          key: str.describe("the question's key (a current or removed question)"),
          from: str.describe('YYYY-MM-DD (default as for the results)'),
          to: str.describe('YYYY-MM-DD (default today)'),
          offset: str.describe('answers to skip (default 0)'),
          limit: str.describe(`1–${ANSWERS_PAGE_MAX} (default 20)`),
        }),
        response: responses({ 200: dataOf(AnswersPageSchema) }),
      },
      ...passThrough,
    },
    async (req) => {
      const q = req.query as { key?: string; from?: string; to?: string; offset?: string; limit?: string };
      return { data: await svc.answers(actorOf(req), req.params.id, q) };
    },
  );
}

/**
 * The public answer page's endpoints (no sign-in): the token is the only key; an unknown one is
 * 404 and nothing beyond the questions and the company's name is ever returned. Rate-limited per
 * client address like the public lead forms.
 */
export async function registerPublicSurveyRoutes(app: FastifyInstance, platform: Platform): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const svc = surveysService(platform);
  const params = z.object({ token: z.string().max(200) });
  r.get(
    '/api/v1/public/surveys/:token',
    {
      config: { rateLimit: { max: 60, timeWindow: '1 minute' } },
      schema: {
        tags: ['public'],
        summary: 'A survey link: its questions and the company name (no sign-in)',
        security: [],
        params,
        querystring: z.object({ lang: str.describe('zh-CN | en-US (default: the invitation language)') }),
        response: responses({ 200: dataOf(PublicSurveySchema) }),
      },
      ...passThrough,
    },
    async (req) => {
      const q = req.query as { lang?: string };
      return { data: await svc.publicSurvey(req.params.token, q.lang) };
    },
  );
  r.post(
    '/api/v1/public/surveys/:token',
    {
      config: { rateLimit: { max: 20, timeWindow: '1 minute' } },
      schema: {
        tags: ['public'],
        summary:
          'Answers a survey link once (409 survey_link_used after that, 410 when expired or closed, 404 unknown)',
        security: [],
        params,
        body: z.object({
          score: z.number().int().describe('NPS 0–10, CSAT 1–5'),
          comment: z.string().optional().describe('at most 2000 characters'),
          answers: z.record(z.string(), z.string()).optional().describe('extra questions by key'),
        }),
        response: responses({ 200: dataOf(z.strictObject({ ok: z.literal(true) })) }),
      },
      ...passThrough,
    },
    async (req) => ({ data: await svc.submit(req.params.token, req.body) }),
  );
}
