import { test, expect, ADMIN, signIn, screenshot } from '../support/fixtures';
import type { Page } from '@playwright/test';

async function csrfOf(page: Page): Promise<string> {
  return (await page.context().cookies()).find((c) => c.name === 'fw_csrf')?.value ?? '';
}

test('the company profile change survives a reload (en-US)', async ({ page }) => {
  await signIn(page, ADMIN, 'en-US');
  const before = (await (await page.request.get('/api/v1/admin/settings')).json()).data as {
    time_zone: string;
    currency: string;
    locale: string;
  };
  const me = (await (await page.request.get('/api/v1/me')).json()).data as { tenant: { name: string } };

  await page.goto('/settings/profile');
  const form = page.getByTestId('profile-form');
  await expect(form.getByLabel('Company name')).toHaveValue(me.tenant.name);
  await form.getByLabel('Company name').fill('E2E Profile Co.');
  await form.getByLabel('Time zone').click();
  await form.getByLabel('Time zone').fill('Asia/Tokyo');
  await form.getByLabel('Time zone').press('Enter');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByText('Saved')).toBeVisible();

  await page.reload();
  await expect(form.getByLabel('Company name')).toHaveValue('E2E Profile Co.');
  await expect(form).toContainText('Asia/Tokyo');
  await screenshot(page, 'company-profile-en-US');

  // Put the tenant back as it was for the specs that follow.
  const restore = await page.request.put('/api/v1/admin/settings/profile', {
    headers: { 'X-CSRF-Token': await csrfOf(page) },
    data: {
      name: me.tenant.name,
      time_zone: before.time_zone,
      currency: before.currency,
      locale: before.locale,
    },
  });
  expect(restore.status(), await restore.text()).toBe(204);
});

test("an admin resets a user's password and the user signs in with it (en-US)", async ({ page }) => {
  await signIn(page, ADMIN, 'en-US');
  const roles = (await (await page.request.get('/api/v1/admin/roles')).json()).data as {
    key: string;
    is_admin: boolean;
  }[];
  const role = roles.find((r) => !r.is_admin)?.key ?? '';
  const created = await page.request.post('/api/v1/admin/users', {
    headers: { 'X-CSRF-Token': await csrfOf(page) },
    data: { email: 'reset.me@e2e.local', name: 'Reset Me', password: 'Original-Pass-2026', role },
  });
  expect(created.status(), await created.text()).toBe(201);

  await page.goto('/settings/users');
  const row = page.getByTestId('users-table').locator('tr').filter({ hasText: 'reset.me@e2e.local' });
  await row.getByRole('button', { name: 'Reset password' }).click();
  const form = page.getByTestId('reset-password-form');
  await form.getByLabel('New password').fill('short');
  await page.getByRole('button', { name: 'Save' }).click();
  // The server's password rule is shown on the password field itself.
  const pwItem = form.locator('.ant-form-item').filter({ has: page.getByLabel('New password') });
  await expect(pwItem.locator('.ant-form-item-explain-error')).not.toBeEmpty();
  await form.getByLabel('New password').fill('Reset-Lantern-2026');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByText('Password reset')).toBeVisible();

  await page.context().clearCookies();
  await page.goto('/login');
  await page.getByLabel('E-mail').fill('reset.me@e2e.local');
  await page.getByLabel('Password').fill('Reset-Lantern-2026');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByTestId('user-menu')).toContainText('Reset Me');
});

test('an edited custom field label shows in the create form (zh-CN)', async ({ page }) => {
  await signIn(page, ADMIN, 'zh-CN');
  const created = await page.request.post('/api/v1/metadata/objects/account/fields', {
    headers: { 'X-CSRF-Token': await csrfOf(page) },
    data: { api_name: 'e2e_note__c', type: 'text', label: { 'zh-CN': 'E2E 备注', 'en-US': 'E2E note' } },
  });
  expect(created.status(), await created.text()).toBe(201);

  await page.goto('/settings/fields');
  await page.getByTestId('object-select').click();
  await page.locator('.ant-select-dropdown:visible').getByText('(account)', { exact: false }).first().click();
  const row = page.getByTestId('fields-table').locator('tr').filter({ hasText: 'e2e_note__c' });
  await row.getByRole('button', { name: '编辑 e2e_note__c' }).click();
  const form = page.getByTestId('field-edit-form');
  await form.getByLabel('中文名称').fill('E2E 内部备注');
  await page.getByRole('button', { name: '保存' }).click();
  await expect(row).toContainText('E2E 内部备注');

  await page.goto('/o/account/new');
  await expect(
    page.locator('.ant-form-item').filter({ has: page.getByText('E2E 内部备注', { exact: true }) }),
  ).toBeVisible();
});
