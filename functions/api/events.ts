import type { Context } from 'hono';
import type { Queue } from '../../core/queue/queue.ts';
import { isFinal, toJobStatus } from './job-view.ts';
import { type StreamLookOptions, streamLooks } from './stream-looks.ts';

/** How a job's event stream waits for news, and what it sends. */
export interface EventStreamOptions extends StreamLookOptions {
  /** Also send the job's log entries, as `log` messages (`?logs=true`; default false). */
  logs?: boolean;
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
  const cursor = { ...from };
  let checkJob = true;
  // Set when the job was seen final: one more read sends the events that came between
  // the last read and that status, then the stream ends.
  let finished: ReturnType<typeof toJobStatus> | undefined;
  const what = `event stream of job ${jobId}`;
  return streamLooks(c, queue.changes, what, options, async (stream) => {
    const [logs, events] = await Promise.all([
      options.logs ? queue.logs(tenant, jobId, { afterId: cursor.afterLog, limit: PAGE }) : [],
      queue.events(tenant, jobId, { afterId: cursor.afterEvent, limit: PAGE }),
    ]);
    for (const entry of logs) {
      cursor.afterLog = entry.id;
      await stream.writeSSE({ id: streamId(cursor), event: 'log', data: JSON.stringify(entry) });
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
    if (events.length === PAGE || logs.length === PAGE) return 'more';
    if (finished) {
      await stream.writeSSE({ event: 'done', data: JSON.stringify(finished) });
      return 'end';
    }
    if (checkJob) {
      checkJob = false;
      const status = toJobStatus(await queue.getJob(tenant, jobId, { taskResults: false }));
      if (isFinal(status.state)) {
        finished = status;
        return 'more';
      }
    }
    return events.length + logs.length > 0 ? 'sent' : 'idle';
  });
}
