import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ModulePolicy } from '../../core/node/module-policy.ts';
import { RESCAN_MS } from '../../core/queue/changes.ts';
import {
  type AdmissibleJob,
  admissibleJobs,
  claimJob,
  dropJobLease,
  heldByTenant,
  releaseJob,
  renewJobs,
} from '../../core/queue/job-leases.ts';
import type { Queue } from '../../core/queue/queue.ts';
import { workerTagSets } from '../../core/queue/worker-presence.ts';
import { traceJobRun } from '../../core/tracing/job-span.ts';
import { FairAdmission } from './admission.ts';
import { atDeadline, pastDeadline, timedOut } from './job-timeout.ts';
import { isStorageError } from './storage-error.ts';
import {
  jobTags,
  runsOnNetwork,
  runTubeJob,
  type TubeJobContext,
  type TubeJobPayload,
  type TubeRunOutcome,
} from './tube-job.ts';

export type { TubeRunOutcome } from './tube-job.ts';

/** How a coordinator runs. */
export interface CoordinatorOptions {
  queue: Queue;
  /** Records a run's outcome (the job API shows it). */
  recordOutcome: (tenant: string, jobId: string, outcome: TubeRunOutcome) => Promise<void>;
  /** Folder for `./module.ts#export` types and tubes by noob_id (default: cwd). */
  directory?: string;
  /** Folders of registered tubes (what `extends` and nested tubes search), as the API's. */
  searchPaths?: readonly string[];
  /**
   * Module types submitted tubes may use, as the API's (default `'deny'`): a job whose
   * tube the API would refuse fails here too, however it reached the queue.
   */
  modules?: ModulePolicy;
  /** Tube runs at once (default 16). */
  concurrency?: number;
  /** Wait between looks for new jobs when the database cannot announce commits (default 50 ms). */
  pollMs?: number;
  /**
   * Its name on the runs' leases (default a random one). A coordinator restarted under
   * the name of one that died takes that one's runs back at once instead of after their
   * leases expire (`noob serve` restarts its coordinator so).
   */
  id?: string;
  /** How long a run's lease lasts unless renewed (ms, default 10,000; renewed every third of it). */
  leaseMs?: number;
  /**
   * A run taken over this many times from a coordinator that died or lost its lease while
   * running it is failed (`CoordinatorLostError`) instead of run again (default 3).
   */
  maxLosses?: number;
  /**
   * Told when the queue failed (a look for jobs, or recording a run's outcome); the
   * coordinator carries on and the job stays open to be picked up again. Default: stderr.
   */
  onError?: (error: unknown) => void;
  /** Makes each run's runner (default the queued runner; see {@link TubeJobContext}). */
  runner?: TubeJobContext['runner'];
  /** The peer network jobs asking for `runner: "p2p"` run on; without it they fail. */
  network?: TubeJobContext['network'];
}

/** How many runs per tenant a look lists beyond the coordinator's slots. */
const WAITING_PER_TENANT = 64;

/** How a run held by this coordinator stopped before its end. */
type Interruption = 'stop' | 'park' | 'lost' | 'timeout';

/** A run in this coordinator's hands. */
interface HeldRun {
  tenant: string;
  tags: string[];
  /** Runs on the peer network: never waits on workers. */
  network: boolean;
  /** Taken over from a coordinator that died: run alone, so it cannot take others down. */
  suspect: boolean;
  controller: AbortController;
  interruption?: Interruption;
  /** Cancels the timer of its deadline (`timeoutMs`), if it has one. */
  unarm: () => void;
  done: Promise<void>;
}

