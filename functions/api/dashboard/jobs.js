// biome-ignore-all lint/correctness/noUnusedVariables: the page's scripts are joined into one module (dashboard.ts); what one declares, the others use
// The job list, newest first, a page at a time. Its changes are pushed (feed.js; read
// again every second while the push stream is down). The row of the job open in detail
// shows what the detail last read, whatever the list says, so the two never disagree.

const PAGE_SIZE = 25;

const list = {
  filter: '',
  /** The cursor of each page walked to, the current one last (null: the newest page). */
  cursors: [null],
  next: null,
  /** The jobs shown, by id, as last read. */
  shown: new Map(),
  /** A page read waiting to happen (refreshJobsSoon). */
  pending: null,
};

const JOB_LABELS = ['job', 'tube', 'state', 'priority', 'progress', 'duration', 'created'];

async function refreshJobs() {
  const query = new URLSearchParams({ limit: String(PAGE_SIZE) });
  if (list.filter) query.set('state', list.filter);
  const cursor = list.cursors.at(-1);
  if (cursor) query.set('after', cursor);
  const page = await api('GET', `v1/jobs?${query}`);
  list.next = page.next;
  // The open job's row is the detail's (its own stream keeps it newest).
  const jobs = page.jobs.map((job) =>
    job.id === detail.job && detail.status?.id === job.id ? detail.status : job,
  );
  list.shown = new Map(jobs.map((job) => [job.id, job]));
  $('jobs-body').replaceChildren(
    ...(jobs.length
      ? jobs.map(jobRow)
      : [emptyRow(list.filter ? `No ${list.filter} jobs.` : 'No jobs yet: submit one below.')]),
  );
  $('jobs-page').textContent = `page ${list.cursors.length}`;
  $('jobs-prev').disabled = list.cursors.length === 1;
  $('jobs-first').disabled = list.cursors.length === 1;
  $('jobs-next').disabled = !page.next;
}

function jobRow(job) {
  const id = el('code', job.id.slice(0, 8));
  id.title = job.id;
  const tr = row(
    [
      id,
      job.tube?.noobId ?? '',
      stateBadge(job.state),
      job.priority,
      progressText(job.progress),
      jobDuration(job),
      when(job.createdAt),
    ],
    job.id === detail.job ? 'job selected' : 'job',
    JOB_LABELS,
  );
  tr.tabIndex = 0;
  tr.dataset.id = job.id;
  tr.dataset.state = job.state;
  tr.addEventListener('click', () => showJob(job.id, true));
  tr.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') showJob(job.id, true);
  });
  return tr;
}

/** A job read elsewhere (the detail) replaces its row at once, if the row is shown. */
function updateRow(job) {
  if (!list.shown.has(job.id)) return;
  list.shown.set(job.id, job);
  const old = $('jobs-body').querySelector(`tr[data-id="${CSS.escape(job.id)}"]`);
  old?.replaceWith(jobRow(job));
}

/**
 * A job changed (the push stream): its row now. A job that joins the page (a new one on
 * the newest page) or leaves it (no longer in the filtered state) has the page read again.
 * The row of the job open in detail is left to the detail, which reads the job itself on
 * the same news (and the page read shows the detail's status for it).
 */
function jobChanged(job) {
  const fits = !list.filter || job.state === list.filter;
  if (list.shown.has(job.id) && fits) {
    if (job.id !== detail.job) updateRow(job);
  } else if (list.shown.has(job.id) || (fits && list.cursors.length === 1)) refreshJobsSoon();
}

/** Read the page again soon: a burst of new jobs is one read. */
function refreshJobsSoon() {
  if (list.pending) return;
  list.pending = setTimeout(() => {
    list.pending = null;
    refreshJobs().catch(report);
  }, 100);
}

function markSelected() {
  for (const tr of $('jobs-body').querySelectorAll('tr.job')) {
    tr.classList.toggle('selected', tr.dataset.id === detail.job);
  }
}

function goToPage(cursors) {
  list.cursors = cursors;
  refreshJobs().catch(report);
}
