import { test, expect, ADMIN, signIn, screenshot } from '../support/fixtures';
import type { Page } from '@playwright/test';

async function csrfOf(page: Page): Promise<string> {
  return (await page.context().cookies()).find((c) => c.name === 'fw_csrf')?.value ?? '';
}

interface SmtpShown {
  host: string;
  password_set: boolean;
  [k: string]: unknown;
}

async function smtpOf(page: Page): Promise<SmtpShown | null> {
  const res = await page.request.get('/api/v1/admin/settings');
  expect(res.ok(), await res.text()).toBeTruthy();
  return (await res.json()).data.smtp as SmtpShown | null;
}

/** What the newest SMTP audit entry says happened to the password. */
async function lastPasswordChange(page: Page): Promise<unknown> {
  const res = await page.request.get('/api/v1/audit?object=settings&limit=20');
  expect(res.ok(), await res.text()).toBeTruthy();
  const entries = (await res.json()).data as { changes: Record<string, { new: unknown }> }[];
  const smtp = entries.find((e) => e.changes.smtp)?.changes.smtp?.new as { password?: unknown } | null;
  return smtp?.password;
}

test('SMTP: the saved password is kept when the form is saved without it, and can be cleared', async ({
  page,
}) => {
  await signIn(page, ADMIN, 'zh-CN');
  const headers = { 'X-CSRF-Token': await csrfOf(page) };
  expect((await page.request.put('/api/v1/admin/settings/smtp', { headers, data: null })).status()).toBe(204);

  await page.goto('/settings/smtp');
  const form = page.getByTestId('smtp-form');
  await expect(page.getByText('尚未配置 SMTP')).toBeVisible();
  await form.getByLabel('服务器').fill('smtp.e2e.example');
  await form.getByLabel('用户名').fill('crm-bot');
  await page.getByTestId('smtp-password').fill('Mail-Secret-2026');
  await form.getByLabel('发件人').fill('crm@e2e.example');
  await form.getByRole('button', { name: '保存' }).click();
  await expect(page.locator('.ant-message').getByText('已保存', { exact: true })).toBeVisible();
  await expect.poll(async () => (await smtpOf(page))?.password_set).toBe(true);

  // The server never sends the password back; the form says one is saved.
  const shown = await smtpOf(page);
  expect(shown).not.toHaveProperty('password');
  expect(JSON.stringify(shown)).not.toContain('Mail-Secret-2026');
  await page.reload();
  await expect(page.getByTestId('smtp-password-set')).toBeVisible();
  await expect(page.getByTestId('smtp-password')).toHaveValue('');
  await expect(page.getByTestId('smtp-password')).toHaveAttribute('placeholder', '已保存，留空则不修改');
  await expect(form.getByLabel('服务器')).toHaveValue('smtp.e2e.example');
  await screenshot(page, 'smtp-password-saved-zh-CN');

  // Save another host without typing the password: it is kept.
  await form.getByLabel('服务器').fill('smtp2.e2e.example');
  await form.getByRole('button', { name: '保存' }).click();
  await expect.poll(async () => (await smtpOf(page))?.host).toBe('smtp2.e2e.example');
  expect((await smtpOf(page))?.password_set).toBe(true);
  expect(await lastPasswordChange(page)).toBe('kept');
  await page.reload();
  await expect(page.getByTestId('smtp-password-set')).toBeVisible();

  // "Clear the saved password" removes it.
  await page.getByTestId('smtp-clear-password').check();
  await expect(page.getByTestId('smtp-password')).toBeDisabled();
  await form.getByRole('button', { name: '保存' }).click();
  await expect.poll(async () => (await smtpOf(page))?.password_set).toBe(false);
  expect(await lastPasswordChange(page)).toBe('cleared');
  await page.reload();
  await expect(form.getByLabel('服务器')).toHaveValue('smtp2.e2e.example');
  await expect(page.getByTestId('smtp-password-set')).toHaveCount(0);
  await expect(page.getByTestId('smtp-clear-password')).toHaveCount(0);
  await expect(page.getByTestId('smtp-password')).not.toHaveAttribute('placeholder', /已保存/);

  // Leave no SMTP server behind for the specs that follow (mail goes to the outbox).
  expect((await page.request.put('/api/v1/admin/settings/smtp', { headers, data: null })).status()).toBe(204);
});

