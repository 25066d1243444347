import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { sql } from 'kysely';
import type { Platform } from '../../platform/platform.ts';
import { actorOf } from '../../platform/http/auth.hooks.ts';
import { dataOf, responses, timestamp } from '../../platform/http/response-schemas.ts';
import { forbidden, invalid } from '../../platform/http/errors.ts';
import { todayIn } from '../../platform/jobs/dates.rules.ts';
import { isUuid } from '../../platform/db/ids.ts';
import { TenantDb } from '../../platform/db/tenant-db.ts';
import { writeAudit } from '../../platform/audit/audit.ts';
import { isValidDate } from '../../platform/metadata/values.rules.ts';
import { zodIssues } from '../../platform/http/zod-issues.ts';
import {
  LIGHT_ACTIONS,
  LIGHT_COLORS,
  LIGHT_REASONS,
  LIGHT_SOURCES,
  LIGHT_STATUSES,
  PRIORITIES,
  ROOT_CAUSES,
  lightEscalationSchema,
  lightRoutingSchema,
  type LightAction,
} from './lights.rules.ts';
import { LightsService, lightSettings } from './lights.service.ts';

const tags = ['success'];

/** Events of lights beyond traffic_light.created|updated of the generic engine. */
export const LIGHT_EVENTS = [
  'traffic_light.raised',
  'traffic_light.schedule_meeting',
  'traffic_light.action_plan',
  'traffic_light.resolve',
  'traffic_light.close',
  'traffic_light.reopen',
  'traffic_light.escalated',
];
// bodies and queries are checked by the service / here so that a bad value is a 422 naming its field
const passThrough = { validatorCompiler: () => (data: unknown) => ({ value: data }) };
const str = z.string().optional();

const LightSchema = z
  .strictObject({
    id: z.string(),
    version: z.number().int(),
    account_id: z.string(),
    account_name: z.string(),
    subject: z.string(),
    color: z.enum(LIGHT_COLORS),
    reason: z.enum(LIGHT_REASONS),
    description: z.string(),
    source: z.enum(LIGHT_SOURCES),
    survey_response_id: z.string().nullable(),
    complaint_id: z.string().nullable(),
    status: z.enum(LIGHT_STATUSES),
    owner_id: z.string().nullable().describe("the customer's CSM (else the account owner)"),
    owner_name: z.string().nullable(),
    responsible_id: z.string().nullable().describe('the person the light is routed (or escalated) to'),
    responsible_name: z.string().nullable(),
    created_by: z.string().nullable().describe('who raised it (null: the system)'),
    opened_at: timestamp.describe('raised, or last reopened'),
    reopened_count: z.number().int(),
    age_days: z.number().int().describe('days from opened_at to resolution, or to today while unresolved'),
    meeting_at: timestamp.nullable(),
    meeting_attendees: z.array(z.string()),
    action_task_ids: z.array(z.string()).describe('tasks of the action plan (on the account)'),
    escalation_level: z.number().int().describe('0 = not escalated; up to 3'),
    priority: z.enum(PRIORITIES),
    escalated_at: timestamp.nullable(),
    root_cause: z.enum(ROOT_CAUSES).nullable(),
    root_cause_note: z.string().nullable(),
    product_area: z.string().nullable(),
    resolved_at: timestamp.nullable(),
    closed_at: timestamp.nullable(),
    created_at: timestamp,
    updated_at: timestamp,
  })
  .meta({ id: 'TrafficLight' });

const ReportSchema = z.strictObject({
  from: z.string(),
  to: z.string(),
  total: z.number().int(),
  resolved: z.number().int(),
  mean_hours_to_resolve: z.number().nullable(),
  by_cause: z.array(
    z.strictObject({ root_cause: z.enum(ROOT_CAUSES), label: z.string(), lights: z.number().int() }),
  ),
  by_reason: z.array(
    z.strictObject({ reason: z.enum(LIGHT_REASONS), label: z.string(), lights: z.number().int() }),
  ),
  by_product_area: z.array(z.strictObject({ product_area: z.string(), lights: z.number().int() })),
  repeat_causes: z.array(
    z.strictObject({
      account_id: z.string(),
      account_name: z.string(),
      root_cause: z.enum(ROOT_CAUSES),
      label: z.string(),
      lights: z.number().int(),
    }),
  ),
  by_arr_band: z.array(
    z.strictObject({
      band: z.enum(['large', 'mid', 'small', 'none']),
      accounts: z.number().int(),
      lights: z.number().int(),
    }),
  ),
});

