/**
 * One emulated retailer ("store"): its generated data, live changes, tokens, rate limiter, faults and
 * webhooks. Everything a test needs to drive or inspect a store is a method here; the HTTP layers
 * (api.ts, admin.ts) are thin wrappers around it.
 */
import { Clock } from './clock.ts';
import { Collection } from './collection.ts';
import type { PageQuery } from './collection.ts';
import { Faults } from './faults.ts';
import type { FaultRule } from './faults.ts';
import { hash32, hashString, IdCodec, MAX_LAZY_INDEX, Rng, uuidFrom } from './generator/random.ts';
import { RateLimiter } from './rate-limit.ts';
import type { RateLimitConfig } from './rate-limit.ts';
import { blankCustomer, customerCode, CustomerGenerator, WRITABLE_CUSTOMER_FIELDS } from './resources/customers.ts';
import type { Customer } from './resources/customers.ts';
import { DAY_MS, money, ts } from './resources/format.ts';
import { legacyCustomer, legacySale } from './resources/legacy.ts';
import { assembleSale, SaleGenerator, stateOf, tenderPayments } from './resources/sales.ts';
import type { LineSpec, PaymentSpec, Sale, SaleStatus } from './resources/sales.ts';
import { buildSetup, makeOutlet, makeRegister, wire } from './resources/setup.ts';
import type { Row, Setup, Tax } from './resources/setup.ts';
import { TokenRegistry } from './tokens.ts';
import type { TokenInfo } from './tokens.ts';
import { VersionCounter } from './versions.ts';
import { DEFAULT_WEBHOOK_CONFIG, WebhookManager } from './webhooks.ts';
import type { WebhookConfig } from './webhooks.ts';

/** Behaviours the real API leaves undocumented; each can be switched per store. */
export interface StoreConfig {
  /** Is `before` an inclusive bound? (undocumented; default inclusive) */
  beforeInclusive: boolean;
  pageSizeDefault: number;
  pageSizeMax: number;
  salesPageSizeMax: number;
  searchPageSizeMax: number;
  /** Empty page: `version: {min: null, max: null}` ("null") or no version key ("omit"). */
  emptyPageVersion: 'null' | 'omit';
  /** /sales has no `deleted` parameter; return soft-deleted sales anyway (observed live). */
  salesIncludeDeleted: boolean;
  /** GET /customers/{id} of a deleted customer: 200 with deleted_at (default) or 404. */
  deletedCustomerGet: 200 | 404;
  /** PUT /customers/{id}: keep omitted fields ("merge", default) or reset them to null ("replace"). */
  customerPutMode: 'merge' | 'replace';
  rateLimit: RateLimitConfig;
  webhooks: WebhookConfig;
}

export const DEFAULT_STORE_CONFIG: StoreConfig = {
  beforeInclusive: true,
  pageSizeDefault: 100,
  pageSizeMax: 10_000,
  salesPageSizeMax: 500,
  searchPageSizeMax: 1000,
  emptyPageVersion: 'null',
  salesIncludeDeleted: true,
  deletedCustomerGet: 200,
  customerPutMode: 'merge',
  rateLimit: { enabled: true, windowMs: 300_000, limit: null, retryAfter: 'http-date' },
  webhooks: DEFAULT_WEBHOOK_CONFIG,
};

export interface StoreOptions {
  /** Tenant name in the URL path (lower-case letters, digits, dashes). */
  domainPrefix: string;
  /** Display name of the retailer. */
  name?: string;
  /** Data seed: same seed + same sizes = byte-identical data. Default: derived from the prefix. */
  seed?: number | string;
  /** Seed of the people pool; stores sharing it share people (cross-store duplicates). Default: `seed`. */
  peopleSeed?: number | string;
  /** Where this store starts in the people pool (default 0). */
  peopleOffset?: number;
  customers?: number;
  sales?: number;
  outlets?: number;
  registers?: number;
  users?: number;
  products?: number;
  /** Length of the generated history (default 730 days). */
  historyDays?: number;
  /** End of the generated history = the store clock's start (default 2026-01-01T00:00:00Z, for determinism). */
  historyEnd?: string | number | Date;
  /** Pin the first token's secret (default: generated from the seed). */
  token?: string;
  /** Optional expiry of the first token. */
  tokenExpiresAt?: string | number | Date | null;
  /**
   * Lowest version the store's counter starts from (default 2^32). A long-lived demo passes a value
   * derived from the clock, so a restarted store's versions are above those a client already saw.
   */
  versionFloor?: number;
  config?: Partial<Omit<StoreConfig, 'rateLimit' | 'webhooks'>> & {
    rateLimit?: Partial<RateLimitConfig>;
    webhooks?: Partial<WebhookConfig>;
  };
}

