// biome-ignore-all lint/correctness/noUnusedVariables: the page's scripts are joined into one module (dashboard.ts); what one declares, the others use
// One job in detail: its state, duration, error in words, results, its tube as a graph
// with each node's status, its logs and its events, live. Events come by Server-Sent
// Events read with fetch() (EventSource cannot send an Authorization header, and keys do
// not belong in URLs); each burst of events reads the job, its nodes and new logs again.

const MAX_EVENTS = 200;
const MAX_LOG_LINES = 2000;
const MAX_RECONNECTS = 5;

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
  $('detail-progress').textContent = `${progressText(job.progress)} node calls done`;
  $('detail-times').textContent = `created ${when(job.createdAt)}${
    job.finishedAt
      ? ` · finished ${when(job.finishedAt)} · took ${jobDuration(job)}`
      : ` · running for ${jobDuration(job)}`
  }`;
  $('detail-waiting').hidden = !job.waiting;
  $('detail-waiting').textContent = job.waiting
    ? `Waiting: ${job.waiting.message ?? job.waiting}`
    : '';
  $('detail-error-box').hidden = !job.error;
  $('detail-error').replaceChildren(...(job.error ? [errorView(job.error)] : []));
  const hasResults = Array.isArray(job.results);
  $('detail-results-box').hidden = !hasResults;
  $('detail-results').textContent = hasResults ? showJson(job.results) : '';
  const final = FINAL.includes(job.state);
  $('detail-cancel').hidden = final;
  $('detail-cancel').disabled = final;
  $('detail-retry').hidden = job.state !== 'failed';
  $('detail-rerun').hidden = !final;
}

/** The graph and the logs, read again (after the status, on each burst of events). */
function refreshDetailParts(id) {
  api('GET', `${jobPath(id)}/nodes`).then((nodes) => {
    if (detail.job !== id) return;
    $('detail-graph').replaceChildren(renderGraph(nodes));
    $('detail-graph-note').hidden = nodes.complete;
  }, report);
  readLogs(id).catch(report);
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

/** The job's log entries after the last one shown, a page at a time (bounded). */
async function readLogs(id) {
  for (let page = 0; page < 5; page++) {
    const { logs, next } = await api(
      'GET',
      `${jobPath(id)}/logs?after=${detail.logAfter}&limit=500`,
    );
    if (detail.job !== id) return;
    for (const entry of logs) addLog(entry);
    if (!next || logs.length === 0) return;
  }
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
  else if (typeof data.count === 'number') parts.push(`${data.count} calls`);
  list.append(el('li', parts.join('  ')));
  while (list.childElementCount > MAX_EVENTS) list.firstElementChild.remove();
}

/** The messages of a Server-Sent Events body, as they arrive. */
async function* readSse(body) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  let id;
  let event = '';
  let data = [];
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += value;
      // A CR at the end may be half of a CRLF: keep it for the next chunk.
      const lines = buffer.endsWith('\r')
        ? buffer.slice(0, -1).split(/\r\n|\r|\n/)
        : buffer.split(/\r\n|\r|\n/);
      buffer = lines.pop() + (buffer.endsWith('\r') ? '\r' : '');
      for (const line of lines) {
        if (line === '') {
          if (data.length) yield { id, event: event || 'message', data: data.join('\n') };
          event = '';
          data = [];
        } else if (!line.startsWith(':')) {
          const colon = line.indexOf(':');
          const field = colon < 0 ? line : line.slice(0, colon);
          const text = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
          if (field === 'data') data.push(text);
          else if (field === 'event') event = text;
          else if (field === 'id') id = text;
        }
      }
    }
  } finally {
    reader.cancel().catch(() => {});
  }
}

/** Follow a job's event stream until it is done, resuming by Last-Event-ID on a drop. */
async function followEvents(id) {
  const stream = new AbortController();
  detail.stream = stream;
  const live = (text) => {
    if (detail.stream === stream) $('detail-live').textContent = text;
  };
  try {
    await follow(id, stream, live);
  } finally {
    // Opening the job again starts a new stream.
    if (detail.stream === stream) detail.stream = null;
  }
}

async function follow(id, stream, live) {
  let lastEventId;
  let failures = 0;
  while (!stream.signal.aborted) {
    try {
      live('● live');
      const headers = authHeaders({ accept: 'text/event-stream' });
      if (lastEventId) headers['last-event-id'] = lastEventId;
      const response = await send(`${jobPath(id)}/events`, { headers, signal: stream.signal });
      if (!response.ok) throw await toApiError(response);
      for await (const message of readSse(response.body)) {
        failures = 0;
        if (message.event === 'done') {
          renderJob(JSON.parse(message.data));
          refreshDetailParts(id);
          live('');
          return;
        }
        if (message.event === 'error') {
          say(`The event stream failed: ${JSON.parse(message.data).message}`, true);
          continue;
        }
        if (message.event === 'log') {
          addLog(JSON.parse(message.data));
          continue;
        }
        lastEventId = message.id;
        addEvent(JSON.parse(message.data));
        refreshJobSoon(id);
      }
    } catch (error) {
      if (stream.signal.aborted) return;
      if (error instanceof ApiError && error.status < 500) {
        live('');
        report(error);
        return;
      }
    }
    if (++failures > MAX_RECONNECTS) {
      live('disconnected: reopen the job to retry');
      return;
    }
    live('reconnecting…');
    await new Promise((resolve) => setTimeout(resolve, 500 * failures));
  }
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
