import { test, expect, ADMIN, signIn, screenshot } from '../support/fixtures';
import { apiSession, uniq } from '../support/api';

/** The web's zh-CN money format (web/src/format/money.ts): ¥ and 万 above ten thousand yuan. */
function zhMoney(fen: number): string {
  const yuan = fen / 100;
  if (yuan >= 10_000)
    return `¥${new Intl.NumberFormat('zh-CN', { maximumFractionDigits: 2 }).format(yuan / 10_000)}万`;
  return `¥${new Intl.NumberFormat('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(yuan)}`;
}

test('an admin enters an order from the account page: a subscription and a service line, a missing service end named on its cell, saved and confirmed', async ({
  page,
  request,
}) => {
  // a cold browser on a busy machine takes 10–15 s before the account page's panels have loaded
  test.setTimeout(120_000);
  const api = await apiSession(request);
  const u = uniq();
  const account = (await api.post('/api/v1/objects/account', { name: `订单测试${u}有限公司` })).data as {
    id: string;
  };
  await api.post('/api/v1/objects/product', {
    sku: `SUB-${u}`,
    name: `云CRM订阅${u}`,
    type: 'subscription',
    unit: 'seat',
    list_price: { amount: 120_000, currency: 'CNY' },
  });
  await api.post('/api/v1/objects/product', {
    sku: `SVC-${u}`,
    name: `实施服务${u}`,
    type: 'service',
    unit: 'day',
    list_price: { amount: 250_000, currency: 'CNY' },
  });

  await signIn(page, ADMIN);
  await page.goto(`/o/account/${account.id}`);
  const panel = page.getByTestId('account-orders');
  await expect(panel).toContainText('该客户还没有订单', { timeout: 30_000 });
  await panel.getByRole('button', { name: '新建订单' }).click();
  await expect(page).toHaveURL(new RegExp(`/cash/orders/new\\?account_id=${account.id}`));
  await expect(page.getByTestId('order-header')).toContainText(`订单测试${u}有限公司`, { timeout: 20_000 });

  // line 1: the subscription, picked by SKU; list price and a one-year period come with it
  const product1 = page.getByLabel('第 1 行产品');
  await product1.click();
  await product1.fill(`SUB-${u}`);
  await page
    .locator('.ant-select-item-option')
    .filter({ hasText: `SUB-${u}` })
    .click();
  await expect(page.getByLabel('单价 · 1')).toHaveValue('1200.00');
  await page.getByLabel('数量 · 1').fill('10');
  await page.getByLabel('折扣 % · 1').fill('10');
  await expect(page.getByLabel('金额 · 1')).toHaveValue('10800.00');
  await expect(page.getByLabel('服务开始 · 1')).not.toHaveValue('');

  // Enter adds line 2 with the cursor on its product
  await page.getByLabel('折扣 % · 1').press('Enter');
  await expect(page.getByLabel('第 2 行产品')).toBeFocused();
  await page.keyboard.type(`SVC-${u}`);
  await page
    .locator('.ant-select-item-option')
    .filter({ hasText: `SVC-${u}` })
    .click();
  await page.getByLabel('数量 · 2').fill('3');
  await expect(page.getByLabel('金额 · 2')).toHaveValue('7500.00');
  await expect(page.getByTestId('order-total')).toHaveText(zhMoney(1_830_000));

  // without a service end the server refuses, and says so on that very cell
  const end1 = page.locator('.ant-picker').filter({ has: page.getByLabel('服务结束 · 1') });
  await end1.hover();
  await end1.locator('.ant-picker-clear').click();
  await expect(page.getByLabel('服务结束 · 1')).toHaveValue('');
  await page.getByRole('button', { name: '保存并确认' }).click();
  await expect(page.getByTestId('line-0-service_end-error')).toHaveText('订阅产品需填写服务起止日期');
  await expect(page).toHaveURL(/\/cash\/orders\/new/);
  await screenshot(page, 'cash-order-entry-error');

  await page.getByLabel('服务结束 · 1').click();
  await page.getByLabel('服务结束 · 1').fill('2027-06-30');
  await page.getByLabel('服务结束 · 1').press('Enter');
  await expect(page.getByLabel('服务结束 · 1')).toHaveValue('2027-06-30');
  await page.getByRole('button', { name: '保存并确认' }).click();

  await expect(page).toHaveURL(/\/cash\/orders\/[0-9a-f-]{36}$/, { timeout: 20_000 });
  await expect(page.getByTestId('order-status')).toHaveText('已确认', { timeout: 20_000 });
  await expect(page.getByTestId('order-amount')).toHaveText(zhMoney(1_830_000));
  const table = page.getByTestId('order-lines-table');
  await expect(table).toContainText(`云CRM订阅${u}`);
  await expect(table).toContainText('2027-06-30');
  await screenshot(page, 'cash-order-confirmed');

  const id = page.url().split('/').pop() ?? '';
  const order = (await api.get(`/api/v1/orders/${id}`)).data as {
    status: string;
    account_id: string;
    amount: { amount: number; currency: string };
    lines: {
      product_type: string;
      quantity: number;
      discount: number;
      amount: number;
      service_end: string | null;
    }[];
  };
  expect(order.status).toBe('confirmed');
  expect(order.account_id).toBe(account.id);
  expect(order.amount).toEqual({ amount: 1_830_000, currency: 'CNY' });
  expect(order.lines.map((l) => [l.product_type, l.quantity, l.discount, l.amount, l.service_end])).toEqual([
    ['subscription', 10, 10, 1_080_000, '2027-06-30'],
    ['service', 3, 0, 750_000, null],
  ]);
});
