/**
 * Customers in the API 2.0 shape (components.schemas.Customer), generated lazily: customer i is a pure
 * function of (store seed, people seed, i). Index 0 is the walk-in customer; index 1 and ~1 % of the rest
 * are "UNNAMED-XXXX" customers with every optional field null; ~2 % re-use an earlier person of the same
 * store (in-store duplicates), and stores sharing a people seed share people (cross-store duplicates).
 */
import { hash32, Rng, UPPER_ALNUM } from '../generator/random.ts';
import type { IdCodec } from '../generator/random.ts';
import { person } from '../generator/people.ts';
import { PHONE_FORMATS, formatPhone } from '../generator/phones.ts';
import { cents, ts, DAY_MS } from './format.ts';

export interface Customer {
  id: string;
  customer_code: string;
  first_name: string | null;
  last_name: string | null;
  name: string | null;
  email: string | null;
  year_to_date: number;
  balance: number;
  loyalty_balance: number;
  note: string | null;
  gender: string | null;
  date_of_birth: string | null;
  company_name: string | null;
  do_not_email: boolean;
  phone: string | null;
  mobile: string | null;
  fax: string | null;
  twitter: string | null;
  website: string | null;
  physical_address_1: string | null;
  physical_address_2: string | null;
  physical_suburb: string | null;
  physical_city: string | null;
  physical_postcode: string | null;
  physical_state: string | null;
  physical_country_id: string | null;
  postal_address_1: string | null;
  postal_address_2: string | null;
  postal_suburb: string | null;
  postal_city: string | null;
  postal_postcode: string | null;
  postal_state: string | null;
  postal_country_id: string | null;
  customer_group_id: string;
  enable_loyalty: boolean;
  on_account_limit: number | null;
  custom_field_1: string | null;
  custom_field_2: string | null;
  custom_field_3: string | null;
  custom_field_4: string | null;
  created_at: string;
  updated_at: string;
  deleted_at: string | null;
  version: number;
}

/** Fields a client may write (components.schemas.CustomerBase). Everything else in a body is ignored. */
export const WRITABLE_CUSTOMER_FIELDS = [
  'first_name', 'last_name', 'customer_code', 'customer_group_id', 'enable_loyalty', 'email', 'note', 'gender',
  'date_of_birth', 'company_name', 'do_not_email', 'phone', 'mobile', 'fax', 'twitter', 'website',
  'physical_address_1', 'physical_address_2', 'physical_suburb', 'physical_city', 'physical_postcode',
  'physical_state', 'physical_country_id', 'postal_address_1', 'postal_address_2', 'postal_suburb', 'postal_city',
  'postal_postcode', 'postal_state', 'postal_country_id', 'custom_field_1', 'custom_field_2', 'custom_field_3',
  'custom_field_4', 'on_account_limit',
] as const;

export interface CustomerGenContext {
  storeTag: number;
  peopleSeed: number;
  peopleOffset: number;
  count: number;
  historyStart: number;
  historyEnd: number;
  groupIds: { all: string; staff: string; vip: string; wholesale: string };
  codec: IdCodec;
  version: (i: number) => number;
}

/** An empty customer with every optional field null, as the API shows unnamed customers. */
export function blankCustomer(id: string, code: string, groupId: string, createdMs: number, version: number): Customer {
  return {
    id, customer_code: code, first_name: null, last_name: null, name: null, email: null, year_to_date: 0, balance: 0,
    loyalty_balance: 0, note: null, gender: null, date_of_birth: null, company_name: null, do_not_email: false,
    phone: null, mobile: null, fax: null, twitter: null, website: null, physical_address_1: null, physical_address_2: null,
    physical_suburb: null, physical_city: null, physical_postcode: null, physical_state: null, physical_country_id: null,
    postal_address_1: null, postal_address_2: null, postal_suburb: null, postal_city: null, postal_postcode: null,
    postal_state: null, postal_country_id: null, customer_group_id: groupId, enable_loyalty: true, on_account_limit: null,
    custom_field_1: null, custom_field_2: null, custom_field_3: null, custom_field_4: null,
    created_at: ts(createdMs), updated_at: ts(createdMs), deleted_at: null, version,
  };
}

/** `<FirstName>-XXXX`, or `UNNAMED-XXXX` without a usable first name. */
export function customerCode(firstName: string | null, rng: Rng): string {
  const clean = (firstName ?? '').normalize('NFD').replace(/[^A-Za-z]/g, '');
  return `${clean || 'UNNAMED'}-${rng.chars(4, UPPER_ALNUM)}`;
}

export class CustomerGenerator {
  constructor(readonly ctx: CustomerGenContext) {}

  kind(i: number): 'walkin' | 'unnamed' | 'person' {
    if (i === 0) return 'walkin';
    if (i === 1 || hash32(this.ctx.storeTag, 0xc0de, i) % 97 === 3) return 'unnamed';
    return 'person';
  }

