import { test, expect, ADMIN, signIn, screenshot } from '../support/fixtures';
import { apiSession, uniq } from '../support/api';

/** The web's zh-CN money format (web/src/format/money.ts): ¥ and 万 from ten thousand yuan. */
function zhMoney(fen: number): string {
  const yuan = fen / 100;
  const sign = yuan < 0 ? '-' : '';
  const abs = Math.abs(yuan);
  if (abs >= 100_000_000)
    return `${sign}¥${new Intl.NumberFormat('zh-CN', { maximumFractionDigits: 2 }).format(abs / 100_000_000)}亿`;
  if (abs >= 10_000)
    return `${sign}¥${new Intl.NumberFormat('zh-CN', { maximumFractionDigits: 2 }).format(abs / 10_000)}万`;
  return `${sign}¥${new Intl.NumberFormat('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(abs)}`;
}

/** YYYY-MM-DD in Shanghai (the demo tenant's zone), `days` from today. */
function day(days: number): string {
  const d = new Date(Date.now() + days * 86_400_000);
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(d);
}

test('a payment quoting the order number pays the first instalment of its plan; AR aging charts what is left', async ({
  page,
  request,
}) => {
  // a shared machine under load loads the lazy order/aging chunks slowly
  test.slow();
  const api = await apiSession(request);
  const u = uniq();
  const accountName = `回款测试${u}有限公司`;
  const account = (await api.post('/api/v1/objects/account', { name: accountName })).data as { id: string };
  const product = (
    await api.post('/api/v1/objects/product', {
      sku: `LIC-${u}`,
      name: `永久许可${u}`,
      type: 'one_time',
      list_price: { amount: 1_000_000, currency: 'CNY' },
    })
  ).data as { id: string };
  const order = (
    await api.post('/api/v1/orders', {
      account_id: account.id,
      status: 'confirmed',
      lines: [{ product_id: product.id, quantity: 1, unit_price: 1_000_000, amount: 1_000_000 }],
    })
  ).data as { id: string; number: string };
  const plan = (
    await api.post('/api/v1/payment-plans', {
      order_id: order.id,
      instalments: [
        { due_date: day(-10), amount: 400_000, note: '首付款' },
        { due_date: day(20), amount: 600_000, note: '验收款' },
      ],
    })
  ).data as { number: string; instalments: { number: string }[] };

  await signIn(page, ADMIN);
  // before any payment: the first instalment is overdue (red), the second planned
  await page.goto(`/cash/orders/${order.id}`);
  await expect(page.getByTestId('record-title')).toHaveText(order.number, { timeout: 30_000 });
  const timeline = page.getByTestId('plan-timeline');
  await expect(timeline).toBeVisible({ timeout: 30_000 });
  await expect(timeline.getByTestId('instalment-1-status')).toHaveText('已逾期');
  await expect(timeline.getByTestId('instalment-2-status')).toHaveText('待回款');

  // record the payment on the payments desk, quoting the order number
  await page.goto('/cash/payments');
  await page.getByRole('button', { name: '登记回款' }).click({ timeout: 30_000 });
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('客户').fill(accountName);
  await page.locator('.ant-select-item-option').filter({ hasText: accountName }).click();
  await dialog.getByLabel('回款金额（元）').fill('4000');
  await dialog.getByLabel('付款方', { exact: true }).fill(accountName);
  await dialog.getByLabel('银行摘要/流水号').fill(`货款 ${order.number}`);
  await dialog.getByRole('button', { name: '保存' }).click();
  const result = page.getByTestId('payment-match-result');
  await expect(result).toContainText(`按银行摘要中的单号匹配（${order.number}）`);
  await expect(result).toContainText(`${plan.instalments[0]?.number}：${zhMoney(400_000)}`);
  await expect(page.getByTestId('payment-credit-left')).toHaveText('没有剩余金额');
  await screenshot(page, 'cash-payment-recorded');
  await page.locator('.ant-modal-footer').getByRole('button', { name: '关闭' }).click();
  await expect(page.getByTestId('payments-table')).toContainText(accountName);

  // the order's plan shows the first instalment paid
  await page.goto(`/cash/orders/${order.id}`);
  await expect(timeline.getByTestId('instalment-1-status')).toHaveText('已回款', { timeout: 30_000 });
  await expect(timeline.getByTestId('instalment-2-status')).toHaveText('待回款');
  await expect(timeline).toContainText(`已回 ${zhMoney(400_000)} / ${zhMoney(400_000)}`);
  await screenshot(page, 'cash-plan-timeline');

  // AR aging: the chart renders and the table total is the server's total for the day
  const today = day(0);
  const aging = (await api.get(`/api/v1/receivables/aging?as_of=${today}`)).data as {
    totals: { currency: string; total: number }[];
    rows: { group_id: string; total: number }[];
  };
  expect(aging.rows.find((r) => r.group_id === account.id)?.total).toBe(600_000);
  const cny = aging.totals.find((t) => t.currency === 'CNY')?.total ?? 0;
  await page.goto('/cash/aging');
  await expect(page.getByTestId('aging-chart').locator('canvas')).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('aging-total')).toHaveText(zhMoney(cny));
  await screenshot(page, 'cash-ar-aging');
});
