import type { SqlRow, SqlValue } from '../../core/queue/backend.ts';
import { openDriver, openQueue } from '../../core/queue/open.ts';
import { KeyStore } from '../../functions/api/keys.ts';
import { api, type ServeProcess } from './serve-process.ts';

/**
 * What the load scenarios of the chaos matrix (a retry storm, priority starvation) share:
 * a second tenant, submissions that must be acknowledged, and jobs followed to their end.
 */

/** A key for `tenant` on the server's database (the API mints only `local`'s). */
export async function tenantKey(db: string, tenant: string): Promise<string> {
  const driver = await openDriver(db);
  try {
    return (await new KeyStore(driver).create(tenant)).key;
  } finally {
    await driver.close();
  }
}

/** POST /v1/jobs with `key`; the job's id, or throws with the answer when it is not a 202. */
export async function submitJob(serve: ServeProcess, key: string, body: object): Promise<string> {
  const { status, body: answer } = await api(serve.url, key, '/v1/jobs', {
    method: 'POST',
    body: JSON.stringify(body),
  });
  if (status !== 202)
    throw new Error(`POST /v1/jobs answered ${status}: ${JSON.stringify(answer)}`);
  return answer.id as string;
}

/**
 * Submits every body with `key`, 8 at a time (one by one, a flood would drain about as
 * fast as it is sent); the ids in order.
 */
export async function submitAll(serve: ServeProcess, key: string, bodies: object[]) {
  const ids: string[] = [];
  for (let i = 0; i < bodies.length; i += 8) {
    const batch = bodies.slice(i, i + 8).map((body) => submitJob(serve, key, body));
    ids.push(...(await Promise.all(batch)));
  }
  return ids;
}

/** A job as GET /v1/jobs/:id shows it. */
export interface JobView {
  id: string;
  state: string;
  results: unknown;
  error: { name?: string; message?: string } | null;
  finishedAt: string | null;
}

/**
 * Polls the jobs (each with its own key) until every one is final, at most `tries` rounds
 * of 200 ms; the last view of each. `onRound` sees each round's views (to record order).
 */
export async function untilFinal(
  serve: ServeProcess,
  jobs: readonly { id: string; key: string }[],
  onRound: (views: JobView[]) => void = () => {},
  tries = 600,
): Promise<JobView[]> {
  let views: JobView[] = [];
  for (let round = 0; round < tries; round++) {
    views = await Promise.all(
      jobs.map(async ({ id, key }) => (await api(serve.url, key, `/v1/jobs/${id}`)).body),
    );
    onRound(views);
    if (views.every((view) => FINAL.has(view.state))) return views;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return views;
}

const FINAL = new Set(['succeeded', 'failed', 'cancelled']);

/** Whether a job view is final. */
export const isFinal = (view: JobView) => FINAL.has(view.state);

/** Rows of a read-only query on the server's queue database. */
export async function queryQueue(
  db: string,
  sql: string,
  params: SqlValue[] = [],
): Promise<SqlRow[]> {
  const queue = await openQueue(db);
  try {
    return (await queue.driver.execute({ sql, params })).rows;
  } finally {
    await queue.close();
  }
}