/** Customer fields accepted by the write helpers (2.0 CustomerBase names). */
export type CustomerInput = Partial<Pick<Customer, (typeof WRITABLE_CUSTOMER_FIELDS)[number]>>;

export interface SaleInput {
  /** Customer id; default: the walk-in customer. */
  customerId?: string;
  registerId?: string;
  userId?: string;
  /** CLOSED (default), LAYBY, ONACCOUNT or SAVED. */
  status?: 'CLOSED' | 'LAYBY' | 'ONACCOUNT' | 'SAVED';
  /** Lines by product id (default: one random product) and quantity. */
  lines?: Array<{ productId?: string; quantity?: number; discount?: number }>;
  note?: string;
}

export type ListResource = 'outlets' | 'registers' | 'users' | 'customer_groups' | 'customers' | 'sales' | 'products';

const toSeed = (v: number | string | undefined, fallback: string): number =>
  typeof v === 'number' ? hash32(v >>> 0, Math.floor(v / 2 ** 32)) : hashString(v ?? fallback);

function copy<T>(v: T): T {
  return structuredClone(v);
}

export class Store {
  readonly domainPrefix: string;
  readonly seed: number;
  readonly config: StoreConfig;
  readonly clock: Clock;
  readonly versions: VersionCounter;
  readonly setup: Setup;
  readonly tokens: TokenRegistry;
  readonly rateLimiter: RateLimiter;
  readonly faults: Faults;
  readonly webhooks: WebhookManager;
  /** The token printed for the store (first one minted). */
  readonly token: string;

  readonly outlets: Collection<Row>;
  readonly registers: Collection<Row>;
  readonly users: Collection<Row>;
  readonly customerGroups: Collection<Row>;
  readonly products: Collection<Row>;
  readonly customers: Collection<Customer>;
  readonly sales: Collection<Sale>;

  readonly customerGen: CustomerGenerator;
  readonly saleGen: SaleGenerator;
  private retailer: Record<string, unknown>;
  private readonly taxes: Map<string, Tax>;
  private readonly rng: Rng;
  private invoiceSeq: number;
  /** Per list (resource + deleted flag): the `after` of the last page served and its row versions. */
  readonly lastPages = new Map<string, { after: number; versions: number[] }>();
  private liveTimer: NodeJS.Timeout | null = null;

  constructor(opts: StoreOptions) {
    if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(opts.domainPrefix)) throw new Error(`invalid domain prefix: ${opts.domainPrefix}`);
    this.domainPrefix = opts.domainPrefix;
    this.seed = toSeed(opts.seed, opts.domainPrefix);
    const peopleSeed = toSeed(opts.peopleSeed ?? opts.seed, opts.domainPrefix);
    const c = opts.config ?? {};
    this.config = {
      ...DEFAULT_STORE_CONFIG,
      ...c,
      rateLimit: { ...DEFAULT_STORE_CONFIG.rateLimit, ...c.rateLimit },
      webhooks: { ...DEFAULT_STORE_CONFIG.webhooks, ...c.webhooks },
    };
    const nCustomers = Math.max(2, opts.customers ?? 200);
    const nSales = Math.max(0, opts.sales ?? 1000);
    if (nCustomers >= MAX_LAZY_INDEX / 2 || nSales >= MAX_LAZY_INDEX / 2) throw new Error('at most 8M customers / sales per store');
    const historyEnd = opts.historyEnd === undefined ? Date.parse('2026-01-01T00:00:00Z') : new Date(opts.historyEnd).getTime();
    const historyStart = historyEnd - (opts.historyDays ?? 730) * DAY_MS;
    this.clock = new Clock(historyEnd);
    this.rng = new Rng(hash32(this.seed, 0x11fe));
    this.versions = new VersionCounter(this.seed, undefined, opts.versionFloor);
    this.setup = buildSetup(this.seed, {
      domainPrefix: opts.domainPrefix,
      storeName: opts.name ?? `${opts.domainPrefix} store`,
      outlets: opts.outlets ?? 2,
      registers: opts.registers ?? Math.max(1, opts.outlets ?? 2),
      users: opts.users ?? 5,
      products: opts.products ?? 60,
      historyStart,
    });
    this.taxes = new Map(this.setup.taxes.map((t) => [t.id, t]));

    // Small collections: real objects, stamped from the counter in creation order.
    const small = (name: string, rows: Row[]): Collection<Row> => {
      const coll = new Collection<Row>(name, null, () => {
        throw new Error('no base');
      });
      for (const r of rows) {
        r.version = this.versions.next();
        coll.put(coll.nextIndex, r);
      }
      return coll;
    };
    this.outlets = small('outlets', this.setup.outlets);
    this.registers = small('registers', this.setup.registers);
    this.users = small('users', this.setup.users);
    this.customerGroups = small('customer_groups', this.setup.groups);
    this.products = small('products', this.setup.products);
    this.retailer = { ...this.setup.retailer, version: String(this.versions.next()) };

