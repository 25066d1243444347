import { test, expect, ADMIN, REP, signIn, screenshot } from '../support/fixtures';
import { apiSession, newUser, uniq, DEMO_PASSWORD, type Api } from '../support/api';

async function demoFormKey(api: Api): Promise<string> {
  const forms = (await api.get('/api/v1/leads/forms')).data as { form_key: string; active: boolean }[];
  const form = forms.find((f) => f.active);
  expect(form, 'the demo tenant has an active web form').toBeTruthy();
  return form?.form_key ?? '';
}

async function leadByName(api: Api, name: string) {
  const res = await api.get(
    `/api/v1/objects/lead?filter[name][eq]=${encodeURIComponent(name)}&expand=owner_id`,
  );
  return res.data as {
    id: string;
    touch_count: number;
    owner_id: string | null;
    _expand: { owner_id: { name: string; email: string } | null };
  }[];
}

test('a web form submission is assigned by a rule; the owner sees it with the rule on its timeline', async ({
  page,
  request,
}) => {
  const api = await apiSession(request);
  const key = await demoFormKey(api);
  const u = uniq();
  const name = `表单线索${u}`;
  const submit = await page.request.post(`/api/v1/public/forms/${key}`, {
    data: {
      name,
      mobile: `137${u}`,
      company: `云表单测试${u}有限公司`,
      province: '浙江省',
      utm_source: 'baidu',
      utm_medium: 'cpc',
    },
  });
  expect(submit.ok(), await submit.text()).toBeTruthy();
  const [lead] = await leadByName(api, name);
  expect(lead?.owner_id, 'the east rule gave it an owner').toBeTruthy();
  const owner = lead?._expand.owner_id;

  await signIn(page, { email: owner?.email ?? '', password: DEMO_PASSWORD });
  await page.goto('/leads/mine');
  await expect(page.getByRole('heading', { name: '我的线索' })).toBeVisible();
  await page.getByPlaceholder('搜索姓名、手机、邮箱或公司').fill(name);
  const row = page.getByTestId('my-leads-table').locator('tbody tr').filter({ hasText: name });
  await expect(row).toBeVisible();
  await expect(row).toContainText('待跟进');
  await screenshot(page, 'leads-my-leads');
  // click the name (the middle of the row is the mobile number, a tel: link that would dial)
  await row.getByRole('link', { name }).click();
  await expect(page.getByTestId('record-title')).toHaveText(name);
  await expect(page.getByTestId('lead-status')).toContainText('待跟进');
  await expect(page.getByText(owner?.name ?? '').first()).toBeVisible();
  const assigned = page.getByTestId('timeline-event-assigned');
  await expect(assigned).toContainText('按分配规则「华东区域轮询」');
  await expect(assigned).toContainText(owner?.name ?? '');
  await expect(page.getByTestId('timeline-touch')).toContainText('utm_source: baidu');
  await expect(page.getByTestId('lead-actions').getByRole('button', { name: '转化' })).toBeVisible();

  // The owner gives it back with a reason: it leaves their list and waits in the pool.
  await page.getByTestId('lead-actions').getByRole('button', { name: '退回线索池' }).click();
  await page.getByRole('dialog').getByLabel('退回原因').fill('客户今年没有预算');
  await page.getByRole('dialog').getByLabel('退回原因').press('Enter');
  await expect(page).toHaveURL(/\/leads\/mine$/);
  await expect(page.getByText('已退回线索池')).toBeVisible();
  await signIn(page, ADMIN);
  await page.goto(`/o/lead/${lead?.id}`);
  await expect(page.getByTestId('lead-status')).toContainText('未分配');
  await expect(page.getByTestId('timeline-event-returned')).toContainText('客户今年没有预算');
  await expect(page.getByTestId('timeline-event-returned')).toContainText(`${owner?.name} → 无`);
});

test('a second submission with the same mobile merges into the lead as a second touch', async ({
  page,
  request,
}) => {
  const api = await apiSession(request);
  const key = await demoFormKey(api);
  const u = uniq();
  const name = `重复提交${u}`;
  const mobile = `136${u}`;
  for (const extra of [{ utm_source: 'zhihu' }, { utm_source: 'wechat', email: `dup${u}@example.cn` }]) {
    const res = await page.request.post(`/api/v1/public/forms/${key}`, {
      data: { name, mobile, province: '新疆维吾尔自治区', ...extra },
    });
    expect(res.ok(), await res.text()).toBeTruthy();
  }
  const leads = await leadByName(api, name);
  expect(leads).toHaveLength(1);
  expect(leads[0]?.touch_count).toBe(2);

  await signIn(page, ADMIN);
  await page.goto(`/o/lead/${leads[0]?.id}`);
  await expect(page.getByTestId('record-title')).toHaveText(name);
  await expect(page.getByTestId('lead-touch-count')).toHaveText('2');
  await expect(page.getByTestId('timeline-touch')).toHaveCount(2);
  await expect(page.getByTestId('timeline-touch').first()).toContainText('utm_source: wechat');
  await screenshot(page, 'leads-merged-touches');
});

