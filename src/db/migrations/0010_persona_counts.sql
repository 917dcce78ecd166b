-- The Personas list's unfiltered totals, exact and O(1). A count(*) of a company's live personas reads
-- every one of them (a million rows → hundreds of milliseconds per page view), so each company keeps
-- the two totals of its list here: `live` (archived_at IS NULL: the default list) and `archived`
-- (archived_at IS NOT NULL AND merged_into IS NULL: the Archived filter). Merged personas are in
-- neither. A company without a row has no personas.
CREATE TABLE persona_counts (
  company_id uuid PRIMARY KEY REFERENCES companies (id) ON DELETE CASCADE,
  live bigint NOT NULL DEFAULT 0,
  archived bigint NOT NULL DEFAULT 0
);

-- Kept by triggers on personas, in the writing transaction. Only a change that moves a persona in or
-- out of a list touches the counter row, so the sync's constant updates of profiles, aggregates,
-- favorite stores and points never write or lock it. INSERT … ON CONFLICT DO UPDATE adds to the
-- latest committed value, so concurrent writers cannot lose an update. A company being deleted (its
-- personas cascading away with it) is skipped: its counter row goes too.
--
-- Inserts and deletes come in thousands per statement (a page of new personas), so they are counted
-- once per statement from the transition tables: (rows in each state among the new rows) − (among the
-- old rows), companies in ascending order so statements spanning several companies cannot deadlock.
-- Updates are counted per row, and only for the rows whose archived_at or merged_into changed (the
-- WHEN clause): a statement-level trigger would have to copy every updated row into transition tables,
-- which costs the sync's aggregate and point updates about a quarter of their time.
CREATE FUNCTION persona_counts_apply() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  changed_rows text := CASE TG_OP
    WHEN 'INSERT' THEN 'SELECT company_id, archived_at, merged_into, 1 AS sign FROM new_rows'
    ELSE 'SELECT company_id, archived_at, merged_into, -1 AS sign FROM old_rows'
  END;
BEGIN
  EXECUTE format($sql$
    INSERT INTO persona_counts AS c (company_id, live, archived)
    SELECT company_id, live, archived FROM (
      SELECT company_id,
        coalesce(sum(sign) FILTER (WHERE archived_at IS NULL), 0) AS live,
        coalesce(sum(sign) FILTER (WHERE archived_at IS NOT NULL AND merged_into IS NULL), 0) AS archived
      FROM (%s) AS changed
      GROUP BY company_id
    ) AS delta
    WHERE (live <> 0 OR archived <> 0) AND EXISTS (SELECT 1 FROM companies WHERE companies.id = delta.company_id)
    ORDER BY company_id
    ON CONFLICT (company_id) DO UPDATE SET live = c.live + excluded.live, archived = c.archived + excluded.archived
  $sql$, changed_rows);
  RETURN NULL;
END;
$$;

CREATE FUNCTION persona_counts_move() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  live_change int := (NEW.archived_at IS NULL)::int - (OLD.archived_at IS NULL)::int;
  archived_change int := (NEW.archived_at IS NOT NULL AND NEW.merged_into IS NULL)::int - (OLD.archived_at IS NOT NULL AND OLD.merged_into IS NULL)::int;
BEGIN
  IF live_change <> 0 OR archived_change <> 0 THEN
    INSERT INTO persona_counts AS c (company_id, live, archived)
    SELECT NEW.company_id, live_change, archived_change WHERE EXISTS (SELECT 1 FROM companies WHERE companies.id = NEW.company_id)
    ON CONFLICT (company_id) DO UPDATE SET live = c.live + excluded.live, archived = c.archived + excluded.archived;
  END IF;
  RETURN NULL;
END;
$$;

-- Lock out writers until the backfill below is committed together with the triggers.
LOCK TABLE personas IN SHARE ROW EXCLUSIVE MODE;

CREATE TRIGGER personas_count_insert AFTER INSERT ON personas
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION persona_counts_apply();
CREATE TRIGGER personas_count_update AFTER UPDATE ON personas FOR EACH ROW
  WHEN (OLD.archived_at IS DISTINCT FROM NEW.archived_at OR OLD.merged_into IS DISTINCT FROM NEW.merged_into)
  EXECUTE FUNCTION persona_counts_move();
CREATE TRIGGER personas_count_delete AFTER DELETE ON personas
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION persona_counts_apply();

-- TRUNCATE has no transition table; it empties the table for every company.
CREATE FUNCTION persona_counts_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM persona_counts;
  RETURN NULL;
END;
$$;
CREATE TRIGGER personas_count_truncate AFTER TRUNCATE ON personas FOR EACH STATEMENT EXECUTE FUNCTION persona_counts_truncate();

INSERT INTO persona_counts (company_id, live, archived)
SELECT company_id, count(*) FILTER (WHERE archived_at IS NULL), count(*) FILTER (WHERE archived_at IS NOT NULL AND merged_into IS NULL)
FROM personas
GROUP BY company_id;
