import { z } from 'zod';

/**
 * What Patron reads from Lightspeed API 2.0, parsed leniently: unknown keys pass through, a missing
 * optional key is null, numbers may arrive as numeric strings (as in legacy payloads), and the
 * documented oddities (Retailer.version as a string, timezone typed object) are accepted. A record
 * that still fails is quarantined by the sync with the path of the offending field.
 */
const text = z.string().nullish().transform((value) => value ?? null);
const timestamp = text;
const numeric = z.union([z.number(), z.string().regex(/^-?\d+(\.\d+)?([eE][-+]?\d+)?$/).transform(Number)]);
const money = numeric.nullish().transform((value) => value ?? 0);
const flag = z.union([z.boolean(), z.literal(0).transform(() => false), z.literal(1).transform(() => true)]);
/** Versions are int64; JS numbers are exact up to 2^53, which Lightspeed's counters are far below. */
export const version = z.union([z.number().int().nonnegative(), z.string().regex(/^\d+$/).transform(Number)]);
const id = z.string().min(1);

export const RetailerSchema = z.looseObject({
  id,
  name: z.string(),
  domain_prefix: z.string(),
  timezone: z.unknown().optional(),
  country: text,
  currency: z.looseObject({ code: z.string().nullish(), symbol: z.string().nullish() }).nullish(),
  loyalty: z.looseObject({ enabled: flag.nullish(), ratio: numeric.nullish() }).nullish(),
});

export const OutletSchema = z.looseObject({
  id,
  name: z.string(),
  time_zone: text,
  physical_address_1: text,
  physical_address_2: text,
  physical_suburb: text,
  physical_city: text,
  physical_postcode: text,
  physical_state: text,
  physical_country_id: text,
  deleted_at: timestamp,
  version,
});

export const RegisterSchema = z.looseObject({
  id,
  name: z.string(),
  outlet_id: text,
  deleted_at: timestamp,
  version,
});

export const UserSchema = z.looseObject({
  id,
  username: z.string(),
  display_name: text,
  email: text,
  account_type: text,
  deleted_at: timestamp,
  version,
});

export const CustomerGroupSchema = z.looseObject({
  id,
  name: z.string(),
  group_id: text,
  deleted_at: timestamp,
  version,
});

export const CustomerSchema = z.looseObject({
  id,
  customer_code: text,
  first_name: text,
  last_name: text,
  name: text,
  email: text,
  phone: text,
  mobile: text,
  date_of_birth: text,
  gender: text,
  company_name: text,
  do_not_email: flag.nullish().transform((value) => value ?? false),
  enable_promotional_sms: flag.nullish().transform((value) => value ?? null),
  enable_loyalty: flag.nullish().transform((value) => value ?? false),
  customer_group_id: text,
  physical_address_1: text,
  physical_address_2: text,
  physical_suburb: text,
  physical_city: text,
  physical_postcode: text,
  physical_state: text,
  physical_country_id: text,
  custom_field_1: text,
  custom_field_2: text,
  custom_field_3: text,
  custom_field_4: text,
  created_at: timestamp,
  updated_at: timestamp,
  deleted_at: timestamp,
  version,
});

export const LineItemSchema = z.looseObject({
  id: text,
  product_id: text,
  quantity: money,
  price: money,
  discount: money,
  tax: money,
  price_total: money,
  discount_total: money,
  tax_total: money,
  is_return: flag.nullish().transform((value) => value ?? false),
  status: text,
  sequence: numeric.nullish(),
});

export const PaymentSchema = z.looseObject({
  id: text,
  name: text,
  retailer_payment_type_id: text,
  payment_type_id: z.union([z.string(), z.number()]).nullish(),
  amount: money,
  payment_date: timestamp,
  deleted_at: timestamp,
});

export const SaleSchema = z.looseObject({
  id,
  outlet_id: text,
  register_id: text,
  user_id: text,
  customer_id: text,
  invoice_number: text,
  status: text,
  state: text,
  attributes: z.array(z.string()).nullish().transform((value) => value ?? []),
  return_for: text,
  total_price: money,
  total_tax: money,
  sale_date: timestamp,
  created_at: timestamp,
  updated_at: timestamp,
  deleted_at: timestamp,
  version,
  line_items: z.array(LineItemSchema).nullish().transform((value) => value ?? []),
  payments: z.array(PaymentSchema).nullish().transform((value) => value ?? []),
});

export const ProductSchema = z.looseObject({
  id,
  name: z.string(),
  sku: text,
  deleted_at: timestamp,
  version,
});

/** The list envelope. `version` is null (or absent) on an empty page. */
export const PageEnvelopeSchema = z.looseObject({
  data: z.array(z.unknown()),
  version: z
    .looseObject({ min: version.nullish(), max: version.nullish() })
    .nullish(),
});

export type Retailer = z.infer<typeof RetailerSchema>;
export type Outlet = z.infer<typeof OutletSchema>;
export type Register = z.infer<typeof RegisterSchema>;
export type LightspeedUser = z.infer<typeof UserSchema>;
export type CustomerGroup = z.infer<typeof CustomerGroupSchema>;
export type Customer = z.infer<typeof CustomerSchema>;
export type Sale = z.infer<typeof SaleSchema>;
export type Product = z.infer<typeof ProductSchema>;
