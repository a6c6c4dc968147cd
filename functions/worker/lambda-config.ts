import type { ModulePolicy } from '../../core/node/module-policy.ts';
import { openRemoteQueue } from '../../core/queue/open-remote.ts';
import type { ColdStart, NativeInUse } from '../../core/runners/lambda/invocation.ts';
import { sharedNative } from '../../native/load.ts';
import { TaskExecutor } from './executor.ts';
import { LambdaWorker } from './lambda-worker.ts';

/**
 * The worker Lambda's components, built once per cold start from its environment (set by
 * the deployment, see infra/): the queue connection, the node registry and its module
 * policy, the worker id under which this environment claims.
 *
 * - `NOOB_QUEUE_URL` (required): the libSQL server (`libsql://…` Turso, `http://…` sqld;
 *   a file path is refused: a Lambda shares no disk);
 *   `NOOB_QUEUE_TOKEN` its auth token.
 * - `NOOB_ALLOW_MODULES`: module types tasks may load, as `noob worker --allow-modules`
 *   takes them (`*` for all, or packages and folders separated by commas); default none.
 * - `NOOB_WORKER_CONCURRENCY`, `NOOB_LEASE_MS`, `NOOB_RESERVE_MS`: see {@link LambdaWorker}.
 * - `NOOB_NATIVE_PATH`: the native addon in the bundle (set by the deployment when it
 *   carries one); without it the TypeScript twins run. Said once in the log, and in
 *   every report.
 *
 * `spent` is told how long each step took (ms): the addon, the connection, the registration.
 */
export async function lambdaWorkerFromEnv(
  env: Record<string, string | undefined>,
  spent: (step: Exclude<keyof ColdStart, 'modulesMs'>, ms: number) => void = () => {},
): Promise<LambdaWorker> {
  const url = env.NOOB_QUEUE_URL;
  if (!url) throw new TypeError('NOOB_QUEUE_URL is not set: the worker has no queue to claim from');
  if (!/^(libsql|https?|wss?):\/\//i.test(url))
    throw new TypeError(
      `NOOB_QUEUE_URL must be a libSQL server's URL (libsql://, http(s)://, ws(s)://), got "${url}": a Lambda shares no disk with the coordinator`,
    );
  let since = performance.now();
  const lap = (step: Exclude<keyof ColdStart, 'modulesMs'>) => {
    const now = performance.now();
    spent(step, now - since);
    since = now;
  };
  const native = nativeInUse();
  lap('addonMs');
  // The remote driver alone: the embedded one's native package is not loaded at all.
  const queue = await openRemoteQueue(
    url,
    env.NOOB_QUEUE_TOKEN ? { authToken: env.NOOB_QUEUE_TOKEN } : {},
  );
  lap('connectionMs');
  // One worker id per environment: its leases survive from one invocation to the next.
  const workerId = `lambda-${env.AWS_LAMBDA_LOG_STREAM_NAME ?? crypto.randomUUID()}`.replace(
    /[^\w.:-]/g,
    '-',
  );
  await queue.registerWorker(workerId, []);
  lap('registerMs');
  console.log(
    native.addon
      ? `noob worker: native addon in use (${native.path})`
      : `noob worker: native addon not used, TypeScript twins run: ${native.reason}`,
  );
  return new LambdaWorker({
    native,
    queue,
    workerId,
    executor: new TaskExecutor({ modules: modulePolicy(env.NOOB_ALLOW_MODULES) }),
    ...optionalInt(env.NOOB_WORKER_CONCURRENCY, 'concurrency'),
    ...optionalInt(env.NOOB_LEASE_MS, 'leaseMs'),
    ...optionalInt(env.NOOB_RESERVE_MS, 'reserveMs'),
  });
}

/** The addon core/cid.ts uses in this process (loaded once, from `NOOB_NATIVE_PATH` if set). */
function nativeInUse(): NativeInUse {
  const { addon, path, reason } = sharedNative();
  return addon ? { addon: true, path } : { addon: false, path, reason };
}

function modulePolicy(value: string | undefined): ModulePolicy {
  if (!value) return 'deny';
  if (value === '*') return 'allow';
  return {
    allow: value
      .split(',')
      .map((entry) => entry.trim())
      .filter(Boolean),
  };
}

function optionalInt(value: string | undefined, key: string): Record<string, number> {
  if (value === undefined || value === '') return {};
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0)
    throw new TypeError(`the worker's ${key} setting must be a whole number, got "${value}"`);
  return { [key]: number };
}
