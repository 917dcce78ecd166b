-- Identity resolution links new sources to personas it creates in the same transaction, and creates
-- each persona with its profile in one write, after the links (the profile is read from the linked
-- sources). The link's foreign key is checked when the transaction sets it back to IMMEDIATE;
-- everywhere else it stays immediate, as before.
ALTER TABLE source_customers ALTER CONSTRAINT source_customers_persona_id_fkey DEFERRABLE INITIALLY IMMEDIATE;
