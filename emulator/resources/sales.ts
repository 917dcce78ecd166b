/**
 * Sales in the API 2.0 shape (components.schemas.Sale plus the keys the official examples add), generated
 * lazily like customers: sale i is a pure function of (store seed, i), with sale dates increasing in i.
 *
 * Money rules (checked by the tests): line `price`/`tax` are per unit, tax-exclusive price; `*_total` =
 * unit × quantity; sale `total_price` excludes tax; a fully paid sale has Σ payments = total_price +
 * total_tax; returns are their own sales with negative quantities, totals and payments.
 */
import { hash32, Rng, uuidFrom, LOWER_ALNUM } from '../generator/random.ts';
import type { IdCodec } from '../generator/random.ts';
import type { CustomerGenerator } from './customers.ts';
import type { PaymentType, Row, Tax } from './setup.ts';
import { cents, money, ts, DAY_MS } from './format.ts';

export type SaleStatus =
  | 'SAVED' | 'CLOSED' | 'ONACCOUNT' | 'LAYBY' | 'ONACCOUNT_CLOSED' | 'LAYBY_CLOSED' | 'VOIDED';

export interface LineItem extends Record<string, unknown> {
  id: string;
  product_id: string;
  tax_id: string;
  quantity: number;
  price: number;
  tax: number;
  price_total: number;
  tax_total: number;
  loyalty_value: number;
  status: string;
  is_return: boolean;
}
export interface Payment extends Record<string, unknown> {
  id: string;
  amount: number;
  payment_date: string;
  retailer_payment_type_id: string;
  name: string;
}
export interface Sale {
  id: string;
  outlet_id: string;
  register_id: string;
  user_id: string;
  customer_id: string;
  invoice_number: string;
  receipt_number: string;
  invoice_sequence: number;
  source: string;
  source_id: string | null;
  status: SaleStatus;
  state: string;
  attributes: string[];
  note: string | null;
  short_code: string;
  return_for: string | null;
  total_price: number;
  total_tax: number;
  total_loyalty: number;
  sale_date: string;
  created_at: string;
  updated_at: string;
  deleted_at: string | null;
  version: number;
  line_items: LineItem[];
  payments: Payment[];
  adjustments: unknown[];
  taxes: Array<{ id: string; name: string; rate: number; amount: number }>;
  ecom_custom_charges: { total: number; total_tax: number; total_incl: number; charges: unknown[] };
}

/** Status → (state, attributes), from the docs' mapping table. */
export function stateOf(status: SaleStatus): { state: string; attributes: string[] } {
  switch (status) {
    case 'SAVED':
      return { state: 'parked', attributes: [] };
    case 'CLOSED':
      return { state: 'closed', attributes: [] };
    case 'VOIDED':
      return { state: 'voided', attributes: [] };
    case 'LAYBY':
      return { state: 'pending', attributes: ['layby'] };
    case 'LAYBY_CLOSED':
      return { state: 'closed', attributes: ['layby'] };
    case 'ONACCOUNT':
      return { state: 'pending', attributes: ['onaccount'] };
    case 'ONACCOUNT_CLOSED':
      return { state: 'closed', attributes: ['onaccount'] };
  }
}

/** Everything fixed about the store that a sale needs. */
export interface SaleContext {
  storeTag: number;
  count: number;
  historyStart: number;
  historyEnd: number;
  registers: Row[];
  users: Row[];
  products: Row[];
  taxes: Map<string, Tax>;
  paymentTypes: PaymentType[];
  loyaltyRatio: number;
  customers: CustomerGenerator;
  codec: IdCodec;
  version: (i: number) => number;
}

export interface LineSpec {
  product: Row;
  quantity: number;
  /** Fraction off the shelf price, 0..1. */
  discount?: number;
  isReturn?: boolean;
  salespersonId?: string;
}
export interface PaymentSpec {
  type: PaymentType;
  amount: number;
  dateMs: number;
}

export interface AssembleArgs {
  id: string;
  rng: Rng;
  register: Row;
  userId: string;
  customerId: string;
  loyalty: boolean;
  status: SaleStatus;
  lines: LineSpec[];
  invoiceSequence: number;
  saleMs: number;
  /** Builds payments once the total (incl. tax) is known. */
  payments: (total: number) => PaymentSpec[];
  taxes: Map<string, Tax>;
  loyaltyRatio: number;
  returnFor?: string | null;
  note?: string | null;
  version: number;
  deletedMs?: number | null;
}

