-- The company's own shops, and which POS locations (Lightspeed outlets) feed each of them.
CREATE TABLE retail_stores (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  company_id uuid NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
  address jsonb NOT NULL DEFAULT '{}'::jsonb,
  time_zone text NOT NULL,
  active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX retail_stores_company_name_key ON retail_stores (company_id, lower(name));

-- An outlet maps to at most one store (the primary key); a store can take outlets from several credentials.
CREATE TABLE store_mappings (
  source_location_id uuid PRIMARY KEY REFERENCES source_locations (id) ON DELETE CASCADE,
  retail_store_id uuid NOT NULL REFERENCES retail_stores (id) ON DELETE CASCADE,
  company_id uuid NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX store_mappings_store_idx ON store_mappings (retail_store_id);

ALTER TABLE personas ADD CONSTRAINT personas_favorite_store_fkey FOREIGN KEY (favorite_store_id) REFERENCES retail_stores (id) ON DELETE SET NULL;
CREATE INDEX sales_location_idx ON sales (credential_id, location_external_id);
