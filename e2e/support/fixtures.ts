import { test as base, expect, type Page } from '@playwright/test';
import { ADMIN_PASSWORD } from './global-setup';

export const ADMIN = { email: 'admin@flywheel.local', password: ADMIN_PASSWORD };
export const REP = { email: 'rep11@flywheel.local', password: 'Flywheel-Demo-2026' };

/** Signs in through the API (same cookies as the login form) to keep specs fast. */
export async function signIn(
  page: Page,
  who: { email: string; password: string },
  locale = 'zh-CN',
): Promise<void> {
  const res = await page.request.post('/api/v1/auth/login', {
    data: { email: who.email, password: who.password },
  });
  expect(res.ok(), await res.text()).toBeTruthy();
  const csrf = (await res.json()).data.csrf_token as string;
  const patch = await page.request.patch('/api/v1/me', {
    data: { locale },
    headers: { 'X-CSRF-Token': csrf },
  });
  expect(patch.ok(), await patch.text()).toBeTruthy();
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `screenshots/${name}.png`, fullPage: false });
}

// Browsers log every 4xx as "Failed to load resource"; the specs provoke some on purpose.
const EXPECTED = /Failed to load resource: the server responded with a status of 4\d\d/;

/** Every spec fails on a console error or an uncaught exception in the page. */
export const test = base.extend<{ consoleErrors: string[] }>({
  consoleErrors: [
    async ({ page }, use) => {
      const errors: string[] = [];
      page.on('console', (msg) => {
        if (msg.type() === 'error' && !EXPECTED.test(msg.text())) errors.push(msg.text());
      });
      page.on('pageerror', (err) => errors.push(String(err)));
      await use(errors);
      expect(errors, 'console errors').toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };
