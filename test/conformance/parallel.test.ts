import { ParallelRunner } from '../../core/runners/parallel/runner.ts';
import { describeConformance } from './suite.ts';

/** The whole conformance suite on the parallel runner with 2 worker threads. */
describeConformance('parallel (2 threads)', (tube) => new ParallelRunner(tube, { workers: 2 }), {
  // Node modules load again in each thread: the suite cannot count init/deinit calls here.
  nodesInProcess: false,
});
