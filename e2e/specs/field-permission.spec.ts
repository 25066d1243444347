import fs from 'node:fs';
import { test, expect, ADMIN, signIn, screenshot } from '../support/fixtures';
import type { Locator, Page } from '@playwright/test';

// A custom account field that one role may not see (then may only read).
const FIELD = 'fp_floor__c';
const LABEL_ZH = '内部底价';
const LABEL_EN = 'Internal floor price';
const SECRET = 'FP底价机密7319';
const SECRET_NEW = 'FP底价机密7320';
const ROLE = 'e2e_fp_reader';
const READER = { email: 'fp.reader@e2e.local', password: 'Tangerine-Orbit-2026' };
const NAME_A = 'FP 字段权限甲公司';
const NAME_B = 'FP 字段权限乙公司';
// What must not show while the field is hidden: its labels, its API name and its values.
const LEAKS = [LABEL_ZH, LABEL_EN, FIELD, 'FP底价机密'];

async function csrfOf(page: Page): Promise<string> {
  return (await page.context().cookies()).find((c) => c.name === 'fw_csrf')?.value ?? '';
}

async function expectNoLeak(where: Locator): Promise<void> {
  for (const text of LEAKS) await expect(where, `"${text}" leaked`).not.toContainText(text);
}

interface Role {
  id: string;
  key: string;
  version: number;
}

/** Admin (through the API): the field, the role, the reader and two accounts; safe to run twice. */
async function setUp(page: Page, access: 'hidden' | 'read'): Promise<{ a: string; b: string }> {
  await signIn(page, ADMIN, 'zh-CN');
  const headers = { 'X-CSRF-Token': await csrfOf(page) };
  const meta = (await (await page.request.get('/api/v1/metadata/objects/account')).json()).data as {
    fields: { api_name: string }[];
  };
  if (!meta.fields.some((f) => f.api_name === FIELD)) {
    const field = await page.request.post('/api/v1/metadata/objects/account/fields', {
      headers,
      data: { api_name: FIELD, type: 'text', label: { 'zh-CN': LABEL_ZH, 'en-US': LABEL_EN } },
    });
    expect(field.status(), await field.text()).toBe(201);
  }

  const permissions = {
    objects: { account: { create: true, read: true, update: true, export: true, scope: 'all' } },
    fields: { account: { [FIELD]: access } },
  };
  const roles = (await (await page.request.get('/api/v1/admin/roles')).json()).data as Role[];
  const existing = roles.find((r) => r.key === ROLE);
  if (existing) {
    const res = await page.request.patch(`/api/v1/admin/roles/${existing.id}`, {
      headers,
      data: { permissions, version: existing.version },
    });
    expect(res.ok(), await res.text()).toBeTruthy();
  } else {
    const res = await page.request.post('/api/v1/admin/roles', {
      headers,
      data: {
        key: ROLE,
        name: { 'zh-CN': 'E2E 底价保密角色', 'en-US': 'E2E floor-price role' },
        permissions,
      },
    });
    expect(res.status(), await res.text()).toBe(201);
  }
  const users = (await (await page.request.get('/api/v1/admin/users')).json()).data as { email: string }[];
  if (!users.some((u) => u.email === READER.email)) {
    const res = await page.request.post('/api/v1/admin/users', {
      headers,
      data: { email: READER.email, name: '底价测试员', password: READER.password, role: ROLE },
    });
    expect(res.status(), await res.text()).toBe(201);
  }

  const ids: string[] = [];
  for (const name of [NAME_A, NAME_B]) {
    const found = (
      await (await page.request.get(`/api/v1/objects/account?q=${encodeURIComponent(name)}`)).json()
    ).data as { id: string; name: string }[];
    const hit = found.find((r) => r.name === name);
    if (hit) {
      ids.push(hit.id);
      continue;
    }
    const res = await page.request.post('/api/v1/objects/account', {
      headers,
      // a revenue, like the demo's A-grade accounts (lists put empty values last in either direction)
      data: { name, grade: 'A', annual_revenue: { amount: 100_00, currency: 'CNY' }, [FIELD]: SECRET },
    });
    expect(res.status(), await res.text()).toBe(201);
    const id = (await res.json()).data.id as string;
    ids.push(id);
    // A change of the field, so the record history has an update entry about it.
    const rec = (await (await page.request.get(`/api/v1/objects/account/${id}`)).json()).data as {
      version: number;
    };
    const patch = await page.request.patch(`/api/v1/objects/account/${id}`, {
      headers,
      data: { [FIELD]: SECRET_NEW, city: '杭州市', version: rec.version },
    });
    expect(patch.ok(), await patch.text()).toBeTruthy();
  }
  await page.context().clearCookies();
  return { a: ids[0] ?? '', b: ids[1] ?? '' };
}

