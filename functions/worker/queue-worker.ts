import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { RESCAN_MS } from '../../core/queue/changes.ts';
import { MAX_CLAIM } from '../../core/queue/claim.ts';
import { TaskTimeoutError } from '../../core/queue/errors.ts';
import type { HandedTask, HandOff, IdleMark } from '../../core/queue/handoff.ts';
import { envLimit } from '../../core/queue/limits.ts';
import type { Queue } from '../../core/queue/queue.ts';
import { nextDueAt } from '../../core/queue/ready.ts';
import type { ClaimedTask, ClaimRequest } from '../../core/queue/types.ts';
import { traceQueueCall } from '../../core/tracing/call-span.ts';
import { CallDeadlines, type CallWatch } from './call-deadlines.ts';
import { ClaimSizer } from './claim-sizer.ts';
import { TaskExecutor } from './executor.ts';
import { FinishedCalls } from './finished-calls.ts';
import { defaultMaxLogBytes, type LogEcho, terminalEcho } from './output-capture.ts';
import type { QueueWorkerOptions } from './queue-worker-options.ts';
import { type CallLimits, runCall } from './run-call.ts';
import { type HeldCall, RunningCalls } from './running-calls.ts';
import { WakeUp } from './wake-up.ts';
import { StallWatchdog } from './watchdog.ts';

export type { QueueWorkerOptions } from './queue-worker-options.ts';

/** Longest wait after repeated database failures (ms). */
const MAX_ERROR_PAUSE_MS = 5_000;

/** Largest result a call may report by default (bytes of JSON). */
export const DEFAULT_MAX_RESULT_BYTES = 8 * 1024 * 1024;

/** How long a node call may run by default (ms): NOOB_TASK_TIMEOUT_MS, else 10 minutes. */
export function defaultTaskTimeoutMs(): number {
  return envLimit('NOOB_TASK_TIMEOUT_MS', 10 * 60_000);
}

/**
 * A worker that pulls node calls from the durable queue and runs them with the same
 * {@link TaskExecutor} as the HTTP worker.
 *
 * - One round trip per round: finished results are reported and more tasks claimed in one
 *   transaction ({@link Queue.completeAndClaim}), so a busy worker pays one commit per
 *   batch, not two per task.
 * - Claims ahead of its free slots by the expected run time of tasks ({@link ClaimSizer}):
 *   no-op tasks arrive hundreds per claim, slow ones one per slot.
 * - No polling on an embedded database: an idle worker reads (never writes) whether work
 *   is ready and then sleeps until a commit is announced (by any process), the next
 *   delayed task is due or a lease expires. Meanwhile a submission made in its own process
 *   hands it its tasks at once (see Queue.offer).
 * - Heartbeats keep its leases, claimed-but-waiting tasks included; a task whose job was
 *   cancelled (or whose lease was lost) has its `AbortSignal` fired at the next heartbeat.
 * - `stop()` stops claiming, gives back the tasks it had not started, lets running calls
 *   finish and reports them.
 */
export class QueueWorker {
  readonly workerId: string;
  readonly #queue: Queue;
  readonly #tags: string[];
  readonly #concurrency: number;
  readonly #leaseMs: number;
  readonly #heartbeatMs: number;
  readonly #idleMs: number;
  readonly #rescanMs: number;
  readonly #onError: (error: unknown, retryInMs: number) => void;
  readonly #executor: TaskExecutor;
  readonly #limits: CallLimits;
  readonly #taskTimeoutMs: number;
  readonly #watchdog: boolean;
  /** Running calls' deadlines, swept together; a cancelled call is abandoned through them. */
  readonly #deadlines: CallDeadlines;
  /** Abandoned calls that have not settled: stop() does not wait for them. */
  #abandoned = 0;
  #stallWatchdog: StallWatchdog | undefined;
  readonly #sizer: ClaimSizer;
  /** Claimed, not started, in claim order. */
  readonly #waiting: ClaimedTask[] = [];
  readonly #running = new RunningCalls();
  /** Handed-over tasks beyond the free slots, waiting for their ids to join #waiting. */
  #awaitingIds = 0;
  /** What the last look that found nothing ready knew, for a hand-off. */
  #idle: IdleMark | undefined;
  /** The offer registered now (see Queue.offer), and the room it was made for. */
  #offered: { room: number; withdraw: () => void } | undefined;
  /** Finished successfully, not yet reported. */
  readonly #finished: FinishedCalls;
  #inFlight = new Set<Promise<void>>();
  #stopping = false;
  #loop: Promise<void> | undefined;
  #completed = 0;
  readonly #wakeUp = new WakeUp();

