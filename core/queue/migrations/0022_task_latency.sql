-- Task latency histograms for /metrics, kept by the claims and completions themselves so
-- they cover every worker process: `wait` is from ready (run_at) to claimed (started_at),
-- `run` from claimed to succeeded. A row holds the observations in one bucket (not
-- cumulative): bucket_ms is its upper bound (a latency_bounds row, 0023), -1 above them all.
CREATE TABLE task_latency (
  metric TEXT NOT NULL CHECK (metric IN ('wait', 'run')),
  bucket_ms INTEGER NOT NULL,
  count INTEGER NOT NULL,
  sum_ms INTEGER NOT NULL,
  PRIMARY KEY (metric, bucket_ms)
) WITHOUT ROWID
