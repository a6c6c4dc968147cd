-- Same tenant + same idempotency key → same job: the unique index is what makes a
-- concurrent double submission resolve to one row.
CREATE UNIQUE INDEX jobs_idempotency ON jobs (tenant, idempotency_key)
  WHERE idempotency_key IS NOT NULL
