import type { ColumnType, Generated } from 'kysely';

/** Row types of the tables, as Kysely sees them. Keep in step with migrations/*.sql. */
/** Optional on insert: most timestamps have a database default or may stay null. */
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
/** Set by the database default; never written by the app. */
type CreatedAt = ColumnType<Date, never, never>;

export type CompaniesTable = { id: Generated<string>; name: string; created_at: CreatedAt };

export type UsersTable = {
  id: Generated<string>;
  company_id: string;
  name: string;
  email: string;
  password_hash: string;
  role: 'admin' | 'member';
  created_at: CreatedAt;
};

export type SessionsTable = {
  token_hash: Buffer;
  user_id: string;
  company_id: string;
  created_at: CreatedAt;
  expires_at: Timestamp;
};

export type NotificationsTable = {
  id: Generated<string>;
  company_id: string;
  kind: string;
  dedupe_key: string | null;
  title: string;
  body: Generated<string>;
  link: string | null;
  payload: Generated<unknown>;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
  resolved_at: Timestamp | null;
};

export type SignInFailuresTable = { email: string; failed_at: CreatedAt };

export type ConnectionsTable = {
  id: Generated<string>;
  company_id: string;
  provider: string;
  age_gate_confirmed: Generated<boolean>;
  age_gate_confirmed_at: Timestamp | null;
  age_gate_confirmed_by: string | null;
  settings: ColumnType<unknown, string | undefined, string>;
  sync_enabled_at: Timestamp | null;
  loyalty_start_date: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
};

export type CredentialStatus = 'active' | 'invalid' | 'paused' | 'removed';

export type CredentialsTable = {
  id: Generated<string>;
  connection_id: string;
  company_id: string;
  domain_prefix: string;
  token_ciphertext: Buffer;
  token_iv: Buffer;
  token_tag: Buffer;
  token_last4: string;
  retailer_id: string;
  retailer_name: string;
  country: string | null;
  currency: string | null;
  outlet_count: Generated<number>;
  register_count: Generated<number>;
  rate_limit: number | null;
  status: ColumnType<CredentialStatus, CredentialStatus | undefined, CredentialStatus>;
  status_reason: string | null;
  last_checked_at: Timestamp | null;
  webhook_secret: string;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
};

type Version = ColumnType<number, number, number>;

export type SourceLocationsTable = {
  id: Generated<string>;
  company_id: string;
  credential_id: string;
  external_id: string;
  name: string;
  time_zone: string | null;
  address: unknown;
  deleted_at: Timestamp | null;
  version: Version;
  synced_at: Timestamp;
};

export type SourceCustomersTable = {
  id: Generated<string>;
  company_id: string;
  credential_id: string;
  external_id: string;
  customer_code: string | null;
  first_name: string | null;
  last_name: string | null;
  email: string | null;
  phone: string | null;
  mobile: string | null;
  birth_date: ColumnType<string | null, string | null, string | null>;
  gender: string | null;
  company_name: string | null;
  email_opt_out: boolean;
  sms_opt_in: boolean | null;
  loyalty_opt_in: boolean;
  customer_group_external_id: string | null;
  address: unknown;
  custom_fields: unknown;
  source_created_at: Timestamp | null;
  source_updated_at: Timestamp | null;
  deleted_at: Timestamp | null;
  version: Version;
  synced_at: Timestamp;
  persona_id: string | null;
  email_normalized: string | null;
  phones_e164: Generated<string[]>;
  persona_exclusion: string | null;
};

export type SalesTable = {
  id: Generated<string>;
  company_id: string;
  credential_id: string;
  external_id: string;
  customer_external_id: string | null;
  location_external_id: string | null;
  register_external_id: string | null;
  staff_external_id: string | null;
  invoice_number: string | null;
  state: 'closed' | 'pending' | 'voided' | 'parked';
  pos_status: string | null;
  attributes: string[];
  return_for_external_id: string | null;
  /** numeric, returned as a decimal string */
  total_excl_tax: string;
  total_tax: string;
  total_incl_tax: string;
  sale_date: Timestamp | null;
  deleted_at: Timestamp | null;
  version: Version;
  synced_at: Timestamp;
};

