import type { Context } from 'hono';
import { type SSEStreamingApi, streamSSE } from 'hono/streaming';
import type { QueueChanges } from '../../core/queue/changes.ts';

/** How a stream over the queue waits for news. */
export interface StreamLookOptions {
  /**
   * Wait between two looks while nothing is new, when the database cannot announce
   * commits (a remote server; ms, default 50). On an embedded database the stream looks
   * again after each commit instead.
   */
  pollMs?: number;
  /** At least this long between two looks (ms, default 0): a busy queue commits often. */
  minLookMs?: number;
  /** Send a `: keep-alive` comment after this long without a message (ms, default 15 s). */
  keepAliveMs?: number;
  /** Ends every open stream (the server is stopping). */
  signal?: AbortSignal;
  /** Where a stream's failure is logged (default console.error); the client gets a generic error. */
  log?: (message: string, error: unknown) => void;
  /** Told once when the stream ends, however it ends (a per-tenant stream count frees its slot). */
  onClose?: () => void;
}

/**
 * What a look did: `more` (look again at once: a full page, or one more read is due),
 * `sent` (it wrote messages), `idle` (nothing new), `end` (the stream is over).
 */
export type LookResult = 'more' | 'sent' | 'idle' | 'end';

/**
 * A Server-Sent Events stream made of looks at the queue: `look` reads what is new and
 * writes it; between looks the stream waits for the database's next commit (or polls
 * where it cannot be told), sends a keep-alive comment when it has been quiet, and ends
 * when the client goes away or the server stops. A stream never throws: a failure is
 * logged as `what` failed, and the client gets a generic `error` message (the cause is
 * the server's business) telling it to reconnect with Last-Event-ID.
 */
export function streamLooks(
  c: Context,
  changes: QueueChanges,
  what: string,
  options: StreamLookOptions,
  look: (stream: SSEStreamingApi) => Promise<LookResult>,
): Response {
  const pollMs = options.pollMs ?? 50;
  const keepAliveMs = options.keepAliveMs ?? 15_000;
  const minLookMs = options.minLookMs ?? 0;
  return streamSSE(c, async (stream) => {
    // Wakes a sleeping wait when the client goes away or the server stops.
    const stop = new AbortController();
    const abort = () => stop.abort();
    stream.onAbort(abort);
    options.signal?.addEventListener('abort', abort, { once: true });
    try {
      let lastWrite = Date.now();
      while (!stop.signal.aborted) {
        const version = changes.version;
        const lookedAt = Date.now();
        const result = await look(stream);
        if (result === 'end') return;
        if (result === 'more') continue;
        if (result === 'sent') lastWrite = Date.now();
        if (Date.now() - lastWrite >= keepAliveMs) {
          await stream.write(': keep-alive\n\n');
          lastWrite = Date.now();
        }
        const untilKeepAlive = keepAliveMs - (Date.now() - lastWrite);
        const waitMs = changes.live ? untilKeepAlive : Math.min(pollMs, untilKeepAlive);
        await changes.wait(version, Math.max(0, waitMs), stop.signal);
        const soon = minLookMs - (Date.now() - lookedAt);
        if (soon > 0 && !stop.signal.aborted) await sleep(soon, stop.signal);
      }
    } catch (error) {
      if (!stream.aborted) {
        (options.log ?? ((m, e) => console.error(m, e)))(`noob api: ${what} failed`, error);
        await reportError(stream);
      }
    } finally {
      options.signal?.removeEventListener('abort', abort);
      options.onClose?.();
    }
  });
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

// The cause stays in the server's log: a database error's text is not the client's business.
async function reportError(stream: SSEStreamingApi): Promise<void> {
  const message = 'the event stream failed on the server; reconnect with Last-Event-ID to resume';
  await stream
    .writeSSE({ event: 'error', data: JSON.stringify({ code: 'stream_failed', message }) })
    .catch(() => undefined);
}
