-- A page of a tenant's jobs, newest first, each with the state the API shows: a recorded
-- error makes a job failed (unless it was cancelled), and a tube run is running until its
-- coordinator records the results (functions/api/job-view.ts says the same in code).
-- Keyset paging: a page holds the jobs before the (created_at, id) of the previous page's
-- last job, so a walk sees every job once however many are submitted meanwhile; the
-- jobs_tenant_created index is that order. `failure` is the first dead task {cid, error}
-- of a job that failed without an error outcome: what the API names as the cause. It is
-- looked up outside the page's subquery, which then reads the index in order (a
-- correlated subquery beside it makes SQLite sort the tenant's jobs instead). `outcome`
-- comes without its results and a peer network run's verdict, which a list never shows
-- and which may be long; `payload`
-- is only the fields that say what the job is (its tube's noob_id and CID, epochs), not
-- the tube's text and inputs.
-- :tenant     owner
-- :state      only jobs the API shows in this state; NULL for all
-- :before_at  created_at of the previous page's last job (past every job for page one)
-- :before_id  id of the previous page's last job ('' for page one)
-- :limit      how many at most
SELECT page.*,
  CASE WHEN page.view_state = 'failed' AND json_type(page.outcome, '$.error') IS NULL THEN
    (SELECT json_object('cid', t.cid, 'error', json(t.error)) FROM tasks AS t
     WHERE t.job_id = page.id AND t.state = 'dead' ORDER BY t.id LIMIT 1)
  END AS failure
FROM (
  SELECT j.id, j.kind, j.priority, j.state, j.total, j.done, j.failed, j.cancelled,
    j.created_at, j.finished_at, json_remove(j.outcome, '$.results', '$.verdict') AS outcome, j.epochs_done,
    json_object('noobId', j.payload -> '$.noobId', 'tubeCid', j.payload -> '$.tubeCid',
      'epochs', j.payload -> '$.epochs', 'registered', j.payload -> '$.registered',
      'runner', j.payload -> '$.runner',
      'tube', CASE WHEN j.payload ->> '$.runner' = 'local' THEN j.payload -> '$.tube' END
    ) AS payload,
    CASE
      WHEN j.state <> 'cancelled' AND json_type(j.outcome, '$.error') IS NOT NULL THEN 'failed'
      WHEN j.state = 'succeeded' AND j.kind = 'tube' AND j.outcome IS NULL THEN 'running'
      ELSE j.state
    END AS view_state
  FROM jobs AS j
  WHERE j.tenant = :tenant AND (j.created_at, j.id) < (:before_at, :before_id)
    AND (:state IS NULL OR view_state = :state)
  ORDER BY j.created_at DESC, j.id DESC
  LIMIT :limit
) AS page
ORDER BY page.created_at DESC, page.id DESC
