/**
 * The small, fully materialised part of a store: retailer, outlets, registers, users, customer groups,
 * products, taxes and payment types. These are a few dozen objects at most, so they are generated once
 * and kept as plain objects; only customers and sales are generated lazily.
 */
import { hash32, Rng, uuidFrom, UPPER_ALNUM } from '../generator/random.ts';
import { PRODUCT_ADJECTIVES, PRODUCT_WORDS } from '../generator/names.ts';
import { money, ts } from './format.ts';

export type Row = { id: string; version: number; deleted_at?: string | null } & Record<string, unknown>;

export interface Tax {
  id: string;
  name: string;
  rate: number;
}
export interface PaymentType {
  id: string;
  name: string;
  /** Deprecated global payment type id, e.g. "1" for cash. */
  payment_type_id: string;
}

export interface SetupOptions {
  domainPrefix: string;
  storeName: string;
  outlets: number;
  registers: number;
  users: number;
  products: number;
  historyStart: number;
}

// North American stores, so the generated phone numbers (NANP formats) belong to the store's country.
const OUTLET_PLACES = [
  { name: 'Portland', tz: 'America/Los_Angeles', city: 'Portland', state: 'OR', country: 'US', prefix: 'PDX' },
  { name: 'Seattle', tz: 'America/Los_Angeles', city: 'Seattle', state: 'WA', country: 'US', prefix: 'SEA' },
  { name: 'Denver', tz: 'America/Denver', city: 'Denver', state: 'CO', country: 'US', prefix: 'DEN' },
  { name: 'Chicago', tz: 'America/Chicago', city: 'Chicago', state: 'IL', country: 'US', prefix: 'CHI' },
  { name: 'Boston', tz: 'America/New_York', city: 'Boston', state: 'MA', country: 'US', prefix: 'BOS' },
];

/** Everything the lazy generators need to know about the store's fixed setup. */
export interface Setup {
  retailer: Record<string, unknown>;
  taxes: Tax[];
  paymentTypes: PaymentType[];
  /** Index 0 of each list below is the "main" one. Versions are filled in by the store. */
  outlets: Row[];
  registers: Row[];
  users: Row[];
  groups: Row[];
  products: Row[];
  /** Products a sale may contain (everything but the discount product). */
  sellable: Row[];
  allCustomersGroupId: string;
  staffGroupId: string;
}

export function makeOutlet(rng: Rng, index: number, taxId: string, createdMs: number, retailerEmailDomain: string): Row {
  const place = OUTLET_PLACES[index % OUTLET_PLACES.length] ?? OUTLET_PLACES[0]!;
  const suffix = index >= OUTLET_PLACES.length ? ` ${Math.floor(index / OUTLET_PLACES.length) + 1}` : '';
  return {
    id: uuidFrom(rng),
    name: `${place.name}${suffix}`,
    default_tax_id: taxId,
    currency: 'USD',
    currency_symbol: '$',
    display_prices: 'inclusive',
    time_zone: place.tz,
    physical_address_1: `${rng.int(1, 300)} Main Street`,
    physical_address_2: '',
    physical_suburb: '',
    physical_city: place.city,
    physical_postcode: String(rng.int(10000, 99999)),
    physical_state: place.state,
    physical_country_id: place.country,
    email: `${place.name.toLowerCase()}${suffix.trim()}@${retailerEmailDomain}`,
    attributes: [
      { key: 'order_reference', value: '1' },
      { key: 'order_reference_prefix', value: place.prefix },
      { key: 'return_reference', value: '1' },
      { key: 'return_reference_prefix', value: place.prefix },
      { key: 'low_stock_warning', value: 'false' },
    ],
    deleted_at: null,
    version: 0,
    // Not part of the wire shape; stripped by the store before sending.
    _created_ms: createdMs,
  };
}

export function makeRegister(rng: Rng, index: number, outlet: Row, paymentTypeCashId: string, openMs: number): Row {
  const prefix = String((outlet['attributes'] as Array<{ key: string; value: string }>)[1]?.value ?? 'R');
  return {
    id: uuidFrom(rng),
    name: index === 0 ? 'Main Register' : `Register ${index + 1}`,
    outlet_id: outlet.id,
    ask_for_note_on_save: 1,
    print_note_on_receipt: false,
    ask_for_user_on_sale: false,
    show_discounts_on_receipts: true,
    print_receipt: true,
    email_receipt: rng.chance(0.5),
    invoice_prefix: `${prefix}${index + 1}-`,
    invoice_suffix: '',
    invoice_sequence: 1000,
    button_layout_id: uuidFrom(rng),
    is_open: true,
    is_quick_keys_enabled: true,
    receipt_template_id: uuidFrom(rng),
    register_open_time: ts(openMs),
    register_close_time: null,
    register_open_sequence_id: uuidFrom(rng),
    cash_managed_payment_type_id: paymentTypeCashId,
    deleted_at: null,
    version: 0,
  };
}

