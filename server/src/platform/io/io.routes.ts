import fs from 'node:fs';
import { z } from 'zod';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { actorOf } from '../http/auth.hooks.ts';
import { AppError, invalid, notFound } from '../http/errors.ts';
import { parseListParams, QuerySyntaxError, type ListQuery } from '../records/query.rules.ts';
import type { ImportService } from './import.service.ts';
import type { ExportService } from './export.service.ts';
import { dataOf, ImportJob, responses } from '../http/response-schemas.ts';
import { contentDisposition } from '../http/content-disposition.ts';

function listQuery(req: FastifyRequest): ListQuery {
  const i = req.url.indexOf('?');
  const params = new URLSearchParams(i >= 0 ? req.url.slice(i + 1) : '');
  params.delete('format');
  params.delete('limit');
  try {
    return parseListParams(params);
  } catch (e) {
    if (e instanceof QuerySyntaxError)
      throw new AppError('bad_request', 'bad_request', [
        { field: e.field, issue: e.issue, params: e.params },
      ]);
    throw e;
  }
}

export function registerIoRoutes(app: FastifyInstance, imports: ImportService, exports: ExportService): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['import/export'];
  const objectParams = z.object({ object: z.string().max(64) });
  const idParams = z.object({ id: z.string() });

  r.get(
    '/api/v1/objects/:object/export',
    {
      schema: {
        tags,
        summary: 'Export the filtered, sorted list as CSV or XLSX (field permissions apply)',
        params: objectParams,
        querystring: z.object({ format: z.enum(['csv', 'xlsx']).default('csv') }).catchall(z.unknown()),
      },
    },
    async (req, reply) => {
      const { stream, fileName } = await exports.export(
        actorOf(req),
        req.params.object,
        listQuery(req),
        req.query.format,
      );
      reply.header(
        'content-type',
        req.query.format === 'csv'
          ? 'text/csv; charset=utf-8'
          : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      );
      reply.header('content-disposition', contentDisposition(fileName));
      return reply.send(stream);
    },
  );

  r.post(
    '/api/v1/objects/:object/imports',
    {
      schema: {
        tags,
        summary: 'Upload a CSV/XLSX file (multipart field `file`); returns headers and a suggested mapping',
        response: responses({ 201: dataOf(ImportJob) }),
        params: objectParams,
        consumes: ['multipart/form-data'],
      },
    },
    async (req, reply) => {
      if (!req.isMultipart()) throw invalid([{ field: 'file', issue: 'required' }]);
      const file = await req.file();
      if (!file) throw invalid([{ field: 'file', issue: 'required' }]);
      const job = await imports.upload(
        actorOf(req),
        req.params.object,
        file.filename,
        file.file,
        () => file.file.truncated,
      );
      return reply.status(201).send({ data: job });
    },
  );
  r.get(
    '/api/v1/imports/:id',
    {
      schema: {
        tags,
        summary: 'Import status, progress and error report',
        params: idParams,
        response: responses({ 200: dataOf(ImportJob) }),
      },
    },
    async (req) => ({
      data: await imports.get(actorOf(req), req.params.id),
    }),
  );
  r.patch(
    '/api/v1/imports/:id',
    {
      schema: {
        tags,
        summary: 'Set the column mapping and the policy for existing records',
        response: responses({ 200: dataOf(ImportJob) }),
        params: idParams,
        body: z.strictObject({
          mapping: z.record(z.string(), z.string()).optional(),
          policy: z.enum(['skip', 'update', 'create']).optional(),
          match_field: z.string().nullable().optional(),
        }),
      },
    },
    async (req) => ({ data: await imports.configure(actorOf(req), req.params.id, req.body) }),
  );
  r.post(
    '/api/v1/imports/:id/dry-run',
    {
      schema: {
        tags,
        summary: 'Validate every row without writing',
        params: idParams,
        response: responses({ 200: dataOf(ImportJob) }),
      },
    },
    async (req) => ({
      data: await imports.dryRun(actorOf(req), req.params.id),
    }),
  );
  r.post(
    '/api/v1/imports/:id/run',
    {
      schema: {
        tags,
        summary: 'Start the import (poll GET for progress)',
        params: idParams,
        response: responses({ 202: dataOf(ImportJob) }),
      },
    },
    async (req, reply) => reply.status(202).send({ data: await imports.start(actorOf(req), req.params.id) }),
  );
  r.get(
    '/api/v1/imports/:id/failed-rows',
    { schema: { tags, summary: 'CSV of the rows that failed, with the reason', params: idParams } },
    async (req, reply) => {
      const actor = actorOf(req);
      const job = await imports.get(actor, req.params.id);
      const file = imports.failedFile(actor, job);
      if (!file || !fs.existsSync(file)) throw notFound();
      reply.header('content-type', 'text/csv; charset=utf-8');
      reply.header('content-disposition', contentDisposition(`${job.object}-failed-rows.csv`));
      return reply.send(fs.createReadStream(file));
    },
  );
}
