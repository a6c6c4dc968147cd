-- One row that readiness checks overwrite: a write that must commit for the server to
-- call itself ready (a database that can be read but not written cannot run work).
CREATE TABLE health_probes (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  at INTEGER NOT NULL
)
