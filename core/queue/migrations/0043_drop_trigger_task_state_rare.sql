-- Replaced by 0044, whose events also name the task's node and epoch.
DROP TRIGGER IF EXISTS task_state_changed