/**
 * Runs submitted tube jobs, each under a lease in the queue (`job_leases`), so several
 * coordinators (processes, machines) can share one queue and a dead one's runs are taken
 * over. For each run it loads the tube and runs it with the queued runner under that job
 * (node calls become the job's tasks, run by workers), then records the results and seals
 * the job. A run taken over starts again from the beginning: tasks are named by CID, so
 * calls already made are not made again and their results are reused.
 *
 * - Admission is fair across tenants, then by priority (see {@link FairAdmission}).
 * - A run that needs tags no known worker offers is not started, and one already running
 *   gives its slot back (parked, its lease released) when a run that can go on waits.
 * - A run taken over from a coordinator that never gave it back is suspect: it runs alone
 *   (nothing else is admitted meanwhile), and past `maxLosses` such take-overs it fails
 *   with a reason instead of taking coordinators down for ever.
 * - A finished run wakes the admission loop at once: a backlog drains at the pace runs
 *   finish, not at the pace of a rescan.
 */
export class Coordinator {
  /** Its name on leases. */
  readonly id: string;
  readonly #options: CoordinatorOptions;
  readonly #concurrency: number;
  readonly #leaseMs: number;
  readonly #maxLosses: number;
  readonly #held = new Map<string, HeldRun>();
  readonly #admission = new FairAdmission();
  #stopping = false;
  #loop: Promise<void> | undefined;
  #renewal: NodeJS.Timeout | undefined;
  #abort = new AbortController();
  /** When a look last found every slot taken (such looks only check for runs to park). */
  #fullLookAt = 0;
  /** Ends the admission loop's current wait (a slot was freed). */
  #wake: () => void = () => {};

  constructor(options: CoordinatorOptions) {
    this.#options = options;
    this.id = options.id ?? `coordinator-${randomBytes(6).toString('hex')}`;
    this.#concurrency = options.concurrency ?? 16;
    this.#leaseMs = options.leaseMs ?? 10_000;
    this.#maxLosses = options.maxLosses ?? 3;
  }

  /** Starts looking for jobs. */
  start(): void {
    this.#renewal = setInterval(() => void this.#renew(), Math.max(20, this.#leaseMs / 3));
    this.#loop = this.#run();
  }

