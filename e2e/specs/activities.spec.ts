import { test, expect, signIn, screenshot } from '../support/fixtures';
import { apiSession, newUser, uniq, type Api } from '../support/api';

/** A sales rep of this test alone (own-scope records). */
function newRep(api: Api, u: string) {
  return newUser(api, { email: `act${u}@flywheel.local`, name: `跟进专员${u}`, role: 'sales_rep' });
}

/** YYYY-MM-DD in Shanghai (the demo tenant's zone and the browser's in these tests). */
function shanghaiDay(offsetDays = 0): string {
  const d = new Date(Date.now() + offsetDays * 86_400_000);
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(d);
}

test('a rep logs a call on a lead from its page: the lead is in progress and the timeline shows the call', async ({
  page,
  request,
}) => {
  const api = await apiSession(request);
  const u = uniq();
  const rep = await newRep(api, u);
  const name = `跟进线索${u}`;
  const lead = (
    await api.post('/api/v1/leads/capture', {
      name,
      mobile: `138${u}`,
      company: `跟进测试${u}有限公司`,
      province: '新疆维吾尔自治区',
      owner_id: rep.id,
    })
  ).data as { lead_id: string };

  await signIn(page, rep);
  await page.goto(`/o/lead/${lead.lead_id}`);
  await expect(page.getByTestId('lead-status')).toContainText('待跟进');
  const section = page.getByTestId('activity-section');
  await expect(section.getByTestId('activity-timeline-empty')).toContainText('还没有跟进记录');
  await section.getByRole('button', { name: '记录跟进' }).first().click();

  const dialog = page.getByTestId('activity-quick-add');
  await expect(dialog.getByRole('dialog')).toBeInViewport();
  await expect(dialog.getByTestId('activity-target')).toContainText(name);
  // the subject starts as type · record, and follows the type while untouched
  await expect(dialog.getByLabel('主题')).toHaveValue(`电话 · ${name}`);
  await dialog.getByText('微信', { exact: true }).click();
  await expect(dialog.getByLabel('主题')).toHaveValue(`微信 · ${name}`);
  await dialog.getByText('电话', { exact: true }).click();
  await expect(dialog.getByLabel('主题')).toHaveValue(`电话 · ${name}`);
  await dialog.getByLabel('跟进内容').fill('介绍了产品，客户关心私有化部署');
  await dialog.getByLabel('结果').fill('有意向');
  await dialog.getByLabel('下一步').fill('下周发方案');
  await dialog.getByLabel('时长（分钟）').fill('15');
  await screenshot(page, 'activities-quick-add-lead');
  await dialog.getByTestId('activity-submit').click();
  await expect(page.getByText('已记录跟进')).toBeVisible();

  await expect(page.getByTestId('lead-status')).toContainText('跟进中');
  const call = section.getByTestId('timeline-activity').filter({ hasText: `电话 · ${name}` });
  await expect(call).toBeVisible();
  await expect(call).toContainText('有意向');
  await expect(call).toContainText('下周发方案');
  await expect(call).toContainText('15 分钟');
  await expect(call).toContainText(`跟进专员${u}`);
  await expect(section).toContainText('今天');
  await screenshot(page, 'activities-lead-timeline');
});

test('quick-add from the header on an account, with a follow-up task that shows on that day', async ({
  page,
  request,
}) => {
  const api = await apiSession(request);
  const u = uniq();
  const rep = await newRep(api, u);
  const accountName = `快捷跟进客户${u}`;
  const account = (await api.post('/api/v1/objects/account', { name: accountName, owner_id: rep.id }))
    .data as {
    id: string;
  };

  await signIn(page, rep);
  await page.goto('/');
  await expect(page.getByRole('heading', { name: /欢迎/ })).toBeVisible();
  await page.getByTestId('header-quick-add').click();
  const dialog = page.getByTestId('activity-quick-add');
  await expect(dialog.getByRole('dialog')).toBeInViewport();
  // nothing picked: the server's rule is checked in the browser first
  await dialog.getByTestId('activity-submit').click();
  await expect(dialog).toContainText('请选择要跟进的记录');

  // Picked with the keyboard (as a keyboard user would): a click into an antd dropdown that is
  // still animating open was lost now and then on a loaded machine.
  await dialog.getByLabel('对象类型').click();
  await expect(page.locator('.ant-select-dropdown:visible').getByText('客户', { exact: true })).toBeVisible();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  await expect(dialog.getByTestId('activity-related-object')).toContainText('客户');
  await dialog.getByLabel('跟进对象').fill(accountName);
  const option = page
    .locator('.ant-select-dropdown:visible .ant-select-item-option')
    .filter({ hasText: accountName });
  await expect(option).toBeVisible();
  await option.click();
  // the subject follows the pick
  await expect(dialog.getByLabel('主题')).toHaveValue(new RegExp(accountName));
  await dialog.getByText('拜访', { exact: true }).click();
  await expect(dialog.getByLabel('主题')).toHaveValue(`拜访 · ${accountName}`);
  await dialog.getByLabel('结果').fill('见到了采购负责人');
  await dialog.getByTestId('activity-with-task').check();
  await expect(dialog.getByLabel('任务内容')).toHaveValue(`跟进：${accountName}`);
  await screenshot(page, 'activities-quick-add-header');
  await dialog.getByTestId('activity-submit').click();
  await expect(page.getByText('已记录跟进，并创建了跟进任务')).toBeVisible();

  const acts = (await api.get(`/api/v1/objects/activity?filter[account_id][eq]=${account.id}`)).data as {
    type: string;
    subject: string;
    outcome: string;
    owner_id: string;
  }[];
  expect(acts).toHaveLength(1);
  expect(acts[0]).toMatchObject({ type: 'visit', subject: `拜访 · ${accountName}`, owner_id: rep.id });
  const tasks = (await api.get(`/api/v1/objects/task?filter[account_id][eq]=${account.id}`)).data as {
    subject: string;
    owner_id: string;
  }[];
  expect(tasks).toHaveLength(1);
  expect(tasks[0]).toMatchObject({ subject: `跟进：${accountName}`, owner_id: rep.id });

  // the task is due tomorrow at 10:00: My day for tomorrow (a URL date) lists it
  const tomorrow = shanghaiDay(1);
  await page.goto(`/my-day?date=${tomorrow}`);
  await expect(page.getByRole('heading', { name: '我的一天' })).toBeVisible();
  const due = page.getByTestId('my-day-tasks-due');
  await expect(due.getByTestId('my-day-task').filter({ hasText: `跟进：${accountName}` })).toBeVisible();
  await expect(due.getByTestId('my-day-tasks-due-count')).toContainText('1');
});

