-- The outcome of a job as a whole, recorded once by its coordinator: a tube run's
-- results (the list run(epochs) gives) or the error that ended it, as JSON
-- {"results": […]} or {"error": {name, message, details}}. NULL until recorded.
ALTER TABLE jobs ADD COLUMN outcome TEXT
