/**
 * For `submission-writer.test.ts`: a writer thread that ends as soon as it is sent
 * submissions, the first time it runs beside a database (it leaves a marker file); after
 * that, the real thread.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import type { WriterReport, WriterSetup } from './submission-writer-protocol.ts';

const marker = `${(workerData as WriterSetup).path}.writer-crashed`;
if (existsSync(marker)) {
  await import('./submission-writer-thread.ts');
} else {
  writeFileSync(marker, '');
  parentPort!.postMessage({ type: 'ready' } satisfies WriterReport);
  parentPort!.once('message', () => process.exit(3));
}
