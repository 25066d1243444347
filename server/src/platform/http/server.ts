import Fastify, { type FastifyError, type FastifyInstance, type FastifyRequest } from 'fastify';
import cookie from '@fastify/cookie';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import {
  hasZodFastifySchemaValidationErrors,
  jsonSchemaTransform,
  jsonSchemaTransformObject,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { AppError, serializeError, type FieldIssue } from './errors.ts';
import { pickLocale, type Locale } from '../i18n/i18n.ts';
import type { Actor } from '../access/permissions.ts';
import { newId } from '../db/ids.ts';

declare module 'fastify' {
  interface FastifyRequest {
    actor?: Actor;
    sessionId?: string;
    locale: Locale;
  }
}

export type App = FastifyInstance;

/** Per app: `METHOD /url` → the route's declared response schemas (for the conformance test). */
export const documentedResponses = new WeakMap<FastifyInstance, Map<string, Record<string, unknown>>>();

/** Named components for the registered schemas, without the `…Input` twins nothing refers to. */
const transformObject: typeof jsonSchemaTransformObject = (doc) => {
  const out = jsonSchemaTransformObject(doc);
  if (!('components' in out) || !out.components?.schemas) return out;
  const schemas = out.components.schemas;
  const refs = (v: unknown): string[] =>
    [...JSON.stringify(v).matchAll(/"#\/components\/schemas\/([^"]+)"/g)].map((m) => m[1] ?? '');
  const names = Object.keys(schemas);
  const keep = new Set(names.filter((n) => !n.endsWith('Input')));
  const queue = [...refs(out.paths), ...[...keep].flatMap((n) => refs(schemas[n]))];
  for (let n = queue.pop(); n !== undefined; n = queue.pop())
    if (!keep.has(n)) {
      keep.add(n);
      queue.push(...refs(schemas[n]));
    }
  for (const n of names) if (!keep.has(n)) delete schemas[n];
  return out;
};

export interface ServerOptions {
  logLevel: string;
  bodyLimitBytes: number;
  logger?: boolean;
  trustProxy: boolean;
  /** Served over HTTPS (directly or via a TLS-terminating proxy). */
  behindTls: boolean;
}

function zodIssue(keyword: string, message: string): FieldIssue['issue'] {
  if (keyword === 'invalid_type' && /received undefined/.test(message)) return 'required';
  if (keyword === 'invalid_type') return 'invalid_value';
  if (keyword === 'unrecognized_keys') return 'unknown_field';
  if (keyword === 'too_big') return 'invalid_value';
  return 'invalid_value';
}

/** Fastify with Flywheel's error model, security headers, OpenAPI and request ids. */
export async function createServer(opts: ServerOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger:
      opts.logger === false
        ? false
        : {
            level: opts.logLevel,
            // Never log credentials: cookies, auth headers, or bodies (which may hold passwords).
            redact: [
              'req.headers.authorization',
              'req.headers.cookie',
              'req.headers["x-csrf-token"]',
              'res.headers["set-cookie"]',
            ],
          },
    bodyLimit: opts.bodyLimitBytes,
    genReqId: () => newId(),
    requestIdHeader: 'x-request-id',
    trustProxy: opts.trustProxy,
    routerOptions: { ignoreTrailingSlash: true },
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  // Response schemas are documentation only: never parsed, never stripped (records carry
  // dynamic custom fields). See docs/decisions/0001-response-schemas-documentation-only.md.
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  const documented = new Map<string, Record<string, unknown>>();
  documentedResponses.set(app, documented);
  app.addHook('onRoute', (route) => {
    const response = (route.schema as { response?: Record<string, unknown> } | undefined)?.response;
    if (!response) return;
    for (const m of Array.isArray(route.method) ? route.method : [route.method])
      documented.set(`${m} ${route.url}`, response);
  });
  app.decorateRequest('locale', 'zh-CN');
  app.addHook('onRequest', async (req, reply) => {
    req.locale = pickLocale(req.headers['accept-language']);
    reply.header('x-request-id', req.id);
  });

  await app.register(cookie);
  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        connectSrc: ["'self'"],
        fontSrc: ["'self'", 'data:'],
        objectSrc: ["'none'"],
        frameAncestors: ["'none'"],
        // Only behind TLS: on plain HTTP (a LAN address) it would break every request of the page.
        upgradeInsecureRequests: opts.behindTls ? [] : null,
      },
    },
    hsts: opts.behindTls,
  });
  await app.register(rateLimit, { global: false });
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'Flywheel API',
        version: '1.0.0',
        description: 'Flywheel CRM — REST API. See docs/API.md.',
      },
      servers: [],
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'API key: `Authorization: Bearer fwk_…`' },
          session: { type: 'apiKey', in: 'cookie', name: 'fw_session' },
        },
      },
      security: [{ bearer: [] }, { session: [] }],
    },
    transform: jsonSchemaTransform,
    transformObject,
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs', staticCSP: true });
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  app.setNotFoundHandler((req, reply) => {
    reply.status(404).send(serializeError(new AppError('not_found', 'route_not_found'), req.locale));
  });

  app.setErrorHandler((err: FastifyError | AppError | Error, req: FastifyRequest, reply) => {
    const locale = req.locale ?? 'zh-CN';
    if (err instanceof AppError) return reply.status(err.status).send(serializeError(err, locale));
    if (hasZodFastifySchemaValidationErrors(err)) {
      const details = err.validation.map((v) => {
        const path = v.instancePath.replace(/^\//, '').replace(/\//g, '.');
        const params = v.params as { issue?: { keys?: string[] } } | undefined;
        const keys = params?.issue?.keys;
        const field = keys?.length
          ? `${path ? `${path}.` : ''}${keys.join(',')}`
          : path || (err.validationContext ?? 'body');
        return { field, issue: zodIssue(v.keyword, v.message ?? '') };
      });
      return reply
        .status(400)
        .send(serializeError(new AppError('bad_request', 'bad_request', details), locale));
    }
    const fe = err as FastifyError;
    if (fe.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || (fe.statusCode === 400 && err instanceof SyntaxError))
      return reply
        .status(400)
        .send(
          serializeError(
            new AppError('bad_request', 'invalid_json', [{ field: 'body', issue: 'invalid_value' }]),
            locale,
          ),
        );
    if (fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || fe.statusCode === 413)
      return reply
        .status(413)
        .send(serializeError(new AppError('payload_too_large', 'payload_too_large'), locale));
    if (fe.statusCode === 429)
      return reply.status(429).send(serializeError(new AppError('rate_limited', 'rate_limited'), locale));
    if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500)
      return reply
        .status(fe.statusCode)
        .send(serializeError(new AppError('bad_request', 'bad_request'), locale));
    req.log.error({ err }, 'unhandled error');
    return reply.status(500).send(serializeError(new AppError('internal', 'internal'), locale));
  });
  return app;
}
