import { test, expect, ADMIN, signIn, screenshot } from '../support/fixtures';

test('touch rate: the dashboard, an overdue call logged from its row leaves the list; tier settings refuse a duplicate key', async ({
  page,
}) => {
  test.setTimeout(120_000);
  await signIn(page, ADMIN, 'zh-CN');
  await page.goto('/success/touch');
  await expect(page.getByTestId('touch-page')).toBeVisible();
  await expect(page.getByTestId('touch-by-csm').getByTestId('touch-csm-row').first()).toBeVisible();
  const overdue = page.getByTestId('touch-overdue');
  // only overdue calls: each row offers "记录回访"
  await page.getByTestId('touch-kind').click();
  await page
    .locator('.ant-select-dropdown:visible .ant-select-item-option')
    .filter({ hasText: '电话回访' })
    .click();
  await expect(page.locator('.ant-select-dropdown:visible')).toHaveCount(0);
  await expect(overdue.locator('tr.ant-table-row').filter({ hasText: '上门拜访' })).toHaveCount(0);
  const row = overdue.locator('tr.ant-table-row').first();
  await expect(row).toBeVisible();
  const name = ((await row.locator('a').first().textContent()) ?? '').trim();
  expect(name).not.toBe('');
  await screenshot(page, 'touch-dashboard');

  await row.getByTestId('touch-log').click();
  const dialog = page.getByTestId('activity-quick-add');
  await expect(dialog.getByRole('dialog')).toBeInViewport();
  await expect(dialog.getByTestId('activity-target')).toContainText(name);
  await expect(dialog.getByLabel('主题')).toHaveValue(`电话 · ${name}`);
  await dialog.getByTestId('activity-submit').click();
  await expect(page.getByText('已记录跟进')).toBeVisible();
  // the call happened today: that customer's call is no longer overdue
  await expect(overdue.locator('tr.ant-table-row').filter({ hasText: name })).toHaveCount(0);

  await page.goto('/settings/service-tiers');
  const settings = page.getByTestId('tier-settings');
  await expect(settings.getByTestId('tier-card-0')).toBeVisible();
  const secondKey = settings.getByTestId('tier-card-1').getByLabel('等级标识');
  const firstKey = (await settings.getByTestId('tier-card-0').getByLabel('等级标识').inputValue()).trim();
  await secondKey.fill(firstKey);
  await settings.getByTestId('tiers-save').click();
  await expect(settings.getByTestId('tier-card-1').locator('.ant-form-item-explain-error')).toBeVisible();
  await screenshot(page, 'tiers-settings-error');
});

test("a CSM's day lists their overdue calls and visits, and a call logged there leaves the list", async ({
  page,
}) => {
  const api = await page.request.post('/api/v1/auth/login', {
    data: { email: 'csm1@flywheel.local', password: 'Flywheel-Demo-2026' },
  });
  expect(api.ok()).toBe(true);
  const me = (await (await page.request.get('/api/v1/me')).json()).data.user as { id: string };
  const overdue = (await (await page.request.get(`/api/v1/success/touches/overdue?csm_id=${me.id}`)).json())
    .data as { account_name: string; kind: string }[];
  expect(overdue.length).toBeGreaterThan(0);
  await signIn(page, { email: 'csm1@flywheel.local', password: 'Flywheel-Demo-2026' }, 'zh-CN');
  await page.goto('/my-day');
  const card = page.getByTestId('my-day-touches');
  await expect(card.getByTestId('my-day-touches-count')).toContainText(String(overdue.length));
  const rows = card.getByTestId('my-day-touch');
  const call = overdue.find((o) => o.kind === 'call');
  // the demo leaves every CSM's book with late calls (docs/ENGAGEMENT.md "In the demo")
  expect(call, "an overdue call in csm1's book").toBeTruthy();
  const row = rows.filter({ hasText: call?.account_name ?? '' }).filter({ hasText: '回访逾期' });
  await expect(row).toHaveCount(1);
  await screenshot(page, 'my-day-touches');
  await row.getByTestId('my-day-touch-log').click();
  const dialog = page.getByTestId('activity-quick-add');
  await expect(dialog.getByLabel('主题')).toHaveValue(`电话 · ${call?.account_name ?? ''}`);
  await dialog.getByTestId('activity-submit').click();
  await expect(page.getByText('已记录跟进')).toBeVisible();
  await expect(row).toHaveCount(0);
});
