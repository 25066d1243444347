import { test, expect, ADMIN, signIn, screenshot } from '../support/fixtures';

test('lead analytics: KPI cards and charts for the demo data; granularity lives in the URL', async ({
  page,
}) => {
  await signIn(page, ADMIN, 'zh-CN');
  await page.goto('/marketing/analytics');
  await expect(page.getByRole('heading', { name: '线索分析' })).toBeVisible();
  // the demo leads were captured today, so "this month" has them
  await expect(page.getByTestId('kpi-captured')).toContainText('新增线索');
  await expect(page.getByTestId('kpi-captured').locator('.ant-statistic-content')).not.toHaveText('0');
  for (const id of ['kpi-conversion', 'kpi-invalid', 'kpi-cpl'])
    await expect(page.getByTestId(id)).toBeVisible();
  await expect(page.getByTestId('chart-trend').locator('canvas')).toBeVisible();
  await expect(page.getByTestId('chart-funnel').locator('canvas')).toBeVisible();
  // the funnel by source / campaign / owner: a tab each
  const breakdown = page.getByTestId('funnel-breakdown');
  await expect(breakdown).toContainText('已确认（MQL/SQL）');
  await breakdown.getByTestId('funnel-breakdown-by').getByText('负责人').click();
  await expect(breakdown.locator('.ant-table-row').first()).toBeVisible();
  await expect(page.getByTestId('campaigns-table')).toContainText('¥');

  await page.getByTestId('analytics-granularity').getByText('按周').click();
  await expect(page).toHaveURL(/granularity=week/);
  await expect(page.getByTestId('chart-trend').locator('canvas')).toBeVisible();
  await page.getByTestId('analytics-preset').getByText('本季度').click();
  await expect(page).toHaveURL(/preset=this_quarter/);
  await expect(page).toHaveURL(/granularity=week/);
  await page.reload();
  await expect(page.getByTestId('analytics-granularity').locator('.ant-segmented-item-selected')).toHaveText(
    '按周',
  );
  await screenshot(page, 'marketing-analytics-zh-CN');

  // a period without leads says what to do instead of drawing empty charts
  await page.goto('/marketing/analytics?preset=custom&from=2020-01-01&to=2020-01-31');
  await expect(page.getByTestId('analytics-empty')).toContainText('该期间没有新增线索');
  await expect(page.getByTestId('kpi-captured').locator('.ant-statistic-content')).toHaveText('0');
});

test('lead settings: an admin adds an invalid reason and it persists after reload', async ({ page }) => {
  await signIn(page, ADMIN, 'zh-CN');
  await page.goto('/settings/leads');
  const reasons = page.getByTestId('invalid-reasons');
  await expect(reasons).toContainText('联系不上');
  // the server's limit (40 characters) comes back as invalidReasons.6 and lands on this input
  const tooLong = '很长的原因'.repeat(9);
  await reasons.locator('input').fill(tooLong);
  await reasons.locator('input').press('Enter');
  await page.getByTestId('lead-settings-save').click();
  await expect(page.getByTestId('lead-settings-error')).toContainText('invalidReasons.6');
  const reasonsItem = page.locator('.ant-form-item').filter({ has: reasons });
  await expect(reasonsItem.locator('.ant-form-item-explain-error')).toBeVisible();
  await reasons
    .locator('.ant-select-selection-item')
    .filter({ hasText: tooLong })
    .locator('.anticon-close')
    .click();
  await expect(reasons).not.toContainText(tooLong);
  await reasons.locator('input').fill('预算不足');
  await reasons.locator('input').press('Enter');
  await expect(reasons).toContainText('预算不足');
  await page.getByTestId('lead-settings-save').click();
  await expect(page.getByText('已保存', { exact: true })).toBeVisible();
  await page.reload();
  await expect(page.getByTestId('invalid-reasons')).toContainText('预算不足');
  const saved = await (await page.request.get('/api/v1/leads/settings')).json();
  expect(saved.data.invalidReasons).toContain('预算不足');
  await screenshot(page, 'marketing-lead-settings-zh-CN');
});

