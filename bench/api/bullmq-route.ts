import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Queue } from 'bullmq';
import { Hono } from 'hono';
import { startRedis } from '../queue/redis.ts';
import type { BenchServer } from './baseline.ts';
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
  const server = await new Promise<Server>((resolve, reject) => {
    const started = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => {
      started.off('error', reject);
      resolve(started as Server);
    });
    started.once('error', reject);
  }).catch(async (error) => {
    await queue.close();
    await redis.stop();
    throw error;
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    outsideCpuMicroseconds: () => processCpuMicroseconds(redis.pid) ?? 0,
    async close() {
      await new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections();
      });
      await queue.close();
      await redis.stop();
    },
  };
}
