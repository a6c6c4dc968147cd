/** Decoding the settlement contract's events from receipts and logs. */
import { type Hash, type Log, parseEventLogs } from 'viem';
import { settlementAbi } from '../generated/Settlement.ts';
import type { SettlementReader } from './actions/types.ts';

/** Decodes every settlement event among `logs` (others are skipped). */
export function decodeSettlementEvents(logs: Log[]) {
  return parseEventLogs({ abi: settlementAbi, logs });
}

/** A decoded settlement event. */
export type SettlementEvent = ReturnType<typeof decodeSettlementEvents>[number];

/**
 * Waits for a transaction and returns its receipt with the settlement events it emitted.
 * A reverted transaction still resolves: check `receipt.status`.
 */
export async function waitForSettlement(reader: SettlementReader, hash: Hash) {
  const receipt = await reader.waitForTransactionReceipt({ hash });
  return { receipt, events: decodeSettlementEvents(receipt.logs) };
}
