-- The Retail Store page's figures per mapped outlet — sales of the last 30 days and the last sale —
-- read every sale of the outlet through sales_location_idx (seconds at millions of sales). With the
-- sale date in the key each figure is one index range: the last 30 days forward, the last sale
-- backward from the end. state and deleted_at ride along so both are answered from the index alone
-- on pages autovacuum has marked all-visible. The old index's other users (outlets with sales, the
-- personas who shopped at an outlet) read its prefix.
CREATE INDEX sales_location_date_idx ON sales (credential_id, location_external_id, sale_date) INCLUDE (state, deleted_at);
DROP INDEX sales_location_idx;
