-- The Retail Store page's figures per mapped outlet — sales of the last 30 days and the last sale —
-- read every sale of the outlet through sales_location_idx (seconds at millions of sales). With the
-- sale date in the key each figure is one index range: the last 30 days forward, the last sale
-- backward from the end. state and deleted_at ride along so both are answered from the index alone
-- on pages autovacuum has marked all-visible. The old index's other users (outlets with sales, the
-- personas who shopped at an outlet) read its prefix.
CREATE INDEX sales_location_date_idx ON sales (credential_id, location_external_id, sale_date) INCLUDE (state, deleted_at);
DROP INDEX sales_location_idx;

-- Favorite stores are recomputed by a job after a store change (a mapping saved, a store activated or
-- deactivated, stores created from outlets), not in the request: at a million personas the change
-- touches hundreds of thousands of them. One row per company says what is left to do
-- (src/stores/favorite-store-refresh.ts):
--   pending_location_ids  outlets whose mapping or store changed, saved with that change;
--   claimed_location_ids  taken by the job once every sync transaction that began before the change
--                         had finished, and not yet turned into personas;
--   personas_total/_done  progress of the current round, shown on the Retail Store page.
CREATE TABLE favorite_store_refreshes (
  company_id uuid PRIMARY KEY REFERENCES companies (id) ON DELETE CASCADE,
  pending_location_ids uuid[] NOT NULL DEFAULT '{}',
  claimed_location_ids uuid[] NOT NULL DEFAULT '{}',
  personas_total integer NOT NULL DEFAULT 0,
  personas_done integer NOT NULL DEFAULT 0
);

-- The personas of the current round still to recompute; each chunk deletes the ones it recomputed, in
-- its own transaction, so a crash leaves exactly the unfinished ones.
CREATE TABLE favorite_store_refresh_personas (
  company_id uuid NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
  persona_id uuid NOT NULL,
  PRIMARY KEY (company_id, persona_id)
);
