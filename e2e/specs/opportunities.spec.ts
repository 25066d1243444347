import { test, expect, ADMIN, REP, signIn, screenshot } from '../support/fixtures';
import { apiSession, uniq } from '../support/api';

interface Column {
  key: string;
  count: number;
  amounts: { currency: string; amount: number; weighted: number }[];
}

/** The web's zh-CN money format (web/src/format/money.ts): ¥ and 万 above ten thousand yuan. */
function zhMoney(fen: number): string {
  const yuan = fen / 100;
  if (yuan >= 10_000)
    return `¥${new Intl.NumberFormat('zh-CN', { maximumFractionDigits: 2 }).format(yuan / 10_000)}万`;
  return `¥${new Intl.NumberFormat('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(yuan)}`;
}

test('a rep moves a deal through the gated pipeline, loses it with a reason and restores it', async ({
  page,
  request,
}) => {
  const rep = await apiSession(request, REP);
  const u = uniq();
  const account = (await rep.post('/api/v1/objects/account', { name: `商机看板测试${u}有限公司` })).data as {
    id: string;
  };
  const name = `看板商机${u}`;
  const opp = (
    await rep.post('/api/v1/objects/opportunity', {
      name,
      account_id: account.id,
      amount: { amount: 12_000_000, currency: 'CNY' },
      close_date: '2099-12-31',
    })
  ).data as { id: string; stage: string; pipeline_id: string };
  expect(opp.stage).toBe('discovery');

  await signIn(page, REP);
  // a second deal on the same account: the create form warns with the open one first
  await page.goto(`/o/opportunity/new?account_id=${account.id}`);
  await page.getByLabel('商机名称').fill(`重复商机${u}`);
  await page.getByRole('button', { name: /保\s*存/ }).click();
  const dup = page.getByRole('dialog').filter({ hasText: '该客户已有 1 个进行中的同类商机' });
  await expect(dup).toBeInViewport();
  await expect(dup.getByTestId('opp-dup-hits')).toContainText(name);
  await dup.getByRole('button', { name: /取\s*消/ }).click();
  await expect(dup).toBeHidden();
  const dups = (
    await rep.get(`/api/v1/objects/opportunity?filter[name][eq]=${encodeURIComponent(`重复商机${u}`)}`)
  ).data as unknown[];
  expect(dups).toHaveLength(0);

  await page.goto('/sales/board');
  await expect(page.getByRole('heading', { name: '商机看板' })).toBeVisible();
  const card = (col: string) =>
    page.getByTestId(`board-col-${col}`).getByTestId('board-card').filter({ hasText: name });
  await expect(card('discovery')).toBeVisible();
  await expect(card('discovery').getByTestId('dwell-badge')).toHaveText('0 天');

  // drag discovery → solution: the dialog opens first and says nothing is missing
  await card('discovery').dragTo(page.getByTestId('board-col-solution'));
  const dialog = page.getByRole('dialog').filter({ has: page.getByTestId('stage-dialog') });
  await expect(dialog).toBeInViewport();
  await expect(dialog.getByText('满足进入此阶段的全部要求。')).toBeVisible();
  await dialog.getByRole('button', { name: '确认移动' }).click();
  await expect(card('solution')).toBeVisible();

  // solution → negotiation through the card menu: refused until a demo is logged
  await card('solution')
    .getByRole('button', { name: `${name} 的操作` })
    .click();
  await page.getByRole('menuitem', { name: '移动到阶段…' }).click();
  await expect(dialog).toBeInViewport();
  await dialog.locator('#stage-dialog-to').click();
  await page.locator('.ant-select-item-option').filter({ hasText: '商务谈判' }).click();
  await expect(dialog.getByTestId('gate-activities')).toContainText('产品演示');
  await expect(dialog.getByRole('button', { name: '确认移动' })).toBeDisabled();
  // the server refuses the same move on its own as well
  const refused = await page.request.post(`/api/v1/sales/opportunities/${opp.id}/stage`, {
    data: { stage: 'negotiation' },
    headers: { 'X-CSRF-Token': await csrf(page) },
  });
  expect(refused.status()).toBe(422);
  expect(JSON.stringify(await refused.json())).toContain('activities.demo');

  await rep.post('/api/v1/objects/activity', { type: 'demo', subject: `演示${u}`, opportunity_id: opp.id });
  await dialog.getByRole('button', { name: /重\s*试/ }).click();
  await expect(dialog.getByText('满足进入此阶段的全部要求。')).toBeVisible();
  await dialog.getByRole('button', { name: '确认移动' }).click();
  await expect(card('negotiation')).toBeVisible();

  // the column headers agree with the server's board for this rep
  const board = (await rep.get(`/api/v1/sales/kanban?pipeline_id=${opp.pipeline_id}&owner_id=${rep.userId}`))
    .data as { columns: Column[] };
  for (const key of ['discovery', 'solution', 'negotiation']) {
    const col = board.columns.find((c) => c.key === key);
    const cny = col?.amounts.find((a) => a.currency === 'CNY') ?? { amount: 0, weighted: 0 };
    await expect(page.getByTestId(`board-count-${key}`)).toHaveText(`${col?.count ?? 0} 个`);
    await expect(page.getByTestId(`board-amount-${key}-CNY`)).toHaveText(zhMoney(cny.amount));
    await expect(page.getByTestId(`board-weighted-${key}-CNY`)).toHaveText(zhMoney(cny.weighted));
  }
  await screenshot(page, 'opportunities-board');
  const negotiation = board.columns.find((c) => c.key === 'negotiation');
  expect(negotiation?.count ?? 0).toBeGreaterThanOrEqual(1);

  // mark lost on the record page: a reason is required
  await card('negotiation').getByRole('link', { name }).click();
  await expect(page.getByTestId('opportunity-panel')).toBeVisible();
  await page
    .getByTestId('opportunity-panel')
    .getByRole('button', { name: /输\s*单/ })
    .click();
  await expect(dialog).toBeInViewport();
  await expect(dialog.getByRole('button', { name: '确认移动' })).toBeDisabled();
  await dialog.locator('#gate-reason').click();
  await page.locator('.ant-select-item-option').filter({ hasText: '价格因素' }).click();
  await dialog.locator('#gate-note').fill('预算被砍');
  await dialog.getByRole('button', { name: '确认移动' }).click();
  await expect(page.getByTestId('closed-tag')).toHaveText('已关闭：输单');
  const lost = (await rep.get(`/api/v1/objects/opportunity/${opp.id}`)).data as Record<string, unknown>;
  expect(lost.stage).toBe('lost');
  expect(lost.close_reason).toBe('价格因素');
  expect(lost.close_note).toBe('预算被砍');

  // restore: back in negotiation with the close fields cleared
  await page.getByRole('button', { name: '恢复商机' }).click();
  await expect(page.getByText('商机已恢复到关闭前的阶段')).toBeVisible();
  await expect(page.locator('.fw-chevron-current')).toHaveText('商务谈判');
  const restored = (await rep.get(`/api/v1/objects/opportunity/${opp.id}`)).data as Record<string, unknown>;
  expect(restored.stage).toBe('negotiation');
  expect(restored.close_reason).toBeNull();
});

