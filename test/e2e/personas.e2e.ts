import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import type { Locator, Page } from 'playwright-core';
import { startEmulator, type Emulator, type Store } from '../../emulator/index.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';
import { connectStore } from '../helpers/connected-store.ts';
import { createLogger } from '../../src/logger.ts';
import { runCredentialSync } from '../../src/sync/sync-runner.ts';
import { createSyncDeps } from '../../src/sync/sync-deps.ts';
import { runFavoriteStoreRefresh } from '../../src/stores/favorite-store-refresh.ts';
import { ensureWebBuild, openPage, screenshot, type BrowserPage, signUpInBrowser } from './browser.ts';

/**
 * The article's proof that the integration works, in a real browser: after one sync from the
 * Lightspeed emulator, Personas lists customers with "lightspeed" under Sourced from. Then search by
 * part of a phone number, a persona's page with their sale and points, sorting, paging and filters
 * kept in the address, and Settings > Loyalty saving a change that survives a reload.
 */

const owner = { company: 'Findme Outfitters', name: 'Olive Owner', email: 'olive@findme.example', password: 'personas-journey-2025' };
const PREFIX = 'persona-shop';

let emu: Emulator;
let store: Store;
let server: TestServer;
let browser: BrowserPage;

before(async () => {
  ensureWebBuild();
  emu = await startEmulator();
  // More customers than one page (50) holds, so Next and Previous have work to do.
  store = emu.createStore({ domainPrefix: PREFIX, name: 'Persona Shop', customers: 70, sales: 120, outlets: 2, registers: 2, seed: 7 });
  server = await startTestServer({ env: { LIGHTSPEED_BASE_URL: emu.baseUrlTemplate } });
  browser = await openPage(server.url);
});

after(async () => {
  await browser?.close();
  await server?.close();
  await emu?.close();
});

const personasTable = (page: Page) => page.getByRole('table', { name: 'Personas' });
const bodyRows = (page: Page) => personasTable(page).locator('tbody tr');
const searchBox = (page: Page) => page.getByRole('searchbox', { name: 'Search personas' });

/** The texts of one column of the Personas table, found by its header. */
async function columnTexts(page: Page, header: string): Promise<string[]> {
  const headers = (await personasTable(page).locator('thead th').allTextContents()).map((text) => text.replace(/[↑↓↕]/g, '').trim());
  const index = headers.indexOf(header);
  assert.ok(index >= 0, `no "${header}" column in ${headers.join(', ')}`);
  return bodyRows(page).locator(`td:nth-child(${index + 1})`).allTextContents();
}

/** Waits until the list shows the answer for the current address (the total stops saying Loading…). */
async function listSettled(page: Page) {
  await page.waitForFunction(() => {
    // The address changes before React renders the new view: the card says which address it shows.
    const card = document.querySelector('section[aria-label="Personas list"]');
    return card?.getAttribute('data-state') === 'ready' && card.getAttribute('data-for') === window.location.search;
  });
}

/** Each row's link to its persona page: unique, unlike names. */
async function personaLinks(page: Page): Promise<string[]> {
  return bodyRows(page).locator('td:first-child a').evaluateAll((links) => links.map((link) => link.getAttribute('href') ?? ''));
}

const money = (text: string) => Number(text.replace(/,/g, ''));

async function noHorizontalScroll(page: Page, what: string) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `${what} scrolls sideways by ${overflow}px at 1366×768`);
}

async function sortHeader(page: Page, name: string): Promise<Locator> {
  return personasTable(page).getByRole('columnheader', { name: new RegExp(`^${name}`) });
}

