import type { Duplex } from 'node:stream';
import { type Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { z } from 'zod';
import { errorResponse } from '../http/errors.ts';
import { describeTaskIssues, runBatch, runTask, taskBatch } from './batch.ts';
import { CALL_STREAM_PROTOCOL } from './call-frames.ts';
import { type CallStreamHost, WorkerCallStream } from './call-stream.ts';
import { TaskExecutor } from './executor.ts';
import { workerGuard } from './guard.ts';
import { LoadTracker } from './load.ts';
import { RunQueue } from './run-queue.ts';
import { callStreamUpgrade } from './stream-upgrade.ts';
import { taskRequest } from './task.ts';

/** How a worker app is built. */
export interface WorkerAppOptions {
  /**
   * Runs the node calls (default: built-ins, standard library, any module from the cwd;
   * give one built with `modules` to limit which module types a request may load).
   */
  executor?: TaskExecutor;
  /** Requests (a call, or a batch of calls) run at once before the worker answers 503 (default 8). */
  capacity?: number;
  /** Tags this worker offers (`gpu`, `cpu`, `region:…`), reported by `/healthz`. */
  tags?: readonly string[];
  /** Largest accepted request body in bytes (default 8 MiB). */
  maxBodyBytes?: number;
  /**
   * The shared secret every request but `GET /healthz` must carry as
   * `Authorization: Bearer TOKEN`. Without one the app authenticates nothing: its
   * embedder does (`startWorkerServer` and `noob worker --http` always set one).
   */
  token?: string | undefined;
}

/**
 * The HTTP worker: a runtime-agnostic Hono app that executes node calls.
 * - `POST /v1/tasks`: run one node call → `{cid, outputs, exhausted}`; 400 names the bad
 *   field, 404 an unknown node type, 403 a module type the executor's policy refuses
 *   (`module_not_allowed`, nothing imported), 422 a node that failed (its error named),
 *   503 when full.
 * - `POST /v1/batch`: `{tasks: [...]}` → `{results: [...]}`, one entry per task in order,
 *   `{ok: true, cid, outputs, exhausted}` or `{ok: false, status, code, message, details}`
 *   with the status `/v1/tasks` would have answered.
 * - `GET /v1/stream` upgraded to `noob-calls/1`: the same batches over one connection
 *   held open (`call-frames.ts`); served by `startWorkerServer`, which hands the
 *   connection to `openCallStream` once this app accepted the upgrade request. Asked
 *   without the upgrade, 426.
 * - `GET /healthz`, `GET /v1/load` (in flight, capacity, recent latency),
 *   `DELETE /v1/instances?prefix=` (a finished run drops its stateful instances).
 *
 * Every request passes {@link workerGuard} first: no `Origin` header, the token, JSON bodies;
 * so does a call stream's upgrade request.
 *
 * @example
 * ```ts
 * const app = createWorkerApp({ capacity: 4, token });
 * const response = await app.request('/v1/tasks', {
 *   method: 'POST',
 *   headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
 *   body: JSON.stringify(task),
 * });
 * ```
 */
export function createWorkerApp(options: WorkerAppOptions = {}) {
  const executor = options.executor ?? new TaskExecutor();
  const load = new LoadTracker(options.capacity ?? 8);
  const maxBodyBytes = options.maxBodyBytes ?? 8 * 1024 * 1024;
  const queue = new RunQueue();
  const app = new Hono();
  let requests = 0;

  app.use('*', workerGuard(options.token));
  app.get('/healthz', (c) => c.json({ ok: true, tags: options.tags ?? [] }));
  app.get('/v1/load', (c) => c.json(load.snapshot()));
  // A runner that finished drops its stateful node instances (their deinit hooks run).
  app.delete('/v1/instances', async (c) => {
    const prefix = c.req.query('prefix');
    if (!prefix)
      return errorResponse(c, 400, 'invalid_request', 'query parameter prefix is required');
    return c.json({ dropped: await executor.drop(prefix) });
  });

  const limit = bodyLimit({
    maxSize: maxBodyBytes,
    onError: (c) =>
      errorResponse(c, 413, 'payload_too_large', `request body over ${maxBodyBytes} bytes`),
  });

  /** Parses the body with `schema`, or answers 400 naming the bad fields. */
  const parse = async <T extends z.ZodType>(
    c: Context,
    schema: T,
  ): Promise<{ data: z.infer<T> } | { response: Response }> => {
    let body: unknown;
    try {
      body = await c.req.json();
    } catch {
      return { response: errorResponse(c, 400, 'invalid_json', 'the request body is not JSON') };
    }
    const parsed = schema.safeParse(body);
    if (parsed.success) return { data: parsed.data };
    const { message, details } = describeTaskIssues(parsed.error);
    return { response: errorResponse(c, 400, 'invalid_task', message, details) };
  };

  /** Takes a request's place toward capacity (a POST, or a frame of a call stream). */
  const admit = (): boolean => {
    if (requests >= load.capacity) return false;
    requests++;
    return true;
  };
  const release = (): void => {
    requests--;
  };

  /** Runs `work` as one request toward capacity, or answers 503. */
  const admitted = async (c: Context, work: () => Promise<Response>): Promise<Response> => {
    if (!admit()) {
      return errorResponse(
        c,
        503,
        'busy',
        `worker is at capacity (${load.capacity} requests running)`,
      );
    }
    try {
      return await work();
    } finally {
      release();
    }
  };

  app.post('/v1/tasks', limit, async (c) => {
    const parsed = await parse(c, taskRequest);
    if ('response' in parsed) return parsed.response;
    const task = parsed.data;
    return admitted(c, async () => {
      const [entry] = await runBatch(executor, queue, load, [task], c.req.raw.signal);
      if (entry!.ok) {
        const { ok: _, ...result } = entry!;
        return c.json(result);
      }
      const { status, code, message, details } = entry!;
      return errorResponse(c, status, code, message, details);
    });
  });

  app.post('/v1/batch', limit, async (c) => {
    const parsed = await parse(c, taskBatch);
    if ('response' in parsed) return parsed.response;
    const { tasks } = parsed.data;
    return admitted(c, async () =>
      c.json({ results: await runBatch(executor, queue, load, tasks, c.req.raw.signal) }),
    );
  });

  // The http runner's stream of batches: the guard above has passed the upgrade request;
  // only the node server's upgrade handler (serve.ts) may switch the connection over.
  app.get('/v1/stream', (c) => {
    const upgrade = callStreamUpgrade(c.env);
    if (upgrade && c.req.header('upgrade') === CALL_STREAM_PROTOCOL) {
      upgrade.accepted = true;
      return c.json({ upgrade: CALL_STREAM_PROTOCOL });
    }
    c.header('Upgrade', CALL_STREAM_PROTOCOL);
    return errorResponse(
      c,
      426,
      'upgrade_required',
      `GET /v1/stream is a call stream: send Connection: Upgrade and Upgrade: ${CALL_STREAM_PROTOCOL}`,
    );
  });

  const streamHost: CallStreamHost = {
    run: (task, signal) => runTask(executor, queue, load, task, signal),
    admit,
    release,
    capacity: load.capacity,
    maxBodyBytes,
  };
  /** Serves a call stream on a connection its upgrade request was accepted on. */
  const openCallStream = (socket: Duplex, head: Buffer) =>
    new WorkerCallStream(socket, head, streamHost);

  return Object.assign(app, { executor, load, openCallStream });
}
