/**
 * Storing the allocations of batches posted before they were stored with each batch
 * (migration 0051), a few per settlement pass, so that claims of old batches too are read
 * rather than computed again on the API's event loop. The tree is built here, in the
 * settler, from the batch's rows (they must give its posted root).
 */
import type { Hex } from 'viem';
import type { QueueDriver } from '../queue/backend.ts';
import { sql } from '../queue/sql.ts';
import { describeError } from './errors.ts';
import { storeAllocations } from './post.ts';
import { rebuildBatch } from './rebuild.ts';

/** Options of {@link storeMissingAllocations}. */
export interface BackfillOptions {
  /** Most batches built in one call (each up to 4096 rows: a quarter of a second). */
  readonly limit: number;
  /** Told each batch stored, and each that could not be (its rows no longer give its root). */
  readonly log: (line: string) => void;
  readonly signal?: AbortSignal;
}

/**
 * Stores the allocations of up to `limit` posted batches that have none, newest first;
 * returns how many were stored. A batch that cannot be rebuilt is logged and left (its
 * claims fail with the same ProofMismatchError) and the walk goes on below it.
 */
export async function storeMissingAllocations(
  driver: QueueDriver,
  options: BackfillOptions,
): Promise<number> {
  const [result] = await driver.batch(
    [sql('settlement_batches_unstored', { limit: options.limit })],
    'read',
  );
  let stored = 0;
  for (const row of result!.rows) {
    if (options.signal?.aborted) break;
    const id = Number(row.id);
    try {
      const batch = await rebuildBatch(driver, { id, root: String(row.root) as Hex });
      await driver.batch([storeAllocations(id, batch)]);
      stored++;
    } catch (error) {
      options.log(`batch ${id}: its allocations could not be stored: ${describeError(error)}`);
    }
  }
  if (stored > 0)
    options.log(
      `stored the allocations of ${stored} batch${stored === 1 ? '' : 'es'} posted before migration 0051`,
    );
  return stored;
}