  /**
   * Stops taking jobs, interrupts the runs in progress and gives their leases back: they
   * resume on the next coordinator to look, with no loss counted.
   */
  async stop(): Promise<void> {
    this.#stopping = true;
    this.#abort.abort();
    clearInterval(this.#renewal);
    await this.#loop;
    for (const run of this.#held.values()) this.#interrupt(run, 'stop');
    await Promise.allSettled([...this.#held.values()].map((run) => run.done));
  }

  async #run(): Promise<void> {
    const changes = this.#options.queue.changes;
    const pollMs = this.#options.pollMs ?? 50;
    let failures = 0;
    while (!this.#stopping) {
      // Read before the look: a job submitted (or a slot freed) during it still ends the
      // wait below.
      const version = changes.version;
      const woken = new Promise<void>((resolve) => {
        this.#wake = resolve;
      });
      let waitMs = changes.live ? RESCAN_MS : pollMs;
      try {
        await this.#admit();
        failures = 0;
      } catch (error) {
        // The database failed (locked past the busy timeout, connection lost): say so and
        // look again after a backoff, instead of taking the process down.
        failures++;
        this.#report(error);
        waitMs = Math.min(5_000, 50 * 2 ** failures);
      }
      // Wait for a commit (a submission) where the database announces them, the poll
      // interval where it cannot, or a freed slot; then let the rest of this turn of the
      // event loop bring its commits too, so a burst of them costs one look, not one each.
      const since = failures > 0 ? Number.POSITIVE_INFINITY : version;
      await Promise.race([changes.wait(since, waitMs, this.#abort.signal), woken]);
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  /** One look: park runs that wait on absent workers if others can go, admit fairly. */
  async #admit(): Promise<void> {
    const { driver } = this.#options.queue;
    if (this.#held.size >= this.#concurrency) {
      // Every commit (a worker's report) ends the wait: with no slot free, look for runs
      // to park once a rescan period, not at each.
      if (Date.now() - this.#fullLookAt < RESCAN_MS) return;
      this.#fullLookAt = Date.now();
    }
    // Beyond the free slots, each tenant's list leaves room for runs that cannot start
    // (tags no worker offers) ahead of ones that can.
    const perTenant = this.#concurrency + WAITING_PER_TENANT;
    const listed = (await admissibleJobs(driver, this.id, perTenant)).filter(
      (job) => !this.#held.has(job.id),
    );
    // A run past its deadline while it waited (for a slot, or for workers with its tags)
    // fails now rather than starting.
    const now = Date.now();
    await this.#take(listed.filter((job) => pastDeadline(job, now)));
    const waiting = listed.filter((job) => !pastDeadline(job, now));
    if (waiting.length === 0) return;
    // Both reads at once: a submission waits on each round trip before it starts.
    const [offered, held] = await Promise.all([workerTagSets(driver), heldByTenant(driver)]);
    // A job run on peers needs no worker: the network (or its absence) decides its fate.
    const servable = waiting.filter(
      (job) => runsOnNetwork(job.payload) || servedBy(jobTags(job.payload), offered),
    );
    let free = this.#concurrency - this.#held.size;
    for (const run of this.#held.values()) {
      if (free >= servable.length) break;
      if (run.interruption || run.network || servedBy(run.tags, offered)) continue;
      this.#interrupt(run, 'park'); // its slot is admitted into once it has let go
      free++;
    }
    free = this.#concurrency - this.#held.size;
    if (free <= 0 || servable.length === 0) return;
    const suspects = servable.filter((job) => job.losses > 0);
    if (suspects.length > 0 || [...this.#held.values()].some((run) => run.suspect)) {
      // A run that may take its coordinator down runs alone: wait for the others to end.
      if (this.#held.size > 0 || suspects.length === 0) return;
      await this.#take(this.#admission.pick(suspects, 1, held));
      return;
    }
    await this.#take(this.#admission.pick(servable, free, held));
  }

  /** Claims each picked run's lease and starts the runs it got. */
  async #take(picked: readonly AdmissibleJob[]): Promise<void> {
    for (const job of picked) {
      if (this.#stopping) return;
      const losses = await claimJob(this.#options.queue.driver, job.id, this.id, this.#leaseMs);
      if (losses === undefined) continue; // another coordinator took it meanwhile
      if (pastDeadline(job)) {
        await this.#fail(job, timedOut(job));
        continue;
      }
      if (losses >= this.#maxLosses) {
        await this.#fail(job, this.#lost(job, losses));
        continue;
      }
      this.#start(job, losses > 0);
      // Only one suspect at a time, and nothing beside it.
      if (losses > 0) return;
    }
  }

  #start(job: AdmissibleJob, suspect: boolean): void {
    const controller = new AbortController();
    const run: HeldRun = {
      tenant: job.tenant,
      tags: jobTags(job.payload),
      network: runsOnNetwork(job.payload),
      suspect,
      controller,
      unarm: () => {},
      done: Promise.resolve(),
    };
    if (job.deadlineAt !== undefined) {
      run.unarm = atDeadline(job.deadlineAt, () => this.#interrupt(run, 'timeout'));
    }
    this.#held.set(job.id, run);
    run.done = this.#drive(job, run)
      // The job stays open: the next look picks it up again.
      .catch((error) => this.#report(error))
      .finally(() => {
        run.unarm();
        this.#held.delete(job.id);
        this.#wake();
      });
  }

  async #drive(job: AdmissibleJob, run: HeldRun): Promise<void> {
    const { queue, recordOutcome } = this.#options;
    let outcome: TubeRunOutcome;
    try {
      // Traced, the run joins the trace its job was submitted in (docs/tracing.md).
      outcome = await traceJobRun(queue.driver, job, () =>
        runTubeJob(
          {
            queue,
            directory: this.#options.directory ?? process.cwd(),
            searchPaths: this.#options.searchPaths ?? [],
            ...(this.#options.modules ? { modules: this.#options.modules } : {}),
            ...(this.#options.runner ? { runner: this.#options.runner } : {}),
            ...(this.#options.network ? { network: this.#options.network } : {}),
          },
          job.tenant,
          job.id,
          job.payload as TubeJobPayload,
          run.controller.signal,
        ),
      );
    } catch (error) {
      if (!run.interruption) {
        // The database failed under the run (see isStorageError): it is given back, not
        // lost, or a few blips of the database would fail it as a crashing coordinator.
        if (isStorageError(error)) await this.#giveBack(job.id);
        throw error;
      }
      if (run.interruption === 'timeout') return this.#fail(job, timedOut(job));
      // Stopped or parked: give the lease back so any coordinator may take it at once; a
      // lost lease is someone else's now.
      if (run.interruption !== 'lost') await releaseJob(queue.driver, job.id, this.id);
      return;
    }
    await recordOutcome(job.tenant, job.id, outcome);
    await queue.sealJob(job.tenant, job.id).catch(() => {});
    await dropJobLease(queue.driver, job.id);
  }

  /**
   * Releases a run's lease once the database takes the write, trying (with backoff) for
   * at most a lease's length: past it the lease has expired anyway.
   */
  async #giveBack(jobId: string): Promise<void> {
    const deadline = Date.now() + this.#leaseMs;
    for (let attempt = 0; attempt < 32 && Date.now() < deadline; attempt++) {
      try {
        await releaseJob(this.#options.queue.driver, jobId, this.id);
        return;
      } catch (error) {
        if (!isStorageError(error)) return;
        const delayMs = Math.min(1_000, 25 * 2 ** attempt);
        const stopped = await sleep(delayMs, false, { signal: this.#abort.signal }).catch(
          () => true,
        );
        if (stopped) return;
      }
    }
  }

  /** Ends a run in hand with `outcome` (an error: its tasks are cancelled), and lets it go. */
  async #fail(job: AdmissibleJob, outcome: TubeRunOutcome): Promise<void> {
    const { queue, recordOutcome } = this.#options;
    await recordOutcome(job.tenant, job.id, outcome);
    await queue.sealJob(job.tenant, job.id).catch(() => {});
    await dropJobLease(queue.driver, job.id);
  }

  /** The outcome of a run that kept taking its coordinators down. */
  #lost(job: AdmissibleJob, losses: number): TubeRunOutcome {
    return {
      error: {
        code: 'CoordinatorLostError',
        message: `job ${job.id}'s coordinator died or lost its lease ${losses} times while running it (limit ${this.#maxLosses}); the job is failed instead of being run again. Look for a node that crashes the process (exits, runs out of memory) or blocks it for longer than the lease (${this.#leaseMs} ms)`,
        details: { losses, maxLosses: this.#maxLosses, leaseMs: this.#leaseMs },
      },
    };
  }

  #interrupt(run: HeldRun, why: Interruption): void {
    run.interruption ??= why;
    run.controller.abort(new Error(`the coordinator's run was interrupted (${why})`));
  }

  /** Renews the leases of the runs in hand; a run whose lease was taken over stops here. */
  async #renew(): Promise<void> {
    const ids = [...this.#held.keys()];
    try {
      const lost = await renewJobs(this.#options.queue.driver, this.id, ids, this.#leaseMs);
      for (const id of lost) {
        const run = this.#held.get(id);
        if (run) this.#interrupt(run, 'lost');
      }
    } catch (error) {
      this.#report(error);
    }
  }

  #report(error: unknown): void {
    if (this.#options.onError) this.#options.onError(error);
    else
      process.stderr.write(
        `noob coordinator: the queue failed (${(error as Error)?.message ?? error})\n`,
      );
  }
}

/** Whether some worker offers every tag in `needed`. */
function servedBy(needed: readonly string[], offered: readonly (readonly string[])[]): boolean {
  return offered.some((tags) => needed.every((tag) => tags.includes(tag)));
}