const SettingsSchema = z.strictObject({ routing: lightRoutingSchema, escalation: lightEscalationSchema });

const ACTION_SUMMARY: Record<LightAction, string> = {
  'schedule-meeting': 'Schedule the meeting on a light (open | meeting_scheduled → meeting_scheduled)',
  'action-plan':
    'Add action-plan tasks (created on the account, for the CSM or named owners) (→ action_plan)',
  resolve: 'Resolve a light with its root cause and a note (→ resolved)',
  close: 'Close a resolved light (resolved → closed)',
  reopen: 'Reopen a resolved or closed light with a reason (→ open)',
};
const version = z.number().int().optional();
const ACTION_BODY: Record<LightAction, z.ZodType> = {
  'schedule-meeting': z.object({ version, meeting_at: z.string(), attendees: z.array(z.string()) }),
  'action-plan': z.object({
    version,
    tasks: z.array(z.object({ subject: z.string(), due_date: z.string(), owner_id: z.string().optional() })),
  }),
  resolve: z.object({
    version,
    root_cause: z.string().describe(`required: ${ROOT_CAUSES.join(' | ')}`),
    note: z.string().describe('required'),
    product_area: z.string().optional(),
  }),
  close: z.object({ version }),
  reopen: z.object({ version, reason: z.string().describe('required') }),
};

function oneOf<T extends string>(v: string | undefined, allowed: readonly T[], field: string): T | undefined {
  if (v === undefined || v === '') return undefined;
  if (!(allowed as readonly string[]).includes(v)) throw invalid([{ field, issue: 'invalid_value' }]);
  return v as T;
}

