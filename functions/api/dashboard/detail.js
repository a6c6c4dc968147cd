// biome-ignore-all lint/correctness/noUnusedVariables: the page's scripts are joined into one module (dashboard.ts); what one declares, the others use
// One job in detail: its state, duration, error in words, results, its tube as a graph
// with each node's status, its logs and its events, live (stream.js follows them); each
// burst of events reads the job and its nodes again.

const MAX_EVENTS = 200;
const MAX_LOG_LINES = 2000;

const detail = {
  job: null,
  /** The status last shown. */
  status: null,
  stream: null,
  pending: null,
  /** The id of the last log entry shown. */
  logAfter: 0,
};

/** Open a job (through the URL, so it can be bookmarked); `scroll` brings it into view. */
function showJob(id, scroll = false) {
  const hash = `#job=${encodeURIComponent(id)}`;
  detail.scroll = scroll;
  if (location.hash !== hash)
    location.hash = hash; // hashchange opens it
  else openJob(id);
}

function openJobFromHash() {
  if (!link.key) return;
  const match = /^#job=(.+)$/.exec(location.hash);
  if (match) openJob(decodeURIComponent(match[1]));
}

async function openJob(id) {
  if (detail.job === id && detail.stream) return revealDetail();
  closeJob();
  detail.job = id;
  detail.logAfter = 0;
  $('detail-id').textContent = id;
  $('detail-events').replaceChildren();
  $('detail-logs').replaceChildren();
  $('detail-logs-empty').hidden = false;
  $('detail-graph').replaceChildren();
  $('detail-live').textContent = '';
  $('detail').hidden = false;
  markSelected();
  revealDetail();
  try {
    renderJob(await api('GET', jobPath(id)));
  } catch (error) {
    report(error);
    closeJob();
    return;
  }
  refreshDetailParts(id);
  followEvents(id);
}

function revealDetail() {
  if (!detail.scroll) return;
  detail.scroll = false;
  $('detail').scrollIntoView({ block: 'start' });
  $('detail-heading').focus({ preventScroll: true });
}

function closeJob() {
  detail.stream?.abort();
  detail.stream = null;
  detail.job = null;
  detail.status = null;
  clearTimeout(detail.pending);
  detail.pending = null;
  $('detail').hidden = true;
  markSelected();
}

function renderJob(job) {
  if (job.id !== detail.job) return;
  detail.status = job;
  updateRow(job);
  $('detail-state').replaceChildren(stateBadge(job.state));
  $('detail-priority').textContent = job.priority;
  const { done, total } = job.progress;
  $('detail-bar').max = Math.max(total, 1);
  $('detail-bar').value = done;
  const epochs = job.progress.epochs;
  $('detail-progress').textContent = `${progressText(job.progress)} node calls done${
    epochs ? ` · ${epochs.done}${epochs.total === null ? '' : `/${epochs.total}`} epochs` : ''
  }`;
  $('detail-times').textContent = `created ${when(job.createdAt)}${
    job.finishedAt
      ? ` · finished ${when(job.finishedAt)} · took ${jobDuration(job)}`
      : ` · ${job.state} for ${jobDuration(job)}`
  }`;
  $('detail-waiting').hidden = !job.waiting;
  $('detail-waiting').textContent = job.waiting
    ? `Waiting: ${job.waiting.detail ?? job.waiting.reason ?? job.waiting}`
    : '';
  $('detail-tube').textContent = tubeText(job);
  $('detail-error-box').hidden = !job.error;
  $('detail-error').replaceChildren(...(job.error ? [errorView(job.error)] : []));
  const hasResults = Array.isArray(job.results);
  $('detail-results-box').hidden = !hasResults;
  $('detail-results').textContent = hasResults ? showJson(job.results) : '';
  renderVerdict(job.verdict);
  const final = FINAL.includes(job.state);
  $('detail-cancel').hidden = final;
  $('detail-cancel').disabled = final;
  $('detail-retry').hidden = job.state !== 'failed';
  $('detail-rerun').hidden = !final;
}

/** The graph, read again (after the status, on each burst of events). */
function refreshDetailParts(id) {
  api('GET', `${jobPath(id)}/nodes`).then((nodes) => {
    if (detail.job !== id) return;
    $('detail-graph').replaceChildren(renderGraph(nodes));
    $('detail-graph-note').hidden = nodes.complete;
  }, report);
}

/** Read a job's status again soon (events come in bursts: one read per burst). */
function refreshJobSoon(id) {
  if (detail.pending) return;
  detail.pending = setTimeout(() => {
    detail.pending = null;
    if (detail.job !== id) return;
    api('GET', jobPath(id)).then(renderJob, report);
    refreshDetailParts(id);
  }, 250);
}

function addLog(entry) {
  if (entry.id <= detail.logAfter) return;
  detail.logAfter = entry.id;
  $('detail-logs-empty').hidden = true;
  const where = `${entry.node ?? '?'} #${entry.epoch ?? '?'}`;
  const line = el('li', null, entry.stream === 'stderr' ? 'log stderr' : 'log');
  line.append(
    el('span', new Date(entry.at).toLocaleTimeString(), 'muted'),
    el('span', where, 'where'),
    el('span', entry.text.replace(/\n$/, ''), 'text'),
  );
  const logs = $('detail-logs');
  logs.append(line);
  while (logs.childElementCount > MAX_LOG_LINES) logs.firstElementChild.remove();
}

function addEvent(event) {
  const list = $('detail-events');
  const parts = [`#${event.id}`, new Date(event.at).toLocaleTimeString(), event.type];
  const data = event.data ?? {};
  if (data.node)
    parts.push(`node ${data.node}${data.epoch !== undefined ? ` #${data.epoch}` : ''}`);
  else if (event.cid) parts.push(event.cid.slice(0, 16));
  if (data.error?.message) parts.push(data.error.message);
  else if (typeof data.count === 'number') {
    // A batch names each call's node and epoch: the first few are enough to read.
    const calls = Array.isArray(data.tasks) ? data.tasks : [];
    const named = calls.slice(0, 6).map((t) => `${t.node ?? '?'} #${t.epoch ?? '?'}`);
    const more = data.count > named.length ? ` +${data.count - named.length}` : '';
    parts.push(
      `${data.count} call${data.count === 1 ? '' : 's'}${named.length ? `: ${named.join(', ')}${more}` : ''}`,
    );
  }
  list.append(el('li', parts.join('  ')));
  while (list.childElementCount > MAX_EVENTS) list.firstElementChild.remove();
}

/** Ask before cancelling: the dialog says what cancelling does. */
function askToCancel() {
  const id = detail.job;
  if (!id) return;
  $('confirm-text').textContent =
    `Cancel job ${id}? Its queued node calls stop at once and running ones at their next heartbeat; it cannot be resumed (re-run makes a new job).`;
  $('confirm').dataset.job = id;
  $('confirm').showModal();
}

async function cancelJob(id) {
  $('detail-cancel').disabled = true;
  try {
    const job = await api('DELETE', jobPath(id));
    renderJob(job);
    say(`Job ${id} cancelled.`);
    refreshSoon();
  } catch (error) {
    report(error);
    $('detail-cancel').disabled = false;
  }
}

async function rerunJob() {
  const id = detail.job;
  if (!id) return;
  try {
    const { id: fresh } = await api('POST', `${jobPath(id)}/rerun`);
    say(`Job ${id} re-run as job ${fresh}.`);
    goToPage([null]);
    showJob(fresh, true);
  } catch (error) {
    report(error);
  }
}
