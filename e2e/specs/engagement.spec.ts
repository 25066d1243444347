import { test, expect, ADMIN, signIn } from '../support/fixtures';
import { apiSession, uniq } from '../support/api';

test('raise a light from the account page: it lands on the board with its description', async ({
  page,
  request,
}) => {
  const api = await apiSession(request);
  const name = `按灯客户 ${uniq()}`;
  const acc = (await api.post('/api/v1/objects/account', { name, csm_id: api.userId })).data as {
    id: string;
  };
  await signIn(page, ADMIN);
  await page.goto(`/o/account/${acc.id}`);
  await page.getByTestId('raise-light').click();
  // the description is required: the form says so before anything is sent
  await page.getByTestId('raise-submit').click();
  await expect(page.getByText('请描述问题')).toBeVisible();
  await page.getByTestId('raise-description').fill('报表导出频繁超时，客户管理员很不满意');
  await page.getByTestId('raise-submit').click();
  await expect(page.getByText('已按灯，已通知负责人')).toBeVisible();

  await page.goto('/success/lights');
  const card = page.getByTestId('light-card').filter({ hasText: name });
  await expect(card).toBeVisible();
  await card.click();
  await expect(page.getByTestId('light-status')).toBeVisible();
  await expect(page.getByText('报表导出频繁超时，客户管理员很不满意').last()).toBeVisible();
});
