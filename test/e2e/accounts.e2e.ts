import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { startTestServer } from '../helpers/test-server.ts';
import { ensureWebBuild, openPage, screenshot, type BrowserPage } from './browser.ts';

/**
 * The accounts journey in a real browser, on a fresh database: sign up (after the form rejects a bad
 * email and a short password), sign out, sign in (after a wrong password), find Personas and
 * Settings, walk Settings > Integrations and Company Account > Retail Store, and add a user.
 */

const owner = { company: 'Green Leaf Goods', name: 'Ada Owner', email: 'ada@greenleaf.example', password: 'sprout-and-stem-42' };
const teammate = { name: 'Ben Cashier', email: 'ben@greenleaf.example', password: 'till-drawer-0917' };

let server: Awaited<ReturnType<typeof startTestServer>>;
let browser: BrowserPage;

before(async () => {
  ensureWebBuild();
  server = await startTestServer();
  browser = await openPage(server.url);
});

after(async () => {
  await browser?.close();
  await server?.close();
});

const mainMenu = (page: Page) => page.getByRole('navigation', { name: 'Main menu' });
const settingsMenu = (page: Page) => page.getByRole('navigation', { name: 'Settings' });
const path = (page: Page) => new URL(page.url()).pathname;

/** The message shown under a field, found through the input's aria-describedby. */
async function fieldError(page: Page, label: string): Promise<string> {
  const input = page.getByLabel(label, { exact: true });
  assert.equal(await input.getAttribute('aria-invalid'), 'true', `${label} should be marked invalid`);
  const ids = (await input.getAttribute('aria-describedby')) ?? '';
  const errorId = ids.split(' ').find((id) => id.endsWith('-error'));
  assert.ok(errorId, `${label} should point at its error message`);
  return (await page.locator(`[id="${errorId}"]`).textContent()) ?? '';
}