test('a task due today is on My day and is completed there', async ({ page, request }) => {
  const api = await apiSession(request);
  const u = uniq();
  const rep = await newRep(api, u);
  const account = (await api.post('/api/v1/objects/account', { name: `今日任务客户${u}`, owner_id: rep.id }))
    .data as { id: string };
  const subject = `给客户回电${u}`;
  const task = (
    await api.post('/api/v1/objects/task', {
      subject,
      due_at: new Date().toISOString(),
      priority: 'high',
      account_id: account.id,
      owner_id: rep.id,
    })
  ).data as { id: string };

  await signIn(page, rep);
  await page.goto('/');
  await expect(page.getByRole('heading', { name: /欢迎/ })).toBeVisible();
  const due = page.getByTestId('my-day-tasks-due');
  const row = due.getByTestId('my-day-task').filter({ hasText: subject });
  await expect(row).toBeVisible();
  await expect(due.getByTestId('my-day-tasks-due-count')).toContainText('1');
  await expect(page.getByTestId('my-day-follow-ups')).toBeVisible();
  await screenshot(page, 'activities-my-day');
  await row.getByRole('checkbox', { name: `标记完成：${subject}` }).check();
  await expect(page.getByText('任务已完成')).toBeVisible();
  await expect(row).toHaveCount(0);
  await expect(due).toContainText('这一天没有到期的任务');
  const after = (await api.get(`/api/v1/objects/task/${task.id}`)).data as {
    status: string;
    completed_at: string;
  };
  expect(after.status).toBe('done');
  expect(after.completed_at).toBeTruthy();

  // the My day link in the sales menu opens the same page
  await page.getByTestId('side-nav').getByText('我的一天').click();
  await expect(page).toHaveURL(/\/my-day$/);
});

test.describe('on a phone', () => {
  test.use({
    viewport: { width: 390, height: 844 },
    hasTouch: true,
    geolocation: { latitude: 31.230416, longitude: 121.473701 },
    permissions: ['geolocation'],
  });

  test('Alt+N logs a visit with a check-in; My day fits the width', async ({ page, request }) => {
    const api = await apiSession(request);
    const u = uniq();
    const rep = await newRep(api, u);
    const name = `拜访线索${u}`;
    const lead = (
      await api.post('/api/v1/leads/capture', {
        name,
        mobile: `139${u}`,
        province: '新疆维吾尔自治区',
        owner_id: rep.id,
      })
    ).data as { lead_id: string };

    await signIn(page, rep);
    await page.goto('/my-day');
    await expect(page.getByTestId('my-day-follow-ups')).toBeVisible();
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    const width = await page.evaluate(() => document.scrollingElement?.scrollWidth ?? 0);
    expect(width, 'My day is wider than the phone').toBeLessThanOrEqual(390);

    await page.keyboard.press('Alt+KeyN');
    const dialog = page.getByTestId('activity-quick-add');
    await expect(dialog.getByRole('dialog')).toBeInViewport();
    await dialog.getByLabel('跟进对象').fill(name);
    await page.locator('.ant-select-item-option').filter({ hasText: name }).click();
    await dialog.getByText('拜访', { exact: true }).click();
    await expect(dialog.getByLabel('主题')).toHaveValue(`拜访 · ${name}`);
    await dialog.getByRole('button', { name: '签到定位' }).click();
    await expect(dialog).toContainText('已签到：31.230416, 121.473701');
    await screenshot(page, 'activities-quick-add-phone');
    await dialog.getByTestId('activity-submit').click();
    await expect(page.getByText('已记录跟进')).toBeVisible();

    const acts = (await api.get(`/api/v1/objects/activity?filter[lead_id][eq]=${lead.lead_id}`)).data as {
      type: string;
      latitude: number;
      longitude: number;
    }[];
    expect(acts).toEqual([
      expect.objectContaining({ type: 'visit', latitude: 31.230416, longitude: 121.473701 }),
    ]);
  });
});
