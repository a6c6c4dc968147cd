-- Replaced by 0019: the hot transitions (claimed, succeeded) are now accounted once per
-- claim or completion by the statements that make them.
DROP TRIGGER task_state_changed
