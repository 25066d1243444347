import { test, expect, ADMIN, REP, signIn, screenshot } from '../support/fixtures';
import { apiSession, uniq, type Api } from '../support/api';
import { zhMoney } from '../support/money';

/** Today in Shanghai (the demo tenant's zone), YYYY-MM-DD. */
const today = (): string =>
  new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());

/** YYYY-MM plus n months. */
function shiftMonth(m: string, n: number): string {
  const i = Number(m.slice(0, 4)) * 12 + Number(m.slice(5, 7)) - 1 + n;
  return `${Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`;
}
/** YYYY-MM-DD plus n days. */
function addDays(ymd: string, n: number): string {
  const d = new Date(`${ymd}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}
/** The same day a year earlier: a term from it to the day before `ymd` is exactly twelve months. */
function yearBefore(ymd: string): string {
  const d = new Date(`${ymd}T00:00:00Z`);
  d.setUTCFullYear(d.getUTCFullYear() - 1); // 29 Feb becomes 1 Mar
  return d.toISOString().slice(0, 10);
}
const monthEnd = (m: string): string =>
  `${m}-${new Date(Date.UTC(Number(m.slice(0, 4)), Number(m.slice(5, 7)), 0)).getUTCDate()}`;

interface AccountSubscriptions {
  lines: { product_name: string; order_number: string; arr: number | null }[];
  due: { due_date: string; status: string }[];
}

/** A confirmed order with one subscription line; the ledger is booked from its event afterwards. */
async function subscriptionOrder(
  api: Api,
  accountId: string,
  productId: string,
  start: string,
  end: string,
  amount: number,
) {
  return (
    await api.post('/api/v1/orders', {
      account_id: accountId,
      type: 'new',
      status: 'confirmed',
      order_date: start,
      lines: [
        {
          product_id: productId,
          quantity: 1,
          unit_price: amount,
          amount,
          service_start: start,
          service_end: end,
        },
      ],
    })
  ).data as { id: string; number: string };
}

/**
 * The server books the ARR ledger from the order event (outbox): wait until the line is there.
 * Right after start the dispatcher is still working through the demo data's ≈ 5,000 events in
 * order (more than 30 s when this spec runs first; the line itself books within a second).
 */
async function waitForLedger(api: Api, accountId: string): Promise<AccountSubscriptions> {
  let last: AccountSubscriptions = { lines: [], due: [] };
  await expect
    .poll(
      async () => {
        last = (await api.get(`/api/v1/accounts/${accountId}/subscriptions`)).data as AccountSubscriptions;
        return last.lines.length;
      },
      { timeout: 180_000, intervals: [1_000, 2_000, 5_000] },
    )
    .toBe(1);
  return last;
}

test('ARR from a confirmed subscription order: dashboard KPI, drill-down to the customer, the account panel, the due-renewals list', async ({
  page,
  request,
}) => {
  // the ledger may wait for the demo's event backlog; a cold browser loads the lazy chunks slowly
  test.setTimeout(360_000);
  const api = await apiSession(request);
  const u = uniq();
  const thisMonth = today().slice(0, 7);
  const product = (
    await api.post('/api/v1/objects/product', {
      sku: `ARR-${u}`,
      name: `年度订阅${u}`,
      type: 'subscription',
      unit: 'seat',
      list_price: { amount: 100_000, currency: 'CNY' },
    })
  ).data as { id: string };
  // a twelve-month term that began five months ago: ¥600万 of ARR, large enough to lead its month
  const name = `订阅测试${u}有限公司`;
  const account = (await api.post('/api/v1/objects/account', { name })).data as { id: string };
  const startMonth = shiftMonth(thisMonth, -5);
  const order = await subscriptionOrder(
    api,
    account.id,
    product.id,
    `${startMonth}-01`,
    monthEnd(shiftMonth(thisMonth, 6)),
    600_000_000,
  );
  // a second customer whose term ends within a month: it is due for renewal now
  const dueName = `应续测试${u}有限公司`;
  const dueAccount = (await api.post('/api/v1/objects/account', { name: dueName })).data as { id: string };
  const due = addDays(today(), 15);
  await subscriptionOrder(api, dueAccount.id, product.id, yearBefore(due), addDays(due, -1), 1_200_000);

  const booked = await waitForLedger(api, account.id);
  expect(booked.lines[0]).toMatchObject({ order_number: order.number, arr: 600_000_000 });
  await waitForLedger(api, dueAccount.id);
  const arr = (await api.get('/api/v1/metrics/arr')).data as { arr: number; customers: number };

  // the dashboard's headline ARR is the API's, in the web's money format
  await signIn(page, ADMIN);
  await page.goto('/subscriptions/arr');
  await expect(page.getByTestId('kpi-arr')).toContainText(zhMoney(arr.arr), { timeout: 30_000 });
  await expect(page.getByTestId('kpi-customers')).toContainText(String(arr.customers));
  await expect(page.getByTestId('arr-waterfall').locator('canvas')).toBeVisible();
  await expect(page.getByTestId('cohort-heatmap')).toBeVisible();
  await screenshot(page, 'subscriptions-arr-dashboard');

  // the renewal rate by group: the API's groups, largest due ARR first; the grouping is in the URL
  const groups = page.getByTestId('renewal-groups');
  const showGroups = async (groupBy: string, option: string): Promise<void> => {
    const report = (await api.get(`/api/v1/metrics/renewals?group_by=${groupBy}`)).data as {
      groups: { label: string | null; due_arr: number }[];
    };
    await page.getByTestId('renewal-group-by').click();
    await page.locator('.ant-select-item-option').filter({ hasText: option }).click();
    await expect(page).toHaveURL(new RegExp(`group=${groupBy}`));
    await expect(groups.locator('.ant-table-row')).toHaveCount(Math.min(report.groups.length, 20), {
      timeout: 30_000,
    });
    const top = report.groups[0];
    if (top) {
      const first = groups.locator('.ant-table-row').first();
      await expect(first).toContainText(top.label ?? '未设置');
      await expect(first).toContainText(zhMoney(top.due_arr));
    }
  };
  await showGroups('owner', '负责人');
  await screenshot(page, 'subscriptions-renewal-groups');
  // the partner segment: customers served by each channel partner, the rest under "not set"
  await showGroups('partner', '服务伙伴');

  // drill-down: the month's new ARR names our customer; the URL keeps the open drawer
  await page.getByTestId(`move-${startMonth}-new`).click();
  await expect(page).toHaveURL(new RegExp(`month=${startMonth}&kind=new`));
  const drill = page.getByTestId('drill-table');
  const link = drill.getByRole('link', { name });
  await expect(link).toBeVisible();
  await screenshot(page, 'subscriptions-arr-drilldown');
  await page.reload();
  await expect(page.getByTestId('drill-table').getByRole('link', { name })).toBeVisible({ timeout: 30_000 });

  // the account page's subscription panel shows the line, its order and the ARR
  await page.getByTestId('drill-table').getByRole('link', { name }).click();
  await expect(page).toHaveURL(new RegExp(`/o/account/${account.id}`));
  const panel = page.getByTestId('account-subscriptions');
  await expect(panel.getByTestId('subscription-lines')).toContainText(`年度订阅${u}`, { timeout: 30_000 });
  await expect(panel.getByRole('link', { name: order.number })).toBeVisible();
  await expect(panel.getByTestId('account-arr')).toContainText(zhMoney(600_000_000));
  await expect(panel.getByTestId('subscription-due')).toContainText('待续');
  await panel.scrollIntoViewIfNeeded();
  await screenshot(page, 'subscriptions-account-panel');

  // the due-renewals list: the second customer is due within a month; an adjustment needs a note
  // when the reason is "other", and is applied at once for an admin without an approval process
  await page.goto('/subscriptions/renewals?bucket=due_1m');
  const row = page.getByTestId('due-table').locator('tr', { hasText: dueName });
  await expect(row).toBeVisible({ timeout: 30_000 });
  await expect(row).toContainText(zhMoney(1_200_000));
  await screenshot(page, 'subscriptions-due-renewals');
  // "new renewal opportunity" opens the generic form with the account, the type and the end date
  await row.getByRole('button', { name: '新建续费商机' }).click();
  await expect(page).toHaveURL(/\/o\/opportunity\/new\?/);
  await expect(page.locator('.ant-form-item', { hasText: '商机类型' })).toContainText('续费', {
    timeout: 30_000,
  });
  await expect(page.getByLabel('订阅到期日')).toHaveValue(due);
  await expect(page.locator('.ant-form-item', { hasText: '客户' }).first()).toContainText(dueName);
  await page.goBack();
  await expect(row).toBeVisible({ timeout: 30_000 });
  await row.getByRole('button', { name: '申请调整' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('调整原因').click();
  await page.locator('.ant-select-item-option').filter({ hasText: '其他' }).click();
  await dialog.getByRole('button', { name: '提交审批' }).click();
  await expect(dialog).toContainText('原因为“其他”时请填写说明');
  await dialog.getByLabel('说明').fill('客户被集团收购，合同迁移到集团名下');
  await dialog.getByRole('button', { name: '提交审批' }).click();
  await expect(page.getByText(/调整已生效|已提交调整申请/)).toBeVisible();
  await expect(page.getByTestId('due-table').locator('tr', { hasText: dueName })).toHaveCount(0);
  // the "all" tab lists every due renewal the API does, this one still among them
  const all = (await api.get('/api/v1/renewals/due?bucket=all')).data as {
    rows: { account_name: string }[];
  };
  expect(all.rows.map((r) => r.account_name)).toContain(dueName);
  await page.getByRole('tab', { name: '全部' }).click();
  await expect(page).toHaveURL(/bucket=all/);
  await expect(page.getByTestId('due-total')).toContainText(`共 ${all.rows.length} 条`, { timeout: 30_000 });
});

test('a rep reads ARR for their own customers but cannot reach or change the subscription settings', async ({
  page,
}) => {
  await signIn(page, REP);
  await page.goto('/subscriptions/arr');
  await expect(page.getByTestId('kpi-arr')).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('side-nav').getByText('设置')).toHaveCount(0);
  await page.goto('/settings/subscriptions');
  await expect(page.getByText('找不到该页面或记录')).toBeVisible();
  await expect(page.getByTestId('subscription-settings')).toHaveCount(0);
  // the API refuses the writes too (with a valid CSRF token, so it is the role that refuses)
  const csrf = (await page.context().cookies()).find((c) => c.name === 'fw_csrf')?.value ?? '';
  const headers = { 'X-CSRF-Token': decodeURIComponent(csrf) };
  const settings = await page.request.put('/api/v1/subscriptions/settings', {
    data: { renewalGraceDays: 30, renewalOpportunityDays: 90 },
    headers,
  });
  expect(settings.status()).toBe(403);
  const rate = await page.request.put('/api/v1/subscriptions/exchange-rates', {
    data: { currency: 'EUR', effective_date: '2025-01-01', rate: '7.8' },
    headers,
  });
  expect(rate.status()).toBe(403);
});
