import { test, expect, ADMIN, signIn, screenshot } from '../support/fixtures';
import { apiSession, newUser, uniq } from '../support/api';

test('a rep claims an account from a pool, returns it with a reason and waits out the cooldown; the 360 page shows the org chart and a deal', async ({
  page,
  request,
}) => {
  const api = await apiSession(request);
  const u = uniq();
  const settings = (await api.get('/api/v1/accounts/settings')).data as { reclaimCooldownDays: number };
  if (settings.reclaimCooldownDays < 1)
    await api.put('/api/v1/accounts/settings', { ...settings, reclaimCooldownDays: 7 });

  const rep = await newUser(api, {
    email: `acc-rep${u}@flywheel.local`,
    name: `客户代表${u}`,
    role: 'sales_rep',
  });
  const poolName = `E2E 公海 ${u}`;
  const pool = (await api.post('/api/v1/objects/account_pool', { name: poolName })).data as { id: string };
  await api.put(`/api/v1/accounts/pools/${pool.id}/members`, {
    members: [{ user_id: rep.id, role: 'member' }],
  });

  const accountName = `E2E 客户${u}有限公司`;
  const account = (
    await api.post('/api/v1/objects/account', { name: accountName, industry: '制造业', city: '杭州' })
  ).data as { id: string };
  // the rep's own contacts and deal (a rep's scope is "own"), so the 360 page has something to show
  const ceo = (
    await api.post('/api/v1/objects/contact', {
      name: `王总${u}`,
      account_id: account.id,
      title: 'CEO',
      role: 'decision_maker',
      owner_id: rep.id,
    })
  ).data as { id: string };
  await api.post('/api/v1/objects/contact', {
    name: `李工${u}`,
    account_id: account.id,
    title: 'CTO',
    role: 'key_person',
    reports_to: ceo.id,
    is_key_user: true,
    owner_id: rep.id,
  });
  await api.post('/api/v1/objects/opportunity', {
    name: `E2E 商机${u}`,
    account_id: account.id,
    owner_id: rep.id,
  });
  await api.post(`/api/v1/accounts/${account.id}/return`, { reason: '资源调整', pool_id: pool.id });

  await signIn(page, rep);
  await page.goto(`/accounts/pools/${pool.id}`);
  await expect(page.getByTestId('account-pool-title')).toHaveText(poolName);
  const rows = page.getByTestId('account-pool-accounts').locator('tbody tr.ant-table-row');
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText('资源调整');
  await rows.first().locator('input[type=checkbox]').check();
  await page.getByTestId('account-bulk-claim').click();
  await expect(page.getByTestId('account-bulk-summary')).toContainText('已领取 1 个');
  await expect(page.getByTestId('account-pool-accounts')).toContainText('公海里暂时没有待领取的客户');
  await screenshot(page, 'accounts-pool-claimed');

  await page.goto(`/o/account/${account.id}`);
  await expect(page.getByTestId('record-title')).toHaveText(accountName);
  const panel = page.getByTestId('account-panel');
  await expect(panel.getByTestId('account-state')).toHaveText('已领取');
  await expect(panel.getByTestId('account-owner')).toHaveText(`客户代表${u}`);
  // org chart: the CTO under the CEO, roles as tags, the key user marked
  const chart = panel.getByTestId('org-chart');
  await expect(chart.getByText(`王总${u}`)).toBeVisible();
  await expect(chart.getByText(`李工${u}`)).toBeVisible();
  await expect(chart.getByText('决策人')).toBeVisible();
  await expect(chart.getByText('关键用户')).toBeVisible();
  await panel.getByRole('tab', { name: /商机/ }).click();
  await expect(panel.getByTestId('account-opportunities')).toContainText(`E2E 商机${u}`);
  await screenshot(page, 'accounts-360');

  await panel.getByTestId('account-actions').getByRole('button', { name: '退回公海' }).click();
  const dialog = page.getByTestId('account-move-modal');
  await expect(dialog).toBeInViewport();
  // a reason is required (a click during the opening animation may not reach the form: retry)
  await expect(async () => {
    await dialog.getByRole('button', { name: '确定' }).click();
    await expect(dialog.getByText('请填写退回原因')).toBeVisible({ timeout: 1000 });
  }).toPass();
  await dialog.getByTestId('return-reason').locator('input').fill('客户暂无预算');
  await dialog.getByRole('button', { name: '确定' }).click();
  await expect(panel.getByTestId('account-state')).toHaveText('公海中');

  await panel.getByRole('tab', { name: '流转记录' }).click();
  await expect(panel.getByTestId('account-event').first()).toContainText('客户暂无预算');

  await panel.getByTestId('account-actions').getByRole('button', { name: '领取' }).click();
  await expect(panel.getByTestId('account-action-error')).toContainText('之后才能再次领取');
  await expect(panel.getByTestId('account-state')).toHaveText('公海中');
  await screenshot(page, 'accounts-cooldown');

  // a phone screen: neither page scrolls sideways
  await page.setViewportSize({ width: 390, height: 844 });
  const noSideScroll = () =>
    page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth);
  await page.reload();
  await expect(page.getByTestId('account-panel')).toBeVisible();
  expect(await noSideScroll()).toBe(true);
  await page.goto(`/accounts/pools/${pool.id}`);
  await expect(rows).toHaveCount(1);
  expect(await noSideScroll()).toBe(true);
});

