import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { errorResponse } from '../http/errors.ts';
import {
  EngineNodeError,
  ModuleNotAllowedError,
  TaskExecutor,
  UnknownNodeTypeError,
} from './executor.ts';
import { LoadTracker } from './load.ts';
import { taskRequest } from './task.ts';

/** How a worker app is built. */
export interface WorkerAppOptions {
  /**
   * Runs the node calls (default: built-ins, standard library, any module from the cwd;
   * give one built with `modules` to limit which module types a request may load).
   */
  executor?: TaskExecutor;
  /** Calls run at once before the worker answers 503 (default 8). */
  capacity?: number;
  /** Tags this worker offers (`gpu`, `cpu`, `region:…`), reported by `/healthz`. */
  tags?: readonly string[];
  /** Largest accepted task body in bytes (default 8 MiB). */
  maxBodyBytes?: number;
}

/**
 * The HTTP worker: a runtime-agnostic Hono app that executes node calls.
 * - `POST /v1/tasks`: run one node call → `{cid, outputs, exhausted}`; 400 names the bad
 *   field, 404 an unknown node type, 403 a module type the executor's policy refuses
 *   (`module_not_allowed`, nothing imported), 422 a node that failed (its error named),
 *   503 when full.
 * - `GET /healthz`, `GET /v1/load` (in flight, capacity, recent latency).
 *
 * @example
 * ```ts
 * const app = createWorkerApp({ capacity: 4 });
 * const response = await app.request('/v1/tasks', { method: 'POST', body: JSON.stringify(task) });
 * ```
 */
export function createWorkerApp(options: WorkerAppOptions = {}) {
  const executor = options.executor ?? new TaskExecutor();
  const load = new LoadTracker(options.capacity ?? 8);
  const app = new Hono();

  app.get('/healthz', (c) => c.json({ ok: true, tags: options.tags ?? [] }));
  app.get('/v1/load', (c) => c.json(load.snapshot()));
  // A runner that finished drops its stateful node instances (their deinit hooks run).
  app.delete('/v1/instances', async (c) => {
    const prefix = c.req.query('prefix');
    if (!prefix)
      return errorResponse(c, 400, 'invalid_request', 'query parameter prefix is required');
    return c.json({ dropped: await executor.drop(prefix) });
  });

  app.post(
    '/v1/tasks',
    bodyLimit({
      maxSize: options.maxBodyBytes ?? 8 * 1024 * 1024,
      onError: (c) =>
        errorResponse(
          c,
          413,
          'payload_too_large',
          `task body over ${options.maxBodyBytes ?? 8 * 1024 * 1024} bytes`,
        ),
    }),
    async (c) => {
      let body: unknown;
      try {
        body = await c.req.json();
      } catch {
        return errorResponse(c, 400, 'invalid_json', 'the request body is not JSON');
      }
      const parsed = taskRequest.safeParse(body);
      if (!parsed.success) {
        const issues = parsed.error.issues.map((issue) => ({
          field: issue.path.join('.') || '(body)',
          message: issue.message,
        }));
        return errorResponse(
          c,
          400,
          'invalid_task',
          `invalid task: ${issues.map((i) => `${i.field}: ${i.message}`).join('; ')}`,
          issues,
        );
      }
      if (load.inFlight >= load.capacity) {
        return errorResponse(
          c,
          503,
          'busy',
          `worker is at capacity (${load.capacity} calls in flight)`,
        );
      }
      const task = parsed.data;
      const finish = load.start();
      try {
        const result = await executor.execute(task, c.req.raw.signal);
        finish(true);
        return c.json(result);
      } catch (error) {
        finish(false);
        if (error instanceof ModuleNotAllowedError) {
          return errorResponse(
            c,
            403,
            'module_not_allowed',
            `node type "${task.type}": ${error.message}`,
            {
              field: 'type',
              type: task.type,
            },
          );
        }
        if (error instanceof UnknownNodeTypeError) {
          return errorResponse(
            c,
            404,
            'unknown_node_type',
            `node type "${task.type}": ${error.message}`,
            { type: task.type },
          );
        }
        if (error instanceof EngineNodeError)
          return errorResponse(c, 422, 'engine_node', error.message, { type: task.type });
        const cause =
          error instanceof Error
            ? { name: error.name, message: error.message }
            : { name: 'Error', message: String(error) };
        return errorResponse(
          c,
          422,
          'node_failed',
          `node ${task.nodeId} (${task.type}) failed in epoch ${task.epoch}: ${cause.message}`,
          cause,
        );
      }
    },
  );

  return Object.assign(app, { executor, load });
}
