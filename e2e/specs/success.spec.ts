import { test, expect, ADMIN, signIn, screenshot } from '../support/fixtures';
import { apiSession, shanghaiDay, uniq, type Api } from '../support/api';

/** YYYY-MM-DD plus n days. */
function addDays(ymd: string, n: number): string {
  const d = new Date(`${ymd}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}
/** The Monday of the week a day falls in (weeks run Monday–Sunday). */
function mondayOf(ymd: string): string {
  const back = (new Date(`${ymd}T00:00:00Z`).getUTCDay() + 6) % 7;
  return addDays(ymd, -back);
}

interface Day {
  activated: number;
  logins: number;
  bi: number;
  modules: Record<string, number>;
}
/** Full use: 10 of 10 seats active and logged in, half on BI, 20 module points a day → every dimension 100. */
const FULL: Day = {
  activated: 10,
  logins: 10,
  bi: 5,
  modules: { contract: 5, order: 5, payment: 5, invoice: 5 },
};
/**
 * Hardly any use: nothing created (module 0, instance ratio band 10), all seats activated (100),
 * nobody logged in (0) or on BI (0): a week total of 0.2 × 10 + 0.1 × 100 = 12.
 */
const IDLE: Day = { activated: 10, logins: 0, bi: 0, modules: {} };

/** One telemetry row per day from `from` for `days` days. */
function rows(accountId: string, from: string, days: number, day: (date: string) => Day) {
  return Array.from({ length: days }, (_, i) => {
    const date = addDays(from, i);
    const d = day(date);
    return {
      account_id: accountId,
      date,
      purchased_seats: 10,
      activated_seats: d.activated,
      logged_in_users_7d: d.logins,
      bi_users_7d: d.bi,
      module_records: d.modules,
    };
  });
}

async function runWeekly(api: Api, asOf: string) {
  const run = (await api.post('/api/v1/admin/jobs/success.weekly/run', { as_of: asOf })).data as {
    status: string;
    error: string | null;
  };
  expect(run.status, run.error ?? '').toBe('succeeded');
}

test('customer health: cockpit distribution and list, the account breakdown, resolving a work order needs the action, the weights must sum to 100', async ({
  page,
  request,
}) => {
  // two weekly runs over the whole demo tenant, then a cold browser loading the lazy chunks
  test.setTimeout(360_000);
  const api = await apiSession(request);
  const u = uniq();
  const today = shanghaiDay();
  const monday = mondayOf(today);
  const newAccount = async (name: string) =>
    (await api.post('/api/v1/objects/account', { name, csm_id: api.userId })).data as { id: string };
  // healthy all along; healthy, then idle in the last week (a drop of 22 points); idle all along
  const steady = { name: `健康度稳定${u}有限公司`, ...(await newAccount(`健康度稳定${u}有限公司`)) };
  const falling = { name: `健康度下滑${u}有限公司`, ...(await newAccount(`健康度下滑${u}有限公司`)) };
  const idle = { name: `健康度低迷${u}有限公司`, ...(await newAccount(`健康度低迷${u}有限公司`)) };
  // five complete weeks before this Monday: the run a week ago scores weeks 5–2, today's weeks 4–1
  const start = addDays(monday, -35);
  const lastWeek = addDays(monday, -7);
  const ingest = (await api.post('/api/v1/usage', {
    rows: [
      ...rows(steady.id, start, 35, () => FULL),
      ...rows(falling.id, start, 35, (d) => (d >= lastWeek ? IDLE : FULL)),
      ...rows(idle.id, start, 35, () => IDLE),
    ],
  })) as { data: { received: number } };
  expect(ingest.data.received).toBe(105);
  await runWeekly(api, lastWeek);
  await runWeekly(api, monday);

  // the API's view, checked by hand: 100 / (3 × 100 + 12) ÷ 4 = 78 / 12
  const health = (await api.get(`/api/v1/success/health?as_of=${today}`)) as {
    data: { account_id: string; score: number | null; status: string }[];
  };
  const scoreOf = (id: string) => health.data.find((r) => r.account_id === id);
  expect(scoreOf(steady.id)).toMatchObject({ score: 100, status: 'healthy' });
  expect(scoreOf(falling.id)).toMatchObject({ score: 78, status: 'healthy' });
  expect(scoreOf(idle.id)).toMatchObject({ score: 12, status: 'unhealthy' });

  // cockpit: KPIs, the distribution chart, the nine-grid, the list filtered by status
  await signIn(page, ADMIN);
  await page.goto('/success');
  await expect(page.getByTestId('kpi-health-rate')).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('health-distribution').locator('canvas')).toBeVisible();
  await expect(page.getByTestId('nine-grid')).toBeVisible({ timeout: 30_000 });
  await screenshot(page, 'success-cockpit');
  // the nine-grid holds the paying customers (ours have no ARR): open the API's fullest cell and
  // find its first customer in the drawer
  const grid = (await api.get(`/api/v1/success/nine-grid?as_of=${today}`)) as {
    data: { cells: { cell: number; count: number; customers: { account_name: string }[] }[] };
  };
  const fullest = [...grid.data.cells].sort((a, b) => b.count - a.count)[0];
  const gridName = fullest?.customers[0]?.account_name ?? '';
  expect(gridName).not.toBe('');
  await page.getByTestId(`grid-cell-${fullest?.cell}`).click();
  await expect(page).toHaveURL(new RegExp(`cell=${fullest?.cell}`));
  const drawer = page.getByTestId('grid-drawer');
  await drawer.getByTestId('grid-customers-filter').locator('input').fill(gridName);
  await expect(drawer.getByTestId('grid-customers').getByRole('link', { name: gridName })).toBeVisible();
  await expect(drawer.getByTestId('grid-strategy')).not.toBeEmpty();
  await screenshot(page, 'success-nine-grid-cell');
  await page.keyboard.press('Escape');
  await expect(page).not.toHaveURL(/cell=/);
  await page.getByRole('tab', { name: '客户列表' }).click();
  await expect(page).toHaveURL(/tab=customers/);
  const list = page.getByTestId('health-list');
  // the demo's paying customers come first (ARR, largest first): search for ours
  await page.getByTestId('health-search').locator('input').fill(u);
  await page.getByTestId('status-filter-unhealthy').click();
  await expect(page).toHaveURL(/status=unhealthy/);
  await expect(list.getByRole('link', { name: idle.name })).toBeVisible({ timeout: 30_000 });
  await expect(list.getByRole('link', { name: steady.name })).toHaveCount(0);
  await page.getByTestId('status-filter-healthy').click();
  const steadyRow = list.locator('tr', { hasText: steady.name });
  await expect(steadyRow).toContainText('100.0');
  await expect(steadyRow).toContainText('健康');
  await screenshot(page, 'success-customer-list');

  // the account page: score, status, and why — each dimension weight × 100
  await list.getByRole('link', { name: steady.name }).click();
  await expect(page).toHaveURL(new RegExp(`/o/account/${steady.id}`));
  const panel = page.getByTestId('account-health');
  await expect(panel.getByTestId('account-health-score')).toContainText('100.0', { timeout: 30_000 });
  await expect(panel.getByTestId('account-health-status')).toContainText('健康');
  const breakdown = panel.getByTestId('health-breakdown');
  await expect(breakdown.locator('.ant-table-row')).toHaveCount(5);
  await expect(breakdown.getByTestId('contribution-module_usage')).toHaveText('45.0');
  await expect(breakdown.getByTestId('contribution-bi_usage')).toHaveText('15.0');
  await expect(breakdown.getByTestId('contribution-total')).toHaveText('100.0');
  await expect(panel.getByTestId('account-usage').locator('canvas')).toBeVisible();
  await panel.scrollIntoViewIfNeeded();
  await screenshot(page, 'success-account-health');

  // the drop opened a warning work order for the CSM (here: the admin); resolving needs the action
  const orders = (await api.get(
    `/api/v1/objects/work_order?filter[account_id][eq]=${falling.id}&filter[alert_type][eq]=health_down`,
  )) as { data: { id: string; status: string; level: string }[] };
  const wo = orders.data[0];
  expect(wo).toMatchObject({ status: 'open', level: 'mid' });
  if (!wo) return;
  await page.goto('/success?tab=work');
  const queue = page.getByTestId('work-queue');
  await expect(queue.locator('tr', { hasText: falling.name }).first()).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('alerts')).toContainText(falling.name);
  await screenshot(page, 'success-work-queue');
  await page.getByTestId(`wo-resolve-${wo.id}`).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByRole('button', { name: '处理完成' }).click();
  await expect(dialog).toContainText('请填写处理措施');
  await dialog.getByLabel('处理措施').fill('电话回访客户管理员，安排下周线上培训');
  await dialog.getByRole('button', { name: '处理完成' }).click();
  await expect(page.getByText('工单已更新')).toBeVisible();
  await expect(page.getByTestId(`wo-resolve-${wo.id}`)).toHaveCount(0);
  const after = (await api.get(`/api/v1/objects/work_order/${wo.id}`)) as {
    data: { status: string; action_taken: string };
  };
  expect(after.data).toMatchObject({
    status: 'resolved',
    action_taken: '电话回访客户管理员，安排下周线上培训',
  });

  // settings: the weights' sum shows live and blocks saving until it is 100
  await page.goto('/settings/health-model');
  const form = page.getByTestId('health-model-form');
  await expect(form.getByTestId('weights-sum')).toHaveText('100%', { timeout: 30_000 });
  const version = await page.getByTestId('model-version').innerText();
  const weight = form.getByTestId('weight-module_usage');
  await weight.fill('40');
  await expect(form.getByTestId('weights-sum')).toHaveText('95%');
  await expect(form.getByTestId('weights-issue')).toContainText('必须等于 100%');
  await page.getByTestId('health-model-save').click();
  await expect(page.getByTestId('model-version')).toHaveText(version);
  await screenshot(page, 'success-model-weights');
  await weight.fill('45');
  await expect(form.getByTestId('weights-sum')).toHaveText('100%');
  await expect(form.getByTestId('weights-issue')).toHaveCount(0);
});
