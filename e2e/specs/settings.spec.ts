import { test, expect, ADMIN, REP, signIn, screenshot } from '../support/fixtures';
import type { Page } from '@playwright/test';

async function csrfOf(page: Page): Promise<string> {
  return (await page.context().cookies()).find((c) => c.name === 'fw_csrf')?.value ?? '';
}

async function signOut(page: Page): Promise<void> {
  await page.context().clearCookies();
}

test('admin creates a user (server errors on the fields) and the new user signs in (en-US)', async ({
  page,
}) => {
  await signIn(page, ADMIN, 'en-US');
  await page.goto('/settings/users');
  await expect(page.getByTestId('users-table')).toContainText(ADMIN.email);
  await page.getByRole('button', { name: 'New user' }).click();
  const form = page.getByTestId('user-form');
  await form.getByLabel('E-mail').fill('new.hire@e2e.local');
  await form.getByLabel('Name').fill('New Hire');
  await form.getByLabel('Initial password').fill('short');
  await expect(form.getByLabel('Role')).toBeVisible();
  await page.getByRole('button', { name: 'Save' }).click();
  // The server's password rule is shown on the password field itself.
  const pwItem = form.locator('.ant-form-item').filter({ has: page.getByLabel('Initial password') });
  await expect(pwItem.locator('.ant-form-item-explain-error')).not.toBeEmpty();
  await screenshot(page, 'user-create-error-en-US');

  await form.getByLabel('Initial password').fill('Tangerine-Orbit-2026');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByTestId('users-table')).toContainText('new.hire@e2e.local');

  await signOut(page);
  await page.goto('/login');
  await page.getByLabel('E-mail').fill('new.hire@e2e.local');
  await page.getByLabel('Password').fill('Tangerine-Orbit-2026');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: /New Hire/ })).toBeVisible();
  await expect(page.getByTestId('user-menu')).toContainText('New Hire');
});

test('admin makes a partner user: they see only the customers their partner serves (zh-CN)', async ({
  page,
}) => {
  await signIn(page, ADMIN, 'zh-CN');
  // a partner that serves customers in the demo
  const all = (await (await page.request.get('/api/v1/objects/account?limit=200')).json()).data as {
    partner_id: string | null;
  }[];
  const partnerId = all.find((a) => a.partner_id)?.partner_id ?? '';
  const partner = (await (await page.request.get(`/api/v1/objects/account/${partnerId}`)).json()).data as {
    id: string;
    name: string;
  };
  await page.goto('/settings/users');
  await page.getByRole('button', { name: '新建用户' }).click();
  const form = page.getByTestId('user-form');
  const email = `partner-${Date.now().toString(36)}@e2e.local`;
  await form.getByLabel('邮箱').fill(email);
  await form.getByLabel('姓名').fill('伙伴 同事');
  await form.getByLabel('初始密码').fill('Tangerine-Orbit-2026');
  await form.getByLabel('角色').click();
  await page.locator('.ant-select-dropdown:visible').getByText('合作伙伴用户', { exact: true }).click();
  // keyboard: type to search, Enter picks the match
  await form.getByLabel('所属伙伴').fill(partner.name);
  await expect(
    page.locator('.ant-select-dropdown:visible .ant-select-item-option').filter({ hasText: partner.name }),
  ).toHaveCount(1);
  await form.getByLabel('所属伙伴').press('Enter');
  await expect(form.getByTestId('user-partner')).toContainText(partner.name);
  await screenshot(page, 'user-partner-zh-CN');
  await page.getByRole('button', { name: '保存' }).click();
  await expect(page.getByTestId('users-table')).toContainText(email);
  await expect(page.getByTestId('users-table').locator('tr', { hasText: email })).toContainText(partner.name);

  await page.context().clearCookies();
  await signIn(page, { email, password: 'Tangerine-Orbit-2026' }, 'zh-CN');
  await page.goto('/o/account');
  await expect(page.getByTestId('list-total')).toHaveText(/^共 \d+ 条$/);
  const served = await page.request.get('/api/v1/objects/account?limit=200');
  const rows = (await served.json()).data as { partner_id: string | null }[];
  expect(rows.length).toBeGreaterThan(0);
  expect(rows.every((r) => r.partner_id === partner.id)).toBe(true);
  await expect(page.getByTestId('list-total')).toHaveText(`共 ${rows.length} 条`);
});