test('a retailer signs up, signs out and in, finds their way around Settings and adds a user', async (t) => {
  const { page, problems } = browser;

  await t.test('a first visit goes to sign-up, which checks the email and password length', async () => {
    await page.goto('/');
    await page.waitForURL('**/signup');
    await page.getByRole('heading', { name: 'Create your Patron account' }).waitFor();
    await screenshot(page, 'accounts-01-signup');

    await page.getByLabel('Company name').fill(owner.company);
    await page.getByLabel('Your name').fill(owner.name);
    await page.getByLabel('Work email').fill('ada@greenleaf');
    await page.getByLabel('Password').fill('short');
    await page.getByRole('button', { name: 'Create account' }).click();
    assert.match(await fieldError(page, 'Work email'), /valid email address/);
    assert.match(await fieldError(page, 'Password'), /at least 10 characters/);
    assert.equal(path(page), '/signup');
    // The first invalid field takes focus, so a keyboard user can fix it straight away.
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('name')), 'email');
    await screenshot(page, 'accounts-02-signup-errors');

    await page.getByLabel('Work email').fill(owner.email);
    await page.getByLabel('Password').fill(owner.password);
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.waitForURL('**/personas');
  });

  await t.test('the shell shows Personas, Settings, the bell, the company and Sign out', async () => {
    await mainMenu(page).getByRole('link', { name: 'Personas', exact: true }).waitFor();
    await mainMenu(page).getByRole('link', { name: 'Settings', exact: true }).waitFor();
    assert.equal(await page.getByTestId('company-name').textContent(), owner.company);
    await page.getByTestId('notification-count').waitFor();
    assert.equal(await page.getByTestId('notification-count').textContent(), '0');
    await page.getByRole('heading', { name: 'No personas yet' }).waitFor();
    await page.getByText('Connect your point of sale in').waitFor();
    await screenshot(page, 'accounts-03-personas-empty');
  });

  await t.test('sign out, then sign in after a wrong password', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL('**/signin');
    // Signed out, app pages send the visitor back to sign-in.
    await page.goto('/settings/company');
    await page.waitForURL('**/signin');

    await page.getByLabel('Email').fill(owner.email);
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('That email and password do not match an account.').waitFor();
    assert.match(await fieldError(page, 'Password'), /do not match/);
    assert.equal(path(page), '/signin');
    await screenshot(page, 'accounts-04-signin-wrong-password');

    await page.getByLabel('Password').fill(owner.password);
    await page.getByLabel('Password').press('Enter');
    // Back where the visitor was headed before signing in.
    await page.waitForURL('**/settings/company');
  });

  await t.test('Settings > Integrations and Company Account > Retail Store, with back and forward', async () => {
    await mainMenu(page).getByRole('link', { name: 'Personas', exact: true }).click();
    await page.waitForURL('**/personas');
    await mainMenu(page).getByRole('link', { name: 'Settings', exact: true }).click();
    await page.waitForURL('**/settings/integrations');
    await page.getByRole('heading', { name: 'Integrations', level: 1 }).waitFor();
    await screenshot(page, 'accounts-05-integrations');

    await settingsMenu(page).getByRole('link', { name: 'Company Account' }).click();
    await page.waitForURL('**/settings/company');
    await page.getByRole('heading', { name: 'Company Account', level: 1 }).waitFor();
    // The Company Account page's own link (not the sub-menu entry).
    await page.getByRole('link', { name: /^Retail Store\s+Your stores/ }).click();
    await page.waitForURL('**/settings/company/retail-store');
    await page.getByRole('heading', { name: 'Retail Store', level: 1 }).waitFor();
    await page.getByRole('heading', { name: 'No stores yet' }).waitFor();
    await screenshot(page, 'accounts-06-retail-store');

    await page.goBack();
    await page.waitForURL('**/settings/company');
    await page.getByRole('heading', { name: 'Company Account', level: 1 }).waitFor();
    await page.goForward();
    await page.waitForURL('**/settings/company/retail-store');
    await page.getByRole('heading', { name: 'Retail Store', level: 1 }).waitFor();
  });

  await t.test('an admin adds a user from Company Account', async () => {
    await page.getByRole('navigation', { name: 'Breadcrumb' }).getByRole('link', { name: 'Company Account' }).click();
    await page.waitForURL('**/settings/company');
    await page.getByRole('cell', { name: owner.email }).waitFor();

    const form = page.getByRole('form', { name: 'Add user' });
    await form.getByLabel('Name').fill(teammate.name);
    await form.getByLabel('Email').fill(teammate.email);
    await form.getByLabel('Password').fill(teammate.password);
    await form.getByLabel('Role').selectOption('member');
    await form.getByRole('button', { name: 'Add user' }).click();

    await page.getByText(`${teammate.name} can now sign in with ${teammate.email}.`).waitFor();
    const row = page.getByRole('row').filter({ hasText: teammate.email });
    await row.waitFor();
    assert.match((await row.textContent()) ?? '', /Ben Cashier.*Member/);
    assert.equal(await form.getByLabel('Name').inputValue(), '', 'the form is cleared for the next person');

    // The same email again: the server's answer lands next to the email field.
    await form.getByLabel('Name').fill('Ben Again');
    await form.getByLabel('Email').fill(teammate.email);
    await form.getByLabel('Password').fill(teammate.password);
    await form.getByRole('button', { name: 'Add user' }).click();
    await form.getByText('Someone already has a Patron account with this email.').waitFor();
    assert.match(await fieldError(page, 'Email'), /already has a Patron account/);
    assert.equal(await page.getByText('can now sign in with').count(), 0, 'the earlier success message is gone');
    await screenshot(page, 'accounts-07-company-account', { fullPage: true });
  });

  await t.test('the browser reported no errors', () => {
    assert.deepEqual(problems.consoleErrors, []);
    assert.deepEqual(problems.failedRequests, []);
  });
});
