import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { actorOf } from '../http/auth.hooks.ts';
import { contentDisposition } from '../http/content-disposition.ts';
import { invalid } from '../http/errors.ts';
import { dataOf, listOf, noContent, responses, timestamp } from '../http/response-schemas.ts';
import type { FilesService } from './files.service.ts';

const tags = ['files'];

export const Attachment = z
  .strictObject({
    id: z.string(),
    object: z.string(),
    record_id: z.string(),
    file_name: z.string(),
    content_type: z.string(),
    size_bytes: z.number().int(),
    sha256: z.string(),
    created_by: z.string().nullable(),
    created_at: timestamp,
  })
  .meta({ id: 'Attachment' });

export function registerFileRoutes(app: FastifyInstance, files: FilesService): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const recordParams = z.object({ object: z.string(), id: z.string() });
  r.get(
    '/api/v1/objects/:object/:id/attachments',
    {
      schema: {
        tags,
        summary: "A record's attachments (whoever may read the record)",
        params: recordParams,
        response: responses({ 200: listOf(Attachment) }),
      },
    },
    async (req) => ({ data: await files.list(actorOf(req), req.params.object, req.params.id) }),
  );
  r.post(
    '/api/v1/objects/:object/:id/attachments',
    {
      schema: {
        tags,
        summary: 'Attach a file (multipart field `file`, up to 25 MB; edit permission on the object)',
        params: recordParams,
        consumes: ['multipart/form-data'],
        response: responses({ 201: dataOf(Attachment) }),
      },
    },
    async (req, reply) => {
      if (!req.isMultipart()) throw invalid([{ field: 'file', issue: 'required' }]);
      const file = await req.file();
      if (!file) throw invalid([{ field: 'file', issue: 'required' }]);
      const data = await files.attach(
        actorOf(req),
        req.params.object,
        req.params.id,
        file.filename,
        file.mimetype,
        file.file,
      );
      return reply.status(201).send({ data });
    },
  );
  r.get(
    '/api/v1/attachments/:id',
    {
      schema: {
        tags,
        summary: 'Download an attachment (always as a download, never rendered inline)',
        params: z.object({ id: z.string() }),
      },
    },
    async (req, reply) => {
      const { meta, stream } = await files.open(actorOf(req), req.params.id);
      reply.header('content-type', meta.content_type);
      reply.header('content-length', String(meta.size_bytes));
      reply.header('content-disposition', contentDisposition(meta.file_name));
      return reply.send(stream);
    },
  );
  r.delete(
    '/api/v1/attachments/:id',
    {
      schema: {
        tags,
        summary: 'Remove an attachment (its uploader, or edit permission on the object)',
        params: z.object({ id: z.string() }),
        response: responses({ 204: noContent }),
      },
    },
    async (req, reply) => {
      await files.remove(actorOf(req), req.params.id);
      return reply.status(204).send();
    },
  );
}
