import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openQueue } from './open.ts';
import type { Queue } from './queue.ts';
import { SubmissionWriter } from './submission-writer.ts';

/** What a test undoes once it ends, newest first. */
export type Cleanups = Array<() => Promise<void> | void>;

/**
 * A queue on a fresh embedded file whose submissions commit on a writer thread, as under
 * `noob serve`; the folder, queue and writer are undone through `cleanups`.
 */
export async function openWriterQueue(
  prefix: string,
  cleanups: Cleanups,
): Promise<{ queue: Queue; writer: SubmissionWriter; path: string }> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'noob.db');
  const queue = await openQueue(path);
  cleanups.push(() => queue.close());
  const writer = await SubmissionWriter.start(path, queue.driver);
  cleanups.push(() => writer.close());
  queue.commitSubmissionsWith(writer);
  return { queue, writer, path };
}
