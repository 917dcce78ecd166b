import type {
  SaleState,
  SourceAddress,
  SourceCustomer,
  SourceCustomerGroup,
  SourceLocation,
  SourceProduct,
  SourceRecord,
  SourceRegister,
  SourceSale,
  SourceStaff,
} from '../../sync/source-records.ts';
import type { ResourceName } from './resources.ts';
import type { Customer, CustomerGroup, LightspeedUser, Outlet, Product, Register, Sale } from './schemas.ts';

/**
 * Lightspeed API 2.0 records → Patron's normalized records. This is the only place that knows
 * Lightspeed's field names; the sync and the core work on what it returns.
 */
export function normalizeRecord(resource: ResourceName, record: unknown): SourceRecord {
  switch (resource) {
    case 'outlets':
      return normalizeOutlet(record as Outlet);
    case 'registers':
      return normalizeRegister(record as Register);
    case 'users':
      return normalizeUser(record as LightspeedUser);
    case 'customer_groups':
      return normalizeCustomerGroup(record as CustomerGroup);
    case 'customers':
      return normalizeCustomer(record as Customer);
    case 'products':
      return normalizeProduct(record as Product);
    case 'sales':
      return normalizeSale(record as Sale);
  }
}

function address(record: {
  physical_address_1?: string | null;
  physical_address_2?: string | null;
  physical_suburb?: string | null;
  physical_city?: string | null;
  physical_postcode?: string | null;
  physical_state?: string | null;
  physical_country_id?: string | null;
}): SourceAddress {
  return {
    line1: blankToNull(record.physical_address_1),
    line2: blankToNull(record.physical_address_2),
    suburb: blankToNull(record.physical_suburb),
    city: blankToNull(record.physical_city),
    postcode: blankToNull(record.physical_postcode),
    state: blankToNull(record.physical_state),
    country: blankToNull(record.physical_country_id),
  };
}

function normalizeOutlet(outlet: Outlet): SourceLocation {
  return {
    kind: 'location',
    externalId: outlet.id,
    name: outlet.name,
    timeZone: blankToNull(outlet.time_zone),
    address: address(outlet),
    deletedAt: outlet.deleted_at,
    version: outlet.version,
  };
}

function normalizeRegister(register: Register): SourceRegister {
  return { kind: 'register', externalId: register.id, name: register.name, locationExternalId: register.outlet_id, deletedAt: register.deleted_at, version: register.version };
}

function normalizeUser(user: LightspeedUser): SourceStaff {
  return {
    kind: 'staff',
    externalId: user.id,
    username: user.username,
    displayName: blankToNull(user.display_name),
    email: blankToNull(user.email)?.toLowerCase() ?? null,
    accountType: user.account_type,
    deletedAt: user.deleted_at,
    version: user.version,
  };
}

function normalizeCustomerGroup(group: CustomerGroup): SourceCustomerGroup {
  return { kind: 'customer_group', externalId: group.id, name: group.name, code: blankToNull(group.group_id), deletedAt: group.deleted_at, version: group.version };
}

function normalizeProduct(product: Product): SourceProduct {
  return { kind: 'product', externalId: product.id, name: product.name, sku: blankToNull(product.sku), deletedAt: product.deleted_at, version: product.version };
}

function normalizeCustomer(customer: Customer): SourceCustomer {
  const customFields: Record<string, string> = {};
  for (const key of ['custom_field_1', 'custom_field_2', 'custom_field_3', 'custom_field_4'] as const) {
    const value = blankToNull(customer[key]);
    if (value) customFields[key] = value;
  }
  return {
    kind: 'customer',
    externalId: customer.id,
    customerCode: blankToNull(customer.customer_code),
    firstName: blankToNull(customer.first_name),
    lastName: blankToNull(customer.last_name),
    email: blankToNull(customer.email),
    phone: blankToNull(customer.phone),
    mobile: blankToNull(customer.mobile),
    birthDate: validDate(customer.date_of_birth),
    gender: blankToNull(customer.gender),
    companyName: blankToNull(customer.company_name),
    emailOptOut: customer.do_not_email,
    smsOptIn: customer.enable_promotional_sms,
    loyaltyOptIn: customer.enable_loyalty,
    customerGroupExternalId: customer.customer_group_id,
    address: address(customer),
    customFields,
    createdAt: customer.created_at,
    updatedAt: customer.updated_at,
    deletedAt: customer.deleted_at,
    version: customer.version,
  };
}