test('the sign-in log shows a failed sign-in made moments before, with its IP and user agent', async ({
  page,
  browser,
}) => {
  await signIn(page, ADMIN, 'zh-CN');
  const roles = (await (await page.request.get('/api/v1/admin/roles')).json()).data as {
    key: string;
    is_admin: boolean;
  }[];
  const email = `log.probe.${Date.now()}@e2e.local`;
  const created = await page.request.post('/api/v1/admin/users', {
    headers: { 'X-CSRF-Token': await csrfOf(page) },
    data: {
      email,
      name: '登录日志探针',
      password: 'Probe-Lantern-2026',
      role: roles.find((r) => !r.is_admin)?.key ?? '',
    },
  });
  expect(created.status(), await created.text()).toBe(201);

  // The wrong password comes from another browser with a user agent of its own.
  const agent = `FlywheelE2E-Probe/7.3 (${Date.now()})`;
  const other = await browser.newContext({ baseURL: process.env.FW_BASE_URL, userAgent: agent });
  const probe = await other.newPage();
  await probe.goto('/login');
  await probe.getByLabel('邮箱').fill(email);
  await probe.getByLabel('密码').fill('not-the-password');
  await probe.getByRole('button', { name: '登录' }).click();
  await expect(probe.getByRole('alert')).not.toBeEmpty();
  await other.close();

  await page.goto('/settings/login-log');
  const table = page.getByTestId('login-log-table');
  const row = table.locator('tbody tr').filter({ hasText: email });
  await expect(row).toHaveCount(1);
  await expect(row).toContainText('bad_password');
  await expect(row).toContainText(/127\.0\.0\.1/);
  await expect(row).toContainText(agent);
  // Newest first: the probe is the latest attempt.
  await expect(table.locator('tbody tr').first()).toContainText(email);
  await screenshot(page, 'login-log-failed-zh-CN');
});

test('renaming a custom object in both languages renames it in the navigation', async ({ page }) => {
  await signIn(page, ADMIN, 'zh-CN');
  const created = await page.request.post('/api/v1/metadata/objects', {
    headers: { 'X-CSRF-Token': await csrfOf(page) },
    data: {
      api_name: 'venue__c',
      label: { 'zh-CN': '场地', 'en-US': 'Venue' },
      plural_label: { 'zh-CN': '场地', 'en-US': 'Venues' },
    },
  });
  expect(created.status(), await created.text()).toBe(201);

  await page.goto('/settings/fields');
  const nav = page.getByTestId('side-nav');
  await expect(nav.getByText('场地', { exact: true })).toBeVisible();
  await page.getByTestId('object-select').click();
  // the list is long enough to be virtualised: narrow it the way a person would, by typing
  await page.keyboard.type('venue__c');
  await page.locator('.ant-select-dropdown:visible').getByText('(venue__c)', { exact: false }).click();
  await page.getByRole('button', { name: '重命名对象' }).click();
  const form = page.getByTestId('object-rename-form');
  await expect(form.getByLabel('中文名称')).toHaveValue('场地');
  await form.getByLabel('中文名称').fill('活动场地');
  await form.getByLabel('英文名称').fill('Event venue');
  await form.getByLabel('中文复数名称').fill('活动场地');
  await form.getByLabel('英文复数名称').fill('Event venues');
  await screenshot(page, 'object-rename-zh-CN');
  await page.locator('.ant-modal-footer').getByRole('button', { name: '保存' }).click();
  await expect(form).toHaveCount(0);
  await expect(nav.getByText('活动场地', { exact: true })).toBeVisible();
  await expect(nav.getByText('场地', { exact: true })).toHaveCount(0);

  // Switch to English: the navigation shows the new English name.
  await page.getByTestId('user-menu').click();
  await page.getByText('语言').hover();
  await page.getByText('English').click();
  await expect(nav.getByText('Event venues', { exact: true })).toBeVisible();
  await expect(nav.getByText('Venues', { exact: true })).toHaveCount(0);
  await nav.getByText('Event venues', { exact: true }).click();
  await expect(page).toHaveURL(/\/o\/venue__c$/);
  await expect(page.getByRole('heading', { name: 'Event venues' })).toBeVisible();

  const back = await page.request.patch('/api/v1/me', {
    headers: { 'X-CSRF-Token': await csrfOf(page) },
    data: { locale: 'zh-CN' },
  });
  expect(back.ok(), await back.text()).toBeTruthy();
});
