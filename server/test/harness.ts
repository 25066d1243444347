import crypto from 'node:crypto';
import { expect, inject } from 'vitest';
import { z } from 'zod';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp, type BuiltApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { createTenant } from '../src/platform/identity/tenants.service.ts';
import { standardObjects } from '../src/modules/index.ts';
import { documentedResponses } from '../src/platform/http/server.ts';

export const PASSWORD = 'Correct-Horse-42';

export async function testApp(): Promise<BuiltApp> {
  const config = loadConfig({
    dataDir: inject('dataDir'),
    runJobs: false,
    logLevel: 'silent',
    trustProxy: true,
  });
  return buildApp({ config, databaseUrl: inject('databaseUrl'), logger: false, poolSize: 5 });
}

export interface TestTenant {
  tenantId: string;
  slug: string;
  adminEmail: string;
  adminUserId: string;
}

export async function newTenant(built: BuiltApp): Promise<TestTenant> {
  const slug = `t-${crypto.randomBytes(5).toString('hex')}`;
  const adminEmail = `admin@${slug}.test`;
  const r = await createTenant(
    built.platform.db,
    { slug, name: `Tenant ${slug}`, adminEmail, adminPassword: PASSWORD },
    standardObjects(),
  );
  return { tenantId: r.tenantId, slug, adminEmail, adminUserId: r.adminUserId };
}

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

/** An HTTP client bound to one identity (session cookie + CSRF, or an API key). */
export class Client {
  constructor(
    readonly app: FastifyInstance,
    readonly headers: Record<string, string>,
    readonly userId: string | null = null,
  ) {}

  async req(
    method: Method,
    url: string,
    body?: unknown,
    extra: Record<string, string> = {},
  ): Promise<LightMyRequestResponse> {
    return this.app.inject({
      method,
      url,
      headers: {
        ...this.headers,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...extra,
      },
      ...(body !== undefined ? { payload: JSON.stringify(body) } : {}),
    });
  }
  get(url: string, extra?: Record<string, string>) {
    return this.req('GET', url, undefined, extra);
  }
  post(url: string, body?: unknown, extra?: Record<string, string>) {
    return this.req('POST', url, body ?? {}, extra);
  }
  patch(url: string, body: unknown, extra?: Record<string, string>) {
    return this.req('PATCH', url, body, extra);
  }
  put(url: string, body: unknown, extra?: Record<string, string>) {
    return this.req('PUT', url, body, extra);
  }
  delete(url: string, extra?: Record<string, string>) {
    return this.req('DELETE', url, undefined, extra);
  }
}

export async function login(
  app: FastifyInstance,
  email: string,
  password = PASSWORD,
  tenant?: string,
): Promise<Client> {
  const res = await app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { email, password, ...(tenant ? { tenant } : {}) },
  });
  if (res.statusCode !== 200) throw new Error(`login failed: ${res.statusCode} ${res.body}`);
  const cookie = res.cookies.find((c) => c.name === 'fw_session');
  const body = res.json() as { data: { csrf_token: string; user_id: string } };
  return new Client(
    app,
    { cookie: `fw_session=${cookie?.value}`, 'x-csrf-token': body.data.csrf_token },
    body.data.user_id,
  );
}

/** Creates a user with a role (and department) in the tenant and signs them in. */
export async function userWithRole(
  admin: Client,
  role: string,
  departmentId?: string | null,
): Promise<Client> {
  const email = `${role}-${crypto.randomBytes(4).toString('hex')}@example.test`;
  const res = await admin.post('/api/v1/admin/users', {
    email,
    name: `User ${role}`,
    password: PASSWORD,
    role,
    department_id: departmentId ?? null,
  });
  if (res.statusCode !== 201) throw new Error(`user create failed: ${res.body}`);
  return login(admin.app, email);
}

export function apiKeyClient(app: FastifyInstance, key: string): Client {
  return new Client(app, { authorization: `Bearer ${key}` });
}

export const json = <T = Record<string, unknown>>(res: LightMyRequestResponse): T => res.json() as T;

/**
 * Asserts a response's status and that its body matches the schema the route declares for that
 * status (the OpenAPI document and the generated web types come from those schemas).
 */
export function conformsTo<T = Record<string, unknown>>(
  app: FastifyInstance,
  method: string,
  route: string,
  res: LightMyRequestResponse,
  status: number,
): T {
  expect(res.statusCode, `${method} ${route}: ${res.body}`).toBe(status);
  const declared = documentedResponses.get(app)?.get(`${method} ${route}`);
  const code = String(res.statusCode);
  const schema = declared?.[code] ?? declared?.[`${code[0]}xx`];
  expect(schema, `${method} ${route} documents ${code}`).toBeInstanceOf(z.ZodType);
  if (status === 204) return undefined as T;
  const body: unknown = res.json();
  const parsed = (schema as z.ZodType).safeParse(body);
  expect(
    parsed.success,
    `${method} ${route} ${code}: ${parsed.error ? z.prettifyError(parsed.error) : ''}`,
  ).toBe(true);
  return body as T;
}
