import { Hono } from 'hono';
import { defaultApiLimits } from '../../functions/api/limits.ts';
import { checkTube } from '../../functions/api/tube-source.ts';
import { type BenchServer, listen } from './baseline.ts';
import type { NoobApi } from './noob.ts';

/**
 * The floor under noob's figure: a bare Hono route (the BullMQ route's shape: parse the
 * body, store the job, answer 202) that stores what `POST /v1/jobs` stores (the tube's
 * text, inputs, epochs) through `api`'s own queue and submission writer thread, with none
 * of the API's work (no key, no validation, no tube check). What it reaches is what any
 * route on noob's durable queue can reach on this machine, however lean the API became.
 */
export async function startQueueRoute(api: NoobApi): Promise<BenchServer> {
  const { text, id, registered } = await checkTube(
    'testing-basic',
    {},
    { tubePaths: api.tubePaths },
  );
  // What the API's payload holds besides the request's fields (see submit-job.ts).
  const stored = {
    tube: text,
    noobId: id,
    ...(registered ? { registered } : {}),
    tags: [],
    timeoutMs: defaultApiLimits().maxJobTimeoutMs,
  };
  const app = new Hono();
  app.post('/v1/jobs', async (c) => {
    const body = (await c.req.json()) as { epochs?: number };
    const { jobId } = await api.queue.submitJob({
      tenant: 'bench',
      kind: 'tube',
      payload: { ...stored, inputs: {}, epochs: body.epochs ?? 1 },
      open: true,
    });
    return c.json({ id: jobId }, 202);
  });
  return listen(app);
}
