import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { actorOf } from '../http/auth.hooks.ts';
import type { ViewsService } from './views.service.ts';
import { dataOf, listOf, noContent, responses, SavedView } from '../http/response-schemas.ts';

export function registerViewRoutes(app: FastifyInstance, views: ViewsService): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['views'];
  r.get(
    '/api/v1/views',
    {
      schema: {
        tags,
        summary: 'Saved list views of an object (mine and shared)',
        response: responses({ 200: listOf(SavedView) }),
        querystring: z.object({ object: z.string().max(64) }),
      },
    },
    async (req) => ({
      data: await views.list(actorOf(req), req.query.object),
    }),
  );
  r.post(
    '/api/v1/views',
    {
      schema: {
        tags,
        summary: 'Save a list view (shared views: admins only)',
        response: responses({ 201: dataOf(SavedView) }),
        body: z.strictObject({
          object: z.string().max(64),
          name: z.string().max(80),
          shared: z.boolean().optional(),
          config: z.record(z.string(), z.unknown()),
        }),
      },
    },
    async (req, reply) => reply.status(201).send({ data: await views.create(actorOf(req), req.body) }),
  );
  r.patch(
    '/api/v1/views/:id',
    {
      schema: {
        tags,
        summary: 'Rename or change a view',
        response: responses({ 200: dataOf(SavedView) }),
        params: z.object({ id: z.string() }),
        body: z.strictObject({
          name: z.string().max(80).optional(),
          config: z.record(z.string(), z.unknown()).optional(),
          version: z.number().int().optional(),
        }),
      },
    },
    async (req) => ({ data: await views.update(actorOf(req), req.params.id, req.body) }),
  );
  r.delete(
    '/api/v1/views/:id',
    {
      schema: {
        tags,
        summary: 'Delete a view',
        params: z.object({ id: z.string() }),
        response: responses({ 204: noContent }),
      },
    },
    async (req, reply) => {
      await views.remove(actorOf(req), req.params.id);
      return reply.status(204).send();
    },
  );
}