  constructor(options: QueueWorkerOptions) {
    this.#queue = options.queue;
    this.workerId = options.workerId ?? `${hostname()}-${randomUUID().slice(0, 8)}`;
    this.#tags = [...(options.tags ?? [])];
    this.#concurrency = options.concurrency ?? 8;
    this.#leaseMs = options.leaseMs ?? 30_000;
    this.#heartbeatMs = options.heartbeatMs ?? Math.max(50, Math.floor(this.#leaseMs / 3));
    this.#idleMs = options.idleMs ?? 10;
    this.#rescanMs = options.rescanMs ?? RESCAN_MS;
    this.#onError =
      options.onError ??
      ((error, retryInMs) =>
        process.stderr.write(
          `noob worker ${this.workerId}: the queue failed (${(error as Error)?.message ?? error}); trying again in ${retryInMs} ms\n`,
        ));
    this.#executor = options.executor ?? new TaskExecutor();
    this.#limits = {
      maxResultBytes:
        options.maxResultBytes ?? envLimit('NOOB_MAX_RESULT_BYTES', DEFAULT_MAX_RESULT_BYTES),
      maxLogBytes: options.maxLogBytes ?? defaultMaxLogBytes(),
      echo: echoOf(options.echoLogs),
      capture: options.captureLogs ?? true,
    };
    this.#taskTimeoutMs = options.taskTimeoutMs ?? defaultTaskTimeoutMs();
    this.#deadlines = new CallDeadlines(this.#taskTimeoutMs);
    this.#watchdog = options.watchdog ?? false;
    this.#finished = new FinishedCalls(options.reportDelayMs ?? 2);
    this.#sizer = new ClaimSizer(this.#concurrency, options.prefetchMs ?? 2);
  }

  /** Tasks this worker finished (succeeded or failed). */
  get completed(): number {
    return this.#completed;
  }

  /** Results this worker reported that the queue accepted. */
  get reported(): number {
    return this.#finished.reported;
  }

  /** Registers the worker and starts claiming. */
  async start(): Promise<void> {
    await this.#queue.registerWorker(this.workerId, this.#tags);
    this.#deadlines.start();
    if (this.#watchdog) {
      this.#stallWatchdog = new StallWatchdog(this.#taskTimeoutMs, `noob worker ${this.workerId}`);
    }
    this.#loop = this.#run();
  }

  /** Stops claiming, gives back unstarted tasks, reports running calls, closes node instances. */
  async stop(): Promise<void> {
    this.#stopping = true;
    this.#wake();
    await this.#loop;
    this.#deadlines.stop();
    await this.#stallWatchdog?.stop();
    await this.#executor.close();
  }

  #wake(): void {
    this.#wakeUp.wake();
  }

  async #run(): Promise<void> {
    const changes = this.#queue.changes;
    let lastBeat = Date.now();
    // Whether a claim may find work; false after one came back short, until the queue changes.
    let mayHaveWork = true;
    // The change version at the last look that found nothing, and when that was: a later
    // commit (or, as a safety net, enough time) means look again.
    let lookedAt = -1;
    let lookedAtMs = 0;
    let wakeAt = Number.POSITIVE_INFINITY;
    let failures = 0;
    while (!this.#stopping) {
      try {
        if (Date.now() - lastBeat >= this.#heartbeatMs) {
          lastBeat = Date.now();
          await this.#heartbeat();
        }
        this.#startWaiting();
        // One claim takes at most MAX_CLAIM tasks, whatever the worker could hold.
        const room = this.#room();
        const claiming = room > 0 && mayHaveWork;
        if (claiming || this.#finished.due(this.#waiting.length > 0)) {
          // While only reporting, the offer stays: a submission meanwhile can still hand over.
          if (claiming) this.#withdrawOffer();
          else this.#keepOffer(room);
          const version = changes.version;
          const claimed = await this.#round(claiming ? room : 0);
          if (claiming && claimed < room) {
            mayHaveWork = false;
            lookedAt = version;
            lookedAtMs = Date.now();
            wakeAt = Number.POSITIVE_INFINITY;
          }
          continue;
        }
        const stale = Date.now() - lookedAtMs >= this.#rescanMs;
        if (room > 0 && changes.live && (changes.version !== lookedAt || stale)) {
          // Something committed since the last look: is there work for this worker now?
          const version = changes.version;
          const next = await this.#queue.nextReady(this.#tags);
          lookedAt = version;
          lookedAtMs = Date.now();
          this.#idle = next.idle;
          if (next.ready) {
            mayHaveWork = true;
            continue;
          }
          wakeAt = nextDueAt(next);
        }
        // Work handed over or dealt during the look: size the offer again first.
        if (this.#room() !== room) continue;
        // With no room, commits and the next due task are no reason to wake: only a
        // finished call, a heartbeat or a report is.
        const since = room > 0 ? (changes.live ? lookedAt : changes.version) : Infinity;
        // Idle with room: the next submission in this process hands its tasks over, or
        // claims for this worker in its own transaction (see Queue.offer).
        this.#keepOffer(room);
        await this.#sleep(since, room > 0 ? wakeAt : Infinity, lastBeat);
        if (!changes.live) mayHaveWork = true;
        if (Date.now() >= wakeAt) {
          // A delayed task is due or a lease expired: claim (which reaps) once.
          mayHaveWork = true;
          wakeAt = Number.POSITIVE_INFINITY;
        }
        failures = 0;
      } catch (error) {
        // The database failed (locked past the busy timeout, disk full, connection lost):
        // say so, wait, and carry on; unreported results were kept for the next round.
        failures++;
        this.#withdrawOffer();
        const pauseMs = Math.min(MAX_ERROR_PAUSE_MS, 50 * 2 ** failures);
        this.#onError(error, pauseMs);
        await this.#pause(pauseMs);
      }
    }
    this.#withdrawOffer();
    await this.#drain();
  }

  /** A claim of up to `max` tasks by this worker, with its tags and lease. */
  #claimRequest(max: number): ClaimRequest {
    return { workerId: this.workerId, tags: this.#tags, max, leaseMs: this.#leaseMs };
  }

  /**
   * Have an offer for `room` tasks registered (none when there is no room). It stays
   * while the worker sleeps, looks or only reports, and goes before the worker claims
   * itself (the two would take twice the room) or once a submission used it up.
   */
  #keepOffer(room: number): void {
    if (this.#offered?.room === room) return;
    this.#withdrawOffer();
    if (room > 0) this.#offered = this.#offer(room);
  }

  #withdrawOffer(): void {
    this.#offered?.withdraw();
    this.#offered = undefined;
  }

  /** Offer to take up to `room` tasks from this process's next submissions (see Queue.offer). */
  #offer(room: number): { room: number; withdraw: () => void } {
    const offered = { room, withdraw: () => {} };
    // A submission that gave it tasks used it up: the next keepOffer makes a new one.
    const usedUp = () => {
      if (this.#offered === offered) this.#offered = undefined;
    };
    offered.withdraw = this.#queue.offer({
      request: this.#claimRequest(room),
      deliver: (tasks) => {
        if (tasks.length === 0) return;
        usedUp();
        this.#take(tasks);
      },
      idle: () => (this.#stopping ? undefined : this.#idle),
      start: (handOff) => {
        usedUp();
        this.#startHandedOff(handOff);
      },
    });
    return offered;
  }

  /**
   * Start tasks handed over before they were stored, as many as there are free slots; the
   * rest wait for their ids, like claimed tasks waiting for a slot (the offer's room
   * counts tasks claimed ahead).
   */
  #startHandedOff({ tasks, stored }: HandOff): void {
    const free = Math.max(0, this.#concurrency - this.#busy());
    for (const [i, task] of tasks.slice(0, free).entries()) {
      this.#track(
        this.#execute(
          task,
          stored.then((ids) => ids[i]!),
        ),
      );
    }
    if (tasks.length > free) {
      const later = tasks.length - free;
      this.#awaitingIds += later;
      // In flight meanwhile: stop() waits for them, to start or give them back.
      this.#track(
        stored.then(
          (ids) => {
            this.#awaitingIds -= later;
            this.#take(tasks.slice(free).map((task, i) => ({ ...task, id: ids[free + i]! })));
          },
          () => {
            // Not stored: nothing to run.
            this.#awaitingIds -= later;
          },
        ),
      );
    }
    this.#wake();
  }

  /** Tasks leased to this worker outside its own rounds: queue them up and start what fits. */
  #take(tasks: ClaimedTask[]): void {
    if (this.#stopping) {
      // They will not be started, and the drain may be past giving back waiting tasks:
      // now, in flight, so that stop() waits for it.
      const ids = tasks.map((task) => task.id);
      this.#track(
        this.#queue
          .release(this.workerId, ids)
          .then(() => undefined)
          .catch((error) => this.#onError(error, 0)),
      );
      return;
    }
    this.#waiting.push(...tasks);
    this.#startWaiting();
    this.#wake();
  }

  /** How many calls are running, stored or not. */
  #busy(): number {
    return this.#running.size;
  }

  /** Wait `ms` (after a failure), or until stop(); finishing calls do not cut it short. */
  async #pause(ms: number): Promise<void> {
    const until = Date.now() + ms;
    while (!this.#stopping && Date.now() < until) await this.#wakeUp.sleep(until - Date.now());
  }

  /** Sleep until a call finishes, the queue changes, a timer is due, or stop(). */
  async #sleep(since: number, wakeAt: number, lastBeat: number): Promise<void> {
    const changes = this.#queue.changes;
    const now = Date.now();
    let ms = changes.live ? this.#rescanMs : this.#idleMs;
    ms = Math.min(ms, wakeAt - now, lastBeat + this.#heartbeatMs - now);
    ms = Math.min(ms, this.#finished.dueAt - now);
    const stop = new AbortController();
    await this.#wakeUp.wait(changes.wait(since, Math.max(0, ms), stop.signal));
    stop.abort();
  }

  /** Start claimed tasks while there are free slots. */
  #startWaiting(): void {
    while (this.#busy() < this.#concurrency && this.#waiting.length > 0) {
      const task = this.#waiting.shift()!;
      this.#track(this.#execute(task, task.id));
    }
  }

  /**
   * How many more tasks to claim or be handed now: the sizer's room for the calls running
   * and the tasks waiting (handed-over ones waiting for their ids too), within one claim.
   */
  #room(): number {
    const waiting = this.#waiting.length + this.#awaitingIds;
    return Math.min(MAX_CLAIM, this.#sizer.room(this.#busy(), waiting));
  }

  /** Keep a running call in flight until it ends (stop() waits for them). */
  #track(call: Promise<void>): void {
    const pending: Promise<void> = call.finally(() => {
      this.#inFlight.delete(pending);
      this.#afterCall();
    });
    this.#inFlight.add(pending);
  }

  /**
   * A call ended: start the next waiting task at once, and wake the loop only when it has
   * something to do (claim, or report a full batch); the report delay has its own timer.
   */
  #afterCall(): void {
    if (this.#stopping) {
      this.#wake();
      return;
    }
    this.#startWaiting();
    const low = this.#room() > 0;
    if (low || this.#waiting.length === 0 || this.#finished.full) this.#wake();
  }

  /** Report finished results and claim up to `max` more in one transaction; returns how many were claimed. */
  async #round(max: number): Promise<number> {
    const { batch: report, giveBack } = this.#finished.take();
    let accepted: boolean[];
    let claimed = 0;
    // Claimed tasks start as soon as the claim commits, while the flush that makes the
    // reported results durable is still under way.
    const onClaimed = (tasks: ClaimedTask[]) => {
      claimed = tasks.length;
      this.#waiting.push(...tasks);
      // A worker stopping meanwhile gives them back instead (see #drain).
      if (!this.#stopping) this.#startWaiting();
    };
    try {
      accepted =
        max === 0
          ? await this.#queue.completeMany(this.workerId, report)
          : (await this.#queue.completeAndClaim(report, this.#claimRequest(max), onClaimed))
              .accepted;
    } catch (error) {
      // Nothing was recorded: keep the results for the next round.
      giveBack();
      throw error;
    }
    this.#finished.count(accepted);
    return claimed;
  }

  /**
   * Stopping: give back unstarted tasks, let running calls finish, reporting each result
   * as it comes and heartbeating meanwhile (a call longer than the lease must not lose
   * it). A failed report is told and not retried: its leases expire and the tasks run
   * again.
   */
  async #drain(): Promise<void> {
    const unstarted = this.#waiting.splice(0).map((task) => task.id);
    if (unstarted.length > 0) {
      await this.#queue.release(this.workerId, unstarted).catch((e) => this.#onError(e, 0));
    }
    let lastBeat = Date.now();
    while (this.#inFlight.size > this.#abandoned || this.#finished.size > 0) {
      if (this.#finished.size > 0) {
        const { batch } = this.#finished.take();
        try {
          this.#finished.count(await this.#queue.completeMany(this.workerId, batch));
        } catch (error) {
          this.#onError(error, 0);
        }
        continue;
      }
      if (Date.now() - lastBeat >= this.#heartbeatMs) {
        lastBeat = Date.now();
        await this.#heartbeat().catch((e) => this.#onError(e, 0));
      }
      await this.#wakeUp.sleep(lastBeat + this.#heartbeatMs - Date.now());
    }
  }

  async #heartbeat(): Promise<void> {
    // Finished but not yet reported results hold their leases too.
    const held = [
      ...this.#running.ids(),
      ...this.#waiting.map((task) => task.id),
      ...this.#finished.taskIds(),
    ];
    // Idle, it still says it is alive: a worker unseen for long counts as gone.
    if (held.length === 0) return this.#queue.registerWorker(this.workerId, this.#tags);
    const { cancelled, lost } = await this.#queue.heartbeat(this.workerId, held);
    const gone = new Set([...cancelled, ...lost]);
    for (const id of gone) {
      const controller = this.#running.get(id);
      controller?.abort(new Error(`task ${id} was cancelled or its lease lost`));
      // A call that does not stop at its signal is left behind: its slot is free again.
      if (controller) this.#deadlines.get(controller)?.abandon(false);
    }
    // A waiting task that is gone is simply not started.
    const keep = this.#waiting.filter((task) => !gone.has(task.id));
    this.#waiting.splice(0, this.#waiting.length, ...keep);
  }

  /**
   * Run one call and keep its result and output for the next report, or record its
   * failure. A task handed over before it was stored has a promised id: the call runs
   * meanwhile and its outcome waits for the id. If the task is never stored (its
   * submission failed), the call's signal is aborted and its outcome dropped: there is
   * nothing to report it to.
   */
  async #execute(task: HandedTask, taskId: number | Promise<number>): Promise<void> {
    const controller = new AbortController();
    const call = this.#running.hold(controller, taskId);
    const started = performance.now();
    const watch = this.#watch(controller, task, call);
    try {
      // Traced, the call is a span under the one that dispatched its task (docs/tracing.md).
      const outcome = await traceQueueCall(task, this.workerId, () =>
        runCall(this.#executor, task, controller.signal, this.#limits),
      );
      if (watch.abandoned) return;
      const id = typeof call.id === 'number' ? call.id : await call.id;
      if (id === undefined) return;
      if (outcome.ok) {
        this.#sizer.observe(performance.now() - started);
        this.#finished.add({ taskId: id, json: outcome.json, logs: outcome.logs });
        return;
      }
      await this.#queue.fail(this.workerId, id, outcome.error, {
        ...(outcome.retryable === false ? { retryable: false } : {}),
        logs: outcome.logs,
      });
    } catch (error) {
      // Recording the failure failed: the lease expires and the task runs again.
      this.#onError(error, 0);
    } finally {
      this.#deadlines.forget(controller);
      if (watch.abandoned) this.#abandoned--;
      else {
        call.end();
        this.#completed++;
      }
    }
  }

  /**
   * Watch a starting call: past the task timeout, or when its task is cancelled or lost,
   * it is abandoned: its signal aborted, its slot freed at once and, for a timeout, the
   * task failed with {@link TaskTimeoutError}; whatever it returns later is dropped.
   */
  #watch(controller: AbortController, task: HandedTask, call: HeldCall): CallWatch {
    return this.#deadlines.watch(controller, (timedOut) => {
      this.#abandoned++;
      const error = new TaskTimeoutError(task.nodeId, this.#taskTimeoutMs);
      controller.abort(timedOut ? error : controller.signal.reason);
      call.end();
      this.#completed++;
      if (timedOut) this.#track(this.#failAbandoned(call.id, error));
      this.#afterCall();
    });
  }

  /** Report an abandoned call's timeout (the queue retries it with backoff). */
  async #failAbandoned(taskId: number | Promise<number | undefined>, error: Error): Promise<void> {
    try {
      const id = await taskId;
      if (id !== undefined) await this.#queue.fail(this.workerId, id, error);
    } catch (failure) {
      // The lease expires and the task runs again.
      this.#onError(failure, 0);
    }
  }
}

/** The echo a worker's option asks for: the terminal's by default, none for false. */
function echoOf(option: QueueWorkerOptions['echoLogs']): LogEcho | undefined {
  if (option === false) return undefined;
  return option === undefined || option === true ? terminalEcho : option;
}