test('claiming beyond the pool cap is refused with the cap message', async ({ page, request }) => {
  const api = await apiSession(request);
  const u = uniq();
  // A lead worker whose role sees every lead (pool members with scope "own" cannot list unassigned leads).
  const roleKey = `pool_sdr_${u}`;
  const own = { create: true, read: true, update: true, scope: 'own' };
  await api.post('/api/v1/admin/roles', {
    key: roleKey,
    name: { 'zh-CN': `线索专员${u}`, 'en-US': `Lead SDR ${u}` },
    permissions: {
      objects: {
        lead: { create: true, read: true, update: true, scope: 'all' },
        lead_pool: { read: true, scope: 'all' },
        account: own,
        contact: own,
      },
      fields: {},
    },
  });
  const user = await newUser(api, { email: `sdr${u}@flywheel.local`, name: `线索专员${u}`, role: roleKey });
  const pool = (await api.post('/api/v1/objects/lead_pool', { name: `E2E 线索池 ${u}`, claim_cap: 10 }))
    .data as { id: string };
  await api.patch(`/api/v1/objects/lead_pool/${pool.id}`, { claim_cap: 2 });
  await api.put(`/api/v1/leads/pools/${pool.id}/members`, {
    members: [{ user_id: user.id, role: 'member' }],
  });
  for (const i of [1, 2, 3]) {
    const res = (
      await api.post('/api/v1/leads/capture', {
        name: `池线索${u}-${i}`,
        mobile: `135${u.slice(0, 7)}${i}`,
        province: '新疆维吾尔自治区',
      })
    ).data as { lead_id: string; owner_id: string | null };
    expect(res.owner_id).toBeNull();
    // captured into the default pool; the admin moves it into the test's own pool
    await api.post(`/api/v1/leads/${res.lead_id}/transfer`, { pool_id: pool.id });
  }

  await signIn(page, user);
  await page.goto(`/leads/pools/${pool.id}`);
  await expect(page.getByTestId('pool-title')).toHaveText(`E2E 线索池 ${u}`);
  const rows = page.getByTestId('pool-leads').locator('tbody tr.ant-table-row');
  await expect(rows).toHaveCount(3);
  await page.getByTestId('pool-leads').locator('thead input[type=checkbox]').check();
  await page.getByTestId('bulk-claim').click();
  const summary = page.getByTestId('bulk-summary');
  await expect(summary).toContainText('已领取 2 条');
  await expect(summary).toContainText('1 条未成功');
  await expect(summary).toContainText('已达到该线索池的领取上限（2 条）');
  await expect(rows).toHaveCount(1);
  await screenshot(page, 'leads-pool-claim-cap');

  // The same refusal on the lead page itself.
  await rows.first().getByRole('link').click();
  await page.getByTestId('lead-actions').getByRole('button', { name: '领取' }).click();
  await expect(page.getByTestId('lead-action-error')).toContainText('已达到该线索池的领取上限（2 条）');
});

test('converting a lead from its page creates the account and the contact', async ({ page, request }) => {
  const api = await apiSession(request);
  const me = (await api.get('/api/v1/me')).data as { user: { id: string } };
  const u = uniq();
  const company = `E2E转化测试${u}科技有限公司`;
  const name = `转化联系人${u}`;
  const lead = (
    await api.post('/api/v1/leads/capture', {
      name,
      mobile: `134${u}`,
      company,
      title: '信息化总监',
      province: '新疆维吾尔自治区',
      owner_id: me.user.id,
    })
  ).data as { lead_id: string };

  await signIn(page, ADMIN);
  await page.goto(`/o/lead/${lead.lead_id}`);
  await expect(page.getByTestId('lead-status')).toContainText('待跟进');
  await expect(page.getByTestId('score-explanation')).toContainText('职务含“总监”');
  await page.getByTestId('lead-actions').getByRole('button', { name: '转化' }).click();
  const dialog = page.getByTestId('convert-dialog');
  await expect(dialog.getByTestId('dup-none')).toBeVisible();
  await expect(dialog).toContainText(`新建客户「${company}」`);
  await dialog.getByTestId('convert-submit').click();
  await expect(dialog).toContainText('转化成功');
  await screenshot(page, 'leads-converted');
  await dialog.getByTestId('converted-account-link').click();
  await expect(page).toHaveURL(/\/o\/account\/[0-9a-f-]{36}$/);
  await expect(page.getByTestId('record-title')).toHaveText(company);

  const accounts = (await api.get(`/api/v1/objects/account?filter[name][eq]=${encodeURIComponent(company)}`))
    .data as unknown[];
  expect(accounts).toHaveLength(1);
  const contacts = (await api.get(`/api/v1/objects/contact?filter[name][eq]=${encodeURIComponent(name)}`))
    .data as unknown[];
  expect(contacts).toHaveLength(1);
  const after = (await api.get(`/api/v1/objects/lead/${lead.lead_id}`)).data as { status: string };
  expect(after.status).toBe('converted');
});

