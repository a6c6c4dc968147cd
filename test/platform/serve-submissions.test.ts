import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { openQueue } from '../../core/queue/open.ts';
import { api, cleanUpServes, startServe, tempDb } from './serve-process.ts';

/**
 * `noob serve` commits submissions on its writer thread (core/queue/submission-writer.ts):
 * a 202 still means the job is on disk, however many arrive together.
 */

afterEach(cleanUpServes);

describe('noob serve submissions', () => {
  it('behavior: concurrent submissions are all acknowledged, a key twice in one burst gives one job, and every 202 survives kill -9', async () => {
    const db = tempDb();
    const serve = await startServe(db);
    const submit = (key: string, epochs = 1) =>
      api(serve.url, serve.key, '/v1/jobs', {
        method: 'POST',
        body: JSON.stringify({ tube: 'testing-basic', epochs, idempotencyKey: key }),
      });
    // A burst: 48 keys, 8 of them twice, all at once.
    const burst = await Promise.all([
      ...Array.from({ length: 48 }, (_, i) => submit(`burst-${i}`)),
      ...Array.from({ length: 8 }, (_, i) => submit(`burst-${i}`)),
    ]);
    expect(burst.map((r) => r.status)).toEqual(burst.map(() => 202));
    for (let i = 0; i < 8; i++) expect(burst[48 + i]!.body.id).toBe(burst[i]!.body.id);
    const acknowledged = new Set<string>(burst.map((r) => r.body.id));
    expect(acknowledged.size).toBe(48);

    // Then 16 clients submitting in a loop, killed with -9 mid-stream.
    let stop = false;
    let sent = 0;
    const client = async (c: number) => {
      for (let i = 0; !stop && i < 500; i++) {
        sent++;
        const answer = await submit(`loop-${c}-${i}`).catch(() => undefined);
        if (answer?.status === 202 && !stop) acknowledged.add(answer.body.id);
      }
    };
    const clients = Array.from({ length: 16 }, (_, c) => client(c));
    while (acknowledged.size < 48 + 160) await new Promise((done) => setTimeout(done, 5));
    // Answers still in flight may be read after the kill: only those counted before it matter.
    const before = new Set(acknowledged);
    serve.child.kill('SIGKILL');
    stop = true;
    await once(serve.child, 'exit');
    await Promise.all(clients);
    expect(sent).toBeGreaterThan(before.size - 48);

    const queue = await openQueue(db);
    try {
      const missing: string[] = [];
      for (const id of before) {
        await queue.getJob('local', id).catch(() => missing.push(id));
      }
      expect(missing).toEqual([]);
    } finally {
      await queue.close();
    }
  });
});