export type SaleLinesTable = {
  sale_id: string;
  position: number;
  external_id: string | null;
  product_external_id: string | null;
  quantity: string;
  unit_price_excl_tax: string;
  unit_discount: string;
  unit_tax: string;
  total_excl_tax: string;
  total_tax: string;
  is_return: boolean;
  status: string | null;
};

export type SyncCursorsTable = {
  credential_id: string;
  resource: string;
  after_version: Version;
  records: Generated<number>;
  updated_at: Timestamp;
};

export type SyncOutcome = 'running' | 'succeeded' | 'failed' | 'rate_limited' | 'auth_failed' | 'interrupted';

export type SyncRunsTable = {
  id: Generated<string>;
  company_id: string;
  credential_id: string;
  reason: string;
  started_at: Timestamp;
  finished_at: Timestamp | null;
  outcome: ColumnType<SyncOutcome, SyncOutcome | undefined, SyncOutcome>;
  current_resource: string | null;
  pages: Generated<number>;
  records: Generated<number>;
  requests: Generated<number>;
  quarantined: Generated<number>;
  retry_at: Timestamp | null;
  error: string | null;
  complete: boolean | null;
};

export type SyncQuarantineTable = {
  credential_id: string;
  resource: string;
  external_id: string;
  error: string;
  payload: unknown;
  first_seen_at: Timestamp;
  last_seen_at: Timestamp;
};

export type Consent = 'subscribed' | 'unsubscribed' | 'unknown';

export type PersonasTable = {
  id: Generated<string>;
  company_id: string;
  first_name: string | null;
  last_name: string | null;
  full_name: ColumnType<string, never, never>;
  email: string | null;
  phone: string | null;
  birth_date: ColumnType<string | null, string | null | undefined, string | null>;
  address: unknown;
  company_name: string | null;
  customer_group: string | null;
  custom_fields: unknown;
  email_consent: ColumnType<Consent, Consent | undefined, Consent>;
  sms_consent: ColumnType<Consent, Consent | undefined, Consent>;
  age_gate_passed: Generated<boolean>;
  sourced_from: Generated<string[]>;
  /** numeric, as a decimal string */
  lifetime_spend: Generated<string>;
  visits: Generated<number>;
  first_visit_at: Timestamp | null;
  last_visit_at: Timestamp | null;
  favorite_store_id: string | null;
  points_balance: Generated<string>;
  archived_at: Timestamp | null;
  merged_into: string | null;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
};

/** Per company, kept by triggers on personas (migration 0010): the Personas list's unfiltered totals. */
/** The list's searched and filtered columns, copied from personas by triggers (migration 0014). */
export type PersonaSearchTable = {
  persona_id: string;
  company_id: string;
  /** The Personas list showing it: live (not archived), archived (and not merged), merged (neither). */
  list: 'live' | 'archived' | 'merged';
  sourced_from: string[];
  age_gate_passed: boolean;
  favorite_store_id: string | null;
  full_name: string;
  /** Name and email, lower-cased, a line break between (persona_search_text, migration 0015). */
  search_text: string;
  phone: string | null;
};

export type PersonaCountsTable = {
  company_id: string;
  /** bigint (read as a number, src/db/database.ts): archived_at IS NULL */
  live: Generated<number>;
  /** archived_at IS NOT NULL AND merged_into IS NULL */
  archived: Generated<number>;
};

export type PersonaMergesTable = {
  id: Generated<string>;
  company_id: string;
  survivor_id: string;
  merged_id: string;
  reason: string;
  merged_at: Timestamp;
};

export type SourceCustomerGroupsTable = {
  credential_id: string;
  external_id: string;
  name: string;
  group_code: string | null;
  deleted_at: Timestamp | null;
  version: Version;
};

