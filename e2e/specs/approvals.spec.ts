import { readFile } from 'node:fs/promises';
import { test, expect, signIn, screenshot } from '../support/fixtures';
import { apiSession, newDepartment, newUser, uniq } from '../support/api';

test('a large contract needs approval: signing is refused, the rep submits, the named manager approves from the inbox, the rep signs and attaches a file', async ({
  page,
  request,
}) => {
  // three sign-ins and cold record pages on a busy machine
  test.setTimeout(180_000);
  const u = uniq();
  const admin = await apiSession(request);
  const dept = await newDepartment(admin, `审批测试部${u}`);
  const manager = await newUser(admin, {
    email: `appr-mgr${u}@flywheel.local`,
    name: `审批经理${u}`,
    role: 'sales_manager',
    department_id: dept.id,
  });
  const rep = await newUser(admin, {
    email: `appr-rep${u}@flywheel.local`,
    name: `合同代表${u}`,
    role: 'sales_rep',
    department_id: dept.id,
  });
  const contractName = `审批测试${u}年度合同`;
  // amount ≥ 100 000 yuan (in fen) → the named manager approves; the name keeps other runs' processes out
  await admin.post('/api/v1/approvals/processes', {
    name: `大额合同审批${u}`,
    object: 'contract',
    triggers: ['manual'],
    priority: 10,
    condition: [
      { field: 'amount', op: 'gte', value: 10_000_000 },
      { field: 'name', op: 'starts_with', value: `审批测试${u}` },
    ],
    nodes: [{ name: '经理审批', kind: 'user', user_id: manager.id, condition: [], timeout_hours: 24 }],
  });

  // the rep's own records (the API session now speaks for the rep)
  const repApi = await apiSession(request, rep);
  const account = (await repApi.post('/api/v1/objects/account', { name: `审批客户${u}有限公司` })).data as {
    id: string;
  };
  const contract = (
    await repApi.post('/api/v1/objects/contract', {
      name: contractName,
      account_id: account.id,
      amount: { amount: 20_000_000, currency: 'CNY' },
    })
  ).data as { id: string };

  // 1. the rep tries to sign: the contract needs approval first
  await signIn(page, rep);
  await page.goto(`/o/contract/${contract.id}`);
  const actions = page.getByTestId('contract-actions');
  await expect(actions).toContainText('草稿', { timeout: 30_000 });
  await actions.getByRole('button', { name: '签署', exact: true }).click();
  await page.getByRole('dialog').getByRole('button', { name: '签署', exact: true }).click();
  await expect(page.getByTestId('contract-problem')).toContainText('该合同需要审批后才能签署');
  await screenshot(page, 'approvals-sign-needs-approval');

  // 2. submit: in approval, locked
  await actions.getByRole('button', { name: '提交合同审批', exact: true }).click();
  await expect(actions).toContainText('审批中');
  await expect(page.getByTestId('record-locked')).toContainText('审批结束前该记录不能修改或删除');
  await expect(page.getByTestId('record-approvals')).toContainText(`审批经理${u}`);

  // 3. the manager sees it in the inbox, with the badge, and approves
  await signIn(page, manager);
  await page.goto('/approvals');
  await expect(page.getByTestId('approvals-badge')).toContainText('1', { timeout: 30_000 });
  const inbox = page.getByTestId('approval-inbox');
  const row = inbox.locator('tr').filter({ hasText: contractName });
  await expect(row).toContainText(`合同代表${u}`);
  await screenshot(page, 'approvals-inbox');
  await row.getByRole('button', { name: '处理' }).click();
  const drawer = page.getByTestId('instance-drawer');
  await drawer.getByRole('textbox', { name: '审批意见' }).fill('金额合理，同意');
  await drawer.getByRole('button', { name: '同意', exact: true }).click();
  await expect(inbox).toContainText('没有待审批事项');
  await expect(page.getByTestId('approvals-badge')).toHaveCount(0);

  // 4. the rep reloads and signs
  await signIn(page, rep);
  await page.goto(`/o/contract/${contract.id}`);
  await expect(page.getByTestId('record-approvals')).toContainText('已通过', { timeout: 30_000 });
  await expect(page.getByTestId('record-approvals')).toContainText('金额合理，同意');
  await actions.getByRole('button', { name: '签署', exact: true }).click();
  await page.getByRole('dialog').getByRole('button', { name: '签署', exact: true }).click();
  await expect(actions).toContainText('合同状态：已签署');
  await expect(actions.getByRole('button', { name: '归档' })).toBeVisible();

  // 5. attach a small file and download it back
  const files = page.getByTestId('record-attachments');
  await expect(files).toContainText('还没有附件');
  await files.locator('input[type=file]').setInputFiles({
    name: '签署版合同.txt',
    mimeType: 'text/plain',
    buffer: Buffer.from('HT signed copy'),
  });
  const rowFile = files.getByTestId('attachment-row').filter({ hasText: '签署版合同.txt' });
  await expect(rowFile).toContainText(`合同代表${u}`);
  const downloading = page.waitForEvent('download');
  await rowFile.getByRole('link', { name: '下载 签署版合同.txt' }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toBe('签署版合同.txt');
  expect(await readFile(await download.path(), 'utf8')).toBe('HT signed copy');
  await screenshot(page, 'approvals-contract-signed');
});
