-- The Personas search's columns (name, email, phone) and their trigram indexes, apart from the
-- persona row. Every sale rewrites its buyer's row (spend, visits, last visit, points), and as those
-- columns are indexed for the list's sorts, no such update is HOT: each one adds an entry to every
-- index of personas, and for the three trigram GIN indexes that is dozens of trigrams per row, for
-- columns the sale did not change. Here they are written only when a searched or filtered column
-- changes. The list's search reads this table (persona-list.ts); nothing else does.
--
-- The list's filters are copied too, so that a search's total (counted up to 10,001 matches) is
-- counted here alone: joining that many matches to their persona rows to filter them cost ~100 ms at
-- a million personas. Besides the key, only the trigram columns and `list` are indexed, so an update
-- of another filtered column is HOT (fillfactor leaves room on each page for the new row version).
CREATE TABLE persona_search (
  persona_id uuid PRIMARY KEY REFERENCES personas (id) ON DELETE CASCADE,
  -- Never changes for a persona; here so a search is narrowed to one company before any join.
  company_id uuid NOT NULL,
  -- Which list of the Personas page shows the persona (persona_list_of).
  list text NOT NULL CHECK (list IN ('live', 'archived', 'merged')),
  sourced_from text[] NOT NULL,
  age_gate_passed boolean NOT NULL,
  favorite_store_id uuid,
  full_name text NOT NULL,
  email text,
  phone text
) WITH (fillfactor = 90);

-- The default list shows live personas (archived_at IS NULL), the Archived filter the archived ones
-- that were not merged into another (as persona_counts counts them, migration 0010).
CREATE FUNCTION persona_list_of(archived_at timestamptz, merged_into uuid) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN archived_at IS NULL THEN 'live' WHEN merged_into IS NULL THEN 'archived' ELSE 'merged' END
$$;

-- Kept by triggers on personas, in the writing transaction, so every writer (the sync, merges, tests,
-- the bench's generator) keeps it right. New personas come in thousands per statement: copied once
-- per statement from the transition table. Updates are copied per row and only for the rows where a
-- copied column changed (the WHEN clause), so the sync's updates of totals and points never fire it.
-- Deletes cascade through the foreign key.
CREATE FUNCTION persona_search_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO persona_search (persona_id, company_id, list, sourced_from, age_gate_passed, favorite_store_id, full_name, email, phone)
  SELECT id, company_id, persona_list_of(archived_at, merged_into), sourced_from, age_gate_passed, favorite_store_id, full_name, email, phone
  FROM new_rows;
  RETURN NULL;
END;
$$;

CREATE FUNCTION persona_search_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE persona_search SET list = persona_list_of(NEW.archived_at, NEW.merged_into), sourced_from = NEW.sourced_from,
    age_gate_passed = NEW.age_gate_passed, favorite_store_id = NEW.favorite_store_id, full_name = NEW.full_name, email = NEW.email, phone = NEW.phone
  WHERE persona_id = NEW.id;
  RETURN NULL;
END;
$$;

-- Lock out writers until the copy below is committed together with the triggers.
LOCK TABLE personas IN SHARE ROW EXCLUSIVE MODE;

CREATE TRIGGER personas_search_insert AFTER INSERT ON personas
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION persona_search_insert();
-- Column by column: a function call here would run for every row the sync updates.
CREATE TRIGGER personas_search_update AFTER UPDATE ON personas FOR EACH ROW
  WHEN (OLD.full_name IS DISTINCT FROM NEW.full_name OR OLD.email IS DISTINCT FROM NEW.email OR OLD.phone IS DISTINCT FROM NEW.phone
    OR (OLD.archived_at IS NULL) <> (NEW.archived_at IS NULL) OR (OLD.merged_into IS NULL) <> (NEW.merged_into IS NULL)
    OR OLD.sourced_from IS DISTINCT FROM NEW.sourced_from OR OLD.age_gate_passed IS DISTINCT FROM NEW.age_gate_passed
    OR OLD.favorite_store_id IS DISTINCT FROM NEW.favorite_store_id)
  EXECUTE FUNCTION persona_search_update();

INSERT INTO persona_search (persona_id, company_id, list, sourced_from, age_gate_passed, favorite_store_id, full_name, email, phone)
SELECT id, company_id, persona_list_of(archived_at, merged_into), sourced_from, age_gate_passed, favorite_store_id, full_name, email, phone
FROM personas;

CREATE INDEX persona_search_name_trgm_idx ON persona_search USING gin (full_name gin_trgm_ops);
CREATE INDEX persona_search_email_trgm_idx ON persona_search USING gin (email gin_trgm_ops);
CREATE INDEX persona_search_phone_trgm_idx ON persona_search USING gin (phone gin_trgm_ops);
-- The Archived filter's few personas, so a search there need not read every match of the live ones.
CREATE INDEX persona_search_archived_idx ON persona_search (company_id) WHERE list = 'archived';
DROP INDEX personas_name_trgm_idx, personas_email_trgm_idx, personas_phone_trgm_idx;
