import {
  ATTR_EPOCH,
  ATTR_EPOCHS,
  ATTR_NODE_ID,
  ATTR_NODE_TYPE,
  ATTR_RUNNER,
  ATTR_TUBE_ID,
} from './attributes.ts';
import { tracingEnabled } from './enabled.ts';
import { inSpan } from './span.ts';

/**
 * Runs one node call made in this process (the sync runner's calls, a coordinator's
 * stateful nodes) inside a `call NODE` span (internal), a child of whatever span is
 * active (a `noob run`'s `run tube`, a coordinator's `run job`), with the node id, type
 * and epoch. A throw marks it failed. Only called when tracing is on.
 */
export function traceLocalCall<T>(
  call: { nodeId: string; type: string; epoch: string },
  run: () => Promise<T>,
): Promise<T> {
  const attributes = {
    [ATTR_NODE_ID]: call.nodeId,
    [ATTR_NODE_TYPE]: call.type,
    [ATTR_EPOCH]: call.epoch,
  };
  return inSpan({ name: `call ${call.nodeId}`, attributes }, run);
}

/**
 * Runs `noob run`'s whole run inside a `run tube` span (internal, a trace's root), so
 * every call it makes, here or on HTTP workers, is in one trace. With tracing off, `run`
 * runs alone.
 */
export function traceTubeRun<T>(
  tube: { id: string; runner: string; epochs: number },
  run: () => Promise<T>,
): Promise<T> {
  if (!tracingEnabled()) return run();
  const attributes = {
    [ATTR_TUBE_ID]: tube.id,
    [ATTR_RUNNER]: tube.runner,
    [ATTR_EPOCHS]: tube.epochs,
  };
  return inSpan({ name: 'run tube', attributes }, run);
}
