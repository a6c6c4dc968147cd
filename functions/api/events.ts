import type { Context } from 'hono';
import { type SSEStreamingApi, streamSSE } from 'hono/streaming';
import type { Queue } from '../../core/queue/queue.ts';
import { isFinal, toJobStatus } from './job-view.ts';

/** How a job's event stream polls. */
export interface EventStreamOptions {
  /** Wait between two looks at the events log while nothing is new (ms, default 50). */
  pollMs?: number;
  /** Send a `: keep-alive` comment after this long without a message (ms, default 15 s). */
  keepAliveMs?: number;
  /** Ends every open stream (the server is stopping). */
  signal?: AbortSignal;
}

const PAGE = 500;

/**
 * Stream a tenant's job's events log as Server-Sent Events: one message per queue event
 * (`event:` its type, `id:` its id, `data:` the event as JSON), from after `afterId`
 * (the client's Last-Event-ID), then a final `done` message carrying the job's status
 * once the job is final. The log is polled at a short, fixed interval; the job's status
 * is read only when a job-level event arrives, so a long job costs one small query per
 * poll. The caller has checked that the job exists.
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
      let lastId = afterId;
      let checkJob = true;
      let idleMs = 0;
      while (!stop.signal.aborted) {
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
        if (events.length > 0) idleMs = 0;
        if (checkJob) {
          checkJob = false;
          const status = toJobStatus(await queue.getJob(tenant, jobId));
          if (isFinal(status.state)) {
            await stream.writeSSE({ event: 'done', data: JSON.stringify(status) });
            return;
          }
        }
        if (idleMs >= keepAliveMs) {
          await stream.write(': keep-alive\n\n');
          idleMs = 0;
        }
        await sleep(pollMs, stop.signal);
        idleMs += pollMs;
      }
    } catch (error) {
      if (!stream.aborted) await reportError(stream, error);
    } finally {
      options.signal?.removeEventListener('abort', abort);
    }
  });
}

async function reportError(stream: SSEStreamingApi, error: unknown): Promise<void> {
  const message = error instanceof Error ? error.message : String(error);
  await stream
    .writeSSE({ event: 'error', data: JSON.stringify({ code: 'stream_failed', message }) })
    .catch(() => undefined);
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
