import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Platform } from '../../platform/platform.ts';
import { actorOf } from '../../platform/http/auth.hooks.ts';
import { dataOf, responses, timestamp } from '../../platform/http/response-schemas.ts';
import { invalid } from '../../platform/http/errors.ts';
import { todayIn } from '../../platform/jobs/dates.rules.ts';
import { isUuid } from '../../platform/db/ids.ts';
import { isDay } from './month.rules.ts';
import { ALERT_TYPE_KEYS, LEVEL_KEYS, NATURE_KEYS } from './alerts.rules.ts';
import { WORK_ORDER_ACTIONS, WorkOrdersService, type WorkOrderAction } from './work-orders.service.ts';

const tags = ['success'];

/** Events beyond work_order.created|updated (the weekly run raises those like the records engine). */
export const WORK_ORDER_EVENTS = [
  'health_alert.raised',
  'work_order.in_progress',
  'work_order.resolved',
  'work_order.verified',
  'work_order.reopened',
  'work_order.evaluated',
];
// bodies and queries are checked by the service / here so that a bad value is a 422 naming its field
const passThrough = { validatorCompiler: () => (data: unknown) => ({ value: data }) };
const str = z.string().optional();

const Level = z.enum(LEVEL_KEYS);
const Status = z.enum(['open', 'in_progress', 'resolved', 'verified', 'reopened']);

const WorkOrderSchema = z
  .strictObject({
    id: z.string(),
    version: z.number().int(),
    account_id: z.string(),
    account_name: z.string(),
    owner_id: z.string().nullable(),
    owner_name: z.string().nullable(),
    type: z.string().describe('warning'),
    alert_type: z.enum(ALERT_TYPE_KEYS),
    level: Level,
    subject: z.string(),
    detail: z.string().nullable(),
    status: Status,
    due_date: z.string(),
    overdue: z.boolean().describe('open, in progress or reopened and past its due date today'),
    raised_week: z.string(),
    last_raised_week: z.string(),
    times_raised: z.number().int(),
    action_taken: z.string().nullable(),
    resolved_at: timestamp.nullable(),
    resolved_by: z.string().nullable(),
    score_at_resolution: z.number().nullable().describe('the latest health score when resolved'),
    verified_at: timestamp.nullable(),
    verified_by: z.string().nullable(),
    effectiveness: z.enum(['effective', 'ineffective']).nullable(),
    evaluated_on: z.string().nullable(),
    created_at: timestamp,
    updated_at: timestamp,
  })
  .meta({ id: 'WorkOrder' });

const AlertSchema = z
  .strictObject({
    id: z.string(),
    account_id: z.string(),
    account_name: z.string(),
    csm_id: z.string().nullable(),
    csm_name: z.string().nullable(),
    week_start: z.string(),
    type: z.enum(ALERT_TYPE_KEYS),
    label: z.string().describe('the type in the request language'),
    level: Level,
    nature: z.enum(NATURE_KEYS),
    detail: z
      .record(z.string(), z.unknown())
      .describe('what changed: from/to/change, quotas, key people, due date'),
    text: z.string().describe('the detail as one line in the request language'),
    work_order_id: z.string().nullable(),
    work_order_status: Status.nullable(),
    created_at: timestamp,
  })
  .meta({ id: 'HealthAlert' });

const Counts = {
  open: z.number().int().describe('open (reopened ones are counted apart)'),
  in_progress: z.number().int(),
  reopened: z.number().int(),
  overdue: z.number().int(),
  resolved_this_month: z.number().int(),
  verified_this_month: z.number().int(),
};
const SummarySchema = z.strictObject({
  as_of: z.string(),
  month: z.string(),
  rows: z.array(
    z.strictObject({ owner_id: z.string().nullable(), owner_name: z.string().nullable(), ...Counts }),
  ),
  total: z.strictObject(Counts),
});

function oneOf<T extends string>(v: string | undefined, allowed: readonly T[], field: string): T | undefined {
  if (v === undefined || v === '') return undefined;
  if (!(allowed as readonly string[]).includes(v)) throw invalid([{ field, issue: 'invalid_value' }]);
  return v as T;
}

