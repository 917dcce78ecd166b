import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startEmulator, type Emulator } from '../index.ts';

let emu: Emulator;
before(async () => {
  emu = await startEmulator();
  emu.createStore({ domainPrefix: 'bo-shop', customers: 3, sales: 3, seed: 1 });
});
after(async () => {
  await emu.close();
});

test('Setup > Personal Tokens: name it, expiry off by default, the token shown once and usable on the API', async () => {
  const page = await fetch(`${emu.baseUrl('bo-shop')}/setup/personal-tokens`);
  assert.equal(page.status, 200);
  const html = await page.text();
  assert.match(html, /Allow personal tokens to expire/);
  assert.doesNotMatch(html, /name="allow_expiry" checked/, 'expiry is unticked by default');

  const created = await fetch(`${emu.baseUrl('bo-shop')}/setup/personal-tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ name: 'Patron' }),
  });
  assert.equal(created.status, 201);
  const token = /id="token" readonly value="(lsxs_pt_[A-Za-z0-9]{32})"/.exec(await created.text())?.[1];
  assert.ok(token, 'the token is shown');
  const api = await fetch(`${emu.baseUrl('bo-shop')}/api/2.0/retailer`, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(api.status, 200);
  const again = await (await fetch(`${emu.baseUrl('bo-shop')}/setup/personal-tokens`)).text();
  assert.ok(!again.includes(token), 'never shown again');
  const nameless = await fetch(`${emu.baseUrl('bo-shop')}/setup/personal-tokens`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'name=' });
  assert.equal(nameless.status, 400);
});
