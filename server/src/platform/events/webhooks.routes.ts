import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { adminOf } from '../http/auth.hooks.ts';
import type { WebhooksService } from './webhooks.service.ts';
import { dataOf, listOf, noContent, responses, Webhook, WebhookDelivery } from '../http/response-schemas.ts';

export function registerWebhookRoutes(
  app: FastifyInstance,
  webhooks: WebhooksService,
  eventTypes: (tenantId: string) => Promise<string[]>,
): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['webhooks'];
  r.get(
    '/api/v1/admin/webhooks/event-types',
    {
      schema: {
        tags,
        summary: 'Event types a webhook can subscribe to',
        response: responses({ 200: listOf(z.string()) }),
      },
    },
    async (req) => ({
      data: await eventTypes(adminOf(req).tenantId),
    }),
  );
  const id = z.object({ id: z.string() });
  r.get(
    '/api/v1/admin/webhooks',
    { schema: { tags, summary: 'Registered webhooks', response: responses({ 200: listOf(Webhook) }) } },
    async (req) => ({
      data: await webhooks.list(adminOf(req)),
    }),
  );
  r.post(
    '/api/v1/admin/webhooks',
    {
      schema: {
        tags,
        summary: 'Register a webhook; the signing secret is returned once',
        response: responses({ 201: dataOf(Webhook.extend({ secret: z.string() })) }),
        body: z.strictObject({
          url: z.string().max(2000),
          event_types: z.array(z.string().max(100)).min(1).max(100),
          description: z.string().max(200).optional(),
        }),
      },
    },
    async (req, reply) => reply.status(201).send({ data: await webhooks.create(adminOf(req), req.body) }),
  );
  r.patch(
    '/api/v1/admin/webhooks/:id',
    {
      schema: {
        tags,
        summary: 'Pause/resume or change event types',
        response: responses({ 200: dataOf(Webhook) }),
        params: id,
        body: z.strictObject({
          active: z.boolean().optional(),
          event_types: z.array(z.string().max(100)).min(1).optional(),
        }),
      },
    },
    async (req) => ({ data: await webhooks.update(adminOf(req), req.params.id, req.body) }),
  );
  r.delete(
    '/api/v1/admin/webhooks/:id',
    { schema: { tags, summary: 'Remove a webhook', params: id, response: responses({ 204: noContent }) } },
    async (req, reply) => {
      await webhooks.remove(adminOf(req), req.params.id);
      return reply.status(204).send();
    },
  );
  r.get(
    '/api/v1/admin/webhooks/:id/deliveries',
    {
      schema: {
        tags,
        summary: 'Delivery log',
        params: id,
        response: responses({ 200: listOf(WebhookDelivery) }),
      },
    },
    async (req) => ({
      data: await webhooks.deliveries(adminOf(req), req.params.id),
    }),
  );
  r.post(
    '/api/v1/admin/webhooks/:id/deliveries/:delivery/replay',
    {
      schema: {
        tags,
        summary: 'Send a delivery again',
        response: responses({ 202: dataOf(z.strictObject({ queued: z.boolean() })) }),
        params: z.object({ id: z.string(), delivery: z.string() }),
      },
    },
    async (req, reply) => {
      await webhooks.replay(adminOf(req), req.params.id, req.params.delivery);
      return reply.status(202).send({ data: { queued: true } });
    },
  );
}
