// biome-ignore-all lint/correctness/noUnusedVariables: the page's scripts are joined into one module (dashboard.ts); what one declares, the others use
// The page's life: the key, the refresh loop (the queue panel every other second, and the
// job list every second while its push stream is down, while the page is visible), the
// offline state, and the controls.

const TICK_MS = 1000;
const OFFLINE_RETRY_MS = 3000;

const loop = { timer: null, ticks: 0 };

/** Say something at the top of the page (an error in red); empty text hides it. */
function say(text, isError = false) {
  const node = $('message');
  node.replaceChildren(...(text ? [text] : []));
  node.className = isError ? 'error' : '';
  node.hidden = !text;
}

/** An error said in words: the API's code and message, and its details as a list. */
function report(error) {
  if (error?.status === 401) return; // the key form says it
  if (error instanceof OfflineError) return; // the offline banner says it
  const node = $('message');
  node.className = 'error';
  node.hidden = false;
  node.replaceChildren(
    errorView(
      error instanceof ApiError
        ? error
        : { code: 'error', message: error?.message ?? String(error) },
    ),
  );
}

// ---- the key ----

function askForKey(text) {
  stopRefreshing();
  stopFeed();
  closeJob();
  link.key = '';
  localStorage.removeItem(KEY_ITEM);
  $('main').hidden = true;
  $('key-change').hidden = true;
  $('tenant-note').textContent = '';
  $('key-form').hidden = false;
  say(text ?? '', Boolean(text));
}

link.onUnauthorized = (error) => askForKey(`The API key was refused: ${error.message}`);

async function useKey(key) {
  link.key = key;
  try {
    await api('GET', 'v1/jobs?limit=1');
  } catch (error) {
    // A 401 has asked for another key; anything else (the server is down) lets the user
    // try again.
    if (error.status !== 401) {
      $('key-form').hidden = false;
      say(`The API does not answer: ${error.message}. Try again once the server is up.`, true);
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
  startFeed();
  openJobFromHash();
}

// ---- offline ----

link.onChange = (online) => {
  document.body.classList.toggle('offline', !online);
  $('offline').hidden = online;
  if (online) {
    refresh();
    if (detail.job && !detail.stream) openJob(detail.job);
  }
  showOffline();
};

function showOffline() {
  if (link.online) return;
  const since = link.lastAnswer
    ? ` It last answered at ${new Date(link.lastAnswer).toLocaleTimeString()}; what is shown is from then.`
    : '';
  $('offline-text').textContent =
    `Offline: the API at ${location.host} does not answer.${since} Trying again every ${OFFLINE_RETRY_MS / 1000} s…`;
}

// ---- refreshing ----

function refresh() {
  if (document.visibilityState === 'hidden' || !link.key) return;
  if (!feed.live) refreshJobs().catch(report);
  if (loop.ticks % 2 === 0) refreshOverview().catch(report);
}

/** Read everything again now (after an action). */
function refreshSoon() {
  loop.ticks = 0;
  refresh();
}

function tick() {
  loop.ticks++;
  // Offline, try less often: one request tells when the API is back.
  if (!link.online) {
    if ((loop.ticks * TICK_MS) % OFFLINE_RETRY_MS === 0) refreshJobs().catch(report);
    return;
  }
  if (detail.job && detail.status && !FINAL.includes(detail.status.state)) {
    $('detail-times').textContent = $('detail-times').textContent.replace(
      /(queued|running) for .*$/,
      `${detail.status.state} for ${jobDuration(detail.status)}`,
    );
  }
  refresh();
}

function startRefreshing() {
  stopRefreshing();
  loop.ticks = 0;
  refresh();
  loop.timer = setInterval(tick, TICK_MS);
}

function stopRefreshing() {
  clearInterval(loop.timer);
  loop.timer = null;
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
    showJob(id, true);
  } catch (error) {
    report(error);
  }
}

// ---- the controls ----

$('key-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const key = $('key-input').value.trim();
  if (key) useKey(key);
});
$('key-change').addEventListener('click', () => askForKey());
$('submit-form').addEventListener('submit', submitJob);
$('state-filter').addEventListener('change', () => {
  list.filter = $('state-filter').value;
  goToPage([null]);
});
$('jobs-first').addEventListener('click', () => goToPage([null]));
$('jobs-prev').addEventListener('click', () => goToPage(list.cursors.slice(0, -1)));
$('jobs-next').addEventListener('click', () => {
  if (list.next) goToPage([...list.cursors, list.next]);
});
$('detail-cancel').addEventListener('click', askToCancel);
$('detail-retry').addEventListener('click', () => detail.job && retryJob(detail.job));
$('detail-rerun').addEventListener('click', rerunJob);
$('detail-close').addEventListener('click', () => {
  closeJob();
  history.replaceState(null, '', location.pathname + location.search);
});
$('confirm').addEventListener('close', () => {
  const dialog = $('confirm');
  if (dialog.returnValue === 'yes' && dialog.dataset.job) cancelJob(dialog.dataset.job);
  dialog.returnValue = '';
});
window.addEventListener('hashchange', openJobFromHash);
window.addEventListener('offline', () => setOnline(false));
window.addEventListener('online', () => refreshSoon());
document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'visible' && loop.timer) refresh();
});

if (link.key) useKey(link.key);
else askForKey();
