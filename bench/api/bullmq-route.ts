import { Queue } from 'bullmq';
import { Hono } from 'hono';
import { startRedis } from '../queue/redis.ts';
import { type BenchServer, listen } from './baseline.ts';
import { processCpuMicroseconds } from './process-cpu.ts';

/**
 * The baseline a user would otherwise build: a Hono route on `@hono/node-server` that
 * takes the same `POST /v1/jobs` body and puts it on a BullMQ queue (`queue.add`), on a
 * Redis with `appendfsync always`, so its 202 means what noob's does: the job is on disk.
 * No auth and no tube check. Redis comes from Debian's packages (see bench/queue/redis.ts).
 */
export async function startBullmqRoute(): Promise<BenchServer> {
  const redis = await startRedis(true);
  const queue = new Queue(`bench-api-${process.pid}`, {
    connection: { host: '127.0.0.1', port: redis.port, maxRetriesPerRequest: null },
  });
  const app = new Hono();
  app.post('/v1/jobs', async (c) => {
    const job = await queue.add('tube', await c.req.json());
    return c.json({ id: job.id }, 202);
  });
  const server = await listen(app).catch(async (error) => {
    await queue.close();
    await redis.stop();
    throw error;
  });
  return {
    url: server.url,
    outsideCpuMicroseconds: () => processCpuMicroseconds(redis.pid) ?? 0,
    async close() {
      await server.close();
      await queue.close();
      await redis.stop();
    },
  };
}
