-- Replaced by 0032: the event no longer copies a large outcome.
DROP TRIGGER job_outcome_recorded
