import type { Page } from '@playwright/test';
import { test, expect, ADMIN, signIn, screenshot } from '../support/fixtures';
import { apiSession, newUser, uniq } from '../support/api';

/** The link in the invitation mail (no SMTP in e2e: the mail outbox keeps it). */
async function surveyTokenFor(api: Awaited<ReturnType<typeof apiSession>>, email: string): Promise<string> {
  const mails = (await api.get('/api/v1/admin/mail-outbox')).data as { to_address: string; body: string }[];
  const mail = mails.find((m) => m.to_address === email);
  expect(mail, `an invitation mail to ${email}`).toBeTruthy();
  const token = /\/s\/([A-Za-z0-9_.-]+)/.exec(mail?.body ?? '')?.[1];
  expect(token, 'a survey link in the mail').toBeTruthy();
  return token ?? '';
}

async function expectFitsPhone(page: Page): Promise<void> {
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  const width = await page.evaluate(() => document.scrollingElement?.scrollWidth ?? 0);
  expect(width, 'survey page wider than the phone').toBeLessThanOrEqual(390);
}

test('an NPS survey from the builder to a detractor on a phone: a red light lands on the board', async ({
  page,
  request,
  browser,
}) => {
  test.setTimeout(150_000);
  const u = uniq();
  const api = await apiSession(request);
  // a customer of our own with one key user who has an e-mail and one (a department head) without
  const customer = `问卷客户 ${u}`;
  const acc = (await api.post('/api/v1/objects/account', { name: customer, csm_id: api.userId })).data as {
    id: string;
  };
  const email = `nps${u}@e2e.local`;
  await api.post('/api/v1/objects/contact', {
    name: `王芳${u}`,
    account_id: acc.id,
    email,
    is_key_user: true,
  });
  await api.post('/api/v1/objects/contact', {
    name: `赵敏${u}`,
    account_id: acc.id,
    role: 'department_head',
  });

  // (a) the admin writes the survey
  await signIn(page, ADMIN);
  await page.goto('/success/surveys');
  await expect(page.getByTestId('surveys-page')).toBeVisible();
  await page.getByTestId('survey-new').click();
  const name = `客户满意度 NPS ${u}`;
  // the name is required: the form says so before anything is sent
  await page.getByTestId('survey-name').press('Enter');
  await expect(page.getByText('请填写问卷名称')).toBeVisible();
  await page.getByTestId('survey-name').fill(name);
  await page.getByTestId('survey-intro').fill('感谢您使用我们的系统，请花一分钟告诉我们您的感受。');
  await screenshot(page, 'surveys-new');
  await page.getByTestId('survey-name').press('Enter');
  await expect(page.getByTestId('record-title')).toHaveText(name);
  const surveyPath = new URL(page.url()).pathname;
  expect(surveyPath).toMatch(/^\/success\/surveys\/[0-9a-f-]{36}$/);
  await expect(page.getByTestId('survey-status')).toHaveText('草稿');
  await expect(page.getByTestId('survey-draft-hint')).toBeVisible();
  await expect(page.getByTestId('survey-results-empty')).toBeVisible();

  // an extra question; a choice with one option is refused by the server, on the options field
  await page.getByRole('tab', { name: '问题' }).click();
  await expect(page.getByTestId('survey-q-empty')).toBeVisible();
  await page.getByTestId('survey-q-add-empty').click();
  const row = page.getByTestId('survey-q-row').first();
  await expect(row.getByTestId('survey-q-label')).toBeFocused();
  await page.keyboard.type('您最常用哪个模块？');
  await row.getByText('单选').click();
  await row.getByTestId('survey-q-options').fill('报表');
  await row.getByRole('checkbox', { name: '必答' }).check();
  await page.getByTestId('survey-q-save').click();
  await expect(page.getByTestId('survey-q-problem')).toBeVisible();
  await expect(row.locator('.ant-form-item-explain-error')).toBeVisible();
  await row.getByTestId('survey-q-options').fill('报表\n审批\n移动端');
  // and an open question; new questions get their keys from the server when saved
  await page.getByTestId('survey-q-add').click();
  const second = page.getByTestId('survey-q-row').nth(1);
  await expect(second.getByTestId('survey-q-label')).toBeFocused();
  await page.keyboard.type('还有什么建议？');
  await expect(second.getByText('新问题')).toBeVisible();
  await page.getByTestId('survey-q-save').click();
  await expect(page.getByText('问题已保存')).toBeVisible();
  await expect(page.getByTestId('survey-q-problem')).toHaveCount(0);
  await expect(row).toContainText('q1');
  await expect(second).toContainText('q2');
  await screenshot(page, 'surveys-builder');

  // activate it (confirmed), then send it to the customer's key users
  await page.getByTestId('survey-step-active').click();
  await page.locator('.ant-popconfirm-buttons .ant-btn-primary').click();
  await expect(page.getByTestId('survey-status')).toHaveText('启用');
  await page.getByTestId('survey-send').click();
  const round = `E2E-${u}`;
  await page.getByLabel('轮次').fill(round);
  await page.getByLabel('客户（发给关键用户）').fill(customer);
  await page.locator('.ant-select-item-option').filter({ hasText: customer }).click();
  // a click outside the picker closes its list (Esc would close the dialog too)
  await page.getByLabel('轮次').click();
  await page.getByTestId('survey-send-submit').click();
  const result = page.getByTestId('survey-send-result');
  await expect(result).toBeVisible();
  await expect(result.getByTestId('survey-outcome-invited')).toHaveCount(1);
  await expect(result.getByTestId('survey-outcome-no_email')).toHaveCount(1);
  await expect(result.getByText(email)).toBeVisible();
  await screenshot(page, 'surveys-sent');
  // sending again in the same round reaches the same people: nobody gets a second mail
  await page.getByTestId('survey-send-more').click();
  await page.getByLabel('客户（发给关键用户）').fill(customer);
  await page.locator('.ant-select-item-option').filter({ hasText: customer }).click();
  // a click outside the picker closes its list (Esc would close the dialog too)
  await page.getByLabel('轮次').click();
  await page.getByTestId('survey-send-submit').click();
  await expect(result.getByTestId('survey-outcome-already_invited')).toHaveCount(1);
  await expect(result.getByTestId('survey-outcome-invited')).toHaveCount(0);
  await page.getByTestId('survey-send-done').click();

  // (b) the token is in the invitation mail
  const token = await surveyTokenFor(api, email);

  // (c) the key user answers 2 on a phone, with a comment
  const phone = await browser.newContext({
    baseURL: process.env.FW_BASE_URL,
    viewport: { width: 390, height: 844 },
    hasTouch: true,
    isMobile: true,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
  });
  const mobile = await phone.newPage();
  const phoneErrors: string[] = [];
  mobile.on('pageerror', (e) => phoneErrors.push(String(e)));
  await mobile.goto(`/s/${token}`);
  await expect(mobile.getByText(name)).toBeVisible();
  await expect(mobile.getByText('您最常用哪个模块？')).toBeVisible();
  await mobile.getByTestId('survey-score-2').click();
  await mobile.getByTestId('survey-comment').fill('月底结账时系统很慢，报表经常导不出来');
  await mobile.getByText('报表', { exact: true }).click();
  await mobile.getByLabel('还有什么建议？').fill('希望月结报表能定时导出');
  await expectFitsPhone(mobile);
  await screenshot(mobile, 'surveys-phone-answer');
  await mobile.getByTestId('survey-submit').click();
  await expect(mobile.getByTestId('survey-thanks')).toBeVisible();
  await screenshot(mobile, 'surveys-phone-thanks');
  // the link works once
  await mobile.reload();
  await expect(mobile.getByTestId('survey-used')).toBeVisible();
  expect(phoneErrors).toEqual([]);
  await phone.close();

  // (d) the admin sees the red light on the board, opened by the survey
  await page.goto('/success/lights');
  const card = page.getByTestId('lights-col-open').getByTestId('light-card').filter({ hasText: customer });
  await expect(card).toHaveCount(1);
  await expect(card).toBeVisible();
  await screenshot(page, 'surveys-light-board');
  await card.click();
  await expect(page.getByTestId('light-drawer').getByText(/评分 2\/10/)).toBeVisible();
  await expect(page.getByTestId('light-drawer').getByText(/报表经常导不出来/)).toBeVisible();

  // and the answer in the survey's results: one detractor, NPS −100, the comment
  await page.goto(surveyPath);
  await expect(page.getByTestId('survey-value-number')).toHaveText('-100.0');
  await expect(page.getByTestId('survey-count-detractor')).toContainText('1');
  await expect(page.getByTestId('survey-comment').filter({ hasText: customer })).toContainText(
    '报表经常导不出来',
  );
  await expect(page.getByTestId('survey-distribution')).toBeVisible();
  await expect(page.getByTestId('survey-trend')).toBeVisible();
  await page.getByRole('combobox', { name: '分组' }).click();
  await page.locator('.ant-select-item-option').filter({ hasText: '按 CSM' }).click();
  await expect(page.getByTestId('survey-groups')).toBeVisible();
  await expect(page.locator('.ant-select-dropdown:visible')).toHaveCount(0);
  // the extra questions: the choice counted per option, the open answer with who gave it
  const choice = page.getByTestId('survey-question-result').filter({ hasText: '您最常用哪个模块？' });
  await expect(choice.getByTestId('survey-question-answered')).toHaveText('1 / 1 份答复作答');
  const options = choice.getByTestId('survey-option-row');
  await expect(options).toHaveCount(3);
  await expect(options.filter({ hasText: '报表' }).getByTestId('survey-option-figures')).toHaveText(
    '1 人 · 100.0%',
  );
  await expect(options.filter({ hasText: '审批' }).getByTestId('survey-option-figures')).toHaveText(
    '0 人 · 0.0%',
  );
  const open = page.getByTestId('survey-question-result').filter({ hasText: '还有什么建议？' });
  const openAnswer = open.getByTestId('survey-text-answer');
  await expect(openAnswer).toHaveCount(1);
  await expect(openAnswer).toContainText('希望月结报表能定时导出');
  await expect(openAnswer).toContainText(customer);
  await expect(openAnswer).toContainText(`王芳${u}`);
  await open.scrollIntoViewIfNeeded();
  await screenshot(page, 'surveys-question-results');
  await page.getByTestId('record-title').scrollIntoViewIfNeeded();
  await screenshot(page, 'surveys-results');

  // the generic record route of a survey (lists, lookups, search) opens the survey's own page
  const surveyId = surveyPath.split('/').pop() ?? '';
  await page.goto(`/o/survey/${surveyId}?tab=questions`);
  await expect(page).toHaveURL(new RegExp(`/success/surveys/${surveyId}\\?tab=questions$`));
  await expect(page.getByTestId('record-title')).toHaveText(name);
  await expect(page.getByTestId('survey-questions')).toBeVisible();
  await page.goto(surveyPath);

  // the list shows the survey with its answer
  await page.getByText('全部问卷').click();
  const listed = page.getByTestId('surveys-table').locator('tr').filter({ hasText: name });
  await expect(listed.getByTestId('survey-responses')).toHaveText('1');
  await expect(listed).toContainText('-100.0');
  await screenshot(page, 'surveys-list');

  // (e) the light is resolved and closed: the call-back is due on the customer's page, and recorded there
  const lights = (await api.get(`/api/v1/success/lights?account_id=${acc.id}`)).data as { id: string }[];
  const lightId = lights[0]?.id ?? '';
  await api.post(`/api/v1/lights/${lightId}/resolve`, {
    root_cause: 'defect',
    note: '月结报表导出超时，已优化查询',
  });
  await api.post(`/api/v1/lights/${lightId}/close`, {});
  await page.goto(`/o/account/${acc.id}`);
  const feedback = page.getByTestId('account-feedback').getByTestId('feedback-item');
  await expect(feedback).toHaveCount(1);
  await expect(feedback).toContainText('NPS 2');
  await feedback.getByRole('button', { name: '记录回访结果' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByRole('button', { name: '保存' }).click();
  await expect(dialog.getByText('请填写回访结果')).toBeVisible();
  await dialog.getByLabel('回访结果').fill('已回访财务负责人，导出已恢复，客户认可');
  await dialog.getByRole('button', { name: '保存' }).click();
  await expect(feedback.getByTestId('callback-outcome')).toContainText('导出已恢复');
  await screenshot(page, 'surveys-callback-recorded');
});

test('a CSM sees a survey and its results, sends it, and is told who changes it', async ({
  page,
  request,
}) => {
  const u = uniq();
  const api = await apiSession(request);
  const name = `季度 NPS ${u}`;
  const survey = (await api.post('/api/v1/objects/survey', { name, kind: 'nps', status: 'active' })).data as {
    id: string;
  };
  await api.put(`/api/v1/surveys/${survey.id}/questions`, {
    questions: [{ label: '您最常用哪个模块？', type: 'choice', options: ['报表', '审批'], required: false }],
  });
  const csm = await newUser(api, { email: `csm${u}@e2e.local`, name: `CSM ${u}`, role: 'csm' });
  await signIn(page, csm);

  await page.goto('/success/surveys');
  await expect(page.getByTestId('survey-new-disabled')).toBeDisabled();
  await page.getByTestId('surveys-table').getByRole('link', { name }).click();
  await expect(page.getByTestId('record-title')).toHaveText(name);
  await expect(page.getByTestId('survey-admin-only')).toContainText('只有管理员可以修改问卷');
  await expect(page.getByTestId('survey-send')).toBeEnabled();
  await expect(page.getByTestId('survey-edit')).toHaveCount(0);
  await expect(page.getByTestId('survey-step-closed')).toHaveCount(0);
  await page.getByRole('tab', { name: '问题' }).click();
  await expect(page.getByTestId('survey-q-row')).toHaveCount(1);
  await expect(page.getByTestId('survey-q-label')).toBeDisabled();
  await expect(page.getByTestId('survey-q-save')).toHaveCount(0);
  await expect(page.getByTestId('survey-q-remove')).toHaveCount(0);
  await screenshot(page, 'surveys-csm-read-only');
});