function makeUser(rng: Rng, index: number, createdMs: number, outlets: Row[], emailDomain: string): Row {
  const people = [
    ['apiuser', 'API User', 'admin'],
    ['manager', 'Morgan Manager', 'manager'],
    ['casey', 'Casey Cashier', 'cashier'],
    ['sam', 'Sam Till', 'cashier'],
    ['jo', 'Jo Floor', 'cashier'],
  ] as const;
  const p = people[index % people.length]!;
  const n = index >= people.length ? String(Math.floor(index / people.length) + 1) : '';
  const role = { admin: ['Admin', 100], manager: ['Manager', 200], cashier: ['Cashier', 300] }[p[2]];
  const restricted = p[2] === 'cashier' && outlets.length > 1 ? [outlets[index % outlets.length]!.id] : [];
  return {
    id: uuidFrom(rng),
    username: `${p[0]}${n}`,
    display_name: `${p[1]}${n ? ` ${n}` : ''}`,
    email: `${p[0]}${n}@${emailDomain}`,
    email_verified_at: null,
    switch_id: `usi:${rng.chars(12, '0123456789abcdef')}`,
    account_type: p[2],
    // The official example sends numeric role ids where the schema says string; we follow the example.
    roles: [{ id: role[1], name: role[0], system_role_id: role[1] }],
    enabled: true,
    restricted_outlet_id: restricted[0] ?? null,
    restricted_outlet_ids: restricted,
    permissions: null,
    rules: {},
    is_primary_user: index === 0,
    image_source: 'https://secure.retail.lightspeed.app/images/placeholder/user/no-image.png',
    images: Object.fromEntries(
      ['ss', 'standard', 'st', 'original', 'thumb', 'sl', 'sm'].map((k) => [k, `https://secure.retail.lightspeed.app/images/placeholder/user/no-image-${k}.png`]),
    ),
    target_daily: 1000,
    target_weekly: 5000,
    target_monthly: 20000,
    seen_at: ts(createdMs + 86_400_000),
    created_at: ts(createdMs),
    updated_at: ts(createdMs),
    deleted_at: null,
    time_until_deletion: null,
    version: 0,
    enabled_mfa: null,
    require_password_change: false,
  };
}

function makeGroup(rng: Rng, name: string, groupId: string, retailerId: string, createdMs: number): Row {
  return {
    id: uuidFrom(rng),
    name,
    group_id: groupId,
    retailer_id: retailerId,
    created_at: ts(createdMs),
    updated_at: ts(createdMs),
    deleted_at: null,
    version: 0,
  };
}

function makeProduct(rng: Rng, index: number, tax: Tax, createdMs: number, discount = false): Row {
  const name = discount ? 'Discount' : `${rng.pick(PRODUCT_ADJECTIVES)} ${rng.pick(PRODUCT_WORDS)}`;
  const sku = discount ? 'vend-discount' : String(10000 + index);
  // Shelf prices are round tax-inclusive amounts; the tax-exclusive price is derived and left unrounded.
  const incl = discount ? 0 : rng.int(3, 120) - (rng.chance(0.5) ? 0.05 : 0.01);
  const excl = money(incl / (1 + tax.rate));
  return {
    id: uuidFrom(rng),
    name,
    variant_name: name,
    description: discount ? null : `<p>${name}</p>`,
    handle: discount ? 'vend-discount' : `${name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}-${index}`,
    sku,
    source: 'USER',
    source_id: null,
    source_variant_id: null,
    active: true,
    is_active: true,
    has_inventory: !discount,
    is_composite: false,
    has_variants: false,
    variant_parent_id: null,
    variant_options: [],
    variant_count: 0,
    price_including_tax: money(incl),
    price_excluding_tax: excl,
    supply_price: money(excl * 0.5),
    supplier_id: null,
    supplier_code: null,
    supplier: {},
    product_type_id: null,
    product_codes: [],
    product_suppliers: [],
    type: {},
    brand_id: null,
    brand: {},
    tag_ids: [],
    categories: [],
    attributes: [],
    image_url: 'https://secure.retail.lightspeed.app/images/placeholder/product/no-image-white-standard.png',
    image_thumbnail_url: 'https://secure.retail.lightspeed.app/images/placeholder/product/no-image-white-thumb.png',
    images: [],
    account_code: null,
    account_code_purchase: null,
    button_order: index,
    loyalty_amount: null,
    weight: 0,
    weight_unit: 'KG',
    length: 0,
    width: 0,
    height: 0,
    dimensions_unit: 'CM',
    created_at: ts(createdMs),
    updated_at: ts(createdMs),
    deleted_at: null,
    version: 0,
    _tax_id: tax.id,
  };
}

