/**
 * The settlement function, runtime-agnostic: its components from the environment (built
 * once per cold start by lambda.ts), and one pass with them. The same pass runs locally as
 * `noob settle` (core/cli/settle-command.ts).
 *
 * - `NOOB_QUEUE_URL` (required): the libSQL server holding the queue (`libsql://…` Turso,
 *   `http://…` sqld); `NOOB_QUEUE_TOKEN` its auth token.
 * - `NOOB_CHAIN`, `NOOB_RPC_URL`, `NOOB_PRIVATE_KEY` (the settler's key),
 *   `NOOB_SETTLEMENT_ADDRESS`, optional `NOOB_SETTLEMENT_FROM_BLOCK`: core/settlement/config.ts.
 * - `NOOB_SETTLEMENT_BATCH_ROWS`: most results per batch (default 256).
 * - `NOOB_SETTLEMENT_CONFIRMATIONS`: how deep a lost post's nonce, taken by another
 *   transaction, must be before the batch is signed again (default 12; 0 on a dev chain
 *   that mines only when sent a transaction).
 *
 * @example
 * ```ts
 * const settler = await settlerFromEnv(process.env);
 * const summary = await settler.pass(); // { posted: […], waiting: […], pending: […] }
 * ```
 */
import type { QueueDriver } from '../../core/queue/backend.ts';
import { openRemoteDriver } from '../../core/queue/drivers/remote.ts';
import { migrated } from '../../core/queue/open-remote.ts';
import type { SettlementChain } from '../../core/settlement/chain.ts';
import { settlementChainFromEnv } from '../../core/settlement/config.ts';
import { SettlementConfigError } from '../../core/settlement/errors.ts';
import { type SettleOptions, settle } from '../../core/settlement/pass.ts';
import type { SettleSummary } from '../../core/settlement/summary.ts';

/** A settler: its queue connection and chain clients, and a pass over them. */
export interface Settler {
  readonly driver: QueueDriver;
  readonly chain: SettlementChain;
  /** One settlement pass (see core/settlement/pass.ts). */
  pass(
    options?: Pick<SettleOptions, 'signal' | 'log' | 'receiptTimeoutMs'>,
  ): Promise<SettleSummary>;
  close(): Promise<void>;
}

/** Builds a {@link Settler} from `env`; a missing or malformed variable is named in a {@link SettlementConfigError}. */
export async function settlerFromEnv(env: Record<string, string | undefined>): Promise<Settler> {
  const url = env.NOOB_QUEUE_URL;
  if (!url)
    throw new SettlementConfigError(
      'NOOB_QUEUE_URL is not set: the settlement function has no queue to read results from',
    );
  if (!/^(libsql|https?|wss?):\/\//i.test(url))
    throw new SettlementConfigError(
      `NOOB_QUEUE_URL must be a libSQL server's URL (libsql://, http(s)://, ws(s)://), got "${url}" (for a local file, run noob settle --db FILE)`,
    );
  const defaults = passOptionsFromEnv(env);
  // The chain first: a bad variable fails before any connection is made.
  const chain = settlementChainFromEnv(env);
  // The remote driver alone: the embedded one's native package is not loaded at all.
  const driver = await migrated(
    await openRemoteDriver(url, env.NOOB_QUEUE_TOKEN ? { authToken: env.NOOB_QUEUE_TOKEN } : {}),
  );
  return settlerOf(driver, chain, defaults);
}

/** A {@link Settler} over a driver and chain already made (`noob settle --db FILE`, tests). */
export function settlerOf(
  driver: QueueDriver,
  chain: SettlementChain,
  defaults: SettleOptions = {},
): Settler {
  return {
    driver,
    chain,
    pass: (options = {}) => settle(driver, chain, { ...defaults, ...options }),
    close: () => driver.close(),
  };
}

/** NOOB_SETTLEMENT_BATCH_ROWS, if set: a whole number from 1 to 4096. */
export function batchRows(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const rows = Number(value);
  if (!Number.isInteger(rows) || rows < 1 || rows > 4096)
    throw new SettlementConfigError(
      `NOOB_SETTLEMENT_BATCH_ROWS must be a whole number from 1 to 4096, got "${value}"`,
    );
  return rows;
}

/**
 * The pass's settings the environment may change (`NOOB_SETTLEMENT_BATCH_ROWS`,
 * `NOOB_SETTLEMENT_CONFIRMATIONS`): those set, checked; a malformed one is named in a
 * {@link SettlementConfigError}. Shared by the Lambda and `noob settle`.
 */
export function passOptionsFromEnv(
  env: Record<string, string | undefined>,
): Pick<SettleOptions, 'maxBatchRows' | 'confirmations'> {
  const maxBatchRows = batchRows(env.NOOB_SETTLEMENT_BATCH_ROWS);
  const deep = confirmations(env.NOOB_SETTLEMENT_CONFIRMATIONS);
  return {
    ...(maxBatchRows === undefined ? {} : { maxBatchRows }),
    ...(deep === undefined ? {} : { confirmations: deep }),
  };
}

/**
 * NOOB_SETTLEMENT_CONFIRMATIONS, if set: a whole number from 0 to 10,000. Lower trusts the
 * RPC endpoint more (a node lagging, or a reorganisation, deeper than it can make a post
 * of ours look lost, and have it posted twice); 0 suits a dev chain such as anvil, which
 * mines only when sent a transaction, so 12 blocks may never come.
 */
export function confirmations(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const blocks = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(blocks) || blocks > 10_000)
    throw new SettlementConfigError(
      `NOOB_SETTLEMENT_CONFIRMATIONS must be a whole number of blocks from 0 to 10000, got "${value}"`,
    );
  return blocks;
}