export type WebhookSubscriptionsTable = {
  credential_id: string;
  event_type: string;
  external_id: string;
  created_at: Timestamp;
};

export type WebhookStatusTable = {
  credential_id: string;
  state: 'registered' | 'removed' | 'failed';
  error: string | null;
  attempted_at: Timestamp;
  last_delivery_at: Timestamp | null;
};

export type SyncResyncsTable = {
  credential_id: string;
  requested_at: Timestamp;
  applied_at: Timestamp | null;
};

export type RetailStoresTable = {
  id: Generated<string>;
  company_id: string;
  name: string;
  address: ColumnType<unknown, string | undefined, string>;
  time_zone: string;
  active: Generated<boolean>;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
};

export type StoreMappingsTable = {
  source_location_id: string;
  retail_store_id: string;
  company_id: string;
  created_at: CreatedAt;
};

export type FavoriteStoreRefreshesTable = {
  company_id: string;
  pending_location_ids: ColumnType<string[], string[] | undefined, string[]>;
  claimed_location_ids: ColumnType<string[], string[] | undefined, string[]>;
  personas_total: Generated<number>;
  personas_done: Generated<number>;
};

export type FavoriteStoreRefreshPersonasTable = {
  company_id: string;
  persona_id: string;
};

export type LoyaltyProgramsTable = {
  company_id: string;
  points_per_unit: ColumnType<string, string | number | undefined, string | number>;
  basis: ColumnType<'tax_inclusive' | 'tax_exclusive', 'tax_inclusive' | 'tax_exclusive' | undefined, 'tax_inclusive' | 'tax_exclusive'>;
  start_date: ColumnType<string | null, string | null | undefined, string | null>;
  earning_attributes: ColumnType<string[], string[] | undefined, string[]>;
  minimum_age: number | null;
  blocked_emails: ColumnType<string[], string[] | undefined, string[]>;
  blocked_phones: ColumnType<string[], string[] | undefined, string[]>;
  block_pos_staff: Generated<boolean>;
  updated_at: Timestamp;
  updated_by: string | null;
};

export type LedgerKind = 'earn' | 'reversal' | 'return' | 'adjustment' | 'transfer' | 'manual';

export type LoyaltyLedgerTable = {
  id: Generated<string>;
  company_id: string;
  persona_id: string;
  sale_id: string | null;
  kind: LedgerKind;
  points: ColumnType<string, string | number, string | number>;
  reason: string;
  created_by: string | null;
  idempotency_key: string;
  created_at: Timestamp;
};

export type Database = {
  companies: CompaniesTable;
  users: UsersTable;
  sessions: SessionsTable;
  notifications: NotificationsTable;
  sign_in_failures: SignInFailuresTable;
  connections: ConnectionsTable;
  credentials: CredentialsTable;
  source_locations: SourceLocationsTable;
  source_customers: SourceCustomersTable;
  sales: SalesTable;
  sale_lines: SaleLinesTable;
  sync_cursors: SyncCursorsTable;
  sync_runs: SyncRunsTable;
  sync_quarantine: SyncQuarantineTable;
  source_customer_groups: SourceCustomerGroupsTable;
  webhook_subscriptions: WebhookSubscriptionsTable;
  webhook_status: WebhookStatusTable;
  sync_resyncs: SyncResyncsTable;
  personas: PersonasTable;
  persona_merges: PersonaMergesTable;
  persona_counts: PersonaCountsTable;
  persona_search: PersonaSearchTable;
  retail_stores: RetailStoresTable;
  store_mappings: StoreMappingsTable;
  favorite_store_refreshes: FavoriteStoreRefreshesTable;
  favorite_store_refresh_personas: FavoriteStoreRefreshPersonasTable;
  loyalty_programs: LoyaltyProgramsTable;
  loyalty_ledger: LoyaltyLedgerTable;
};