test('granting and revoking a permission in the matrix changes the user’s navigation', async ({ page }) => {
  await signIn(page, ADMIN, 'zh-CN');
  const headers = { 'X-CSRF-Token': await csrfOf(page) };
  const role = await page.request.post('/api/v1/admin/roles', {
    headers,
    data: {
      key: 'e2e_matrix',
      name: { 'zh-CN': 'E2E 矩阵角色', 'en-US': 'E2E matrix role' },
      permissions: { objects: { account: { read: true, scope: 'all' } }, fields: {} },
    },
  });
  expect(role.status(), await role.text()).toBe(201);
  const user = await page.request.post('/api/v1/admin/users', {
    headers,
    data: {
      email: 'matrix@e2e.local',
      name: '矩阵用户',
      password: 'Tangerine-Orbit-2026',
      role: 'e2e_matrix',
    },
  });
  expect(user.status(), await user.text()).toBe(201);
  const matrixUser = { email: 'matrix@e2e.local', password: 'Tangerine-Orbit-2026' };

  const setContactRead = async (on: boolean) => {
    await signOut(page);
    await signIn(page, ADMIN, 'zh-CN');
    await page.goto('/settings/roles');
    await page.getByTestId('role-select').click();
    await page.locator('.ant-select-dropdown:visible').getByText('E2E 矩阵角色').click();
    const box = page.getByLabel('contact.read');
    await expect(page.getByLabel('account.read')).toBeChecked();
    if (on) await box.check();
    else await box.uncheck();
    await page.getByRole('button', { name: '保存' }).click();
    await expect(page.getByText('已保存')).toBeVisible();
  };
  const nav = () => page.getByTestId('side-nav');

  await signOut(page);
  await signIn(page, matrixUser, 'zh-CN');
  await page.goto('/');
  await expect(nav().getByText('客户', { exact: true })).toBeVisible();
  await expect(nav().getByText('联系人', { exact: true })).toHaveCount(0);

  await setContactRead(true);
  await screenshot(page, 'role-matrix-zh-CN');
  await signOut(page);
  await signIn(page, matrixUser, 'zh-CN');
  await page.goto('/');
  await expect(nav().getByText('联系人', { exact: true })).toBeVisible();

  await setContactRead(false);
  await signOut(page);
  await signIn(page, matrixUser, 'zh-CN');
  await page.goto('/');
  await expect(nav().getByText('客户', { exact: true })).toBeVisible();
  await expect(nav().getByText('联系人', { exact: true })).toHaveCount(0);
});

test('a non-admin cannot reach the settings pages', async ({ page }) => {
  await signIn(page, REP, 'zh-CN');
  await page.goto('/');
  await expect(page.getByTestId('side-nav')).toBeVisible();
  await expect(page.getByTestId('side-nav').getByText('设置')).toHaveCount(0);
  for (const path of ['/settings', '/settings/users', '/settings/roles', '/settings/api-keys']) {
    await page.goto(path);
    await expect(page.getByText('找不到该页面或记录')).toBeVisible();
    await expect(page.getByTestId('users-table')).toHaveCount(0);
  }
  const res = await page.request.get('/api/v1/admin/users');
  expect(res.status()).toBe(403);
});

test('an API key is shown once, then only its prefix', async ({ page }) => {
  await signIn(page, ADMIN, 'zh-CN');
  await page.goto('/settings/api-keys');
  await page.getByRole('button', { name: '新建 API 密钥' }).click();
  await page.getByLabel('名称').fill('E2E 集成');
  await page.getByLabel('角色').click();
  await page.locator('.ant-select-dropdown:visible').getByText('只读用户').click();
  await page.getByRole('button', { name: '保存' }).click();
  const secret = page.getByTestId('api-key-secret');
  await expect(secret).toContainText(/^fwk_/);
  const key = (await secret.innerText()).trim();
  await screenshot(page, 'api-key-once-zh-CN');

  // The key works against the API.
  const me = await page.request.get('/api/v1/metadata/objects', {
    headers: { Authorization: `Bearer ${key}` },
  });
  expect(me.ok(), await me.text()).toBeTruthy();

  await page.locator('.ant-modal-footer').getByRole('button', { name: '关闭' }).click();
  const row = page.getByTestId('api-keys-table').locator('tr').filter({ hasText: 'E2E 集成' });
  await expect(row).toContainText('fwk_');
  await expect(page.getByText(key)).toHaveCount(0);
  await page.reload();
  await expect(row).toBeVisible();
  await expect(page.getByText(key)).toHaveCount(0);
});

