import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { startEmulator, type Emulator, type Store } from '../../emulator/index.ts';
import { startTestServer } from '../helpers/test-server.ts';
import { ensureWebBuild, openPage, screenshot, type BrowserPage, signUpInBrowser } from './browser.ts';

/**
 * "How to connect Lightspeed X-Series", step by step in a real browser against the Lightspeed
 * emulator: sign up, Settings > Integrations, search (the article's "Alleaves" finds nothing; Patron
 * finds the card by "Lightspeed" or "Vend"), Connect, Token + DomainPrefix, Add Credential, the
 * Loyalty age gate, Update Connection. Then the ways adding a store goes wrong, each of which must
 * leave the stored credentials untouched, the Integration Grid, and the row actions.
 */

const owner = { company: 'Demo Retail Co', name: 'Dana Owner', email: 'dana@demo-retail.example', password: 'lightspeed-setup-2025' };
const AGE_GATE = 'All users from this source have passed an age gate compliant with my industry';
const CONNECTION_API = '/api/connections/lightspeed-x';

let emu: Emulator;
let store: Store;
let server: Awaited<ReturnType<typeof startTestServer>>;
let browser: BrowserPage;

before(async () => {
  ensureWebBuild();
  emu = await startEmulator();
  store = emu.createStore({ domainPrefix: 'demo-store', name: 'Demo Store', customers: 30, sales: 20, outlets: 2, registers: 2, seed: 1 });
  server = await startTestServer({ env: { LIGHTSPEED_BASE_URL: emu.baseUrlTemplate }, jobs: true });
  browser = await openPage(server.url);
});

after(async () => {
  await browser?.close();
  await server?.close();
  await emu?.close();
});

const mainMenu = (page: Page) => page.getByRole('navigation', { name: 'Main menu' });
const settingsMenu = (page: Page) => page.getByRole('navigation', { name: 'Settings' });
const addForm = (page: Page) => page.getByRole('form', { name: /^Add (your|another) store$/ });
const searchBox = (page: Page) => page.getByRole('searchbox', { name: 'Search integrations' });
const integrationCards = (page: Page) => page.getByRole('list', { name: 'Integrations' }).getByRole('listitem');

/** The message shown beside a field, found through the input's aria-describedby. */
async function fieldError(page: Page, label: string): Promise<string> {
  const input = addForm(page).getByLabel(label, { exact: true });
  assert.equal(await input.getAttribute('aria-invalid'), 'true', `${label} should be marked invalid`);
  const ids = (await input.getAttribute('aria-describedby')) ?? '';
  const errorId = ids.split(' ').find((id) => id.endsWith('-error'));
  assert.ok(errorId, `${label} should point at its error message`);
  return (await page.locator(`[id="${errorId}"]`).textContent()) ?? '';
}

/** What the server has stored, read with the page's own session cookie. */
async function storedConnection(page: Page) {
  const response = await page.request.get(CONNECTION_API);
  assert.equal(response.status(), 200);
  const body = (await response.json()) as {
    connection: { ageGateConfirmed: boolean; credentials: Array<{ storeAddress: string; storeName: string; status: string }> };
  };
  return body.connection;
}

async function search(page: Page, text: string) {
  await searchBox(page).fill(text);
  // The search runs on the server after a short pause; the address records it.
  await page.waitForURL((url) => url.searchParams.get('q') === text);
}

async function tryToAdd(page: Page, token: string, domainPrefix: string) {
  await addForm(page).getByLabel('Token', { exact: true }).fill(token);
  await addForm(page).getByLabel('DomainPrefix', { exact: true }).fill(domainPrefix);
  await addForm(page).getByRole('button', { name: 'Add Credential' }).click();
  await addForm(page).getByRole('button', { name: 'Add Credential' }).waitFor();
}

