/** Data generator: determinism, realism, and money consistency of every generated sale. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Store } from '../store.ts';
import { IdCodec } from '../generator/random.ts';
import type { Sale } from '../resources/sales.ts';

const close = (a: number, b: number, eps = 1e-6) => Math.abs(a - b) < eps;

describe('generator', () => {
  it('same seed and sizes → identical data; different seed → different data', () => {
    const a = new Store({ domainPrefix: 'det-a', seed: 77, customers: 80, sales: 150 });
    const b = new Store({ domainPrefix: 'det-a', seed: 77, customers: 80, sales: 150 });
    const c = new Store({ domainPrefix: 'det-a', seed: 78, customers: 80, sales: 150 });
    for (const res of ['customers', 'sales', 'outlets', 'registers', 'users', 'products', 'customer_groups'] as const) {
      assert.deepEqual(a.snapshot(res), b.snapshot(res), res);
    }
    assert.equal(a.token, b.token);
    assert.notDeepEqual(a.snapshot('customers'), c.snapshot('customers'));
  });

  it('ids round-trip through the codec and never collide', () => {
    const codec = new IdCodec(12345, 0xc);
    const seen = new Set<string>();
    for (const i of [0, 1, 2, 999, 1_000_000, 4_999_999, 16_000_000]) {
      const id = codec.encode(i);
      assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      assert.equal(codec.decode(id), i);
      seen.add(id);
    }
    assert.equal(seen.size, 7);
    assert.equal(codec.decode('b8ca3a65-0183-11e4-fbb5-4f73f02a9d1c'), -1);
  });

  it('customers look like a real store: walk-in, unnamed, groups, contact formats, ages, opt-outs', () => {
    const s = new Store({ domainPrefix: 'real', seed: 1, customers: 3000, sales: 0 });
    const all = [...s.customers.all()];
    assert.equal(all[0]!.customer_code, 'WALKIN');
    assert.equal(all[0]!.first_name, null);
    const unnamed = all.filter((c) => c.customer_code.startsWith('UNNAMED-'));
    assert.ok(unnamed.length >= 5);
    for (const u of unnamed) {
      assert.match(u.customer_code, /^UNNAMED-[A-Z0-9]{4}$/);
      assert.equal(u.email, null);
      assert.equal(u.last_name, null);
    }
    const groups = s.snapshot('customer_groups');
    assert.ok(groups.some((g) => g['group_id'] === '1111111111' && g['name'] === 'All Customers'));
    assert.ok(groups.some((g) => g['name'] === 'Staff'));
    assert.ok(all.some((c) => c.customer_group_id === s.setup.staffGroupId));
    const phones = all.map((c) => c.phone).filter((p): p is string => p !== null);
    for (const re of [/^\(\d{3}\) \d{3}-\d{4}$/, /^\+1 \d{3} \d{3} \d{4}$/, /^\d{3}\.\d{3}\.\d{4}$/]) {
      assert.ok(phones.some((p) => re.test(p)), `phone format ${re}`);
    }
    const named = all.filter((c) => c.first_name);
    assert.ok(named.some((c) => c.email === null && c.phone === null && c.mobile === null), 'some without contact details');
    assert.ok(named.some((c) => c.do_not_email));
    const under21 = named.filter((c) => c.date_of_birth && Number(c.date_of_birth.slice(0, 4)) > 2005);
    assert.ok(under21.length > 0, 'some under-21 birth dates');
    assert.ok(named.every((c) => /^[A-Za-z]+-[A-Z0-9]{4}$/.test(c.customer_code)));
    assert.ok(all.some((c) => c.deleted_at !== null), 'some soft-deleted history');
    // In-store duplicates: the same person entered twice (same name, same email ignoring case/space).
    const key = (c: (typeof all)[number]) => `${c.first_name} ${c.last_name}|${(c.email ?? '').trim().toLowerCase()}`;
    const counts = new Map<string, number>();
    for (const c of named) if (c.email) counts.set(key(c), (counts.get(key(c)) ?? 0) + 1);
    assert.ok([...counts.values()].some((n) => n > 1), 'in-store duplicates');
  });

  it('two stores with the same people seed share people (cross-store duplicates)', () => {
    const a = new Store({ domainPrefix: 'xa', seed: 1, peopleSeed: 'pool', customers: 300, sales: 0 });
    const b = new Store({ domainPrefix: 'xb', seed: 2, peopleSeed: 'pool', customers: 300, sales: 0, peopleOffset: 100 });
    const names = (s: Store) => new Set([...s.customers.all()].filter((c) => c.first_name).map((c) => `${c.first_name} ${c.last_name} ${c.date_of_birth ?? ''}`));
    const na = names(a);
    const shared = [...names(b)].filter((n) => na.has(n));
    assert.ok(shared.length > 50, `shared people: ${shared.length}`);
    assert.notEqual(a.customers.get(5)!.id, b.customers.get(5)!.id);
  });

  it('every generated sale is internally consistent', () => {
    const s = new Store({ domainPrefix: 'money', seed: 9, customers: 500, sales: 4000 });
    const sales = [...s.sales.all()] as Sale[];
    const byId = new Map(sales.map((x) => [x.id, x]));
    const statuses = new Set<string>();
    let prevDate = '';
    let returns = 0;
    let multiPay = 0;
    let multiLine = 0;
    for (const sale of sales) {
      statuses.add(sale.status);
      assert.ok(sale.sale_date >= prevDate, 'sale dates ascend with the index');
      prevDate = sale.sale_date;
      let price = 0;
      let tax = 0;
      for (const l of sale.line_items) {
        assert.ok(close(l.price_total, l.price * l.quantity, 1e-4));
        assert.ok(close(l.tax_total, l.tax * l.quantity, 1e-4));
        price += l.price_total;
        tax += l.tax_total;
      }
      assert.ok(close(sale.total_price, price, 1e-4), 'total_price = Σ line price_total (excl. tax)');
      assert.ok(close(sale.total_tax, tax, 1e-4));
      const paid = sale.payments.reduce((a, p) => a + p.amount, 0);
      if (sale.state === 'closed') assert.ok(close(paid, sale.total_price + sale.total_tax, 1e-4), `${sale.status} paid ${paid}`);
      if (sale.status === 'VOIDED' || sale.status === 'SAVED' || sale.status === 'ONACCOUNT') assert.equal(sale.payments.length, 0);
      if (sale.status === 'LAYBY') assert.ok(paid < sale.total_price + sale.total_tax);
      if (sale.return_for) {
        returns++;
        const orig = byId.get(sale.return_for);
        assert.ok(orig && orig.sale_date <= sale.sale_date, 'returns point at an earlier sale');
        assert.equal(orig.customer_id, sale.customer_id);
        assert.ok(sale.line_items.every((l) => l.quantity < 0 && l.is_return));
        assert.ok(sale.total_price < 0 && paid < 0);
      }
      if (sale.payments.length > 1) multiPay++;
      if (sale.line_items.length > 1) multiLine++;
      assert.match(sale.short_code, /^[a-z0-9]{6}$/);
      assert.ok(sale.invoice_number.startsWith(String(s.registers.getById(sale.register_id)!['invoice_prefix'])));
    }
    for (const st of ['CLOSED', 'SAVED', 'VOIDED', 'LAYBY', 'LAYBY_CLOSED', 'ONACCOUNT', 'ONACCOUNT_CLOSED']) assert.ok(statuses.has(st), st);
    assert.ok(returns > 20 && multiPay > 20 && multiLine > 500);
    assert.ok(sales.some((x) => x.customer_id === s.walkInCustomerId), 'anonymous sales use the walk-in customer');
    assert.ok(sales.some((x) => x.deleted_at), 'some discarded parked sales');
  });

  it('state/attributes follow status', () => {
    const s = new Store({ domainPrefix: 'states', seed: 2, customers: 100, sales: 2000 });
    const expect: Record<string, [string, string[]]> = {
      CLOSED: ['closed', []], SAVED: ['parked', []], VOIDED: ['voided', []], LAYBY: ['pending', ['layby']],
      LAYBY_CLOSED: ['closed', ['layby']], ONACCOUNT: ['pending', ['onaccount']], ONACCOUNT_CLOSED: ['closed', ['onaccount']],
    };
    for (const sale of s.sales.all()) assert.deepEqual([sale.state, sale.attributes], expect[sale.status]);
  });

  it('live changes keep customer aggregates in step (closed sale, void, on-account)', () => {
    const s = new Store({ domainPrefix: 'agg', seed: 3, customers: 50, sales: 0 });
    const c = s.createCustomer({ first_name: 'Agg', last_name: 'Regate', enable_loyalty: true });
    const sale = s.createSale({ customerId: c.id, lines: [{ quantity: 2 }] });
    const after = s.getCustomer(c.id)!;
    assert.ok(close(after.year_to_date, sale.total_price + sale.total_tax, 1e-4));
    assert.ok(after.loyalty_balance > 0 && close(after.loyalty_balance, sale.total_loyalty, 1e-4));
    s.voidSale(sale.id);
    const voided = s.getCustomer(c.id)!;
    assert.equal(voided.year_to_date, 0);
    assert.equal(voided.loyalty_balance, 0);
    const acct = s.createSale({ customerId: c.id, status: 'ONACCOUNT' });
    assert.ok(close(s.getCustomer(c.id)!.balance, -(acct.total_price + acct.total_tax), 1e-4));
    const closed = s.closeSale(acct.id);
    assert.equal(closed.status, 'ONACCOUNT_CLOSED');
    assert.equal(s.getCustomer(c.id)!.balance, 0);
    const ret = s.startReturn(closed.id);
    assert.equal(ret.status, 'SAVED');
    const done = s.completeReturn(ret.id);
    assert.equal(done.status, 'CLOSED');
    assert.ok(close(done.payments[0]!.amount, -(acct.total_price + acct.total_tax), 1e-4));
  });
});
