import { test, expect, ADMIN, REP, screenshot } from '../support/fixtures';
import { Secret, TOTP } from 'otpauth';

test('login: wrong password shows the server message, then sign in and sign out', async ({ page }) => {
  await page.goto('/');
  await expect(page).toHaveURL(/\/login/);
  await page.getByLabel('邮箱').fill(ADMIN.email);
  await page.getByLabel('密码').fill('not-the-password');
  await page.getByRole('button', { name: '登录' }).click();
  await expect(page.getByRole('alert')).toBeVisible();
  await expect(page.getByRole('alert')).not.toBeEmpty();
  await screenshot(page, 'login-wrong-password');

  await page.getByLabel('密码').fill(ADMIN.password);
  await page.getByRole('button', { name: '登录' }).click();
  await expect(page.getByRole('heading', { name: /欢迎/ })).toBeVisible();

  await page.getByTestId('user-menu').click();
  await page.getByText('退出登录').click();
  await expect(page).toHaveURL(/\/login/);
  await page.goto('/o/account');
  await expect(page).toHaveURL(/\/login\?next=%2Fo%2Faccount/);
});

test('login: repeated failures show the lockout message (en-US)', async ({ page }) => {
  await page.goto('/login');
  await page.getByText('EN', { exact: true }).click();
  await page.getByLabel('E-mail').fill('rep12@flywheel.local');
  for (let i = 0; i < 5; i += 1) {
    await page.getByLabel('Password').fill(`wrong-${i}`);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('alert')).toBeVisible();
  }
  await expect(page.getByRole('alert')).toContainText(/minute/i);
  await screenshot(page, 'login-locked');
});

test('session expiry sends the user to login and back to the same page', async ({ page, context }) => {
  await page.goto('/login');
  await page.getByLabel('邮箱').fill(ADMIN.email);
  await page.getByLabel('密码').fill(ADMIN.password);
  await page.getByRole('button', { name: '登录' }).click();
  await expect(page.getByRole('heading', { name: /欢迎/ })).toBeVisible();
  await page.goto('/o/contact');
  await expect(page.getByTestId('list-total')).toBeVisible();

  const cookies = await context.cookies();
  await context.clearCookies();
  await context.addCookies(cookies.filter((c) => c.name !== 'fw_session'));
  // Any API call now answers 401: the next navigation inside the app triggers the redirect.
  await page.getByTestId('side-nav').getByText('客户', { exact: true }).click();
  await expect(page).toHaveURL(/\/login\?next=%2Fo%2Faccount/);
  await expect(page.getByText('登录已过期，请重新登录。')).toBeVisible();

  await page.getByLabel('邮箱').fill(ADMIN.email);
  await page.getByLabel('密码').fill(ADMIN.password);
  await page.getByRole('button', { name: '登录' }).click();
  await expect(page).toHaveURL(/\/o\/account$/);
  await expect(page.getByTestId('list-total')).toBeVisible();
});

test('a sales rep does not see Settings', async ({ page }) => {
  await page.goto('/login');
  await page.getByLabel('邮箱').fill(REP.email);
  await page.getByLabel('密码').fill(REP.password);
  await page.getByRole('button', { name: '登录' }).click();
  const nav = page.getByTestId('side-nav');
  await expect(nav.getByText('销售', { exact: true })).toBeVisible();
  await expect(nav.getByText('客户', { exact: true })).toBeVisible();
  await expect(nav.getByText('设置')).toHaveCount(0);
  await page.goto('/settings');
  await expect(page.getByText('404')).toBeVisible();
});

test('login with TOTP: the code step appears, a wrong code is refused, a recovery code signs in', async ({
  page,
  browser,
}) => {
  // A user of its own (other specs sign in as the demo reps), enrolled in TOTP through the API
  // in a separate browser context.
  const setup = await browser.newContext({ baseURL: test.info().project.use.baseURL });
  const email = `totp${Date.now()}@flywheel.local`;
  const asAdmin = await setup.request.post('/api/v1/auth/login', { data: ADMIN });
  const adminCsrf = (await asAdmin.json()).data.csrf_token as string;
  const created = await setup.request.post('/api/v1/admin/users', {
    data: { email, name: '双因素测试', password: REP.password, role: 'sales_rep' },
    headers: { 'X-CSRF-Token': adminCsrf },
  });
  expect(created.ok(), await created.text()).toBeTruthy();
  await setup.request.post('/api/v1/auth/logout', { headers: { 'X-CSRF-Token': adminCsrf } });
  const login = await setup.request.post('/api/v1/auth/login', {
    data: { email, password: REP.password },
  });
  const csrf = (await login.json()).data.csrf_token as string;
  const enroll = await setup.request.post('/api/v1/me/totp/enroll', { headers: { 'X-CSRF-Token': csrf } });
  const secret = (await enroll.json()).data.secret as string;
  const code = new TOTP({ secret: Secret.fromBase32(secret) }).generate();
  const confirm = await setup.request.post('/api/v1/me/totp/confirm', {
    data: { code },
    headers: { 'X-CSRF-Token': csrf },
  });
  expect(confirm.ok(), await confirm.text()).toBeTruthy();
  const recovery = (await confirm.json()).data.recovery_codes[0] as string;
  await setup.close();

  await page.goto('/login');
  await page.getByLabel('邮箱').fill(email);
  await page.getByLabel('密码').fill(REP.password);
  await page.getByRole('button', { name: '登录' }).click();
  const totp = page.getByLabel('动态验证码');
  await expect(totp).toBeFocused();
  await totp.fill('000000');
  await totp.press('Enter');
  await expect(page.getByRole('alert')).not.toBeEmpty();
  await expect(totp).toBeVisible();
  await screenshot(page, 'login-totp-zh-CN');
  await totp.fill(recovery);
  await totp.press('Enter');
  await expect(page.getByRole('heading', { name: /欢迎/ })).toBeVisible();
});
