import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { actorOf } from '../http/auth.hooks.ts';
import { can } from '../access/permissions.ts';
import type { RecordsService } from './records.service.ts';
import { listOf, responses, SearchGroup } from '../http/response-schemas.ts';

/**
 * Global search (the `/` box): every object the caller may read, over its search fields
 * (name, phone, e-mail …), a few hits each. Scope and field security apply as in lists.
 */
export function registerSearchRoutes(app: FastifyInstance, records: RecordsService): void {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/api/v1/search',
    {
      schema: {
        tags: ['records'],
        summary: 'Search accounts, contacts, leads, opportunities … by name, phone or e-mail',
        response: responses({ 200: listOf(SearchGroup) }),
        querystring: z.object({
          q: z.string().trim().min(1).max(100),
          limit: z.coerce.number().int().min(1).max(20).default(5),
        }),
      },
    },
    async (req) => {
      const actor = actorOf(req);
      const objects = [...(await records.registry.objects(actor.tenantId)).values()].filter((o) =>
        can(actor, o.apiName, 'read'),
      );
      const groups = await Promise.all(
        objects.map(async (o) => {
          const res = await records.list(actor, o.apiName, {
            filter: [],
            sort: [],
            limit: req.query.limit,
            expand: [],
            count: false,
            deleted: 'exclude',
            q: req.query.q,
          });
          return {
            object: o.apiName,
            label: o.pluralLabel,
            hits: res.data.map((r) => ({
              id: r.id,
              title: r[o.nameField] ?? null,
              fields: Object.fromEntries(o.searchFields.map((f) => [f, r[f] ?? null])),
            })),
          };
        }),
      );
      return { data: groups.filter((g) => g.hits.length > 0) };
    },
  );
}