/** Traffic lights (按灯) and complaints (docs/API.md §26, docs/ENGAGEMENT.md). */
export function registerLightRoutes(app: FastifyInstance, platform: Platform): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const svc = new LightsService(platform);
  const today = (req: Parameters<typeof actorOf>[0]): string => todayIn(actorOf(req).timeZone);

  r.post(
    '/api/v1/accounts/:id/lights',
    {
      schema: {
        tags,
        summary: 'Raise a red or yellow light on a customer the caller may read',
        params: z.object({ id: z.string() }),
        body: z.object({
          color: z.enum(LIGHT_COLORS),
          reason: z.enum(LIGHT_REASONS),
          description: z.string(),
          attachment_ids: z
            .array(z.string())
            .optional()
            .describe('evidence: files the caller uploaded on the account; they move onto the light'),
        }),
        response: responses({ 201: dataOf(LightSchema) }),
      },
      ...passThrough,
    },
    async (req, reply) => {
      const data = await svc.raise(actorOf(req), req.params.id, req.body, today(req));
      return reply.code(201).send({ data });
    },
  );

  r.post(
    '/api/v1/accounts/:id/complaints',
    {
      schema: {
        tags,
        summary: 'File a complaint on a customer: opens a red light linked to it',
        params: z.object({ id: z.string() }),
        body: z.object({
          channel: z.string().describe('phone | email | wechat | meeting | other'),
          severity: z.string().optional().describe('low | mid | high (default mid)'),
          description: z.string(),
          contact_id: z.string().optional(),
        }),
        response: responses({
          201: dataOf(z.strictObject({ complaint_id: z.string(), light: LightSchema })),
        }),
      },
      ...passThrough,
    },
    async (req, reply) => {
      const data = await svc.complain(actorOf(req), req.params.id, req.body, today(req));
      return reply.code(201).send({ data });
    },
  );

  for (const action of LIGHT_ACTIONS)
    r.post(
      `/api/v1/lights/:id/${action}`,
      {
        schema: {
          tags,
          summary: ACTION_SUMMARY[action],
          params: z.object({ id: z.string() }),
          body: ACTION_BODY[action],
          response: responses({ 200: dataOf(LightSchema) }),
        },
        ...passThrough,
      },
      async (req) => ({ data: await svc.act(actorOf(req), req.params.id, action, req.body, today(req)) }),
    );

  r.get(
    '/api/v1/lights/:id',
    {
      schema: {
        tags,
        summary: 'One traffic light the caller may see',
        params: z.object({ id: z.string() }),
        response: responses({ 200: dataOf(LightSchema) }),
      },
    },
    async (req) => ({ data: await svc.get(actorOf(req), req.params.id, today(req)) }),
  );

  r.get(
    '/api/v1/success/lights',
    {
      schema: {
        tags,
        summary: 'The traffic-light board: lights the caller may see, with age and escalation',
        querystring: z.object({
          status: str.describe(LIGHT_STATUSES.join(' | ')),
          color: str.describe(LIGHT_COLORS.join(' | ')),
          account_id: str,
        }),
        response: responses({
          200: z.strictObject({
            data: z.array(LightSchema),
            meta: z.strictObject({ total: z.number().int() }),
          }),
        }),
      },
      ...passThrough,
    },
    async (req) => {
      const q = req.query;
      if (q.account_id !== undefined && q.account_id !== '' && !isUuid(q.account_id))
        throw invalid([{ field: 'account_id', issue: 'invalid_value' }]);
      const status = oneOf(q.status, LIGHT_STATUSES, 'status');
      const color = oneOf(q.color, LIGHT_COLORS, 'color');
      return svc.list(
        actorOf(req),
        {
          ...(status ? { status } : {}),
          ...(color ? { color } : {}),
          ...(q.account_id ? { account_id: q.account_id } : {}),
        },
        today(req),
      );
    },
  );

  r.get(
    '/api/v1/success/lights/report',
    {
      schema: {
        tags,
        summary:
          'Root-cause report of lights raised in a period: by cause, reason, product area, repeat causes, mean time to resolve, ARR band',
        querystring: z.object({
          from: str.describe('YYYY-MM-DD (default: 90 days before to)'),
          to: str.describe('YYYY-MM-DD (default today)'),
        }),
        response: responses({ 200: dataOf(ReportSchema) }),
      },
      ...passThrough,
    },
    async (req) => {
      const q = req.query;
      for (const f of ['from', 'to'] as const)
        if (q[f] !== undefined && q[f] !== '' && !isValidDate(q[f]))
          throw invalid([{ field: f, issue: 'invalid_date' }]);
      const to = q.to || today(req);
      const from =
        q.from || new Date(Date.parse(`${to}T00:00:00Z`) - 90 * 86_400_000).toISOString().slice(0, 10);
      if (from > to) throw invalid([{ field: 'from', issue: 'invalid_value' }]);
      return { data: await svc.report(actorOf(req), from, to) };
    },
  );

  r.get(
    '/api/v1/success/lights/settings',
    {
      schema: {
        tags,
        summary: 'Light routing (reason → role or the account owner’s manager) and escalation limits',
        response: responses({ 200: dataOf(SettingsSchema) }),
      },
    },
    async (req) => {
      const a = actorOf(req);
      return { data: await lightSettings(TenantDb.for(platform.db, a.tenantId)) };
    },
  );

  r.put(
    '/api/v1/success/lights/settings',
    {
      schema: {
        tags,
        summary: 'Replace light routing and escalation limits (administrators)',
        body: z.object({ routing: z.unknown().optional(), escalation: z.unknown().optional() }),
        response: responses({ 200: dataOf(SettingsSchema) }),
      },
      ...passThrough,
    },
    async (req) => {
      const a = actorOf(req);
      if (!a.isAdmin) throw forbidden();
      const parsed = z
        .strictObject({
          routing: lightRoutingSchema.optional(),
          escalation: lightEscalationSchema.optional(),
        })
        .safeParse(req.body ?? {});
      if (!parsed.success) throw invalid(zodIssues('', parsed.error));
      const tdb = TenantDb.for(platform.db, a.tenantId);
      await tdb.transaction(async (tx) => {
        const before = await lightSettings(tx);
        const patch = {
          ...(parsed.data.routing ? { lightRouting: parsed.data.routing } : {}),
          ...(parsed.data.escalation ? { lightEscalation: parsed.data.escalation } : {}),
        };
        await tx.exec0(sql`update tenant set settings = jsonb_set(coalesce(settings, '{}'::jsonb), '{success}',
            coalesce(settings->'success', '{}'::jsonb) || ${JSON.stringify(patch)}::jsonb)
          where id = ${tx.tenantId}`);
        await writeAudit(tx, a, [
          {
            action: 'admin',
            object: 'settings',
            recordId: null,
            changes: { success_lights: [before, patch] },
          },
        ]);
      });
      return { data: await lightSettings(tdb) };
    },
  );
}
