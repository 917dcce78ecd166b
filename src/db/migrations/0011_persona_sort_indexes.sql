-- The Personas list's other sorts (lifetime spend, visits, points, created), each in both directions.
-- Without an index each page read and sorted all of the company's live personas (~1 s at a million).
-- One index per column serves both directions: read forward for ascending, backward for descending.
-- That needs ORDER BY col ASC / col DESC with the default NULLS placement, which is exact because
-- these columns are NOT NULL. The name sort already has personas_name_sort_idx; full_name can never
-- be NULL (btrim of coalesces), and saying so lets its ORDER BY rely on that the same way. Last visit
-- uses personas_list_idx in both directions (persona-list.ts reads never-visited personas separately).
--
-- Each index costs the sync: aggregate updates (lifetime_spend, visits) already rewrite every index,
-- as last_visit_at is indexed, and now also write these; points updates, which were mostly HOT (no
-- indexed column changed), become non-HOT and write every index of personas. Measured figures are in
-- docs/performance.md.
ALTER TABLE personas ALTER COLUMN full_name SET NOT NULL;
CREATE INDEX personas_spend_sort_idx ON personas (company_id, lifetime_spend, id) WHERE archived_at IS NULL;
CREATE INDEX personas_visits_sort_idx ON personas (company_id, visits, id) WHERE archived_at IS NULL;
CREATE INDEX personas_points_sort_idx ON personas (company_id, points_balance, id) WHERE archived_at IS NULL;
CREATE INDEX personas_created_sort_idx ON personas (company_id, created_at, id) WHERE archived_at IS NULL;
