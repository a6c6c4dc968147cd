import type { SettleSummary } from '../../core/settlement/summary.ts';
import { type Settler, settlerFromEnv } from './settle.ts';

/**
 * The settlement Lambda's handler: the adapter only (the pass is core/settlement/pass.ts).
 * Scheduled by CronV2 (infra/settlement.ts); the event's content is not read. Its settler
 * (queue connection, chain clients) is built on the first invocation and reused; if
 * building fails (a variable missing: the error names it), that invocation fails and the
 * next one tries again. The pass stops starting batches a minute before the time limit
 * (half way through a shorter one); a batch still pending then is finished by the next pass.
 */

let settler: Promise<Settler> | undefined;

/** What the runtime passes the handler (the part it reads). */
interface LambdaContext {
  getRemainingTimeInMillis(): number;
}

/** One settlement pass; answers its summary. */
export async function handler(_event: unknown, context?: LambdaContext): Promise<SettleSummary> {
  settler ??= settlerFromEnv(process.env).catch((error: unknown) => {
    settler = undefined;
    throw error;
  });
  const built = await settler;
  const stop = new AbortController();
  const left = context?.getRemainingTimeInMillis();
  // A minute kept to wait for the last batch's receipt (half the budget, if that is less).
  const reserve = left === undefined ? 0 : Math.min(60_000, left / 2);
  const timer = left === undefined ? undefined : setTimeout(() => stop.abort(), left - reserve);
  try {
    return await built.pass({
      signal: stop.signal,
      // A receipt waited for just before the stop still ends within the reserve.
      ...(left === undefined ? {} : { receiptTimeoutMs: Math.max(1_000, reserve - 5_000) }),
      log: (line) => console.log(`noob settle: ${line}`),
    });
  } finally {
    clearTimeout(timer);
  }
}
