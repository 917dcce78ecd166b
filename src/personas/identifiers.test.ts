import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalizeEmail, normalizePhone, personaEligibility } from './identifiers.ts';

test('one phone number in every format a cashier types comes out the same', () => {
  const formats = ['(555) 123-4567', '+1 555 123 4567', '555.123.4567', '5551234567', '555-123-4567', '+15551234567', ' (555)123-4567 '];
  for (const format of formats) assert.equal(normalizePhone(format, 'US'), '+15551234567', format);
  assert.equal(normalizePhone('021 123 4567', 'NZ'), '+64211234567', 'national formats read in the store country');
  assert.equal(normalizePhone('+64 21 123 4567', 'US'), '+64211234567', 'an international number ignores the store country');
});

test('junk is not a phone identifier', () => {
  for (const junk of ['', '   ', 'n/a', 'none', '123', 'call me', '000', null, undefined]) assert.equal(normalizePhone(junk as string, 'US'), null, String(junk));
});

test('emails are trimmed and lower-cased; non-addresses are dropped', () => {
  assert.equal(normalizeEmail('  Ada.Lovelace@Example.COM '), 'ada.lovelace@example.com');
  for (const junk of ['', 'nobody', 'a@b', 'two words@example.com', null]) assert.equal(normalizeEmail(junk), null, String(junk));
});

test('walk-in, deleted, excluded and contact-less customers stay out of personas', () => {
  const base = { customerCode: 'Ada-1234', firstName: 'Ada', lastName: 'L', email: 'ada@example.com', phones: [], deleted: false, excludedGroup: false };
  assert.deepEqual(personaEligibility(base), { eligible: true });
  assert.deepEqual(personaEligibility({ ...base, email: null, phones: ['+15551234567'] }), { eligible: true });
  assert.deepEqual(personaEligibility({ ...base, customerCode: 'WALKIN', firstName: null, lastName: null }), { eligible: false, reason: 'walk_in' });
  assert.deepEqual(personaEligibility({ ...base, deleted: true }), { eligible: false, reason: 'deleted' });
  assert.deepEqual(personaEligibility({ ...base, excludedGroup: true }), { eligible: false, reason: 'excluded_group' });
  assert.deepEqual(personaEligibility({ ...base, email: null }), { eligible: false, reason: 'no_contact' });
});
