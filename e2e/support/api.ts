import type { APIRequestContext } from '@playwright/test';
import { expect, ADMIN } from './fixtures';

/** The password of the demo users and of every user the specs create. */
export const DEMO_PASSWORD = 'Flywheel-Demo-2026';

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

/**
 * An API session of its own (admin by default, or anyone), beside the browser's, so the page can
 * sign in as someone else. Every call must succeed; the response body is returned.
 */
export async function apiSession(
  request: APIRequestContext,
  who: { email: string; password: string } = ADMIN,
) {
  const res = await request.post('/api/v1/auth/login', {
    data: { email: who.email, password: who.password },
  });
  expect(res.ok(), await res.text()).toBeTruthy();
  const body = (await res.json()).data as { csrf_token: string; user_id: string };
  const call = async (method: Method, path: string, data?: unknown) => {
    const r = await request.fetch(path, {
      method,
      data,
      headers: { 'X-CSRF-Token': body.csrf_token, 'Accept-Language': 'zh-CN' },
    });
    expect(r.ok(), `${method} ${path}: ${await r.text()}`).toBeTruthy();
    return r.status() === 204 ? null : await r.json();
  };
  return {
    userId: body.user_id,
    get: (path: string) => call('GET', path),
    post: (path: string, data?: unknown) => call('POST', path, data),
    patch: (path: string, data: unknown) => call('PATCH', path, data),
    put: (path: string, data: unknown) => call('PUT', path, data),
    del: (path: string) => call('DELETE', path),
  };
}

export type Api = Awaited<ReturnType<typeof apiSession>>;

/** YYYY-MM-DD in Shanghai (the demo tenant's zone), `days` from today. */
export function shanghaiDay(days = 0): string {
  const d = new Date(Date.now() + days * 86_400_000);
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(d);
}

/** Unique digits per test run, for names and mobiles that no other test uses. */
export function uniq(): string {
  return `${Date.now()}`.slice(-8);
}

/** A user created through the admin API, with the demo password so the page can sign in as them. */
export async function newUser(
  api: Api,
  user: { email: string; name: string; role: string; department_id?: string },
) {
  const created = (await api.post('/api/v1/admin/users', { ...user, password: DEMO_PASSWORD })).data as {
    id: string;
  };
  return { id: created.id, email: user.email, name: user.name, password: DEMO_PASSWORD };
}

/** A department of its own, so other specs' records never mix in. */
export async function newDepartment(api: Api, name: string) {
  return (await api.post('/api/v1/admin/departments', { name })).data as { id: string };
}
