import { test, expect, ADMIN, signIn, screenshot } from '../support/fixtures';

test('bulk edit one field on selected rows, then export the filtered list', async ({ page }) => {
  await signIn(page, ADMIN, 'en-US');
  await page.goto('/o/contact');
  await expect(page.getByTestId('list-total')).toBeVisible();
  const rows = page.locator('.ant-table-row');
  const names = [
    (await rows.nth(0).locator('td a').first().textContent()) ?? '',
    (await rows.nth(1).locator('td a').first().textContent()) ?? '',
  ];
  await rows.nth(0).locator('.ant-checkbox-input').check();
  await rows.nth(1).locator('.ant-checkbox-input').check();
  await expect(page.getByTestId('bulk-bar')).toContainText('2 selected');
  await page.getByRole('button', { name: 'Edit selected' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.locator('.ant-select').first().locator('input').fill('Title');
  await dialog.locator('.ant-select').first().locator('input').press('Enter');
  await dialog.locator('input[type="text"]').last().fill('Bulk VP');
  await screenshot(page, 'bulk-edit-en-US');
  await dialog.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByText('2 records updated')).toBeVisible();
  for (const name of names) {
    await expect(rows.filter({ hasText: name }).first()).toContainText('Bulk VP');
  }

  // Scrolling to the end of the table loads the next page (cursor paging).
  await expect(rows).toHaveCount(50);
  await page.getByRole('button', { name: /Load more/ }).scrollIntoViewIfNeeded();
  await expect(rows).toHaveCount(100);

  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export' }).hover();
  await page.getByText('Export CSV').click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/\.csv$/);

  // Bulk delete the two edited contacts: filter them, select all, delete, see the empty state.
  await page.getByRole('button', { name: 'Add filter' }).click();
  const form = page.getByTestId('filter-form');
  await form.getByLabel('Field').fill('Title');
  await form.getByLabel('Field').press('Enter');
  await form.getByLabel('Value').fill('Bulk VP');
  await form.getByRole('button', { name: 'Apply' }).click();
  await expect(page.getByTestId('list-total')).toHaveText('2 records');
  await page.locator('thead .ant-checkbox-input').check();
  await page.getByRole('button', { name: 'Delete selected' }).click();
  await page.locator('.ant-popconfirm').getByRole('button', { name: 'Delete' }).click();
  await expect(page.getByText('2 records deleted')).toBeVisible();
  await expect(page.getByText('No Contacts match these filters')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Clear filters' }).first()).toBeVisible();
  await screenshot(page, 'empty-filtered-en-US');
});
