CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- One profile per real person, per company. Profile fields are derived from the linked sources;
-- aggregates are derived from their sales. Nothing here is typed in by hand, so it heals itself.
CREATE TABLE personas (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  company_id uuid NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
  first_name text,
  last_name text,
  full_name text GENERATED ALWAYS AS (btrim(coalesce(first_name, '') || ' ' || coalesce(last_name, ''))) STORED,
  email text,
  phone text,
  birth_date date,
  address jsonb NOT NULL DEFAULT '{}'::jsonb,
  company_name text,
  customer_group text,
  custom_fields jsonb NOT NULL DEFAULT '{}'::jsonb,
  email_consent text NOT NULL DEFAULT 'unknown' CHECK (email_consent IN ('subscribed', 'unsubscribed', 'unknown')),
  sms_consent text NOT NULL DEFAULT 'unknown' CHECK (sms_consent IN ('subscribed', 'unsubscribed', 'unknown')),
  -- Some source of this persona comes from a connection whose age gate the retailer confirmed.
  age_gate_passed boolean NOT NULL DEFAULT false,
  sourced_from text[] NOT NULL DEFAULT '{}',
  lifetime_spend numeric NOT NULL DEFAULT 0,
  visits integer NOT NULL DEFAULT 0,
  first_visit_at timestamptz,
  last_visit_at timestamptz,
  favorite_store_id uuid,
  points_balance numeric NOT NULL DEFAULT 0,
  archived_at timestamptz,
  merged_into uuid REFERENCES personas (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
-- The Personas page's default sort and its filters, at a million rows.
CREATE INDEX personas_list_idx ON personas (company_id, last_visit_at DESC NULLS LAST, id) WHERE archived_at IS NULL;
CREATE INDEX personas_name_sort_idx ON personas (company_id, full_name, id) WHERE archived_at IS NULL;
CREATE INDEX personas_name_trgm_idx ON personas USING gin (full_name gin_trgm_ops);
CREATE INDEX personas_email_trgm_idx ON personas USING gin (email gin_trgm_ops);
CREATE INDEX personas_phone_trgm_idx ON personas USING gin (phone gin_trgm_ops);
CREATE INDEX personas_favorite_store_idx ON personas (company_id, favorite_store_id, last_visit_at DESC NULLS LAST) WHERE archived_at IS NULL;

-- Normalized identifiers in use, one owner each: the index that makes matching a lookup.
CREATE TABLE persona_identifiers (
  company_id uuid NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
  kind text NOT NULL CHECK (kind IN ('email', 'phone')),
  value text NOT NULL,
  persona_id uuid NOT NULL REFERENCES personas (id) ON DELETE CASCADE,
  PRIMARY KEY (company_id, kind, value)
);
CREATE INDEX persona_identifiers_persona_idx ON persona_identifiers (persona_id);

-- Every merge, so a merged profile can always be explained.
CREATE TABLE persona_merges (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  company_id uuid NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
  survivor_id uuid NOT NULL REFERENCES personas (id) ON DELETE CASCADE,
  merged_id uuid NOT NULL REFERENCES personas (id) ON DELETE CASCADE,
  reason text NOT NULL,
  merged_at timestamptz NOT NULL DEFAULT now()
);

ALTER TABLE source_customers
  ADD COLUMN persona_id uuid REFERENCES personas (id) ON DELETE SET NULL,
  ADD COLUMN email_normalized text,
  ADD COLUMN phones_e164 text[] NOT NULL DEFAULT '{}',
  -- Why the record is not part of a persona (walk_in, no_contact, excluded_group, deleted), or null.
  ADD COLUMN persona_exclusion text;
CREATE INDEX source_customers_persona_idx ON source_customers (persona_id);
