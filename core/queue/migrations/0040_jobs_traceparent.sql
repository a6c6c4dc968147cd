-- The W3C traceparent of the span that submitted a job (the API request's, when tracing
-- is on; docs/tracing.md), so that the coordinator that runs it, in another process,
-- continues the same trace. NULL: not traced. Not part of the idempotency hash: a client
-- retrying a submission is the same job, whatever trace its retry carries.
ALTER TABLE jobs ADD COLUMN traceparent TEXT
