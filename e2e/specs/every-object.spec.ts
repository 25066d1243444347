import { test, expect, ADMIN, signIn } from '../support/fixtures';

// Objects come from metadata (modules keep adding them); each must work with the generic views.
test('every object in the navigation opens its list, a record and the create form', async ({ page }) => {
  // three pages per object, and the modules keep adding objects (20+ now)
  test.setTimeout(240_000);
  await signIn(page, ADMIN, 'en-US');
  const meta = await (await page.request.get('/api/v1/metadata/objects')).json();
  const objects = (meta.data as { api_name: string }[]).map((o) => o.api_name);
  expect(objects.length).toBeGreaterThan(1);
  for (const object of objects) {
    await page.goto(`/o/${object}`);
    await expect(page.getByTestId('filter-bar'), object).toBeVisible();
    await expect(page.locator('.ant-alert-error'), object).toHaveCount(0);
    const first = page.locator('.ant-table-row td a').first();
    if (await first.count()) {
      await first.click();
      await expect(page.getByTestId('record-title'), object).toBeVisible();
      await expect(page.locator('.ant-alert-error'), object).toHaveCount(0);
    }
    await page.goto(`/o/${object}/new`);
    // a quote starts from an opportunity: its builder says so when opened without one
    await expect(
      page.getByTestId('record-form').or(page.getByTestId('quote-needs-opportunity')),
      object,
    ).toBeVisible();
  }
});
