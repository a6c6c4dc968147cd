import type { Context } from 'hono';
import { type SSEStreamingApi, streamSSE } from 'hono/streaming';
import type { Queue } from '../../core/queue/queue.ts';
import { isFinal, toJobStatus } from './job-view.ts';

/** How a job's event stream waits for news. */
export interface EventStreamOptions {
  /**
   * Wait between two looks at the events log while nothing is new, when the database
   * cannot announce commits (a remote server; ms, default 50). On an embedded database
   * the stream looks again after each commit instead.
   */
  pollMs?: number;
  /** Send a `: keep-alive` comment after this long without a message (ms, default 15 s). */
  keepAliveMs?: number;
  /** Ends every open stream (the server is stopping). */
  signal?: AbortSignal;
  /** Where a stream's failure is logged (default console.error); the client gets a generic error. */
  log?: (message: string, error: unknown) => void;
  /** Told once when the stream ends, however it ends (a per-tenant stream count frees its slot). */
  onClose?: () => void;
}

const PAGE = 500;

/**
 * Stream a tenant's job's events log as Server-Sent Events: one message per queue event
 * (`event:` its type, `id:` its id, `data:` the event as JSON), from after `afterId`
 * (the client's Last-Event-ID), then a final `done` message carrying the job's status
 * once the job is final. The log is read again after each commit the database announces
 * (or polled at a short interval where it cannot); the job's status is read only when a
 * job-level event arrives, so a long job costs one small query per look. The caller has
 * checked that the job exists.
 */
export function streamJobEvents(
  c: Context,
  queue: Queue,
  tenant: string,
  jobId: string,
  afterId: number,
  options: EventStreamOptions = {},
): Response {
  const pollMs = options.pollMs ?? 50;
  const keepAliveMs = options.keepAliveMs ?? 15_000;
  return streamSSE(c, async (stream) => {
    // Wakes a sleeping poll when the client goes away or the server stops.
    const stop = new AbortController();
    const abort = () => stop.abort();
    stream.onAbort(abort);
    options.signal?.addEventListener('abort', abort, { once: true });
    // A stream never throws out of here: hono would log it, and a client that went away
    // is not an error.
    try {
      const changes = queue.changes;
      let lastId = afterId;
      let checkJob = true;
      let lastWrite = Date.now();
      // Set when the job was seen final: one more read sends the events that came
      // between the last read and that status, then the stream ends.
      let finished: ReturnType<typeof toJobStatus> | undefined;
      while (!stop.signal.aborted) {
        const version = changes.version;
        const events = await queue.events(tenant, jobId, { afterId: lastId, limit: PAGE });
        for (const event of events) {
          await stream.writeSSE({
            id: String(event.id),
            event: event.type,
            data: JSON.stringify(event),
          });
          lastId = event.id;
          if (event.type.startsWith('job.')) checkJob = true;
        }
        if (events.length === PAGE) continue;
        if (finished) {
          await stream.writeSSE({ event: 'done', data: JSON.stringify(finished) });
          return;
        }
        if (events.length > 0) lastWrite = Date.now();
        if (checkJob) {
          checkJob = false;
          const status = toJobStatus(await queue.getJob(tenant, jobId, { taskResults: false }));
          if (isFinal(status.state)) {
            finished = status;
            continue;
          }
        }
        const quietMs = Date.now() - lastWrite;
        if (quietMs >= keepAliveMs) {
          await stream.write(': keep-alive\n\n');
          lastWrite = Date.now();
        }
        const untilKeepAlive = keepAliveMs - (Date.now() - lastWrite);
        const waitMs = changes.live ? untilKeepAlive : Math.min(pollMs, untilKeepAlive);
        await changes.wait(version, Math.max(0, waitMs), stop.signal);
      }
    } catch (error) {
      if (!stream.aborted) {
        (options.log ?? ((m, e) => console.error(m, e)))(
          `noob api: event stream of job ${jobId} failed`,
          error,
        );
        await reportError(stream);
      }
    } finally {
      options.signal?.removeEventListener('abort', abort);
      options.onClose?.();
    }
  });
}

// The cause stays in the server's log: a database error's text is not the client's business.
async function reportError(stream: SSEStreamingApi): Promise<void> {
  const message = 'the event stream failed on the server; reconnect with Last-Event-ID to resume';
  await stream
    .writeSSE({ event: 'error', data: JSON.stringify({ code: 'stream_failed', message }) })
    .catch(() => undefined);
}