test('a role without a field’s permission does not see it anywhere on screen', async ({ page }) => {
  test.setTimeout(120_000);
  const { a } = await setUp(page, 'hidden');

  // The control: the admin does see the field and its value on the record.
  await signIn(page, ADMIN, 'zh-CN');
  await page.goto(`/o/account/${a}`);
  await expect(page.getByTestId('section-details')).toContainText(LABEL_ZH);
  await expect(page.getByTestId('section-details')).toContainText(SECRET_NEW);
  await page.context().clearCookies();

  // The reader signs in through the form.
  await page.goto('/login');
  await page.getByLabel('邮箱').fill(READER.email);
  await page.getByLabel('密码').fill(READER.password);
  await page.getByRole('button', { name: '登录' }).click();
  await expect(page.getByTestId('user-menu')).toContainText('底价测试员');
  const body = page.locator('body');

  // The API answers without it too.
  const rec = (await (await page.request.get(`/api/v1/objects/account/${a}`)).json()).data as Record<
    string,
    unknown
  >;
  expect(rec.name).toBe(NAME_A);
  expect(Object.keys(rec)).not.toContain(FIELD);

  // List: columns, even when the URL asks for it, and the column picker.
  const q = encodeURIComponent('FP 字段权限');
  await page.goto(`/o/account?q=${q}&cols=name,${FIELD},grade`);
  await expect(page.getByTestId('list-total')).toHaveText('共 2 条');
  await expect(page.locator('.ant-table-row').filter({ hasText: NAME_A })).toBeVisible();
  await expect(page.locator('thead')).toContainText('客户等级');
  await expectNoLeak(body);
  await page.getByRole('button', { name: '列设置' }).click();
  const picker = page.locator('.ant-popover:visible');
  await expect(picker).toContainText('客户等级');
  await expectNoLeak(picker);
  await page.keyboard.press('Escape');

  // Filter field picker: the label finds nothing, another field is found.
  await page.getByRole('button', { name: '添加筛选' }).click();
  const filterForm = page.getByTestId('filter-form');
  await filterForm.getByLabel('字段').fill(LABEL_ZH);
  const dropdown = page.locator('.ant-select-dropdown:visible');
  await expect(dropdown.locator('.ant-select-item-option')).toHaveCount(0);
  await filterForm.getByLabel('字段').fill('客户等级');
  await expect(dropdown.locator('.ant-select-item-option').first()).toContainText('客户等级');
  await page.keyboard.press('Escape');
  await page.keyboard.press('Escape');

  // Bulk edit offers only fields the role can see.
  await page.locator('.ant-table-row').filter({ hasText: NAME_A }).locator('.ant-checkbox-input').check();
  await page.getByRole('button', { name: '批量编辑' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.locator('.ant-select').first().locator('input').fill(LABEL_ZH);
  await expect(page.locator('.ant-select-dropdown:visible .ant-select-item-option')).toHaveCount(0);
  await expectNoLeak(dialog);
  await page.keyboard.press('Escape');
  await dialog.getByRole('button', { name: '取消' }).click();
  await expect(dialog).toBeHidden();

  // Export: the CSV has neither the column nor the values.
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: '导出' }).hover();
  await page.getByText('导出 CSV').click();
  const csv = fs.readFileSync((await (await download).path()) ?? '', 'utf8');
  expect(csv).toContain(NAME_A);
  expect(csv).toContain('客户等级');
  for (const text of LEAKS) expect(csv, `"${text}" in the export`).not.toContain(text);

  // Kanban on a select field.
  await page.goto(`/o/account?q=${q}&layout=kanban:grade&cols=name,${FIELD}`);
  const card = page.getByTestId('kanban-card').filter({ hasText: NAME_A });
  await expect(card).toBeVisible();
  await expectNoLeak(page.getByTestId('kanban'));

  // Record detail, its history and the edit form.
  await page.goto(`/o/account/${a}`);
  await expect(page.getByTestId('record-title')).toHaveText(NAME_A);
  await expect(page.getByTestId('section-details')).toContainText('客户等级');
  await expectNoLeak(body);
  await page.getByRole('tab', { name: '变更历史' }).click();
  await expect(page.getByTestId('history')).toContainText('杭州市');
  await expectNoLeak(body);
  await screenshot(page, 'field-hidden-history-zh-CN');
  await page.getByRole('button', { name: /^(edit )?编辑$/ }).click();
  const form = page.getByTestId('record-form');
  await expect(form).toContainText('客户等级');
  await expectNoLeak(form);
  await page.keyboard.press('Escape');

  // The create form.
  await page.goto('/o/account/new');
  await expect(page.getByTestId('record-form')).toContainText('客户等级');
  await expectNoLeak(body);

  // Global search: the record is found by name, without the field; the value finds nothing.
  await page.goto('/');
  const search = page.getByRole('combobox', { name: /搜索客户/ });
  await search.fill('FP 字段权限甲');
  await expect(page.getByTestId('search-hit').filter({ hasText: NAME_A })).toBeVisible();
  await expectNoLeak(page.locator('.ant-select-dropdown:visible'));
  await search.fill(SECRET_NEW);
  await expect(page.locator('.ant-select-dropdown:visible')).toContainText('没有匹配的记录');
  await expect(page.getByTestId('search-hit')).toHaveCount(0);
});

