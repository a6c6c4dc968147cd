/**
 * Messages between the parallel runner (main thread) and its worker threads. Values cross
 * by structured clone; a node's outputs come back with their typed arrays and buffers
 * transferred when that is safe (see `worker.ts`).
 */

/** What a worker thread needs to rebuild the tube: a `Tube` holds functions, so it cannot be posted. */
export interface TubeSource {
  /** The merged specification (JSON is valid YAML, so the worker loads it as tube text). */
  spec: Readonly<Record<string, unknown>>;
  /** The tube's file (or name), for messages. */
  file: string;
  /** Folder user modules (`./nodes.ts#x`) and nested tubes resolve against. */
  directory: string;
  searchPaths: readonly string[];
  /** Tube-scoped input values the tube was bound with. */
  input: Readonly<Record<string, unknown>>;
}

/** The `workerData` of one thread. */
export interface WorkerSetup {
  tube: TubeSource;
  /** Node ids in plan order: the worker checks its own plan numbers nodes the same way. */
  nodeIds: readonly string[];
  /** Indices of the pinned (stateful) nodes this thread owns: only it instantiates them. */
  owned: readonly number[];
  /** Indices of every pinned node (their outputs are copied, never transferred). */
  pinned: readonly number[];
  /** A module whose `registry` (or default) export is the NodeRegistry to load the tube with. */
  registryModule?: string | undefined;
}

/** An error as it crosses threads: enough to rebuild its name, message and stack. */
export interface SerializedError {
  name: string;
  message: string;
  stack?: string | undefined;
}

/** Main → worker. */
export type ToWorker =
  | {
      type: 'call';
      id: number;
      node: number;
      epoch: string;
      inputs: Record<string, unknown>;
    }
  | { type: 'abort'; id: number }
  | { type: 'deinit' };

/** Worker → main. */
export type FromWorker =
  | { type: 'ready' }
  | { type: 'failed'; error: SerializedError }
  | {
      type: 'result';
      id: number;
      exhausted: boolean;
      /** One value per output signal; entries listed in `silent` did not fire. */
      values: unknown[];
      silent: number[];
    }
  | { type: 'error'; id: number; error: SerializedError }
  | { type: 'deinited'; error?: SerializedError | undefined };

/** Flattens an error for postMessage (class identity does not survive a thread boundary). */
export function serializeError(error: unknown): SerializedError {
  if (error instanceof Error) {
    const message =
      error instanceof AggregateError && error.errors.length > 0
        ? `${error.message}: ${error.errors.map((e) => (e instanceof Error ? e.message : String(e))).join('; ')}`
        : error.message;
    return { name: error.name, message, stack: error.stack };
  }
  return { name: 'Error', message: String(error) };
}

/** Rebuilds an error posted by a worker: same name, message and stack, plain `Error` class. */
export function restoreError(serialized: SerializedError): Error {
  const error = new Error(serialized.message);
  error.name = serialized.name;
  if (serialized.stack) error.stack = serialized.stack;
  return error;
}
