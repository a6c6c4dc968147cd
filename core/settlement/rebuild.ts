/**
 * A batch's tree built again from its rows: what proofs are served from and what a
 * re-post sends. The rows must give the root on record; if they do not (they were changed
 * after the batch was made), nothing is served or sent from them.
 */
import type { Hex } from 'viem';
import { buildBatch, type SettlementBatch } from '../../contracts/client/batch.ts';
import type { QueueDriver } from '../queue/backend.ts';
import { ProofMismatchError } from './errors.ts';
import { batchRows, toSettled } from './rows.ts';

/** Builds batch `id` from its rows; throws a {@link ProofMismatchError} unless the root is `root`. */
export async function rebuildBatch(
  driver: QueueDriver,
  batch: { id: number; root: Hex },
): Promise<SettlementBatch> {
  const rows = await batchRows(driver, batch.id);
  const built = rows.length > 0 ? buildBatch(toSettled(rows)) : undefined;
  if (built?.root.toLowerCase() !== batch.root.toLowerCase()) {
    throw new ProofMismatchError(`batch ${batch.id}'s results do not give its root`, {
      details: `root on record ${batch.root}, from its ${rows.length} rows ${built?.root ?? 'none'}: settlement_results rows were changed after the batch was made; restore them from a backup`,
    });
  }
  return built;
}
