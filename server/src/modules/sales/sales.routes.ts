import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { actorOf, adminOf } from '../../platform/http/auth.hooks.ts';
import { dataOf, listOf, RecordData, responses } from '../../platform/http/response-schemas.ts';
import type { OpportunitiesService } from './opportunities.service.ts';
import type { PipelinesService } from './pipelines.service.ts';
import {
  KanbanBoard,
  OpportunityContact,
  OpportunityDuplicates,
  OpportunityLine,
  OpportunityTeamMember,
  SalesPipeline,
  SalesSettings,
  StageGate,
} from './sales.schemas.ts';

const tags = ['sales'];
const params = z.object({ id: z.string() });
const uuid = z.string().uuid();

export function registerSalesRoutes(
  app: FastifyInstance,
  pipelines: PipelinesService,
  opps: OpportunitiesService,
): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/api/v1/sales/pipelines',
    {
      schema: {
        tags,
        summary: 'Pipelines and their stages (defaults created on first use)',
        response: responses({ 200: listOf(SalesPipeline) }),
      },
    },
    async (req) => ({ data: await pipelines.list(actorOf(req)) }),
  );
  r.put(
    '/api/v1/sales/pipelines',
    {
      schema: {
        tags,
        summary:
          'Replace the whole pipeline list (admin); removing a stage or pipeline that holds deals → 409',
        response: responses({ 200: listOf(SalesPipeline) }),
        body: z.record(z.string(), z.unknown()),
      },
    },
    async (req) => ({ data: await pipelines.save(adminOf(req), req.body) }),
  );
  r.get(
    '/api/v1/sales/settings',
    {
      schema: {
        tags,
        summary: 'Close reasons, duplicate policy, follow-up alert days',
        response: responses({ 200: dataOf(SalesSettings) }),
      },
    },
    async (req) => ({ data: await opps.settings(actorOf(req)) }),
  );
  r.put(
    '/api/v1/sales/settings',
    {
      schema: {
        tags,
        summary: 'Replace the opportunity settings (admin)',
        response: responses({ 200: dataOf(SalesSettings) }),
        body: z.record(z.string(), z.unknown()),
      },
    },
    async (req) => ({ data: await opps.saveSettings(adminOf(req), req.body) }),
  );
  r.get(
    '/api/v1/sales/opportunities/duplicates',
    {
      schema: {
        tags,
        summary: 'Open opportunities of the same type on the account (create-form duplicate probe)',
        response: responses({ 200: dataOf(OpportunityDuplicates) }),
        querystring: z.object({
          account_id: uuid,
          type: z.enum(['new', 'upsell', 'renewal']).default('new'),
          products: z.string().max(2000).optional().describe('comma-separated product names'),
        }),
      },
    },
    async (req) => ({
      data: await opps.duplicates(actorOf(req), {
        account_id: req.query.account_id,
        type: req.query.type,
        products: req.query.products
          ?.split(',')
          .map((s) => s.trim())
          .filter(Boolean),
      }),
    }),
  );
  r.post(
    '/api/v1/sales/opportunities/:id/stage',
    {
      schema: {
        tags,
        summary: 'Move a deal to a stage (gated; lost/invalid need close_reason)',
        response: responses({ 200: dataOf(RecordData) }),
        params,
        body: z.strictObject({
          stage: z.string().min(1).max(40),
          close_reason: z.string().max(100).optional(),
          close_note: z.string().max(10_000).optional(),
          version: z.number().int().optional(),
        }),
      },
    },
    async (req) => ({ data: await opps.moveStage(actorOf(req), req.params.id, req.body) }),
  );
  r.get(
    '/api/v1/sales/opportunities/:id/gate',
    {
      schema: {
        tags,
        summary: 'What moving the deal to a stage requires and what is missing',
        response: responses({ 200: dataOf(StageGate) }),
        params,
        querystring: z.object({ to: z.string().min(1).max(40) }),
      },
    },
    async (req) => ({ data: await opps.gate(actorOf(req), req.params.id, req.query.to) }),
  );
  r.post(
    '/api/v1/sales/opportunities/:id/restore',
    {
      schema: {
        tags,
        summary: 'Reopen a closed deal in the stage it was in before closing',
        response: responses({ 200: dataOf(RecordData) }),
        params,
        body: z.strictObject({ version: z.number().int().optional() }).optional(),
      },
    },
    async (req) => ({ data: await opps.restore(actorOf(req), req.params.id, req.body?.version) }),
  );
  const sub = <T extends z.ZodType>(
    path: 'contacts' | 'team' | 'lines',
    schema: T,
    read: (id: string, req: Parameters<typeof actorOf>[0]) => Promise<unknown>,
    write: (id: string, req: Parameters<typeof actorOf>[0], body: unknown) => Promise<unknown>,
  ): void => {
    r.get(
      `/api/v1/sales/opportunities/:id/${path}`,
      {
        schema: { tags, summary: `The deal's ${path}`, response: responses({ 200: listOf(schema) }), params },
      },
      async (req) => ({ data: await read(req.params.id, req) }),
    );
    r.put(
      `/api/v1/sales/opportunities/:id/${path}`,
      {
        schema: {
          tags,
          summary: `Replace the deal's ${path} (needs edit rights on the deal)`,
          response: responses({ 200: listOf(schema) }),
          params,
          body: z.strictObject({ [path]: z.array(z.unknown()).max(500) }),
        },
      },
      async (req) => ({ data: await write(req.params.id, req, (req.body as Record<string, unknown>)[path]) }),
    );
  };
  sub(
    'contacts',
    OpportunityContact,
    (id, req) => opps.contacts(actorOf(req), id),
    (id, req, b) => opps.saveContacts(actorOf(req), id, b),
  );
  sub(
    'team',
    OpportunityTeamMember,
    (id, req) => opps.team(actorOf(req), id),
    (id, req, b) => opps.saveTeam(actorOf(req), id, b),
  );
  sub(
    'lines',
    OpportunityLine,
    (id, req) => opps.lines(actorOf(req), id),
    (id, req, b) => opps.saveLines(actorOf(req), id, b),
  );
  r.get(
    '/api/v1/sales/kanban',
    {
      schema: {
        tags,
        summary: 'Pipeline board: every stage with count, amount and weighted amount, and the first cards',
        response: responses({ 200: dataOf(KanbanBoard) }),
        querystring: z.object({
          pipeline_id: uuid.optional(),
          owner_id: uuid.optional(),
          limit: z.coerce.number().int().min(1).max(100).default(20),
        }),
      },
    },
    async (req) => ({ data: await opps.kanban(actorOf(req), req.query) }),
  );
}
