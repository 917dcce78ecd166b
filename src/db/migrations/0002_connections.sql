-- One connection per company and integration: the age-gate confirmation and the Integration Settings.
CREATE TABLE connections (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  company_id uuid NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
  provider text NOT NULL,
  age_gate_confirmed boolean NOT NULL DEFAULT false,
  age_gate_confirmed_at timestamptz,
  age_gate_confirmed_by uuid REFERENCES users (id) ON DELETE SET NULL,
  settings jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (company_id, provider)
);

-- A store's token (AES-256-GCM: ciphertext, iv, tag) and what the live check learned about the store.
-- company_id is repeated from the connection so every query can be scoped without a join.
CREATE TABLE credentials (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  connection_id uuid NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
  company_id uuid NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
  domain_prefix text NOT NULL,
  token_ciphertext bytea NOT NULL,
  token_iv bytea NOT NULL,
  token_tag bytea NOT NULL,
  token_last4 text NOT NULL,
  retailer_id text NOT NULL,
  retailer_name text NOT NULL,
  country text,
  currency text,
  outlet_count integer NOT NULL DEFAULT 0,
  register_count integer NOT NULL DEFAULT 0,
  rate_limit integer,
  status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'invalid', 'paused')),
  status_reason text,
  last_checked_at timestamptz,
  -- The URL secret Lightspeed posts webhooks to; unguessable, per credential.
  webhook_secret text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX credentials_company_store_key ON credentials (company_id, retailer_id);
CREATE UNIQUE INDEX credentials_company_prefix_key ON credentials (company_id, domain_prefix);
CREATE UNIQUE INDEX credentials_webhook_secret_key ON credentials (webhook_secret);
CREATE INDEX credentials_connection_idx ON credentials (connection_id);
