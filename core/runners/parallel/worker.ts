/**
 * The worker-thread entry of the parallel runner. It re-loads the tube (node modules load
 * here, in this thread), builds a {@link NodeHost} holding only the pinned nodes this
 * thread owns, then runs the calls the main thread posts, one message per call.
 */
import { pathToFileURL } from 'node:url';
import { isMarkedAsUntransferable, parentPort, workerData } from 'node:worker_threads';
import { Epoch } from '../../epoch.ts';
import { NoEvent } from '../../events.ts';
import type { NodeRegistry } from '../../node/registry.ts';
import { loadTubeFromText } from '../../tube/load.ts';
import { isPromise, NodeHost } from '../node-host.ts';
import { createPlan, type ExecutionPlan } from '../plan.ts';
import { EXHAUSTED } from '../scheduler.ts';
import { checkSendableOutputs } from '../sendable.ts';
import { type FromWorker, serializeError, type ToWorker, type WorkerSetup } from './protocol.ts';

const port = parentPort!;
const setup = workerData as WorkerSetup;
const pinned = new Set(setup.pinned);
const calls = new Map<number, AbortController>();
const lifetime = new AbortController();
let plan: ExecutionPlan;
let host: NodeHost;

const post = (message: FromWorker, transfer: ArrayBuffer[] = []) =>
  port.postMessage(message, transfer);

async function start(): Promise<void> {
  const registry = setup.registryModule ? await importRegistry(setup.registryModule) : undefined;
  const tube = await loadTubeFromText(JSON.stringify(setup.tube.spec), {
    file: setup.tube.file,
    directory: setup.tube.directory,
    searchPaths: setup.tube.searchPaths,
    input: { ...setup.tube.input },
    ...(registry ? { registry } : {}),
  });
  plan = createPlan(tube);
  const ids = plan.nodes.map((node) => node.id).join(',');
  if (ids !== setup.nodeIds.join(',')) {
    throw new Error(`worker thread built a different plan (${ids}) from the main thread's`);
  }
  const owned = new Set(setup.owned);
  host = new NodeHost(plan);
  await host.init(lifetime.signal, (node) => !owned.has(node.index));
}

async function importRegistry(path: string): Promise<NodeRegistry> {
  const module = await import(pathToFileURL(path).href);
  const registry = module.registry ?? module.default;
  if (typeof registry?.resolveNode !== 'function')
    throw new TypeError(`registry module ${path} exports no NodeRegistry as "registry" or default`);
  return registry;
}

async function call(message: Extract<ToWorker, { type: 'call' }>): Promise<void> {
  const controller = new AbortController();
  calls.set(message.id, controller);
  try {
    const node = plan.nodes[message.node]!;
    const context = {
      nodeId: node.id,
      epoch: Epoch.parse(message.epoch),
      signal: controller.signal,
    };
    let raw = host.call(node, message.inputs, context);
    if (isPromise(raw)) raw = await raw;
    const outputs = host.toOutputs(node, raw);
    if (outputs === EXHAUSTED) {
      post({ type: 'result', id: message.id, exhausted: true, values: [], silent: [] });
      return;
    }
    const values: unknown[] = [];
    const silent: number[] = [];
    outputs.forEach((value, i) => {
      if (value === NoEvent) silent.push(i);
      values.push(value === NoEvent ? null : value);
    });
    // A structured clone drops a prototype silently and fails on a function obscurely.
    const signals = node.node.signals;
    checkSendableOutputs(
      node.id,
      values.map((value, i) => [signals[i]!, value] as const),
      'clone',
      'a worker thread',
    );
    // A stateless node is done with what it returned: its buffers move instead of being
    // copied. A pinned node may keep a reference as state, so its outputs are copied.
    const transfer = pinned.has(node.index) ? [] : transferables(values);
    post({ type: 'result', id: message.id, exhausted: false, values, silent }, transfer);
  } catch (error) {
    post({ type: 'error', id: message.id, error: serializeError(error) });
  } finally {
    calls.delete(message.id);
  }
}

/** ArrayBuffers behind typed arrays, DataViews and bare buffers, a few levels deep. */
function transferables(values: unknown[]): ArrayBuffer[] {
  const found = new Set<ArrayBuffer>();
  let budget = 1000;
  const visit = (value: unknown, depth: number) => {
    if (budget-- <= 0 || value === null || typeof value !== 'object') return;
    if (value instanceof ArrayBuffer) found.add(value);
    else if (ArrayBuffer.isView(value)) {
      if (value.buffer instanceof ArrayBuffer) found.add(value.buffer);
    } else if (depth < 3 && Array.isArray(value)) for (const item of value) visit(item, depth + 1);
    else if (depth < 3 && Object.getPrototypeOf(value) === Object.prototype)
      for (const item of Object.values(value)) visit(item, depth + 1);
  };
  for (const value of values) visit(value, 0);
  // Node's pooled Buffer memory cannot move (it is shared with other Buffers).
  return [...found].filter((buffer) => !isMarkedAsUntransferable(buffer));
}

async function deinit(): Promise<void> {
  lifetime.abort();
  for (const controller of calls.values()) controller.abort();
  try {
    await host?.deinit();
    post({ type: 'deinited' });
  } catch (error) {
    post({ type: 'deinited', error: serializeError(error) });
  }
}

port.on('message', (message: ToWorker) => {
  if (message.type === 'call') void call(message);
  else if (message.type === 'abort') calls.get(message.id)?.abort();
  else void deinit();
});

start().then(
  () => post({ type: 'ready' }),
  (error: unknown) => {
    const failed = serializeError(error);
    if (failed.name === 'TubeLoadError' && !setup.registryModule) {
      failed.message +=
        '\n  (worker threads load the tube again and see built-ins, the standard library and user modules only; for types registered with createRegistry().register, pass the ParallelRunner a registryModule that exports the registry)';
    }
    post({ type: 'failed', error: failed });
  },
);
