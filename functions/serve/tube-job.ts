import type { ModulePolicy } from '../../core/node/module-policy.ts';
import type { Queue } from '../../core/queue/queue.ts';
import { QueuedRunner, type QueuedRunnerOptions } from '../../core/runners/queued/runner.ts';
import type { Runner } from '../../core/runners/runner.ts';
import { recordVerifiedResults } from '../../core/settlement/record.ts';
import type { Tube } from '../../core/tube/tube.ts';
import type { Verification } from '../../peers/messages.ts';
import { loadStoredTube, type RegisteredIdentity } from '../api/tube-source.ts';
import {
  CallOutput,
  captureOutput,
  defaultMaxLogBytes,
  terminalEcho,
} from '../worker/output-capture.ts';
import { watchCancel } from './cancel-watch.ts';
import { EpochProgress } from './epoch-progress.ts';
import { NoPeerNetworkError } from './errors.ts';
import { NetworkProgress } from './network-progress.ts';
import type { NetworkVerdict, PeerNetwork } from './peer-network.ts';
import type { JobSettlement } from './settlement-recorder.ts';
import { isStorageError } from './storage-error.ts';

/**
 * Node calls a job's run keeps in the queue at once. Large enough that a map of a few
 * hundred items goes in as one write and workers drain it without waiting on the run
 * (with 32, a 100-item map went in four waves, each waiting for the run to see the last
 * one's results), small enough to bound one write and the run's memory.
 */
const RUN_IN_FLIGHT = 256;

/** What a tube run ended with (and, run on the peer network, how it was verified). */
export type TubeRunOutcome = (
  | { results: unknown[] }
  | { error: { code: string; message: string; details?: unknown } }
) & { verdict?: NetworkVerdict };

/** What a submitted tube job carries (see the job API). */
export interface TubeJobPayload {
  tube: string;
  /** The registered tube `tube` was accepted as (absent for text of the submitter's own). */
  registered?: RegisteredIdentity;
  inputs?: Record<string, unknown>;
  epochs?: number;
  tags?: string[];
  /** `p2p`: the node calls go to the peer network (`tags` are then the peers'). */
  runner?: 'queued' | 'p2p';
  /** How the network verifies them (default trusted). */
  verification?: Verification;
  /**
   * Pay the executors of its accepted calls from this on-chain escrow (p2p only): each
   * is recorded in `settlement_results` for the settlement function.
   */
  settlement?: JobSettlement;
}

/** Where a tube job's tube is loaded from, and what it may load. */
export interface TubeJobContext {
  queue: Queue;
  /** Folder for `./module.ts#export` types and tubes by noob_id. */
  directory: string;
  /** Folders of registered tubes (what `extends` and nested tubes search), as the API's. */
  searchPaths: readonly string[];
  /** Module types submitted tubes may use, as the API's. */
  modules?: ModulePolicy;
  /**
   * Makes the run's runner (default the queued runner; on AWS the lambda runner, whose
   * dispatcher invokes worker Lambdas for the job's tasks).
   */
  runner?: (tube: Tube, options: QueuedRunnerOptions) => Runner;
  /** The peer network that jobs asking for `runner: "p2p"` run on (`--peers`). */
  network?: PeerNetwork;
}

/**
 * Runs one tube job to its outcome: loads the tube as the job API checked it (the same
 * module policy and trust: a registered tube's text keeps its file's trust even if the
 * file was edited since) and runs it with the queued runner under the job, so node calls
 * become the job's tasks. A failure becomes the outcome's error; when `signal` aborts, or
 * the database failed (a full disk), the run's error is thrown instead (the run was
 * interrupted, not finished).
 */