    // Lazy collections: reserve a version block each, then derive every record from its index.
    const customerRange = this.versions.reserve(nCustomers, 8, hash32(this.seed, 0xc));
    const customerCodec = new IdCodec(this.seed, 0xc);
    const groups = this.setup.groups;
    this.customerGen = new CustomerGenerator({
      storeTag: this.seed,
      peopleSeed,
      peopleOffset: opts.peopleOffset ?? 0,
      count: nCustomers,
      historyStart,
      historyEnd,
      groupIds: { all: groups[0]!.id, staff: groups[1]!.id, vip: groups[2]!.id, wholesale: groups[3]!.id },
      codec: customerCodec,
      version: (i) => customerRange.version(i),
    });
    this.customers = new Collection<Customer>('customers', customerRange, (i) => this.customerGen.generate(i), customerCodec, (i) =>
      this.customerGen.isDeleted(i),
    );
    const saleRange = this.versions.reserve(nSales, 8, hash32(this.seed, 0x5));
    const saleCodec = new IdCodec(this.seed, 0x5);
    this.saleGen = new SaleGenerator({
      storeTag: this.seed,
      count: nSales,
      historyStart,
      historyEnd,
      registers: this.setup.registers,
      users: this.setup.users,
      products: this.setup.sellable,
      taxes: this.taxes,
      paymentTypes: this.setup.paymentTypes,
      loyaltyRatio: Number((this.setup.retailer['loyalty'] as { ratio: number }).ratio),
      customers: this.customerGen,
      codec: saleCodec,
      version: (i) => saleRange.version(i),
    });
    this.sales = new Collection<Sale>('sales', saleRange, (i) => this.saleGen.generate(i), saleCodec, (i) => this.saleGen.isDeleted(i));
    this.invoiceSeq = 1001 + nSales;
    for (const r of this.setup.registers) r['invoice_sequence'] = this.invoiceSeq - 1;

