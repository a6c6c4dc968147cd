import type { ModulePolicy } from '../../core/node/module-policy.ts';
import { RESCAN_MS } from '../../core/queue/changes.ts';
import { openTubeJobs } from '../../core/queue/coordination.ts';
import type { Queue } from '../../core/queue/queue.ts';
import { QueuedRunner } from '../../core/runners/queued/runner.ts';
import { loadStoredTube, type RegisteredIdentity } from '../api/tube-source.ts';

/** What a tube run ended with. */
export type TubeRunOutcome =
  | { results: unknown[] }
  | { error: { code: string; message: string; details?: unknown } };

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
  /** Tube runs at once (default 4). */
  concurrency?: number;
  /** Wait between looks for new jobs when the database cannot announce commits (default 50 ms). */
  pollMs?: number;
  /**
   * Told when the queue failed (a look for jobs, or recording a run's outcome); the
   * coordinator carries on and the job stays open to be picked up again. Default: stderr.
   */
  onError?: (error: unknown) => void;
}

/** What a submitted tube job carries (see the job API). */
interface TubeJobPayload {
  tube: string;
  /** The registered tube `tube` was accepted as (absent for text of the submitter's own). */
  registered?: RegisteredIdentity;
  inputs?: Record<string, unknown>;
  epochs?: number;
  tags?: string[];
}

/**
 * Runs submitted tube jobs: for each open tube job it loads the tube and runs it with the
 * queued runner under that job (node calls become the job's tasks, run by workers), then
 * records the results and seals the job. After a crash, a restarted coordinator picks up
 * every job still open and runs it again from the start: tasks are named by CID, so the
 * calls already made are not made again and their results are reused.
 */
export class Coordinator {
  readonly #options: CoordinatorOptions;
  readonly #active = new Map<string, Promise<void>>();
  #stopping = false;
  #loop: Promise<void> | undefined;
  #abort = new AbortController();

  constructor(options: CoordinatorOptions) {
    this.#options = options;
  }

  /** Starts looking for jobs. */
  start(): void {
    this.#loop = this.#run();
  }

  /** Stops taking jobs and cancels the runs in progress (they resume on the next start). */
  async stop(): Promise<void> {
    this.#stopping = true;
    this.#abort.abort();
    await this.#loop;
    await Promise.allSettled(this.#active.values());
  }

  async #run(): Promise<void> {
    const concurrency = this.#options.concurrency ?? 4;
    const changes = this.#options.queue.changes;
    const pollMs = this.#options.pollMs ?? 50;
    let failures = 0;
    while (!this.#stopping) {
      // Read before the scan: a job submitted during it still wakes the wait below.
      const version = changes.version;
      let waitMs = changes.live ? RESCAN_MS : pollMs;
      try {
        if (this.#active.size < concurrency) {
          const jobs = await openTubeJobs(this.#options.queue.driver, concurrency * 4);
          for (const job of jobs) {
            if (this.#active.size >= concurrency) break;
            if (this.#active.has(job.id)) continue;
            const run = this.#runJob(job.tenant, job.id, job.payload as TubeJobPayload)
              // The job stays open: the next scan picks it up again.
              .catch((error) => this.#report(error))
              .finally(() => this.#active.delete(job.id));
            this.#active.set(job.id, run);
          }
        }
        failures = 0;
      } catch (error) {
        // The database failed (locked past the busy timeout, connection lost): say so and
        // look again after a backoff, instead of taking the server down.
        failures++;
        this.#report(error);
        waitMs = Math.min(5_000, 50 * 2 ** failures);
      }
      // Wait for a commit (a submission, a finished run) where the database announces
      // them, the poll interval where it cannot; then let the rest of this turn of the
      // event loop bring its commits too, so a burst of them costs one scan, not one each.
      if (failures > 0) await changes.wait(Infinity, waitMs, this.#abort.signal);
      else await changes.wait(version, waitMs, this.#abort.signal);
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  #report(error: unknown): void {
    if (this.#options.onError) this.#options.onError(error);
    else
      process.stderr.write(
        `noob coordinator: the queue failed (${(error as Error)?.message ?? error})\n`,
      );
  }

  async #runJob(tenant: string, jobId: string, payload: TubeJobPayload): Promise<void> {
    const { queue, recordOutcome } = this.#options;
    let outcome: TubeRunOutcome;
    try {
      // Loaded as the job API checked it (the same module policy and trust): a registered
      // tube's text keeps the trust of its file even if the file was edited since.
      if (typeof payload.tube !== 'string')
        throw new TypeError(`job ${jobId} carries no tube (its payload needs "tube": YAML text)`);
      const { tube } = await loadStoredTube(
        payload.tube,
        registeredOf(payload),
        payload.inputs ?? {},
        {
          name: `job ${jobId}`,
          directory: this.#options.directory ?? process.cwd(),
          tubePaths: this.#options.searchPaths ?? [],
          ...(this.#options.modules ? { modules: this.#options.modules } : {}),
        },
      );
      const runner = new QueuedRunner(tube, {
        queue,
        tenant,
        jobId,
        ...(payload.tags ? { tags: payload.tags } : {}),
      });
      try {
        outcome = {
          results: await runner.run(payload.epochs ?? 1, { signal: this.#abort.signal }),
        };
      } finally {
        await runner.deinit();
      }
    } catch (error) {
      if (this.#stopping) return; // cancelled by stop(): the job stays open and resumes later
      const named = error as { name?: string; message?: string; problems?: unknown };
      outcome = {
        error: {
          code: named.name ?? 'Error',
          message: named.message ?? String(error),
          ...(named.problems ? { details: named.problems } : {}),
        },
      };
    }
    await recordOutcome(tenant, jobId, outcome);
    await queue.sealJob(tenant, jobId).catch(() => {});
  }
}

/** The payload's registered identity, if it is a well-formed one. */
function registeredOf(payload: TubeJobPayload): RegisteredIdentity | undefined {
  const registered = payload.registered as Partial<RegisteredIdentity> | undefined;
  return typeof registered?.id === 'string' && typeof registered.path === 'string'
    ? { id: registered.id, path: registered.path }
    : undefined;
}