test('a new account that matches an existing one is flagged before saving; settings errors land on their fields', async ({
  page,
  request,
}) => {
  const api = await apiSession(request);
  const u = uniq();
  const name = `E2E 查重科技${u}有限公司`;
  await api.post('/api/v1/objects/account', { name });

  await signIn(page, ADMIN);
  await page.goto('/o/account/new');
  await page.getByLabel('客户名称', { exact: true }).fill(`${name}`);
  await page.getByRole('button', { name: '保存' }).click();
  const hits = page.getByTestId('account-dup-hits');
  await expect(hits).toBeInViewport();
  await expect(hits).toContainText(name);
  await expect(hits).toContainText('名称');
  await screenshot(page, 'accounts-duplicate');
  await page.getByRole('button', { name: '仍然保存' }).click();
  await expect(page.getByTestId('record-title')).toHaveText(name);

  // the server refuses a maximum shorter than the protection days: the error sits on that input
  await page.goto('/settings/accounts');
  const form = page.getByTestId('account-settings');
  await expect(form).toBeVisible();
  await form.getByTestId('protection-enabled').click();
  await form.getByLabel('保护天数').fill('30');
  await form.getByLabel('最长（天）').fill('10');
  await page.getByTestId('save-account-settings').click();
  await expect(form.getByRole('alert').first()).toContainText('处需要修改');
  const hardLimit = form.locator('.ant-form-item').filter({ has: page.getByLabel('最长（天）') });
  await expect(hardLimit.locator('.ant-form-item-explain-error')).toBeVisible();
  await screenshot(page, 'accounts-settings-error');

  // the pool-members dialog is shared by account pools and lead pools
  const pool = (await api.post('/api/v1/objects/account_pool', { name: `E2E 成员公海 ${u}` })).data as {
    id: string;
  };
  await page.goto(`/accounts/pools/${pool.id}`);
  await expect(page.getByTestId('account-pool-accounts')).toContainText('公海里暂时没有待领取的客户');
  await page.getByTestId('account-pool-edit-members').click();
  const members = page.getByTestId('pool-members-modal');
  await expect(members).toBeInViewport();
  await expect(members).toContainText(`公海成员：E2E 成员公海 ${u}`);
  await members.getByRole('button', { name: '取消' }).click();
  await page.goto('/leads/pools');
  await page.getByTestId('edit-members').click();
  await expect(page.getByTestId('pool-members-modal')).toContainText('线索池成员');
});
