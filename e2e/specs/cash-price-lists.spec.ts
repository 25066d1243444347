import { test, expect, ADMIN, REP, signIn, screenshot } from '../support/fixtures';
import { apiSession, uniq } from '../support/api';

test('an admin creates a grade price list with range tiers from the keyboard, sees tier and server errors on their cells, and tries the price; a rep only reads it', async ({
  page,
  request,
}) => {
  // a cold browser on a busy machine loads the lazy cash chunks slowly
  test.slow();
  const api = await apiSession(request);
  const u = uniq();
  const accountName = `价目测试${u}有限公司`;
  await api.post('/api/v1/objects/account', { name: accountName, grade: 'A' });
  await api.post('/api/v1/objects/product', {
    sku: `SEAT-${u}`,
    name: `席位${u}`,
    type: 'one_time',
    list_price: { amount: 12_000, currency: 'CNY' },
  });
  const temp = (
    await api.post('/api/v1/objects/product', {
      sku: `TMP-${u}`,
      name: `临时产品${u}`,
      type: 'one_time',
      list_price: { amount: 5_000, currency: 'CNY' },
    })
  ).data as { id: string };
  const existing = (await api.get('/api/v1/objects/price_list?limit=1')).data as unknown[];

  await signIn(page, ADMIN);
  await page.goto('/cash/price-lists');
  await expect(page.getByTestId('price-lists-page')).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('pricing-rule')).toHaveText(
    '定价规则：按优先级（适用的价目表中数字最小的生效）',
  );
  // the demo tenant starts without lists: the empty state says what lists are for
  if (existing.length === 0)
    await expect(page.getByTestId('price-lists-empty')).toContainText(
      '没有价目表时，报价和订单都按产品的标准价',
    );

  // the header: Enter on an empty name is refused on the field; Enter again saves
  await page.getByTestId('price-list-new').click();
  const form = page.getByTestId('price-list-form');
  await expect(form.getByLabel('名称')).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(form.locator('.ant-form-item-explain-error')).toHaveText('必填');
  await form.getByLabel('名称').fill(`A类客户价${u}`);
  await form.getByLabel('适用范围').click();
  await page.locator('.ant-select-item-option').filter({ hasText: '客户等级' }).click();
  await form.getByLabel('客户等级', { exact: true }).click();
  await page.locator('.ant-select-item-option').filter({ hasText: 'A类' }).click();
  await form.getByLabel('优先级').fill('10');
  await screenshot(page, 'cash-price-list-form');
  await form.getByLabel('优先级').press('Enter');
  await expect(page).toHaveURL(/\/cash\/price-lists\/[0-9a-f-]{36}$/, { timeout: 20_000 });
  await expect(page.getByTestId('record-title')).toHaveText(`A类客户价${u}`);
  await expect(page.getByTestId('price-list-status')).toHaveText('生效中');
  await expect(page.getByTestId('price-list-header')).toContainText('客户等级 · A类');
  await expect(page.getByTestId('price-list-items')).toContainText('此价目表还没有产品');

  // Esc leaves the header dialog without saving
  await page.getByTestId('price-list-edit').click();
  await expect(page.getByTestId('price-list-form')).toBeVisible();
  await page.getByTestId('price-list-form').getByLabel('优先级').press('Escape');
  await expect(page.getByTestId('price-list-form')).toHaveCount(0);

  // items: the seat product with range tiers 0–10 ¥100, 10–50 ¥90, 50+ ¥80
  await page.getByTestId('price-list-edit-items').click();
  await page.getByLabel('第 1 个产品', { exact: true }).click();
  await page.getByLabel('第 1 个产品', { exact: true }).fill(`SEAT-${u}`);
  await page
    .locator('.ant-select-item-option')
    .filter({ hasText: `SEAT-${u}` })
    .click();
  await expect(page.getByLabel('第 1 个产品的单价')).toHaveValue('120');
  await page.getByLabel('第 1 个产品的阶梯方式').click();
  await page.locator('.ant-select-item-option').filter({ hasText: '区间价' }).click();
  await page.getByLabel('第 1 个产品第 1 档上限').fill('10');
  await page.getByLabel('第 1 个产品第 1 档单价').fill('100');
  await page.getByRole('button', { name: '添加一档' }).click();
  // the new tier starts where the last one ended
  await expect(page.getByLabel('第 1 个产品第 2 档下限')).toHaveValue('10');
  await page.getByLabel('第 1 个产品第 2 档上限').fill('50');
  await page.getByLabel('第 1 个产品第 2 档单价').fill('90');
  await page.getByRole('button', { name: '添加一档' }).click();
  await page.getByLabel('第 1 个产品第 3 档上限').fill('60');
  await page.getByLabel('第 1 个产品第 3 档单价').fill('80');
  // a closed last tier is named on its cell before anything is sent
  await page.getByLabel('第 1 个产品第 3 档单价').press('Enter');
  await expect(page.getByTestId('pl-1-tier-3-to-error')).toHaveText('只有最后一档不设上限（且必须不设）');
  await page.getByLabel('第 1 个产品第 3 档上限').fill('');
  await expect(page.getByTestId('pl-1-tier-3-to-error')).toHaveCount(0);

  // a product deleted meanwhile: the server's answer lands on that product's cell
  await page.getByRole('button', { name: '添加产品' }).click();
  await page.getByLabel('第 2 个产品', { exact: true }).click();
  await page.getByLabel('第 2 个产品', { exact: true }).fill(`TMP-${u}`);
  await page
    .locator('.ant-select-item-option')
    .filter({ hasText: `TMP-${u}` })
    .click();
  await expect(page.getByLabel('第 2 个产品的单价')).toHaveValue('50');
  await api.del(`/api/v1/objects/product/${temp.id}`);
  await page.getByLabel('第 2 个产品的单价').press('Enter');
  await expect(page.getByTestId('pl-2-product-error')).toHaveText('关联的记录不存在');
  await screenshot(page, 'cash-price-list-items-error');
  await page.getByRole('button', { name: '移除第 2 个产品' }).click();
  await page.getByLabel('第 1 个产品的起订量').fill('2');
  await page.getByLabel('第 1 个产品的起订量').press('Enter');
  await expect(page.getByText('价格已保存（1 个产品）')).toBeVisible();
  const items = page.getByTestId('price-list-items');
  await expect(items).toContainText(`SEAT-${u} · 席位${u}`);
  await expect(items).toContainText('区间价');
  await expect(items).toContainText('10 – 50 ¥90.00');
  await expect(items).toContainText('50 以上 ¥80.00');

  // the trial: a grade-A account buying 11 seats pays the 10–50 tier of this list
  const trial = page.getByTestId('pricing-trial');
  await trial.getByLabel('客户', { exact: true }).click();
  await trial.getByLabel('客户', { exact: true }).fill(accountName);
  await page.locator('.ant-select-item-option').filter({ hasText: accountName }).click();
  await trial.getByLabel('产品', { exact: true }).click();
  await page
    .locator('.ant-select-item-option')
    .filter({ hasText: `SEAT-${u}` })
    .click();
  await trial.getByTestId('trial-quantity').fill('11');
  await trial.getByTestId('trial-quantity').press('Enter');
  await expect(trial.getByTestId('trial-unit-price')).toHaveText('¥90.00');
  await expect(trial.getByTestId('trial-amount')).toHaveText('11 → ¥990.00');
  await expect(trial.getByTestId('trial-source')).toHaveText(`价目表A类客户价${u}`);
  await expect(trial.getByTestId('trial-tiers')).toContainText('10 – 50：11 × ¥90.00');
  await screenshot(page, 'cash-price-list-trial');

  // a sales rep reads the same list without any edit action
  const listUrl = page.url();
  await page.context().clearCookies();
  await signIn(page, REP);
  await page.goto('/cash/price-lists');
  await expect(page.getByTestId('price-lists-read-only')).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('price-list-new')).toHaveCount(0);
  await expect(page.getByTestId('price-lists-table')).toContainText(`A类客户价${u}`);
  // the generic record route (search results, lookups) opens the editor
  await page.goto(`/o/price_list/${listUrl.split('/').pop() ?? ''}`);
  await expect(page).toHaveURL(listUrl);
  await expect(page.getByTestId('price-list-items')).toContainText(`SEAT-${u}`, { timeout: 30_000 });
  await expect(page.getByTestId('price-list-edit')).toHaveCount(0);
  await expect(page.getByTestId('price-list-edit-items')).toHaveCount(0);
});
