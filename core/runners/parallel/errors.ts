import { NoobError } from '../../errors.ts';

/** A worker thread died (crashed, `process.exit()`, out of memory) while running a call. */
export class WorkerThreadExitedError extends NoobError {
  override name = 'WorkerThreadExitedError' as const;
  /** The thread's id (`worker.threadId`). */
  readonly threadId: number;
  /** Its exit code. */
  readonly exitCode: number;

  constructor(message: string, threadId: number, exitCode: number, options?: { cause?: unknown }) {
    super(message, options);
    this.threadId = threadId;
    this.exitCode = exitCode;
  }
}

/**
 * A stateful node's thread died, so its state (class instance, generator position) is
 * gone. The run cannot go on faithfully: `deinit()` and `init()` the runner to start over.
 */
export class StatefulNodeLostError extends NoobError {
  override name = 'StatefulNodeLostError' as const;
  readonly nodeId: string;

  constructor(nodeId: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.nodeId = nodeId;
  }
}