export function assembleSale(a: AssembleArgs): Sale {
  const { rng } = a;
  const lineStatus = a.status === 'SAVED' ? 'SAVED' : a.status === 'VOIDED' ? 'VOIDED' : 'CONFIRMED';
  const taxTotals = new Map<string, number>();
  let totalPrice = 0;
  let totalTax = 0;
  let totalLoyalty = 0;
  const line_items: LineItem[] = a.lines.map((l, seq) => {
    const taxId = String(l.product['_tax_id']);
    const tax = a.taxes.get(taxId) ?? { id: taxId, name: 'Tax', rate: 0 };
    const shelfIncl = Number(l.product['price_including_tax']);
    const shelfExcl = Number(l.product['price_excluding_tax']);
    const incl = shelfIncl * (1 - (l.discount ?? 0));
    const price = money(incl / (1 + tax.rate));
    const unitTax = money(incl - price);
    const discount = money(shelfExcl - price);
    const cost = Number(l.product['supply_price']);
    const loyaltyValue = a.loyalty ? money(incl * a.loyaltyRatio) : 0;
    const q = l.quantity;
    const line: LineItem = {
      id: uuidFrom(rng),
      product_id: l.product.id,
      tax_id: tax.id,
      discount_total: money(discount * q),
      discount,
      price_total: money(price * q),
      price,
      cost_total: money(cost * q),
      cost,
      tax_total: money(unitTax * q),
      tax: unitTax,
      quantity: q,
      loyalty_value: loyaltyValue,
      note: null,
      price_set: false,
      status: lineStatus,
      sequence: seq,
      tax_components: [{ rate_id: tax.id, total_tax: money(unitTax * q) }],
      salesperson_id: l.salespersonId ?? a.userId,
      surcharges: [],
      is_return: l.isReturn ?? false,
      // Duplicates present in the official examples (not in the schema).
      unit_cost: cost,
      unit_discount: discount,
      unit_loyalty_value: loyaltyValue,
      unit_price: price,
      unit_tax: unitTax,
      total_cost: money(cost * q),
      total_discount: money(discount * q),
      total_loyalty_value: money(loyaltyValue * q),
      total_price: money(price * q),
      total_tax: money(unitTax * q),
    };
    totalPrice += line.price_total;
    totalTax += line.tax_total;
    totalLoyalty += loyaltyValue * q;
    taxTotals.set(tax.id, (taxTotals.get(tax.id) ?? 0) + line.tax_total);
    return line;
  });
  const total_price = money(totalPrice);
  const total_tax = money(totalTax);
  const grand = money(total_price + total_tax);
  const outletId = String(a.register['outlet_id']);
  const payments: Payment[] = a.payments(grand).map((p) => ({
    id: uuidFrom(rng),
    register_id: a.register.id,
    outlet_id: outletId,
    retailer_payment_type_id: p.type.id,
    payment_type_id: p.type.payment_type_id,
    name: p.type.name,
    amount: money(p.amount),
    payment_date: ts(p.dateMs),
    deleted_at: null,
    source_id: null,
    external_attributes: [],
  }));
  const lastPaymentMs = Math.max(a.saleMs, ...payments.map((p) => Date.parse(p.payment_date)));
  const invoice = `${String(a.register['invoice_prefix'])}${a.invoiceSequence}${String(a.register['invoice_suffix'])}`;
  const { state, attributes } = stateOf(a.status);
  return {
    id: a.id,
    outlet_id: outletId,
    register_id: a.register.id,
    user_id: a.userId,
    customer_id: a.customerId,
    invoice_number: invoice,
    receipt_number: invoice,
    invoice_sequence: a.invoiceSequence,
    source: 'USER',
    source_id: null,
    status: a.status,
    state,
    attributes,
    note: a.note ?? '',
    short_code: rng.chars(6, LOWER_ALNUM),
    return_for: a.returnFor ?? null,
    total_price,
    total_tax,
    total_loyalty: money(totalLoyalty),
    sale_date: ts(a.saleMs),
    created_at: ts(a.saleMs - rng.int(5, 600) * 1000),
    updated_at: ts(a.deletedMs ?? lastPaymentMs),
    deleted_at: a.deletedMs ? ts(a.deletedMs) : null,
    version: a.version,
    line_items,
    payments,
    adjustments: [],
    taxes: [...taxTotals].map(([id, amount]) => {
      const t = a.taxes.get(id);
      return { id, name: t?.name ?? 'Tax', rate: t?.rate ?? 0, amount: money(amount) };
    }),
    ecom_custom_charges: { total: 0, total_tax: 0, total_incl: 0, charges: [] },
  };
}