test('Personas shows customers sourced from Lightspeed, and Settings > Loyalty saves the program', async (t) => {
  const { page, problems } = browser;

  await t.test('sign up: before any sync, Personas points to Settings > Integrations', async () => {
    await page.goto('/');
    await page.waitForURL('**/signup');
    await signUpInBrowser(page, owner);
    await page.getByRole('heading', { name: 'No personas yet' }).waitFor();
    assert.equal(await page.getByRole('link', { name: 'Settings > Integrations' }).getAttribute('href'), '/settings/integrations');
  });

  await t.test('connect the emulator store and run one sync (no UI)', async () => {
    const me = await page.request.get('/api/auth/me');
    assert.equal(me.status(), 200);
    const companyId = ((await me.json()) as { company: { id: string } }).company.id;
    const zelda = store.createCustomer({ first_name: 'Zelda', last_name: 'Findme', email: 'zelda.findme@example.test', phone: '(555) 987-6543' });
    store.createSale({ customerId: String(zelda.id) });
    const connected = await connectStore(server.database.db, emu, PREFIX, { companyId, secretKey: server.config.secretKey });
    const deps = createSyncDeps({ db: server.database.db, secretKey: server.config.secretKey, connectors: connected.connectors, logger: createLogger('silent') });
    const result = await runCredentialSync(deps, connected.credentialId, { reason: 'test' });
    assert.equal(result.outcome, 'succeeded');
    // Retail stores from the outlets, so sales show a store name and personas get a favorite store.
    const created = await page.request.post('/api/retail-stores/from-locations', { data: {} });
    assert.ok(created.ok(), `creating stores from outlets answered ${created.status()}`);
    // The favorite-store job that creating stores queues (this server runs no worker).
    await runFavoriteStoreRefresh(server.database.db, companyId);
  });

  await t.test('the list: "lightspeed" under Sourced from, a total, readable at 1366×768', async () => {
    await page.goto('/personas');
    await personasTable(page).waitFor();
    await listSettled(page);
    const sources = await columnTexts(page, 'Sourced from');
    assert.equal(sources.length, 50, 'a full first page');
    assert.ok(sources.every((text) => text.trim() === 'lightspeed'), `Sourced from: ${[...new Set(sources)].join(' | ')}`);
    const total = (await page.getByTestId('persona-total').textContent()) ?? '';
    assert.match(total, /^\d[\d,]* personas$/);
    assert.ok(Number(total.replace(/\D/g, '')) > 50);
    const headers = (await personasTable(page).locator('thead th').allTextContents()).map((text) => text.replace(/[↑↓↕]/g, '').trim());
    assert.deepEqual(headers, ['Name', 'Email', 'Phone', 'Favorite store', 'Points', 'Lifetime spend', 'Visits', 'Last visit', 'Sourced from']);
    assert.equal(await (await sortHeader(page, 'Last visit')).getAttribute('aria-sort'), 'descending', 'most recent visit first by default');
    await noHorizontalScroll(page, 'the Personas page');
    const exportHref = (await page.getByRole('link', { name: 'Export CSV' }).getAttribute('href')) ?? '';
    assert.equal(exportHref, '/api/personas/export.csv?sort=last_visit&direction=desc');
    await screenshot(page, 'personas-01-list');
  });

  await t.test('Next and Previous page through the list; Back returns to the earlier page', async () => {
    const firstPage = await personaLinks(page);
    await page.getByRole('button', { name: 'Next' }).click();
    await page.waitForURL((url) => url.searchParams.has('cursor'));
    await listSettled(page);
    const secondPage = await personaLinks(page);
    assert.ok(secondPage.length > 0 && secondPage.length <= 50);
    assert.ok(!secondPage.some((href) => firstPage.includes(href)), 'no persona on both pages');
    await page.getByText(/^51–\d+ of \d+$/).waitFor();
    await page.getByRole('button', { name: 'Previous' }).click();
    await page.waitForURL((url) => !url.searchParams.has('cursor'));
    await listSettled(page);
    assert.deepEqual(await personaLinks(page), firstPage);
    await page.goBack();
    await page.waitForURL((url) => url.searchParams.has('cursor'));
    await listSettled(page);
    assert.deepEqual(await personaLinks(page), secondPage, 'Back shows the second page again');
    await page.goto('/personas');
    await listSettled(page);
  });

  await t.test('searching part of her phone number (987-6543) finds Zelda', async () => {
    await searchBox(page).fill('987-6543');
    await page.waitForURL((url) => url.searchParams.get('q') === '987-6543');
    await listSettled(page);
    assert.deepEqual(await columnTexts(page, 'Name'), ['Zelda Findme']);
    assert.deepEqual(await columnTexts(page, 'Email'), ['zelda.findme@example.test']);
    assert.equal(await page.getByTestId('persona-total').textContent(), '1 persona');
    assert.equal(
      await page.getByRole('link', { name: 'Export CSV' }).getAttribute('href'),
      '/api/personas/export.csv?q=987-6543&sort=last_visit&direction=desc',
      'the export follows the filter',
    );
    await screenshot(page, 'personas-02-search-phone');
    // A reload keeps the search.
    await page.reload();
    await listSettled(page);
    assert.equal(await searchBox(page).inputValue(), '987-6543');
    assert.deepEqual(await columnTexts(page, 'Name'), ['Zelda Findme']);
  });

  await t.test("her persona page shows her sale, her source and her points; an admin adjusts them", async () => {
    await personasTable(page).getByRole('link', { name: 'Zelda Findme' }).click();
    await page.waitForURL(/\/personas\/[0-9a-f-]{36}$/);
    await page.getByRole('heading', { name: 'Zelda Findme', level: 1 }).waitFor();
    const sales = page.getByRole('table', { name: 'Sales' });
    await sales.waitFor();
    const saleRows = sales.locator('tbody tr');
    assert.equal(await saleRows.count(), 1);
    const sale = (await saleRows.first().textContent()) ?? '';
    assert.match(sale, /Closed/);
    assert.match(sale, /\d+\.\d\d/, 'the total with two decimals');
    const sources = (await page.getByRole('table', { name: 'Sources' }).locator('tbody').textContent()) ?? '';
    assert.match(sources, /lightspeed/);
    assert.match(sources, /persona-shop/);
    await page.getByText('zelda.findme@example.test').first().waitFor();
    await page.getByText('Joining loyalty is not consent to marketing', { exact: false }).waitFor();
    assert.equal(await page.getByTestId('loyalty-enrolment').textContent(), 'Enrolled', 'the age gate was confirmed with the connection');

    const balanceBefore = Number(((await page.getByTestId('loyalty-balance').textContent()) ?? '').replace(/[^\d.]/g, ''));
    const adjust = page.getByRole('form', { name: 'Adjust points' });
    await adjust.getByRole('button', { name: 'Adjust points' }).click();
    await adjust.getByText('Enter a whole number of points').waitFor();
    await adjust.getByLabel('Points').fill('25');
    await adjust.getByLabel('Reason').fill('Welcome gift');
    await adjust.getByRole('button', { name: 'Adjust points' }).click();
    await page.getByText('Added 25 points.').waitFor();
    const ledger = page.getByRole('table', { name: 'Points history' });
    await ledger.getByRole('row').filter({ hasText: 'Welcome gift' }).waitFor();
    const manual = (await ledger.getByRole('row').filter({ hasText: 'Welcome gift' }).textContent()) ?? '';
    assert.match(manual, /Manual\+25Welcome gift/);
    assert.match(manual, new RegExp(owner.name));
    const balanceAfter = Number(((await page.getByTestId('loyalty-balance').textContent()) ?? '').replace(/[^\d.]/g, ''));
    assert.equal(balanceAfter, balanceBefore + 25);
    await noHorizontalScroll(page, 'the persona page');
    await screenshot(page, 'personas-03-persona', { fullPage: true });
  });

  await t.test('sorting by Lifetime spend, both ways, kept across a reload', async () => {
    await page.goto('/personas');
    await listSettled(page);
    await (await sortHeader(page, 'Lifetime spend')).getByRole('button').click();
    await page.waitForURL((url) => url.searchParams.get('sort') === 'lifetime_spend');
    await listSettled(page);
    assert.equal(await (await sortHeader(page, 'Lifetime spend')).getAttribute('aria-sort'), 'descending');
    assert.equal(await (await sortHeader(page, 'Last visit')).getAttribute('aria-sort'), 'none');
    const descending = (await columnTexts(page, 'Lifetime spend')).map(money);
    assert.ok(descending.every((value) => Number.isFinite(value)));
    assert.deepEqual(descending, [...descending].sort((a, b) => b - a));
    assert.ok((descending[0] ?? 0) > 0);
    for (const text of await columnTexts(page, 'Lifetime spend')) assert.match(text, /^\d{1,3}(,\d{3})*\.\d\d$/, 'money has two decimals');

    await (await sortHeader(page, 'Lifetime spend')).getByRole('button').click();
    await page.waitForURL((url) => url.searchParams.get('direction') === 'asc');
    await listSettled(page);
    const ascending = (await columnTexts(page, 'Lifetime spend')).map(money);
    assert.deepEqual(ascending, [...ascending].sort((a, b) => a - b));

    await page.reload();
    await listSettled(page);
    assert.equal(await (await sortHeader(page, 'Lifetime spend')).getAttribute('aria-sort'), 'ascending');
  });

  await t.test('filters: favorite store and loyalty, with a way back from "no match"', async () => {
    await page.goto('/personas');
    await listSettled(page);
    const storeSelect = page.getByLabel('Favorite store');
    // The stores load beside the list.
    await storeSelect.locator('option').nth(1).waitFor({ state: 'attached' });
    const options = await storeSelect.locator('option').allTextContents();
    assert.ok(options.length >= 2, `store options: ${options.join(', ')}`);
    const chosen = options[1]!;
    await storeSelect.selectOption({ label: chosen });
    await page.waitForURL((url) => url.searchParams.has('favoriteStoreId'));
    await listSettled(page);
    const favorites = await columnTexts(page, 'Favorite store');
    assert.ok(favorites.length > 0, 'some personas favour this store');
    assert.ok(favorites.every((name) => name === chosen), `favorite stores: ${[...new Set(favorites)].join(', ')}`);

    await page.getByLabel('Loyalty').selectOption({ label: 'Age gate not confirmed' });
    await page.waitForURL((url) => url.searchParams.get('loyalty') === 'not_enrolled');
    await page.getByText('No personas match these filters.').waitFor();
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await page.waitForURL((url) => url.search === '');
    await listSettled(page);
    assert.equal(await bodyRows(page).count(), 50);
  });

  await t.test('Settings > Loyalty: totals, then a change that is saved and shown after a reload', async () => {
    await page.getByRole('navigation', { name: 'Main menu' }).getByRole('link', { name: 'Settings', exact: true }).click();
    await page.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: 'Loyalty' }).click();
    await page.waitForURL('**/settings/loyalty');
    await page.getByRole('heading', { name: 'Loyalty', level: 1 }).waitFor();
    const totals = page.getByRole('region', { name: 'Program totals' });
    await totals.waitFor();
    const totalsText = (await totals.textContent()) ?? '';
    for (const label of ['Points issued', 'Points reversed', 'Points outstanding', 'Members', 'Age gate not confirmed']) assert.ok(totalsText.includes(label), label);

    // The server's field errors land beside the field.
    await page.route(
      '**/api/loyalty/program',
      (route) =>
        route.request().method() === 'PUT'
          ? route.fulfill({ status: 400, contentType: 'application/json', body: JSON.stringify({ error: { code: 'invalid_input', message: 'The minimum age can be at most 120.', field: 'minimumAge' } }) })
          : route.continue(),
      { times: 1 },
    );
    await page.getByLabel('Minimum age').fill('21');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.locator('#minimum-age-error').getByText('The minimum age can be at most 120.').waitFor();
    assert.equal(await page.getByLabel('Minimum age').getAttribute('aria-invalid'), 'true');
    // Focus moves to the field in the same render that shows its error, so typing elsewhere next is safe.
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'minimum-age');

    // A client-side check of the blocklist names the line.
    await page.getByLabel('Employee emails').fill('till@findme.example\nnot an email');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByText('Line 2 is not an email address: not an email').waitFor();
    await page.getByLabel('Employee emails').fill('till@findme.example');

    await page.getByLabel('Points per 1.00 spent').fill('2');
    await page.getByLabel('Without tax').check();
    await page.getByLabel(/^Pickup/).uncheck();
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByTestId('loyalty-saved').waitFor();
    await screenshot(page, 'personas-04-loyalty-settings', { fullPage: true });

    await page.reload();
    await page.getByLabel('Points per 1.00 spent').waitFor();
    assert.equal(await page.getByLabel('Points per 1.00 spent').inputValue(), '2');
    assert.equal(await page.getByLabel('Minimum age').inputValue(), '21');
    assert.equal(await page.getByLabel('Without tax').isChecked(), true);
    assert.equal(await page.getByLabel(/^Pickup/).isChecked(), false);
    assert.equal(await page.getByLabel(/^Layby/).isChecked(), true);
    assert.equal(await page.getByLabel('Employee emails').inputValue(), 'till@findme.example');
    const stored = (await (await page.request.get('/api/loyalty/program')).json()) as { program: { pointsPerUnit: number; minimumAge: number; basis: string; earningAttributes: string[] } };
    assert.equal(stored.program.pointsPerUnit, 2);
    assert.equal(stored.program.minimumAge, 21);
    assert.equal(stored.program.basis, 'tax_exclusive');
    assert.ok(!stored.program.earningAttributes.includes('pickup'));
    await noHorizontalScroll(page, 'the Loyalty settings page');
  });

  await t.test('a search matching more than 10,000 personas says "10,000+"; the unfiltered total stays exact', async () => {
    const me = (await (await page.request.get('/api/auth/me')).json()) as { company: { id: string } };
    // Past the cap of a filtered count, written straight in SQL (a sync of 10,001 customers would take a minute).
    await sql`
      INSERT INTO personas (company_id, first_name, last_name, sourced_from)
      SELECT ${me.company.id}::uuid, 'Crowd', 'Member ' || i, '{lightspeed-x}' FROM generate_series(1, 10001) AS i`.execute(server.database.db);
    await page.goto('/personas?q=crowd');
    await listSettled(page);
    assert.equal(await page.getByTestId('persona-total').textContent(), '10,000+ personas');
    await page.getByText('1–50 of 10,000+', { exact: true }).waitFor();
    await screenshot(page, 'personas-05-capped-total', { fullPage: true });
    await page.goto('/personas');
    await listSettled(page);
    assert.match((await page.getByTestId('persona-total').textContent()) ?? '', /^10,0\d\d personas$/, 'exact, no +');
  });

  await t.test('the browser reported no errors', () => {
    assert.deepEqual(problems.consoleErrors, []);
    assert.deepEqual(problems.failedRequests, []);
  });
});
