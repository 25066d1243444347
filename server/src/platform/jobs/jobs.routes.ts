import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { adminOf } from '../http/auth.hooks.ts';
import { isValidDate } from '../metadata/values.rules.ts';
import type { JobsService } from './jobs.service.ts';
import { todayIn } from './dates.rules.ts';
import { dataOf, Job, JobRun, listOf, responses } from '../http/response-schemas.ts';

export function registerJobRoutes(app: FastifyInstance, jobs: JobsService): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/api/v1/admin/jobs',
    {
      schema: {
        tags: ['admin'],
        summary: 'Scheduled jobs with their last run in this tenant',
        response: responses({ 200: listOf(Job) }),
      },
    },
    async (req) => {
      const a = adminOf(req);
      const last = await jobs.lastRuns(a.tenantId);
      return {
        data: jobs.list().map((j) => ({
          name: j.name,
          schedule: j.schedule ?? null,
          description: j.description,
          last_run: last.get(j.name) ?? null,
        })),
      };
    },
  );
  r.post(
    '/api/v1/admin/jobs/:job/run',
    {
      schema: {
        tags: ['admin'],
        summary: 'Run a job now for this tenant (answers when finished)',
        response: responses({ 200: dataOf(JobRun) }),
        params: z.object({ job: z.string().max(100) }),
        body: z.strictObject({ as_of: z.string().refine(isValidDate, 'YYYY-MM-DD').optional() }).optional(),
      },
    },
    async (req) => {
      const a = adminOf(req);
      return {
        data: await jobs.run(a.tenantId, req.params.job, req.body?.as_of ?? todayIn(a.timeZone), 'manual'),
      };
    },
  );
}
