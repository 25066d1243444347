import { test, expect, signIn, screenshot } from '../support/fixtures';
import { apiSession, newUser, shanghaiDay, uniq } from '../support/api';

test('a rep sees the credit a payment earned on their order, their statement, and why the team page is not theirs', async ({
  page,
  request,
}) => {
  test.slow();
  const api = await apiSession(request);
  const u = uniq();
  const rep = await newUser(api, {
    email: `perf${u}@flywheel.local`,
    name: `业绩专员${u}`,
    role: 'sales_rep',
  });
  const account = (await api.post('/api/v1/objects/account', { name: `业绩测试${u}有限公司` })).data as {
    id: string;
  };
  const product = (
    await api.post('/api/v1/objects/product', {
      sku: `PERF-${u}`,
      name: `年度许可${u}`,
      type: 'one_time',
      list_price: { amount: 800_000, currency: 'CNY' },
    })
  ).data as { id: string };
  // the rep owns the order, so they hold its whole credit (no splits stored)
  const order = (
    await api.post('/api/v1/orders', {
      account_id: account.id,
      owner_id: rep.id,
      status: 'confirmed',
      lines: [{ product_id: product.id, quantity: 1, unit_price: 800_000, amount: 800_000 }],
    })
  ).data as { id: string; number: string };
  await api.post('/api/v1/payment-plans', {
    order_id: order.id,
    instalments: [{ due_date: shanghaiDay(10), amount: 800_000 }],
  });

  await signIn(page, rep);
  // before any money came in, the month has no credit
  await page.goto('/performance/me');
  const me = page.getByTestId('my-performance-page');
  await expect(me).toContainText('本月还没有业绩记录', { timeout: 30_000 });

  // the demo tenant earns credit on payments (creditSource payment): ¥8,000 paid on the order
  await api.post('/api/v1/payments', { account_id: account.id, amount: 800_000, order_id: order.id });
  await expect
    .poll(
      async () =>
        ((await (await page.request.get('/api/v1/performance/me')).json()).data as { revenue_credit: number })
          .revenue_credit,
      { timeout: 30_000 },
    )
    .toBe(800_000);
  await page.reload();
  await expect(me.locator('.ant-statistic').filter({ hasText: '业绩' }).first()).toContainText('¥8,000.00', {
    timeout: 30_000,
  });
  const ledger = me.locator('.ant-card').filter({ hasText: '业绩明细' });
  await expect(ledger).toContainText(order.number);
  await expect(ledger).toContainText('回款');
  // roles and commission methods in the UI language, not as stored ("sales", "base")
  await expect(ledger).toContainText('销售');
  const commission = me.locator('.ant-card').filter({ hasText: '提成计算' });
  await expect(commission).toContainText('销售');
  await expect(commission).toContainText(/基础比例|阶梯比例/);
  for (const raw of [ledger, commission]) await expect(raw).not.toContainText(/\b(sales|base|tiers)\b/);
  await screenshot(page, 'performance-me');

  // the month's statement (a draft, recomputed as credit comes in) lists the same credit
  await page.goto('/performance/statements');
  const statements = page.getByTestId('statements-page');
  const row = statements.locator('.ant-table-row').filter({ hasText: `业绩专员${u}` });
  await expect(row).toContainText('¥8,000.00', { timeout: 30_000 });
  await expect(row).toContainText('草稿');
  // nobody approves their own statement: no action on it
  await expect(row.getByRole('button')).toHaveCount(0);

  // a rep manages nobody: the team page says who it is for instead of failing
  await page.goto('/performance/team');
  await expect(page.getByTestId('team-performance-page')).toContainText('团队业绩仅对主管和管理员开放。', {
    timeout: 30_000,
  });
  await expect(page.locator('.ant-alert-error')).toHaveCount(0);
  await screenshot(page, 'performance-team-forbidden');
});
