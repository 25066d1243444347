import { z } from 'zod';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { actorOf } from '../http/auth.hooks.ts';
import { AppError } from '../http/errors.ts';
import {
  parseLimit,
  parseListParams,
  parseSort,
  QuerySyntaxError,
  type FilterNode,
  type ListQuery,
} from './query.rules.ts';
import { MAX_BULK, type RecordsService } from './records.service.ts';
import {
  AggregateGroup,
  dataOf,
  listOf,
  ListResponse,
  noContent,
  RecordData,
  responses,
} from '../http/response-schemas.ts';

const objectParams = z.object({ object: z.string().max(64) });
const recordParams = z.object({ object: z.string().max(64), id: z.string().max(64) });
const recordBody = z
  .record(z.string(), z.unknown())
  .describe('Field api names to values (see GET /api/v1/metadata/objects/{object})');

// Filter trees are validated where they are compiled (compileFilter: shapes, operators, depth);
// the schema stays non-recursive so the OpenAPI document is self-contained for client generators.
const filterNode = z
  .record(z.string(), z.unknown())
  .describe('{ field, op, value } or { and: [...] } or { or: [...] } (nested up to 5 levels)');
const queryBody = z.strictObject({
  filter: z.union([filterNode, z.array(filterNode).max(100)]).optional(),
  sort: z.string().optional(),
  limit: z.number().int().optional(),
  cursor: z.string().optional(),
  fields: z.array(z.string()).optional(),
  expand: z.array(z.string()).optional(),
  count: z.boolean().optional(),
  q: z.string().max(200).optional(),
  deleted: z.enum(['exclude', 'only']).optional(),
});

const listQuerystring = z
  .object({
    sort: z.string().optional().describe('Comma-separated fields; prefix - for descending'),
    limit: z.string().optional().describe('1–200, default 50'),
    cursor: z.string().optional(),
    fields: z.string().optional(),
    expand: z.string().optional(),
    count: z.string().optional(),
    q: z.string().optional(),
    deleted: z.enum(['exclude', 'only']).optional(),
  })
  .catchall(z.string().or(z.array(z.string())))
  .describe(
    'Filters: filter[field][op]=value with op in eq, ne, gt, gte, lt, lte, in, nin, contains, starts_with, is_null, between',
  );

function syntaxError(e: unknown): never {
  if (e instanceof QuerySyntaxError)
    throw new AppError('bad_request', 'bad_request', [{ field: e.field, issue: e.issue, params: e.params }]);
  throw e;
}

function rawParams(req: FastifyRequest): URLSearchParams {
  const i = req.url.indexOf('?');
  return new URLSearchParams(i >= 0 ? req.url.slice(i + 1) : '');
}

