-- Stop accepting a key (its row stays).
-- :key_id  the key's public id
-- :now     ms since the epoch
UPDATE api_keys SET revoked_at = :now WHERE id = :key_id AND revoked_at IS NULL
