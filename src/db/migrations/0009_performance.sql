-- Returns of a sale, looked up whenever a sale's points are reconciled (every synced page of sales,
-- and the full ledger recomputation). Without it each lookup read the whole sales table, so a backfill
-- slowed down as the table grew. Partial: only returns carry return_for_external_id.
CREATE INDEX sales_return_for_idx ON sales (credential_id, return_for_external_id) WHERE return_for_external_id IS NOT NULL;

-- The Personas list orders by (sort value, id) in one direction, e.g. last visit DESC NULLS LAST then
-- id DESC. The indexes had id ascending, which no scan direction matches, so every default-sorted
-- page sorted all of the company's personas (a million rows → a full scan per page). Same order now.
DROP INDEX personas_list_idx;
CREATE INDEX personas_list_idx ON personas (company_id, last_visit_at DESC NULLS LAST, id DESC) WHERE archived_at IS NULL;
DROP INDEX personas_favorite_store_idx;
CREATE INDEX personas_favorite_store_idx ON personas (company_id, favorite_store_id, last_visit_at DESC NULLS LAST, id DESC) WHERE archived_at IS NULL;