export async function runTubeJob(
  context: TubeJobContext,
  tenant: string,
  jobId: string,
  payload: TubeJobPayload,
  signal: AbortSignal,
): Promise<TubeRunOutcome> {
  try {
    if (typeof payload.tube !== 'string')
      throw new TypeError(`job ${jobId} carries no tube (its payload needs "tube": YAML text)`);
    const { tube } = await loadStoredTube(
      payload.tube,
      registeredOf(payload),
      payload.inputs ?? {},
      {
        name: `job ${jobId}`,
        directory: context.directory,
        tubePaths: context.searchPaths,
        ...(context.modules ? { modules: context.modules } : {}),
      },
    );
    const options: QueuedRunnerOptions = {
      queue: context.queue,
      tenant,
      jobId,
      maxInFlight: RUN_IN_FLIGHT,
      ...(payload.tags ? { tags: payload.tags } : {}),
    };
    const calls = new NetworkProgress(context.queue, tenant, jobId);
    const network = runsOnNetwork(payload)
      ? networkRun(context, { tenant, jobId, payload, tube, calls })
      : undefined;
    const runner =
      network?.runner ?? context.runner?.(tube, options) ?? new QueuedRunner(tube, options);
    const verdict = () => (network ? { verdict: network.verdict() } : {});
    const progress = new EpochProgress(context.queue, tenant, jobId);
    // A root epoch's result comes just before its count: both are written together.
    const unsubscribeEpochs = runner.on('epoch', ({ epoch, result }) =>
      progress.result(epoch, result),
    );
    const unsubscribe = runner.on('progress', ({ completed }) => progress.record(completed));
    // What the run prints here (its stateful nodes run in this process) is the job's too.
    const output = new CallOutput({
      maxBytes: defaultMaxLogBytes(),
      label: `[job ${jobId} coordinator]`,
      echo: terminalEcho,
    });
    // A run on peers makes no tasks to be cancelled with the job: it looks for itself.
    const cancel = network ? watchCancel(context.queue, tenant, jobId, signal) : undefined;
    try {
      progress.record(0);
      // A run on peers counts its own calls, from zero (no task counts them).
      if (network) calls.record({ total: 0, done: 0, failed: 0, cancelled: 0 });
      const epochs = payload.epochs ?? 1;
      const results = await captureOutput(output, () =>
        runner.run(epochs, { signal: cancel?.signal ?? signal }),
      );
      return { results, ...verdict() };
    } catch (error) {
      // What the network accepted before the failure is part of the failed job's story.
      if (network && error && typeof error === 'object')
        (error as { verdict?: NetworkVerdict }).verdict ??= network.verdict();
      throw error;
    } finally {
      cancel?.stop();
      unsubscribe();
      unsubscribeEpochs();
      await progress.settled();
      // Its last counts before its outcome: the job finishes once they add up (see
      // job_network_calls.sql), and its logs hold what the peers printed.
      await network?.settled();
      await calls.settled();
      await keepCoordinatorOutput(context.queue, tenant, jobId, output);
      await runner.deinit();
    }
  } catch (error) {
    // Interrupted, or the database failed under it: not the job's outcome. It stays open
    // and runs again (see isStorageError).
    if (signal.aborted || isStorageError(error)) throw error;
    const named = error as {
      name?: string;
      message?: string;
      problems?: unknown;
      verdict?: NetworkVerdict;
    };
    return {
      error: {
        code: named.name ?? 'Error',
        message: named.message ?? String(error),
        ...(named.problems ? { details: named.problems } : {}),
      },
      ...(named.verdict ? { verdict: named.verdict } : {}),
    };
  }
}

/**
 * Keep what a run printed in its coordinator with the job (no task: `taskId` null; the
 * coordinator cannot tell which of its nodes printed, so `node` and `epoch` are empty).
 * Output is news, not results: a failed write is dropped.
 */
async function keepCoordinatorOutput(
  queue: Queue,
  tenant: string,
  jobId: string,
  output: CallOutput,
): Promise<void> {
  const chunks = output.close().map((chunk) => ({ ...chunk, node: '', epoch: '' }));
  await queue.addJobLogs(tenant, jobId, chunks).catch(() => undefined);
}

/** Whether a job's node calls go to the peer network (`runner: "p2p"`). */
export function runsOnNetwork(payload: unknown): boolean {
  return (payload as TubeJobPayload | null)?.runner === 'p2p';
}

/** The job's run on the coordinator's peer network; a clear error when it has none. */
function networkRun(
  context: TubeJobContext,
  job: {
    tenant: string;
    jobId: string;
    payload: TubeJobPayload;
    tube: Tube;
    calls: NetworkProgress;
  },
) {
  const { tenant, jobId, payload, tube, calls } = job;
  if (!context.network)
    throw new NoPeerNetworkError(
      `job ${jobId} asks for runner "p2p", and this coordinator has no peer network: start it (or noob serve) with --peers ADDR, the address a noob peer prints`,
    );
  return context.network.run(tube, {
    verification: payload.verification ?? { mode: 'trusted' },
    tags: payload.tags ?? [],
    // What a node printed on its peer is the job's, as a queued worker's call's is.
    keepOutput: (chunks) => context.queue.addJobLogs(tenant, jobId, chunks),
    onCalls: (counts) => calls.record(counts),
    ...(payload.settlement
      ? {
          settlement: {
            jobId,
            escrow: payload.settlement.escrow,
            reward: payload.settlement.reward,
            record: (rows) => recordVerifiedResults(context.queue, rows),
          },
        }
      : {}),
  });
}

/** The tags a job's tasks need from workers (every one; none for a job run on peers). */
export function jobTags(payload: unknown): string[] {
  if (runsOnNetwork(payload)) return [];
  const tags = (payload as TubeJobPayload | null)?.tags;
  return Array.isArray(tags) ? tags.filter((tag): tag is string => typeof tag === 'string') : [];
}

/** The payload's registered identity, if it is a well-formed one. */
function registeredOf(payload: TubeJobPayload): RegisteredIdentity | undefined {
  const registered = payload.registered as Partial<RegisteredIdentity> | undefined;
  return typeof registered?.id === 'string' && typeof registered.path === 'string'
    ? { id: registered.id, path: registered.path }
    : undefined;
}
