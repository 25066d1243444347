import type { Page } from '@playwright/test';
import { test, expect, ADMIN, signIn, screenshot } from '../support/fixtures';
import { apiSession, shanghaiDay, uniq, type Api } from '../support/api';

interface Task {
  key: string;
  name: string;
  result: 'checkbox' | 'note' | 'file';
  required: boolean;
  attachment_id: string | null;
}
interface Stage {
  key: string;
  name: string;
  state: string;
  tasks: Task[];
}
interface Journey {
  id: string;
  stages: Stage[];
}
interface Durations {
  stages: { key: string; completed: number }[];
}

/** Stages of `key` completed in the report's default period (the page's 近 180 天). */
async function completedOf(api: Api, key: string): Promise<number> {
  const r = (await api.get('/api/v1/success/journeys/report')).data as Durations;
  return r.stages.find((s) => s.key === key)?.completed ?? 0;
}

/** A small signed document, as the customer sends it back. */
const signedFile = (name: string) => ({
  name,
  mimeType: 'application/pdf',
  buffer: Buffer.from('%PDF-1.4\n% 需求确认书（已签字）\n%%EOF\n'),
});

test("a customer's journey: the first stage's results recorded on the account page, the stage completed, its days in the durations report", async ({
  page,
  request,
}) => {
  test.setTimeout(150_000);
  const u = uniq();
  const api = await apiSession(request);
  // a customer of our own (the admin its CSM), its journey started by hand as for one signed before Flywheel
  const customer = `旅程客户 ${u}`;
  const acc = (await api.post('/api/v1/objects/account', { name: customer, csm_id: api.userId })).data as {
    id: string;
  };
  const journey = (await api.post(`/api/v1/accounts/${acc.id}/journey`, {})).data as Journey;
  const [first, second] = journey.stages;
  if (!first || !second) throw new Error('the journey template has fewer than two stages');
  expect(first.state).toBe('current');
  const required = first.tasks.filter((k) => k.required);
  expect(required.length, 'the first stage has required key tasks').toBeGreaterThan(0);
  const fileTask = first.tasks.find((k) => k.result === 'file');
  const completedBefore = await completedOf(api, first.key);
  const today = shanghaiDay();

  await signIn(page, ADMIN);
  await page.goto(`/o/account/${acc.id}`);
  const panel = page.getByTestId('account-journey');
  await expect(panel).toBeVisible({ timeout: 30_000 });
  await expect(panel.getByText('进行中', { exact: true })).toBeVisible();

  // the stages as a timeline, the first under way since today
  const steps = panel.getByTestId('journey-steps');
  for (const s of journey.stages) await expect(steps.getByText(s.name, { exact: true })).toBeVisible();
  const step = (key: string) => steps.getByTestId(`journey-stage-${key}`);
  const stepDates = (key: string) => steps.getByTestId(`journey-stage-${key}-dates`);
  await expect(step(first.key)).toHaveText(first.name);
  await expect(step(first.key)).toHaveAttribute('data-state', 'current');
  await expect(step(first.key)).toHaveAttribute('aria-current', 'step');
  await expect(stepDates(first.key)).toContainText(today);
  await expect(step(second.key)).toHaveAttribute('data-state', 'pending');
  await expect(step(second.key)).not.toHaveAttribute('aria-current');

  // the first stage's key tasks, each with the kind of result it needs
  const detail = panel.getByTestId('journey-stage');
  await expect(detail).toContainText(first.name);
  for (const k of first.tasks)
    await expect(detail.getByTestId(`journey-task-${k.key}`)).toContainText(k.name);

  // nothing recorded yet: completing is refused, and the stage says — as text anyone can read, the
  // disabled button described by it — which results are still needed
  const complete = detail.getByTestId('journey-complete');
  const needed = detail.getByTestId('journey-still-needed');
  const stillNeeded = (tasks: Task[]) => `还需完成：${tasks.map((k) => k.name).join('、')}`;
  await expect(complete).toBeDisabled();
  await expect(needed).toBeVisible();
  await expect(needed).toHaveText(stillNeeded(required));
  await expect(complete).toHaveAccessibleDescription(stillNeeded(required));
  await detail.scrollIntoViewIfNeeded();
  await screenshot(page, 'journeys-panel-start');
  // the server refuses it too, naming every missing result
  const refused = await page.request.post(`/api/v1/journeys/${journey.id}/complete-stage`, {
    data: { stage_key: first.key },
    headers: { 'X-CSRF-Token': await csrf(page) },
  });
  expect(refused.status()).toBe(422);
  const fields = ((await refused.json()).error.details as { field: string; issue: string }[]).map(
    (d) => d.field,
  );
  expect(fields.sort()).toEqual(required.map((k) => `tasks.${k.key}`).sort());

  // the results, from the panel: ticks, notes, the signed file; the hint shrinks as they come in
  const recorded: string[] = [];
  for (const k of first.tasks) {
    const row = detail.getByTestId(`journey-task-${k.key}`);
    await expect(row).toHaveAttribute('data-done', 'false');
    if (k.result === 'checkbox') {
      const box = row.getByRole('checkbox');
      await box.check();
      await expect(box).toBeChecked();
    } else if (k.result === 'note') {
      await row.getByRole('textbox', { name: k.name }).fill(`${k.name}：已与客户确认（${u}）`);
      await row.getByRole('button', { name: '保存' }).click();
      await expect(row.getByRole('img', { name: '已完成' })).toBeVisible();
      await expect(row.getByRole('button', { name: '保存' })).toBeDisabled();
    } else {
      await row.locator('input[type="file"]').setInputFiles(signedFile(`${k.name}-${u}.pdf`));
      await expect(row.getByRole('link', { name: `${k.name}-${u}.pdf` })).toBeVisible();
      await expect(row.getByRole('img', { name: '已完成' })).toBeVisible();
    }
    await expect(row).toHaveAttribute('data-done', 'true');
    recorded.push(k.key);
    const left = required.filter((r) => !recorded.includes(r.key));
    if (left.length) await expect(needed).toHaveText(stillNeeded(left));
  }
  await expect(needed).toBeHidden();
  await expect(complete).toBeEnabled();
  await expect(complete).not.toHaveAttribute('aria-describedby');
  // the file also sits in the customer's files
  if (fileTask)
    await expect(page.getByTestId('record-attachments')).toContainText(`${fileTask.name}-${u}.pdf`);
  await screenshot(page, 'journeys-panel-results');

  if (fileTask) {
    // meanwhile a colleague removes the signed file from the customer: the proof is gone, and
    // completing from the page (which still shows it) is refused by the server with its message
    const recorded = (await api.get(`/api/v1/journeys/${journey.id}`)).data as Journey;
    const attachment = recorded.stages[0]?.tasks.find((k) => k.key === fileTask.key)?.attachment_id;
    expect(attachment).toBeTruthy();
    await api.del(`/api/v1/attachments/${attachment ?? ''}`);
    await complete.click();
    const dialog = page.getByRole('dialog');
    await expect(dialog).toContainText(`完成阶段「${first.name}」`);
    await dialog.getByRole('button', { name: '完成本阶段' }).click();
    await expect(dialog.getByRole('alert')).toContainText('须先记录该关键任务的可验证结果');
    await screenshot(page, 'journeys-complete-refused');
    await dialog.getByRole('button', { name: /取\s*消/ }).click();
    await expect(dialog).toBeHidden();
    // on a fresh look the file shows as removed and the stage cannot be completed
    await page.reload();
    const row = detail.getByTestId(`journey-task-${fileTask.key}`);
    await expect(row.locator('del')).toHaveText(`${fileTask.name}-${u}.pdf`);
    // why, in words on the page (not a tooltip)
    await expect(row.getByTestId(`journey-file-removed-${fileTask.key}`)).toContainText(
      '已从客户附件中删除，不再作为可验证结果',
    );
    await expect(row).toHaveAttribute('data-done', 'false');
    await expect(complete).toBeDisabled();
    await expect(needed).toHaveText(stillNeeded([fileTask]));
    // the signed file again
    await row.locator('input[type="file"]').setInputFiles(signedFile(`${fileTask.name}-${u}-2.pdf`));
    await expect(row.getByRole('link', { name: `${fileTask.name}-${u}-2.pdf` })).toBeVisible();
    await expect(complete).toBeEnabled();

    // removed on this page, from the customer's files: the journey panel follows at once (no
    // reload) — the task is open again and the stage says so
    const files = page.getByTestId('record-attachments');
    const secondFile = `${fileTask.name}-${u}-2.pdf`;
    await files
      .getByTestId('attachment-row')
      .filter({ hasText: secondFile })
      .getByRole('button', { name: `删除 ${secondFile}` })
      .click();
    await page.getByRole('button', { name: /^删\s*除$/ }).click();
    await expect(files.getByTestId('attachment-row').filter({ hasText: secondFile })).toHaveCount(0);
    await expect(row).toHaveAttribute('data-done', 'false');
    await expect(row.locator('del')).toHaveText(secondFile);
    await expect(row.getByRole('img', { name: '已完成' })).toBeHidden();
    await expect(needed).toHaveText(stillNeeded([fileTask]));
    await expect(complete).toBeDisabled();
    await expect(complete).toHaveAccessibleDescription(stillNeeded([fileTask]));
    await detail.scrollIntoViewIfNeeded();
    await screenshot(page, 'journeys-file-removed');
    // and once more from the panel, which also lists it among the customer's files
    await row.locator('input[type="file"]').setInputFiles(signedFile(`${fileTask.name}-${u}-3.pdf`));
    await expect(row.getByRole('link', { name: `${fileTask.name}-${u}-3.pdf` })).toBeVisible();
    await expect(files).toContainText(`${fileTask.name}-${u}-3.pdf`);
    await expect(needed).toBeHidden();
    await expect(complete).toBeEnabled();
  }

  // complete the stage today: the next one is under way, the first shows the day it was completed
  await complete.click();
  const dialog = page.getByRole('dialog');
  await expect(dialog.getByRole('textbox', { name: '完成日期' })).toHaveValue(today);
  await dialog.getByRole('button', { name: '完成本阶段' }).click();
  await expect(page.getByText(`已完成「${first.name}」`)).toBeVisible();
  await expect(dialog).toBeHidden();
  await expect(step(first.key)).toHaveAttribute('data-state', 'done');
  await expect(stepDates(first.key)).toContainText(`${today} → ${today}`);
  await expect(step(second.key)).toHaveAttribute('data-state', 'current');
  await expect(step(second.key)).toHaveAttribute('aria-current', 'step');
  await expect(detail).toContainText(second.name);
  for (const k of second.tasks)
    await expect(detail.getByTestId(`journey-task-${k.key}`)).toContainText(k.name);
  await screenshot(page, 'journeys-panel-next-stage');

  // the durations report counts the completed stage; the customer is listed at its second stage
  await panel.getByRole('link', { name: '全部旅程' }).click();
  await expect(page).toHaveURL(/\/success\/journeys$/);
  await expect(page.getByTestId('journeys-durations')).toBeVisible();
  const table = page.getByTestId('journeys-durations-table');
  const firstRow = table.locator('tr.ant-table-row').filter({ hasText: first.name });
  await expect(firstRow.locator('td').nth(2)).toHaveText(String(completedBefore + 1));
  const listed = page.getByTestId('journeys-list').locator('tr.ant-table-row').filter({ hasText: customer });
  await expect(listed).toContainText(second.name);
  await expect(listed).toContainText(`(1/${journey.stages.length})`);
  // the link keeps the account page's scroll position: bring the report into view for the picture
  await page.getByTestId('journeys-kpi-active').scrollIntoViewIfNeeded();
  await screenshot(page, 'journeys-durations');
});

/** The browser session's CSRF token (the cookie the app sends back as a header). */
async function csrf(page: Page): Promise<string> {
  const cookies = await page.context().cookies();
  return decodeURIComponent(cookies.find((c) => c.name === 'fw_csrf')?.value ?? '');
}
