import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openQueue } from '../../core/queue/open.ts';
import type { Queue } from '../../core/queue/queue.ts';
import { SubmissionWriter } from '../../core/queue/submission-writer.ts';
import { KeyStore } from '../../functions/api/keys.ts';
import { startApiServer } from '../../functions/api/serve.ts';

/** The job API under test, over its own queue. */
export interface NoobApi {
  url: string;
  /** An API key of tenant `bench`. */
  key: string;
  queue: Queue;
  keys: KeyStore;
  /** The folders tubes are found in by noob_id (`testing-basic` is `examples/basic`). */
  tubePaths: string[];
  /** Path of the database file. */
  database: string;
  /** Stops the server, closes the queue and removes the temporary folder. */
  close(): Promise<void>;
}

/**
 * The real job API (`startApiServer`) on 127.0.0.1, on a free port, over an embedded
 * queue on a fresh libSQL file in a temporary folder, with the repository's examples as
 * registered tubes (the folder `noob serve` searches first).
 */
export async function startNoobApi(): Promise<NoobApi> {
  const dir = mkdtempSync(join(tmpdir(), 'noob-bench-api-'));
  const removeDir = () => rmSync(dir, { recursive: true, force: true });
  const database = join(dir, 'noob.db');
  const tubePaths = [join(import.meta.dirname, '..', '..', 'examples')];
  let queue: Queue | undefined;
  let writer: SubmissionWriter | undefined;
  try {
    queue = await openQueue(database);
    // As noob serve does: submissions commit on a thread of their own.
    writer = await SubmissionWriter.start(database, queue.driver);
    queue.commitSubmissionsWith(writer);
    const keys = new KeyStore(queue.driver);
    const { key } = await keys.create('bench');
    // The benchmark measures how fast submissions are accepted, with nothing draining them:
    // the per-tenant open-jobs quota (docs/limits.md) would refuse most of them with 429.
    const limits = { maxOpenJobsPerTenant: Number.MAX_SAFE_INTEGER };
    const server = await startApiServer({ queue, keys, tubePaths, port: 0, limits });
    const opened = queue;
    const started = writer;
    return {
      url: server.url,
      key,
      queue: opened,
      keys,
      tubePaths,
      database,
      async close() {
        try {
          await server.close();
        } finally {
          await started.close();
          await opened.close();
          removeDir();
        }
      },
    };
  } catch (error) {
    await writer?.close().catch(() => undefined);
    await queue?.close().catch(() => undefined);
    removeDir();
    throw error;
  }
}