test('web forms: an admin creates a form, its snippet carries the key, and the public endpoint accepts it', async ({
  page,
  baseURL,
}) => {
  await signIn(page, ADMIN, 'zh-CN');
  await page.goto('/settings/lead-forms');
  await page.getByTestId('lead-form-create').click();
  await page.getByLabel('表单名称').fill('E2E 活动报名表');
  await page.getByLabel('表单名称').press('Enter');
  const snippet = page.getByTestId('form-snippet');
  await expect(snippet).toBeVisible();
  const forms = (await (await page.request.get('/api/v1/leads/forms')).json()).data as {
    name: string;
    form_key: string;
  }[];
  const key = forms.find((f) => f.name === 'E2E 活动报名表')?.form_key ?? '';
  expect(key).not.toBe('');
  await expect(snippet).toContainText(`${baseURL}/api/v1/public/forms/${key}`);
  await expect(snippet).toContainText('name="_hp"');
  await screenshot(page, 'marketing-form-snippet-zh-CN');
  await page.locator('.ant-modal-footer').getByRole('button', { name: '关闭' }).click();
  await expect(page.getByTestId('lead-forms')).toContainText('E2E 活动报名表');

  const res = await page.request.post(`/api/v1/public/forms/${key}`, {
    data: { name: 'E2E 访客', mobile: '13911112222', company: '杭州测试科技有限公司', _hp: '' },
  });
  expect(res.status(), await res.text()).toBe(200);
  expect((await res.json()).data.ok).toBe(true);
});

test('campaign page shows the stats panel and adds a lead as a member', async ({ page }) => {
  await signIn(page, ADMIN, 'zh-CN');
  const list = (await (await page.request.get('/api/v1/objects/campaign?limit=1&sort=name')).json()).data as {
    id: string;
  }[];
  const id = list[0]?.id ?? '';
  await page.goto(`/o/campaign/${id}`);
  const panel = page.getByTestId('campaign-panel');
  await expect(panel).toContainText('活动效果');
  await expect(panel.getByTestId('campaign-members')).toContainText('已邀请');
  // with the sales module present the ROI is a figure (won amount ÷ cost), 0 % until a deal is won
  await expect(panel.getByTestId('campaign-roi')).toContainText('ROI');
  await expect(panel.getByTestId('campaign-roi')).toContainText('赢单金额');
  const before = (await (await page.request.get(`/api/v1/leads/campaigns/${id}/stats`)).json()).data.members
    .total as number;

  await panel.getByTestId('campaign-add-members').click();
  const dialog = page.getByRole('dialog');
  await dialog.getByRole('combobox').first().click();
  await page.locator('.ant-select-dropdown:visible .ant-select-item-option').first().click();
  // a multiple select keeps its list open; clicking the title closes it
  await dialog.locator('.ant-modal-title').click();
  await expect(page.locator('.ant-select-dropdown:visible')).toHaveCount(0);
  await dialog.getByRole('button', { name: '添加' }).click();
  await expect(page.getByText('已添加 1 名成员')).toBeVisible();
  const after = (await (await page.request.get(`/api/v1/leads/campaigns/${id}/stats`)).json()).data.members
    .total as number;
  expect(after).toBe(before + 1);
  await screenshot(page, 'marketing-campaign-panel-zh-CN');
});

test('lead qualification: MQL then SQL from the lead panel, recorded on the timeline', async ({
  page,
  request,
}) => {
  const login = await request.post('/api/v1/auth/login', { data: ADMIN });
  expect(login.ok(), await login.text()).toBeTruthy();
  const csrf = (await login.json()).data.csrf_token as string;
  const name = `认定测试${`${Date.now()}`.slice(-6)}`;
  const created = await request.post('/api/v1/objects/lead', {
    data: { name, company: `${name}有限公司` },
    headers: { 'X-CSRF-Token': csrf },
  });
  expect(created.ok(), await created.text()).toBeTruthy();
  const id = (await created.json()).data.id as string;

  await signIn(page, ADMIN, 'zh-CN');
  await page.goto(`/o/lead/${id}`);
  const q = page.getByTestId('lead-qualification');
  await expect(q).toContainText('未认定');
  await q.getByText('MQL', { exact: true }).click();
  await expect(page.getByText('已更新认定阶段')).toBeVisible();
  await expect(q).toContainText('首次认定于');
  await q.getByText('SQL', { exact: true }).click();
  await expect(page.getByTestId('timeline-event-qualified').first()).toContainText('SQL');
  await expect(page.getByTestId('timeline-event-qualified')).toHaveCount(2);
});
