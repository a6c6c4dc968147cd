import type { Queue } from '../../core/queue/queue.ts';
import { databaseWritable, type Readiness, type ReadinessCheck, reportOf } from '../api/health.ts';
import type { LogFileWatch } from './log-file.ts';
import type { Supervised } from './supervisor.ts';
import type { WorkerPool } from './workers.ts';

/** The parts `noob serve`'s readiness looks at. */
export interface PlatformParts {
  queue: Queue;
  coordinator: Supervised;
  workers: WorkerPool;
  /** The embedded database's log file (absent for a remote database). */
  logFile?: LogFileWatch | undefined;
}

/**
 * `noob serve` is ready when it can accept work and run it: the database takes writes
 * (and, embedded, its log file is still in place), the coordinator process is up, and at
 * least one worker process is. Each check says what is wrong when it fails.
 */
export function platformReadiness(parts: PlatformParts): Readiness {
  const database = databaseWritable(parts.queue.driver);
  return async () => {
    const checks: Record<string, ReadinessCheck> = { database: await database() };
    if (parts.logFile) checks.logFile = parts.logFile.check();
    const { coordinator, workers } = parts;
    checks.coordinator = coordinator.alive
      ? { ok: true, details: { restarts: coordinator.restarts } }
      : {
          ok: false,
          message:
            'the coordinator process is not running; it is being restarted (see the server’s log)',
          details: { restarts: coordinator.restarts },
        };
    const details = { alive: workers.alive, restarts: workers.restarts };
    checks.workers =
      workers.alive > 0
        ? { ok: true, details }
        : {
            ok: false,
            message:
              'no worker process is running; they are being restarted (see the server’s log)',
            details,
          };
    return reportOf(checks);
  };
}
