import { test, expect, ADMIN, signIn, screenshot } from '../support/fixtures';

test('list → filter → sort → open a record → inline edit → see it in History', async ({ page }) => {
  await signIn(page, ADMIN, 'zh-CN');
  await page.goto('/o/account');
  const total = page.getByTestId('list-total');
  await expect(total).toHaveText(/^共 \d+ 条$/);
  const all = await total.textContent();
  await expect(page.locator('.ant-table-row').first()).toBeVisible();
  await screenshot(page, 'account-list-zh-CN');

  // Filter: 客户等级 等于 A类
  await page.getByRole('button', { name: '添加筛选' }).click();
  const form = page.getByTestId('filter-form');
  await form.getByLabel('字段').fill('客户等级');
  await form.getByLabel('字段').press('Enter');
  await form.getByLabel('值').fill('A类');
  await form.getByLabel('值').press('Enter');
  await form.getByRole('button', { name: '应用' }).click();
  await expect(page.getByTestId('filter-chip')).toHaveText(/客户等级 等于 A类/);
  await expect(total).not.toHaveText(all ?? '');
  const filtered = Number((await total.textContent())?.replace(/\D/g, ''));
  expect(filtered).toBeGreaterThan(0);
  await expect(page.locator('.ant-table-row').first()).toContainText('A类');

  // Sort by annual revenue descending: two clicks on the header (ascend, then descend).
  const header = page.locator('th').filter({ hasText: '年营业额' });
  const sorted = page.waitForResponse((r) => r.url().includes('sort=-annual_revenue'));
  await header.click();
  await header.click();
  await sorted;
  await expect(header).toHaveAttribute('aria-sort', 'descending');
  // zh-CN money: the biggest accounts read in 万 or 亿 and come first — accounts other specs made
  // without a revenue sort last in both directions
  await expect(page.locator('.ant-table-row').first()).toContainText(/¥[\d.]+(万|亿)/);
  // the page shows the server's order: revenues never increase, and empty ones only at the end
  // (polled: the rows of the ascending response may still be on screen for a moment)
  const revenueOrder = async (): Promise<string> => {
    const revenues = await page
      .locator('.ant-table-row')
      .evaluateAll((rows) =>
        rows.map((r) => /¥([\d.,]+)(万|亿)?/.exec(r.textContent ?? '')?.slice(1, 3) ?? null),
      );
    const amounts = revenues.map((m) =>
      m ? Number(m[0]?.replace(/,/g, '')) * (m[1] === '亿' ? 1e8 : m[1] === '万' ? 1e4 : 1) : null,
    );
    const firstEmpty = amounts.indexOf(null);
    const present = firstEmpty < 0 ? amounts : amounts.slice(0, firstEmpty);
    const ok =
      present.length > 0 &&
      amounts.slice(present.length).every((a) => a === null) &&
      present.every((a, i) => i === 0 || (a ?? 0) <= (present[i - 1] ?? 0));
    return ok ? 'descending, empty last' : JSON.stringify(amounts);
  };
  await expect.poll(revenueOrder).toBe('descending, empty last');

  // Open the first record and change its city inline.
  const firstName = page.locator('.ant-table-row').first().locator('td a').first();
  const name = (await firstName.textContent()) ?? '';
  await firstName.click();
  await expect(page.getByTestId('record-title')).toHaveText(name);
  await page.getByRole('button', { name: '编辑 城市' }).click();
  const input = page.getByTestId('section-details').locator('input:focus');
  await input.fill('宁波市E2E');
  await input.press('Enter');
  await expect(page.getByText('已保存')).toBeVisible();
  await expect(page.getByTestId('section-details')).toContainText('宁波市E2E');

  await page.getByRole('tab', { name: '变更历史' }).click();
  await expect(page.getByTestId('history-change').first()).toContainText('城市');
  await expect(page.getByTestId('history-change').first()).toContainText('宁波市E2E');
  await screenshot(page, 'record-history-zh-CN');
});

test('a stale inline edit shows the conflict and reloads', async ({ page }) => {
  await signIn(page, ADMIN, 'zh-CN');
  const list = await page.request.get('/api/v1/objects/account?limit=1&sort=name');
  const rec = (await list.json()).data[0] as { id: string; version: number };
  await page.goto(`/o/account/${rec.id}`);
  await expect(page.getByTestId('record-title')).toBeVisible();
  // Someone else saves meanwhile.
  const csrf = (await page.context().cookies()).find((c) => c.name === 'fw_csrf')?.value ?? '';
  const other = await page.request.patch(`/api/v1/objects/account/${rec.id}`, {
    data: { industry: '别人改的', version: rec.version },
    headers: { 'X-CSRF-Token': csrf },
  });
  expect(other.ok()).toBeTruthy();
  await page.getByRole('button', { name: '编辑 城市' }).click();
  const input = page.getByTestId('section-details').locator('input:focus');
  await input.fill('杭州市');
  await input.press('Enter');
  await expect(page.getByTestId('conflict')).toBeVisible();
  await expect(page.getByTestId('section-details')).toContainText('别人改的');
});
