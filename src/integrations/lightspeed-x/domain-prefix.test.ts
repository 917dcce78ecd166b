import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDomainPrefix } from './domain-prefix.ts';

test('accepts the prefix alone or any Lightspeed address of the store', () => {
  const accepted: Array<[string, string]> = [
    ['mystore', 'mystore'],
    ['MyStore ', 'mystore'],
    ['  my-store-2 ', 'my-store-2'],
    ['mystore.retail.lightspeed.app', 'mystore'],
    ['https://mystore.retail.lightspeed.app/sell', 'mystore'],
    ['https://MyStore.retail.lightspeed.app/setup/personal-tokens?x=1#y', 'mystore'],
    ['http://mystore.retail.lightspeed.app', 'mystore'],
    ['mystore.vendhq.com', 'mystore'],
    ['https://mystore.vendhq.com/', 'mystore'],
  ];
  for (const [input, expected] of accepted) {
    const result = parseDomainPrefix(input);
    assert.deepEqual(result, { ok: true, domainPrefix: expected }, input);
  }
});

test('rejects other hosts, IPs, smuggled hosts and junk with a message that says what to paste', () => {
  const rejected = [
    '',
    '   ',
    'evil.com',
    'https://evil.com/mystore',
    'mystore.retail.lightspeed.app.evil.com',
    'https://evil.com/.retail.lightspeed.app',
    'https://mystore.retail.lightspeed.app@evil.com',
    'https://user:pw@mystore.retail.lightspeed.app',
    'https://mystore.retail.lightspeed.app:8443',
    '127.0.0.1',
    'http://169.254.169.254/latest',
    '[::1]',
    'my store',
    'my_store',
    '-mystore',
    'mystore-',
    'a.b.retail.lightspeed.app',
    'https:\\\\evil.com\\mystore.retail.lightspeed.app',
    'mystore/../evil',
    'javascript:alert(1)',
    'ftp://mystore.retail.lightspeed.app',
    'x'.repeat(64),
    'x'.repeat(400),
    '<script>alert(1)</script>',
    "mystore'; DROP TABLE credentials;--",
    'mystore\u0000',
    'mystore%2eevil.com',
  ];
  for (const input of rejected) {
    const result = parseDomainPrefix(input);
    assert.equal(result.ok, false, `should reject ${JSON.stringify(input)}`);
    if (!result.ok) assert.match(result.message, /mystore\.retail\.lightspeed\.app, enter mystore/, input);
  }
  assert.equal(parseDomainPrefix(42).ok, false);
  assert.equal(parseDomainPrefix(null).ok, false);
});
