import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { actorOf } from '../../platform/http/auth.hooks.ts';
import { listOf, responses } from '../../platform/http/response-schemas.ts';
import type { ProductsService } from './products.service.ts';

const tags = ['cash'];
const params = z.object({ id: z.string() });

export const BundleItem = z
  .strictObject({
    id: z.string(),
    product_id: z.string(),
    product_sku: z.string(),
    product_name: z.string(),
    product_type: z.enum(['subscription', 'one_time', 'service']),
    required: z.boolean(),
    quantity: z.number().describe('per one unit of the bundle'),
    min_quantity: z.number().nullable(),
    max_quantity: z.number().nullable(),
    position: z.number().int(),
  })
  .meta({ id: 'BundleItem' });

export function registerProductRoutes(app: FastifyInstance, products: ProductsService): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/api/v1/products/:id/bundle-items',
    {
      schema: {
        tags,
        summary: "A bundle's child products (required or optional) with quantity rules",
        params,
        response: responses({ 200: listOf(BundleItem) }),
      },
    },
    async (req) => ({ data: await products.bundleItems(actorOf(req), req.params.id) }),
  );
  r.put(
    '/api/v1/products/:id/bundle-items',
    {
      schema: {
        tags,
        summary: "Replace a bundle's children (product update permission)",
        params,
        body: z.object({
          items: z.array(
            z.object({
              product_id: z.string(),
              required: z.boolean().optional(),
              quantity: z.number().optional(),
              min_quantity: z.number().nullish(),
              max_quantity: z.number().nullish(),
            }),
          ),
        }),
        response: responses({ 200: listOf(BundleItem) }),
      },
      // the service validates the body itself so that every bad field is named in one answer
      validatorCompiler: () => (data: unknown) => ({ value: data }),
    },
    async (req) => ({ data: await products.replaceBundleItems(actorOf(req), req.params.id, req.body) }),
  );
}
