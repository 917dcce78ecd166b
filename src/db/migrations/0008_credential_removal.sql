-- A credential removed while keeping its synced data stays as a row (status `removed`, token wiped),
-- so the history that hangs off it survives; adding the same store again revives it.
ALTER TABLE credentials DROP CONSTRAINT credentials_status_check;
ALTER TABLE credentials ADD CONSTRAINT credentials_status_check CHECK (status IN ('active', 'invalid', 'paused', 'removed'));
