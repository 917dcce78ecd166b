/** Version-cursor semantics: exclusive `after`, ordering, edits during a scan, deletes, page_size rules. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startEmulator } from '../index.ts';
import type { Emulator } from '../index.ts';
import type { Store } from '../store.ts';
import { call, scan } from './helpers.ts';

describe('version cursor', () => {
  let emu: Emulator;
  let store: Store;
  before(async () => {
    emu = await startEmulator();
    store = emu.createStore({ domainPrefix: 'cursor', customers: 250, sales: 300, seed: 3 });
  });
  after(() => emu.close());

  it('versions are > 2^32, strictly increasing within a page, and global across resources', async () => {
    const seen = new Set<number>();
    for (const res of ['outlets', 'registers', 'users', 'customer_groups', 'products', 'customers', 'sales']) {
      const { rows } = await scan(emu, store, res, { page_size: '50', deleted: 'true' });
      for (let i = 1; i < rows.length; i++) assert.ok(rows[i].version > rows[i - 1].version, `${res} not ascending`);
      for (const r of rows) {
        assert.ok(r.version > 2 ** 32);
        assert.ok(!seen.has(r.version), `version ${r.version} reused across resources`);
        seen.add(r.version);
      }
    }
    // Gaps: consecutive versions are not all +1 apart.
    const { rows } = await scan(emu, store, 'customers', { page_size: '1000' });
    assert.ok(rows.some((r, i) => i > 0 && r.version - rows[i - 1].version > 1));
  });

  it('a full scan returns exactly the current non-deleted customers; `after` is exclusive', async () => {
    const { rows, pages } = await scan(emu, store, 'customers', { page_size: '7' });
    const expected = store.snapshot('customers', { includeDeleted: false });
    assert.deepEqual(rows.map((r) => r.id).sort(), expected.map((r) => String(r['id'])).sort());
    assert.equal(new Set(rows.map((r) => r.id)).size, rows.length, 'no row twice');
    assert.equal(pages, Math.ceil(rows.length / 7) + 1, 'one extra request for the empty page');
    // The row at version == after is not returned again.
    const first = await call(emu, store, '/api/2.0/customers?page_size=3');
    const next = await call(emu, store, `/api/2.0/customers?page_size=3&after=${first.json.version.max}`);
    assert.ok(next.json.data.every((r: { version: number }) => r.version > first.json.version.max));
    assert.equal(next.json.data[0].id, rows[3].id);
    assert.deepEqual(first.json.version, { min: first.json.data[0].version, max: first.json.data[2].version });
  });

  it('records edited during a scan reappear later with a higher version', async () => {
    const p1 = await call(emu, store, '/api/2.0/customers?page_size=20');
    const edited = p1.json.data[5];
    store.updateCustomer(edited.id, { note: 'edited mid-scan' });
    const { rows } = await scan(emu, store, 'customers', { page_size: '20' });
    // A fresh scan from the cursor of page 1 sees the edit at the end, once.
    const cont = rows.filter((r) => r.version > p1.json.version.max);
    const again = cont.filter((r) => r.id === edited.id);
    assert.equal(again.length, 1);
    assert.equal(again[0].note, 'edited mid-scan');
    assert.ok(again[0].version > edited.version);
    assert.equal(cont[cont.length - 1].id, edited.id, 'the edited row now has the highest version');
  });

  it('deleted rows show only with deleted=true (customers), and come with deleted_at', async () => {
    const c = store.createCustomer({ first_name: 'Del', last_name: 'Me' });
    const del = await call(emu, store, `/api/2.0/customers/${c.id}`, { method: 'DELETE' });
    assert.equal(del.status, 204);
    assert.equal(del.text, '');
    const cursor = c.version;
    const hidden = await call(emu, store, `/api/2.0/customers?after=${cursor}`);
    assert.ok(!hidden.json.data.some((r: { id: string }) => r.id === c.id));
    const shown = await call(emu, store, `/api/2.0/customers?after=${cursor}&deleted=true`);
    const row = shown.json.data.find((r: { id: string }) => r.id === c.id);
    assert.ok(row?.deleted_at);
    // Generated history has some soft-deleted customers too.
    const all = await scan(emu, store, 'customers', { page_size: '1000', deleted: 'true' });
    const live = await scan(emu, store, 'customers', { page_size: '1000' });
    assert.ok(all.rows.length > live.rows.length);
    // GET by id still answers for a deleted customer (default cfg), with deleted_at.
    const one = await call(emu, store, `/api/2.0/customers/${c.id}`);
    assert.equal(one.status, 200);
    assert.ok(one.json.data.deleted_at);
  });

  it('sales return soft-deleted rows with deleted_at although /sales has no deleted parameter', async () => {
    const s = store.createSale({ status: 'SAVED' });
    store.deleteSale(s.id);
    const r = await call(emu, store, `/api/2.0/sales?after=${s.version}`);
    const row = r.json.data.find((x: { id: string }) => x.id === s.id);
    assert.ok(row?.deleted_at);
  });

  it('users ignore deleted=true (no such parameter)', async () => {
    const a = await call(emu, store, '/api/2.0/users');
    const b = await call(emu, store, '/api/2.0/users?deleted=true');
    assert.deepEqual(a.json, b.json);
  });

  it('page_size: default 100, clamped to 10 000 (500 for sales), < 1 or junk → 400', async () => {
    const big = emu.createStore({ domainPrefix: 'cursor-big', customers: 10_050, sales: 600, seed: 4, config: { rateLimit: { enabled: false } } });
    assert.equal((await call(emu, big, '/api/2.0/customers')).json.data.length, 100);
    assert.equal((await call(emu, big, '/api/2.0/customers?page_size=20000&deleted=true')).json.data.length, 10_000);
    assert.equal((await call(emu, big, '/api/2.0/sales?page_size=20000')).json.data.length, 500);
    assert.equal((await call(emu, big, '/api/2.0/customers?page_size=0')).status, 400);
    assert.equal((await call(emu, big, '/api/2.0/customers?page_size=-5')).status, 400);
    assert.equal((await call(emu, big, '/api/2.0/customers?page_size=abc')).status, 400);
    assert.equal((await call(emu, big, '/api/2.0/customers?after=xyz')).status, 400);
  });

  it('`before` bounds the versions (inclusive by default, exclusive by config)', async () => {
    const p = await call(emu, store, '/api/2.0/customers?page_size=10');
    const cut = p.json.data[4].version;
    const incl = await call(emu, store, `/api/2.0/customers?page_size=10&before=${cut}`);
    assert.equal(incl.json.data.length, 5);
    const ex = emu.createStore({ domainPrefix: 'cursor-ex', customers: 30, sales: 0, seed: 3, config: { beforeInclusive: false } });
    const pe = await call(emu, ex, '/api/2.0/customers?page_size=10');
    const r = await call(emu, ex, `/api/2.0/customers?page_size=10&before=${pe.json.data[4].version}`);
    assert.equal(r.json.data.length, 4);
  });

  it('merge: duplicate soft-deleted, its sales re-pointed with new versions past the cursor', async () => {
    const keep = store.createCustomer({ first_name: 'Keep', last_name: 'Er', email: 'k@example.org' });
    const dup = store.createCustomer({ first_name: 'Keep', last_name: 'Er', phone: '(555) 123-4567' });
    const s1 = store.createSale({ customerId: dup.id });
    const s2 = store.createSale({ customerId: dup.id, status: 'LAYBY' });
    const cursor = store.versions.last;
    const res = store.mergeCustomers(keep.id, dup.id);
    assert.deepEqual(res.movedSales.sort(), [s1.id, s2.id].sort());
    const sales = await call(emu, store, `/api/2.0/sales?after=${cursor}`);
    const moved = sales.json.data.filter((s: { id: string }) => s.id === s1.id || s.id === s2.id);
    assert.equal(moved.length, 2);
    for (const m of moved) assert.equal(m.customer_id, keep.id);
    const custs = await call(emu, store, `/api/2.0/customers?after=${cursor}&deleted=true`);
    assert.ok(custs.json.data.find((c: { id: string }) => c.id === dup.id).deleted_at);
    assert.equal(custs.json.data.find((c: { id: string }) => c.id === keep.id).phone, '(555) 123-4567');
  });

  it('merge finds generated (untouched) sales of a generated customer', () => {
    const s = store.sales.get(10)!;
    const victim = s.customer_id === store.walkInCustomerId ? store.sales.get(11)! : s;
    const owner = victim.customer_id;
    const theirs = store.salesOfCustomer(owner);
    assert.ok(theirs.includes(victim.id));
    const target = store.createCustomer({ first_name: 'Target', last_name: 'T' });
    const res = store.mergeCustomers(target.id, owner);
    assert.deepEqual(res.movedSales, theirs);
    assert.equal(store.getSale(victim.id)!.customer_id, target.id);
  });
});
