-- Real-time updates: the webhooks Patron registered on each store, and how the last attempt went.
CREATE TABLE webhook_subscriptions (
  credential_id uuid NOT NULL REFERENCES credentials (id) ON DELETE CASCADE,
  -- The POS's event type, e.g. customer.update.
  event_type text NOT NULL,
  -- The POS's id of the webhook, needed to remove it.
  external_id text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (credential_id, event_type)
);

-- One row per credential once real-time updates were ever wanted for it.
CREATE TABLE webhook_status (
  credential_id uuid PRIMARY KEY REFERENCES credentials (id) ON DELETE CASCADE,
  -- registered: every wanted webhook exists; removed: none wanted, none left; failed: see error.
  state text NOT NULL CHECK (state IN ('registered', 'removed', 'failed')),
  error text,
  attempted_at timestamptz NOT NULL DEFAULT now(),
  -- The last delivery Patron accepted for this credential.
  last_delivery_at timestamptz
);

-- "Resync from scratch": applied by the next run of the credential while it holds the run lock, so
-- a run in progress cannot write its cursor over the reset.
CREATE TABLE sync_resyncs (
  credential_id uuid PRIMARY KEY REFERENCES credentials (id) ON DELETE CASCADE,
  requested_at timestamptz NOT NULL DEFAULT now(),
  applied_at timestamptz
);

-- Whether a successful run reached the end of every resource (false: it stopped at its time budget
-- and queued a continuation). The status page uses it to tell a backfill from being up to date.
ALTER TABLE sync_runs ADD COLUMN complete boolean;
