-- The company's loyalty program. One row per company, created with the defaults on first save.
CREATE TABLE loyalty_programs (
  company_id uuid PRIMARY KEY REFERENCES companies (id) ON DELETE CASCADE,
  points_per_unit numeric NOT NULL DEFAULT 1 CHECK (points_per_unit >= 0 AND points_per_unit <= 1000),
  basis text NOT NULL DEFAULT 'tax_inclusive' CHECK (basis IN ('tax_inclusive', 'tax_exclusive')),
  start_date date,
  -- Besides plain closed sales: which closed fulfilment kinds earn (layby, on account, pickup, …).
  earning_attributes text[] NOT NULL DEFAULT '{layby,onaccount,pickup,delivery,service}',
  minimum_age integer CHECK (minimum_age IS NULL OR minimum_age BETWEEN 0 AND 120),
  blocked_emails text[] NOT NULL DEFAULT '{}',
  blocked_phones text[] NOT NULL DEFAULT '{}',
  block_pos_staff boolean NOT NULL DEFAULT true,
  updated_at timestamptz NOT NULL DEFAULT now(),
  updated_by uuid REFERENCES users (id) ON DELETE SET NULL
);

-- Every change of points. Balances are sums of these rows; nothing here is ever updated in place
-- except moving rows to the survivor of a persona merge.
CREATE TABLE loyalty_ledger (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  company_id uuid NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
  persona_id uuid NOT NULL REFERENCES personas (id) ON DELETE CASCADE,
  sale_id uuid REFERENCES sales (id) ON DELETE SET NULL,
  kind text NOT NULL CHECK (kind IN ('earn', 'reversal', 'return', 'adjustment', 'transfer', 'manual')),
  points numeric NOT NULL,
  reason text NOT NULL,
  created_by uuid REFERENCES users (id) ON DELETE SET NULL,
  idempotency_key text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (company_id, idempotency_key)
);
CREATE INDEX loyalty_ledger_persona_idx ON loyalty_ledger (persona_id, created_at DESC);
CREATE INDEX loyalty_ledger_sale_idx ON loyalty_ledger (sale_id);

-- Per-connection override of the program start date.
ALTER TABLE connections ADD COLUMN loyalty_start_date date;
