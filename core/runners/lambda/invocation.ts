// A namespace import lets a bundler keep only the parts of zod in use (the worker Lambda's
// bundle: about 170 KiB of zod instead of 740, parsed at every cold start).
import * as z from 'zod';

/**
 * What the lambda runner's dispatcher sends a worker Lambda, and what the worker answers:
 * a work reference, never a payload (an async invoke carries at most 1 MB, and a task's
 * inputs live in the queue already). The worker claims by lease in the database, so a
 * duplicate or late invocation finds nothing to claim and does nothing.
 */
export const workerInvocation = z
  .object({
    claim: z
      .object({
        /** Tasks per claim, that is per transaction (default: the worker's concurrency). */
        max: z.number().int().min(1).max(1_000).optional(),
        /** Tags the worker offers; tasks requiring others are left alone. */
        tags: z.array(z.string().min(1)).max(64).optional(),
        /** Stop after this many tasks in all (default: until the queue is empty or time runs out). */
        limit: z.number().int().min(1).optional(),
        /**
         * Once the queue has nothing, keep looking this long for new work before returning
         * (ms, default 0): a run that adds its tasks one after another is served by the
         * invocation already running instead of one per task.
         */
        idleMs: z.number().int().min(0).max(60_000).optional(),
      })
      .strict(),
  })
  .strict();

/** A worker invocation's event. */
export type WorkerInvocation = z.infer<typeof workerInvocation>;

/** Whether an environment uses the native addon (see native/load.ts). */
export interface NativeInUse {
  addon: boolean;
  /** The `.node` file loaded, or looked for. */
  path: string;
  /** Why the twin runs instead (absent when the addon is used). */
  reason?: string;
}

/**
 * What an environment's cold start cost, in ms, told by the invocation that found the
 * environment new: from the process's start until the handler's modules were loaded
 * (Node, the runtime client and every import), then the native addon's load, the queue
 * connection (with its schema check) and the worker's registration. Whatever of these ran
 * during Lambda's init phase, before the invocation arrived, cost the invocation nothing.
 */
export interface ColdStart {
  modulesMs: number;
  addonMs: number;
  connectionMs: number;
  registerMs: number;
  /**
   * CPU time the process had used (user and system) once its components were built: the
   * cold start's work, which a busy machine does not stretch as it does the times above.
   */
  cpuMs: number;
}

/** What a worker invocation did. */
export type WorkerReport =
  | {
      ok: true;
      /** The queue worker id this environment claims as. */
      workerId: string;
      /** Claim-and-complete transactions. */
      rounds: number;
      claimed: number;
      /** Results the queue accepted. */
      succeeded: number;
      /** Results refused because the lease was lost meanwhile (the task ran elsewhere). */
      refused: number;
      /** Tasks whose failure was recorded (retried later, or dead). */
      failed: number;
      /** Why it stopped claiming: the queue had no more work, time or the limit ran out. */
      stoppedBy: 'empty' | 'time' | 'limit';
      /** What computes task CIDs here: the native addon (and its file) or the TypeScript twin, and why. */
      native: NativeInUse;
      /** Said by the first invocation of an environment only. */
      coldStart?: ColdStart;
    }
  | {
      ok: false;
      error: { code: string; message: string; details?: unknown };
    };
