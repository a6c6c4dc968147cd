// biome-ignore-all lint/correctness/noUnusedVariables: the page's scripts are joined into one module (dashboard.ts); what one declares, the others use
// The job list, live: the tenant's job changes pushed over Server-Sent Events
// (GET /v1/jobs/events, read with fetch() as a job's stream is). While the stream is open
// the list is not polled: each `job` message updates its row. When it drops (the server
// went away, a proxy cut it) the list is polled again every second, and the stream is
// opened again, resuming by Last-Event-ID, once the API answers.

const FEED_RETRY_MS = [500, 1000, 2000, 3000];

const feed = { stream: null, live: false, lastEventId: null };

/** Open the list's stream (again), dropping any open one. */
function startFeed() {
  stopFeed();
  const stream = new AbortController();
  feed.stream = stream;
  runFeed(stream);
}

function stopFeed() {
  feed.stream?.abort();
  feed.stream = null;
  setFeedLive(false);
}

function setFeedLive(live) {
  feed.live = live;
  $('jobs-live').textContent = live ? '● live' : 'polling every second';
}

async function runFeed(stream) {
  for (let failures = 0; !stream.signal.aborted; failures++) {
    try {
      const headers = authHeaders({ accept: 'text/event-stream' });
      if (feed.lastEventId) headers['last-event-id'] = feed.lastEventId;
      const response = await send('v1/jobs/events', { headers, signal: stream.signal });
      if (!response.ok) throw await toApiError(response);
      setFeedLive(true);
      failures = 0;
      // What changed before the stream started (it starts from now without an id).
      refreshJobs().catch(report);
      for await (const message of readSse(response.body)) {
        if (message.id) feed.lastEventId = message.id;
        if (message.event === 'job') jobChanged(JSON.parse(message.data));
      }
    } catch (error) {
      if (stream.signal.aborted) return;
      // A refused key asks for another (api.js); a client error will not change by trying.
      if (error instanceof ApiError && error.status < 500 && error.status !== 429) {
        setFeedLive(false);
        return;
      }
    }
    setFeedLive(false);
    const wait = FEED_RETRY_MS[Math.min(failures, FEED_RETRY_MS.length - 1)];
    await new Promise((resolve) => setTimeout(resolve, wait));
  }
}
