-- The search's name and email as one lower-cased text with one trigram index (search_text), in place
-- of an index on each. A search read two GIN indexes, OR-ed their bitmaps and rechecked every
-- candidate row with two ILIKEs, and in a multi-byte encoding PostgreSQL runs ILIKE by lower-casing
-- both sides into fresh copies, row after row. Now it is one index, one bitmap and one plain LIKE per
-- row against text lower-cased once, when it was written (docs/performance.md, change 33).
--
-- A line break separates the name from the email. The API refuses searches with control characters
-- (persona-routes.ts), so no match can span the two; `x ILIKE p` is `lower(x) LIKE lower(p)`, so every
-- search finds what it found before. The email column goes: only the search read it here.
--
-- The table holds nothing but copies of personas' columns, so it is emptied and filled again in its new
-- shape, as migration 0014 filled it, with writers locked out until the copy commits; its trigram
-- indexes are built after the copy, which is faster than filling them row by row.
LOCK TABLE personas IN SHARE ROW EXCLUSIVE MODE;

DROP INDEX persona_search_name_trgm_idx, persona_search_email_trgm_idx, persona_search_phone_trgm_idx;
TRUNCATE persona_search;
ALTER TABLE persona_search DROP COLUMN email, ADD COLUMN search_text text NOT NULL;

CREATE FUNCTION persona_search_text(full_name text, email text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT lower(full_name || E'\n' || coalesce(email, ''))
$$;

CREATE OR REPLACE FUNCTION persona_search_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO persona_search (persona_id, company_id, list, sourced_from, age_gate_passed, favorite_store_id, full_name, search_text, phone)
  SELECT id, company_id, persona_list_of(archived_at, merged_into), sourced_from, age_gate_passed, favorite_store_id, full_name,
    persona_search_text(full_name, email), phone
  FROM new_rows;
  RETURN NULL;
END;
$$;

CREATE OR REPLACE FUNCTION persona_search_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE persona_search SET list = persona_list_of(NEW.archived_at, NEW.merged_into), sourced_from = NEW.sourced_from,
    age_gate_passed = NEW.age_gate_passed, favorite_store_id = NEW.favorite_store_id, full_name = NEW.full_name,
    search_text = persona_search_text(NEW.full_name, NEW.email), phone = NEW.phone
  WHERE persona_id = NEW.id;
  RETURN NULL;
END;
$$;

INSERT INTO persona_search (persona_id, company_id, list, sourced_from, age_gate_passed, favorite_store_id, full_name, search_text, phone)
SELECT id, company_id, persona_list_of(archived_at, merged_into), sourced_from, age_gate_passed, favorite_store_id, full_name,
  persona_search_text(full_name, email), phone
FROM personas;

CREATE INDEX persona_search_text_trgm_idx ON persona_search USING gin (search_text gin_trgm_ops);
CREATE INDEX persona_search_phone_trgm_idx ON persona_search USING gin (phone gin_trgm_ops);
-- The search's plans depend on the statistics, which know nothing of search_text until autovacuum
-- gets to the table.
ANALYZE persona_search;