test('a read-only field shows to the role but cannot be edited', async ({ page }) => {
  const { a } = await setUp(page, 'read');
  await signIn(page, READER, 'zh-CN');

  await page.goto(`/o/account/${a}`);
  const details = page.getByTestId('section-details');
  await expect(details).toContainText(LABEL_ZH);
  await expect(details).toContainText(SECRET_NEW);
  // Other fields have their inline edit button; this one has none.
  await expect(page.getByRole('button', { name: '编辑 客户等级' })).toHaveCount(1);
  await expect(page.getByRole('button', { name: `编辑 ${LABEL_ZH}` })).toHaveCount(0);
  await screenshot(page, 'field-read-only-zh-CN');

  // The edit form leaves it out.
  await page.getByRole('button', { name: /^(edit )?编辑$/ }).click();
  const form = page.getByTestId('record-form');
  await expect(form).toContainText('客户等级');
  await expect(form).not.toContainText(LABEL_ZH);
  await page.keyboard.press('Escape');

  // The list can show it as a column.
  await page.goto(`/o/account?q=${encodeURIComponent('FP 字段权限')}&cols=name,${FIELD}`);
  await expect(page.locator('thead')).toContainText(LABEL_ZH);
  await expect(page.locator('.ant-table-row').filter({ hasText: NAME_A })).toContainText(SECRET_NEW);

  // The server refuses a write all the same.
  const rec = (await (await page.request.get(`/api/v1/objects/account/${a}`)).json()).data as {
    version: number;
  };
  const res = await page.request.patch(`/api/v1/objects/account/${a}`, {
    headers: { 'X-CSRF-Token': await csrfOf(page) },
    data: { [FIELD]: 'changed by the reader', version: rec.version },
  });
  expect(res.ok(), await res.text()).toBeFalsy();
  const after = (await (await page.request.get(`/api/v1/objects/account/${a}`)).json()).data as Record<
    string,
    unknown
  >;
  expect(after[FIELD]).toBe(SECRET_NEW);
});
