import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, vi } from 'vitest';
import { openQueue } from '../../queue/open.ts';
import type { Queue } from '../../queue/queue.ts';

/**
 * For the queued runner's unit tests: a queue on a libSQL file of its own, opened before
 * the file's tests and removed after them, with spies restored after each test. Returns
 * a getter (the queue exists once the tests run).
 */
export function fileQueue(name: string): () => Queue {
  const root = mkdtempSync(join(tmpdir(), `noob-${name}-`));
  let queue: Queue;
  beforeAll(async () => {
    queue = await openQueue(join(root, 'queue.db'));
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });
  afterAll(async () => {
    await queue.close();
    rmSync(root, { recursive: true, force: true });
  });
  return () => queue;
}
