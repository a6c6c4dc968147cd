-- A readiness check's write: it must commit for the server to call itself ready.
-- :now  ms since the epoch
INSERT INTO health_probes (id, at) VALUES (1, :now)
ON CONFLICT (id) DO UPDATE SET at = :now