/**
 * Lightspeed's legacy status and its newer state + attributes describe the same lifecycle. `state`
 * wins when present; otherwise the status maps onto it (docs: sales statuses vs states).
 */
const statusToState: Record<string, SaleState> = {
  SAVED: 'parked',
  OPEN: 'pending',
  CLOSED: 'closed',
  ONACCOUNT: 'pending',
  ONACCOUNT_CLOSED: 'closed',
  LAYBY: 'pending',
  LAYBY_CLOSED: 'closed',
  AWAITING_DISPATCH: 'pending',
  DISPATCHED_CLOSED: 'closed',
  AWAITING_PICKUP: 'pending',
  PICKED_UP_CLOSED: 'closed',
  SERVICE: 'pending',
  SERVICE_CLOSED: 'closed',
  VOIDED: 'voided',
};

const statusToAttribute: Record<string, string> = {
  ONACCOUNT: 'onaccount',
  ONACCOUNT_CLOSED: 'onaccount',
  LAYBY: 'layby',
  LAYBY_CLOSED: 'layby',
  AWAITING_DISPATCH: 'delivery',
  DISPATCHED_CLOSED: 'delivery',
  AWAITING_PICKUP: 'pickup',
  PICKED_UP_CLOSED: 'pickup',
  SERVICE: 'service',
  SERVICE_CLOSED: 'service',
};

export function saleStateOf(sale: Pick<Sale, 'state' | 'status'>): SaleState {
  const state = sale.state?.toLowerCase();
  if (state === 'closed' || state === 'pending' || state === 'voided' || state === 'parked') return state;
  const fromStatus = sale.status ? statusToState[sale.status.toUpperCase()] : undefined;
  if (fromStatus) return fromStatus;
  throw new Error(`unknown sale status "${sale.status ?? ''}" and state "${sale.state ?? ''}"`);
}

function normalizeSale(sale: Sale): SourceSale {
  const attributes = new Set(sale.attributes.map((attribute) => attribute.toLowerCase()));
  const fromStatus = sale.status ? statusToAttribute[sale.status.toUpperCase()] : undefined;
  if (fromStatus) attributes.add(fromStatus);
  return {
    kind: 'sale',
    externalId: sale.id,
    customerExternalId: sale.customer_id,
    locationExternalId: sale.outlet_id,
    registerExternalId: sale.register_id,
    staffExternalId: sale.user_id,
    invoiceNumber: blankToNull(sale.invoice_number),
    state: saleStateOf(sale),
    posStatus: sale.status,
    attributes: [...attributes].sort(),
    returnForExternalId: blankToNull(sale.return_for),
    totalExclTax: sale.total_price,
    totalTax: sale.total_tax,
    // total_price excludes tax; the tax-inclusive total is their sum (docs: gotcha "Tax").
    totalInclTax: roundTo(sale.total_price + sale.total_tax, 4),
    saleDate: sale.sale_date,
    deletedAt: sale.deleted_at,
    version: sale.version,
    lines: sale.line_items.map((line) => ({
      externalId: line.id,
      productExternalId: line.product_id,
      quantity: line.quantity,
      unitPriceExclTax: line.price,
      unitDiscount: line.discount,
      unitTax: line.tax,
      totalExclTax: line.price_total,
      totalTax: line.tax_total,
      // Some returns carry is_return false with a negative quantity; the sign is the truth.
      isReturn: line.is_return || line.quantity < 0,
      status: line.status,
    })),
    payments: sale.payments
      .filter((payment) => payment.deleted_at === null)
      .map((payment) => ({ externalId: payment.id, method: payment.name, amount: payment.amount, paidAt: payment.payment_date })),
  };
}

function blankToNull(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  const trimmed = value.trim();
  return trimmed === '' ? null : trimmed;
}

function validDate(value: string | null | undefined): string | null {
  const text = blankToNull(value);
  if (!text || !/^\d{4}-\d{2}-\d{2}/.test(text)) return null;
  const date = text.slice(0, 10);
  return Number.isNaN(Date.parse(date + 'T00:00:00Z')) || date.startsWith('0000') ? null : date;
}

function roundTo(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
