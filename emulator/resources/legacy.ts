/**
 * The legacy 0.9 representation used inside webhook payloads (definitions.Customer and
 * definitions.RegisterSale of the 0.9 spec). It differs from 2.0 on purpose: no underscore before the
 * digit in address keys, `sex` instead of `gender`, money as strings, 0/1 flags, timestamps without an
 * offset, no version.
 */
import type { Customer } from './customers.ts';
import type { Sale } from './sales.ts';

const str = (v: string | null): string => v ?? '';
const legacyTime = (v: string | null): string => (v ? v.slice(0, 19).replace('T', ' ') : '');
const moneyString = (n: number): string => String(n);

export function legacyCustomer(c: Customer, groupName: string): Record<string, unknown> {
  return {
    id: c.id,
    name: c.name ?? '',
    customer_code: c.customer_code,
    customer_group_id: c.customer_group_id,
    customer_group_name: groupName,
    first_name: str(c.first_name),
    last_name: str(c.last_name),
    company_name: str(c.company_name),
    phone: str(c.phone),
    mobile: str(c.mobile),
    fax: str(c.fax),
    email: str(c.email),
    twitter: str(c.twitter),
    website: str(c.website),
    physical_address1: str(c.physical_address_1),
    physical_address2: str(c.physical_address_2),
    physical_suburb: str(c.physical_suburb),
    physical_city: str(c.physical_city),
    physical_postcode: str(c.physical_postcode),
    physical_state: str(c.physical_state),
    physical_country_id: str(c.physical_country_id),
    postal_address1: str(c.postal_address_1),
    postal_address2: str(c.postal_address_2),
    postal_suburb: str(c.postal_suburb),
    postal_city: str(c.postal_city),
    postal_postcode: str(c.postal_postcode),
    postal_state: str(c.postal_state),
    postal_country_id: str(c.postal_country_id),
    enable_loyalty: c.enable_loyalty ? 1 : 0,
    loyalty_balance: moneyString(c.loyalty_balance),
    balance: moneyString(c.balance),
    year_to_date: moneyString(c.year_to_date),
    sex: str(c.gender),
    date_of_birth: str(c.date_of_birth),
    custom_field_1: str(c.custom_field_1),
    custom_field_2: str(c.custom_field_2),
    custom_field_3: str(c.custom_field_3),
    custom_field_4: str(c.custom_field_4),
    note: str(c.note),
    updated_at: legacyTime(c.updated_at),
    deleted_at: legacyTime(c.deleted_at),
    contact: { company_name: str(c.company_name), phone: str(c.phone), email: str(c.email) },
  };
}

export interface LegacySaleLookups {
  customer: Customer | undefined;
  groupName: string;
  userName: string;
  product: (id: string) => { name: string; sku: string; handle: string } | undefined;
  tax: (id: string) => { name: string; rate: number } | undefined;
}

export function legacySale(s: Sale, l: LegacySaleLookups): Record<string, unknown> {
  const totalCost = s.line_items.reduce((sum, li) => sum + Number(li['cost_total'] ?? 0), 0);
  const paid = s.payments.reduce((sum, p) => sum + p.amount, 0);
  const grand = s.total_price + s.total_tax;
  return {
    id: s.id,
    source: s.source,
    source_id: s.source_id ?? '',
    register_id: s.register_id,
    customer_id: s.customer_id,
    user_id: s.user_id,
    customer_name: l.customer?.name ?? '',
    user_name: l.userName,
    customer: l.customer ? legacyCustomer(l.customer, l.groupName) : null,
    sale_date: legacyTime(s.sale_date),
    created_at: legacyTime(s.created_at),
    updated_at: legacyTime(s.updated_at),
    status: s.status,
    note: s.note ?? '',
    short_code: s.short_code,
    invoice_number: s.invoice_number,
    return_for: s.return_for ?? '',
    total_price: s.total_price,
    total_cost: Math.round(totalCost * 100000) / 100000,
    total_tax: s.total_tax,
    register_sale_products: s.line_items.map((li) => {
      const p = l.product(li.product_id);
      const t = l.tax(li.tax_id);
      return {
        id: li.id,
        product_id: li.product_id,
        register_id: s.register_id,
        name: p?.name ?? '',
        sku: p?.sku ?? '',
        handle: p?.handle ?? '',
        sequence: li['sequence'],
        quantity: li.quantity,
        price: li.price,
        cost: li['cost'],
        price_set: li['price_set'] ? 1 : 0,
        discount: li['discount'],
        loyalty_value: li.loyalty_value,
        tax: li.tax,
        tax_id: li.tax_id,
        tax_name: t?.name ?? '',
        tax_rate: t?.rate ?? 0,
        tax_total: li.tax_total,
        price_total: li.price_total,
        status: li.status,
        attributes: li.is_return ? [{ name: 'line_note', value: 'return' }] : [],
      };
    }),
    register_sale_payments: s.payments.map((p) => ({
      id: p.id,
      register_id: p['register_id'],
      retailer_payment_type_id: p.retailer_payment_type_id,
      payment_type_id: p['payment_type_id'],
      name: p.name,
      label: p.name,
      payment_date: legacyTime(p.payment_date),
      amount: p.amount,
    })),
    register_sale_attributes: s.attributes,
    totals: {
      total_tax: s.total_tax,
      total_price: s.total_price,
      total_payment: Math.round(paid * 100000) / 100000,
      total_to_pay: Math.round((grand - paid) * 100000) / 100000,
    },
    taxes: s.taxes.map((t) => ({ id: t.id, name: t.name, rate: t.rate, tax: t.amount })),
  };
}
