-- An API key may expire: past `expires_at` (ms since the epoch) it is no longer accepted.
-- Null: it never expires.
ALTER TABLE api_keys ADD COLUMN expires_at INTEGER
