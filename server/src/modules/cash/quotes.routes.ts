import { z } from 'zod';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { actorOf } from '../../platform/http/auth.hooks.ts';
import { dataOf, listOf, RecordData, responses } from '../../platform/http/response-schemas.ts';
import type { QuotesService } from './quotes.service.ts';
import {
  QuoteAcceptBody,
  QuoteCreateBody,
  QuoteDocument,
  QuoteLinesBody,
  QuoteListResponse,
  QuoteSettings,
  QuoteSubmitResult,
  QuoteVersionBody,
  QuoteWithLines,
} from './quotes.schemas.ts';

const tags = ['cash'];
const params = z.object({ id: z.string() });
const ok = responses({ 200: dataOf(QuoteWithLines) });
// the service validates bodies itself so that every bad field is named in one answer
const passThrough = { validatorCompiler: () => (data: unknown) => ({ value: data }) };
const pdfBody = z.string().describe('application/pdf');

const contentDisposition = (kind: 'inline' | 'attachment', name: string): string =>
  `${kind}; filename="${name.replace(/[^\w.-]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(name)}`;

function sendPdf(reply: FastifyReply, file: { bytes: Buffer; fileName: string }, download: boolean) {
  return reply
    .header('content-type', 'application/pdf')
    .header('content-disposition', contentDisposition(download ? 'attachment' : 'inline', file.fileName))
    .send(file.bytes);
}

export function registerQuoteRoutes(app: FastifyInstance, quotes: QuotesService): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.post(
    '/api/v1/quotes',
    {
      schema: {
        tags,
        summary:
          'Create a quote for an opportunity with its lines, priced by the pricing engine (version 1, draft)',
        body: QuoteCreateBody,
        response: responses({ 201: dataOf(QuoteWithLines) }),
      },
      ...passThrough,
    },
    async (req, reply) => reply.code(201).send({ data: await quotes.create(actorOf(req), req.body) }),
  );
  r.get(
    '/api/v1/quotes/settings',
    {
      schema: {
        tags,
        summary: 'Quote settings (administrators)',
        response: responses({ 200: dataOf(QuoteSettings) }),
      },
    },
    async (req) => ({ data: await quotes.getSettings(actorOf(req)) }),
  );
  r.put(
    '/api/v1/quotes/settings',
    {
      schema: {
        tags,
        summary: 'Change quote settings (validity days, PDF seller name, logo, terms)',
        body: QuoteSettings.partial(),
        response: responses({ 200: dataOf(QuoteSettings) }),
      },
      ...passThrough,
    },
    async (req) => ({ data: await quotes.putSettings(actorOf(req), req.body) }),
  );
  r.get(
    '/api/v1/quotes/:id',
    { schema: { tags, summary: 'A quote with its lines and stored PDFs', params, response: ok } },
    async (req) => ({ data: await quotes.get(actorOf(req), req.params.id) }),
  );
  r.put(
    '/api/v1/quotes/:id/lines',
    {
      schema: {
        tags,
        summary: 'Replace and re-price the lines of a draft (a sent or approved version answers 409)',
        params,
        body: QuoteLinesBody,
        response: ok,
      },
      ...passThrough,
    },
    async (req) => ({ data: await quotes.replaceLines(actorOf(req), req.params.id, req.body) }),
  );
  r.post(
    '/api/v1/quotes/:id/new-version',
    {
      schema: {
        tags,
        summary: 'Clone the lines into the next version (a draft); this version becomes superseded',
        params,
        body: QuoteVersionBody,
        response: responses({ 201: dataOf(QuoteWithLines) }),
      },
      ...passThrough,
    },
    async (req, reply) =>
      reply.code(201).send({ data: await quotes.newVersion(actorOf(req), req.params.id, req.body) }),
  );
  r.get(
    '/api/v1/quotes/:id/versions',
    {
      schema: {
        tags,
        summary: 'Every version of the quote, oldest first',
        params,
        response: responses({ 200: listOf(RecordData) }),
      },
    },
    async (req) => ({ data: await quotes.versions(actorOf(req), req.params.id) }),
  );
  r.post(
    '/api/v1/quotes/:id/submit',
    {
      schema: {
        tags,
        summary: 'Submit a draft for approval (or approve it at once when no approval is needed)',
        params,
        body: QuoteVersionBody,
        response: responses({ 200: dataOf(QuoteSubmitResult) }),
      },
      ...passThrough,
    },
    async (req) => {
      const r = await quotes.submit(actorOf(req), req.params.id, req.body);
      return { data: { ...r.quote, submit_route: r.route, approval_id: r.approval_id } };
    },
  );
  r.post(
    '/api/v1/quotes/:id/send',
    {
      schema: {
        tags,
        summary: 'Send an approved quote: it becomes immutable and its PDF is stored with it',
        params,
        body: QuoteVersionBody,
        response: ok,
      },
      ...passThrough,
    },
    async (req) => ({ data: await quotes.send(actorOf(req), req.params.id, req.body) }),
  );
  r.post(
    '/api/v1/quotes/:id/accept',
    {
      schema: {
        tags,
        summary: 'The customer accepted: create the order (and optionally the contract) with the same lines',
        params,
        body: QuoteAcceptBody,
        response: ok,
      },
      ...passThrough,
    },
    async (req) => ({ data: await quotes.accept(actorOf(req), req.params.id, req.body) }),
  );
  r.get(
    '/api/v1/quotes/:id/pdf',
    {
      schema: {
        tags,
        summary: 'The quote as a PDF in its language (zh-CN or en-US)',
        params,
        querystring: z.object({ download: z.enum(['true', 'false']).optional() }),
        response: responses({ 200: pdfBody }),
      },
    },
    async (req, reply) =>
      sendPdf(reply, await quotes.pdf(actorOf(req), req.params.id), req.query.download === 'true'),
  );
  r.post(
    '/api/v1/quotes/:id/pdf/attach',
    {
      schema: {
        tags,
        summary: 'Render the PDF and keep it with this quote version',
        params,
        response: responses({ 201: dataOf(QuoteDocument) }),
      },
    },
    async (req, reply) => reply.code(201).send({ data: await quotes.attachPdf(actorOf(req), req.params.id) }),
  );
  r.get(
    '/api/v1/quotes/:id/documents/:documentId',
    {
      schema: {
        tags,
        summary: 'A stored PDF of the quote',
        params: z.object({ id: z.string(), documentId: z.string() }),
        response: responses({ 200: pdfBody }),
      },
    },
    async (req, reply) =>
      sendPdf(reply, await quotes.document(actorOf(req), req.params.id, req.params.documentId), true),
  );
  r.get(
    '/api/v1/accounts/:id/quotes',
    {
      schema: {
        tags,
        summary: "The account's quotes, newest first, with their lines (price history)",
        params,
        querystring: z.object({
          cursor: z.string().optional(),
          limit: z.coerce.number().int().min(1).max(100).optional(),
          product_id: z.string().uuid().optional().describe('only quotes with a line of this product'),
        }),
        response: responses({ 200: QuoteListResponse }),
      },
    },
    async (req) => quotes.ofAccount(actorOf(req), req.params.id, req.query),
  );
}
