-- API keys of the job API, one tenant each. Only the SHA-256 hash of a key is stored. A
-- key reads `noob_<id>_<secret>`: `id` is its public part, so checking a key reads one
-- row by primary key and then compares hashes in constant time. A revoked key keeps its
-- row (for audit) with `revoked_at` set and is no longer accepted.
CREATE TABLE api_keys (
  id TEXT PRIMARY KEY,
  tenant TEXT NOT NULL,
  hash TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  revoked_at INTEGER
)
