-- Mirrors of a POS store's records, in Patron's normalized shape, one row per (credential, external id).
-- `version` is the POS's change counter: an upsert only wins with a newer version, so replays are harmless.

CREATE TABLE source_locations (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  company_id uuid NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
  credential_id uuid NOT NULL REFERENCES credentials (id) ON DELETE CASCADE,
  external_id text NOT NULL,
  name text NOT NULL,
  time_zone text,
  address jsonb NOT NULL DEFAULT '{}'::jsonb,
  deleted_at timestamptz,
  version bigint NOT NULL,
  synced_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (credential_id, external_id)
);
CREATE INDEX source_locations_company_idx ON source_locations (company_id);

CREATE TABLE source_registers (
  credential_id uuid NOT NULL REFERENCES credentials (id) ON DELETE CASCADE,
  external_id text NOT NULL,
  name text NOT NULL,
  location_external_id text,
  deleted_at timestamptz,
  version bigint NOT NULL,
  PRIMARY KEY (credential_id, external_id)
);

-- POS staff accounts: their emails feed the loyalty employee blocklist.
CREATE TABLE source_staff (
  credential_id uuid NOT NULL REFERENCES credentials (id) ON DELETE CASCADE,
  external_id text NOT NULL,
  username text NOT NULL,
  display_name text,
  email text,
  account_type text,
  deleted_at timestamptz,
  version bigint NOT NULL,
  PRIMARY KEY (credential_id, external_id)
);

CREATE TABLE source_customer_groups (
  credential_id uuid NOT NULL REFERENCES credentials (id) ON DELETE CASCADE,
  external_id text NOT NULL,
  name text NOT NULL,
  group_code text,
  deleted_at timestamptz,
  version bigint NOT NULL,
  PRIMARY KEY (credential_id, external_id)
);

CREATE TABLE source_products (
  credential_id uuid NOT NULL REFERENCES credentials (id) ON DELETE CASCADE,
  external_id text NOT NULL,
  name text NOT NULL,
  sku text,
  deleted_at timestamptz,
  version bigint NOT NULL,
  PRIMARY KEY (credential_id, external_id)
);

CREATE TABLE source_customers (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  company_id uuid NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
  credential_id uuid NOT NULL REFERENCES credentials (id) ON DELETE CASCADE,
  external_id text NOT NULL,
  customer_code text,
  first_name text,
  last_name text,
  email text,
  phone text,
  mobile text,
  birth_date date,
  gender text,
  company_name text,
  email_opt_out boolean NOT NULL DEFAULT false,
  sms_opt_in boolean,
  loyalty_opt_in boolean NOT NULL DEFAULT false,
  customer_group_external_id text,
  address jsonb NOT NULL DEFAULT '{}'::jsonb,
  custom_fields jsonb NOT NULL DEFAULT '{}'::jsonb,
  source_created_at timestamptz,
  source_updated_at timestamptz,
  deleted_at timestamptz,
  version bigint NOT NULL,
  synced_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (credential_id, external_id)
);
CREATE INDEX source_customers_company_idx ON source_customers (company_id);

CREATE TABLE sales (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  company_id uuid NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
  credential_id uuid NOT NULL REFERENCES credentials (id) ON DELETE CASCADE,
  external_id text NOT NULL,
  customer_external_id text,
  location_external_id text,
  register_external_id text,
  staff_external_id text,
  invoice_number text,
  -- closed | pending | voided | parked, derived from the POS's status or state.
  state text NOT NULL CHECK (state IN ('closed', 'pending', 'voided', 'parked')),
  pos_status text,
  attributes text[] NOT NULL DEFAULT '{}',
  return_for_external_id text,
  total_excl_tax numeric NOT NULL,
  total_tax numeric NOT NULL,
  total_incl_tax numeric NOT NULL,
  sale_date timestamptz,
  deleted_at timestamptz,
  version bigint NOT NULL,
  synced_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (credential_id, external_id)
);
CREATE INDEX sales_customer_idx ON sales (credential_id, customer_external_id);
CREATE INDEX sales_company_date_idx ON sales (company_id, sale_date DESC);

CREATE TABLE sale_lines (
  sale_id uuid NOT NULL REFERENCES sales (id) ON DELETE CASCADE,
  position integer NOT NULL,
  external_id text,
  product_external_id text,
  quantity numeric NOT NULL,
  unit_price_excl_tax numeric NOT NULL,
  unit_discount numeric NOT NULL,
  unit_tax numeric NOT NULL,
  total_excl_tax numeric NOT NULL,
  total_tax numeric NOT NULL,
  is_return boolean NOT NULL,
  status text,
  PRIMARY KEY (sale_id, position)
);

CREATE TABLE sale_payments (
  sale_id uuid NOT NULL REFERENCES sales (id) ON DELETE CASCADE,
  position integer NOT NULL,
  external_id text,
  method text,
  amount numeric NOT NULL,
  paid_at timestamptz,
  PRIMARY KEY (sale_id, position)
);

-- The last version written per resource: the next run reads `after` it.
CREATE TABLE sync_cursors (
  credential_id uuid NOT NULL REFERENCES credentials (id) ON DELETE CASCADE,
  resource text NOT NULL,
  after_version bigint NOT NULL DEFAULT 0,
  records integer NOT NULL DEFAULT 0,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (credential_id, resource)
);

-- One row per sync run: the history the connection page shows.
CREATE TABLE sync_runs (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  company_id uuid NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
  credential_id uuid NOT NULL REFERENCES credentials (id) ON DELETE CASCADE,
  reason text NOT NULL,
  started_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz,
  outcome text NOT NULL DEFAULT 'running' CHECK (outcome IN ('running', 'succeeded', 'failed', 'rate_limited', 'auth_failed', 'interrupted')),
  current_resource text,
  pages integer NOT NULL DEFAULT 0,
  records integer NOT NULL DEFAULT 0,
  requests integer NOT NULL DEFAULT 0,
  quarantined integer NOT NULL DEFAULT 0,
  retry_at timestamptz,
  error text
);
CREATE INDEX sync_runs_credential_idx ON sync_runs (credential_id, started_at DESC);

-- Records that failed validation: kept with the reason, shown to the retailer, retried on every run.
CREATE TABLE sync_quarantine (
  credential_id uuid NOT NULL REFERENCES credentials (id) ON DELETE CASCADE,
  resource text NOT NULL,
  external_id text NOT NULL,
  error text NOT NULL,
  payload jsonb NOT NULL,
  first_seen_at timestamptz NOT NULL DEFAULT now(),
  last_seen_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (credential_id, resource, external_id)
);

-- Set by the first Update Connection: scheduled syncs start only once the retailer saved the connection.
ALTER TABLE connections ADD COLUMN sync_enabled_at timestamptz;
