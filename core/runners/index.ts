/**
 * noob's runners: one interface, several places for node calls to run. Each passes the
 * same conformance suite.
 */

export { EngineRunner, type EngineRunnerOptions, type RemoteExecutor } from './engine-runner.ts';
export { NodeRunError, RunCancelledError, RunnerStateError, TubeExhaustedError } from './errors.ts';
export {
  StatefulNodeLostError,
  WorkerThreadExitedError,
} from './parallel/errors.ts';
export { ParallelRunner, type ParallelRunnerOptions } from './parallel/runner.ts';
export type { Runner, RunnerEvents, RunOptions } from './runner.ts';
export { LiveObjectError } from './sendable.ts';
export { SyncRunner } from './sync.ts';
