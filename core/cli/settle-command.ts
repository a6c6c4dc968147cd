import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { passOptionsFromEnv, settlerOf } from '../../functions/settlement/settle.ts';
import type { QueueDriver } from '../queue/backend.ts';
import { DEFAULT_QUEUE_PATH, openDriver } from '../queue/open.ts';
import { settlementChainFromEnv } from '../settlement/config.ts';
import type { SettleSummary } from '../settlement/summary.ts';
import type { CommandIO } from './commands.ts';
import { parseDuration } from './duration.ts';
import { toJson } from './output.ts';
import { UsageError } from './usage.ts';

/** The usage of `noob settle`. */
const USAGE = 'noob settle [--db URL] [--every 60s] [--json]';

/**
 * `noob settle`: one settlement pass over the queue's verified results (the settlement
 * Lambda's pass, run here): batches posted, results waiting and why. `--every 60s` runs a
 * pass, waits, and again, until Ctrl-C or SIGTERM (the pass under way stops before its
 * next batch). The queue is `--db` (a libSQL file or server), else `NOOB_QUEUE_URL` (token
 * `NOOB_QUEUE_TOKEN`), else `.noob/noob.db`; the chain and the settler's key come from
 * `NOOB_CHAIN`, `NOOB_RPC_URL`, `NOOB_PRIVATE_KEY`, `NOOB_SETTLEMENT_ADDRESS` (and the pass's
 * optional `NOOB_SETTLEMENT_BATCH_ROWS` and `NOOB_SETTLEMENT_CONFIRMATIONS`). Exit 2 when
 * one of them is missing or malformed (the message names it).
 */
export async function settleCommand(args: readonly string[], io: CommandIO): Promise<number> {
  let values: { db?: string; every?: string; json?: boolean };
  try {
    ({ values } = parseArgs({
      args: [...args],
      options: {
        db: { type: 'string' },
        every: { type: 'string' },
        json: { type: 'boolean', default: false },
      },
    }));
  } catch (error) {
    throw new UsageError(`${(error as Error).message} (usage: ${USAGE})`);
  }
  const everyMs = values.every === undefined ? undefined : parseDuration(values.every, '--every');
  let chain: ReturnType<typeof settlementChainFromEnv>;
  let defaults: ReturnType<typeof passOptionsFromEnv>;
  try {
    chain = settlementChainFromEnv(process.env);
    defaults = passOptionsFromEnv(process.env);
  } catch (error) {
    if ((error as Error).name !== 'SettlementConfigError') throw error;
    io.stderr.write(`noob settle: ${(error as Error).message}\n`);
    return 2;
  }
  const url = values.db ?? process.env.NOOB_QUEUE_URL ?? DEFAULT_QUEUE_PATH;
  const token = process.env.NOOB_QUEUE_TOKEN;
  const driver: QueueDriver = await openDriver(url, token ? { authToken: token } : {});
  const settler = settlerOf(driver, chain, defaults);
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    for (;;) {
      const summary = await settler.pass({ signal: stop.signal });
      io.stdout.write(values.json ? `${toJson(summary)}\n` : describe(summary));
      if (everyMs === undefined || stop.signal.aborted) return 0;
      // Aborted by a signal: the wait ends at once, and so does the loop.
      await sleep(everyMs, undefined, { signal: stop.signal }).catch(() => {});
      if (stop.signal.aborted) return 0;
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await settler.close();
  }
}

/** A pass in a few lines for people. */
function describe(summary: SettleSummary): string {
  const lines = summary.posted.map(
    (b) =>
      `posted batch ${b.chainBatchId} for escrow ${b.escrow}: ${b.taskCount} results, ${b.total} wei, claimable after ${new Date(b.challengeEnd * 1000).toISOString()}${b.how === 'posted' ? '' : ` (recovered: ${b.how})`}`,
  );
  for (const w of summary.waiting)
    lines.push(
      `waiting: ${w.rows} result${w.rows === 1 ? '' : 's'} of escrow ${w.escrow}: ${w.reason}`,
    );
  for (const p of summary.pending)
    lines.push(
      `pending: batch ${p.id} of escrow ${p.escrow}: ${p.reason ?? `transaction ${p.txHash} not mined yet`} (the next pass tries again)`,
    );
  if (lines.length === 0) lines.push('nothing to settle');
  return `${lines.join('\n')}\n`;
}
