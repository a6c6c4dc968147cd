-- A job run on the peer network counts its node calls by node as well (they are not tasks:
-- no row of `tasks` holds them, see job_network_calls.sql), for the dashboard's graph:
-- each node's calls sent, accepted, failed and given up, and the summed time of the
-- accepted ones from sending to the accepted answer (ms). Written with the job's counts
-- by its coordinator; a run's rows replace the job's (a run counts from zero).
CREATE TABLE network_node_calls (
  job_id TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
  node_id TEXT NOT NULL,
  total INTEGER NOT NULL,
  done INTEGER NOT NULL,
  failed INTEGER NOT NULL,
  cancelled INTEGER NOT NULL,
  run_ms INTEGER NOT NULL,
  PRIMARY KEY (job_id, node_id)
)