test('pipeline settings show field errors on the row and refuse removing a stage that holds deals', async ({
  page,
  request,
}) => {
  const admin = await apiSession(request);
  const u = uniq();
  const account = (await admin.post('/api/v1/objects/account', { name: `流程设置测试${u}有限公司` }))
    .data as {
    id: string;
  };
  // a deal in "discovery" of the default pipeline, so that stage cannot be removed
  await admin.post('/api/v1/objects/opportunity', { name: `设置测试商机${u}`, account_id: account.id });

  await signIn(page, ADMIN);
  await page.goto('/settings/pipelines');
  const section = page.getByTestId('pipelines-section');
  await expect(section.getByText('销售流程与阶段')).toBeVisible();
  const table = section.getByTestId('stages-table-0');
  await expect(table.getByLabel('标识 1')).toHaveValue('discovery');

  // an invalid key: 422 placed on that row's key input
  await table.getByLabel('标识 2').fill('Bad Key');
  await section
    .getByRole('button', { name: /保\s*存/ })
    .first()
    .click();
  await expect(section.getByTestId('pipelines-errors')).toContainText('处需要修改');
  await expect(
    table.locator('tr', { has: page.getByLabel('标识 2') }).getByTestId('row-error'),
  ).toBeVisible();
  await table.getByLabel('标识 2').fill('qualification');

  // removing the stage that holds a deal: 409 explained
  await table.getByRole('button', { name: '删除阶段' }).first().click();
  await section
    .getByRole('button', { name: /保\s*存/ })
    .first()
    .click();
  await expect(section.getByTestId('pipelines-errors')).toContainText('下还有商机');
  const pipelines = (await admin.get('/api/v1/sales/pipelines')).data as { stages: { key: string }[] }[];
  expect(pipelines[0]?.stages.some((s) => s.key === 'discovery')).toBe(true);

  // at phone width the board scrolls inside itself, not the page
  await page.setViewportSize({ width: 390, height: 800 });
  await page.goto('/sales/board');
  await expect(page.getByTestId('pipeline-board')).toBeVisible();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
});

async function csrf(page: import('@playwright/test').Page): Promise<string> {
  const cookies = await page.context().cookies();
  return decodeURIComponent(cookies.find((c) => c.name === 'fw_csrf')?.value ?? '');
}
