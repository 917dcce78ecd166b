import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { startEmulator, type Emulator, type Store } from '../../emulator/index.ts';
import { findFreePort } from '../../src/db/embedded-server.ts';
import { createLogger } from '../../src/logger.ts';
import { createSyncDeps } from '../../src/sync/sync-deps.ts';
import { startSyncWorker } from '../../src/sync/sync-worker.ts';
import { createRealtimeAdapters, startRealtimeWorker } from '../../src/sync/realtime.ts';
import { createConnectors } from '../../src/integrations/connectors.ts';
import { startFavoriteStoreWorker } from '../../src/stores/favorite-store-queue.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';
import { ensureWebBuild, openPage, screenshot, type BrowserPage, signUpInBrowser } from './browser.ts';

/**
 * The whole journey of the help article, literally, in Chromium against the Lightspeed emulator and
 * a Patron with its job workers running: sign up; Settings > Integrations; search; Connect; Token;
 * DomainPrefix; Add Credential; the Loyalty age gate; Update Connection; the unmapped-stores
 * notification; Settings > Company Account > Retail Store; Edit; Store Mappings; pick the key; Save
 * settings; the notification is gone; Personas shows `lightspeed` under Sourced from, with favorite
 * stores and points; a sale rung up in the store appears on the persona page without a reload.
 * Each step leaves a screenshot in test/e2e/artifacts/journey-*.png.
 */

const AGE_GATE = 'All users from this source have passed an age gate compliant with my industry';
const owner = { company: 'Journey Outfitters Co', name: 'Jo Owner', email: 'jo@journey-outfitters.example', password: 'follow-the-article-1' };

let emulator: Emulator;
let store: Store;
let server: TestServer;
let browser: BrowserPage;

before(async () => {
  ensureWebBuild();
  emulator = await startEmulator();
  store = emulator.createStore({ domainPrefix: 'journey-shop', name: 'Journey Outfitters', customers: 200, sales: 600, outlets: 2, registers: 2, seed: 9, historyEnd: new Date() });
  // Quick webhook retries, so a delivery that races the test's own start-up is retried at once.
  store.webhooks.config.retryBaseMs = 200;
  const port = await findFreePort();
  const env = { LIGHTSPEED_BASE_URL: emulator.baseUrlTemplate, PUBLIC_URL: `http://127.0.0.1:${port}` };
  server = await startTestServer({ env, jobs: true, port });
  const logger = createLogger('silent');
  const connectors = createConnectors(server.config);
  await startSyncWorker(server.boss!, createSyncDeps({ db: server.database.db, secretKey: server.config.secretKey, connectors, logger }), { concurrency: 2 });
  await startRealtimeWorker(server.boss!, { db: server.database.db, secretKey: server.config.secretKey, logger, adapters: createRealtimeAdapters(server.config) });
  await startFavoriteStoreWorker(server.boss!, server.database.db, logger);
  browser = await openPage(server.url);
});

after(async () => {
  await browser?.close();
  await server?.close();
  await emulator?.close();
});

const mainMenu = (page: Page) => page.getByRole('navigation', { name: 'Main menu' });
const settingsMenu = (page: Page) => page.getByRole('navigation', { name: 'Settings' });
const banner = (page: Page) => page.getByRole('region', { name: 'Account notifications' });
const personasTable = (page: Page) => page.getByRole('table', { name: 'Personas' });

async function openSettings(page: Page, item: 'Integrations' | 'Company Account') {
  await mainMenu(page).getByRole('link', { name: 'Settings', exact: true }).click();
  await settingsMenu(page).getByRole('link', { name: item }).click();
}

