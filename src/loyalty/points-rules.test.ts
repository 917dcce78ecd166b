import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultProgram } from './loyalty-program.ts';
import { ageOn, enrolmentBlock, salePoints, type SaleFacts } from './points-rules.ts';

const sale = (overrides: Partial<SaleFacts> = {}): SaleFacts => ({
  state: 'closed', deleted: false, attributes: [], totalExclTax: 100, totalInclTax: 115.99, saleDate: '2026-06-01T10:00:00Z', isReturn: false, ...overrides,
});

test('points: per 1.00 of the chosen total, rounded down per sale; returns round towards zero', () => {
  assert.equal(salePoints(sale(), defaultProgram, null), 115);
  assert.equal(salePoints(sale(), { ...defaultProgram, basis: 'tax_exclusive' }, null), 100);
  assert.equal(salePoints(sale(), { ...defaultProgram, pointsPerUnit: 2.5 }, null), 289);
  assert.equal(salePoints(sale({ totalInclTax: -115.99, isReturn: true }), defaultProgram, null), -115);
  assert.equal(salePoints(sale({ totalInclTax: 9.9999999999 }), defaultProgram, null), 10, 'float noise does not cost a point');
});

test('only closed, live sales of earning kinds since the start date earn', () => {
  for (const state of ['pending', 'voided', 'parked'] as const) assert.equal(salePoints(sale({ state }), defaultProgram, null), 0, state);
  assert.equal(salePoints(sale({ deleted: true }), defaultProgram, null), 0);
  assert.equal(salePoints(sale({ attributes: ['layby'] }), defaultProgram, null), 115, 'a closed layby earns by default');
  assert.equal(salePoints(sale({ attributes: ['layby'] }), { ...defaultProgram, earningAttributes: [] }, null), 0);
  assert.equal(salePoints(sale(), defaultProgram, '2026-06-02'), 0, 'before the start date');
  assert.equal(salePoints(sale(), defaultProgram, '2026-06-01'), 115, 'on the start date');
});

test('who may earn: age gate, minimum age, employees', () => {
  const member = { ageGatePassed: true, birthDate: '1990-05-05', email: 'a@example.com', phone: '+15551230000' };
  const today = new Date('2026-11-28T00:00:00Z');
  assert.equal(enrolmentBlock(member, defaultProgram, new Set(), today), null);
  assert.equal(enrolmentBlock({ ...member, ageGatePassed: false }, defaultProgram, new Set(), today), 'age_gate_not_confirmed');
  assert.equal(enrolmentBlock({ ...member, birthDate: '2006-11-29' }, { ...defaultProgram, minimumAge: 21 }, new Set(), today), 'under_age');
  assert.equal(enrolmentBlock({ ...member, birthDate: '2005-11-28' }, { ...defaultProgram, minimumAge: 21 }, new Set(), today), null, '21 today');
  assert.equal(enrolmentBlock({ ...member, birthDate: null }, { ...defaultProgram, minimumAge: 21 }, new Set(), today), null, 'unknown birth date: the age gate decides');
  assert.equal(enrolmentBlock(member, defaultProgram, new Set(['a@example.com']), today), 'employee', 'POS staff are blocked by default');
  assert.equal(enrolmentBlock(member, { ...defaultProgram, blockPosStaff: false }, new Set(['a@example.com']), today), null);
  assert.equal(enrolmentBlock(member, { ...defaultProgram, blockedPhones: ['+15551230000'] }, new Set(), today), 'employee');
  assert.equal(ageOn('2000-02-29', new Date('2026-02-28T00:00:00Z')), 25);
});
