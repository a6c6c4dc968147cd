// biome-ignore-all lint/correctness/noUnusedVariables: the page's scripts are joined into one module (dashboard.ts); what one declares, the others use
// The job list, newest first, a page at a time. It is read again every second while the
// page is visible, and a job open in detail updates its own row at once, so the list never
// contradicts the detail.

const PAGE_SIZE = 25;

const list = {
  filter: '',
  /** The cursor of each page walked to, the current one last (null: the newest page). */
  cursors: [null],
  next: null,
  /** The jobs shown, by id, as last read. */
  shown: new Map(),
};

const JOB_LABELS = ['job', 'tube', 'state', 'priority', 'progress', 'duration', 'created'];

async function refreshJobs() {
  const query = new URLSearchParams({ limit: String(PAGE_SIZE) });
  if (list.filter) query.set('state', list.filter);
  const cursor = list.cursors.at(-1);
  if (cursor) query.set('after', cursor);
  const page = await api('GET', `v1/jobs?${query}`);
  list.next = page.next;
  list.shown = new Map(page.jobs.map((job) => [job.id, job]));
  $('jobs-body').replaceChildren(
    ...(page.jobs.length
      ? page.jobs.map(jobRow)
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

function markSelected() {
  for (const tr of $('jobs-body').querySelectorAll('tr.job')) {
    tr.classList.toggle('selected', tr.dataset.id === detail.job);
  }
}

function goToPage(cursors) {
  list.cursors = cursors;
  refreshJobs().catch(report);
}