  /** Cheap check used by the cursor to skip deleted base rows without generating them. */
  isDeleted(i: number): boolean {
    return i > 1 && hash32(this.ctx.storeTag, 0xde1, i) % 200 === 0;
  }

  loyaltyEnabled(i: number): boolean {
    return hash32(this.ctx.storeTag, 0x10a1, i) % 5 !== 0;
  }

  createdMs(i: number): number {
    const { historyStart, historyEnd, count } = this.ctx;
    const span = historyEnd - historyStart;
    if (i === 0) return historyStart - DAY_MS;
    const slot = span / Math.max(1, count);
    return Math.floor(historyStart + i * slot + (hash32(this.ctx.storeTag, 0xc7, i) % 1000) / 1000 * slot * 0.9);
  }

  /** Highest customer index (exclusive) that existed at time `t`; sales only reference those. */
  existingAt(t: number): number {
    const { historyStart, historyEnd, count } = this.ctx;
    const n = Math.floor(((t - historyStart) / (historyEnd - historyStart)) * count);
    return Math.max(1, Math.min(count, n));
  }

  personIndex(i: number): number {
    const h = hash32(this.ctx.storeTag, 0xd0b, i);
    // ~2 % of a store's customers are the same person entered twice.
    if (i >= 10 && h % 50 === 0) return this.ctx.peopleOffset + 2 + (h >>> 8) % (i - 2);
    return this.ctx.peopleOffset + i;
  }

  generate(i: number): Customer {
    const { ctx } = this;
    const id = ctx.codec.encode(i);
    const created = this.createdMs(i);
    const version = ctx.version(i);
    const rng = new Rng(hash32(ctx.storeTag, 0xc057, i));
    const kind = this.kind(i);
    if (kind === 'walkin') {
      const c = blankCustomer(id, 'WALKIN', ctx.groupIds.all, created, version);
      c.note = 'Walk-in customer';
      return c;
    }
    if (kind === 'unnamed') return blankCustomer(id, `UNNAMED-${rng.chars(4, UPPER_ALNUM)}`, ctx.groupIds.all, created, version);

    const p = person(ctx.peopleSeed, this.personIndex(i));
    const c = blankCustomer(id, customerCode(p.firstName, rng), ctx.groupIds.all, created, version);
    c.first_name = p.firstName;
    c.last_name = p.lastName;
    c.name = `${p.firstName} ${p.lastName}`;
    const noContact = rng.chance(0.08);
    if (!noContact) {
      if (rng.chance(0.8)) c.email = rng.chance(0.1) ? p.email.toUpperCase() : rng.chance(0.1) ? ` ${p.email}` : p.email;
      if (rng.chance(0.6)) c.phone = formatPhone(p.phoneDigits, rng.pick(PHONE_FORMATS));
      if (rng.chance(0.5)) c.mobile = formatPhone(p.mobileDigits, rng.pick(PHONE_FORMATS));
    }
    c.do_not_email = rng.chance(0.15);
    if (rng.chance(0.6)) c.date_of_birth = p.dateOfBirth;
    if (rng.chance(0.7)) c.gender = p.gender;
    if (rng.chance(0.1)) c.company_name = `${p.lastName} Ltd`;
    if (rng.chance(0.5)) {
      c.physical_address_1 = p.street;
      c.physical_address_2 = '';
      c.physical_suburb = p.suburb;
      c.physical_city = p.city.city;
      c.physical_postcode = p.city.postcode;
      c.physical_state = p.city.state;
      c.physical_country_id = p.city.country;
      if (rng.chance(0.6)) {
        c.postal_address_1 = p.street;
        c.postal_address_2 = '';
        c.postal_suburb = p.suburb;
        c.postal_city = p.city.city;
        c.postal_postcode = p.city.postcode;
        c.postal_state = p.city.state;
        c.postal_country_id = p.city.country;
      }
    }
    c.note = rng.chance(0.2) ? '' : rng.chance(0.05) ? 'Prefers email receipts' : null;
    const g = rng.next();
    c.customer_group_id = g < 0.03 ? ctx.groupIds.staff : g < 0.11 ? ctx.groupIds.vip : g < 0.15 ? ctx.groupIds.wholesale : ctx.groupIds.all;
    c.enable_loyalty = this.loyaltyEnabled(i);
    c.loyalty_balance = c.enable_loyalty ? cents(rng.int(0, 20000) / 100) : 0;
    c.year_to_date = cents(rng.int(0, 200000) / 100);
    if (rng.chance(0.05)) {
      c.balance = -cents(rng.int(100, 50000) / 100);
      c.on_account_limit = 1000;
    }
    const updated = Math.min(ctx.historyEnd, created + (rng.chance(0.3) ? rng.int(1, 200) * DAY_MS : 0));
    c.updated_at = ts(updated);
    if (this.isDeleted(i)) c.deleted_at = ts(Math.min(ctx.historyEnd, created + rng.int(1, 30) * DAY_MS));
    return c;
  }
}
