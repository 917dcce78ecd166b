import type { ColumnType, Generated } from 'kysely';

/** Row types of the tables, as Kysely sees them. Keep in step with migrations/*.sql. */
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
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
};

export type CredentialStatus = 'active' | 'invalid' | 'paused';

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

export type Database = {
  companies: CompaniesTable;
  users: UsersTable;
  sessions: SessionsTable;
  notifications: NotificationsTable;
  sign_in_failures: SignInFailuresTable;
  connections: ConnectionsTable;
  credentials: CredentialsTable;
};
