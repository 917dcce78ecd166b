import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Locator, Page } from 'playwright-core';
import { startEmulator, type Emulator } from '../../emulator/index.ts';
import { createLogger } from '../../src/logger.ts';
import { createSyncDeps } from '../../src/sync/sync-deps.ts';
import { runCredentialSync } from '../../src/sync/sync-runner.ts';
import { runFavoriteStoreRefresh } from '../../src/stores/favorite-store-refresh.ts';
import { connectStore } from '../helpers/connected-store.ts';
import { failFavoriteStoreChunk } from '../helpers/failing-chunk.ts';
import { startTestServer } from '../helpers/test-server.ts';
import { ensureWebBuild, openPage, screenshot, type BrowserPage, signUpInBrowser } from './browser.ts';

/**
 * "How to Map a Store", in a real browser: after the first sync the retailer is told about unmapped
 * stores; Settings > Company Account > Retail Store; add a store; Edit; under Store Mappings the
 * Lightspeed X symbol with the empty field to its right; click it, pick the key, Save settings; again
 * for the second outlet; the notification goes away. Favorite stores are recomputed in the background
 * (here the job is run by the test, so the pending state can be seen): the pages say "Updating
 * favorite stores…" until it is done, then the stores show favorite personas. Then the sync panel of
 * the connection page.
 */

const owner = { company: 'Map Shop Retail', name: 'Morgan Mapper', email: 'morgan@map-shop.example', password: 'mapping-stores-2025' };

let emu: Emulator;
let server: Awaited<ReturnType<typeof startTestServer>>;
let browser: BrowserPage;

before(async () => {
  ensureWebBuild();
  emu = await startEmulator();
  emu.createStore({ domainPrefix: 'map-shop', outlets: 2, registers: 2, customers: 40, sales: 80, seed: 5 });
  server = await startTestServer({ env: { LIGHTSPEED_BASE_URL: emu.baseUrlTemplate } });
  browser = await openPage(server.url);
});

after(async () => {
  await browser?.close();
  await server?.close();
  await emu?.close();
});

const banner = (page: Page) => page.getByRole('region', { name: 'Account notifications' });
const keyField = (page: Page) => page.getByRole('button', { name: /^Lightspeed outlets for / });
const storeItem = (page: Page, name: string) => page.getByRole('list', { name: 'Stores' }).getByRole('listitem', { name });
const favoriteRefresh = (page: Page) => page.getByTestId('favorite-store-refresh');

async function addStore(page: Page, name: string, city: string) {
  const form = page.getByRole('form', { name: 'Add store' });
  await form.getByLabel('Store name').fill(name);
  await form.getByLabel('City').fill(city);
  await form.getByLabel('Time zone').selectOption('America/Los_Angeles');
  await form.getByRole('button', { name: 'Add store' }).click();
  await page.getByText(`${name} was added.`).waitFor();
  await storeItem(page, name).waitFor();
}

async function saveSettings(page: Page): Promise<string> {
  await page.getByRole('button', { name: 'Save settings' }).click();
  const saved = page.getByTestId('store-saved');
  await saved.waitFor();
  return (await saved.textContent()) ?? '';
}

/** Scrolls so `target` starts just below the sticky top bar. */
async function scrollToTop(target: Locator) {
  await target.evaluate((element) => window.scrollBy(0, element.getBoundingClientRect().top - 80));
}

async function backToStoreList(page: Page) {
  await page.getByRole('navigation', { name: 'Breadcrumb' }).getByRole('link', { name: 'Retail Store' }).click();
  await page.waitForURL((url) => url.pathname === '/settings/company/retail-store');
  await page.getByRole('heading', { name: 'Retail Store', level: 1 }).waitFor();
}

