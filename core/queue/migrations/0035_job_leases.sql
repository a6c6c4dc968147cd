-- Which coordinator drives which tube run, for how long. A coordinator claims a run by
-- taking its lease (absent, released or expired, or its own from before a restart) and
-- renews it while it runs the job; a coordinator that dies stops renewing, and another
-- (or its own restart) takes the run over. `losses` counts the times a run was taken
-- over from a holder that never gave it back (a crash, a lost lease): a run that keeps
-- taking its coordinators down is failed past a limit instead of retried forever.
-- `expires_at` = 0 marks a lease given back on purpose (a clean stop, a parked run).
CREATE TABLE job_leases (
  job_id TEXT PRIMARY KEY,
  owner TEXT NOT NULL,
  expires_at INTEGER NOT NULL,
  losses INTEGER NOT NULL DEFAULT 0
)
