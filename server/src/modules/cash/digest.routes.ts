import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { actorOf } from '../../platform/http/auth.hooks.ts';
import { dataOf, responses } from '../../platform/http/response-schemas.ts';
import type { DigestService } from './digest.service.ts';

const tags = ['cash'];

const Subscription = z
  .strictObject({ subscribed: z.boolean(), in_app: z.boolean(), email: z.boolean() })
  .meta({ id: 'PaymentsDigestSubscription' });

const Figures = z.strictObject({
  day: z.string(),
  currency: z.string(),
  dayTotal: z.number().int(),
  dayCount: z.number().int(),
  monthToDate: z.number().int(),
  previousMonthToDate: z.number().int(),
  top: z.array(z.strictObject({ account: z.string(), amount: z.number().int(), number: z.string() })),
});

const Preview = z
  .strictObject({ day: z.string(), title: z.string(), body: z.string(), figures: z.array(Figures) })
  .meta({ id: 'PaymentsDigestPreview' });

export function registerDigestRoutes(app: FastifyInstance, digest: DigestService): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/api/v1/cash/digest/subscription',
    {
      schema: {
        tags,
        summary: 'My subscription to the 8:00 payments-received digest',
        response: responses({ 200: dataOf(Subscription) }),
      },
    },
    async (req) => ({ data: await digest.subscription(actorOf(req)) }),
  );
  r.put(
    '/api/v1/cash/digest/subscription',
    {
      schema: {
        tags,
        summary: 'Subscribe (needs read access to payments) or unsubscribe; channels in-app and/or e-mail',
        body: z.object({
          subscribed: z.boolean(),
          in_app: z.boolean().optional(),
          email: z.boolean().optional(),
        }),
        response: responses({ 200: dataOf(Subscription) }),
      },
      // the service validates the body itself so that every bad field is named in one answer
      validatorCompiler: () => (data: unknown) => ({ value: data }),
    },
    async (req) => ({ data: await digest.subscribe(actorOf(req), req.body) }),
  );
  r.get(
    '/api/v1/cash/digest/preview',
    {
      schema: {
        tags,
        summary:
          "The digest as sent on as_of (default today): the day before's payments and the month so far",
        querystring: z.object({ as_of: z.string().optional() }),
        response: responses({ 200: dataOf(Preview) }),
      },
    },
    async (req) => ({ data: await digest.preview(actorOf(req), req.query.as_of) }),
  );
}