const ACTION_SUMMARY: Record<WorkOrderAction, string> = {
  start: 'Start working on a warning work order (open | reopened → in_progress)',
  resolve:
    'Resolve a warning work order with the action taken (→ resolved; the current health score is kept)',
  verify: 'Verify a resolved work order (resolved → verified; CS leads only)',
  reopen: 'Reopen a resolved or verified work order with a reason (→ reopened; CS leads only)',
};

const ACTION_BODY: Record<WorkOrderAction, z.ZodType> = {
  start: z.object({ version: z.number().int().optional() }),
  resolve: z.object({ version: z.number().int().optional(), action_taken: z.string().describe('required') }),
  verify: z.object({ version: z.number().int().optional() }),
  reopen: z.object({ version: z.number().int().optional(), reason: z.string().describe('required') }),
};

/** Warning work-order actions, the week's alerts and the work-order queue summary (docs/API.md §23). */
export function registerWorkOrderRoutes(app: FastifyInstance, platform: Platform): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const svc = new WorkOrdersService(platform);
  const today = (req: Parameters<typeof actorOf>[0]): string => todayIn(actorOf(req).timeZone);

  for (const action of WORK_ORDER_ACTIONS)
    r.post(
      `/api/v1/work-orders/:id/${action}`,
      {
        schema: {
          tags,
          summary: ACTION_SUMMARY[action],
          params: z.object({ id: z.string() }),
          body: ACTION_BODY[action],
          response: responses({ 200: dataOf(WorkOrderSchema) }),
        },
        ...passThrough,
      },
      async (req) => ({
        data: await svc.act(actorOf(req), req.params.id, action, req.body, today(req)),
      }),
    );

  r.get(
    '/api/v1/success/alerts',
    {
      schema: {
        tags,
        summary: "One week's change alerts on the customers the caller may read, most severe first",
        querystring: z.object({
          week: str.describe('YYYY-MM-DD, read as the Monday of its week (default: the latest scored week)'),
          level: str.describe(LEVEL_KEYS.join(' | ')),
          nature: str.describe(NATURE_KEYS.join(' | ')),
          type: str.describe(ALERT_TYPE_KEYS.join(' | ')),
          account_id: str,
        }),
        response: responses({
          200: z.strictObject({
            data: z.array(AlertSchema),
            meta: z.strictObject({ week_start: z.string().nullable(), total: z.number().int() }),
          }),
        }),
      },
      ...passThrough,
    },
    async (req) => {
      const q = req.query;
      if (q.week !== undefined && q.week !== '' && !isDay(q.week))
        throw invalid([{ field: 'week', issue: 'invalid_date' }]);
      if (q.account_id !== undefined && q.account_id !== '' && !isUuid(q.account_id))
        throw invalid([{ field: 'account_id', issue: 'invalid_value' }]);
      const level = oneOf(q.level, LEVEL_KEYS, 'level');
      const nature = oneOf(q.nature, NATURE_KEYS, 'nature');
      const type = oneOf(q.type, ALERT_TYPE_KEYS, 'type');
      return svc.alerts(
        actorOf(req),
        {
          ...(q.week ? { week: q.week } : {}),
          ...(level ? { level } : {}),
          ...(nature ? { nature } : {}),
          ...(type ? { type } : {}),
          ...(q.account_id ? { account_id: q.account_id } : {}),
        },
        today(req),
      );
    },
  );

  r.get(
    '/api/v1/success/work-orders/summary',
    {
      schema: {
        tags,
        summary:
          'Warning work orders per owner: open, in progress, reopened, overdue, resolved and verified this month',
        querystring: z.object({ as_of: str.describe('YYYY-MM-DD (default today)') }),
        response: responses({ 200: dataOf(SummarySchema) }),
      },
      ...passThrough,
    },
    async (req) => {
      const asOf = req.query.as_of;
      if (asOf !== undefined && asOf !== '' && !isDay(asOf))
        throw invalid([{ field: 'as_of', issue: 'invalid_date' }]);
      return { data: await svc.summary(actorOf(req), asOf || today(req)) };
    },
  );
}