export function registerRecordRoutes(app: FastifyInstance, records: RecordsService): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['records'];

  r.get(
    '/api/v1/objects/:object',
    {
      schema: {
        tags,
        summary: 'List records',
        params: objectParams,
        querystring: listQuerystring,
        response: responses({ 200: ListResponse }),
      },
    },
    async (req) => {
      let q: ListQuery;
      try {
        q = parseListParams(rawParams(req));
      } catch (e) {
        syntaxError(e);
      }
      return records.list(actorOf(req), req.params.object, q);
    },
  );

  r.post(
    '/api/v1/objects/:object/query',
    {
      schema: {
        tags,
        summary: 'Query records with and/or filter groups',
        response: responses({ 200: ListResponse }),
        params: objectParams,
        body: queryBody,
      },
    },
    async (req) => {
      const b = req.body;
      let q: ListQuery;
      try {
        const filter = (
          b.filter === undefined ? [] : Array.isArray(b.filter) ? b.filter : [b.filter]
        ) as FilterNode[];
        q = {
          filter,
          sort: parseSort(b.sort),
          limit: parseLimit(b.limit),
          ...(b.cursor ? { cursor: b.cursor } : {}),
          ...(b.fields ? { fields: b.fields } : {}),
          expand: b.expand ?? [],
          count: b.count ?? false,
          deleted: b.deleted ?? 'exclude',
          ...(b.q ? { q: b.q } : {}),
        };
      } catch (e) {
        syntaxError(e);
      }
      return records.list(actorOf(req), req.params.object, q);
    },
  );

  r.get(
    '/api/v1/objects/:object/aggregate',
    {
      schema: {
        tags,
        summary: 'Counts and sums per group (e.g. kanban column totals), with the list filter grammar',
        response: responses({ 200: listOf(AggregateGroup) }),
        params: objectParams,
        querystring: z
          .object({
            group_by: z.string().max(64),
            sum: z.string().max(500).optional(),
            q: z.string().max(200).optional(),
          })
          .catchall(z.string().or(z.array(z.string()))),
      },
    },
    async (req) => {
      let filter: FilterNode[];
      try {
        filter = parseListParams(rawParams(req)).filter;
      } catch (e) {
        syntaxError(e);
      }
      const sum = (req.query.sum ?? '')
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean);
      return {
        data: await records.aggregate(actorOf(req), req.params.object, {
          groupBy: req.query.group_by,
          sum,
          filter,
          q: req.query.q,
        }),
      };
    },
  );

  r.post(
    '/api/v1/objects/:object',
    {
      schema: {
        tags,
        summary: 'Create a record',
        params: objectParams,
        body: recordBody,
        response: responses({ 201: dataOf(RecordData) }),
      },
    },
    async (req, reply) => {
      const data = await records.create(actorOf(req), req.params.object, req.body);
      return reply.status(201).send({ data });
    },
  );

  r.post(
    '/api/v1/objects/:object/bulk',
    {
      schema: {
        tags,
        summary: `Bulk create/update/delete (≤ ${MAX_BULK} records, all-or-nothing)`,
        response: responses({ 200: listOf(RecordData) }),
        params: objectParams,
        body: z.strictObject({
          action: z.enum(['create', 'update', 'delete']),
          records: z.array(z.unknown()).min(1),
        }),
      },
    },
    async (req) => ({
      data: await records.bulk(actorOf(req), req.params.object, req.body.action, req.body.records),
    }),
  );

  r.get(
    '/api/v1/objects/:object/:id',
    {
      schema: {
        tags,
        summary: 'Get a record',
        response: responses({ 200: dataOf(RecordData) }),
        params: recordParams,
        querystring: z.object({ fields: z.string().optional(), expand: z.string().optional() }),
      },
    },
    async (req) => {
      const split = (s?: string): string[] | undefined =>
        s
          ?.split(',')
          .map((x) => x.trim())
          .filter(Boolean);
      const fields = split(req.query.fields);
      const expand = split(req.query.expand);
      return {
        data: await records.get(actorOf(req), req.params.object, req.params.id, {
          ...(fields ? { fields } : {}),
          ...(expand ? { expand } : {}),
        }),
      };
    },
  );

  r.patch(
    '/api/v1/objects/:object/:id',
    {
      schema: {
        tags,
        summary: 'Update a record (send `version` or If-Match for optimistic concurrency)',
        response: responses({ 200: dataOf(RecordData) }),
        params: recordParams,
        body: recordBody,
      },
    },
    async (req) => {
      const ifMatch = req.headers['if-match'];
      const v = typeof ifMatch === 'string' ? Number(ifMatch.replace(/"/g, '')) : undefined;
      if (v !== undefined && !Number.isInteger(v))
        throw new AppError('bad_request', 'bad_request', [{ field: 'If-Match', issue: 'invalid_value' }]);
      return {
        data: await records.update(actorOf(req), req.params.object, req.params.id, req.body, {
          expectedVersion: v,
        }),
      };
    },
  );

  r.delete(
    '/api/v1/objects/:object/:id',
    {
      schema: {
        tags,
        summary: 'Delete (to the recycle bin)',
        params: recordParams,
        response: responses({ 204: noContent }),
      },
    },
    async (req, reply) => {
      await records.delete(actorOf(req), req.params.object, req.params.id);
      return reply.status(204).send();
    },
  );

  r.post(
    '/api/v1/objects/:object/:id/restore',
    {
      schema: {
        tags,
        summary: 'Restore from the recycle bin',
        params: recordParams,
        response: responses({ 200: dataOf(RecordData) }),
      },
    },
    async (req) => ({
      data: await records.restore(actorOf(req), req.params.object, req.params.id),
    }),
  );
}
