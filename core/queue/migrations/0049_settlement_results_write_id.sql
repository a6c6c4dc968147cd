-- Which write recorded a settlement result: an id the recorder draws for each write (one
-- turn's verdicts, in one transaction). The first verdict recorded for a (job, task) is
-- the one paid; rows of the same write must not block each other, rows of any other write
-- must, and a write id says which is which where a shared timestamp could not (two writes
-- in one millisecond). NULL on rows recorded before this column: a write then, never this
-- one. A nullable column without a default: SQLite adds it without rewriting the table.
ALTER TABLE settlement_results ADD COLUMN write_id TEXT
