import type { z } from 'zod';
import {
  CustomerGroupSchema,
  CustomerSchema,
  OutletSchema,
  ProductSchema,
  RegisterSchema,
  SaleSchema,
  UserSchema,
} from './schemas.ts';

/**
 * The version-cursored collections Patron reads, in the order a sync walks them (foreign keys first).
 * `maxPageSize` is the largest page the API serves (10,000; 500 for sales, whose records embed lines
 * and payments); `deleted` marks the endpoints that hide soft-deleted rows unless asked.
 */
export type ResourceDefinition<Schema extends z.ZodType = z.ZodType> = {
  name: ResourceName;
  path: string;
  schema: Schema;
  maxPageSize: number;
  deleted: boolean;
};

export const resourceNames = ['outlets', 'registers', 'users', 'customer_groups', 'customers', 'products', 'sales'] as const;
export type ResourceName = (typeof resourceNames)[number];

export const resources = {
  outlets: { name: 'outlets', path: '/outlets', schema: OutletSchema, maxPageSize: 10_000, deleted: true },
  registers: { name: 'registers', path: '/registers', schema: RegisterSchema, maxPageSize: 10_000, deleted: true },
  users: { name: 'users', path: '/users', schema: UserSchema, maxPageSize: 10_000, deleted: false },
  customer_groups: { name: 'customer_groups', path: '/customer_groups', schema: CustomerGroupSchema, maxPageSize: 10_000, deleted: true },
  customers: { name: 'customers', path: '/customers', schema: CustomerSchema, maxPageSize: 10_000, deleted: true },
  products: { name: 'products', path: '/products', schema: ProductSchema, maxPageSize: 10_000, deleted: true },
  sales: { name: 'sales', path: '/sales', schema: SaleSchema, maxPageSize: 500, deleted: false },
} as const satisfies { [Name in ResourceName]: ResourceDefinition & { name: Name } };