/** Split `total` into 1-2 tender payments that add up exactly (to 5 decimals). */
export function tenderPayments(rng: Rng, types: PaymentType[], total: number, dateMs: number): PaymentSpec[] {
  const cash = types[0]!;
  const card = types[1] ?? cash;
  if (total === 0 || rng.chance(0.8)) return [{ type: rng.chance(0.4) ? cash : card, amount: total, dateMs }];
  const first = cents(total * (0.3 + rng.next() * 0.4));
  return [
    { type: cash, amount: first, dateMs },
    { type: card, amount: money(total - first), dateMs: dateMs + 1000 },
  ];
}

type BaseKind = 'CLOSED' | 'VOIDED' | 'SAVED' | 'LAYBY' | 'LAYBY_CLOSED' | 'ONACCOUNT' | 'ONACCOUNT_CLOSED' | 'RETURN';

export class SaleGenerator {
  constructor(readonly ctx: SaleContext) {}

  dateMs(i: number): number {
    const { historyStart, historyEnd, count } = this.ctx;
    const slot = (historyEnd - historyStart) / Math.max(1, count);
    return Math.floor(historyStart + (i + (hash32(this.ctx.storeTag, 0xda7e, i) % 1000) / 1001) * slot);
  }

  /** Cheap classification of base sale i (no object built). */
  kind(i: number): BaseKind {
    const r = hash32(this.ctx.storeTag, 0x5a1e, i) % 1000;
    // Open laybys / on-account sales only among the most recent ~3 %: older ones have been paid off.
    const recent = i >= this.ctx.count * 0.97;
    if (r < 5) return 'VOIDED';
    if (r < 20) return 'SAVED';
    if (r < 35) return recent ? 'LAYBY' : 'LAYBY_CLOSED';
    if (r < 55) return recent ? 'ONACCOUNT' : 'ONACCOUNT_CLOSED';
    if (r < 75 && i > 0) return 'RETURN';
    return 'CLOSED';
  }

  /** Parked sales that were later discarded carry deleted_at, as seen in live /sales output. */
  isDeleted(i: number): boolean {
    return this.kind(i) === 'SAVED' && hash32(this.ctx.storeTag, 0xde15, i) % 4 === 0;
  }

  /** The original sale a base return refers to (a closed, non-return sale before i), or -1. */
  returnOriginal(i: number): number {
    const h = hash32(this.ctx.storeTag, 0x7e7, i);
    for (let j = i - 1 - (h % Math.min(i, 500)); j >= 0 && j >= i - 600; j--) {
      if (this.kind(j) === 'CLOSED') return j;
    }
    return -1;
  }

  /** Customer index of base sale i (cheap; merges scan this over millions of sales). */
  customerIndex(i: number): number {
    const k = this.kind(i);
    if (k === 'RETURN') {
      const j = this.returnOriginal(i);
      if (j >= 0) return this.customerIndex(j);
    }
    const h = hash32(this.ctx.storeTag, 0xc057, i);
    const needsNamed = k === 'LAYBY' || k === 'LAYBY_CLOSED' || k === 'ONACCOUNT' || k === 'ONACCOUNT_CLOSED';
    const existing = this.ctx.customers.existingAt(this.dateMs(i));
    if ((!needsNamed && h % 100 < 35) || existing <= 1) return 0; // walk-in
    return 1 + ((h >>> 7) % (existing - 1));
  }

