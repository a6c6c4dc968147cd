// biome-ignore-all lint/correctness/noUnusedVariables: the page's scripts are joined into one module (dashboard.ts); what one declares, the others use
// Small pieces every view uses. Everything the API returns goes in through textContent
// (never parsed as HTML), and errors are said in words, not shown as JSON.

const SVG_NS = 'http://www.w3.org/2000/svg';
const JOB_STATES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'];
const FINAL = ['succeeded', 'failed', 'cancelled'];
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

/** A new SVG element with these attributes. */
function svg(tag, attributes = {}, text) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
  if (text !== undefined) node.textContent = String(text);
  return node;
}

/** A table row of cells (each a string or an element), with a label per cell for phones. */
function row(cells, className, labels = []) {
  const tr = el('tr', null, className);
  cells.forEach((cell, i) => {
    const td = el('td');
    if (labels[i]) td.dataset.label = labels[i];
    if (typeof cell === 'object' && cell !== null) td.append(cell);
    else td.textContent = String(cell);
    tr.append(td);
  });
  return tr;
}

/** A row saying there is nothing to list, across the whole table. */
function emptyRow(text) {
  const tr = el('tr', null, 'empty');
  const td = el('td', text, 'muted');
  td.colSpan = 99;
  tr.append(td);
  return tr;
}

function when(iso) {
  return iso ? new Date(iso).toLocaleString() : '';
}

/** A duration in words a person reads at a glance: 840 ms, 12.4 s, 3 min 5 s, 2 h 4 min. */
function duration(ms) {
  if (!(ms >= 0)) return '';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  const s = Math.round(ms / 1000);
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

/** How long a job took, or has been going: from its creation to its end (or now). */
function jobDuration(job, now = Date.now()) {
  const start = Date.parse(job.createdAt);
  const end = job.finishedAt ? Date.parse(job.finishedAt) : now;
  return duration(end - start);
}

/** Which tube a job runs: its noob_id and the start of its CID, when the API says. */
function tubeText(job) {
  const tube = job.tube;
  if (!tube) return '';
  return [tube.noobId, tube.cid ? `cid ${tube.cid.slice(0, 16)}…` : null]
    .filter(Boolean)
    .join(' · ');
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

/** `snake_case` or `CamelCaseError` as words: job_not_found → "Job not found". */
function words(code) {
  const spaced = String(code)
    .replace(/_/g, ' ')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase();
  return spaced.charAt(0).toUpperCase() + spaced.slice(1);
}

/** A value of an error's details in a line: text as is, anything else compact. */
function detailText(value) {
  if (typeof value === 'string') return value;
  const text = JSON.stringify(value);
  return text && text.length > 500 ? `${text.slice(0, 500)}…` : (text ?? String(value));
}

/**
 * An error as a person reads it: a title (its code in words), the message, and its details
 * as a list of "what: why" lines (a request's field problems, or a job error's fields).
 */
function errorView({ code, message, details }) {
  const box = el('div', null, 'error-view');
  box.append(el('strong', words(code ?? 'error')), el('p', message ?? ''));
  const items = [];
  if (Array.isArray(details)) {
    for (const problem of details) {
      if (problem && typeof problem === 'object') {
        const where = [problem.field ?? problem.path, problem.line, problem.node]
          .filter((part) => part !== undefined && part !== null && part !== '')
          .join(':');
        items.push(`${where ? `${where}: ` : ''}${problem.message ?? detailText(problem)}`);
      } else items.push(detailText(problem));
    }
  } else if (details && typeof details === 'object') {
    for (const [name, value] of Object.entries(details)) {
      if (value !== undefined && value !== null && value !== message)
        items.push(`${name}: ${detailText(value)}`);
    }
  } else if (details) items.push(detailText(details));
  if (items.length) {
    const list = el('ul', null, 'details');
    list.append(...items.map((item) => el('li', item)));
    box.append(list);
  }
  return box;
}
