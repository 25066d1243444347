import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { actorOf, adminOf } from '../../platform/http/auth.hooks.ts';
import { dataOf, listOf, responses } from '../../platform/http/response-schemas.ts';
import { itemsSchema, type PriceListsService } from './price-lists.service.ts';
import { calculateSchema, type PricingService } from './pricing.service.ts';
import { PriceListItem, PricingResult, PricingSettings } from './pricing.schemas.ts';

const tags = ['cash'];
const params = z.object({ id: z.string() });
// the services validate bodies themselves so that every bad field is named in one answer
const passThrough = { validatorCompiler: () => (data: unknown) => ({ value: data }) };

/** Price list items and tiers, the trial calculation and the pricing settings. */
export function registerPricingRoutes(
  app: FastifyInstance,
  lists: PriceListsService,
  pricing: PricingService,
): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/api/v1/price-lists/:id/items',
    {
      schema: {
        tags,
        summary: 'The products of a price list with their prices and volume tiers',
        params,
        response: responses({ 200: listOf(PriceListItem) }),
      },
    },
    async (req) => ({ data: await lists.items(actorOf(req), req.params.id) }),
  );
  r.put(
    '/api/v1/price-lists/:id/items',
    {
      schema: {
        tags,
        summary: 'Replace every item of a price list in one transaction (edit rights on the list)',
        params,
        body: itemsSchema,
        response: responses({ 200: listOf(PriceListItem) }),
      },
      ...passThrough,
    },
    async (req) => ({ data: await lists.saveItems(actorOf(req), req.params.id, req.body) }),
  );
  r.post(
    '/api/v1/pricing/calculate',
    {
      schema: {
        tags,
        summary:
          'Trial calculation: price lines for an account (lists, tiers, bundles, discounts, tax, margin); saves nothing',
        body: calculateSchema,
        response: responses({ 200: dataOf(PricingResult) }),
      },
      ...passThrough,
    },
    async (req) => ({ data: await pricing.calculate(actorOf(req), req.body) }),
  );
  r.get(
    '/api/v1/pricing/settings',
    {
      schema: {
        tags,
        summary: 'Pricing settings (best price or list priority)',
        response: responses({ 200: dataOf(PricingSettings) }),
      },
    },
    async (req) => ({ data: await pricing.settings(actorOf(req)) }),
  );
  r.put(
    '/api/v1/pricing/settings',
    {
      schema: {
        tags,
        summary: 'Replace the pricing settings (admin)',
        body: PricingSettings,
        response: responses({ 200: dataOf(PricingSettings) }),
      },
      ...passThrough,
    },
    async (req) => ({ data: await pricing.saveSettings(adminOf(req), req.body) }),
  );
}
