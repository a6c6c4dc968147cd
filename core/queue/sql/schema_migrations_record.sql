-- Record one applied migration.
-- :version  the migration's number
-- :name     its file name
-- :now      ms since the epoch
INSERT INTO schema_migrations (version, name, applied_at) VALUES (:version, :name, :now)
