-- The tag sets the known workers offer (a run needing tags none offers waits without
-- holding a coordinator's slot).
SELECT DISTINCT tags FROM workers