test('duplicate review: a flagged lead is merged into the one it resembles, keeping the picked values', async ({
  page,
  request,
}) => {
  const api = await apiSession(request);
  const u = uniq();
  const first = (
    await api.post('/api/v1/leads/capture', {
      name: `复核甲${u}`,
      mobile: `133${u}`,
      company: `复核测试${u}科技有限公司`,
      title: '采购经理',
      province: '新疆维吾尔自治区',
    })
  ).data as { lead_id: string };
  const second = (
    await api.post('/api/v1/leads/capture', {
      name: `复核乙${u}`,
      mobile: `132${u}`,
      email: `review${u}@example.cn`,
      company: `复核测试${u}科技股份有限公司`,
      title: '信息化总监',
      province: '新疆维吾尔自治区',
    })
  ).data as { lead_id: string; outcome: string };
  expect(second.outcome).toBe('flagged');

  await signIn(page, ADMIN);
  await page.goto('/leads/review');
  const item = page.getByTestId('review-item').filter({ hasText: `复核乙${u}` });
  await expect(item).toContainText(`复核甲${u}`);
  await item.getByTestId('merge-open').click();
  const modal = page.getByTestId('merge-modal');
  // the older lead survives by default; its empty e-mail is taken from the merged one
  await expect(modal.getByTestId('merge-pick-email-merged').locator('input')).toBeChecked();
  // check() verifies the radio really changed before going on
  await modal.getByTestId('merge-pick-title-merged').locator('input').check();
  await expect(modal.getByTestId('merge-pick-title-survivor').locator('input')).not.toBeChecked();
  await screenshot(page, 'leads-merge');
  await modal.getByRole('button', { name: '合并' }).click();
  await expect(page.getByText('已合并')).toBeVisible();
  await expect(page.getByTestId('review-item').filter({ hasText: `复核乙${u}` })).toHaveCount(0);

  const survivor = (await api.get(`/api/v1/objects/lead/${first.lead_id}`)).data as Record<string, unknown>;
  expect(survivor.title).toBe('信息化总监');
  expect(survivor.email).toBe(`review${u}@example.cn`);
  expect(survivor.mobile).toBe(`+86133${u}`);
  expect(survivor.touch_count).toBe(2);
});

test('entering a lead someone else already has shows the hit (撞单), lets the rep message the owner, and still save', async ({
  page,
  request,
}) => {
  const api = await apiSession(request);
  const users = (await api.get('/api/v1/users')).data as { id: string; email: string; name: string }[];
  const other = users.find((x) => x.email === 'rep21@flywheel.local');
  expect(other).toBeTruthy();
  const u = uniq();
  const mobile = `135${u}`;
  await api.post('/api/v1/leads/capture', { name: `撞单原线索${u}`, mobile, owner_id: other?.id });

  await signIn(page, REP);
  await page.goto('/o/lead/new');
  await page.getByLabel('姓名').fill(`撞单新录入${u}`);
  await page.getByLabel('手机').fill(mobile);
  await page.getByTestId('form-submit').click();
  const dialog = page.getByRole('dialog').filter({ hasText: '撞单' });
  await expect(dialog).toBeVisible();
  const hits = dialog.getByTestId('dup-hits');
  // the rep may not open the colleague's lead, but sees whose it is
  await expect(hits).toContainText('您无权查看');
  await expect(hits).toContainText(other?.name ?? '');
  await hits.getByRole('button', { name: '联系负责人' }).click();
  await expect(hits.getByRole('button', { name: '已通知' })).toBeDisabled();
  await screenshot(page, 'leads-create-duplicate');
  await dialog.getByRole('button', { name: '取消' }).click();
  await expect(page).toHaveURL(/\/o\/lead\/new$/);
  await expect(dialog).toHaveCount(0);
  // warned, not blocked (the demo's policy): saving anyway creates the lead
  await page.getByTestId('form-submit').click();
  await page
    .getByRole('dialog')
    .filter({ hasText: '撞单' })
    .getByRole('button', { name: '仍然保存' })
    .click();
  await expect(page).toHaveURL(/\/o\/lead\/[0-9a-f-]{36}$/);
  await expect(page.getByTestId('record-title')).toHaveText(`撞单新录入${u}`);
});

test('an admin voids a spam lead and brings it back', async ({ page, request }) => {
  const api = await apiSession(request);
  const u = uniq();
  const lead = (await api.post('/api/v1/leads/capture', { name: `推销广告${u}`, mobile: `133${u}` }))
    .data as {
    lead_id: string;
  };
  await signIn(page, ADMIN);
  await page.goto(`/o/lead/${lead.lead_id}`);
  await page.getByTestId('lead-actions').getByRole('button', { name: '作废' }).click();
  const modal = page.getByTestId('move-modal');
  await modal.getByRole('textbox').fill('广告推销');
  await modal.getByRole('button', { name: '确定' }).click();
  await expect(page.getByTestId('lead-status')).toContainText('已作废');
  await expect(page.getByTestId('lead-timeline')).toContainText('广告推销');
  await page.getByTestId('lead-actions').getByRole('button', { name: '恢复' }).click();
  await page.getByTestId('move-modal').getByRole('button', { name: '确定' }).click();
  await expect(page.getByTestId('lead-status')).toContainText('未分配');
  await screenshot(page, 'leads-void-revive');
});
