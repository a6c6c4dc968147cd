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
  /** Also send the job's log entries, as `log` messages (`?logs=true`; default false). */
  logs?: boolean;
  /** Told once when the stream ends, however it ends (a per-tenant stream count frees its slot). */
  onClose?: () => void;
}

const PAGE = 500;

/**
 * Where a stream resumes: after this event and after this log entry. As an SSE id it is
 * the event id alone until the stream has sent a log entry, then `EVENT:LOG` (so a stream
 * of a job that prints nothing keeps plain event ids, and a reconnect misses nothing).
 */
export interface StreamCursor {
  afterEvent: number;
  afterLog: number;
}

/** The cursor in a Last-Event-ID (or `?after=`); undefined when it is not one. */
export function parseStreamCursor(text: string): StreamCursor | undefined {
  const match = /^(\d{1,15})(?::(\d{1,15}))?$/.exec(text);
  if (!match) return undefined;
  return { afterEvent: Number(match[1]), afterLog: Number(match[2] ?? 0) };
}

/** A cursor as the SSE id of the message that moved it there. */
function streamId(cursor: StreamCursor): string {
  return cursor.afterLog > 0
    ? `${cursor.afterEvent}:${cursor.afterLog}`
    : String(cursor.afterEvent);
}

/**
 * Stream a tenant's job's events log as Server-Sent Events: one message per queue event
 * (`event:` its type, `data:` the event as JSON) and, when asked for, one `log` message
 * per log entry (what its node calls printed, `data:` the entry as `GET /v1/jobs/:id/logs`
 * gives it; older clients are not sent messages they do not know), each
 * with the stream's cursor as its `id:` (see {@link StreamCursor}), from after `from`
 * (the client's Last-Event-ID), then a final `done` message carrying the job's status
 * once the job is final. A look sends the log entries first: output a call printed
 * comes before the event saying it finished. The log is read again after each commit the database announces
 * (or polled at a short interval where it cannot); the job's status is read only when a
 * job-level event arrives, so a long job costs one small query per look. The caller has
 * checked that the job exists.
 */
export function streamJobEvents(
  c: Context,
  queue: Queue,
  tenant: string,
  jobId: string,
  from: StreamCursor,
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
      const cursor = { ...from };
      let checkJob = true;
      let lastWrite = Date.now();
      // Set when the job was seen final: one more read sends the events that came
      // between the last read and that status, then the stream ends.
      let finished: ReturnType<typeof toJobStatus> | undefined;
      while (!stop.signal.aborted) {
        const version = changes.version;
        const [logs, events] = await Promise.all([
          options.logs ? queue.logs(tenant, jobId, { afterId: cursor.afterLog, limit: PAGE }) : [],
          queue.events(tenant, jobId, { afterId: cursor.afterEvent, limit: PAGE }),
        ]);
        for (const entry of logs) {
          cursor.afterLog = entry.id;
          await stream.writeSSE({
            id: streamId(cursor),
            event: 'log',
            data: JSON.stringify(entry),
          });
        }
        for (const event of events) {
          cursor.afterEvent = event.id;
          await stream.writeSSE({
            id: streamId(cursor),
            event: event.type,
            data: JSON.stringify(event),
          });
          if (event.type.startsWith('job.')) checkJob = true;
        }
        if (events.length === PAGE || logs.length === PAGE) continue;
        const sent = events.length + logs.length;
        if (finished) {
          await stream.writeSSE({ event: 'done', data: JSON.stringify(finished) });
          return;
        }
        if (sent > 0) lastWrite = Date.now();
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
