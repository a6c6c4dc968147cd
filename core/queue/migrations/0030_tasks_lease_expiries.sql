-- How often a task's lease expired (its worker was lost): such a return to the queue is a
-- retry that does not use up an attempt (attempts count node failures), up to the queue's
-- maxLeaseExpiries, past which the task is dead-lettered (it keeps killing its workers).
ALTER TABLE tasks ADD COLUMN lease_expiries INTEGER NOT NULL DEFAULT 0