test('a retailer maps each Lightspeed outlet to a store by following "How to Map a Store"', async (t) => {
  const { page, problems } = browser;
  let credentialId = '';
  let companyId = '';
  const runFavoriteStoreJob = async () => {
    const job = await runFavoriteStoreRefresh(server.database.db, companyId);
    assert.ok(job.finished && job.personasRefreshed > 0, JSON.stringify(job));
  };

  await t.test('sign up, then connect and sync the store (without the UI)', async () => {
    await page.goto('/signup');
    await signUpInBrowser(page, owner);
    assert.equal(await banner(page).count(), 0, 'nothing to map before a sync');

    const me = (await (await page.request.get('/api/auth/me')).json()) as { company: { id: string } };
    companyId = me.company.id;
    const connected = await connectStore(server.database.db, emu, 'map-shop', { companyId, secretKey: server.config.secretKey });
    credentialId = connected.credentialId;
    const deps = createSyncDeps({ db: server.database.db, secretKey: server.config.secretKey, connectors: connected.connectors, logger: createLogger('silent') });
    const result = await runCredentialSync(deps, credentialId, { reason: 'test' });
    assert.equal(result.outcome, 'succeeded', JSON.stringify(result));
  });

  await t.test('the account notification says there are unmapped stores; dismissing lasts until a reload', async () => {
    await page.reload();
    const notice = banner(page).getByText('You have 2 unmapped stores');
    await notice.waitFor();
    assert.match((await banner(page).textContent()) ?? '', /Portland.*Seattle|Seattle.*Portland/);
    assert.notEqual(await page.getByTestId('notification-count').textContent(), '0');
    await banner(page).getByRole('button', { name: 'Dismiss: You have 2 unmapped stores' }).click();
    await banner(page).waitFor({ state: 'detached' });
    await page.reload();
    await notice.waitFor();
    assert.equal(await banner(page).getByRole('link', { name: 'Map stores' }).getAttribute('href'), '/settings/company/retail-store');
    await screenshot(page, 'retail-store-01-unmapped-banner');
  });

  await t.test('Settings > Company Account > Retail Store lists the unmapped outlets', async () => {
    await page.getByRole('navigation', { name: 'Main menu' }).getByRole('link', { name: 'Settings', exact: true }).click();
    await page.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: 'Company Account' }).click();
    await page.waitForURL('**/settings/company');
    await page.getByRole('link', { name: /^Retail Store/ }).first().click();
    await page.waitForURL('**/settings/company/retail-store');
    const callout = page.getByTestId('unmapped-callout');
    await callout.waitFor();
    assert.match((await callout.textContent()) ?? '', /2 Lightspeed outlets are not mapped/);
    // No stores yet: the one-click way is offered (this retailer adds them by hand instead).
    await callout.getByRole('button', { name: 'Create stores from Lightspeed outlets' }).waitFor();
    assert.equal(
      await page.getByRole('form', { name: 'Add store' }).getByLabel('Time zone').inputValue(),
      'UTC',
      'the time zone defaults to the browser’s (this browser runs in UTC)',
    );
  });

  await t.test('add "Portland Store", Edit, pick the Portland key, Save settings', async () => {
    await addStore(page, 'Portland Store', 'Portland');
    assert.match((await storeItem(page, 'Portland Store').textContent()) ?? '', /Not mapped to a Lightspeed outlet/);
    await storeItem(page, 'Portland Store').getByRole('link', { name: 'Edit Portland Store' }).click();
    await page.waitForURL(/\/settings\/company\/retail-store\/[0-9a-f-]{36}$/);
    await page.getByRole('heading', { name: 'Portland Store', level: 1 }).waitFor();

    const mappings = page.getByRole('region', { name: 'Store Mappings' });
    await mappings.getByRole('img', { name: 'Lightspeed X-Series' }).waitFor();
    const field = keyField(page);
    assert.match((await field.getAttribute('aria-expanded')) ?? '', /false/);
    assert.match((await field.textContent())?.trim() ?? '', /^none mapped$/, 'the field is empty');

    // Bring Store Mappings up the screen so the open dropdown is in the screenshot.
    await scrollToTop(mappings);
    await field.click();
    const list = page.getByRole('listbox');
    await list.waitFor();
    const options = await list.getByRole('option').allTextContents();
    assert.equal(options.length, 2, options.join(' | '));
    for (const option of options) assert.match(option, /^(Portland|Seattle) · [0-9a-f-]{8}$/);
    await screenshot(page, 'retail-store-02-edit-dropdown-open');

    await list.getByRole('option', { name: /^Portland · / }).click();
    await list.waitFor({ state: 'detached' });
    assert.match((await field.textContent()) ?? '', /Portland · /);
    assert.equal(await saveSettings(page), 'Saved. Favorite stores are being updated.');
    await banner(page).getByText('You have 1 unmapped store').waitFor();
    // Saved at once; the favorites follow from the job, which the page follows until it is done.
    await favoriteRefresh(page).getByText(/^Updating favorite stores…/).waitFor();
    await runFavoriteStoreJob();
    await favoriteRefresh(page).getByText('Favorite stores are up to date.').waitFor();
  });

  await t.test('add "Seattle Store" and map Seattle with the keyboard; the notification goes away', async () => {
    await backToStoreList(page);
    await addStore(page, 'Seattle Store', 'Seattle');
    await storeItem(page, 'Seattle Store').getByRole('link', { name: 'Edit Seattle Store' }).click();
    await page.getByRole('heading', { name: 'Seattle Store', level: 1 }).waitFor();

    await keyField(page).focus();
    await page.keyboard.press('ArrowDown');
    const list = page.getByRole('listbox');
    await list.waitFor();
    // A key already mapped elsewhere says so.
    assert.match((await list.getByRole('option', { name: /^Portland · / }).textContent()) ?? '', /mapped to Portland Store — choosing it moves it here/);
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await list.waitFor({ state: 'detached' });
    assert.match((await keyField(page).textContent()) ?? '', /^Seattle · /);
    assert.match(await saveSettings(page), /^Saved\. /);

    await banner(page).waitFor({ state: 'detached' });
    const bellCount = page.getByTestId('notification-count');
    await page.waitForFunction(() => document.querySelector('[data-testid="notification-count"]')?.textContent === '0');
    assert.equal(await bellCount.textContent(), '0');
  });

  await t.test('the store list says favorite stores are being updated, then shows each store with its favorite personas', async () => {
    await backToStoreList(page);
    // The list loads after the navigation: wait for both stores before reading their figures.
    await storeItem(page, 'Seattle Store').waitFor();
    await page.getByTestId('favorite-personas').nth(1).waitFor();
    assert.equal(await page.getByTestId('unmapped-callout').count(), 0);
    // Seattle's favorites are not recomputed yet: the list says so, with the figures as they were.
    await favoriteRefresh(page).getByText(/^Updating favorite stores…/).waitFor();
    assert.match((await storeItem(page, 'Seattle Store').getByTestId('favorite-personas').textContent()) ?? '', /^0 personas$/);
    // A job that stops part-way (its second chunk fails): the list shows how far it got.
    await failFavoriteStoreChunk(server.database.db, 2);
    await assert.rejects(runFavoriteStoreRefresh(server.database.db, companyId, { chunkSize: 5 }));
    await favoriteRefresh(page).getByText(/^Updating favorite stores… \d+ %$/).waitFor();
    const progress = (await favoriteRefresh(page).getByRole('status').textContent()) ?? '';
    assert.ok(Number(/(\d+) %/.exec(progress)?.[1]) > 0, progress);
    await screenshot(page, 'retail-store-03-favorites-updating');
    await runFavoriteStoreJob();
    // Once done the page loads the fresh figures by itself.
    await favoriteRefresh(page).getByText('Favorite stores are up to date.').waitFor();
    await page.waitForFunction(() => !/^0 /.test(document.querySelectorAll('[data-testid="favorite-personas"]')[1]?.textContent ?? '0 '));
    const figures = await page.getByTestId('favorite-personas').allTextContents();
    assert.equal(figures.length, 2);
    const counts = figures.map((text) => Number(/\d+/.exec(text)?.[0] ?? 0));
    assert.ok(counts.every((n) => n > 0), `favorite personas per store: ${figures.join(', ')}`);
    assert.match((await storeItem(page, 'Portland Store').textContent()) ?? '', /Portland \(Lightspeed outlet/);
    assert.match((await storeItem(page, 'Seattle Store').textContent()) ?? '', /Seattle \(Lightspeed outlet/);
    await screenshot(page, 'retail-store-04-store-list', { fullPage: true });
  });

  await t.test('the connection page shows the sync: Up to date, with the one run', async () => {
    await page.goto('/settings/integrations/lightspeed-x');
    const panel = page.getByTestId('sync-panel');
    await panel.waitFor();
    await panel.getByTestId('sync-state').getByText('Up to date', { exact: true }).waitFor();
    await panel.getByRole('button', { name: 'Sync status' }).click();
    const history = panel.getByRole('table', { name: /^Sync history of / });
    await history.waitFor();
    const rows = history.locator('tbody tr');
    assert.equal(await rows.count(), 1);
    assert.match((await rows.first().textContent()) ?? '', /Succeeded/);
    await panel.getByRole('button', { name: 'Sync now' }).waitFor();
    await scrollToTop(panel);
    await screenshot(page, 'retail-store-05-sync-panel');

    await panel.getByRole('button', { name: 'Resync from scratch' }).click();
    const dialog = page.getByRole('dialog', { name: /^Resync .* from scratch\?$/ });
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
  });

  await t.test('the browser reported no errors', () => {
    assert.deepEqual(problems.consoleErrors, []);
    assert.deepEqual(problems.failedRequests, []);
  });
});