    this.tokens = new TokenRegistry(this.seed, () => this.clock.wallNow());
    this.token = this.tokens.create({ name: 'Patron', token: opts.token, expiresAt: opts.tokenExpiresAt ?? null }).token;
    this.rateLimiter = new RateLimiter(this.config.rateLimit, () => this.activeRegisterCount(), () => this.clock.wallNow());
    this.faults = new Faults(this.seed);
    this.webhooks = new WebhookManager(this.seed, String(this.retailer['id']), this.setup.users[0]!.id, this.domainPrefix, this.config.webhooks);
  }

  // ---------------------------------------------------------------- reads

  get retailerRecord(): Record<string, unknown> {
    return this.retailer;
  }
  /** The user behind every personal token (the primary admin). */
  get tokenUser(): Row {
    return wire(this.users.get(0)!);
  }
  get walkInCustomerId(): string {
    return this.customers.idFor(0)!;
  }
  get allCustomersGroupId(): string {
    return this.setup.allCustomersGroupId;
  }

  activeRegisterCount(): number {
    let n = 0;
    for (const r of this.registers.all(false)) if (r) n++;
    return Math.max(1, n);
  }

  collection(resource: ListResource): Collection<Row> | Collection<Customer> | Collection<Sale> {
    switch (resource) {
      case 'outlets':
        return this.outlets;
      case 'registers':
        return this.registers;
      case 'users':
        return this.users;
      case 'customer_groups':
        return this.customerGroups;
      case 'products':
        return this.products;
      case 'customers':
        return this.customers;
      case 'sales':
        return this.sales;
    }
  }

  /** One cursor page, in wire shape. */
  page(resource: ListResource, q: PageQuery): Array<Record<string, unknown>> {
    const rows = (this.collection(resource) as Collection<Row>).page(q);
    return rows.map((r) => wire(r));
  }

  getCustomer(id: string): Customer | undefined {
    return this.customers.getById(id);
  }
  getSale(id: string): Sale | undefined {
    return this.sales.getById(id);
  }

  /**
   * The exact current set of records of a resource (what a complete sync must end up with). Generated
   * on the fly; for 1M-record stores prefer iterating `collection(resource).all()`.
   */
  snapshot(resource: ListResource, opts: { includeDeleted?: boolean } = {}): Array<Record<string, unknown>> {
    const out: Array<Record<string, unknown>> = [];
    for (const r of (this.collection(resource) as Collection<Row>).all(opts.includeDeleted ?? true)) out.push(wire(r));
    return out;
  }

  // ---------------------------------------------------------------- tokens, faults, clock

  createToken(opts: { name?: string; expiresAt?: string | number | Date | null; token?: string } = {}): TokenInfo {
    return this.tokens.create(opts);
  }
  revokeToken(tokenOrId: string): boolean {
    return this.tokens.revoke(tokenOrId);
  }
  listTokens(): TokenInfo[] {
    return this.tokens.list();
  }
  setFaults(rules: FaultRule[], seed?: number): void {
    this.faults.set(rules, seed);
  }
  clearFaults(): void {
    this.faults.clear();
  }
  /** Move the store clock forward (timestamps, token expiry, rate-limit window). */
  advanceClock(ms: number): void {
    this.clock.advance(ms);
  }
  setRateLimit(cfg: Partial<RateLimitConfig>): void {
    Object.assign(this.config.rateLimit, cfg);
    this.rateLimiter.reset();
  }

  // ---------------------------------------------------------------- customer writes

  private stamp<T extends { version: number; updated_at?: string }>(rec: T): T {
    rec.version = this.versions.next();
    if ('updated_at' in rec) rec.updated_at = ts(this.clock.now());
    return rec;
  }

  private saveCustomer(index: number, c: Customer, fire = true): Customer {
    this.stamp(c);
    this.customers.put(index, c);
    if (fire) this.fireCustomer(c);
    return c;
  }

  private fireCustomer(c: Customer): void {
    this.webhooks.fire('customer.update', () => legacyCustomer(c, this.groupName(c.customer_group_id)));
  }

  private groupName(id: string): string {
    return String(this.customerGroups.getById(id)?.['name'] ?? '');
  }

  private applyCustomerInput(c: Customer, input: Record<string, unknown>, replace: boolean): void {
    for (const k of WRITABLE_CUSTOMER_FIELDS) {
      if (k in input) (c as unknown as Record<string, unknown>)[k] = input[k] ?? (k === 'do_not_email' ? false : null);
      else if (replace && k !== 'customer_code' && k !== 'customer_group_id' && k !== 'enable_loyalty' && k !== 'do_not_email') {
        (c as unknown as Record<string, unknown>)[k] = null;
      }
    }
    if (typeof c.do_not_email !== 'boolean') c.do_not_email = Boolean(c.do_not_email);
    if (c.first_name !== null || c.last_name !== null) c.name = [c.first_name, c.last_name].filter(Boolean).join(' ') || null;
    else c.name = null;
  }

  /** POST /customers semantics: generated code, All Customers group, new version, customer.update. */
  createCustomer(input: CustomerInput | Record<string, unknown> = {}): Customer {
    const index = this.customers.nextIndex;
    const id = this.customers.idFor(index)!;
    const now = this.clock.now();
    const c = blankCustomer(id, '', this.allCustomersGroupId, now, 0);
    this.applyCustomerInput(c, input as Record<string, unknown>, false);
    if (!c.customer_code) c.customer_code = customerCode(c.first_name, this.rng);
    if (!c.customer_group_id) c.customer_group_id = this.allCustomersGroupId;
    c.created_at = ts(now);
    return this.saveCustomer(index, c);
  }

  /** PUT /customers/{id}: read-only fields are ignored; omitted fields kept (or cleared in "replace" mode). */
  updateCustomer(id: string, input: CustomerInput | Record<string, unknown>, mode = this.config.customerPutMode): Customer | undefined {
    const index = this.customers.indexOf(id);
    const cur = this.customers.get(index);
    if (!cur) return undefined;
    const c = copy(cur);
    this.applyCustomerInput(c, input as Record<string, unknown>, mode === 'replace');
    return this.saveCustomer(index, c);
  }

  /** Soft delete: deleted_at set, new version; hidden from lists unless deleted=true. */
  deleteCustomer(id: string): boolean {
    const index = this.customers.indexOf(id);
    const cur = this.customers.get(index);
    if (!cur || cur.deleted_at) return false;
    const c = copy(cur);
    c.deleted_at = ts(this.clock.now());
    this.saveCustomer(index, c);
    return true;
  }

  /** Ids of the sales (current state) that point at a customer. Scans cheaply over base sales. */
  salesOfCustomer(customerId: string): string[] {
    const out: string[] = [];
    const custIndex = this.customers.indexOf(customerId);
    const base = this.saleGen.ctx.count;
    for (let i = 0; i < this.sales.count; i++) {
      if (i < base && !this.sales.isEdited(i)) {
        if (this.saleGen.customerIndex(i) === custIndex) out.push(this.sales.idFor(i)!);
      } else {
        const s = this.sales.get(i);
        if (s && s.customer_id === customerId) out.push(s.id);
      }
    }
    return out;
  }

  /**
   * Back-office merge: the duplicate's balances move onto the kept customer, the duplicate is soft-deleted
   * and each of its sales is re-pointed at the kept customer (each gets a new version and sale.update).
   */
  mergeCustomers(keepId: string, duplicateId: string): { kept: Customer; duplicate: Customer; movedSales: string[] } {
    const ki = this.customers.indexOf(keepId);
    const di = this.customers.indexOf(duplicateId);
    const keep = this.customers.get(ki);
    const dup = this.customers.get(di);
    if (!keep || !dup || ki === di) throw new Error('merge needs two different existing customers');
    const moved = this.salesOfCustomer(duplicateId);
    for (const sid of moved) {
      const si = this.sales.indexOf(sid);
      const s = copy(this.sales.get(si)!);
      s.customer_id = keepId;
      this.saveSale(si, s);
    }
    const k = copy(keep);
    k.loyalty_balance = money(k.loyalty_balance + dup.loyalty_balance);
    k.balance = money(k.balance + dup.balance);
    k.year_to_date = money(k.year_to_date + dup.year_to_date);
    for (const f of ['email', 'phone', 'mobile', 'date_of_birth', 'company_name'] as const) if (k[f] === null) k[f] = dup[f];
    const d = copy(dup);
    d.deleted_at = ts(this.clock.now());
    d.loyalty_balance = 0;
    d.balance = 0;
    this.saveCustomer(di, d);
    const kept = this.saveCustomer(ki, k);
    return { kept, duplicate: d, movedSales: moved };
  }

  // ---------------------------------------------------------------- sale writes

  private saveSale(index: number, s: Sale, fire = true): Sale {
    this.stamp(s);
    this.sales.put(index, s);
    if (fire) {
      this.webhooks.fire('sale.update', () => {
        const cust = this.customers.getById(s.customer_id);
        return legacySale(s, {
          customer: cust,
          groupName: cust ? this.groupName(cust.customer_group_id) : '',
          userName: String(this.users.getById(s.user_id)?.['display_name'] ?? ''),
          product: (pid) => {
            const p = this.products.getById(pid);
            return p ? { name: String(p['name']), sku: String(p['sku']), handle: String(p['handle']) } : undefined;
          },
          tax: (tid) => this.taxes.get(tid),
        });
      });
    }
    return s;
  }

  /** Apply a sale's effect on its customer's aggregates (sign -1 reverses it, e.g. on void). */
  private applyToCustomer(s: Sale, sign: 1 | -1, opts: { balance?: number } = {}): void {
    const ci = this.customers.indexOf(s.customer_id);
    const cur = this.customers.get(ci);
    if (!cur || ci === 0 || cur.first_name === null) return; // walk-in / unnamed: no aggregates
    const c = copy(cur);
    const st = stateOf(s.status).state;
    if (st === 'closed') {
      c.year_to_date = money(c.year_to_date + sign * (s.total_price + s.total_tax));
      if (c.enable_loyalty && (this.retailer['loyalty'] as { enabled: boolean }).enabled) {
        c.loyalty_balance = money(c.loyalty_balance + sign * s.total_loyalty);
      }
    }
    if (opts.balance) c.balance = money(c.balance + opts.balance);
    if (c.year_to_date === cur.year_to_date && c.loyalty_balance === cur.loyalty_balance && c.balance === cur.balance) return;
    this.saveCustomer(ci, c);
  }

  private nextInvoice(registerId: string): { register: Row; seq: number } {
    const ri = this.registers.indexOf(registerId);
    const reg = this.registers.get(ri);
    if (!reg) throw new Error(`unknown register ${registerId}`);
    const seq = this.invoiceSeq++;
    const r = { ...reg, invoice_sequence: seq };
    this.stamp(r);
    this.registers.put(ri, r);
    return { register: r, seq };
  }

  /** A new sale rung up now. Closed sales update the customer's year_to_date/loyalty; on-account its balance. */
  createSale(input: SaleInput = {}): Sale {
    const status: SaleStatus = input.status ?? 'CLOSED';
    const customerId = input.customerId ?? this.walkInCustomerId;
    const cust = this.customers.getById(customerId);
    if (!cust) throw new Error(`unknown customer ${customerId}`);
    const registers = [...this.registers.all(false)];
    const regId = input.registerId ?? this.rng.pick(registers).id;
    const userId = input.userId ?? this.rng.pick([...this.users.all(false)]).id;
    const lines: LineSpec[] = (input.lines ?? [{}]).map((l) => {
      const product = l.productId ? this.products.getById(l.productId) : this.rng.pick(this.setup.sellable);
      if (!product) throw new Error(`unknown product ${l.productId}`);
      return { product, quantity: l.quantity ?? 1, discount: l.discount ?? 0, salespersonId: userId };
    });
    const { register, seq } = this.nextInvoice(regId);
    const now = this.clock.now();
    const index = this.sales.nextIndex;
    const pt = this.setup.paymentTypes;
    const sale = assembleSale({
      id: this.sales.idFor(index)!,
      rng: this.rng,
      register,
      userId,
      customerId,
      loyalty: cust.enable_loyalty && cust.first_name !== null,
      status,
      lines,
      invoiceSequence: seq,
      saleMs: now,
      payments: (total): PaymentSpec[] =>
        status === 'CLOSED' ? tenderPayments(this.rng, pt, total, now) : status === 'LAYBY' ? [{ type: pt[0]!, amount: Math.round(total * 20) / 100, dateMs: now }] : [],
      taxes: this.taxes,
      loyaltyRatio: Number((this.retailer['loyalty'] as { ratio: number }).ratio),
      note: input.note ?? '',
      version: 0,
    });
    this.saveSale(index, sale);
    const grand = money(sale.total_price + sale.total_tax);
    this.applyToCustomer(sale, 1, status === 'ONACCOUNT' ? { balance: -grand } : {});
    return sale;
  }

  private editSale(id: string): { index: number; sale: Sale } {
    const index = this.sales.indexOf(id);
    const cur = this.sales.get(index);
    if (!cur) throw new Error(`unknown sale ${id}`);
    return { index, sale: copy(cur) };
  }

  /** Void: status VOIDED, payments removed, customer aggregates reversed. */
  voidSale(id: string): Sale {
    const { index, sale } = this.editSale(id);
    if (sale.status === 'VOIDED') return sale;
    const wasClosed = stateOf(sale.status).state === 'closed';
    const before = copy(sale);
    sale.status = 'VOIDED';
    Object.assign(sale, stateOf('VOIDED'));
    sale.payments = [];
    for (const l of sale.line_items) l.status = 'VOIDED';
    this.saveSale(index, sale);
    if (wasClosed) this.applyToCustomer(before, -1);
    if (before.status === 'ONACCOUNT') this.applyToCustomer({ ...before, status: 'SAVED' }, 1, { balance: money(before.total_price + before.total_tax) });
    return sale;
  }

  /**
   * Edit a sale's lines after the fact (a correction in the back office): same sale, invoice, status
   * and customer; lines, totals and (for closed sales) payments recomputed; a new version.
   */
  editSaleLines(id: string, lines: NonNullable<SaleInput['lines']>): Sale {
    const { index, sale: before } = this.editSale(id);
    const register = this.registers.getById(before.register_id);
    if (!register) throw new Error(`sale ${id} has no register`);
    const cust = this.customers.getById(before.customer_id);
    const specs: LineSpec[] = lines.map((l) => {
      const product = l.productId ? this.products.getById(l.productId) : this.rng.pick(this.setup.sellable);
      if (!product) throw new Error(`unknown product ${l.productId}`);
      return { product, quantity: l.quantity ?? 1, discount: l.discount ?? 0, salespersonId: before.user_id };
    });
    const saleMs = Date.parse(before.sale_date);
    const pt = this.setup.paymentTypes;
    const closed = stateOf(before.status).state === 'closed';
    const after = assembleSale({
      id,
      rng: this.rng,
      register,
      userId: before.user_id,
      customerId: before.customer_id,
      loyalty: Boolean(cust?.enable_loyalty && cust.first_name !== null),
      status: before.status,
      lines: specs,
      invoiceSequence: before.invoice_sequence,
      saleMs,
      payments: (total): PaymentSpec[] => (closed ? tenderPayments(this.rng, pt, total, saleMs) : before.payments.map((p) => ({ type: pt.find((t) => t.id === p.retailer_payment_type_id) ?? pt[0]!, amount: p.amount, dateMs: Date.parse(p.payment_date) }))),
      taxes: this.taxes,
      loyaltyRatio: Number((this.retailer['loyalty'] as { ratio: number }).ratio),
      note: before.note ?? '',
      version: 0,
    });
    Object.assign(after, { invoice_number: before.invoice_number, receipt_number: before.receipt_number, short_code: before.short_code, created_at: before.created_at, return_for: before.return_for });
    this.saveSale(index, after);
    if (closed) {
      this.applyToCustomer(before, -1);
      this.applyToCustomer(after, 1);
    }
    return after;
  }

  /** Pay off a layby or on-account sale: LAYBY → LAYBY_CLOSED, ONACCOUNT → ONACCOUNT_CLOSED. */
  closeSale(id: string): Sale {
    const { index, sale } = this.editSale(id);
    const next = sale.status === 'LAYBY' ? 'LAYBY_CLOSED' : sale.status === 'ONACCOUNT' ? 'ONACCOUNT_CLOSED' : null;
    if (!next) throw new Error(`sale ${id} is ${sale.status}, not LAYBY/ONACCOUNT`);
    const grand = money(sale.total_price + sale.total_tax);
    const paid = sale.payments.reduce((s, p) => s + p.amount, 0);
    const pt = this.setup.paymentTypes[1] ?? this.setup.paymentTypes[0]!;
    const rest = money(grand - paid);
    if (rest !== 0) {
      sale.payments.push({
        id: uuidFrom(this.rng), register_id: sale.register_id, outlet_id: sale.outlet_id, retailer_payment_type_id: pt.id,
        payment_type_id: pt.payment_type_id, name: pt.name, amount: rest, payment_date: ts(this.clock.now()),
        deleted_at: null, source_id: null, external_attributes: [],
      });
    }
    const wasOnAccount = sale.status === 'ONACCOUNT';
    sale.status = next;
    Object.assign(sale, stateOf(next));
    this.saveSale(index, sale);
    this.applyToCustomer(sale, 1, wasOnAccount ? { balance: grand } : {});
    return sale;
  }

  /** PUT /sales/{id}/actions/return: a new SAVED sale returning every line of the original. */
  startReturn(id: string): Sale {
    const orig = this.sales.getById(id);
    if (!orig) throw new Error(`unknown sale ${id}`);
    const { register, seq } = this.nextInvoice(orig.register_id);
    const index = this.sales.nextIndex;
    const cust = this.customers.getById(orig.customer_id);
    const lines: LineSpec[] = orig.line_items.map((l) => {
      const product = this.products.getById(l.product_id) ?? this.setup.sellable[0]!;
      const shelf = Number(product['price_including_tax']);
      return { product, quantity: -Math.abs(l.quantity), discount: shelf > 0 ? Math.max(0, 1 - (l.price + l.tax) / shelf) : 0, isReturn: true };
    });
    const sale = assembleSale({
      id: this.sales.idFor(index)!,
      rng: this.rng,
      register,
      userId: orig.user_id,
      customerId: orig.customer_id,
      loyalty: Boolean(cust?.enable_loyalty && cust.first_name !== null),
      status: 'SAVED',
      lines,
      invoiceSequence: seq,
      saleMs: this.clock.now(),
      payments: () => [],
      taxes: this.taxes,
      loyaltyRatio: Number((this.retailer['loyalty'] as { ratio: number }).ratio),
      returnFor: orig.id,
      note: 'Return',
      version: 0,
    });
    return this.saveSale(index, sale);
  }

  /** Finish a return started with startReturn(): CLOSED with a negative (refund) payment. */
  completeReturn(id: string): Sale {
    const { index, sale } = this.editSale(id);
    if (!sale.return_for || sale.status !== 'SAVED') throw new Error(`sale ${id} is not an open return`);
    const pt = this.setup.paymentTypes[0]!;
    sale.payments = [{
      id: uuidFrom(this.rng), register_id: sale.register_id, outlet_id: sale.outlet_id, retailer_payment_type_id: pt.id,
      payment_type_id: pt.payment_type_id, name: pt.name, amount: money(sale.total_price + sale.total_tax),
      payment_date: ts(this.clock.now()), deleted_at: null, source_id: null, external_attributes: [],
    }];
    sale.status = 'CLOSED';
    Object.assign(sale, stateOf('CLOSED'));
    for (const l of sale.line_items) l.status = 'CONFIRMED';
    this.saveSale(index, sale);
    this.applyToCustomer(sale, 1);
    return sale;
  }

  /** Soft-delete a sale (deleted_at + new version), as seen for discarded parked sales. */
  deleteSale(id: string): Sale {
    const { index, sale } = this.editSale(id);
    sale.deleted_at = ts(this.clock.now());
    return this.saveSale(index, sale);
  }

  // ---------------------------------------------------------------- setup writes

  addOutlet(opts: { name?: string } = {}): Row {
    const i = this.outlets.nextIndex;
    const o = makeOutlet(this.rng, i, this.setup.taxes[0]!.id, this.clock.now(), `${this.domainPrefix}.example.com`);
    if (opts.name) o['name'] = opts.name;
    this.stamp(o);
    this.outlets.put(i, o);
    return wire(o);
  }

  /** Adds a register (raising the rate limit by 300). */
  addRegister(opts: { outletId?: string; name?: string } = {}): Row {
    const outlet = opts.outletId ? this.outlets.getById(opts.outletId) : this.outlets.get(0);
    if (!outlet) throw new Error(`unknown outlet ${opts.outletId}`);
    const i = this.registers.nextIndex;
    const r = makeRegister(this.rng, i, outlet, this.setup.paymentTypes[0]!.id, this.clock.now());
    if (opts.name) r['name'] = opts.name;
    r['invoice_sequence'] = this.invoiceSeq - 1;
    this.stamp(r);
    this.registers.put(i, r);
    return r;
  }

  // ---------------------------------------------------------------- search

  /** /search?type=customers|sales: offset paging over current records matching `filters`. */
  search(type: 'customers' | 'sales', filters: Record<string, string[]>, opts: { offset: number; limit: number; includeDeleted: boolean; orderBy?: string; desc?: boolean }): Array<Record<string, unknown>> {
    const one = (k: string): string | undefined => filters[k]?.[0];
    let matches: Array<Record<string, unknown>> = [];
    if (type === 'customers') {
      const eq = ['customer_code', 'email', 'first_name', 'last_name', 'company_name', 'mobile', 'phone'].filter((k) => one(k) !== undefined);
      for (const c of this.customers.all(opts.includeDeleted)) {
        const rec = c as unknown as Record<string, unknown>;
        if (eq.every((k) => String(rec[k] ?? '').toLowerCase() === one(k)!.toLowerCase())) matches.push(rec);
      }
    } else {
      const statuses = (filters['status'] ?? []).flatMap((s) => s.split(',')).filter(Boolean);
      const from = one('date_from') ? Date.parse(one('date_from')!) : -Infinity;
      const to = one('date_to') ? Date.parse(one('date_to')!) : Infinity;
      const custIndex = one('customer_id') ? this.customers.indexOf(one('customer_id')!) : null;
      const base = this.saleGen.ctx.count;
      for (let i = 0; i < this.sales.count; i++) {
        const edited = i >= base || this.sales.isEdited(i);
        // Cheap pre-filters on untouched base sales, so a customer lookup does not build 5M sales.
        if (!edited) {
          if (custIndex !== null && this.saleGen.customerIndex(i) !== custIndex) continue;
          const d = this.saleGen.dateMs(i);
          if (d < from || d > to) continue;
        }
        const s = this.sales.get(i)!;
        if (!opts.includeDeleted && s.deleted_at) continue;
        if (statuses.length && !statuses.includes(s.status)) continue;
        const sd = Date.parse(s.sale_date);
        if (sd < from || sd > to) continue;
        if (['invoice_number', 'customer_id', 'user_id', 'outlet_id'].some((k) => one(k) !== undefined && (s as unknown as Record<string, unknown>)[k] !== one(k))) continue;
        matches.push(s as unknown as Record<string, unknown>);
      }
    }
    const include = filters['_id'];
    const exclude = filters['-_id'];
    if (include?.length) matches = matches.filter((r) => include.includes(String(r['id'])));
    if (exclude?.length) matches = matches.filter((r) => !exclude.includes(String(r['id'])));
    if (opts.orderBy) {
      const k = opts.orderBy;
      const dir = opts.desc ? -1 : 1;
      matches.sort((a, b) => (String(a[k] ?? '') < String(b[k] ?? '') ? -dir : String(a[k] ?? '') > String(b[k] ?? '') ? dir : 0));
    }
    return matches.slice(opts.offset, opts.offset + opts.limit);
  }

  // ---------------------------------------------------------------- live trading

  /** Demo mode: every `intervalMs`, a new customer, a sale, or an edit happens. */
  startLiveTrading(intervalMs = 3000): void {
    this.stopLiveTrading();
    const rng = new Rng(hash32(this.seed, 0x1173));
    this.liveTimer = setInterval(() => {
      const r = rng.next();
      const n = this.customers.count;
      const someone = (): Customer | undefined => {
        for (let k = 0; k < 5; k++) {
          const c = this.customers.get(rng.int(1, n - 1));
          if (c && !c.deleted_at && c.first_name) return c;
        }
        return undefined;
      };
      if (r < 0.25) {
        const first = rng.pick(['Ana', 'Ben', 'Chloe', 'Dev', 'Ema', 'Finn']);
        this.createCustomer({ first_name: first, last_name: rng.pick(['Hart', 'Ngata', 'Lee', 'Moss']), email: `${first.toLowerCase()}${rng.int(100, 99999)}@example.net` });
      } else if (r < 0.85) {
        const c = rng.chance(0.6) ? someone() : undefined;
        this.createSale({ customerId: c?.id, status: rng.chance(0.05) ? 'LAYBY' : 'CLOSED', lines: [{ quantity: rng.int(1, 3) }] });
      } else {
        const c = someone();
        if (c) this.updateCustomer(c.id, { note: `Updated ${ts(this.clock.now())}` });
      }
    }, intervalMs);
    this.liveTimer.unref();
  }

  stopLiveTrading(): void {
    if (this.liveTimer) clearInterval(this.liveTimer);
    this.liveTimer = null;
  }

  close(): void {
    this.stopLiveTrading();
    this.webhooks.close();
  }
}
