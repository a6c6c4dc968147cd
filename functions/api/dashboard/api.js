// biome-ignore-all lint/correctness/noUnusedVariables: the page's scripts are joined into one module (dashboard.ts); what one declares, the others use
// The dashboard's link to the job API: every request carries the key the user gave, and
// whether the API answers at all is tracked here, so the page can say it is offline
// (and keep its last data on screen, dimmed) instead of showing a wall of failures.

const KEY_ITEM = 'noob.apiKey';

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

/** The API could not be reached (the server is down, or the network is). */
class OfflineError extends Error {
  constructor(cause) {
    super('the API does not answer');
    this.name = 'OfflineError';
    this.cause = cause;
  }
}

const link = {
  key: localStorage.getItem(KEY_ITEM) ?? '',
  online: true,
  /** When the API last answered (ms), for the offline banner. */
  lastAnswer: 0,
  /** Called with true/false when the API starts or stops answering. */
  onChange: () => {},
};

function url(path) {
  return new URL(path, document.baseURI);
}

function authHeaders(extra) {
  return { authorization: `Bearer ${link.key}`, ...extra };
}

function setOnline(online) {
  if (online) link.lastAnswer = Date.now();
  if (link.online === online) return;
  link.online = online;
  link.onChange(online);
}

/** fetch() that tells offline (no answer) from an answer, and notes which it was. */
async function send(path, init) {
  let response;
  try {
    response = await fetch(url(path), init);
  } catch (error) {
    if (init?.signal?.aborted) throw error;
    setOnline(false);
    throw new OfflineError(error);
  }
  setOnline(true);
  return response;
}

async function toApiError(response) {
  const text = await response.text().catch(() => '');
  try {
    const { error } = JSON.parse(text);
    if (error && typeof error.code === 'string') {
      return new ApiError(response.status, error.code, error.message, error.details);
    }
  } catch {}
  return new ApiError(response.status, 'http_error', `the server answered HTTP ${response.status}`);
}

/** A call of the job API with the key: the JSON answer, or an ApiError / OfflineError. */
async function api(method, path, body) {
  const init = { method, headers: authHeaders({ accept: 'application/json' }) };
  if (body !== undefined) {
    init.headers['content-type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const response = await send(path, init);
  if (response.ok) return response.json();
  const error = await toApiError(response);
  if (response.status === 401) link.onUnauthorized(error);
  throw error;
}

/** `GET /metrics` with the key, as text. */
async function metricsText() {
  const response = await send('metrics', { headers: authHeaders({ accept: 'text/plain' }) });
  if (!response.ok) throw await toApiError(response);
  return response.text();
}

function jobPath(id) {
  return `v1/jobs/${encodeURIComponent(id)}`;
}
