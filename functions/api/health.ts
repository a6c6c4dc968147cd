import type { Context } from 'hono';
import type { QueueDriver } from '../../core/queue/backend.ts';
import { sql } from '../../core/queue/sql.ts';

/** One thing readiness depends on: fine or not, and why not. */
export interface ReadinessCheck {
  ok: boolean;
  /** What is wrong (or, when fine, a short note such as a count). */
  message?: string;
  /** Numbers an operator may want (live workers, restarts, …). */
  details?: Record<string, unknown>;
}

/** Whether the server can accept and run work, check by check. */
export interface ReadinessReport {
  ready: boolean;
  checks: Record<string, ReadinessCheck>;
}

/** Answers the readiness question (the platform's, or the API's own database check). */
export type Readiness = () => Promise<ReadinessReport>;

/**
 * Readiness from named checks: ready when every one is ok.
 */
export function reportOf(checks: Record<string, ReadinessCheck>): ReadinessReport {
  return { ready: Object.values(checks).every((check) => check.ok), checks };
}

/**
 * Whether the database takes a write: a probe row is written (and, for an embedded file,
 * flushed) at most once per `everyMs` (default 1,000), however often readiness is asked,
 * so the public `/readyz` cannot be used to load the database. A database that answers
 * reads but refuses writes (disk full, corrupt pages, a broken flush) is not ready.
 */
export function databaseWritable(
  driver: QueueDriver,
  everyMs = 1_000,
): () => Promise<ReadinessCheck> {
  let last: { at: number; check: Promise<ReadinessCheck> } | undefined;
  return () => {
    const now = Date.now();
    if (!last || now - last.at >= everyMs) {
      last = {
        at: now,
        check: probe(driver, now)
          .then((): ReadinessCheck => ({ ok: true }))
          .catch(
            (error): ReadinessCheck => ({
              ok: false,
              message: `the database refuses writes: ${(error as Error)?.message ?? error}`,
            }),
          ),
      };
    }
    return last.check;
  };
}

/**
 * Write the probe row. Unlike the queue's writes, it goes again, once, when its connection
 * was reset (a remote server's kept-alive connection that a proxy or load balancer dropped
 * while idle is found so only when a request goes out on it, and readiness asked less
 * often than that drop would fail every time): it writes the same row with the same value,
 * so writing it twice is writing it once.
 */
async function probe(driver: QueueDriver, now: number): Promise<void> {
  const write = sql('health_probe', { now });
  try {
    await driver.execute(write);
  } catch (error) {
    if (!/^(ECONNRESET|EPIPE)$/.test(String((error as { code?: unknown })?.code))) throw error;
    await driver.execute(write);
  }
}

/** Readiness of an API alone (no platform around it): its database takes writes. */
export function databaseReadiness(driver: QueueDriver): Readiness {
  const database = databaseWritable(driver);
  return async () => reportOf({ database: await database() });
}

/** `GET /readyz`: 200 with the report when ready, else 503 with it. */
export async function readyRoute(c: Context, readiness: Readiness): Promise<Response> {
  const report = await readiness();
  return c.json(report, report.ready ? 200 : 503);
}
