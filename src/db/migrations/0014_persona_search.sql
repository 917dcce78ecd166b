-- The Personas search's columns (name, email, phone) and their trigram indexes, apart from the
-- persona row. Every sale rewrites its buyer's row (spend, visits, last visit, points), and as those
-- columns are indexed for the list's sorts, no such update is HOT: each one adds an entry to every
-- index of personas, and for the three trigram GIN indexes that is dozens of trigrams per row, for
-- columns the sale did not change. Here they are written only when a searched column changes.
-- The list's search reads this table (persona-list.ts); nothing else does.
CREATE TABLE persona_search (
  persona_id uuid PRIMARY KEY REFERENCES personas (id) ON DELETE CASCADE,
  -- Never changes for a persona; here so a search is narrowed to one company before any join.
  company_id uuid NOT NULL,
  full_name text NOT NULL,
  email text,
  phone text
);

-- Kept by triggers on personas, in the writing transaction, so every writer (the sync, merges, tests,
-- the bench's generator) keeps it right. New personas come in thousands per statement: copied once
-- per statement from the transition table. Updates are copied per row and only for the rows whose
-- searched columns changed (the WHEN clause), so the sync's updates of totals, favorites and points
-- never fire it. Deletes cascade through the foreign key.
CREATE FUNCTION persona_search_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO persona_search (persona_id, company_id, full_name, email, phone)
  SELECT id, company_id, full_name, email, phone FROM new_rows;
  RETURN NULL;
END;
$$;

CREATE FUNCTION persona_search_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE persona_search SET full_name = NEW.full_name, email = NEW.email, phone = NEW.phone WHERE persona_id = NEW.id;
  RETURN NULL;
END;
$$;

-- Lock out writers until the copy below is committed together with the triggers.
LOCK TABLE personas IN SHARE ROW EXCLUSIVE MODE;

CREATE TRIGGER personas_search_insert AFTER INSERT ON personas
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION persona_search_insert();
CREATE TRIGGER personas_search_update AFTER UPDATE ON personas FOR EACH ROW
  WHEN (OLD.full_name IS DISTINCT FROM NEW.full_name OR OLD.email IS DISTINCT FROM NEW.email OR OLD.phone IS DISTINCT FROM NEW.phone)
  EXECUTE FUNCTION persona_search_update();

INSERT INTO persona_search (persona_id, company_id, full_name, email, phone)
SELECT id, company_id, full_name, email, phone FROM personas;

CREATE INDEX persona_search_name_trgm_idx ON persona_search USING gin (full_name gin_trgm_ops);
CREATE INDEX persona_search_email_trgm_idx ON persona_search USING gin (email gin_trgm_ops);
CREATE INDEX persona_search_phone_trgm_idx ON persona_search USING gin (phone gin_trgm_ops);
DROP INDEX personas_name_trgm_idx, personas_email_trgm_idx, personas_phone_trgm_idx;
