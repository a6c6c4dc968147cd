-- Bucket bounds from a millisecond to a minute, roughly 1-2.5-5 per decade.
INSERT INTO latency_bounds (bound_ms) VALUES
  (1), (5), (10), (25), (50), (100), (250), (500), (1000), (2500), (5000), (10000), (30000),
  (60000)
