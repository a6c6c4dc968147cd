-- The upper bounds (ms) of the task latency histograms' buckets, in one place for the
-- statements that fill them and for /metrics that reads them.
CREATE TABLE latency_bounds (bound_ms INTEGER PRIMARY KEY)
