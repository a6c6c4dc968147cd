// biome-ignore-all lint/correctness/noUnusedVariables: the page's scripts are joined into one module (dashboard.ts); what one declares, the others use
// Queue depth and throughput over time. /metrics gives counts at one moment (and, for an
// operator key, the latency histograms the queue keeps); the page samples them at each
// refresh and draws the last few minutes, so a trend shows without a time-series store.

const HISTORY = 120;
const PRIORITIES = ['CRITICAL', 'HIGH', 'NORMAL', 'LOW'];
const TASK_STATES = ['queued', 'leased', 'succeeded', 'dead', 'cancelled'];

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

/** The sum of a metric's samples whose labels match. */
function total(samples, name, labels = {}) {
  return samples
    .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    .reduce((sum, s) => sum + s.value, 0);
}

const trend = [];

/** Add a sample: depth (queued tasks), running, and tasks finished per second since the last. */
function record(samples, at = Date.now()) {
  const finished =
    total(samples, 'noob_queue_tasks', { state: 'succeeded' }) +
    total(samples, 'noob_queue_tasks', { state: 'dead' });
  const last = trend.at(-1);
  const seconds = last ? (at - last.at) / 1000 : 0;
  const rate = last && seconds > 0 ? Math.max(0, finished - last.finished) / seconds : 0;
  trend.push({
    at,
    finished,
    rate,
    queued: total(samples, 'noob_queue_tasks', { state: 'queued' }),
    running: total(samples, 'noob_queue_tasks', { state: 'leased' }),
  });
  while (trend.length > HISTORY) trend.shift();
}

/** A small line chart of `field` over the history, with its latest value and its peak. */
function sparkline(field, unit) {
  const values = trend.map((h) => h[field]);
  const peak = Math.max(1, ...values);
  const w = 240;
  const h = 48;
  const chart = svg('svg', { class: 'spark', viewBox: `0 0 ${w} ${h}`, 'data-series': field });
  const step = values.length > 1 ? w / (HISTORY - 1) : 0;
  const offset = w - (values.length - 1) * step;
  const points = values.map(
    (v, i) => `${(offset + i * step).toFixed(1)},${(h - 2 - (v / peak) * (h - 4)).toFixed(1)}`,
  );
  if (points.length > 1) {
    chart.append(svg('polyline', { points: points.join(' '), class: 'spark-line' }));
  }
  const latest = values.at(-1) ?? 0;
  const caption = el(
    'p',
    `now ${format(latest)}${unit} · peak ${format(Math.max(0, ...values))}${unit}`,
    'muted',
  );
  return [chart, caption];
}

function format(n) {
  return Number.isInteger(n) ? String(n) : n.toFixed(1);
}

/** Mean of a histogram from its sum and count (seconds), in words. */
function histogramMean(samples, name) {
  const count = total(samples, `${name}_count`);
  return count ? duration((total(samples, `${name}_sum`) / count) * 1000) : '–';
}

function renderDepth(samples) {
  const tasks = samples.filter((s) => s.name === 'noob_queue_tasks');
  const head = el('tr');
  for (const title of ['state', ...PRIORITIES, 'total']) {
    head.append(el('th', title, title === 'state' ? '' : 'number'));
  }
  $('depth-head').replaceChildren(head);
  $('depth-body').replaceChildren(
    ...TASK_STATES.map((state) => {
      const counts = PRIORITIES.map((priority) =>
        total(tasks, 'noob_queue_tasks', { state, priority }),
      );
      const tr = row([state === 'leased' ? 'running' : state === 'dead' ? 'failed' : state]);
      for (const n of [...counts, counts.reduce((a, b) => a + b, 0)])
        tr.append(el('td', n, 'number'));
      return tr;
    }),
  );
  const jobs = samples.filter((s) => s.name === 'noob_jobs');
  $('jobs-by-state').textContent = jobs.some((s) => s.value)
    ? `Jobs: ${jobs.map((s) => `${s.labels.state} ${s.value}`).join(' · ')}`
    : 'No jobs yet.';
}

/** The queue panel: whose view it is, depth by state, the charts, the histogram means. */
function renderQueue(samples) {
  const all = total(samples, 'noob_view', { scope: 'all' }) > 0;
  $('queue-scope').textContent = all ? '(all tenants: operator key)' : "(your tenant's jobs)";
  renderDepth(samples);
  record(samples);
  $('chart-depth').replaceChildren(...sparkline('queued', ' tasks'));
  $('chart-rate').replaceChildren(...sparkline('rate', ' tasks/s'));
  $('latency').hidden = !all;
  if (all) {
    $('latency').textContent =
      `Mean wait for a worker ${histogramMean(samples, 'noob_task_wait_seconds')} · mean run ${histogramMean(samples, 'noob_task_run_seconds')} (every task the queue has run)`;
  }
}
