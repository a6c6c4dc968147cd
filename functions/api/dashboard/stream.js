// biome-ignore-all lint/correctness/noUnusedVariables: the page's scripts are joined into one module (dashboard.ts); what one declares, the others use
// A job's events and logs, live: its Server-Sent Events stream (`?logs=true`: what its
// node calls print comes as `log` messages) read with fetch() (EventSource cannot send an
// Authorization header, and keys do not belong in URLs), resumed by Last-Event-ID when it
// drops, ended by its `done` message.

const MAX_RECONNECTS = 5;

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
      const response = await send(`${jobPath(id)}/events?logs=true`, {
        headers,
        signal: stream.signal,
      });
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
        // The id is the stream's cursor over both events and logs: resume after either.
        if (message.id) lastEventId = message.id;
        if (message.event === 'log') {
          addLog(JSON.parse(message.data));
          continue;
        }
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
