import type { ModulePolicy } from '../../core/node/module-policy.ts';
import { openQueue } from '../../core/queue/open.ts';
import { createApiApp } from './app.ts';

/**
 * The API Lambda's app, built once per cold start from its environment (set by the
 * deployment, see infra/): the same Hono app `noob serve` runs, over the remote queue.
 *
 * - `NOOB_QUEUE_URL` (required): the libSQL server (`libsql://…` Turso, `http://…` sqld);
 *   `NOOB_QUEUE_TOKEN` its auth token. It also holds the API keys.
 * - `NOOB_TUBE_PATHS`: folders of registered tubes in the bundle, separated by commas.
 * - `NOOB_ALLOW_MODULES`: module types submitted tubes may use (`*` or a comma list); default none.
 */
export async function apiAppFromEnv(env: Record<string, string | undefined>) {
  const url = env.NOOB_QUEUE_URL;
  if (!url) throw new TypeError('NOOB_QUEUE_URL is not set: the API has no queue for its jobs');
  const queue = await openQueue(
    url,
    env.NOOB_QUEUE_TOKEN ? { authToken: env.NOOB_QUEUE_TOKEN } : {},
  );
  return createApiApp({
    queue,
    tubePaths: list(env.NOOB_TUBE_PATHS),
    modules: modulePolicy(env.NOOB_ALLOW_MODULES),
  });
}

function list(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
}

function modulePolicy(value: string | undefined): ModulePolicy {
  if (!value) return 'deny';
  return value === '*' ? 'allow' : { allow: list(value) };
}
