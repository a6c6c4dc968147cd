-- API keys (never their hashes), newest first: `noob keys list`.
-- :tenant  only this tenant's keys, or null: every tenant's
SELECT id, tenant, created_at, expires_at, revoked_at FROM api_keys
WHERE :tenant IS NULL OR tenant = :tenant
ORDER BY created_at DESC, id
