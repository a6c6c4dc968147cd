// The dashboard's script: a plain module, run as it is (no build step). It talks to the
// job API with the key the user gave, and renders everything from data through
// textContent: nothing the API returns is ever parsed as HTML.
//
// EventSource cannot send an Authorization header and keys do not belong in URLs, so a
// job's Server-Sent Events are read with fetch() and a stream reader.

const KEY_ITEM = 'noob.apiKey';
const PRIORITIES = ['CRITICAL', 'HIGH', 'NORMAL', 'LOW'];
const TASK_STATES = ['queued', 'leased', 'succeeded', 'dead', 'cancelled'];
const JOB_STATES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'];
const FINAL = ['succeeded', 'failed', 'cancelled'];
const PAGE_SIZE = 25;
const REFRESH_MS = 5000;
const MAX_EVENTS = 200;
const MAX_RECONNECTS = 5;
const MAX_SHOWN_CHARS = 100_000;

/** The element with this id (the page and the script are kept in step by a test). */
function $(id) {
  const node = document.getElementById(id);
  if (!node) throw new Error(`the page has no #${id}`);
  return node;
}

/** A new element holding `text` as text, never as markup. */
function el(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  if (className) node.className = className;
  return node;
}

/** A table row of cells (each a string or an element). */
function row(cells, className) {
  const tr = el('tr', null, className);
  for (const cell of cells) {
    const td = el('td');
    if (typeof cell === 'object' && cell !== null) td.append(cell);
    else td.textContent = String(cell);
    tr.append(td);
  }
  return tr;
}

