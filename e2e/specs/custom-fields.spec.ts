import { test, expect, ADMIN, signIn, screenshot } from '../support/fixtures';

test('a custom select field appears in the form, the list filter and as a kanban (metadata-driven)', async ({
  page,
}) => {
  await signIn(page, ADMIN, 'zh-CN');
  const csrf = (await page.context().cookies()).find((c) => c.name === 'fw_csrf')?.value ?? '';
  const created = await page.request.post('/api/v1/metadata/objects/account/fields', {
    headers: { 'X-CSRF-Token': csrf },
    data: {
      api_name: 'region__c',
      type: 'select',
      label: { 'zh-CN': '销售区域', 'en-US': 'Sales region' },
      options: [
        { value: 'east', label: { 'zh-CN': '华东', 'en-US': 'East' } },
        { value: 'south', label: { 'zh-CN': '华南', 'en-US': 'South' } },
      ],
    },
  });
  expect(created.status(), await created.text()).toBe(201);

  // Form: the new field is there with its options in the UI language.
  await page.goto('/o/account/new');
  const item = page.locator('.ant-form-item').filter({ has: page.getByText('销售区域', { exact: true }) });
  await expect(item).toBeVisible();
  await page.getByLabel('客户名称').fill('E2E 区域客户');
  await item.getByRole('combobox').fill('华东');
  await item.getByRole('combobox').press('Enter');
  await page.getByRole('button', { name: '保存' }).click();
  await expect(page.getByTestId('record-title')).toHaveText('E2E 区域客户');
  await expect(page.getByTestId('section-details')).toContainText('华东');

  // List filter on the custom field.
  await page.goto('/o/account');
  await page.getByRole('button', { name: '添加筛选' }).click();
  const form = page.getByTestId('filter-form');
  await form.getByLabel('字段').fill('销售区域');
  await form.getByLabel('字段').press('Enter');
  await form.getByLabel('值').fill('华东');
  await form.getByLabel('值').press('Enter');
  await form.getByRole('button', { name: '应用' }).click();
  await expect(page.getByTestId('list-total')).toHaveText('共 1 条');
  await expect(page.locator('.ant-table-row')).toContainText('E2E 区域客户');

  // Kanban on the custom field.
  await page.getByTestId('layout-select').click();
  await page.locator('.ant-select-dropdown:visible').getByText('看板：销售区域').click();
  await expect(page.getByTestId('kanban-col-east').getByTestId('kanban-card')).toContainText('E2E 区域客户');
  await screenshot(page, 'custom-field-kanban-zh-CN');
});
