/**
 * The normalized records a POS connector hands to the core. Nothing here is provider-specific:
 * a second POS produces the same shapes. Money is decimal strings computed by the connector from the
 * provider's numbers; timestamps are ISO strings in UTC; `version` orders changes of one record.
 */
export type SourceAddress = {
  line1: string | null;
  line2: string | null;
  suburb: string | null;
  city: string | null;
  postcode: string | null;
  state: string | null;
  country: string | null;
};

export type SourceLocation = {
  kind: 'location';
  externalId: string;
  name: string;
  timeZone: string | null;
  address: SourceAddress;
  deletedAt: string | null;
  version: number;
};

export type SourceRegister = { kind: 'register'; externalId: string; name: string; locationExternalId: string | null; deletedAt: string | null; version: number };

export type SourceStaff = {
  kind: 'staff';
  externalId: string;
  username: string;
  displayName: string | null;
  email: string | null;
  accountType: string | null;
  deletedAt: string | null;
  version: number;
};

export type SourceCustomerGroup = { kind: 'customer_group'; externalId: string; name: string; code: string | null; deletedAt: string | null; version: number };

export type SourceProduct = { kind: 'product'; externalId: string; name: string; sku: string | null; deletedAt: string | null; version: number };

export type SourceCustomer = {
  kind: 'customer';
  externalId: string;
  customerCode: string | null;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  phone: string | null;
  mobile: string | null;
  birthDate: string | null;
  gender: string | null;
  companyName: string | null;
  /** The customer asked not to be emailed. */
  emailOptOut: boolean;
  /** Explicit SMS opt-in where the POS records one; null when it does not say. */
  smsOptIn: boolean | null;
  loyaltyOptIn: boolean;
  customerGroupExternalId: string | null;
  address: SourceAddress;
  customFields: Record<string, string>;
  createdAt: string | null;
  updatedAt: string | null;
  deletedAt: string | null;
  version: number;
};

export type SaleState = 'closed' | 'pending' | 'voided' | 'parked';

export type SourceSaleLine = {
  externalId: string | null;
  productExternalId: string | null;
  quantity: number;
  unitPriceExclTax: number;
  unitDiscount: number;
  unitTax: number;
  totalExclTax: number;
  totalTax: number;
  isReturn: boolean;
  status: string | null;
};

export type SourcePayment = { externalId: string | null; method: string | null; amount: number; paidAt: string | null };

export type SourceSale = {
  kind: 'sale';
  externalId: string;
  customerExternalId: string | null;
  locationExternalId: string | null;
  registerExternalId: string | null;
  staffExternalId: string | null;
  invoiceNumber: string | null;
  state: SaleState;
  /** The POS's own status word, kept for display and audits. */
  posStatus: string | null;
  /** How the sale is fulfilled or paid: layby, onaccount, pickup, delivery, service. */
  attributes: string[];
  returnForExternalId: string | null;
  totalExclTax: number;
  totalTax: number;
  totalInclTax: number;
  saleDate: string | null;
  deletedAt: string | null;
  version: number;
  lines: SourceSaleLine[];
  payments: SourcePayment[];
};

export type SourceRecord = SourceLocation | SourceRegister | SourceStaff | SourceCustomerGroup | SourceProduct | SourceCustomer | SourceSale;