test('a retailer connects Lightspeed X-Series by following the help article', async (t) => {
  const { page, problems } = browser;

  await t.test('sign up', async () => {
    await page.goto('/');
    await page.waitForURL('**/signup');
    await signUpInBrowser(page, owner);
  });

  await t.test('Settings > Integrations: "Alleaves" finds nothing, "vend" and "Lightspeed" find the card', async () => {
    await mainMenu(page).getByRole('link', { name: 'Settings', exact: true }).click();
    await settingsMenu(page).getByRole('link', { name: 'Integrations' }).click();
    await page.waitForURL('**/settings/integrations');
    await page.getByRole('heading', { name: 'Integrations', level: 1 }).waitFor();
    await integrationCards(page).first().waitFor();
    assert.equal(await searchBox(page).getAttribute('placeholder'), 'Search by name, e.g. Lightspeed');
    await screenshot(page, 'lightspeed-01-integrations');

    // The article says to search for Alleaves: that is another product, and Patron says nothing matches.
    await search(page, 'Alleaves');
    await page.getByRole('heading', { name: 'No integration matches “Alleaves”' }).waitFor();
    assert.equal(await integrationCards(page).count(), 0);
    await screenshot(page, 'lightspeed-02-search-alleaves');

    await search(page, 'vend');
    await page.getByRole('heading', { name: 'Lightspeed X-Series', level: 2 }).waitFor();

    await search(page, 'Lightspeed');
    await page.getByRole('heading', { name: 'Lightspeed X-Series', level: 2 }).waitFor();
    assert.equal(await integrationCards(page).count(), 1);
    const card = integrationCards(page).first();
    assert.match((await card.textContent()) ?? '', /Point of sale.*formerly Vend/);
    assert.equal(await card.getByTestId('connected-count').count(), 0, 'nothing is connected yet');
    await screenshot(page, 'lightspeed-03-search-lightspeed');
  });

  await t.test('the Integration Grid lists the features as a table', async () => {
    await page.getByRole('link', { name: 'Integration Grid' }).first().click();
    await page.waitForURL('**/settings/integrations/grid');
    const table = page.getByRole('table', { name: 'Supported features' });
    await table.waitFor();
    const headers = await table.getByRole('columnheader').allTextContents();
    assert.equal(headers[0], 'Integration');
    assert.ok(headers.includes('Customers') && headers.includes('Loyalty points'), `feature columns: ${headers.join(', ')}`);
    const row = table.getByRole('row').filter({ has: page.getByRole('rowheader', { name: /Lightspeed X-Series/ }) });
    const cells = await row.getByRole('cell').allTextContents();
    assert.equal(cells.length, headers.length - 1, 'one cell per feature');
    for (const cell of cells) assert.match(cell, /^(✓Supported|—Not yet)$/, 'every cell says its answer in words');
    await screenshot(page, 'lightspeed-04-integration-grid');
    await page.goBack();
    await page.waitForURL((url) => url.pathname === '/settings/integrations');
  });

  await t.test('Connect opens the connection page with its sections in order', async () => {
    await search(page, 'Lightspeed');
    await integrationCards(page).first().getByRole('link', { name: 'Connect' }).click();
    await page.waitForURL('**/settings/integrations/lightspeed-x');
    await page.getByRole('heading', { name: 'Lightspeed X-Series', level: 1 }).waitFor();
    await page.getByText('Setup > Personal Tokens').waitFor();
    // The guide renders at once; the sections below it come with the connection's data.
    await page.getByRole('heading', { name: 'Integration Settings', level: 2 }).waitFor();
    const sections = await page.getByRole('heading', { level: 2 }).allTextContents();
    const order = ['Credentials', 'Loyalty', 'Integration Settings'].map((name) => sections.indexOf(name));
    assert.ok(order.every((index, i) => index >= 0 && (i === 0 || index > (order[i - 1] ?? -1))), `sections: ${sections.join(' | ')}`);
    assert.equal(await addForm(page).getByLabel('Token', { exact: true }).getAttribute('type'), 'password');
    assert.equal(await addForm(page).getByLabel('Token', { exact: true }).getAttribute('autocomplete'), 'off');
    // No customer groups before the first sync, and no PUBLIC_URL in this server's config.
    assert.equal(await page.getByLabel('Customer groups to exclude').isDisabled(), true);
    await page.getByText('Available after the first sync').waitFor();
    assert.equal(await page.getByLabel('Real-time updates').isDisabled(), true);
    await page.getByText('Needs PUBLIC_URL so Lightspeed can reach Patron').waitFor();
    await screenshot(page, 'lightspeed-05-connection-page', { fullPage: true });
  });

  await t.test('Token + DomainPrefix, Add Credential: Patron checks with Lightspeed and shows the store', async () => {
    await addForm(page).getByLabel('Token', { exact: true }).fill(store.token);
    await addForm(page).getByRole('button', { name: 'Show' }).click();
    assert.equal(await addForm(page).getByLabel('Token', { exact: true }).getAttribute('type'), 'text', 'Show reveals the pasted token');
    await addForm(page).getByRole('button', { name: 'Hide' }).click();
    await addForm(page).getByLabel('DomainPrefix', { exact: true }).fill('demo-store');

    // Hold the request so the pending state can be seen.
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route(
      `**${CONNECTION_API}/credentials`,
      async (route) => {
        await held;
        await route.continue();
      },
      { times: 1 },
    );
    await addForm(page).getByRole('button', { name: 'Add Credential' }).click();
    const pending = addForm(page).getByRole('button', { name: 'Checking with Lightspeed…' });
    await pending.waitFor();
    assert.equal(await pending.isDisabled(), true);
    await screenshot(page, 'lightspeed-06-checking');
    release();

    const success = page.getByRole('status').filter({ hasText: 'Connected to Demo Store' });
    await success.waitFor();
    assert.match((await success.textContent()) ?? '', /Connected to Demo Store: 2 outlets, 2 registers, rate limit \d+ requests per 5 minutes/);
    assert.equal(await addForm(page).getByLabel('Token', { exact: true }).inputValue(), '', 'the form clears');
    assert.equal(await addForm(page).getByLabel('DomainPrefix', { exact: true }).inputValue(), '');

    const row = page.getByRole('list', { name: 'Connected stores' }).getByRole('listitem').filter({ hasText: 'demo-store' });
    await row.waitFor();
    const rowText = (await row.textContent()) ?? '';
    assert.match(rowText, /Demo Store/);
    assert.match(rowText, /Active/);
    assert.match(rowText, /Outlets2/);
    assert.match(rowText, /Registers2/);
    assert.match(rowText, /\d+ requests \/ 5 min/);
    assert.ok(!rowText.includes(store.token), 'the token is never shown again');
    assert.match(rowText, new RegExp(`${store.token.slice(-4)}`), 'the token is shown masked, by its last characters');
    await screenshot(page, 'lightspeed-07-credential-added');
  });

  await t.test('Loyalty: tick Required + the age-gate sentence, then Update Connection', async () => {
    const ageGate = page.getByLabel(AGE_GATE);
    assert.equal(await ageGate.isChecked(), false);
    // Its accessible name carries both the "Required" tag and the sentence.
    await page.getByRole('checkbox', { name: `Required ${AGE_GATE}` }).waitFor();
    await ageGate.check();
    await page.getByText('You have changes that are not saved yet.').waitFor();
    await screenshot(page, 'lightspeed-08-age-gate');

    await page.getByRole('button', { name: 'Update Connection' }).click();
    const saved = page.getByTestId('connection-saved');
    await saved.waitFor();
    assert.equal(await saved.textContent(), 'Saved. The first sync has been queued for 1 store.');
    assert.equal(await page.getByText('click Update Connection at the bottom').count(), 0, 'the hint to save is gone once saved');
    const stored = await storedConnection(page);
    assert.equal(stored.ageGateConfirmed, true);
    assert.equal(stored.credentials.length, 1);
    await screenshot(page, 'lightspeed-09-saved', { fullPage: true });
  });

  await t.test('a bad token, an unknown store and a malformed DomainPrefix are explained, and nothing is stored', async () => {
    await tryToAdd(page, 'lsxs_pt_not-a-real-token-0000', 'demo-store');
    assert.match(await fieldError(page, 'Token'), /Lightspeed rejected this token/);
    assert.equal(await addForm(page).getByLabel('Token', { exact: true }).inputValue(), 'lsxs_pt_not-a-real-token-0000', 'what was typed stays');
    await screenshot(page, 'lightspeed-10-bad-token');
    assert.equal((await storedConnection(page)).credentials.length, 1);

    await tryToAdd(page, store.token, 'no-such-store');
    assert.match(await fieldError(page, 'DomainPrefix'), /No Lightspeed store answers at this DomainPrefix/);
    await screenshot(page, 'lightspeed-11-unknown-prefix');
    assert.equal((await storedConnection(page)).credentials.length, 1);

    await tryToAdd(page, store.token, 'https://evil.example/x');
    assert.match(await fieldError(page, 'DomainPrefix'), /evil\.example is not a Lightspeed Retail address/);
    await screenshot(page, 'lightspeed-12-malformed-prefix');
    assert.equal((await storedConnection(page)).credentials.length, 1);

    // The same store twice is refused too.
    await tryToAdd(page, store.token, 'demo-store');
    assert.match(await fieldError(page, 'DomainPrefix'), /already connected/);

    const stored = await storedConnection(page);
    assert.deepEqual(
      stored.credentials.map((credential) => credential.storeAddress),
      ['demo-store'],
    );
    assert.equal(await page.getByRole('list', { name: 'Connected stores' }).getByRole('listitem').count(), 1, 'the page still shows one store');
  });

  await t.test('Replace token checks the new token; Remove asks whether to keep or purge the synced data', async () => {
    const row = page.getByRole('list', { name: 'Connected stores' }).getByRole('listitem').first();
    await row.getByRole('button', { name: 'Replace token' }).click();
    const replaceForm = page.getByRole('form', { name: 'Replace the token of Demo Store' });
    await replaceForm.getByLabel('New token', { exact: true }).fill('lsxs_pt_wrong-replacement-1111');
    await replaceForm.getByRole('button', { name: 'Save token' }).click();
    await replaceForm.getByText('Lightspeed rejected this token').waitFor();
    await replaceForm.getByLabel('New token', { exact: true }).fill(store.token);
    await replaceForm.getByRole('button', { name: 'Save token' }).click();
    await page.getByText('New token saved for Demo Store.').waitFor();
    assert.equal(await replaceForm.count(), 0, 'the inline form closes');

    await row.getByRole('button', { name: 'Remove' }).click();
    const dialog = page.getByRole('dialog', { name: 'Remove Demo Store?' });
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Remove and keep synced data' }).waitFor();
    await dialog.getByRole('button', { name: 'Remove and purge synced data' }).waitFor();
    await screenshot(page, 'lightspeed-13-remove-dialog');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
    assert.equal((await storedConnection(page)).credentials.length, 1, 'Cancel removes nothing');
  });

  await t.test('back on Integrations, the card shows the connected store', async () => {
    await page.getByRole('navigation', { name: 'Breadcrumb' }).getByRole('link', { name: 'Integrations' }).click();
    await page.waitForURL((url) => url.pathname === '/settings/integrations');
    const connected = integrationCards(page).first().getByTestId('connected-count');
    await connected.waitFor();
    assert.equal(await connected.textContent(), 'Connected: 1 store');
    await screenshot(page, 'lightspeed-14-integrations-connected');
  });

  await t.test('Remove and keep synced data removes the store', async () => {
    await integrationCards(page).first().getByRole('link', { name: 'Connect' }).click();
    await page.waitForURL('**/settings/integrations/lightspeed-x');
    const row = page.getByRole('list', { name: 'Connected stores' }).getByRole('listitem').first();
    await row.getByRole('button', { name: 'Remove' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Remove and keep synced data' }).click();
    await page.getByText('Demo Store was removed.').waitFor();
    assert.equal(await page.getByRole('list', { name: 'Connected stores' }).count(), 0);
    assert.equal((await storedConnection(page)).credentials.length, 0);
  });

  await t.test('the browser reported no errors', () => {
    assert.deepEqual(problems.consoleErrors, []);
    assert.deepEqual(problems.failedRequests, []);
  });
});