export function buildSetup(storeTag: number, o: SetupOptions): Setup {
  const rng = new Rng(hash32(storeTag, 0x5e7a9));
  const created = o.historyStart - 30 * 86_400_000;
  const retailerId = uuidFrom(rng);
  const emailDomain = `${o.domainPrefix}.example.com`;
  const taxes: Tax[] = [
    { id: uuidFrom(rng), name: 'GST', rate: 0.15 },
    { id: uuidFrom(rng), name: 'No Tax', rate: 0 },
  ];
  const gst = taxes[0]!;
  const noTax = taxes[1]!;
  const paymentTypes: PaymentType[] = [
    { id: uuidFrom(rng), name: 'Cash', payment_type_id: '1' },
    { id: uuidFrom(rng), name: 'Credit Card', payment_type_id: '3' },
    { id: uuidFrom(rng), name: 'EFTPOS', payment_type_id: '7' },
    { id: uuidFrom(rng), name: 'On Account', payment_type_id: '10' },
    { id: uuidFrom(rng), name: 'Loyalty', payment_type_id: '11' },
  ];
  const outlets = Array.from({ length: Math.max(1, o.outlets) }, (_, i) => makeOutlet(rng, i, gst.id, created, emailDomain));
  const registers = Array.from({ length: Math.max(1, o.registers) }, (_, i) =>
    makeRegister(rng, i, outlets[i % outlets.length]!, paymentTypes[0]!.id, o.historyStart),
  );
  const users = Array.from({ length: Math.max(1, o.users) }, (_, i) => makeUser(rng, i, created, outlets, emailDomain));
  const groups = [
    makeGroup(rng, 'All Customers', '1111111111', retailerId, created),
    makeGroup(rng, 'Staff', `Staff-${rng.chars(4, UPPER_ALNUM)}`, retailerId, created),
    makeGroup(rng, 'VIP', `VIP-${rng.chars(4, UPPER_ALNUM)}`, retailerId, created),
    makeGroup(rng, 'Wholesale', `Wholesale-${rng.chars(4, UPPER_ALNUM)}`, retailerId, created),
  ];
  const discountProduct = makeProduct(rng, 0, noTax, created, true);
  const sellable = Array.from({ length: Math.max(1, o.products) }, (_, i) =>
    makeProduct(rng, i + 1, rng.chance(0.06) ? noTax : gst, created),
  );
  const retailer = {
    id: retailerId,
    name: o.storeName,
    domain_prefix: o.domainPrefix,
    store_url: `https://${o.domainPrefix}.retail.lightspeed.app`,
    account_status: 'active',
    account_type: 'paid',
    version: '0',
    discount_product_id: discountProduct.id,
    no_tax_group_id: noTax.id,
    loyalty: { enabled: true, ratio: 0.1, claim_url: `https://${o.domainPrefix}.retail.lightspeed.app/loyalty`, send_welcome_email: false },
    sku_sequence: { enabled: true, value: 10001 + sellable.length },
    culture: 'en-US',
    timezone: 'America/Los_Angeles',
    tax_exclusive: false,
    country: 'US',
    currency: { code: 'USD', symbol: '$' },
    store_credit: true,
    gift_cards: { enabled: false, never_enabled: true },
    created_at: ts(created),
    activated_at: ts(created),
  };
  return {
    retailer,
    taxes,
    paymentTypes,
    outlets,
    registers,
    users,
    groups,
    products: [discountProduct, ...sellable],
    sellable,
    allCustomersGroupId: groups[0]!.id,
    staffGroupId: groups[1]!.id,
  };
}

/** Remove internal helper keys (prefixed with "_") before a row goes on the wire. */
export function wire<T extends Record<string, unknown>>(row: T): T {
  let hasPrivate = false;
  for (const k in row) if (k.startsWith('_')) hasPrivate = true;
  if (!hasPrivate) return row;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) if (!k.startsWith('_')) out[k] = v;
  return out as T;
}
