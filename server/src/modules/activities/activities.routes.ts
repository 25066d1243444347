import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { actorOf } from '../../platform/http/auth.hooks.ts';
import { AppError } from '../../platform/http/errors.ts';
import { isValidDate } from '../../platform/metadata/values.rules.ts';
import { dataOf, RecordData, responses } from '../../platform/http/response-schemas.ts';
import type { ActivitiesService } from './activities.service.ts';
import { MyDay, TimelinePage } from './activities.schemas.ts';

const tags = ['activities'];

export function registerActivityRoutes(app: FastifyInstance, s: ActivitiesService): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/api/v1/activities/my-day',
    {
      schema: {
        tags,
        summary: 'My day: tasks due and overdue, upcoming meetings, records overdue for a follow-up',
        response: responses({ 200: dataOf(MyDay) }),
        querystring: z.object({ date: z.string().max(10).optional() }),
      },
    },
    async (req) => {
      const { date } = req.query;
      if (date !== undefined && !isValidDate(date))
        throw new AppError('bad_request', 'bad_request', [{ field: 'date', issue: 'invalid_date' }]);
      return { data: await s.myDay(actorOf(req), date) };
    },
  );
  r.get(
    '/api/v1/activities/timeline',
    {
      schema: {
        tags,
        summary:
          'Activities and tasks about a record, newest first (an account includes its contacts and opportunities)',
        response: responses({ 200: TimelinePage }),
        querystring: z.object({
          object: z.enum(['account', 'contact', 'lead', 'opportunity']),
          id: z.string().max(64),
          cursor: z.string().max(200).optional(),
          limit: z.coerce.number().int().min(1).max(100).default(20),
        }),
      },
    },
    async (req) => s.timeline(actorOf(req), req.query),
  );
  r.post(
    '/api/v1/activities/tasks/:id/complete',
    {
      schema: {
        tags,
        summary: 'Mark a task done (sets completed_at; already done → unchanged)',
        response: responses({ 200: dataOf(RecordData) }),
        params: z.object({ id: z.string() }),
      },
    },
    async (req) => ({ data: await s.completeTask(actorOf(req), req.params.id) }),
  );
}
