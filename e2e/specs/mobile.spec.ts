import { test, expect, REP, signIn, screenshot } from '../support/fixtures';
import type { Page } from '@playwright/test';

// Salespeople in the field: a 390 px phone (iPhone 12–15 width). Every page must fit the
// width — tables scroll inside themselves, the page itself never scrolls sideways.
test.use({ viewport: { width: 390, height: 844 }, hasTouch: true });

async function expectNoHorizontalOverflow(page: Page, where: string): Promise<void> {
  // Let layout settle (fonts, table column measuring) before measuring.
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  const width = await page.evaluate(() => document.scrollingElement?.scrollWidth ?? 0);
  expect(width, `${where}: page wider than the phone`).toBeLessThanOrEqual(390);
}

async function openFirstAccount(page: Page): Promise<string> {
  // one the rep holds (pool accounts are readable to pool members, not editable)
  const owned = JSON.stringify([{ field: 'state', op: 'eq', value: 'owned' }]);
  await page.goto(`/o/account?filter=${encodeURIComponent(owned)}`);
  const first = page.locator('.ant-table-row').first().locator('td a').first();
  await expect(first).toBeVisible();
  const name = (await first.textContent()) ?? '';
  await first.click();
  await expect(page.getByTestId('record-title')).toHaveText(name);
  return name;
}

test('phone: login, menu drawer and the account list fit 390 px', async ({ page }) => {
  await page.goto('/login');
  await expect(page.getByLabel('密码')).toBeVisible();
  await expectNoHorizontalOverflow(page, 'login');

  await signIn(page, REP, 'zh-CN');
  await page.goto('/o/account');
  await expect(page.getByTestId('list-total')).toHaveText(/^共 \d+ 条$/);
  await expect(page.locator('.ant-table-row').first()).toBeVisible();
  // No sider on a phone: the menu lives in a drawer behind the header button.
  await expect(page.getByTestId('side-nav')).toHaveCount(0);
  await expect(page.getByRole('combobox', { name: /搜索客户/ })).toBeInViewport();
  await expectNoHorizontalOverflow(page, 'account list');

  // The table scrolls inside itself; the name column stays pinned on the left.
  const body = page.locator('.ant-table-content, .ant-table-body').first();
  const { scroll, client } = await body.evaluate((el) => ({
    scroll: el.scrollWidth,
    client: el.clientWidth,
  }));
  expect(scroll).toBeGreaterThan(client);
  // Toolbar: the create button is on screen, not pushed off the right edge.
  await expect(page.getByRole('button', { name: '新建' })).toBeInViewport();

  // Filter chips wrap inside the page.
  await page.getByRole('button', { name: '添加筛选' }).click();
  const form = page.getByTestId('filter-form');
  await form.getByLabel('字段').fill('客户等级');
  await form.getByLabel('字段').press('Enter');
  await form.getByLabel('值').fill('B类');
  await form.getByLabel('值').press('Enter');
  await form.getByRole('button', { name: '应用' }).click();
  await expect(page.getByTestId('filter-chip')).toHaveText(/客户等级 等于 B类/);
  await expect(page.getByTestId('filter-chip')).toBeInViewport();
  await expectNoHorizontalOverflow(page, 'filtered list');

  await page.getByTestId('nav-toggle').click();
  const nav = page.getByTestId('side-nav');
  await expect(nav).toBeVisible();
  await expect(nav.getByText('联系人', { exact: true })).toBeVisible();
  await screenshot(page, 'mobile-list-and-menu');
  await nav.getByText('联系人', { exact: true }).click();
  await expect(page).toHaveURL(/\/o\/contact/);
  await expect(page.getByTestId('side-nav')).toBeHidden();
  await expectNoHorizontalOverflow(page, 'contact list');
});

test('phone: record detail is one column, actions on screen', async ({ page }) => {
  await signIn(page, REP, 'zh-CN');
  await openFirstAccount(page);
  await expectNoHorizontalOverflow(page, 'record detail');
  await expect(page.getByTestId('record-actions').getByRole('button', { name: '编辑' })).toBeInViewport();
  // Descriptions stack to one column: every label cell starts at the same x.
  const labels = page.getByTestId('section-details').locator('.ant-descriptions-item-label');
  const xs = await labels.evaluateAll((els) =>
    els.slice(0, 4).map((e) => Math.round(e.getBoundingClientRect().x)),
  );
  expect(new Set(xs).size).toBe(1);
  await page.getByRole('tab', { name: '相关记录' }).click();
  await expectNoHorizontalOverflow(page, 'related records');
  await page.getByRole('tab', { name: '详细信息' }).click();
  await screenshot(page, 'mobile-record');
});

test('phone: edit a field in the edit form and save', async ({ page }) => {
  await signIn(page, REP, 'zh-CN');
  await openFirstAccount(page);
  await page.getByTestId('record-actions').getByRole('button', { name: '编辑' }).click();
  const form = page.getByTestId('record-form');
  await expect(form).toBeVisible();
  await expectNoHorizontalOverflow(page, 'edit form');
  const city = form.getByLabel('城市');
  await city.fill('移动端E2E市');
  // wholly on screen once the drawer has slid in (a measurement mid-animation would not be)
  await expect(city).toBeInViewport({ ratio: 1 });
  // The save button sticks to the bottom of the drawer: reachable without scrolling.
  const save = form.getByTestId('form-submit');
  await expect(save).toBeInViewport();
  await screenshot(page, 'mobile-edit');
  await save.click();
  await expect(page.getByText('已保存')).toBeVisible();
  await expect(page.getByTestId('section-details')).toContainText('移动端E2E市');
  await expectNoHorizontalOverflow(page, 'record after edit');
});

test('phone: create a contact', async ({ page }) => {
  await signIn(page, REP, 'zh-CN');
  const accounts = await page.request.get('/api/v1/objects/account?limit=1&sort=name');
  const account = (await accounts.json()).data[0] as { name: string };
  await page.goto('/o/contact');
  await page.getByRole('button', { name: '新建' }).click();
  const form = page.getByTestId('record-form');
  await expect(form).toBeVisible();
  await expectNoHorizontalOverflow(page, 'create form');
  // Full-width inputs in one column.
  const nameBox = await form.getByLabel('姓名').boundingBox();
  const mobileBox = await form.getByLabel('手机').boundingBox();
  expect(nameBox?.width ?? 0).toBeGreaterThan(280);
  expect(Math.round(mobileBox?.x ?? -1)).toBe(Math.round(nameBox?.x ?? -2));

  const name = `移动端联系人${Date.now() % 100_000}`;
  await form.getByLabel('姓名').fill(name);
  await form.getByLabel('所属客户').fill(account.name.slice(0, 4));
  await page.locator('.ant-select-item-option').filter({ hasText: account.name }).first().click();
  await form.getByLabel('手机').fill('13800138000');
  await expect(form.getByTestId('form-submit')).toBeInViewport();
  await screenshot(page, 'mobile-create-contact');
  await form.getByTestId('form-submit').click();
  await expect(page.getByTestId('record-title')).toHaveText(name);
  await expect(page.getByTestId('section-details')).toContainText(account.name);
  await expectNoHorizontalOverflow(page, 'new contact');
});
