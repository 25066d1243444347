import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { actorOf } from '../../platform/http/auth.hooks.ts';
import type { Db } from '../../platform/db/pool.ts';
import { campaignStats } from './campaigns.service.ts';
import { dataOf, responses } from '../../platform/http/response-schemas.ts';
import { CampaignStats } from './leads.schemas.ts';

/** GET /api/v1/leads/campaigns/{id}/stats — members, leads, cost per lead and ROI of a campaign. */
export function registerCampaignRoutes(app: FastifyInstance, db: Db): void {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/api/v1/leads/campaigns/:id/stats',
    {
      schema: {
        tags: ['leads'],
        summary: 'Campaign members by status, attributed and converted leads, cost per lead, ROI',
        response: responses({ 200: dataOf(CampaignStats) }),
        params: z.object({ id: z.string().max(100) }),
      },
    },
    async (req) => ({ data: await campaignStats(db, actorOf(req), req.params.id) }),
  );
}
