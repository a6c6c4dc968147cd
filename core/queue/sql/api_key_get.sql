-- The tenant, hash and expiry of a key that is not revoked.
-- :key_id  the key's public id
SELECT tenant, hash, expires_at FROM api_keys WHERE id = :key_id AND revoked_at IS NULL
