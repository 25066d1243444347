import fs from 'node:fs';
import { test, expect, ADMIN, signIn, screenshot } from '../support/fixtures';
import { apiSession, uniq } from '../support/api';

test('a quote built on an opportunity: lines from the catalog, line and header discounts, saved with its totals, approved, sent (its PDF among the attachments), a new version, the PDF downloaded', async ({
  page,
  request,
}) => {
  // a cold browser on a busy machine loads the lazy quote chunk slowly
  test.slow();
  const api = await apiSession(request);
  const u = uniq();
  const account = (await api.post('/api/v1/objects/account', { name: `报价测试${u}有限公司` })).data as {
    id: string;
  };
  const opp = (
    await api.post('/api/v1/objects/opportunity', { name: `报价商机${u}`, account_id: account.id })
  ).data as { id: string };
  await api.post('/api/v1/objects/product', {
    sku: `LIC-${u}`,
    name: `标准版许可${u}`,
    type: 'one_time',
    tax_rate: 6,
    list_price: { amount: 100_000, currency: 'CNY' },
  });
  await api.post('/api/v1/objects/product', {
    sku: `SVC-${u}`,
    name: `培训服务${u}`,
    type: 'service',
    tax_rate: 6,
    list_price: { amount: 50_000, currency: 'CNY' },
  });

  await signIn(page, ADMIN);
  await page.goto(`/cash/quotes/new?opportunity_id=${opp.id}`);
  await expect(page.getByTestId('quote-page')).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('quote-totals')).toContainText('添加产品后，这里显示实时试算的合计');

  // two lines from the catalog: 2 licences at 10 % off, 3 training days
  const pick = async (n: number, sku: string) => {
    await page.getByTestId('quote-product').nth(n).click();
    await page.keyboard.type(sku);
    await page.locator('.ant-select-item-option').filter({ hasText: sku }).click();
  };
  await pick(0, `LIC-${u}`);
  await page.getByLabel('数量', { exact: true }).nth(0).fill('2');
  await page.getByLabel('折扣 %', { exact: true }).nth(0).fill('10');
  await page.getByRole('button', { name: '添加产品' }).click();
  await pick(1, `SVC-${u}`);
  await page.getByLabel('数量', { exact: true }).nth(1).fill('3');
  // 5 % off the whole quote: subtotal 1,800 + 1,500 = 3,300 → net 3,135; 6 % tax → 3,323.10
  await page.getByLabel('整单折扣 %').fill('5');
  const totals = page.getByTestId('quote-totals');
  await expect(totals).toContainText('折后小计¥3,300.00', { timeout: 20_000 });
  await expect(totals).toContainText('不含税金额¥3,135.00');
  await expect(totals).toContainText('含税总额¥3,323.10');

  await page.getByTestId('quote-save').click();
  await expect(page).toHaveURL(/\/cash\/quotes\/[0-9a-f-]{36}$/, { timeout: 20_000 });
  const v1 = page.url().split('/').pop() ?? '';
  const saved = (await api.get(`/api/v1/quotes/${v1}`)).data as {
    number: string;
    net_total: { amount: number };
    grand_total: { amount: number };
  };
  expect([saved.net_total.amount, saved.grand_total.amount]).toEqual([313_500, 332_310]);
  await expect(page.getByRole('heading', { name: `报价单 ${saved.number}` })).toBeVisible();
  await expect(page.getByText('草稿', { exact: true })).toBeVisible();
  await expect(totals).toContainText('含税总额¥3,323.10');
  // the breadcrumb names the opportunity and leads back to it
  await expect(
    page.locator('.ant-breadcrumb').getByRole('link', { name: `报价商机${u}`, exact: true }),
  ).toHaveAttribute('href', `/o/opportunity/${opp.id}`);
  // a draft may go to the approvals engine from the record's approvals panel too
  const approvals = page.getByTestId('record-approvals');
  await expect(approvals.getByTestId('approval-submit')).toBeVisible();

  // the admin's own quote needs no approval: submitting approves it; sending keeps its PDF
  await page.getByTestId('quote-submit').click();
  await expect(page.getByText('无需审批，报价单已直接批准')).toBeVisible();
  await expect(page.getByTestId('quote-send')).toBeVisible();
  await page.getByTestId('quote-send').click();
  await expect(page.getByText('已发送', { exact: true })).toBeVisible();
  // a sent quote is past approval: the panel no longer offers to submit it
  await expect(approvals.getByTestId('approval-submit')).toHaveCount(0);
  const files = page.getByTestId('record-attachments');
  await expect(files.getByTestId('attachment-row')).toHaveCount(1, { timeout: 20_000 });
  await expect(files).toContainText(`${saved.number}-v1.pdf`);
  await screenshot(page, 'cash-quote-sent');

  // negotiating goes on in version 2, a draft with the same lines; version 1 is superseded
  await page.getByTestId('quote-new-version').click();
  await expect(page.getByText('已创建第 2 版（草稿）')).toBeVisible();
  await expect(page).not.toHaveURL(new RegExp(v1));
  await expect(page.getByText('第 2 版', { exact: true }).first()).toBeVisible();
  await expect(approvals.getByTestId('approval-submit')).toBeVisible();
  const versions = page.locator('.ant-card').filter({ hasText: '版本历史' });
  await expect(versions).toContainText('已被取代');
  await expect(totals).toContainText('含税总额¥3,323.10');

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('quote-pdf').click(),
  ]);
  expect(download.suggestedFilename()).toBe(`${saved.number}-v2.pdf`);
  const file = await download.path();
  expect(fs.readFileSync(file).subarray(0, 5).toString()).toBe('%PDF-');
  await screenshot(page, 'cash-quote-v2');
});
