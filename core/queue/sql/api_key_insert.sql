-- Store a new API key (its hash only).
-- :key_id      the key's public id
-- :tenant      the tenant it acts for
-- :hash        SHA-256 of the whole key, hex
-- :expires_at  when it stops being accepted (ms since the epoch), or null: never
-- :now         ms since the epoch
INSERT INTO api_keys (id, tenant, hash, created_at, expires_at)
VALUES (:key_id, :tenant, :hash, :now, :expires_at)