  private lines(rng: Rng, userId: string): LineSpec[] {
    const r = rng.next();
    const n = r < 0.5 ? 1 : r < 0.8 ? 2 : r < 0.95 ? 3 : 4;
    return Array.from({ length: n }, () => ({
      product: rng.pick(this.ctx.products),
      quantity: rng.chance(0.75) ? 1 : rng.int(2, 3),
      discount: rng.chance(0.1) ? 0.1 : 0,
      salespersonId: userId,
    }));
  }

  generate(i: number): Sale {
    const kind = this.kind(i);
    const original = kind === 'RETURN' ? this.returnOriginal(i) : -1;
    if (kind === 'RETURN' && original < 0) return this.build(i, 'CLOSED', -1);
    return this.build(i, kind, original);
  }

  private build(i: number, kind: BaseKind, original: number): Sale {
    const { ctx } = this;
    const rng = new Rng(hash32(ctx.storeTag, 0x5a1e5, i));
    const register = ctx.registers[hash32(ctx.storeTag, 0x7e6, i) % ctx.registers.length]!;
    const userId = ctx.users[hash32(ctx.storeTag, 0x05e7, i) % ctx.users.length]!.id;
    const custIdx = this.customerIndex(i);
    const saleMs = this.dateMs(i);
    const cust = ctx.customers;
    const loyalty = custIdx > 0 && cust.kind(custIdx) === 'person' && cust.loyaltyEnabled(custIdx);
    let lines: LineSpec[];
    let returnFor: string | null = null;
    if (kind === 'RETURN') {
      const orig = this.generate(original);
      returnFor = orig.id;
      const take = orig.line_items.slice(0, Math.max(1, rng.int(1, orig.line_items.length)));
      const byId = new Map(ctx.products.map((p) => [p.id, p]));
      lines = take.map((l) => {
        const product = byId.get(l.product_id) ?? ctx.products[0]!;
        const shelfIncl = Number(product['price_including_tax']);
        // Reproduce the original unit price (including any discount) on the refund.
        const paidIncl = l.price + l.tax;
        return {
          product,
          quantity: -Math.abs(l.quantity),
          discount: shelfIncl > 0 ? Math.max(0, 1 - paidIncl / shelfIncl) : 0,
          isReturn: true,
          salespersonId: userId,
        };
      });
    } else {
      lines = this.lines(rng, userId);
    }
    const status: SaleStatus = kind === 'RETURN' ? 'CLOSED' : kind;
    const pt = ctx.paymentTypes;
    const laterMs = (days: number) => Math.min(ctx.historyEnd - 60_000, saleMs + days * DAY_MS);
    const payments = (total: number): PaymentSpec[] => {
      switch (kind) {
        case 'CLOSED':
          return tenderPayments(rng, pt, total, saleMs);
        case 'RETURN':
          return [{ type: pt[0]!, amount: total, dateMs: saleMs }];
        case 'LAYBY': {
          return [{ type: pt[0]!, amount: cents(total * 0.2), dateMs: saleMs }];
        }
        case 'LAYBY_CLOSED': {
          const deposit = cents(total * 0.2);
          return [
            { type: pt[0]!, amount: deposit, dateMs: saleMs },
            { type: pt[1] ?? pt[0]!, amount: money(total - deposit), dateMs: laterMs(rng.int(7, 40)) },
          ];
        }
        case 'ONACCOUNT_CLOSED':
          return [{ type: pt[1] ?? pt[0]!, amount: total, dateMs: laterMs(rng.int(5, 30)) }];
        default:
          return []; // SAVED, ONACCOUNT (owed), VOIDED (payments removed)
      }
    };
    return assembleSale({
      id: ctx.codec.encode(i),
      rng,
      register,
      userId,
      customerId: cust.ctx.codec.encode(custIdx),
      loyalty,
      status,
      lines,
      invoiceSequence: 1001 + i,
      saleMs,
      payments,
      taxes: ctx.taxes,
      loyaltyRatio: ctx.loyaltyRatio,
      returnFor,
      note: kind === 'RETURN' ? 'Return' : kind === 'LAYBY' || kind === 'LAYBY_CLOSED' ? 'Layby' : '',
      version: ctx.version(i),
      deletedMs: this.isDeleted(i) ? Math.min(ctx.historyEnd - 1000, saleMs + DAY_MS) : null,
    });
  }
}