async function mapStore(page: Page, storeName: string, outletName: string) {
  const form = page.getByRole('form', { name: 'Add store' });
  await form.getByLabel('Store name').fill(storeName);
  await form.getByLabel('Time zone').selectOption('America/Los_Angeles');
  await form.getByRole('button', { name: 'Add store' }).click();
  await page.getByText(`${storeName} was added.`).waitFor();
  // "Click Edit on the store you wish to map."
  await page.getByRole('list', { name: 'Stores' }).getByRole('listitem', { name: storeName }).getByRole('link', { name: `Edit ${storeName}` }).click();
  await page.getByRole('heading', { name: storeName, level: 1 }).waitFor();
  // "Under Store Mappings you'll see the Lightspeed X symbol."
  const mappings = page.getByRole('region', { name: 'Store Mappings' });
  await mappings.getByRole('img', { name: 'Lightspeed X-Series' }).waitFor();
  // "Click on the empty field to the right of the symbol and a dropdown will appear to map the key."
  await page.getByRole('button', { name: /^Lightspeed outlets for / }).click();
  await page.getByRole('listbox').getByRole('option', { name: new RegExp(`^${outletName} · `) }).click();
  return async () => {
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByText(/^Saved\./).waitFor();
  };
}

test('a newcomer follows the help article end to end', async (t) => {
  const { page, problems } = browser;
  let connectedAt = 0;

  await t.test('1. sign up', async () => {
    await page.goto('/');
    await page.waitForURL('**/signup');
    await signUpInBrowser(page, owner);
    await screenshot(page, 'journey-01-signed-up');
  });

  await t.test('2. Settings > Integrations, search "Lightspeed", the green Connect button', async () => {
    await openSettings(page, 'Integrations');
    await page.getByRole('searchbox', { name: 'Search integrations' }).fill('Lightspeed');
    await page.waitForURL((url) => url.searchParams.get('q') === 'Lightspeed');
    await page.getByRole('heading', { name: 'Lightspeed X-Series', level: 2 }).waitFor();
    await screenshot(page, 'journey-02-integrations');
    await page.getByRole('link', { name: /^Connect/ }).first().click();
    await page.waitForURL('**/settings/integrations/lightspeed-x');
  });

  await t.test('3. Token and DomainPrefix, then Add Credential', async () => {
    const form = page.getByRole('form', { name: /^Add (your|another) store$/ });
    await form.getByLabel('Token', { exact: true }).fill(store.token);
    await form.getByLabel('DomainPrefix', { exact: true }).fill('journey-shop');
    await form.getByRole('button', { name: 'Add Credential' }).click();
    await page.getByText(/^Connected to Journey Outfitters: 2 outlets, 2 registers/).waitFor();
    await screenshot(page, 'journey-03-credential-added');
  });

  await t.test('4. Loyalty: tick Required, then Update Connection', async () => {
    await page.getByLabel(AGE_GATE).check();
    await page.getByLabel('Real-time updates').check();
    await screenshot(page, 'journey-04-age-gate');
    await page.getByRole('button', { name: 'Update Connection' }).click();
    connectedAt = Date.now();
    await page.getByTestId('connection-saved').waitFor();
    await screenshot(page, 'journey-05-connection-updated');
  });

  await t.test('5. the first personas arrive within seconds, and an account notification names the unmapped stores', async () => {
    await mainMenu(page).getByRole('link', { name: 'Personas' }).click();
    await personasTable(page).getByRole('row').nth(1).waitFor({ timeout: 30_000 });
    console.log(`# Update Connection → first persona on the page: ${Date.now() - connectedAt} ms`);
    await banner(page).getByText('You have 2 unmapped stores').waitFor({ timeout: 30_000 });
    await screenshot(page, 'journey-06-unmapped-notification');
  });

  await t.test('6. Settings > Company Account > Retail Store > Edit > Store Mappings > pick the key > Save settings', async () => {
    await openSettings(page, 'Company Account');
    await page.getByRole('link', { name: /^Retail Store/ }).first().click();
    await page.getByRole('heading', { name: 'Retail Store', level: 1 }).waitFor();
    const savePortland = await mapStore(page, 'Portland Store', 'Portland');
    await screenshot(page, 'journey-07-store-mappings');
    await savePortland();
    await page.getByRole('navigation', { name: 'Breadcrumb' }).getByRole('link', { name: 'Retail Store' }).click();
    const saveSeattle = await mapStore(page, 'Seattle Store', 'Seattle');
    await saveSeattle();
    await screenshot(page, 'journey-08-mappings-saved');
  });

  await t.test('7. the notification is gone once every store is mapped', async () => {
    await page.getByRole('navigation', { name: 'Breadcrumb' }).getByRole('link', { name: 'Retail Store' }).click();
    await page.getByRole('list', { name: 'Stores' }).waitFor();
    assert.equal(await banner(page).getByText(/unmapped store/).count(), 0);
    const open = (await (await page.request.get('/api/notifications')).json()) as { notifications: Array<{ kind: string }> };
    assert.deepEqual(open.notifications.filter((notice) => notice.kind === 'unmapped_stores'), []);
    await screenshot(page, 'journey-09-all-mapped');
  });

  let personaName = '';
  await t.test('8. Personas: "lightspeed" under Sourced from, favorite stores and points', async () => {
    await mainMenu(page).getByRole('link', { name: 'Personas' }).click();
    const rows = personasTable(page).getByRole('row');
    await rows.nth(1).waitFor();
    // Every sale of the store's history is in: the sync status says so.
    const status = await page.request.get('/api/connections/lightspeed-x');
    const credentialId = ((await status.json()) as { connection: { credentials: Array<{ id: string }> } }).connection.credentials[0]!.id;
    for (let waited = 0; ; waited += 500) {
      const sync = (await (await page.request.get(`/api/connections/lightspeed-x/credentials/${credentialId}/sync`)).json()) as {
        state: string;
        runs: Array<{ reason: string; finishedAt: string | null; records: number }>;
      };
      if (sync.state === 'up_to_date') {
        const first = sync.runs.find((run) => run.reason === 'connected');
        if (first?.finishedAt) console.log(`# Update Connection → the store's whole history synced (${first.records} records): ${Date.parse(first.finishedAt) - connectedAt} ms`);
        break;
      }
      assert.ok(waited < 60_000, `still ${sync.state} after a minute`);
      await page.waitForTimeout(500);
    }
    // And the favorite stores that Save settings queued are computed.
    for (let waited = 0; ; waited += 500) {
      const refresh = (await (await page.request.get('/api/retail-stores/favorite-store-refresh')).json()) as { favoriteStores: { state: string } };
      if (refresh.favoriteStores.state === 'idle') break;
      assert.ok(waited < 60_000, `favorite stores still ${refresh.favoriteStores.state} after a minute`);
      await page.waitForTimeout(500);
    }
    await page.reload();
    await rows.nth(1).waitFor();
    const text = (await personasTable(page).textContent()) ?? '';
    assert.match(text, /lightspeed/);
    assert.match(text, /Portland Store|Seattle Store/, 'favorite stores are shown');
    const list = (await (await page.request.get('/api/personas?limit=200')).json()) as { personas: Array<{ name: string; email: string | null; points: string; favoriteStore: unknown }> };
    assert.ok(list.personas.some((persona) => Number(persona.points) > 0), 'points were earned');
    assert.ok(list.personas.some((persona) => persona.favoriteStore !== null));
    personaName = list.personas.find((persona) => persona.email && Number(persona.points) > 0)!.name;
    await screenshot(page, 'journey-10-personas');
  });

  await t.test('9. a sale rung up in Lightspeed appears on the persona page without reloading', async () => {
    await page.getByRole('searchbox', { name: 'Search personas' }).fill(personaName);
    await personasTable(page).getByRole('link', { name: personaName }).first().click();
    await page.getByRole('heading', { name: personaName, level: 1 }).waitFor();
    const salesTable = page.getByRole('table', { name: 'Sales' });
    const before = await salesTable.locator('tbody tr').count();
    const personaId = new URL(page.url()).pathname.split('/').pop()!;
    const detail = (await (await page.request.get(`/api/personas/${personaId}`)).json()) as { persona: { sources: Array<{ externalId: string }> } };
    const rungUpAt = Date.now();
    store.createSale({ customerId: detail.persona.sources[0]!.externalId });
    await page.waitForFunction(
      ({ count }) => document.querySelectorAll('table[aria-labelledby="sales-heading"] tbody tr').length > count,
      { count: before },
      { timeout: 60_000 },
    );
    console.log(`# a sale in the store → on the open persona page (webhook, sync, page refresh): ${Date.now() - rungUpAt} ms`);
    await screenshot(page, 'journey-11-new-sale-on-persona');
  });

  assert.deepEqual(problems.consoleErrors, [], 'no console errors in the browser');
});
