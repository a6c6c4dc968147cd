// biome-ignore-all lint/correctness/noUnusedVariables: the page's scripts are joined into one module (dashboard.ts); what one declares, the others use
// The platform around the jobs: workers (alive or not) and the dead-letter list, whose
// retry queues a failed job again where it failed.

function renderWorkers(workers) {
  const labels = ['worker', 'status', 'tags', 'tasks held', 'last seen'];
  const alive = workers.filter((w) => w.alive).length;
  $('workers-summary').textContent = workers.length
    ? `${alive} alive${workers.length > alive ? `, ${workers.length - alive} not seen for over a minute (dead)` : ''}`
    : '';
  $('workers-body').replaceChildren(
    ...(workers.length
      ? workers.map((w) =>
          row(
            [
              w.id,
              el('span', w.alive ? 'alive' : 'dead', w.alive ? 'badge ok' : 'badge bad'),
              w.tags.join(', '),
              w.leased,
              when(w.lastSeenAt),
            ],
            w.alive ? 'worker' : 'worker dead',
            labels,
          ),
        )
      : [emptyRow('No workers have registered: start one (noob serve starts them).')]),
  );
}

function renderDeadLetters(letters) {
  const labels = ['job', 'node', 'epoch', 'attempts', 'error', 'failed at', ''];
  $('dead-body').replaceChildren(
    ...(letters.length
      ? letters.map((letter) => {
          const job = el('button', letter.jobId.slice(0, 8), 'link');
          job.type = 'button';
          job.title = `open job ${letter.jobId}`;
          job.addEventListener('click', () => showJob(letter.jobId));
          const retry = el('button', 'Retry job');
          retry.type = 'button';
          retry.dataset.job = letter.jobId;
          retry.addEventListener('click', () => retryJob(letter.jobId, retry));
          return row(
            [
              job,
              letter.nodeId ?? '',
              letter.epoch ?? '',
              letter.attempts,
              `${letter.error.name}: ${letter.error.message}`,
              when(letter.failedAt),
              retry,
            ],
            'dead-letter',
            labels,
          );
        })
      : [emptyRow('No node call has failed for good.')]),
  );
}

/** Queue a failed job again where it failed, then show it. */
async function retryJob(id, button) {
  if (button) button.disabled = true;
  try {
    const { retried } = await api('POST', `${jobPath(id)}/retry`);
    say(
      `Job ${id} queued again: ${retried} failed call${retried === 1 ? '' : 's'} will be retried.`,
    );
    refreshSoon();
    showJob(id, true);
  } catch (error) {
    report(error);
    if (button) button.disabled = false;
  }
}

async function refreshOverview() {
  const [text, { workers }, { deadLetters }] = await Promise.all([
    metricsText(),
    api('GET', 'v1/workers'),
    api('GET', 'v1/dead-letters?limit=20'),
  ]);
  renderQueue(parseMetrics(text));
  renderWorkers(workers);
  renderDeadLetters(deadLetters);
}
