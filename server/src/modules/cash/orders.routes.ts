import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { actorOf } from '../../platform/http/auth.hooks.ts';
import { dataOf, responses } from '../../platform/http/response-schemas.ts';
import type { OrdersService } from './orders.service.ts';
import { OrderCreateBody, OrderLinesBody, OrderWithLines } from './orders.schemas.ts';

const tags = ['cash'];
const params = z.object({ id: z.string() });
const ok = responses({ 200: dataOf(OrderWithLines) });

export function registerOrderRoutes(app: FastifyInstance, orders: OrdersService): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.post(
    '/api/v1/orders',
    {
      schema: {
        tags,
        summary: 'Create an order with its lines in one request (draft, or confirmed at once)',
        body: OrderCreateBody,
        response: responses({ 201: dataOf(OrderWithLines) }),
      },
      // the service validates the body itself so that every bad field is named in one answer
      validatorCompiler: () => (data) => ({ value: data }),
    },
    async (req, reply) => reply.code(201).send({ data: await orders.create(actorOf(req), req.body) }),
  );
  r.get(
    '/api/v1/orders/:id',
    { schema: { tags, summary: 'An order with its lines', params, response: ok } },
    async (req) => ({ data: await orders.get(actorOf(req), req.params.id) }),
  );
  r.put(
    '/api/v1/orders/:id/lines',
    {
      schema: {
        tags,
        summary: 'Replace the lines (a confirmed order is amended and emits order.amended)',
        params,
        body: OrderLinesBody,
        response: ok,
      },
      validatorCompiler: () => (data) => ({ value: data }),
    },
    async (req) => ({ data: await orders.replaceLines(actorOf(req), req.params.id, req.body) }),
  );
  r.post(
    '/api/v1/orders/:id/confirm',
    {
      schema: {
        tags,
        summary: 'Confirm a draft order: emits order.confirmed with its lines (ERP webhooks receive it)',
        params,
        body: z.object({ version: z.number().int().optional() }).nullish(),
        response: ok,
      },
    },
    async (req) => ({ data: await orders.confirm(actorOf(req), req.params.id, req.body?.version) }),
  );
  r.post(
    '/api/v1/orders/:id/cancel',
    {
      schema: {
        tags,
        summary: 'Cancel an order (reason required); emits order.cancelled',
        params,
        body: z.object({ reason: z.string(), version: z.number().int().optional() }),
        response: ok,
      },
      validatorCompiler: () => (data) => ({ value: data }),
    },
    async (req) => ({ data: await orders.cancel(actorOf(req), req.params.id, req.body) }),
  );
  r.post(
    '/api/v1/orders/:id/erp-ack',
    {
      schema: {
        tags,
        summary: 'The ERP acknowledges a confirmed order and names its document id',
        params,
        body: z.object({ erp_document_id: z.string() }),
        response: ok,
      },
      validatorCompiler: () => (data) => ({ value: data }),
    },
    async (req) => ({ data: await orders.erpAck(actorOf(req), req.params.id, req.body) }),
  );
}