test('run a job with an as-of date and see its result', async ({ page }) => {
  await signIn(page, ADMIN, 'zh-CN');
  await page.goto('/settings/jobs');
  const row = page.getByTestId('jobs-table').locator('tr').filter({ hasText: 'platform.session_cleanup' });
  await row.getByRole('button', { name: '立即运行' }).click();
  const picker = page.locator('.ant-modal .ant-picker input');
  await picker.click();
  await picker.fill('2026-01-15');
  await picker.press('Enter');
  await page.getByTestId('job-run-confirm').click();
  const result = page.getByTestId('job-result');
  await expect(result).toContainText('succeeded');
  await expect(result).toContainText('2026-01-15');
  await screenshot(page, 'job-run-zh-CN');
  await page.locator('.ant-modal-footer').getByRole('button', { name: '关闭' }).click();
  await expect(row).toContainText('succeeded');
});

test('a deleted record is restored from the recycle bin', async ({ page }) => {
  await signIn(page, ADMIN, 'zh-CN');
  const headers = { 'X-CSRF-Token': await csrfOf(page) };
  const created = await page.request.post('/api/v1/objects/account', {
    headers,
    data: { name: 'E2E 回收站客户' },
  });
  expect(created.status(), await created.text()).toBe(201);
  const id = (await created.json()).data.id as string;

  await page.goto(`/o/account/${id}`);
  await page.getByRole('button', { name: '删除' }).click();
  await page.locator('.ant-popconfirm').getByRole('button', { name: '删除' }).click();
  await expect(page.getByText('已删除')).toBeVisible();

  await page.goto('/o/account');
  await page.getByTestId('recycle-bin-link').click();
  await expect(page).toHaveURL(/\/o\/account\/recycle-bin$/);
  const row = page.getByTestId('recycle-table').locator('tr').filter({ hasText: 'E2E 回收站客户' });
  await screenshot(page, 'recycle-bin-zh-CN');
  await row.getByRole('button', { name: '恢复' }).click();
  await expect(page.getByText('已恢复“E2E 回收站客户”')).toBeVisible();
  await expect(row).toHaveCount(0);

  await page.goto(`/o/account/${id}`);
  await expect(page.getByTestId('record-title')).toHaveText('E2E 回收站客户');
});

test('admin adds a custom select field and a custom object in settings; both show up', async ({ page }) => {
  await signIn(page, ADMIN, 'zh-CN');
  await page.goto('/settings/fields');
  await page.getByTestId('object-select').click();
  await page.locator('.ant-select-dropdown:visible').getByText('联系人 (contact)').click();
  await page.getByRole('button', { name: '添加自定义字段' }).click();
  const form = page.getByTestId('field-form');
  await form.locator('#api_name').fill('tier__c');
  await form.locator('#type').fill('单选');
  await form.locator('#type').press('Enter');
  await form.locator('#zh').fill('客户等级');
  await form.locator('#en').fill('Tier');
  await form.getByLabel('选项值 1').fill('gold');
  await form.getByLabel('中文名称 1').fill('金牌');
  await form.getByRole('button', { name: '添加选项' }).click();
  await form.getByLabel('选项值 2').fill('silver');
  await form.getByLabel('中文名称 2').fill('银牌');
  await screenshot(page, 'custom-field-editor-zh-CN');
  await page.getByRole('button', { name: '保存' }).click();
  const row = page.getByTestId('fields-table').locator('tr').filter({ hasText: 'tier__c' });
  await expect(row).toContainText('自定义');
  await expect(row).toContainText('单选');

  await page.goto('/o/contact/new');
  const item = page.locator('.ant-form-item').filter({ has: page.getByText('客户等级', { exact: true }) });
  await expect(item).toBeVisible();
  await item.getByRole('combobox').click();
  await expect(page.locator('.ant-select-dropdown:visible')).toContainText('银牌');

  // A custom object joins the navigation straight away (metadata-driven).
  await page.goto('/settings/fields');
  await page.getByRole('button', { name: '新建自定义对象' }).click();
  const objForm = page.getByTestId('object-form');
  await objForm.locator('#api_name').fill('project__c');
  await objForm.locator('#zh').fill('项目');
  await objForm.locator('#en').fill('Project');
  await page.getByRole('button', { name: '保存' }).click();
  await expect(page.getByTestId('side-nav').getByText('项目', { exact: true })).toBeVisible();
  await page.getByTestId('side-nav').getByText('项目', { exact: true }).click();
  await expect(page).toHaveURL(/\/o\/project__c$/);
});

