import type { Store } from '../../emulator/index.ts';

/** A seeded PRNG (mulberry32): a campaign that fails can be replayed from its seed. */
export function seededRandom(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = Math.imul(state ^ (state >>> 15), state | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296;
  };
  const int = (below: number) => Math.floor(next() * below);
  const pick = <T>(items: readonly T[]): T | undefined => items[int(items.length)];
  return { next, int, pick };
}

export type Random = ReturnType<typeof seededRandom>;

/**
 * What a busy shop does to its Lightspeed data while Patron syncs: new and edited customers (some
 * sharing an email with another, which merges personas), deletions, back-office merges, new sales of
 * every kind, closes, voids, returns and edited lines. Ids are tracked here so a step never needs a
 * snapshot of a large store.
 */
export class LiveChanges {
  readonly counts: Record<string, number> = {};
  private readonly customers: string[];
  private readonly sales: string[];
  private serial = 0;

  constructor(
    private readonly store: Store,
    private readonly random: Random,
  ) {
    const walkIn = store.walkInCustomerId;
    this.customers = store.snapshot('customers').map((row) => String(row.id)).filter((id) => id !== walkIn);
    this.sales = store.snapshot('sales').map((row) => String(row.id));
  }

  get total(): number {
    return Object.values(this.counts).reduce((sum, n) => sum + n, 0);
  }

  /** One random change; returns its name, or undefined when the pick did not apply (e.g. voiding a void). */
  step(): string | undefined {
    const roll = this.random.next();
    try {
      const change = this.apply(roll);
      if (change) this.counts[change] = (this.counts[change] ?? 0) + 1;
      return change;
    } catch {
      // The emulator refuses changes a real POS would refuse (closing a closed sale…): not a change.
      return undefined;
    }
  }

  private customer(): string | undefined {
    return this.random.pick(this.customers);
  }

  private sale(): string | undefined {
    return this.random.pick(this.sales);
  }

  private apply(roll: number): string | undefined {
    const { store, random } = this;
    if (roll < 0.14) {
      const n = ++this.serial;
      const created = store.createCustomer({ first_name: 'Live', last_name: `Shopper ${n}`, email: `live-${store.domainPrefix}-${n}@example.test`, phone: random.next() < 0.5 ? `555-01${String(n % 100).padStart(2, '0')}` : undefined });
      this.customers.push(created.id);
      return 'customer created';
    }
    if (roll < 0.26) {
      const id = this.customer();
      if (!id) return undefined;
      const n = ++this.serial;
      const fields = random.next() < 0.5 ? { first_name: `Edited ${n}` } : { email: `edited-${store.domainPrefix}-${n}@example.test`, do_not_email: random.next() < 0.3 };
      return store.updateCustomer(id, fields) ? 'customer edited' : undefined;
    }
    if (roll < 0.3) {
      // Two customers end up with one email: Patron must merge their personas.
      const [a, b] = [this.customer(), this.customer()];
      const email = a ? store.getCustomer(a)?.email : undefined;
      if (!a || !b || a === b || !email) return undefined;
      return store.updateCustomer(b, { email }) ? 'email shared' : undefined;
    }
    if (roll < 0.34) {
      const id = this.customer();
      if (!id || !store.deleteCustomer(id)) return undefined;
      this.customers.splice(this.customers.indexOf(id), 1);
      return 'customer deleted';
    }
    if (roll < 0.38) {
      const [keep, duplicate] = [this.customer(), this.customer()];
      if (!keep || !duplicate || keep === duplicate) return undefined;
      store.mergeCustomers(keep, duplicate);
      this.customers.splice(this.customers.indexOf(duplicate), 1);
      return 'customers merged';
    }
    if (roll < 0.62) {
      const status = random.pick(['CLOSED', 'CLOSED', 'CLOSED', 'LAYBY', 'ONACCOUNT', 'SAVED'] as const);
      const sale = store.createSale({ customerId: random.next() < 0.9 ? this.customer() : undefined, status, lines: [{ quantity: 1 + random.int(3) }] });
      this.sales.push(sale.id);
      return 'sale created';
    }
    if (roll < 0.7) {
      const id = this.sale();
      const sale = id ? store.getSale(id) : undefined;
      if (!id || !sale || (sale.status !== 'LAYBY' && sale.status !== 'ONACCOUNT')) return undefined;
      store.closeSale(id);
      return 'sale closed';
    }
    if (roll < 0.8) {
      const id = this.sale();
      const sale = id ? store.getSale(id) : undefined;
      if (!id || !sale || sale.state !== 'closed' || sale.return_for) return undefined;
      store.voidSale(id);
      return 'sale voided';
    }
    if (roll < 0.9) {
      const id = this.sale();
      const sale = id ? store.getSale(id) : undefined;
      if (!id || !sale || sale.state !== 'closed' || sale.return_for || !sale.customer_id || sale.customer_id === store.walkInCustomerId) return undefined;
      const returned = store.startReturn(id);
      store.completeReturn(returned.id);
      this.sales.push(returned.id);
      return 'sale returned';
    }
    const id = this.sale();
    const sale = id ? store.getSale(id) : undefined;
    if (!id || !sale || sale.state !== 'closed' || sale.return_for) return undefined;
    store.editSaleLines(id, [{ quantity: 1 + random.int(4) }]);
    return 'sale lines edited';
  }
}