/** An error answer of the API: `{"error": {"code", "message", "details"}}`. */
class ApiError extends Error {
  constructor(status, code, message, details) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

const app = {
  key: localStorage.getItem(KEY_ITEM) ?? '',
  filter: '',
  /** The cursor of each page walked to, the current one last (null: the newest page). */
  cursors: [null],
  next: null,
  /** The job shown in detail, its event stream, and a pending refresh of its status. */
  job: null,
  stream: null,
  jobRefresh: null,
  timer: null,
};

function url(path) {
  return new URL(path, document.baseURI);
}

function authHeaders(extra) {
  return { authorization: `Bearer ${app.key}`, ...extra };
}

async function toApiError(response) {
  const text = await response.text().catch(() => '');
  try {
    const { error } = JSON.parse(text);
    if (error && typeof error.code === 'string') {
      return new ApiError(response.status, error.code, error.message, error.details);
    }
  } catch {}
  return new ApiError(response.status, 'http_error', `HTTP ${response.status}`);
}

/** A call of the job API with the key; a 401 asks for another key. */
async function api(method, path, body) {
  const init = { method, headers: authHeaders({ accept: 'application/json' }) };
  if (body !== undefined) {
    init.headers['content-type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const response = await fetch(url(path), init);
  if (response.ok) return response.json();
  const error = await toApiError(response);
  if (response.status === 401) askForKey(`The API key was refused: ${error.message}`);
  throw error;
}

function jobPath(id) {
  return `v1/jobs/${encodeURIComponent(id)}`;
}

/** Say something at the top of the page (an error in red); empty text hides it. */
function say(text, isError = false) {
  const node = $('message');
  node.textContent = text;
  node.className = isError ? 'error' : '';
  node.hidden = !text;
}

function when(iso) {
  return iso ? new Date(iso).toLocaleString() : '';
}

function stateBadge(state) {
  return el('span', state, JOB_STATES.includes(state) ? `state state-${state}` : 'state');
}

function progressText(progress) {
  const extra = [];
  if (progress.failed) extra.push(`${progress.failed} failed`);
  if (progress.cancelled) extra.push(`${progress.cancelled} cancelled`);
  return `${progress.done}/${progress.total}${extra.length ? ` (${extra.join(', ')})` : ''}`;
}

function showJson(value) {
  const text = JSON.stringify(value, null, 2) ?? 'null';
  return text.length > MAX_SHOWN_CHARS
    ? `${text.slice(0, MAX_SHOWN_CHARS)}\n… (${text.length - MAX_SHOWN_CHARS} more characters)`
    : text;
}

// ---- the key ----

function askForKey(text) {
  stopRefreshing();
  closeJob();
  app.key = '';
  localStorage.removeItem(KEY_ITEM);
  $('main').hidden = true;
  $('key-change').hidden = true;
  $('tenant-note').textContent = '';
  $('key-form').hidden = false;
  say(text ?? '', Boolean(text));
}

async function useKey(key) {
  app.key = key;
  try {
    await api('GET', 'v1/jobs?limit=1');
  } catch (error) {
    // A 401 has asked for another key; anything else (the server is down) lets the user
    // try again.
    if (error.status !== 401) {
      $('key-form').hidden = false;
      say(`The API does not answer: ${error.message}`, true);
    }
    return;
  }
  localStorage.setItem(KEY_ITEM, key);
  $('key-input').value = '';
  $('key-form').hidden = true;
  $('key-change').hidden = false;
  const id = /^(noob_[0-9a-f]+)_/.exec(key);
  $('tenant-note').textContent = id ? `key ${id[1]}` : '';
  $('main').hidden = false;
  say('');
  startRefreshing();
  openJobFromHash();
}

// ---- queue depth and workers ----

/** Samples of the Prometheus text format: `name{label="value",…} number`. */
function parseMetrics(text) {
  const samples = [];
  for (const line of text.split('\n')) {
    const match = /^(\w+)(?:\{(.*)\})?\s+(\S+)$/.exec(line);
    if (!match) continue;
    const labels = {};
    for (const [, name, value] of (match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) {
      labels[name] = value.replace(/\\n/g, '\n').replace(/\\(.)/g, '$1');
    }
    samples.push({ name: match[1], labels, value: Number(match[3]) });
  }
  return samples;
}

function renderDepth(samples) {
  const tasks = samples.filter((s) => s.name === 'noob_queue_tasks');
  const states = [...new Set([...TASK_STATES, ...tasks.map((s) => s.labels.state)])];
  const head = el('tr');
  for (const title of ['state', ...PRIORITIES, 'total']) {
    head.append(el('th', title, title === 'state' ? '' : 'number'));
  }
  $('depth-head').replaceChildren(head);
  $('depth-body').replaceChildren(
    ...states.map((state) => {
      const counts = PRIORITIES.map((priority) =>
        tasks
          .filter((s) => s.labels.state === state && s.labels.priority === priority)
          .reduce((sum, s) => sum + s.value, 0),
      );
      const tr = row([state]);
      for (const n of [...counts, counts.reduce((a, b) => a + b, 0)]) {
        tr.append(el('td', n, 'number'));
      }
      return tr;
    }),
  );
  const jobs = samples.filter((s) => s.name === 'noob_jobs');
  $('jobs-by-state').textContent = jobs.length
    ? `Jobs: ${jobs.map((s) => `${s.labels.state} ${s.value}`).join(' · ')}`
    : 'No jobs yet.';
}

function renderWorkers(workers) {
  $('workers-body').replaceChildren(
    ...(workers.length
      ? workers.map((w) => row([w.id, w.tags.join(', '), w.leased, when(w.lastSeenAt)]))
      : [row(['No workers have registered.'])]),
  );
}

async function refreshOverview() {
  const [metrics, { workers }] = await Promise.all([
    fetch(url('metrics')).then((r) => (r.ok ? r.text() : '')),
    api('GET', 'v1/workers'),
  ]);
  renderDepth(parseMetrics(metrics));
  renderWorkers(workers);
}

// ---- the job list ----

async function refreshJobs() {
  const query = new URLSearchParams({ limit: String(PAGE_SIZE) });
  if (app.filter) query.set('state', app.filter);
  const cursor = app.cursors.at(-1);
  if (cursor) query.set('after', cursor);
  const page = await api('GET', `v1/jobs?${query}`);
  app.next = page.next;
  $('jobs-body').replaceChildren(
    ...(page.jobs.length
      ? page.jobs.map(jobRow)
      : [row([app.filter ? `No ${app.filter} jobs.` : 'No jobs yet: submit one above.'])]),
  );
  $('jobs-page').textContent = `page ${app.cursors.length}`;
  $('jobs-prev').disabled = app.cursors.length === 1;
  $('jobs-first').disabled = app.cursors.length === 1;
  $('jobs-next').disabled = !page.next;
}

function jobRow(job) {
  const id = el('code', job.id.slice(0, 8));
  id.title = job.id;
  const tr = row(
    [
      id,
      stateBadge(job.state),
      job.priority,
      progressText(job.progress),
      when(job.createdAt),
      when(job.finishedAt),
    ],
    'job',
  );
  tr.tabIndex = 0;
  tr.dataset.id = job.id;
  tr.addEventListener('click', () => showJob(job.id));
  tr.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') showJob(job.id);
  });
  return tr;
}

function goToPage(cursors) {
  app.cursors = cursors;
  refreshJobs().catch(report);
}

// ---- one job ----

function showJob(id) {
  const hash = `#job=${encodeURIComponent(id)}`;
  if (location.hash !== hash)
    location.hash = hash; // hashchange opens it
  else openJob(id);
}

function openJobFromHash() {
  if (!app.key) return;
  const match = /^#job=(.+)$/.exec(location.hash);
  if (match) openJob(decodeURIComponent(match[1]));
}

async function openJob(id) {
  if (app.job === id && app.stream) return;
  closeJob();
  app.job = id;
  $('detail-id').textContent = id;
  $('detail-events').replaceChildren();
  $('detail-live').textContent = '';
  $('detail').hidden = false;
  try {
    renderJob(await api('GET', jobPath(id)));
  } catch (error) {
    report(error);
    closeJob();
    return;
  }
  followEvents(id);
}

function closeJob() {
  app.stream?.abort();
  app.stream = null;
  app.job = null;
  clearTimeout(app.jobRefresh);
  app.jobRefresh = null;
  $('detail').hidden = true;
}

function renderJob(job) {
  if (job.id !== app.job) return;
  $('detail-state').replaceChildren(stateBadge(job.state));
  $('detail-priority').textContent = job.priority;
  const { done, total } = job.progress;
  $('detail-bar').max = Math.max(total, 1);
  $('detail-bar').value = done;
  $('detail-progress').textContent = `${progressText(job.progress)} tasks done`;
  $('detail-times').textContent = `created ${when(job.createdAt)}${
    job.finishedAt ? ` · finished ${when(job.finishedAt)}` : ''
  }`;
  $('detail-error-box').hidden = !job.error;
  $('detail-error').textContent = job.error ? showJson(job.error) : '';
  const hasResults = Array.isArray(job.results);
  $('detail-results-box').hidden = !hasResults;
  $('detail-results').textContent = hasResults ? showJson(job.results) : '';
  $('detail-cancel').disabled = FINAL.includes(job.state);
}

/** Read a job's status again soon (events come in bursts: one read per burst). */
function refreshJobSoon(id) {
  if (app.jobRefresh) return;
  app.jobRefresh = setTimeout(() => {
    app.jobRefresh = null;
    if (app.job === id) api('GET', jobPath(id)).then(renderJob, report);
  }, 250);
}

function addEvent(event) {
  const list = $('detail-events');
  const parts = [`#${event.id}`, new Date(event.at).toLocaleTimeString(), event.type];
  if (event.cid) parts.push(event.cid);
  const data = JSON.stringify(event.data);
  if (data && data !== '{}') parts.push(data.length > 300 ? `${data.slice(0, 300)}…` : data);
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
  app.stream = stream;
  const live = (text) => {
    if (app.stream === stream) $('detail-live').textContent = text;
  };
  try {
    await follow(id, stream, live);
  } finally {
    // Opening the job again starts a new stream.
    if (app.stream === stream) app.stream = null;
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
      const response = await fetch(url(`${jobPath(id)}/events`), {
        headers,
        signal: stream.signal,
      });
      if (!response.ok) throw await toApiError(response);
      for await (const message of readSse(response.body)) {
        failures = 0;
        if (message.event === 'done') {
          renderJob(JSON.parse(message.data));
          live('');
          return;
        }
        if (message.event === 'error') {
          say(`The event stream failed: ${JSON.parse(message.data).message}`, true);
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

async function cancelJob() {
  const id = app.job;
  if (!id) return;
  $('detail-cancel').disabled = true;
  try {
    renderJob(await api('DELETE', jobPath(id)));
    say(`Job ${id} cancelled.`);
    refreshJobs().catch(report);
  } catch (error) {
    report(error);
    $('detail-cancel').disabled = false;
  }
}

// ---- submitting ----

async function submitJob(event) {
  event.preventDefault();
  const problems = $('submit-problems');
  problems.replaceChildren();
  const text = $('submit-tube').value;
  const request = {
    tube: text.includes('\n') ? text : text.trim(),
    epochs: Number($('submit-epochs').value),
    priority: $('submit-priority').value,
  };
  const inputs = $('submit-inputs').value.trim();
  if (inputs) {
    try {
      request.inputs = JSON.parse(inputs);
    } catch (error) {
      problems.append(el('li', `inputs: not JSON (${error.message})`));
      return;
    }
  }
  try {
    const { id } = await api('POST', 'v1/jobs', request);
    say(`Job ${id} queued.`);
    goToPage([null]);
    showJob(id);
  } catch (error) {
    report(error);
    for (const problem of Array.isArray(error.details) ? error.details : []) {
      const where = [problem.field ?? problem.path, problem.line].filter(Boolean).join(':');
      problems.append(el('li', `${where ? `${where}: ` : ''}${problem.message ?? ''}`));
    }
  }
}

// ---- refreshing ----

function report(error) {
  if (error?.status === 401) return; // askForKey has said it
  say(error?.message ?? String(error), true);
}

function refresh() {
  if (document.visibilityState === 'hidden') return;
  refreshOverview().catch(report);
  refreshJobs().catch(report);
}

function startRefreshing() {
  stopRefreshing();
  refresh();
  app.timer = setInterval(refresh, REFRESH_MS);
}

function stopRefreshing() {
  clearInterval(app.timer);
  app.timer = null;
}

$('key-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const key = $('key-input').value.trim();
  if (key) useKey(key);
});
$('key-change').addEventListener('click', () => askForKey());
$('submit-form').addEventListener('submit', submitJob);
$('state-filter').addEventListener('change', () => {
  app.filter = $('state-filter').value;
  goToPage([null]);
});
$('jobs-first').addEventListener('click', () => goToPage([null]));
$('jobs-prev').addEventListener('click', () => goToPage(app.cursors.slice(0, -1)));
$('jobs-next').addEventListener('click', () => {
  if (app.next) goToPage([...app.cursors, app.next]);
});
$('detail-cancel').addEventListener('click', cancelJob);
$('detail-close').addEventListener('click', () => {
  closeJob();
  location.hash = '';
});
window.addEventListener('hashchange', openJobFromHash);
document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'visible' && app.timer) refresh();
});

if (app.key) useKey(app.key);
else askForKey();