test('import a CSV through the wizard: dry run shows the bad row, progress completes, good rows listed', async ({
  page,
}) => {
  await signIn(page, ADMIN, 'zh-CN');
  await page.goto('/o/account');
  await page.getByTestId('import-link').click();
  await expect(page).toHaveURL(/\/o\/account\/import$/);
  const csv = 'name,city,size\nE2E 导入甲,杭州市,1-49\nE2E 导入乙,上海市,no-such-size\nE2E 导入丙,北京市,\n';
  await page.locator('input[type=file]').setInputFiles({
    name: 'accounts.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from(csv, 'utf8'),
  });
  await expect(page.getByTestId('import-mapping')).toContainText('city');
  await page.getByRole('button', { name: '试运行校验' }).click();
  await expect(page.getByTestId('import-counts')).toContainText('3');
  const errors = page.getByTestId('import-errors');
  await expect(errors.locator('tbody tr')).toHaveCount(1);
  await expect(errors).toContainText('3');
  await screenshot(page, 'import-dry-run-zh-CN');

  await page.getByRole('button', { name: '开始导入' }).click();
  await expect(page.getByText('导入完成')).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('import-progress')).toHaveAttribute('aria-valuenow', '100');
  await expect(page.getByTestId('import-errors').locator('tbody tr')).toHaveCount(1);
  await expect(page.getByTestId('failed-rows-link')).toBeVisible();
  await screenshot(page, 'import-result-zh-CN');

  await page.getByRole('link', { name: '返回客户列表' }).click();
  await page.getByPlaceholder('在客户中搜索').fill('E2E 导入');
  await page.getByPlaceholder('在客户中搜索').press('Enter');
  await expect(page.getByTestId('list-total')).toHaveText('共 2 条');
  await expect(page.locator('.ant-table-row').filter({ hasText: 'E2E 导入甲' })).toBeVisible();
  await expect(page.locator('.ant-table-row').filter({ hasText: 'E2E 导入乙' })).toHaveCount(0);
});

test('webhook secret is shown once and the webhook can be paused; security settings save (en-US)', async ({
  page,
}) => {
  await signIn(page, ADMIN, 'en-US');
  await page.goto('/settings/webhooks');
  await page.getByRole('button', { name: 'New webhook' }).click();
  await page.getByLabel('URL').fill('not a url');
  await page.getByRole('button', { name: 'Save' }).click();
  const urlItem = page.locator('.ant-modal .ant-form-item').filter({ has: page.getByLabel('URL') });
  await expect(urlItem.locator('.ant-form-item-explain-error')).not.toBeEmpty();
  await page.getByLabel('URL').fill('https://hooks.example.com/flywheel');
  await page.getByRole('button', { name: 'Save' }).click();
  const secret = page.getByTestId('webhook-secret');
  await expect(secret).toContainText(/\S{16,}/);
  const value = (await secret.innerText()).trim();
  await page.locator('.ant-modal-footer').getByRole('button', { name: 'Close' }).click();
  const row = page.getByTestId('webhooks-table').locator('tr').filter({ hasText: 'hooks.example.com' });
  await expect(row.getByRole('switch')).toBeChecked();
  await expect(page.getByText(value)).toHaveCount(0);
  await row.getByRole('switch').click();
  await page.reload();
  await expect(row.getByRole('switch')).not.toBeChecked();

  await page.goto('/settings/security');
  const form = page.getByTestId('security-form');
  await expect(form.getByLabel('Failed sign-ins before lockout')).toHaveValue('5');
  await form.getByLabel('Lockout duration (minutes)').fill('20');
  await form.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByText('Saved')).toBeVisible();
  await page.reload();
  await expect(form.getByLabel('Lockout duration (minutes)')).toHaveValue('20');
});
