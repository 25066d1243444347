import type { APIRequestContext } from '@playwright/test';
import { test, expect, signIn, screenshot } from '../support/fixtures';
import { apiSession, newDepartment, newUser, uniq } from '../support/api';

/** Today in the tenant's zone (the demo tenant: Asia/Shanghai). */
function todayShanghai(): string {
  const p = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone: 'Asia/Shanghai',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    })
      .formatToParts(new Date())
      .map((x) => [x.type, x.value]),
  );
  return `${p.year}-${p.month}-${p.day}`;
}

/**
 * A department of its own with a rep and a manager (so other specs' deals never mix in), and two
 * of the rep's deals closing today: 100,000 yuan marked commit, 50,000 yuan in discovery (pipeline).
 */
async function salesTeam(request: APIRequestContext) {
  const admin = await apiSession(request);
  const u = uniq();
  const dept = await newDepartment(admin, `预测测试部${u}`);
  const rep = await newUser(admin, {
    email: `fc-rep${u}@flywheel.local`,
    name: `预测代表${u}`,
    role: 'sales_rep',
    department_id: dept.id,
  });
  const manager = await newUser(admin, {
    email: `fc-mgr${u}@flywheel.local`,
    name: `预测经理${u}`,
    role: 'sales_manager',
    department_id: dept.id,
  });
  const repApi = await apiSession(request, rep);
  const account = (await repApi.post('/api/v1/objects/account', { name: `预测测试${u}有限公司` })).data as {
    id: string;
  };
  const today = todayShanghai();
  await repApi.post('/api/v1/objects/opportunity', {
    name: `承诺商机${u}`,
    account_id: account.id,
    amount: { amount: 10_000_000, currency: 'CNY' },
    close_date: today,
    forecast_category: 'commit',
  });
  await repApi.post('/api/v1/objects/opportunity', {
    name: `管道商机${u}`,
    account_id: account.id,
    amount: { amount: 5_000_000, currency: 'CNY' },
    close_date: today,
  });
  return { rep, repId: rep.id, manager, today };
}

test('a rep sees the month forecast of their deals and submits a forecast with a note', async ({
  page,
  request,
}) => {
  const { rep } = await salesTeam(request);
  await signIn(page, rep);
  await page.goto('/sales/forecast');
  await expect(page.getByRole('heading', { name: '销售预测' })).toBeVisible();
  // cumulative: closed 0; commit = 10万; best case = commit; pipeline = every open deal
  await expect(page.getByTestId('kpi-closed')).toContainText('¥0.00');
  await expect(page.getByTestId('kpi-commit')).toContainText('¥10万');
  await expect(page.getByTestId('kpi-best_case')).toContainText('¥10万');
  await expect(page.getByTestId('kpi-pipeline')).toContainText('¥15万');
  await expect(page.getByTestId('kpi-pipeline')).toContainText('2 个商机');
  await expect(page.getByTestId('forecast-by-rep')).toContainText(rep.name);
  await expect(page.getByTestId('chart-forecast-reps')).toBeVisible();
  await expect(page.getByTestId('accuracy-explain')).toContainText('本期尚未结束');

  await page.getByTestId('forecast-submit').click();
  const dialog = page.getByRole('dialog');
  await expect(dialog).toBeInViewport();
  const commit = dialog.getByLabel('承诺（CNY）');
  await expect(commit).toHaveValue('100000.00');
  await commit.fill('90000');
  await dialog.getByLabel('备注').fill('关键客户预计下周签约');
  await dialog.getByRole('button', { name: '确定' }).click();
  await expect(page.getByText('预测已提交')).toBeVisible();
  const history = page.getByTestId('forecast-history');
  const row = history.locator('tbody tr').filter({ hasText: '提交' });
  await expect(row).toHaveCount(1);
  await expect(row).toContainText(rep.name);
  await expect(row).toContainText('¥9万');
  await expect(page.getByTestId('chart-accuracy')).toBeVisible();
  await screenshot(page, 'forecast-rep');
});

test('a manager sets a monthly target for a rep and sees attainment with pipeline coverage', async ({
  page,
  request,
}) => {
  const { rep, repId, manager, today } = await salesTeam(request);
  const month = `${today.slice(0, 7)}-01`;
  await signIn(page, manager);
  await page.goto(`/sales/targets?year=${today.slice(0, 4)}&period=month`);
  await expect(page.getByRole('heading', { name: '销售目标' })).toBeVisible();
  await expect(page.getByTestId('attainment-empty')).toBeVisible();
  await page.getByTestId(`target-user-${repId}-${month}-amount`).fill('200000');
  await page.getByTestId(`target-user-${repId}-${month}-customers`).fill('2');
  await page.getByTestId('targets-save').click();
  await expect(page.getByText('已保存 1 项目标')).toBeVisible();
  const row = page.getByTestId('attainment-table').locator('tbody tr').filter({ hasText: rep.name });
  await expect(row).toContainText('¥0.00 / ¥20万');
  await expect(row).toContainText('0 / 2');
  // open pipeline 15万 ÷ 20万 still to win = 0.75 → red, under 1×
  await expect(row.getByTestId('coverage')).toHaveText('0.8×');
  await expect(row.getByTestId('coverage')).toHaveClass(/ant-tag-red/);
  await screenshot(page, 'targets-manager');

  // the manager's forecast shows the rep's row with an adjust action
  await page.goto('/sales/forecast');
  const repRow = page.getByTestId('forecast-by-rep').locator('tbody tr').filter({ hasText: rep.name });
  await expect(repRow).toContainText('¥15万');
  await expect(repRow.getByRole('button', { name: `调整 ${rep.name}` })).toBeVisible();

  // the rep sees the target read-only
  await signIn(page, rep);
  await page.goto(`/sales/targets?year=${today.slice(0, 4)}&period=month`);
  await expect(page.getByText('目标由销售经理设置')).toBeVisible();
  await expect(page.getByTestId('targets-save')).toHaveCount(0);
  await expect(page.getByTestId('attainment-table')).toContainText('¥20万');
});
