import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { actorOf, adminOf } from '../../platform/http/auth.hooks.ts';
import { dataOf, RecordData, responses } from '../../platform/http/response-schemas.ts';
import type { ContractsService } from './contracts.service.ts';

const tags = ['cash'];
const params = z.object({ id: z.string() });
const ok = responses({ 200: dataOf(RecordData) });
// the service validates bodies itself so that every bad field is named in one answer
const passBody = { validatorCompiler: () => (data: unknown) => ({ value: data }) };

export function registerContractRoutes(app: FastifyInstance, contracts: ContractsService): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.post(
    '/api/v1/contracts/:id/sign',
    {
      schema: {
        tags,
        summary: 'Mark a draft (or approved) contract signed on paper; emits contract.signed',
        params,
        body: z.object({ sign_date: z.string().optional(), version: z.number().int().optional() }).nullish(),
        response: ok,
      },
      ...passBody,
    },
    async (req) => ({ data: await contracts.sign(actorOf(req), req.params.id, req.body) }),
  );
  r.post(
    '/api/v1/contracts/:id/submit',
    {
      schema: {
        tags,
        summary:
          'Submit a draft for approval: a matching process puts it in approval (locked); with none it needs no approval (approval_status not_required)',
        params,
        response: ok,
      },
    },
    async (req) => ({ data: await contracts.submit(actorOf(req), req.params.id) }),
  );
  r.post(
    '/api/v1/contracts/:id/archive',
    {
      schema: {
        tags,
        summary: 'Archive a signed contract',
        params,
        body: z.object({ version: z.number().int().optional() }).nullish(),
        response: ok,
      },
      ...passBody,
    },
    async (req) => ({ data: await contracts.archive(actorOf(req), req.params.id, req.body) }),
  );
  r.post(
    '/api/v1/contracts/:id/terminate',
    {
      schema: {
        tags,
        summary: 'Terminate a signed contract (reason required)',
        params,
        body: z.object({ reason: z.string(), version: z.number().int().optional() }),
        response: ok,
      },
      ...passBody,
    },
    async (req) => ({ data: await contracts.terminate(actorOf(req), req.params.id, req.body) }),
  );
  r.post(
    '/api/v1/contracts/:id/esign',
    {
      schema: {
        tags,
        summary:
          'Send for e-signature: emits contract.esign_requested for the signing service (a webhook); its answer comes to POST /api/v1/esign/{tenant}/callback',
        params,
        response: ok,
      },
    },
    async (req) => ({ data: await contracts.requestSignature(actorOf(req), req.params.id) }),
  );
  r.post(
    '/api/v1/cash/esign/secret',
    {
      schema: {
        tags,
        summary: 'Create a new e-signature callback secret (admin; shown once, replaces the old one)',
        response: responses({ 200: dataOf(z.strictObject({ secret: z.string() })) }),
      },
    },
    async (req) => ({ data: await contracts.rotateSecret(adminOf(req)) }),
  );
}

/** The signing service's callback: no session; the HMAC signature over the raw body is the proof. */
export async function registerEsignCallback(
  app: FastifyInstance,
  contracts: ContractsService,
): Promise<void> {
  // this scope only: keep the body as sent, the signature covers its exact bytes
  app.addContentTypeParser(
    'application/json',
    { parseAs: 'string', bodyLimit: 64 * 1024 },
    (_req, body, done) => done(null, body),
  );
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.post(
    '/api/v1/esign/:tenant/callback',
    {
      schema: {
        tags,
        summary:
          'E-signature result: header X-Flywheel-Signature: t=<unix>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>; body { contract_id, document_id, status: signed|declined, signed_at? }',
        params: z.object({ tenant: z.string() }),
        response: responses({
          200: dataOf(z.strictObject({ contract_id: z.string(), status: z.string() })),
        }),
      },
      ...passBody,
    },
    async (req) => {
      const sig = req.headers['x-flywheel-signature'];
      return {
        data: await contracts.callback(
          req.params.tenant,
          typeof sig === 'string' ? sig : undefined,
          typeof req.body === 'string' ? req.body : '',
        ),
      };
    },
  );
}
