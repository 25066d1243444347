import { test, expect, ADMIN, signIn } from '../support/fixtures';

test('list search and sort live in the URL and survive a reload (en-US)', async ({ page }) => {
  await signIn(page, ADMIN, 'en-US');
  await page.goto('/o/account');
  await expect(page.getByTestId('list-total')).toBeVisible();
  await page.locator('.ant-table-thead th').filter({ hasText: 'Account name' }).click();
  await expect(page).toHaveURL(/[?&]sort=name/);
  await page.getByPlaceholder('Search Accounts').fill('zzz-no-such-account');
  await expect(page).toHaveURL(/[?&]q=zzz-no-such-account/);
  await expect(page.getByText('No Accounts match these filters')).toBeVisible();

  await page.reload();
  await expect(page.getByPlaceholder('Search Accounts')).toHaveValue('zzz-no-such-account');
  await expect(page.getByText('No Accounts match these filters')).toBeVisible();
  await page.getByRole('button', { name: 'Clear filters' }).click();
  await expect(page.getByTestId('list-total')).toBeVisible();
  await expect(page).not.toHaveURL(/[?&]q=/);
  await expect(page.locator('.ant-table-thead th').filter({ hasText: 'Account name' })).toHaveAttribute(
    'aria-sort',
    'ascending',
  );
});
