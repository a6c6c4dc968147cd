import type { Queue } from '../../core/queue/queue.ts';
import type { TaskExecutor } from './executor.ts';
import type { LogEcho } from './output-capture.ts';

/** How a queue worker runs. */
export interface QueueWorkerOptions {
  queue: Queue;
  /** Default: host name + random suffix. */
  workerId?: string;
  /** Tags this worker offers (`gpu`, `cpu`, `region:…`); tasks needing others are not claimed. */
  tags?: readonly string[];
  /** Calls run at once (default 8). */
  concurrency?: number;
  /** Lease per claimed task (default 30 s); heartbeats extend it. */
  leaseMs?: number;
  /** Heartbeat period (default a third of the lease). */
  heartbeatMs?: number;
  /**
   * Wait between looks at an idle queue whose database cannot announce commits (a remote
   * server; default 10 ms). On an embedded database the worker sleeps until a commit, the
   * next delayed task or the next lease expiry instead.
   */
  idleMs?: number;
  /**
   * Claim ahead: hold at most about this much expected run time of claimed tasks beyond
   * the running ones (ms, default 2). Fast tasks then come many per claim; slow ones
   * one per free slot. 0 claims only for free slots.
   */
  prefetchMs?: number;
  /**
   * On a database that announces commits, look at the queue at least this often anyway
   * (ms, default 1000): a safety net should an announcement be missed.
   */
  rescanMs?: number;
  /** Report a finished call at most this long after it finished (ms, default 2). */
  reportDelayMs?: number;
  /**
   * Told when a look at the queue failed; the worker waits (`retryInMs`) and goes on.
   * Default: a line on stderr.
   */
  onError?: (error: unknown, retryInMs: number) => void;
  /**
   * Largest result one call may report, as JSON, in bytes (default NOOB_MAX_RESULT_BYTES or
   * 8 MiB). A larger one
   * fails its task (`TaskTooLargeError`, naming the node and the limit, not retried) and
   * the worker goes on.
   */
  maxResultBytes?: number;
  /**
   * Longest a node call may run (ms, default NOOB_TASK_TIMEOUT_MS or 10 minutes). Past it
   * the call's signal is aborted, its slot freed and the task failed with
   * `TaskTimeoutError` (retried while attempts remain); a call that ignores its signal is
   * left behind. A cancelled or lost task's call is left behind the same way.
   */
  taskTimeoutMs?: number;
  /**
   * Kill this process when its event loop is blocked past the task timeout (a node spinning
   * synchronously cannot be stopped otherwise): its leases expire and the tasks are retried
   * elsewhere, and a supervisor (`noob serve`) starts a new worker. Default false: only
   * for a process of its own (`noob worker`).
   */
  watchdog?: boolean;
  /**
   * Most output one call keeps (bytes of what it writes to stdout and stderr; default
   * NOOB_MAX_LOG_BYTES or 64 KiB). It is kept with the task (`GET /v1/jobs/:id/logs`);
   * past the bound, a last entry says how much was dropped.
   */
  maxLogBytes?: number;
  /**
   * Where the kept output is also shown, a line at a time, labelled with its job, node
   * and epoch (`[job 01H… node add #3] text`). Default (or true): this process's stderr,
   * which is `noob serve`'s terminal for its workers; false: nowhere.
   */
  echoLogs?: boolean | LogEcho;
  /**
   * False: do not capture what calls print (it goes to this process's stdout and stderr,
   * unlabelled, and no logs are kept). Capturing costs a little on every call (see
   * `npm run bench -- node-logs`). Default true.
   */
  captureLogs?: boolean;
  /** Runs the node calls (default: built-ins, standard library, modules by path). */
  executor?: TaskExecutor;
}
